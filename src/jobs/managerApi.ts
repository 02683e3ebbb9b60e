import type { ApiframeClient } from '../apiframe/client';
import type { UploadSource } from '../apiframe/uploads';
import type { ImageModelId, ModelParamValues } from '../apiframe/imageModels';
import type { DalleStyle } from '../apiframe/types';
import type { JobStageView } from './jobStage';
import type { ImageAction, InputImage, JobGroup, JobOperation, JobOrigin, JobRecord, JobStage, SavedCopy } from './types';
import type { Logger } from '../shared/logger';

/**
 * The job manager's surface (implemented in `manager.ts`, no `vscode` import): the one place that turns a
 * prompt into cached images and never loses what the user paid for. Commands, the gallery and the status
 * bar use only this interface.
 *
 * Lifecycle of a record: journaled (`pending-submit`) → submitted with its idempotency key (`running`) →
 * followed with `waitForJob` → `downloading` → every image cached (`done`); or `failed` / `expired`;
 * or `detached` when the user stops waiting (Resume follows it again).
 */
export interface JobManagerOptions {
  /** Folder for the journal and the image cache (the extension's global storage, as a file-system path). */
  readonly storageDir: string;
  /** Creates (or returns) a client with the current key and settings; rejects with a clear error when no key is set. */
  readonly client: () => Promise<ApiframeClient>;
  /** History cap: older records beyond it are pruned with their cached files. */
  readonly historyLimit: number;
  /** Per-image download cap in bytes. */
  readonly maxImageBytes: number;
  readonly log: Logger;
  /** How long to follow a job before giving up waiting (the record stays resumable). */
  readonly waitTimeoutMs?: number;
  readonly now?: () => number;
  /** Test seams (restart tests and the chaos run); the extension leaves them unset. */
  readonly hooks?: JobManagerHooks;
  /** Local id / idempotency key factory. Default `crypto.randomUUID`. */
  readonly newId?: () => string;
  /**
   * Attempts per step (submit, wait, each download) for failures another attempt can fix — on top of the
   * client's own per-request retries. After the last one the record becomes `detached` (resumable). Default 4.
   */
  readonly stepAttempts?: number;
  /** First delay between step attempts, doubled each time (capped at 15 s). Default 1000 ms. */
  readonly retryBaseDelayMs?: number;
  /** How long progress-only changes may wait before the journal is written. Default 1000 ms. */
  readonly progressFlushMs?: number;
  /**
   * Waits between polls and between step attempts (rejects with the signal's reason when it aborts). Tests
   * scale it with the emulator's time factor; the default is a plain timer.
   */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /**
   * Opens a workspace file that is a job's input image for its upload (the host reads it with `workspace.fs`,
   * in chunks, its size known before anything is sent). A gallery image is read from the cache by the manager
   * itself. Without it, a job whose input is a workspace file fails with a clear error.
   */
  readonly openInput?: (input: InputImage, signal: AbortSignal) => Promise<UploadSource>;
}

/**
 * Awaited callbacks at the points where a crash is most dangerous, so tests can tear the manager down
 * exactly there (call `dispose()` without awaiting it inside the hook; the manager stops after the hook).
 */
export interface JobManagerHooks {
  /** The record is durably journaled as `pending-submit`; the submit has not been sent yet. */
  readonly journalWritten?: (record: JobRecord) => void | Promise<void>;
  /** The input image was uploaded and its URL journaled with the request; the submit has not been sent yet. */
  readonly uploadJournaled?: (record: JobRecord) => void | Promise<void>;
  /** Apiframe answered the submit (the job exists remotely); the answer is not journaled yet. */
  readonly submitAnswered?: (record: JobRecord, jobId: string) => void | Promise<void>;
  /** The first bytes of image `index` (0-based) were received and written to the temp file. */
  readonly downloadStarted?: (record: JobRecord, index: number) => void | Promise<void>;
}

/**
 * Rejection of `generate`/`resume` when the manager stopped following the record without changing it:
 * `disposed` (window closing; a later manager finishes the work) or `deleted` (the user deleted the record).
 * Commands should ignore it silently.
 */
export class JobStoppedError extends Error {
  override readonly name = 'JobStoppedError';
  constructor(readonly reason: 'disposed' | 'deleted') {
    super(reason === 'disposed' ? 'Stopped following the image job (the extension is shutting down).' : 'The image job was deleted.');
  }
}

