/**
 * The cards in the DOM: putting one together for an item (its parts come from galleryCardParts.ts), bringing
 * one up to date with a newer item (or, recycled, with another item), and keeping exactly the cards of the
 * virtual window in the feed, in order. It also knows which cards' images have loaded (for the report).
 *
 * Performance: cards that leave the window are pooled and rebound to the ones that enter it, and binding
 * rebuilds only the parts that changed — while scrolling, one image for another in the same `<img>`.
 *
 * Focus: a card holding the focus is never recycled (its record would change under the focus), and an
 * update that rebuilds a card's buttons puts the focus back on the same action.
 */
import { CARD_BUTTONS, type CardButton, type GalleryItem, type GalleryStrings } from '../src/gallery/protocol';
import { PLACEHOLDER_PHASES, actionsKey, domId, metaText } from './galleryCardModel';
import { buildActions, buildMedia, buildStatus, setImage } from './galleryCardParts';
import { el, setAttr } from './galleryDom';
import type { TimeLabels } from './galleryTimes';

/** Detached cards kept for reuse; more than a window's worth is never needed. */
const MAX_POOLED_CARDS = 64;

/** What the cards need from the rest of the page. */
export interface CardContext {
  /** The host's strings (undefined before the first `state`). */
  strings(): GalleryStrings | undefined;
  /** How many items the list has (each card's `aria-setsize`). */
  listSize(): number;
  readonly times: TimeLabels;
  /** A card's image finished loading or failed (the page's report changes). */
  onImageSettled(): void;
}

/** What the cards in the DOM show, for the page's `rendered` report (read from the DOM: what is there). */
export interface ShownCards {
  readonly localIds: string[];
  readonly buttons: CardButton[][];
  readonly loadedImages: string[];
  readonly failedImages: string[];
}

/** The parts of a card that binding an item touches (media, state and actions are swapped when they change). */
interface CardParts {
  readonly card: HTMLElement;
  media: HTMLElement;
  readonly prompt: HTMLElement;
  readonly meta: HTMLElement;
  state: HTMLElement;
  actions: HTMLElement;
}

interface CardEntry {
  readonly parts: CardParts;
  /** The item the card currently shows. */
  item: GalleryItem;
}

/** The buttons a card shows, as the page reports them: read from the DOM (what is there, not what should be). */
function buttonsOf(card: HTMLElement): CardButton[] {
  const known: readonly string[] = CARD_BUTTONS;
  return [...card.querySelectorAll<HTMLElement>('.card-actions button[data-action]')]
    .map((button) => button.dataset.action ?? '')
    .filter((action): action is CardButton => known.includes(action));
}

export class CardSet {
  /** Cards currently in the DOM, by local id. */
  private readonly cards = new Map<string, CardEntry>();
  /** Detached cards that left the window, reused for the ones that enter it. */
  private readonly pool: CardEntry[] = [];
  private readonly loadedImages = new Set<string>();
  private readonly failedImages = new Set<string>();

  /** `container` is the feed's window element, which holds nothing but the cards. */
  constructor(
    private readonly container: HTMLElement,
    private readonly context: CardContext,
  ) {}

  /**
   * Makes the container hold exactly the cards of `items[start..end)`, in order: cards that left go to the
   * pool, cards that stay are brought up to date, new ones come from the pool or are built.
   */
  showRange(items: readonly GalleryItem[], start: number, end: number): void {
    const keep = new Set<string>();
    for (let i = start; i < end; i++) {
      const id = items[i]?.localId;
      if (id !== undefined) keep.add(id);
    }
    // Cards that left the window go to the pool, except one holding the focus (recycling it would move the
    // focus to another record; dropping it is what a non-recycling list does too).
    for (const [id, entry] of this.cards) {
      if (keep.has(id)) continue;
      this.cards.delete(id);
      this.loadedImages.delete(id);
      this.failedImages.delete(id);
      const holdsFocus = entry.parts.card.contains(document.activeElement);
      entry.parts.card.remove();
      if (!holdsFocus && this.pool.length < MAX_POOLED_CARDS) this.pool.push(entry);
    }
    const wanted: HTMLElement[] = [];
    for (let i = start; i < end; i++) {
      const item = items[i];
      if (!item) continue;
      const existing = this.cards.get(item.localId);
      if (existing) {
        this.bind(existing, item, i);
        wanted.push(existing.parts.card);
      } else {
        const entry = this.cardFor(item, i);
        this.cards.set(item.localId, entry);
        wanted.push(entry.parts.card);
      }
    }
    // Insert in order without moving cards that are already in place (moving a node would drop its focus).
    let cursor = this.container.firstElementChild;
    for (const element of wanted) {
      if (cursor === element) {
        cursor = cursor.nextElementSibling;
      } else {
        this.container.insertBefore(element, cursor);
      }
    }
  }

