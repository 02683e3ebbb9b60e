/**
 * Asks Apiframe's job list whether an earlier submit of a record created a job: jobs of the record's model,
 * newest first, back to a little before the record was created, matched on `input` (prompt and parameters)
 * and not already owned by another record. Listed jobs that do not show their input are fetched one by one
 * (a few at most). Reads only: the caller (the job manager) applies the answer to the record, one
 * reconciliation at a time so two records of one prompt cannot adopt the same job.
 */
import type { ApiframeClient } from '../apiframe/client';
import { imageModelSpec, isImageModelId } from '../apiframe/imageModels';
import { isOperationModelId, OPERATION_MODELS } from '../apiframe/imageOperations';
import type { Job } from '../apiframe/types';
import { isPlainObject } from '../shared/guards';
import { paramsOf, submittedAtOf } from './records';
import type { JobRecord } from './types';

export interface ReconcileLimits {
  /**
   * How far before the record's local creation time the list is searched: the server's clock (which stamps
   * `createdAt`) may differ from this machine's.
   */
  readonly clockSlackMs: number;
  /** Jobs asked for per page (the API allows at most 100). */
  readonly pageSize: number;
  /** Pages read at most; a longer list leaves the answer unknown. */
  readonly maxPages: number;
  /** Listed jobs without `input` that are fetched one by one to see theirs, at most. */
  readonly maxLookups: number;
}

export const RECONCILE_LIMITS: ReconcileLimits = {
  clockSlackMs: 2 * 60 * 60 * 1000,
  pageSize: 100,
  maxPages: 20,
  maxLookups: 10,
};

export interface ReconcileOptions {
  /** Now, on the clock the record's `createdAt` was written by. */
  readonly now: number;
  /** Tests use smaller ones; the manager the shipped `RECONCILE_LIMITS`. */
  readonly limits?: Partial<ReconcileLimits>;
}

/**
 * - `adopt`: the job an earlier submit created (the oldest match: with two records of one prompt, each adopts
 *   its own job in creation order);
 * - `absent`: the whole window was read and no job is this record's;
 * - `unknown`: no match, and no proof there is none — the list could not be read (`error` says why), was too
 *   long, or some jobs in it do not show what they were asked.
 */
export type ReconcileResult =
  | { readonly kind: 'adopt'; readonly job: Job }
  | { readonly kind: 'absent' }
  | { readonly kind: 'unknown'; readonly reason: 'list-too-long' | 'inputs-unreadable' }
  | { readonly kind: 'unknown'; readonly reason: 'list-unreadable'; readonly error: unknown };

/**
 * Reads the job list for `record`. `ownedElsewhere`: job ids other records already follow (never adopted
 * twice). Rejects only with `signal`'s reason when it aborts; every other failure is an `unknown` answer.
 */
export async function reconcileWithJobList(
  client: ApiframeClient,
  record: JobRecord,
  ownedElsewhere: ReadonlySet<string>,
  signal: AbortSignal,
  options: ReconcileOptions,
): Promise<ReconcileResult> {
  const limits = { ...RECONCILE_LIMITS, ...options.limits };
  let search: ListSearch;
  try {
    search = await searchJobList(client, record, ownedElsewhere, signal, limits, submittedAtOf(record, options.now) - limits.clockSlackMs);
    if (search.matches.length === 0 && search.unreadable.length > 0 && search.unreadable.length <= limits.maxLookups) {
      search = { ...search, ...(await lookUpInputs(client, record, search.unreadable, signal)) };
    }
  } catch (error) {
    signal.throwIfAborted();
    return { kind: 'unknown', reason: 'list-unreadable', error };
  }
  signal.throwIfAborted();
  const [oldest] = [...search.matches].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  if (oldest) return { kind: 'adopt', job: oldest };
  if (!search.complete) return { kind: 'unknown', reason: 'list-too-long' };
  if (search.unreadable.length > 0) return { kind: 'unknown', reason: 'inputs-unreadable' };
  return { kind: 'absent' };
}

/**
 * Whether a listed job's `input` is this record's request: same prompt (as sent: trimmed), model and parameters.
 * Every parameter the record sent must be in the input with the same value (DALL-E's two documented defaults
 * stand in for absent ones); parameters the server added beyond those (its own defaults) do not count against a
 * match — the spec does not say what `input` echoes. `unknown` when the server did not include the input.
 */
export function inputMatches(input: Record<string, unknown> | null | undefined, record: JobRecord): 'yes' | 'no' | 'unknown' {
  if (input === null || input === undefined || typeof input !== 'object') return 'unknown';
  if (record.operation) return operationInputMatches(input, record);
  if (typeof input.prompt !== 'string') return 'unknown';
  if (input.prompt.trim() !== record.prompt.trim()) return 'no';
  if (input.model !== undefined && input.model !== record.model) return 'no';
  if (!isImageModelId(record.model)) return 'no';
  const { paramsKey } = imageModelSpec(record.model);
  const block = input[paramsKey];
  const sent: Record<string, unknown> = isPlainObject(block) ? block : {};
  const defaults: Record<string, unknown> = record.model.startsWith('dall-e') ? DALLE_DEFAULTS : {};
  const reference = record.input?.referenceParam;
  for (const [name, value] of Object.entries(paramsOf(record))) {
    // The reference image may have been uploaded again since that submit: any of its uploads is this record's.
    if (name === reference) {
      if (!namesAnUpload(sent[name], record)) return 'no';
    } else if (!sameValue(sent[name] ?? defaults[name], value)) return 'no';
  }
  return 'yes';
}

