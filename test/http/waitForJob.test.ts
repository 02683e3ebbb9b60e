import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'mocha';
import type { ApiframeClient } from '../../src/apiframe/client';
import type { Job } from '../../src/apiframe/types';
import { abortableSleep, waitForJob, type WaitForJobOptions } from '../../src/jobs/waitForJob';
import type { Emulator } from '../emulator';
import { emulatorWithClient, rejection } from './clientHelpers';

/** The emulator runs jobs at SCALE × real time; waitForJob gets a clock and a sleep scaled the same way. */
const SCALE = 0.005;
const scaled: Pick<WaitForJobOptions, 'now' | 'sleep'> = {
  now: () => performance.now() / SCALE,
  sleep: (ms, signal) => abortableSleep(ms * SCALE, signal),
};

describe('waitForJob against the emulator', () => {
  let emulator: Emulator;
  let client: ApiframeClient;
  let stop: () => Promise<void>;
  before(async () => {
    ({ emulator, client, stop } = await emulatorWithClient({ timeScale: SCALE }));
  });
  after(async () => stop());
  beforeEach(() => {
    emulator.faults.clear();
    emulator.log.clear();
  });

  async function submit(): Promise<string> {
    return (await client.submitImage({ prompt: 'a quiet harbour', model: 'dall-e-3' })).jobId;
  }

  it('follows QUEUED → PROCESSING → COMPLETED, reporting changes', async () => {
    const jobId = await submit();
    const updates: Job[] = [];
    const job = await waitForJob(client, jobId, { ...scaled, onUpdate: (update) => updates.push(update) });
    assert.equal(job.status, 'COMPLETED');
    assert.equal(updates.at(-1)?.status, 'COMPLETED');
    for (const [i, update] of updates.entries()) {
      const before = updates[i - 1]; // undefined for the first update only: nothing to compare it with
      if (before) assert.ok(update.status !== before.status || update.progress !== before.progress);
    }
    const polls = emulator.log.where({ method: 'GET', jobId });
    // Every poll answered, each change reported once; the schedule keeps the count small.
    assert.ok(polls.every((poll) => poll.status === 200));
    assert.ok(polls.length >= updates.length);
    assert.ok(polls.length <= 12, `${polls.length} polls`);
  });

  it('resolves with FAILED and CANCELLED jobs (the caller decides)', async () => {
    emulator.faults.nextJob({ kind: 'failed' });
    const failed = await waitForJob(client, await submit(), scaled);
    assert.equal(failed.status, 'FAILED');
    assert.match(failed.error ?? '', /content policy/);
    emulator.faults.nextJob({ kind: 'cancelled' });
    assert.equal((await waitForJob(client, await submit(), scaled)).status, 'CANCELLED');
  });

  it('keeps polling through transient failures', async () => {
    const jobId = await submit();
    emulator.faults.inject({ fault: { kind: 'status', status: 503 }, path: '/v2/jobs', times: 3 });
    assert.equal((await waitForJob(client, jobId, scaled)).status, 'COMPLETED');
  });

  it('gives up after the timeout with an error that keeps the job id', async () => {
    emulator.faults.nextJob({ kind: 'stuck' });
    const jobId = await submit();
    const error = await rejection(waitForJob(client, jobId, { ...scaled, timeoutMs: 60_000 }));
    assert.equal(error.code, 'timeout');
    assert.equal(error.jobId, jobId);
    assert.equal(error.retryable, true);
  });

  it('is cancelled during its sleep, with the job id', async () => {
    const jobId = await submit();
    const controller = new AbortController();
    const pending = rejection(waitForJob(client, jobId, { signal: controller.signal, sleep: abortableSleep }));
    setTimeout(() => controller.abort(), 30);
    const error = await pending;
    assert.equal(error.code, 'aborted');
    assert.equal(error.jobId, jobId);
    assert.equal(emulator.log.where({ method: 'GET', jobId }).length, 0);
  });

  it('rejects with the client\'s error for an unknown job', async () => {
    const jobId = '00000000-0000-4000-8000-00000000abcd';
    const error = await rejection(waitForJob(client, jobId, scaled));
    assert.equal(error.code, 'notFound');
    assert.equal(error.jobId, jobId);
  });

  it('polls at once when the submit already answered a terminal status', async () => {
    const jobId = await submit();
    await waitForJob(client, jobId, scaled);
    emulator.log.clear();
    const started = performance.now();
    const job = await waitForJob(client, jobId, { initialStatus: 'COMPLETED' });
    assert.equal(job.status, 'COMPLETED');
    assert.equal(emulator.log.where({ method: 'GET', jobId }).length, 1);
    assert.ok(performance.now() - started < 5_000);
  });
});

/**
 * The schedule must hold whatever progress a server reports: none, linear, or stuck low and then jumping
 * (one low reading once pushed the next poll ~3 minutes out, so finished jobs were seen ~34 s late).
 * Waits advance the emulator's clock instead of sleeping, so 60 jobs of ~20 s take no real time.
 */
describe('waitForJob under every progress profile of the emulator', () => {
  for (const profile of ['friendly', 'no-progress', 'coarse-progress'] as const) {
    it(`${profile}: finished jobs are seen within ~1 s on average, with few polls`, async function () {
      this.timeout(60_000);
      const { emulator, client, stop } = await emulatorWithClient({ profile, seed: 5, timeScale: 1, credits: 1_000_000 });
      try {
        const jobs = 60;
        let lagMs = 0;
        let worstMs = 0;
        let polls = 0;
        for (let i = 0; i < jobs; i++) {
          const { jobId } = await client.submitImage({ prompt: `progress ${i}`, model: 'dall-e-3' });
          const endsAt = emulator.jobs().find((j) => j.id === jobId)?.endsAt ?? 0;
          await waitForJob(client, jobId, { now: () => emulator.clock.now(), sleep: (ms) => Promise.resolve(emulator.clock.advance(ms)) });
          const lag = emulator.clock.now() - endsAt;
          lagMs += lag;
          worstMs = Math.max(worstMs, lag);
          polls += emulator.log.where({ method: 'GET', jobId }).length;
        }
        const summary = `${profile}: mean lag ${(lagMs / jobs / 1000).toFixed(2)} s, worst ${(worstMs / 1000).toFixed(1)} s, ${(polls / jobs).toFixed(2)} polls/job`;
        assert.ok(lagMs / jobs <= 1_500, summary);
        assert.ok(worstMs <= 6_000, summary);
        assert.ok(polls / jobs <= 8, summary);
      } finally {
        await stop();
      }
    });
  }
});
