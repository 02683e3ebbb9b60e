/**
 * The image operations on an existing image — background removal, upscale, edit (inpaint/outpaint) and
 * Midjourney's follow-up actions — with the request schema of each, written from the official spec
 * (`ImageBackgroundRemoveRequest`, `ImageUpscaleRequest`, `ImageEditRequest`, `MidjourneyActionRequest`: unions
 * discriminated by `model` or `action`, `additionalProperties: false` at every level). As in `imageModels.ts` the
 * schemas are plain JSON Schema data: the client checks values with `checkOperationRequest` (no schema library in
 * the bundle), the emulator compiles the same objects with ajv, and a contract test compares them with the spec.
 * The TypeScript types are derived from the schemas. No runtime dependencies besides the parameter check.
 */
import { isPlainObject } from '../shared/guards';
import { FLAG, INTEGER, URI, enumOf, limitedText, range, type ParamSchema, type RequiredKeys, type ValueOf } from './imageModels';
import { checkParam, type ParamProblem } from './paramsCheck';
import type { WebhookEvent } from './types';

// ---- the schema subset the operations use (the generation blocks' subset plus two shapes) -----------------

/** A number that must be one of a few values; the spec writes it as `anyOf` of one-value enums. */
export interface NumberChoiceSchema {
  readonly anyOf: readonly { readonly type: 'number'; readonly enum: readonly [number] }[];
}
/** Text with a lower bound on its length (the edit prompt, a Vary Region mask). */
export interface BoundedTextSchema {
  readonly type: 'string';
  readonly minLength: number;
  readonly maxLength: number;
}
export type OperationParamSchema = ParamSchema | NumberChoiceSchema | BoundedTextSchema;

export interface OperationBlockSchema {
  readonly type: 'object';
  readonly additionalProperties: false;
  readonly properties: Readonly<Record<string, OperationParamSchema>>;
  readonly required?: readonly string[];
}

/** The TypeScript type of the values an operation block accepts. */
export type OperationParamsOf<B extends OperationBlockSchema> = {
  -readonly [K in Exclude<keyof B['properties'], RequiredKeys<B>>]?: ValueOf<B['properties'][K]>;
} & {
  -readonly [K in RequiredKeys<B> & keyof B['properties']]: ValueOf<B['properties'][K]>;
};

function block<const P extends Readonly<Record<string, OperationParamSchema>>, const R extends readonly (keyof P & string)[]>(
  properties: P,
  required: R,
): { readonly type: 'object'; readonly additionalProperties: false; readonly properties: P; readonly required: R } {
  return { type: 'object', additionalProperties: false, properties, required };
}

const UUID = { type: 'string', format: 'uuid' } as const;
const boundedText = <const Min extends number, const Max extends number>(minLength: Min, maxLength: Max) =>
  ({ type: 'string', minLength, maxLength }) as const;
const choice = <const V extends readonly number[]>(values: V) =>
  ({ anyOf: values.map((value) => ({ type: 'number', enum: [value] })) }) as unknown as {
    readonly anyOf: readonly { readonly type: 'number'; readonly enum: readonly [V[number]] }[];
  };

// ---- the operation blocks ------------------------------------------------------------------------------

/** Outpaint presets of Flux Fill (`fluxFillParams.outpaint`), in the spec's order. */
export const OUTPAINT_PRESETS = ['Zoom out 1.5x', 'Zoom out 2x', 'Make square', 'Left outpaint', 'Right outpaint', 'Top outpaint', 'Bottom outpaint'] as const;
export type OutpaintPreset = (typeof OUTPAINT_PRESETS)[number];

