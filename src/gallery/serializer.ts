import * as vscode from 'vscode';
import { GALLERY_VIEW_TYPE } from './protocol';

/**
 * Registers the `WebviewPanelSerializer` that brings the gallery back after a window reload. Small on
 * purpose: it belongs in the start-up bundle (the serializer must be registered during activation), while
 * `restore` loads the webview host lazily (e.g. `(panel) => loadCore().restoreGallery(panel)`), which
 * ends up in `GalleryPanel.restore`.
 */
export function registerGallerySerializer(
  restore: (panel: vscode.WebviewPanel) => void | Thenable<void>,
): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(GALLERY_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
      // The saved webview state (scroll position) is restored by the page itself via getState().
      await restore(panel);
    },
  });
}
