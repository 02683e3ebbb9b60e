/**
 * The client's retry loop: which failures are worth another attempt, and how long to wait before it
 * (full-jitter exponential backoff, or the server's Retry-After when it asks for longer). No undici: the
 * attempts are passed in.
 */
import type { Logger } from '../shared/logger';
import { ApiframeError } from './errors';
import { abortedError, errorFromThrown, isUnparsableAnswer, timeoutError, type ErrorContext } from './errorMapping';
import { redactSecrets } from './redact';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** Attempt n waits random() × min(retryMaxDelayMs, retryBaseDelayMs × 2^n). */
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
  /** Longest Retry-After honoured; a longer one is cut to this. */
  readonly maxRetryAfterMs: number;
  /** Jitter source in [0, 1). */
  readonly random: () => number;
}

export interface RetriedCall {
  /** Names the call in log lines and messages ("the job list"). */
  readonly what: string;
  /**
   * Whether repeating the call cannot do harm (a GET, or a submit with an idempotency key): only then are
   * unavailability, network failures, timeouts and unparsable answers retried. 429 is retried regardless.
   */
  readonly retrySafe: boolean;
  /** The caller's cancel: ends the loop with `aborted`, also during a wait. */
  readonly signal?: AbortSignal;
  /** A timer over all attempts (a download's): ends a wait with `timeout`. */
  readonly overall?: AbortSignal;
}

/** Runs a call's attempts under one client's policy; `attempt` throws what failed (ideally an ApiframeError). */
export type Retrier = <T>(call: RetriedCall, attempt: () => Promise<T>) => Promise<T>;

export function createRetrier(policy: RetryPolicy, context: ErrorContext, log: Logger | undefined): Retrier {
  return async function withRetries<T>(call: RetriedCall, attempt: () => Promise<T>): Promise<T> {
    const { what, signal: user, overall } = call;
    for (let retry = 0; ; retry++) {
      if (user?.aborted) throw abortedError();
      let error: ApiframeError;
      try {
        return await attempt();
      } catch (thrown) {
        error = errorFromThrown(thrown, { cancelled: user?.aborted === true, timedOut: overall?.aborted === true, what }, context);
      }
      if (error.code === 'aborted' || retry >= policy.maxRetries || !shouldRetry(error, call.retrySafe)) throw error;
      const delay = retryDelayMs(error, retry, policy);
      log?.debug(
        redactSecrets(
          `apiframe: ${what} failed (${error.code}${error.status ? ` ${error.status}` : ''}); retry ${retry + 1}/${policy.maxRetries} in ${delay} ms`,
          context.secrets,
        ),
      );
      try {
        await sleep(delay, [user, overall].filter((s): s is AbortSignal => s !== undefined));
      } catch {
        if (user?.aborted) throw abortedError();
        throw timeoutError('Apiframe', what, context.timeoutMs);
      }
    }
  };
}

export function shouldRetry(error: ApiframeError, retrySafe: boolean): boolean {
  if (error.code === 'rateLimited') return true;
  if (!retrySafe) return false;
  if (error.code === 'serverUnavailable' || error.code === 'network' || error.code === 'timeout') return true;
  return isUnparsableAnswer(error);
}

/**
 * The wait before retry number `retry + 1` (0-based `retry`): full jitter under an exponential ceiling; a
 * Retry-After (capped) replaces it when longer — and for a 429 it is the wait, jitter or not.
 */
export function retryDelayMs(error: ApiframeError, retry: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.retryMaxDelayMs, policy.retryBaseDelayMs * 2 ** retry);
  const backoff = policy.random() * ceiling;
  const serverWait = error.retryAfterMs !== undefined ? Math.min(error.retryAfterMs, policy.maxRetryAfterMs) : undefined;
  return Math.round(serverWait !== undefined ? Math.max(serverWait, error.code === 'rateLimited' ? 0 : backoff) : backoff);
}

/**
 * Sleeps, waking early (rejecting) when any of the signals fires. The rejection only says "woken early": the
 * caller looks at the signals themselves to tell a cancel from a timeout.
 */
function sleep(ms: number, signals: readonly AbortSignal[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const wokenEarly = (): Error => new Error('The wait before a retry was cut short by an abort signal.');
    if (signals.some((s) => s.aborted)) {
      reject(wokenEarly());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener('abort', onAbort);
      reject(wokenEarly());
    };
    const timer = setTimeout(() => {
      for (const s of signals) s.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    for (const s of signals) s.addEventListener('abort', onAbort, { once: true });
  });
}
