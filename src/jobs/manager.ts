import { randomUUID } from 'node:crypto';
import type { ApiframeClient } from '../apiframe/client';
import { ApiframeError, type ApiframeErrorCode } from '../apiframe/errors';
import { redactSecrets } from '../apiframe/redact';
import { imageUrlsOf } from '../apiframe/shapes';
import type { Job } from '../apiframe/types';
import { ImageCache, ImageRefusedError } from './imageCache';
import { Journal, JournalClosedError } from './journal';
import type { FollowOptions, GenerateInput, JobManager, JobManagerOptions, Unsubscribe } from './managerApi';
import { JobStoppedError } from './managerApi';
import type { CachedImage, JobPhase, JobRecord, JobStage } from './types';
import { jobDurationMs, parseDurationModel, recordDuration } from './durationModel';
import { abortableSleep, waitForJob } from './waitForJob';

export { JobStoppedError } from './managerApi';

/** Phases in which a record has work left that `start()` picks up without being asked. */
const RESUMED_ON_START: ReadonlySet<JobPhase> = new Set<JobPhase>(['pending-submit', 'running', 'downloading']);
/** Phases that end a record's life: only these are pruned by the history cap. */
const TERMINAL_PHASES: ReadonlySet<JobPhase> = new Set<JobPhase>(['done', 'failed', 'expired']);
/** Server refusals that prove the submit created nothing (so the record can be `failed` without losing a job). */
const DEFINITIVE_SUBMIT_REFUSALS: ReadonlySet<ApiframeErrorCode> = new Set<ApiframeErrorCode>([
  'invalidInput',
  'invalidBaseUrl',
  'validation',
  'unauthorized',
  'forbidden',
  'insufficientCredits',
  'conflict',
]);
/** Download failures that another attempt cannot fix: the record fails with the reason. */
const PERMANENT_DOWNLOAD_FAILURES: ReadonlySet<ApiframeErrorCode> = new Set<ApiframeErrorCode>([
  'unsafeUrl',
  'tooLarge',
]);

const DEFAULT_STEP_ATTEMPTS = 4;
const DEFAULT_RETRY_BASE_MS = 1000;
const DEFAULT_RETRY_MAX_MS = 15_000;

interface Task {
  readonly localId: string;
  readonly controller: AbortController;
  readonly stageListeners: Set<(stage: JobStage) => void>;
  promise: Promise<JobRecord>;
}

/** Why a step ended with "the results expired before they could be cached". */
class ResultsExpiredError extends Error {
  override readonly name = 'ResultsExpiredError';
}

export function createJobManager(options: JobManagerOptions): JobManager {
  return new JobManagerImpl(options);
}

class JobManagerImpl implements JobManager {
  private readonly journal: Journal;
  private readonly cache: ImageCache;
  private readonly tasks = new Map<string, Task>();
  private readonly listeners = new Set<(localId: string, record: JobRecord | undefined) => void>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly now: () => number;
  private loaded: Promise<void> | undefined;
  private started = false;
  private disposed = false;
  private historyCache: readonly JobRecord[] | undefined;
  private pruning: Promise<void> = Promise.resolve();

  constructor(private readonly options: JobManagerOptions) {
    this.now = options.now ?? Date.now;
    this.journal = new Journal({
      dir: options.storageDir,
      log: options.log,
      now: this.now,
      progressFlushMs: options.progressFlushMs,
      // Another VS Code window's records, merged in by a write: show them (and forget removed ones).
      onExternalChange: (localIds) => {
        for (const localId of localIds) this.changed(localId, this.journal.get(localId));
      },
    });
    this.cache = new ImageCache(options.storageDir);
  }

  async start(): Promise<void> {
    await this.ensureLoaded();
    if (this.started || this.disposed) return;
    this.started = true;
    const unfinished = this.journal.all().filter((r) => RESUMED_ON_START.has(r.phase));
    if (unfinished.length === 0) return;
    this.options.log.info(`Resuming ${unfinished.length} unfinished image job(s).`);
    for (const record of unfinished) {
      this.follow(record.localId, {}).catch((error: unknown) => {
        if (!(error instanceof JobStoppedError)) this.options.log.error(`Resuming job ${record.localId}: ${describe(error)}`);
      });
    }
  }

