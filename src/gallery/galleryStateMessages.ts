import type { GalleryItem, GalleryStrings, HostToWebview } from './protocol';

/**
 * Items in the first `state` message: more than one screen holds at any panel size (4 columns of the smallest
 * cards on a tall screen, with overscan), so the page renders its first screen from that message alone.
 */
export const FIRST_STATE_ITEMS = 60;
/**
 * Items per `append` message. Each message is parsed, cloned and handled as one task of the page's main
 * thread, between the page's frames: 500 items (~240 KB of JSON) keep that task to a few milliseconds, so the first
 * screen is painted and scrolling stays smooth while the rest arrives, and 10,000 items are 20 messages.
 */
export const APPEND_ITEMS = 500;

/**
 * The messages that hand the page its whole history: a `state` with the first screen's items and the total,
 * then `append` messages with the rest, in order. One 10,000-item message (~5 MB) would be parsed, cloned
 * and deserialized on the page's main thread before anything could be painted. Lazy: each message's items
 * are made (`toItem`) only when it is taken, so the host can post the first screen before it has converted
 * the rest of a long history.
 */
export function* stateMessagesOf<T>(
  records: readonly T[],
  toItem: (record: T) => GalleryItem,
  strings: GalleryStrings,
  locale: string,
  firstItems = FIRST_STATE_ITEMS,
  appendItems = APPEND_ITEMS,
): Generator<HostToWebview, void, undefined> {
  yield { type: 'state', items: records.slice(0, firstItems).map(toItem), total: records.length, strings, locale };
  for (let start = firstItems; start < records.length; start += appendItems) {
    yield { type: 'append', items: records.slice(start, start + appendItems).map(toItem) };
  }
}

/** `stateMessagesOf` for items already made, all at once. */
export function stateMessages(
  items: readonly GalleryItem[],
  strings: GalleryStrings,
  locale: string,
  firstItems = FIRST_STATE_ITEMS,
  appendItems = APPEND_ITEMS,
): HostToWebview[] {
  return [...stateMessagesOf(items, (item) => item, strings, locale, firstItems, appendItems)];
}
