import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'mocha';
import type { ApiframeClient } from '../../src/apiframe/client';
import { ApiframeError } from '../../src/apiframe/errors';
import type { GenerateImageRequest, Job, JobList, JobListQuery } from '../../src/apiframe/types';
import { inputMatches, reconcileWithJobList, type ReconcileOptions, type ReconcileResult } from '../../src/jobs/reconcile';
import type { JobRecord } from '../../src/jobs/types';
import { startEmulator, type Emulator, type EmulatorProfile } from '../emulator/index';
import { clientFor } from './clientHelpers';

/**
 * The reconciliation with Apiframe's job list on its own: against the emulator over real HTTP (matching,
 * paging, the time window, a list that cannot be read) and with small fake clients for what the emulator
 * never does (jobs listed without their input).
 */

const HOUR = 60 * 60 * 1000;
const PROMPT = 'a lighthouse at dusk';

function recordOf(createdAt: number, overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    localId: 'record-1',
    idempotencyKey: 'record-1',
    prompt: PROMPT,
    model: 'dall-e-3',
    aspectRatio: '1:1',
    style: 'vivid',
    createdAt: new Date(createdAt).toISOString(),
    phase: 'pending-submit',
    ...overrides,
  };
}

function adopted(result: ReconcileResult): string {
  assert.equal(result.kind, 'adopt', `expected an adoption, got ${JSON.stringify(result)}`);
  return result.job.id;
}

