/**
 * The cards in the DOM: putting one together for an item (its parts come from galleryCardParts.ts), bringing
 * one up to date with a newer item (or, recycled, with another item), and keeping exactly the cards of the
 * virtual window in the feed, in order. It also knows which cards' images have loaded (for the report) and
 * which card is the grid's one Tab stop (roving tabindex).
 *
 * Performance: cards that leave the window are pooled and rebound to the ones that enter it, and binding
 * rebuilds only the parts that changed — while scrolling, one image for another in the same `<img>`.
 *
 * Focus: a card holding the focus is never recycled (its record would change under the focus), and an
 * update that rebuilds a card's buttons puts the focus back on the same button.
 */
import { CARD_BUTTONS, type CardButton, type GalleryItem, type GalleryStage, type GalleryStrings } from '../src/gallery/protocol';
import { PLACEHOLDER_PHASES, actionsKey, defaultTile, domId, formatTemplate, hasPrompt, metaText, sourceKey, stageText, tilesKey, waitsForUser } from './galleryCardModel';
import { MORE_BUTTON_CLASS, buildMedia, buildSource, buildStatus, buildToolbar, rebindStatus, setImage, showGridButton } from './galleryCardParts';
import { el, setAttr } from './galleryDom';
import type { TimeLabels } from './galleryTimes';

const STAGE_NAMES: readonly string[] = ['submitting', 'queued', 'generating', 'downloading'] satisfies GalleryStage['stage'][];

function isStageName(value: string | undefined): value is GalleryStage['stage'] {
  return value !== undefined && STAGE_NAMES.includes(value);
}

/** Detached cards kept for reuse; more than a window's worth is never needed. */
const MAX_POOLED_CARDS = 64;

/** A card's box in the grid, from the layout (galleryVirtualWindow.ts): the thumbnail's and the whole card's height. */
export interface CardBox {
  readonly mediaHeight: number;
  readonly cardHeight: number;
}

/** What the cards need from the rest of the page. */
export interface CardContext {
  /** The host's strings (undefined before the first `state`). */
  strings(): GalleryStrings | undefined;
  /** How many items the list has (each card's `aria-setsize`). */
  listSize(): number;
  /** The card's box for the current width. */
  box(item: GalleryItem): CardBox;
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

/** The parts of a card that binding an item touches (media, state and toolbar are swapped when they change). */
interface CardParts {
  readonly card: HTMLElement;
  media: HTMLElement;
  /** The row naming the image the job started from; a card without one has none (no node for most cards). */
  source: HTMLElement | undefined;
  readonly prompt: HTMLElement;
  readonly meta: HTMLElement;
  state: HTMLElement;
  toolbar: HTMLElement;
}

interface CardEntry {
  readonly parts: CardParts;
  /** The item the card currently shows. */
  item: GalleryItem;
}

/**
 * A card's buttons in keyboard order: its images (several), its source image, the worded choices, the
 * toolbar's buttons, then "More Actions…". The arrow keys move through this list (galleryKeyboard.ts); a
 * hidden button (a grid button while a tile of another job is chosen) is not in it.
 */
export function buttonsInCard(card: HTMLElement): HTMLButtonElement[] {
  return [
    ...card.querySelectorAll<HTMLButtonElement>('.card-media .tile'),
    ...card.querySelectorAll<HTMLButtonElement>('button.card-source'),
    ...card.querySelectorAll<HTMLButtonElement>('.card-choices button'),
    ...card.querySelectorAll<HTMLButtonElement>('.card-toolbar button'),
  ].filter((button) => !button.hidden);
}

/**
 * The image a card's actions are about: the record and which of its images. On a card of several images that
 * is the chosen tile (galleryCards.ts writes it on the card); otherwise the card's record, no index.
 */
export function actionTarget(card: HTMLElement): { readonly localId: string; readonly index?: number } | undefined {
  const { id, targetId, targetIndex } = card.dataset;
  if (targetId !== undefined && targetIndex !== undefined) return { localId: targetId, index: Number(targetIndex) };
  return id !== undefined ? { localId: id } : undefined;
}

/** Every button a card offers, as the page reports them: the buttons there are, then the entries of its menu. */
function buttonsOf(card: HTMLElement): CardButton[] {
  const known: readonly string[] = CARD_BUTTONS;
  const names = buttonsInCard(card).flatMap((button) =>
    button.classList.contains(MORE_BUTTON_CLASS) ? (button.dataset.menu ?? '').split(',') : [button.dataset.action ?? ''],
  );
  return names.filter((action): action is CardButton => known.includes(action));
}

/**
 * Asks for the image a card deferred while a quick scroll passed by (see bindMedia): its `<img>` then has no
 * `src` — the only way an image of ours has none.
 */
function loadDeferredImage(parts: CardParts, item: GalleryItem): void {
  const img = parts.media.firstElementChild;
  if (item.image && !item.tiles && img instanceof HTMLImageElement && !img.hasAttribute('src')) setImage(img, { ...item, image: item.image });
}

export class CardSet {
  /** Cards currently in the DOM, by local id. */
  private readonly cards = new Map<string, CardEntry>();
  /** Detached cards that left the window, reused for the ones that enter it. */
  private readonly pool: CardEntry[] = [];
  private readonly loadedImages = new Set<string>();
  private readonly failedImages = new Set<string>();
  /** False while a render follows a quick scroll: rebound cards then wait to ask for their images (see bindMedia). */
  private loadImages = true;
  /** The card that is the grid's Tab stop (the last one focused), when known. */
  private activeId: string | undefined;
  /** The tile the user chose on a card of several images, by card id (kept while the card scrolls away). */
  private readonly chosenTiles = new Map<string, number>();

