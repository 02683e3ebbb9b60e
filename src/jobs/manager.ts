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
import type { CachedImage, JobDecision, JobPhase, JobRecord, JobStage } from './types';
import { jobDurationMs, parseDurationModel, recordDuration } from './durationModel';
import { abortableSleep, waitForJob } from './waitForJob';
import { ACTIVE_PHASES, TERMINAL_PHASES } from '../shared/jobPhases';
import { errorText } from '../shared/errorText';

export { JobStoppedError } from './managerApi';

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
/**
 * Download failures another attempt right now cannot fix: not retried. The job was charged, so the record
 * is never failed for them: it stays resumable with the reason, and Resume asks the job for fresh links first.
 */
const PERMANENT_DOWNLOAD_FAILURES: ReadonlySet<ApiframeErrorCode> = new Set<ApiframeErrorCode>([
  'unsafeUrl',
  'tooLarge',
]);

/** Apiframe remembers an idempotency key for 24 hours; after that a replay creates (and charges) a new job. */
const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** A record this close to the end of the window is reconciled before a resubmit, not replayed. */
const IDEMPOTENCY_SAFETY_MARGIN_MS = 60 * 60 * 1000;
/**
 * How far before the record's local creation time the job list is searched: the server's clock (which
 * stamps `createdAt`) may differ from this machine's.
 */
const RECONCILE_CLOCK_SLACK_MS = 2 * 60 * 60 * 1000;
/** Job-list pages read at most while reconciling (100 jobs each). */
const RECONCILE_MAX_PAGES = 20;
/** Listed jobs without `input` that are fetched one by one to see theirs, at most. */
const RECONCILE_MAX_LOOKUPS = 10;
const DEFAULT_STEP_ATTEMPTS = 4;
const DEFAULT_RETRY_BASE_MS = 1000;
const DEFAULT_RETRY_MAX_MS = 15_000;

interface Task {
  readonly localId: string;
  readonly controller: AbortController;
  readonly stageListeners: Set<(stage: JobStage) => void>;
  promise: Promise<JobRecord>;
  /** The user asked to look again at a record that waits for a decision: ask the job list before any submit. */
  lookAgain: boolean;
  /** Ask the job for its current result links before downloading (resuming a download that failed). */
  refreshLinks: boolean;
}

/** Why a step ended with "the results expired before they could be cached". */
class ResultsExpiredError extends Error {
  override readonly name = 'ResultsExpiredError';
}