describe('reconciliation with the job list', () => {
  describe('inputMatches', () => {
    const record = recordOf(0, { prompt: '  a lighthouse at dusk ', aspectRatio: '3:2', style: 'natural' });

    it('matches the prompt as sent (trimmed) with the same parameters', () => {
      assert.equal(inputMatches({ prompt: PROMPT, model: 'dall-e-3', dalleParams: { aspect_ratio: '3:2', style: 'natural' } }, record), 'yes');
      assert.equal(inputMatches({ prompt: `${PROMPT}!`, dalleParams: { aspect_ratio: '3:2', style: 'natural' } }, record), 'no');
      assert.equal(inputMatches({ prompt: PROMPT, dalleParams: { aspect_ratio: '1:1', style: 'natural' } }, record), 'no');
      assert.equal(inputMatches({ prompt: PROMPT, dalleParams: { aspect_ratio: '3:2', style: 'vivid' } }, record), 'no');
    });

    it('a different model is not a match; an absent one is not held against it', () => {
      assert.equal(inputMatches({ prompt: PROMPT, model: 'dall-e-2', dalleParams: { aspect_ratio: '3:2', style: 'natural' } }, record), 'no');
      assert.equal(inputMatches({ prompt: PROMPT, dalleParams: { aspect_ratio: '3:2', style: 'natural' } }, record), 'yes');
    });

    it('absent parameters are the API defaults: 1:1 and vivid', () => {
      const defaults = recordOf(0);
      for (const dalleParams of [undefined, null, [], {}, 'square']) assert.equal(inputMatches({ prompt: PROMPT, dalleParams }, defaults), 'yes');
      assert.equal(inputMatches({ prompt: PROMPT, dalleParams: { style: 'vivid' } }, defaults), 'yes');
      assert.equal(inputMatches({ prompt: PROMPT }, record), 'no');
    });

    it('for any model: every parameter sent must be echoed alike in its own block; extra server defaults do not count', () => {
      const flux = { ...recordOf(0), model: 'flux-1.1-pro' as const, params: { width: 1344, height: 768, seed: 7 }, aspectRatio: '16:9' };
      const sent = { width: 1344, height: 768, seed: 7 };
      assert.equal(inputMatches({ prompt: PROMPT, model: 'flux-1.1-pro', fluxParams: sent }, flux), 'yes');
      assert.equal(inputMatches({ prompt: PROMPT, model: 'flux-1.1-pro', fluxParams: { ...sent, steps: 28 } }, flux), 'yes');
      assert.equal(inputMatches({ prompt: PROMPT, model: 'flux-1.1-pro', fluxParams: { ...sent, seed: 8 } }, flux), 'no');
      assert.equal(inputMatches({ prompt: PROMPT, model: 'flux-1.1-pro', dalleParams: sent }, flux), 'no', 'another model’s block');
      assert.equal(inputMatches({ prompt: PROMPT, model: 'flux-2-pro', fluxParams: sent }, flux), 'no');
      const gpt = { ...recordOf(0), model: 'gpt-image-2' as const, params: { input_images: ['https://a/1.png'], number_of_images: 2 } };
      assert.equal(inputMatches({ prompt: PROMPT, gptImage2Params: { number_of_images: 2, input_images: ['https://a/1.png'] } }, gpt), 'yes');
      assert.equal(inputMatches({ prompt: PROMPT, gptImage2Params: { number_of_images: 2, input_images: ['https://a/2.png'] } }, gpt), 'no');
    });

    it('unknown when the input or its prompt is missing', () => {
      assert.equal(inputMatches(undefined, record), 'unknown');
      assert.equal(inputMatches(null, record), 'unknown');
      assert.equal(inputMatches({ model: 'dall-e-3' }, record), 'unknown');
      assert.equal(inputMatches({ prompt: 42 }, record), 'unknown');
    });
  });

  for (const profile of ['friendly', 'spec-strict'] as const satisfies readonly EmulatorProfile[]) {
    describe(`against the emulator (${profile})`, () => {
      let emulator: Emulator | undefined;
      let client: ApiframeClient | undefined;

      afterEach(async () => {
        await client?.close();
        await emulator?.stop();
        client = undefined;
        emulator = undefined;
      });

      async function setUp(): Promise<{ emulator: Emulator; client: ApiframeClient }> {
        emulator = await startEmulator({ profile, seed: 5, timeScale: 0.005, imageScale: 1 / 16 });
        client = clientFor(emulator, { maxRetries: 1 });
        return { emulator, client };
      }

      /** Submits a job a minute after the previous one (creation order is then unambiguous); returns its id. */
      async function submit(on: Emulator, using: ApiframeClient, request: Partial<GenerateImageRequest> = {}): Promise<string> {
        on.clock.advance(60_000);
        const accepted = await using.submitImage({ prompt: PROMPT, model: 'dall-e-3', ...request });
        return accepted.jobId;
      }

      function reconcile(on: Emulator, using: ApiframeClient, record: JobRecord, owned: string[] = [], limits: ReconcileOptions['limits'] = {}, signal = new AbortController().signal): Promise<ReconcileResult> {
        return reconcileWithJobList(using, record, new Set(owned), signal, { now: on.clock.now(), limits });
      }

      function listRequests(on: Emulator): Readonly<Record<string, string>>[] {
        return on.log.where({ method: 'GET', path: /^\/v2\/jobs$/ }).map((entry) => entry.query);
      }

      it('adopts the job whose prompt and parameters match, past the ones that differ', async () => {
        const { emulator, client } = await setUp();
        const record = recordOf(emulator.clock.now(), { aspectRatio: '3:2', style: 'natural' });
        const match = await submit(emulator, client, { prompt: `  ${PROMPT}  `, dalleParams: { aspect_ratio: '3:2', style: 'natural' } });
        await submit(emulator, client, { dalleParams: { aspect_ratio: '2:3', style: 'natural' } });
        await submit(emulator, client, { prompt: 'a lighthouse at noon', dalleParams: { aspect_ratio: '3:2', style: 'natural' } });
        await submit(emulator, client, { dalleParams: { aspect_ratio: '3:2', style: 'vivid' } });

        assert.equal(adopted(await reconcile(emulator, client, record)), match);
        assert.deepEqual(listRequests(emulator), [{ model: 'dall-e-3', limit: '100' }]);
      });

      it('reads parameters a job was submitted without as the defaults', async () => {
        const { emulator, client } = await setUp();
        const createdAt = emulator.clock.now();
        const job = await submit(emulator, client);
        assert.equal(adopted(await reconcile(emulator, client, recordOf(createdAt))), job);
        assert.deepEqual(await reconcile(emulator, client, recordOf(createdAt, { style: 'natural' })), { kind: 'absent' });
        assert.deepEqual(await reconcile(emulator, client, recordOf(createdAt, { aspectRatio: '2:3' })), { kind: 'absent' });
      });

      it('skips jobs other records own and adopts the oldest of the rest', async () => {
        const { emulator, client } = await setUp();
        const record = recordOf(emulator.clock.now());
        const first = await submit(emulator, client);
        const second = await submit(emulator, client);
        const third = await submit(emulator, client);

        assert.equal(adopted(await reconcile(emulator, client, record)), first);
        assert.equal(adopted(await reconcile(emulator, client, record, [first])), second);
        assert.equal(adopted(await reconcile(emulator, client, record, [first, second])), third);
        assert.deepEqual(await reconcile(emulator, client, record, [first, second, third]), { kind: 'absent' });
      });

      it('follows the cursor page by page', async () => {
        const { emulator, client } = await setUp();
        const record = recordOf(emulator.clock.now());
        const match = await submit(emulator, client);
        for (let i = 0; i < 4; i++) await submit(emulator, client, { prompt: `another prompt ${i}` });

        assert.equal(adopted(await reconcile(emulator, client, record, [], { pageSize: 2 })), match);
        const pages = listRequests(emulator);
        const [first, second, third, ...more] = pages;
        assert.ok(first && second && third && more.length === 0, `${pages.length} pages asked, not 3`);
        assert.equal(first.cursor, undefined);
        assert.ok(second.cursor, 'the second page was asked without a cursor');
        assert.ok(third.cursor && third.cursor !== second.cursor, 'the third page repeated the second cursor');
        assert.ok(pages.every((query) => query.limit === '2' && query.model === 'dall-e-3'));
      });

      it('stops at the time window: older jobs are not this record’s, and later pages are not read', async () => {
        const { emulator, client } = await setUp();
        await submit(emulator, client, { prompt: 'an old prompt' });
        await submit(emulator, client, { prompt: 'another old prompt' });
        const old = await submit(emulator, client);
        emulator.clock.advance(3 * HOUR);
        const record = recordOf(emulator.clock.now());
        for (let i = 0; i < 4; i++) await submit(emulator, client, { prompt: `another prompt ${i}` });

        // Pages of two: four recent jobs, then the old match and one more old job, then the oldest.
        assert.deepEqual(await reconcile(emulator, client, record, [], { pageSize: 2 }), { kind: 'absent' });
        assert.equal(listRequests(emulator).length, 3, 'the page past the window was read');
        // The window reaches back by the clock slack: with more slack, the old job counts.
        assert.equal(adopted(await reconcile(emulator, client, record, [], { pageSize: 2, clockSlackMs: 4 * HOUR })), old);
      });

      it('a list longer than the page limit leaves the answer unknown', async () => {
        const { emulator, client } = await setUp();
        const record = recordOf(emulator.clock.now());
        for (let i = 0; i < 3; i++) await submit(emulator, client, { prompt: `another prompt ${i}` });

        assert.deepEqual(await reconcile(emulator, client, record, [], { pageSize: 1, maxPages: 2 }), { kind: 'unknown', reason: 'list-too-long' });
        assert.equal(listRequests(emulator).length, 2);
        assert.deepEqual(await reconcile(emulator, client, record, [], { pageSize: 1, maxPages: 3 }), { kind: 'absent' });
      });

      it('a list that cannot be read is unknown, with the client’s error', async () => {
        const { emulator, client } = await setUp();
        const record = recordOf(emulator.clock.now());
        await submit(emulator, client);
        emulator.faults.inject({ fault: { kind: 'status', status: 503 }, method: 'GET', path: /^\/v2\/jobs$/, times: 1000 });

        const result = await reconcile(emulator, client, record);
        assert.equal(result.kind, 'unknown');
        assert.equal(result.reason, 'list-unreadable');
        assert.ok(result.reason === 'list-unreadable' && result.error instanceof ApiframeError);
        assert.equal(result.error.code, 'serverUnavailable');

        const wrongKey = clientFor(emulator, { apiKey: 'afk_not_a_known_key_0000' });
        emulator.faults.clear();
        try {
          const refused = await reconcile(emulator, wrongKey, record);
          assert.ok(refused.kind === 'unknown' && refused.reason === 'list-unreadable' && refused.error instanceof ApiframeError);
          assert.equal(refused.error.code, 'unauthorized');
        } finally {
          await wrongKey.close();
        }
      });

      it('a cancel rejects with the signal’s reason, also while the list is being read', async () => {
        const { emulator, client } = await setUp();
        const record = recordOf(emulator.clock.now());
        await submit(emulator, client);
        const before = new AbortController();
        const stop = new Error('stopped');
        before.abort(stop);
        await assert.rejects(reconcile(emulator, client, record, [], {}, before.signal), (error) => error === stop);
        assert.equal(listRequests(emulator).length, 0);

        emulator.faults.inject({ fault: { kind: 'delay', ms: 2_000 }, method: 'GET', path: /^\/v2\/jobs$/, times: 1 });
        const during = new AbortController();
        const pending = reconcile(emulator, client, record, [], {}, during.signal);
        setTimeout(() => during.abort(stop), 50);
        await assert.rejects(pending, (error) => error === stop);
      });
    });
  }

  describe('with a fake client', () => {
    const NOW = Date.parse('2025-06-01T12:00:00Z');

    function listed(id: string, input: Job['input'], minutesAfterRecord = 1, model = 'dall-e-3'): Job & { expired: boolean } {
      return {
        id,
        status: 'COMPLETED',
        model,
        progress: 100,
        error: null,
        creditCost: 8,
        webhookStatus: null,
        createdAt: new Date(NOW + minutesAfterRecord * 60_000).toISOString(),
        completedAt: null,
        expired: false,
        ...(input === undefined ? {} : { input }),
      };
    }

    /** A client serving `pages` (page n+1 behind cursor `page-n+1`) and `jobs` by id; counts what it was asked. */
    function fakeClient(pages: readonly (readonly (Job & { expired: boolean })[])[], jobs: Record<string, Job | Error> = {}) {
      const queries: JobListQuery[] = [];
      const lookedUp: string[] = [];
      const unused = (): never => assert.fail('reconciliation must only list and get jobs');
      const client: ApiframeClient = {
        listJobs(query = {}): Promise<JobList> {
          queries.push(query);
          const index = query.cursor ? Number(query.cursor.replace('page-', '')) : 0;
          const page = pages[index] ?? assert.fail(`no page ${index} was set up`);
          const hasMore = index + 1 < pages.length;
          return Promise.resolve({ jobs: [...page], hasMore, nextCursor: hasMore ? `page-${index + 1}` : null });
        },
        getJob(jobId) {
          lookedUp.push(jobId);
          const job = jobs[jobId];
          if (job instanceof Error) return Promise.reject(job);
          return Promise.resolve(job ?? assert.fail(`unexpected lookup of ${jobId}`));
        },
        submitImage: unused,
        uploadImage: unused,
        removeBackground: unused,
        upscaleImage: unused,
        editImage: unused,
        midjourneyAction: unused,
        submitOperation: unused,
        me: unused,
        listModels: unused,
        downloadImage: unused,
        close: () => Promise.resolve(),
      };
      return { client, queries, lookedUp };
    }

    function reconcile(client: ApiframeClient, limits: ReconcileOptions['limits'] = {}): Promise<ReconcileResult> {
      return reconcileWithJobList(client, recordOf(NOW), new Set(), new AbortController().signal, { now: NOW, limits });
    }

    it('looks up jobs listed without their input, one by one, and adopts the one that matches', async () => {
      const fake = fakeClient([[listed('j2', undefined, 2), listed('j1', null, 1)]], {
        j1: listed('j1', { prompt: PROMPT }),
        j2: listed('j2', { prompt: 'something else' }),
      });
      assert.equal(adopted(await reconcile(fake.client)), 'j1');
      assert.deepEqual(fake.lookedUp, ['j2', 'j1']);
    });

    it('inputs missing from the list and from the lookups: unknown', async () => {
      const fake = fakeClient([[listed('j1', undefined), listed('j2', undefined)]], { j1: listed('j1', undefined), j2: listed('j2', { prompt: 'other' }) });
      assert.deepEqual(await reconcile(fake.client), { kind: 'unknown', reason: 'inputs-unreadable' });
      assert.deepEqual(fake.lookedUp, ['j1', 'j2']);
    });

    it('more unreadable jobs than lookups allowed: unknown without a lookup', async () => {
      const fake = fakeClient([Array.from({ length: 3 }, (_, i) => listed(`j${i}`, undefined))]);
      assert.deepEqual(await reconcile(fake.client, { maxLookups: 2 }), { kind: 'unknown', reason: 'inputs-unreadable' });
      assert.deepEqual(fake.lookedUp, []);
    });

    it('a lookup that fails makes the list unreadable', async () => {
      const failure = new ApiframeError('network', 'Could not reach Apiframe.');
      const fake = fakeClient([[listed('j1', undefined)]], { j1: failure });
      assert.deepEqual(await reconcile(fake.client), { kind: 'unknown', reason: 'list-unreadable', error: failure });
    });

    it('a match in the list is adopted without looking up the unreadable ones', async () => {
      const fake = fakeClient([[listed('j2', undefined, 2), listed('j1', { prompt: PROMPT }, 1)]]);
      assert.equal(adopted(await reconcile(fake.client)), 'j1');
      assert.deepEqual(fake.lookedUp, []);
    });

    it('a match on a page before the limit is adopted although the list goes on', async () => {
      const fake = fakeClient([[listed('j3', { prompt: PROMPT }, 3)], [listed('j2', { prompt: PROMPT }, 2)], [listed('j1', { prompt: PROMPT }, 1)]]);
      assert.equal(adopted(await reconcile(fake.client, { maxPages: 1 })), 'j3');
      assert.equal(fake.queries.length, 1);
    });

    it('skips a job of another model whatever its input says', async () => {
      const fake = fakeClient([[listed('j1', { prompt: PROMPT }, 1, 'dall-e-2')]]);
      assert.deepEqual(await reconcile(fake.client), { kind: 'absent' });
    });

    it('asks for the record’s model, a full page, and the cursor it was given', async () => {
      const fake = fakeClient([[listed('j2', { prompt: 'other' }, 2)], [listed('j1', { prompt: 'other' }, 1)]]);
      assert.deepEqual(await reconcile(fake.client), { kind: 'absent' });
      assert.deepEqual(fake.queries, [
        { model: 'dall-e-3', limit: 100 },
        { model: 'dall-e-3', limit: 100, cursor: 'page-1' },
      ]);
    });
  });
});
