import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

import { IMAGE_MODELS, IMAGE_MODEL_IDS, PARAMS_BLOCKS, type ImageModelId } from '../../src/apiframe/imageModels';

/**
 * The emulator's own JSON schemas for what it accepts: `GenerateImageRequest` for every image model, built from
 * the project's parameter blocks (src/apiframe/imageModels.ts — the same objects the extension checks values
 * with), and the `/v2/jobs` and `/v2/models` query parameters. The spec is never copied into the repo; a contract
 * test checks that these equal the official schemas and accept and reject the same samples.
 */

const WEBHOOK_URL_SCHEMA = { type: 'string', format: 'uri' } as const;
const WEBHOOK_EVENTS_SCHEMA = { type: 'array', minItems: 1, items: { type: 'string', enum: ['progress', 'completed', 'failed'] } } as const;

/** The body of `POST /v2/images/generate` for one model: prompt, model, its own parameter block, webhooks. */
export function generateImageRequestSchema(model: ImageModelId): object {
  const { paramsKey, block, paramsRequired, promptMaxLength } = IMAGE_MODELS[model];
  return {
    type: 'object',
    additionalProperties: false,
    required: paramsRequired ? ['prompt', 'model', paramsKey] : ['prompt', 'model'],
    properties: {
      prompt: { type: 'string', minLength: 1, maxLength: promptMaxLength },
      model: { type: 'string', enum: [model] },
      [paramsKey]: PARAMS_BLOCKS[block],
      webhookUrl: WEBHOOK_URL_SCHEMA,
      webhookEvents: WEBHOOK_EVENTS_SCHEMA,
    },
  };
}

/** Image models the emulator generates for: every image model of the spec. */
export const SUPPORTED_IMAGE_MODELS: readonly ImageModelId[] = IMAGE_MODEL_IDS;
export type SupportedImageModel = ImageModelId;

export const JOB_STATUSES = ['QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;

/** Query parameters arrive as strings; the query validator coerces `limit` to an integer. */
export const JOB_LIST_QUERY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: [...JOB_STATUSES] },
    model: { type: 'string', minLength: 1 },
    limit: { type: 'integer', minimum: 1, maximum: 100 },
    cursor: { type: 'string', minLength: 1 },
    scope: { type: 'string', enum: ['user', 'team'] },
    search: { type: 'string', format: 'uuid' },
    include_models: { type: 'string', enum: ['true', 'false'] },
  },
};

export const MODEL_CATALOG_QUERY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: { modality: { type: 'string', enum: ['image', 'video', 'music'] } },
};

export const JOB_ID_SCHEMA = { type: 'string', format: 'uuid' };

export const IDEMPOTENCY_KEY_SCHEMA = { type: 'string', minLength: 1, maxLength: 255 };

/** `details` of a ValidationError: JSON path ("dalleParams.aspect_ratio", "webhookEvents.0") → messages. */
export type ValidationDetails = Record<string, string[]>;

export interface Validator {
  /** `undefined` when valid, else the details keyed by path. Coercing validators may change `value`. */
  (value: unknown): ValidationDetails | undefined;
}

// allowUnionTypes: GPT Image's `input_images` is `type: [array, null]`, as in the spec.
const strictAjv = addFormats(new Ajv({ allErrors: true, strict: true, verbose: true, allowUnionTypes: true }));
const coercingAjv = addFormats(new Ajv({ allErrors: true, strict: true, verbose: true, coerceTypes: true }));

function toValidator(validate: ValidateFunction, rootName: string): Validator {
  return (value: unknown) => (validate(value) ? undefined : errorsToDetails(validate.errors ?? [], rootName));
}

/** Compiled on first use: most runs submit to one or two models, and 51 compilations slow every start. */
const compiledGenerate = new Map<ImageModelId, Validator>();

function generateValidator(model: ImageModelId): Validator {
  let validator = compiledGenerate.get(model);
  if (!validator) {
    validator = toValidator(strictAjv.compile(generateImageRequestSchema(model)), 'body');
    compiledGenerate.set(model, validator);
  }
  return validator;
}

export const validators = {
  generate: Object.fromEntries(
    IMAGE_MODEL_IDS.map((model): [ImageModelId, Validator] => [model, (value) => generateValidator(model)(value)]),
  ) as Readonly<Record<ImageModelId, Validator>>,
  jobListQuery: toValidator(coercingAjv.compile(JOB_LIST_QUERY_SCHEMA), 'query'),
  modelCatalogQuery: toValidator(coercingAjv.compile(MODEL_CATALOG_QUERY_SCHEMA), 'query'),
  jobId: toValidator(strictAjv.compile(JOB_ID_SCHEMA), 'id'),
  idempotencyKey: toValidator(strictAjv.compile(IDEMPOTENCY_KEY_SCHEMA), 'Idempotency-Key'),
};

/** Turns ajv errors into Zod-like messages keyed by dotted path, as the real API reports them. */
export function errorsToDetails(errors: readonly ErrorObject[], rootName: string): ValidationDetails {
  const details: ValidationDetails = {};
  const add = (segments: string[], message: string): void => {
    const key = segments.length > 0 ? segments.join('.') : rootName;
    const list = (details[key] ??= []);
    if (!list.includes(message)) list.push(message);
  };
  for (const error of errors) {
    const segments = error.instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case 'required':
        add([...segments, String(params.missingProperty)], 'Required');
        break;
      case 'additionalProperties':
        add([...segments, String(params.additionalProperty)], `Unrecognized key: '${String(params.additionalProperty)}'`);
        break;
      case 'enum': {
        const allowed = (params.allowedValues as unknown[]).map((v) => `'${String(v)}'`).join(' | ');
        add(segments, `Invalid enum value. Expected ${allowed}`);
        break;
      }
      case 'minLength':
        add(segments, `String must contain at least ${String(params.limit)} character(s)`);
        break;
      case 'maxLength':
        add(segments, `String must contain at most ${String(params.limit)} character(s)`);
        break;
      case 'minItems':
        add(segments, `Array must contain at least ${String(params.limit)} element(s)`);
        break;
      case 'maxItems':
        add(segments, `Array must contain at most ${String(params.limit)} element(s)`);
        break;
      case 'pattern':
        add(segments, 'Invalid');
        break;
      case 'minimum':
        add(segments, `Number must be greater than or equal to ${String(params.limit)}`);
        break;
      case 'maximum':
        add(segments, `Number must be less than or equal to ${String(params.limit)}`);
        break;
      case 'type':
        add(segments, `Expected ${String(params.type)}, received ${describeType(valueAt(error))}`);
        break;
      case 'format':
        add(segments, params.format === 'uri' ? 'Invalid url' : `Invalid ${String(params.format)}`);
        break;
      default:
        add(segments, error.message ?? 'Invalid value');
    }
  }
  return details;
}

function valueAt(error: ErrorObject): unknown {
  return error.data;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
