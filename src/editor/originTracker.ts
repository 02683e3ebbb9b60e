import * as vscode from 'vscode';
import type { JobOrigin, JobRecord } from '../jobs/types';
import { mapEnd, mapStart } from '../workspace/offsetMapping';

/** Where a job's prompt is now, and where its next reference goes. */
export interface TrackedOriginRange {
  readonly start: number;
  readonly end: number;
  /**
   * Where the next reference goes: after the last reference inserted for this place, else the origin's end.
   * Several references for one place (two jobs from one sentence, or one inserted twice) keep their order.
   */
  readonly anchor: number;
}

interface TrackedOrigin {
  start: number;
  end: number;
  /** End of the last reference inserted for this origin. */
  after?: number;
  /** The offsets records know this origin by (`origin.selection` when the job started), as `start:end`. */
  readonly keys: Set<string>;
}

/** Bounds, so a long session cannot grow the tracker without limit (the oldest are forgotten first). */
const MAX_ORIGINS_PER_DOCUMENT = 200;
const MAX_DOCUMENTS = 50;

/**
 * Follows the selections jobs were started from through the edits of their document while it stays open: the
 * user keeps writing (or other jobs insert their references) while a job runs, so the offsets a record stored
 * at the start are soon stale. A document closed since is forgotten (what happened to it on disk is unknown),
 * and so is an origin whose text was deleted; the caller then looks for the prompt's text instead.
 */
export class OriginTracker implements vscode.Disposable {
  private readonly byDocument = new Map<string, TrackedOrigin[]>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.workspace.onDidChangeTextDocument((event) => this.follow(event)),
      vscode.workspace.onDidCloseTextDocument((document) => this.byDocument.delete(document.uri.toString())),
    ];
  }

  /** Starts following a job's origin selection (from now on); a place already followed is shared. */
  track(origin: JobOrigin | undefined): void {
    if (!origin?.documentUri || !origin.selection) return;
    const documentUri = origin.documentUri;
    if (!vscode.workspace.textDocuments.some((document) => document.uri.toString() === documentUri)) return;
    this.remember(documentUri, origin.selection, origin.selection);
  }

  /** The record's origin as it is now, while it has been followed since the job started. */
  find(record: JobRecord): TrackedOriginRange | undefined {
    const found = this.entryFor(record);
    if (!found) return undefined;
    const { entry, entries } = found;
    // Every origin at the same place shares the order of the references inserted after it.
    let anchor = entry.end;
    for (const other of entries) {
      if (other.start === entry.start && other.end === entry.end && other.after !== undefined) anchor = Math.max(anchor, other.after);
    }
    return { start: entry.start, end: entry.end, anchor };
  }

  /** Follows the record's origin from a range found now (by its text), e.g. after a reload. */
  adopt(record: JobRecord, range: { readonly start: number; readonly end: number }): void {
    const documentUri = record.origin?.documentUri;
    const selection = record.origin?.selection;
    if (documentUri && selection) this.remember(documentUri, selection, range);
  }

  /** A reference for the record's origin now ends at `offset`: the next one goes after it. */
  referenceInserted(record: JobRecord, offset: number): void {
    const found = this.entryFor(record);
    if (found) found.entry.after = offset;
  }

  dispose(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.byDocument.clear();
  }

  private entryFor(record: JobRecord): { entry: TrackedOrigin; entries: TrackedOrigin[] } | undefined {
    const documentUri = record.origin?.documentUri;
    const selection = record.origin?.selection;
    if (!documentUri || !selection) return undefined;
    const entries = this.byDocument.get(documentUri);
    const entry = entries?.find((candidate) => candidate.keys.has(keyOf(selection)));
    // A range that collapsed had its text deleted or replaced whole (a revert, say): no longer a place to trust.
    if (!entries || !entry || entry.end <= entry.start) return undefined;
    return { entry, entries };
  }

  private remember(documentUri: string, selection: { readonly start: number; readonly end: number }, range: { readonly start: number; readonly end: number }): void {
    const key = keyOf(selection);
    let entries = this.byDocument.get(documentUri);
    if (!entries) {
      entries = [];
      this.byDocument.set(documentUri, entries);
      if (this.byDocument.size > MAX_DOCUMENTS) this.byDocument.delete(this.byDocument.keys().next().value ?? '');
    }
    // The newest job started from these offsets owns them: an older origin that moved away keeps its place only for itself.
    for (const entry of entries) entry.keys.delete(key);
    let entry = entries.find((candidate) => candidate.start === range.start && candidate.end === range.end);
    if (!entry) {
      entry = { start: range.start, end: range.end, keys: new Set() };
      entries.push(entry);
      if (entries.length > MAX_ORIGINS_PER_DOCUMENT) entries.shift();
    }
    entry.keys.add(key);
  }

  private follow(event: vscode.TextDocumentChangeEvent): void {
    const entries = this.byDocument.get(event.document.uri.toString());
    if (!entries || event.contentChanges.length === 0) return;
    // Changes of one event apply one after the other, as VS Code's own mirror models apply them.
    for (const change of event.contentChanges) {
      const edit = { start: change.rangeOffset, end: change.rangeOffset + change.rangeLength, length: change.text.length };
      for (const entry of entries) {
        entry.start = mapStart(entry.start, edit);
        entry.end = mapEnd(entry.end, edit);
        if (entry.after !== undefined) entry.after = mapEnd(entry.after, edit);
      }
    }
  }
}

function keyOf(selection: { readonly start: number; readonly end: number }): string {
  return `${selection.start}:${selection.end}`;
}