/** Paid work may exist that the manager cannot settle on its own: the record waits for the user. */
class NeedsDecisionError extends Error {
  override readonly name = 'NeedsDecisionError';
  constructor(
    readonly decision: JobDecision,
    message: string,
    readonly keyProblem = false,
  ) {
    super(message);
  }
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
  /**
   * Records created by this manager whose first submit has not been answered yet: nothing can have been
   * created for them before, so a refusal of that first submit is final. Any other pending record may have
   * an earlier submit whose answer was lost.
   */
  private readonly firstSubmits = new Set<string>();
  private reconciling: Promise<unknown> = Promise.resolve();
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
    const unfinished = this.journal.all().filter((r) => ACTIVE_PHASES.has(r.phase));
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
    this.firstSubmits.add(localId);
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
      if (phase && ACTIVE_PHASES.has(phase)) count++;
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
      lookAgain: false,
      refreshLinks: false,
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
      if (record.phase === 'needs-decision' && record.decision === 'unknown-submit') task.lookAgain = true;
      // An interrupted download is resumed with the job's current links (they may have been re-signed).
      task.refreshLinks = record.interruption !== undefined && activePhaseOf(record) === 'downloading';
      if (record.phase === 'detached' || record.phase === 'needs-decision' || record.interruption !== undefined) {
        record = this.update(task, { phase: activePhaseOf(record), interruption: undefined, decision: undefined, keyProblem: undefined });
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

  /**
   * Sends the record's submit with its idempotency key. A replay of that key is only safe within Apiframe's
   * 24-hour window, and a refusal only proves "nothing was created" for a first attempt; in every other case
   * the job list is asked first (see `reconcile`), so a job is never created or given up twice.
   */
  private async submit(task: Task): Promise<void> {
    const signal = task.controller.signal;
    this.stage(task, { stage: 'submitting' });
    let record = this.current(task);
    await this.options.hooks?.journalWritten?.(record);
    signal.throwIfAborted();
    const first = this.firstSubmits.has(record.localId);
    // `reconciled`: the job list proved that no earlier submit created a job, and none was sent since.
    let proven = record.reconciled === true;
    const nearWindowEnd = this.now() - submittedAtOf(record, this.now()) > IDEMPOTENCY_WINDOW_MS - IDEMPOTENCY_SAFETY_MARGIN_MS;
    if (!first && !proven && (task.lookAgain || nearWindowEnd)) {
      if ((await this.reconcile(task)) === 'adopted') return;
      proven = true;
    }
    task.lookAgain = false;
    record = this.current(task);
    if (record.reconciled) {
      // From here a submit may be on its way again: a crash before its answer must reconcile once more.
      record = this.update(task, { reconciled: undefined });
      await this.journal.save();
    }
    let unanswered = !first && !proven;
    let accepted;
    try {
      accepted = await this.withRetries(task, 'submit', async () => {
        const client = await this.client(task);
        try {
          return await client.submitImage(
            { prompt: record.prompt, model: record.model, dalleParams: { aspect_ratio: record.aspectRatio, style: record.style } },
            { idempotencyKey: record.idempotencyKey, signal },
          );
        } catch (error) {
          if (!isDefinitiveRefusal(error) || (error instanceof ApiframeError && error.afterUnansweredAttempt)) unanswered = true;
          throw error;
        } finally {
          this.firstSubmits.delete(record.localId);
        }
      });
    } catch (error) {
      // A refusal after a submit whose answer was lost proves nothing: that submit may have created the job
      // (a server may check credits or the body before it looks up the key, and answer a replay with 402).
      if (!isDefinitiveRefusal(error) || !unanswered || signal.aborted) throw error;
      this.options.log.info(`Job ${describeRecord(record)}: a resubmit was refused (${describe(error)}); looking for the job it may already have created.`);
      if ((await this.reconcile(task)) === 'adopted') return;
      throw error;
    }
    signal.throwIfAborted();
    await this.options.hooks?.submitAnswered?.(record, accepted.jobId);
    this.update(task, { jobId: accepted.jobId, status: accepted.status, phase: 'running' });
    await this.journal.save();
    this.options.log.info(`Job ${describeRecord(record)} submitted as Apiframe job ${accepted.jobId}.`);
  }

  /**
   * Asks Apiframe's job list whether an earlier submit of this record created a job: jobs of the record's
   * model, newest first, back to a little before the record was created, matched on `input` (prompt and
   * parameters) and not already owned by another record. A match is adopted (phase `running`); proof that
   * none exists marks the record `reconciled`; anything less (list unavailable, jobs whose input cannot be
   * read, too many pages) leaves the decision to the user — never a silent charge.
   */
  private reconcile(task: Task): Promise<'adopted' | 'absent'> {
    // One at a time: two records of one prompt must not both adopt the same job.
    const turn = this.reconciling.then(() => this.reconcileNow(task));
    this.reconciling = turn.catch(() => undefined);
    return turn;
  }

  private async reconcileNow(task: Task): Promise<'adopted' | 'absent'> {
    const signal = task.controller.signal;
    signal.throwIfAborted();
    const record = this.current(task);
    const client = await this.client(task);
    const since = submittedAtOf(record, this.now()) - RECONCILE_CLOCK_SLACK_MS;
    const owned = new Set(this.journal.all().flatMap((r) => (r.jobId && r.localId !== record.localId ? [r.jobId] : [])));
    const matches: Job[] = [];
    const unreadable: Job[] = [];
    let cursor: string | undefined;
    let complete = false;
    try {
      for (let page = 0; page < RECONCILE_MAX_PAGES && !complete; page++) {
        const list = await client.listJobs({ model: record.model, limit: 100, ...(cursor ? { cursor } : {}) }, { signal });
        for (const job of list.jobs) {
          const created = Date.parse(job.createdAt);
          if (Number.isFinite(created) && created < since) {
            complete = true;
            break;
          }
          if (owned.has(job.id) || job.model !== record.model) continue;
          const match = inputMatches(job.input, record);
          if (match === 'yes') matches.push(job);
          else if (match === 'unknown') unreadable.push(job);
        }
        if (!list.hasMore || !list.nextCursor) complete = true;
        cursor = list.nextCursor ?? undefined;
      }
      if (matches.length === 0 && unreadable.length > 0 && unreadable.length <= RECONCILE_MAX_LOOKUPS) {
        for (const listed of unreadable.splice(0)) {
          const job = await client.getJob(listed.id, { signal });
          const match = inputMatches(job.input, record);
          if (match === 'yes') matches.push(job);
          else if (match === 'unknown') unreadable.push(job);
        }
      }
    } catch (error) {
      signal.throwIfAborted();
      const keyProblem = error instanceof ApiframeError && (error.code === 'unauthorized' || error.code === 'forbidden');
      throw new NeedsDecisionError(
        'unknown-submit',
        `${UNKNOWN_SUBMIT}: Apiframe's job list could not be read (${describe(error).replace(/[.\s]+$/, '')}).`,
        keyProblem,
      );
    }
    signal.throwIfAborted();
    if (matches.length > 0) {
      // Oldest first: with two records of one prompt, each adopts its own job in creation order.
      const job = matches.sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))[0];
      this.update(task, { jobId: job.id, status: job.status, progress: job.progress, phase: 'running', reconciled: undefined });
      await this.journal.save();
      this.options.log.info(`Job ${describeRecord(record)}: found on Apiframe as job ${job.id} (created by an earlier submit); following it instead of submitting again.`);
      return 'adopted';
    }
    if (!complete || unreadable.length > 0) {
      throw new NeedsDecisionError(
        'unknown-submit',
        !complete
          ? `${UNKNOWN_SUBMIT}: Apiframe's job list was too long to check completely.`
          : `${UNKNOWN_SUBMIT}: Apiframe's job list does not show what some recent jobs were asked.`,
      );
    }
    this.update(task, { reconciled: true });
    await this.journal.save();
    this.options.log.info(`Job ${describeRecord(record)}: Apiframe's job list shows no job from an earlier submit; submitting.`);
    return 'absent';
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
      const record = this.current(task);
      this.learnDuration(job, record.model);
      if (urls.length === 0) {
        // Charged, so never given up by our own doing: the shape goes to the log and the record waits.
        this.update(task, base);
        await this.journal.save();
        this.options.log.warn(`Job ${describeRecord(record)}: Apiframe job ${job.id} is COMPLETED but its result could not be read: ${describeShape(job.result)}`);
        throw new NeedsDecisionError(
          'unreadable-result',
          'Apiframe reports the image as generated (and charged), but sent its result in a form this version cannot read; the log shows what arrived.',
        );
      }
      // `expired` only says the links MAY be gone: they are tried once (and refreshed) before giving up.
      this.update(task, { ...base, remoteUrls: urls, phase: 'downloading' });
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
    if (task.refreshLinks) {
      task.refreshLinks = false;
      await this.refreshLinks(task);
    }
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
      if (error instanceof ApiframeError && error.code === 'imageUnavailable') await this.refreshResult(task, client);
      throw error;
    }
    const hooks = this.options.hooks;
    const body = hooks?.downloadStarted ? announceFirstChunk(image.body, () => hooks.downloadStarted?.(record, index)) : image.body;
    return this.cache.store(record.localId, index + 1, body, { maxBytes: this.options.maxImageBytes, signal, onBytes, source: hostOf(url) });
  }

  /** Takes the job's current result links when they changed (whether they still work is for the download to see). */
  private async refreshLinks(task: Task): Promise<void> {
    const record = this.current(task);
    if (!record.jobId) return;
    const client = await this.client(task);
    const job = await this.withRetries(task, 'download', () => client.getJob(record.jobId ?? '', { signal: task.controller.signal }));
    const urls = imageUrlsOf(job.result);
    if (urls.length > 0 && urls.join('\n') !== (record.remoteUrls ?? []).join('\n')) this.update(task, { remoteUrls: urls });
  }

  /**
   * The image host refused a result link (401/403/404/410): the job is asked for fresh links once. Only a
   * job that says its results expired (or has none left) is `expired`; new links are tried by the next attempt.
   */
  private async refreshResult(task: Task, client: ApiframeClient): Promise<void> {
    const record = this.current(task);
    if (!record.jobId) return;
    const job = await client.getJob(record.jobId, { signal: task.controller.signal });
    const urls = imageUrlsOf(job.result);
    const changed = urls.length > 0 && urls.join('\n') !== (record.remoteUrls ?? []).join('\n');
    if (changed) {
      this.update(task, { remoteUrls: urls });
      return;
    }
    if (job.expired === true || urls.length === 0) throw new ResultsExpiredError(EXPIRED_TEXT);
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
    if (error instanceof NeedsDecisionError) {
      this.options.log.warn(`Job ${describeRecord(record)} needs the user's decision: ${text}`);
      return this.settle(task, {
        phase: 'needs-decision',
        decision: error.decision,
        interruption: text,
        ...(error.keyProblem ? { keyProblem: true } : {}),
      });
    }
    // `submit` turns every refusal that could hide a created job into a reconciliation: what arrives here is final.
    if (record.phase === 'pending-submit' && isDefinitiveRefusal(error)) {
      const keyProblem = error.code === 'unauthorized' || error.code === 'forbidden';
      return this.settle(task, { phase: 'failed', error: text, ...(keyProblem ? { keyProblem } : {}) });
    }
    if (record.phase === 'downloading' && isPermanentDownloadFailure(error)) {
      this.options.log.warn(`Job ${describeRecord(record)}: the image could not be saved: ${text}`);
      return this.settle(task, { phase: 'detached', interruption: `The image could not be saved: ${text}` });
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
const UNKNOWN_SUBMIT = 'It is not known whether an earlier submit already created (and charged) this job';

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
  // Not an image at all can be a proxy's or CDN's passing error page: worth another attempt.
  if (error instanceof ImageRefusedError) return error.reason === 'incomplete' || error.reason === 'empty' || error.reason === 'notImage';
  if (!(error instanceof ApiframeError)) return false;
  // waitForJob already rides out transient failures until its deadline; its `timeout` means "stop waiting".
  if (step === 'wait') return error.code === 'badResponse';
  if (error.retryable) return true;
  // A keyed submit is safe to repeat whatever went wrong, unless the server refused it outright.
  if (step === 'submit') return !DEFINITIVE_SUBMIT_REFUSALS.has(error.code) && error.code !== 'aborted';
  return error.code === 'badResponse' || error.code === 'imageUnavailable';
}

/** A refusal of the submit itself (not a lost answer): for a first attempt it proves nothing was created. */
function isDefinitiveRefusal(error: unknown): error is ApiframeError {
  return error instanceof ApiframeError && DEFINITIVE_SUBMIT_REFUSALS.has(error.code);
}

/**
 * Whether a listed job's `input` is this record's request: same prompt (as sent: trimmed) and parameters,
 * with the API's documented defaults for absent ones. `unknown` when the server did not include the input.
 */
function inputMatches(input: Record<string, unknown> | null | undefined, record: JobRecord): 'yes' | 'no' | 'unknown' {
  if (input === null || input === undefined || typeof input !== 'object') return 'unknown';
  if (typeof input.prompt !== 'string') return 'unknown';
  if (input.prompt.trim() !== record.prompt.trim()) return 'no';
  if (input.model !== undefined && input.model !== record.model) return 'no';
  const params = input.dalleParams;
  const fields: Record<string, unknown> = typeof params === 'object' && params !== null && !Array.isArray(params) ? (params as Record<string, unknown>) : {};
  const aspectRatio = fields.aspect_ratio ?? '1:1';
  const style = fields.style ?? 'vivid';
  return aspectRatio === record.aspectRatio && style === record.style ? 'yes' : 'no';
}

/** Names a record in the log by its prompt (short) and local id, so a person can tell jobs apart. */
function describeRecord(record: JobRecord): string {
  const prompt = record.prompt.trim().replace(/\s+/g, ' ');
  const short = prompt.length > 40 ? `${prompt.slice(0, 39)}…` : prompt;
  return `"${redactSecrets(short)}" (${record.localId})`;
}

function hostOf(url: string): string | undefined {
  try {
    return redactSecrets(new URL(url).host);
  } catch {
    return undefined;
  }
}

/** A result we could not read, for the log: its JSON, bounded and redacted. */
function describeShape(result: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(result) ?? String(result);
  } catch {
    text = Object.prototype.toString.call(result);
  }
  return redactSecrets(text.length > 500 ? `${text.slice(0, 497)}...` : text);
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
  const text = errorText(error);
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

