import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { imageUrlsOf } from '../../src/apiframe/shapes';
import type { Job, JobList } from '../../src/apiframe/types';
import { call, download, type RawRequest, type RawResponse } from '../emulator/http';
import {
  COARSE_PROGRESS,
  EMULATOR_PROFILES,
  UNKNOWN_RESULT_SHAPE_EVERY,
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type EmulatorProfile,
} from '../emulator/index';

/**
 * Each emulator profile over raw HTTP: the one thing it does differently from the friendly server, and
 * that the emulated clock (24-h idempotency window, retention) drives every profile alike.
 */

const HOUR = 60 * 60_000;
const FOREVER = 10 * 60_000; // far past the longest seeded job at timeScale 1 (median 20 s, σ 0.35)
const running: Emulator[] = [];

async function emulatorWith(profile: EmulatorProfile, options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator({ imageScale: 1 / 32, timeScale: 1, profile, ...options });
  running.push(emulator);
  return emulator;
}

const DALLE = (prompt: string): Record<string, unknown> => ({ prompt, model: 'dall-e-3' });
const submit = (emulator: Emulator, body: unknown, request: RawRequest = {}): Promise<RawResponse> =>
  call(emulator, '/v2/images/generate', { ...request, body });
const jobOf = async (emulator: Emulator, id: string): Promise<Job> => (await call(emulator, `/v2/jobs/${id}`)).json as Job;
const idOf = (response: RawResponse): string => (response.json as { jobId: string }).jobId;

/** The first job the emulator created, asserted to be there. */
function firstJob(emulator: Emulator): ReturnType<Emulator['jobs']>[number] {
  const [job] = emulator.jobs();
  assert.ok(job, 'the emulator has no job');
  return job;
}

