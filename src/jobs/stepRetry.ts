/**
 * The job manager's step retries: a whole step (submit, wait, one image's download) run again after failures
 * another attempt can fix. The client has already retried each request by its own policy; this covers
 * outages longer than that, malformed answers to a keyed submit, and downloads cut short.
 */
import { ApiframeError } from '../apiframe/errors';
import { ImageRefusedError } from './imageCache';
import { DEFINITIVE_SUBMIT_REFUSALS, ResultsExpiredError } from './stepFailures';

export type Step = 'submit' | 'wait' | 'download';

/**
 * The shipped step policy (what `JobManagerOptions.stepAttempts`/`retryBaseDelayMs` fall back to; the
 * ceiling is fixed), named so that tests which run "the policy that ships" use these numbers.
 */
export const MANAGER_STEP_RETRY_DEFAULTS: Readonly<{ stepAttempts: number; retryBaseDelayMs: number; retryMaxDelayMs: number }> = {
  stepAttempts: 4,
  retryBaseDelayMs: 1_000,
  retryMaxDelayMs: 15_000,
};

export interface StepRetryOptions {
  readonly step: Step;
  /** Attempts in all, the first included. */
  readonly attempts: number;
  /** First wait, doubled after each failure up to `MANAGER_STEP_RETRY_DEFAULTS.retryMaxDelayMs`. */
  readonly baseDelayMs: number;
  /** Ends the loop (with its reason) at once, also during a wait. */
  readonly signal: AbortSignal;
  /** Rejects with the signal's reason when it aborts. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Told before each wait: the error, the next attempt's number and the wait. */
  readonly onRetry: (error: unknown, nextAttempt: number, delayMs: number) => void;
}

export async function retryStep<T>(run: () => Promise<T>, options: StepRetryOptions): Promise<T> {
  const { signal } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      signal.throwIfAborted();
      if (attempt >= options.attempts || !isWorthRetrying(error, options.step)) throw error;
      const delay = Math.min(MANAGER_STEP_RETRY_DEFAULTS.retryMaxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
      options.onRetry(error, attempt + 1, delay);
      await options.sleep(delay, signal);
    }
  }
}

export function isWorthRetrying(error: unknown, step: Step): boolean {
  if (error instanceof ResultsExpiredError) return false;
  // Not an image at all can be a proxy's or CDN's passing error page: worth another attempt.
  if (error instanceof ImageRefusedError) return error.reason === 'incomplete' || error.reason === 'empty' || error.reason === 'notImage';
  if (!(error instanceof ApiframeError)) return false;
  // waitForJob already rides out transient failures until its deadline; its `timeout` means "stop waiting".
  if (step === 'wait') return error.code === 'badResponse';
  if (error.retryable) return true;
  // A keyed submit is safe to repeat whatever went wrong, unless the server refused it outright.
  if (step === 'submit') return !DEFINITIVE_SUBMIT_REFUSALS.has(error.code) && error.code !== 'aborted';
  return error.code === 'badResponse' || error.code === 'imageUnavailable';
}
