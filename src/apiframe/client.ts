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
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import zlib from 'node:zlib';
import { Agent, EnvHttpProxyAgent, request } from './undiciParts';
import type { Dispatcher } from 'undici';
import type { Logger } from '../shared/logger';
import { ApiframeError } from './errors';
import { redactSecrets, serverTextForDisplay } from './redact';
import {
  buildGenerateBody,
  parseJob,
  parseJobAccepted,
  parseJobList,
  parseMe,
  parseModelCatalog,
  validatePrompt,
} from './shapes';
import type { GenerateImageRequest, Job, JobAccepted, JobList, JobListQuery, Me, ModelCatalog } from './types';
import { checkBaseUrl, checkResultUrl } from './urls';
import { errorText } from '../shared/errorText';

export { ApiframeError } from './errors';
export type { ApiframeErrorCode } from './errors';
export { redactSecrets } from './redact';
export { imageUrlsOf, validatePrompt } from './shapes';
export { checkBaseUrl, checkResultUrl, isLoopbackHost } from './urls';

export interface ApiframeProxyOptions {
  /** Explicit proxy (VS Code `http.proxy`). When absent, HTTPS_PROXY/https_proxy/HTTP_PROXY/http_proxy + NO_PROXY apply. */
  url?: string;
  /** VS Code `http.proxyStrictSSL`: false accepts self-signed certificates (proxy and target). Default true. */
  strictSSL?: boolean;
  /** VS Code `http.noProxy`: hosts that bypass the explicit proxy. */
  noProxy?: string[];
}

