import * as vscode from 'vscode';
import type { CoreServices } from '../container/services';
import { columnBesideGallery } from '../editor/editorGroups';
import { insertionAfterOrigin, insertionAtEditor, originDocument, type InsertionPoint } from '../editor/insertionPoint';
import { isImageModelId } from '../apiframe/imageModels';
import { imageMetadataOf } from '../imageMetadata';
import { imageSize } from '../jobs/imageCache';
import { describeRecord } from '../jobs/jobTexts';
import { paramsOf } from '../jobs/records';
import type { JobRecord } from '../jobs/types';
import { shortPrompt } from '../progress/jobProgress';
import { savedImageName } from '../workspace/imageSavePlan';
import { altTextFromPrompt } from '../workspace/snippet';
import { liveSavedCopy, rememberSavedCopy } from './savedCopies';
import { displayPath, insertReference, saveToWorkspace, type ImageSize, type InsertedReference } from './saveToWorkspace';

/**
 * Where a reference goes, if anywhere:
 * - `origin`: after the selection the job came from, only while its document is open (what happens when a job
 *   finishes: an image never lands in a document the user has moved on from);
 * - `editor`: after the job's origin (its document opened when it was closed) when it has one, else after the
 *   current editor's selection (the gallery's "Insert into Editor");
 * - `cursor`: exactly at the current editor's cursor ("Insert at Cursor").
 */
export type InsertTarget = 'origin' | 'editor' | 'cursor';

export interface SaveRecordOptions {
  /** Save into this folder (explorer) instead of the destination setting. */
  readonly targetFolder?: vscode.Uri;
  /** Insert a reference too (see InsertTarget); without it the image is only saved. */
  readonly insert?: InsertTarget;
  /** The gallery's column: a document opened to insert into goes next to it, not over it. */
  readonly galleryColumn?: vscode.ViewColumn;
  /** Which of the job's images (0-based; the first when not given): a job may have made several. */
  readonly index?: number;
}

/**
 * Saves and inserts one at a time: jobs of one command finish together, and a WorkspaceEdit computed against
 * a document version that another edit has just changed is refused by VS Code ("changed in the meantime").
 * Each save computes its insertion point only when its turn comes.
 */
let saveQueue: Promise<unknown> = Promise.resolve();

/**
 * Saves one of a record's images (the first unless `options.index` says otherwise) and/or inserts a reference to it, telling the user where it went. An insert
 * links the copy already saved when it still exists (no second file); otherwise the image is saved and linked
 * in ONE edit, so one Undo removes both. Resolves with the file linked or saved.
 */
export function saveRecord(services: CoreServices, record: JobRecord, options: SaveRecordOptions): Promise<vscode.Uri | undefined> {
  const turn = saveQueue.then(() => saveRecordNow(services, record, options));
  saveQueue = turn.catch(() => undefined);
  return turn;
}

async function saveRecordNow(services: CoreServices, given: JobRecord, options: SaveRecordOptions): Promise<vscode.Uri | undefined> {
  const manager = await services.jobs();
  // The record may have changed since the caller read it (a copy saved by the previous turn of the queue).
  const record = manager.get(given.localId) ?? given;
  const index = options.index ?? 0;
  const cachedFile = manager.cachedFilePath(record, index);
  if (!cachedFile) {
    void services.ui.message('warning', vscode.l10n.t('"{0}" has no downloaded image to save.', shortPrompt(record.prompt)), []);
    return undefined;
  }
  const insertAt = options.insert ? await insertionPoint(services, record, options.insert, options.galleryColumn) : undefined;
  if (options.insert && options.insert !== 'origin' && !insertAt) {
    void services.ui.message('warning', vscode.l10n.t('Open a document to insert the image into.'), []);
    return undefined;
  }
  const altText = altTextFromPrompt(record.prompt);
  const size = insertAt ? await sizeOfImage(record, index, cachedFile) : undefined;
  const existing = insertAt ? await liveSavedCopy(services, record, index) : undefined;
  if (insertAt && existing) {
    const inserted = await insertReference({ file: existing, altText, insertAt, imageSize: size });
    afterInsert(services, record, insertAt, inserted, existing, options.insert);
    return existing;
  }
  const { name, extension } = savedImageName({ prompt: record.prompt, jobId: record.jobId ?? record.localId, mime: record.files?.[index]?.mime, index });
  const editor = services.editors.current();
  const result = await saveToWorkspace(services.ui, {
    cachedFile,
    fileName: name,
    extension,
    altText,
    targetFolder: options.targetFolder,
    document: insertAt?.document ?? originDocument(record) ?? editor?.document,
    insertAt,
    imageSize: size,
    metadata: metadataOfRecord(record),
  });
  if (!result) return undefined;
  await rememberSavedCopy(services, record, result.uri, index);
  services.logger.info(`Saved ${describeRecord(record)} to ${displayPath(result.uri)}.`);
  if (result.metadataNotEmbedded !== undefined) {
    services.logger.warn(`Saved ${displayPath(result.uri)} without its request inside (Re-run from Image cannot read it): ${result.metadataNotEmbedded}.`);
  }
  if (insertAt && result.inserted) {
    afterInsert(services, record, insertAt, result.inserted, result.uri, options.insert);
  } else {
    const open = vscode.l10n.t('Open');
    void services.ui.message('info', vscode.l10n.t('Saved {0}', displayPath(result.uri)), [open]).then((choice) => {
      if (choice === open) void vscode.commands.executeCommand('vscode.open', result.uri);
    });
  }
  return result.uri;
}

