import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { UserInterface } from '../container/userInterface';
import type { InsertionPoint } from '../editor/insertionPoint';
import { UserFacingError } from '../errors/userFacingError';
import { embedImageMetadata, type ImageMetadata } from '../imageMetadata';
import { destinationTemplate, linkTemplates, savingAsksForFileName, sitePaths } from '../settings';
import { isInside, resolveDestination } from '../workspace/destination';
import { usesSitePaths } from '../workspace/sitePaths';
import { ReferenceProblemError, referenceProblem } from '../workspace/snippet';
import { planImageSave, referenceInsertion, type ImageSavePlan, type ReferenceInsertion, type ReferenceRequest } from '../workspace/imageSavePlan';
import { chosenFileName, uniqueName, type FileNameProblem, type ImageExtension } from '../workspace/slug';

export interface SaveToWorkspaceRequest {
  /** Absolute file-system path of the cached image (the job manager's cache). */
  readonly cachedFile: string;
  /** The name to save under (numbered when taken), from `savedImageName`. */
  readonly fileName: string;
  /** The image's extension, for the save dialog's filter. */
  readonly extension: ImageExtension;
  /** Alt text of the reference, from `altTextFromPrompt`. */
  readonly altText: string;
  /** Explicit folder chosen in the explorer ("Generate Image Here…"): the image goes there, as is. */
  readonly targetFolder?: vscode.Uri;
  /** The document whose workspace folder and destination setting decide where the image goes. */
  readonly document?: vscode.TextDocument;
  /** Insert a reference here, in the same WorkspaceEdit as the new file (one Undo removes both). */
  readonly insertAt?: InsertionPoint;
  /** The image's pixel size, for a link template's `${width}` and `${height}`. */
  readonly imageSize?: ImageSize;
  /** The request that made the image, written into the saved file (the cached original stays as it was). */
  readonly metadata?: ImageMetadata;
  /**
   * The name was chosen by the caller (an agent tool's path, already confirmed): it is used as given (numbered
   * when taken) and `apiframe.askForFileName` does not ask for another.
   */
  readonly nameIsFinal?: boolean;
}

export interface ImageSize {
  readonly width?: number;
  readonly height?: number;
}

export interface SaveToWorkspaceResult {
  readonly uri: vscode.Uri;
  /** The reference inserted, when an insertion was requested. */
  readonly inserted?: InsertedReference;
  /** Why the metadata asked for is not in the saved file (the image was saved as it came); for the log. */
  readonly metadataNotEmbedded?: string;
}

/** A reference as it landed in the document. */
export interface InsertedReference {
  readonly document: vscode.TextDocument;
  /** Where the inserted text starts and where the reference itself ends in it, now. */
  readonly range: vscode.Range;
  readonly text: string;
}

/**
 * Saves a cached image into the workspace — through VS Code's file system API only, so it works in remote,
 * WSL and virtual workspaces — and optionally inserts a reference to it. Never overwrites (numbered names),
 * never writes outside the workspace folder (the destination setting is resolved and checked, and on local
 * disks the real path is checked so a symbolic link cannot lead out), and a destination that is a file is
 * refused with a clear message. What to write is planned by `planImageSave` from plain values; this applies
 * the plan as ONE WorkspaceEdit.
 */
export async function saveToWorkspace(ui: UserInterface, request: SaveToWorkspaceRequest): Promise<SaveToWorkspaceResult | undefined> {
  const original = await vscode.workspace.fs.readFile(vscode.Uri.file(request.cachedFile));
  const embedded = request.metadata ? embedImageMetadata(original, request.metadata) : undefined;
  const bytes = embedded?.ok ? embedded.bytes : original;
  const target = await targetFile(ui, request);
  if (!target) return undefined;
  const plan = refusingUnwritableReferences((reason) => vscode.l10n.t('Cannot save the image: {0}', reason), () =>
    planImageSave({
      image: { kind: 'bytes', bytes },
      targetPath: target.uri.path,
      overwrite: target.overwrite,
      reference: request.insertAt && referenceRequest(request.insertAt, request.altText, target, request.imageSize),
    }),
  );
  const editorsBefore = request.insertAt ? selectionsOf(request.insertAt.document) : [];
  await applyImageSavePlan(plan, target.uri, request.insertAt?.document);
  // The selection stays what it was: the reference goes after it, not into it.
  for (const { editor, selections } of editorsBefore) editor.selections = selections;
  const inserted = request.insertAt && plan.insert ? landed(request.insertAt.document, plan.insert) : undefined;
  return { uri: target.uri, ...(inserted ? { inserted } : {}), ...(embedded && !embedded.ok ? { metadataNotEmbedded: embedded.reason } : {}) };
}

export interface InsertReferenceRequest {
  /** The image already in the workspace (a saved copy). */
  readonly file: vscode.Uri;
  readonly altText: string;
  readonly insertAt: InsertionPoint;
  readonly imageSize?: ImageSize;
}

/**
 * Inserts a reference to an image already saved in the workspace — no new file — as one edit labelled
 * "Insert image link": one Undo removes the link.
 */
