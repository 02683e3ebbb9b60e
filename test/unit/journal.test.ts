import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JOURNAL_FILE, Journal, JournalClosedError, parseRecord } from '../../src/jobs/journal';
import { requestOf } from '../../src/jobs/records';
import type { JobRecord } from '../../src/jobs/types';
import type { Logger } from '../../src/shared/logger';

/** A logger that remembers its lines, so tests can assert the "clear log line" promises. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => {
    lines.push(`${level}: ${message}`);
  };
  return { lines, trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function sampleRecord(localId: string, overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    localId,
    idempotencyKey: localId,
    prompt: `a lighthouse ${localId}`,
    model: 'dall-e-3',
    aspectRatio: '1:1',
    style: 'vivid',
    createdAt: '2026-11-25T10:00:00.000Z',
    phase: 'pending-submit',
    ...overrides,
  };
}

describe('journal', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'apiframe-journal-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('starts empty when there is no journal file yet', async () => {
    const journal = new Journal({ dir, log: recordingLogger() });
    const contents = await journal.load();
    assert.deepEqual(contents.records, []);
    assert.equal(contents.durationModel, undefined);
  });

  it('persists records, their order and the duration model with a version field', async () => {
    const journal = new Journal({ dir, log: recordingLogger() });
    await journal.load();
    journal.put(sampleRecord('a1'));
    journal.put(sampleRecord('b2', { phase: 'running', jobId: 'job-b', status: 'QUEUED', progress: null }));
    journal.setDurationModel({ samples: [12.5] });
    await journal.save();

    const onDisk = JSON.parse(await fs.readFile(path.join(dir, JOURNAL_FILE), 'utf8')) as { version: number };
    assert.equal(onDisk.version, 1);
    const reopened = new Journal({ dir, log: recordingLogger() });
    const contents = await reopened.load();
    assert.deepEqual(
      contents.records.map((r) => [r.localId, r.phase, r.jobId]),
      [
        ['a1', 'pending-submit', undefined],
        ['b2', 'running', 'job-b'],
      ],
    );
    assert.deepEqual(contents.durationModel, { samples: [12.5] });
  });

  it('tolerates a torn temp file from a crash and removes it', async () => {
    const first = new Journal({ dir, log: recordingLogger() });
    await first.load();
    first.put(sampleRecord('a1'));
    await first.close();
    const torn = path.join(dir, `${JOURNAL_FILE}.1234-deadbeef.tmp`);
    await fs.writeFile(torn, '{"version":1,"records":[{"localId":"a1","pro');

    const log = recordingLogger();
    const contents = await new Journal({ dir, log }).load();
    assert.deepEqual(
      contents.records.map((r) => r.localId),
      ['a1'],
    );
    await assert.rejects(fs.stat(torn), /ENOENT/);
    assert.deepEqual(log.lines.filter((l) => l.startsWith('error')), []);
  });

  for (const [name, text] of [
    ['malformed JSON', '{"version":1,"records":[{'],
    ['an unknown version', '{"version":99,"records":[]}'],
    ['a records field that is not a list', '{"version":1,"records":{}}'],
  ] as const) {
    it(`keeps a backup and starts clean on ${name}`, async () => {
      await fs.writeFile(path.join(dir, JOURNAL_FILE), text);
      const log = recordingLogger();
      const journal = new Journal({ dir, log });
      const contents = await journal.load();
      assert.deepEqual(contents.records, []);
      const backups = (await fs.readdir(dir)).filter((n) => n.startsWith('journal.corrupt-'));
      const [backup, ...moreBackups] = backups;
      assert.ok(backup !== undefined && moreBackups.length === 0, `${backups.length} backups, not 1`);
      assert.equal(await fs.readFile(path.join(dir, backup), 'utf8'), text);
      const errors = log.lines.filter((l) => l.startsWith('error'));
      assert.equal(errors.length, 1);
      assert.match(errors[0] ?? '', /could not be read.*empty history.*kept as/);
      // The clean journal can be written again.
      journal.put(sampleRecord('c3'));
      await journal.save();
      assert.equal((await new Journal({ dir, log }).load()).records.length, 1);
    });
  }

  it('drops only the unreadable records, keeping a backup of the original', async () => {
    const good = sampleRecord('good1');
    const file = {
      version: 1,
      records: [good, { localId: '../../etc', prompt: 1 }, sampleRecord('good2', { phase: 'dancing' as never })],
    };
    await fs.writeFile(path.join(dir, JOURNAL_FILE), JSON.stringify(file));
    const log = recordingLogger();
    const contents = await new Journal({ dir, log }).load();
    assert.deepEqual(
      contents.records.map((r) => r.localId),
      ['good1'],
    );
    assert.ok(log.lines.some((l) => /^warn: .*2 unreadable record/.test(l)));
    assert.equal((await fs.readdir(dir)).filter((n) => n.startsWith('journal.corrupt-')).length, 1);
  });

  it('serialises concurrent saves and every save sees its own change on disk', async () => {
    const journal = new Journal({ dir, log: recordingLogger() });
    await journal.load();
    const saves: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      journal.put(sampleRecord(`r${i}`));
      const expected = i + 1;
      saves.push(
        journal.save().then(async () => {
          const onDisk = JSON.parse(await fs.readFile(path.join(dir, JOURNAL_FILE), 'utf8')) as { records: unknown[] };
          assert.ok(onDisk.records.length >= expected, `save ${i} resolved before its change was written`);
        }),
      );
    }
    await Promise.all(saves);
    assert.equal((await new Journal({ dir, log: recordingLogger() }).load()).records.length, 50);
    const leftovers = (await fs.readdir(dir)).filter((n) => n.endsWith('.tmp'));
    assert.deepEqual(leftovers, []);
  });

  it('coalesces progress-only changes into a later write, flushed by close', async () => {
    const journal = new Journal({ dir, log: recordingLogger(), progressFlushMs: 60_000 });
    await journal.load();
    journal.put(sampleRecord('p1', { phase: 'running', progress: 10 }));
    journal.saveSoon();
    journal.put(sampleRecord('p1', { phase: 'running', progress: 20 }));
    journal.saveSoon();
    await assert.rejects(fs.stat(path.join(dir, JOURNAL_FILE)), /ENOENT/);
    await journal.close();
    const contents = await new Journal({ dir, log: recordingLogger() }).load();
    assert.equal(contents.records[0]?.progress, 20);
  });

  it('refuses changes after close, so a stopped manager cannot overwrite its successor', async () => {
    const journal = new Journal({ dir, log: recordingLogger() });
    await journal.load();
    await journal.close();
    assert.throws(() => journal.put(sampleRecord('late')), JournalClosedError);
    assert.throws(() => journal.remove('late'), JournalClosedError);
  });

  it('rejects the save and logs when the folder cannot be written', async () => {
    const blocker = path.join(dir, 'not-a-folder');
    await fs.writeFile(blocker, 'x');
    const log = recordingLogger();
    const journal = new Journal({ dir: blocker, log });
    journal.put(sampleRecord('x1'));
    await assert.rejects(journal.save(), /Could not write the job journal/);
    assert.ok(log.lines.some((l) => l.startsWith('error: Could not write the job journal')));
  });

  describe('parseRecord', () => {
    it('accepts a complete record and drops unknown fields', () => {
      const record = sampleRecord('abc-1', {
        phase: 'done',
        jobId: 'j',
        status: 'COMPLETED',
        files: [{ file: 'abc-1/1.png', mime: 'image/png', bytes: 10, width: 4, height: 4 }],
        origin: { documentUri: 'file:///a.md', selection: { start: 1, end: 5 } },
      });
      const parsed = parseRecord({ ...record, extra: 'ignored' });
      assert.deepEqual(parsed, record);
    });

    it('keeps any image model with its own parameter block and its group', () => {
      const flux = sampleRecord('flux-1', {
        model: 'flux-1.1-pro',
        params: { width: 1344, height: 768, seed: 7 },
        aspectRatio: '16:9',
        style: undefined,
        group: { id: 'g-1', kind: 'candidates', index: 1, size: 3 },
      });
      delete (flux as { style?: unknown }).style;
      assert.deepEqual(parseRecord(flux), flux);
      assert.equal(parseRecord({ ...flux, model: 'flux-9000' }), undefined, 'a model this version does not know');
      assert.equal(parseRecord({ ...flux, params: undefined }), undefined, 'only DALL-E 3 records may lack a block');
      assert.equal(parseRecord({ ...flux, group: { id: 'g', kind: 'candidates', index: 3, size: 3 } })?.group, undefined);
      assert.equal(parseRecord({ ...flux, group: { id: 'g', kind: 'other', index: 0, size: 2 } })?.group, undefined);
    });

    it('keeps a 402’s figures, dropping a figure that is not a count', () => {
      const refused = sampleRecord('poor-1', { phase: 'failed', error: 'Not enough Apiframe credits.', creditsShort: { required: 8, available: 3 } });
      assert.deepEqual(parseRecord(refused), refused);
      assert.deepEqual(parseRecord({ ...refused, creditsShort: { required: -1, available: '3' } })?.creditsShort, {});
      assert.deepEqual(parseRecord({ ...refused, creditsShort: { required: 8.5, available: 0 } })?.creditsShort, { available: 0 });
      assert.equal(parseRecord({ ...refused, creditsShort: 'lots' })?.creditsShort, undefined);
    });

    it('reads a DALL-E 3 record of an older version (no block) and submits what it did', () => {
      const old = sampleRecord('old-1', { aspectRatio: '3:2', style: 'natural' });
      delete (old as { params?: unknown }).params;
      const parsed = parseRecord(old);
      assert.ok(parsed);
      assert.deepEqual(requestOf(parsed), { prompt: old.prompt, model: 'dall-e-3', dalleParams: { aspect_ratio: '3:2', style: 'natural' } });
    });

    it('refuses local ids and cached file paths that could escape the cache folder', () => {
      assert.equal(parseRecord(sampleRecord('../escape')), undefined);
      assert.equal(parseRecord(sampleRecord('a/b')), undefined);
      const outside = sampleRecord('abc', { files: [{ file: '../other/1.png', mime: 'image/png', bytes: 1 }] });
      assert.equal(parseRecord(outside), undefined);
      const otherRecord = sampleRecord('abc', { files: [{ file: 'def/1.png', mime: 'image/png', bytes: 1 }] });
      assert.equal(parseRecord(otherRecord), undefined);
    });
  });
});

describe('journal shared by two VS Code windows', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'apiframe-journal-windows-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function twoWindows(): Promise<{ a: Journal; b: Journal; externalOfB: string[][] }> {
    const externalOfB: string[][] = [];
    const a = new Journal({ dir, log: recordingLogger() });
    const b = new Journal({ dir, log: recordingLogger(), onExternalChange: (ids) => externalOfB.push([...ids]) });
    await a.load();
    await b.load();
    return { a, b, externalOfB };
  }

  async function idsOnDisk(): Promise<string[]> {
    const fresh = new Journal({ dir, log: recordingLogger() });
    return (await fresh.load()).records.map((r) => r.localId).sort();
  }

  it('keeps the records of both windows when each writes its own', async () => {
    const { a, b, externalOfB } = await twoWindows();
    a.put(sampleRecord('rec-a'));
    await a.save();
    b.put(sampleRecord('rec-b'));
    await b.save();
    assert.deepEqual(await idsOnDisk(), ['rec-a', 'rec-b']);
    assert.equal(b.get('rec-a')?.localId, 'rec-a', 'window B now shows window A’s record');
    assert.deepEqual(externalOfB, [['rec-a']]);
  });

  it('adopts another window’s progress on a record, unless it changed the record itself', async () => {
    const { a, b } = await twoWindows();
    a.put(sampleRecord('shared'));
    a.put(sampleRecord('mine-in-b'));
    await a.save();
    b.put(sampleRecord('other'));
    await b.save(); // B has both of A's records now
    a.put(sampleRecord('shared', { phase: 'done', jobId: 'job-1' }));
    await a.save();
    b.put(sampleRecord('mine-in-b', { phase: 'failed', error: 'changed in B' }));
    await b.save();
    const fresh = new Journal({ dir, log: recordingLogger() });
    await fresh.load();
    assert.equal(fresh.get('shared')?.phase, 'done', 'A’s progress survives B’s write');
    assert.equal(fresh.get('mine-in-b')?.phase, 'failed', 'B’s own change wins for the record B changed');
    assert.equal(b.get('shared')?.phase, 'done');
  });

  it('does not bring back a record another window removed, and drops it here too', async () => {
    const { a, b, externalOfB } = await twoWindows();
    a.put(sampleRecord('doomed'));
    a.put(sampleRecord('kept'));
    await a.save();
    b.put(sampleRecord('from-b'));
    await b.save();
    assert.ok(b.get('doomed'));
    a.remove('doomed');
    await a.save();
    b.put(sampleRecord('from-b', { phase: 'running' }));
    await b.save();
    assert.deepEqual(await idsOnDisk(), ['from-b', 'kept']);
    assert.equal(b.get('doomed'), undefined);
    assert.deepEqual(externalOfB.at(-1), ['doomed']);
  });

  it('does not take a record lost to a racing write for removed, nor let an older copy replace a newer one', async () => {
    const { a, b } = await twoWindows();
    a.put(sampleRecord('paid', { phase: 'running', jobId: 'job-1' }));
    await a.save();
    b.put(sampleRecord('b-1'));
    await b.save(); // B holds A's record as it was then
    a.put(sampleRecord('paid', { phase: 'done', jobId: 'job-1' }));
    await a.save();
    // A write of B's that raced A's: renamed last, made from a read before A's write — 'paid' is missing.
    const file = path.join(dir, JOURNAL_FILE);
    const raced = JSON.parse(await fs.readFile(file, 'utf8')) as { records: JobRecord[]; stamps: Record<string, number> };
    raced.records = raced.records.filter((r) => r.localId !== 'paid');
    delete raced.stamps.paid;
    await fs.writeFile(file, JSON.stringify(raced));
    b.put(sampleRecord('b-2'));
    await b.save(); // B's older copy of 'paid' goes back to the file…
    a.put(sampleRecord('a-3'));
    await a.save(); // …and A's newer copy replaces it
    const fresh = new Journal({ dir, log: recordingLogger() });
    await fresh.load();
    assert.equal(fresh.get('paid')?.phase, 'done');
    assert.deepEqual(await idsOnDisk(), ['a-3', 'b-1', 'b-2', 'paid']);
  });

  it('keeps its own removal when the other window still has the record in memory', async () => {
    const { a, b } = await twoWindows();
    a.put(sampleRecord('gone'));
    await a.save();
    b.put(sampleRecord('b-1'));
    await b.save(); // B knows 'gone'
    b.remove('gone');
    await b.save();
    a.put(sampleRecord('a-2'));
    await a.save(); // A still has 'gone' in memory, untouched since its last write: it must drop it
    assert.deepEqual(await idsOnDisk(), ['a-2', 'b-1']);
  });
});