export const OPERATION_BLOCKS = {
  briaBgRemove: block({ content_moderation: FLAG, image: URI }, ['image']),
  lab851BgRemove: block(
    {
      background_type: enumOf(['rgba', 'map', 'green', 'white', 'blur', 'overlay']),
      format: enumOf(['png', 'jpg']),
      image: URI,
      reverse: FLAG,
      threshold: range('number', 0, 1),
    },
    ['image'],
  ),
  topazUpscale: block(
    {
      face_enhance: FLAG,
      face_enhance_creativity: range('number', 0, 1),
      face_enhance_strength: range('number', 0, 1),
      image: URI,
      model_type: enumOf(['standard-v2', 'low-res-v2', 'cgi', 'high-fidelity-v2', 'text-refine', 'redefine']),
      output_format: enumOf(['jpg', 'png']),
      seed: INTEGER,
      upscale_factor: choice([1, 2, 4, 6]),
    },
    ['image'],
  ),
  clarityUpscale: block(
    {
      creativity: range('number', 0, 1),
      dynamic: range('number', 1, 50),
      image: URI,
      negative_prompt: limitedText(2000),
      num_inference_steps: range('integer', 1, 100),
      output_format: enumOf(['png', 'jpg', 'webp']),
      prompt: limitedText(2000),
      resemblance: range('number', 0, 3),
      scale_factor: choice([1, 2, 4, 8]),
      seed: INTEGER,
      sharpen: range('number', 0, 10),
    },
    ['image'],
  ),
  fluxFill: block(
    {
      guidance: range('number', 2, 5),
      image: URI,
      mask: URI,
      mode: enumOf(['inpaint', 'outpaint']),
      outpaint: enumOf(OUTPAINT_PRESETS),
      output_format: enumOf(['jpg', 'png']),
      prompt: boundedText(1, 2000),
      prompt_upsampling: FLAG,
      safety_tolerance: range('integer', 1, 6),
      seed: INTEGER,
      steps: range('integer', 1, 50),
    },
    ['image', 'prompt', 'mode'],
  ),
} as const satisfies Record<string, OperationBlockSchema>;

export type OperationBlockName = keyof typeof OPERATION_BLOCKS;

/** The endpoint of each operation kind. */
export const OPERATION_PATHS = {
  backgroundRemove: '/v2/images/background-remove',
  upscale: '/v2/images/upscale',
  edit: '/v2/images/edit',
  midjourneyAction: '/v2/images/midjourney/action',
} as const;
export type OperationKind = keyof typeof OPERATION_PATHS;

/** Every model of the model-discriminated operations, in the spec's order, with its kind and parameter block. */
export const OPERATION_MODELS = {
  'bria-bg-remove': { kind: 'backgroundRemove', paramsKey: 'briaBgRemoveParams', block: 'briaBgRemove' },
  '851-bg-remove': { kind: 'backgroundRemove', paramsKey: 'lab851BgRemoveParams', block: 'lab851BgRemove' },
  'topaz-image-upscale': { kind: 'upscale', paramsKey: 'topazUpscaleParams', block: 'topazUpscale' },
  'clarity-upscale': { kind: 'upscale', paramsKey: 'clarityUpscaleParams', block: 'clarityUpscale' },
  'flux-fill-pro': { kind: 'edit', paramsKey: 'fluxFillParams', block: 'fluxFill' },
} as const satisfies Record<string, { kind: Exclude<OperationKind, 'midjourneyAction'>; paramsKey: string; block: OperationBlockName }>;

export type OperationModelId = keyof typeof OPERATION_MODELS;
export const OPERATION_MODEL_IDS = Object.keys(OPERATION_MODELS) as readonly OperationModelId[];

export function isOperationModelId(value: unknown): value is OperationModelId {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(OPERATION_MODELS, value);
}

/** Models of one operation kind, in the spec's order. */
export function operationModelsOf(kind: Exclude<OperationKind, 'midjourneyAction'>): OperationModelId[] {
  return OPERATION_MODEL_IDS.filter((id) => OPERATION_MODELS[id].kind === kind);
}

