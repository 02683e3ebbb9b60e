import * as vscode from 'vscode';
import { paramsSchemaOf, type ImageModelId, type ModelParamValues } from '../apiframe/imageModels';
import { checkParam } from '../apiframe/paramsCheck';
import { ASPECT_RATIO_SIZES, ASPECT_RATIOS, DALLE_STYLES } from '../apiframe/types';
import type { CoreServices } from '../container/services';
import { applyAspectRatio, aspectRatioChoices, aspectRatioOf, aspectRatioTargetOf, dimensionsFor, parseAspectRatio } from '../models/aspectRatio';
import { askedParams, type ParamDescription } from '../models/describeParams';
import { mergeParams } from '../models/requests';
import * as settings from '../settings';
import { isPlainObject } from '../shared/guards';
import type { GenerateArguments } from './commandArguments';
import { paramLabel } from './paramLabels';

/** What a generate command submits for each prompt: the model, the ratio (one concept), its parameters, the count. */
export interface ImageOptions {
  readonly model: ImageModelId;
  /** "16:9": mapped to the model's own field when the requests are planned. */
  readonly aspectRatio: string;
  /** The model's parameters besides ratio and count: `apiframe.modelParams` ← remembered ← answers ← arguments. */
  readonly params: ModelParamValues;
  /** Candidates, 1–4. */
  readonly count: number;
}

function isDalle(model: ImageModelId): boolean {
  return model === 'dall-e-3' || model === 'dall-e-2';
}

/** A ratio the model takes, else undefined. */
function acceptedRatio(model: ImageModelId, ratio: unknown): string | undefined {
  return typeof ratio === 'string' && applyAspectRatio(model, ratio).ok ? ratio : undefined;
}

/** The settings' layer: DALL-E's own two settings (`apiframe.aspectRatio`, `apiframe.style`), then `apiframe.modelParams`. */
function configuredOptions(services: CoreServices, given: GenerateArguments): { model: ImageModelId; aspectRatio: string; params: ModelParamValues } {
  const model = given.model ?? services.models.currentModel();
  const configured = services.models.defaultParams(model);
  const params = mergeParams(isDalle(model) ? { style: settings.defaultStyle() } : {}, configured, given.style ? { style: given.style } : {});
  const aspectRatio =
    given.aspectRatio ??
    acceptedRatio(model, aspectRatioOf(model, configured)) ??
    acceptedRatio(model, settings.defaultAspectRatio()) ??
    aspectRatioChoices(model)[0] ??
    '1:1';
  return { model, aspectRatio, params };
}

/** The options given as arguments, the settings' defaults for the rest. */
export function defaultImageOptions(services: CoreServices, given: GenerateArguments): ImageOptions {
  return { ...configuredOptions(services, given), count: given.count ?? services.models.candidateCount() };
}

/**
 * globalState keys for the last choices of "Generate Image…". DALL-E 3 keeps the two keys it always had; every
 * other model keeps its own entry under MODEL_CHOICES_KEY (plain values the model's schema accepts, nothing secret).
 */
const LAST_ASPECT_KEY = 'apiframe.lastAspectRatio';
const LAST_STYLE_KEY = 'apiframe.lastStyle';
export const MODEL_CHOICES_KEY = 'apiframe.lastModelChoices';

interface RememberedChoices {
  readonly aspectRatio?: string;
  readonly params: ModelParamValues;
}

/** The choices last made for `model`, as far as they are still values it takes. */
function rememberedChoices(state: vscode.Memento, model: ImageModelId): RememberedChoices {
  if (model === 'dall-e-3') {
    const style = DALLE_STYLES.find((value) => value === state.get(LAST_STYLE_KEY));
    return { aspectRatio: ASPECT_RATIOS.find((value) => value === state.get(LAST_ASPECT_KEY)), params: style ? { style } : {} };
  }
  const all = state.get<unknown>(MODEL_CHOICES_KEY);
  const entry = isPlainObject(all) && Object.prototype.hasOwnProperty.call(all, model) ? all[model] : undefined;
  if (!isPlainObject(entry)) return { params: {} };
  const properties = paramsSchemaOf(model).properties;
  const params: ModelParamValues = {};
  if (isPlainObject(entry.params)) {
    for (const [name, value] of Object.entries(entry.params)) {
      const schema = Object.prototype.hasOwnProperty.call(properties, name) ? properties[name] : undefined;
      if (schema && checkParam(schema, value, [name]).length === 0) params[name] = value;
    }
  }
  return { aspectRatio: acceptedRatio(model, entry.aspectRatio), params };
}

