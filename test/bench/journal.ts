/**
 * Journal at scale: the history setting allows 10,000 records, and every window of the user shares one
 * journal. With a realistic 10,000-record journal (journalFixture.ts: five windows' stamps, a full tombstone
 * quota, one job still running) this measures, on the real disk with real fsync:
 *   startup       a new job manager on that folder → the running job's first poll (load, cache sweep, resume);
 *   write         one status change of the running job → `save()` resolved (merge with the file, durable);
 *   write-merge   the same after another window changed one of its records (the merge has work to do);
 *   write-stall   the longest the event loop stood still during one write (the extension host's thread:
 *                 every other extension waits that long);
 *   gallery-state the items of the gallery's first `state` message built from the history and serialised
 *                 (as postMessage does).
 * Each is a median after a warm-up, with the same operation at the default history size (500 records) as its
 * baseline in the same run.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ApiframeClient } from '../../src/apiframe/client';
import { toGalleryItem } from '../../src/gallery/galleryItems';
import { stateMessagesOf } from '../../src/gallery/galleryStateMessages';
import type { GalleryStrings } from '../../src/gallery/protocol';
import { Journal } from '../../src/jobs/journal';
import { createJobManager } from '../../src/jobs/manager';
import type { JobManager } from '../../src/jobs/managerApi';
import type { JobRecord } from '../../src/jobs/types';
import type { Logger } from '../../src/shared/logger';
import { median, type BenchLine } from './benchLine';
import { journalFixture, writeJournalFixture } from './journalFixture';

const SCALE = 10_000;
const DEFAULT_HISTORY = 500;
const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;
const quiet: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const loadNow = (): string => os.loadavg().map((load) => load.toFixed(2)).join(' ');

/** The longest gap between two turns of the event loop while it runs (a stand-in for "the thread was busy"). */
function stallMonitor(): { stop(): number } {
  let last = performance.now();
  let worst = 0;
  let running = true;
  const tick = () => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop() {
      running = false;
      return Math.max(worst, performance.now() - last);
    },
  };
}

