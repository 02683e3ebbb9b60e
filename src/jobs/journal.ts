import { randomBytes } from 'node:crypto';
import { promises as fs, type BigIntStats } from 'node:fs';
import * as path from 'node:path';
import { isImageModelId } from '../apiframe/imageModels';
import { isOperationModelId, OPERATION_MODELS } from '../apiframe/imageOperations';
import { DALLE_STYLES, JOB_STATUSES } from '../apiframe/types';
import type { CachedImage, CreditsShortfall, ImageAction, InputImage, JobDecision, JobGroup, JobOperation, JobOrigin, JobRecord, SavedCopy } from './types';
import type { Logger } from '../shared/logger';
import { errorText } from '../shared/errorText';
import { isOneOf, isPlainObject } from '../shared/guards';
import { JOB_PHASES } from '../shared/jobPhases';

/**
 * The job journal: the user's image history and every unfinished job, persisted in the extension's storage
 * so that nothing paid for is lost across crashes, reloads and restarts.
 *
 * Format: a snapshot and a change log beside it.
 * - `journal.json` (`{ version, log, savedAt, records, stamps, removed, durationModel }`) holds the whole state as
 *   of its last compaction, written atomically (temp file → fsync → rename → fsync of the folder) and named by a
 *   random generation (`log`).
 * - `journal.<generation>.log` holds every change since: one line per write, `{"b":[…],"m":…}` — the records
 *   written (with their stamps), the records removed (tombstones) and the duration model if it changed —
 *   appended with O_APPEND and fsync'd before `save()` resolves. Each line starts with a newline of its own, so
 *   a line torn by a crash stays a line of its own: it does not parse and is skipped (a torn line was never
 *   acknowledged), and no later line is glued to it. A line is one write's batch: applied whole or not at all.
 * Why: the history setting allows 10,000 records (about 11 MB of JSON). Rewriting that whole file on every
 * status change cost about half a second (read, parse and merge the file, stringify, fsync 11 MB), most of it
 * on the extension host's only thread, several times per job and before every submit. An append costs the
 * size of the change; the file of another window is read only from where this window last read it; and the
 * whole state is written again only when the log has grown to a quarter of the snapshot (compaction, one
 * window at a time under `journal.compact.lock`), off the path of the write that triggered it.
 *
 * A file without `log` (written by an earlier version, or a fresh start) is read as a snapshot with an empty
 * log; the first write compacts it into the current form (an earlier version reading the current form sees the
 * snapshot, not the changes since). Torn temp files from a crash are deleted on the next load; a log without
 * its snapshot (a compaction that crashed before its rename, or a retired generation) is deleted by the next
 * compaction.
 *
 * Several VS Code windows share the storage folder, each with its own journal in memory. So that one window's
 * write never drops another's records, every write first reads what the other windows wrote (the log's new
 * lines, or the whole snapshot when another window compacted): records another window added are adopted,
 * records it changed are adopted unless this window changed them too since, and records it removed are dropped
 * here too. Each record carries the time of its last change (`stamps`) and each removal leaves a dated
 * tombstone (`removed`, the newest 2,000 kept in the snapshot), so the newest event wins: a record is never
 * replaced by an older copy of itself, and a record missing from the files without a tombstone is not taken
 * for removed. A window appends only what changed, so after reading a snapshot another window compacted, it
 * appends again everything the files lack that it holds newer (a racing compaction may have missed it). A write
 * is acknowledged only once the snapshot it appended to is still the current one after the append: when a
 * compaction replaced it meanwhile, the write is made again against the new generation.
 */

export const JOURNAL_FILE = 'journal.json';
export const JOURNAL_VERSION = 1;
const TEMP_SUFFIX = '.tmp';
const LOG_PREFIX = 'journal.';
const LOG_SUFFIX = '.log';
const COMPACTION_LOCK = 'journal.compact.lock';
/** A compaction lock older than this was left by a crash: compactions take well under a second. */
const STALE_LOCK_MS = 30_000;
/** Records per piece of a snapshot being written (about 1 MB: a few ms to stringify, encode and write). */
const SERIALISE_SLICE = 1000;
/** How long a write waits for another window's compaction before writing the whole state anyway. */
const LOCK_WAIT_MS = 2000;
const LOCK_POLL_MS = 20;
/** A log no snapshot names is deleted once it is this old (see `retireLogs`). */
const ORPHAN_LOG_AGE_MS = 60 * 60 * 1000;
/** The log is folded into the snapshot once it is this large, or a quarter of the snapshot if that is more. */
const MIN_COMPACTION_LOG_BYTES = 256 * 1024;
/** Tombstones kept in the file (newest first): far more than one history's worth of deletions between writes. */
const MAX_TOMBSTONES = 2000;
const GENERATION_PATTERN = /^[0-9a-f]{16}$/;

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
  /** Log size that triggers a compaction (default: 256 KiB or a quarter of the snapshot). For tests. */
  readonly compactionLogBytes?: number;
  /** Test seam: called at the named points of a write, so tests can crash or race a write there. */
  readonly faults?: (point: JournalFaultPoint) => void | Promise<void>;
}