/**
 * Not awaited by the command: a Memento holds the new value at once (the next pick reads it), and persisting
 * it is a round trip to the workbench that the submit has no reason to wait for. A choice not persisted is
 * only a preference lost, so a failure is not reported.
 */
function rememberChoices(state: vscode.Memento, model: ImageModelId, aspectRatio: string, answers: ModelParamValues): void {
  const updates: Thenable<void>[] = [];
  if (model === 'dall-e-3') {
    updates.push(state.update(LAST_ASPECT_KEY, aspectRatio));
    if (typeof answers.style === 'string') updates.push(state.update(LAST_STYLE_KEY, answers.style));
  } else {
    const all = state.get<unknown>(MODEL_CHOICES_KEY);
    updates.push(state.update(MODEL_CHOICES_KEY, { ...(isPlainObject(all) ? all : {}), [model]: { aspectRatio, params: answers } }));
  }
  void Promise.all(updates).catch(() => undefined);
}

interface OptionItem<T> extends vscode.QuickPickItem {
  readonly value: T;
}

/** One quick pick with the preferred value first; `dismissed` when the user closes it. */
async function pickOne<T>(services: CoreServices, items: OptionItem<T>[], preferred: T, title: string, placeHolder: string): Promise<{ value: T } | 'dismissed'> {
  items.sort((a, b) => Number(b.value === preferred) - Number(a.value === preferred));
  const picked = await services.ui.quickPick(items, { title, placeHolder, ignoreFocusOut: true });
  return picked ? { value: picked.value } : 'dismissed';
}

/** "Square · 1024×1024" (DALL-E 3's sizes, FLUX's computed width and height), or just the shape. */
function ratioDescription(model: ImageModelId, ratio: string): string {
  const sides = parseAspectRatio(ratio);
  const shape =
    !sides || sides[0] === sides[1] ? vscode.l10n.t('Square') : sides[0] > sides[1] ? vscode.l10n.t('Landscape') : vscode.l10n.t('Portrait');
  const target = aspectRatioTargetOf(model);
  const dalle3Size = model === 'dall-e-3' ? ASPECT_RATIO_SIZES[ASPECT_RATIOS.find((known) => known === ratio) ?? '1:1'] : undefined;
  const size = dalle3Size ?? (target.kind === 'dimensions' ? dimensionsFor(ratio, target) : undefined);
  return size ? `${shape} · ${size.width}×${size.height}` : shape;
}

/** The items of an enum parameter; DALL-E's style keeps its words, other values are shown as the API names them. */
function enumItems(param: ParamDescription): OptionItem<unknown>[] {
  if (param.name === 'style' && param.values?.join() === DALLE_STYLES.join()) {
    return [
      { value: 'vivid', label: vscode.l10n.t('Vivid'), description: vscode.l10n.t('Hyper-real and dramatic') },
      { value: 'natural', label: vscode.l10n.t('Natural'), description: vscode.l10n.t('More natural, less hyper-real') },
    ];
  }
  return (param.values ?? []).map((value) => ({ value, label: value }));
}

/** The item that leaves a parameter out, so the model's own default applies. */
function modelDefaultItem(): OptionItem<unknown> {
  return { value: undefined, label: vscode.l10n.t('Model default'), description: vscode.l10n.t('Leave it to the model') };
}

/** What is wrong with a typed value, in the form's words; undefined when the model takes it (or it is left empty). */
function typedValueProblem(model: ImageModelId, param: ParamDescription, text: string): string | undefined {
  const parsed = parseTyped(param, text);
  if (parsed === undefined) return param.required ? vscode.l10n.t('{0} is required by this model.', paramLabel(param)) : undefined;
  const schema = paramsSchemaOf(model).properties[param.name];
  const problem = schema ? checkParam(schema, parsed, [param.name])[0] : undefined;
  return problem ? `${paramLabel(param)} ${problem.message}` : undefined;
}

