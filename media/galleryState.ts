/**
 * The page's data: the host's items (newest first), the filter the user typed, the items it leaves (what the
 * grid shows), where each shown item is in that list, and the host's strings. Changed only by host messages
 * (`state`, `update`, `remove`) and the filter box; everything else reads it. No DOM, so the ordering and
 * filtering rules are tested in plain Node.
 */
import type { GalleryItem, GalleryStrings, HostToWebview } from '../src/gallery/protocol';
import { matchesFilter } from './galleryCardModel';

type StateMessage = Extract<HostToWebview, { type: 'state' }>;
type AppendMessage = Extract<HostToWebview, { type: 'append' }>;

export class GalleryState {
  /** Every item of the history, newest first. */
  private all: GalleryItem[] = [];
  /** The items the filter leaves (the same array as `all` while there is no filter). */
  private list: GalleryItem[] = [];
  private readonly indexById = new Map<string, number>();
  private currentStrings: GalleryStrings | undefined;
  private filterText = '';
  /** How many items the last `state` announced that its `append` messages have not brought yet. */
  private pending = 0;

  /** The items shown, newest first (all of them unless a filter is set). */
  get items(): readonly GalleryItem[] {
    return this.list;
  }

  /** How many items are shown. */
  get count(): number {
    return this.list.length;
  }

  /** How many items the history holds, shown or not (those still on their way included). */
  get totalCount(): number {
    return this.all.length + this.pending;
  }

  /** Whether every item the last `state` announced has arrived (the list, its height and its filter are final). */
  get complete(): boolean {
    return this.pending === 0;
  }

  /** The filter as typed ('' when none). */
  get filter(): string {
    return this.filterText;
  }

  get filtering(): boolean {
    return this.filterText.trim() !== '';
  }

  /** The host's strings; `undefined` until the first `state` (the page then shows only its toolbar). */
  get strings(): GalleryStrings | undefined {
    return this.currentStrings;
  }

  /** The position of `localId` among the shown items. */
  indexOf(localId: string): number | undefined {
    return this.indexById.get(localId);
  }

  /** The item of `localId`, shown or not. */
  find(localId: string): GalleryItem | undefined {
    const index = this.indexById.get(localId);
    return index !== undefined ? this.list[index] : this.all.find((item) => item.localId === localId);
  }

  /** The whole history and the strings, from a `state` message (after every `ready`). */
  replace(message: StateMessage): void {
    this.currentStrings = message.strings;
    this.all = [...message.items];
    this.pending = Math.max(0, message.total - message.items.length);
    this.applyFilter();
  }

  /** The next items the last `state` announced: they follow the ones already there. */
  append(message: AppendMessage): void {
    this.pending = Math.max(0, this.pending - message.items.length);
    const filtering = this.filtering;
    for (const item of message.items) {
      this.all.push(item);
      // Without a filter `list` is `all` (the item is in it already); with one, a match joins it.
      if (filtering && !matchesFilter(item, this.filterText)) continue;
      if (filtering) this.list.push(item);
      this.indexById.set(item.localId, this.list.length - 1);
    }
  }

  /** Shows only the items whose prompt contains `text` (case-insensitive); blank shows everything. */
  setFilter(text: string): void {
    this.filterText = text;
    this.applyFilter();
  }

  /** A changed item replaces its old version in place; a new one is the newest, so it goes in by creation time. */
  upsert(item: GalleryItem): void {
    const shownAt = this.indexById.get(item.localId);
    if (!this.filtering && shownAt !== undefined) {
      // The common case (progress ticks, no filter): one slot changes, nothing moves.
      this.all[shownAt] = item;
      return;
    }
    const index = this.all.findIndex((i) => i.localId === item.localId);
    if (index !== -1) {
      this.all[index] = item;
    } else {
      const at = this.all.findIndex((i) => i.createdAt <= item.createdAt);
      this.all.splice(at === -1 ? this.all.length : at, 0, item);
    }
    this.applyFilter();
  }

  /** Removes the shown item at `index` (from `indexOf`); the ones after it move up. */
  removeAt(index: number): void {
    const item = this.list[index];
    if (!item) return;
    const at = this.all.indexOf(item);
    if (at !== -1) this.all.splice(at, 1);
    if (this.list !== this.all) this.list.splice(index, 1);
    this.reindex();
  }

  /**
   * Removes the item of `localId` from the history, shown or not. Returns where it was among the shown items
   * (`undefined` when the filter hid it), or `null` when the history did not hold it.
   */
  remove(localId: string): number | undefined | null {
    const shownAt = this.indexById.get(localId);
    if (shownAt !== undefined) {
      this.removeAt(shownAt);
      return shownAt;
    }
    const at = this.all.findIndex((item) => item.localId === localId);
    if (at === -1) return null;
    this.all.splice(at, 1);
    return undefined;
  }

  private applyFilter(): void {
    this.list = this.filtering ? this.all.filter((item) => matchesFilter(item, this.filterText)) : this.all;
    this.reindex();
  }

  private reindex(): void {
    this.indexById.clear();
    this.list.forEach((item, i) => this.indexById.set(item.localId, i));
  }
}