/** Midjourney's follow-up actions: the fields each takes besides `action` and `parentJobId`, and which are required. */
export const MIDJOURNEY_ACTION_BLOCKS = {
  upsample: block({ index: choice([1, 2, 3, 4]) }, ['index']),
  variation: block({ index: choice([1, 2, 3, 4]) }, ['index']),
  inpaint: block({ mask: boundedText(1, 12_000_000), prompt: limitedText(2000) }, ['mask']),
  outpaint: block({ zoomRatio: choice([1.5, 2]) }, ['zoomRatio']),
  pan: block({ direction: enumOf(['up', 'down', 'left', 'right']) }, ['direction']),
} as const satisfies Record<string, OperationBlockSchema>;

export type MidjourneyActionName = keyof typeof MIDJOURNEY_ACTION_BLOCKS;
export const MIDJOURNEY_ACTIONS = Object.keys(MIDJOURNEY_ACTION_BLOCKS) as readonly MidjourneyActionName[];
/** Actions on a grid (pick one of its four images) vs actions on an upsampled single image. */
export const MIDJOURNEY_GRID_ACTIONS: readonly MidjourneyActionName[] = ['upsample', 'variation'];

// ---- request types ---------------------------------------------------------------------------------------

interface Webhooks {
  webhookUrl?: string;
  webhookEvents?: WebhookEvent[];
}
type Blocks = typeof OPERATION_BLOCKS;
type Models = typeof OPERATION_MODELS;

/** The body of one operation model's request: its model id and its own parameter block. */
export type OperationRequestFor<M extends OperationModelId> = { model: M } & {
  [K in Models[M]['paramsKey']]: OperationParamsOf<Blocks[Models[M]['block']]>;
} & Webhooks;

type RequestOfKind<K extends OperationKind> = { [M in OperationModelId]: Models[M]['kind'] extends K ? OperationRequestFor<M> : never }[OperationModelId];

export type BackgroundRemoveRequest = RequestOfKind<'backgroundRemove'>;
export type UpscaleRequest = RequestOfKind<'upscale'>;
export type ImageEditRequest = RequestOfKind<'edit'>;
export type MidjourneyActionRequest = {
  [A in MidjourneyActionName]: { action: A; parentJobId: string } & OperationParamsOf<(typeof MIDJOURNEY_ACTION_BLOCKS)[A]> & Webhooks;
}[MidjourneyActionName];

export type BriaBgRemoveParams = OperationParamsOf<Blocks['briaBgRemove']>;
export type Lab851BgRemoveParams = OperationParamsOf<Blocks['lab851BgRemove']>;
export type TopazUpscaleParams = OperationParamsOf<Blocks['topazUpscale']>;
export type ClarityUpscaleParams = OperationParamsOf<Blocks['clarityUpscale']>;
export type FluxFillParams = OperationParamsOf<Blocks['fluxFill']>;

/** Any operation request, tagged with its kind (what the client's `submitOperation` takes). */
export type ImageOperationRequest =
  | { kind: 'backgroundRemove'; request: BackgroundRemoveRequest }
  | { kind: 'upscale'; request: UpscaleRequest }
  | { kind: 'edit'; request: ImageEditRequest }
  | { kind: 'midjourneyAction'; request: MidjourneyActionRequest };

// ---- full request schemas (what the emulator compiles and the contract test compares) ---------------------

const WEBHOOK_URL_SCHEMA = URI;
const WEBHOOK_EVENTS_SCHEMA = { type: 'array', minItems: 1, items: { type: 'string', enum: ['progress', 'completed', 'failed'] } } as const;

/** The request schema of one operation model: its model, its parameter block, the webhooks; nothing else. */
export function operationRequestSchema(model: OperationModelId): object {
  const { paramsKey, block: name } = OPERATION_MODELS[model];
  return {
    type: 'object',
    additionalProperties: false,
    required: ['model', paramsKey],
    properties: {
      model: { type: 'string', enum: [model] },
      [paramsKey]: OPERATION_BLOCKS[name],
      webhookUrl: WEBHOOK_URL_SCHEMA,
      webhookEvents: WEBHOOK_EVENTS_SCHEMA,
    },
  };
}

