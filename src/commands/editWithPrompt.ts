import * as vscode from 'vscode';
import type { CoreServices } from '../container/services';
import { inputImageTaskParams } from '../models/inputImageModels';
import type { RerunFromImageArguments } from './commandArguments';
import { actionImageFile, runImageAction } from './imageAction';
import { askForChange, pickInputImageModel, referenceInputOf, referenceOptions, sourceImageFacts } from './imageActionForms';

/**
 * `Apiframe: Edit Image with Prompt…` — on an image in the Explorer or the image preview (or one picked from
 * the palette): a model that can start from an image (grouped with its cost like Choose Model), then what to
 * change; the image goes to the model as its input, and the result is saved beside the original.
 */
export async function editWithPrompt(services: CoreServices, given: RerunFromImageArguments): Promise<void> {
  const file = await actionImageFile(services, given.file, vscode.l10n.t('Edit'));
  if (!file) return;
  const model = await pickInputImageModel(services, vscode.l10n.t('Edit {0} with', vscode.workspace.asRelativePath(file)));
  if (!model) return;
  const prompt = await askForChange(services, model, {
    title: vscode.l10n.t('Edit with Prompt: {0}', services.models.entryFor(model).label),
    prompt: vscode.l10n.t('Describe the change to make to the image'),
    placeHolder: vscode.l10n.t('e.g. make the background a soft blue gradient'),
  });
  if (prompt === undefined) return;
  const options = referenceOptions(services, await sourceImageFacts(services, file), model, 1, inputImageTaskParams(model, 'edit'));
  await runImageAction(services, {
    job: { generation: { prompt, options, origin: { targetFolderUri: vscode.Uri.joinPath(file, '..').toString() } } },
    label: vscode.l10n.t('Edit with Prompt'),
    suffix: 'edit',
    input: referenceInputOf(file, model),
  });
}
