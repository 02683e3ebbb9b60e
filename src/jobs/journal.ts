import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ASPECT_RATIOS, DALLE_STYLES, JOB_STATUSES } from '../apiframe/types';
import type { CachedImage, JobDecision, JobOrigin, JobRecord, SavedCopy } from './types';
import type { Logger } from '../shared/logger';
import { errorText } from '../shared/errorText';
import { isOneOf, isPlainObject } from '../shared/guards';
import { JOB_PHASES } from '../shared/jobPhases';

/**
 * The job journal: the user's image history and every unfinished job, persisted in the extension's storage
 * so that nothing paid for is lost across crashes, reloads and restarts.
 *
 * Format: ONE JSON file (`journal.json`, `{ version, savedAt, records, durationModel }`), rewritten whole and
 * atomically (temp file → fsync → rename → fsync of the folder). Why not an append-only log + snapshot: the
 * history is capped (default 500 records, a few hundred KB at most), so a whole rewrite is cheap; writes are
 * coalesced (every change made while a write is in flight goes into the next write, and progress-only changes
 * wait a short delay), so the cost is bounded by the disk's fsync rate, not by the number of changes; and a
 * single file that is either the old or the new version needs no replay or compaction logic that could itself
 * be wrong. A torn temp file from a crash is simply deleted on the next load.
 *
 * Several VS Code windows share the storage folder, each with its own journal in memory. So that one window's
 * write never drops another's records, every write first merges the file as it is on disk: records another
 * window added are adopted, records it changed are adopted unless this window changed them too since its last
 * and records it removed are dropped here too. Each record carries the time of its last change (`stamps` in
 * the file) and each removal leaves a dated tombstone (`removed`, the newest 2,000 kept), so the newest event
 * wins: a record is never replaced by an older copy of itself, and a record missing from the file without a
 * tombstone is not taken for removed. That matters because of a small race between reading and renaming, in
 * which a concurrent write of the other window can be overwritten: its next write puts its records back.
 */

export const JOURNAL_FILE = 'journal.json';
export const JOURNAL_VERSION = 1;
const TEMP_SUFFIX = '.tmp';
/** Tombstones kept in the file (newest first): far more than one history's worth of deletions between writes. */
const MAX_TOMBSTONES = 2000;

/** What the journal persists besides the records (the caller owns its meaning). */
export interface JournalContents {
  /** Oldest first (the order records were created). */
  readonly records: readonly JobRecord[];
  /** Serialisable state of the poll schedule's duration model (see `durationModel.ts`), if any. */
  readonly durationModel?: unknown;
}

export interface JournalOptions {
  /** Folder that holds `journal.json` (created on first write). */
  readonly dir: string;
  readonly log: Logger;
  /** How long a progress-only change may wait before it is written (coalescing). Default 1000 ms. */
  readonly progressFlushMs?: number;
  readonly now?: () => number;
  /** Called after a write merged records another window added, changed or removed (ids of those records). */
  readonly onExternalChange?: (localIds: readonly string[]) => void;
}

/** Thrown by mutations after `close()`: a stopped manager must not overwrite its successor's journal. */
export class JournalClosedError extends Error {
  override readonly name = 'JournalClosedError';
  constructor() {
    super('The job journal is closed.');
  }
}

/**
 * In-memory state plus a serialised writer. Mutations are synchronous (the state is the source of truth for
 * the process); `save()` resolves once a write that includes every change made before the call is on disk.
 */
export class Journal {
  private readonly file: string;
  private readonly records = new Map<string, JobRecord>();
  private durationModelState: unknown = undefined;
  private changeVersion = 0;
  private writtenVersion = 0;
  private writing: Promise<void> | undefined;
  private progressTimer: NodeJS.Timeout | undefined;
  private waiters: { readonly version: number; resolve(): void; reject(error: Error): void }[] = [];
  private closed = false;
  private readonly now: () => number;
  /** When each record last changed (ms), in any window: the newer copy of a record wins a merge. */
  private readonly stamps = new Map<string, number>();
  /** Removed records (→ when), so another window's older copy does not bring them back. */
  private readonly tombstones = new Map<string, number>();

