import * as vscode from 'vscode';
import type { JobRecord } from '../jobs/types';
import type { OriginTracker } from './originTracker';

/** Where a saved image's reference goes: a document, a position in it, and how it is placed there. */
export interface InsertionPoint {
  readonly document: vscode.TextDocument;
  /** The reference belongs after the text ending here (`after`), or exactly here (`cursor`). */
  readonly position: vscode.Position;
  readonly placement: 'after' | 'cursor';
  /** The job whose origin this is: its next reference goes after this one. */
  readonly origin?: JobRecord;
}

/**
 * Where the reference for a job started from a selection goes: after that selection as it is NOW — followed
 * through the document's edits while the job ran — and after the references already inserted for it, so
 * several keep their order. When it was not followed (a reload, a document closed meanwhile), the stored
 * offsets are trusted only while they still frame the prompt's text; otherwise the prompt is looked up near
 * its old place. Undefined when the document is not open or the text is gone.
 */
export function insertionAfterOrigin(record: JobRecord, origins: OriginTracker, document = originDocument(record)): InsertionPoint | undefined {
  const selection = record.origin?.selection;
  if (!document || document.isClosed || !selection) return undefined;
  const tracked = origins.find(record);
  if (tracked) return { document, position: document.positionAt(tracked.anchor), placement: 'after', origin: record };
  const found = findPrompt(document.getText(), record.prompt, selection);
  if (!found) return undefined;
  origins.adopt(record, found);
  return { document, position: document.positionAt(found.end), placement: 'after', origin: record };
}

/** The prompt's text in `text`: at its stored offsets when it is still there, else its occurrence nearest to them. */
function findPrompt(text: string, prompt: string, selection: { readonly start: number; readonly end: number }): { start: number; end: number } | undefined {
  const { start, end } = selection;
  const needle = prompt.trim();
  if (needle === '') return undefined;
  if (end <= text.length && text.slice(start, end).trim() === needle) return { start, end };
  let best: number | undefined;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) {
    if (best === undefined || Math.abs(at - start) < Math.abs(best - start)) best = at;
  }
  return best === undefined ? undefined : { start: best, end: best + needle.length };
}

/** After the editor's (primary) selection — which stays selected — or exactly at the cursor. */
export function insertionAtEditor(editor: vscode.TextEditor, placement: 'after' | 'cursor'): InsertionPoint {
  return { document: editor.document, position: editor.selection.end, placement };
}

/** The open document the job's prompt came from, if it is open. */
export function originDocument(record: JobRecord): vscode.TextDocument | undefined {
  const uri = record.origin?.documentUri;
  return uri ? vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri && !document.isClosed) : undefined;
}
