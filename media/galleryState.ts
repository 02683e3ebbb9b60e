/**
 * The page's data: the host's items (newest first), where each one is in the list, and the host's strings.
 * Changed only by host messages (`state`, `update`, `remove`); everything else reads it. No DOM, so the
 * ordering rules are tested in plain Node.
 */
import type { GalleryItem, GalleryStrings, HostToWebview } from '../src/gallery/protocol';

type StateMessage = Extract<HostToWebview, { type: 'state' }>;

export class GalleryState {
  private list: GalleryItem[] = [];
  private readonly indexById = new Map<string, number>();
  private currentStrings: GalleryStrings | undefined;

  /** The items, newest first. */
  get items(): readonly GalleryItem[] {
    return this.list;
  }

  get count(): number {
    return this.list.length;
  }

  /** The host's strings; `undefined` until the first `state` (the page then shows only its toolbar). */
  get strings(): GalleryStrings | undefined {
    return this.currentStrings;
  }

  indexOf(localId: string): number | undefined {
    return this.indexById.get(localId);
  }

  /** The whole history and the strings, from a `state` message (after every `ready`). */
  replace(message: StateMessage): void {
    this.currentStrings = message.strings;
    this.list = [...message.items];
    this.reindex();
  }

  /** A changed item replaces its old version in place; a new one is the newest, so it goes in by creation time. */
  upsert(item: GalleryItem): void {
    const index = this.indexById.get(item.localId);
    if (index !== undefined) {
      this.list[index] = item;
      return;
    }
    const at = this.list.findIndex((i) => i.createdAt <= item.createdAt);
    this.list.splice(at === -1 ? this.list.length : at, 0, item);
    this.reindex();
  }

  /** Removes the item at `index` (from `indexOf`); the ones after it move up. */
  removeAt(index: number): void {
    this.list.splice(index, 1);
    this.reindex();
  }

  private reindex(): void {
    this.indexById.clear();
    this.list.forEach((item, i) => this.indexById.set(item.localId, i));
  }
}
