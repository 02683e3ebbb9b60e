import * as vscode from 'vscode';
import type { JobRecord, JobStage } from '../jobs/types';

/** One line of progress as shown in a notification, kept for the tests and the screenshots. */
export interface ProgressReport {
  readonly title: string;
  readonly stage: JobStage['stage'];
  readonly message: string;
}

/** Where the bar stands at each stage (0–100); "generating" spans 10–90 with the server's progress. */
function percentFor(stage: JobStage): number {
  switch (stage.stage) {
    case 'submitting':
      return 2;
    case 'queued':
      return 10;
    case 'generating':
      return 10 + Math.round(0.8 * clampPercent(stage.progress ?? 0));
    case 'downloading':
      return 90;
    case 'done':
      return 100;
  }
}

function clampPercent(value: number): number {
  return Number.isFinite(value) ? Math.max(0, Math.min(100, value)) : 0;
}

export function stageMessage(stage: JobStage): string {
  switch (stage.stage) {
    case 'submitting':
      return vscode.l10n.t('Submitting…');
    case 'queued':
      return vscode.l10n.t('Queued…');
    case 'generating':
      return stage.progress === null
        ? vscode.l10n.t('Generating…')
        : vscode.l10n.t('Generating {0}%…', Math.round(clampPercent(stage.progress)));
    case 'downloading':
      return vscode.l10n.t('Downloading…');
    case 'done':
      return vscode.l10n.t('Done');
  }
}

/** A prompt shortened for a notification title. */
export function shortPrompt(prompt: string, max = 48): string {
  const oneLine = prompt.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

/**
 * Shows one cancellable notification per job. Cancel means "stop waiting": the signal handed to `follow`
 * aborts, the job manager marks the record `detached`, and the job keeps running on Apiframe (Resume).
 */
export class JobProgress implements vscode.Disposable {
  private readonly reportEmitter = new vscode.EventEmitter<ProgressReport>();
  /** Fires for every stage shown (tests assert the sequence; nothing else listens). */
  readonly onDidReport = this.reportEmitter.event;
  private readonly cancellers = new Set<AbortController>();

  async follow(
    prompt: string,
    follow: (signal: AbortSignal, onStage: (stage: JobStage) => void) => Promise<JobRecord>,
  ): Promise<JobRecord> {
    const title = vscode.l10n.t('Apiframe: {0}', shortPrompt(prompt));
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        this.cancellers.add(controller);
        const cancellation = token.onCancellationRequested(() => controller.abort());
        let shownPercent = 0;
        const onStage = (stage: JobStage): void => {
          const percent = Math.max(shownPercent, percentFor(stage));
          const message = stageMessage(stage);
          progress.report({ message, increment: percent - shownPercent });
          shownPercent = percent;
          this.reportEmitter.fire({ title, stage: stage.stage, message });
        };
        try {
          return await follow(controller.signal, onStage);
        } finally {
          cancellation.dispose();
          this.cancellers.delete(controller);
        }
      },
    );
  }

  /** Stops waiting for every job shown (tests use it to cancel like the notification's Cancel button). */
  cancelAll(): void {
    for (const controller of this.cancellers) controller.abort();
  }

  dispose(): void {
    this.reportEmitter.dispose();
  }
}
