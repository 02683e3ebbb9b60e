import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { JobRecord } from '../jobs/types';
import { destinationTemplate } from '../settings';
import { UserFacingError } from '../commands/errors';
import type { UserInterface } from '../commands/ui';
import { isInside, resolveDestination } from '../workspace/destination';
import { fileNameForImage, uniqueName, type ImageExtension } from '../workspace/slug';
import { altTextFromPrompt, imageReference, referenceNeedsOwnLine, relativeReference } from '../workspace/snippet';

/** Where a saved image's reference goes: a document and a position in it. */
export interface InsertionPoint {
  readonly document: vscode.TextDocument;
  readonly position: vscode.Position;
}

export interface SaveImageRequest {
  readonly record: JobRecord;
  /** Which of the record's images (DALL-E 3 returns one; the API allows several). */
  readonly index: number;
  /** Absolute file-system path of the cached image (the job manager's cache). */
  readonly cachedFile: string;
  /** Explicit folder chosen in the explorer ("Generate Image Here…"): the image goes there, as is. */
  readonly targetFolder?: vscode.Uri;
  /** The document whose workspace folder and destination setting decide where the image goes. */
  readonly document?: vscode.TextDocument;
  /** Insert a reference here, in the same WorkspaceEdit as the new file (one Undo removes both). */
  readonly insertAt?: InsertionPoint;
}

export interface SaveImageResult {
  readonly uri: vscode.Uri;
  /** The reference text inserted, when an insertion was requested. */
  readonly insertedText?: string;
}

const EXTENSIONS: Readonly<Record<string, ImageExtension>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
};

/**
 * Saves a cached image into the workspace — through VS Code's file system API only, so it works in remote,
 * WSL and virtual workspaces — and optionally inserts a reference to it. Never overwrites (numbered names),
 * never writes outside the workspace folder (the destination setting is resolved and checked, and on local
 * disks the real path is checked so a symbolic link cannot lead out), and a destination that is a file is
 * refused with a clear message. The file and the text edit are ONE WorkspaceEdit.
 */
export async function saveImage(ui: UserInterface, request: SaveImageRequest): Promise<SaveImageResult | undefined> {
  const { record } = request;
  const mime = record.files?.[request.index]?.mime ?? 'image/png';
  const extension = EXTENSIONS[mime] ?? 'png';
  const baseName = withIndex(fileNameForImage(record.prompt, record.jobId ?? record.localId, extension), request.index);
  const bytes = await vscode.workspace.fs.readFile(vscode.Uri.file(request.cachedFile));

  const folder = await destinationFolder(ui, request);
  let fileUri: vscode.Uri;
  let overwrite = false;
  if (folder) {
    await ensureIsFolderInside(folder.directory, folder.workspaceFolder);
    const taken = await existingNames(folder.directory);
    const name = await uniqueName(baseName, (candidate) => taken.has(candidate.toLowerCase()));
    fileUri = vscode.Uri.joinPath(folder.directory, name);
  } else {
    // No workspace folder open: the user picks the file (the dialog itself confirms replacing a file).
    const defaultFolder = request.document && !request.document.isUntitled ? dirnameUri(request.document.uri) : undefined;
    const picked = await ui.saveDialog({
      defaultUri: defaultFolder ? vscode.Uri.joinPath(defaultFolder, baseName) : undefined,
      filters: { [vscode.l10n.t('Images')]: [extension] },
      title: vscode.l10n.t('Save Image'),
    });
    if (!picked) return undefined;
    fileUri = picked;
    overwrite = true;
  }

  const edit = new vscode.WorkspaceEdit();
  const label = vscode.l10n.t('Save image');
  edit.createFile(fileUri, { contents: bytes, overwrite, ignoreIfExists: false }, { label, needsConfirmation: false });
  let insertedText: string | undefined;
  if (request.insertAt) {
    const { document } = request.insertAt;
    // Block references (reStructuredText, AsciiDoc) go after the selection's line, not into its middle.
    const position = referenceNeedsOwnLine(document.languageId)
      ? document.lineAt(request.insertAt.position.line).range.end
      : request.insertAt.position;
    const reference = imageReference(document.languageId, referencePath(document, fileUri, folder?.workspaceFolder), altTextFromPrompt(record.prompt));
    insertedText = surroundForInsertion(document, position, reference);
    edit.insert(document.uri, position, insertedText, { label, needsConfirmation: false });
  }
  const editorsBefore = request.insertAt ? selectionsOf(request.insertAt.document) : [];
  const applied = await vscode.workspace.applyEdit(edit);
  if (!applied) {
    throw new UserFacingError(vscode.l10n.t('VS Code could not create {0}.', displayPath(fileUri)));
  }
  // The selection stays what it was: the reference goes after it, not into it.
  for (const { editor, selections } of editorsBefore) editor.selections = selections;
  return { uri: fileUri, insertedText };
}

interface DestinationFolder {
  readonly directory: vscode.Uri;
  readonly workspaceFolder?: vscode.WorkspaceFolder;
}

