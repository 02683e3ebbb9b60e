/**
 * The virtual window in the DOM: measures the grid when it can change, renders the cards in view into the
 * feed, re-renders on scroll and resize (one frame at most), scrolls a card into view for the keyboard and the
 * host, and remembers the scroll position across reloads of the webview.
 *
 * Performance: the first `state` renders only the rows on screen, and the overscan rows follow after that
 * screen is painted; a scroll of a viewport or more per frame renders no overscan either (every card in view
 * is new then, and the overscan rows would be replaced before they are seen) until it pauses; the scroll path
 * reads no layout (only `window.scrollY`: the geometry is measured on state, resize and count changes), and
 * the arithmetic is galleryVirtualWindow.ts's.
 */
import type { GalleryShell } from './galleryShell';
import type { GalleryState } from './galleryState';
import type { GalleryItem } from '../src/gallery/protocol';
import type { CardBox, CardSet } from './galleryCards';
import { cardShape, mediaAspect } from './galleryCardModel';
import {
  OVERSCAN_ROWS,
  allCards,
  cardHeight,
  cardMetricsFrom,
  cardsInView,
  clampIndex,
  feedHeight,
  gridLayout,
  mediaHeight,
  overscanAfterScroll,
  rangeOffset,
  scrollTopToShow,
  type CardMetrics,
  type FeedGeometry,
} from './galleryVirtualWindow';

/** How long scrolling must pause before the position is saved (saving on every event would be wasted work). */
const SCROLL_SAVE_DELAY_MS = 200;
/** How long a fast scroll must pause before the overscan rows it skipped are rendered. */
const OVERSCAN_FILL_DELAY_MS = 100;

export interface FeedOptions {
  /** false renders every card eagerly (used only as the benchmark's baseline). */
  readonly virtualize: boolean;
  /** The position saved by an earlier page of this webview, if any. */
  savedScrollTop(): number | undefined;
  rememberScrollTop(scrollTop: number): void;
  /** Called after every render (the page's report follows what is rendered). */
  onRendered(): void;
}

