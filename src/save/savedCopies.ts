import * as vscode from 'vscode';
import type { CoreServices } from '../container/services';
import { describeRecord } from '../jobs/jobTexts';
import type { JobRecord, SavedCopy } from '../jobs/types';
import { displayPath } from './saveToWorkspace';

/**
 * The workspace copies a record remembers (`JobRecord.savedCopies`), kept true: a copy is checked with
 * `workspace.fs.stat` whenever it is about to be used, and the saved files are watched, so a copy that was
 * deleted, moved away or whose save was undone is marked missing (and a renamed one follows its new name)
 * and the gallery's card says so at once.
 */

/** The newest copy of image `index` not known to be missing. */
export function newestSavedCopy(record: JobRecord, index = 0): SavedCopy | undefined {
  return [...(record.savedCopies ?? [])].reverse().find((copy) => copy.index === index && copy.missing !== true);
}

/**
 * The newest copy of image `index` that still exists, checked on disk; copies found gone on the way are marked
 * missing. Undefined when there is none.
 */
export async function liveSavedCopy(services: CoreServices, record: JobRecord, index = 0): Promise<vscode.Uri | undefined> {
  watchSavedCopies(services);
  for (let copy = newestSavedCopy(record, index); copy; ) {
    const uri = vscode.Uri.parse(copy.uri);
    if (await exists(uri)) return uri;
    const updated = await markSavedCopy(services, record.localId, copy.uri, { missing: true });
    if (!updated) return undefined;
    record = updated;
    copy = newestSavedCopy(record, index);
  }
  return undefined;
}

/** Remembers a new copy of the record's image `index`. */
export async function rememberSavedCopy(services: CoreServices, record: JobRecord, uri: vscode.Uri, index = 0): Promise<void> {
  watchSavedCopies(services);
  await (await services.jobs()).addSavedCopy(record.localId, { uri: uri.toString(), index, savedAt: new Date().toISOString() });
}

/** Updates one copy, logging what was found. Resolves with the updated record (undefined when it is gone). */
async function markSavedCopy(
  services: CoreServices,
  localId: string,
  uri: string,
  change: { readonly missing?: boolean; readonly movedTo?: string },
): Promise<JobRecord | undefined> {
  const manager = await services.jobs();
  const before = manager.get(localId);
  const updated = await manager.updateSavedCopy(localId, uri, change);
  if (!updated || updated === before) return updated;
  const path = displayPath(vscode.Uri.parse(uri));
  if (change.movedTo !== undefined) {
    services.logger.info(`The saved copy ${path} of ${describeRecord(updated)} moved to ${displayPath(vscode.Uri.parse(change.movedTo))}.`);
  } else if (change.missing === true) {
    services.logger.info(`The saved copy ${path} of ${describeRecord(updated)} is gone (deleted, moved away or its save undone).`);
  } else if (change.missing === false) {
    services.logger.info(`The saved copy ${path} of ${describeRecord(updated)} is back.`);
  }
  return updated;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return false;
    // Unreadable for another reason (permissions, a remote that is away): not proof that it is gone.
    return true;
  }
}

const watchers = new WeakMap<CoreServices, SavedCopyWatcher>();

/**
 * Starts watching the saved copies of this window's records (once per window). Called wherever copies are
 * made or shown — saving, inserting, the gallery's actions — so a window that never touches images never
 * loads the job manager for it.
 */
export function watchSavedCopies(services: CoreServices): void {
  if (watchers.has(services)) return;
  const watcher = new SavedCopyWatcher(services);
  watchers.set(services, watcher);
  services.host.context.subscriptions.push(watcher);
}

/**
 * Follows file operations on saved copies: deletions and renames made in VS Code (the Explorer, an Undo of
 * the save, a refactoring) through the workspace's file events, and changes made outside it (a terminal, git)
 * through a file system watcher on the workspace. A folder deleted or renamed takes the copies inside it along.
 */
class SavedCopyWatcher implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  /** One at a time, in the order they happened: a rename followed by a delete must apply in that order. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly services: CoreServices) {
    const files = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
    this.subscriptions.push(
      files,
      files.onDidDelete((uri) => this.enqueue(() => this.gone([uri]))),
      // Only an image coming back can be a copy coming back (an Undo undone); other files are none of ours.
      files.onDidCreate((uri) => {
        if (IMAGE_FILE.test(uri.path)) this.enqueue(() => this.back(uri));
      }),
      vscode.workspace.onDidDeleteFiles((event) => this.enqueue(() => this.gone(event.files))),
      vscode.workspace.onDidRenameFiles((event) => this.enqueue(() => this.moved(event.files))),
    );
  }

  dispose(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
  }

  private enqueue(run: () => Promise<void>): void {
    this.queue = this.queue.then(run).catch((error: unknown) => {
      this.services.logger.debug(`Following the saved copies failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  /** Copies at or under these URIs, known to be missing or not (`any`: both). */
  private async copiesUnder(uris: readonly vscode.Uri[], missing: boolean | 'any'): Promise<{ record: JobRecord; copy: SavedCopy; under: vscode.Uri }[]> {
    const manager = await this.services.jobs();
    const found: { record: JobRecord; copy: SavedCopy; under: vscode.Uri }[] = [];
    for (const record of manager.history()) {
      for (const copy of record.savedCopies ?? []) {
        if (missing !== 'any' && (copy.missing === true) !== missing) continue;
        const under = uris.find((uri) => isAtOrUnder(copy.uri, uri.toString()));
        if (under) found.push({ record, copy, under });
      }
    }
    return found;
  }

  private async gone(uris: readonly vscode.Uri[]): Promise<void> {
    for (const { record, copy } of await this.copiesUnder(uris, false)) {
      // A watcher may report a file replaced in place (deleted, then written again) as deleted: look first.
      if (await exists(vscode.Uri.parse(copy.uri))) continue;
      await markSavedCopy(this.services, record.localId, copy.uri, { missing: true });
    }
  }

  private async back(uri: vscode.Uri): Promise<void> {
    for (const { record, copy } of await this.copiesUnder([uri], true)) {
      if (copy.uri === uri.toString()) await markSavedCopy(this.services, record.localId, copy.uri, { missing: false });
    }
  }

  private async moved(files: readonly { readonly oldUri: vscode.Uri; readonly newUri: vscode.Uri }[]): Promise<void> {
    for (const { oldUri, newUri } of files) {
      // Missing ones too: the watcher may have reported the old name deleted before this event arrived.
      for (const { record, copy } of await this.copiesUnder([oldUri], 'any')) {
        const movedTo = newUri.toString() + copy.uri.slice(oldUri.toString().length);
        await markSavedCopy(this.services, record.localId, copy.uri, { movedTo, missing: false });
      }
    }
  }
}

/** The extensions a saved copy can have (see `savedImageName`), and what a user may have renamed one to. */
const IMAGE_FILE = /\.(png|jpe?g|webp)$/i;

/** True when `uri` is `folder` itself or inside it (both `Uri.toString()` forms). */
function isAtOrUnder(uri: string, folder: string): boolean {
  return uri === folder || uri.startsWith(folder.endsWith('/') ? folder : `${folder}/`);
}
