import * as vscode from 'vscode';
import type { CoreServices } from '../container/services';
import type { RerunFromImageArguments } from './commandArguments';
import { actionImageFile, runImageAction, workspaceImageInput } from './imageAction';

/**
 * `Apiframe: Remove Background` — on an image in the Explorer, the image preview, or one picked from the palette:
 * uploads it, runs Bria's background removal (a transparent PNG of the same size) and saves the result beside
 * the original (`logo.png` → `logo-no-bg.png`).
 */
export async function removeBackground(services: CoreServices, given: RerunFromImageArguments): Promise<void> {
  const label = vscode.l10n.t('Remove Background');
  const file = await actionImageFile(services, given.file, label);
  if (!file) return;
  await runImageAction(services, {
    job: { operation: { kind: 'backgroundRemove', request: { model: 'bria-bg-remove', briaBgRemoveParams: { image: '' } } } },
    label,
    suffix: 'no-bg',
    input: workspaceImageInput(file),
  });
}
