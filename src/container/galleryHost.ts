import * as vscode from 'vscode';
import { GalleryPanel, type GalleryAccountSource, type GalleryModelSource, type GalleryActions, type GalleryPanelDeps, type GalleryShowOptions, type GalleryTraffic } from '../gallery/galleryPanel';
import { IMAGES_FOLDER } from '../jobs/imageCache';
import type { JobManager } from '../jobs/managerApi';
import type { Logger } from '../shared/logger';

export interface GalleryHostOptions {
  readonly extensionUri: vscode.Uri;
  /** The extension's global storage; the image cache is a folder in it. */
  readonly storageUri: vscode.Uri;
  readonly jobs: () => Promise<JobManager>;
  /** Read when a panel opens: the actions are built from the services, which are built with this host. */
  readonly actions: () => GalleryActions;
  readonly logger: Logger;
  /** The test hook for the gallery's traffic; undefined outside ExtensionMode.Test. */
  readonly observeTraffic?: (traffic: GalleryTraffic) => void;
  /** The credits left the header shows. */
  readonly account?: GalleryAccountSource;
  /** The model in use the header names. */
  readonly model?: GalleryModelSource;
}

/** Opens, reveals and restores the one gallery panel with what it needs (its records come from the job manager). */
export class GalleryHost implements vscode.Disposable {
  constructor(private readonly options: GalleryHostOptions) {}

  async show(options?: GalleryShowOptions): Promise<GalleryPanel> {
    return GalleryPanel.show(await this.deps(), options);
  }

  /** Adopts the panel VS Code restored after a window reload. */
  async restore(panel: vscode.WebviewPanel, savedState: unknown): Promise<void> {
    GalleryPanel.restore(panel, await this.deps(), savedState);
  }

  dispose(): void {
    GalleryPanel.current?.dispose();
  }

  private async deps(): Promise<GalleryPanelDeps> {
    const { extensionUri, storageUri, logger, observeTraffic, account, model } = this.options;
    return {
      extensionUri,
      manager: await this.options.jobs(),
      actions: this.options.actions(),
      log: logger,
      cacheRoot: vscode.Uri.joinPath(storageUri, IMAGES_FOLDER),
      ...(observeTraffic ? { observeTraffic } : {}),
      ...(account ? { account } : {}),
      ...(model ? { model } : {}),
    };
  }
}
