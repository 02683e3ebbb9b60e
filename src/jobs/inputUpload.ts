/**
 * The input image of a job that starts from an existing image: where its bytes come from for an upload, how a
 * record takes an upload's URL (into the operation's `image` field or the generation's reference parameter),
 * and whether a refusal is about that image. Pure except for reading a cached image from disk; no `vscode`.
 */
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ApiframeError } from '../apiframe/errors';
import { imageModelSpec, isImageModelId, paramsSchemaOf } from '../apiframe/imageModels';
import { isOperationModelId, OPERATION_MODELS } from '../apiframe/imageOperations';
import type { UploadedImage, UploadSource } from '../apiframe/uploads';
import { isPlainObject } from '../shared/guards';
import { MAX_UPLOADED_URLS } from './journal';
import type { CachedImage, InputImage, JobRecord } from './types';

/** The input as a caller describes it: where it comes from, never an upload of an earlier record. */
export function withoutUpload(input: InputImage): InputImage {
  const { uri, localId, index, name, referenceParam } = input;
  return {
    name,
    ...(uri !== undefined ? { uri } : {}),
    ...(localId !== undefined ? { localId } : {}),
    ...(index !== undefined ? { index } : {}),
    ...(referenceParam !== undefined ? { referenceParam } : {}),
  };
}

/** The journaled URL may still be put into a new request (before `reusableUntil`, which keeps a margin). */
export function hasReusableUpload(input: InputImage, now: number): boolean {
  const until = Date.parse(input.reusableUntil ?? '');
  return input.uploadedUrl !== undefined && Number.isFinite(until) && until > now;
}

/**
 * The record's changes once its input was uploaded: the URL and until when it may be reused, every URL it was
 * uploaded to (the job list recognises the record's job by any of them), and the request that carries it.
 */
export function takeUpload(record: JobRecord, uploaded: Pick<UploadedImage, 'url' | 'reusableUntil'>): Partial<JobRecord> {
  const input = record.input;
  if (!input) throw new Error(`Job ${record.localId} has no input image to upload.`);
  const urls = [...(input.uploadedUrls ?? []).filter((url) => url !== uploaded.url), uploaded.url].slice(-MAX_UPLOADED_URLS);
  const patch: Partial<JobRecord> = {
    input: { ...input, uploadedUrl: uploaded.url, reusableUntil: uploaded.reusableUntil.toISOString(), uploadedUrls: urls },
  };
  const operation = record.operation;
  if (operation) {
    if (!isOperationModelId(record.model)) throw new Error(`Job ${record.localId}: ${record.model} takes no uploaded image.`);
    const { paramsKey } = OPERATION_MODELS[record.model];
    const block = operation.request[paramsKey];
    const params = isPlainObject(block) ? block : {};
    return { ...patch, operation: { ...operation, request: { ...operation.request, [paramsKey]: { ...params, image: uploaded.url } } } };
  }
  const reference = input.referenceParam;
  if (reference === undefined || !isImageModelId(record.model)) throw new Error(`Job ${record.localId} has no parameter for its reference image.`);
  const schema = paramsSchemaOf(record.model).properties[reference];
  if (!schema) throw new Error(`${record.model} has no parameter ${reference} for a reference image.`);
  const isList = schema.type === 'array' || Array.isArray(schema.type);
  return { ...patch, params: { ...(record.params ?? {}), [reference]: isList ? [uploaded.url] : uploaded.url } };
}

/**
 * Apiframe refused the submit as invalid because of its input image (the route fetches it first: an upload that
 * lapsed early is refused so) — the one refusal that uploading again can cure.
 */
export function refusesInputImage(error: unknown, record: JobRecord): boolean {
  if (!(error instanceof ApiframeError) || error.code !== 'validation' || !record.input) return false;
  const field = inputField(record);
  const fields = Object.keys(error.details ?? {});
  if (field !== undefined && fields.some((name) => name === field || name.startsWith(`${field}.`) || name.startsWith(`${field}[`))) return true;
  return /\binput image\b/i.test(error.message);
}

/** The body path of the input image: `briaBgRemoveParams.image`, `nanoBananaParams.image_input`. */
function inputField(record: JobRecord): string | undefined {
  if (record.operation && isOperationModelId(record.model)) return `${OPERATION_MODELS[record.model].paramsKey}.image`;
  const reference = record.input?.referenceParam;
  if (reference !== undefined && isImageModelId(record.model)) return `${imageModelSpec(record.model).paramsKey}.${reference}`;
  return undefined;
}

/** A gallery image as an upload: the cached file, streamed from disk on each attempt. */
export async function cachedImageSource(file: string, image: CachedImage): Promise<UploadSource> {
  let size: number;
  try {
    size = (await fs.stat(file)).size;
  } catch (error) {
    throw new ApiframeError('invalidInput', `The image is no longer in the image cache (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}).`);
  }
  return { fileName: path.basename(file), size, contentType: image.mime, open: () => createReadStream(file) };
}
