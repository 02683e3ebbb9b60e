/**
 * The Apiframe v2 client, over undici. Loaded on first use only (undici costs ~100–150 ms to evaluate):
 * nothing on the activation path may import this module. No `vscode` import: unit-tested in plain Node.
 *
 * Policy in one place:
 * - every call sends `X-API-Key` and a `User-Agent`; every submit sends an `Idempotency-Key` (UUID v4 unless
 *   given), reused by its retries, so a retried submit can never create (or charge) a second job;
 * - 429 is retried honouring `Retry-After` (seconds or HTTP date, capped); 502/503/504, connection errors,
 *   timeouts and unparsable 2xx bodies are retried for GETs and keyed submits (all our submits are keyed);
 *   400/401/402/403/404/409 and 500 are never retried; backoff is full-jitter exponential;
 * - an AbortSignal cancels any call at any stage, including a backoff wait (code `aborted`);
 * - every error text goes through `redactSecrets` and carries no `cause` (undici errors can hold headers).
 *
 * This module composes the parts: `request.ts` (one JSON request), `retry.ts` (the retry loop),
 * `errorMapping.ts` (status, body and thrown errors → ApiframeError), `download.ts` (result images) and
 * `dispatcher.ts` (proxies); `shapes.ts` checks every answer.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../shared/logger';
import { buildDispatcher, type ApiframeProxyOptions } from './dispatcher';
import { downloadImage, type DownloadedImage } from './download';
import { ApiframeError } from './errors';
import { isUnparsableAnswer } from './errorMapping';
import { errorText } from '../shared/errorText';
import { redactSecrets, serverTextForDisplay } from './redact';
import { requestJson, type Connection, type PublicConnection } from './request';
import { createRetrier, type Retrier } from './retry';
import {
  buildGenerateBody,
  parseJob,
  parseJobAccepted,
  parseJobList,
  parseMe,
  parseModelCatalog,
  validatePrompt,
} from './shapes';
import { IMAGE_MODELS, isImageModelId, type ImageGenerationRequest } from './imageModels';
import {
  OPERATION_PATHS,
  buildOperationBody,
  checkOperationRequest,
  type BackgroundRemoveRequest,
  type ImageEditRequest,
  type ImageOperationRequest,
  type MidjourneyActionRequest,
  type UpscaleRequest,
} from './imageOperations';
import { checkUploadSource, openMultipartBody, parseUpload, uploadRefusal, type UploadSource, type UploadedImage } from './uploads';
import type { Job, JobAccepted, JobList, JobListQuery, Me, ModelCatalog } from './types';
import { checkBaseUrl } from './urls';

export { ApiframeError } from './errors';
export type { ApiframeErrorCode } from './errors';
export { parseRetryAfter } from './errorMapping';
export { redactSecrets } from './redact';
export { imageUrlsOf, validatePrompt } from './shapes';
export { checkBaseUrl, checkResultUrl, isLoopbackHost } from './urls';
export type { ApiframeProxyOptions } from './dispatcher';
export type { DownloadedImage } from './download';
export type { UploadSource, UploadedImage } from './uploads';
export { isUploadReusable, UPLOAD_MAX_BYTES } from './uploads';
export type {
  BackgroundRemoveRequest,
  ImageEditRequest,
  ImageOperationRequest,
  MidjourneyActionRequest,
  UpscaleRequest,
} from './imageOperations';

export interface ApiframeClientOptions {
  /** https: required; http: only for loopback hosts (127.0.0.0/8, ::1, localhost). */
  baseUrl: string;
  apiKey: string;
  /** e.g. "apiframe-images-vscode/0.1.0 (VS Code 1.139.1)" */
  userAgent: string;
  /** Per request (per attempt; for a download, the whole transfer). Default 60 s (`CLIENT_RETRY_DEFAULTS`). */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 4. */
  maxRetries?: number;
  /** Full-jitter backoff: attempt n waits random() × min(retryMaxDelayMs, retryBaseDelayMs × 2^n). Defaults 250 ms / 8 s. */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Longest Retry-After the client honours before retrying anyway. Default 60 s. */
  maxRetryAfterMs?: number;
  proxy?: ApiframeProxyOptions;
  /** Jitter source, injectable for tests. Default Math.random. */
  random?: () => number;
  /** Environment for proxy variables. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Debug lines about retries (already redacted). */
  log?: Logger;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface ApiframeClient {
  /**
   * Validates the prompt locally, then submits (any image model; only the model's own parameter block is sent).
   * The key is UUID v4 unless given; retries reuse it.
   */
  submitImage(
    request: ImageGenerationRequest,
    options?: SubmitOptions,
  ): Promise<SubmittedJob>;
  /**
   * Uploads one local image (PNG, JPEG, WebP or GIF, at most 25 MB) as multipart/form-data, streamed from
   * `source.open()`; size and format are checked before a byte is sent, and a retry opens the file again.
   * A duplicate upload is harmless (the server reaps it), so transient failures are retried like a GET.
   */
  uploadImage(source: UploadSource, options?: UploadOptions): Promise<UploadedImage>;
  /** Background removal (`/v2/images/background-remove`): checked locally, keyed like `submitImage`. */
  removeBackground(request: BackgroundRemoveRequest, options?: SubmitOptions): Promise<SubmittedJob>;
  /** Upscale (`/v2/images/upscale`). */
  upscaleImage(request: UpscaleRequest, options?: SubmitOptions): Promise<SubmittedJob>;
  /** Inpaint or outpaint (`/v2/images/edit`). */
  editImage(request: ImageEditRequest, options?: SubmitOptions): Promise<SubmittedJob>;
  /** A Midjourney follow-up action on a completed job (`/v2/images/midjourney/action`); 409 → `conflict`. */
  midjourneyAction(request: MidjourneyActionRequest, options?: SubmitOptions): Promise<SubmittedJob>;
  /** Any of the four above, by its kind. */
  submitOperation(operation: ImageOperationRequest, options?: SubmitOptions): Promise<SubmittedJob>;
  getJob(jobId: string, options?: CallOptions): Promise<Job>;
  listJobs(query?: JobListQuery, options?: CallOptions): Promise<JobList>;
  me(options?: CallOptions): Promise<Me>;
  /** The public model catalog; sent without the key (the endpoint needs none). */
  listModels(query?: ModelCatalogQuery, options?: CallOptions): Promise<ModelCatalog>;
  /**
   * Streams a result image: URL rules checked first and on every redirect (followed manually, at most 5),
   * byte cap enforced while streaming (and up front from Content-Length), gzip/deflate/br decoded with the
   * cap applied to the decoded bytes, aborts cleanly. The API key is never sent to image hosts.
   */
  downloadImage(url: string, options: CallOptions & { maxBytes: number }): Promise<DownloadedImage>;
  /** Closes the undici dispatcher (open sockets and the proxy connection). */
  close(): Promise<void>;
}

