import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JOURNAL_FILE, Journal, type JournalFaultPoint, type JournalOptions } from '../../src/jobs/journal';
import type { JobRecord } from '../../src/jobs/types';
import { journalFixture, writeJournalFixture } from '../bench/journalFixture';
import { recordingLogger, sampleRecord } from './journal.test';

class Crash extends Error {}

describe('journal: snapshot and change log', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'apiframe-journal-log-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const open = (options: Partial<JournalOptions> = {}) => new Journal({ dir, log: recordingLogger(), ...options });

  async function logFiles(): Promise<string[]> {
    return (await fs.readdir(dir)).filter((name) => name.endsWith('.log')).sort();
  }

  async function snapshot(): Promise<{ log?: string; records: JobRecord[] }> {
    return JSON.parse(await fs.readFile(path.join(dir, JOURNAL_FILE), 'utf8')) as { log?: string; records: JobRecord[] };
  }

  /** What a window opening now reads (snapshot and log), as phase by id. */
  async function fresh(): Promise<Record<string, string>> {
    const contents = await open().load();
    return Object.fromEntries(contents.records.map((r) => [r.localId, r.phase]));
  }

  it('appends a status change to the log instead of rewriting the snapshot', async () => {
    const journal = open();
    await journal.load();
    journal.put(sampleRecord('a1'));
    await journal.save(); // the first write makes the snapshot
    const before = await fs.stat(path.join(dir, JOURNAL_FILE), { bigint: true });
    journal.put(sampleRecord('a1', { phase: 'running', jobId: 'job-1' }));
    await journal.save();
    const after = await fs.stat(path.join(dir, JOURNAL_FILE), { bigint: true });
    assert.equal(after.ino, before.ino, 'the snapshot was rewritten');
    assert.equal(after.mtimeNs, before.mtimeNs, 'the snapshot was rewritten');
    const [log, ...more] = await logFiles();
    assert.ok(log !== undefined && more.length === 0);
    assert.equal(log, `journal.${(await snapshot()).log}.log`, 'the log is the one the snapshot names');
    assert.match(await fs.readFile(path.join(dir, log), 'utf8'), /"phase":"running"/);
    assert.deepEqual(await fresh(), { a1: 'running' });
  });

  it('makes the folder entry of the log durable when an append creates the log, not on every first line', async () => {
    // Opens of the folder itself: how a folder is fsync'd.
    const originalOpen = fs.open;
    let folderOpens = 0;
    fs.open = ((file: Parameters<typeof fs.open>[0], ...rest: unknown[]) => {
      if (path.resolve(String(file)) === path.resolve(dir)) folderOpens++;
      return (originalOpen as (...args: unknown[]) => ReturnType<typeof fs.open>)(file, ...rest);
    });
    try {
      const journal = open();
      await journal.load();
      journal.put(sampleRecord('a1'));
      await journal.save(); // a fresh folder: the first write makes the snapshot and its (empty) log
      const [log] = await logFiles();
      assert.ok(log);
      folderOpens = 0;
      journal.put(sampleRecord('a2', { phase: 'running', jobId: 'job_2' }));
      await journal.save();
      // The compaction created the log before its rename and fsync'd the folder after it: nothing more to do.
      assert.equal(folderOpens, 0);
      await journal.close();

      // A snapshot whose log is missing (a crash between them, or a log deleted by hand): the append creates it.
      await fs.rm(path.join(dir, log));
      const next = open();
      await next.load();
      folderOpens = 0;
      next.put(sampleRecord('a3', { phase: 'running', jobId: 'job_3' }));
      await next.save();
      assert.equal(folderOpens, 1);
      await next.close();
      assert.deepEqual(await logFiles(), [log]);
      assert.deepEqual(await fresh(), { a1: 'pending-submit', a3: 'running' });
    } finally {
      fs.open = originalOpen;
    }
  });

  it('reads a file of the earlier format and upgrades it on the first write, keeping every record', async () => {
    const fixture = journalFixture(40, { pending: 1 });
    await writeJournalFixture(dir, fixture, { imageFolders: false });
    assert.equal((await snapshot()).log, undefined);
    const journal = open();
    const contents = await journal.load();
    assert.deepEqual(
      contents.records.map((r) => r.localId),
      fixture.records.map((r) => r.localId),
    );
    assert.deepEqual(contents.records.at(5), fixture.records.at(5), 'a record reads back exactly');
    const pending = fixture.records.at(-1) as JobRecord;
    journal.put({ ...pending, progress: 80 });
    await journal.save();
    const upgraded = await snapshot();
    assert.match(upgraded.log ?? '', /^[0-9a-f]{16}$/);
    assert.equal(upgraded.records.length, 40);
    const again = await open().load();
    assert.equal(again.records.length, 40);
    assert.equal(again.records.find((r) => r.localId === pending.localId)?.progress, 80);
    assert.deepEqual(again.durationModel, fixture.durationModel);
  });

  it('skips a line torn by a crash, and a later line of another window is not glued to it', async () => {
    const a = open();
    await a.load();
    a.put(sampleRecord('a1'));
    await a.save();
    a.put(sampleRecord('a1', { phase: 'running', jobId: 'job-1' }));
    await a.save();
    const [log] = await logFiles();
    assert.ok(log);
    // A crash in the middle of an append: half a line, no newline.
    await fs.appendFile(path.join(dir, log), '\n{"b":[{"s":99999999999999,"r":{"localId":"a1","phase":"do');
    const b = open();
    const log1 = recordingLogger();
    const seen = await new Journal({ dir, log: log1 }).load();
    assert.deepEqual(
      seen.records.map((r) => [r.localId, r.phase]),
      [['a1', 'running']],
    );
    assert.deepEqual(log1.lines.filter((l) => !l.startsWith('debug')), [], 'a torn line is expected after a crash: no warning');
    await b.load();
    b.put(sampleRecord('b1'));
    await b.save();
    assert.deepEqual(await fresh(), { a1: 'running', b1: 'pending-submit' });
    // A window that had read up to the torn line reads past it too.
    a.put(sampleRecord('a2'));
    await a.save();
    assert.equal(a.get('b1')?.localId, 'b1');
    assert.deepEqual(await fresh(), { a1: 'running', a2: 'pending-submit', b1: 'pending-submit' });
  });

  it('keeps every change of two windows writing in turns, each seeing the other’s', async () => {
    const externalOfA: string[] = [];
    const a = open({ onExternalChange: (ids) => externalOfA.push(...ids) });
    const b = open();
    await a.load();
    await b.load();
    const saves: Promise<void>[] = [];
    for (let i = 0; i < 30; i++) {
      a.put(sampleRecord(`a${i}`, { phase: 'running' }));
      b.put(sampleRecord(`b${i}`, { phase: 'running' }));
      // Not awaited: the two windows' appends interleave.
      saves.push(a.save(), b.save());
    }
    await Promise.all(saves);
    a.put(sampleRecord('a-last'));
    await a.save(); // A has read every line of B's by now
    assert.equal(a.get('b3')?.localId, 'b3');
    a.remove('b3');
    b.put(sampleRecord('a4', { phase: 'done' }));
    await b.save();
    await a.save();
    const onDisk = await fresh();
    assert.equal(Object.keys(onDisk).length, 60);
    assert.equal(onDisk.b3, undefined, 'A removed B’s record');
    assert.equal(onDisk.a4, 'done', 'B’s newer copy of A’s record');
    assert.ok(externalOfA.includes('b29') && externalOfA.includes('a4'));
    assert.equal(a.get('a4')?.phase, 'done');
  });

  it('folds the log into a new snapshot once it is large, and retires the old log', async () => {
    const journal = open({ compactionLogBytes: 2000 });
    await journal.load();
    journal.put(sampleRecord('r0'));
    await journal.save();
    const first = (await snapshot()).log;
    for (let i = 1; i < 30; i++) {
      journal.put(sampleRecord(`r${i}`, { phase: 'running', progress: i }));
      await journal.save();
    }
    await journal.close();
    const last = await snapshot();
    assert.notEqual(last.log, first, 'no compaction happened');
    assert.deepEqual(await logFiles(), [`journal.${last.log}.log`]);
    assert.ok(last.records.length > 1, 'the snapshot holds the folded records');
    assert.equal(Object.keys(await fresh()).length, 30);
  });

  for (const point of ['compaction-before-rename', 'compaction-after-rename'] as const) {
    it(`loses nothing acknowledged when a compaction crashes (${point})`, async () => {
      let crashAt: JournalFaultPoint | undefined = undefined;
      const journal = open({
        compactionLogBytes: 1500,
        faults: (at) => {
          if (at === crashAt) throw new Crash(at);
        },
      });
      await journal.load();
      journal.put(sampleRecord('r0'));
      await journal.save();
      crashAt = point;
      for (let i = 1; i < 20; i++) {
        journal.put(sampleRecord(`r${i}`, { phase: 'running' }));
        await journal.save(); // acknowledged: the line is in the log before any compaction starts
      }
      // The compactions failed at the crash point; nothing more comes from this journal.
      await journal.close();
      // The process dies here (nothing more from this journal); a new window opens the folder.
      const reopened = open();
      const contents = await reopened.load();
      assert.equal(contents.records.length, 20);
      assert.deepEqual(
        (await fs.readdir(dir)).filter((n) => n.endsWith('.tmp')),
        [],
        'the torn temp file is removed on load',
      );
      reopened.put(sampleRecord('after'));
      await reopened.save();
      assert.equal(Object.keys(await fresh()).length, 21);
    });
  }

  it('carries over a line another window appended while this window compacted', async () => {
    const b = open();
    let armed = false;
    let raced = false;
    const a = open({
      compactionLogBytes: 1,
      faults: async (at) => {
        if (at !== 'compaction-before-rename' || !armed || raced) return;
        raced = true;
        // B writes to the old generation after A read it, before A's new snapshot replaces it.
        b.put(sampleRecord('from-b', { phase: 'running', jobId: 'job-b' }));
        await b.save();
      },
    });
    await a.load();
    a.put(sampleRecord('a0'));
    await a.save(); // the first snapshot
    await b.load();
    armed = true;
    a.put(sampleRecord('a1'));
    await a.save(); // an append, then a compaction (the log is over its 1 byte) with B's write racing it
    await a.close();
    assert.ok(raced);
    const onDisk = await fresh();
    assert.equal(onDisk['from-b'], 'running', 'B’s acknowledged write survived A’s compaction');
    assert.equal((await logFiles()).length, 1, 'the old log was retired');
  });

  it('writes again when another window compacted between its read and its append', async () => {
    const a = open({ compactionLogBytes: 1 });
    let raced = false;
    const b = open({
      faults: async (at) => {
        if (at !== 'before-append' || raced) return;
        raced = true;
        // A compacts after B read the log and before B's line lands in it.
        a.put(sampleRecord('a2'));
        await a.save();
        await a.close();
      },
    });
    await a.load();
    a.put(sampleRecord('a1'));
    await a.save();
    await b.load();
    b.put(sampleRecord('from-b', { phase: 'running' }));
    await b.save();
    assert.ok(raced);
    const onDisk = await fresh();
    assert.equal(onDisk['from-b'], 'running', 'B’s write is in the current generation');
    assert.equal(onDisk.a2, 'pending-submit');
  });

  it('adopts the duration model from the log on load', async () => {
    const journal = open();
    await journal.load();
    journal.put(sampleRecord('r1'));
    await journal.save();
    journal.setDurationModel({ version: 1, models: { 'dall-e-3': { weight: 5, sumLog: 50, sumLogSquares: 500 } } });
    await journal.save();
    assert.deepEqual((await open().load()).durationModel, { version: 1, models: { 'dall-e-3': { weight: 5, sumLog: 50, sumLogSquares: 500 } } });
  });
});
