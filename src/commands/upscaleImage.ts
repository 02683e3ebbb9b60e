import * as vscode from 'vscode';
import type { ImageOperationRequest } from '../apiframe/imageOperations';
import type { CoreServices } from '../container/services';
import type { RerunFromImageArguments } from './commandArguments';
import { actionImageFile, operationPriceText, runImageAction, workspaceImageInput } from './imageAction';

/** The upscales offered: each model with the factors worth asking for (1× is no upscale). */
const UPSCALES = [
  { model: 'topaz-image-upscale', name: 'Topaz', factors: [2, 4, 6] },
  { model: 'clarity-upscale', name: 'Clarity', factors: [2, 4, 8] },
] as const;

interface UpscaleItem extends vscode.QuickPickItem {
  readonly model: (typeof UPSCALES)[number]['model'];
  readonly factor: number;
}

/**
 * `Apiframe: Upscale…` — on an image in the Explorer, the image preview, or one picked from the palette: the user
 * picks a model and a factor (with its price as far as the catalog says), the image is uploaded and upscaled,
 * and the result is saved beside the original (`hero.png` → `hero-2x.png`), in the original's format.
 */
export async function upscaleImage(services: CoreServices, given: RerunFromImageArguments): Promise<void> {
  const title = vscode.l10n.t('Upscale Image');
  const file = await actionImageFile(services, given.file, title);
  if (!file) return;
  const items: UpscaleItem[] = UPSCALES.flatMap(({ model, name, factors }) =>
    factors.map((factor) => ({ label: vscode.l10n.t('{0} ×{1}', name, factor), description: operationPriceText(services, model), model, factor })),
  );
  const picked = await services.ui.quickPick(items, { title, placeHolder: vscode.l10n.t('Model and factor for {0}', workspaceImageInput(file).name) });
  if (!picked) return;
  await runImageAction(services, {
    job: { operation: upscaleRequest(picked.model, picked.factor, formatOf(file)) },
    label: vscode.l10n.t('Upscale ×{0}', picked.factor),
    suffix: `${picked.factor}x`,
    input: workspaceImageInput(file),
  });
}

/** The original's format, so the upscale keeps it (a PNG keeps its transparency). WebP: Topaz has none, so PNG. */
function formatOf(file: vscode.Uri): 'png' | 'jpg' | 'webp' {
  const extension = file.path.slice(file.path.lastIndexOf('.') + 1).toLowerCase();
  return extension === 'jpg' || extension === 'jpeg' ? 'jpg' : extension === 'webp' ? 'webp' : 'png';
}

function upscaleRequest(model: UpscaleItem['model'], factor: number, format: 'png' | 'jpg' | 'webp'): ImageOperationRequest {
  if (model === 'topaz-image-upscale') {
    const upscale_factor = factor as 1 | 2 | 4 | 6;
    return { kind: 'upscale', request: { model, topazUpscaleParams: { image: '', upscale_factor, output_format: format === 'jpg' ? 'jpg' : 'png' } } };
  }
  const scale_factor = factor as 1 | 2 | 4 | 8;
  return { kind: 'upscale', request: { model, clarityUpscaleParams: { image: '', scale_factor, output_format: format } } };
}