  constructor(private readonly options: JournalOptions) {
    this.file = path.join(options.dir, JOURNAL_FILE);
    this.now = options.now ?? Date.now;
  }

  get path(): string {
    return this.file;
  }

  /**
   * Reads the journal from disk (replacing the in-memory state). A missing file is an empty history; a corrupt
   * or unknown-version file is copied to `journal.corrupt-<time>.json` and the history starts clean — it never
   * throws for bad content, only for an unreadable folder.
   */
  async load(): Promise<JournalContents> {
    this.records.clear();
    this.stamps.clear();
    this.tombstones.clear();
    this.durationModelState = undefined;
    await this.removeTornTempFiles();
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return this.contents();
      throw error;
    }
    const parsed = parseJournal(text);
    if (parsed.kind === 'corrupt') {
      const backup = await this.backUpCorruptFile();
      this.options.log.error(
        `Job journal ${this.file} could not be read (${parsed.reason}); starting with an empty history. ` +
          `The unreadable file was kept as ${backup}.`,
      );
      return this.contents();
    }
    for (const record of parsed.records) this.records.set(record.localId, record);
    for (const [localId, stamp] of parsed.stamps) this.stamps.set(localId, stamp);
    for (const [localId, stamp] of parsed.tombstones) this.tombstones.set(localId, stamp);
    this.durationModelState = parsed.durationModel;
    if (parsed.droppedRecords > 0) {
      const backup = await this.backUpCorruptFile();
      this.options.log.warn(
        `Job journal: ${parsed.droppedRecords} unreadable record(s) were dropped; the original file was kept as ${backup}.`,
      );
    }
    return this.contents();
  }

  contents(): JournalContents {
    return { records: [...this.records.values()], durationModel: this.durationModelState };
  }

  get(localId: string): JobRecord | undefined {
    return this.records.get(localId);
  }

  /** Oldest first. */
  all(): JobRecord[] {
    return [...this.records.values()];
  }

  /** Inserts or replaces a record (a new record goes to the end: newest). Not written until `save`/`saveSoon`. */
  put(record: JobRecord): void {
    this.assertOpen();
    this.records.set(record.localId, record);
    // Strictly increasing per record, even if the wall clock steps back.
    this.stamps.set(record.localId, this.nextStamp(record.localId));
    this.tombstones.delete(record.localId);
    this.changeVersion++;
  }

  remove(localId: string): boolean {
    this.assertOpen();
    const existed = this.records.delete(localId);
    if (existed) {
      this.tombstones.set(localId, this.nextStamp(localId));
      this.stamps.delete(localId);
      this.changeVersion++;
    }
    return existed;
  }

  /** Now, but strictly after this record's last change even if the wall clock stepped back. */
  private nextStamp(localId: string): number {
    return Math.max(Date.now(), (this.stamps.get(localId) ?? this.tombstones.get(localId) ?? 0) + 1);
  }

  get durationModel(): unknown {
    return this.durationModelState;
  }

  setDurationModel(state: unknown): void {
    this.assertOpen();
    this.durationModelState = state;
    this.changeVersion++;
  }

  /** Writes now (coalescing with any write in flight); resolves when every change so far is on disk. */
  save(): Promise<void> {
    if (this.progressTimer) {
      clearTimeout(this.progressTimer);
      this.progressTimer = undefined;
    }
    if (this.writtenVersion >= this.changeVersion) return this.writing ?? Promise.resolve();
    const promise = new Promise<void>((resolve, reject) => {
      this.waiters.push({ version: this.changeVersion, resolve, reject });
    });
    this.kick();
    return promise;
  }

  /** Schedules a write within `progressFlushMs` (for progress updates that need not be durable at once). */
  saveSoon(): void {
    if (this.progressTimer || this.closed) return;
    this.progressTimer = setTimeout(() => {
      this.progressTimer = undefined;
      this.save().catch(() => undefined /* already logged by the writer */);
    }, this.options.progressFlushMs ?? 1000);
    this.progressTimer.unref?.();
  }

  /** Flushes pending changes, then refuses further mutations. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.save();
    } finally {
      this.closed = true;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new JournalClosedError();
  }

  private kick(): void {
    if (this.writing) return;
    this.writing = this.writeLoop().finally(() => {
      this.writing = undefined;
      // A change may have been requested durably while the last write finished.
      if (this.waiters.length > 0) this.kick();
    });
  }

  private async writeLoop(): Promise<void> {
    while (this.writtenVersion < this.changeVersion) {
      let text: string;
      let version: number;
      try {
        const external = await this.mergeFromDisk();
        // Taken after the merge's read: changes made meanwhile are in this write too.
        version = this.changeVersion;
        text = this.serialise();
        await writeFileAtomic(this.file, text);
        if (external.length > 0) this.options.onExternalChange?.(external);
      } catch (error) {
        const failure = new Error(`Could not write the job journal ${this.file}: ${errorText(error)}`);
        this.options.log.error(failure.message);
        const failed = this.waiters.filter((w) => w.version <= this.changeVersion);
        this.waiters = this.waiters.filter((w) => w.version > this.changeVersion);
        for (const waiter of failed) waiter.reject(failure);
        return;
      }
      this.writtenVersion = version;
      const satisfied = this.waiters.filter((w) => w.version <= version);
      this.waiters = this.waiters.filter((w) => w.version > version);
      for (const waiter of satisfied) waiter.resolve();
    }
  }

  /**
   * Folds another window's changes into memory (see the class comment); returns the ids that changed. A file
   * that cannot be read or parsed is left to `load()`'s handling: this write simply replaces it.
   */
  private async mergeFromDisk(): Promise<string[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch {
      return [];
    }
    const parsed = parseJournal(text);
    if (parsed.kind !== 'ok') return [];
    const changed: string[] = [];
    for (const [localId, stamp] of parsed.tombstones) {
      if (stamp > (this.tombstones.get(localId) ?? 0)) this.tombstones.set(localId, stamp);
    }
    // Another window's newer copies and records this window has not seen yet.
    for (const diskRecord of parsed.records) {
      const localId = diskRecord.localId;
      const diskStamp = parsed.stamps.get(localId) ?? 0;
      if (diskStamp <= (this.stamps.get(localId) ?? 0)) continue; // ours is as new or newer
      if (diskStamp <= (this.tombstones.get(localId) ?? 0)) continue; // removed after that copy was made
      this.records.set(localId, diskRecord);
      this.stamps.set(localId, diskStamp);
      changed.push(localId);
    }
    // Records another window removed after this window's last change to them.
    for (const localId of [...this.records.keys()]) {
      const removedAt = this.tombstones.get(localId);
      if (removedAt !== undefined && removedAt >= (this.stamps.get(localId) ?? 0)) {
        this.records.delete(localId);
        this.stamps.delete(localId);
        changed.push(localId);
      }
    }
    return changed;
  }

  private serialise(): string {
    const data: JournalFile = {
      version: JOURNAL_VERSION,
      savedAt: new Date(this.now()).toISOString(),
      records: [...this.records.values()],
      stamps: Object.fromEntries([...this.records.keys()].map((localId) => [localId, this.stamps.get(localId) ?? 0])),
      removed: Object.fromEntries([...this.tombstones].sort((a, b) => b[1] - a[1]).slice(0, MAX_TOMBSTONES)),
      durationModel: this.durationModelState,
    };
    return JSON.stringify(data);
  }

  private async removeTornTempFiles(): Promise<void> {
    let names: string[];
    try {
      names = await fs.readdir(this.options.dir);
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return;
      throw error;
    }
    for (const name of names) {
      if (name.startsWith(`${JOURNAL_FILE}.`) && name.endsWith(TEMP_SUFFIX)) {
        await fs.rm(path.join(this.options.dir, name), { force: true });
      }
    }
  }

  private async backUpCorruptFile(): Promise<string> {
    const stamp = new Date(this.now()).toISOString().replace(/[:.]/g, '-');
    const backup = path.join(this.options.dir, `journal.corrupt-${stamp}.json`);
    await fs.copyFile(this.file, backup);
    return backup;
  }
}