export type SubmitOptions = CallOptions & { idempotencyKey?: string };
/**
 * `timeoutMs` per attempt; by default the client's timeout plus the time the file takes at 64 KB/s, so a
 * 25 MB file on a slow uplink is not cut off by a timeout meant for JSON answers.
 */
export type UploadOptions = CallOptions & { timeoutMs?: number };
/** A submit's answer with the idempotency key it was sent under (to journal before and reuse on resume). */
export type SubmittedJob = JobAccepted & { idempotencyKey: string };

export interface ModelCatalogQuery {
  modality?: 'image' | 'video' | 'music';
}

/** A client for the public endpoints only: it never holds a key, so it works before one is set. */
export interface ApiframeCatalogClient {
  listModels(query?: ModelCatalogQuery, options?: CallOptions): Promise<ModelCatalog>;
  close(): Promise<void>;
}

/**
 * The shipped timeout and retry policy (what `ApiframeClientOptions` falls back to), named so that tests
 * which run "the policy that ships" use these numbers instead of copies.
 */
export const CLIENT_RETRY_DEFAULTS: Readonly<
  Required<Pick<ApiframeClientOptions, 'maxRetries' | 'retryBaseDelayMs' | 'retryMaxDelayMs' | 'timeoutMs' | 'maxRetryAfterMs'>>
> = {
  maxRetries: 4,
  retryBaseDelayMs: 250,
  retryMaxDelayMs: 8_000,
  timeoutMs: 60_000,
  maxRetryAfterMs: 60_000,
};

/** Header values must be visible ASCII; checked up front so undici never builds an error around the key. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
const MAX_JOB_ID_LENGTH = 200;
const MAX_JOB_LIST_LIMIT = 100;
/** The slowest uplink an upload's default timeout allows for. */
const UPLOAD_SLOWEST_BYTES_PER_SECOND = 64 * 1024;