/** A client whose every call waits until it is aborted, telling `onPoll` when a job is first polled. */
function waitingClient(onPoll: () => void): ApiframeClient {
  const reason = (signal: AbortSignal): Error => (signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
  const forever = (signal?: AbortSignal) =>
    new Promise<never>((_, reject) => {
      if (signal?.aborted) reject(reason(signal));
      signal?.addEventListener('abort', () => reject(reason(signal)), { once: true });
    });
  return {
    submitImage: (_request: unknown, options?: { signal?: AbortSignal }) => forever(options?.signal),
    getJob: (_jobId: string, options?: { signal?: AbortSignal }) => {
      onPoll();
      return forever(options?.signal);
    },
    listJobs: (_query: unknown, options?: { signal?: AbortSignal }) => forever(options?.signal),
    downloadImage: (_url: string, options: { signal?: AbortSignal }) => forever(options.signal),
  } as unknown as ApiframeClient;
}

const instantSleep = (_ms: number, signal?: AbortSignal): Promise<void> => {
  signal?.throwIfAborted();
  return Promise.resolve();
};

interface StartupFigures {
  readonly startupMs: number;
  readonly galleryStateMs: number;
  readonly galleryStateBytes: number;
}

/** One window opening: manager created → the running job polled; then the gallery's first state from its history. */
async function startUpOnce(dir: string): Promise<StartupFigures> {
  let polled: () => void = () => undefined;
  const firstPoll = new Promise<void>((resolve) => (polled = resolve));
  const began = performance.now();
  const manager: JobManager = createJobManager({
    storageDir: dir,
    client: () => Promise.resolve(waitingClient(() => polled())),
    historyLimit: SCALE,
    maxImageBytes: 50 * 1024 * 1024,
    log: quiet,
    sleep: instantSleep,
  });
  await manager.start();
  await firstPoll;
  const startupMs = performance.now() - began;

  // What the gallery panel posts first (galleryPanel.ts `postState`): the first message's items, serialised.
  const stateBegan = performance.now();
  const [first] = stateMessagesOf(
    manager.history(),
    (record) =>
      toGalleryItem(record, {
        imageSrc: (r, index) => {
          const file = manager.cachedFilePath(r, index);
          // `asWebviewUri`: the file's path under the webview's resource authority.
          return file === undefined ? undefined : `https://file%2B.vscode-resource.vscode-cdn.net${encodeURI(file)}`;
        },
        // `asRelativePath` of the newest saved copy: a prefix cut.
        savedPath: (r) => r.savedCopies?.at(-1)?.uri.replace('file:///home/dev/projects/site/', ''),
        stageOf: (r) => manager.stageOf(r),
      }),
    {} as GalleryStrings,
    'en',
  );
  const message = JSON.stringify(first);
  const galleryStateMs = performance.now() - stateBegan;
  await manager.dispose();
  return { startupMs, galleryStateMs, galleryStateBytes: message.length };
}

interface WriteFigures {
  readonly writeMs: number;
  readonly writeStallMs: number;
  readonly mergeWriteMs: number;
  readonly mergeStallMs: number;
  /** A compaction right after a load (every record stringified): how long, and the longest stall. */
  readonly compactionMs: number;
  readonly compactionStallMs: number;
}

/** One status change of the running job → durable, alone and after another window's change. */
async function measureWrites(dir: string, pendingId: string, repeats: number): Promise<WriteFigures> {
  const window = new Journal({ dir, log: quiet });
  const other = new Journal({ dir, log: quiet });
  await window.load();
  await other.load();
  const done = other.all().filter((r) => r.phase === 'done');
  let progress = 36;
  const change = async (): Promise<{ ms: number; stall: number }> => {
    const record = window.get(pendingId);
    if (!record) throw new Error('the running job is missing from the journal');
    const monitor = stallMonitor();
    const began = performance.now();
    window.put({ ...record, progress: progress++ % 99 });
    await window.save();
    const ms = performance.now() - began;
    return { ms, stall: monitor.stop() };
  };
  // The first write after a load may carry the load's own changes: not what a status change costs.
  for (let i = 0; i < 2; i++) await change();
  const alone: { ms: number; stall: number }[] = [];
  const merged: { ms: number; stall: number }[] = [];
  for (let i = 0; i < repeats; i++) {
    alone.push(await change());
    // Another window saves a copy of one of its images into the workspace: this window's write merges it.
    const target = done[(i * 37) % done.length];
    if (target) {
      const current = other.get(target.localId) ?? target;
      other.put({ ...current, savedCopies: [...(current.savedCopies ?? []), { uri: `file:///home/dev/other/${i}.png`, index: 0, savedAt: new Date().toISOString() }].slice(-20) });
      await other.save();
    }
    merged.push(await change());
  }
  await window.close();
  await other.close();
  // A compaction as the first write after a load (its worst case: no record's JSON kept yet), after the
  // write that triggered it was acknowledged.
  const compactions: { ms: number; stall: number }[] = [];
  for (let i = 0; i < 3; i++) {
    const compacting = new Journal({ dir, log: quiet, compactionLogBytes: 1 });
    await compacting.load();
    const record = compacting.get(pendingId);
    if (!record) throw new Error('the running job is missing from the journal');
    compacting.put({ ...record, progress: i });
    await compacting.save();
    const monitor = stallMonitor();
    const began = performance.now();
    await compacting.close(); // waits for the compaction
    compactions.push({ ms: performance.now() - began, stall: monitor.stop() });
  }
  return {
    compactionMs: median(compactions.map((c) => c.ms)),
    compactionStallMs: median(compactions.map((c) => c.stall)),
    writeMs: median(alone.map((w) => w.ms)),
    writeStallMs: median(alone.map((w) => w.stall)),
    mergeWriteMs: median(merged.map((w) => w.ms)),
    mergeStallMs: median(merged.map((w) => w.stall)),
  };
}

interface ScaleFigures extends StartupFigures, WriteFigures {
  readonly fileBytes: number;
}

async function measureAt(root: string, count: number): Promise<ScaleFigures> {
  const dir = path.join(root, String(count));
  const fixture = journalFixture(count, { pending: 1 });
  await writeJournalFixture(dir, fixture);
  const fileBytes = (await fs.stat(path.join(dir, 'journal.json'))).size;
  const pending = fixture.records.at(-1) as JobRecord;
  await startUpOnce(dir); // warm-up (and the first rewrite by this version, if any)
  const startups: StartupFigures[] = [];
  for (let i = 0; i < 7; i++) startups.push(await startUpOnce(dir));
  const writes = await measureWrites(dir, pending.localId, 15);
  return {
    fileBytes,
    startupMs: median(startups.map((s) => s.startupMs)),
    galleryStateMs: median(startups.map((s) => s.galleryStateMs)),
    galleryStateBytes: startups[0]?.galleryStateBytes ?? 0,
    ...writes,
  };
}

/** A folder on the real disk (not a RAM disk): fsync must cost what it costs for the user. */
async function benchRoot(): Promise<string> {
  const parent = process.env.APIFRAME_BENCH_DIR ?? ((await fs.stat('/var/tmp').catch(() => undefined))?.isDirectory() ? '/var/tmp' : os.tmpdir());
  return fs.mkdtemp(path.join(parent, 'apiframe-journal-bench-'));
}

export async function runJournalBench(): Promise<BenchLine[]> {
  const root = await benchRoot();
  try {
    const base = await measureAt(root, DEFAULT_HISTORY);
    const big = await measureAt(root, SCALE);
    for (const [label, f] of [
      [DEFAULT_HISTORY, base],
      [SCALE, big],
    ] as const) {
      console.log(
        `journal ${label} records (${round(f.fileBytes / 1024 / 1024, 2)} MB, ${root}): startup ${round(f.startupMs)} ms, ` +
          `write ${round(f.writeMs)} ms (stall ${round(f.writeStallMs)} ms), write after another window ${round(f.mergeWriteMs)} ms ` +
          `(stall ${round(f.mergeStallMs)} ms), compaction ${round(f.compactionMs)} ms (stall ${round(f.compactionStallMs)} ms), gallery state ${round(f.galleryStateMs)} ms (${round(f.galleryStateBytes / 1024 / 1024, 2)} MB), load ${loadNow()}`,
      );
    }
    return [
      // Start-up stands between a reload and the first poll of a job the user paid for. The poll schedule
      // aims at a mean detection lag of about 1 s, and polls of a running job are seconds apart: a first poll
      // up to 1 s late is caught up at the next poll, so the user sees the image at most one poll later.
      // Absolute 1,000 ms (about 400 ms on a quiet machine: parsing 11 MB of JSON is most of it); ratio: at
      // most linear in the history (20× the records of the baseline).
      { name: 'journal-10k-startup', value: round(big.startupMs), unit: 'ms', budget: 1000, baseline: round(base.startupMs), ratioBudget: 20 },
      // A write runs several times per job (submit, answer, completion, download) and before every submit:
      // a submit waits for it, and the first-use budget (command → request on the wire) is 150 ms in all.
      // Absolute 50 ms leaves the rest to the client; ratio 3× the default history's write: the cost of a
      // write must not grow with the history (an fsync of a few bytes is the floor either way).
      { name: 'journal-10k-write', value: round(big.writeMs), unit: 'ms', budget: 50, baseline: round(base.writeMs), ratioBudget: 3 },
      // Another window's change makes this write merge: the same absolute, and the merge must stay proportional
      // to what changed, not to the history. Ratio 5×, not 3×: at about a millisecond per write, the fsync's own
      // spread on this disk (under 1 ms to 15 ms between runs) is larger than anything the merge adds.
      { name: 'journal-10k-write-after-other-window', value: round(big.mergeWriteMs), unit: 'ms', budget: 50, baseline: round(base.mergeWriteMs), ratioBudget: 5 },
      // The extension host's one thread also runs every other extension and the editor's own features
      // (completions, decorations): a write must never hold it longer than a frame (16 ms at 60 Hz).
      { name: 'journal-10k-write-stall', value: round(big.writeStallMs), unit: 'ms', budget: 16, baseline: round(base.writeStallMs) },
      { name: 'journal-10k-write-after-other-window-stall', value: round(big.mergeStallMs), unit: 'ms', budget: 16, baseline: round(base.mergeStallMs) },
      // A compaction folds the log into the snapshot once the log is a quarter of it (about every 400 jobs at
      // 10,000 records), after the write that triggered it was acknowledged: no one waits for it, but the
      // thread does. Absolute: 100 ms, the longest hitch that still reads as instant (RAIL's response budget).
      { name: 'journal-10k-compaction-stall', value: round(big.compactionStallMs), unit: 'ms', budget: 100, baseline: round(base.compactionStallMs) },
      // The gallery's first message (a first screen of items; the rest follows in later messages, built one
      // at a time): it is built on the host's one thread like a write, so it gets a frame (16 ms). Ratio 5× (sub-millisecond figures are noisy):
      // the first message does not grow with the history — only finding the first records may.
      { name: 'journal-10k-gallery-state', value: round(big.galleryStateMs), unit: 'ms', budget: 16, baseline: round(base.galleryStateMs), ratioBudget: 5 },
    ];
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
}
