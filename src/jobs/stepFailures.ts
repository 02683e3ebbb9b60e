/**
 * What a failed step of the job manager proves — the facts its retry and settlement rules are built on — and
 * the two errors its steps throw for outcomes that are not a failed request (results gone, a decision needed).
 */
import { ApiframeError, type ApiframeErrorCode } from '../apiframe/errors';
import { ImageRefusedError } from './imageCache';
import type { CreditsShortfall, JobDecision, JobRecord } from './types';

/** Server refusals that prove the submit created nothing (so the record can be `failed` without losing a job). */
export const DEFINITIVE_SUBMIT_REFUSALS: ReadonlySet<ApiframeErrorCode> = new Set<ApiframeErrorCode>([
  'invalidInput',
  'invalidBaseUrl',
  'validation',
  'unauthorized',
  'forbidden',
  'insufficientCredits',
  'conflict',
]);

/**
 * Download failures another attempt right now cannot fix: not retried. The job was charged, so the record
 * is never failed for them: it stays resumable with the reason, and Resume asks the job for fresh links first.
 */
const PERMANENT_DOWNLOAD_FAILURES: ReadonlySet<ApiframeErrorCode> = new Set<ApiframeErrorCode>(['unsafeUrl', 'tooLarge']);

export const EXPIRED_TEXT = 'The result links expired before the images could be saved.';

/** Why a step ended with "the results expired before they could be cached". */
export class ResultsExpiredError extends Error {
  override readonly name = 'ResultsExpiredError';
}

/** Paid work may exist that the manager cannot settle on its own: the record waits for the user. */
export class NeedsDecisionError extends Error {
  override readonly name = 'NeedsDecisionError';
  constructor(
    readonly decision: JobDecision,
    message: string,
    readonly keyProblem = false,
  ) {
    super(message);
  }
}

/** A refusal of the submit itself (not a lost answer): for a first attempt it proves nothing was created. */
export function isDefinitiveRefusal(error: unknown): error is ApiframeError {
  return error instanceof ApiframeError && DEFINITIVE_SUBMIT_REFUSALS.has(error.code);
}

/** Apiframe refused the key itself (401/403): the UI offers to set another one. */
export function isKeyProblem(error: unknown): boolean {
  return error instanceof ApiframeError && (error.code === 'unauthorized' || error.code === 'forbidden');
}

/** A 402's figures, or undefined when `error` is not a refusal for lack of credits. */
export function creditsShortfallOf(error: unknown): CreditsShortfall | undefined {
  if (!(error instanceof ApiframeError) || error.code !== 'insufficientCredits') return undefined;
  return {
    ...(error.creditsRequired !== undefined ? { required: error.creditsRequired } : {}),
    ...(error.creditsAvailable !== undefined ? { available: error.creditsAvailable } : {}),
  };
}

/** The image will not be saved however often it is fetched again from this link (see PERMANENT_DOWNLOAD_FAILURES). */
export function isPermanentDownloadFailure(error: unknown): boolean {
  if (error instanceof ImageRefusedError) return error.reason === 'notImage' || error.reason === 'tooLarge';
  return error instanceof ApiframeError && PERMANENT_DOWNLOAD_FAILURES.has(error.code);
}

/** Following the job ran past the wait limit: not a failure, the user is told it can be resumed. */
export function isTimeoutOfWait(error: unknown, record: JobRecord): boolean {
  return record.phase === 'running' && error instanceof ApiframeError && error.code === 'timeout';
}
