import * as assert from 'node:assert/strict';
import { CreditsTracker } from '../../src/jobs/creditsTracker';
import type { GenerateInput } from '../../src/jobs/managerApi';
import { createHarness, type Harness } from '../chaos/harness';

const INPUT: GenerateInput = { prompt: 'a paper boat on a puddle', aspectRatio: '1:1', style: 'natural' };

describe('credits left against the emulator (real client, real job manager)', function () {
  this.timeout(30_000);
  let harness: Harness;

  afterEach(async () => {
    await harness?.cleanup();
  });

  function trackerFor(h: Harness, key: () => string | undefined, now: () => number = Date.now): CreditsTracker {
    return new CreditsTracker({
      hasKey: () => Promise.resolve(key() !== undefined),
      fetchCredits: async () => (await h.client.me()).team?.credits ?? null,
      now,
      log: h.log,
    });
  }

  const meRequests = (): number => harness.emulator.log.where({ path: '/v2/me' }).length;

  it('after a job, the figure read from GET /v2/me is lower by exactly the job’s creditCost', async () => {
    harness = await createHarness();
    const tracker = trackerFor(harness, () => harness.emulator.demoKey);
    await tracker.galleryOpened();
    const before = tracker.reading.credits;
    assert.equal(before, harness.emulator.credits(harness.emulator.demoKey));
    const manager = harness.newManager();
    await manager.start();
    tracker.watchJobs(manager);
    const read = new Promise<void>((resolve) => tracker.onDidChange((reading) => reading.credits !== before && resolve()));
    const record = await manager.generate(INPUT);
    assert.equal(record.phase, 'done', record.error);
    await read;
    assert.ok(typeof record.creditCost === 'number' && record.creditCost > 0, 'the emulator charged the job');
    assert.equal(tracker.reading.credits, (before ?? 0) - record.creditCost);
    assert.equal(tracker.reading.stale, false);
    assert.equal(meRequests(), 2, 'one read for the gallery, one after the job');
    tracker.dispose();
  });

  it('a refused submit (402) reads again; a read that fails keeps the figure, marked stale', async () => {
    harness = await createHarness();
    let clock = Date.now();
    const tracker = trackerFor(harness, () => harness.emulator.demoKey, () => clock);
    await tracker.galleryOpened();
    harness.emulator.setCredits(harness.emulator.demoKey, 3);
    const manager = harness.newManager();
    await manager.start();
    tracker.watchJobs(manager);
    const read = new Promise<void>((resolve) => tracker.onDidChange((reading) => reading.credits === 3 && resolve()));
    const record = await manager.generate(INPUT);
    assert.equal(record.phase, 'failed');
    assert.deepEqual(record.creditsShort, { required: 8, available: 3 }, 'the record keeps the 402’s figures for the message');
    await read;

    harness.emulator.faults.inject({ fault: { kind: 'status', status: 500 }, path: '/v2/me', times: 10 });
    clock += 60_000;
    await tracker.windowFocused();
    assert.equal(tracker.reading.credits, 3);
    assert.equal(tracker.reading.stale, true);
    assert.ok(harness.log.lines.some((line) => line.startsWith('warn: Could not read the credits left')), harness.log.lines.join('\n'));
    assert.ok(!harness.log.lines.join('\n').includes(harness.emulator.demoKey), 'the key is in no log line');
    tracker.dispose();
  });

  it('without a key nothing is sent, whatever happens', async () => {
    harness = await createHarness();
    const tracker = trackerFor(harness, () => undefined);
    const manager = harness.newManager();
    await manager.start();
    tracker.watchJobs(manager);
    await manager.generate(INPUT);
    await tracker.galleryOpened();
    await tracker.windowFocused();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(meRequests(), 0);
    assert.equal(tracker.reading.credits, null);
    tracker.dispose();
  });
});