/** A GET of the API through the retry loop, returning the parsed body. */
type GetJson = (path: string, what: string, signal: AbortSignal | undefined) => Promise<unknown>;

export function createApiframeClient(options: ApiframeClientOptions): ApiframeClient {
  const base = checkBaseUrl(options.baseUrl);
  const apiKey = checkedApiKey(options.apiKey);
  const { dispatcher, secrets: proxySecrets } = buildDispatcher(options.proxy, options.env ?? process.env);
  const connection: Connection = {
    base,
    apiKey,
    userAgent: options.userAgent.replace(/[^\x20-\x7e]/g, ''),
    dispatcher,
    timeoutMs: options.timeoutMs ?? CLIENT_RETRY_DEFAULTS.timeoutMs,
    secrets: [apiKey, ...proxySecrets],
  };
  const withRetries = retrierFor(options, connection);
  const getJson: GetJson = (path, what, signal) =>
    withRetries({ what, retrySafe: true, signal }, () => requestJson(connection, { method: 'GET', path, what, signal }));

  return {
    submitImage: (generateRequest, callOptions = {}) => submitImage(connection, withRetries, generateRequest, callOptions),
    uploadImage: (source, callOptions = {}) =>
      uploadImage(
        { ...connection, timeoutMs: callOptions.timeoutMs ?? connection.timeoutMs + Math.ceil((Math.max(0, source.size) / UPLOAD_SLOWEST_BYTES_PER_SECOND) * 1000) },
        withRetries,
        source,
        callOptions.signal,
      ),
    removeBackground: (request, callOptions = {}) => submitOperation(connection, withRetries, { kind: 'backgroundRemove', request }, callOptions),
    upscaleImage: (request, callOptions = {}) => submitOperation(connection, withRetries, { kind: 'upscale', request }, callOptions),
    editImage: (request, callOptions = {}) => submitOperation(connection, withRetries, { kind: 'edit', request }, callOptions),
    midjourneyAction: (request, callOptions = {}) => submitOperation(connection, withRetries, { kind: 'midjourneyAction', request }, callOptions),
    submitOperation: (operation, callOptions = {}) => submitOperation(connection, withRetries, operation, callOptions),
    getJob: (jobId, callOptions = {}) => getJob(getJson, jobId, callOptions.signal),
    listJobs: (query = {}, callOptions = {}) => listJobs(getJson, query, callOptions.signal),
    async me(callOptions = {}) {
      return parseMe(await getJson('/v2/me', 'the account query', callOptions.signal));
    },
    listModels: (query = {}, callOptions = {}) => listModels(connection, withRetries, query, callOptions.signal),
    downloadImage: (url, callOptions) => downloadImage(connection, withRetries, url, callOptions),
    async close() {
      await dispatcher.close();
    },
  };
}

/**
 * A client for the public model catalog (`GET /v2/models`), with the same base URL rules, proxy, timeout and
 * retry policy as the keyed client but no key at all: the catalog can be read before a key is set, and a key
 * can never leak to it.
 */
export function createCatalogClient(options: Omit<ApiframeClientOptions, 'apiKey'>): ApiframeCatalogClient {
  const base = checkBaseUrl(options.baseUrl);
  const { dispatcher, secrets } = buildDispatcher(options.proxy, options.env ?? process.env);
  const connection: PublicConnection = {
    base,
    userAgent: options.userAgent.replace(/[^\x20-\x7e]/g, ''),
    dispatcher,
    timeoutMs: options.timeoutMs ?? CLIENT_RETRY_DEFAULTS.timeoutMs,
    secrets: [...secrets],
  };
  const withRetries = retrierFor(options, connection);
  return {
    listModels: (query = {}, callOptions = {}) => listModels(connection, withRetries, query, callOptions.signal),
    async close() {
      await dispatcher.close();
    },
  };
}

async function listModels(
  connection: Connection | PublicConnection,
  withRetries: Retrier,
  query: ModelCatalogQuery,
  signal: AbortSignal | undefined,
): Promise<ModelCatalog> {
  const path = `/v2/models${query.modality ? `?modality=${encodeURIComponent(query.modality)}` : ''}`;
  const what = 'the model list';
  const answer = await withRetries({ what, retrySafe: true, signal }, () =>
    requestJson(connection, { method: 'GET', path, what, signal, withoutKey: true }),
  );
  return parseModelCatalog(answer);
}

