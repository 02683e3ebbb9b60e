import * as vscode from 'vscode';
import type { CoreServices } from '../container/services';
import { UserFacingError } from '../errors/userFacingError';
import { copySourceInto } from '../gallery/sourceThumbnails';
import { errorText } from '../shared/errorText';
import { describeRecord } from '../jobs/jobTexts';
import { liveSavedCopy } from '../save/savedCopies';
import { displayPath } from '../save/saveToWorkspace';
import { extensionOfMime } from '../workspace/besideOriginal';
import type { RecordImageArguments } from './commandArguments';

/**
 * `apiframe.replaceOriginal(localId, index?)` — after a confirmation, writes a result over the workspace file it
 * was made from so that one Undo (in the image's preview) brings the original's bytes back. The result's saved copy beside the original is used when it still exists,
 * else the cached image. A result in another format than the original (a PNG for `photo.jpg`) is refused: the
 * file would lie about its type. Resolves with the replaced file, undefined when the user declined.
 */
export async function replaceOriginal(services: CoreServices, { recordId, index }: RecordImageArguments): Promise<vscode.Uri | undefined> {
  const manager = await services.jobs();
  const record = manager.get(recordId);
  if (!record) throw new UserFacingError(vscode.l10n.t('This image is no longer in the history.'));
  const sourceUri = record.input?.uri;
  if (sourceUri === undefined) throw new UserFacingError(vscode.l10n.t('This image was not made from a file in the workspace: there is no original to replace.'));
  const image = record.files?.[index];
  const cached = manager.cachedFilePath(record, index);
  if (!image || !cached) throw new UserFacingError(vscode.l10n.t('This image has not been downloaded yet.'));
  const original = vscode.Uri.parse(sourceUri);
  const name = displayPath(original);
  const extension = extensionOfMime(image.mime);
  if (!sameFormat(original, extension)) {
    throw new UserFacingError(vscode.l10n.t('The result is a .{0} image and {1} is not: replacing it would change its format. Use the copy saved beside it instead.', extension, name));
  }
  const copy = await liveSavedCopy(services, record, index);
  const replace = vscode.l10n.t('Replace');
  const choice = await services.ui.message('warning', vscode.l10n.t('Replace {0} with the result?', name), [replace], {
    modal: true,
    detail: copy
      ? vscode.l10n.t('{0} gets the content of {1}. Undo (Ctrl+Z in the image preview) brings the original back.', name, displayPath(copy))
      : vscode.l10n.t('{0} gets the new image. Undo (Ctrl+Z in the image preview) brings the original back.', name),
  });
  if (choice !== replace) return undefined;
  const contents = await vscode.workspace.fs.readFile(copy ?? vscode.Uri.file(cached));
  // The gallery shows the image a job started from; once the original is overwritten only the copy can show it.
  await copySourceInto(vscode.Uri.joinPath(vscode.Uri.file(cached), '..'), record).catch((error: unknown) => {
    services.logger.debug(`No copy of the original of ${describeRecord(record)} for the gallery: ${errorText(error)}`);
  });
  // VS Code undoes the file operations of one edit in the order they were applied, so "delete, then create"
  // cannot be undone (the original would be re-created over the result, then deleted). The edit is therefore the
  // delete alone — VS Code keeps the deleted bytes for its Undo — and the result is written right after it. The
  // delete's `overwrite` reaches the re-creation its Undo performs, so that Undo puts the original bytes back
  // over the result: one edit, one Undo.
  const metadata: vscode.WorkspaceEditEntryMetadata = { label: vscode.l10n.t('Replace original image'), needsConfirmation: false };
  const deleteOptions: { readonly ignoreIfNotExists: boolean; readonly overwrite: boolean } = { ignoreIfNotExists: false, overwrite: true };
  const edit = new vscode.WorkspaceEdit();
  edit.deleteFile(original, deleteOptions, metadata);
  if (!(await vscode.workspace.applyEdit(edit))) throw new UserFacingError(vscode.l10n.t('VS Code could not replace {0}.', name));
  await vscode.workspace.fs.writeFile(original, contents);
  services.logger.info(`Replaced ${name} with the result of ${describeRecord(record)} (image ${index + 1}).`);
  services.ui.statusMessage(vscode.l10n.t('Replaced {0}. Undo brings the original back.', name), 8000);
  return original;
}

function sameFormat(file: vscode.Uri, extension: 'png' | 'jpg' | 'webp'): boolean {
  const own = file.path.slice(file.path.lastIndexOf('.') + 1).toLowerCase();
  return own === extension || (extension === 'jpg' && own === 'jpeg');
}
