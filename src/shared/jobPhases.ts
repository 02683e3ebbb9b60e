/**
 * Where a job record stands locally — one list, and the sets every layer derives from it (the job manager,
 * the status bar's "pending work" flag and the gallery page all ask the same questions):
 * - `pending-submit`: journaled, submit not (yet) answered — re-send with the same key;
 * - `running`: submitted, being followed (or followed again on resume);
 * - `detached`: the user stopped waiting (or following failed); the job may still run on Apiframe; Resume follows it again;
 * - `downloading`: completed on the server, images not all cached yet;
 * - `done`: completed and every image cached;
 * - `failed`: FAILED / CANCELLED on the server, or refused before anything was created;
 * - `expired`: completed, but the result links expired before they could be cached;
 * - `needs-decision`: paid work may exist on Apiframe that the extension cannot settle on its own (see
 *   `JobRecord.decision`); never resubmitted or given up silently, and not resumed at start-up.
 */
export const JOB_PHASES = [
  'pending-submit',
  'running',
  'detached',
  'downloading',
  'done',
  'failed',
  'expired',
  'needs-decision',
] as const;

export type JobPhase = (typeof JOB_PHASES)[number];

/** Work in progress: a task follows the record right now, and a start-up picks it up without being asked. */
export const ACTIVE_PHASES: ReadonlySet<JobPhase> = new Set<JobPhase>(['pending-submit', 'running', 'downloading']);

/** The end of a record's life: only these may be pruned by the history cap. */
export const TERMINAL_PHASES: ReadonlySet<JobPhase> = new Set<JobPhase>(['done', 'failed', 'expired']);

/** Records whose card says why they stopped (`JobRecord.interruption`) and offers to go on. */
export const WAITING_PHASES: ReadonlySet<JobPhase> = new Set<JobPhase>(['detached', 'needs-decision']);