/** The request schema of one Midjourney action. */
export function midjourneyActionSchema(action: MidjourneyActionName): object {
  const own = MIDJOURNEY_ACTION_BLOCKS[action];
  const [first, ...rest] = own.required;
  return {
    type: 'object',
    additionalProperties: false,
    required: ['action', ...(first === undefined ? [] : [first, ...rest]), 'parentJobId'],
    properties: {
      action: { type: 'string', enum: [action] },
      ...own.properties,
      parentJobId: UUID,
      webhookUrl: WEBHOOK_URL_SCHEMA,
      webhookEvents: WEBHOOK_EVENTS_SCHEMA,
    },
  };
}

// ---- checks and bodies -----------------------------------------------------------------------------------

/** Every problem of one value against an operation parameter schema; [] when it is valid. */
export function checkOperationParam(schema: OperationParamSchema, value: unknown, path: readonly string[]): ParamProblem[] {
  if ('anyOf' in schema) {
    const allowed = schema.anyOf.map((option) => option.enum[0]);
    if (typeof value !== 'number' || !allowed.includes(value)) return [{ path, kind: 'enum', message: `must be one of ${allowed.join(', ')}` }];
    return [];
  }
  if ('minLength' in schema) {
    if (typeof value !== 'string') return [{ path, kind: 'type', message: 'must be a string' }];
    const length = [...value].length;
    if (length < schema.minLength || length > schema.maxLength) {
      return [{ path, kind: 'length', message: `must be ${schema.minLength} to ${schema.maxLength} characters` }];
    }
    return [];
  }
  return checkParam(schema, value, path);
}

/** Every problem of `value` as an operation block; [] when it is valid. */
export function checkOperationBlock(schema: OperationBlockSchema, value: unknown, path: readonly string[] = []): ParamProblem[] {
  if (!isPlainObject(value)) return [{ path, message: 'must be an object', kind: 'notObject' }];
  const problems: ParamProblem[] = [];
  for (const name of schema.required ?? []) {
    if (!Object.prototype.hasOwnProperty.call(value, name)) problems.push({ path: [...path, name], message: 'is required', kind: 'required' });
  }
  for (const [name, entry] of Object.entries(value)) {
    const property = Object.prototype.hasOwnProperty.call(schema.properties, name) ? schema.properties[name] : undefined;
    if (!property) problems.push({ path: [...path, name], message: 'is not a parameter of this operation', kind: 'unknown' });
    else if (entry !== undefined) problems.push(...checkOperationParam(property, entry, [...path, name]));
  }
  return problems;
}

/**
 * Rules the spec states in words only (the schema cannot say them): Flux Fill's inpaint needs a mask and its
 * outpaint a preset. The emulator enforces them like the real route; the client checks them before sending.
 */
export function editModeProblems(params: unknown, path: readonly string[] = ['fluxFillParams']): ParamProblem[] {
  if (!isPlainObject(params)) return [];
  if (params.mode === 'inpaint' && params.mask === undefined) return [{ path: [...path, 'mask'], kind: 'required', message: 'is required when mode is "inpaint"' }];
  if (params.mode === 'outpaint' && params.outpaint === undefined) {
    return [{ path: [...path, 'outpaint'], kind: 'required', message: 'is required when mode is "outpaint"' }];
  }
  return [];
}

