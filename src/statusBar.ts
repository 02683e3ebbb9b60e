import * as vscode from 'vscode';

/**
 * The status-bar item with the number of running jobs; hidden when nothing runs. A click opens the gallery.
 */
export class JobsStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem('apiframe.jobs', vscode.StatusBarAlignment.Left, 50);
    this.item.name = vscode.l10n.t('Apiframe Images');
    this.item.command = 'apiframe.showImages';
  }

  /** The text currently shown, or undefined when hidden (for the tests). */
  get shownText(): string | undefined {
    return this.visible ? this.item.text : undefined;
  }

  private visible = false;

  update(runningCount: number): void {
    if (runningCount <= 0) {
      this.item.hide();
      this.visible = false;
      return;
    }
    this.item.text = `$(sync~spin) ${runningCount}`;
    this.item.tooltip =
      runningCount === 1
        ? vscode.l10n.t('Apiframe: 1 image is being generated. Click to show the images.')
        : vscode.l10n.t('Apiframe: {0} images are being generated. Click to show the images.', runningCount);
    this.item.accessibilityInformation = { label: this.item.tooltip, role: 'button' };
    this.item.show();
    this.visible = true;
  }

  dispose(): void {
    this.item.dispose();
  }
}