/** A typed answer as the schema's type: numbers for number fields, trimmed text otherwise; undefined when empty. */
function parseTyped(param: ParamDescription, text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  return param.kind === 'integer' || param.kind === 'number' ? Number(trimmed) : trimmed;
}

/** The range or kind of a typed parameter, as the input box's prompt. */
function typedHint(param: ParamDescription): string {
  const optional = param.required ? '' : ` ${vscode.l10n.t('Leave empty to let the model decide.')}`;
  if (param.min !== undefined && param.max !== undefined) return `${vscode.l10n.t('From {0} to {1}.', param.min, param.max)}${optional}`;
  return optional.trim();
}

/** Asks one parameter; `dismissed` when the user closes the prompt, `{ value: undefined }` for "the model decides". */
async function askParam(services: CoreServices, model: ImageModelId, modelLabel: string, param: ParamDescription, current: unknown): Promise<{ value: unknown } | 'dismissed'> {
  const label = paramLabel(param);
  if (param.kind === 'enum') {
    const items = enumItems(param);
    if (param.default === undefined && !param.required) items.unshift(modelDefaultItem());
    const preferred = items.some((item) => item.value === current) ? current : (param.default ?? undefined);
    return pickOne(services, items, preferred, label, vscode.l10n.t('{0} for {1}', label, modelLabel));
  }
  const answer = await services.ui.inputBox({
    title: vscode.l10n.t('{0} for {1}', label, modelLabel),
    prompt: typedHint(param) || undefined,
    value: typeof current === 'string' || typeof current === 'number' ? String(current) : '',
    ignoreFocusOut: true,
    validateInput: (text) => typedValueProblem(model, param, text),
  });
  return answer === undefined ? 'dismissed' : { value: parseTyped(param, answer) };
}

export interface PickImageOptionsRequest {
  /** Options given as arguments are not asked for. */
  readonly given: GenerateArguments;
  /**
   * Keep the choices in `state` and offer them first next time ("Generate Image…"); otherwise the settings'
   * defaults come first ("from Selection" with `apiframe.askForOptions`).
   */
  readonly remember?: vscode.Memento;
}

/**
 * Quick picks and input boxes for what the chosen model takes and the arguments did not give: the aspect ratio
 * (with pixel sizes where they are known), then the model's basic parameters (DALL-E: style; GPT Image:
 * quality, background, output format; FLUX: output format, seed; …). Undefined when any prompt is dismissed.
 */
export async function pickImageOptions(services: CoreServices, request: PickImageOptionsRequest): Promise<ImageOptions | undefined> {
  const { given, remember } = request;
  const configured = configuredOptions(services, given);
  const { model } = configured;
  const modelLabel = services.models.entryFor(model).label;
  const last = remember ? rememberedChoices(remember, model) : { params: {} };
  let aspectRatio = given.aspectRatio;
  if (aspectRatio === undefined) {
    const picked = await pickOne(
      services,
      aspectRatioChoices(model).map((value) => ({ value, label: value, description: ratioDescription(model, value) })),
      last.aspectRatio ?? configured.aspectRatio,
      vscode.l10n.t('Aspect ratio'),
      vscode.l10n.t('Choose the aspect ratio'),
    );
    if (picked === 'dismissed') return undefined;
    aspectRatio = picked.value;
  }
  const preferred = mergeParams(configured.params, last.params);
  const answers: ModelParamValues = {};
  for (const param of askedParams(model)) {
    if (param.name === 'style' && given.style !== undefined) continue;
    const answer = await askParam(services, model, modelLabel, param, preferred[param.name]);
    if (answer === 'dismissed') return undefined;
    answers[param.name] = answer.value;
  }
  if (remember) rememberChoices(remember, model, aspectRatio, answers);
  return { model, aspectRatio, params: mergeParams(configured.params, answers), count: given.count ?? services.models.candidateCount() };
}