export class GalleryFeed {
  /** Placeholders until readMetrics() runs (before the first render: the geometry starts stale). */
  private metrics: CardMetrics = cardMetricsFrom(() => '');
  private geometry: FeedGeometry = { columns: 1, columnWidth: 1, gap: 0, rowTops: [0], feedOffsetTop: 0, viewportHeight: window.innerHeight };
  private geometryStale = true;
  /**
   * The feed's width and position as last read; `undefined` when they must be read again (new strings,
   * resize, changed items). More items arriving changes neither, so growing the list reads no layout.
   */
  private feedBox: { readonly width: number; readonly offsetTop: number } | undefined;
  /** The feed's height as last set (px). */
  private feedHeightPx = 0;
  /** The item count the geometry was measured for (the feed's height depends on it). */
  private measuredCount = -1;
  /** Set by a `state` message: the first render draws only the rows on screen; overscan follows after a paint. */
  private firstScreenOnly = false;
  private renderQueued = false;
  private scrollRestored = false;
  /** A saved position waiting for the rest of the history (it may lie below the items that have arrived). */
  private pendingScrollTop: number | undefined;
  private scrollSaveQueued = false;
  /** The scroll position the last render drew (the saved position comes from here: reading it anew forces a layout). */
  private renderedScrollY = 0;
  /** A scroll event came since the last render (only a scroll may skip the overscan rows). */
  private scrolledSinceRender = false;
  /** Renders the overscan rows a fast scroll skipped, once it pauses. */
  private overscanFill: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly shell: GalleryShell,
    private readonly state: GalleryState,
    private readonly cards: CardSet,
    private readonly options: FeedOptions,
  ) {}

  /** The grid as last measured (the keyboard's rows and pages). */
  get currentGeometry(): FeedGeometry {
    return this.geometry;
  }

  /** False while only the first screen is rendered or the history is still arriving: the page does not report that. */
  get settled(): boolean {
    return !this.firstScreenOnly && this.state.complete;
  }

  /** The box of `item`'s card at the current width (its thumbnail at the image's aspect ratio). */
  boxOf(item: GalleryItem): CardBox {
    const aspect = mediaAspect(item);
    const { columnWidth } = this.geometry;
    return {
      mediaHeight: mediaHeight(aspect.width, aspect.height, columnWidth, this.metrics),
      cardHeight: cardHeight(cardShape(item), columnWidth, this.metrics),
    };
  }

  /** An item changed (its card's height may have): the layout is measured again before the next render. */
  invalidateLayout(): void {
    this.geometryStale = true;
    this.feedBox = undefined;
  }

  /** Reads the card sizes from the stylesheet (once: the page's CSS does not change). */
  readMetrics(): void {
    const style = getComputedStyle(document.documentElement);
    this.metrics = cardMetricsFrom((name) => style.getPropertyValue(name));
  }

  /** Scroll re-renders the window (when virtualized) and saves the position; resize re-measures. */
  listen(): void {
    window.addEventListener('scroll', () => this.onScroll(), { passive: true });
    window.addEventListener(
      'resize',
      () => {
        this.invalidateLayout();
        this.queueRender();
      },
      { passive: true },
    );
  }

  /**
   * Renders a new list (a `state` message): the screen at the saved position first (on the page's first
   * state), then the overscan rows once that screen is painted.
   */
  showNewList(): void {
    this.invalidateLayout();
    this.firstScreenOnly = this.options.virtualize;
    if (!this.scrollRestored) {
      this.scrollRestored = true;
      const top = this.options.savedScrollTop();
      if (top !== undefined && top > 0) this.pendingScrollTop = top;
    }
    this.restoreScrollWhenComplete();
    this.render();
    if (this.firstScreenOnly) this.renderOverscanAfterPaint();
  }

  /** More of the history arrived (`append`): the feed grows in the next frame. */
  listGrew(): void {
    this.geometryStale = true;
    if (this.restoreScrollWhenComplete()) this.render();
    else this.queueRender();
  }

  /** Scrolls to the saved position once the whole history is there; true when it did. */
  private restoreScrollWhenComplete(): boolean {
    const top = this.pendingScrollTop;
    if (top === undefined || !this.state.complete) return false;
    this.pendingScrollTop = undefined;
    // Size the feed first so the saved position exists, then draw the screen at that position.
    this.measure();
    window.scrollTo(0, top);
    return true;
  }

  /** Renders the window now: the count, the feed's size when stale, the cards in view. */
  render(): void {
    this.renderQueued = false;
    const { state, shell } = this;
    shell.showCount(state.count, state.totalCount, state.filter, state.strings);
    if (this.geometryStale || this.measuredCount !== state.count) this.measure();

    const scrollY = window.scrollY;
    const range = this.options.virtualize ? cardsInView(state.count, this.geometry, scrollY, this.overscanAt(scrollY)) : allCards(state.count);
    this.renderedScrollY = scrollY;
    const transform = `translateY(${rangeOffset(range, this.geometry)}px)`;
    if (shell.window.style.transform !== transform) shell.window.style.transform = transform;
    // Right after a scroll of a viewport or more, the cards it brings wait to ask for their images until it
    // pauses (the overscan fill renders again then): a fling through a long history otherwise asks for an
    // image per card it passes — in a webview each one a round trip through VS Code's resource loader.
    this.cards.showRange(state.items, range.start, range.end, { loadImages: this.overscanFill === undefined });
    shell.markRendered();
    this.options.onRendered();
  }

  /**
   * The overscan rows for a render at `scrollY`: none on the first screen, none right after a scroll of a
   * viewport or more (they follow once the scroll pauses), else OVERSCAN_ROWS.
   */
  private overscanAt(scrollY: number): number {
    if (this.overscanFill !== undefined) clearTimeout(this.overscanFill);
    this.overscanFill = undefined;
    const scrolled = this.scrolledSinceRender;
    this.scrolledSinceRender = false;
    if (this.firstScreenOnly) return 0;
    const overscan = scrolled ? overscanAfterScroll(scrollY - this.renderedScrollY, this.geometry.viewportHeight) : OVERSCAN_ROWS;
    if (overscan < OVERSCAN_ROWS) this.overscanFill = setTimeout(() => this.render(), OVERSCAN_FILL_DELAY_MS);
    return overscan;
  }

  /** Renders in the next frame (once, however many changes come before it). */
  queueRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => this.render());
  }

  /** Scrolls card `index` into view, renders synchronously and focuses it. */
  focusCard(index: number): void {
    const { count } = this.state;
    if (count === 0) return;
    this.firstScreenOnly = false;
    if (this.geometryStale || this.measuredCount !== count) this.measure();
    const target = clampIndex(index, count);
    const toolbarHeight = this.shell.toolbar.getBoundingClientRect().height;
    const scrollTop = scrollTopToShow(target, this.geometry, window.scrollY, toolbarHeight);
    if (scrollTop !== undefined) window.scrollTo(0, scrollTop);
    this.render();
    const id = this.state.items[target]?.localId;
    if (id) this.cards.cardOf(id)?.focus({ preventScroll: true });
  }

  /** Reads the layout the window depends on, lays the rows out and sizes the feed. Never called on the scroll path. */
  private measure(): void {
    const { feed, window: windowEl } = this.shell;
    const count = this.state.count;
    this.geometryStale = false;
    this.measuredCount = count;
    // Reads first (one layout), then writes.
    const box = this.feedBox ?? {
      width: feed.clientWidth || document.documentElement.clientWidth || window.innerWidth,
      offsetTop: feed.getBoundingClientRect().top + window.scrollY,
    };
    this.feedBox = box;
    const layout = gridLayout(this.state.items.map(cardShape), box.width, this.metrics);
    this.geometry = { ...layout, feedOffsetTop: box.offsetTop, viewportHeight: window.innerHeight };
    // While a later `state` is still arriving, the feed keeps its height, so the scroll position is not cut
    // back to the first screen's items and stays where the reader was once the rest is there.
    const height = this.state.complete ? feedHeight(layout) : Math.max(feedHeight(layout), this.feedHeightPx);
    this.feedHeightPx = height;
    feed.style.height = `${height}px`;
    const columns = `repeat(${layout.columns}, minmax(0, 1fr))`;
    if (windowEl.style.gridTemplateColumns !== columns) windowEl.style.gridTemplateColumns = columns;
    windowEl.dataset.columns = String(layout.columns);
  }

  /** After the first screen is painted (a frame, then a task), render the overscan rows as well. */
  private renderOverscanAfterPaint(): void {
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (!this.firstScreenOnly) return;
        this.firstScreenOnly = false;
        this.render();
      }, 0),
    );
  }

  private onScroll(): void {
    this.scrolledSinceRender = true;
    if (this.options.virtualize) this.queueRender();
    if (this.scrollSaveQueued) return;
    this.scrollSaveQueued = true;
    this.saveScrollSoon();
  }

  private saveScrollSoon(): void {
    setTimeout(() => {
      // The virtual window renders on every scroll, and so knows the position without asking for a layout
      // (reading window.scrollY here would force one); a render still to come has the newer position.
      if (this.options.virtualize && this.renderQueued) {
        this.saveScrollSoon();
        return;
      }
      this.scrollSaveQueued = false;
      this.options.rememberScrollTop(Math.round(this.options.virtualize ? this.renderedScrollY : window.scrollY));
    }, SCROLL_SAVE_DELAY_MS);
  }
}