interface JournalFile {
  version: number;
  savedAt: string;
  records: JobRecord[];
  /** Last change of each record (ms), for merging the writes of several windows. */
  stamps?: Record<string, number>;
  /** Removed records → when, so that no window brings them back from an older copy. */
  removed?: Record<string, number>;
  durationModel?: unknown;
}

/** Writes `text` so that `file` is always either the old or the new content, even across a power cut. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  // A unique temp name: two windows sharing the storage folder never write into the same temp file.
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`;
  try {
    const handle = await fs.open(temp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await fsyncDirectory(dir);
}

/** Makes the rename itself durable; not supported everywhere (e.g. Windows), where it is skipped. */
async function fsyncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort only.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

type ParsedJournal =
  | { kind: 'corrupt'; reason: string }
  | {
      kind: 'ok';
      records: JobRecord[];
      stamps: ReadonlyMap<string, number>;
      tombstones: ReadonlyMap<string, number>;
      durationModel: unknown;
      droppedRecords: number;
    };

/** Validates the file's shape; records that do not parse are dropped individually (and counted). */
export function parseJournal(text: string): ParsedJournal {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { kind: 'corrupt', reason: `not valid JSON: ${errorText(error)}` };
  }
  if (!isPlainObject(data)) return { kind: 'corrupt', reason: 'not a JSON object' };
  if (data.version !== JOURNAL_VERSION) {
    return { kind: 'corrupt', reason: `unsupported version ${JSON.stringify(data.version)}` };
  }
  if (!Array.isArray(data.records)) return { kind: 'corrupt', reason: 'no records array' };
  const records: JobRecord[] = [];
  const seen = new Set<string>();
  let droppedRecords = 0;
  for (const value of data.records) {
    const record = parseRecord(value);
    if (record && !seen.has(record.localId)) {
      seen.add(record.localId);
      records.push(record);
    } else {
      droppedRecords++;
    }
  }
  const stamps = new Map<string, number>();
  if (isPlainObject(data.stamps)) {
    for (const [localId, stamp] of Object.entries(data.stamps)) {
      if (seen.has(localId) && typeof stamp === 'number' && Number.isFinite(stamp)) stamps.set(localId, stamp);
    }
  }
  const tombstones = new Map<string, number>();
  if (isPlainObject(data.removed)) {
    for (const [localId, stamp] of Object.entries(data.removed)) {
      if (LOCAL_ID_PATTERN.test(localId) && typeof stamp === 'number' && Number.isFinite(stamp)) tombstones.set(localId, stamp);
    }
  }
  return { kind: 'ok', records, stamps, tombstones, durationModel: data.durationModel, droppedRecords };
}

