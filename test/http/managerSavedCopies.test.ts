import * as assert from 'node:assert/strict';
import type { GenerateInput } from '../../src/jobs/managerApi';
import type { SavedCopy } from '../../src/jobs/types';
import { createHarness, type Harness } from '../chaos/harness';

const INPUT: GenerateInput = { prompt: 'a lighthouse on a cliff at dawn', aspectRatio: '1:1', style: 'vivid' };
const COPY: SavedCopy = { uri: 'file:///ws/images/a-lighthouse-3f2a9c1e.png', index: 0, savedAt: '2026-11-25T10:01:00.000Z' };

describe('job manager: saved copies (storage on disk)', function () {
  this.timeout(30_000);
  let harness: Harness;

  afterEach(async () => {
    await harness?.cleanup();
  });

  it('remembers each workspace copy, journals it and tells listeners', async () => {
    harness = await createHarness();
    const manager = harness.newManager();
    await manager.start();
    const record = await manager.generate(INPUT);
    const changes: (readonly SavedCopy[] | undefined)[] = [];
    manager.onDidChange((_id, changed) => changes.push(changed?.savedCopies));

    const second: SavedCopy = { ...COPY, uri: 'file:///ws/images/a-lighthouse-3f2a9c1e-2.png', savedAt: '2026-11-25T10:02:00.000Z' };
    await manager.addSavedCopy(record.localId, COPY);
    const updated = await manager.addSavedCopy(record.localId, second);
    assert.deepEqual(updated?.savedCopies, [COPY, second]);
    assert.deepEqual(changes.at(-1), [COPY, second]);
    assert.ok(Object.isFrozen(updated?.savedCopies), 'records stay frozen snapshots');

    // Saved again at the same URI (an earlier copy deleted, then saved anew): one entry, now the newest.
    const again = await manager.addSavedCopy(record.localId, { ...COPY, savedAt: '2026-11-25T10:03:00.000Z' });
    assert.deepEqual(again?.savedCopies?.map((c) => c.uri), [second.uri, COPY.uri]);

    const onDisk = (await harness.journalOnDisk()).records[0] as unknown as { savedCopies?: SavedCopy[] };
    assert.deepEqual(onDisk.savedCopies?.map((c) => c.uri), [second.uri, COPY.uri], 'journaled before the promise resolves');
  });

  it('marks a copy missing and back, follows a move, and keeps all of it across a restart', async () => {
    harness = await createHarness();
    const first = harness.newManager();
    await first.start();
    const record = await first.generate(INPUT);
    await first.addSavedCopy(record.localId, COPY);

    const missing = await first.updateSavedCopy(record.localId, COPY.uri, { missing: true });
    assert.deepEqual(missing?.savedCopies, [{ ...COPY, missing: true }]);
    const back = await first.updateSavedCopy(record.localId, COPY.uri, { missing: false });
    assert.deepEqual(back?.savedCopies, [COPY]);
    const movedTo = 'file:///ws/assets/lighthouse.png';
    const moved = await first.updateSavedCopy(record.localId, COPY.uri, { movedTo });
    assert.deepEqual(moved?.savedCopies, [{ ...COPY, uri: movedTo }]);

    // Nothing known at that URI any more: the record is returned unchanged, with no change event.
    let events = 0;
    first.onDidChange(() => events++);
    const unchanged = await first.updateSavedCopy(record.localId, COPY.uri, { missing: true });
    assert.equal(unchanged, first.get(record.localId));
    assert.equal(events, 0);
    assert.equal(await first.addSavedCopy('no-such-record', COPY), undefined);

    await first.dispose();
    const second = harness.newManager();
    await second.start();
    assert.deepEqual(second.get(record.localId)?.savedCopies, [{ ...COPY, uri: movedTo }]);
  });
});
