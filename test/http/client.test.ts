import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'mocha';
import type { ApiframeClient } from '../../src/apiframe/client';
import { imageUrlsOf, parseRetryAfter, validatePrompt } from '../../src/apiframe/client';
import type { GenerateImageRequest } from '../../src/apiframe/types';
import type { Emulator } from '../emulator';
import { officialSpec } from '../contract/officialSpec';
import { clientFor, emulatorWithClient, rejection } from './clientHelpers';

const GENERATE = '/v2/images/generate';
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('Apiframe client against the emulator', () => {
  let emulator: Emulator;
  let client: ApiframeClient;
  let stop: () => Promise<void>;

  before(async () => {
    ({ emulator, client, stop } = await emulatorWithClient());
  });
  after(async () => stop());
  beforeEach(() => {
    emulator.faults.clear();
    emulator.log.clear();
    // Finish (and charge) every job earlier tests left running, so none is charged after the reset below.
    emulator.clock.advance(24 * 60 * 60 * 1000);
    emulator.setCredits(emulator.demoKey, 1000);
  });

  describe('operations', () => {
    it('submits with a UUID v4 idempotency key, the key header and a User-Agent-identified request', async () => {
      const accepted = await client.submitImage({ prompt: '  a red fox  ', model: 'dall-e-3', dalleParams: { aspect_ratio: '3:2', style: 'natural' } });
      assert.match(accepted.idempotencyKey, UUID_V4);
      assert.equal(accepted.status, 'QUEUED');
      const [entry] = emulator.log.where({ method: 'POST', path: GENERATE });
      assert.ok(entry, 'the submit is logged');
      assert.equal(entry.idempotencyKey, accepted.idempotencyKey);
      assert.equal(entry.jobId, accepted.jobId);
      assert.deepEqual(entry.body, { prompt: 'a red fox', model: 'dall-e-3', dalleParams: { aspect_ratio: '3:2', style: 'natural' } });
    });

    it('sends bodies the official spec accepts as GenerateImageRequest', async function () {
      this.timeout(30_000); // compiling the official spec takes a few seconds
      const spec = officialSpec();
      if (!spec) this.skip();
      await client.submitImage({ prompt: 'spec check', model: 'dall-e-3', dalleParams: { aspect_ratio: '2:3' } });
      const [entry] = emulator.log.where({ method: 'POST', path: GENERATE });
      assert.ok(entry, 'the submit is logged');
      assert.deepEqual(spec.validate('GenerateImageRequest', entry.body), []);
    });

    it('uses the key it is given', async () => {
      const accepted = await client.submitImage({ prompt: 'keyed', model: 'dall-e-3' }, { idempotencyKey: 'my-key-1' });
      assert.equal(accepted.idempotencyKey, 'my-key-1');
      assert.equal(emulator.log.where({ method: 'POST', path: GENERATE })[0]?.idempotencyKey, 'my-key-1');
    });

    it('gets a job, lists jobs, reads the account and the model catalog', async () => {
      const accepted = await client.submitImage({ prompt: 'list me', model: 'dall-e-3' });
      const job = await client.getJob(accepted.jobId);
      assert.equal(job.id, accepted.jobId);
      assert.equal(job.model, 'dall-e-3');
      const list = await client.listJobs({ limit: 100 });
      assert.ok(list.jobs.some((j) => j.id === accepted.jobId));
      const me = await client.me();
      // The job may finish (and be charged) before this call on a slow machine: compare with the server's books.
      assert.equal(me.team?.credits, emulator.credits(emulator.demoKey));
      assert.ok(me.team?.credits === 1000 || me.team?.credits === 992, String(me.team?.credits));
      const catalog = await client.listModels({ modality: 'image' });
      assert.ok(catalog.models.some((m) => m.id === 'dall-e-3'));
    });

    it('refuses an empty or too long prompt before sending anything', async () => {
      assert.equal((await rejection(client.submitImage({ prompt: '   ', model: 'dall-e-3' }))).code, 'invalidInput');
      const long = await rejection(client.submitImage({ prompt: 'x'.repeat(2001), model: 'dall-e-3' }));
      assert.equal(long.code, 'invalidInput');
      assert.match(long.message, /2001 characters.*at most 2000/);
      assert.equal(emulator.log.entries.length, 0);
      assert.equal(validatePrompt('x'.repeat(2000)), undefined);
    });
  });

  describe('status codes', () => {
    it('400 → validation with details by field, not retried', async () => {
      const bad = JSON.parse('{"prompt":"x","model":"dall-e-3","dalleParams":{"aspect_ratio":"4:3"}}') as GenerateImageRequest;
      const error = await rejection(client.submitImage(bad));
      assert.equal(error.code, 'validation');
      assert.equal(error.status, 400);
      assert.ok(error.details && Object.keys(error.details).some((field) => field.includes('aspect_ratio')), JSON.stringify(error.details));
      assert.equal(emulator.log.entries.length, 1);
    });

    it('401 → unauthorized, with the server text, not retried', async () => {
      const stranger = clientFor(emulator, { apiKey: 'afk_unknown_key_123456' });
      const error = await rejection(stranger.me());
      await stranger.close();
      assert.equal(error.code, 'unauthorized');
      assert.equal(error.serverMessage, 'Invalid API key');
      assert.equal(emulator.log.entries.length, 1);
    });

    it('402 → insufficientCredits with both numbers', async () => {
      // A team of its own: the demo team's in-flight jobs reserve credits.
      emulator.addKey({ key: 'afk_poor_team_key_0001', teamId: 'poor', credits: 3 });
      const poor = clientFor(emulator, { apiKey: 'afk_poor_team_key_0001' });
      const error = await rejection(poor.submitImage({ prompt: 'costly', model: 'dall-e-3' }));
      await poor.close();
      assert.equal(error.code, 'insufficientCredits');
      assert.equal(error.creditsAvailable, 3);
      assert.equal(typeof error.creditsRequired, 'number');
      assert.match(error.message, /needs \d+ credits, the team has 3/);
      assert.equal(emulator.log.entries.length, 1);
    });

    it('403 → forbidden for an inactive key', async () => {
      emulator.addKey({ key: 'afk_inactive_key_0001', active: false });
      const inactive = clientFor(emulator, { apiKey: 'afk_inactive_key_0001' });
      const error = await rejection(inactive.me());
      await inactive.close();
      assert.equal(error.code, 'forbidden');
      assert.equal(emulator.log.entries.length, 1);
    });

    it('404 → notFound carrying the job id', async () => {
      const id = '00000000-0000-4000-8000-000000000000';
      const error = await rejection(client.getJob(id));
      assert.equal(error.code, 'notFound');
      assert.equal(error.jobId, id);
      assert.equal(emulator.log.entries.length, 1);
    });

    it('a base URL ending in /v2 reaches the API (no /v2/v2/…)', async () => {
      const versioned = clientFor(emulator, { baseUrl: `${emulator.url}/v2/` });
      try {
        const me = await versioned.me();
        assert.ok(me.team?.id);
        assert.deepEqual(emulator.log.entries.map((e) => e.path), ['/v2/me']);
      } finally {
        await versioned.close();
      }
    });

    it('404 on an API path → invalidBaseUrl naming apiframe.baseUrl, not retried', async () => {
      const wrong = clientFor(emulator, { baseUrl: `${emulator.url}/somewhere-else` });
      try {
        for (const call of [() => wrong.me(), () => wrong.submitImage({ prompt: 'a fox', model: 'dall-e-3' }), () => wrong.listJobs()]) {
          emulator.log.clear();
          const error = await rejection(call());
          assert.equal(error.code, 'invalidBaseUrl');
          assert.equal(error.retryable, false);
          assert.match(error.message, /apiframe\.baseUrl/);
          assert.match(error.message, /somewhere-else/);
          assert.equal(emulator.log.entries.length, 1, 'a 404 of the API itself was retried');
        }
      } finally {
        await wrong.close();
      }
    });

    it('409 → conflict when a key is reused with a different body', async () => {
      await client.submitImage({ prompt: 'first', model: 'dall-e-3' }, { idempotencyKey: 'reused-key' });
      const error = await rejection(client.submitImage({ prompt: 'second', model: 'dall-e-3' }, { idempotencyKey: 'reused-key' }));
      assert.equal(error.code, 'conflict');
      assert.equal(emulator.log.entries.length, 2);
    });

    it('429 is retried after Retry-After; when retries run out the error keeps retryAfterMs', async () => {
      emulator.faults.inject({ fault: { kind: 'status', status: 429, retryAfter: '0' }, path: '/v2/me', times: 2 });
      await client.me();
      assert.equal(emulator.log.where({ path: '/v2/me' }).length, 3);
      const impatient = clientFor(emulator, { maxRetries: 0 });
      emulator.faults.inject({ fault: { kind: 'status', status: 429, retryAfter: '7' }, path: '/v2/me' });
      const error = await rejection(impatient.me());
      await impatient.close();
      assert.equal(error.code, 'rateLimited');
      assert.equal(error.retryAfterMs, 7000);
      assert.equal(typeof error.requestId, 'string');
    });

    it('honours an HTTP-date Retry-After', () => {
      const now = Date.parse('2026-11-25T12:00:00Z');
      assert.equal(parseRetryAfter('Wed, 25 Nov 2026 12:00:03 GMT', now), 3000);
      assert.equal(parseRetryAfter('2', now), 2000);
      assert.equal(parseRetryAfter('soon', now), undefined);
    });

    for (const status of [502, 503, 504] as const) {
      it(`${status} is retried (GET and keyed submit) and the same key is reused`, async () => {
        emulator.faults.inject({ fault: { kind: 'status', status }, times: 2 });
        const accepted = await client.submitImage({ prompt: `retry ${status}`, model: 'dall-e-3' });
        const submits = emulator.log.where({ method: 'POST', path: GENERATE });
        assert.equal(submits.length, 3);
        assert.ok(submits.every((entry) => entry.idempotencyKey === accepted.idempotencyKey));
        emulator.faults.inject({ fault: { kind: 'status', status }, times: 1 });
        await client.getJob(accepted.jobId);
      });
    }

    it('500 → serverError, not retried', async () => {
      emulator.faults.inject({ fault: { kind: 'status', status: 500 } });
      const error = await rejection(client.me());
      assert.equal(error.code, 'serverError');
      assert.equal(error.status, 500);
      assert.equal(emulator.log.entries.length, 1);
    });

    it('gives up after maxRetries with serverUnavailable', async () => {
      emulator.faults.inject({ fault: { kind: 'status', status: 503 }, times: 10 });
      const error = await rejection(client.me());
      assert.equal(error.code, 'serverUnavailable');
      assert.equal(error.retryable, true);
      assert.equal(emulator.log.entries.length, 5);
    });
  });

  describe('faults', () => {
    it('a reset connection is retried with the same key: one job', async () => {
      emulator.faults.inject({ fault: { kind: 'reset' }, method: 'POST' });
      const accepted = await client.submitImage({ prompt: 'reset', model: 'dall-e-3' });
      assert.equal(emulator.jobs().filter((job) => job.idempotencyKey === accepted.idempotencyKey).length, 1);
    });

    it('a refusal after an unanswered attempt says so (the first attempt may have created the job)', async () => {
      const refusal = { kind: 'rawBody' as const, status: 402, contentType: 'application/json', body: '{"error":"Insufficient credits","creditsRequired":8,"creditsAvailable":0}' };
      emulator.faults.inject({ fault: { kind: 'lostResponse' }, method: 'POST', path: GENERATE });
      emulator.faults.inject({ fault: refusal, method: 'POST', path: GENERATE });
      const afterLoss = await rejection(client.submitImage({ prompt: 'lost, then refused', model: 'dall-e-3' }));
      assert.equal(afterLoss.code, 'insufficientCredits');
      assert.equal(afterLoss.afterUnansweredAttempt, true);

      emulator.faults.inject({ fault: refusal, method: 'POST', path: GENERATE });
      const plain = await rejection(client.submitImage({ prompt: 'refused at once', model: 'dall-e-3' }));
      assert.equal(plain.code, 'insufficientCredits');
      assert.equal(plain.afterUnansweredAttempt, false);
    });

    it('a lost response yields exactly one job and one charge', async () => {
      const fast = await emulatorWithClient({ timeScale: 0.0005, credits: 100, creditCostPerImage: 8 });
      try {
        fast.emulator.faults.inject({ fault: { kind: 'lostResponse' }, method: 'POST' });
        const accepted = await fast.client.submitImage({ prompt: 'lost', model: 'dall-e-3' });
        const submits = fast.emulator.log.where({ method: 'POST', path: GENERATE });
        assert.equal(submits.length, 2);
        assert.equal(submits[0]?.jobId, accepted.jobId);
        let job = await fast.client.getJob(accepted.jobId);
        while (job.status !== 'COMPLETED') {
          await new Promise((resolve) => setTimeout(resolve, 20));
          job = await fast.client.getJob(accepted.jobId);
        }
        const jobs = fast.emulator.jobs();
        assert.equal(jobs.length, 1);
        assert.equal(jobs.filter((j) => j.charged).length, 1);
        assert.equal(fast.emulator.credits(fast.emulator.demoKey), 92);
      } finally {
        await fast.stop();
      }
    });

    it('a response slower than the timeout is a timeout, retried with the same key', async () => {
      const quick = clientFor(emulator, { timeoutMs: 150 });
      emulator.faults.inject({ fault: { kind: 'delay', ms: 600 }, method: 'POST' });
      const accepted = await quick.submitImage({ prompt: 'slow', model: 'dall-e-3' });
      assert.equal(emulator.jobs().filter((job) => job.idempotencyKey === accepted.idempotencyKey).length, 1);
      emulator.faults.inject({ fault: { kind: 'delay', ms: 600 }, path: '/v2/me', times: 10 });
      const error = await rejection(clientFor(emulator, { timeoutMs: 100, maxRetries: 1 }).me());
      await quick.close();
      assert.equal(error.code, 'timeout');
    });

    it('malformed JSON on a GET is retried; when it persists it is a clear badResponse', async () => {
      emulator.faults.inject({ fault: { kind: 'malformedJson' }, path: '/v2/me' });
      await client.me();
      emulator.faults.inject({ fault: { kind: 'malformedJson' }, path: '/v2/me', times: 10 });
      const error = await rejection(client.me());
      assert.equal(error.code, 'badResponse');
      assert.match(error.message, /not valid JSON/);
      assert.doesNotMatch(error.message, /Unexpected token|SyntaxError/);
    });

    it('an HTML error page from a proxy maps by its status', async () => {
      emulator.faults.inject({ fault: { kind: 'htmlBody', status: 502 }, path: '/v2/me', times: 10 });
      const error = await rejection(client.me());
      assert.equal(error.code, 'serverUnavailable');
      assert.equal(error.serverMessage, undefined);
    });

    it('a truncated body is retried', async () => {
      emulator.faults.inject({ fault: { kind: 'truncatedBody' }, path: '/v2/me' });
      const me = await client.me();
      // The job may finish (and be charged) before this call on a slow machine: compare with the server's books.
      assert.equal(me.team?.credits, emulator.credits(emulator.demoKey));
      assert.ok(me.team?.credits === 1000 || me.team?.credits === 992, String(me.team?.credits));
    });
  });

  describe('result URLs', () => {
    it('accepts { images: [...] } and a bare string; anything else gives no URLs', () => {
      assert.deepEqual(imageUrlsOf({ images: ['https://cdn.example/a.png', 7, 'https://cdn.example/b.png'] }), [
        'https://cdn.example/a.png',
        'https://cdn.example/b.png',
      ]);
      assert.deepEqual(imageUrlsOf('https://cdn.example/c.png'), ['https://cdn.example/c.png']);
      assert.deepEqual(imageUrlsOf(null), []);
      assert.deepEqual(imageUrlsOf({ url: 'x' }), []);
    });
  });
});
