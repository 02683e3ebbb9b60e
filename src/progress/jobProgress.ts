import * as vscode from 'vscode';
import { barPercent, isStepBack } from '../jobs/jobStage';
import type { JobRecord, JobStage } from '../jobs/types';
import { shortPrompt, stageMessage } from './stageText';

export { shortPrompt, stageMessage } from './stageText';

/** One line of progress as shown in a notification, kept for the tests and the screenshots. */
export interface ProgressReport {
  readonly title: string;
  readonly stage: JobStage['stage'];
  /** The percent the stage carries (the server's, while generating), `null` when it has none. */
  readonly percent: number | null;
  readonly message: string;
}

/** How often a notification without a server percent updates its "elapsed of about expected" line. */
const TICK_MS = 1000;

/**
 * How long a "Stopped waiting…" notice stays when nothing resumes the job. VS Code offers no way to close a
 * message notification, so the notice is a progress notification that closes when its task ends: as soon as
 * the job is followed again from anywhere (its Resume link, the gallery, a command, another window), or when
 * its record changes otherwise — and after this long, so a notice hidden into the notification centre never
 * lingers there (the gallery card keeps offering Resume).
 */
export const STOPPED_NOTICE_LIFETIME_MS = 60_000;

/** Follows one record for the notification: which record it is, once known, and whether the user cancelled. */
export interface FollowOptions {
  /** The record followed (resume, submit anew): known before the follow starts. */
  readonly localId?: string;
}

/**
 * Shows one cancellable notification per job. Cancel means "stop waiting": the signal handed to `follow`
 * aborts, the job manager marks the record `detached`, and the job keeps running on Apiframe (Resume).
 * Every stage shown is what the job manager's `stageOf` says — the status bar and the gallery card show the
 * same — and never a step back.
 */
export class JobProgress implements vscode.Disposable {
  private readonly reportEmitter = new vscode.EventEmitter<ProgressReport>();
  /** Fires for every line shown (tests assert the sequence; the key-leak scan records them). */
  readonly onDidReport = this.reportEmitter.event;
  private readonly noticesEmitter = new vscode.EventEmitter<readonly string[]>();
  /** Fires when a "Stopped waiting…" notice opens or closes, with the records that have one open (tests). */
  readonly onDidChangeStoppedNotices = this.noticesEmitter.event;
  private readonly cancellers = new Set<AbortController>();
  /** Records followed with a notification in this window right now. */
  private readonly following = new Map<string, number>();
  private readonly notices = new Map<string, { readonly close: () => void; readonly text: string }>();

  /** True while a notification in this window follows the record (a second Resume must not start another). */
  isFollowing(localId: string): boolean {
    return (this.following.get(localId) ?? 0) > 0;
  }

  /** The records whose "Stopped waiting…" notice is open. */
  get stoppedNotices(): readonly string[] {
    return [...this.notices.keys()];
  }

  /** The text of a record's open "Stopped waiting…" notice (tests; the key-leak scan searches it). */
  stoppedNoticeText(localId: string): string | undefined {
    return this.notices.get(localId)?.text;
  }

  async follow(
    prompt: string,
    follow: (signal: AbortSignal, onStage: (stage: JobStage) => void) => Promise<JobRecord>,
    options: FollowOptions = {},
  ): Promise<JobRecord> {
    const { localId } = options;
    // Counted before the first await: a second Resume in the same tick already sees this one.
    if (localId) this.following.set(localId, (this.following.get(localId) ?? 0) + 1);
    const title = vscode.l10n.t('Apiframe: {0}', shortPrompt(prompt));
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        async (progress, token) => {
          const controller = new AbortController();
          this.cancellers.add(controller);
          const cancellation = token.onCancellationRequested(() => controller.abort());
          let shownPercent = 0;
          let shownStage: JobStage | undefined;
          let shownMessage: string | undefined;
          const show = (): void => {
            if (!shownStage) return;
            const now = Date.now();
            const percent = Math.max(shownPercent, barPercent(shownStage, now));
            const message = stageMessage(shownStage, now);
            if (percent === shownPercent && message === shownMessage) return;
            progress.report({ message, increment: percent - shownPercent });
            shownPercent = percent;
            shownMessage = message;
            this.reportEmitter.fire({ title, stage: shownStage.stage, percent: 'percent' in shownStage ? shownStage.percent : null, message });
          };
          const onStage = (stage: JobStage): void => {
            // The manager never goes back; this guard keeps the notification honest whatever calls it.
            if (shownStage && isStepBack(shownStage, stage)) return;
            shownStage = stage;
            show();
          };
          // Elapsed time moves the line and the bar while the server reports no percent.
          const ticker = setInterval(show, TICK_MS);
          try {
            return await follow(controller.signal, onStage);
          } finally {
            clearInterval(ticker);
            cancellation.dispose();
            this.cancellers.delete(controller);
          }
        },
      );
    } finally {
      if (localId) {
        const count = (this.following.get(localId) ?? 1) - 1;
        if (count > 0) this.following.set(localId, count);
        else this.following.delete(localId);
      }
    }
  }

  /**
   * Shows "Stopped waiting…" for a record as a notification that closes by itself (see
   * STOPPED_NOTICE_LIFETIME_MS): `text` may carry command links (Resume, Set API Key), which VS Code renders
   * in a notification's message. `watch` calls its `close` argument once the notice is no longer true (the job
   * is followed again, or the record changed) and returns what stops watching. A newer notice for the same
   * record replaces the older one.
   */
  showStoppedNotice(localId: string, text: string, watch: (close: () => void) => vscode.Disposable): void {
    this.notices.get(localId)?.close();
    let close!: () => void;
    const closed = new Promise<void>((resolve) => (close = resolve));
    const notice = { close, text };
    this.notices.set(localId, notice);
    this.noticesEmitter.fire(this.stoppedNotices);
    const watching = watch(close);
    const lifetime = setTimeout(close, STOPPED_NOTICE_LIFETIME_MS);
    void closed.then(() => {
      clearTimeout(lifetime);
      watching.dispose();
      if (this.notices.get(localId) !== notice) return;
      this.notices.delete(localId);
      this.noticesEmitter.fire(this.stoppedNotices);
    });
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: text, cancellable: false }, async (progress) => {
      // A determinate bar at 0: nothing is running here, so the notice must not animate like a job in progress.
      progress.report({ increment: 0 });
      await closed;
    });
  }

  /** Stops waiting for every job shown (tests use it to cancel like the notification's Cancel button). */
  cancelAll(): void {
    for (const controller of this.cancellers) controller.abort();
  }

  dispose(): void {
    for (const notice of [...this.notices.values()]) notice.close();
    this.reportEmitter.dispose();
    this.noticesEmitter.dispose();
  }
}
