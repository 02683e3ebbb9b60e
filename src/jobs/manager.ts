/**
 * The job manager: the orchestrator that turns a prompt into cached images and never loses what the user paid
 * for (the contract is in `managerApi.ts`). It owns the journal and the per-record tasks, and moves each record
 * through its phases — submit, wait, download — with the rules of the modules it composes:
 * `reconcile.ts` (did an earlier submit create the job?), `stepRetry.ts` (another attempt or not),
 * `resultDownload.ts` (images into the cache, links refreshed), `settlement.ts` (where an error leaves the
 * record) and `stepFailures.ts` (what a failure proves). No `vscode` import.
 */
import { randomUUID } from 'node:crypto';
import type { ApiframeClient } from '../apiframe/client';
import { ApiframeError } from '../apiframe/errors';
import { imageUrlsOf } from '../apiframe/shapes';
import { isOperationModelId } from '../apiframe/imageOperations';
import type { Job } from '../apiframe/types';
import type { UploadSource } from '../apiframe/uploads';
import { ImageCache } from './imageCache';
import { Journal, JournalClosedError, MAX_SAVED_COPIES } from './journal';
import type { FollowOptions, GenerateInput, JobManager, JobManagerOptions, OperationInput, SavedCopyChange, Unsubscribe } from './managerApi';
import { JobStoppedError } from './managerApi';
import type { InputImage, JobModelId, JobRecord, JobStage, SavedCopy } from './types';
import { durationFor, jobDurationMs, parseDurationModel, recordDuration } from './durationModel';
import { advanceStatus, isStepBack, jobStageOf, type JobStageView } from './jobStage';
import { abortableSleep, waitForJob } from './waitForJob';
import { ACTIVE_PHASES, TERMINAL_PHASES } from '../shared/jobPhases';
import { describeError, describeRecord, describeShape, serverReason } from './jobTexts';
import { cachedImageSource, hasReusableUpload, refusesInputImage, takeUpload, withoutUpload } from './inputUpload';
import { activePhaseOf, freezeRecord, needsUpload, operationOf, requestOf, submittedAtOf } from './records';
import { reconcileWithJobList, type ReconcileResult } from './reconcile';
import { downloadResults, refreshLinks, type ResultDownloadContext } from './resultDownload';
import { settlementAfter } from './settlement';
import { isDefinitiveRefusal, isKeyProblem, NeedsDecisionError } from './stepFailures';
import { MANAGER_STEP_RETRY_DEFAULTS, retryStep, type Step } from './stepRetry';

export { JobStoppedError } from './managerApi';

/** Apiframe remembers an idempotency key for 24 hours; after that a replay creates (and charges) a new job. */
const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** A record this close to the end of the window is reconciled before a resubmit, not replayed. */
const IDEMPOTENCY_SAFETY_MARGIN_MS = 60 * 60 * 1000;

