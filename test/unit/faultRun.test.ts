import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { ApiframeError } from '../../src/apiframe/errors';
import { emulatorWithClient } from './clientHelpers';

const SUBMITS = 1_000;
const CONCURRENCY = 25;

describe('fault run', () => {
  it('1,000 submits under random 503/429/reset/timeout/lost-response faults: no duplicates, nothing lost', async function () {
    this.timeout(120_000);
    // Jobs run at real speed so none completes during the run (no image rendering, no charges to race).
    const { emulator, client, stop } = await emulatorWithClient(
      { seed: 11, timeScale: 1, credits: 1_000_000 },
      { timeoutMs: 120, maxRetries: 12, retryBaseDelayMs: 2, retryMaxDelayMs: 20 },
    );
    try {
      emulator.faults.random({
        seed: 99,
        rate: 0.25,
        kinds: ['status', 'reset', 'delay', 'lostResponse'],
        method: 'POST',
        path: '/v2/images/generate',
        retryAfter: '0',
        delayMs: 400, // past the client's 120 ms timeout
      });
      const accepted = new Map<string, string>(); // idempotency key → job id the client was given
      let failed = 0;
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < SUBMITS) {
          const index = next++;
          try {
            const answer = await client.submitImage({ prompt: `fault run ${index}`, model: 'dall-e-3' });
            accepted.set(answer.idempotencyKey, answer.jobId);
          } catch (error) {
            failed++;
            if (!(error instanceof ApiframeError)) throw error;
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
      let lost = failed;
      for (const [key, jobId] of accepted) if (!(jobsByKey.get(key) ?? []).includes(jobId)) lost++;
      const faultsHit = emulator.log.entries.filter((entry) => entry.fault !== undefined).length;

      console.log(`faults: submits=${SUBMITS} duplicates=${duplicates} lost=${lost}`);
      assert.ok(faultsHit > 100, `only ${faultsHit} faults were injected`);
      assert.equal(accepted.size + failed, SUBMITS);
      assert.equal(duplicates, 0);
      assert.equal(lost, 0);
    } finally {
      await stop();
    }
  });
});
