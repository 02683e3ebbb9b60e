import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import {
  MIDJOURNEY_ACTIONS,
  OPERATION_MODELS,
  OPERATION_MODEL_IDS,
  editModeProblems,
  midjourneyActionSchema,
  operationRequestSchema,
  type MidjourneyActionName,
  type OperationKind,
  type OperationModelId,
  type OutpaintPreset,
} from '../../src/apiframe/imageOperations';
import { errorsToDetails, type ValidationDetails, type Validator } from './schemas';

/**
 * What the emulator's image operations do: their request validators (compiled from the project's own schemas in
 * src/apiframe/imageOperations.ts, which a contract test checks against the official spec), what a job costs, and
 * the geometry of each result, so that a test can predict exactly what comes back from an input image.
 */

const ajv = addFormats(new Ajv({ allErrors: true, strict: true, verbose: true }));

const modelValidators = new Map<OperationModelId, Validator>();
const actionValidators = new Map<MidjourneyActionName, Validator>();

function compiled<K>(cache: Map<K, Validator>, key: K, schema: () => object): Validator {
  let validator = cache.get(key);
  if (!validator) {
    const validate = ajv.compile(schema());
    validator = (value: unknown) => (validate(value) ? undefined : errorsToDetails(validate.errors ?? [], 'body'));
    cache.set(key, validator);
  }
  return validator;
}

/** `undefined` when the body is a valid request of this model (including the rules the spec states in words). */
export function validateOperation(model: OperationModelId, body: unknown): ValidationDetails | undefined {
  const details = compiled(modelValidators, model, () => operationRequestSchema(model))(body);
  if (details) return details;
  const { paramsKey } = OPERATION_MODELS[model];
  const rules = editModeProblems((body as Record<string, unknown>)[paramsKey], [paramsKey]);
  if (rules.length === 0) return undefined;
  return Object.fromEntries(rules.map((problem) => [problem.path.join('.'), [problem.message === 'is required' ? 'Required' : `Required when ${problem.message.replace(/^is required when /, '')}`]]));
}

export function validateMidjourneyAction(action: MidjourneyActionName, body: unknown): ValidationDetails | undefined {
  return compiled(actionValidators, action, () => midjourneyActionSchema(action))(body);
}

export function isMidjourneyAction(value: unknown): value is MidjourneyActionName {
  return typeof value === 'string' && (MIDJOURNEY_ACTIONS as readonly string[]).includes(value);
}

/** The model a body names, if it is one of this kind's; else the kind's first (its validator then reports `model`). */
export function modelForKind(kind: Exclude<OperationKind, 'midjourneyAction'>, body: unknown): OperationModelId {
  const named = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).model : undefined;
  const ofKind = OPERATION_MODEL_IDS.filter((id) => OPERATION_MODELS[id].kind === kind);
  return ofKind.find((id) => id === named) ?? (ofKind[0] as OperationModelId);
}

/** Credits of one operation job (the emulator's own figures; Topaz is priced by output megapixels, as the spec says). */
export function operationCost(model: OperationModelId, output: { width: number; height: number }): number {
  switch (model) {
    case 'bria-bg-remove':
      return 2;
    case '851-bg-remove':
      return 1;
    case 'topaz-image-upscale':
      return 4 * Math.max(1, Math.ceil((output.width * output.height) / 1_000_000));
    case 'clarity-upscale':
      return 10;
    case 'flux-fill-pro':
      return 10;
  }
}

export const MIDJOURNEY_ACTION_COST: Readonly<Record<MidjourneyActionName, number>> = {
  upsample: 10,
  variation: 20,
  inpaint: 20,
  outpaint: 20,
  pan: 20,
};

/** The upscale factor a request asks for (Topaz `upscale_factor`, Clarity `scale_factor`), default 2. */
export function upscaleFactorOf(model: OperationModelId, params: Record<string, unknown>): number {
  const value = model === 'topaz-image-upscale' ? params.upscale_factor : params.scale_factor;
  return typeof value === 'number' ? value : 2;
}

/** Where an outpaint preset puts the source on its new canvas: zoom-outs centre it; a side preset adds half a side. */
export function outpaintLayout(preset: OutpaintPreset, width: number, height: number): { width: number; height: number; left: number; top: number } {
  const centred = (w: number, h: number) => ({ width: w, height: h, left: Math.floor((w - width) / 2), top: Math.floor((h - height) / 2) });
  switch (preset) {
    case 'Zoom out 1.5x':
      return centred(Math.round(width * 1.5), Math.round(height * 1.5));
    case 'Zoom out 2x':
      return centred(width * 2, height * 2);
    case 'Make square': {
      const side = Math.max(width, height);
      return centred(side, side);
    }
    case 'Left outpaint': {
      const added = Math.round(width / 2);
      return { width: width + added, height, left: added, top: 0 };
    }
    case 'Right outpaint':
      return { width: width + Math.round(width / 2), height, left: 0, top: 0 };
    case 'Top outpaint': {
      const added = Math.round(height / 2);
      return { width, height: height + added, left: 0, top: added };
    }
    case 'Bottom outpaint':
      return { width, height: height + Math.round(height / 2), left: 0, top: 0 };
  }
}

/** The opaque colour an 851 background type paints (undefined: transparent). */
export function backgroundFill(params: Record<string, unknown>): readonly [number, number, number] | undefined {
  if (params.background_type === 'white') return [255, 255, 255];
  if (params.background_type === 'green') return [0, 255, 0];
  return undefined;
}

/** The opaque colour outpainting fills the new area with. */
export const OUTPAINT_FILL: readonly [number, number, number] = [128, 128, 128];
