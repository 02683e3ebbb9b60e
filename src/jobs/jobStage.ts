/**
 * Where a job in progress stands, as every surface shows it — the progress notification, the status bar and
 * the gallery card read this one function (through the job manager's `stageOf`), so they never disagree.
 * Pure (no `vscode`).
 *
 * Never backwards: the manager stores a job's status and progress through `advanceStatus`, so a QUEUED answer
 * after PROCESSING, or a lower progress value, never moves the record (and with it every surface) back. A job
 * that goes from QUEUED straight to COMPLETED goes from Queued straight to Downloading: the stage says what is
 * known, it does not invent a Generating the server never reported.
 */
import type { JobStatus } from '../apiframe/types';
import type { ActiveStage, ActiveStageName, JobRecord, JobStage } from './types';

export type { ActiveStageName } from './types';
/** The stage of a job in progress (the gallery protocol's `GalleryStage` has the same shape). */
export type JobStageView = ActiveStage;

/** What the record does not say itself but the manager knows. */
export interface StageHints {
  /** Expected total duration in seconds (from the user's duration model). */
  readonly expectedSeconds?: number;
}

/** The stages in the order a job goes through them. */
export const STAGE_ORDER: readonly JobStage['stage'][] = ['submitting', 'queued', 'generating', 'downloading', 'done'];

/** The stage of a record that is being worked on; `undefined` for records at rest (done, failed, stopped…). */
export function jobStageOf(record: JobRecord, hints: StageHints = {}): JobStageView | undefined {
  const stage = activeStageNameOf(record);
  if (stage === undefined) return undefined;
  const percent = stage === 'generating' ? clampPercent(record.progress) : null;
  const expected = hints.expectedSeconds;
  return {
    stage,
    percent,
    since: record.createdAt,
    ...(expected !== undefined && Number.isFinite(expected) && expected > 0 ? { expectedSeconds: Math.round(expected) } : {}),
  };
}

function activeStageNameOf(record: JobRecord): ActiveStageName | undefined {
  switch (record.phase) {
    case 'pending-submit':
      return 'submitting';
    case 'running':
      if (record.status === 'PROCESSING') return 'generating';
      return record.jobId ? 'queued' : 'submitting';
    case 'downloading':
      return 'downloading';
    default:
      return undefined;
  }
}

/** 0–100 rounded, or `null` for anything that is not a finite number. */
function clampPercent(value: number | null | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(Math.max(0, Math.min(100, value))) : null;
}

/** Position of a stage in `STAGE_ORDER` (later stages rank higher). */
export function stageRank(stage: JobStage['stage']): number {
  return STAGE_ORDER.indexOf(stage);
}

/** True when `next` is a step back from `previous` (an earlier stage, or a lower percent in the same stage). */
export function isStepBack(previous: JobStage, next: JobStage): boolean {
  const rankDifference = stageRank(next.stage) - stageRank(previous.stage);
  if (rankDifference !== 0) return rankDifference < 0;
  const before = 'percent' in previous ? previous.percent : null;
  const after = 'percent' in next ? next.percent : null;
  return before !== null && (after === null || after < before);
}

/**
 * The status and progress to store for a server answer, given what the record already has: a running job
 * never goes back from PROCESSING to QUEUED, and its progress never goes down (nor is a known value forgotten
 * because one answer carried `null`). Terminal statuses are taken as they are.
 */
export function advanceStatus(
  previous: { readonly status?: JobStatus; readonly progress?: number | null },
  next: { readonly status: JobStatus; readonly progress: number | null },
): { status: JobStatus; progress: number | null } {
  const status = previous.status === 'PROCESSING' && next.status === 'QUEUED' ? 'PROCESSING' : next.status;
  if (status !== 'QUEUED' && status !== 'PROCESSING') return { status, progress: next.progress };
  const before = typeof previous.progress === 'number' && Number.isFinite(previous.progress) ? previous.progress : null;
  const after = typeof next.progress === 'number' && Number.isFinite(next.progress) ? next.progress : null;
  // A QUEUED job's progress (0 on some servers) says nothing about generating: it is not carried over.
  if (previous.status === 'QUEUED' && status === 'PROCESSING') return { status, progress: after };
  if (before === null) return { status, progress: after };
  return { status, progress: after === null ? before : Math.max(before, after) };
}

/** Seconds since the stage's clock started, or `undefined` when it has none (or it is unreadable). */
export function elapsedSeconds(view: JobStageView, now: number): number | undefined {
  if (view.since === undefined) return undefined;
  const started = Date.parse(view.since);
  if (!Number.isFinite(started)) return undefined;
  return Math.max(0, Math.floor((now - started) / 1000));
}

/** Where the progress bar stands (0–100) at each stage. */
export const BAR = {
  submitting: 2,
  /** Queued spans QUEUED_FROM…GENERATING_FROM with the elapsed share of the expected time. */
  queuedFrom: 5,
  generatingFrom: 15,
  /** Generating never passes this without the server saying the job is done: Downloading starts here. */
  downloadingFrom: 90,
  done: 100,
} as const;

/** The largest share of the expected time the bar shows while no server percent is known (it never looks done). */
const TIME_SHARE_CAP = 0.95;

/**
 * Where a notification's bar stands for a stage at `now`: Submitting and Queued are short, Generating takes
 * most of the bar — with the server's percent when it reports one, otherwise with the elapsed share of the
 * expected duration (capped below Downloading, so a slow job never looks finished) — and Downloading the
 * rest. The caller keeps the maximum it has shown, so the bar never moves back.
 */
export function barPercent(stage: JobStage, now: number): number {
  if (stage.stage === 'done') return BAR.done;
  const share = timeShare(stage, now);
  switch (stage.stage) {
    case 'submitting':
      return BAR.submitting;
    case 'queued':
      return Math.round(BAR.queuedFrom + (BAR.generatingFrom - BAR.queuedFrom) * Math.min(share ?? 0, 1));
    case 'generating': {
      const span = BAR.downloadingFrom - BAR.generatingFrom;
      if (stage.percent !== null) return Math.round(BAR.generatingFrom + (span * stage.percent) / 100);
      return Math.round(BAR.generatingFrom + span * Math.min(share ?? 0, TIME_SHARE_CAP));
    }
    case 'downloading':
      return stage.percent === null ? BAR.downloadingFrom : Math.round(BAR.downloadingFrom + ((BAR.done - BAR.downloadingFrom) * stage.percent) / 100);
  }
}

/** Elapsed time as a share of the expected duration, or `undefined` when either is unknown. */
function timeShare(view: JobStageView, now: number): number | undefined {
  const elapsed = elapsedSeconds(view, now);
  const expected = view.expectedSeconds;
  if (elapsed === undefined || expected === undefined || expected <= 0) return undefined;
  return elapsed / expected;
}

/** `m:ss` (or `h:mm:ss` from an hour on), for "0:12 of about 0:20". */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const mmss = `${h > 0 ? String(m).padStart(2, '0') : m}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}