/**
 * An operation's job is recognised by what no other job has: its input image among this record's uploads (every
 * upload gets a new URL), or for Midjourney's actions the parent job, the action and its index.
 */
function operationInputMatches(input: Record<string, unknown>, record: JobRecord): 'yes' | 'no' | 'unknown' {
  const operation = record.operation;
  if (!operation) return 'no';
  const request = operation.request;
  if (operation.kind === 'midjourneyAction') {
    if (input.parentJobId === undefined && input.action === undefined) return 'unknown';
    if (input.parentJobId !== request.parentJobId || input.action !== request.action) return 'no';
    for (const [name, value] of Object.entries(request)) {
      if (name !== 'parentJobId' && name !== 'action' && !sameValue(input[name], value)) return 'no';
    }
    return 'yes';
  }
  if (input.model !== undefined && input.model !== record.model) return 'no';
  if (!isOperationModelId(record.model)) return 'no';
  const { paramsKey } = OPERATION_MODELS[record.model];
  const block = input[paramsKey];
  if (!isPlainObject(block)) return 'unknown';
  if (!namesAnUpload(block.image, record)) return 'no';
  const own = request[paramsKey];
  const asked: Record<string, unknown> = isPlainObject(own) ? own : {};
  for (const [name, value] of Object.entries(asked)) {
    if (name !== 'image' && block[name] !== undefined && !sameValue(block[name], value)) return 'no';
  }
  return 'yes';
}

/** The value (a URL, or a one-URL array for array parameters) names one of the record's uploads of its input. */
function namesAnUpload(value: unknown, record: JobRecord): boolean {
  const uploads = new Set([...(record.input?.uploadedUrls ?? []), ...(record.input?.uploadedUrl ? [record.input.uploadedUrl] : [])]);
  const urls = Array.isArray(value) ? value : [value];
  return urls.some((url) => typeof url === 'string' && uploads.has(url));
}

/** The defaults the spec documents for DALL-E's block (what a server applies to a request without them). */
const DALLE_DEFAULTS: Record<string, unknown> = { aspect_ratio: '1:1', style: 'vivid' };

/** Structural equality of JSON values (parameters are strings, numbers, booleans and arrays of them). */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => sameValue(item, b[index]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => sameValue(a[key], b[key]));
  }
  return a === b;
}

interface ListSearch {
  /** Jobs whose input is this record's. */
  readonly matches: readonly Job[];
  /** Jobs whose input the list did not show. */
  readonly unreadable: readonly Job[];
  /** The list was read back to `since` (or to its end), not cut off by the page limit. */
  readonly complete: boolean;
}

/** Reads the list page by page (following the cursor) until a job older than `since`, its end or the page limit. */
async function searchJobList(
  client: ApiframeClient,
  record: JobRecord,
  ownedElsewhere: ReadonlySet<string>,
  signal: AbortSignal,
  limits: ReconcileLimits,
  since: number,
): Promise<ListSearch> {
  const matches: Job[] = [];
  const unreadable: Job[] = [];
  let cursor: string | undefined;
  let complete = false;
  for (let page = 0; page < limits.maxPages && !complete; page++) {
    const list = await client.listJobs({ model: record.model, limit: limits.pageSize, ...(cursor ? { cursor } : {}) }, { signal });
    for (const job of list.jobs) {
      const created = Date.parse(job.createdAt);
      if (Number.isFinite(created) && created < since) {
        complete = true;
        break;
      }
      if (ownedElsewhere.has(job.id) || job.model !== record.model) continue;
      const match = inputMatches(job.input, record);
      if (match === 'yes') matches.push(job);
      else if (match === 'unknown') unreadable.push(job);
    }
    if (!list.hasMore || !list.nextCursor) complete = true;
    cursor = list.nextCursor ?? undefined;
  }
  return { matches, unreadable, complete };
}

/** Fetches each job whose input the list left out, and sorts it by what it was asked. */
async function lookUpInputs(
  client: ApiframeClient,
  record: JobRecord,
  listed: readonly Job[],
  signal: AbortSignal,
): Promise<Pick<ListSearch, 'matches' | 'unreadable'>> {
  const matches: Job[] = [];
  const unreadable: Job[] = [];
  for (const entry of listed) {
    const job = await client.getJob(entry.id, { signal });
    const match = inputMatches(job.input, record);
    if (match === 'yes') matches.push(job);
    else if (match === 'unknown') unreadable.push(job);
  }
  return { matches, unreadable };
}
