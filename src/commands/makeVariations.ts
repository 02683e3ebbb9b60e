import * as vscode from 'vscode';
import type { ImageModelId } from '../apiframe/imageModels';
import type { CoreServices } from '../container/services';
import { MAX_CANDIDATES, MIN_CANDIDATES, planCandidates } from '../models/candidates';
import { formatCostRange } from '../models/cost';
import { inputImageTaskParams, takesInputImage } from '../models/inputImageModels';
import type { RerunFromImageArguments } from './commandArguments';
import { summarizeCost } from './costSummary';
import { actionImageFile, runImageAction } from './imageAction';
import { askForChange, pickInputImageModel, referenceInputOf, referenceOptions, sourceImageFacts } from './imageActionForms';

interface CountItem extends vscode.QuickPickItem {
  readonly count: number;
}

/** 1–4 variations, each with what it may cost on `model` (when the catalog knows), the usual count first. */
function countItems(services: CoreServices, model: ImageModelId): CountItem[] {
  const usual = services.models.candidateCount();
  const items: CountItem[] = [];
  for (let count = MIN_CANDIDATES; count <= MAX_CANDIDATES; count++) {
    const total = summarizeCost([planCandidates(model, count)], (id) => services.models.entryFor(id)).total;
    items.push({
      count,
      label: count === 1 ? vscode.l10n.t('1 variation') : vscode.l10n.t('{0} variations', count),
      description: total ? vscode.l10n.t('{0} credits', formatCostRange(total)) : vscode.l10n.t('price unknown'),
    });
  }
  return items.sort((a, b) => Number(b.count === usual) - Number(a.count === usual));
}

/**
 * `Apiframe: Make Variations…` — on an image in the Explorer or the image preview (or one picked from the
 * palette): new images like it, from the image as reference and a prompt (pre-filled with the request saved in
 * the image when it carries one), 1–4 of them, on the model in use when it can start from an image (else the
 * user picks one that can). Each result is saved beside the original under a name of its own.
 */
export async function makeVariations(services: CoreServices, given: RerunFromImageArguments): Promise<void> {
  const file = await actionImageFile(services, given.file, vscode.l10n.t('Make Variations'));
  if (!file) return;
  const name = vscode.workspace.asRelativePath(file);
  const current = services.models.currentModel();
  const model = takesInputImage(current) ? current : await pickInputImageModel(services, vscode.l10n.t('{0} cannot start from an image: make variations of {1} with', services.models.entryFor(current).label, name));
  if (!model) return;
  const facts = await sourceImageFacts(services, file);
  const prompt = await askForChange(
    services,
    model,
    {
      title: vscode.l10n.t('Variations of {0} with {1}', name, services.models.entryFor(model).label),
      prompt: facts.metadata ? vscode.l10n.t('The prompt saved in the image; change it or keep it') : vscode.l10n.t('Describe the image the variations should show'),
      placeHolder: vscode.l10n.t('e.g. the same logo, flat and minimal'),
    },
    facts.metadata?.prompt,
  );
  if (prompt === undefined) return;
  const picked = await services.ui.quickPick(countItems(services, model), { title: vscode.l10n.t('How many variations?'), ignoreFocusOut: true });
  if (!picked) return;
  const options = referenceOptions(services, facts, model, picked.count, inputImageTaskParams(model, 'variation'));
  await runImageAction(services, {
    job: { generation: { prompt, options, origin: { targetFolderUri: vscode.Uri.joinPath(file, '..').toString() } }, count: picked.count },
    label: vscode.l10n.t('Variation'),
    suffix: 'var',
    input: referenceInputOf(file, model),
  });
}
