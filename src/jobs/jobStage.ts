/**
 * Where a job in progress stands, as every surface shows it — the progress notification, the status bar and
 * the gallery card read this one function, so they never disagree. Pure (no `vscode`).
 */
import type { JobRecord } from './types';

export type ActiveStageName = 'submitting' | 'queued' | 'generating' | 'downloading';

export interface JobStageView {
  readonly stage: ActiveStageName;
  /** 0–100 when the server reports progress; `null` otherwise. */
  readonly percent: number | null;
  /** ISO time the job was submitted (the clock for "elapsed" when there is no percent). */
  readonly since?: string;
  /** Expected total duration in seconds, when known. */
  readonly expectedSeconds?: number;
}

/** The stage of a record that is being worked on; `undefined` for records at rest (done, failed, stopped…). */
export function jobStageOf(record: JobRecord): JobStageView | undefined {
  const since = record.createdAt;
  switch (record.phase) {
    case 'pending-submit':
      return { stage: 'submitting', percent: null, since };
    case 'running':
      if (record.status === 'PROCESSING') {
        const percent = typeof record.progress === 'number' && Number.isFinite(record.progress) ? Math.max(0, Math.min(100, record.progress)) : null;
        return { stage: 'generating', percent, since };
      }
      return { stage: record.jobId ? 'queued' : 'submitting', percent: null, since };
    case 'downloading':
      return { stage: 'downloading', percent: null, since };
    default:
      return undefined;
  }
}
