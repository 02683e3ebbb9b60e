/**
 * The virtual window's arithmetic: how many columns fit, how tall the feed is, which cards are in view (with
 * overscan), where the rendered rows sit, how far to scroll to show a card and how many cards a page holds.
 *
 * Pure on purpose — no DOM, no globals: the page measures the layout (galleryFeed.ts) and hands the numbers
 * in, so every rule of the window is tested in plain Node (test/unit/galleryVirtualWindow.test.ts) and the
 * scroll path does nothing here but arithmetic.
 */

/** Rows rendered above and below the viewport, so quick scrolls and Tab do not hit empty space. */
export const OVERSCAN_ROWS = 2;

/** The card grid's sizes as the stylesheet defines them (CSS custom properties on the root element). */
export interface CardMetrics {
  /** Space between cards, horizontally and vertically (px). */
  readonly gap: number;
  /** One row of cards: the card's fixed height plus the gap below it (px). */
  readonly rowHeight: number;
  /** The narrowest a card may be; decides how many columns fit (px). */
  readonly minCardWidth: number;
}

/** The grid as measured when it can change (state, resize, item count) — never on the scroll path. */
export interface FeedGeometry extends CardMetrics {
  readonly columns: number;
  /** The feed's top in document coordinates (below the toolbar). */
  readonly feedOffsetTop: number;
  readonly viewportHeight: number;
}

/** The cards to render: indexes `start` (inclusive) to `end` (exclusive), the first in row `firstRow`. */
export interface CardRange {
  readonly start: number;
  readonly end: number;
  readonly firstRow: number;
}

/** Used only when the stylesheet does not say (gallery.css sets its own values; these just keep the grid sane). */
const FALLBACK_METRICS = { gap: 12, cardHeight: 360, minCardWidth: 240 } as const;

/**
 * Reads the card metrics from the stylesheet's custom properties, given a reader such as
 * `getComputedStyle(document.documentElement).getPropertyValue`. A missing, zero or unparsable value falls
 * back to the default, so a broken theme cannot make a row 0 px high (and the window infinite).
 */
export function cardMetricsFrom(readProperty: (name: string) => string): CardMetrics {
  const px = (name: string, fallback: number): number => {
    const value = parseFloat(readProperty(name));
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  const gap = px('--gallery-gap', FALLBACK_METRICS.gap);
  return {
    gap,
    rowHeight: px('--gallery-card-height', FALLBACK_METRICS.cardHeight) + gap,
    minCardWidth: px('--gallery-card-min-width', FALLBACK_METRICS.minCardWidth),
  };
}

/** How many cards of at least `minCardWidth` fit side by side in `feedWidth` (always at least one). */
export function columnCount(feedWidth: number, metrics: CardMetrics): number {
  return Math.max(1, Math.floor((feedWidth + metrics.gap) / (metrics.minCardWidth + metrics.gap)));
}

/** The feed's full height for `itemCount` cards, so the scroll bar covers the whole list (no gap after the last row). */
export function feedHeight(itemCount: number, columns: number, metrics: CardMetrics): number {
  const rows = Math.ceil(itemCount / columns);
  return Math.max(0, rows * metrics.rowHeight - metrics.gap);
}

/**
 * The cards whose rows intersect the viewport at `scrollY`, widened by `overscanRows` rows on either side and
 * clipped to the list. Scrolled past the end (e.g. after removals), `start` may pass `end`: nothing to render.
 */
export function cardsInView(itemCount: number, geometry: FeedGeometry, scrollY: number, overscanRows: number): CardRange {
  const { columns, rowHeight } = geometry;
  const rows = Math.ceil(itemCount / columns);
  const top = scrollY - geometry.feedOffsetTop;
  const firstRow = Math.max(0, Math.floor(top / rowHeight) - overscanRows);
  const lastRow = Math.min(rows - 1, Math.floor((top + geometry.viewportHeight) / rowHeight) + overscanRows);
  return { start: firstRow * columns, end: Math.min(itemCount, (lastRow + 1) * columns), firstRow };
}

/** Every card (the benchmark's eager baseline renders the whole list). */
export function allCards(itemCount: number): CardRange {
  return { start: 0, end: itemCount, firstRow: 0 };
}

/** How far down the rendered rows sit inside the feed (px): the first rendered row's own position. */
export function rangeOffset(range: CardRange, geometry: FeedGeometry): number {
  return range.firstRow * geometry.rowHeight;
}

/** The index clamped into the list (`count` must be positive). */
export function clampIndex(index: number, count: number): number {
  return Math.max(0, Math.min(count - 1, index));
}

/**
 * The scroll position that brings card `index` fully into view, or `undefined` when it is in view already.
 * A card above the view goes just below the sticky toolbar (with a gap, so its focus ring shows); a card
 * below goes to the bottom edge. Scrolling no further than needed keeps arrow-key moves calm.
 */
export function scrollTopToShow(index: number, geometry: FeedGeometry, scrollY: number, toolbarHeight: number): number | undefined {
  const row = Math.floor(index / geometry.columns);
  const top = geometry.feedOffsetTop + row * geometry.rowHeight;
  if (top < scrollY + toolbarHeight) return top - toolbarHeight - geometry.gap;
  if (top + geometry.rowHeight > scrollY + geometry.viewportHeight) return top + geometry.rowHeight - geometry.viewportHeight;
  return undefined;
}

/** How many cards Page Up / Page Down move: the whole rows that fit in the viewport (at least one row). */
export function cardsPerPage(geometry: FeedGeometry): number {
  return Math.max(1, Math.floor(geometry.viewportHeight / geometry.rowHeight)) * geometry.columns;
}
