import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { CLIENT_RETRY_DEFAULTS } from '../../src/apiframe/client';
import { ApiframeError, type ApiframeErrorCode } from '../../src/apiframe/errors';
import { unparsableAnswerError, type ErrorContext } from '../../src/apiframe/errorMapping';
import { createRetrier, retryDelayMs, shouldRetry, type RetryPolicy } from '../../src/apiframe/retry';
import type { Logger } from '../../src/shared/logger';

/** The client's retry loop with scripted attempts (no server): what is retried, how long it waits, how it stops. */

const KEY = 'afk_live_0123456789abcdefSECRET';
const CONTEXT: ErrorContext = { base: new URL('https://api.apiframe.ai'), timeoutMs: 5_000, secrets: [KEY] };
const POLICY: RetryPolicy = { maxRetries: 3, retryBaseDelayMs: 1, retryMaxDelayMs: 4, maxRetryAfterMs: 50, random: () => 0.5 };

function failure(code: ApiframeErrorCode, init: { retryAfterMs?: number; status?: number } = {}): ApiframeError {
  return new ApiframeError(code, `failed: ${code}`, init);
}

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const keep = (line: string): void => void lines.push(line);
  return { lines, trace: keep, debug: keep, info: keep, warn: keep, error: keep };
}

/** An attempt that throws the given errors in turn, then answers `done`; counts its calls. */
function scripted(errors: readonly Error[]): { attempt: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    attempt: () => {
      const error = errors[calls++];
      return error !== undefined ? Promise.reject(error) : Promise.resolve('done');
    },
    calls: () => calls,
  };
}