/** Every problem of an operation request before it is sent (schema, the worded rules, webhooks); [] when fine. */
export function checkOperationRequest(operation: ImageOperationRequest): ParamProblem[] {
  const body = operation.request as unknown as Record<string, unknown>;
  if (!isPlainObject(body)) return [{ path: [], message: 'must be an object', kind: 'notObject' }];
  const problems: ParamProblem[] = [];
  if (operation.kind === 'midjourneyAction') {
    const action = body.action;
    if (typeof action !== 'string' || !Object.prototype.hasOwnProperty.call(MIDJOURNEY_ACTION_BLOCKS, action)) {
      return [{ path: ['action'], kind: 'enum', message: `must be one of ${MIDJOURNEY_ACTIONS.join(', ')}` }];
    }
    const own = MIDJOURNEY_ACTION_BLOCKS[action as MidjourneyActionName];
    const { action: _action, parentJobId, webhookUrl: _url, webhookEvents: _events, ...fields } = body;
    problems.push(...checkParam(UUID, parentJobId, ['parentJobId']));
    problems.push(...checkOperationBlock(own, fields));
  } else {
    const model = body.model;
    if (!isOperationModelId(model) || OPERATION_MODELS[model].kind !== operation.kind) {
      const models = operationModelsOf(operation.kind);
      return [{ path: ['model'], kind: 'enum', message: `must be one of ${models.map((m) => `"${m}"`).join(', ')}` }];
    }
    const { paramsKey, block: name } = OPERATION_MODELS[model];
    problems.push(...checkOperationBlock(OPERATION_BLOCKS[name], body[paramsKey], [paramsKey]));
    for (const key of Object.keys(body)) {
      if (key !== 'model' && key !== paramsKey && key !== 'webhookUrl' && key !== 'webhookEvents') {
        problems.push({ path: [key], kind: 'unknown', message: 'is not a field of this request' });
      }
    }
    if (operation.kind === 'edit') problems.push(...editModeProblems(body[paramsKey], [paramsKey]));
  }
  if (body.webhookUrl !== undefined) problems.push(...checkParam(URI, body.webhookUrl, ['webhookUrl']));
  if (body.webhookEvents !== undefined) {
    const events = body.webhookEvents;
    const valid = Array.isArray(events) && events.length > 0 && events.every((e) => e === 'progress' || e === 'completed' || e === 'failed');
    if (!valid) problems.push({ path: ['webhookEvents'], kind: 'items', message: 'must list one or more of progress, completed, failed' });
  }
  return problems;
}

/**
 * The body exactly as the spec allows it: only the known fields (the model's own block, the action's own fields),
 * so an object carrying extra properties cannot trigger a 400. The caller has checked it.
 */
export function buildOperationBody(operation: ImageOperationRequest): Record<string, unknown> {
  const given = operation.request as unknown as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  const copyKnown = (schema: OperationBlockSchema, from: unknown, into: Record<string, unknown>): void => {
    if (!isPlainObject(from)) return;
    for (const [name, value] of Object.entries(from)) {
      if (value !== undefined && Object.prototype.hasOwnProperty.call(schema.properties, name)) into[name] = value;
    }
  };
  if (operation.kind === 'midjourneyAction') {
    const action = given.action as MidjourneyActionName;
    body.action = action;
    copyKnown(MIDJOURNEY_ACTION_BLOCKS[action], given, body);
    body.parentJobId = given.parentJobId;
  } else {
    const model = given.model as OperationModelId;
    const { paramsKey, block: name } = OPERATION_MODELS[model];
    body.model = model;
    const params: Record<string, unknown> = {};
    copyKnown(OPERATION_BLOCKS[name], given[paramsKey], params);
    body[paramsKey] = params;
  }
  if (given.webhookUrl !== undefined) body.webhookUrl = given.webhookUrl;
  if (Array.isArray(given.webhookEvents)) body.webhookEvents = [...(given.webhookEvents as unknown[])];
  return body;
}

/** The input image URL of a model-discriminated operation request (every block requires `image`). */
export function operationImageUrl(request: BackgroundRemoveRequest | UpscaleRequest | ImageEditRequest): string {
  const { paramsKey } = OPERATION_MODELS[request.model];
  return ((request as unknown as Record<string, Record<string, unknown>>)[paramsKey]?.image as string | undefined) ?? '';
}
