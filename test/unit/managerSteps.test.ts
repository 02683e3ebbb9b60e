import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { ApiframeError, type ApiframeErrorCode } from '../../src/apiframe/errors';
import { ImageRefusedError } from '../../src/jobs/imageCache';
import { settlementAfter } from '../../src/jobs/settlement';
import { DEFINITIVE_SUBMIT_REFUSALS, NeedsDecisionError, ResultsExpiredError } from '../../src/jobs/stepFailures';
import { isWorthRetrying, MANAGER_STEP_RETRY_DEFAULTS, retryStep, type StepRetryOptions } from '../../src/jobs/stepRetry';
import type { JobPhase, JobRecord } from '../../src/jobs/types';

/** The job manager's step rules on plain values: which failures get another attempt, and where an error leaves a record. */

const KEY = 'afk_live_0123456789abcdefSECRET';

function recordIn(phase: JobPhase): JobRecord {
  return {
    localId: 'record-1',
    idempotencyKey: 'record-1',
    prompt: 'a kite over the dunes',
    model: 'dall-e-3',
    aspectRatio: '1:1',
    style: 'vivid',
    createdAt: '2025-06-01T12:00:00.000Z',
    phase,
  };
}

function apiError(code: ApiframeErrorCode, message = `failed: ${code}`): ApiframeError {
  return new ApiframeError(code, message);
}

