/**
 * What a failed call means, as an `ApiframeError`: an HTTP status with its body and headers, an image host's
 * status, or whatever an attempt threw. Pure (no undici, no I/O, no clock but the one passed in): unit-tested
 * on plain values. Every text a server or the network produced is redacted here, and no error gets a `cause`
 * (undici's errors can hold request headers, i.e. the key).
 */
import { errorText } from '../shared/errorText';
import { isPlainObject } from '../shared/guards';
import { truncateGraphemes } from '../shared/text';
import { ApiframeError } from './errors';
import { redactSecrets, serverTextForDisplay } from './redact';

/** Response headers as undici hands them over. */
export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** What the error texts of one client need to know about it. */
export interface ErrorContext {
  /** The API base URL (checked): named in timeouts, network errors and the wrong-base-URL hint. */
  readonly base: URL;
  /** Per-attempt timeout, named in timeout errors. */
  readonly timeoutMs: number;
  /** Values no error text may contain: the key, proxy passwords. */
  readonly secrets: readonly string[];
}

/** Longest server-written text (an error reason, a validation message) carried into an error. */
const MAX_SERVER_TEXT = 500;
/** Longest field name of a validation detail. */
const MAX_DETAIL_FIELD = 60;

/**
 * Errors the retry loop may retry although their code is `badResponse`: a 2xx answer whose body is not JSON
 * (a proxy's page, a cut-off body). Kept by identity, so the error's public shape stays that of any other.
 */
const unparsableAnswers = new WeakSet<ApiframeError>();

export function headerValue(headers: ResponseHeaders, name: string): string | undefined {
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

/** Cuts a text for an error message, saying so with `...`. */
export function clip(text: string): string {
  return truncateGraphemes(text, MAX_SERVER_TEXT, { measure: 'codeUnits', ellipsis: '...' });
}

/**
 * A 400 answer's `details` (field → messages), made fit to show; a lone string counts as one message.
 * undefined when there is nothing usable.
 */
export function parseDetails(value: unknown): Record<string, string[]> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const details: Record<string, string[]> = {};
  for (const [field, messages] of Object.entries(value)) {
    const name = serverTextForDisplay(field, MAX_DETAIL_FIELD);
    if (Array.isArray(messages)) {
      details[name] = messages.filter((m): m is string => typeof m === 'string').map((m) => serverTextForDisplay(m, MAX_SERVER_TEXT));
    } else if (typeof messages === 'string') details[name] = [serverTextForDisplay(messages, MAX_SERVER_TEXT)];
  }
  return Object.keys(details).length > 0 ? details : undefined;
}

export function abortedError(): ApiframeError {
  return new ApiframeError('aborted', 'The Apiframe request was cancelled.', { retryable: false });
}

/** `server` names who was waited for: `Apiframe (host)`, an image host, or plain `Apiframe`. */
export function timeoutError(server: string, what: string, timeoutMs: number): ApiframeError {
  return new ApiframeError('timeout', `${server} did not answer ${what} within ${Math.round(timeoutMs / 100) / 10} s.`);
}

export function tooLargeError(maxBytes: number): ApiframeError {
  return new ApiframeError('tooLarge', `The image is larger than the ${Math.round(maxBytes / 1024 / 1024 * 10) / 10} MB limit.`, {
    retryable: false,
  });
}

/** A 2xx answer that is not JSON: retried like a lost answer (see `isUnparsableAnswer`). */
export function unparsableAnswerError(
  status: number,
  headers: ResponseHeaders,
  what: string,
  secrets: readonly string[],
): ApiframeError {
  const type = headerValue(headers, 'content-type') ?? 'no content type';
  const error = new ApiframeError(
    'badResponse',
    `Apiframe's answer to ${what} was not valid JSON (HTTP ${status}, ${clip(redactSecrets(type, secrets))}).`,
    { status, requestId: headerValue(headers, 'x-request-id'), retryable: true },
  );
  unparsableAnswers.add(error);
  return error;
}

/** Whether this error is a 2xx answer that could not be parsed: the server may have done the work. */
export function isUnparsableAnswer(error: ApiframeError): boolean {
  return unparsableAnswers.has(error);
}

/**
 * Anything an attempt threw, as an ApiframeError: the caller's cancel wins, then the attempt's own timer,
 * else a network failure. `target` is the host actually contacted (an image host for downloads).
 */
export function errorFromThrown(
  thrown: unknown,
  attempt: { readonly cancelled: boolean; readonly timedOut: boolean; readonly what: string; readonly target?: URL },
  context: ErrorContext,
): ApiframeError {
  if (thrown instanceof ApiframeError) return thrown;
  if (attempt.cancelled) return abortedError();
  const { base } = context;
  const target = attempt.target ?? base;
  // Image downloads go to the result host, not the API: name the host that was actually contacted.
  const server = target.host === base.host ? `Apiframe (${base.host})` : target.host;
  if (attempt.timedOut) return timeoutError(server, attempt.what, context.timeoutMs);
  const code = typeof thrown === 'object' && thrown !== null && 'code' in thrown ? String(thrown.code) : undefined;
  const message = errorText(thrown);
  return new ApiframeError(
    'network',
    redactSecrets(
      `Could not reach ${server} for ${attempt.what}: ${message}${code && !message.includes(code) ? ` (${code})` : ''}.`,
      context.secrets,
    ),
  );
}