export async function insertReference(request: InsertReferenceRequest): Promise<InsertedReference> {
  const { document } = request.insertAt;
  const target: TargetFile = { uri: request.file, overwrite: false, workspaceFolder: vscode.workspace.getWorkspaceFolder(request.file) };
  const insertion = refusingUnwritableReferences((reason) => vscode.l10n.t('Cannot insert the link: {0}', reason), () =>
    referenceInsertion(referenceRequest(request.insertAt, request.altText, target, request.imageSize), request.file.path),
  );
  const editorsBefore = selectionsOf(document);
  const edit = new vscode.WorkspaceEdit();
  const metadata: vscode.WorkspaceEditEntryMetadata = { label: vscode.l10n.t('Insert image link'), needsConfirmation: false };
  edit.insert(document.uri, document.positionAt(insertion.offset), insertion.text, metadata);
  if (!(await vscode.workspace.applyEdit(edit))) {
    throw new UserFacingError(vscode.l10n.t('VS Code could not insert the link into {0}.', displayPath(document.uri)));
  }
  for (const { editor, selections } of editorsBefore) editor.selections = selections;
  return landed(document, insertion);
}

/**
 * Where an insertion applied a moment ago is now. The edit was applied at `insertion.offset`; should the
 * document have changed around it meanwhile, the text is looked up nearby.
 */
function landed(document: vscode.TextDocument, insertion: ReferenceInsertion): InsertedReference {
  const text = document.getText();
  let start = insertion.offset;
  if (text.slice(start, start + insertion.text.length) !== insertion.text) {
    const from = Math.max(0, start - insertion.text.length - 1000);
    const found = text.indexOf(insertion.text, from);
    if (found !== -1) start = found;
  }
  const range = new vscode.Range(document.positionAt(start), document.positionAt(start + insertion.referenceEnd));
  return { document, range, text: insertion.text };
}

/**
 * Runs a plan that may find the path unwritable in the document's language (a folder named `R&D` in LaTeX):
 * that becomes a message for the user, thrown before anything is written, so no file is left behind and no
 * document is broken. `message` words the reason for the user.
 */
function refusingUnwritableReferences<T>(message: (reason: string) => string, plan: () => T): T {
  try {
    return plan();
  } catch (error) {
    if (error instanceof ReferenceProblemError) throw new UserFacingError(message(error.message));
    throw error;
  }
}

interface TargetFile {
  readonly uri: vscode.Uri;
  /** Only a name the user picked in the save dialog (which asked about replacing) may overwrite. */
  readonly overwrite: boolean;
  readonly workspaceFolder?: vscode.WorkspaceFolder;
}

/** Where the image goes: a free name in the destination folder, or the file the user picks; undefined when they cancel. */
async function targetFile(ui: UserInterface, request: SaveToWorkspaceRequest): Promise<TargetFile | undefined> {
  const folder = await destinationFolder(ui, request);
  if (folder) {
    await ensureIsFolderInside(folder.directory, folder.workspaceFolder);
    const taken = await existingNames(folder.directory);
    const free = await uniqueName(request.fileName, (candidate) => taken.has(candidate.toLowerCase()));
    const name = !request.nameIsFinal && savingAsksForFileName(folder.workspaceFolder?.uri) ? await askForFileName(ui, request, folder.directory, free, taken) : free;
    if (name === undefined) return undefined;
    return { uri: vscode.Uri.joinPath(folder.directory, name), overwrite: false, workspaceFolder: folder.workspaceFolder };
  }
  // No workspace folder open: the user picks the file (the dialog itself confirms replacing a file).
  const defaultFolder = request.document && !request.document.isUntitled ? dirnameUri(request.document.uri) : undefined;
  const picked = await ui.saveDialog({
    defaultUri: defaultFolder ? vscode.Uri.joinPath(defaultFolder, request.fileName) : undefined,
    filters: { [vscode.l10n.t('Images')]: [request.extension] },
    title: vscode.l10n.t('Save Image'),
  });
  return picked ? { uri: picked, overwrite: true } : undefined;
}

/**
 * Asks for the file name (`apiframe.askForFileName`), offering `suggested` (the usual name, free in the
 * folder) with its stem selected. The name is held to the rules of our own names, and a taken one is refused
 * with the free numbered name offered instead. Undefined when the user cancels: nothing is written.
 */
async function askForFileName(
  ui: UserInterface,
  request: SaveToWorkspaceRequest,
  directory: vscode.Uri,
  suggested: string,
  taken: ReadonlySet<string>,
): Promise<string | undefined> {
  const languageId = request.insertAt?.document.languageId;
  const validate = async (value: string): Promise<string | undefined> => {
    const chosen = chosenFileName(value, request.extension);
    if ('problem' in chosen) return fileNameProblemText(chosen.problem);
    if (taken.has(chosen.name.toLowerCase())) {
      const free = await uniqueName(chosen.name, (candidate) => taken.has(candidate.toLowerCase()));
      return vscode.l10n.t('{0} already exists in this folder. {1} is free.', chosen.name, free);
    }
    if (languageId !== undefined && referenceProblem(languageId, chosen.name) !== undefined) {
      return vscode.l10n.t('The document cannot link a file with this name: its language reads some of these characters as commands.');
    }
    return undefined;
  };
  const typed = await ui.inputBox({
    title: vscode.l10n.t('Save Image'),
    prompt: vscode.l10n.t('File name in {0}', displayPath(directory)),
    value: suggested,
    valueSelection: [0, suggested.lastIndexOf('.')],
    ignoreFocusOut: true,
    validateInput: validate,
  });
  if (typed === undefined) return undefined;
  // The box validated it; checked again because what reaches here is what gets written.
  const chosen = chosenFileName(typed, request.extension);
  if ('problem' in chosen) throw new UserFacingError(fileNameProblemText(chosen.problem));
  const problem = await validate(typed);
  if (problem !== undefined) throw new UserFacingError(problem);
  return chosen.name;
}

