import * as vscode from 'vscode';
import type { CreditsReading } from './jobs/creditsTracker';
import type { JobStageView } from './jobs/jobStage';
import { shortPrompt, stageLabel } from './progress/stageText';

/** A job being followed, as the status bar lists it. */
export interface RunningJob {
  readonly prompt: string;
  /** From the job manager's `stageOf` — the same stage the notification and the gallery card show. */
  readonly stage: JobStageView | undefined;
}

/**
 * The status-bar item for running jobs: with one, its stage ("Generating 45%"); with several, their count and
 * a tooltip listing each job's prompt and stage, then the credits left when they are known; hidden when
 * nothing runs. A click opens the gallery.
 */
export class JobsStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private visible = false;
  private shownStages: readonly (JobStageView | undefined)[] = [];
  private running: readonly RunningJob[] = [];
  private credits: CreditsReading | undefined;
  private model: string | undefined;

  constructor() {
    this.item = vscode.window.createStatusBarItem('apiframe.jobs', vscode.StatusBarAlignment.Left, 50);
    this.item.name = vscode.l10n.t('Apiframe Images');
    this.item.command = 'apiframe.showImages';
  }

  /** The text currently shown, or undefined when hidden (for the tests). */
  get shownText(): string | undefined {
    return this.visible ? this.item.text : undefined;
  }

  /** The tooltip currently shown, or undefined when hidden (for the tests). */
  get shownTooltip(): string | undefined {
    return this.visible && typeof this.item.tooltip === 'string' ? this.item.tooltip : undefined;
  }

  /** The stages currently shown, one per running job (for the tests). */
  get stages(): readonly (JobStageView | undefined)[] {
    return this.visible ? this.shownStages : [];
  }

  /** The credits line the tooltip carries while the item shows (for the tests), or undefined when unknown. */
  get creditsLine(): string | undefined {
    return this.credits ? creditsLeftText(this.credits, Date.now()) : undefined;
  }

  /** Shows `reading` in the tooltip from now on (the time since it was read is worded when the tooltip is). */
  showCredits(reading: CreditsReading): void {
    this.credits = reading;
    if (this.visible) this.update(this.running);
  }

  /** The model new images are made with, as the tooltip names it (for the tests; set even while hidden). */
  get shownModel(): string | undefined {
    return this.model;
  }

  /**
   * The model new images are made with (its catalog label): a line of the tooltip, so the choice is in view
   * while jobs run without widening the item.
   */
  setModel(label: string): void {
    if (label === this.model) return;
    this.model = label;
    if (this.visible) this.update(this.running);
  }

  update(running: readonly RunningJob[]): void {
    this.running = running;
    this.shownStages = running.map((job) => job.stage);
    if (running.length === 0) {
      this.item.hide();
      this.visible = false;
      return;
    }
    const lines = running.map((job) => `${shortPrompt(job.prompt)} — ${job.stage ? stageLabel(job.stage) : vscode.l10n.t('Starting')}`);
    const [only] = running;
    const modelLine = this.model === undefined ? [] : [vscode.l10n.t('Model for new images: {0}', this.model)];
    if (running.length === 1 && only) {
      this.item.text = `$(sync~spin) ${only.stage ? stageLabel(only.stage) : vscode.l10n.t('Starting')}`;
      this.item.tooltip = [vscode.l10n.t('Apiframe: {0}. Click to show the images.', lines.join('')), ...modelLine].join('\n');
    } else {
      this.item.text = `$(sync~spin) ${vscode.l10n.t('{0} images', running.length)}`;
      this.item.tooltip = [vscode.l10n.t('Apiframe: {0} images are being generated. Click to show the images.', running.length), ...lines, ...modelLine].join('\n');
    }
    const credits = this.creditsLine;
    if (credits) this.item.tooltip = `${this.item.tooltip}\n${credits}`;
    this.item.accessibilityInformation = { label: this.item.tooltip, role: 'button' };
    this.item.show();
    this.visible = true;
  }

  dispose(): void {
    this.item.dispose();
  }
}

/**
 * "Credits left: 1,234 (updated 2 minutes ago)", in the display language; "could not refresh" when the last
 * read failed; undefined when the credits are unknown.
 */
export function creditsLeftText(reading: CreditsReading, now: number): string | undefined {
  if (reading.credits === null) return undefined;
  const locale = displayLocale();
  const credits = new Intl.NumberFormat(locale).format(reading.credits);
  const updated = reading.updatedAt === undefined ? undefined : timeAgo(reading.updatedAt, now, locale);
  if (reading.stale) {
    return updated
      ? vscode.l10n.t('Credits left: {0} (as of {1}; could not refresh)', credits, updated)
      : vscode.l10n.t('Credits left: {0} (could not refresh)', credits);
  }
  return updated ? vscode.l10n.t('Credits left: {0} (updated {1})', credits, updated) : vscode.l10n.t('Credits left: {0}', credits);
}

/** "2 minutes ago" / "now". */
function timeAgo(at: number, now: number, locale: string): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (seconds < 45) return format.format(0, 'second');
  if (seconds < 45 * 60) return format.format(-Math.round(seconds / 60), 'minute');
  return format.format(-Math.round(seconds / 3600), 'hour');
}

/** VS Code's display language when Intl knows it (a pseudo-locale may not be a valid tag), else English. */
function displayLocale(): string {
  try {
    return Intl.getCanonicalLocales(vscode.env.language)[0] ?? 'en';
  } catch {
    return 'en';
  }
}
