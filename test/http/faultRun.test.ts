import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'mocha';
import { CLIENT_RETRY_DEFAULTS, type ApiframeClient } from '../../src/apiframe/client';
import { ApiframeError, type ApiframeErrorCode } from '../../src/apiframe/errors';
import type { JobAccepted } from '../../src/apiframe/types';
import { DEFINITIVE_SUBMIT_REFUSALS } from '../../src/jobs/stepFailures';
import { MANAGER_STEP_RETRY_DEFAULTS } from '../../src/jobs/stepRetry';
import type { EmulatorProfile } from '../emulator/index';
import { emulatorWithClient } from './clientHelpers';

/**
 * 1,000 submits through random faults on the submit path, with the retry policy that ships: the client's
 * defaults and the job manager's step retries, every duration divided by one factor so a run takes seconds
 * instead of minutes. Counts and limits are the shipped ones, so "the policy survives these faults" holds
 * for the real thing, not for a test-only policy with a dozen retries.
 */

const SUBMITS = 1_000;
const CONCURRENCY = 25;
/** Every duration (client timeouts and backoff, manager backoff, Retry-After, held answers, job durations) ÷ this. */
const TIME_SCALE = 50;
const scaled = (ms: number): number => ms / TIME_SCALE;

/** The client's shipped timeout and retry policy. */
const SHIPPED_CLIENT = CLIENT_RETRY_DEFAULTS;
/** The job manager's shipped step retries (the submit step's attempts, first delay and ceiling). */
const SHIPPED_MANAGER = MANAGER_STEP_RETRY_DEFAULTS;

/** Real (unscaled) Retry-After of the random 429s and how long a `delay` fault holds an answer. */
const RETRY_AFTER_MS = 1_000;
const HELD_ANSWER_MS = 1.25 * SHIPPED_CLIENT.timeoutMs; // past the per-request timeout: the client gives up first

interface RunStats {
  /** Client calls that failed and were repeated by the step loop, with the same key. */
  resubmits: number;
  failures: Map<string, ApiframeErrorCode>;
}

/**
 * What the job manager's submit step does with a client that still failed: repeat the submit with the
 * same idempotency key, up to `stepAttempts` times, backing off 1 s, 2 s, 4 s … capped at 15 s (scaled),
 * unless the server refused it outright.
 */
async function submitLikeTheJobManager(client: ApiframeClient, prompt: string, idempotencyKey: string, stats: RunStats): Promise<JobAccepted & { idempotencyKey: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.submitImage({ prompt, model: 'dall-e-3' }, { idempotencyKey });
    } catch (error) {
      if (!(error instanceof ApiframeError)) throw error;
      const worthRepeating = error.retryable || (!DEFINITIVE_SUBMIT_REFUSALS.has(error.code) && error.code !== 'aborted');
      if (attempt >= SHIPPED_MANAGER.stepAttempts || !worthRepeating) throw error;
      stats.resubmits++;
      await sleep(scaled(Math.min(SHIPPED_MANAGER.retryMaxDelayMs, SHIPPED_MANAGER.retryBaseDelayMs * 2 ** (attempt - 1))));
    }
  }
}

async function faultRun(profile: EmulatorProfile): Promise<void> {
  const startedAt = Date.now();
  const { emulator, client, stop } = await emulatorWithClient(
    // Jobs take their real ~20 s, scaled like everything else: they complete (and are charged) during the run,
    // so replays also meet PROCESSING and COMPLETED jobs.
    { seed: 11, timeScale: 1 / TIME_SCALE, credits: 1_000_000, profile },
    {
      maxRetries: SHIPPED_CLIENT.maxRetries,
      retryBaseDelayMs: scaled(SHIPPED_CLIENT.retryBaseDelayMs),
      retryMaxDelayMs: scaled(SHIPPED_CLIENT.retryMaxDelayMs),
      timeoutMs: scaled(SHIPPED_CLIENT.timeoutMs),
      maxRetryAfterMs: scaled(SHIPPED_CLIENT.maxRetryAfterMs),
    },
  );
  try {
    emulator.faults.random({
      seed: 99,
      rate: 0.3,
      kinds: ['status', 'reset', 'delay', 'lostResponse'],
      method: 'POST',
      path: '/v2/images/generate',
      // Seconds with a fraction: the scaled value of a 1-s Retry-After (the client accepts decimals).
      retryAfter: String(scaled(RETRY_AFTER_MS) / 1000),
      delayMs: scaled(HELD_ANSWER_MS),
    });
    const accepted = new Map<string, string>(); // idempotency key → job id the client was given
    const stats: RunStats = { resubmits: 0, failures: new Map() };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < SUBMITS) {
        const index = next++;
        const key = `fault-run-${profile}-${index}`;
        try {
          const answer = await submitLikeTheJobManager(client, `fault run ${index}`, key, stats);
          assert.equal(answer.idempotencyKey, key);
          accepted.set(key, answer.jobId);
        } catch (error) {
          if (!(error instanceof ApiframeError)) throw error;
          stats.failures.set(key, error.code);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    const jobsByKey = new Map<string, string[]>();
    // A job the client was never told about (created under another key, or without one) is a duplicate
    // too: the user pays for it and never sees it.
    let duplicates = 0;
    for (const job of emulator.jobs()) {
      if (job.idempotencyKey === undefined || !accepted.has(job.idempotencyKey)) {
        duplicates++;
        continue;
      }
      jobsByKey.set(job.idempotencyKey, [...(jobsByKey.get(job.idempotencyKey) ?? []), job.id]);
    }
    for (const ids of jobsByKey.values()) duplicates += ids.length - 1;
    let lost = stats.failures.size;
    for (const [key, jobId] of accepted) if (!(jobsByKey.get(key) ?? []).includes(jobId)) lost++;
    const faultsHit = emulator.log.entries.filter((entry) => entry.fault !== undefined).length;
    // Answers lost or held back after the job was created: only these can turn a retry into a duplicate.
    const replays = emulator.log.entries.filter((entry) => entry.replayed === true).length;
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);

    console.log(`faults: profile=${profile} submits=${SUBMITS} duplicates=${duplicates} lost=${lost}`);
    console.log(
      `        ${faultsHit} faults in ${emulator.log.entries.length} requests; ${replays} replays; ${stats.resubmits} resubmits by the step loop; ` +
        `${stats.failures.size} failures; ${seconds} s`,
    );
    assert.ok(faultsHit > 100, `only ${faultsHit} faults were injected`);
    assert.ok(replays > 50, `only ${replays} submits were answered from the idempotency store`);
    const failures = [...stats.failures].map(([key, code]) => `${key}: ${code}`).join(', ');
    assert.equal(stats.failures.size, 0, `submits failed after ${SHIPPED_MANAGER.stepAttempts} step attempts: ${failures}`);
    assert.equal(accepted.size, SUBMITS);
    assert.equal(duplicates, 0);
    assert.equal(lost, 0);
  } finally {
    await stop();
  }
}

describe('fault run', () => {
  for (const profile of ['friendly', 'spec-strict'] as const) {
    it(`${profile}: 1,000 submits under random 503/429/reset/timeout/lost-response faults with the shipped retry policy, time ÷ ${TIME_SCALE}: no duplicates, nothing lost`, async function () {
      this.timeout(120_000);
      await faultRun(profile);
    });
  }
});
