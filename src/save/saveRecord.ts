import * as vscode from 'vscode';
import type { CoreServices } from '../container/services';
import { insertionAfterOrigin, insertionAtEditor, type InsertionPoint } from '../editor/insertionPoint';
import type { JobRecord } from '../jobs/types';
import { shortPrompt } from '../progress/jobProgress';
import { savedImageName } from '../workspace/imageSavePlan';
import { altTextFromPrompt } from '../workspace/snippet';
import { displayPath, saveToWorkspace } from './saveToWorkspace';

export interface SaveRecordOptions {
  /** Save into this folder (explorer) instead of the destination setting. */
  readonly targetFolder?: vscode.Uri;
  /** Insert a reference too — after the origin selection when the job has one that still matches, else at the cursor. */
  readonly insert: boolean;
  /** Prefer the current editor's selection over the job's origin selection (gallery "Insert into Editor"). */
  readonly atCurrentSelection?: boolean;
}

/**
 * Saves and inserts one at a time: jobs of one command finish together, and a WorkspaceEdit computed against
 * a document version that another edit has just changed is refused by VS Code ("changed in the meantime").
 * Each save computes its insertion point only when its turn comes.
 */
let saveQueue: Promise<unknown> = Promise.resolve();

/** Saves a record's first image (and inserts a reference), telling the user where it went. */
export function saveRecord(services: CoreServices, record: JobRecord, options: SaveRecordOptions): Promise<vscode.Uri | undefined> {
  const turn = saveQueue.then(() => saveRecordNow(services, record, options));
  saveQueue = turn.catch(() => undefined);
  return turn;
}

async function saveRecordNow(services: CoreServices, record: JobRecord, options: SaveRecordOptions): Promise<vscode.Uri | undefined> {
  const cachedFile = (await services.jobs()).cachedFilePath(record, 0);
  if (!cachedFile) {
    void services.ui.message('warning', vscode.l10n.t('"{0}" has no downloaded image to save.', shortPrompt(record.prompt)), []);
    return undefined;
  }
  const editor = services.editors.current();
  let insertAt: InsertionPoint | undefined;
  if (options.insert && options.atCurrentSelection) {
    // "Insert into Editor": wherever the user is now.
    insertAt = editor ? insertionAtEditor(editor) : undefined;
    if (!insertAt) {
      void services.ui.message('warning', vscode.l10n.t('Open a document to insert the image into.'), []);
      return undefined;
    }
  } else if (options.insert) {
    // After completion: only ever into the document the prompt came from; if it is gone, just save.
    insertAt = insertionAfterOrigin(record);
    if (!insertAt && editor && editor.document.uri.toString() === record.origin?.documentUri) insertAt = insertionAtEditor(editor);
  }
  const { name, extension } = savedImageName({ prompt: record.prompt, jobId: record.jobId ?? record.localId, mime: record.files?.[0]?.mime, index: 0 });
  const result = await saveToWorkspace(services.ui, {
    cachedFile,
    fileName: name,
    extension,
    altText: altTextFromPrompt(record.prompt),
    targetFolder: options.targetFolder,
    document: insertAt?.document ?? (options.atCurrentSelection ? editor?.document : undefined) ?? originDocument(record) ?? editor?.document,
    insertAt,
  });
  if (!result) return undefined;
  services.logger.info(`Saved job ${record.localId} to ${result.uri.toString()}`);
  if (!insertAt) {
    const open = vscode.l10n.t('Open');
    void services.ui.message('info', vscode.l10n.t('Saved {0}', displayPath(result.uri)), [open]).then((choice) => {
      if (choice === open) void vscode.commands.executeCommand('vscode.open', result.uri);
    });
  }
  return result.uri;
}

/** The open document the job's prompt came from, if it is still open. */
function originDocument(record: JobRecord): vscode.TextDocument | undefined {
  const uri = record.origin?.documentUri;
  return uri ? vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri) : undefined;
}