describe('emulator profiles', function () {
  this.timeout(20_000);

  afterEach(async () => {
    await Promise.all(running.splice(0).map((emulator) => emulator.stop()));
  });

  it('lists every profile once, friendly first; friendly is the default; an unknown name is refused', async () => {
    assert.deepEqual(EMULATOR_PROFILES, ['friendly', 'spec-strict', 'no-progress', 'coarse-progress', 'cdn-403', 'result-shapes']);
    const plain = await startEmulator();
    running.push(plain);
    assert.equal(plain.profile, 'friendly');
    assert.equal((await emulatorWith('cdn-403')).profile, 'cdn-403');
    // A JavaScript caller (or a typo in a launcher) can pass any string.
    const bogus = 'strict' as EmulatorProfile;
    await assert.rejects(startEmulator({ profile: bogus }), /unknown emulator profile "strict"; valid: friendly, spec-strict/);
  });

  describe('friendly', () => {
    it('409 for the same key with a different body; a replay is found before the credit check', async () => {
      const emulator = await emulatorWith('friendly', { credits: 8 });
      const first = await submit(emulator, DALLE('original'), { idempotencyKey: 'friendly-1' });
      assert.equal(first.status, 202);
      assert.equal((await submit(emulator, DALLE('something else'), { idempotencyKey: 'friendly-1' })).status, 409);
      // The original job holds all 8 credits, yet the replay is answered from the idempotency store.
      const replay = await submit(emulator, DALLE('original'), { idempotencyKey: 'friendly-1' });
      assert.deepEqual([replay.status, idOf(replay)], [202, idOf(first)]);
      assert.equal((await submit(emulator, DALLE('a new one'))).status, 402);
      assert.equal(emulator.jobs().length, 1);
    });
  });

  describe('spec-strict', () => {
    it('never 409: a replay with a different body gets the original job, and creates nothing', async () => {
      const emulator = await emulatorWith('spec-strict');
      const first = await submit(emulator, DALLE('original'), { idempotencyKey: 'strict-1' });
      const replay = await submit(emulator, DALLE('something else entirely'), { idempotencyKey: 'strict-1' });
      assert.deepEqual([replay.status, replay.json], [202, first.json]);
      emulator.clock.advance(FOREVER);
      const later = await submit(emulator, { ...DALLE('third body'), dalleParams: { aspect_ratio: '2:3' } }, { idempotencyKey: 'strict-1' });
      assert.deepEqual([later.status, later.json], [202, { jobId: idOf(first), status: 'COMPLETED' }]);
      const jobs = emulator.jobs();
      assert.deepEqual(
        jobs.map((job) => [job.id, job.prompt, job.charged]),
        [[idOf(first), 'original', true]],
      );
      assert.equal(emulator.credits('demo'), 992);
      assert.deepEqual(
        emulator.log.where({ idempotencyKey: 'strict-1' }).map((entry) => [entry.status, entry.replayed ?? false]),
        [
          [202, false],
          [202, true],
          [202, true],
        ],
      );
    });

    it('402 for a replay when credits are short, although the original job exists — while running and once charged', async () => {
      const emulator = await emulatorWith('spec-strict', { credits: 8 });
      const first = await submit(emulator, DALLE('the only one we can afford'), { idempotencyKey: 'strict-poor' });
      assert.equal(first.status, 202);
      // The running job reserves the 8 credits: the replay fails the credit check that now comes first.
      const whileRunning = await submit(emulator, DALLE('the only one we can afford'), { idempotencyKey: 'strict-poor' });
      assert.equal(whileRunning.status, 402);
      assert.deepEqual(whileRunning.json, { error: 'Insufficient credits', creditsRequired: 8, creditsAvailable: 0 });
      emulator.clock.advance(FOREVER);
      const job = firstJob(emulator);
      assert.deepEqual([job.id, job.status, job.charged], [idOf(first), 'COMPLETED', true]);
      const afterCharge = await submit(emulator, DALLE('the only one we can afford'), { idempotencyKey: 'strict-poor' });
      assert.equal(afterCharge.status, 402);
      assert.equal(emulator.jobs().length, 1);
      // With credits back, the same replay is answered with the original job.
      emulator.setCredits('demo', 8);
      const rich = await submit(emulator, DALLE('the only one we can afford'), { idempotencyKey: 'strict-poor' });
      assert.deepEqual(rich.json, { jobId: idOf(first), status: 'COMPLETED' });
    });

    it('400 for a replay whose body is invalid, although the original job exists', async () => {
      const emulator = await emulatorWith('spec-strict');
      await submit(emulator, DALLE('valid'), { idempotencyKey: 'strict-invalid' });
      const invalid = await submit(emulator, { prompt: '', model: 'dall-e-3' }, { idempotencyKey: 'strict-invalid' });
      assert.equal(invalid.status, 400);
      assert.equal(emulator.log.where({ idempotencyKey: 'strict-invalid' }).filter((entry) => entry.replayed).length, 0);
    });

    it('after 25 h of emulated time the key is forgotten: a replay creates a second job, and it is charged', async () => {
      const emulator = await emulatorWith('spec-strict');
      const first = await submit(emulator, DALLE('daily'), { idempotencyKey: 'strict-daily' });
      emulator.clock.advance(25 * HOUR);
      const second = await submit(emulator, DALLE('daily'), { idempotencyKey: 'strict-daily' });
      assert.deepEqual([second.status, (second.json as { status: string }).status], [202, 'QUEUED']);
      assert.notEqual(idOf(second), idOf(first));
      emulator.clock.advance(FOREVER);
      assert.deepEqual(
        emulator.jobs().map((job) => [job.id, job.idempotencyKey, job.status, job.charged]),
        [
          [idOf(first), 'strict-daily', 'COMPLETED', true],
          [idOf(second), 'strict-daily', 'COMPLETED', true],
        ],
      );
      assert.equal(emulator.credits('demo'), 1000 - 16);
      // The new job now owns the key: another replay gets it, not the first one.
      const replay = await submit(emulator, DALLE('daily'), { idempotencyKey: 'strict-daily' });
      assert.equal(idOf(replay), idOf(second));
    });
  });

  describe('no-progress', () => {
    it('progress is null in every status, in single jobs and in the job list', async () => {
      const emulator = await emulatorWith('no-progress');
      emulator.faults.nextJob({ kind: 'completed' });
      emulator.faults.nextJob({ kind: 'failed' });
      emulator.faults.nextJob({ kind: 'cancelled' });
      emulator.faults.nextJob({ kind: 'stuck' });
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push(idOf(await submit(emulator, DALLE(`no progress ${i}`))));
      const seen = new Set<string>();
      const record = async (): Promise<void> => {
        for (const id of ids) {
          const job = await jobOf(emulator, id);
          assert.equal(job.progress, null, `${job.status} job reported progress ${String(job.progress)}`);
          seen.add(job.status);
        }
      };
      await record(); // all QUEUED
      for (let step = 0; step < 15; step++) {
        emulator.clock.advance(2_000);
        await record();
      }
      emulator.clock.advance(FOREVER);
      await record();
      assert.deepEqual([...seen].sort(), ['CANCELLED', 'COMPLETED', 'FAILED', 'PROCESSING', 'QUEUED']);
      const list = (await call(emulator, '/v2/jobs?limit=100')).json as JobList;
      assert.deepEqual(
        list.jobs.map((job) => job.progress),
        [null, null, null, null],
      );
    });
  });

  describe('coarse-progress', () => {
    it(`0 while queued, ${COARSE_PROGRESS.stuck} for the first ${COARSE_PROGRESS.lateFrom * 100} % of processing, then ${COARSE_PROGRESS.late}, then 100`, async () => {
      const emulator = await emulatorWith('coarse-progress');
      const id = idOf(await submit(emulator, DALLE('coarse')));
      const endsAt = firstJob(emulator).endsAt ?? Number.NaN;
      const readings: { time: number; status: string; progress: number | null }[] = [];
      for (;;) {
        const job = await jobOf(emulator, id);
        const entry = emulator.log.where({ method: 'GET', jobId: id }).at(-1);
        assert.ok(entry, 'the poll is logged');
        readings.push({ time: entry.time, status: job.status, progress: job.progress });
        if (job.status === 'COMPLETED') break;
        emulator.clock.advance(100);
      }
      const queued = readings.filter((r) => r.status === 'QUEUED');
      const processing = readings.filter((r) => r.status === 'PROCESSING');
      assert.ok(queued.length > 0 && processing.length > 50, `${queued.length} queued and ${processing.length} processing readings`);
      assert.ok(queued.every((r) => r.progress === COARSE_PROGRESS.queued));
      assert.equal(readings.at(-1)?.progress, 100);
      // Stuck, then one jump: exactly two values while processing, in that order.
      const values = processing.map((r) => r.progress);
      const firstLate = values.indexOf(COARSE_PROGRESS.late);
      assert.ok(firstLate > 0, `never jumped: ${values.join(',')}`);
      assert.ok(values.slice(0, firstLate).every((p) => p === COARSE_PROGRESS.stuck));
      assert.ok(values.slice(firstLate).every((p) => p === COARSE_PROGRESS.late));
      // The jump comes at 80 % of the processing span; processing started between the last QUEUED reading
      // and the first PROCESSING one, which bounds where the jump may be seen.
      const slack = 5; // the answer is computed a moment after the request's arrival time is logged
      const lastQueued = queued.at(-1);
      const [firstProcessing] = processing;
      const [lastStuck, jumped] = [processing[firstLate - 1], processing[firstLate]];
      assert.ok(lastQueued && firstProcessing && lastStuck && jumped); // the counts and firstLate > 0 are asserted above
      const startedAfter = lastQueued.time;
      const startedBy = firstProcessing.time;
      const jumpAt = (start: number): number => start + COARSE_PROGRESS.lateFrom * (endsAt - start);
      assert.ok(jumped.time + slack >= jumpAt(startedAfter), 'jumped too early');
      assert.ok(lastStuck.time < jumpAt(startedBy) + slack, 'jumped too late');
    });

    it(`a stuck job stays at ${COARSE_PROGRESS.stuck} for good`, async () => {
      const emulator = await emulatorWith('coarse-progress');
      emulator.faults.nextJob({ kind: 'stuck' });
      const id = idOf(await submit(emulator, DALLE('stuck')));
      emulator.clock.advance(FOREVER);
      const job = await jobOf(emulator, id);
      assert.deepEqual([job.status, job.progress], ['PROCESSING', COARSE_PROGRESS.stuck]);
    });
  });

  describe('cdn-403', () => {
    const accessDenied = (response: { status: number; headers: Headers; bytes: Buffer }): void => {
      assert.equal(response.status, 403);
      assert.equal(response.headers.get('content-type'), 'application/xml');
      assert.match(response.bytes.toString('utf8'), /^<\?xml[^>]*>\n<Error><Code>AccessDenied<\/Code><Message>Access Denied<\/Message>/);
    };

    it('a purged image answers 403 AccessDenied (XML, not JSON), as do unknown and not-yet-ready ones; the API is unchanged', async () => {
      const emulator = await emulatorWith('cdn-403', { retentionMs: 2 * HOUR });
      const id = idOf(await submit(emulator, DALLE('fleeting')));
      accessDenied(await download(`${emulator.url}/cdn/${id}-1.png`));
      emulator.clock.advance(FOREVER);
      const job = await jobOf(emulator, id);
      const [url] = imageUrlsOf(job.result);
      assert.ok(url);
      assert.equal((await download(url)).status, 200);
      accessDenied(await download(`${emulator.url}/cdn/${id}-2.png`));
      accessDenied(await download(`${emulator.url}/cdn/00000000-0000-4000-8000-000000000000-1.png`));
      emulator.clock.advance(2 * HOUR);
      const expired = await jobOf(emulator, id);
      assert.equal(expired.expired, true);
      assert.equal(firstJob(emulator).expired, true);
      accessDenied(await download(url));
      // Only the image host changed: an unknown job is still a JSON 404 from the API.
      const missingJob = await call(emulator, '/v2/jobs/00000000-0000-4000-8000-000000000000');
      assert.deepEqual([missingJob.status, missingJob.json], [404, { error: 'Job not found' }]);
    });

    it('the friendly profile answers 404 for the same purged image', async () => {
      const emulator = await emulatorWith('friendly', { retentionMs: 2 * HOUR });
      const id = idOf(await submit(emulator, DALLE('fleeting')));
      emulator.clock.advance(FOREVER + 2 * HOUR);
      const response = await download(`${emulator.url}/cdn/${id}-1.png`);
      assert.equal(response.status, 404);
    });
  });

  describe('result-shapes', () => {
    it(`rotates images / bare URL / { url } objects, with an unknown shape on every ${UNKNOWN_RESULT_SHAPE_EVERY}th job`, async () => {
      const emulator = await emulatorWith('result-shapes');
      const total = 3 * UNKNOWN_RESULT_SHAPE_EVERY;
      const ids: string[] = [];
      for (let i = 0; i < total; i++) {
        // Job 2 would be a bare URL, which cannot carry two images.
        if (i === 1) emulator.faults.nextJob({ kind: 'completed', images: 2 });
        ids.push(idOf(await submit(emulator, DALLE(`shape ${i}`))));
      }
      emulator.clock.advance(FOREVER);
      const infos = emulator.jobs();
      const counts = new Map<string, number>();
      for (const [index, id] of ids.entries()) {
        const job = await jobOf(emulator, id);
        const info = infos[index];
        assert.ok(info, `job ${index + 1} is known to the emulator`);
        assert.equal(info.id, id);
        const shape = shapeOf(job.result);
        assert.equal(info.resultShape, shape, `job ${index + 1}: ${JSON.stringify(job.result)}`);
        counts.set(shape, (counts.get(shape) ?? 0) + 1);
        assert.equal(shape === 'unknown', (index + 1) % UNKNOWN_RESULT_SHAPE_EVERY === 0, `job ${index + 1} is ${shape}`);
        // The URLs inside are the emulator's own, served whatever the shape.
        const inside = urlsInside(job.result);
        assert.deepEqual(inside, info.imageUrls);
        const [firstInside] = inside;
        assert.ok(firstInside, `job ${index + 1} has an image`);
        assert.equal((await download(firstInside)).status, 200);
        // The client finds them in every shape it knows, none in the unknown one — which is why a correct
        // client caches nothing for it.
        assert.deepEqual(imageUrlsOf(job.result), shape === 'unknown' ? [] : info.imageUrls);
        assert.equal(info.imageBytes.length, shape === 'unknown' ? 0 : info.imageUrls.length);
      }
      const twoImageId = ids[1];
      assert.ok(twoImageId);
      assert.equal(shapeOf((await jobOf(emulator, twoImageId)).result), 'images', 'the two-image job fell back to images');
      assert.deepEqual(Object.fromEntries(counts), { images: 8, string: 6, 'image-objects': 7, unknown: 3 });
      assert.ok(infos.every((info) => info.status === 'COMPLETED' && info.charged));
    });

    it('legacyResult and resultOverride keep their own result; unfinished jobs have no shape', async () => {
      const emulator = await emulatorWith('result-shapes');
      emulator.faults.nextJob({ kind: 'legacyResult' });
      emulator.faults.nextJob({ kind: 'resultOverride', result: { images: ['javascript:alert(1)'] } });
      emulator.faults.nextJob({ kind: 'failed' });
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push(idOf(await submit(emulator, DALLE(`own result ${i}`))));
      assert.deepEqual(
        emulator.jobs().map((job) => job.resultShape),
        [null, null, null],
      );
      emulator.clock.advance(FOREVER);
      const [legacy, override] = await Promise.all(ids.slice(0, 2).map((id) => jobOf(emulator, id)));
      assert.ok(legacy && override);
      assert.equal(legacy.result, `${emulator.url}/cdn/${ids[0]}-1.png`);
      assert.deepEqual(override.result, { images: ['javascript:alert(1)'] });
      assert.deepEqual(
        emulator.jobs().map((job) => job.resultShape),
        ['string', 'override', null],
      );
    });
  });

  describe('the emulated clock drives idempotency and retention in every profile', () => {
    for (const profile of EMULATOR_PROFILES) {
      it(profile, async () => {
        const emulator = await emulatorWith(profile);
        const body = DALLE(`clock ${profile}`);
        const first = await submit(emulator, body, { idempotencyKey: 'clock' });
        emulator.clock.advance(23 * HOUR);
        const within = await submit(emulator, body, { idempotencyKey: 'clock' });
        assert.deepEqual([within.status, within.json], [202, { jobId: idOf(first), status: 'COMPLETED' }]);
        const [url] = urlsInside((await jobOf(emulator, idOf(first))).result);
        assert.ok(url);
        assert.equal((await download(url)).status, 200);
        assert.equal(firstJob(emulator).expired, false);

        emulator.clock.advance(2 * HOUR); // 25 h: past the idempotency window and the 24-h retention
        const expired = await jobOf(emulator, idOf(first));
        assert.deepEqual([expired.status, expired.expired], ['COMPLETED', true]);
        assert.equal((await download(url)).status, profile === 'cdn-403' ? 403 : 404);
        const after = await submit(emulator, body, { idempotencyKey: 'clock' });
        assert.equal(after.status, 202);
        assert.notEqual(idOf(after), idOf(first));
        emulator.clock.advance(FOREVER);
        assert.deepEqual(
          emulator.jobs().map((job) => [job.status, job.charged, job.expired]),
          [
            ['COMPLETED', true, true],
            ['COMPLETED', true, false],
          ],
        );
        assert.equal(emulator.credits('demo'), 1000 - 16);
      });
    }
  });

  describe('CLI', () => {
    const cli = path.join(__dirname, '..', 'emulator', 'cli.js');

    /** Runs the CLI until it prints `until` (then stops it) or exits; returns what it printed and its exit code. */
    function runCli(args: string[], env: Record<string, string>, until?: RegExp): Promise<{ code: number | null; out: string; err: string }> {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (part: Buffer) => {
          out += part.toString('utf8');
          if (until?.test(out)) child.kill('SIGTERM');
        });
        child.stderr.on('data', (part: Buffer) => (err += part.toString('utf8')));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, out, err }));
      });
    }

    it('--profile NAME and APIFRAME_EMULATOR_PROFILE choose the profile, and the start-up line names it', async () => {
      const byFlag = await runCli(['--port', '0', '--profile', 'spec-strict'], {}, /Ctrl-C/);
      assert.match(byFlag.out, /^Apiframe emulator listening on http:\/\/127\.0\.0\.1:\d+ \(profile: spec-strict\)$/m);
      const byEnv = await runCli(['--port', '0'], { APIFRAME_EMULATOR_PROFILE: 'no-progress' }, /Ctrl-C/);
      assert.match(byEnv.out, /listening on .* \(profile: no-progress\)$/m);
      const byDefault = await runCli(['--port', '0'], { APIFRAME_EMULATOR_PROFILE: '' }, /Ctrl-C/);
      assert.match(byDefault.out, /listening on .* \(profile: friendly\)$/m);
    });

    it('an unknown profile fails with the list of valid ones', async () => {
      const result = await runCli(['--port', '0', '--profile', 'chaotic'], {});
      assert.equal(result.code, 2);
      assert.equal(result.out, '');
      assert.match(result.err, new RegExp(`unknown profile "chaotic"; valid profiles: ${EMULATOR_PROFILES.join(', ')}`));
      const fromEnv = await runCli(['--port', '0'], { APIFRAME_EMULATOR_PROFILE: 'Friendly' });
      assert.equal(fromEnv.code, 2);
      assert.match(fromEnv.err, /APIFRAME_EMULATOR_PROFILE: unknown profile "Friendly"/);
    });
  });
});

/** Classifies a `result` as the result-shapes profile writes it. */
function shapeOf(result: unknown): string {
  if (typeof result === 'string') return 'string';
  if (isRecord(result) && Array.isArray(result.images)) {
    if (result.images.every((entry) => typeof entry === 'string')) return 'images';
    if (result.images.every((entry) => isRecord(entry) && typeof entry.url === 'string')) return 'image-objects';
  }
  if (isRecord(result) && Array.isArray(result.output) && result.output.every((entry) => isRecord(entry) && typeof entry.href === 'string')) {
    return 'unknown';
  }
  return `unrecognised: ${JSON.stringify(result)}`;
}

/** Every URL in a result, whatever its shape (the test's own reading, independent of the client's). */
function urlsInside(result: unknown): string[] {
  if (typeof result === 'string') return [result];
  if (!isRecord(result)) return [];
  const entries = Array.isArray(result.images) ? result.images : Array.isArray(result.output) ? result.output : [];
  return entries.map((entry) => (typeof entry === 'string' ? entry : isRecord(entry) ? String(entry.url ?? entry.href) : ''));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
