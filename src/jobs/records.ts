/** What a job record says about itself: its snapshot form, its age, where following it resumes. */
import { imageRequestOf, isImageModelId, type ImageGenerationRequest, type ImageModelId, type ModelParamValues } from '../apiframe/imageModels';
import type { ImageOperationRequest } from '../apiframe/imageOperations';
import type { ImageAction, JobPhase, JobRecord } from './types';

/**
 * Makes a record the frozen snapshot the journal, listeners and `history()` share. Undefined fields are
 * dropped so that the journal and the listeners see the same shape.
 */
export function freezeRecord(record: JobRecord): JobRecord {
  for (const key of Object.keys(record) as (keyof JobRecord)[]) if (record[key] === undefined) delete record[key];
  return Object.freeze(record);
}

/** When the record's job was (first) submitted: its creation time, or `fallback` when that is unreadable or in the future. */
export function submittedAtOf(record: JobRecord, fallback: number): number {
  const created = Date.parse(record.createdAt);
  return Number.isFinite(created) && created <= fallback ? created : fallback;
}

/** The phase to follow a stopped record from: submit, wait or download, by what it already has. */
export function activePhaseOf(record: JobRecord): JobPhase {
  if (!record.jobId) return 'pending-submit';
  if (record.status === 'COMPLETED' && record.remoteUrls && record.remoteUrls.length > 0) return 'downloading';
  return 'running';
}

/** The model's parameter block a record was (or will be) submitted with; older records carry DALL-E's two fields. */
export function paramsOf(record: JobRecord): Readonly<ModelParamValues> {
  return record.params ?? { aspect_ratio: record.aspectRatio, style: record.style ?? 'vivid' };
}

/** The body a record is submitted with — the same on every resubmit, so the idempotency key names one request. */
export function requestOf(record: JobRecord): ImageGenerationRequest {
  return imageRequestOf(generationModelOf(record), record.prompt, paramsOf(record));
}

/** The image model of a generation's record; throws for a record of an operation (it has no generation request). */
export function generationModelOf(record: JobRecord): ImageModelId {
  if (record.operation || !isImageModelId(record.model)) throw new Error(`Job ${record.localId} is an operation on an image, not a generation.`);
  return record.model;
}

/** The operation a record submits — the same body on every resubmit (its image field holds the last upload's URL). */
export function operationOf(record: JobRecord): ImageOperationRequest | undefined {
  const operation = record.operation;
  return operation ? ({ kind: operation.kind, request: { ...operation.request } } as unknown as ImageOperationRequest) : undefined;
}

/** Whether the record's input image must be uploaded before its submit (a workspace file or a cached gallery image). */
export function needsUpload(record: JobRecord): boolean {
  if (!record.input) return false;
  if (record.operation) return record.operation.kind !== 'midjourneyAction';
  return record.input.referenceParam !== undefined;
}

/** What the user asked of the record's input image (an operation, or a generation from a reference image). */
export function imageActionOf(record: JobRecord): ImageAction | undefined {
  return record.operation ?? record.inputAction;
}