describe('job manager step rules', () => {
  describe('step retries', () => {
    it('ship the documented defaults', () => {
      assert.deepEqual(MANAGER_STEP_RETRY_DEFAULTS, { stepAttempts: 4, retryBaseDelayMs: 1_000, retryMaxDelayMs: 15_000 });
      assert.deepEqual(
        [...DEFINITIVE_SUBMIT_REFUSALS].sort(),
        ['conflict', 'forbidden', 'insufficientCredits', 'invalidBaseUrl', 'invalidInput', 'unauthorized', 'validation'],
      );
    });

    it('a submit is repeated after anything but a definitive refusal or a cancel', () => {
      for (const code of DEFINITIVE_SUBMIT_REFUSALS) assert.equal(isWorthRetrying(apiError(code), 'submit'), false, code);
      for (const code of ['network', 'timeout', 'serverUnavailable', 'serverError', 'badResponse', 'notFound'] as const) {
        assert.equal(isWorthRetrying(apiError(code), 'submit'), true, code);
      }
      assert.equal(isWorthRetrying(apiError('aborted'), 'submit'), false);
      assert.equal(isWorthRetrying(new Error('not from the client'), 'submit'), false);
    });

    it('a wait only after a malformed answer (its timeout means "stop waiting")', () => {
      assert.equal(isWorthRetrying(apiError('badResponse'), 'wait'), true);
      for (const code of ['timeout', 'network', 'serverUnavailable', 'notFound'] as const) assert.equal(isWorthRetrying(apiError(code), 'wait'), false, code);
    });

    it('a download after transient failures, refused links and cut-short or wrong bodies — never after expiry', () => {
      for (const code of ['network', 'timeout', 'badResponse', 'imageUnavailable'] as const) assert.equal(isWorthRetrying(apiError(code), 'download'), true, code);
      for (const code of ['unsafeUrl', 'tooLarge'] as const) assert.equal(isWorthRetrying(apiError(code), 'download'), false, code);
      for (const reason of ['incomplete', 'empty', 'notImage'] as const) assert.equal(isWorthRetrying(new ImageRefusedError(reason, 'x'), 'download'), true, reason);
      assert.equal(isWorthRetrying(new ImageRefusedError('tooLarge', 'x'), 'download'), false);
      assert.equal(isWorthRetrying(new ResultsExpiredError('gone'), 'download'), false);
    });

    it('waits 1×, 2×, 4× the base (capped) between attempts and stops after the last', async () => {
      const waits: number[] = [];
      const retries: string[] = [];
      let calls = 0;
      const options: StepRetryOptions = {
        step: 'download',
        attempts: 6,
        baseDelayMs: 4_000,
        signal: new AbortController().signal,
        sleep: (ms) => {
          waits.push(ms);
          return Promise.resolve();
        },
        onRetry: (error, nextAttempt, delay) => retries.push(`${(error as ApiframeError).code} → ${nextAttempt} in ${delay}`),
      };
      const last = apiError('network');
      await assert.rejects(
        retryStep(() => {
          calls++;
          return Promise.reject(calls === 6 ? last : apiError('timeout'));
        }, options),
        (error) => error === last,
      );
      assert.equal(calls, 6);
      assert.deepEqual(waits, [4_000, 8_000, 15_000, 15_000, 15_000]);
      assert.equal(retries[0], 'timeout → 2 in 4000');
    });

    it('a cancel ends the loop with the signal’s reason, not the step’s error', async () => {
      const controller = new AbortController();
      const stop = new Error('stop');
      let calls = 0;
      await assert.rejects(
        retryStep(
          () => {
            calls++;
            controller.abort(stop);
            return Promise.reject(apiError('network'));
          },
          { step: 'submit', attempts: 4, baseDelayMs: 1, signal: controller.signal, sleep: () => Promise.resolve(), onRetry: () => undefined },
        ),
        (error) => error === stop,
      );
      assert.equal(calls, 1);
    });
  });

  describe('settlement after an error', () => {
    it('expired results → expired, with the reason', () => {
      assert.deepEqual(settlementAfter(new ResultsExpiredError('The links expired.'), recordIn('downloading')), {
        patch: { phase: 'expired', error: 'The links expired.' },
      });
    });

    it('a decision to make → needs-decision with the reason, logged as a warning', () => {
      const settlement = settlementAfter(new NeedsDecisionError('unknown-submit', 'Not known.', true), recordIn('pending-submit'));
      assert.deepEqual(settlement.patch, { phase: 'needs-decision', decision: 'unknown-submit', interruption: 'Not known.', keyProblem: true });
      assert.equal(settlement.log?.level, 'warn');
      assert.match(settlement.log?.message ?? '', /^Job "a kite over the dunes" \(record-1\) needs the user's decision: Not known\.$/);
    });

    it('a definitive refusal of a submit → failed; the key’s own refusal says so', () => {
      // A 402 keeps its figures (as many as the server sent) for the message that offers to buy credits.
      assert.deepEqual(settlementAfter(apiError('insufficientCredits', 'Not enough credits.'), recordIn('pending-submit')), {
        patch: { phase: 'failed', error: 'Not enough credits.', creditsShort: {} },
      });
      const withFigures = new ApiframeError('insufficientCredits', 'Not enough credits.', { creditsRequired: 8, creditsAvailable: 3 });
      assert.deepEqual(settlementAfter(withFigures, recordIn('pending-submit')).patch.creditsShort, { required: 8, available: 3 });
      for (const code of ['unauthorized', 'forbidden'] as const) {
        assert.deepEqual(settlementAfter(apiError(code, 'No.'), recordIn('pending-submit')).patch, { phase: 'failed', error: 'No.', keyProblem: true });
      }
    });

    it('the same refusal in any other phase does not fail the (paid) job', () => {
      // …and says it was the key's: the stopped notice offers Set API Key.
      assert.deepEqual(settlementAfter(apiError('unauthorized', 'No.'), recordIn('running')).patch, { phase: 'detached', interruption: 'No.', keyProblem: true });
    });

    it('an image that cannot be saved → detached with the reason, never failed', () => {
      for (const error of [apiError('tooLarge', 'Too big.'), new ImageRefusedError('notImage', 'Too big.')]) {
        const settlement = settlementAfter(error, recordIn('downloading'));
        assert.deepEqual(settlement.patch, { phase: 'detached', interruption: 'The image could not be saved: Too big.' });
        assert.equal(settlement.log?.level, 'warn');
      }
    });

    it('the wait limit → detached, logged as information; anything else as a warning', () => {
      const waited = settlementAfter(apiError('timeout', 'Gave up waiting.'), recordIn('running'));
      assert.deepEqual(waited, {
        patch: { phase: 'detached', interruption: 'Gave up waiting.' },
        log: { level: 'info', message: 'Job "a kite over the dunes" (record-1): stopped waiting after the wait limit; it can be resumed.' },
      });
      assert.deepEqual(settlementAfter(apiError('network', 'Offline.'), recordIn('downloading')).log, {
        level: 'warn',
        message: 'Job "a kite over the dunes" (record-1) interrupted in phase downloading: Offline.',
      });
    });

    it('never keeps the key in what it stores or logs', () => {
      for (const phase of ['pending-submit', 'running', 'downloading'] as const) {
        for (const error of [new Error(`boom ${KEY}`), new NeedsDecisionError('unknown-submit', `x ${KEY}`), apiError('validation', `bad ${KEY}`)]) {
          const settlement = settlementAfter(error, recordIn(phase));
          assert.ok(!JSON.stringify(settlement).includes(KEY), `${phase}: ${JSON.stringify(settlement)}`);
        }
      }
    });
  });
});
