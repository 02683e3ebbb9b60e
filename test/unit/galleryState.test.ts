/**
 * The gallery page's data in plain Node: how host messages change the list the page renders — the whole
 * history, an item changed in place, a new item in newest-first order, a removal — and that every item can
 * be found by its id afterwards (the keyboard and the host's `reveal` go by position in the whole list).
 */
import * as assert from 'node:assert/strict';
import type { GalleryItem } from '../../src/gallery/protocol';
import { GalleryState } from '../../media/galleryState';
import { HARNESS_STRINGS } from '../gallery/harness';

function item(n: number, createdAt: string): GalleryItem {
  return {
    localId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    prompt: `prompt ${n}`,
    alt: `prompt ${n}`,
    model: 'dall-e-3',
    aspectRatio: '1:1',
    style: 'vivid',
    createdAt,
    phase: 'done',
    progress: null,
    imageCount: 1,
  };
}

const STRINGS = HARNESS_STRINGS;
/** Newest first, as the host sends them (a tuple, so that its three items are known to be there). */
const HISTORY: readonly [GalleryItem, GalleryItem, GalleryItem] = [item(3, '2026-11-25T12:00:00.000Z'), item(2, '2026-11-25T11:00:00.000Z'), item(1, '2026-11-25T10:00:00.000Z')];

function stateWith(items: readonly GalleryItem[]): GalleryState {
  const state = new GalleryState();
  state.replace({ type: 'state', items, total: items.length, strings: STRINGS, locale: 'en' });
  return state;
}

function ids(state: GalleryState): string[] {
  return state.items.map((i) => i.localId);
}

/** Every item is found at its own position. */
function assertIndexed(state: GalleryState): void {
  state.items.forEach((i, index) => assert.equal(state.indexOf(i.localId), index, `index of ${i.localId}`));
}

describe('gallery page state', () => {
  it('has nothing and no strings before the first state', () => {
    const state = new GalleryState();
    assert.equal(state.count, 0);
    assert.equal(state.strings, undefined);
    assert.equal(state.indexOf(HISTORY[0].localId), undefined);
  });

  it('takes the whole history and the strings from a state message, as a copy', () => {
    const sent = [...HISTORY];
    const state = stateWith(sent);
    sent.pop();
    assert.deepEqual(ids(state), HISTORY.map((i) => i.localId));
    assert.equal(state.strings, STRINGS);
    assertIndexed(state);
  });

  it('replaces a changed item in place, keeping its position', () => {
    const state = stateWith(HISTORY);
    const changed: GalleryItem = { ...HISTORY[1], phase: 'running', progress: 80 };
    state.upsert(changed);
    assert.deepEqual(ids(state), HISTORY.map((i) => i.localId));
    assert.equal(state.items[1], changed);
  });

  it('puts a new item in newest-first order by creation time', () => {
    const state = stateWith(HISTORY);
    const newest = item(9, '2026-11-25T13:00:00.000Z');
    const between = item(8, '2026-11-25T10:30:00.000Z');
    const oldest = item(7, '2026-11-24T00:00:00.000Z');
    state.upsert(newest);
    state.upsert(between);
    state.upsert(oldest);
    assert.deepEqual(ids(state), [newest, HISTORY[0], HISTORY[1], between, HISTORY[2], oldest].map((i) => i.localId));
    assertIndexed(state);
  });

  it('puts a new item before an existing one created at the same moment', () => {
    const state = stateWith(HISTORY);
    const twin = item(5, HISTORY[1].createdAt);
    state.upsert(twin);
    assert.equal(state.indexOf(twin.localId), 1);
  });

  it('removes an item and moves the later ones up', () => {
    const state = stateWith(HISTORY);
    state.removeAt(0);
    assert.deepEqual(ids(state), [HISTORY[1].localId, HISTORY[2].localId]);
    assert.equal(state.indexOf(HISTORY[0].localId), undefined);
    assertIndexed(state);
  });

  it('forgets the old history when a new state arrives', () => {
    const state = stateWith(HISTORY);
    state.replace({ type: 'state', items: [HISTORY[2]], total: 1, strings: STRINGS, locale: 'ko' });
    assert.deepEqual(ids(state), [HISTORY[2].localId]);
    assert.equal(state.indexOf(HISTORY[0].localId), undefined);
  });

  it('filters the shown items by prompt, keeps counting the whole history, and finds hidden ones', () => {
    const state = stateWith([{ ...HISTORY[0], prompt: 'A red Lighthouse' }, HISTORY[1], { ...HISTORY[2], prompt: 'lighthouse at dusk' }]);
    state.setFilter('LIGHTHOUSE');
    assert.equal(state.filtering, true);
    assert.deepEqual(ids(state), [HISTORY[0].localId, HISTORY[2].localId]);
    assert.equal(state.count, 2);
    assert.equal(state.totalCount, 3);
    assertIndexed(state);
    assert.equal(state.indexOf(HISTORY[1].localId), undefined, 'a hidden item has no position');
    assert.equal(state.find(HISTORY[1].localId)?.localId, HISTORY[1].localId);
    state.setFilter('  ');
    assert.equal(state.filtering, false);
    assert.equal(state.count, 3);
  });

  it('applies the filter to updates and new items, and removes hidden items from the history', () => {
    const state = stateWith(HISTORY);
    state.setFilter('prompt 2');
    assert.deepEqual(ids(state), [HISTORY[1].localId]);
    // An update that makes a hidden item match shows it; a new item that does not match stays hidden.
    state.upsert({ ...HISTORY[0], prompt: 'prompt 2 again' });
    assert.deepEqual(ids(state), [HISTORY[0].localId, HISTORY[1].localId]);
    state.upsert({ ...item(9, '2026-11-25T13:00:00.000Z'), prompt: 'other' });
    assert.equal(state.count, 2);
    assert.equal(state.totalCount, 4);
    assertIndexed(state);
    // Removing: a shown one reports its position, a hidden one undefined, an unknown one null.
    assert.equal(state.remove(HISTORY[2].localId), undefined);
    assert.equal(state.totalCount, 3);
    assert.equal(state.remove(HISTORY[0].localId), 0);
    assert.deepEqual(ids(state), [HISTORY[1].localId]);
    assert.equal(state.remove('00000000-0000-4000-8000-000000000999'), null);
    assertIndexed(state);
    state.setFilter('');
    assert.equal(state.count, 2);
  });

  it('takes the history in parts: a first screen with the total, then the rest appended in order, filtered as it arrives', () => {
    const history = Array.from({ length: 7 }, (_, i) => ({ ...item(100 - i, `2026-11-25T${String(20 - i).padStart(2, '0')}:00:00.000Z`), prompt: i % 2 ? 'odd' : 'even' }));
    const state = new GalleryState();
    state.replace({ type: 'state', items: history.slice(0, 2), total: 7, strings: STRINGS, locale: 'en' });
    assert.equal(state.complete, false);
    assert.equal(state.count, 2);
    assert.equal(state.totalCount, 7, 'the whole history is counted while it arrives');
    state.append({ type: 'append', items: history.slice(2, 4) });
    assert.deepEqual(ids(state), history.slice(0, 4).map((i) => i.localId));
    assertIndexed(state);
    state.setFilter('odd');
    state.append({ type: 'append', items: history.slice(4) });
    assert.equal(state.complete, true);
    assert.deepEqual(ids(state), [history[1], history[3], history[5]].map((i) => i?.localId));
    assertIndexed(state);
    state.setFilter('');
    assert.deepEqual(ids(state), history.map((i) => i.localId));
    assert.equal(state.totalCount, 7);
    assertIndexed(state);
  });
});