export interface GenerateInput {
  readonly prompt: string;
  /** Default `dall-e-3`. */
  readonly model?: ImageModelId;
  /**
   * The model's own parameter block, already checked against its schema (see `src/models/requests.ts`).
   * Without it (DALL-E 3 only) the block is built from `aspectRatio` and `style`.
   */
  readonly params?: ModelParamValues;
  readonly aspectRatio: string;
  readonly style?: DalleStyle;
  readonly origin?: JobOrigin;
  readonly group?: JobGroup;
  /**
   * A reference image (Edit with Prompt, Make Variations): uploaded before the submit and its URL put into the
   * model's `input.referenceParam` (an array parameter gets `[url]`). Without upload fields.
   */
  readonly input?: InputImage;
  /** With `input`: what the user asked of it ("Make Variations", suffix `var`), for the card and a saved result's name. */
  readonly inputAction?: ImageAction;
}

/** An operation on an existing image (background removal, upscale, edit, a Midjourney action). */
export interface OperationInput {
  /**
   * The operation with its request as it will be submitted: the image field empty (`''`) when `input` is
   * uploaded first; a Midjourney action's `parentJobId` is taken from the source record when `input.localId` names one.
   */
  readonly operation: JobOperation;
  /** The image it works on (without upload fields). */
  readonly input: InputImage;
  readonly origin?: JobOrigin;
}

export interface FollowOptions {
  /** Aborting means "stop waiting": the record becomes `detached`, the job keeps running on Apiframe. */
  readonly signal?: AbortSignal;
  readonly onStage?: (stage: JobStage) => void;
  /** `generate` and `runOperation`: the new record, once it is journaled (before anything is sent). */
  readonly onJournaled?: (record: JobRecord) => void;
}

export interface SavedCopyChange {
  readonly missing?: boolean;
  readonly movedTo?: string;
}

export interface Unsubscribe {
  dispose(): void;
}

export interface JobManager {
  /** Loads the journal and resumes unfinished records (re-sends `pending-submit` with the same key). */
  start(): Promise<void>;
  /**
   * Journals, submits, follows and caches one job. Resolves with the final record (done/failed/detached/
   * expired); rejects only with `JobStoppedError` (dispose/delete while following).
   */
  generate(input: GenerateInput, options?: FollowOptions): Promise<JobRecord>;
  /**
   * Like `generate` for an operation on an existing image: journals the record, uploads its input (the URL
   * journaled before the submit), submits with the record's idempotency key and follows it. Rejects before
   * journaling anything when the operation cannot be run (an unknown model, a Midjourney source without a job).
   */
  runOperation(input: OperationInput, options?: FollowOptions): Promise<JobRecord>;
  /**
   * Follows a `detached` or interrupted record again. For a `needs-decision` record this is "look again":
   * it asks Apiframe's job list once more whether an earlier submit created the job (never submits blindly).
   */
  resume(localId: string, options?: FollowOptions): Promise<JobRecord>;
  /**
   * The user's explicit choice for a `needs-decision` (`unknown-submit`) record: submit it again although
   * Apiframe could not confirm that no earlier submit created a job (the same idempotency key is sent, so a
   * server that still remembers it answers with the original job). Follows the record like `generate`.
   */
  submitAnew(localId: string, options?: FollowOptions): Promise<JobRecord>;
  /** Newest first. */
  history(): readonly JobRecord[];
  get(localId: string): JobRecord | undefined;
  /** Absolute file-system path of a cached image of a record. */
  cachedFilePath(record: JobRecord, index: number): string | undefined;
  /** Removes the record and its cached files. */
  delete(localId: string): Promise<void>;
  /**
   * Remembers a copy of one of the record's images saved into the workspace (newest last; a copy already
   * known at that URI is replaced). Resolves with the updated record once it is journaled; undefined when the
   * record is gone.
   */
  addSavedCopy(localId: string, copy: SavedCopy): Promise<JobRecord | undefined>;
  /**
   * Updates what is known of the copy saved at `uri`: found gone (`missing: true`), back again
   * (`missing: false`), or moved to `movedTo` (a URI string; the copy follows it). Resolves with the record,
   * updated and journaled when something changed; undefined when the record is gone.
   */
  updateSavedCopy(localId: string, uri: string, change: SavedCopyChange): Promise<JobRecord | undefined>;
  /** Number of records currently being followed (for the status bar). */
  runningCount(): number;
  /** The records currently being followed, in the order their tasks started (the status bar lists them). */
  runningRecords(): readonly JobRecord[];
  /**
   * Where a record in progress stands (`undefined` at rest) — `jobStageOf` with the user's expected duration:
   * the one definition the notification, the status bar and the gallery card all show.
   */
  stageOf(record: JobRecord): JobStageView | undefined;
  /** Resolves when no record is being followed any more (tests; flushing before shutdown). */
  whenIdle(): Promise<void>;
  /** Fires after every change of a record (created, stage/progress, done, deleted → `undefined` record). */
  onDidChange(listener: (localId: string, record: JobRecord | undefined) => void): Unsubscribe;
  /**
   * Stops following every job without changing their records (as if the window closed). Used on
   * deactivate and by the restart tests: a new manager on the same storage must finish the work.
   */
  dispose(): Promise<void>;
}
