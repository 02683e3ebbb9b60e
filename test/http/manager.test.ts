import * as assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createApiframeClient } from '../../src/apiframe/client';
import { JOURNAL_FILE } from '../../src/jobs/journal';
import { JobStoppedError, type GenerateInput, type JobManager } from '../../src/jobs/managerApi';
import type { JobRecord, JobStage } from '../../src/jobs/types';
import { createHarness, listFiles, type Harness } from '../chaos/harness';

const INPUT: GenerateInput = { prompt: 'a lighthouse on a cliff at dawn', aspectRatio: '3:2', style: 'natural' };

describe('job manager (real HTTP to the emulator, storage on disk)', function () {
  this.timeout(30_000);
  let harness: Harness;

  afterEach(async () => {
    await harness?.cleanup();
  });

  function serverJobsFor(record: JobRecord) {
    return harness.emulator.jobs().filter((j) => j.idempotencyKey === record.idempotencyKey);
  }

  /** The first record in the journal file on disk, asserted to be there. */
  async function firstRecordOnDisk(): Promise<Awaited<ReturnType<Harness['journalOnDisk']>>['records'][number]> {
    const [record] = (await harness.journalOnDisk()).records;
    assert.ok(record, 'the journal file holds no record');
    return record;
  }

  /** The first record in a manager's history, asserted to be there. */
  function firstInHistory(manager: JobManager): JobRecord {
    const [record] = manager.history();
    assert.ok(record, 'the history is empty');
    return record;
  }

  async function assertCachedExactly(manager: JobManager, record: JobRecord): Promise<void> {
    const [serverJob] = serverJobsFor(record);
    assert.ok(serverJob, 'no server job for the record');
    assert.equal(record.phase, 'done');
    assert.equal(record.files?.length, serverJob.imageBytes.length);
    for (let i = 0; i < serverJob.imageBytes.length; i++) {
      const file = manager.cachedFilePath(record, i);
      assert.ok(file);
      assert.deepEqual(await fs.readFile(file), serverJob.imageBytes[i]);
    }
  }

  it('journals, submits, follows and caches a job, reporting the stages in order', async () => {
    harness = await createHarness();
    const manager = harness.newManager();
    await manager.start();
    const stages: JobStage['stage'][] = [];
    const changes: (string | undefined)[] = [];
    manager.onDidChange((_id, record) => changes.push(record?.phase));

    const record = await manager.generate(INPUT, { onStage: (s) => stages.push(s.stage) });

    await assertCachedExactly(manager, record);
    const [file] = record.files ?? [];
    assert.ok(file, 'the record lists its file');
    assert.equal(file.mime, 'image/png');
    assert.equal(file.width, 1792 / 16);
    assert.equal(file.height, 1024 / 16);
    const distinct = stages.filter((s, i) => s !== stages[i - 1]);
    assert.equal(distinct[0], 'submitting');
    assert.deepEqual(distinct.slice(-2), ['downloading', 'done']);
    assert.ok(distinct.includes('generating') || distinct.includes('queued'));
    assert.deepEqual([changes[0], changes.at(-1)], ['pending-submit', 'done']);
    assert.equal(manager.runningCount(), 0);
    assert.deepEqual(manager.history().map((r) => r.localId), [record.localId]);
    assert.equal((await firstRecordOnDisk()).phase, 'done');
    assert.equal(harness.emulator.credits(harness.emulator.demoKey), 1000 - 8);
  });

  it('writes the record to disk before the submit is sent', async () => {
    harness = await createHarness();
    let checked = false;
    const manager = harness.newManager({
      hooks: {
        journalWritten: async (record) => {
          const onDisk = await harness.journalOnDisk();
          assert.deepEqual(
            onDisk.records.map((r) => [r.localId, r.phase]),
            [[record.localId, 'pending-submit']],
          );
          assert.equal(harness.emulator.log.where({ method: 'POST', idempotencyKey: record.idempotencyKey }).length, 0);
          checked = true;
        },
      },
    });
    const record = await manager.generate(INPUT);
    assert.ok(checked);
    assert.equal(record.phase, 'done');
  });

  it('asks for the client while the record is being written, and still sends nothing before it is on disk', async () => {
    harness = await createHarness();
    const { client } = harness;
    // Whether the journal existed on disk each time the manager asked for the client; what it held when the submit left.
    const journalAtClientRequest: boolean[] = [];
    const onDiskAtSubmit: string[][] = [];
    const watched: typeof client = {
      ...client,
      submitImage: async (request, options) => {
        onDiskAtSubmit.push((await harness.journalOnDisk()).records.map((r) => `${r.localId}:${r.phase}`));
        return client.submitImage(request, options);
      },
    };
    const manager = harness.newManager({
      client: () => {
        journalAtClientRequest.push(existsSync(path.join(harness.storageDir, JOURNAL_FILE)));
        return Promise.resolve(watched);
      },
    });
    await manager.start();
    const record = await manager.generate(INPUT);
    assert.equal(record.phase, 'done');
    // The first request came before the write had put anything on disk (a fresh folder): the build overlapped the write.
    assert.equal(journalAtClientRequest[0], false);
    assert.deepEqual(onDiskAtSubmit, [[`${record.localId}:pending-submit`]]);
    assert.equal(harness.emulator.log.where({ method: 'POST', idempotencyKey: record.idempotencyKey }).length, 1);
  });

  it('restarted between "journal written" and "submit answered": the new manager submits once', async () => {
    harness = await createHarness();
    const first = harness.newManager({ hooks: { journalWritten: () => void first.dispose() } });
    await assert.rejects(first.generate(INPUT), (e: unknown) => e instanceof JobStoppedError && e.reason === 'disposed');
    await first.dispose();
    assert.equal((await firstRecordOnDisk()).phase, 'pending-submit');

    const second = harness.newManager();
    await second.start();
    await second.whenIdle();
    const record = firstInHistory(second);
    assert.equal(serverJobsFor(record).length, 1);
    await assertCachedExactly(second, record);
  });

  it('journals any model with its own parameter block and sends exactly that block, again after a restart', async () => {
    harness = await createHarness();
    const flux: GenerateInput = {
      prompt: 'a lighthouse, wide',
      model: 'flux-1.1-pro',
      params: { width: 1344, height: 768, seed: 7 },
      aspectRatio: '16:9',
      group: { id: 'group-1', kind: 'candidates', index: 0, size: 2 },
    };
    const first = harness.newManager({ hooks: { journalWritten: () => void first.dispose() } });
    await assert.rejects(first.generate(flux), (e: unknown) => e instanceof JobStoppedError && e.reason === 'disposed');
    await first.dispose();
    const [onDisk] = (await harness.journalOnDisk()).records as unknown as JobRecord[];
    assert.deepEqual([onDisk?.model, onDisk?.params, onDisk?.group], [flux.model, flux.params, flux.group]);

    const second = harness.newManager();
    await second.start();
    await second.whenIdle();
    const record = firstInHistory(second);
    assert.equal(record.phase, 'done');
    const submits = harness.emulator.log.where({ method: 'POST', path: '/v2/images/generate' });
    assert.equal(submits.length, 1);
    assert.deepEqual(submits[0]?.body, { prompt: flux.prompt, model: 'flux-1.1-pro', fluxParams: { width: 1344, height: 768, seed: 7 } });
    assert.equal(serverJobsFor(record)[0]?.model, 'flux-1.1-pro');
  });

  it('restarted after the job was created but before the answer was journaled: same job, charged once', async () => {
    harness = await createHarness();
    const first = harness.newManager({ hooks: { submitAnswered: () => void first.dispose() } });
    await assert.rejects(first.generate(INPUT), JobStoppedError);
    await first.dispose();
    const onDisk = await firstRecordOnDisk();
    assert.equal(onDisk.phase, 'pending-submit');
    assert.equal(onDisk.jobId, undefined);

    const second = harness.newManager();
    await second.start();
    await second.whenIdle();
    const record = firstInHistory(second);
    assert.equal(serverJobsFor(record).length, 1);
    const submits = harness.emulator.log.where({ method: 'POST', idempotencyKey: record.idempotencyKey });
    assert.equal(submits.length, 2);
    assert.equal(submits[1]?.replayed, true);
    await assertCachedExactly(second, record);
    assert.equal(harness.emulator.credits(harness.emulator.demoKey), 1000 - 8);
  });

  it('survives a lost submit response (the job was created) with one job', async () => {
    harness = await createHarness();
    harness.emulator.faults.inject({ fault: { kind: 'lostResponse' }, method: 'POST', path: '/v2/images/generate' });
    const manager = harness.newManager();
    const record = await manager.generate(INPUT);
    assert.equal(serverJobsFor(record).length, 1);
    await assertCachedExactly(manager, record);
  });

  it('retries a malformed answer to the submit with the same key instead of failing a paid job', async () => {
    harness = await createHarness();
    harness.emulator.faults.inject({ fault: { kind: 'malformedJson' }, method: 'POST', path: '/v2/images/generate', times: 2 });
    const manager = harness.newManager();
    const record = await manager.generate(INPUT);
    assert.equal(serverJobsFor(record).length, 1);
    await assertCachedExactly(manager, record);
  });

  it('restarted mid-download: the new manager caches the exact bytes and leaves no partial file', async () => {
    harness = await createHarness();
    harness.emulator.faults.nextJob({ kind: 'completed', images: 2 });
    const first = harness.newManager({ hooks: { downloadStarted: () => void first.dispose() } });
    await assert.rejects(first.generate(INPUT), JobStoppedError);
    await first.dispose();
    assert.equal((await firstRecordOnDisk()).phase, 'downloading');

    const second = harness.newManager();
    await second.start();
    await second.whenIdle();
    const record = firstInHistory(second);
    await assertCachedExactly(second, record);
    assert.deepEqual(
      (await listFiles(path.join(harness.storageDir, 'images'))).sort(),
      [`${record.localId}/1.png`, `${record.localId}/2.png`],
    );
  });

  it('retries a download cut short and a transient 404 of the image host', async () => {
    harness = await createHarness();
    harness.emulator.faults.inject({ fault: { kind: 'truncatedBody' }, path: '/cdn' });
    harness.emulator.faults.inject({ fault: { kind: 'htmlBody', status: 404 }, path: '/cdn' });
    const manager = harness.newManager();
    const record = await manager.generate(INPUT);
    await assertCachedExactly(manager, record);
    assert.equal(harness.emulator.faults.pendingRules(), 0);
  });

  for (const [outcome, expected] of [
    [{ kind: 'failed' as const }, /content policy violation/],
    [{ kind: 'cancelled' as const }, /cancelled/i],
  ] as const) {
    it(`marks a ${outcome.kind.toUpperCase()} job failed with the server's text`, async () => {
      harness = await createHarness();
      harness.emulator.faults.nextJob(outcome);
      const manager = harness.newManager();
      const record = await manager.generate(INPUT);
      assert.equal(record.phase, 'failed');
      assert.match(record.error ?? '', expected);
      assert.equal(record.files, undefined);
      assert.deepEqual(await listFiles(path.join(harness.storageDir, 'images')), []);
    });
  }

  it('refuses a result that is not an image, with a clear reason and nothing cached; the paid job stays resumable', async () => {
    harness = await createHarness();
    harness.emulator.faults.nextJob({ kind: 'image', body: 'notImage' });
    const manager = harness.newManager({ stepAttempts: 2 });
    const record = await manager.generate(INPUT);
    assert.equal(record.phase, 'detached');
    assert.match(record.interruption ?? '', /not a PNG, JPEG or WebP/);
    assert.equal(harness.emulator.log.where({ path: '/cdn' }).length, 2, 'a passing error page deserves a second attempt');
    assert.deepEqual(await listFiles(path.join(harness.storageDir, 'images')), []);
  });

  it('refuses a download whose Content-Length lies (a PNG cut short is never cached)', async () => {
    harness = await createHarness();
    harness.emulator.faults.nextJob({ kind: 'image', body: 'lyingLength' });
    const manager = harness.newManager({ stepAttempts: 2 });
    const record = await manager.generate(INPUT);
    assert.notEqual(record.phase, 'done');
    assert.deepEqual(await listFiles(path.join(harness.storageDir, 'images')), []);
  });

  it('abort means "stop waiting": the record is detached, start() leaves it alone, resume finishes it', async () => {
    harness = await createHarness({ emulator: { timeScale: 0.05 } });
    const first = harness.newManager();
    const controller = new AbortController();
    const detached = await first.generate(INPUT, {
      signal: controller.signal,
      onStage: (stage) => {
        if (stage.stage === 'queued' || stage.stage === 'generating') controller.abort();
      },
    });
    assert.equal(detached.phase, 'detached');
    assert.ok(detached.jobId);
    assert.equal(first.runningCount(), 0);
    await first.dispose();

    const second = harness.newManager();
    await second.start();
    assert.equal(second.runningCount(), 0);
    assert.equal(second.get(detached.localId)?.phase, 'detached');
    const resumed = await second.resume(detached.localId);
    await assertCachedExactly(second, resumed);
    assert.equal(serverJobsFor(resumed).length, 1);
  });

  it('marks a job whose results expired before they were cached as expired', async () => {
    harness = await createHarness({ emulator: { retentionMs: 60_000 } });
    const manager = harness.newManager();
    const controller = new AbortController();
    const detached = await manager.generate(INPUT, {
      signal: controller.signal,
      onStage: (stage) => {
        if (stage.stage === 'queued' || stage.stage === 'generating') controller.abort();
      },
    });
    assert.equal(detached.phase, 'detached');
    harness.emulator.clock.advance(10 * 60_000);
    const record = await manager.resume(detached.localId);
    assert.equal(record.phase, 'expired');
    assert.match(record.error ?? '', /expired before the images could be saved/);
  });

  it('dispose() leaves records as they are, and a new manager finishes them', async () => {
    harness = await createHarness({ emulator: { timeScale: 0.05 } });
    const first = harness.newManager();
    const running = first.generate(INPUT, {
      onStage: (stage) => {
        if (stage.stage === 'queued' || stage.stage === 'generating') void first.dispose();
      },
    });
    await assert.rejects(running, JobStoppedError);
    await first.dispose();
    assert.equal((await firstRecordOnDisk()).phase, 'running');

    const second = harness.newManager();
    await second.start();
    assert.equal(second.runningCount(), 1);
    await second.whenIdle();
    await assertCachedExactly(second, firstInHistory(second));
  });

  it('stops waiting after the wait limit: the record is detached with the reason and can be resumed', async () => {
    harness = await createHarness();
    harness.emulator.faults.nextJob({ kind: 'stuck' });
    const manager = harness.newManager({ waitTimeoutMs: 1 });
    const record = await manager.generate(INPUT);
    assert.equal(record.phase, 'detached');
    assert.ok(record.jobId);
    assert.match(record.interruption ?? '', /Stopped waiting/);
    assert.equal((await firstRecordOnDisk()).phase, 'detached');
  });

  it('learns job durations for the poll schedule and persists them in the journal file', async () => {
    harness = await createHarness({ emulator: { timeScale: 0.05 } });
    const manager = harness.newManager();
    await manager.generate(INPUT);
    await manager.dispose();
    const onDisk = (await harness.journalOnDisk()) as unknown as { durationModel?: { models: Record<string, { weight: number }> } };
    assert.ok((onDisk.durationModel?.models['dall-e-3']?.weight ?? 0) > 0, JSON.stringify(onDisk.durationModel));
  });

  it('fails with a clear message that never contains the key when the key is wrong', async () => {
    harness = await createHarness();
    const wrongKey = 'afk_wrong_0123456789abcdef0123456789';
    const wrongClient = createApiframeClient({ baseUrl: harness.emulator.url, apiKey: wrongKey, userAgent: 't/0' });
    try {
      const manager = harness.newManager({ client: () => Promise.resolve(wrongClient) });
      const record = await manager.generate(INPUT);
      assert.equal(record.phase, 'failed');
      assert.match(record.error ?? '', /key/i);
      assert.equal(record.keyProblem, true, 'the UI offers Set API Key on this failure');
      assert.ok(!(record.error ?? '').includes(wrongKey));
      assert.ok(!harness.log.lines.some((l) => l.includes(wrongKey)));
      assert.equal(harness.emulator.jobs().length, 0);
    } finally {
      await wrongClient.close();
    }
  });

  it('keeps the jobs of two VS Code windows sharing the storage, with their images, across a restart', async () => {
    harness = await createHarness();
    const windowA = harness.newManager();
    const windowB = harness.newManager();
    const [fromA, fromB] = await Promise.all([
      windowA.generate({ ...INPUT, prompt: 'a red kite from window A' }),
      windowB.generate({ ...INPUT, prompt: 'a blue kite from window B' }),
    ]);
    assert.equal(fromA.phase, 'done');
    assert.equal(fromB.phase, 'done');
    // One more write from each window, as progress and later jobs would make.
    await windowA.generate({ ...INPUT, prompt: 'a green kite from window A' });
    await windowB.generate({ ...INPUT, prompt: 'a white kite from window B' });
    await windowA.dispose();
    await windowB.dispose();

    const restarted = harness.newManager();
    await restarted.start();
    const prompts = restarted.history().map((r) => r.prompt).sort();
    assert.deepEqual(prompts, ['a blue kite from window B', 'a green kite from window A', 'a red kite from window A', 'a white kite from window B']);
    for (const record of restarted.history()) {
      const file = restarted.cachedFilePath(record, 0);
      assert.ok(file, `${record.prompt} has a cached image`);
      assert.ok((await fs.stat(file)).size > 0, `${record.prompt}: its image survived the other window's start-up clean-up`);
    }
  });

  it('fails a refused submit that is not about the key without offering a new key (402)', async () => {
    harness = await createHarness();
    harness.emulator.setCredits(harness.emulator.demoKey, 0);
    const record = await harness.newManager().generate(INPUT);
    assert.equal(record.phase, 'failed');
    assert.match(record.error ?? '', /credits/i);
    assert.equal(record.keyProblem, undefined);
    assert.equal(harness.emulator.jobs().length, 0);
  });

  it('keeps a record resumable when no client can be created (no key set), without submitting', async () => {
    harness = await createHarness();
    const manager = harness.newManager({ client: () => Promise.reject(new Error('Set your Apiframe API key first.')) });
    const record = await manager.generate(INPUT);
    assert.equal(record.phase, 'detached');
    assert.match(record.interruption ?? '', /Set your Apiframe API key/);
    assert.equal(harness.emulator.jobs().length, 0);
  });

  it('runs several jobs at once and joins a resume to the job already being followed', async () => {
    harness = await createHarness();
    const manager = harness.newManager();
    await manager.start();
    const prompts = ['one', 'two', 'three', 'four'].map((p) => ({ ...INPUT, prompt: `a ${p}` }));
    let joined: Promise<JobRecord> | undefined;
    const unsubscribe = manager.onDidChange((localId, record) => {
      if (!joined && record?.phase === 'running') joined = manager.resume(localId);
    });
    const records = await Promise.all(prompts.map((p) => manager.generate(p)));
    unsubscribe.dispose();
    assert.ok(joined);
    assert.equal((await joined).phase, 'done');
    for (const record of records) await assertCachedExactly(manager, record);
    assert.equal(harness.emulator.jobs().length, 4);
    assert.deepEqual(
      manager.history().map((r) => r.prompt),
      [...prompts].reverse().map((p) => p.prompt),
    );
  });

  it('delete() removes the record, its files and tells listeners', async () => {
    harness = await createHarness();
    const manager = harness.newManager();
    const record = await manager.generate(INPUT);
    const events: [string, JobRecord | undefined][] = [];
    manager.onDidChange((id, r) => events.push([id, r]));
    await manager.delete(record.localId);
    assert.deepEqual(events, [[record.localId, undefined]]);
    assert.equal(manager.get(record.localId), undefined);
    assert.deepEqual(await listFiles(path.join(harness.storageDir, 'images')), []);
    assert.deepEqual((await harness.journalOnDisk()).records, []);
  });

  it('removes image folders no record owns after the load, and keeps the folders of the records', async () => {
    harness = await createHarness();
    // Left by a crash between deleting a record and its files.
    const orphan = path.join(harness.storageDir, 'images', '00000000-0000-4000-8000-00000000dead');
    await fs.mkdir(orphan, { recursive: true });
    await fs.writeFile(path.join(orphan, '0.png'), 'png');
    const manager = harness.newManager();
    await manager.start();
    const record = await manager.generate(INPUT);
    assert.equal(record.phase, 'done');
    // dispose() waits for the cleanup, as it waits for a prune.
    await manager.dispose();
    await assert.rejects(fs.stat(orphan), { code: 'ENOENT' });
    await assertCachedExactly(manager, record);
  });

  it('prunes the oldest finished records with their files beyond the history limit', async () => {
    harness = await createHarness();
    const manager = harness.newManager({ historyLimit: 2 });
    const first = await manager.generate({ ...INPUT, prompt: 'first' });
    await manager.generate({ ...INPUT, prompt: 'second' });
    await manager.generate({ ...INPUT, prompt: 'third' });
    await manager.dispose();
    const reopened = harness.newManager({ historyLimit: 2 });
    await reopened.start();
    assert.deepEqual(
      reopened.history().map((r) => r.prompt),
      ['third', 'second'],
    );
    const files = await listFiles(path.join(harness.storageDir, 'images'));
    assert.equal(files.length, 2);
    assert.ok(!files.some((f) => f.startsWith(first.localId)));
  });
});