export interface ApiframeClientOptions {
  /** https: required; http: only for loopback hosts (127.0.0.0/8, ::1, localhost). */
  baseUrl: string;
  apiKey: string;
  /** e.g. "apiframe-images-vscode/0.1.0 (VS Code 1.139.1)" */
  userAgent: string;
  /** Per request (per attempt; for a download, the whole transfer). Default 60 s. */
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

export interface DownloadedImage {
  /** The response's Content-Type (unchecked: the caller sniffs the bytes). */
  contentType: string | undefined;
  /** The (decoded) bytes, capped at `maxBytes` while streaming; breaking out of the loop releases the socket. */
  body: AsyncIterable<Uint8Array>;
}

export interface ApiframeClient {
  /** Validates the prompt locally, then submits. The key is UUID v4 unless given; retries reuse it. */
  submitImage(
    request: GenerateImageRequest,
    options?: CallOptions & { idempotencyKey?: string },
  ): Promise<JobAccepted & { idempotencyKey: string }>;
  getJob(jobId: string, options?: CallOptions): Promise<Job>;
  listJobs(query?: JobListQuery, options?: CallOptions): Promise<JobList>;
  me(options?: CallOptions): Promise<Me>;
  listModels(query?: { modality?: 'image' | 'video' | 'music' }, options?: CallOptions): Promise<ModelCatalog>;
  /**
   * Streams a result image: URL rules checked first and on every redirect (followed manually, at most 5),
   * byte cap enforced while streaming (and up front from Content-Length), gzip/deflate/br decoded with the
   * cap applied to the decoded bytes, aborts cleanly. The API key is never sent to image hosts.
   */
  downloadImage(url: string, options: CallOptions & { maxBytes: number }): Promise<DownloadedImage>;
  /** Closes the undici dispatcher (open sockets and the proxy connection). */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_RETRIES = 4;
const DEFAULT_RETRY_BASE_MS = 250;
const DEFAULT_RETRY_MAX_MS = 8_000;
const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;
/** API answers are small; anything bigger is not an Apiframe answer. */
const MAX_JSON_BYTES = 8 * 1024 * 1024;
const MAX_REDIRECTS = 5;
const MAX_SERVER_TEXT = 500;

/** Header values must be visible ASCII; checked up front so undici never builds an error around the key. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/** Errors the retry loop may retry although their code is `badResponse`: an unparsable 2xx body. */
const transientBadResponses = new WeakSet<ApiframeError>();

type Headers = Record<string, string | string[] | undefined>;

function headerValue(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Retry-After as seconds or an HTTP date → milliseconds from now (never negative), or undefined. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function abortedError(): ApiframeError {
  return new ApiframeError('aborted', 'The Apiframe request was cancelled.', { retryable: false });
}

/** Sleeps, waking early (rejecting) when any of the signals fires. */
function sleep(ms: number, signals: readonly AbortSignal[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const fired = signals.find((s) => s.aborted);
    if (fired) {
      reject(fired);
      return;
    }
    const onAbort = (event: Event): void => {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener('abort', onAbort);
      reject(event.target);
    };
    const timer = setTimeout(() => {
      for (const s of signals) s.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    for (const s of signals) s.addEventListener('abort', onAbort, { once: true });
  });
}

function combineSignals(signals: readonly (AbortSignal | undefined)[]): AbortSignal {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  return present.length === 1 ? present[0] : AbortSignal.any(present);
}

function clip(text: string): string {
  return text.length > MAX_SERVER_TEXT ? `${text.slice(0, MAX_SERVER_TEXT - 3)}...` : text;
}

function parseDetails(value: unknown): Record<string, string[]> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const details: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(value)) {
    const name = serverTextForDisplay(field, 60);
    if (Array.isArray(messages)) {
      details[name] = messages.filter((m): m is string => typeof m === 'string').map((m) => serverTextForDisplay(m, MAX_SERVER_TEXT));
    } else if (typeof messages === 'string') details[name] = [serverTextForDisplay(messages, MAX_SERVER_TEXT)];
  }
  return Object.keys(details).length > 0 ? details : undefined;
}

function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

async function readCapped(body: Readable & AsyncIterable<Buffer>, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createApiframeClient(options: ApiframeClientOptions): ApiframeClient {
  const base = checkBaseUrl(options.baseUrl);
  const apiKey = options.apiKey.trim();
  if (!apiKey) throw new ApiframeError('invalidInput', 'No Apiframe API key is set.', { retryable: false });
  if (!HEADER_SAFE.test(apiKey)) {
    // Never echo the value: it is (almost) the secret itself.
    throw new ApiframeError('invalidInput', 'The Apiframe API key contains spaces or characters a key cannot have.', {
      retryable: false,
    });
  }
  const userAgent = options.userAgent.replace(/[^\x20-\x7e]/g, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const retryBaseMs = options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_MS;
  const retryMaxMs = options.retryMaxDelayMs ?? DEFAULT_RETRY_MAX_MS;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  const random = options.random ?? Math.random;
  const env = options.env ?? process.env;
  const log = options.log;

  const secrets = [apiKey];
  const dispatcher = buildDispatcher(options.proxy, env, secrets);
  const redact = (text: string): string => redactSecrets(text, secrets);

  /** Maps anything thrown by an attempt to an ApiframeError, deciding between cancel, timeout and network. */
  function mapThrown(error: unknown, user: AbortSignal | undefined, timer: AbortSignal, what: string, target: URL = base): ApiframeError {
    if (error instanceof ApiframeError) return error;
    if (user?.aborted) return abortedError();
    // Image downloads go to the result host, not the API: name the host that was actually contacted.
    const server = target.host === base.host ? `Apiframe (${base.host})` : target.host;
    if (timer.aborted) {
      return new ApiframeError('timeout', `${server} did not answer ${what} within ${Math.round(timeoutMs / 100) / 10} s.`);
    }
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
    const message = errorText(error);
    return new ApiframeError(
      'network',
      redact(`Could not reach ${server} for ${what}: ${message}${code && !message.includes(code) ? ` (${code})` : ''}.`),
    );
  }

  /**
   * An error status from the image host. The key is never sent there, so nothing here may blame the key:
   * 401/403/404/410 mean the link expired, was purged or lost its signature (the job may have fresh links).
   */
  function imageHostError(status: number, headers: Headers, host: string): ApiframeError {
    const init = { status, requestId: headerValue(headers, 'x-request-id'), retryAfterMs: parseRetryAfter(headerValue(headers, 'retry-after')) };
    const server = redact(host);
    if (status === 401 || status === 403 || status === 404 || status === 410) {
      const said = status === 404 || status === 410 ? 'no longer has the image' : 'refused the download';
      return new ApiframeError('imageUnavailable', `The image host ${server} ${said} (HTTP ${status}): the result link may have expired or been purged.`, {
        ...init,
        retryable: false,
      });
    }
    if (status === 429) return new ApiframeError('rateLimited', `The image host ${server} is rate-limiting downloads (HTTP 429).`, init);
    if (status === 502 || status === 503 || status === 504) {
      return new ApiframeError('serverUnavailable', `The image host ${server} is temporarily unavailable (HTTP ${status}).`, init);
    }
    if (status >= 500) return new ApiframeError('serverError', `The image host ${server} had an internal error (HTTP ${status}).`, init);
    return new ApiframeError('badResponse', `The image host ${server} answered the download with an unexpected HTTP ${status}.`, { ...init, retryable: false });
  }

  function errorFromStatus(status: number, body: unknown, headers: Headers, what: string, path?: string): ApiframeError {
    const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const serverMessage = typeof fields.error === 'string' ? serverTextForDisplay(fields.error, MAX_SERVER_TEXT, secrets) || undefined : undefined;
    const requestId = headerValue(headers, 'x-request-id');
    const retryAfterMs = parseRetryAfter(headerValue(headers, 'retry-after'));
    const init = { status, serverMessage, requestId, retryAfterMs };
    const said = serverMessage ? `: ${serverMessage}` : '';
    switch (status) {
      case 400: {
        const details = parseDetails(fields.details);
        const detailText = details
          ? ` (${Object.entries(details)
              .map(([field, messages]) => `${field}: ${messages.join('; ')}`)
              .join(', ')})`
          : '';
        return new ApiframeError('validation', clip(redact(`Apiframe refused ${what} as invalid${said}${detailText}.`)), {
          ...init,
          details,
        });
      }
      case 401:
        return new ApiframeError('unauthorized', `Apiframe did not accept the API key${said}. Check the key you set.`, init);
      case 402: {
        const creditsRequired = typeof fields.creditsRequired === 'number' ? fields.creditsRequired : undefined;
        const creditsAvailable = typeof fields.creditsAvailable === 'number' ? fields.creditsAvailable : undefined;
        const numbers =
          creditsRequired !== undefined && creditsAvailable !== undefined
            ? `: this needs ${creditsRequired} credit${creditsRequired === 1 ? '' : 's'}, the team has ${creditsAvailable}`
            : '';
        return new ApiframeError('insufficientCredits', `Not enough Apiframe credits${numbers}.`, {
          ...init,
          creditsRequired,
          creditsAvailable,
        });
      }
      case 403:
        return new ApiframeError('forbidden', `Apiframe refused access with this API key${said} (the key may be inactive).`, init);
      case 404:
        // A job id can be unknown; the API's own paths cannot: a 404 there means the base URL is wrong.
        if (path !== undefined && !path.startsWith('/v2/jobs/')) {
          return new ApiframeError(
            'invalidBaseUrl',
            redact(`${base.host} answered HTTP 404 for ${what} (${base.pathname.replace(/\/+$/, '')}${path.split('?')[0]}): the apiframe.baseUrl setting (${base.origin}${base.pathname.replace(/\/+$/, '')}) does not point at the Apiframe API. Check it (the default is https://api.apiframe.ai).`),
            { ...init, retryable: false },
          );
        }
        return new ApiframeError('notFound', `Apiframe found nothing for ${what}${said}.`, init);
      case 409:
        return new ApiframeError(
          'conflict',
          `Apiframe refused ${what}${said}: its idempotency key was already used for a different request.`,
          init,
        );
      case 429: {
        const wait = retryAfterMs !== undefined ? ` Try again in ${Math.ceil(retryAfterMs / 1000)} s.` : '';
        return new ApiframeError('rateLimited', `Apiframe is rate-limiting requests${said}.${wait}`, init);
      }
      case 502:
      case 503:
      case 504:
        return new ApiframeError('serverUnavailable', `Apiframe is temporarily unavailable (HTTP ${status}${said}).`, init);
      default:
        if (status >= 500) return new ApiframeError('serverError', `Apiframe had an internal error (HTTP ${status}${said}).`, init);
        return new ApiframeError('badResponse', `Apiframe answered ${what} with an unexpected HTTP ${status}${said}.`, {
          ...init,
          retryable: false,
        });
    }
  }

  function shouldRetry(error: ApiframeError, retrySafe: boolean): boolean {
    if (error.code === 'rateLimited') return true;
    if (!retrySafe) return false;
    if (error.code === 'serverUnavailable' || error.code === 'network' || error.code === 'timeout') return true;
    return transientBadResponses.has(error);
  }

  /**
   * Runs `attempt` until it succeeds, a non-retryable error occurs or the retries are used up. Waits are
   * cancelled by `user` (→ aborted) and by `overall` (a download-wide timer → timeout).
   */
  async function withRetries<T>(
    what: string,
    retrySafe: boolean,
    user: AbortSignal | undefined,
    attempt: () => Promise<T>,
    overall?: AbortSignal,
  ): Promise<T> {
    for (let retry = 0; ; retry++) {
      if (user?.aborted) throw abortedError();
      let error: ApiframeError;
      try {
        return await attempt();
      } catch (thrown) {
        error = thrown instanceof ApiframeError ? thrown : mapThrown(thrown, user, overall ?? new AbortController().signal, what);
      }
      if (error.code === 'aborted' || retry >= maxRetries || !shouldRetry(error, retrySafe)) throw error;
      const ceiling = Math.min(retryMaxMs, retryBaseMs * 2 ** retry);
      const backoff = random() * ceiling;
      const serverWait = error.retryAfterMs !== undefined ? Math.min(error.retryAfterMs, maxRetryAfterMs) : undefined;
      const delay = Math.round(serverWait !== undefined ? Math.max(serverWait, error.code === 'rateLimited' ? 0 : backoff) : backoff);
      log?.debug(redact(`apiframe: ${what} failed (${error.code}${error.status ? ` ${error.status}` : ''}); retry ${retry + 1}/${maxRetries} in ${delay} ms`));
      try {
        await sleep(delay, [user, overall].filter((s): s is AbortSignal => s !== undefined));
      } catch {
        if (user?.aborted) throw abortedError();
        throw new ApiframeError('timeout', `Apiframe did not answer ${what} within ${Math.round(timeoutMs / 100) / 10} s.`);
      }
    }
  }

  /** One JSON request: own timer, body read with a cap, status mapped to a typed error. */
  async function attemptJson(
    method: 'GET' | 'POST',
    path: string,
    what: string,
    user: AbortSignal | undefined,
    extraHeaders: Record<string, string>,
    body: string | undefined,
  ): Promise<unknown> {
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(), timeoutMs);
    try {
      const url = new URL(base.href);
      const [pathname, search] = path.split('?');
      url.pathname = `${base.pathname.replace(/\/+$/, '')}${pathname}`;
      url.search = search ? `?${search}` : '';
      const response = await request(url, {
        method,
        dispatcher,
        signal: combineSignals([user, timer.signal]),
        headers: {
          'x-api-key': apiKey,
          'user-agent': userAgent,
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...extraHeaders,
        },
        body,
      });
      const headers = response.headers as Headers;
      const text = await readCapped(response.body, MAX_JSON_BYTES);
      const status = response.statusCode;
      if (text === undefined) {
        throw new ApiframeError('badResponse', `Apiframe's answer to ${what} was larger than ${MAX_JSON_BYTES / 1024 / 1024} MB, so it was not read. Check that apiframe.baseUrl points at the Apiframe API.`, {
          status,
          retryable: false,
        });
      }
      const parsed = tryParseJson(text);
      if (status >= 200 && status < 300) {
        if (!parsed.ok) {
          const type = headerValue(headers, 'content-type') ?? 'no content type';
          const error = new ApiframeError(
            'badResponse',
            `Apiframe's answer to ${what} was not valid JSON (HTTP ${status}, ${clip(redact(type))}).`,
            { status, requestId: headerValue(headers, 'x-request-id'), retryable: true },
          );
          transientBadResponses.add(error);
          throw error;
        }
        return parsed.value;
      }
      throw errorFromStatus(status, parsed.ok ? parsed.value : undefined, headers, what, path);
    } catch (thrown) {
      throw mapThrown(thrown, user, timer.signal, what);
    } finally {
      clearTimeout(timeout);
    }
  }

  function getJson(path: string, what: string, signal: AbortSignal | undefined): Promise<unknown> {
    return withRetries(what, true, signal, () => attemptJson('GET', path, what, signal, {}, undefined));
  }

  async function downloadHead(target: URL, user: AbortSignal | undefined, overall: AbortSignal): Promise<Dispatcher.ResponseData> {
    const what = 'the image download';
    try {
      const response = await request(target, {
        method: 'GET',
        dispatcher,
        signal: combineSignals([user, overall]),
        headers: { 'user-agent': userAgent, accept: 'image/*', 'accept-encoding': 'gzip, deflate, br' },
      });
      if (response.statusCode >= 500 || response.statusCode === 429) {
        await response.body.dump();
        throw imageHostError(response.statusCode, response.headers as Headers, target.host);
      }
      return response;
    } catch (thrown) {
      throw mapThrown(thrown, user, overall, what, target);
    }
  }

  return {
    async submitImage(generateRequest, callOptions = {}) {
      const problem = validatePrompt(generateRequest.prompt);
      if (problem) throw new ApiframeError('invalidInput', problem, { retryable: false });
      const idempotencyKey = callOptions.idempotencyKey ?? randomUUID();
      if (idempotencyKey.length > 255 || !HEADER_SAFE.test(idempotencyKey)) {
        throw new ApiframeError('invalidInput', 'The idempotency key must be 1–255 visible ASCII characters.', {
          retryable: false,
        });
      }
      const body = JSON.stringify(buildGenerateBody(generateRequest));
      const what = 'the image submission';
      // Whether an attempt went unanswered: a refusal of a later retry then proves nothing about the first.
      let unanswered = false;
      try {
        const accepted = await withRetries(what, true, callOptions.signal, async () => {
          try {
            return await attemptJson('POST', '/v2/images/generate', what, callOptions.signal, { 'idempotency-key': idempotencyKey }, body);
          } catch (error) {
            if (!(error instanceof ApiframeError) || error.status === undefined || error.status >= 500 || transientBadResponses.has(error)) unanswered = true;
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
    },

    async getJob(jobId, callOptions = {}) {
      if (!jobId || jobId.length > 200) throw new ApiframeError('invalidInput', 'The job id is empty or too long.', { retryable: false });
      try {
        const job = parseJob(await getJson(`/v2/jobs/${encodeURIComponent(jobId)}`, `job ${jobId}`, callOptions.signal), `job ${jobId}`);
        if (job.id !== jobId) throw new ApiframeError('badResponse', `Apiframe answered a query for job ${jobId} with job ${serverTextForDisplay(job.id, 60)}.`, { retryable: false });
        return job;
      } catch (error) {
        if (error instanceof ApiframeError && error.jobId === undefined) {
          throw new ApiframeError(error.code, error.message, { ...error, jobId });
        }
        throw error;
      }
    },

    async listJobs(query = {}, callOptions = {}) {
      const params = new URLSearchParams();
      if (query.status) params.set('status', query.status);
      if (query.model) params.set('model', query.model);
      if (query.limit !== undefined) {
        if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 100) {
          throw new ApiframeError('invalidInput', 'The job list limit must be a whole number from 1 to 100.', { retryable: false });
        }
        params.set('limit', String(query.limit));
      }
      if (query.cursor) params.set('cursor', query.cursor);
      const search = params.toString();
      return parseJobList(await getJson(`/v2/jobs${search ? `?${search}` : ''}`, 'the job list', callOptions.signal));
    },

    async me(callOptions = {}) {
      return parseMe(await getJson('/v2/me', 'the account query', callOptions.signal));
    },

    async listModels(query = {}, callOptions = {}) {
      const search = query.modality ? `?modality=${encodeURIComponent(query.modality)}` : '';
      return parseModelCatalog(await getJson(`/v2/models${search}`, 'the model list', callOptions.signal));
    },

    async downloadImage(url, callOptions) {
      const { signal: user, maxBytes } = callOptions;
      const what = 'the image download';
      let target = checkResultUrl(url);
      if (user?.aborted) throw abortedError();
      const timer = new AbortController();
      const timeout = setTimeout(() => timer.abort(), timeoutMs);
      let handedOver = false;
      try {
        for (let hop = 0; ; hop++) {
          const current = target;
          const response = await withRetries(what, true, user, () => downloadHead(current, user, timer.signal), timer.signal);
          const headers = response.headers as Headers;
          const status = response.statusCode;
          if (status >= 300 && status < 400) {
            await response.body.dump();
            const location = headerValue(headers, 'location');
            if (!location) throw new ApiframeError('badResponse', 'The image host redirected without a Location header.', { status, retryable: false });
            if (hop >= MAX_REDIRECTS) throw new ApiframeError('badResponse', 'The image host redirected too many times.', { status, retryable: false });
            target = checkResultUrl(new URL(location, current).href);
            continue;
          }
          if (status !== 200) {
            await response.body.dump();
            throw imageHostError(status, headers, current.host);
          }
          const declared = Number(headerValue(headers, 'content-length'));
          if (Number.isFinite(declared) && declared > maxBytes) {
            discard(response.body);
            throw tooLarge(maxBytes);
          }
          const encoding = (headerValue(headers, 'content-encoding') ?? 'identity').trim().toLowerCase();
          const decoder = decoderFor(encoding);
          if (decoder === null) {
            discard(response.body);
            throw new ApiframeError('badResponse', `The image was sent with an unsupported encoding (${clip(redact(encoding))}).`, { retryable: false });
          }
          handedOver = true;
          return {
            contentType: headerValue(headers, 'content-type'),
            body: cappedStream(response.body, decoder, maxBytes, () => clearTimeout(timeout), (thrown) =>
              mapThrown(thrown, user, timer.signal, what, current),
            ),
          };
        }
      } finally {
        if (!handedOver) clearTimeout(timeout);
      }
    },

    async close() {
      await dispatcher.close();
    },
  };
}

/**
 * Drops a response body we will not read. undici's body emits an `AbortError` when destroyed before its end;
 * without a listener that error would be uncaught and take the extension host's error handler with it.
 */
function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** zlib (`Z_DATA_ERROR`, `Z_BUF_ERROR`, …) and brotli (`ERR__ERROR_FORMAT_…`) decoding failures. */
function isDecodingError(thrown: unknown): boolean {
  if (typeof thrown !== 'object' || thrown === null || !('code' in thrown) || typeof thrown.code !== 'string') return false;
  return /^Z_|^ERR__ERROR_|BROTLI/.test(thrown.code);
}

function tooLarge(maxBytes: number): ApiframeError {
  return new ApiframeError('tooLarge', `The image is larger than the ${Math.round(maxBytes / 1024 / 1024 * 10) / 10} MB limit.`, {
    retryable: false,
  });
}

/** undefined: no decoding needed; null: an encoding we refuse. */
function decoderFor(encoding: string): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined | null {
  switch (encoding) {
    case 'identity':
    case '':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return null;
  }
}

/** Yields the (decoded) body, failing with `tooLarge` as soon as the decoded size passes the cap. */
async function* cappedStream(
  body: Readable,
  decoder: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined,
  maxBytes: number,
  done: () => void,
  mapError: (thrown: unknown) => ApiframeError,
): AsyncGenerator<Uint8Array> {
  const source: Readable = decoder ? pipeline(body, decoder, () => undefined) : body;
  let received = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > maxBytes) throw tooLarge(maxBytes);
      yield chunk;
    }
  } catch (thrown) {
    if (thrown instanceof ApiframeError) throw thrown;
    // The decoder's own error (pipeline has already destroyed the body by now, so ask the error itself).
    if (decoder && isDecodingError(thrown)) {
      throw new ApiframeError('badResponse', 'The image data could not be decoded (corrupt compression).', { retryable: false });
    }
    throw mapError(thrown);
  } finally {
    done();
    if (!body.destroyed) body.destroy();
    decoder?.destroy();
  }
}

/**
 * The dispatcher: an explicit proxy (with its no-proxy list) or the environment's proxy variables through
 * undici's EnvHttpProxyAgent, else a plain Agent. strictSSL=false relaxes TLS checks for proxy and target.
 * Proxy credentials are added to the redaction list (a proxy URL may carry user:password).
 */
function buildDispatcher(proxy: ApiframeProxyOptions | undefined, env: NodeJS.ProcessEnv, secrets: string[]): Dispatcher {
  const tls = { rejectUnauthorized: proxy?.strictSSL ?? true };
  const remember = (proxyUrl: string | undefined): void => {
    if (!proxyUrl) return;
    try {
      const parsed = new URL(proxyUrl);
      if (parsed.password) secrets.push(decodeURIComponent(parsed.password), parsed.password);
    } catch {
      // An unparsable proxy URL is reported by undici; nothing to remember.
    }
  };
  if (proxy?.url) {
    remember(proxy.url);
    return new EnvHttpProxyAgent({
      httpProxy: proxy.url,
      httpsProxy: proxy.url,
      noProxy: (proxy.noProxy ?? []).join(','),
      connect: tls,
      requestTls: tls,
      proxyTls: tls,
    });
  }
  const httpsProxy = env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy;
  const httpProxy = env.HTTP_PROXY || env.http_proxy;
  if (httpsProxy || httpProxy) {
    remember(httpsProxy);
    remember(httpProxy);
    return new EnvHttpProxyAgent({
      ...(httpProxy ? { httpProxy } : {}),
      ...(httpsProxy ? { httpsProxy } : {}),
      noProxy: env.NO_PROXY ?? env.no_proxy ?? '',
      connect: tls,
      requestTls: tls,
      proxyTls: tls,
    });
  }
  return new Agent({ connect: tls });
}
