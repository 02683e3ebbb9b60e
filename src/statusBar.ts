import * as vscode from 'vscode';
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
 * a tooltip listing each job's prompt and stage; hidden when nothing runs. A click opens the gallery.
 */
export class JobsStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private visible = false;
  private shownStages: readonly (JobStageView | undefined)[] = [];
  private running: readonly RunningJob[] = [];
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
    this.item.accessibilityInformation = { label: this.item.tooltip, role: 'button' };
    this.item.show();
    this.visible = true;
  }

  dispose(): void {
    this.item.dispose();
  }
}
