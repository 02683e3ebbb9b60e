/**
 * Follows one job to a terminal state, polling on the schedule of `pollSchedule.ts`. No `vscode` import.
 *
 * Resolves with the terminal job for COMPLETED, FAILED and CANCELLED alike (the caller decides what each
 * means). Rejects with ApiframeError `aborted` when the signal fires (during a sleep or a request),
 * `timeout` when `timeoutMs` passes without a terminal state (retryable: the job may still finish, resume
 * later), or the client's non-retryable error (e.g. 404, 401). Every rejection carries `jobId`.
 * Transient failures (network, 5xx, 429 — already retried inside the client) do not end the wait: polling
 * goes on, a little more gently, until the deadline.
 */
import type { ApiframeClient } from '../apiframe/client';
import { ApiframeError } from '../apiframe/errors';
import type { Job, JobStatus } from '../apiframe/types';
import { durationFor, type DurationModel } from './durationModel';
import { DEFAULT_POLL_SCHEDULE, nextPollDelay, type PollObservation, type PollScheduleOptions } from './pollSchedule';

export const DEFAULT_WAIT_TIMEOUT_MS = 10 * 60_000;
/** After a transient failure, wait at least this long before polling again. */
const AFTER_FAILURE_DELAY_MS = 3_000;

export interface WaitForJobOptions {
  signal?: AbortSignal;
  /** Give up waiting after this long (default 10 min); the error keeps the job id so it can be resumed. */
  timeoutMs?: number;
  /** This user's duration model (persisted by the caller); the prior when absent. */
  model?: DurationModel;
  /** Model id to look up in `model` (default 'dall-e-3'). */
  modelId?: string;
  /** When the job was submitted (ms on the `now` clock); default: now. A resumed job passes its real start. */
  submittedAt?: number;
  /** Status the submit answered with: a terminal one (idempotent replay) is polled immediately. */
  initialStatus?: JobStatus;
  /** Called after every poll whose status or progress differs from the previous one (stage changes, progress). */
  onUpdate?: (job: Job) => void;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Schedule tuning (tests, benchmark). */
  schedule?: Partial<PollScheduleOptions>;
}

function isTerminal(status: JobStatus): boolean {
  return status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED';
}

/** Cancellable sleep; rejects with whatever the signal's abort produced (mapped by the caller). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    // The abort reason passes through as is, as signal.throwIfAborted() would throw it: the job manager
    // tells a stop (a JobStoppedError) from a detach (the string 'detach') by it, so it is not wrapped.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the reason is the signal's own (see above)
    const rejectWithReason = (): void => reject(signal?.reason);
    if (signal?.aborted) {
      rejectWithReason();
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      rejectWithReason();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export async function waitForJob(
  client: Pick<ApiframeClient, 'getJob'>,
  jobId: string,
  options: WaitForJobOptions = {},
): Promise<Job> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const signal = options.signal;
  const schedule: PollScheduleOptions = { ...DEFAULT_POLL_SCHEDULE, ...options.schedule };
  const duration = durationFor(options.model, options.modelId ?? 'dall-e-3');
  const startedAt = now();
  const submittedAt = options.submittedAt ?? startedAt;
  const deadline = startedAt + (options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS);

  const aborted = (): ApiframeError =>
    new ApiframeError('aborted', `Stopped waiting for job ${jobId}; it keeps running on Apiframe.`, { jobId, retryable: false });

  let last: PollObservation = { elapsedMs: Math.max(0, startedAt - submittedAt), status: options.initialStatus ?? 'QUEUED', progress: null };
  let previous: PollObservation | undefined;
  let lastReported: Job | undefined;
  let lastFailed = false;
  let first = true;

  for (;;) {
    if (signal?.aborted) throw aborted();
    const current = now();
    let delay =
      first && isTerminal(last.status)
        ? 0
        : nextPollDelay({ ...last, elapsedMs: Math.max(0, current - submittedAt), previous, duration }, schedule);
    if (lastFailed) delay = Math.max(delay, AFTER_FAILURE_DELAY_MS);
    first = false;
    if (current >= deadline) {
      throw new ApiframeError(
        'timeout',
        `Stopped waiting for job ${jobId} after ${Math.round((current - startedAt) / 1000)} s; it may still finish on Apiframe — resume it later.`,
        { jobId, retryable: true },
      );
    }
    // The last poll lands on the deadline rather than past it.
    delay = Math.min(delay, deadline - current);
    try {
      await sleep(delay, signal);
    } catch {
      throw aborted();
    }
    if (signal?.aborted) throw aborted();

    let job: Job;
    try {
      job = await client.getJob(jobId, { signal });
    } catch (error) {
      if (signal?.aborted) throw aborted();
      if (error instanceof ApiframeError && error.retryable && error.code !== 'aborted') {
        lastFailed = true;
        continue;
      }
      if (error instanceof ApiframeError) {
        throw error.jobId === jobId ? error : new ApiframeError(error.code, error.message, { ...error, jobId });
      }
      throw error;
    }
    lastFailed = false;
    previous = last;
    last = { elapsedMs: Math.max(0, now() - submittedAt), status: job.status, progress: job.progress };
    if (!lastReported || lastReported.status !== job.status || lastReported.progress !== job.progress) {
      lastReported = job;
      options.onUpdate?.(job);
    }
    if (isTerminal(job.status)) return job;
  }
}
