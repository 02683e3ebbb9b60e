import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import type { ApiframeClient } from '../../src/apiframe/client';
import { JobStoppedError, type GenerateInput, type JobManager } from '../../src/jobs/managerApi';
import type { JobRecord } from '../../src/jobs/types';
import type { EmulatorOptions } from '../emulator/index';
import { createHarness, type Harness } from '../chaos/harness';

/**
 * The job manager under the rules the official spec gives, not only under a friendly server: the 24-hour
 * idempotency window, refusals of a replay, results that cannot be read, result links that stop working.
 */

const INPUT: GenerateInput = { prompt: 'a paper boat on a rain puddle', aspectRatio: '1:1', style: 'vivid' };
const HOUR = 60 * 60 * 1000;

describe('job manager under the spec’s rules', function () {
  this.timeout(30_000);
  let harness: Harness;

  afterEach(async () => {
    await harness?.cleanup();
  });

  async function setUp(emulator: EmulatorOptions = {}): Promise<void> {
    harness = await createHarness({ emulator });
  }

  /** A manager on the emulator's clock, so "VS Code stayed closed for a day" is a clock jump. */
  function manager(overrides: Parameters<Harness['newManager']>[0] = {}): JobManager {
    return harness.newManager({ now: () => harness.emulator.clock.now(), ...overrides });
  }

  /** The first window submits, the job is created, and the window closes before the answer is journaled. */
  async function loseFirstAnswer(input: GenerateInput = INPUT): Promise<void> {
    const first = manager({ hooks: { submitAnswered: () => void first.dispose() } });
    await assert.rejects(first.generate(input), JobStoppedError);
    await first.dispose();
    const onDisk = await harness.journalOnDisk();
    assert.equal(onDisk.records.at(-1)?.phase, 'pending-submit');
  }

  async function resumeInNewWindow(): Promise<{ manager: JobManager; record: JobRecord }> {
    const second = manager();
    await second.start();
    await second.whenIdle();
    const [record] = second.history();
    assert.ok(record);
    return { manager: second, record };
  }

  /** The id of the first job the emulator created, asserted to be there. */
  function firstServerJobId(): string {
    const [job] = harness.emulator.jobs();
    assert.ok(job, 'the emulator has no job');
    return job.id;
  }

  async function assertCachedBytes(manager: JobManager, record: JobRecord, jobId: string): Promise<void> {
    const serverJob = harness.emulator.jobs().find((j) => j.id === jobId);
    assert.ok(serverJob);
    assert.equal(record.phase, 'done', record.interruption ?? record.error);
    assert.equal(record.jobId, jobId);
    const file = manager.cachedFilePath(record, 0);
    assert.ok(file);
    assert.deepEqual(await fs.readFile(file), serverJob.imageBytes[0]);
  }

  function jobList(): number {
    return harness.emulator.log.where({ method: 'GET', path: /^\/v2\/jobs$/ }).length;
  }

  describe('the 24-hour idempotency window', () => {
    it('first answer lost, VS Code closed 25 h: the job is found in the job list — one job, one charge, image cached', async () => {
      await setUp({ retentionMs: 7 * 24 * HOUR });
      await loseFirstAnswer();
      harness.emulator.clock.advance(25 * HOUR);

      const { manager: second, record } = await resumeInNewWindow();

      const jobs = harness.emulator.jobs();
      assert.equal(jobs.length, 1, 'a second job was created (and charged) after the key was forgotten');
      assert.ok(jobList() >= 1, 'the job list was not asked');
      assert.equal(harness.emulator.log.where({ method: 'POST' }).length, 1, 'the submit was sent again');
      await assertCachedBytes(second, record, firstServerJobId());
      assert.equal(harness.emulator.credits(harness.emulator.demoKey), 1000 - 8);
    });

    it('first answer lost, closed 25 h, results purged meanwhile: adopted and marked expired, never resubmitted', async () => {
      await setUp();
      await loseFirstAnswer();
      harness.emulator.clock.advance(25 * HOUR);

      const { record } = await resumeInNewWindow();

      assert.equal(harness.emulator.jobs().length, 1);
      assert.equal(harness.emulator.log.where({ method: 'POST' }).length, 1);
      assert.equal(record.phase, 'expired');
      assert.equal(record.jobId, firstServerJobId());
    });

    it('a record journaled but never sent, closed 25 h: the list proves there is no job, so it is submitted once', async () => {
      await setUp();
      const first = manager({ hooks: { journalWritten: () => void first.dispose() } });
      await assert.rejects(first.generate(INPUT), JobStoppedError);
      await first.dispose();
      harness.emulator.clock.advance(25 * HOUR);

      const { manager: second, record } = await resumeInNewWindow();

      assert.ok(jobList() >= 1);
      const jobs = harness.emulator.jobs();
      assert.equal(jobs.length, 1);
      await assertCachedBytes(second, record, firstServerJobId());
    });

    it('two lost records of the same prompt each adopt their own job', async () => {
      await setUp({ retentionMs: 7 * 24 * HOUR });
      await loseFirstAnswer();
      harness.emulator.clock.advance(60_000);
      await loseFirstAnswer();
      harness.emulator.clock.advance(25 * HOUR);

      const second = manager();
      await second.start();
      await second.whenIdle();

      const jobs = harness.emulator.jobs();
      assert.equal(jobs.length, 2);
      const adopted = second.history().map((r) => r.jobId).sort();
      assert.deepEqual(adopted, jobs.map((j) => j.id).sort());
      assert.ok(second.history().every((r) => r.phase === 'done'));
    });

    it('job list unavailable: the record waits for the user (never resubmitted), Look Again adopts the job', async () => {
      await setUp({ retentionMs: 7 * 24 * HOUR });
      await loseFirstAnswer();
      harness.emulator.clock.advance(25 * HOUR);
      harness.emulator.faults.inject({ fault: { kind: 'status', status: 503 }, method: 'GET', path: /^\/v2\/jobs$/, times: 1000 });

      const { manager: second, record } = await resumeInNewWindow();

      assert.equal(record.phase, 'needs-decision');
      assert.equal(record.decision, 'unknown-submit');
      assert.match(record.interruption ?? '', /not known whether an earlier submit already created/);
      assert.match(record.interruption ?? '', /temporarily unavailable/);
      assert.equal(harness.emulator.log.where({ method: 'POST' }).length, 1);
      assert.equal((await harness.journalOnDisk()).records[0]?.phase, 'needs-decision');

      // A restart does not touch it either.
      const third = manager();
      await third.start();
      await third.whenIdle();
      assert.equal(third.get(record.localId)?.phase, 'needs-decision');
      await second.dispose();

      harness.emulator.faults.clear();
      const resumed = await third.resume(record.localId);
      await assertCachedBytes(third, resumed, firstServerJobId());
      assert.equal(harness.emulator.jobs().length, 1);
      assert.equal(harness.emulator.log.where({ method: 'POST' }).length, 1);
    });

    it('Submit Anew sends the record again with its key, at the user’s word only', async () => {
      await setUp();
      const first = manager({ hooks: { journalWritten: () => void first.dispose() } });
      await assert.rejects(first.generate(INPUT), JobStoppedError);
      await first.dispose();
      harness.emulator.clock.advance(25 * HOUR);
      harness.emulator.faults.inject({ fault: { kind: 'status', status: 503 }, method: 'GET', path: /^\/v2\/jobs$/, times: 1000 });
      const { manager: second, record } = await resumeInNewWindow();
      assert.equal(record.phase, 'needs-decision');
      assert.equal(harness.emulator.log.where({ method: 'POST' }).length, 0);

      const done = await second.submitAnew(record.localId);

      assert.equal(done.phase, 'done');
      const posts = harness.emulator.log.where({ method: 'POST' });
      assert.equal(posts.length, 1);
      assert.equal(posts[0]?.idempotencyKey, record.idempotencyKey);
    });

    it('a young record is replayed with its key, without asking the job list', async () => {
      await setUp();
      await loseFirstAnswer();
      harness.emulator.clock.advance(2 * HOUR);
      const { record } = await resumeInNewWindow();
      assert.equal(record.phase, 'done');
      assert.equal(jobList(), 0);
      assert.equal(harness.emulator.jobs().length, 1);
    });
  });

  describe('a refused resubmit', () => {
    it('a replay answered 402 (credits checked before the key): the existing job is adopted and its image cached', async () => {
      await setUp({ profile: 'spec-strict', credits: 8 });
      await loseFirstAnswer();

      const { manager: second, record } = await resumeInNewWindow();

      const replays = harness.emulator.log.where({ method: 'POST' });
      assert.equal(replays.length, 2);
      assert.equal(replays[1]?.status, 402, 'the emulator did not refuse the replay: the test proves nothing');
      const jobs = harness.emulator.jobs();
      assert.equal(jobs.length, 1);
      await assertCachedBytes(second, record, firstServerJobId());
      assert.equal(harness.emulator.credits(harness.emulator.demoKey), 0);
    });

    it('a refusal after a lost answer inside one submit is checked against the job list too', async () => {
      await setUp({ profile: 'spec-strict', credits: 8 });
      harness.emulator.faults.inject({ fault: { kind: 'lostResponse' }, method: 'POST', path: '/v2/images/generate' });
      const record = await manager().generate(INPUT);
      assert.equal(record.phase, 'done', record.error ?? record.interruption);
      assert.equal(harness.emulator.jobs().length, 1);
      assert.ok(jobList() >= 1);
    });

    it('a refusal of a first submit is final at once: failed, the job list is not asked', async () => {
      await setUp({ credits: 0 });
      const record = await manager().generate(INPUT);
      assert.equal(record.phase, 'failed');
      assert.match(record.error ?? '', /Not enough Apiframe credits/);
      assert.equal(jobList(), 0);
    });

    it('a refused resubmit with no job in the list fails with the server’s reason', async () => {
      await setUp({ credits: 8 });
      const first = manager({ hooks: { journalWritten: () => void first.dispose() } });
      await assert.rejects(first.generate(INPUT), JobStoppedError);
      await first.dispose();
      harness.emulator.setCredits(harness.emulator.demoKey, 0);
      const { record } = await resumeInNewWindow();
      assert.equal(record.phase, 'failed');
      assert.match(record.error ?? '', /Not enough Apiframe credits/);
      assert.ok(jobList() >= 1);
      assert.equal(harness.emulator.jobs().length, 0);
    });
  });

  describe('charged results', () => {
    it('a COMPLETED job whose result cannot be read waits for the user; the shape is logged', async () => {
      await setUp();
      harness.emulator.faults.nextJob({ kind: 'resultOverride', result: { output: [{ href: 'https://cdn.example/x.png' }] } });
      const m = manager();
      const record = await m.generate(INPUT);
      assert.equal(record.phase, 'needs-decision');
      assert.equal(record.decision, 'unreadable-result');
      assert.equal(record.status, 'COMPLETED');
      assert.match(record.interruption ?? '', /cannot read/);
      assert.ok(harness.log.lines.some((l) => l.includes('"output"') && l.includes('href')), 'the shape is not in the log');
      // Look Again asks the job, and keeps waiting while the shape stays unreadable.
      const polls = harness.emulator.log.where({ method: 'GET', jobId: record.jobId }).length;
      const again = await m.resume(record.localId);
      assert.equal(again.phase, 'needs-decision');
      assert.ok(harness.emulator.log.where({ method: 'GET', jobId: record.jobId }).length > polls);
    });

    it('`expired: true` with links that still work: the image is downloaded, not given up', async () => {
      await setUp();
      const m = manager({ client: () => Promise.resolve(sayingExpired(harness.client)) });
      const record = await m.generate(INPUT);
      await assertCachedBytes(m, record, firstServerJobId());
    });

    for (const status of [401, 403, 404, 410]) {
      it(`image host ${status}: the job's links are refreshed; the message names the image host, never the key`, async () => {
        await setUp();
        harness.emulator.faults.nextJob({ kind: 'image', body: { custom: { status, headers: { 'content-type': 'application/xml' }, body: '<Error><Code>AccessDenied</Code></Error>' } } });
        const m = manager({ stepAttempts: 2 });
        const record = await m.generate(INPUT);
        const host = new URL(harness.emulator.url).host;
        assert.equal(record.phase, 'detached');
        assert.match(record.interruption ?? '', new RegExp(`image host ${host.replace(/[.]/g, '\\.')}`));
        assert.doesNotMatch(record.interruption ?? '', /key/i);
        assert.equal(record.keyProblem, undefined);
        const [cdn] = harness.emulator.log.where({ path: '/cdn' });
        assert.ok(cdn, 'the image host was not asked');
        const refreshes = harness.emulator.log.where({ method: 'GET', jobId: record.jobId }).filter((e) => e.path.startsWith('/v2/jobs/') && e.seq > cdn.seq);
        assert.ok(refreshes.length >= 1, 'the links were not refreshed after the refusal');
      });
    }

    it('image host 403 on a job whose results expired: marked expired after one refresh', async () => {
      await setUp();
      const m = manager();
      const first = m.generate(INPUT);
      const record = await first;
      assert.equal(record.phase, 'done');
      // A second job, finished while the window was closed past retention.
      const closer = manager({ hooks: { submitAnswered: () => void closer.dispose() } });
      await assert.rejects(closer.generate({ ...INPUT, prompt: 'a second boat' }), JobStoppedError);
      await closer.dispose();
      harness.emulator.clock.advance(25 * HOUR);
      await m.dispose();
      const later = manager();
      await later.start();
      await later.whenIdle();
      const second = later.history().find((r) => r.prompt === 'a second boat');
      assert.equal(second?.phase, 'expired');
      assert.equal(harness.emulator.jobs().length, 2);
    });
  });
});

/** The real client, except that every job says its results expired (the links themselves still work). */
function sayingExpired(client: ApiframeClient): ApiframeClient {
  return {
    ...client,
    async getJob(jobId, options) {
      const job = await client.getJob(jobId, options);
      return job.status === 'COMPLETED' ? { ...job, expired: true } : job;
    },
  };
}
