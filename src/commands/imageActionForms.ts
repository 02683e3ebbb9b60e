/**
 * What the image actions that start a generation from a workspace file (Edit with Prompt…, Make Variations…)
 * ask before they run: which model can start from an image, what to ask of it, and what is inside the file (its
 * size, the prompt saved in it).
 */
import * as vscode from 'vscode';
import { IMAGE_MODELS, type ImageModelId, type ModelParamValues } from '../apiframe/imageModels';
import type { CoreServices } from '../container/services';
import { MAX_IMAGE_BYTES, imageFormatOf, readImageMetadata, type ImageMetadata } from '../imageMetadata';
import { imageSize } from '../jobs/imageCache';
import type { InputImage } from '../jobs/types';
import { aspectRatioChoices } from '../models/aspectRatio';
import { closestAspectRatio, inputImageParamOf, takesInputImage } from '../models/inputImageModels';
import { mergeParams } from '../models/requests';
import { modelPickItems, offlineNote } from './chooseModel';
import { workspaceImageInput } from './imageAction';
import { defaultImageOptions, type ImageOptions } from './imageOptions';
import { promptProblem } from './promptInput';

/** The input of a generation that starts from `file`: with the parameter `model` takes the uploaded image through. */
export function referenceInputOf(file: vscode.Uri, model: ImageModelId): InputImage {
  const referenceParam = inputImageParamOf(model)?.name;
  return { ...workspaceImageInput(file), ...(referenceParam ? { referenceParam } : {}) };
}

/**
 * The models that take an input image, grouped by family with their cost like Choose Model; the model in use is
 * marked when it is one of them. Undefined when dismissed.
 */
export async function pickInputImageModel(services: CoreServices, title: string): Promise<ImageModelId | undefined> {
  const snapshot = await services.models.catalog();
  const models = snapshot.models.filter((entry) => takesInputImage(entry.id));
  const current = services.models.currentModel();
  const picked = await services.ui.quickPick(modelPickItems({ ...snapshot, models }, current), {
    title: title + offlineNote(snapshot),
    placeHolder: vscode.l10n.t('Models that can start from an image; costs are in Apiframe credits'),
    matchOnDescription: true,
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  return picked?.model;
}

/** What the actions read from the source file: its pixel size and the request saved inside, when there is one. */
export interface SourceImageFacts {
  readonly width?: number;
  readonly height?: number;
  readonly metadata?: ImageMetadata;
}

/**
 * Reads `file` for its size and embedded request. Nothing here is required: a file that cannot be read or is
 * no image gives no facts, and the upload then says what is wrong with it, in its own words.
 */
export async function sourceImageFacts(services: CoreServices, file: vscode.Uri): Promise<SourceImageFacts> {
  try {
    if ((await vscode.workspace.fs.stat(file)).size > MAX_IMAGE_BYTES) return {};
    const bytes = await vscode.workspace.fs.readFile(file);
    const format = imageFormatOf(bytes);
    if (!format) return {};
    const size = imageSize(format === 'png' ? 'image/png' : format === 'jpeg' ? 'image/jpeg' : 'image/webp', bytes);
    const lookup = readImageMetadata(bytes);
    return { ...size, ...(lookup.kind === 'found' ? { metadata: lookup.metadata } : {}) };
  } catch (error) {
    services.logger.debug(`Could not read ${file.path} before the action: ${error instanceof Error ? error.message : String(error)}`);
    return {};
  }
}

/** The words of one prompt box: its title, what it asks, an example. */
export interface PromptBoxTexts {
  readonly title: string;
  readonly prompt: string;
  readonly placeHolder: string;
}

/** Asks what to do with the image (pre-filled with `value`), checked against `model`'s limit; undefined when cancelled. */
export async function askForChange(services: CoreServices, model: ImageModelId, texts: PromptBoxTexts, value?: string): Promise<string | undefined> {
  const answer = await services.ui.inputBox({
    ...texts,
    value,
    ignoreFocusOut: true,
    validateInput: (text) => (text.trim() === '' ? texts.prompt : promptProblem(text, IMAGE_MODELS[model].promptMaxLength)),
  });
  return answer?.trim() || undefined;
}

/**
 * The options of a generation that starts from the source image: the settings' defaults for `model`, the ratio
 * it takes that is closest to the picture's own shape (an edit should not crop it), `count` images, and the
 * parameters the purpose needs (`extra`).
 */
export function referenceOptions(services: CoreServices, facts: SourceImageFacts, model: ImageModelId, count: number, extra: Readonly<ModelParamValues>): ImageOptions {
  const defaults = defaultImageOptions(services, { model, count });
  const ratio = facts.width && facts.height ? closestAspectRatio(facts.width, facts.height, aspectRatioChoices(model)) : undefined;
  return { ...defaults, aspectRatio: ratio ?? defaults.aspectRatio, params: mergeParams(defaults.params, extra) };
}