  /** `container` is the feed's window element, which holds nothing but the cards. */
  constructor(
    private readonly container: HTMLElement,
    private readonly context: CardContext,
  ) {
    // Whatever takes the focus inside a card makes that card the Tab stop.
    container.addEventListener('focusin', (event) => {
      const card = (event.target as Element | null)?.closest<HTMLElement>('.card');
      if (card?.dataset.id) this.setActive(card.dataset.id);
    });
    // A tile pressed (click, or Enter/Space on it) becomes the image the card's actions take.
    container.addEventListener('click', (event) => {
      const tile = (event.target as Element | null)?.closest<HTMLElement>('.tile');
      const id = tile?.closest<HTMLElement>('.card')?.dataset.id;
      const entry = id !== undefined ? this.cards.get(id) : undefined;
      if (!tile || !entry) return;
      this.chosenTiles.set(entry.item.localId, Number(tile.dataset.tile));
      this.showChoice(entry.parts, entry.item);
    });
  }

  /** The tile position chosen on the card of `localId` (its default when the user has not chosen). */
  chosenTile(localId: string): number | undefined {
    const item = this.cards.get(localId)?.item;
    if (!item?.tiles) return undefined;
    return this.chosenTiles.get(localId) ?? defaultTile(item);
  }

  /**
   * Makes the container hold exactly the cards of `items[start..end)`, in order: cards that left go to the
   * pool, cards that stay are brought up to date, new ones come from the pool or are built.
   */
  showRange(items: readonly GalleryItem[], start: number, end: number, { loadImages = true }: { readonly loadImages?: boolean } = {}): void {
    this.loadImages = loadImages;
    const keep = new Set<string>();
    for (let i = start; i < end; i++) {
      const id = items[i]?.localId;
      if (id !== undefined) keep.add(id);
    }
    // The cards that leave the window, in DOM order.
    const leaving: CardEntry[] = [];
    let staying = 0;
    for (const child of this.container.children) {
      const id = child instanceof HTMLElement ? child.dataset.id : undefined;
      const entry = id !== undefined ? this.cards.get(id) : undefined;
      if (!entry) continue;
      if (keep.has(entry.item.localId)) staying++;
      else leaving.push(entry);
    }
    // When none stays (a jump of a screen or more, the common case of a quick scroll), the leaving cards are
    // rebound where they are, in order: no node leaves the DOM or moves, so no card's style or layout object
    // is rebuilt. Otherwise they go to the pool, and the ones that stay keep their place. Either way a card
    // holding the focus is never recycled (its record would change under the focus; dropping it is what a
    // non-recycling list does too).
    const inPlace: CardEntry[] = [];
    for (const entry of leaving) {
      this.cards.delete(entry.item.localId);
      this.loadedImages.delete(entry.item.localId);
      this.failedImages.delete(entry.item.localId);
      const holdsFocus = entry.parts.card.contains(document.activeElement);
      if (staying === 0 && !holdsFocus) {
        inPlace.push(entry);
        continue;
      }
      entry.parts.card.remove();
      if (!holdsFocus && this.pool.length < MAX_POOLED_CARDS) this.pool.push(entry);
    }
    const wanted: HTMLElement[] = [];
    let reused = 0;
    for (let i = start; i < end; i++) {
      const item = items[i];
      if (!item) continue;
      const existing = this.cards.get(item.localId);
      if (existing) {
        this.bind(existing, item, i);
        wanted.push(existing.parts.card);
        continue;
      }
      const rebound = inPlace[reused];
      let entry: CardEntry;
      if (rebound) {
        reused++;
        this.bind(rebound, item, i);
        entry = rebound;
      } else {
        entry = this.cardFor(item, i);
      }
      this.cards.set(item.localId, entry);
      wanted.push(entry.parts.card);
    }
    for (const entry of inPlace.slice(reused)) {
      entry.parts.card.remove();
      if (this.pool.length < MAX_POOLED_CARDS) this.pool.push(entry);
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
    this.updateTabStop();
  }

  /** Drops every card, pooled ones included (the strings may have changed: each card is built anew). */
  clear(): void {
    for (const entry of this.cards.values()) entry.parts.card.remove();
    this.cards.clear();
    this.pool.length = 0;
  }

  /** Makes the card of `localId` the grid's Tab stop (now if it is in the DOM, else when it comes back). */
  setActive(localId: string): void {
    if (this.activeId === localId) return;
    this.activeId = localId;
    this.updateTabStop();
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

  /**
   * Rewrites the elapsed time of every card in progress that has no percent ("0:12 of about 0:20"), from
   * the start time the card carries. Only the text changes (no layout beyond the label).
   */
  refreshClocks(nowMs: number): void {
    const strings = this.context.strings();
    for (const label of this.container.querySelectorAll<HTMLElement>('.progress-label[data-since]')) {
      const { since, expected, stage } = label.dataset;
      if (since === undefined || !isStageName(stage)) continue;
      const expectedSeconds = expected !== undefined ? Number(expected) : undefined;
      const text = stageText({ stage, percent: null, since, ...(expectedSeconds !== undefined ? { expectedSeconds } : {}) }, strings, nowMs).progress;
      if (label.textContent !== text) label.textContent = text;
    }
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

  /** Exactly one card in the DOM is tabbable: the active one, or the first card while the active one is not rendered. */
  private updateTabStop(): void {
    const active = this.activeId !== undefined ? this.cards.get(this.activeId)?.parts.card : undefined;
    const stop = active ?? (this.container.firstElementChild as HTMLElement | null);
    for (const child of this.container.children) {
      if (child instanceof HTMLElement) {
        const tabIndex = child === stop ? 0 : -1;
        if (child.tabIndex !== tabIndex) child.tabIndex = tabIndex;
      }
    }
  }

  /** A card for `item` at `index`, reusing a pooled one when there is one. */
  private cardFor(item: GalleryItem, index: number): CardEntry {
    const pooled = this.pool.pop();
    if (pooled) {
      this.bind(pooled, item, index);
      return pooled;
    }
    const card = el('article', 'card');
    card.setAttribute('role', 'listitem');
    card.tabIndex = -1;
    const body = el('div', 'card-body');
    const strings = this.context.strings();
    const parts: CardParts = {
      card,
      media: this.buildMedia(item),
      source: item.source ? buildSource(item, item.source, strings) : undefined,
      prompt: el('p', 'card-prompt'),
      meta: el('p', 'card-meta'),
      state: buildStatus(item, strings, this.context.times, Date.now()),
      toolbar: buildToolbar(item, strings),
    };
    if (parts.source) body.append(parts.source);
    body.append(parts.prompt, parts.meta, parts.state);
    card.append(parts.media, body, parts.toolbar);
    this.bindIdentity(parts, item);
    this.bindPosition(parts, item, index);
    this.showChoice(parts, item);
    return { parts, item };
  }

  /** The card's place in the list and its box for the current width (both change without the item changing). */
  private bindPosition(parts: CardParts, item: GalleryItem, index: number): void {
    setAttr(parts.card, 'aria-posinset', String(index + 1));
    setAttr(parts.card, 'aria-setsize', String(this.context.listSize()));
    const box = this.context.box(item);
    const cardHeight = `${box.cardHeight}px`;
    const mediaHeight = `${box.mediaHeight}px`;
    if (parts.card.style.height !== cardHeight) parts.card.style.height = cardHeight;
    if (parts.media.style.height !== mediaHeight) parts.media.style.height = mediaHeight;
  }

  /** The parts of a card that name its record: ids, ARIA references, prompt and meta. */
  private bindIdentity(parts: CardParts, item: GalleryItem): void {
    const promptId = domId('prompt', item.localId);
    parts.card.dataset.id = item.localId;
    parts.card.classList.toggle('card-waiting', waitsForUser(item));
    // An operation's card has no prompt: its source ("logo.png → Remove Background") names it instead.
    parts.card.classList.toggle('card-no-prompt', item.source !== undefined && !hasPrompt(item));
    setAttr(parts.card, 'aria-labelledby', item.source ? `${domId('source', item.localId)} ${promptId}` : promptId);
    // The status and its detail (progress, saved path, error) are read with the card; so is the reason a
    // record waits (in the placeholder): it is what the choice depends on.
    const reason = !item.image && item.interruption && PLACEHOLDER_PHASES.has(item.phase) ? ` ${domId('reason', item.localId)}` : '';
    setAttr(parts.card, 'aria-describedby', `${domId('status', item.localId)} ${domId('detail', item.localId)}${reason}`);
    parts.prompt.id = promptId;
    if (parts.prompt.textContent !== item.prompt) parts.prompt.textContent = item.prompt;
    if (parts.prompt.title !== item.prompt) parts.prompt.title = item.prompt;
    const meta = metaText(item, this.context.strings());
    if (parts.meta.textContent !== meta) {
      parts.meta.textContent = meta;
      // A group's line can be longer than a card is wide: the whole of it on hover.
      parts.meta.title = meta;
    }
  }

  /**
   * Brings a card up to date with `item` — a newer version of the same record, or (recycling) another
   * record — rebuilding only the parts that changed and keeping the focus on the same button.
   */
  private bind(entry: CardEntry, item: GalleryItem, index: number): void {
    const { parts } = entry;
    const previous = entry.item;
    entry.item = item;
    if (previous === item) {
      if (this.loadImages) loadDeferredImage(parts, item);
      this.bindPosition(parts, item, index);
      return;
    }
    const sameRecord = previous.localId === item.localId;
    const active = document.activeElement as HTMLElement | null;
    const focusedButton =
      sameRecord && active instanceof HTMLButtonElement && active.closest('.card') === parts.card
        ? (active.dataset.action ?? (active.classList.contains(MORE_BUTTON_CLASS) ? MORE_BUTTON_CLASS : undefined))
        : undefined;
    // A focused tile whose image area is built anew: the focus goes to the tile at the same place.
    const focusedTile = sameRecord && active?.classList.contains('tile') && active.closest('.card') === parts.card ? active.dataset.tile : undefined;
    this.bindIdentity(parts, item);
    if ((!sameRecord && (previous.source || item.source)) || sourceKey(previous) !== sourceKey(item)) {
      const source = item.source ? buildSource(item, item.source, this.context.strings()) : undefined;
      if (source) parts.prompt.before(source);
      parts.source?.remove();
      parts.source = source;
    }
    if (!sameRecord || previous.image?.src !== item.image?.src) {
      this.loadedImages.delete(item.localId);
      this.failedImages.delete(item.localId);
    }
    this.bindMedia(parts, previous, item, sameRecord);
    this.bindPosition(parts, item, index);

    const strings = this.context.strings();
    if (!rebindStatus(parts.state, previous, item, this.context.times)) {
      const state = buildStatus(item, strings, this.context.times, Date.now());
      parts.state.replaceWith(state);
      parts.state = state;
    }
    if (parts.toolbar.dataset.key !== actionsKey(item)) {
      const fresh = buildToolbar(item, strings);
      parts.toolbar.replaceWith(fresh);
      parts.toolbar = fresh;
    }
    this.showChoice(parts, item);
    if (focusedTile !== undefined && !parts.card.contains(document.activeElement)) {
      (parts.card.querySelector<HTMLElement>(`.tile[data-tile="${focusedTile}"]`) ?? parts.card).focus({ preventScroll: true });
    }
    if (focusedButton && !parts.card.contains(document.activeElement)) {
      const selector = focusedButton === MORE_BUTTON_CLASS ? `.${MORE_BUTTON_CLASS}` : `[data-action="${focusedButton}"]`;
      (parts.card.querySelector<HTMLElement>(selector) ?? parts.card).focus({ preventScroll: true });
    }
  }

  /**
   * Marks the chosen tile of a card of several images (`aria-pressed`) and writes on the card which record and
   * image its actions take; the detail line says where that image was saved when it was. Other cards carry
   * no target (their actions are about their record).
   */
  private showChoice(parts: CardParts, item: GalleryItem): void {
    const { card } = parts;
    const tiles = item.tiles;
    if (!tiles || tiles.length < 2) {
      if (card.dataset.targetId !== undefined) {
        delete card.dataset.targetId;
        delete card.dataset.targetIndex;
      }
      return;
    }
    const chosen = Math.min(tiles.length - 1, this.chosenTiles.get(item.localId) ?? defaultTile(item));
    parts.media.querySelectorAll<HTMLElement>('.tile').forEach((tile, position) => {
      setAttr(tile, 'aria-pressed', String(position === chosen));
      tile.classList.toggle('chosen', position === chosen);
    });
    const tile = tiles[chosen];
    if (!tile) return;
    const strings = this.context.strings();
    for (const button of parts.toolbar.querySelectorAll<HTMLElement>('.grid-button')) showGridButton(button, item, chosen, strings);
    card.dataset.targetId = tile.localId;
    card.dataset.targetIndex = String(tile.index);
    const savedText = parts.state.querySelector<HTMLElement>('.saved-text');
    const path = tile.savedPath ?? item.savedPath;
    if (savedText && path !== undefined) {
      const text = strings ? formatTemplate(strings.savedTo, path) : path;
      if (savedText.textContent !== text) savedText.textContent = text;
      if (savedText.parentElement) savedText.parentElement.title = path;
    }
  }

  /** Updates the card's image area: the same `<img>` for another image when it can, a new area when it must. */
  private bindMedia(parts: CardParts, previous: GalleryItem, item: GalleryItem, sameRecord: boolean): void {
    const img = parts.media.firstElementChild;
    if (item.tiles !== undefined || previous.tiles !== undefined) {
      // A card of several images: its tiles are built anew when what they show changed (rare: a job of the
      // group finished, an image was saved), and never while only the card's place changes.
      if (!sameRecord || tilesKey(previous) !== tilesKey(item)) {
        this.loadedImages.delete(item.localId);
        this.failedImages.delete(item.localId);
        const media = this.buildMedia(item);
        parts.media.replaceWith(media);
        parts.media = media;
      }
      return;
    }
    if (item.image && previous.image && item.imageCount === previous.imageCount && img instanceof HTMLImageElement) {
      // The common case while scrolling: one image for another in the same frame, no new nodes.
      if (!sameRecord || previous.image.src !== item.image.src) {
        const sameFile = img.getAttribute('src') === item.image.src;
        if (!sameFile && !this.loadImages) {
          // A quick scroll passes by: the image is asked for when the scroll pauses and the card is still in
          // view (the next render binds the same record and loads it). Until then the area shows no image —
          // the previous record's load is dropped (a removed `src` fires no event), so it never lands here.
          img.removeAttribute('src');
          setImage(img, { ...item, image: item.image }, { load: false });
          parts.media.className = 'card-media recycled';
          return;
        }
        setImage(img, { ...item, image: item.image });
        if (sameFile && img.complete) {
          // Nothing new to load (and no load event will come): the new record shows what is already there.
          const loaded = img.naturalWidth > 0;
          (loaded ? this.loadedImages : this.failedImages).add(item.localId);
          parts.media.className = `card-media ${loaded ? 'loaded' : 'failed'}`;
        } else {
          // Hidden until its image is there, then shown at once: a fade on every card a quick scroll brings in
          // would start a compositor animation (and a layer) per card per frame.
          parts.media.className = 'card-media recycled';
        }
      } else {
        setImage(img, { ...item, image: item.image });
      }
    } else if (
      previous.image?.src !== item.image?.src ||
      previous.imageCount !== item.imageCount ||
      (!item.image &&
        (previous.phase !== item.phase ||
          previous.interruption !== item.interruption ||
          previous.stage?.stage !== item.stage?.stage ||
          previous.status !== item.status))
    ) {
      const media = this.buildMedia(item);
      parts.media.replaceWith(media);
      parts.media = media;
    }
  }

  /** Marks a card's image loaded or failed. One listener per <img>, which may show several items over time. */
  private onImageSettled(img: HTMLImageElement, loaded: boolean): void {
    const media = img.closest<HTMLElement>('.card-media');
    const card = media?.parentElement;
    const localId = card?.dataset.id;
    // A late event from a card that was recycled or dropped meanwhile says nothing about the current one.
    if (!media || !card || !localId || this.cards.get(localId)?.parts.card !== card) return;
    (loaded ? this.loadedImages : this.failedImages).add(localId);
    (loaded ? this.failedImages : this.loadedImages).delete(localId);
    // One of several images that fails hides only itself.
    const tile = img.parentElement?.classList.contains('tile') ? img.parentElement : undefined;
    if (tile) tile.classList.add(loaded ? 'loaded' : 'failed');
    else media.classList.add(loaded ? 'loaded' : 'failed');
    this.context.onImageSettled();
  }

  private buildMedia(item: GalleryItem): HTMLElement {
    return buildMedia(item, this.context.strings(), (img, loaded) => this.onImageSettled(img, loaded), { loadImage: this.loadImages });
  }
}
