import * as vscode from 'vscode';
import { GALLERY_VIEW_TYPE } from './protocol';

/**
 * Registers the `WebviewPanelSerializer` that brings the gallery back after a window reload. Small on
 * purpose: it belongs in the start-up bundle (the serializer must be registered during activation), while
 * `restore` loads the webview host lazily (e.g. `(panel, state) => loadCore().restoreGallery(panel, state)`), which
 * ends up in `GalleryPanel.restore`.
 */
export function registerGallerySerializer(
  restore: (panel: vscode.WebviewPanel, savedState: unknown) => void | Thenable<void>,
): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(GALLERY_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, savedState: unknown): Promise<void> {
      // The page restores its saved state (scroll position, filter) itself via getState(); the host only
      // looks at it to know what the page will show first.
      await restore(panel, savedState);
    },
  });
}