async function destinationFolder(ui: UserInterface, request: SaveImageRequest): Promise<DestinationFolder | undefined> {
  if (request.targetFolder) {
    const workspaceFolder = vscode.workspace.getWorkspaceFolder(request.targetFolder);
    if (workspaceFolder && !isInside(workspaceFolder.uri.path, request.targetFolder.path)) {
      throw new UserFacingError(vscode.l10n.t('{0} is outside the workspace folder.', displayPath(request.targetFolder)));
    }
    return { directory: request.targetFolder, workspaceFolder };
  }
  const document = request.document;
  let workspaceFolder = document ? vscode.workspace.getWorkspaceFolder(document.uri) : undefined;
  if (!workspaceFolder) {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) return undefined;
    if (folders.length === 1) {
      workspaceFolder = folders[0];
    } else {
      workspaceFolder = await ui.pickWorkspaceFolder({
        placeHolder: vscode.l10n.t('Which workspace folder should the image be saved in?'),
        ignoreFocusOut: true,
      });
      if (!workspaceFolder) throw new vscode.CancellationError();
    }
  }
  const documentInFolder =
    document && !document.isUntitled && vscode.workspace.getWorkspaceFolder(document.uri)?.uri.toString() === workspaceFolder.uri.toString();
  const resolved = resolveDestination({
    workspaceFolderPath: workspaceFolder.uri.path,
    documentPath: documentInFolder ? document.uri.path : undefined,
    setting: destinationTemplate(workspaceFolder.uri),
  });
  if (!resolved.ok) throw new UserFacingError(vscode.l10n.t('Cannot save the image: {0}', resolved.message));
  return { directory: workspaceFolder.uri.with({ path: resolved.folderPath }), workspaceFolder };
}

/**
 * The destination must be a folder (or not exist yet) and, where the file system shows symbolic links
 * (local `file:` folders), its real path must stay inside the workspace folder's real path.
 */
async function ensureIsFolderInside(directory: vscode.Uri, workspaceFolder: vscode.WorkspaceFolder | undefined): Promise<void> {
  // Walk up to the nearest part of the destination that exists; every existing part must be a folder.
  let existing: vscode.Uri | undefined = directory;
  while (existing) {
    const stat = await statOrUndefined(existing);
    if (stat) {
      if ((stat.type & vscode.FileType.Directory) === 0) {
        throw new UserFacingError(
          vscode.l10n.t('The destination {0} is a file, not a folder. Change the setting apiframe.destination or move the file.', displayPath(existing)),
        );
      }
      break;
    }
    const parent = dirnameUri(existing);
    existing = parent.path === existing.path ? undefined : parent;
  }
  if (!existing || !workspaceFolder || existing.scheme !== 'file' || workspaceFolder.uri.scheme !== 'file') return;
  const [realFolder, realExisting] = await Promise.all([realpath(workspaceFolder.uri.fsPath), realpath(existing.fsPath)]);
  const relative = path.relative(realFolder, realExisting);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new UserFacingError(
      vscode.l10n.t('The destination {0} leads outside the workspace folder through a symbolic link.', displayPath(existing)),
    );
  }
}

async function statOrUndefined(uri: vscode.Uri): Promise<vscode.FileStat | undefined> {
  try {
    return await vscode.workspace.fs.stat(uri);
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
    throw error;
  }
}

/** Names already in the folder, lower-cased: a case-insensitive disk would otherwise overwrite `Cat.png` with `cat.png`. */
async function existingNames(directory: vscode.Uri): Promise<Set<string>> {
  try {
    const entries = await vscode.workspace.fs.readDirectory(directory);
    return new Set(entries.map(([name]) => name.toLowerCase()));
  } catch {
    return new Set();
  }
}

function withIndex(name: string, index: number): string {
  if (index === 0) return name;
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}-${index + 1}${name.slice(dot)}`;
}

function dirnameUri(uri: vscode.Uri): vscode.Uri {
  return uri.with({ path: path.posix.dirname(uri.path) });
}

/** The path written into the document: relative to it; for an untitled document, relative to the workspace folder. */
function referencePath(document: vscode.TextDocument, file: vscode.Uri, workspaceFolder: vscode.WorkspaceFolder | undefined): string {
  if (!document.isUntitled && document.uri.scheme === file.scheme && document.uri.authority === file.authority) {
    return relativeReference(document.uri.path, file.path);
  }
  if (workspaceFolder && isInside(workspaceFolder.uri.path, file.path)) {
    return path.posix.relative(workspaceFolder.uri.path, file.path);
  }
  return file.scheme === 'file' ? file.fsPath : file.toString();
}

/**
 * Inline references get a space when glued to a word; block references (reStructuredText, AsciiDoc) go on
 * a new paragraph after the selection's line.
 */
function surroundForInsertion(document: vscode.TextDocument, position: vscode.Position, reference: string): string {
  const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  const line = document.lineAt(position.line).text;
  if (referenceNeedsOwnLine(document.languageId)) {
    const atLineStart = line.slice(0, position.character).trim() === '';
    return atLineStart ? `${reference}${eol}` : `${eol}${eol}${reference}${eol}`;
  }
  const before = position.character > 0 ? line.charAt(position.character - 1) : '';
  return before !== '' && !/\s/.test(before) ? ` ${reference}` : reference;
}

function selectionsOf(document: vscode.TextDocument): { editor: vscode.TextEditor; selections: readonly vscode.Selection[] }[] {
  return vscode.window.visibleTextEditors
    .filter((editor) => editor.document === document)
    .map((editor) => ({ editor, selections: editor.selections }));
}

/** A path for messages: workspace-relative when possible. */
export function displayPath(uri: vscode.Uri): string {
  // The folder's name only helps to tell folders apart in a multi-root workspace.
  return vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
}
