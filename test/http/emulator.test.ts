import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { PNG } from 'pngjs';
import type { Job, JobList, Me, ModelCatalog } from '../../src/apiframe/types';
import { call, download, type RawRequest, type RawResponse } from '../emulator/http';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index';

/** The Apiframe emulator over real HTTP (global fetch; raw node:http where fetch would hide the bytes). */

const DALLE = (prompt: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ prompt, model: 'dall-e-3', ...extra });
const FOREVER = 10 * 60_000; // far past the longest seeded job at timeScale 1 (median 20 s, σ 0.35)
const running: Emulator[] = [];

async function emulatorWith(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator({ imageScale: 1 / 16, ...options });
  running.push(emulator);
  return emulator;
}

const submit = (emulator: Emulator, body: unknown, request: RawRequest = {}): Promise<RawResponse> =>
  call(emulator, '/v2/images/generate', { ...request, body });
const jobOf = async (emulator: Emulator, id: string, request: RawRequest = {}): Promise<Job> =>
  (await call(emulator, `/v2/jobs/${id}`, request)).json as Job;
const idOf = (response: RawResponse): string => (response.json as { jobId: string }).jobId;
const imagesOf = (job: Job): string[] => (job.result as { images: string[] }).images;

/** The job's first image URL, asserted to be there. */
function firstImageOf(job: Job): string {
  const [url] = imagesOf(job);
  assert.ok(url !== undefined, `job ${job.id} has no image`);
  return url;
}

/** The first job the emulator created, asserted to be there. */
function firstJob(emulator: Emulator): ReturnType<Emulator['jobs']>[number] {
  const [job] = emulator.jobs();
  assert.ok(job, 'the emulator has no job');
  return job;
}

/** GET over node:http without decoding, so headers and bytes are seen exactly as sent. */
function rawGet(url: string, options: { maxBytes?: number } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; bytes: Buffer; error?: Error }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, (response) => {
      const parts: Buffer[] = [];
      let size = 0;
      const finish = (error?: Error): void =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, bytes: Buffer.concat(parts), ...(error ? { error } : {}) });
      response.on('data', (part: Buffer) => {
        size += part.length;
        parts.push(part);
        if (options.maxBytes !== undefined && size >= options.maxBytes) {
          response.destroy();
          finish();
        }
      });
      response.on('end', () => finish());
      response.on('error', (error) => finish(error));
      response.on('aborted', () => finish(new Error('aborted')));
    });
    request.on('error', reject);
  });
}

