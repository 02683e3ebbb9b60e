/** Typed errors of the Apiframe client. No imports of undici or vscode: the UI can `instanceof` these cheaply. */

export type ApiframeErrorCode =
  | 'invalidInput' // rejected locally before sending (prompt length, bad job id, bad key characters…)
  | 'invalidBaseUrl' // the configured API base URL is not acceptable
  | 'unsafeUrl' // a result URL (or a redirect) breaks the URL rules
  | 'validation' // 400 from the server, with `details` by field
  | 'unauthorized' // 401: key missing or invalid
  | 'forbidden' // 403: key inactive or lacks permission
  | 'insufficientCredits' // 402, with creditsRequired / creditsAvailable
  | 'notFound' // 404 (job unknown, another team's)
  | 'imageUnavailable' // the image host answered 401/403/404/410: the link expired, was purged or lost its signature
  | 'conflict' // 409: idempotency key reused with a different body
  | 'rateLimited' // 429 still returned after the retries
  | 'serverUnavailable' // 502/503/504 still returned after the retries
  | 'serverError' // 500 and other 5xx
  | 'network' // connection refused/reset, DNS, TLS, proxy failures
  | 'timeout' // no (complete) answer within the per-request timeout
  | 'badResponse' // malformed, non-JSON or wrong-shape body, or an unexpected status
  | 'tooLarge' // a download exceeded its byte cap
  | 'aborted'; // the caller's AbortSignal fired

export interface ApiframeErrorInit {
  status?: number;
  serverMessage?: string;
  details?: Record<string, string[]>;
  creditsRequired?: number;
  creditsAvailable?: number;
  retryAfterMs?: number;
  requestId?: string;
  jobId?: string;
  retryable?: boolean;
  afterUnansweredAttempt?: boolean;
}

/**
 * Every failure the client reports. `message` is a complete sentence for the user (already redacted);
 * the fields carry what a UI needs to offer the right next step. `retryable` means "the same call may
 * succeed if made again later" — the client has already retried as far as its policy allows.
 */
export class ApiframeError extends Error {
  override readonly name = 'ApiframeError';
  readonly code: ApiframeErrorCode;
  readonly status?: number;
  readonly serverMessage?: string;
  readonly details?: Record<string, string[]>;
  readonly creditsRequired?: number;
  readonly creditsAvailable?: number;
  readonly retryAfterMs?: number;
  readonly requestId?: string;
  readonly jobId?: string;
  readonly retryable: boolean;
  /**
   * An earlier attempt of the same call got no clear answer (lost, timed out, 5xx, garbled), so the server
   * may have processed it: for a submit, a refusal after that does not prove that no job was created.
   */
  readonly afterUnansweredAttempt: boolean;

  constructor(code: ApiframeErrorCode, message: string, init: ApiframeErrorInit = {}) {
    super(message);
    this.code = code;
    this.status = init.status;
    this.serverMessage = init.serverMessage;
    this.details = init.details;
    this.creditsRequired = init.creditsRequired;
    this.creditsAvailable = init.creditsAvailable;
    this.retryAfterMs = init.retryAfterMs;
    this.requestId = init.requestId;
    this.jobId = init.jobId;
    this.retryable = init.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.afterUnansweredAttempt = init.afterUnansweredAttempt ?? false;
  }
}

const RETRYABLE_BY_DEFAULT: ReadonlySet<ApiframeErrorCode> = new Set<ApiframeErrorCode>([
  'rateLimited',
  'serverUnavailable',
  'serverError',
  'network',
  'timeout',
]);

export function isApiframeError(value: unknown): value is ApiframeError {
  return value instanceof ApiframeError;
}