/** The points of a write where a test may inject a crash (throw) or another window's write. */
export type JournalFaultPoint = 'before-append' | 'after-append' | 'compaction-before-rename' | 'compaction-after-rename';

/** Thrown by mutations after `close()`: a stopped manager must not overwrite its successor's journal. */
export class JournalClosedError extends Error {
  override readonly name = 'JournalClosedError';
  constructor() {
    super('The job journal is closed.');
  }
}

/** What this window last saw of the files: the snapshot (by identity) and how far into its log it has read. */
interface DiskView {
  readonly identity: string;
  /** `undefined`: the snapshot has no log (older format) or could not be read — the next write compacts. */
  readonly generation: string | undefined;
  readonly snapshotBytes: number;
  logOffset: number;
  /** The log's size as last seen (this window's appends included): compaction is due when it is large. */
  logBytes: number;
  /**
   * The log was there when last read, or was created by this window's compaction (whose folder fsync made its
   * entry durable). An append to a log that was not there creates it, and makes its folder entry durable too.
   */
  logOnDisk: boolean;
}

interface LogBatch {
  readonly puts: { readonly stamp: number; readonly record: JobRecord }[];
  readonly removals: { readonly stamp: number; readonly localId: string }[];
  readonly hasModel: boolean;
  readonly model: unknown;
  readonly droppedRecords: number;
}