/** The retry loop of a client, under its options or the shipped policy. */
function retrierFor(options: Omit<ApiframeClientOptions, 'apiKey'>, connection: PublicConnection): Retrier {
  return createRetrier(
    {
      maxRetries: options.maxRetries ?? CLIENT_RETRY_DEFAULTS.maxRetries,
      retryBaseDelayMs: options.retryBaseDelayMs ?? CLIENT_RETRY_DEFAULTS.retryBaseDelayMs,
      retryMaxDelayMs: options.retryMaxDelayMs ?? CLIENT_RETRY_DEFAULTS.retryMaxDelayMs,
      maxRetryAfterMs: options.maxRetryAfterMs ?? CLIENT_RETRY_DEFAULTS.maxRetryAfterMs,
      random: options.random ?? Math.random,
    },
    connection,
    options.log,
  );
}

/** The key, trimmed, or a refusal that never echoes it (the value is, or is almost, the secret itself). */
function checkedApiKey(raw: string): string {
  const apiKey = raw.trim();
  if (!apiKey) throw new ApiframeError('invalidInput', 'No Apiframe API key is set.', { retryable: false });
  if (!HEADER_SAFE.test(apiKey)) {
    throw new ApiframeError('invalidInput', 'The Apiframe API key contains spaces or characters a key cannot have.', {
      retryable: false,
    });
  }
  return apiKey;
}

/** Validates the prompt locally, then submits a generation under its idempotency key. */
async function submitImage(
  connection: Connection,
  withRetries: Retrier,
  generateRequest: ImageGenerationRequest,
  callOptions: SubmitOptions,
): Promise<SubmittedJob> {
  const problem = validatePrompt(
    generateRequest.prompt,
    isImageModelId(generateRequest.model) ? IMAGE_MODELS[generateRequest.model].promptMaxLength : undefined,
  );
  if (problem) throw new ApiframeError('invalidInput', problem, { retryable: false });
  return submitJob(connection, withRetries, '/v2/images/generate', JSON.stringify(buildGenerateBody(generateRequest)), 'the image submission', callOptions);
}

/** Checks an operation against our schema of it (the message names every problem), then submits it keyed. */
async function submitOperation(
  connection: Connection,
  withRetries: Retrier,
  operation: ImageOperationRequest,
  callOptions: SubmitOptions,
): Promise<SubmittedJob> {
  const problems = checkOperationRequest(operation);
  if (problems.length > 0) {
    const text = problems.map((p) => `${p.path.join('.') || 'the request'} ${p.message}`).join('; ');
    throw new ApiframeError('invalidInput', serverTextForDisplay(`The ${OPERATION_NAMES[operation.kind]} request is not valid: ${text}.`, 1000), {
      retryable: false,
    });
  }
  const body = JSON.stringify(buildOperationBody(operation));
  try {
    return await submitJob(connection, withRetries, OPERATION_PATHS[operation.kind], body, `the ${OPERATION_NAMES[operation.kind]} submission`, callOptions);
  } catch (error) {
    // For an action, 409 is first of all the route's own refusal: the action does not apply to that parent job.
    if (operation.kind === 'midjourneyAction' && error instanceof ApiframeError && error.status === 409) {
      const said = error.serverMessage ? ` (${error.serverMessage})` : '';
      throw new ApiframeError(
        'conflict',
        `Apiframe refused the Midjourney ${operation.request.action} action: it is not available for job ${operation.request.parentJobId}${said}. Upscale and Vary act on a finished grid; Zoom Out, Pan and Vary Region on a finished upscale.`,
        { ...error },
      );
    }
    throw error;
  }
}

const OPERATION_NAMES: Readonly<Record<ImageOperationRequest['kind'], string>> = {
  backgroundRemove: 'background removal',
  upscale: 'upscale',
  edit: 'image edit',
  midjourneyAction: 'Midjourney action',
};

/**
 * Submits a job with the idempotency key (retries reuse it). When an attempt went unanswered (lost, timed out,
 * 5xx, garbled), a later refusal is marked `afterUnansweredAttempt`: the first attempt may have created the job.
 */