const DECISIONS: readonly JobDecision[] = ['unknown-submit', 'unreadable-result'];
const MIMES: readonly CachedImage['mime'][] = ['image/png', 'image/jpeg', 'image/webp'];
/** Local ids become folder names: only this shape is accepted, so a tampered journal cannot escape the cache. */
export const LOCAL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;

/** Returns a well-formed record or `undefined`; unknown extra fields are dropped. */
export function parseRecord(value: unknown): JobRecord | undefined {
  if (!isPlainObject(value)) return undefined;
  const { localId, idempotencyKey, prompt, model, aspectRatio, style, createdAt, phase } = value;
  if (typeof localId !== 'string' || !LOCAL_ID_PATTERN.test(localId)) return undefined;
  if (typeof idempotencyKey !== 'string' || idempotencyKey.length === 0 || idempotencyKey.length > 255) return undefined;
  if (typeof prompt !== 'string' || model !== 'dall-e-3' || typeof createdAt !== 'string') return undefined;
  if (!isOneOf(aspectRatio, ASPECT_RATIOS) || !isOneOf(style, DALLE_STYLES) || !isOneOf(phase, JOB_PHASES)) return undefined;
  const origin = parseOrigin(value.origin);
  const record: JobRecord = {
    localId,
    idempotencyKey,
    prompt,
    model,
    aspectRatio,
    style,
    createdAt,
    phase,
    ...(origin ? { origin } : {}),
  };
  if (typeof value.jobId === 'string') record.jobId = value.jobId;
  if (isOneOf(value.status, JOB_STATUSES)) record.status = value.status;
  if (typeof value.progress === 'number' || value.progress === null) record.progress = value.progress;
  if (typeof value.error === 'string') record.error = value.error;
  if (value.keyProblem === true) record.keyProblem = true;
  if (typeof value.interruption === 'string') record.interruption = value.interruption;
  if (isOneOf(value.decision, DECISIONS)) record.decision = value.decision;
  if (value.reconciled === true) record.reconciled = true;
  if (typeof value.creditCost === 'number' || value.creditCost === null) record.creditCost = value.creditCost;
  if (typeof value.completedAt === 'string') record.completedAt = value.completedAt;
  if (Array.isArray(value.remoteUrls) && value.remoteUrls.every((u) => typeof u === 'string')) {
    record.remoteUrls = value.remoteUrls;
  }
  if (Array.isArray(value.files)) {
    const files = value.files.map((f) => parseCachedImage(f, localId));
    if (files.some((f) => f === undefined)) return undefined;
    record.files = files.filter((f): f is CachedImage => f !== undefined);
  }
  if (Array.isArray(value.savedCopies)) {
    // A copy that does not parse is only a hint lost (the card no longer names it), never a reason to drop the record.
    const copies = value.savedCopies.map(parseSavedCopy).filter((c): c is SavedCopy => c !== undefined).slice(-MAX_SAVED_COPIES);
    if (copies.length > 0) record.savedCopies = copies;
  }
  return record;
}

