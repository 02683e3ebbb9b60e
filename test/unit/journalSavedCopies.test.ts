import * as assert from 'node:assert/strict';
import { MAX_SAVED_COPIES, parseRecord } from '../../src/jobs/journal';
import type { JobRecord, SavedCopy } from '../../src/jobs/types';

function doneRecord(savedCopies: unknown): Record<string, unknown> {
  const record: JobRecord = {
    localId: 'abc-1',
    idempotencyKey: 'abc-1',
    prompt: 'a lighthouse',
    model: 'dall-e-3',
    aspectRatio: '1:1',
    style: 'vivid',
    createdAt: '2026-11-25T10:00:00.000Z',
    phase: 'done',
  };
  return { ...record, savedCopies };
}

const COPY: SavedCopy = { uri: 'file:///ws/images/a-lighthouse-3f2a9c1e.png', index: 0, savedAt: '2026-11-25T10:01:00.000Z' };

describe('journal: saved copies of a record', () => {
  it('keeps well-formed copies in order, with the missing mark', () => {
    const gone: SavedCopy = { uri: 'vscode-remote://ssh-remote%2Bbox/ws/images/b.png', index: 1, savedAt: '2026-11-25T10:02:00.000Z', missing: true };
    assert.deepEqual(parseRecord(doneRecord([COPY, gone]))?.savedCopies, [COPY, gone]);
  });

  it('drops malformed copies one by one and keeps the record', () => {
    const malformed = [
      null,
      'file:///ws/x.png',
      { ...COPY, uri: 42 },
      { ...COPY, uri: 'not a uri' },
      { ...COPY, uri: `file:///${'x'.repeat(5000)}` },
      { ...COPY, index: -1 },
      { ...COPY, index: 1.5 },
      { ...COPY, savedAt: 'yesterday' },
      { ...COPY, missing: 'yes' },
    ];
    const parsed = parseRecord(doneRecord([...malformed, COPY]));
    assert.ok(parsed, 'the record itself stays');
    assert.deepEqual(parsed.savedCopies, [COPY]);
    assert.equal(parseRecord(doneRecord(malformed))?.savedCopies, undefined, 'no copies left: no field');
    assert.equal(parseRecord(doneRecord('file:///ws/x.png'))?.savedCopies, undefined);
  });

  it('drops unknown fields of a copy and a missing mark that is false', () => {
    assert.deepEqual(parseRecord(doneRecord([{ ...COPY, missing: false, extra: 1 }]))?.savedCopies, [COPY]);
  });

  it('keeps only the newest copies of a record with too many', () => {
    const many = Array.from({ length: MAX_SAVED_COPIES + 5 }, (_, i) => ({ ...COPY, uri: `file:///ws/images/${i}.png` }));
    const copies = parseRecord(doneRecord(many))?.savedCopies ?? [];
    assert.equal(copies.length, MAX_SAVED_COPIES);
    assert.equal(copies.at(-1)?.uri, `file:///ws/images/${MAX_SAVED_COPIES + 4}.png`);
  });
});
