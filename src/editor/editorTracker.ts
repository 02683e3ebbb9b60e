import * as vscode from 'vscode';
import { OriginTracker } from './originTracker';

/**
 * Remembers the last text editor the user worked in. When a gallery button is clicked the webview has the
 * focus and `window.activeTextEditor` is undefined, yet "Insert into Editor" means the editor they came from.
 */
export class EditorTracker implements vscode.Disposable {
  private last: vscode.TextEditor | undefined;
  private readonly subscription: vscode.Disposable;
  /** Where the selections jobs started from are now (see OriginTracker). */
  readonly origins = new OriginTracker();

  constructor() {
    this.last = usable(vscode.window.activeTextEditor);
    this.subscription = vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (usable(editor)) this.last = editor;
    });
  }

  /** The active text editor, else the last one that is still visible, else undefined. */
  current(): vscode.TextEditor | undefined {
    const active = usable(vscode.window.activeTextEditor);
    if (active) return active;
    const last = this.last;
    if (last && vscode.window.visibleTextEditors.includes(last) && !last.document.isClosed) return last;
    return undefined;
  }

  /** A visible editor showing `uri`, preferring the current one. */
  editorFor(uri: vscode.Uri): vscode.TextEditor | undefined {
    const key = uri.toString();
    const current = this.current();
    if (current?.document.uri.toString() === key) return current;
    return vscode.window.visibleTextEditors.find((editor) => editor.document.uri.toString() === key);
  }

  dispose(): void {
    this.subscription.dispose();
    this.origins.dispose();
  }
}

/** Output panels and other non-document editors are not places to insert an image reference. */
function usable(editor: vscode.TextEditor | undefined): vscode.TextEditor | undefined {
  if (!editor) return undefined;
  const scheme = editor.document.uri.scheme;
  return scheme === 'output' || scheme === 'debug' || scheme === 'vscode-scm' ? undefined : editor;
}
