/**
 * How the host hands the page its history: a `state` with a first screen's items and the total, then the rest
 * in `append` messages, in order — every item exactly once, whatever the history's size.
 */
import * as assert from 'node:assert/strict';
import { APPEND_ITEMS, FIRST_STATE_ITEMS, stateMessages } from '../../src/gallery/galleryStateMessages';
import type { GalleryItem } from '../../src/gallery/protocol';
import { HARNESS_STRINGS, syntheticItems } from '../gallery/harness';

const image = (index: number): string => `https://file+.vscode-resource.vscode-cdn.net/cache/${index}.png`;

function delivered(messages: ReturnType<typeof stateMessages>): GalleryItem[] {
  return messages.flatMap((m) => (m.type === 'state' || m.type === 'append' ? m.items : []));
}

describe('gallery host: stateMessages', () => {
  it('sends a small history as one state message', () => {
    const items = syntheticItems(12, image);
    const messages = stateMessages(items, HARNESS_STRINGS, 'ko');
    assert.deepEqual(messages, [{ type: 'state', items, total: 12, strings: HARNESS_STRINGS, locale: 'ko' }]);
    assert.deepEqual(stateMessages([], HARNESS_STRINGS, 'en'), [{ type: 'state', items: [], total: 0, strings: HARNESS_STRINGS, locale: 'en' }]);
  });

  it('sends a first screen with the total, then the rest in order in bounded append messages', () => {
    const items = syntheticItems(10_000, image);
    const messages = stateMessages(items, HARNESS_STRINGS, 'en');
    const [first, ...rest] = messages;
    assert.ok(first?.type === 'state');
    assert.equal(first.items.length, FIRST_STATE_ITEMS);
    assert.equal(first.total, 10_000);
    assert.ok(rest.every((m) => m.type === 'append' && m.items.length > 0 && m.items.length <= APPEND_ITEMS));
    assert.equal(rest.length, Math.ceil((10_000 - FIRST_STATE_ITEMS) / APPEND_ITEMS));
    assert.deepEqual(delivered(messages), items, 'every item exactly once, newest first');
  });

  it('splits at any size without losing or repeating an item', () => {
    for (const count of [FIRST_STATE_ITEMS, FIRST_STATE_ITEMS + 1, 61 + 3 * 7]) {
      const items = syntheticItems(count, image);
      const messages = stateMessages(items, HARNESS_STRINGS, 'en', FIRST_STATE_ITEMS, 7);
      assert.deepEqual(delivered(messages), items, `${count} items`);
      assert.equal(messages.length, 1 + Math.ceil(Math.max(0, count - FIRST_STATE_ITEMS) / 7), `${count} items`);
    }
  });
});
