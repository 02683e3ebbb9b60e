import * as vscode from 'vscode';
import type { ImageModelId } from '../apiframe/imageModels';
import type { CoreServices } from '../container/services';
import type { JobRecord } from '../jobs/types';
import { applyAspectRatio } from '../models/aspectRatio';
import { modelPickItems, offlineNote } from './chooseModel';
import { MAX_COMPARED_MODELS, MIN_COMPARED_MODELS, type CompareModelsArguments } from './commandArguments';
import { generateForModels } from './generation';
import { defaultImageOptions } from './imageOptions';
import { askForPrompt } from './promptInput';

/**
 * `Apiframe: Compare Models…` — one prompt (the selection, else typed) sent to 2–3 models side by side, one
 * image each, as one group; the cost confirmation shows every model's price and their sum.
 */
export async function compareModels(services: CoreServices, given: CompareModelsArguments): Promise<JobRecord[]> {
  const editor = vscode.window.activeTextEditor;
  const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection).trim() : '';
  const prompt = given.prompt?.trim() || selected || (await askForPrompt(services.ui));
  if (!prompt) return [];
  const models = given.models ?? (await pickModels(services));
  if (!models) return [];
  const origin = editor ? { documentUri: editor.document.uri.toString() } : undefined;
  const requests = models.map((model) => {
    // One ratio for every model where each takes it, so the images compare; a model that does not keeps its own default.
    const ratio = given.aspectRatio !== undefined && applyAspectRatio(model, given.aspectRatio).ok ? given.aspectRatio : undefined;
    const options = { ...defaultImageOptions(services, { model, ...(ratio ? { aspectRatio: ratio } : {}) }), count: 1 };
    return { prompt, options, ...(origin ? { origin } : {}) };
  });
  return generateForModels(services, requests, 'compare');
}

/** A multi-select pick of 2–3 models; asked again (with the choice kept) until the count fits or the pick is dismissed. */
async function pickModels(services: CoreServices): Promise<ImageModelId[] | undefined> {
  const snapshot = await services.models.catalog();
  let checked = new Set<ImageModelId>([services.models.currentModel()]);
  for (;;) {
    const picked = await services.ui.quickPickMany(modelPickItems(snapshot, services.models.currentModel(), checked), {
      title: vscode.l10n.t('Compare {0} to {1} models', MIN_COMPARED_MODELS, MAX_COMPARED_MODELS) + offlineNote(snapshot),
      placeHolder: vscode.l10n.t('Check the models to send the prompt to (costs in Apiframe credits)'),
      matchOnDescription: true,
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    const models = picked.flatMap((item) => (item.model ? [item.model] : []));
    if (models.length >= MIN_COMPARED_MODELS && models.length <= MAX_COMPARED_MODELS) return models;
    void services.ui.message(
      'warning',
      vscode.l10n.t('Choose {0} to {1} models to compare; {2} were checked.', MIN_COMPARED_MODELS, MAX_COMPARED_MODELS, models.length),
      [],
    );
    checked = new Set(models);
  }
}