interface Task {
  readonly localId: string;
  readonly controller: AbortController;
  readonly stageListeners: Set<(stage: JobStage) => void>;
  /** The last stage told to the listeners: a joining listener hears it first, and nothing goes back from it. */
  lastStage: JobStage | undefined;
  promise: Promise<JobRecord>;
  /** The user asked to look again at a record that waits for a decision: ask the job list before any submit. */
  lookAgain: boolean;
  /** Ask the job for its current result links before downloading (resuming a download that failed). */
  refreshLinks: boolean;
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
        if (!(error instanceof JobStoppedError)) this.options.log.error(`Resuming job ${record.localId}: ${describeError(error)}`);
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
      model: input.model ?? 'dall-e-3',
      params: { ...(input.params ?? { aspect_ratio: input.aspectRatio, style: input.style ?? 'vivid' }) },
      aspectRatio: input.aspectRatio,
      ...(input.style ? { style: input.style } : {}),
      ...(input.group ? { group: input.group } : {}),
      createdAt: new Date(this.now()).toISOString(),
      ...(input.origin ? { origin: input.origin } : {}),
      ...(input.input ? { input: withoutUpload(input.input) } : {}),
      ...(input.input && input.inputAction ? { inputAction: { label: input.inputAction.label, suffix: input.inputAction.suffix } } : {}),
      phase: 'pending-submit',
    };
    return this.begin(record, followOptions);
  }

  async runOperation(input: OperationInput, followOptions: FollowOptions = {}): Promise<JobRecord> {
    await this.ensureLoaded();
    this.assertNotDisposed();
    const { operation } = input;
    let request = { ...operation.request };
    let model: JobModelId;
    if (operation.kind === 'midjourneyAction') {
      model = 'midjourney';
      // The action works on the source's own job: its id comes from the record the user acted on.
      const sourceId = input.input.localId;
      const parent = sourceId === undefined ? undefined : this.journal.get(sourceId);
      if (sourceId !== undefined && !parent?.jobId) throw new Error(`${input.input.name} has no Apiframe job to act on.`);
      if (parent?.jobId) request = { ...request, parentJobId: parent.jobId };
      if (typeof request.parentJobId !== 'string' || request.parentJobId === '') throw new Error('A Midjourney action needs the job it acts on.');
    } else {
      if (!isOperationModelId(request.model)) throw new Error(`${String(request.model)} is not an image operation model.`);
      model = request.model;
    }
    const localId = this.options.newId?.() ?? randomUUID();
    const record: JobRecord = {
      localId,
      idempotencyKey: localId,
      prompt: promptOfOperation(request),
      model,
      aspectRatio: '',
      createdAt: new Date(this.now()).toISOString(),
      ...(input.origin ? { origin: input.origin } : {}),
      operation: { kind: operation.kind, request, label: operation.label, suffix: operation.suffix },
      input: withoutUpload(input.input),
      phase: 'pending-submit',
    };
    return this.begin(record, followOptions);
  }

  /** Journals a new record and follows it: nothing is uploaded or submitted before the record is on disk. */
  private async begin(record: JobRecord, followOptions: FollowOptions): Promise<JobRecord> {
    const { localId } = record;
    this.store(Object.freeze(record));
    // The client is built (key, settings, dispatcher) while the record is being written, not after: the write
    // waits on the disk, the build on the thread. Nothing is sent with it before the record is on disk; a
    // failure here is met again, and reported, where the submit asks for the client.
    void this.options.client().catch(() => undefined);
    try {
      // The record must be on disk BEFORE the submit: a lost answer is then re-sent with the same key.
      await this.journal.save();
    } catch (error) {
      this.assertNotDisposed();
      return this.store(
        freezeRecord({ ...record, phase: 'failed', error: `The job was not sent: ${describeError(error)}` }),
      );
    }
    // Nothing can have been sent for it yet: a refusal of this first submit is final (see `submit`).
    this.firstSubmits.add(localId);
    followOptions.onJournaled?.(record);
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
    this.store(freezeRecord({ ...record, phase: 'pending-submit', decision: undefined, interruption: undefined, reconciled: true }));
    await this.journal.save();
    this.options.log.info(`Job ${describeRecord(record)}: submitted anew at the user's request.`);
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

  async addSavedCopy(localId: string, copy: SavedCopy): Promise<JobRecord | undefined> {
    await this.ensureLoaded();
    this.assertNotDisposed();
    const record = this.journal.get(localId);
    if (!record) return undefined;
    const others = (record.savedCopies ?? []).filter((known) => known.uri !== copy.uri);
    return this.storeSavedCopies(record, [...others, Object.freeze({ ...copy })]);
  }

  async updateSavedCopy(localId: string, uri: string, change: SavedCopyChange): Promise<JobRecord | undefined> {
    await this.ensureLoaded();
    this.assertNotDisposed();
    const record = this.journal.get(localId);
    if (!record) return undefined;
    let changed = false;
    const copies = (record.savedCopies ?? []).map((copy) => {
      if (copy.uri !== uri) return copy;
      const missing = change.missing ?? copy.missing === true;
      const updated: SavedCopy = { uri: change.movedTo ?? copy.uri, index: copy.index, savedAt: copy.savedAt, ...(missing ? { missing } : {}) };
      if (updated.uri === copy.uri && missing === (copy.missing === true)) return copy;
      changed = true;
      return Object.freeze(updated);
    });
    return changed ? this.storeSavedCopies(record, copies) : record;
  }

  /** Stores the record with these copies (the newest kept) and journals it. */
  private async storeSavedCopies(record: JobRecord, copies: readonly SavedCopy[]): Promise<JobRecord> {
    const updated = this.store(freezeRecord({ ...record, savedCopies: Object.freeze(copies.slice(-MAX_SAVED_COPIES)) as SavedCopy[] }));
    await this.journal.save();
    return updated;
  }

  runningCount(): number {
    return this.runningRecords().length;
  }

  runningRecords(): readonly JobRecord[] {
    const running: JobRecord[] = [];
    for (const localId of this.tasks.keys()) {
      const record = this.journal.get(localId);
      if (record && ACTIVE_PHASES.has(record.phase)) running.push(record);
    }
    return running;
  }

  stageOf(record: JobRecord): JobStageView | undefined {
    // Most records are at rest (the gallery asks for every one): no need to read the duration model for them.
    if (!ACTIVE_PHASES.has(record.phase)) return undefined;
    return jobStageOf(record, { expectedSeconds: durationFor(parseDurationModel(this.journal.durationModel), record.model).medianMs / 1000 });
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
    await this.journal.close().catch((error: unknown) => this.options.log.error(describeError(error)));
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
    if (onStage) {
      started.stageListeners.add(onStage);
      // Joining a job already followed: start from where it stands, not from the beginning.
      if (started.lastStage) onStage(started.lastStage);
    }
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
      lastStage: undefined,
      promise: Promise.resolve(undefined as unknown as JobRecord),
      lookAgain: false,
      refreshLinks: false,
    };
    this.tasks.set(localId, task);
    // Being followed is part of what listeners show (the status bar lists the running jobs): say when it starts and ends.
    this.changedFollowing(localId);
    task.promise = this.drive(task).finally(() => {
      this.tasks.delete(localId);
      this.changedFollowing(localId);
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
            if (record.phase === 'done') this.announce(task, { stage: 'done' });
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
    this.announceStage(task);
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
    // The input image goes up first, its URL journaled with the request: a crash from here on resubmits that body.
    record = await this.prepareInput(task, { unanswered, force: false });
    let uploadedAgain = false;
    let accepted;
    for (;;) {
      try {
        const sending = record;
        accepted = await this.withRetries(task, 'submit', async () => {
          const client = await this.client(task);
          const options = { idempotencyKey: sending.idempotencyKey, signal };
          try {
            const operation = operationOf(sending);
            return await (operation ? client.submitOperation(operation, options) : client.submitImage(requestOf(sending), options));
          } catch (error) {
            if (!isDefinitiveRefusal(error) || (error instanceof ApiframeError && error.afterUnansweredAttempt)) unanswered = true;
            throw error;
          } finally {
            this.firstSubmits.delete(sending.localId);
          }
        });
        break;
      } catch (error) {
        // The route fetched the input image and could not (the upload lapsed, or went early): upload once more
        // and send the new body under the SAME key — a server that created the job answers with it, one that
        // did not creates it now. Never a second key, so never a second job.
        if (!uploadedAgain && !signal.aborted && refusesInputImage(error, record)) {
          uploadedAgain = true;
          this.options.log.info(`Job ${describeRecord(record)}: Apiframe could not use its input image (${describeError(error)}); uploading it again.`);
          record = await this.prepareInput(task, { unanswered, force: true });
          continue;
        }
        // A refusal after a submit whose answer was lost proves nothing: that submit may have created the job
        // (a server may check credits or the body before it looks up the key, and answer a replay with 402).
        if (!isDefinitiveRefusal(error) || !unanswered || signal.aborted) throw error;
        this.options.log.info(`Job ${describeRecord(record)}: a resubmit was refused (${describeError(error)}); looking for the job it may already have created.`);
        if ((await this.reconcile(task)) === 'adopted') return;
        throw error;
      }
    }
    signal.throwIfAborted();
    await this.options.hooks?.submitAnswered?.(record, accepted.jobId);
    this.update(task, { jobId: accepted.jobId, status: accepted.status, phase: 'running' });
    await this.journal.save();
    this.options.log.info(`Job ${describeRecord(record)} submitted as Apiframe job ${accepted.jobId}.`);
  }

  /**
   * Uploads the record's input image when it needs one and journals the URL (and the request that carries it)
   * BEFORE anything is submitted. A journaled URL is reused while it may be (`reusableUntil`). After that, a
   * record whose earlier submit may have reached Apiframe is first resubmitted as it was: a server that matches
   * bodies to keys answers that replay with its job, and one that refuses the lapsed URL gets the new upload
   * (`force`) under the same key. `unanswered`: an earlier submit may have created the job, so an upload that
   * fails now must not fail the record (it stays resumable).
   */
  private async prepareInput(task: Task, { unanswered, force }: { unanswered: boolean; force: boolean }): Promise<JobRecord> {
    const signal = task.controller.signal;
    const record = this.current(task);
    const input = record.input;
    if (!input || !needsUpload(record)) return record;
    if (!force && input.uploadedUrl !== undefined && (hasReusableUpload(input, this.now()) || !this.firstSubmits.has(record.localId))) return record;
    let uploaded;
    try {
      const source = await this.inputSource(input, signal);
      uploaded = await this.withRetries(task, 'submit', async () => (await this.client(task)).uploadImage(source, { signal }));
    } catch (error) {
      if (signal.aborted || error instanceof JobStoppedError || !unanswered) throw error;
      // A job may exist already: not a final failure, but a stop the user can resume once the file is back.
      throw new Error(`The input image could not be uploaded again: ${describeError(error)}`);
    }
    signal.throwIfAborted();
    const updated = this.update(task, takeUpload(this.current(task), uploaded));
    await this.journal.save();
    this.options.log.info(`Job ${describeRecord(updated)}: uploaded ${input.name} (${uploaded.byteSize} bytes); usable until ${uploaded.reusableUntil.toISOString()}.`);
    await this.options.hooks?.uploadJournaled?.(updated);
    signal.throwIfAborted();
    return this.current(task);
  }

  /** The bytes of an input image: a workspace file through the host, a gallery image from the cache. */
  private async inputSource(input: InputImage, signal: AbortSignal): Promise<UploadSource> {
    if (input.uri !== undefined) {
      const open = this.options.openInput;
      if (!open) throw new ApiframeError('invalidInput', `${input.name} cannot be read here: no way to open workspace files was given.`);
      try {
        return await open(input, signal);
      } catch (error) {
        if (error instanceof ApiframeError || signal.aborted) throw error;
        throw new ApiframeError('invalidInput', `Could not read ${input.name}: ${describeError(error)}`);
      }
    }
    const source = input.localId === undefined ? undefined : this.journal.get(input.localId);
    const image = source?.files?.[input.index ?? 0];
    if (!image) throw new ApiframeError('invalidInput', `${input.name} is no longer in the image history.`);
    return cachedImageSource(this.cache.absolutePath(image), image);
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
    const ownedElsewhere = new Set(this.journal.all().flatMap((r) => (r.jobId && r.localId !== record.localId ? [r.jobId] : [])));
    const found = await reconcileWithJobList(client, record, ownedElsewhere, signal, { now: this.now() });
    if (found.kind === 'unknown') {
      const keyProblem = found.reason === 'list-unreadable' && isKeyProblem(found.error);
      throw new NeedsDecisionError('unknown-submit', unknownSubmitText(found), keyProblem);
    }
    if (found.kind === 'adopt') {
      const { job } = found;
      this.update(task, { jobId: job.id, status: job.status, progress: job.progress, phase: 'running', reconciled: undefined });
      await this.journal.save();
      this.options.log.info(`Job ${describeRecord(record)}: found on Apiframe as job ${job.id} (created by an earlier submit); following it instead of submitting again.`);
      return 'adopted';
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
    this.announceStage(task);
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
    // Never backwards: a QUEUED answer after PROCESSING, or a lower progress, does not move the record back.
    const next = advanceStatus(record, job);
    if (record.status === next.status && record.progress === next.progress) return;
    this.update(task, next);
    // Progress is not worth an fsync each time: coalesced.
    this.journal.saveSoon();
    if (next.status === 'QUEUED' || next.status === 'PROCESSING') this.announceStage(task);
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
      this.update(task, { ...base, phase: 'failed', error: serverReason(job.error) ?? fallback });
    } else {
      throw new ApiframeError('badResponse', `Waiting for the job ended while it was still ${job.status}.`, { retryable: true });
    }
    await this.journal.save();
  }

  private async download(task: Task): Promise<void> {
    const steps = this.resultDownload(task);
    if (task.refreshLinks) {
      task.refreshLinks = false;
      await refreshLinks(steps);
    }
    const record = this.current(task);
    this.announceStage(task);
    const files = await downloadResults(steps);
    this.update(task, { files, phase: 'done', error: undefined });
    await this.journal.save();
    this.announce(task, { stage: 'done' });
    this.options.log.info(`Job ${describeRecord(record)}: ${files.length} image(s) cached.`);
    this.schedulePrune();
  }

  /** The download step's view of the task: its record, client, retries and progress, nothing more. */
  private resultDownload(task: Task): ResultDownloadContext {
    const hooks = this.options.hooks;
    return {
      signal: task.controller.signal,
      cache: this.cache,
      maxImageBytes: this.options.maxImageBytes,
      client: () => this.client(task),
      current: () => this.current(task),
      takeLinks: (urls) => void this.update(task, { remoteUrls: urls }),
      retry: (run) => this.withRetries(task, 'download', run),
      // The image host's size is not known here, so Downloading shows no percent; the stage stands.
      onReceived: () => undefined,
      ...(hooks?.downloadStarted ? { downloadStarted: (record, index) => hooks.downloadStarted?.(record, index) } : {}),
    };
  }

  /** Runs a step under the step retries (see `stepRetry.ts`); waits are cancelled by the task's signal. */
  private withRetries<T>(task: Task, step: Step, run: () => Promise<T>): Promise<T> {
    return retryStep(run, {
      step,
      attempts: this.options.stepAttempts ?? MANAGER_STEP_RETRY_DEFAULTS.stepAttempts,
      baseDelayMs: this.options.retryBaseDelayMs ?? MANAGER_STEP_RETRY_DEFAULTS.retryBaseDelayMs,
      signal: task.controller.signal,
      sleep: this.options.sleep ?? abortableSleep,
      onRetry: (error, nextAttempt, delay) =>
        this.options.log.debug(`Job ${task.localId}: ${step} failed (${describeError(error)}); attempt ${nextAttempt} in ${delay} ms.`),
    });
  }

  /** Turns the error that ended a task into the record's final state (or rethrows a stop). */
  private async settleAfterError(task: Task, error: unknown): Promise<JobRecord> {
    const signal = task.controller.signal;
    if (signal.aborted) {
      const reason: unknown = signal.reason;
      if (reason instanceof JobStoppedError) throw reason;
      // "Stop waiting": the job keeps running on Apiframe; Resume follows it again.
      const stopped = this.journal.get(task.localId);
      if (stopped) this.options.log.info(`Job ${describeRecord(stopped)}: stopped waiting at the user's request (Cancel); it keeps running on Apiframe and Resume follows it again.`);
      return this.settle(task, { phase: 'detached' });
    }
    if (error instanceof JobStoppedError) throw error;
    if (error instanceof JournalClosedError) throw new JobStoppedError('disposed');
    const record = this.journal.get(task.localId);
    if (!record) throw new JobStoppedError('deleted');
    const { patch, log } = settlementAfter(error, record);
    if (log) this.options.log[log.level](log.message);
    return this.settle(task, patch);
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
    const record = freezeRecord({ ...this.current(task), ...patch });
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
        this.options.log.error(`A job change listener failed: ${describeError(error)}`);
      }
    }
  }

  private changedFollowing(localId: string): void {
    const record = this.journal.get(localId);
    if (record && !this.disposed) this.changed(localId, record);
  }

  /** Tells the task's listeners the record's current stage — the same `stageOf` the gallery and status bar read. */
  private announceStage(task: Task): void {
    const record = this.journal.get(task.localId);
    const stage = record ? this.stageOf(record) : undefined;
    if (stage) this.announce(task, stage);
  }

  private announce(task: Task, stage: JobStage): void {
    const last = task.lastStage;
    // Repeats and (defensively) steps back are not told: a follower only ever sees the job move forward.
    if (last && (isStepBack(last, stage) || sameStage(last, stage))) return;
    task.lastStage = stage;
    for (const listener of [...task.stageListeners]) {
      try {
        listener(stage);
      } catch (error) {
        this.options.log.error(`A progress listener failed: ${describeError(error)}`);
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
    // The journal hands out frozen records as read, with their stamps from the file: nothing to write back.
    const contents = await this.journal.load();
    // Leftovers of a download interrupted by a crash: only a record that was not done can have one (a record
    // becomes done once its files are renamed into place). Listing the folders of every done record as well
    // would delay the first poll of a resumed job by seconds with a long history.
    for (const record of contents.records) if (record.phase !== 'done') await this.cache.removePartialDownloads(record.localId);
    await this.prune();
    // Folders no record owns (a crash between deleting a record and its files) are removed after the load, not
    // as part of it: listing a folder per record of a long history would hold up the first job of the window,
    // and nothing waits on that cleanup (dispose() does, like a prune).
    this.pruning = this.pruning.then(() => this.removeUnownedFolders()).catch((error: unknown) => {
      this.options.log.error(`Removing image folders no job owns failed: ${describeError(error)}`);
    });
  }

  /**
   * Asks the journal at each folder, not a list taken earlier: a record created meanwhile owns its folder before
   * its first download can make it, so a new job's folder is never taken for a leftover.
   */
  private async removeUnownedFolders(): Promise<void> {
    for (const folder of await this.cache.folders()) {
      if (this.disposed) return;
      if (!this.journal.get(folder)) await this.cache.remove(folder);
    }
  }

  private schedulePrune(): void {
    if (this.disposed) return;
    this.pruning = this.pruning.then(() => this.prune()).catch((error: unknown) => {
      this.options.log.error(`Pruning the image history failed: ${describeError(error)}`);
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

function sameStage(a: JobStage, b: JobStage): boolean {
  return a.stage === b.stage && ('percent' in a ? a.percent : null) === ('percent' in b ? b.percent : null);
}

/** What an operation was asked beyond its image (Flux Fill's and Clarity's optional prompt, Vary Region's): the record's prompt. */
function promptOfOperation(request: Readonly<Record<string, unknown>>): string {
  if (typeof request.prompt === 'string') return request.prompt;
  for (const value of Object.values(request)) {
    if (value && typeof value === 'object' && typeof (value as { prompt?: unknown }).prompt === 'string') return (value as { prompt: string }).prompt;
  }
  return '';
}

const UNKNOWN_SUBMIT = 'It is not known whether an earlier submit already created (and charged) this job';

/** Why a record waits for the user after the job list could not settle whether its job exists. */
function unknownSubmitText(found: Extract<ReconcileResult, { kind: 'unknown' }>): string {
  switch (found.reason) {
    case 'list-unreadable':
      return `${UNKNOWN_SUBMIT}: Apiframe's job list could not be read (${describeError(found.error).replace(/[.\s]+$/, '')}).`;
    case 'list-too-long':
      return `${UNKNOWN_SUBMIT}: Apiframe's job list was too long to check completely.`;
    case 'inputs-unreadable':
      return `${UNKNOWN_SUBMIT}: Apiframe's job list does not show what some recent jobs were asked.`;
  }
}
