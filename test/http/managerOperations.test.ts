import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import type { JobManager, JobManagerOptions, OperationInput } from '../../src/jobs/managerApi';
import { JobStoppedError } from '../../src/jobs/managerApi';
import type { JobRecord } from '../../src/jobs/types';
import type { EmulatorProfile } from '../emulator';
import { createHarness, type Harness } from '../chaos/harness';
import { readPng, sourceOf, testPng } from './uploadHelpers';

const MINUTE = 60_000;
const UPLOADS = '/v2/uploads';
const BG_REMOVE = '/v2/images/background-remove';
const WIDTH = 40;
const HEIGHT = 24;
const SOURCE_PNG = testPng(WIDTH, HEIGHT, 'manager operations source');
const FILE_URI = 'file:///workspace/img/logo.png';

/** Remove Background on the workspace file `logo.png` (its image field empty until the upload). */
const REMOVE_BACKGROUND: OperationInput = {
  operation: { kind: 'backgroundRemove', request: { model: 'bria-bg-remove', briaBgRemoveParams: { image: '' } }, label: 'Remove Background', suffix: 'no-bg' },
  input: { uri: FILE_URI, name: 'logo.png' },
};

describe('job manager: operations on an existing image (real HTTP to the emulator)', function () {
  this.timeout(30_000);
  let harness: Harness;
  let opened: string[];

  afterEach(async () => {
    await harness?.cleanup();
  });

  /** A harness whose manager runs on the emulator's clock (so advancing it lets an upload lapse) and opens `logo.png`. */
  async function start(profile: EmulatorProfile = 'friendly'): Promise<void> {
    harness = await createHarness({ emulator: { profile, seed: 11 } });
    opened = [];
  }

  function managerOptions(overrides: Partial<JobManagerOptions> = {}): Partial<JobManagerOptions> {
    return {
      now: () => harness.emulator.clock.now(),
      openInput: (input) => {
        opened.push(input.uri ?? '');
        return Promise.resolve(sourceOf(SOURCE_PNG, input.name));
      },
      ...overrides,
    };
  }

  function newManager(overrides: Partial<JobManagerOptions> = {}): JobManager {
    return harness.newManager(managerOptions(overrides));
  }

  /** Runs Remove Background in a manager that is torn down (as a window closes) at `hook`. */
  async function stopAt(hook: 'uploadJournaled' | 'submitAnswered', overrides: Partial<JobManagerOptions> = {}): Promise<void> {
    const first = newManager({ ...overrides, hooks: { [hook]: () => void first.dispose() } });
    await assert.rejects(first.runOperation(REMOVE_BACKGROUND), (e: unknown) => e instanceof JobStoppedError);
    await first.dispose();
  }

  /** A new manager on the same storage, started (it resumes the record) and idle again: the manager and that record. */
  async function resumed(overrides: Partial<JobManagerOptions> = {}): Promise<{ manager: JobManager; record: JobRecord }> {
    const manager = newManager(overrides);
    await manager.start();
    await manager.whenIdle();
    const [record] = manager.history();
    assert.ok(record);
    return { manager, record };
  }

  function jobsOf(record: Pick<JobRecord, 'idempotencyKey'>) {
    return harness.emulator.jobs().filter((job) => job.idempotencyKey === record.idempotencyKey);
  }

  function posts(path: string) {
    return harness.emulator.log.where({ method: 'POST', path });
  }

  async function onlyRecordOnDisk(): Promise<JobRecord> {
    const { records } = await harness.journalOnDisk();
    assert.equal(records.length, 1);
    return records[0] as unknown as JobRecord;
  }

  function assertTransparentCorners(bytes: Buffer): void {
    const image = readPng(bytes);
    assert.deepEqual([image.width, image.height], [WIDTH, HEIGHT]);
    for (const [x, y] of [[0, 0], [WIDTH - 1, 0], [0, HEIGHT - 1], [WIDTH - 1, HEIGHT - 1]] as const) assert.equal(image.pixel(x, y)[3], 0, `corner ${x},${y}`);
    assert.equal(image.pixel(WIDTH / 2, HEIGHT / 2)[3], 255);
  }

  async function assertDoneWithOneJob(manager: JobManager, record: JobRecord): Promise<void> {
    assert.equal(record.phase, 'done', record.error ?? record.interruption);
    const jobs = jobsOf(record);
    assert.equal(jobs.length, 1, 'exactly one job on the emulator');
    assert.equal(record.jobId, jobs[0]?.id);
    const file = manager.cachedFilePath(record, 0);
    assert.ok(file);
    assertTransparentCorners(await fs.readFile(file));
  }

  it('uploads the workspace file, journals its URL before the submit, and submits that URL under the record key', async () => {
    await start();
    let checked = false;
    const manager = newManager({
      hooks: {
        uploadJournaled: async (record) => {
          const onDisk = await onlyRecordOnDisk();
          assert.equal(onDisk.phase, 'pending-submit');
          const input = onDisk.input;
          assert.ok(input);
          assert.ok(input.uploadedUrl?.startsWith(`${harness.emulator.url}/uploads/`), 'the URL is journaled');
          assert.ok(Date.parse(input.reusableUntil ?? '') > harness.emulator.clock.now());
          assert.deepEqual(input.uploadedUrls, [input.uploadedUrl]);
          assert.deepEqual(onDisk.operation?.request, { model: 'bria-bg-remove', briaBgRemoveParams: { image: input.uploadedUrl } });
          assert.equal(posts(BG_REMOVE).length, 0, 'nothing submitted yet');
          assert.equal(record.localId, onDisk.localId);
          checked = true;
        },
      },
    });
    await manager.start();
    const record = await manager.runOperation(REMOVE_BACKGROUND);
    assert.ok(checked);
    await assertDoneWithOneJob(manager, record);
    assert.deepEqual(opened, [FILE_URI]);
    assert.equal(posts(UPLOADS).length, 1);
    const [submit] = posts(BG_REMOVE);
    assert.equal(submit?.idempotencyKey, record.idempotencyKey);
    assert.deepEqual(submit?.body, { model: 'bria-bg-remove', briaBgRemoveParams: { image: record.input?.uploadedUrl } });
    assert.equal(record.model, 'bria-bg-remove');
    assert.equal(record.operation?.label, 'Remove Background');
    assert.equal(record.input?.name, 'logo.png');
  });

  it('crash after the upload, before the submit: the next manager submits the journaled URL once, without uploading again', async () => {
    await start();
    await stopAt('uploadJournaled');
    assert.equal(posts(BG_REMOVE).length, 0);

    const { manager: second, record } = await resumed();
    await assertDoneWithOneJob(second, record);
    assert.equal(posts(UPLOADS).length, 1, 'the journaled upload was reused');
  });

  for (const profile of ['friendly', 'spec-strict'] as const) {
    describe(`resume after the upload lapsed (${profile})`, () => {
      it('crashed before the submit: uploads again and makes exactly one job', async () => {
        await start(profile);
        await stopAt('uploadJournaled');
        harness.emulator.clock.advance(61 * MINUTE);

        const { manager: second, record } = await resumed();
        await assertDoneWithOneJob(second, record);
        assert.equal(posts(UPLOADS).length, 2, 'uploaded once more');
        assert.equal(record.input?.uploadedUrls?.length, 2);
        const submits = posts(BG_REMOVE);
        assert.ok(submits.every((entry) => entry.idempotencyKey === record.idempotencyKey), 'every submit under the one key');
        assert.deepEqual(submits.at(-1)?.body, { model: 'bria-bg-remove', briaBgRemoveParams: { image: record.input?.uploadedUrl } });
      });

      it('the submit was answered but the answer never journaled: the one job is followed, never a second', async () => {
        await start(profile);
        await stopAt('submitAnswered');
        const [created] = harness.emulator.jobs();
        assert.ok(created);
        harness.emulator.clock.advance(61 * MINUTE);

        const { manager: second, record } = await resumed();
        await assertDoneWithOneJob(second, record);
        assert.equal(record.jobId, created.id);
        // friendly matches the replayed body to the key before it fetches the input; spec-strict refuses the
        // lapsed input first and returns the original job for the new body under the same key.
        assert.equal(posts(UPLOADS).length, profile === 'friendly' ? 1 : 2);
      });
    });
  }

  it('a submit refused because Apiframe lost the input (reaped before its time): one new upload, the same key, one job', async () => {
    await start('spec-strict');
    // The manager's clock says the upload is fresh; the server's says it was reaped (spec-strict goes after 1 h).
    await stopAt('uploadJournaled', { now: Date.now });
    harness.emulator.clock.advance(61 * MINUTE);

    const { manager: second, record } = await resumed({ now: Date.now });
    await assertDoneWithOneJob(second, record);
    assert.equal(posts(UPLOADS).length, 2, 'exactly one new upload');
    const submits = posts(BG_REMOVE);
    assert.deepEqual(submits.map((entry) => entry.status), [400, 202]);
    assert.ok(submits.every((entry) => entry.idempotencyKey === record.idempotencyKey));
  });

  it('uploads again only once: a second refusal of the input fails the record, and no job is made', async () => {
    await start('spec-strict');
    // Every upload is reaped as soon as it is journaled: the server can never fetch the input.
    const manager = newManager({ now: Date.now, hooks: { uploadJournaled: () => harness.emulator.clock.advance(61 * MINUTE) } });
    const record = await manager.runOperation(REMOVE_BACKGROUND);
    assert.equal(record.phase, 'failed');
    assert.match(record.error ?? '', /input image/);
    assert.equal(posts(UPLOADS).length, 2);
    assert.deepEqual(posts(BG_REMOVE).map((entry) => entry.status), [400, 400]);
    assert.equal(jobsOf(record).length, 0);
  });

  it('a file that cannot be read fails the record before anything is sent', async () => {
    await start();
    const manager = newManager({ openInput: () => Promise.reject(new Error('ENOENT: no such file')) });
    const record = await manager.runOperation(REMOVE_BACKGROUND);
    assert.equal(record.phase, 'failed');
    assert.match(record.error ?? '', /Could not read logo\.png: ENOENT/);
    assert.equal(posts(UPLOADS).length + posts(BG_REMOVE).length, 0);
  });

  it("a Midjourney action takes the grid record's job as its parent and uploads nothing", async () => {
    await start();
    const manager = newManager();
    await manager.start();
    const grid = await manager.generate({ prompt: 'a lighthouse grid', model: 'midjourney', params: { aspect_ratio: '1:1' }, aspectRatio: '1:1' });
    assert.equal(grid.phase, 'done', grid.error);
    const upscale = await manager.runOperation({
      operation: { kind: 'midjourneyAction', request: { action: 'upsample', parentJobId: '', index: 2 }, label: 'Upscale 2', suffix: 'u2' },
      input: { localId: grid.localId, index: 1, name: 'a lighthouse grid' },
    });
    assert.equal(upscale.phase, 'done', upscale.error);
    assert.equal(upscale.model, 'midjourney');
    assert.deepEqual(posts('/v2/images/midjourney/action').map((entry) => entry.body), [{ action: 'upsample', parentJobId: grid.jobId, index: 2 }]);
    assert.equal(posts(UPLOADS).length, 0);
    const gridImage = manager.cachedFilePath(grid, 1);
    const upscaled = manager.cachedFilePath(upscale, 0);
    assert.ok(gridImage && upscaled);
    assert.deepEqual(await fs.readFile(upscaled), await fs.readFile(gridImage));
  });

  it('a gallery image is uploaded from the cache', async () => {
    await start();
    const manager = newManager({ openInput: () => Promise.reject(new Error('not a workspace file')) });
    const source = await manager.generate({ prompt: 'a teapot', model: 'flux-1.1-pro', params: { width: 640, height: 384 }, aspectRatio: '16:9' });
    assert.equal(source.phase, 'done', source.error);
    const record = await manager.runOperation({ ...REMOVE_BACKGROUND, input: { localId: source.localId, index: 0, name: 'a teapot' } });
    assert.equal(record.phase, 'done', record.error);
    const [upload] = posts(UPLOADS);
    const cached = manager.cachedFilePath(source, 0);
    assert.ok(cached);
    assert.equal((upload?.body as { file: { size: number } }).file.size, (await fs.stat(cached)).size);
  });

  it('a generation with a reference image puts the uploaded URL into its parameter ([url] for a list)', async () => {
    await start();
    const manager = newManager();
    const record = await manager.generate({
      prompt: 'the same logo in blue',
      model: 'nano-banana',
      params: { aspect_ratio: '1:1' },
      aspectRatio: '1:1',
      input: { uri: FILE_URI, name: 'logo.png', referenceParam: 'image_input' },
    });
    assert.equal(record.phase, 'done', record.error);
    const url = record.input?.uploadedUrl;
    assert.ok(url);
    const [submit] = posts('/v2/images/generate');
    assert.deepEqual(submit?.body, { prompt: 'the same logo in blue', model: 'nano-banana', nanoBananaParams: { aspect_ratio: '1:1', image_input: [url] } });
    assert.deepEqual(record.params, { aspect_ratio: '1:1', image_input: [url] });
  });
});
