import { createReadStream } from 'node:fs';
import * as vscode from 'vscode';
import type { ApiframeClient } from '../apiframe/client';
import type { UploadSource } from '../apiframe/uploads';
import { PENDING_JOBS_STATE_KEY } from '../commandIds';
import { recordTitle } from '../jobs/jobTexts';
import { createJobManager } from '../jobs/manager';
import type { JobManager } from '../jobs/managerApi';
import * as settings from '../settings';
import { ACTIVE_PHASES } from '../shared/jobPhases';
import type { InputImage } from '../jobs/types';
import type { Logger } from '../shared/logger';
import type { JobsStatusBar } from '../statusBar';

/** Per-image download cap: DALL-E 3 PNGs are 2–4 MB; anything far bigger is not a DALL-E result. */
const MAX_IMAGE_BYTES = 50 * 1024 * 1024;

export interface JobManagerHostOptions {
  /** Folder of the journal and the image cache: the extension's global storage, shared by every window. */
  readonly storageDir: string;
  readonly client: () => Promise<ApiframeClient>;
  readonly logger: Logger;
  readonly statusBar: JobsStatusBar;
  /** Where the start-up flag lives (see PENDING_JOBS_STATE_KEY). */
  readonly globalState: vscode.Memento;
}

/**
 * The window's one job manager: created and started on first use (starting it resumes unfinished jobs),
 * keeping the status bar's count and the start-up flag current as records change.
 */
export class JobManagerHost implements vscode.Disposable {
  private manager: Promise<JobManager> | undefined;
  private subscription: { dispose(): void } | undefined;

  constructor(private readonly options: JobManagerHostOptions) {}

  /** The started manager; a failed start is forgotten so the next call tries again. */
  get(): Promise<JobManager> {
    this.manager ??= this.create().catch((error: unknown) => {
      this.manager = undefined;
      throw error;
    });
    return this.manager;
  }

  /** Disposes the manager as a window close would (its jobs stay in the journal) and starts a new one on the same storage. */
  async restart(): Promise<JobManager> {
    const old = this.manager;
    this.manager = undefined;
    if (old) await (await old).dispose();
    return this.get();
  }

  dispose(): void {
    this.subscription?.dispose();
    void this.manager?.then((manager) => manager.dispose()).catch(() => undefined);
  }

  private async create(): Promise<JobManager> {
    const { statusBar, globalState } = this.options;
    const created = createJobManager({
      storageDir: this.options.storageDir,
      client: this.options.client,
      historyLimit: settings.historyLimit(),
      maxImageBytes: MAX_IMAGE_BYTES,
      log: this.options.logger,
      openInput: openWorkspaceImage,
    });
    this.subscription?.dispose();
    // The status bar shows each running job's stage as the manager defines it (the notification and card do too).
    const showRunning = (): void => statusBar.update(created.runningRecords().map((record) => ({ prompt: recordTitle(record), stage: created.stageOf(record) })));
    this.subscription = created.onDidChange(() => {
      showRunning();
      // The start-up bundle reads this flag to decide, without loading the core, whether there is work to resume.
      const hasUnfinished = created.history().some((record) => ACTIVE_PHASES.has(record.phase));
      if (globalState.get<boolean>(PENDING_JOBS_STATE_KEY) !== hasUnfinished) {
        void globalState.update(PENDING_JOBS_STATE_KEY, hasUnfinished);
      }
    });
    await created.start();
    showRunning();
    return created;
  }
}

/** Chunks a file that is not on the local disk is handed to the upload in (the upload streams them). */
const CHUNK_BYTES = 64 * 1024;

/**
 * A workspace file as an upload source: its size from `workspace.fs.stat` (checked against the limit before
 * anything is read or sent), its bytes streamed from disk for a local file, or read through `workspace.fs` and
 * handed over in chunks for any other file system (remote, virtual). Opened afresh for each attempt.
 */
async function openWorkspaceImage(input: InputImage): Promise<UploadSource> {
  if (input.uri === undefined) throw new Error(`${input.name} is not a workspace file.`);
  const uri = vscode.Uri.parse(input.uri);
  const stat = await vscode.workspace.fs.stat(uri);
  const fileName = uri.path.slice(uri.path.lastIndexOf('/') + 1) || input.name;
  return {
    fileName,
    size: stat.size,
    open: () => (uri.scheme === 'file' ? createReadStream(uri.fsPath) : chunksOf(uri)),
  };
}

async function* chunksOf(uri: vscode.Uri): AsyncIterable<Uint8Array> {
  const bytes = await vscode.workspace.fs.readFile(uri);
  for (let offset = 0; offset < bytes.length; offset += CHUNK_BYTES) yield bytes.subarray(offset, offset + CHUNK_BYTES);
}