  /** Drops every card, pooled ones included (the strings may have changed: each card is built anew). */
  clear(): void {
    for (const entry of this.cards.values()) entry.parts.card.remove();
    this.cards.clear();
    this.pool.length = 0;
  }

  /** The card element showing `localId`, if it is in the DOM. */
  cardOf(localId: string): HTMLElement | undefined {
    return this.cards.get(localId)?.parts.card;
  }

  /** The item the card of `localId` shows, if it is in the DOM. */
  itemOf(localId: string): GalleryItem | undefined {
    return this.cards.get(localId)?.item;
  }

  /** Whether the focus is on the card of `localId` or one of its buttons. */
  holdsFocus(localId: string): boolean {
    return this.cards.get(localId)?.parts.card.contains(document.activeElement) ?? false;
  }

  /** Rewrites the relative time (and its absolute tooltip) of every card in the DOM. */
  refreshTimes(): void {
    for (const time of this.container.querySelectorAll<HTMLTimeElement>('time.time')) this.context.times.fill(time);
  }

  /** The first `limit` cards in the DOM, in order, with their buttons and the state of their images. */
  shown(limit: number): ShownCards {
    const cards = [...this.container.children].filter((c): c is HTMLElement => c instanceof HTMLElement && !!c.dataset.id).slice(0, limit);
    const localIds = cards.map((c) => c.dataset.id ?? '');
    return {
      localIds,
      buttons: cards.map(buttonsOf),
      loadedImages: localIds.filter((id) => this.loadedImages.has(id)),
      failedImages: localIds.filter((id) => this.failedImages.has(id)),
    };
  }

  /** A card for `item` at `index`, reusing a pooled one when there is one. */
  private cardFor(item: GalleryItem, index: number): CardEntry {
    const pooled = this.pool.pop();
    if (pooled) {
      this.bind(pooled, item, index);
      return pooled;
    }
    const card = el('article', 'card');
    card.tabIndex = 0;
    const body = el('div', 'card-body');
    const parts: CardParts = {
      card,
      media: this.buildMedia(item),
      prompt: el('p', 'card-prompt'),
      meta: el('p', 'card-meta'),
      state: buildStatus(item, this.context.strings(), this.context.times),
      actions: buildActions(item, this.context.strings()),
    };
    body.append(parts.prompt, parts.meta, parts.state, parts.actions);
    card.append(parts.media, body);
    this.bindIdentity(parts, item);
    this.bindPosition(parts, index);
    return { parts, item };
  }

  private bindPosition(parts: CardParts, index: number): void {
    setAttr(parts.card, 'aria-posinset', String(index + 1));
    setAttr(parts.card, 'aria-setsize', String(this.context.listSize()));
  }

  /** The parts of a card that name its record: ids, ARIA references, prompt and meta. */
  private bindIdentity(parts: CardParts, item: GalleryItem): void {
    const promptId = domId('prompt', item.localId);
    parts.card.dataset.id = item.localId;
    setAttr(parts.card, 'aria-labelledby', promptId);
    // The reason a record waits (in the placeholder) is read with its status: it is what the choice depends on.
    const reason = !item.image && item.interruption && PLACEHOLDER_PHASES.has(item.phase) ? ` ${domId('reason', item.localId)}` : '';
    setAttr(parts.card, 'aria-describedby', `${domId('status', item.localId)}${reason}`);
    parts.prompt.id = promptId;
    if (parts.prompt.textContent !== item.prompt) parts.prompt.textContent = item.prompt;
    parts.prompt.title = item.prompt;
    const meta = metaText(item);
    if (parts.meta.textContent !== meta) parts.meta.textContent = meta;
  }

