/** What a job record says about itself: its snapshot form, its age, where following it resumes. */
import { imageRequestOf, type ImageGenerationRequest, type ModelParamValues } from '../apiframe/imageModels';
import type { JobPhase, JobRecord } from './types';

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
  return imageRequestOf(record.model, record.prompt, paramsOf(record));
}
