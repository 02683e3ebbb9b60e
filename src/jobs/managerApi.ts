import type { ApiframeClient } from '../apiframe/client';
import type { AspectRatio, DalleStyle } from '../apiframe/types';
import type { JobOrigin, JobRecord, JobStage, Logger } from './types';

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
}

export interface GenerateInput {
  readonly prompt: string;
  readonly aspectRatio: AspectRatio;
  readonly style: DalleStyle;
  readonly origin?: JobOrigin;
}

export interface FollowOptions {
  /** Aborting means "stop waiting": the record becomes `detached`, the job keeps running on Apiframe. */
  readonly signal?: AbortSignal;
  readonly onStage?: (stage: JobStage) => void;
}

export interface Unsubscribe {
  dispose(): void;
}

export interface JobManager {
  /** Loads the journal and resumes unfinished records (re-sends `pending-submit` with the same key). */
  start(): Promise<void>;
  /** Journals, submits, follows and caches one job. Resolves with the final record (done/failed/detached/expired). */
  generate(input: GenerateInput, options?: FollowOptions): Promise<JobRecord>;
  /** Follows a `detached` or interrupted record again. */
  resume(localId: string, options?: FollowOptions): Promise<JobRecord>;
  /** Newest first. */
  history(): readonly JobRecord[];
  get(localId: string): JobRecord | undefined;
  /** Absolute file-system path of a cached image of a record. */
  cachedFilePath(record: JobRecord, index: number): string | undefined;
  /** Removes the record and its cached files. */
  delete(localId: string): Promise<void>;
  /** Number of records currently being followed (for the status bar). */
  runningCount(): number;
  /** Fires after every change of a record (created, stage/progress, done, deleted → `undefined` record). */
  onDidChange(listener: (localId: string, record: JobRecord | undefined) => void): Unsubscribe;
  /**
   * Stops following every job without changing their records (as if the window closed). Used on
   * deactivate and by the restart tests: a new manager on the same storage must finish the work.
   */
  dispose(): Promise<void>;
}
