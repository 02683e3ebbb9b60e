import * as vscode from 'vscode';
import type { JobRecord } from '../jobs/types';

/** Where a saved image's reference goes: a document and a position in it. */
export interface InsertionPoint {
  readonly document: vscode.TextDocument;
  readonly position: vscode.Position;
}

/**
 * Where the reference for a job started from a selection goes: right after that selection. The document
 * may have changed while the job ran (other jobs of the same command insert their own references first),
 * so the stored offsets are trusted only while they still frame the prompt's text; otherwise the prompt is
 * looked up near its old place. Undefined when the document is closed or the text is gone.
 */
export function insertionAfterOrigin(record: JobRecord): InsertionPoint | undefined {
  const origin = record.origin;
  if (!origin?.documentUri || !origin.selection) return undefined;
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === origin.documentUri);
  if (!document || document.isClosed) return undefined;
  const text = document.getText();
  const { start, end } = origin.selection;
  if (end <= text.length && text.slice(start, end).trim() === record.prompt.trim()) {
    return { document, position: document.positionAt(end) };
  }
  const needle = record.prompt.trim();
  if (needle === '') return undefined;
  let best: number | undefined;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
    if (best === undefined || Math.abs(at - start) < Math.abs(best - start)) best = at;
  }
  return best === undefined ? undefined : { document, position: document.positionAt(best + needle.length) };
}

/** After the editor's (primary) selection — which stays selected — or at the cursor. */
export function insertionAtEditor(editor: vscode.TextEditor): InsertionPoint {
  return { document: editor.document, position: editor.selection.end };
}