/**
 * In-memory state plus a serialised writer. Mutations are synchronous (the state is the source of truth for
 * the process); `save()` resolves once a write that includes every change made before the call is on disk.
 * Records handed out are frozen snapshots.
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
  /** Records put or removed here since the last acknowledged write: the next log line. */
  private dirty = new Set<string>();
  private modelDirty = false;
  /**
   * Each record's JSON, kept from one compaction to the next (only changed records are stringified again).
   * Keyed by the record object: records are immutable snapshots, a change is a new object.
   */
  private recordJson = new WeakMap<JobRecord, string>();
  private disk: DiskView | undefined;

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
   * throws for bad content, only for an unreadable folder. `readOnly` (tests, diagnostics) reads without
   * touching the folder: no temp files removed, no backups made.
   */
  async load({ readOnly = false }: { readonly readOnly?: boolean } = {}): Promise<JournalContents> {
    if (!readOnly) await this.removeTornTempFiles();
    // A compaction by another window between reading the snapshot and its log: read both again.
    for (let attempt = 0; ; attempt++) {
      this.resetState();
      const snapshot = await readSnapshot(this.file);
      if (snapshot === undefined) return this.contents();
      const parsed = parseJournal(snapshot.text);
      if (parsed.kind === 'corrupt') {
        if (readOnly) return this.contents();
        const backup = await this.backUpCorruptFile();
        this.options.log.error(
          `Job journal ${this.file} could not be read (${parsed.reason}); starting with an empty history. ` +
            `The unreadable file was kept as ${backup}.`,
        );
        this.disk = { identity: snapshot.identity, generation: undefined, snapshotBytes: snapshot.text.length, logOffset: 0, logBytes: 0, logOnDisk: false };
        return this.contents();
      }
      for (const record of parsed.records) this.records.set(record.localId, record);
      for (const [localId, stamp] of parsed.stamps) this.stamps.set(localId, stamp);
      for (const [localId, stamp] of parsed.tombstones) this.tombstones.set(localId, stamp);
      this.durationModelState = parsed.durationModel;
      this.disk = { identity: snapshot.identity, generation: parsed.generation, snapshotBytes: snapshot.text.length, logOffset: 0, logBytes: 0, logOnDisk: false };
      let dropped = parsed.droppedRecords;
      if (parsed.generation !== undefined) {
        dropped += (await this.readLog({ adoptModel: true })).droppedRecords;
      }
      if ((await snapshotIdentity(this.file)) !== snapshot.identity && attempt < 5) continue;
      if (dropped > 0 && !readOnly) {
        const backup = await this.backUpCorruptFile();
        this.options.log.warn(`Job journal: ${dropped} unreadable record(s) were dropped; the original file was kept as ${backup}.`);
      }
      return this.contents();
    }
  }

  private resetState(): void {
    this.records.clear();
    this.stamps.clear();
    this.tombstones.clear();
    this.recordJson = new WeakMap();
    this.dirty = new Set();
    this.modelDirty = false;
    this.durationModelState = undefined;
    this.disk = undefined;
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
    this.dirty.add(record.localId);
    this.changeVersion++;
  }

  remove(localId: string): boolean {
    this.assertOpen();
    const existed = this.records.delete(localId);
    if (existed) {
      this.tombstones.set(localId, this.nextStamp(localId));
      this.stamps.delete(localId);
      this.dirty.add(localId);
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
    this.modelDirty = true;
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
      await this.writing;
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
      let version: number;
      const external = new Set<string>();
      try {
        version = await this.writeOnce(external);
        if (external.size > 0) this.options.onExternalChange?.([...external]);
      } catch (error) {
        const failure = new Error(`Could not write the job journal ${this.file}: ${errorText(error)}`);
        this.options.log.error(failure.message);
        const failed = this.waiters.filter((w) => w.version <= this.changeVersion);
        this.waiters = this.waiters.filter((w) => w.version > this.changeVersion);
        for (const waiter of failed) waiter.reject(failure);
        return;
      }
      this.writtenVersion = Math.max(this.writtenVersion, version);
      const satisfied = this.waiters.filter((w) => w.version <= version);
      this.waiters = this.waiters.filter((w) => w.version > version);
      for (const waiter of satisfied) waiter.resolve();
    }
    // After the waiters were answered: folding a long log into the snapshot delays no one's `save()`.
    if (this.disk?.generation !== undefined && this.disk.logBytes >= this.compactionThreshold()) {
      const external = new Set<string>();
      try {
        if (await this.compactUnderLock(external)) this.options.log.debug(`Job journal compacted (${this.records.size} records).`);
        if (external.size > 0) this.options.onExternalChange?.([...external]);
      } catch (error) {
        // The log stays valid: the next write tries again.
        this.options.log.warn(`Could not compact the job journal ${this.file}: ${errorText(error)}`);
      }
    }
  }

  private compactionThreshold(): number {
    return this.options.compactionLogBytes ?? Math.max(MIN_COMPACTION_LOG_BYTES, (this.disk?.snapshotBytes ?? 0) / 4);
  }

  /**
   * One acknowledged write: reads what other windows wrote, appends this window's changes to the current log
   * (or compacts when there is none), and checks that the snapshot was not replaced meanwhile. Returns the
   * change version it made durable; ids other windows changed go into `external`.
   */
  private async writeOnce(external: Set<string>): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      await this.catchUp(external);
      const view = this.disk;
      if (view?.generation === undefined || attempt >= 3) {
        // No log to append to (a fresh folder, a file of an earlier version, an unreadable file), or compactions
        // keep racing this write: write the whole state — after any compaction of another window under way,
        // whose snapshot may already be the log this write needs.
        const version = this.changeVersion;
        if (await this.compactUnderLock(external, { wait: true })) return version;
        continue;
      }
      const version = this.changeVersion;
      const sending = this.dirty;
      const sendingModel = this.modelDirty;
      this.dirty = new Set();
      this.modelDirty = false;
      try {
        const line = this.logLine(sending, sendingModel);
        await this.options.faults?.('before-append');
        view.logBytes = Math.max(view.logBytes, await appendDurably(this.logFile(view.generation), line, { creates: !view.logOnDisk }));
        view.logOnDisk = true;
        await this.options.faults?.('after-append');
        if ((await snapshotIdentity(this.file)) === view.identity) return version;
      } catch (error) {
        for (const localId of sending) this.dirty.add(localId);
        this.modelDirty ||= sendingModel;
        throw error;
      }
      // Another window compacted between this window's read and its append: the line may have gone into a
      // retired log. Write it again against the new snapshot.
      for (const localId of sending) this.dirty.add(localId);
      this.modelDirty ||= sendingModel;
    }
  }

  private logLine(ids: ReadonlySet<string>, withModel: boolean): string {
    const entries: string[] = [];
    for (const localId of ids) {
      const record = this.records.get(localId);
      if (record) entries.push(`{"s":${this.stamps.get(localId) ?? 0},"r":${this.recordText(record)}}`);
      else {
        const removedAt = this.tombstones.get(localId);
        if (removedAt !== undefined) entries.push(`{"s":${removedAt},"d":${JSON.stringify(localId)}}`);
      }
    }
    const model = withModel && this.durationModelState !== undefined ? `,"m":${JSON.stringify(this.durationModelState)}` : '';
    // The leading newline ends any torn line before it, so this line is never glued to a fragment.
    return `\n{"b":[${entries.join(',')}]${model}}\n`;
  }

  private recordText(record: JobRecord): string {
    let text = this.recordJson.get(record);
    if (text === undefined) {
      text = JSON.stringify(record);
      this.recordJson.set(record, text);
    }
    return text;
  }

  private logFile(generation: string): string {
    return path.join(this.options.dir, `${LOG_PREFIX}${generation}${LOG_SUFFIX}`);
  }

  /**
   * Brings memory up to date with the files: the new lines of the log when the snapshot is the one this window
   * last saw, else the whole snapshot and its log (another window compacted), after which everything this
   * window holds newer than the files is marked for the next line.
   */
  private async catchUp(external: Set<string>): Promise<void> {
    const identity = await snapshotIdentity(this.file);
    if (identity === undefined) {
      this.disk = undefined;
      return;
    }
    if (this.disk?.identity === identity) {
      if (this.disk.generation !== undefined) await this.readLog({ adoptModel: false, external });
      return;
    }
    const snapshot = await readSnapshot(this.file);
    if (snapshot === undefined) {
      this.disk = undefined;
      return;
    }
    const parsed = parseJournal(snapshot.text);
    if (parsed.kind !== 'ok') {
      // Left to `load()`'s handling: this write simply replaces it.
      this.disk = { identity: snapshot.identity, generation: undefined, snapshotBytes: snapshot.text.length, logOffset: 0, logBytes: 0, logOnDisk: false };
      return;
    }
    const onDisk = new Map<string, number>(parsed.stamps);
    const removedOnDisk = new Map<string, number>(parsed.tombstones);
    this.mergeBatch(
      {
        puts: parsed.records.map((record) => ({ record, stamp: parsed.stamps.get(record.localId) ?? 0 })),
        removals: [...parsed.tombstones].map(([localId, stamp]) => ({ localId, stamp })),
        hasModel: false,
        model: undefined,
        droppedRecords: 0,
      },
      { adoptModel: false, external },
    );
    this.disk = { identity: snapshot.identity, generation: parsed.generation, snapshotBytes: snapshot.text.length, logOffset: 0, logBytes: 0, logOnDisk: false };
    if (parsed.generation !== undefined) {
      await this.readLog({ adoptModel: false, external, onDisk, removedOnDisk });
    }
    // What the files lack: a racing compaction may have been made without this window's last lines.
    for (const [localId, stamp] of this.stamps) if (stamp > (onDisk.get(localId) ?? 0)) this.dirty.add(localId);
    for (const [localId, stamp] of this.tombstones) {
      if (onDisk.has(localId) && stamp > (removedOnDisk.get(localId) ?? 0)) this.dirty.add(localId);
    }
  }

  /** Applies the log's lines after `disk.logOffset` (complete lines only: an append may be under way). */
  private async readLog(options: {
    adoptModel: boolean;
    external?: Set<string>;
    onDisk?: Map<string, number>;
    removedOnDisk?: Map<string, number>;
  }): Promise<{ droppedRecords: number }> {
    const view = this.disk;
    if (view?.generation === undefined) return { droppedRecords: 0 };
    let bytes: Buffer;
    try {
      bytes = await readFrom(this.logFile(view.generation), view.logOffset);
      view.logOnDisk = true;
    } catch (error) {
      // No log yet: the compaction that made the snapshot had not created it when it crashed, or no line yet.
      if (isErrno(error, 'ENOENT')) {
        view.logOnDisk = false;
        return { droppedRecords: 0 };
      }
      throw error;
    }
    const end = bytes.lastIndexOf(0x0a);
    if (end < 0) return { droppedRecords: 0 };
    view.logOffset += end + 1;
    view.logBytes = Math.max(view.logBytes, view.logOffset);
    let droppedRecords = 0;
    for (const line of bytes.subarray(0, end).toString('utf8').split('\n')) {
      if (line.length === 0) continue;
      const batch = parseLogLine(line);
      // A torn line (a crash during an append) was never acknowledged: skipped.
      if (batch === undefined) continue;
      droppedRecords += batch.droppedRecords;
      this.mergeBatch(batch, options);
      for (const { localId, stamp } of batch.puts.map((p) => ({ localId: p.record.localId, stamp: p.stamp }))) {
        if (stamp > (options.onDisk?.get(localId) ?? 0)) options.onDisk?.set(localId, stamp);
      }
      for (const { localId, stamp } of batch.removals) {
        if (stamp > (options.removedOnDisk?.get(localId) ?? 0)) options.removedOnDisk?.set(localId, stamp);
      }
    }
    return { droppedRecords };
  }

  /** Folds records and removals from the files into memory: the newest event of each record wins. */
  private mergeBatch(batch: LogBatch, options: { adoptModel: boolean; external?: Set<string> }): void {
    for (const { localId, stamp } of batch.removals) {
      if (stamp > (this.tombstones.get(localId) ?? 0)) this.tombstones.set(localId, stamp);
    }
    for (const { record, stamp } of batch.puts) {
      const localId = record.localId;
      if (stamp <= (this.stamps.get(localId) ?? 0)) continue; // ours is as new or newer
      if (stamp <= (this.tombstones.get(localId) ?? 0)) continue; // removed after that copy was made
      this.records.set(localId, record);
      this.stamps.set(localId, stamp);
      options.external?.add(localId);
    }
    for (const { localId } of batch.removals) {
      const removedAt = this.tombstones.get(localId);
      if (this.records.has(localId) && removedAt !== undefined && removedAt >= (this.stamps.get(localId) ?? 0)) {
        this.records.delete(localId);
        this.stamps.delete(localId);
        options.external?.add(localId);
      }
    }
    if (options.adoptModel && batch.hasModel) this.durationModelState = batch.model;
  }

  /**
   * Compacts unless another window is compacting right now: then `false` at once (its snapshot will carry the
   * log), or with `wait`, `false` once it is done (the caller reads its snapshot). A lock older than
   * STALE_LOCK_MS was left by a crash and is taken over; after LOCK_WAIT_MS of waiting this compacts anyway
   * (two compactions at once only cost a write: the identity checks and the re-appends settle them).
   */
  private async compactUnderLock(external: Set<string>, { wait = false } = {}): Promise<boolean> {
    const lock = path.join(this.options.dir, COMPACTION_LOCK);
    let locked = false;
    await fs.mkdir(this.options.dir, { recursive: true });
    try {
      await (await fs.open(lock, 'wx')).close();
      locked = true;
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
      const stat = await fs.stat(lock).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs >= STALE_LOCK_MS) {
        await fs.rm(lock, { force: true });
        return this.compactUnderLock(external, { wait });
      }
      if (!wait) return false;
      const until = Date.now() + LOCK_WAIT_MS;
      while (Date.now() < until && (await fs.stat(lock).catch(() => undefined))) await delay(LOCK_POLL_MS);
      if (Date.now() < until) return false;
    }
    try {
      await this.catchUp(external);
      await this.compact(external);
      return true;
    } finally {
      if (locked) await fs.rm(lock, { force: true });
    }
  }

  /**
   * Writes the whole state as a new snapshot with a new, empty log; carries over the lines other windows
   * appended to the old log meanwhile; then retires the logs of older generations. Call after `catchUp`.
   */
  private async compact(external: Set<string>): Promise<void> {
    const previous = this.disk;
    const generation = randomBytes(8).toString('hex');
    const sending = this.dirty;
    const sendingModel = this.modelDirty;
    this.dirty = new Set();
    this.modelDirty = false;
    let written: { identity: string; bytes: number };
    try {
      await fs.mkdir(this.options.dir, { recursive: true });
      // The new log exists before the snapshot names it (its folder entry is made durable by the rename's fsync).
      await (await fs.open(this.logFile(generation), 'a')).close();
      written = await writeFileAtomic(this.file, this.serialise(generation), () => this.options.faults?.('compaction-before-rename'));
      await this.options.faults?.('compaction-after-rename');
    } catch (error) {
      for (const localId of sending) this.dirty.add(localId);
      this.modelDirty ||= sendingModel;
      throw error;
    }
    this.disk = { identity: written.identity, generation, snapshotBytes: written.bytes, logOffset: 0, logBytes: 0, logOnDisk: true };
    if (previous?.generation !== undefined) {
      // Lines appended to the old log after this window read it: their writers checked the snapshot before
      // the rename, so they count on them — they go into the new log with the next line.
      const carried = new Set<string>();
      const oldView: DiskView = { ...previous };
      this.disk = oldView;
      try {
        await this.readLog({ adoptModel: false, external: carried });
      } finally {
        this.disk = { identity: written.identity, generation, snapshotBytes: written.bytes, logOffset: 0, logBytes: 0, logOnDisk: true };
      }
      for (const localId of carried) external.add(localId);
      // Written before the old log is retired: its lines were acknowledged to their writers.
      if (carried.size > 0) await appendDurably(this.logFile(generation), this.logLine(carried, false), { creates: false });
    }
    await this.retireLogs(generation, previous?.generation);
  }

  /**
   * Deletes the log this compaction folded in, and logs no snapshot has named for an hour (left by a crash
   * between creating a log and the rename, or by a compaction that lost a race). A log of another generation
   * may still be some window's current one for a moment (another compaction's, just made): never deleted young.
   */
  private async retireLogs(current: string, folded: string | undefined): Promise<void> {
    if (folded !== undefined && folded !== current) await fs.rm(this.logFile(folded), { force: true });
    for (const name of await fs.readdir(this.options.dir)) {
      if (!name.startsWith(LOG_PREFIX) || !name.endsWith(LOG_SUFFIX)) continue;
      const generation = name.slice(LOG_PREFIX.length, -LOG_SUFFIX.length);
      if (generation === current || !GENERATION_PATTERN.test(generation)) continue;
      const stat = await fs.stat(path.join(this.options.dir, name)).catch(() => undefined);
      if (stat && Date.now() - stat.mtimeMs > ORPHAN_LOG_AGE_MS) await fs.rm(path.join(this.options.dir, name), { force: true });
    }
  }

  /**
   * The snapshot's text, in pieces of about SERIALISE_SLICE records: each piece is stringified, encoded and
   * written before the next is made, so the extension host's thread is never held for the whole history at
   * once (11 MB at 10,000 records: joined and encoded in one go, that alone held it for tens of ms). Records
   * keep their JSON from one compaction to the next unless they changed since.
   */
  private *serialise(generation: string): Generator<string> {
    // The state as of now: changes made while this yields go into the next log line, with newer stamps.
    const entries = [...this.records].map(([localId, record]) => ({ localId, record, stamp: this.stamps.get(localId) ?? 0 }));
    const removed = Object.fromEntries([...this.tombstones].sort((a, b) => b[1] - a[1]).slice(0, MAX_TOMBSTONES));
    const model = this.durationModelState === undefined ? '' : `,"durationModel":${JSON.stringify(this.durationModelState)}`;
    const savedAt = JSON.stringify(new Date(this.now()).toISOString());
    yield `{"version":${JOURNAL_VERSION},"log":${JSON.stringify(generation)},"savedAt":${savedAt},"records":[`;
    for (let start = 0; start < entries.length; start += SERIALISE_SLICE) {
      const slice = entries.slice(start, start + SERIALISE_SLICE).map(({ record }) => this.recordText(record));
      yield (start === 0 ? '' : ',') + slice.join(',');
    }
    // Built as text: an object with 10,000 keys is slow to build and to stringify.
    yield `],"stamps":{${entries.map(({ localId, stamp }) => `${JSON.stringify(localId)}:${stamp}`).join(',')}},"removed":${JSON.stringify(removed)}${model}}`;
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

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Which file is at `file` now: device, inode, size and modification time (nanoseconds); `undefined` if none. */
async function snapshotIdentity(file: string): Promise<string | undefined> {
  try {
    return identityOf(await fs.stat(file, { bigint: true }));
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
}

function identityOf(stat: BigIntStats): string {
  return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}`;
}

/** The snapshot's text and the identity of the very file it was read from (a rename may replace it meanwhile). */
async function readSnapshot(file: string): Promise<{ text: string; identity: string } | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
  try {
    const identity = identityOf(await handle.stat({ bigint: true }));
    return { text: await handle.readFile('utf8'), identity };
  } finally {
    await handle.close();
  }
}

/**
 * The bytes of `file` from `offset` to its end. Its size is asked first, by name: before a write the log has
 * usually not grown since this window last read it, and one call then answers instead of three.
 */
async function readFrom(file: string, offset: number): Promise<Buffer> {
  const { size } = await fs.stat(file);
  if (size <= offset) return Buffer.alloc(0);
  const handle = await fs.open(file, 'r');
  try {
    const buffer = Buffer.alloc(size - offset);
    let read = 0;
    while (read < buffer.length) {
      const { bytesRead } = await handle.read(buffer, read, buffer.length - read, offset + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return buffer.subarray(0, read);
  } finally {
    await handle.close();
  }
}

/**
 * Appends `text` in one write (O_APPEND: lines of several windows never interleave) and fsyncs it; returns the
 * log's size after the append. `creates`: the log was not there when last read, so this append creates it.
 */
async function appendDurably(file: string, text: string, { creates }: { readonly creates: boolean }): Promise<number> {
  const bytes = Buffer.from(text, 'utf8');
  const handle = await fs.open(file, 'a');
  let size: number;
  try {
    const { bytesWritten } = await handle.write(bytes);
    if (bytesWritten !== bytes.length) throw new Error(`only ${bytesWritten} of ${bytes.length} bytes were appended`);
    // The size does not wait for the sync: both are asked at once, and the write is durable once both are done.
    const [, stat] = await Promise.all([handle.datasync(), handle.stat()]);
    size = stat.size;
  } finally {
    await handle.close();
  }
  // A log this append created must also survive a power cut as a folder entry. (One that was there already
  // and has since been deleted belonged to a retired snapshot: the check after the append sends the line again.)
  if (creates) await fsyncDirectory(path.dirname(file));
  return size;
}

function parseLogLine(line: string): LogBatch | undefined {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isPlainObject(data) || !Array.isArray(data.b)) return undefined;
  const puts: LogBatch['puts'][number][] = [];
  const removals: LogBatch['removals'][number][] = [];
  let droppedRecords = 0;
  for (const entry of data.b) {
    if (!isPlainObject(entry) || typeof entry.s !== 'number' || !Number.isFinite(entry.s)) {
      droppedRecords++;
      continue;
    }
    if (typeof entry.d === 'string' && LOCAL_ID_PATTERN.test(entry.d)) {
      removals.push({ stamp: entry.s, localId: entry.d });
      continue;
    }
    const record = parseRecord(entry.r);
    if (record) puts.push({ stamp: entry.s, record: Object.freeze(record) });
    else droppedRecords++;
  }
  return { puts, removals, hasModel: 'm' in data, model: data.m, droppedRecords };
}

/**
 * Writes `text` so that `file` is always either the old or the new content, even across a power cut. Returns
 * the identity of the file written (taken before the rename: another window's rename may follow at once).
 */
export async function writeFileAtomic(
  file: string,
  text: string | Iterable<string>,
  beforeRename?: () => void | Promise<void>,
): Promise<{ identity: string; bytes: number }> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  // A unique temp name: two windows sharing the storage folder never write into the same temp file.
  const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`;
  let identity: string;
  let bytes: number;
  try {
    const handle = await fs.open(temp, 'w');
    try {
      if (typeof text === 'string') await handle.writeFile(text, 'utf8');
      // Pieces are made one at a time (a generator): each is written before the next is made.
      else for (const piece of text) await handle.writeFile(piece, 'utf8');
      await handle.sync();
      const stat = await handle.stat({ bigint: true });
      identity = identityOf(stat);
      bytes = Number(stat.size);
    } finally {
      await handle.close();
    }
    await beforeRename?.();
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
  await fsyncDirectory(dir);
  return { identity, bytes };
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
      /** The generation of the log beside this snapshot; `undefined` for a file of an earlier version. */
      generation: string | undefined;
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
      records.push(Object.freeze(record));
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
  const generation = typeof data.log === 'string' && GENERATION_PATTERN.test(data.log) ? data.log : undefined;
  return { kind: 'ok', records, stamps, tombstones, durationModel: data.durationModel, droppedRecords, generation };
}

const GROUP_KINDS: readonly JobGroup['kind'][] = ['candidates', 'compare'];

function parseGroup(value: unknown): JobGroup | undefined {
  if (!isPlainObject(value)) return undefined;
  const { id, kind, index, size } = value;
  if (typeof id !== 'string' || id.length === 0 || id.length > 64 || !isOneOf(kind, GROUP_KINDS)) return undefined;
  if (!Number.isInteger(index) || !Number.isInteger(size)) return undefined;
  const [at, of] = [index as number, size as number];
  return at >= 0 && at < of && of <= 16 ? { id, kind, index: at, size: of } : undefined;
}

/** A 402's figures; a figure that is not a non-negative safe integer is dropped (the record keeps the rest). */
function parseCreditsShortfall(value: unknown): CreditsShortfall | undefined {
  if (!isPlainObject(value)) return undefined;
  const figure = (n: unknown): number | undefined => (Number.isSafeInteger(n) && (n as number) >= 0 ? (n as number) : undefined);
  const required = figure(value.required);
  const available = figure(value.available);
  return { ...(required !== undefined ? { required } : {}), ...(available !== undefined ? { available } : {}) };
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
  if (typeof prompt !== 'string' || typeof createdAt !== 'string') return undefined;
  if (typeof aspectRatio !== 'string' || aspectRatio.length > 16 || !isOneOf(phase, JOB_PHASES)) return undefined;
  if (style !== undefined && !isOneOf(style, DALLE_STYLES)) return undefined;
  // An operation names its own model (`bria-bg-remove`) or, for Midjourney's actions, `midjourney`; a record
  // whose operation does not fit its model was not written by this code and is dropped.
  const operation = value.operation === undefined ? undefined : parseOperation(value.operation, model);
  if (value.operation !== undefined && operation === undefined) return undefined;
  const knownModel = isImageModelId(model) || (operation !== undefined && isOperationModelId(model)) ? model : undefined;
  if (knownModel === undefined) return undefined;
  const input = value.input === undefined ? undefined : parseInputImage(value.input);
  if (value.input !== undefined && input === undefined) return undefined;
  const inputAction = input && !operation ? parseImageAction(value.inputAction) : undefined;
  // Records of older versions (DALL-E 3 only) have no parameter block: theirs is built from aspect ratio and style.
  const params = isPlainObject(value.params) ? value.params : undefined;
  if (!operation && params === undefined && (model !== 'dall-e-3' || style === undefined)) return undefined;
  const origin = parseOrigin(value.origin);
  const group = parseGroup(value.group);
  const record: JobRecord = {
    localId,
    idempotencyKey,
    prompt,
    model: knownModel,
    ...(params ? { params } : {}),
    aspectRatio,
    ...(style ? { style } : {}),
    createdAt,
    phase,
    ...(origin ? { origin } : {}),
    ...(group ? { group } : {}),
    ...(operation ? { operation } : {}),
    ...(input ? { input } : {}),
    ...(inputAction ? { inputAction } : {}),
  };
  if (typeof value.jobId === 'string') record.jobId = value.jobId;
  if (isOneOf(value.status, JOB_STATUSES)) record.status = value.status;
  if (typeof value.progress === 'number' || value.progress === null) record.progress = value.progress;
  if (typeof value.error === 'string') record.error = value.error;
  if (value.keyProblem === true) record.keyProblem = true;
  const creditsShort = parseCreditsShortfall(value.creditsShort);
  if (creditsShort) record.creditsShort = creditsShort;
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

const OPERATION_KINDS: readonly JobOperation['kind'][] = ['backgroundRemove', 'upscale', 'edit', 'midjourneyAction'];
/** A file-name suffix (`no-bg`, `2x`, `u2`): what a result saved beside its source adds to the name. */
const SUFFIX_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
const MAX_LABEL_LENGTH = 200;
/** Uploads remembered per record: a resume uploads again only after the URL lapsed, so a few at most. */
export const MAX_UPLOADED_URLS = 20;

function parseImageAction(value: unknown): ImageAction | undefined {
  if (!isPlainObject(value)) return undefined;
  const { label, suffix } = value;
  if (typeof label !== 'string' || label.length > MAX_LABEL_LENGTH || typeof suffix !== 'string' || !SUFFIX_PATTERN.test(suffix)) return undefined;
  return { label, suffix };
}

/** An operation that fits the record's model: its own model for the model-discriminated kinds, `midjourney` for actions. */
function parseOperation(value: unknown, model: unknown): JobOperation | undefined {
  if (!isPlainObject(value)) return undefined;
  const { kind, request } = value;
  if (!isOneOf(kind, OPERATION_KINDS) || !isPlainObject(request)) return undefined;
  const action = parseImageAction(value);
  if (!action) return undefined;
  const { label, suffix } = action;
  if (kind === 'midjourneyAction') {
    if (model !== 'midjourney' || typeof request.action !== 'string' || typeof request.parentJobId !== 'string') return undefined;
  } else if (!isOperationModelId(model) || OPERATION_MODELS[model].kind !== kind || request.model !== model) {
    return undefined;
  }
  return { kind, request, label, suffix };
}

const HTTP_URL_PATTERN = /^https?:\/\/[^\s]+$/i;

function parseInputImage(value: unknown): InputImage | undefined {
  if (!isPlainObject(value)) return undefined;
  const { uri, localId, index, name, referenceParam, uploadedUrl, reusableUntil, uploadedUrls } = value;
  if (typeof name !== 'string' || name.length === 0 || name.length > 1024) return undefined;
  if (uri !== undefined && (typeof uri !== 'string' || uri.length > MAX_URI_LENGTH || !URI_PATTERN.test(uri))) return undefined;
  if (localId !== undefined && (typeof localId !== 'string' || !LOCAL_ID_PATTERN.test(localId))) return undefined;
  if (index !== undefined && (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 999)) return undefined;
  if (uri === undefined && localId === undefined) return undefined;
  if (referenceParam !== undefined && (typeof referenceParam !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(referenceParam))) return undefined;
  const input: {
    -readonly [K in keyof InputImage]: InputImage[K];
  } = { name };
  if (uri !== undefined) input.uri = uri;
  if (localId !== undefined) input.localId = localId;
  if (index !== undefined) input.index = index;
  if (referenceParam !== undefined) input.referenceParam = referenceParam;
  // The upload is a hint that saves a new upload: one that does not parse is only uploaded again.
  if (typeof uploadedUrl === 'string' && uploadedUrl.length <= MAX_URI_LENGTH && HTTP_URL_PATTERN.test(uploadedUrl)) {
    input.uploadedUrl = uploadedUrl;
    if (typeof reusableUntil === 'string' && reusableUntil.length <= 64 && Number.isFinite(Date.parse(reusableUntil))) input.reusableUntil = reusableUntil;
  }
  if (Array.isArray(uploadedUrls)) {
    const urls = uploadedUrls.filter((url): url is string => typeof url === 'string' && url.length <= MAX_URI_LENGTH && HTTP_URL_PATTERN.test(url));
    if (urls.length > 0) input.uploadedUrls = urls.slice(-MAX_UPLOADED_URLS);
  }
  return input;
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

const CACHED_FILE_NAME = /^[0-9]{1,3}\.(png|jpg|webp)$/;

function parseCachedImage(value: unknown, localId: string): CachedImage | undefined {
  if (!isPlainObject(value)) return undefined;
  const { file, mime, bytes, width, height } = value;
  // Cached files always live in the record's own folder: `<localId>/<n>.<ext>`.
  // (A string test, not a pattern built per file: a 10,000-record journal has 10,000 of them to check.)
  if (typeof file !== 'string' || !file.startsWith(`${localId}/`) || !CACHED_FILE_NAME.test(file.slice(localId.length + 1))) return undefined;
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