  /**
   * Brings a card up to date with `item` — a newer version of the same record, or (recycling) another
   * record — rebuilding only the parts that changed and keeping the focus on the same action.
   */
  private bind(entry: CardEntry, item: GalleryItem, index: number): void {
    const { parts } = entry;
    const previous = entry.item;
    entry.item = item;
    this.bindPosition(parts, index);
    if (previous === item) return;
    const sameRecord = previous.localId === item.localId;
    const active = document.activeElement as HTMLElement | null;
    const focusedAction = sameRecord && active?.closest('.card') === parts.card ? active.dataset.action : undefined;
    this.bindIdentity(parts, item);
    if (!sameRecord || previous.image?.src !== item.image?.src) {
      this.loadedImages.delete(item.localId);
      this.failedImages.delete(item.localId);
    }
    this.bindMedia(parts, previous, item, sameRecord);

    const state = buildStatus(item, this.context.strings(), this.context.times);
    parts.state.replaceWith(state);
    parts.state = state;
    if (parts.actions.dataset.key !== actionsKey(item)) {
      const fresh = buildActions(item, this.context.strings());
      parts.actions.replaceWith(fresh);
      parts.actions = fresh;
      if (focusedAction) {
        const same = fresh.querySelector<HTMLElement>(`[data-action="${focusedAction}"]`);
        (same ?? parts.card).focus();
      }
    }
  }

  /** Updates the card's image area: the same `<img>` for another image when it can, a new area when it must. */
  private bindMedia(parts: CardParts, previous: GalleryItem, item: GalleryItem, sameRecord: boolean): void {
    const img = parts.media.firstElementChild;
    if (item.image && previous.image && item.imageCount === previous.imageCount && img instanceof HTMLImageElement) {
      // The common case while scrolling: one image for another in the same frame, no new nodes.
      if (!sameRecord || previous.image.src !== item.image.src) {
        const sameFile = img.getAttribute('src') === item.image.src;
        setImage(img, { ...item, image: item.image });
        if (sameFile && img.complete) {
          // Nothing new to load (and no load event will come): the new record shows what is already there.
          const loaded = img.naturalWidth > 0;
          (loaded ? this.loadedImages : this.failedImages).add(item.localId);
          parts.media.className = `card-media ${loaded ? 'loaded' : 'failed'}`;
        } else {
          parts.media.className = 'card-media';
        }
      } else {
        setImage(img, { ...item, image: item.image });
      }
    } else if (
      previous.image?.src !== item.image?.src ||
      previous.imageCount !== item.imageCount ||
      (!item.image && (previous.phase !== item.phase || previous.interruption !== item.interruption))
    ) {
      const media = this.buildMedia(item);
      parts.media.replaceWith(media);
      parts.media = media;
    }
  }

  /** Marks a card's image loaded or failed. One listener per <img>, which may show several items over time. */
  private onImageSettled(img: HTMLImageElement, loaded: boolean): void {
    const media = img.parentElement;
    const card = media?.parentElement;
    const localId = card?.dataset.id;
    // A late event from a card that was recycled or dropped meanwhile says nothing about the current one.
    if (!media || !card || !localId || this.cards.get(localId)?.parts.card !== card) return;
    (loaded ? this.loadedImages : this.failedImages).add(localId);
    (loaded ? this.failedImages : this.loadedImages).delete(localId);
    media.classList.add(loaded ? 'loaded' : 'failed');
    this.context.onImageSettled();
  }

  private buildMedia(item: GalleryItem): HTMLElement {
    return buildMedia(item, this.context.strings(), (img, loaded) => this.onImageSettled(img, loaded));
  }
}
