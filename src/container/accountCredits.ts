import * as vscode from 'vscode';
import type { ApiframeClient } from '../apiframe/client';
import type { ApiKeyStore } from '../apiKey';
import { CreditsTracker, type CreditsReading } from '../jobs/creditsTracker';
import type { JobManager } from '../jobs/managerApi';
import type { Logger } from '../shared/logger';
import type { JobsStatusBar } from '../statusBar';

export interface AccountCreditsOptions {
  readonly apiKey: ApiKeyStore;
  /** The client with the stored key (asked only once a key is known to be stored). */
  readonly client: () => Promise<ApiframeClient>;
  /** Already redacting. */
  readonly logger: Logger;
  readonly statusBar: JobsStatusBar;
}

/**
 * The window's credits left: a `CreditsTracker` fed by the window (focus), the key store (another key means
 * another account) and the job managers it is shown (jobs settling), and shown in the status bar's tooltip
 * and the gallery's header. Created with the other services when the first command runs; it sends nothing
 * until a job settles or the gallery opens, and never on a timer.
 */
export class AccountCredits implements vscode.Disposable {
  private readonly tracker: CreditsTracker;
  private readonly subscriptions: { dispose(): void }[];

  constructor(options: AccountCreditsOptions) {
    this.tracker = new CreditsTracker({
      hasKey: async () => (await options.apiKey.get()) !== undefined,
      fetchCredits: async () => (await (await options.client()).me()).team?.credits ?? null,
      now: () => Date.now(),
      log: options.logger,
    });
    this.subscriptions = [
      this.tracker.onDidChange((reading) => options.statusBar.showCredits(reading)),
      vscode.window.onDidChangeWindowState((state) => {
        if (state.focused) void this.tracker.windowFocused();
      }),
      options.apiKey.onDidChange(() => void this.tracker.keyChanged()),
    ];
  }

  get reading(): CreditsReading {
    return this.tracker.reading;
  }

  onDidChange(listener: (reading: CreditsReading) => void): vscode.Disposable {
    const subscription = this.tracker.onDidChange(listener);
    return new vscode.Disposable(() => subscription.dispose());
  }

  /** Reads again whenever one of this manager's jobs settles. */
  watchJobs(manager: JobManager): void {
    this.tracker.watchJobs(manager);
  }

  /** The gallery opened (a new panel, or one restored after a reload). */
  galleryOpened(): Promise<void> {
    return this.tracker.galleryOpened();
  }

  dispose(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.tracker.dispose();
  }
}