async function rejectionOf(promise: Promise<unknown>): Promise<ApiframeError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApiframeError, `not an ApiframeError: ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

describe('client retry loop', () => {
  it('ships the documented defaults', () => {
    assert.deepEqual(CLIENT_RETRY_DEFAULTS, { maxRetries: 4, retryBaseDelayMs: 250, retryMaxDelayMs: 8_000, timeoutMs: 60_000, maxRetryAfterMs: 60_000 });
  });

  describe('what is retried', () => {
    it('429 always; unavailability, network, timeout and unparsable answers only when repeating is safe', () => {
      assert.equal(shouldRetry(failure('rateLimited'), false), true);
      for (const code of ['serverUnavailable', 'network', 'timeout'] as const) {
        assert.equal(shouldRetry(failure(code), true), true, code);
        assert.equal(shouldRetry(failure(code), false), false, code);
      }
      const unparsable = unparsableAnswerError(200, {}, 'x', []);
      assert.equal(shouldRetry(unparsable, true), true);
      assert.equal(shouldRetry(unparsable, false), false);
    });

    it('never a refusal, a 500, a plain bad answer or a cancel', () => {
      for (const code of ['validation', 'unauthorized', 'forbidden', 'insufficientCredits', 'notFound', 'conflict', 'serverError', 'badResponse', 'aborted'] as const) {
        assert.equal(shouldRetry(failure(code), true), false, code);
      }
    });
  });

  describe('how long it waits', () => {
    const policy: RetryPolicy = { maxRetries: 4, retryBaseDelayMs: 250, retryMaxDelayMs: 8_000, maxRetryAfterMs: 60_000, random: () => 0.5 };

    it('full jitter under a doubling ceiling, capped', () => {
      assert.deepEqual(
        [0, 1, 2, 3, 4, 5, 6].map((retry) => retryDelayMs(failure('serverUnavailable'), retry, policy)),
        [125, 250, 500, 1000, 2000, 4000, 4000],
      );
      assert.equal(retryDelayMs(failure('network'), 3, { ...policy, random: () => 0 }), 0);
      assert.equal(retryDelayMs(failure('network'), 3, { ...policy, random: () => 0.999 }), 1998);
    });

    it('a longer Retry-After replaces the backoff, cut to the longest honoured', () => {
      assert.equal(retryDelayMs(failure('serverUnavailable', { retryAfterMs: 3_000 }), 0, policy), 3_000);
      assert.equal(retryDelayMs(failure('serverUnavailable', { retryAfterMs: 600_000 }), 0, policy), 60_000);
      // Shorter than the backoff: the backoff stands for an outage…
      assert.equal(retryDelayMs(failure('serverUnavailable', { retryAfterMs: 10 }), 3, policy), 1000);
      // …but a 429's Retry-After is the wait the server asked for.
      assert.equal(retryDelayMs(failure('rateLimited', { retryAfterMs: 10 }), 3, policy), 10);
    });
  });

  describe('the loop', () => {
    it('repeats until an attempt succeeds', async () => {
      const withRetries = createRetrier(POLICY, CONTEXT, undefined);
      const script = scripted([failure('serverUnavailable'), failure('network'), failure('rateLimited')]);
      assert.equal(await withRetries({ what: 'the job list', retrySafe: true }, script.attempt), 'done');
      assert.equal(script.calls(), 4);
    });

    it('gives up after maxRetries retries with the last error', async () => {
      const withRetries = createRetrier(POLICY, CONTEXT, undefined);
      const last = failure('timeout');
      const script = scripted([failure('serverUnavailable'), failure('network'), failure('serverUnavailable'), last, failure('network')]);
      assert.equal(await rejectionOf(withRetries({ what: 'x', retrySafe: true }, script.attempt)), last);
      assert.equal(script.calls(), POLICY.maxRetries + 1);
    });

    it('stops at once on an error that is not retried', async () => {
      const withRetries = createRetrier(POLICY, CONTEXT, undefined);
      const refusal = failure('insufficientCredits');
      const script = scripted([refusal]);
      assert.equal(await rejectionOf(withRetries({ what: 'x', retrySafe: true }, script.attempt)), refusal);
      assert.equal(script.calls(), 1);
      const unsafe = scripted([failure('serverUnavailable')]);
      assert.equal((await rejectionOf(withRetries({ what: 'x', retrySafe: false }, unsafe.attempt))).code, 'serverUnavailable');
      assert.equal(unsafe.calls(), 1);
    });

    it('maps a thrown non-ApiframeError to a redacted network error', async () => {
      const withRetries = createRetrier({ ...POLICY, maxRetries: 0 }, CONTEXT, undefined);
      const script = scripted([new Error(`socket closed; sent ${KEY}`)]);
      const error = await rejectionOf(withRetries({ what: 'the job list', retrySafe: true }, script.attempt));
      assert.equal(error.code, 'network');
      assert.equal(error.message, 'Could not reach Apiframe (api.apiframe.ai) for the job list: socket closed; sent «redacted».');
    });

    it('logs each retry, redacted', async () => {
      const log = recordingLog();
      const withRetries = createRetrier(POLICY, CONTEXT, log);
      const script = scripted([failure('serverUnavailable', { status: 503 })]);
      await withRetries({ what: `the call with ${KEY}`, retrySafe: true }, script.attempt);
      assert.deepEqual(log.lines, ['apiframe: the call with «redacted» failed (serverUnavailable 503); retry 1/3 in 1 ms']);
    });

    it('a cancel before an attempt or during a wait ends it with aborted, without another attempt', async () => {
      const withRetries = createRetrier(POLICY, CONTEXT, undefined);
      const cancelled = new AbortController();
      cancelled.abort();
      const never = scripted([]);
      assert.equal((await rejectionOf(withRetries({ what: 'x', retrySafe: true, signal: cancelled.signal }, never.attempt))).code, 'aborted');
      assert.equal(never.calls(), 0);

      const user = new AbortController();
      const waiting = createRetrier({ ...POLICY, retryBaseDelayMs: 60_000, retryMaxDelayMs: 60_000 }, CONTEXT, undefined);
      const script = scripted([failure('serverUnavailable'), failure('serverUnavailable')]);
      const started = Date.now();
      const call = waiting({ what: 'x', retrySafe: true, signal: user.signal }, script.attempt);
      setTimeout(() => user.abort(), 10);
      assert.equal((await rejectionOf(call)).code, 'aborted');
      assert.ok(Date.now() - started < 5_000, 'the wait was not cut short');
      assert.equal(script.calls(), 1);
    });

    it('the overall timer firing during a wait ends it with timeout', async () => {
      const overall = new AbortController();
      const waiting = createRetrier({ ...POLICY, retryBaseDelayMs: 60_000, retryMaxDelayMs: 60_000 }, CONTEXT, undefined);
      const script = scripted([failure('serverUnavailable'), failure('serverUnavailable')]);
      const call = waiting({ what: 'the image download', retrySafe: true, overall: overall.signal }, script.attempt);
      setTimeout(() => overall.abort(), 10);
      const error = await rejectionOf(call);
      assert.equal(error.code, 'timeout');
      assert.equal(error.message, 'Apiframe did not answer the image download within 5 s.');
      assert.equal(script.calls(), 1);
    });
  });
});
