import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Journal } from '../../src/jobs/journal';
import { ACTIVE_PHASES } from '../../src/shared/jobPhases';
import { JobStoppedError, type JobManager, type JobManagerHooks } from '../../src/jobs/managerApi';
import type { JobRecord, JobStage } from '../../src/jobs/types';
import type { EmulatorProfile, Fault, JobOutcome } from '../emulator/index';
import { seededRandom } from '../emulator/random';
import { createHarness, listFiles, recordingLogger } from './harness';

/**
 * The REAL job manager (journal, submit, wait, download, cache — on disk) driven against the emulator, under
 * one of its profiles (any server the spec allows), with random faults and random restarts — some of them a
 * day long, past the 24-hour idempotency window — then checked against the emulator's own books. Every job
 * the SERVER created must be accounted for:
 *   - COMPLETED and not purged: its record is `done` with the exact bytes cached, or waits for the user
 *     (`needs-decision`, with the reason);
 *   - COMPLETED and purged: `done` (cached in time), `expired`, or `needs-decision`;
 *   - FAILED / CANCELLED on the server: nothing was charged.
 * lost       = server jobs not accounted for that way (a paid job left failed, detached, unfinished or without a record),
 * duplicates = server jobs beyond one per record (per idempotency key, per prompt: each chaos job has its own prompt),
 * corrupt    = cached files whose bytes differ from what the emulator served (or leftovers of downloads),
 * unfinished = records still submitting, running, downloading or detached after the user's last resume.
 * Everything random is drawn from one seeded generator, so a failing seed can be replayed (thread timing
 * can still reorder concurrent requests; the invariants must hold for every order).
 */

export interface ChaosOptions {
  readonly profile?: EmulatorProfile;
  readonly seed: number;
  readonly jobs: number;
  /** Jobs followed at once. */
  readonly concurrency: number;
  /** Share of jobs that arm a restart at one of the dangerous points of their life. */
  readonly restartRate: number;
  /** Share of requests that get a random fault. */
  readonly faultRate: number;
  readonly log?: (line: string) => void;
}

export interface ChaosResult {
  readonly profile: EmulatorProfile;
  readonly seed: number;
  readonly jobs: number;
  readonly restarts: number;
  readonly completed: number;
  readonly failed: number;
  readonly expired: number;
  readonly unfinished: number;
  readonly lost: number;
  readonly duplicates: number;
  readonly corrupt: number;
  readonly needsDecision: number;
  readonly serverJobs: number;
  readonly requests: number;
  readonly faults: number;
  readonly summary: string;
  readonly detail: string;
}

type RestartPoint = 'journalWritten' | 'submitAnswered' | 'waiting' | 'downloadStarted';
const RESTART_POINTS: readonly RestartPoint[] = ['journalWritten', 'submitAnswered', 'waiting', 'downloadStarted'];
const FAULT_KINDS: Fault['kind'][] = ['status', 'status', 'reset', 'lostResponse', 'delay', 'malformedJson', 'htmlBody', 'truncatedBody'];
/** Emulated retention of results; a "long outage" restart advances the emulated clock past it. */
const RETENTION_MS = 10 * 60_000;
const TIME_SCALE = 0.002;
const CLIENT_TIMEOUT_MS = 400;
const DAY_MS = 24 * 60 * 60_000;
/** Phases in which a record still has work the user would resume (a record waiting for a decision has its reason). */
const OPEN_PHASES: ReadonlySet<JobRecord['phase']> = new Set([...ACTIVE_PHASES, 'detached']);

function seededUuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = (Math.floor(random() * 4) + 8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

function pickOutcome(random: () => number): JobOutcome {
  const roll = random();
  if (roll < 0.06) return { kind: 'failed' };
  if (roll < 0.1) return { kind: 'cancelled' };
  if (roll < 0.12) return { kind: 'image', body: 'truncated' };
  // Content-Length says half: the transport sees a "complete" response; only the image check can notice.
  if (roll < 0.14) return { kind: 'image', body: 'lyingLength' };
  if (roll < 0.3) return { kind: 'completed', images: 2 };
  return { kind: 'completed', images: 1 };
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  // Separate streams: the decisions stay the same whatever order concurrent requests consume jitter and ids in.
  const random = seededRandom(options.seed, 'decisions');
  const jitter = seededRandom(options.seed, 'jitter');
  const ids = seededRandom(options.seed, 'ids');
  const print = options.log ?? (() => undefined);
  const profile = options.profile ?? 'friendly';
  const harness = await createHarness({
    emulator: { profile, seed: options.seed, timeScale: TIME_SCALE, imageScale: 1 / 32, retentionMs: RETENTION_MS, credits: 100_000_000 },
    client: { timeoutMs: CLIENT_TIMEOUT_MS, maxRetries: 4, random: jitter },
  });
  const { emulator } = harness;
  emulator.faults.random({
    seed: options.seed,
    rate: options.faultRate,
    kinds: FAULT_KINDS,
    retryAfter: '1',
    delayMs: CLIENT_TIMEOUT_MS + 200,
  });

  // Restart plan: job index → the point of its life where the manager is torn down.
  const armed = new Map<string, RestartPoint>();
  let restarts = 0;
  let longOutages = 0;
  let dayLongOutages = 0;
  let manager: JobManager;
  let restarting: Promise<void> | undefined;
  const quietLog = recordingLogger(process.env.APIFRAME_TEST_ECHO_LOG === "1");

  const hooks: JobManagerHooks = {
    journalWritten: (record) => trigger(record, 'journalWritten'),
    submitAnswered: (record) => trigger(record, 'submitAnswered'),
    downloadStarted: (record) => trigger(record, 'downloadStarted'),
  };
  // The manager reads the emulator's clock: a window "closed for a day" is a jump of that clock.
  const newManager = () => harness.newManager({ hooks, log: quietLog, newId: () => seededUuid(ids), now: () => emulator.clock.now() });

  function trigger(record: JobRecord, point: RestartPoint): void {
    if (armed.get(record.prompt) !== point) return;
    armed.delete(record.prompt);
    void restart();
  }

  /** Tears the current manager down mid-flight and starts a new one on the same storage. */
  function restart(): Promise<void> {
    restarting ??= (async () => {
      const old = manager;
      await old.dispose();
      restarts++;
      // Now and then the window stays closed long enough for finished results to expire, and sometimes for
      // more than a day: past the idempotency window, where only the job list can tell what exists.
      const roll = random();
      if (roll < 0.03) {
        dayLongOutages++;
        emulator.clock.advance(DAY_MS + 60 * 60_000);
      } else if (roll < 0.09) {
        longOutages++;
        emulator.clock.advance(RETENTION_MS + 60_000);
      }
      manager = newManager();
      await manager.start();
    })().finally(() => {
      restarting = undefined;
    });
    return restarting;
  }

  async function currentManager(): Promise<JobManager> {
    while (restarting) await restarting;
    return manager;
  }

  manager = newManager();
  await manager.start();

  const prompts = Array.from({ length: options.jobs }, (_, i) => `chaos job ${i}: a ${['red', 'green', 'blue', 'gold'][i % 4]} kite`);
  const plan = prompts.map((prompt) => {
    const point = random() < options.restartRate ? RESTART_POINTS[Math.floor(random() * RESTART_POINTS.length)] : undefined;
    return { prompt, point, outcome: pickOutcome(random), aspectRatio: random() < 0.5 ? ('1:1' as const) : ('3:2' as const) };
  });

  let next = 0;
  /** One "user" at a time per worker: runs a job and waits for it, across restarts, like the notification does. */
  async function worker(): Promise<void> {
    for (;;) {
      const job = plan[next++];
      if (job === undefined) return; // every planned job is taken
      if (job.point) armed.set(job.prompt, job.point);
      emulator.faults.nextJob(job.outcome);
      const followOptions = {
        onStage: (stage: JobStage) => {
          if (stage.stage === 'generating' && armed.get(job.prompt) === 'waiting') {
            armed.delete(job.prompt);
            void restart();
          }
        },
      };
      let localId: string | undefined;
      for (;;) {
        const current = await currentManager();
        try {
          if (localId === undefined) {
            await current.generate({ prompt: job.prompt, aspectRatio: job.aspectRatio, style: 'vivid' }, followOptions);
          } else {
            // The new manager's start() is already following it: this joins that work.
            await current.resume(localId, followOptions);
          }
          break;
        } catch (error) {
          if (!(error instanceof JobStoppedError)) throw error;
          // Stopped by a restart. A journaled record is finished by the next manager; a job that never got
          // journaled is simply run again (as a user would run the command again).
          const successor = await currentManager();
          localId ??= successor.history().find((r) => r.prompt === job.prompt)?.localId;
        }
      }
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, () => worker()));
  while (restarting) await restarting;
  await manager.whenIdle();

  // The user comes back and resumes whatever was interrupted; the last rounds run on a healthy network, and
  // the very last one a day later (what still cannot be downloaded then has expired on the server).
  for (let round = 0; round < 4; round++) {
    if (round === 2) emulator.faults.clear();
    if (round === 3) emulator.clock.advance(RETENTION_MS + 60_000);
    const current = await currentManager();
    const open = current.history().filter((r) => OPEN_PHASES.has(r.phase));
    if (open.length === 0) break;
    await Promise.all(open.map((r) => current.resume(r.localId).catch(() => undefined)));
    await current.whenIdle();
  }
  await manager.dispose();
  emulator.faults.clear();

  // ---- the books -------------------------------------------------------------------------------------
  const journal = new Journal({ dir: harness.storageDir, log: quietLog });
  const { records } = await journal.load();
  const serverJobs = emulator.jobs();

  // Duplicates: more than one server job for one record's key, or for one prompt (each chaos job has its own
  // prompt, so a second job for it is a double charge even when a buggy client used a fresh key).
  const perKey = new Map<string, number>();
  let duplicates = 0;
  for (const job of serverJobs) {
    if (job.idempotencyKey === undefined) {
      duplicates++;
      continue;
    }
    perKey.set(job.idempotencyKey, (perKey.get(job.idempotencyKey) ?? 0) + 1);
  }
  for (const count of perKey.values()) duplicates += count - 1;
  const perPrompt = new Map<string, number>();
  for (const job of serverJobs) perPrompt.set(job.prompt, (perPrompt.get(job.prompt) ?? 0) + 1);
  let duplicatePrompts = 0;
  for (const count of perPrompt.values()) duplicatePrompts += count - 1;
  duplicates = Math.max(duplicates, duplicatePrompts);

  const imagesDir = path.join(harness.storageDir, 'images');
  const cachedFiles = await listFiles(imagesDir);
  const byJobId = new Map(records.flatMap((r) => (r.jobId ? [[r.jobId, r] as const] : [])));
  const byKey = new Map(records.map((r) => [r.idempotencyKey, r]));
  let lost = 0;
  for (const job of serverJobs) {
    if (job.status === 'FAILED' || job.status === 'CANCELLED') continue;
    const record = byJobId.get(job.id) ?? (job.idempotencyKey !== undefined ? byKey.get(job.idempotencyKey) : undefined);
    const why = unaccounted(job, record, cachedFiles);
    if (why) {
      lost++;
      print(`chaos: lost server job ${job.id} (${job.status}${job.expired ? ', purged' : ''}): ${why}`);
    }
  }

  const serverJobByLocalId = new Map<string, (typeof serverJobs)[number]>();
  for (const record of records) {
    const job = serverJobs.find((j) => j.id === record.jobId) ?? serverJobs.find((j) => j.idempotencyKey === record.idempotencyKey);
    if (job) serverJobByLocalId.set(record.localId, job);
  }
  let corrupt = 0;
  for (const file of cachedFiles) {
    const [, localId, imageNumber] = /^([^/]+)\/(\d+)\.png$/.exec(file) ?? [];
    const expected = localId !== undefined ? serverJobByLocalId.get(localId)?.imageBytes[Number(imageNumber) - 1] : undefined;
    const actual = await fs.readFile(path.join(imagesDir, file));
    if (!expected || !expected.equals(actual)) {
      corrupt++;
      print(`chaos: corrupt cached file ${file}`);
    }
  }
  for (const record of records) {
    for (const image of record.files ?? []) {
      if (!cachedFiles.includes(image.file)) {
        corrupt++;
        print(`chaos: record ${record.localId} lists a missing file ${image.file}`);
      }
    }
  }

  const count = (phase: JobRecord['phase']) => records.filter((r) => r.phase === phase).length;
  const completed = count('done');
  const failed = count('failed');
  const expired = count('expired');
  const needsDecision = count('needs-decision');
  const unfinishedRecords = records.filter((r) => OPEN_PHASES.has(r.phase));
  for (const record of unfinishedRecords) print(`chaos: unfinished ${record.localId} (${record.phase}): ${record.interruption ?? record.error ?? ''}`);
  const unfinished = unfinishedRecords.length;
  const requests = emulator.log.entries.length;
  const faults = emulator.log.entries.filter((e) => e.fault !== undefined).length;
  const summary =
    `chaos: profile=${profile} seed=${options.seed} jobs=${options.jobs} restarts=${restarts} completed=${completed} failed=${failed} ` +
    `expired=${expired} unfinished=${unfinished} lost=${lost} duplicates=${duplicates} corrupt=${corrupt}`;
  const detail =
    `chaos: records=${records.length} needs-decision=${needsDecision} long-outages=${longOutages} day-long-outages=${dayLongOutages} ` +
    `server-jobs=${serverJobs.length} requests=${requests} faults=${faults}`;
  await harness.cleanup();
  return {
    profile,
    seed: options.seed,
    jobs: options.jobs,
    restarts,
    completed,
    failed,
    expired,
    unfinished,
    lost,
    duplicates,
    corrupt,
    needsDecision,
    serverJobs: serverJobs.length,
    requests,
    faults,
    summary,
    detail,
  };
}

/**
 * Why a server job that was (or will be) charged is not accounted for by its record, or undefined when it is:
 * images cached, marked expired after the purge, or waiting for the user's decision with a reason.
 */
function unaccounted(
  job: { readonly id: string; readonly status: string; readonly expired: boolean; readonly imageUrls: readonly string[] },
  record: JobRecord | undefined,
  cachedFiles: readonly string[],
): string | undefined {
  if (!record) return 'no record in the history';
  if (record.phase === 'needs-decision') return record.interruption ? undefined : 'waits for a decision without a reason';
  if (job.status !== 'COMPLETED') return `the server job is still ${job.status} while the record is ${record.phase}`;
  if (record.phase === 'done') {
    const files = record.files ?? [];
    if (files.length === 0 || files.some((f) => !cachedFiles.includes(f.file))) return 'done without its cached files';
    return undefined;
  }
  if (record.phase === 'expired') return job.expired ? undefined : 'marked expired although the results were still there';
  return `the record is ${record.phase}${record.error ? `: ${record.error}` : record.interruption ? `: ${record.interruption}` : ''}`;
}
