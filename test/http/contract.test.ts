import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { officialSpec, officialSpecPath, type OfficialSpec } from '../contract/officialSpec';
import { call, type RawRequest, type RawResponse } from '../emulator/http';
import {
  COARSE_PROGRESS,
  EMULATOR_PROFILES,
  UNKNOWN_RESULT_SHAPE_EVERY,
  startEmulator,
  type Emulator,
  type EmulatorProfile,
} from '../emulator/index';
import { validators } from '../emulator/schemas';

/**
 * The emulator against the official Apiframe OpenAPI spec (outside the repo, never copied in): every response
 * it gives must match the schema the spec declares for that operation and status, and its own request
 * schema must accept and reject the same DALL-E 3 bodies as the official `GenerateImageRequest`. The answers
 * are checked under every emulator profile: each one is a server the spec allows, so each must validate.
 */

/** Statuses the emulator answers that the spec does not list for the operation (checked against ErrorResponse). */
const UNDOCUMENTED = new Set(['post /v2/images/generate 409', 'get /v2/jobs/{id} 405', 'post /v2/jobs/{id} 405']);

describe('contract: emulator vs the official OpenAPI spec', function () {
  // The first validation compiles the whole spec, which takes seconds on a loaded 2-core machine.
  this.timeout(20_000);
  let spec: OfficialSpec;
  const checked = new Map<string, number>();

  before(function () {
    const found = officialSpec();
    if (!found) {
      // Absent is the only reason to skip: a spec that is there but did not load must fail, not skip.
      assert.ok(!existsSync(officialSpecPath()), `the official spec is at ${officialSpecPath()} but did not load`);
      console.log(`    contract: skipped — the official spec is not at ${officialSpecPath()} (set APIFRAME_OPENAPI_SPEC to point at it)`);
      this.skip();
    }
    spec = found;
  });

  after(() => {
    if (checked.size > 0) {
      const summary = [...checked].map(([k, n]) => `${k}×${n}`).join(', ');
      console.log(`    contract: checked (${EMULATOR_PROFILES.length} profiles) ${summary}`);
    }
  });

  for (const profile of EMULATOR_PROFILES) {
    describe(`profile ${profile}`, () => answersMatchTheSpec(profile));
  }

  function answersMatchTheSpec(profile: EmulatorProfile): void {
    let emulator: Emulator;
    const undocumented = new Set<string>();

    before(async () => {
      // Real timing (timeScale 1) so every status can be reached deterministically by advancing the clock.
      emulator = await startEmulator({ seed: 7, imageScale: 1 / 32, profile });
    });

    after(async () => {
      await emulator?.stop();
    });

    /** Validates one real response against what the spec declares for (operation, status). */
    async function checkedCall(template: string, pathAndQuery: string, request: RawRequest = {}): Promise<RawResponse> {
      const response = await call(emulator, pathAndQuery, request);
      const method = (request.method ?? (request.body === undefined ? 'GET' : 'POST')).toLowerCase();
      const label = `${method} ${template} ${response.status}`;
      assert.ok(response.headers.get('x-request-id'), `${label}: no x-request-id`);
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/, `${label}: not JSON`);
      let schema = spec.responseSchema(template, method, response.status);
      if (schema === undefined) {
        undocumented.add(label);
        schema = 'ErrorResponse';
      }
      const errors = spec.validate(schema, response.json);
      assert.deepEqual(errors, [], `${label} does not match the spec: ${response.text.slice(0, 400)}`);
      checked.set(label, (checked.get(label) ?? 0) + 1);
      return response;
    }

    const submit = (body: unknown, request: RawRequest = {}): Promise<RawResponse> =>
      checkedCall('/v2/images/generate', '/v2/images/generate', { ...request, body });
    const getJob = (id: string, request: RawRequest = {}): Promise<RawResponse> => checkedCall('/v2/jobs/{id}', `/v2/jobs/${id}`, request);
    const jobIdOf = (response: RawResponse): string => (response.json as { jobId: string }).jobId;
    const statusOf = (response: RawResponse): string => (response.json as { status: string }).status;

    it('Job in every status, JobAccepted (fresh and replayed), expired results, legacy string results', async () => {
      const body = { prompt: 'a red bicycle leaning on a wall', model: 'dall-e-3', dalleParams: { aspect_ratio: '3:2', style: 'natural' } };
      const accepted = await submit(body, { idempotencyKey: 'contract-1' });
      assert.equal(accepted.status, 202);
      const id = jobIdOf(accepted);
      assert.equal(statusOf(await getJob(id)), 'QUEUED');
      emulator.clock.advance(4_000); // the queued phase is at most 20 % of a job
      const processing = await getJob(id);
      assert.equal(statusOf(processing), 'PROCESSING');
      emulator.clock.advance(10 * 60_000);
      const completed = await getJob(id);
      assert.equal(statusOf(completed), 'COMPLETED');
      const replay = await submit(body, { idempotencyKey: 'contract-1' });
      assert.deepEqual(replay.json, { jobId: id, status: 'COMPLETED' });

      emulator.faults.nextJob({ kind: 'failed' });
      emulator.faults.nextJob({ kind: 'cancelled' });
      emulator.faults.nextJob({ kind: 'legacyResult' });
      emulator.faults.nextJob({ kind: 'completed', images: 2 });
      const ids = [];
      for (let i = 0; i < 4; i++) ids.push(jobIdOf(await submit({ prompt: `job ${i}`, model: 'dall-e-3', webhookUrl: 'https://example.com/hook' })));
      emulator.clock.advance(10 * 60_000);
      const statuses = [];
      for (const jobId of ids) statuses.push(statusOf(await getJob(jobId)));
      assert.deepEqual(statuses, ['FAILED', 'CANCELLED', 'COMPLETED', 'COMPLETED']);
      emulator.clock.advance(25 * 60 * 60_000);
      const expired = await getJob(id);
      assert.equal((expired.json as { expired: boolean }).expired, true);
    });

    it('JobList pages (with cursor and models), Me and ModelCatalog', async () => {
      const first = await checkedCall('/v2/jobs', '/v2/jobs?limit=2&include_models=true');
      const { nextCursor, hasMore } = first.json as { nextCursor: string | null; hasMore: boolean };
      assert.equal(hasMore, true);
      assert.ok(nextCursor);
      await checkedCall('/v2/jobs', `/v2/jobs?limit=100&cursor=${encodeURIComponent(nextCursor)}`);
      await checkedCall('/v2/jobs', '/v2/jobs?status=COMPLETED&model=dall-e-3&scope=team');
      await checkedCall('/v2/me', '/v2/me');
      await checkedCall('/v2/models', '/v2/models', { key: null });
      await checkedCall('/v2/models', '/v2/models?modality=image', { key: null });
    });

    it('ValidationError, ErrorResponse and InsufficientCredits bodies', async () => {
      assert.equal((await submit({ prompt: '', model: 'dall-e-3', n: 2 })).status, 400);
      assert.equal((await submit('{"prompt": ')).status, 400);
      assert.equal((await submit({ prompt: 'x', model: 'dall-e-3' }, { idempotencyKey: 'k'.repeat(256) })).status, 400);
      assert.equal((await getJob('not-a-uuid')).status, 400);
      assert.equal((await checkedCall('/v2/jobs', '/v2/jobs?limit=0')).status, 400);
      assert.equal((await checkedCall('/v2/jobs', '/v2/jobs?cursor=bogus')).status, 400);
      assert.equal((await checkedCall('/v2/models', '/v2/models?modality=poetry', { key: null })).status, 400);
      assert.equal((await checkedCall('/v2/me', '/v2/me', { key: null })).status, 401);
      assert.equal((await checkedCall('/v2/me', '/v2/me', { key: 'afk_unknown_key_123456' })).status, 401);
      emulator.addKey({ key: 'afk_inactive_contract_key', active: false });
      assert.equal((await checkedCall('/v2/me', '/v2/me', { key: 'afk_inactive_contract_key' })).status, 403);
      assert.equal((await getJob('00000000-0000-4000-8000-000000000000')).status, 404);
      await submit({ prompt: 'first', model: 'dall-e-3' }, { idempotencyKey: 'contract-conflict' });
      // spec-strict keeps to the spec's word: a replayed key returns the original job, whatever the body.
      const conflict = await submit({ prompt: 'second', model: 'dall-e-3' }, { idempotencyKey: 'contract-conflict' });
      assert.equal(conflict.status, profile === 'spec-strict' ? 202 : 409);
      emulator.faults.inject({ fault: { kind: 'status', status: 429, retryAfter: '3' } });
      assert.equal((await checkedCall('/v2/jobs/{id}', `/v2/jobs/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`)).status, 429);
      emulator.faults.inject({ fault: { kind: 'status', status: 503 } });
      assert.equal((await submit({ prompt: 'x', model: 'dall-e-3' })).status, 503);
      emulator.addKey({ key: 'afk_poor_contract_key', credits: 3 });
      assert.equal((await submit({ prompt: 'x', model: 'dall-e-3' }, { key: 'afk_poor_contract_key' })).status, 402);
      assert.deepEqual([...undocumented].filter((label) => !UNDOCUMENTED.has(label)), []);
    });

    if (profile === 'spec-strict') {
      it('InsufficientCredits for a replay whose original job holds the credits', async () => {
        emulator.addKey({ key: 'afk_one_image_contract_key', credits: 8 });
        const request = { key: 'afk_one_image_contract_key', idempotencyKey: 'contract-strict-replay' };
        assert.equal((await submit({ prompt: 'one', model: 'dall-e-3' }, request)).status, 202);
        assert.equal((await submit({ prompt: 'one', model: 'dall-e-3' }, request)).status, 402);
      });
    }

    if (profile === 'no-progress' || profile === 'coarse-progress') {
      it("Job while QUEUED and PROCESSING with this profile's progress", async () => {
        const id = jobIdOf(await submit({ prompt: 'progress', model: 'dall-e-3' }));
        const queued = (await getJob(id)).json as { status: string; progress: number | null };
        let processing = queued;
        for (let second = 0; second < 60 && processing.status === 'QUEUED'; second++) {
          emulator.clock.advance(1_000);
          processing = (await getJob(id)).json as { status: string; progress: number | null };
        }
        const expected = profile === 'no-progress' ? [null, null] : [COARSE_PROGRESS.queued, COARSE_PROGRESS.stuck];
        assert.deepEqual([queued.status, processing.status], ['QUEUED', 'PROCESSING']);
        assert.deepEqual([queued.progress, processing.progress], expected);
      });
    }

    if (profile === 'result-shapes') {
      it('Job and JobList with every result shape, the unknown one included', async () => {
        const ids: string[] = [];
        for (let i = 0; i < UNKNOWN_RESULT_SHAPE_EVERY; i++) ids.push(jobIdOf(await submit({ prompt: `shape ${i}`, model: 'dall-e-3' })));
        emulator.clock.advance(10 * 60_000);
        for (const id of ids) await getJob(id);
        await checkedCall('/v2/jobs', '/v2/jobs?limit=100&status=COMPLETED');
        const shapes = new Set(emulator.jobs().map((job) => job.resultShape));
        for (const shape of ['images', 'string', 'image-objects', 'unknown'] as const) assert.ok(shapes.has(shape), `no ${shape} result checked`);
      });
    }
  }

  describe('request schema: ours and the official dall-e-3 branch agree', () => {
    const samples: [string, unknown][] = [
      ['minimal', { prompt: 'a cat', model: 'dall-e-3' }],
      ['all fields', { prompt: 'a cat', model: 'dall-e-3', dalleParams: { aspect_ratio: '2:3', style: 'natural' }, webhookUrl: 'https://example.com/h', webhookEvents: ['completed', 'failed'] }],
      ['2000 characters', { prompt: 'x'.repeat(2000), model: 'dall-e-3' }],
      ['2001 characters', { prompt: 'x'.repeat(2001), model: 'dall-e-3' }],
      ['empty prompt', { prompt: '', model: 'dall-e-3' }],
      ['no prompt', { model: 'dall-e-3' }],
      ['no model', { prompt: 'a cat' }],
      ['prompt not a string', { prompt: 42, model: 'dall-e-3' }],
      ['unknown top-level field', { prompt: 'a cat', model: 'dall-e-3', n: 2 }],
      ['size is not a DALL-E 3 field', { prompt: 'a cat', model: 'dall-e-3', size: '1024x1024' }],
      ['unknown dalleParams field', { prompt: 'a cat', model: 'dall-e-3', dalleParams: { quality: 'hd' } }],
      ['bad aspect ratio', { prompt: 'a cat', model: 'dall-e-3', dalleParams: { aspect_ratio: '16:9' } }],
      ['bad style', { prompt: 'a cat', model: 'dall-e-3', dalleParams: { style: 'loud' } }],
      ['dalleParams not an object', { prompt: 'a cat', model: 'dall-e-3', dalleParams: 'vivid' }],
      ['empty webhookEvents', { prompt: 'a cat', model: 'dall-e-3', webhookEvents: [] }],
      ['unknown webhook event', { prompt: 'a cat', model: 'dall-e-3', webhookEvents: ['started'] }],
      ['webhookUrl not a URI', { prompt: 'a cat', model: 'dall-e-3', webhookUrl: 'not a url' }],
      ['other model', { prompt: 'a cat', model: 'dall-e-4' }],
      ['array body', [{ prompt: 'a cat', model: 'dall-e-3' }]],
      ['null body', null],
    ];
    for (const [name, body] of samples) {
      it(name, () => {
        const official = spec.validate('GenerateImageRequest#dall-e-3', body);
        const ours = validators.generate['dall-e-3'](body);
        assert.equal(ours === undefined, official.length === 0, `ours: ${JSON.stringify(ours)}; official: ${official.join('; ')}`);
        if (official.length === 0) assert.deepEqual(spec.validate('GenerateImageRequest', body), [], 'accepted by the branch but not the union');
      });
    }
  });
});