/**
 * An error status from the image host. The key is never sent there, so nothing here may blame the key:
 * 401/403/404/410 mean the link expired, was purged or lost its signature (the job may have fresh links).
 */
export function imageHostError(status: number, headers: ResponseHeaders, host: string, secrets: readonly string[]): ApiframeError {
  const init = { status, requestId: headerValue(headers, 'x-request-id'), retryAfterMs: parseRetryAfter(headerValue(headers, 'retry-after')) };
  const server = redactSecrets(host, secrets);
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

/** The call an API answer belongs to: `what` names it in messages, `path` (with its query) is what was asked. */
export interface ApiCall {
  readonly what: string;
  readonly path?: string;
}

/** The fields every status error carries: the server's own reason (made fit to show), request id, Retry-After. */
interface StatusInit {
  readonly status: number;
  readonly serverMessage: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
}

/** An error status of the Apiframe API (its JSON body, if it had one, in `body`) → the error the caller sees. */
export function errorFromStatus(
  status: number,
  body: unknown,
  headers: ResponseHeaders,
  call: ApiCall,
  context: Pick<ErrorContext, 'base' | 'secrets'>,
): ApiframeError {
  const fields = isPlainObject(body) ? body : {};
  const serverMessage =
    typeof fields.error === 'string' ? serverTextForDisplay(fields.error, MAX_SERVER_TEXT, context.secrets) || undefined : undefined;
  const init: StatusInit = {
    status,
    serverMessage,
    requestId: headerValue(headers, 'x-request-id'),
    retryAfterMs: parseRetryAfter(headerValue(headers, 'retry-after')),
  };
  const said = serverMessage ? `: ${serverMessage}` : '';
  const { what } = call;
  switch (status) {
    case 400:
      return validationError(fields, init, what, context.secrets);
    case 401:
      return new ApiframeError('unauthorized', `Apiframe did not accept the API key${said}. Check the key you set.`, init);
    case 402:
      return insufficientCreditsError(fields, init);
    case 403:
      return new ApiframeError('forbidden', `Apiframe refused access with this API key${said} (the key may be inactive).`, init);
    case 404:
      // A job id can be unknown; the API's own paths cannot: a 404 there means the base URL is wrong.
      if (call.path !== undefined && !call.path.startsWith('/v2/jobs/')) return wrongBaseUrlError(call.path, init, what, context);
      return new ApiframeError('notFound', `Apiframe found nothing for ${what}${said}.`, init);
    case 409:
      return new ApiframeError('conflict', `Apiframe refused ${what}${said}: its idempotency key was already used for a different request.`, init);
    case 429: {
      const wait = init.retryAfterMs !== undefined ? ` Try again in ${Math.ceil(init.retryAfterMs / 1000)} s.` : '';
      return new ApiframeError('rateLimited', `Apiframe is rate-limiting requests${said}.${wait}`, init);
    }
    case 502:
    case 503:
    case 504:
      return new ApiframeError('serverUnavailable', `Apiframe is temporarily unavailable (HTTP ${status}${said}).`, init);
    default:
      if (status >= 500) return new ApiframeError('serverError', `Apiframe had an internal error (HTTP ${status}${said}).`, init);
      return new ApiframeError('badResponse', `Apiframe answered ${what} with an unexpected HTTP ${status}${said}.`, { ...init, retryable: false });
  }
}

/** 400: the server's reason and its details by field, in one clipped sentence. */
function validationError(fields: Record<string, unknown>, init: StatusInit, what: string, secrets: readonly string[]): ApiframeError {
  const details = parseDetails(fields.details);
  const detailText = details
    ? ` (${Object.entries(details)
        .map(([field, messages]) => `${field}: ${messages.join('; ')}`)
        .join(', ')})`
    : '';
  const said = init.serverMessage ? `: ${init.serverMessage}` : '';
  return new ApiframeError('validation', clip(redactSecrets(`Apiframe refused ${what} as invalid${said}${detailText}.`, secrets)), {
    ...init,
    details,
  });
}

/** 402: both credit numbers when the server sent both. */
function insufficientCreditsError(fields: Record<string, unknown>, init: StatusInit): ApiframeError {
  const creditsRequired = typeof fields.creditsRequired === 'number' ? fields.creditsRequired : undefined;
  const creditsAvailable = typeof fields.creditsAvailable === 'number' ? fields.creditsAvailable : undefined;
  const numbers =
    creditsRequired !== undefined && creditsAvailable !== undefined
      ? `: this needs ${creditsRequired} credit${creditsRequired === 1 ? '' : 's'}, the team has ${creditsAvailable}`
      : '';
  return new ApiframeError('insufficientCredits', `Not enough Apiframe credits${numbers}.`, { ...init, creditsRequired, creditsAvailable });
}

/** 404 on one of the API's own paths: the setting is wrong, and the message says which setting and what it holds. */
function wrongBaseUrlError(path: string, init: StatusInit, what: string, context: Pick<ErrorContext, 'base' | 'secrets'>): ApiframeError {
  const { base } = context;
  const basePath = base.pathname.replace(/\/+$/, '');
  return new ApiframeError(
    'invalidBaseUrl',
    redactSecrets(
      `${base.host} answered HTTP 404 for ${what} (${basePath}${path.split('?')[0]}): the apiframe.baseUrl setting (${base.origin}${basePath}) does not point at the Apiframe API. Check it (the default is https://api.apiframe.ai).`,
      context.secrets,
    ),
    { ...init, retryable: false },
  );
}
