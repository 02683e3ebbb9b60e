import * as vscode from 'vscode';
import { elapsedSeconds, formatDuration } from '../jobs/jobStage';
import type { JobStage } from '../jobs/types';
import { truncateGraphemes } from '../shared/text';

/**
 * The words for a stage, shared by the notification (`message`) and the status bar (`label`), so both say
 * the same thing. `now` is the clock for "elapsed" when the server reports no percent.
 */
export function stageMessage(stage: JobStage, now: number = Date.now()): string {
  switch (stage.stage) {
    case 'submitting':
      return vscode.l10n.t('Submitting…');
    case 'queued':
      return vscode.l10n.t('Queued…');
    case 'generating': {
      if (stage.percent !== null) return vscode.l10n.t('Generating {0}%…', stage.percent);
      const elapsed = elapsedSeconds(stage, now);
      if (elapsed === undefined) return vscode.l10n.t('Generating…');
      const expected = stage.expectedSeconds;
      if (expected === undefined) return vscode.l10n.t('Generating… {0}', formatDuration(elapsed));
      return elapsed <= expected
        ? vscode.l10n.t('Generating… {0} of about {1}', formatDuration(elapsed), formatDuration(expected))
        : vscode.l10n.t('Generating… {0} (usually about {1})', formatDuration(elapsed), formatDuration(expected));
    }
    case 'downloading':
      return stage.percent === null ? vscode.l10n.t('Downloading…') : vscode.l10n.t('Downloading {0}%…', stage.percent);
    case 'done':
      return vscode.l10n.t('Done');
  }
}

/** The short form for the status bar: the stage, and the server's percent when there is one. */
export function stageLabel(stage: JobStage): string {
  switch (stage.stage) {
    case 'submitting':
      return vscode.l10n.t('Submitting');
    case 'queued':
      return vscode.l10n.t('Queued');
    case 'generating':
      return stage.percent === null ? vscode.l10n.t('Generating') : vscode.l10n.t('Generating {0}%', stage.percent);
    case 'downloading':
      return stage.percent === null ? vscode.l10n.t('Downloading') : vscode.l10n.t('Downloading {0}%', stage.percent);
    case 'done':
      return vscode.l10n.t('Done');
  }
}

/** A prompt shortened for a notification title or the status bar's tooltip. */
export function shortPrompt(prompt: string, max = 48): string {
  return truncateGraphemes(prompt.replace(/\s+/g, ' ').trim(), max, { measure: 'codeUnits' });
}