async function submitJob(
  connection: Connection,
  withRetries: Retrier,
  path: string,
  body: string,
  what: string,
  callOptions: SubmitOptions,
): Promise<SubmittedJob> {
  const idempotencyKey = callOptions.idempotencyKey ?? randomUUID();
  if (idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH || !HEADER_SAFE.test(idempotencyKey)) {
    throw new ApiframeError('invalidInput', 'The idempotency key must be 1–255 visible ASCII characters.', {
      retryable: false,
    });
  }
  const { signal } = callOptions;
  // Whether an attempt went unanswered: a refusal of a later retry then proves nothing about the first.
  let unanswered = false;
  try {
    const accepted = await withRetries({ what, retrySafe: true, signal }, async () => {
      try {
        return await requestJson(connection, {
          method: 'POST',
          path,
          what,
          signal,
          headers: { 'idempotency-key': idempotencyKey },
          body,
        });
      } catch (error) {
        if (!(error instanceof ApiframeError) || error.status === undefined || error.status >= 500 || isUnparsableAnswer(error)) unanswered = true;
        throw error;
      }
    });
    return { ...parseJobAccepted(accepted), idempotencyKey };
  } catch (error) {
    if (unanswered && error instanceof ApiframeError && !error.afterUnansweredAttempt && error.status !== undefined && error.status < 500) {
      throw new ApiframeError(error.code, error.message, { ...error, afterUnansweredAttempt: true });
    }
    throw error;
  }
}

/**
 * Checks the file, then uploads it: every attempt opens the file anew (its first bytes are checked before the
 * request starts). Refusals are reworded to say what to do; a size or content problem found while streaming is
 * reported as itself, not as the network error the HTTP layer made of it.
 */
async function uploadImage(connection: Connection, withRetries: Retrier, source: UploadSource, signal: AbortSignal | undefined): Promise<UploadedImage> {
  const declaredType = checkUploadSource(source);
  const what = `the upload of ${serverTextForDisplay(source.fileName, 120)}`;
  try {
    const answer = await withRetries({ what, retrySafe: true, signal }, async () => {
      const failure: { error?: ApiframeError } = {};
      const body = await openMultipartBody(source, declaredType, failure).catch((thrown: unknown) => {
        if (thrown instanceof ApiframeError) throw thrown;
        // The caller's file could not be read: nothing was sent, and another attempt would read it no better.
        throw new ApiframeError('invalidInput', redactSecrets(`Could not read ${serverTextForDisplay(source.fileName, 120)}: ${errorText(thrown)}`, connection.secrets), {
          retryable: false,
        });
      });
      try {
        return await requestJson(connection, { method: 'POST', path: '/v2/uploads', what, signal, body });
      } catch (error) {
        throw failure.error ?? error;
      }
    });
    return parseUpload(answer, Date.now());
  } catch (error) {
    throw error instanceof ApiframeError ? uploadRefusal(error, source.fileName) : error;
  }
}

/** The job, checked to be the one asked for; every error carries the job id. */
async function getJob(getJson: GetJson, jobId: string, signal: AbortSignal | undefined): Promise<Job> {
  if (!jobId || jobId.length > MAX_JOB_ID_LENGTH) throw new ApiframeError('invalidInput', 'The job id is empty or too long.', { retryable: false });
  try {
    const job = parseJob(await getJson(`/v2/jobs/${encodeURIComponent(jobId)}`, `job ${jobId}`, signal), `job ${jobId}`);
    if (job.id !== jobId) throw new ApiframeError('badResponse', `Apiframe answered a query for job ${jobId} with job ${serverTextForDisplay(job.id, 60)}.`, { retryable: false });
    return job;
  } catch (error) {
    if (error instanceof ApiframeError && error.jobId === undefined) {
      throw new ApiframeError(error.code, error.message, { ...error, jobId });
    }
    throw error;
  }
}

async function listJobs(getJson: GetJson, query: JobListQuery, signal: AbortSignal | undefined): Promise<JobList> {
  const params = new URLSearchParams();
  if (query.status) params.set('status', query.status);
  if (query.model) params.set('model', query.model);
  if (query.limit !== undefined) {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_JOB_LIST_LIMIT) {
      throw new ApiframeError('invalidInput', 'The job list limit must be a whole number from 1 to 100.', { retryable: false });
    }
    params.set('limit', String(query.limit));
  }
  if (query.cursor) params.set('cursor', query.cursor);
  const search = params.toString();
  return parseJobList(await getJson(`/v2/jobs${search ? `?${search}` : ''}`, 'the job list', signal));
}
