/**
 * What a saved image carries so it can be made again: the request (prompt, model, the model's own parameter
 * block, aspect ratio), the seed when the model has one, Apiframe's job id and when it was made — as one JSON
 * object. Never the API key: the payload is built field by field from plain values, nothing is copied wholesale.
 *
 * Reading is strict, because an image file is input anyone can craft: the JSON must be small, of exactly this
 * shape (no unknown fields), name a model we know, and carry a parameter block the model's schema accepts —
 * so what Re-run from Image sends is never more than what the user could have asked for themselves.
 */
import { IMAGE_MODELS, isImageModelId, paramsSchemaOf, type ImageModelId, type ModelParamValues } from '../apiframe/imageModels';
import { checkParams } from '../apiframe/paramsCheck';
import { validatePrompt } from '../apiframe/shapes';
import { isPlainObject } from '../shared/guards';

/** The payload format; a reader refuses a newer one instead of guessing at it. */
export const METADATA_VERSION = 1;

/** Names what made the image, in the payload and in the format's own "software" field. */
export const METADATA_SOFTWARE = 'Apiframe Images';

/**
 * The most UTF-8 bytes of JSON read back: a 5000-character prompt (3 bytes a character at worst) and the
 * largest parameter blocks fit with room to spare; anything larger is not ours.
 */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

export interface ImageMetadata {
  readonly version: typeof METADATA_VERSION;
  readonly prompt: string;
  readonly model: ImageModelId;
  /** The model's parameter block as it was sent. */
  readonly params: Readonly<ModelParamValues>;
  /** The aspect ratio the user chose (`16:9`); each family maps it to its own field. */
  readonly aspectRatio: string;
  /** The seed sent, when the model takes one and it was set (also in `params`; here for people and other tools). */
  readonly seed?: number;
  /** Apiframe's job id. */
  readonly jobId?: string;
  /** ISO time the job was created. */
  readonly createdAt: string;
}

export interface ImageMetadataInput {
  readonly prompt: string;
  readonly model: ImageModelId;
  readonly params: Readonly<ModelParamValues>;
  readonly aspectRatio: string;
  readonly jobId?: string;
  readonly createdAt: string;
}

const FIELDS = new Set(['version', 'software', 'prompt', 'model', 'params', 'aspectRatio', 'seed', 'jobId', 'createdAt']);
const ASPECT_RATIO = /^\d{1,4}:\d{1,4}$/;
const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** The metadata of a job, from its plain values (nothing else is copied). */
export function imageMetadataOf(input: ImageMetadataInput): ImageMetadata {
  const seed = input.params.seed;
  return {
    version: METADATA_VERSION,
    prompt: input.prompt,
    model: input.model,
    params: input.params,
    aspectRatio: input.aspectRatio,
    ...(typeof seed === 'number' && Number.isSafeInteger(seed) ? { seed } : {}),
    ...(input.jobId !== undefined && JOB_ID.test(input.jobId) ? { jobId: input.jobId } : {}),
    createdAt: input.createdAt,
  };
}

/**
 * The payload as JSON text, in a fixed field order. U+FFFE and U+FFFF are legal in JSON strings but not in XML,
 * so they are written as escapes (JSON.stringify already escapes control characters and lone surrogates).
 */
export function serializeImageMetadata(metadata: ImageMetadata): string {
  const ordered = {
    version: metadata.version,
    software: METADATA_SOFTWARE,
    prompt: metadata.prompt,
    model: metadata.model,
    params: metadata.params,
    aspectRatio: metadata.aspectRatio,
    ...(metadata.seed !== undefined ? { seed: metadata.seed } : {}),
    ...(metadata.jobId !== undefined ? { jobId: metadata.jobId } : {}),
    createdAt: metadata.createdAt,
  };
  return JSON.stringify(ordered).replace(/[\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/** What a file holds of ours: the payload's text, nothing, something we cannot have written, or too much to read. */
export type PayloadSearch = { readonly found: true; readonly text: string } | { readonly found: false; readonly reason: 'none' | 'malformed' | 'tooLarge' };

/** Why a payload was refused; `newer` means a later version of the extension wrote it. */
export type MetadataProblem = 'tooLarge' | 'notJson' | 'newer' | 'invalid';

export type MetadataReading = { readonly ok: true; readonly metadata: ImageMetadata } | { readonly ok: false; readonly problem: MetadataProblem; readonly detail: string };

function refused(problem: MetadataProblem, detail: string): MetadataReading {
  return { ok: false, problem, detail };
}

/** Checks a payload read from a file; only a payload that passes every check is returned. */
export function parseImageMetadata(text: string): MetadataReading {
  // Counted in UTF-8 bytes, the unit the file stored (a string's length would let a 3× larger payload through).
  if (new TextEncoder().encode(text).length > MAX_PAYLOAD_BYTES) return refused('tooLarge', `larger than ${MAX_PAYLOAD_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return refused('notJson', 'not JSON');
  }
  if (!isPlainObject(value)) return refused('invalid', 'not an object');
  if (typeof value.version === 'number' && Number.isInteger(value.version) && value.version > METADATA_VERSION) {
    return refused('newer', `version ${value.version}`);
  }
  if (value.version !== METADATA_VERSION) return refused('invalid', 'unknown version');
  const unknown = Object.keys(value).find((key) => !FIELDS.has(key));
  if (unknown !== undefined) return refused('invalid', `unknown field "${unknown.slice(0, 40)}"`);
  if (value.software !== undefined && value.software !== METADATA_SOFTWARE) return refused('invalid', 'software');
  const { prompt, model, params, aspectRatio, seed, jobId, createdAt } = value;
  if (!isImageModelId(model)) return refused('invalid', 'unknown model');
  if (typeof prompt !== 'string' || validatePrompt(prompt, IMAGE_MODELS[model].promptMaxLength) !== undefined) return refused('invalid', 'prompt');
  if (!isPlainObject(params)) return refused('invalid', 'params');
  const problems = checkParams(paramsSchemaOf(model), params);
  if (problems.length > 0) return refused('invalid', `params.${problems[0]?.path.join('.') ?? ''} ${problems[0]?.message ?? ''}`.trim());
  if (typeof aspectRatio !== 'string' || !ASPECT_RATIO.test(aspectRatio)) return refused('invalid', 'aspectRatio');
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed !== params.seed)) return refused('invalid', 'seed');
  if (jobId !== undefined && (typeof jobId !== 'string' || !JOB_ID.test(jobId))) return refused('invalid', 'jobId');
  if (typeof createdAt !== 'string' || !ISO_TIME.test(createdAt) || Number.isNaN(Date.parse(createdAt))) return refused('invalid', 'createdAt');
  return {
    ok: true,
    metadata: {
      version: METADATA_VERSION,
      prompt,
      model,
      params,
      aspectRatio,
      ...(seed !== undefined ? { seed } : {}),
      ...(jobId !== undefined ? { jobId } : {}),
      createdAt,
    },
  };
}