function fileNameProblemText(problem: FileNameProblem): string {
  switch (problem.kind) {
    case 'empty':
      return vscode.l10n.t('Type a file name.');
    case 'separator':
      return vscode.l10n.t('A file name cannot contain / or \\. The image goes into the destination folder.');
    case 'invalidCharacter':
      return vscode.l10n.t('A file name cannot contain {0}: some systems refuse it.', JSON.stringify(problem.character));
    case 'reserved':
      return vscode.l10n.t('Windows reserves this name (CON, NUL, COM1…). Choose another.');
    case 'dotsOnly':
      return vscode.l10n.t('A file name needs more than dots.');
    case 'tooLong':
      return vscode.l10n.t('The name is too long: at most {0} bytes with the extension.', problem.maxBytes);
    case 'otherExtension':
      return vscode.l10n.t('The image is a .{0} file: keep that extension.', problem.extension);
  }
}

/**
 * The plain values `planImageSave` needs to write the reference into `insertAt.document`, with the user's site
 * paths and link template for it. A setting whose value cannot be used is refused like a path the language
 * cannot carry (before anything is written), naming the setting.
 */
function referenceRequest(insertAt: InsertionPoint, altText: string, target: TargetFile, imageSize: ImageSize | undefined): ReferenceRequest {
  const { document } = insertAt;
  const served = usesSitePaths(document.languageId) && target.workspaceFolder ? sitePaths(target.workspaceFolder.uri) : undefined;
  if (served && !served.ok) throw new ReferenceProblemError(served.message);
  const templates = linkTemplates(document);
  if (!templates.ok) throw new ReferenceProblemError(templates.message);
  const template = templates.templates.get(document.languageId);
  const file = target.uri;
  const sameFileSystem = !document.isUntitled && document.uri.scheme === file.scheme && document.uri.authority === file.authority;
  return {
    documentText: document.getText(),
    offset: document.offsetAt(insertAt.position),
    languageId: document.languageId,
    eol: document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n',
    altText,
    placement: insertAt.placement,
    ...(sameFileSystem ? { documentPath: document.uri.path } : {}),
    ...(target.workspaceFolder ? { workspaceFolderPath: target.workspaceFolder.uri.path } : {}),
    absoluteTarget: file.scheme === 'file' ? file.fsPath : file.toString(),
    ...(served?.ok && served.mappings.length > 0 ? { sitePaths: served.mappings } : {}),
    ...(template !== undefined ? { template, imageSize: imageSize ?? {} } : {}),
  };
}

/** Applies a plan as one WorkspaceEdit labelled "Save image": one Undo removes the file and the reference. */
async function applyImageSavePlan(plan: ImageSavePlan, fileUri: vscode.Uri, document: vscode.TextDocument | undefined): Promise<void> {
  const { image, overwrite } = plan.createFile;
  const contents = image.kind === 'bytes' ? image.bytes : await vscode.workspace.fs.readFile(vscode.Uri.file(image.path));
  const metadata: vscode.WorkspaceEditEntryMetadata = { label: vscode.l10n.t('Save image'), needsConfirmation: false };
  const edit = new vscode.WorkspaceEdit();
  edit.createFile(fileUri, { contents, overwrite, ignoreIfExists: false }, metadata);
  if (plan.insert && document) edit.insert(document.uri, document.positionAt(plan.insert.offset), plan.insert.text, metadata);
  if (!(await vscode.workspace.applyEdit(edit))) {
    throw new UserFacingError(vscode.l10n.t('VS Code could not create {0}.', displayPath(fileUri)));
  }
}

interface DestinationFolder {
  readonly directory: vscode.Uri;
  readonly workspaceFolder?: vscode.WorkspaceFolder;
}

async function destinationFolder(ui: UserInterface, request: SaveToWorkspaceRequest): Promise<DestinationFolder | undefined> {
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
    workspaceFolder =
      folders.length === 1
        ? folders[0]
        : await ui.pickWorkspaceFolder({
            placeHolder: vscode.l10n.t('Which workspace folder should the image be saved in?'),
            ignoreFocusOut: true,
          });
    if (!workspaceFolder) throw new vscode.CancellationError();
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

function dirnameUri(uri: vscode.Uri): vscode.Uri {
  return uri.with({ path: path.posix.dirname(uri.path) });
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