/** Copies remembered per record (the newest kept): enough for any real use, bounded against a hand-edited file. */
export const MAX_SAVED_COPIES = 20;
const MAX_URI_LENGTH = 4096;
/** A URI with a scheme (`file:`, `vscode-remote:`, …), as `Uri.toString()` writes it. */
const URI_PATTERN = /^[a-z][a-z0-9+.-]*:[^\s]*$/i;

function parseSavedCopy(value: unknown): SavedCopy | undefined {
  if (!isPlainObject(value)) return undefined;
  const { uri, index, savedAt, missing } = value;
  if (typeof uri !== 'string' || uri.length > MAX_URI_LENGTH || !URI_PATTERN.test(uri)) return undefined;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 999) return undefined;
  if (typeof savedAt !== 'string' || savedAt.length > 64 || !Number.isFinite(Date.parse(savedAt))) return undefined;
  if (missing !== undefined && typeof missing !== 'boolean') return undefined;
  return missing === true ? { uri, index, savedAt, missing } : { uri, index, savedAt };
}

function parseOrigin(value: unknown): JobOrigin | undefined {
  if (!isPlainObject(value)) return undefined;
  const origin: { documentUri?: string; targetFolderUri?: string; selection?: { start: number; end: number } } = {};
  if (typeof value.documentUri === 'string') origin.documentUri = value.documentUri;
  if (typeof value.targetFolderUri === 'string') origin.targetFolderUri = value.targetFolderUri;
  const selection = value.selection;
  if (isPlainObject(selection) && Number.isInteger(selection.start) && Number.isInteger(selection.end)) {
    origin.selection = { start: Number(selection.start), end: Number(selection.end) };
  }
  return origin;
}

function parseCachedImage(value: unknown, localId: string): CachedImage | undefined {
  if (!isPlainObject(value)) return undefined;
  const { file, mime, bytes, width, height } = value;
  // Cached files always live in the record's own folder: `<localId>/<n>.<ext>`.
  if (typeof file !== 'string' || !new RegExp(`^${localId}/[0-9]{1,3}\\.(png|jpg|webp)$`).test(file)) return undefined;
  if (!isOneOf(mime, MIMES) || typeof bytes !== 'number' || !Number.isInteger(bytes) || bytes < 0) return undefined;
  const image: { file: string; mime: CachedImage['mime']; bytes: number; width?: number; height?: number } = {
    file,
    mime,
    bytes,
  };
  if (typeof width === 'number') image.width = width;
  if (typeof height === 'number') image.height = height;
  return image;
}



export function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

