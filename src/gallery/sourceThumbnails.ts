import * as vscode from 'vscode';
import { sniffImageType, UPLOAD_IMAGE_TYPES, type UploadImageType } from '../apiframe/uploads';
import type { JobRecord } from '../jobs/types';
import type { Logger } from '../shared/logger';
import { errorText } from '../shared/errorText';
import { isUuid } from './protocol';

/**
 * The thumbnails of the images jobs started from, for the cards that show a source beside their result.
 *
 * A gallery image as the source (`input.localId`) is already in the image cache: its cached file is shown.
 *
 * A workspace file (`input.uri`) is read ONCE, checked (a PNG, JPEG, WebP or GIF by its first bytes, at most
 * {@link SOURCE_COPY_MAX_BYTES}) and copied into the record's own cache folder as `source.<ext>`. The page
 * shows that copy, so the webview's `localResourceRoots` stay what they were (the extension's files and the
 * image cache) — no workspace folder becomes readable by the page, and a root per file would reload the page
 * whenever a new one was added. The copy is also what the job started from: Replace Original may overwrite
 * the file with the result afterwards. It lives and goes with the record's folder (deleted or pruned with it).
 * A source that is gone, unreadable, too large or no such image is named on the card without a thumbnail.
 *
 * Copies are made for the cards the page shows (its `rendered` report), one at a time: a long history costs
 * nothing until its cards come into view.
 */
export const SOURCE_COPY_MAX_BYTES = 10 * 1024 * 1024;

/** The copy's name in the record's cache folder (next to the results `1.png`, `2.png` …). */
const SOURCE_COPY_BASENAME = 'source';

type CopyState = { readonly kind: 'ready'; readonly file: vscode.Uri } | { readonly kind: 'none' } | { readonly kind: 'pending' };

export interface SourceThumbnailDeps {
  /** The image cache's folder (`<globalStorage>/images`), the only data folder the page may read. */
  readonly cacheRoot: vscode.Uri;
  readonly get: (localId: string) => JobRecord | undefined;
  readonly cachedFilePath: (record: JobRecord, index: number) => string | undefined;
  readonly log: Logger;
  /** A copy became ready (or turned out impossible): the record's card should be sent again. */
  readonly changed: (localId: string) => void;
}

export class SourceThumbnails {
  private readonly copies = new Map<string, CopyState>();
  private queue: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(private readonly deps: SourceThumbnailDeps) {}

  /** The file the card of `record` shows as its source's thumbnail, when there is one now. */
  fileOf(record: JobRecord): vscode.Uri | undefined {
    const input = record.input;
    if (!input) return undefined;
    if (input.localId !== undefined) {
      const source = this.deps.get(input.localId);
      const path = source ? this.deps.cachedFilePath(source, input.index ?? 0) : undefined;
      return path === undefined ? undefined : vscode.Uri.file(path);
    }
    const state = this.copies.get(record.localId);
    return state?.kind === 'ready' ? state.file : undefined;
  }

  /** Makes (or finds) the copies of the workspace sources of these records, one at a time; `changed` follows each. */
  ensure(records: readonly JobRecord[]): void {
    for (const record of records) {
      if (record.input?.uri === undefined || this.copies.has(record.localId) || !isUuid(record.localId)) continue;
      this.copies.set(record.localId, { kind: 'pending' });
      this.queue = this.queue.then(() => this.copy(record));
    }
  }

  dispose(): void {
    this.disposed = true;
  }

  private async copy(record: JobRecord): Promise<void> {
    if (this.disposed) return;
    const folder = vscode.Uri.joinPath(this.deps.cacheRoot, record.localId);
    let state: CopyState;
    try {
      state = (await this.existingCopy(folder)) ?? (await this.makeCopy(record, folder));
    } catch (error) {
      // The source is named without a thumbnail; nothing else depends on it.
      this.deps.log.debug(`Gallery: no thumbnail of the source of record ${record.localId}: ${errorText(error)}`);
      state = { kind: 'none' };
    }
    if (this.disposed) return;
    this.copies.set(record.localId, state);
    if (state.kind === 'ready') this.deps.changed(record.localId);
  }

  private async existingCopy(folder: vscode.Uri): Promise<CopyState | undefined> {
    const file = await existingCopyIn(folder);
    return file ? { kind: 'ready', file } : undefined;
  }

  private async makeCopy(record: JobRecord, folder: vscode.Uri): Promise<CopyState> {
    // The record still has to be in the history: a deleted one's folder would be left behind.
    if (!this.deps.get(record.localId)) return { kind: 'none' };
    const file = await copySourceInto(folder, record, () => this.deps.get(record.localId) !== undefined);
    return file ? { kind: 'ready', file } : { kind: 'none' };
  }
}

/**
 * Copies the workspace file a record started from into the record's cache folder (`source.<ext>`), unless a copy
 * is there already; resolves with the copy, or undefined when the source is no image (or too large) or `keep`
 * says the record is gone. Also called before Replace Original overwrites the source, so the card keeps showing
 * what the job started from even if the gallery never showed it before.
 */
export async function copySourceInto(folder: vscode.Uri, record: JobRecord, keep: () => boolean = () => true): Promise<vscode.Uri | undefined> {
  const uri = record.input?.uri;
  if (uri === undefined) return undefined;
  const existing = await existingCopyIn(folder);
  if (existing) return existing;
  const source = vscode.Uri.parse(uri, true);
  const stat = await vscode.workspace.fs.stat(source);
  if ((stat.type & vscode.FileType.File) === 0 || stat.size > SOURCE_COPY_MAX_BYTES) return undefined;
  const bytes = await vscode.workspace.fs.readFile(source);
  const type = bytes.byteLength <= SOURCE_COPY_MAX_BYTES ? sniffImageType(bytes.subarray(0, 16)) : undefined;
  if (type === undefined || !keep()) return undefined;
  await vscode.workspace.fs.createDirectory(folder);
  const file = vscode.Uri.joinPath(folder, `${SOURCE_COPY_BASENAME}.${extensionOf(type)}`);
  await vscode.workspace.fs.writeFile(file, bytes);
  return file;
}

async function existingCopyIn(folder: vscode.Uri): Promise<vscode.Uri | undefined> {
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(folder);
  } catch {
    return undefined;
  }
  const name = entries.find(([entry, type]) => type === vscode.FileType.File && copyExtension(entry) !== undefined)?.[0];
  return name === undefined ? undefined : vscode.Uri.joinPath(folder, name);
}

function extensionOf(type: UploadImageType): string {
  return UPLOAD_IMAGE_TYPES[type].extensions[0];
}

/** The extension of a source copy's file name (`source.png` → `png`), or undefined for any other file. */
export function copyExtension(name: string): string | undefined {
  const match = /^source\.(png|jpg|webp|gif)$/.exec(name);
  return match?.[1];
}