  async generate(input: GenerateInput, followOptions: FollowOptions = {}): Promise<JobRecord> {
    await this.ensureLoaded();
    this.assertNotDisposed();
    const localId = this.options.newId?.() ?? randomUUID();
    const record: JobRecord = {
      localId,
      idempotencyKey: localId,
      prompt: input.prompt,
      model: 'dall-e-3',
      aspectRatio: input.aspectRatio,
      style: input.style,
      createdAt: new Date(this.now()).toISOString(),
      ...(input.origin ? { origin: input.origin } : {}),
      phase: 'pending-submit',
    };
    this.store(Object.freeze(record));
    followOptions.onStage?.({ stage: 'submitting' });
    try {
      // The record must be on disk BEFORE the submit: a lost answer is then re-sent with the same key.
      await this.journal.save();
    } catch (error) {
      this.assertNotDisposed();
      return this.store(
        freeze({ ...record, phase: 'failed', error: `The job was not sent: ${describe(error)}` }),
      );
    }
    return this.follow(localId, followOptions);
  }

  async resume(localId: string, followOptions: FollowOptions = {}): Promise<JobRecord> {
    await this.ensureLoaded();
    this.assertNotDisposed();
    const record = this.journal.get(localId);
    if (!record) throw new Error('This image job is no longer in the history.');
    if (TERMINAL_PHASES.has(record.phase) && !this.tasks.has(localId)) {
      if (record.phase === 'done') followOptions.onStage?.({ stage: 'done' });
      return record;
    }
    return this.follow(localId, followOptions);
  }

  async submitAnew(localId: string, followOptions: FollowOptions = {}): Promise<JobRecord> {
    await this.ensureLoaded();
    this.assertNotDisposed();
    const record = this.journal.get(localId);
    if (!record) throw new Error('This image job is no longer in the history.');
    if (record.phase !== 'needs-decision' || record.decision !== 'unknown-submit' || this.tasks.has(localId)) {
      return this.follow(localId, followOptions);
    }
    this.store(freeze({ ...record, phase: 'pending-submit', decision: undefined, interruption: undefined, reconciled: true }));
    await this.journal.save();
    this.options.log.info(`Job ${localId}: submitted anew at the user's request.`);
    return this.follow(localId, followOptions);
  }

  history(): readonly JobRecord[] {
    this.historyCache ??= this.journal.all().reverse();
    return this.historyCache;
  }

  get(localId: string): JobRecord | undefined {
    return this.journal.get(localId);
  }

  cachedFilePath(record: JobRecord, index: number): string | undefined {
    const image = record.files?.[index];
    return image ? this.cache.absolutePath(image) : undefined;
  }

  async delete(localId: string): Promise<void> {
    await this.ensureLoaded();
    this.assertNotDisposed();
    const task = this.tasks.get(localId);
    if (task) {
      task.controller.abort(new JobStoppedError('deleted'));
      await task.promise.catch(() => undefined);
    }
    if (!this.journal.get(localId)) return;
    this.journal.remove(localId);
    this.changed(localId, undefined);
    await this.journal.save();
    await this.cache.remove(localId);
  }

  runningCount(): number {
    let count = 0;
    for (const localId of this.tasks.keys()) {
      const phase = this.journal.get(localId)?.phase;
      if (phase && RESUMED_ON_START.has(phase)) count++;
    }
    return count;
  }

