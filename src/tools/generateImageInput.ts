/**
 * The agent tool's input, checked and planned before anything is sent: which model, how many jobs, which
 * parameter block each job submits, and what it may cost. Pure (no `vscode`): tested in plain Node. VS Code
 * validates the input against the declared schema before it invokes the tool, but `lm.invokeTool` callers
 * and older hosts may not, and the schema cannot know each model's own limits — so every field is checked
 * here, with a sentence a language model can act on.
 */
import { IMAGE_MODEL_IDS, imageModelSpec, isImageModelId, type ImageModelId, type ModelParamValues } from '../apiframe/imageModels';
import { applyAspectRatio, aspectRatioChoices } from '../models/aspectRatio';
import { MAX_CANDIDATES, MIN_CANDIDATES, type CandidatePlan } from '../models/candidates';
import { catalogEntryFor, type ImageCatalogEntry } from '../models/catalog';
import { planCost, type CostRange } from '../models/cost';
import { planImageRequests } from '../models/requests';
import { isPlainObject } from '../shared/guards';

/** What the tool takes (the `inputSchema` in package.json says the same for the model). */
export interface GenerateImageToolInput {
  readonly prompt: string;
  readonly model?: string;
  readonly aspectRatio?: string;
  readonly count?: number;
  readonly path?: string;
}

export const TOOL_INPUT_KEYS = ['prompt', 'model', 'aspectRatio', 'count', 'path'] as const;

/** The model when the input names none. */
export const DEFAULT_TOOL_MODEL: ImageModelId = 'dall-e-3';
export const DEFAULT_TOOL_ASPECT_RATIO = '1:1';

/** One job to submit: the model's own parameter block, exactly as checked against its schema. */
export interface PlannedToolJob {
  readonly params: ModelParamValues;
}

export interface ToolPlan {
  readonly prompt: string;
  readonly model: ImageModelId;
  readonly modelLabel: string;
  readonly aspectRatio: string;
  /** Images asked for (1–4). */
  readonly count: number;
  /** The destination as given (trimmed), when one was. */
  readonly path?: string;
  readonly candidates: CandidatePlan;
  readonly jobs: readonly PlannedToolJob[];
  /** The price list's range for the whole request; undefined when it has no figure for the model. */
  readonly cost?: CostRange;
}

export type ToolInputResult = { readonly ok: true; readonly plan: ToolPlan } | { readonly ok: false; readonly problem: string };

/**
 * Checks `raw` (the tool's input as it arrived) and plans it against `catalog` (the price list: the built-in
 * one until the catalog service is wired in). Unknown properties are refused rather than ignored: a misspelt
 * `destination` must not silently save somewhere else.
 */
export function planToolInput(raw: unknown, catalog: readonly ImageCatalogEntry[], defaultModel: ImageModelId = DEFAULT_TOOL_MODEL): ToolInputResult {
  const refuse = (problem: string): ToolInputResult => ({ ok: false, problem });
  if (!isPlainObject(raw)) return refuse('The input must be an object with at least a "prompt".');
  const unknown = Object.keys(raw).filter((key) => !(TOOL_INPUT_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) {
    return refuse(`Unknown input ${unknown.map((key) => JSON.stringify(key)).join(', ')}. The tool takes ${TOOL_INPUT_KEYS.join(', ')}.`);
  }
  const { prompt, model, aspectRatio, count, path } = raw;

  if (model !== undefined && !isImageModelId(model)) {
    return refuse(`Unknown model ${JSON.stringify(model)}. Use one of: ${IMAGE_MODEL_IDS.join(', ')}; or leave it out for ${defaultModel}.`);
  }
  const modelId: ImageModelId = model ?? defaultModel;

  if (typeof prompt !== 'string' || prompt.trim() === '') return refuse('"prompt" must be a non-empty string describing the image.');
  const text = prompt.trim();
  const maxLength = imageModelSpec(modelId).promptMaxLength;
  if (text.length > maxLength) return refuse(`"prompt" is ${text.length} characters long; ${modelId} takes at most ${maxLength}.`);

  if (count !== undefined && !(typeof count === 'number' && Number.isInteger(count) && count >= MIN_CANDIDATES && count <= MAX_CANDIDATES)) {
    return refuse(`"count" must be a whole number from ${MIN_CANDIDATES} to ${MAX_CANDIDATES}.`);
  }
  const wanted = count ?? MIN_CANDIDATES;

  if (aspectRatio !== undefined && typeof aspectRatio !== 'string') return refuse('"aspectRatio" must be a string such as "1:1" or "16:9".');
  const ratio = aspectRatio?.trim() || DEFAULT_TOOL_ASPECT_RATIO;
  const applied = applyAspectRatio(modelId, ratio);
  if (!applied.ok) {
    const choices = aspectRatioChoices(modelId);
    return refuse(`${modelId} cannot make the aspect ratio ${JSON.stringify(ratio)}. It takes: ${choices.join(', ')}.`);
  }

  if (path !== undefined && typeof path !== 'string') return refuse('"path" must be a string: a folder or an image file name inside the workspace.');
  const destination = path?.trim() || undefined;

  const planned = planImageRequests({ model: modelId, prompt: text, params: applied.params, count: wanted });
  if (!planned.ok) {
    const details = planned.problems.map((problem) => `${problem.path.join('.')} ${problem.message}`).join('; ');
    return refuse(`${modelId} needs parameters this tool does not set (${details}). Choose another model.`);
  }
  const paramsKey = imageModelSpec(modelId).paramsKey;
  const jobs = planned.requests.map((request) => ({ params: { ...((request as unknown as Record<string, ModelParamValues | undefined>)[paramsKey] ?? {}) } }));
  const entry = catalogEntryFor(catalog, modelId);
  const cost = planCost(entry, planned.plan);
  return {
    ok: true,
    plan: {
      prompt: text,
      model: modelId,
      modelLabel: entry.label,
      aspectRatio: ratio,
      count: wanted,
      ...(destination !== undefined ? { path: destination } : {}),
      candidates: planned.plan,
      jobs,
      ...(cost ? { cost } : {}),
    },
  };
}