/** Image `index`'s pixel size, as the cache recorded it or else from the cached file's header. */
async function sizeOfImage(record: JobRecord, index: number, cachedFile: string): Promise<ImageSize> {
  const file = record.files?.[index];
  if (!file || (file.width !== undefined && file.height !== undefined)) return { width: file?.width, height: file?.height };
  try {
    return imageSize(file.mime, await vscode.workspace.fs.readFile(vscode.Uri.file(cachedFile)));
  } catch {
    return {};
  }
}

/** Where the reference goes for `target`; undefined when there is no such place. */
async function insertionPoint(
  services: CoreServices,
  record: JobRecord,
  target: InsertTarget,
  galleryColumn: vscode.ViewColumn | undefined,
): Promise<InsertionPoint | undefined> {
  const origins = services.editors.origins;
  const editor = services.editors.current();
  switch (target) {
    case 'cursor':
      return editor && insertionAtEditor(editor, 'cursor');
    case 'origin': {
      const afterOrigin = insertionAfterOrigin(record, origins);
      if (afterOrigin) return afterOrigin;
      // A job started without a selection (the prompt typed in a box) belongs at the cursor of its document.
      const sameDocument = editor && editor.document.uri.toString() === record.origin?.documentUri;
      return sameDocument && !record.origin?.selection ? insertionAtEditor(editor, 'after') : undefined;
    }
    case 'editor': {
      const document = record.origin?.selection ? (originDocument(record) ?? (await openOrigin(record))) : undefined;
      const afterOrigin = document && insertionAfterOrigin(record, origins, document);
      if (afterOrigin) {
        await showDocument(services, afterOrigin.document, galleryColumn);
        return afterOrigin;
      }
      return editor && insertionAtEditor(editor, 'after');
    }
  }
}

/** Opens the closed document a job came from; undefined when it cannot be opened (deleted, say). */
async function openOrigin(record: JobRecord): Promise<vscode.TextDocument | undefined> {
  const uri = record.origin?.documentUri;
  if (!uri) return undefined;
  try {
    return await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
  } catch {
    return undefined;
  }
}

/** Makes sure the user sees the document the reference goes into, next to the gallery when it is not visible. */
async function showDocument(services: CoreServices, document: vscode.TextDocument, galleryColumn: vscode.ViewColumn | undefined): Promise<void> {
  if (vscode.window.visibleTextEditors.some((editor) => editor.document === document)) return;
  const viewColumn = columnBesideGallery(galleryColumn, services.editors.current());
  await vscode.window.showTextDocument(document, { viewColumn, preview: false, preserveFocus: false });
}

function afterInsert(
  services: CoreServices,
  record: JobRecord,
  insertAt: InsertionPoint,
  inserted: InsertedReference,
  file: vscode.Uri,
  target: InsertTarget | undefined,
): void {
  if (insertAt.origin) services.editors.origins.referenceInserted(insertAt.origin, inserted.document.offsetAt(inserted.range.end));
  const where = insertAt.placement === 'cursor' ? 'at the cursor' : insertAt.origin ? 'after its origin' : 'after the selection';
  services.logger.info(
    `Inserted a link to ${displayPath(file)} for ${describeRecord(record)} into ${displayPath(inserted.document.uri)} ` +
      `at line ${inserted.range.end.line + 1}, ${where}.`,
  );
  // Asked for from the gallery: show where it went (a long line or a far-away origin would hide it).
  if (target === 'editor' || target === 'cursor') {
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document === inserted.document) editor.revealRange(inserted.range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
  }
}

/** The request that made a record's images, as saved copies carry it (Re-run from Image reads it back). */
export function metadataOfRecord(record: JobRecord): ReturnType<typeof imageMetadataOf> | undefined {
  // An operation's result carries no generation request (Re-run from Image has nothing to read back from it).
  if (record.operation || record.input || !isImageModelId(record.model)) return undefined;
  return imageMetadataOf({ prompt: record.prompt, model: record.model, params: paramsOf(record), aspectRatio: record.aspectRatio, jobId: record.jobId, createdAt: record.createdAt });
}