  onDidChange(listener: (localId: string, record: JobRecord | undefined) => void): Unsubscribe {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  whenIdle(): Promise<void> {
    if (this.tasks.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    const running = [...this.tasks.values()];
    for (const task of running) task.controller.abort(new JobStoppedError('disposed'));
    await Promise.allSettled(running.map((t) => t.promise));
    await this.pruning.catch(() => undefined);
    try {
      await this.loaded;
    } catch {
      // Loading failed: there is nothing to flush.
    }
    await this.journal.close().catch((error: unknown) => this.options.log.error(describe(error)));
    this.listeners.clear();
  }

  // ---------------------------------------------------------------------------------------------------------
  // Following a record

  /** Joins the record's task, starting one if none runs: per-record work is never done twice at once. */
  private follow(localId: string, followOptions: FollowOptions): Promise<JobRecord> {
    this.assertNotDisposed();
    let task = this.tasks.get(localId);
    if (!task) task = this.startTask(localId);
    const started = task;
    const { onStage, signal } = followOptions;
    if (onStage) started.stageListeners.add(onStage);
    const detach = () => {
      if (!started.controller.signal.aborted) started.controller.abort('detach');
    };
    if (signal?.aborted) detach();
    else signal?.addEventListener('abort', detach, { once: true });
    return started.promise.finally(() => {
      if (onStage) started.stageListeners.delete(onStage);
      signal?.removeEventListener('abort', detach);
    });
  }

  private startTask(localId: string): Task {
    const task: Task = {
      localId,
      controller: new AbortController(),
      stageListeners: new Set(),
      promise: Promise.resolve(undefined as unknown as JobRecord),
    };
    this.tasks.set(localId, task);
    task.promise = this.drive(task).finally(() => {
      this.tasks.delete(localId);
      if (this.tasks.size === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
    return task;
  }

  /** Moves the record through its phases until it is done, failed, expired or detached. */
  private async drive(task: Task): Promise<JobRecord> {
    try {
      let record = this.current(task);
      if (record.phase === 'detached' || record.interruption !== undefined) {
        record = this.update(task, { phase: activePhaseOf(record), interruption: undefined });
        this.journal.saveSoon();
      }
      for (;;) {
        record = this.current(task);
        switch (record.phase) {
          case 'pending-submit':
            await this.submit(task);
            break;
          case 'running':
            await this.wait(task);
            break;
          case 'downloading':
            await this.download(task);
            break;
          default:
            if (record.phase === 'done') this.stage(task, { stage: 'done' });
            return record;
        }
      }
    } catch (error) {
      return this.settleAfterError(task, error);
    }
  }

  private async submit(task: Task): Promise<void> {
    const signal = task.controller.signal;
    this.stage(task, { stage: 'submitting' });
    const record = this.current(task);
    await this.options.hooks?.journalWritten?.(record);
    signal.throwIfAborted();
    const accepted = await this.withRetries(task, 'submit', async () => {
      const client = await this.client(task);
      return client.submitImage(
        { prompt: record.prompt, model: record.model, dalleParams: { aspect_ratio: record.aspectRatio, style: record.style } },
        { idempotencyKey: record.idempotencyKey, signal },
      );
    });
    signal.throwIfAborted();
    await this.options.hooks?.submitAnswered?.(record, accepted.jobId);
    this.update(task, { jobId: accepted.jobId, status: accepted.status, phase: 'running' });
    await this.journal.save();
    this.options.log.info(`Job ${record.localId} submitted as Apiframe job ${accepted.jobId}.`);
  }

  private async wait(task: Task): Promise<void> {
    const signal = task.controller.signal;
    const record = this.current(task);
    const jobId = record.jobId;
    if (!jobId) {
      // Cannot happen for a journal this code wrote; a hand-edited one is re-submitted with its key.
      this.update(task, { phase: 'pending-submit' });
      return;
    }
    this.stage(task, stageOfStatus(record));
    const job = await this.withRetries(task, 'wait', async () => {
      const client = await this.client(task);
      return waitForJob(client, jobId, {
        signal,
        timeoutMs: this.options.waitTimeoutMs,
        model: parseDurationModel(this.journal.durationModel),
        modelId: record.model,
        // A resumed job is not "just submitted": the schedule starts from its real age.
        submittedAt: submittedAtOf(record, this.now()),
        ...(record.status ? { initialStatus: record.status } : {}),
        now: this.now,
        ...(this.options.sleep ? { sleep: this.options.sleep } : {}),
        onUpdate: (update) => this.onJobUpdate(task, update),
      });
    });
    signal.throwIfAborted();
    await this.applyTerminalJob(task, job);
  }

  private onJobUpdate(task: Task, job: Job): void {
    if (task.controller.signal.aborted) return;
    const record = this.current(task);
    if (record.status === job.status && record.progress === job.progress) return;
    const updated = this.update(task, { status: job.status, progress: job.progress });
    // Progress is not worth an fsync each time: coalesced.
    this.journal.saveSoon();
    if (job.status === 'QUEUED' || job.status === 'PROCESSING') this.stage(task, stageOfStatus(updated));
  }

  private async applyTerminalJob(task: Task, job: Job): Promise<void> {
    const base = {
      status: job.status,
      progress: job.progress,
      creditCost: job.creditCost,
      completedAt: job.completedAt ?? undefined,
    };
    if (job.status === 'COMPLETED') {
      const urls = imageUrlsOf(job.result);
      this.learnDuration(job, this.current(task).model);
      if (urls.length === 0) {
        this.update(task, { ...base, phase: 'failed', error: 'Apiframe reported the job as completed but sent no image.' });
      } else if (job.expired === true) {
        this.update(task, { ...base, remoteUrls: urls, phase: 'expired', error: EXPIRED_TEXT });
      } else {
        this.update(task, { ...base, remoteUrls: urls, phase: 'downloading' });
      }
    } else if (job.status === 'FAILED' || job.status === 'CANCELLED') {
      const fallback =
        job.status === 'FAILED' ? 'Apiframe reported the job as failed without giving a reason.' : 'The job was cancelled on Apiframe.';
      this.update(task, { ...base, phase: 'failed', error: clean(job.error) ?? fallback });
    } else {
      throw new ApiframeError('badResponse', `Waiting for the job ended while it was still ${job.status}.`, { retryable: true });
    }
    await this.journal.save();
  }

  private async download(task: Task): Promise<void> {
    const record = this.current(task);
    const urls = record.remoteUrls ?? [];
    this.stage(task, { stage: 'downloading' });
    const received = urls.map(() => 0);
    const results = await Promise.allSettled(
      urls.map((_, index) =>
        this.withRetries(task, 'download', () =>
          this.downloadOne(task, index, (bytes) => {
            received[index] = bytes;
            this.stage(task, { stage: 'downloading', received: received.reduce((a, b) => a + b, 0) });
          }),
        ),
      ),
    );
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) throw failure.reason;
    const files = results.map((r) => (r as PromiseFulfilledResult<CachedImage>).value);
    this.update(task, { files, phase: 'done', error: undefined });
    await this.journal.save();
    this.stage(task, { stage: 'done' });
    this.options.log.info(`Job ${record.localId}: ${files.length} image(s) cached.`);
    this.schedulePrune();
  }

  private async downloadOne(task: Task, index: number, onBytes: (received: number) => void): Promise<CachedImage> {
    const signal = task.controller.signal;
    const record = this.current(task);
    const url = record.remoteUrls?.[index];
    if (url === undefined) throw new ResultsExpiredError(EXPIRED_TEXT);
    const client = await this.client(task);
    let image;
    try {
      image = await client.downloadImage(url, { signal, maxBytes: this.options.maxImageBytes });
    } catch (error) {
      if (error instanceof ApiframeError && error.code === 'notFound') await this.refreshResult(task, client);
      throw error;
    }
    const hooks = this.options.hooks;
    const body = hooks?.downloadStarted ? announceFirstChunk(image.body, () => hooks.downloadStarted?.(record, index)) : image.body;
    return this.cache.store(record.localId, index + 1, body, { maxBytes: this.options.maxImageBytes, signal, onBytes });
  }

  /** A result URL answered 404: either the results expired (→ `expired`) or the job has new URLs. */
  private async refreshResult(task: Task, client: ApiframeClient): Promise<void> {
    const record = this.current(task);
    if (!record.jobId) return;
    const job = await client.getJob(record.jobId, { signal: task.controller.signal });
    const urls = imageUrlsOf(job.result);
    if (job.expired === true || urls.length === 0) throw new ResultsExpiredError(EXPIRED_TEXT);
    if (urls.join('\n') !== (record.remoteUrls ?? []).join('\n')) this.update(task, { remoteUrls: urls });
  }

  /**
   * Runs a step again after failures another attempt can fix (the client has already retried each request
   * by its own policy; this covers outages longer than that, malformed answers to a keyed submit, and
   * downloads cut short). Waits are cancelled by the task's signal.
   */
  private async withRetries<T>(task: Task, step: 'submit' | 'wait' | 'download', run: () => Promise<T>): Promise<T> {
    const attempts = this.options.stepAttempts ?? DEFAULT_STEP_ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        const signal = task.controller.signal;
        signal.throwIfAborted();
        if (attempt >= attempts || !isWorthRetrying(error, step)) throw error;
        const base = this.options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_MS;
        const delay = Math.min(DEFAULT_RETRY_MAX_MS, base * 2 ** (attempt - 1));
        this.options.log.debug(`Job ${task.localId}: ${step} failed (${describe(error)}); attempt ${attempt + 1} in ${delay} ms.`);
        await (this.options.sleep ?? abortableSleep)(delay, signal);
      }
    }
  }

  /** Turns the error that ended a task into the record's final state (or rethrows a stop). */
  private async settleAfterError(task: Task, error: unknown): Promise<JobRecord> {
    const signal = task.controller.signal;
    if (signal.aborted) {
      const reason: unknown = signal.reason;
      if (reason instanceof JobStoppedError) throw reason;
      // "Stop waiting": the job keeps running on Apiframe; Resume follows it again.
      return this.settle(task, { phase: 'detached' });
    }
    if (error instanceof JobStoppedError) throw error;
    if (error instanceof JournalClosedError) throw new JobStoppedError('disposed');
    const record = this.journal.get(task.localId);
    if (!record) throw new JobStoppedError('deleted');
    const text = describe(error);
    if (error instanceof ResultsExpiredError) return this.settle(task, { phase: 'expired', error: text });
    if (record.phase === 'pending-submit' && error instanceof ApiframeError && DEFINITIVE_SUBMIT_REFUSALS.has(error.code)) {
      const keyProblem = error.code === 'unauthorized' || error.code === 'forbidden';
      return this.settle(task, { phase: 'failed', error: text, ...(keyProblem ? { keyProblem } : {}) });
    }
    if (record.phase === 'downloading' && isPermanentDownloadFailure(error)) {
      return this.settle(task, { phase: 'failed', error: `The image could not be saved: ${text}` });
    }
    if (isTimeoutOfWait(error, record)) {
      this.options.log.info(`Job ${record.localId}: stopped waiting after the wait limit; it can be resumed.`);
    } else {
      this.options.log.warn(`Job ${record.localId} interrupted in phase ${record.phase}: ${text}`);
    }
    return this.settle(task, { phase: 'detached', interruption: text });
  }

  private async settle(task: Task, patch: Partial<JobRecord>): Promise<JobRecord> {
    const record = this.update(task, patch, { ignoreAbort: true });
    await this.journal.save().catch(() => undefined /* logged by the journal; the state is kept in memory */);
    if (TERMINAL_PHASES.has(record.phase)) this.schedulePrune();
    return record;
  }

  // ---------------------------------------------------------------------------------------------------------
  // State

  private current(task: Task): JobRecord {
    const record = this.journal.get(task.localId);
    if (!record) throw new JobStoppedError('deleted');
    return record;
  }

  /** Replaces the record (records are frozen snapshots: listeners and `history()` can keep them safely). */
  private update(task: Task, patch: Partial<JobRecord>, { ignoreAbort = false } = {}): JobRecord {
    const signal = task.controller.signal;
    // After a stop, nothing may change the journal any more (a successor manager may own it).
    if (signal.aborted && !(ignoreAbort && signal.reason === 'detach')) signal.throwIfAborted();
    const record = freeze({ ...this.current(task), ...patch });
    return this.store(record);
  }

  private store(record: JobRecord): JobRecord {
    this.journal.put(record);
    this.changed(record.localId, record);
    return record;
  }

  private changed(localId: string, record: JobRecord | undefined): void {
    this.historyCache = undefined;
    for (const listener of [...this.listeners]) {
      try {
        listener(localId, record);
      } catch (error) {
        this.options.log.error(`A job change listener failed: ${describe(error)}`);
      }
    }
  }

  private stage(task: Task, stage: JobStage): void {
    for (const listener of [...task.stageListeners]) {
      try {
        listener(stage);
      } catch (error) {
        this.options.log.error(`A progress listener failed: ${describe(error)}`);
      }
    }
  }

  private async client(task: Task): Promise<ApiframeClient> {
    const client = await this.options.client();
    task.controller.signal.throwIfAborted();
    return client;
  }

  /** Teaches the poll schedule this user's job durations (persisted in the journal file). */
  private learnDuration(job: Job, modelId: string): void {
    const duration = jobDurationMs(job);
    if (duration === undefined) return;
    this.journal.setDurationModel(recordDuration(parseDurationModel(this.journal.durationModel), modelId, duration));
  }

  private ensureLoaded(): Promise<void> {
    this.loaded ??= this.load();
    return this.loaded;
  }

  private async load(): Promise<void> {
    const contents = await this.journal.load();
    for (const record of contents.records) this.journal.put(freeze(record));
    await this.cache.removePartialDownloads();
    // Folders no record owns (a crash between deleting a record and its files) are removed.
    const owned = new Set(contents.records.map((r) => r.localId));
    for (const folder of await this.cache.folders()) if (!owned.has(folder)) await this.cache.remove(folder);
    await this.prune();
  }

  private schedulePrune(): void {
    if (this.disposed) return;
    this.pruning = this.pruning.then(() => this.prune()).catch((error: unknown) => {
      this.options.log.error(`Pruning the image history failed: ${describe(error)}`);
    });
  }

  /** Drops the oldest finished records (with their files) beyond the history cap; unfinished ones are kept. */
  private async prune(): Promise<void> {
    const records = this.journal.all();
    let excess = records.length - Math.max(0, this.options.historyLimit);
    if (excess <= 0 || this.disposed) return;
    const removed: string[] = [];
    for (const record of records) {
      if (excess <= 0) break;
      if (!TERMINAL_PHASES.has(record.phase) || this.tasks.has(record.localId)) continue;
      this.journal.remove(record.localId);
      removed.push(record.localId);
      excess--;
    }
    if (removed.length === 0) return;
    for (const localId of removed) this.changed(localId, undefined);
    await this.journal.save();
    for (const localId of removed) await this.cache.remove(localId);
    this.options.log.info(`Pruned ${removed.length} old image job(s) beyond the history limit.`);
  }

  private assertNotDisposed(): void {
    if (this.disposed) throw new JobStoppedError('disposed');
  }
}

const EXPIRED_TEXT = 'The result links expired before the images could be saved.';

function freeze(record: JobRecord): JobRecord {
  // Undefined fields are dropped so that the journal and the listeners see the same shape.
  for (const key of Object.keys(record) as (keyof JobRecord)[]) if (record[key] === undefined) delete record[key];
  return Object.freeze(record);
}

function submittedAtOf(record: JobRecord, fallback: number): number {
  const created = Date.parse(record.createdAt);
  return Number.isFinite(created) && created <= fallback ? created : fallback;
}

function activePhaseOf(record: JobRecord): JobPhase {
  if (!record.jobId) return 'pending-submit';
  if (record.status === 'COMPLETED' && record.remoteUrls && record.remoteUrls.length > 0) return 'downloading';
  return 'running';
}

function stageOfStatus(record: JobRecord): JobStage {
  return record.status === 'PROCESSING' ? { stage: 'generating', progress: record.progress ?? null } : { stage: 'queued' };
}

function isWorthRetrying(error: unknown, step: 'submit' | 'wait' | 'download'): boolean {
  if (error instanceof ResultsExpiredError) return false;
  if (error instanceof ImageRefusedError) return error.reason === 'incomplete' || error.reason === 'empty';
  if (!(error instanceof ApiframeError)) return false;
  // waitForJob already rides out transient failures until its deadline; its `timeout` means "stop waiting".
  if (step === 'wait') return error.code === 'badResponse';
  if (error.retryable) return true;
  // A keyed submit is safe to repeat whatever went wrong, unless the server refused it outright.
  if (step === 'submit') return !DEFINITIVE_SUBMIT_REFUSALS.has(error.code) && error.code !== 'aborted';
  return error.code === 'badResponse' || error.code === 'notFound';
}

function isPermanentDownloadFailure(error: unknown): boolean {
  if (error instanceof ImageRefusedError) return error.reason === 'notImage' || error.reason === 'tooLarge';
  return error instanceof ApiframeError && PERMANENT_DOWNLOAD_FAILURES.has(error.code);
}

function isTimeoutOfWait(error: unknown, record: JobRecord): boolean {
  return record.phase === 'running' && error instanceof ApiframeError && error.code === 'timeout';
}

/** The user-facing text of an error: complete, and never containing anything shaped like a key. */
function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return redactSecrets(text);
}

function clean(text: string | null | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed ? redactSecrets(trimmed.slice(0, 1000)) : undefined;
}

/** Passes the stream through, awaiting `onFirst` once the first bytes have arrived (a test hook point). */
async function* announceFirstChunk(
  body: AsyncIterable<Uint8Array>,
  onFirst: () => void | Promise<void>,
): AsyncIterable<Uint8Array> {
  let first = true;
  for await (const chunk of body) {
    yield chunk;
    if (first) {
      first = false;
      await onFirst();
    }
  }
}

