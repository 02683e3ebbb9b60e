import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { CreditsTracker, DEFAULT_FOCUS_INTERVAL_MS, type CreditsReading } from '../../src/jobs/creditsTracker';
import type { JobManager } from '../../src/jobs/managerApi';
import type { JobRecord } from '../../src/jobs/types';
import type { JobPhase } from '../../src/shared/jobPhases';
import type { Logger } from '../../src/shared/logger';

type Listener = (localId: string, record: JobRecord | undefined) => void;

/** The part of a job manager the tracker watches: a history and its change events, fired by hand. */
class FakeJobs implements Pick<JobManager, 'history' | 'onDidChange'> {
  readonly records = new Map<string, JobRecord>();
  private readonly listeners = new Set<Listener>();

  history(): readonly JobRecord[] {
    return [...this.records.values()];
  }

  onDidChange(listener: Listener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Puts `localId` in `phase` and fires the change, as the manager does after each step. */
  move(localId: string, phase: JobPhase): void {
    const record = { localId, phase } as JobRecord;
    this.records.set(localId, record);
    for (const listener of this.listeners) listener(localId, record);
  }

  remove(localId: string): void {
    this.records.delete(localId);
    for (const listener of this.listeners) listener(localId, undefined);
  }
}

interface World {
  readonly tracker: CreditsTracker;
  readonly jobs: FakeJobs;
  readonly logLines: string[];
  /** How many times the account was read. */
  reads(): number;
  /** The balance the next read returns; an Error makes it fail. */
  answer: number | null | Error;
  key: string | undefined;
  /** The fake clock (epoch ms); only tests move it. */
  now: number;
  readings: CreditsReading[];
}

function world(): World {
  let reads = 0;
  const logLines: string[] = [];
  const log: Logger = {
    trace: () => undefined,
    debug: (m) => logLines.push(`debug: ${m}`),
    info: (m) => logLines.push(`info: ${m}`),
    warn: (m) => logLines.push(`warn: ${m}`),
    error: (m) => logLines.push(`error: ${m}`),
  };
  const state = {
    answer: 1000 as number | null | Error,
    key: 'afk_unit_test_key_0000' as string | undefined,
    now: Date.UTC(2026, 0, 1),
    readings: [] as CreditsReading[],
  };
  const tracker = new CreditsTracker({
    hasKey: () => Promise.resolve(state.key !== undefined),
    fetchCredits: () => {
      reads++;
      return state.answer instanceof Error ? Promise.reject(state.answer) : Promise.resolve(state.answer);
    },
    now: () => state.now,
    log,
  });
  tracker.onDidChange((reading) => state.readings.push(reading));
  const jobs = new FakeJobs();
  return Object.assign(state, { tracker, jobs, logLines, reads: () => reads });
}

/** Lets the tracker's promise chains (hasKey, fetch) run to the end. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await new Promise((resolve) => setImmediate(resolve));
}

describe('credits left: when they are read', () => {
  it('reads after a job settles (done, failed or expired), once per settling, not on progress', async () => {
    const w = world();
    w.tracker.watchJobs(w.jobs);
    w.jobs.move('a', 'pending-submit');
    w.jobs.move('a', 'running');
    w.jobs.move('a', 'downloading');
    await settle();
    assert.equal(w.reads(), 0, 'progress of a job in flight reads nothing');
    w.jobs.move('a', 'done');
    await settle();
    assert.equal(w.reads(), 1);
    assert.equal(w.tracker.reading.credits, 1000);
    assert.equal(w.tracker.reading.updatedAt, w.now);
    // A settled record changing again (a saved copy added) is not a new job.
    w.jobs.move('a', 'done');
    await settle();
    assert.equal(w.reads(), 1);
    w.jobs.move('b', 'pending-submit');
    w.answer = 992;
    w.jobs.move('b', 'failed');
    await settle();
    assert.equal(w.reads(), 2, 'a refused submit reads again (the 402 may follow a purchase elsewhere)');
    assert.equal(w.tracker.reading.credits, 992);
    w.jobs.move('c', 'running');
    w.jobs.move('c', 'expired');
    await settle();
    assert.equal(w.reads(), 3);
  });

  it('does not count records that were already settled when watching started, or deletions', async () => {
    const w = world();
    w.jobs.records.set('old', { localId: 'old', phase: 'done' } as JobRecord);
    w.tracker.watchJobs(w.jobs);
    w.tracker.watchJobs(w.jobs);
    w.jobs.move('old', 'done');
    w.jobs.remove('old');
    await settle();
    assert.equal(w.reads(), 0);
  });

  it('reads once for jobs settling together, then once more for those that settled while it read', async () => {
    const w = world();
    w.tracker.watchJobs(w.jobs);
    for (const id of ['a', 'b', 'c']) w.jobs.move(id, 'running');
    for (const id of ['a', 'b', 'c']) w.jobs.move(id, 'done');
    await settle();
    assert.equal(w.reads(), 2, 'the first read, and one after it for the jobs that settled meanwhile');
  });

  it('never reads while the window is left alone, however much time passes', async () => {
    const w = world();
    w.tracker.watchJobs(w.jobs);
    w.jobs.move('a', 'running');
    w.jobs.move('a', 'done');
    await settle();
    const before = w.reads();
    for (let hour = 0; hour < 48; hour++) {
      w.now += 60 * 60 * 1000;
      await settle();
    }
    assert.equal(w.reads(), before);
  });

  it('on focus: reads only once something shows the credits, and at most once per interval', async () => {
    const w = world();
    await w.tracker.windowFocused();
    assert.equal(w.reads(), 0, 'a window that never generated and never opened the gallery sends nothing on focus');
    await w.tracker.galleryOpened();
    assert.equal(w.reads(), 1, 'opening the gallery reads once');
    w.now += 10_000;
    await w.tracker.windowFocused();
    assert.equal(w.reads(), 1, 'a focus 10 s after the last read sends nothing');
    w.now += DEFAULT_FOCUS_INTERVAL_MS - 10_000 - 1;
    await w.tracker.windowFocused();
    assert.equal(w.reads(), 1, 'nor just under the interval');
    w.now += 1;
    w.answer = 980;
    await w.tracker.windowFocused();
    assert.equal(w.reads(), 2, 'a focus a full interval later reads again');
    assert.equal(w.tracker.reading.credits, 980);
    await w.tracker.windowFocused();
    assert.equal(w.reads(), 2, 'and the next focus right after it does not');
  });

  it('sends nothing without a key, and shows nothing', async () => {
    const w = world();
    w.key = undefined;
    w.tracker.watchJobs(w.jobs);
    w.jobs.move('a', 'running');
    w.jobs.move('a', 'failed');
    await w.tracker.galleryOpened();
    w.now += 10 * DEFAULT_FOCUS_INTERVAL_MS;
    await w.tracker.windowFocused();
    await settle();
    assert.equal(w.reads(), 0);
    assert.deepEqual(w.tracker.reading, { credits: null, stale: false });
  });

  it('a failed read is quiet: logged, the last figure kept and marked stale; the next read clears it', async () => {
    const w = world();
    await w.tracker.galleryOpened();
    const readAt = w.now;
    w.answer = new Error('Apiframe is temporarily unavailable (HTTP 503).');
    w.now += DEFAULT_FOCUS_INTERVAL_MS;
    await w.tracker.windowFocused();
    assert.deepEqual(w.tracker.reading, { credits: 1000, updatedAt: readAt, stale: true });
    assert.ok(w.logLines.some((line) => line.startsWith('warn: ') && line.includes('HTTP 503')), w.logLines.join('\n'));
    // The failed read counts for the throttle too: a flaky network is not hammered on every focus.
    w.now += 1000;
    await w.tracker.windowFocused();
    assert.equal(w.reads(), 2);
    w.answer = 990;
    await w.tracker.galleryOpened();
    assert.deepEqual(w.tracker.reading, { credits: 990, updatedAt: w.now, stale: false });
  });

  it('forgets the figure when the key changes (another account), and reads for the new key', async () => {
    const w = world();
    await w.tracker.galleryOpened();
    assert.equal(w.tracker.reading.credits, 1000);
    w.answer = 5;
    await w.tracker.keyChanged();
    assert.deepEqual(w.readings.map((r) => r.credits), [1000, null, 5]);
    w.key = undefined;
    await w.tracker.keyChanged();
    assert.equal(w.tracker.reading.credits, null);
    assert.equal(w.reads(), 2, 'no read once the key is removed');
  });

  it('drops an answer that arrives after the key changed', async () => {
    const w = world();
    let release: (credits: number) => void = () => undefined;
    let calls = 0;
    const slow = new CreditsTracker({
      hasKey: () => Promise.resolve(true),
      // The first read (old key) answers late; the read for the new key answers at once.
      fetchCredits: () => (++calls === 1 ? new Promise<number>((resolve) => (release = resolve)) : Promise.resolve(77)),
      now: () => w.now,
      log: { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    const reading = slow.galleryOpened();
    await settle();
    void slow.keyChanged();
    release(1234);
    await reading;
    assert.equal(slow.reading.credits, 77, 'the old account’s figure is never shown for the new key');
    assert.equal(calls, 2);
  });

  it('sends nothing once disposed', async () => {
    const w = world();
    w.tracker.watchJobs(w.jobs);
    w.tracker.dispose();
    w.jobs.move('a', 'running');
    w.jobs.move('a', 'done');
    await w.tracker.galleryOpened();
    await settle();
    assert.equal(w.reads(), 0);
  });
});