describe('Apiframe emulator', function () {
  this.timeout(10_000);

  afterEach(async () => {
    await Promise.all(running.splice(0).map((emulator) => emulator.stop()));
  });

  describe('happy path', () => {
    it('generate → QUEUED → PROCESSING with rising progress → COMPLETED → a real PNG at the DALL-E aspect', async () => {
      const emulator = await emulatorWith({ timeScale: 1 });
      const accepted = await submit(emulator, DALLE('a lighthouse at dawn', { dalleParams: { aspect_ratio: '3:2' } }));
      assert.equal(accepted.status, 202);
      assert.equal((accepted.json as { status: string }).status, 'QUEUED');
      const id = idOf(accepted);
      assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

      const queued = await jobOf(emulator, id);
      assert.deepEqual([queued.status, queued.progress, queued.creditCost, queued.completedAt], ['QUEUED', 0, null, null]);
      const seen: number[] = [];
      let job = queued;
      while (job.status !== 'COMPLETED') {
        emulator.clock.advance(1_000);
        job = await jobOf(emulator, id);
        if (job.status === 'PROCESSING') seen.push(job.progress ?? -1);
      }
      assert.ok(seen.length >= 3, `saw PROCESSING only ${seen.length} times`);
      assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'progress must not go backwards');
      assert.ok(seen.every((p) => p >= 1 && p <= 99));
      assert.equal(job.progress, 100);
      assert.equal(job.creditCost, 8);
      assert.equal(job.error, null);
      assert.equal(job.expired, false);
      assert.deepEqual(job.input, DALLE('a lighthouse at dawn', { dalleParams: { aspect_ratio: '3:2' } }));
      assert.ok(job.completedAt && Date.parse(job.completedAt) >= Date.parse(job.createdAt));

      const url = firstImageOf(job);
      assert.ok(url.startsWith(`${emulator.url}/cdn/${id}-1.png`));
      const image = await download(url);
      assert.equal(image.status, 200);
      assert.equal(image.headers.get('content-type'), 'image/png');
      const png = PNG.sync.read(image.bytes);
      assert.deepEqual([png.width, png.height], [112, 64]); // 1792×1024 / 16
      assert.deepEqual(firstJob(emulator).imageBytes, [image.bytes]);
    });

    it('uses the DALL-E sizes for every aspect ratio, scaled by imageScale', async () => {
      const emulator = await emulatorWith({ imageScale: 1 / 32 });
      const sizes: [string, number[]][] = [['1:1', [32, 32]], ['3:2', [56, 32]], ['2:3', [32, 56]]];
      for (const [ratio] of sizes) await submit(emulator, DALLE('sizes', { dalleParams: { aspect_ratio: ratio } }));
      emulator.clock.advance(FOREVER);
      const jobs = emulator.jobs();
      assert.equal(jobs.length, sizes.length);
      for (const [i, [ratio, size]] of sizes.entries()) {
        const url = jobs[i]?.imageUrls[0];
        assert.ok(url, `job ${i} has an image`);
        const png = PNG.sync.read((await download(url)).bytes);
        assert.deepEqual([png.width, png.height], size, ratio);
      }
    });

    it('answers every response with an x-request-id, faults included', async () => {
      const emulator = await emulatorWith();
      emulator.faults.inject({ fault: { kind: 'status', status: 503 } });
      emulator.faults.inject({ fault: { kind: 'htmlBody', status: 502 } });
      const responses = [
        await call(emulator, '/v2/me'),
        await call(emulator, '/v2/me'),
        await call(emulator, '/v2/me', { key: null }),
        await call(emulator, '/nowhere'),
        await call(emulator, '/v2/models', { key: null }),
      ];
      assert.deepEqual(responses.map((r) => r.status), [503, 502, 401, 404, 200]);
      const ids = responses.map((r) => r.headers.get('x-request-id'));
      assert.ok(ids.every((id) => id && /^req_[0-9a-f]{24}$/.test(id)), String(ids));
      assert.equal(new Set(ids).size, ids.length);
    });

    it('serves /v2/me and the public model catalog', async () => {
      const emulator = await emulatorWith({ credits: 123 });
      const me = (await call(emulator, '/v2/me')).json as Me;
      assert.equal(me.team?.credits, 123);
      assert.equal(me.apiKey?.prefix, emulator.demoKey.slice(0, 8));
      assert.ok(emulator.demoKey.startsWith('afk_demo_'));
      const all = (await call(emulator, '/v2/models', { key: null })).json as ModelCatalog;
      assert.ok(all.models.some((m) => m.id === 'dall-e-3' && m.modality === 'image' && m.costMin === 8));
      assert.ok(all.models.some((m) => m.modality === 'video'));
      const images = (await call(emulator, '/v2/models?modality=image', { key: null })).json as ModelCatalog;
      assert.ok(images.models.length > 1 && images.models.every((m) => m.modality === 'image'));
    });
  });

  describe('auth', () => {
    it('401 without a key, 401 for an unknown key, 403 for an inactive key; the catalog needs none', async () => {
      const emulator = await emulatorWith();
      assert.deepEqual((await call(emulator, '/v2/me', { key: null })).json, { error: 'API key is required' });
      assert.deepEqual((await call(emulator, '/v2/me', { key: '' })).json, { error: 'API key is required' });
      const unknown = await submit(emulator, DALLE('x'), { key: 'afk_nobody_0000000000' });
      assert.deepEqual([unknown.status, unknown.json], [401, { error: 'Invalid API key' }]);
      emulator.addKey({ key: 'afk_inactive_000000000000', active: false });
      const inactive = await call(emulator, '/v2/jobs', { key: 'afk_inactive_000000000000' });
      assert.equal(inactive.status, 403);
      assert.equal(typeof (inactive.json as { error: unknown }).error, 'string');
      emulator.addKey({ key: emulator.demoKey, active: false });
      assert.equal((await call(emulator, '/v2/me')).status, 403);
      assert.equal((await call(emulator, '/v2/models', { key: null })).status, 200);
      assert.equal(emulator.jobs().length, 0);
    });
  });

  describe('validation', () => {
    it('rejects bad bodies with ValidationError details keyed by JSON path, unknown fields included', async () => {
      const emulator = await emulatorWith();
      const response = await submit(emulator, {
        prompt: 'x'.repeat(2001),
        model: 'dall-e-3',
        n: 2,
        dalleParams: { aspect_ratio: '16:9', quality: 'hd' },
        webhookEvents: [],
      });
      assert.equal(response.status, 400);
      const { error, details } = response.json as { error: string; details: Record<string, string[]> };
      assert.equal(typeof error, 'string');
      assert.deepEqual(Object.keys(details).sort(), ['dalleParams.aspect_ratio', 'dalleParams.quality', 'n', 'prompt', 'webhookEvents']);
      assert.ok(details.prompt?.[0]?.includes('2000'));
      assert.equal(emulator.jobs().length, 0);
    });

    it('checks the prompt bounds, required fields, the model and malformed JSON', async () => {
      const emulator = await emulatorWith();
      assert.equal((await submit(emulator, DALLE('x'.repeat(2000)))).status, 202);
      assert.equal((await submit(emulator, DALLE('x'))).status, 202);
      const empty = await submit(emulator, DALLE(''));
      assert.deepEqual(Object.keys((empty.json as { details: object }).details), ['prompt']);
      const missing = await submit(emulator, {});
      assert.deepEqual(Object.keys((missing.json as { details: object }).details).sort(), ['model', 'prompt']);
      const otherModel = await submit(emulator, { prompt: 'x', model: 'dall-e-4' });
      assert.deepEqual(Object.keys((otherModel.json as { details: object }).details), ['model']);
      const malformed = await submit(emulator, '{"prompt": "x", ');
      assert.equal(malformed.status, 400);
      assert.equal(typeof (malformed.json as { error: unknown }).error, 'string');
      assert.equal((await submit(emulator, 'null')).status, 400);
      assert.equal(emulator.jobs().length, 2);
    });

    it('400 for a job id that is not a UUID, an Idempotency-Key over 255 characters and bad list queries', async () => {
      const emulator = await emulatorWith();
      const badId = await call(emulator, '/v2/jobs/123');
      assert.equal(badId.status, 400);
      assert.ok((badId.json as { details: Record<string, string[]> }).details.id);
      assert.equal((await submit(emulator, DALLE('x'), { idempotencyKey: 'k'.repeat(255) })).status, 202);
      const longKey = await submit(emulator, DALLE('x'), { idempotencyKey: 'k'.repeat(256) });
      assert.deepEqual(Object.keys((longKey.json as { details: object }).details), ['Idempotency-Key']);
      for (const query of ['limit=0', 'limit=101', 'limit=two', 'status=DONE', 'cursor=nonsense', 'colour=red']) {
        assert.equal((await call(emulator, `/v2/jobs?${query}`)).status, 400, query);
      }
      assert.equal((await call(emulator, '/v2/models?modality=poetry', { key: null })).status, 400);
    });

    it('404 for unknown routes and jobs, 405 for the wrong method, 413 for huge bodies', async () => {
      const emulator = await emulatorWith();
      assert.equal((await call(emulator, '/v1/images')).status, 404);
      assert.deepEqual((await call(emulator, '/v2/jobs/00000000-0000-4000-8000-000000000000')).json, { error: 'Job not found' });
      const wrongMethod = await call(emulator, '/v2/images/generate');
      assert.deepEqual([wrongMethod.status, wrongMethod.headers.get('allow')], [405, 'POST']);
      assert.equal((await submit(emulator, DALLE('x'.repeat(2 * 1024 * 1024)))).status, 413);
    });
  });

  describe('credits', () => {
    it('402 InsufficientCredits with the numbers when credits < cost at submit', async () => {
      const emulator = await emulatorWith({ credits: 7 });
      const response = await submit(emulator, DALLE('x'));
      assert.deepEqual([response.status, response.json], [402, { error: 'Insufficient credits', creditsRequired: 8, creditsAvailable: 7 }]);
      assert.equal(emulator.jobs().length, 0);
    });

    it('charges on COMPLETED only — not while running, not for FAILED or CANCELLED — and reserves for running jobs', async () => {
      const emulator = await emulatorWith({ credits: 24, creditCostPerImage: 8 });
      emulator.faults.nextJob({ kind: 'failed' });
      emulator.faults.nextJob({ kind: 'cancelled' });
      for (const prompt of ['fails', 'is cancelled', 'completes']) assert.equal((await submit(emulator, DALLE(prompt))).status, 202);
      assert.equal(emulator.credits('demo'), 24, 'nothing charged while running');
      const overdraw = await submit(emulator, DALLE('one too many'));
      assert.deepEqual(overdraw.json, { error: 'Insufficient credits', creditsRequired: 8, creditsAvailable: 0 });
      emulator.clock.advance(FOREVER);
      assert.equal(emulator.credits(emulator.demoKey), 16);
      assert.deepEqual(emulator.jobs().map((j) => [j.status, j.charged, j.creditCost]), [
        ['FAILED', false, 0],
        ['CANCELLED', false, 0],
        ['COMPLETED', true, 8],
      ]);
      assert.equal(((await call(emulator, '/v2/me')).json as Me).team?.credits, 16);
    });

    it('charges per image, keeps teams apart and lets keys share a team', async () => {
      const emulator = await emulatorWith();
      emulator.addKey({ key: 'afk_team_b_key_one_000', teamId: 'b', credits: 100 });
      emulator.addKey({ key: 'afk_team_b_key_two_000', teamId: 'b' });
      emulator.faults.nextJob({ kind: 'completed', images: 3 });
      await submit(emulator, DALLE('three'), { key: 'afk_team_b_key_two_000' });
      emulator.clock.advance(FOREVER);
      assert.equal(emulator.credits('b'), 76);
      assert.equal(emulator.credits('afk_team_b_key_one_000'), 76);
      assert.equal(emulator.credits('demo'), 1000);
      emulator.setCredits('b', 5);
      assert.equal((await submit(emulator, DALLE('x'), { key: 'afk_team_b_key_one_000' })).status, 402);
      const job = firstJob(emulator);
      assert.equal(job.imageUrls.length, 3);
      assert.equal(job.creditCost, 24);
    });
  });

  describe('idempotency', () => {
    it('replays the same key and body as the original job — no new job, no second charge — and 409s a different body', async () => {
      const emulator = await emulatorWith();
      const body = DALLE('same', { dalleParams: { aspect_ratio: '1:1', style: 'vivid' } });
      const first = await submit(emulator, body, { idempotencyKey: 'key-1' });
      const reordered = { dalleParams: { style: 'vivid', aspect_ratio: '1:1' }, model: 'dall-e-3', prompt: 'same' };
      const again = await submit(emulator, reordered, { idempotencyKey: 'key-1' });
      assert.deepEqual([again.status, again.json], [202, first.json]);
      emulator.clock.advance(FOREVER);
      const replay = await submit(emulator, body, { idempotencyKey: 'key-1' });
      assert.deepEqual(replay.json, { jobId: idOf(first), status: 'COMPLETED' });
      const conflict = await submit(emulator, DALLE('different'), { idempotencyKey: 'key-1' });
      assert.equal(conflict.status, 409);
      assert.equal(typeof (conflict.json as { error: unknown }).error, 'string');
      assert.equal(emulator.jobs().length, 1);
      assert.equal(emulator.credits('demo'), 992);
      assert.deepEqual(emulator.log.where({ idempotencyKey: 'key-1' }).map((e) => [e.status, e.replayed ?? false]), [
        [202, false],
        [202, true],
        [202, true],
        [409, false],
      ]);
    });

    it('forgets a key after 24 h of emulated time, and scopes keys per team', async () => {
      const emulator = await emulatorWith();
      emulator.addKey({ key: 'afk_other_team_key_0000', teamId: 'other' });
      const first = await submit(emulator, DALLE('x'), { idempotencyKey: 'daily' });
      const otherTeam = await submit(emulator, DALLE('x'), { idempotencyKey: 'daily', key: 'afk_other_team_key_0000' });
      assert.notEqual(idOf(otherTeam), idOf(first));
      emulator.clock.advance(24 * 60 * 60_000);
      const later = await submit(emulator, DALLE('x'), { idempotencyKey: 'daily' });
      assert.equal((later.json as { status: string }).status, 'QUEUED');
      assert.notEqual(idOf(later), idOf(first));
      assert.equal(emulator.jobs().length, 3);
    });
  });

  describe('retention', () => {
    it('reports expired:true after retentionMs of emulated time and the image URLs answer 404', async () => {
      const emulator = await emulatorWith({ retentionMs: 60 * 60_000 });
      const id = idOf(await submit(emulator, DALLE('fleeting')));
      emulator.clock.advance(FOREVER);
      const job = await jobOf(emulator, id);
      assert.equal(job.expired, false);
      assert.equal((await download(firstImageOf(job))).status, 200);
      emulator.clock.advance(60 * 60_000);
      const expired = await jobOf(emulator, id);
      assert.equal(expired.status, 'COMPLETED');
      assert.equal(expired.expired, true);
      assert.equal((await download(firstImageOf(expired))).status, 404);
      assert.equal(firstJob(emulator).expired, true);
    });

    it('answers 404 for image URLs of jobs not completed yet and for images that do not exist', async () => {
      const emulator = await emulatorWith();
      const id = idOf(await submit(emulator, DALLE('not yet')));
      assert.equal((await download(`${emulator.url}/cdn/${id}-1.png`)).status, 404);
      emulator.clock.advance(FOREVER);
      assert.equal((await download(`${emulator.url}/cdn/${id}-1.png`)).status, 200);
      assert.equal((await download(`${emulator.url}/cdn/${id}-2.png`)).status, 404);
      assert.equal((await download(`${emulator.url}/cdn/../../etc/passwd`)).status, 404);
    });
  });

  describe('job list', () => {
    it('pages newest first with a cursor, without gaps or repeats, and filters by status and model', async () => {
      const emulator = await emulatorWith();
      emulator.faults.nextJob({ kind: 'failed' });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push(idOf(await submit(emulator, DALLE(`job ${i}`))));
        emulator.clock.advance(1_000);
      }
      emulator.clock.advance(FOREVER);
      const pages: string[][] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
        const page = (await call(emulator, `/v2/jobs?limit=2${query}`)).json as JobList;
        pages.push(page.jobs.map((j) => j.id));
        assert.equal(page.hasMore, page.nextCursor !== null);
        cursor = page.nextCursor;
      } while (cursor !== null);
      assert.deepEqual(pages.map((p) => p.length), [2, 2, 1]);
      assert.deepEqual(pages.flat(), [...ids].reverse());
      const failed = (await call(emulator, '/v2/jobs?status=FAILED')).json as JobList;
      assert.deepEqual(failed.jobs.map((j) => j.id), [ids[0]]);
      assert.equal(((await call(emulator, '/v2/jobs?model=dall-e-2')).json as JobList).jobs.length, 0);
      const withModels = (await call(emulator, `/v2/jobs?include_models=true&search=${ids[2]}`)).json as JobList;
      assert.deepEqual([withModels.jobs.map((j) => j.id), withModels.models], [[ids[2]], ['dall-e-3']]);
      assert.ok(withModels.jobs.every((j) => typeof j.expired === 'boolean'));
    });

    it("does not show or serve another user's jobs", async () => {
      const emulator = await emulatorWith();
      emulator.addKey({ key: 'afk_stranger_key_000000', teamId: 'strangers' });
      const id = idOf(await submit(emulator, DALLE('mine')));
      assert.equal((await call(emulator, `/v2/jobs/${id}`, { key: 'afk_stranger_key_000000' })).status, 404);
      assert.equal(((await call(emulator, '/v2/jobs?scope=team', { key: 'afk_stranger_key_000000' })).json as JobList).jobs.length, 0);
    });
  });

  describe('job outcomes', () => {
    it('FAILED with the content-policy error (or a given one), CANCELLED, and stuck PROCESSING', async () => {
      const emulator = await emulatorWith();
      emulator.faults.nextJob({ kind: 'failed' });
      emulator.faults.nextJob({ kind: 'failed', error: 'Provider timeout' });
      emulator.faults.nextJob({ kind: 'cancelled' });
      emulator.faults.nextJob({ kind: 'stuck' });
      const ids = [];
      for (let i = 0; i < 4; i++) ids.push(idOf(await submit(emulator, DALLE(`outcome ${i}`))));
      emulator.clock.advance(24 * 60 * 60_000);
      const [policy, timeout, cancelled, stuck] = await Promise.all(ids.map((id) => jobOf(emulator, id)));
      assert.ok(policy && timeout && cancelled && stuck);
      assert.deepEqual([policy.status, policy.error, policy.creditCost, policy.result], ['FAILED', 'Provider returned an error: content policy violation', 0, undefined]);
      assert.equal(timeout.error, 'Provider timeout');
      assert.deepEqual([cancelled.status, cancelled.creditCost], ['CANCELLED', 0]);
      assert.deepEqual([stuck.status, stuck.completedAt, stuck.creditCost], ['PROCESSING', null, null]);
      assert.deepEqual(emulator.jobs().map((j) => j.charged), [false, false, false, false]);
    });

    it('a legacy bare-URL result, a hostile result override and several images', async () => {
      const emulator = await emulatorWith();
      emulator.faults.nextJob({ kind: 'legacyResult' });
      emulator.faults.nextJob({ kind: 'resultOverride', result: { images: ['javascript:alert(1)', 'file:///etc/passwd'] } });
      emulator.faults.nextJob({ kind: 'completed', images: 2 });
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push(idOf(await submit(emulator, DALLE(`result ${i}`))));
      emulator.clock.advance(FOREVER);
      const [legacy, hostile, two] = await Promise.all(ids.map((id) => jobOf(emulator, id)));
      assert.ok(legacy && hostile && two);
      assert.equal(legacy.result, `${emulator.url}/cdn/${ids[0]}-1.png`);
      assert.equal((await download(legacy.result)).status, 200);
      assert.deepEqual(hostile.result, { images: ['javascript:alert(1)', 'file:///etc/passwd'] });
      assert.equal(imagesOf(two).length, 2);
      assert.deepEqual(
        emulator.jobs().map((job) => job.resultShape),
        ['string', 'override', 'images'],
      );
      const [first, second] = await Promise.all(imagesOf(two).map((u) => download(u)));
      assert.ok(first && second);
      assert.notDeepEqual(first.bytes, second.bytes);
    });

    it('failureRate fails a seeded share of jobs', async () => {
      const emulator = await emulatorWith({ failureRate: 0.5, seed: 3 });
      for (let i = 0; i < 20; i++) await submit(emulator, DALLE(`maybe ${i}`));
      emulator.clock.advance(FOREVER);
      const failed = emulator.jobs().filter((j) => j.status === 'FAILED').length;
      assert.ok(failed > 2 && failed < 18, `failed ${failed} of 20`);
    });
  });

  describe('hostile image responses', () => {
    async function completedImage(emulator: Emulator, body: Parameters<Emulator['faults']['nextJob']>[0]): Promise<string> {
      emulator.faults.nextJob(body);
      const id = idOf(await submit(emulator, DALLE('hostile')));
      emulator.clock.advance(FOREVER);
      return firstImageOf(await jobOf(emulator, id));
    }

    it('notImage: HTML bytes labelled image/png', async () => {
      const emulator = await emulatorWith();
      const image = await download(await completedImage(emulator, { kind: 'image', body: 'notImage' }));
      assert.equal(image.headers.get('content-type'), 'image/png');
      assert.throws(() => PNG.sync.read(image.bytes));
      assert.deepEqual(firstJob(emulator).imageBytes, [], 'no valid image exists for a correct client to cache');
    });

    it('truncated: the full Content-Length is announced, half arrives, the connection drops', async () => {
      const emulator = await emulatorWith();
      const url = await completedImage(emulator, { kind: 'image', body: 'truncated' });
      await assert.rejects(download(url));
      const raw = await rawGet(url);
      assert.ok(raw.error, 'the body must end in an error');
      assert.ok(raw.bytes.length < Number(raw.headers['content-length']));
    });

    it('lyingLength: Content-Length says half, so a trusting client gets a PNG cut short', async () => {
      const emulator = await emulatorWith();
      // fetch is undici, like the project's client: it stops at the declared length and reports success.
      const image = await download(await completedImage(emulator, { kind: 'image', body: 'lyingLength' }));
      assert.equal(image.status, 200);
      assert.equal(image.bytes.length, Number(image.headers.get('content-length')));
      assert.equal(image.bytes.subarray(1, 4).toString('latin1'), 'PNG');
      assert.throws(() => PNG.sync.read(image.bytes));
    });

    it('gzipBomb: a small gzip body that inflates far beyond any sane image', async () => {
      const emulator = await emulatorWith();
      const raw = await rawGet(await completedImage(emulator, { kind: 'image', body: 'gzipBomb' }));
      assert.equal(raw.headers['content-encoding'], 'gzip');
      assert.ok(raw.bytes.length < 2 * 1024 * 1024, `${raw.bytes.length} bytes on the wire`);
      assert.throws(() => gunzipSync(raw.bytes, { maxOutputLength: 16 * 1024 * 1024 }), /larger than|ERR_BUFFER_TOO_LARGE|Cannot create a Buffer/);
    });

    it('oversizedBytes: announces and streams the given size', async () => {
      const emulator = await emulatorWith();
      const url = await completedImage(emulator, { kind: 'image', body: { oversizedBytes: 3 * 1024 * 1024 } });
      const raw = await rawGet(url);
      assert.equal(raw.headers['content-length'], String(3 * 1024 * 1024));
      assert.equal(raw.bytes.length, 3 * 1024 * 1024);
      const early = await rawGet(url, { maxBytes: 100_000 });
      assert.ok(early.bytes.length < 3 * 1024 * 1024);
      assert.equal((await call(emulator, '/v2/me')).status, 200, 'the server survives a client walking away');
    });

    it('redirectTo: 302 to the given location', async () => {
      const emulator = await emulatorWith();
      const url = await completedImage(emulator, { kind: 'image', body: { redirectTo: 'http://169.254.169.254/latest/meta-data/' } });
      const response = await download(url);
      assert.deepEqual([response.status, response.headers.get('location')], [302, 'http://169.254.169.254/latest/meta-data/']);
    });
  });

  describe('faults', () => {
    it('429 with Retry-After (seconds or HTTP date), then normal service', async () => {
      const emulator = await emulatorWith();
      const date = new Date(Date.now() + 5_000).toUTCString();
      emulator.faults.inject({ fault: { kind: 'status', status: 429, retryAfter: '2' }, method: 'POST' });
      emulator.faults.inject({ fault: { kind: 'status', status: 429, retryAfter: date }, method: 'POST' });
      const limited = await submit(emulator, DALLE('x'));
      assert.deepEqual([limited.status, limited.headers.get('retry-after')], [429, '2']);
      assert.equal(typeof (limited.json as { error: unknown }).error, 'string');
      assert.equal((await submit(emulator, DALLE('x'))).headers.get('retry-after'), date);
      assert.equal((await submit(emulator, DALLE('x'))).status, 202);
      assert.equal(emulator.jobs().length, 1, 'rate-limited submits are not processed');
    });

    it('a burst of 503 with `times`, a 5xx with a given body, and rules scoped by method and path', async () => {
      const emulator = await emulatorWith();
      emulator.faults.inject({ fault: { kind: 'status', status: 503 }, path: '/v2/jobs', times: 3 });
      emulator.faults.inject({ fault: { kind: 'status', status: 500, body: 'upstream exploded' }, method: 'POST', path: /generate$/ });
      assert.equal(emulator.faults.pendingRules(), 2);
      assert.equal((await call(emulator, '/v2/me')).status, 200);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await call(emulator, '/v2/jobs')).status);
      assert.deepEqual(statuses, [503, 503, 503, 200]);
      const exploded = await submit(emulator, DALLE('x'));
      assert.deepEqual([exploded.status, exploded.text], [500, 'upstream exploded']);
      assert.equal(emulator.faults.pendingRules(), 0);
      emulator.faults.inject({ fault: { kind: 'status', status: 504 } });
      emulator.faults.clear();
      assert.equal((await call(emulator, '/v2/me')).status, 200);
    });

    it('reset: the connection drops before anything is processed', async () => {
      const emulator = await emulatorWith();
      emulator.faults.inject({ fault: { kind: 'reset' }, method: 'POST' });
      await assert.rejects(submit(emulator, DALLE('x'), { idempotencyKey: 'reset-1' }));
      assert.equal(emulator.jobs().length, 0);
      const [entry] = emulator.log.where({ idempotencyKey: 'reset-1' });
      assert.ok(entry);
      assert.equal(entry.fault, 'reset');
      assert.equal(entry.status, 0);
    });

    it('lostResponse: the job is created and the answer lost; a retry with the same key gets the same job, charged once', async () => {
      const emulator = await emulatorWith();
      emulator.faults.inject({ fault: { kind: 'lostResponse' }, method: 'POST' });
      await assert.rejects(submit(emulator, DALLE('precious'), { idempotencyKey: 'lost-1' }));
      assert.equal(emulator.jobs().length, 1);
      const retry = await submit(emulator, DALLE('precious'), { idempotencyKey: 'lost-1' });
      assert.equal(idOf(retry), firstJob(emulator).id);
      emulator.clock.advance(FOREVER);
      assert.equal(emulator.jobs().length, 1);
      assert.equal(emulator.credits('demo'), 992);
    });

    it('delay: the request is processed at once and the answer held back', async () => {
      const emulator = await emulatorWith();
      emulator.faults.inject({ fault: { kind: 'delay', ms: 800 }, method: 'POST' });
      let answered = false;
      const pending = submit(emulator, DALLE('slow')).then((response) => {
        answered = true;
        return response;
      });
      // Another request on another connection completes while the delayed one is still held.
      while (emulator.jobs().length === 0) await call(emulator, '/v2/me');
      assert.equal(answered, false);
      const response = await pending;
      assert.equal(idOf(response), firstJob(emulator).id);
    });

    it('malformedJson: a 200 whose body is cut-off JSON (the request is processed)', async () => {
      const emulator = await emulatorWith();
      emulator.faults.inject({ fault: { kind: 'malformedJson' } });
      const response = await submit(emulator, DALLE('garbled'));
      assert.equal(response.status, 200);
      assert.equal(response.json, undefined);
      assert.ok(response.text.startsWith('{'));
      assert.equal(emulator.jobs().length, 1);
    });

    it('htmlBody: a proxy error page instead of JSON', async () => {
      const emulator = await emulatorWith();
      emulator.faults.inject({ fault: { kind: 'htmlBody', status: 502 } });
      const response = await call(emulator, '/v2/jobs');
      assert.equal(response.status, 502);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(response.text, /<html>/);
    });

    it('truncatedBody: any answer cut in half (a download that breaks off mid-way)', async () => {
      const emulator = await emulatorWith();
      const id = idOf(await submit(emulator, DALLE('cut')));
      emulator.clock.advance(FOREVER);
      emulator.faults.inject({ fault: { kind: 'truncatedBody' }, path: '/cdn' });
      const job = firstJob(emulator);
      const [url] = job.imageUrls;
      assert.ok(url);
      await assert.rejects(download(url));
      assert.deepEqual((await download(url)).bytes, firstJob(emulator).imageBytes[0], 'the next download is whole');
      assert.equal(emulator.log.where({ path: '/cdn', jobId: id }).length, 2);
    });

    it('random faults are seeded: the same seed hits the same requests; clear() stops them', async () => {
      const pattern = async (seed: number): Promise<number[]> => {
        const emulator = await emulatorWith();
        emulator.faults.random({ seed, rate: 0.5, kinds: ['status', 'htmlBody'], path: '/v2/me' });
        const statuses = [];
        for (let i = 0; i < 16; i++) statuses.push((await call(emulator, '/v2/me')).status);
        assert.equal((await call(emulator, '/v2/jobs')).status, 200, 'outside the path: untouched');
        emulator.faults.clear();
        assert.equal((await call(emulator, '/v2/me')).status, 200);
        return statuses;
      };
      const first = await pattern(11);
      assert.deepEqual(await pattern(11), first);
      assert.notDeepEqual(await pattern(12), first);
      assert.ok(first.some((s) => s === 200) && first.some((s) => s !== 200), String(first));
      assert.ok(first.every((s) => [200, 429, 502, 503, 504].includes(s)), String(first));
    });
  });

  describe('determinism', () => {
    it('images are a function of prompt, seed, style and aspect ratio', async () => {
      const bytesFor = async (seed: number, prompts: [string, Record<string, unknown>?][]): Promise<Buffer[]> => {
        const emulator = await emulatorWith({ seed });
        for (const [prompt, params] of prompts) await submit(emulator, DALLE(prompt, params ? { dalleParams: params } : {}));
        emulator.clock.advance(FOREVER);
        return Promise.all(
          emulator.jobs().map(async (job) => {
            const [url] = job.imageUrls;
            assert.ok(url, `job ${job.id} has an image`);
            return (await download(url)).bytes;
          }),
        );
      };
      const prompts: [string, Record<string, unknown>?][] = [['a fox'], ['a fox'], ['a hen'], ['a fox', { style: 'natural' }]];
      const [fox, foxAgain, hen, naturalFox] = await bytesFor(1, prompts);
      const [otherSeedFox] = await bytesFor(2, [['a fox']]);
      const [sameSeedFox] = await bytesFor(1, [['a fox']]);
      assert.ok(fox && foxAgain && hen && naturalFox && otherSeedFox && sameSeedFox);
      assert.deepEqual(foxAgain, fox);
      assert.deepEqual(sameSeedFox, fox);
      assert.notDeepEqual(hen, fox);
      assert.notDeepEqual(naturalFox, fox);
      assert.notDeepEqual(otherSeedFox, fox);
    });

    it('job ids and durations are seeded; durations follow the lognormal around 20 s × timeScale', async () => {
      const run = async (seed: number): Promise<{ ids: string[]; durations: number[] }> => {
        const emulator = await emulatorWith({ seed, timeScale: 1 });
        for (let i = 0; i < 40; i++) await submit(emulator, DALLE(`d${i}`));
        const jobs = emulator.jobs();
        return { ids: jobs.map((j) => j.id), durations: jobs.map((j) => (j.endsAt ?? 0) - j.createdAt) };
      };
      const a = await run(5);
      const b = await run(5);
      const c = await run(6);
      assert.deepEqual(b, a);
      assert.notDeepEqual(c.ids, a.ids);
      const sorted = [...a.durations].sort((x, y) => x - y);
      assert.equal(sorted.length, 40);
      const [shortest, middleLow, middleHigh, longest] = [sorted[0], sorted[19], sorted[20], sorted[39]];
      assert.ok(shortest !== undefined && middleLow !== undefined && middleHigh !== undefined && longest !== undefined);
      const median = (middleLow + middleHigh) / 2;
      assert.ok(median > 14_000 && median < 28_000, `median ${median}`);
      assert.ok(shortest > 5_000 && longest < 80_000, `range ${shortest}..${longest}`);
      const scaled = await emulatorWith({ seed: 5, timeScale: 0.01 });
      for (let i = 0; i < 3; i++) await submit(scaled, DALLE(`d${i}`));
      scaled.jobs().forEach((job, i) => {
        const unscaled = a.durations[i];
        assert.ok(unscaled !== undefined);
        assert.ok(Math.abs((job.endsAt ?? 0) - job.createdAt - unscaled / 100) < 1);
      });
    });
  });

  describe('request log', () => {
    it('records each request with method, path, query, status, key prefix, idempotency key, job and body — never the key', async () => {
      const emulator = await emulatorWith();
      const body = DALLE('logged');
      const id = idOf(await submit(emulator, body, { idempotencyKey: 'log-1' }));
      await call(emulator, `/v2/jobs/${id}`);
      await call(emulator, `/v2/jobs/${id}`);
      await call(emulator, '/v2/jobs?limit=5&status=QUEUED');
      await call(emulator, '/v2/models', { key: null });
      const [post, poll, , list, catalog] = emulator.log.entries;
      assert.ok(post && poll && list && catalog);
      assert.deepEqual(
        { method: post.method, path: post.path, status: post.status, key: post.idempotencyKey, job: post.jobId, body: post.body, prefix: post.keyPrefix },
        { method: 'POST', path: '/v2/images/generate', status: 202, key: 'log-1', job: id, body, prefix: emulator.demoKey.slice(0, 8) },
      );
      assert.deepEqual([poll.method, poll.status, poll.jobId], ['GET', 200, id]);
      assert.equal(emulator.log.where({ method: 'GET', jobId: id }).length, 2);
      assert.deepEqual(list.query, { limit: '5', status: 'QUEUED' });
      assert.equal(catalog.keyPrefix, undefined);
      assert.deepEqual(emulator.log.entries.map((e) => e.seq), [1, 2, 3, 4, 5]);
      assert.ok(emulator.log.entries.every((e) => typeof e.time === 'number' && e.requestId.startsWith('req_')));
      assert.ok(!JSON.stringify(emulator.log.entries).includes(emulator.demoKey), 'the key must never be logged');
      emulator.log.clear();
      assert.equal(emulator.log.entries.length, 0);
    });
  });

  it('stop() closes the server and open connections', async () => {
    const emulator = await startEmulator();
    assert.equal((await call(emulator, '/v2/me')).status, 200); // leaves a keep-alive connection open
    await emulator.stop();
    await assert.rejects(call(emulator, '/v2/me'));
  });
});
