/**
 * The virtual window's arithmetic: how many columns fit (1–4), how tall each card is (its thumbnail at the
 * image's aspect ratio), where each row of cards starts, which cards are in view (with overscan), where the
 * rendered rows sit, how far to scroll to show a card and where Page Up / Page Down lead.
 *
 * Rows differ in height (a row is as tall as its tallest card), so the layout is a list of row tops computed
 * once per change of the list or the width; the scroll path only searches it.
 *
 * Pure on purpose — no DOM, no globals: the page measures the layout (galleryFeed.ts) and hands the numbers
 * in, so every rule of the window is tested in plain Node (test/unit/galleryVirtualWindow.test.ts).
 */

/** Rows rendered above and below the viewport, so quick scrolls and the keyboard do not hit empty space. */
export const OVERSCAN_ROWS = 1;

/**
 * The overscan for a render that follows a scroll of `scrollDelta` px: none for a jump of a viewport or more
 * (a fling, the scroll bar dragged, End), where every card in view is new anyway and the overscan rows would
 * be replaced by the next frame's before they are seen; the page renders them once the scroll pauses.
 */
export function overscanAfterScroll(scrollDelta: number, viewportHeight: number): number {
  return Math.abs(scrollDelta) >= viewportHeight ? 0 : OVERSCAN_ROWS;
}

/** The grid's sizes as the stylesheet defines them (CSS custom properties on the root element). */
export interface CardMetrics {
  /** Space between cards, horizontally and vertically (px). */
  readonly gap: number;
  /** The narrowest a card may be; decides how many columns fit (px). */
  readonly minCardWidth: number;
  /** The most columns the grid has, however wide the panel. */
  readonly maxColumns: number;
  /** The card's text part below the thumbnail: prompt, meta and status (px). */
  readonly bodyHeight: number;
  /** The extra line a card shows when it has something to say (progress, error, saved path, choices) (px). */
  readonly detailHeight: number;
  /** The row naming the image a job started from, on a card that also has a prompt (px). */
  readonly sourceHeight: number;
  /** Thumbnails are at most this tall (a portrait image in one wide column would fill the screen) (px). */
  readonly mediaMaxHeight: number;
  /** …and at least this tall (a placeholder needs room for its text) (px). */
  readonly mediaMinHeight: number;
  /** The card's border: the thumbnail is the column's width less the border on either side (px). */
  readonly cardBorder: number;
}

/** The grid for one width and one list: columns, column width and the top of every row. */
export interface GridLayout {
  readonly columns: number;
  readonly columnWidth: number;
  readonly gap: number;
  /**
   * `rowTops[r]` is where row `r` starts inside the feed; the last entry (one past the last row) is where a
   * next row would start, i.e. the feed's height plus one gap.
   */
  readonly rowTops: readonly number[];
}

/** The grid as measured when it can change (state, resize, item changes) — never on the scroll path. */
export interface FeedGeometry extends GridLayout {
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

/** A card's shape for the layout: the thumbnail's aspect (width/height in any unit) and whether it has a detail line. */
export interface CardShape {
  readonly width: number;
  readonly height: number;
  readonly hasDetail: boolean;
  /** The card has a row for its source image besides its prompt (a prompt-less card shows it in the prompt's place). */
  readonly hasSource?: boolean;
}

/** Used only when the stylesheet does not say (gallery.css sets its own values; these just keep the grid sane). */
const FALLBACK_METRICS: CardMetrics = {
  gap: 12,
  minCardWidth: 220,
  maxColumns: 4,
  bodyHeight: 92,
  detailHeight: 34,
  sourceHeight: 38,
  mediaMaxHeight: 480,
  mediaMinHeight: 120,
  cardBorder: 1,
};

/** Thumbnails are no wider than 21:9 and no taller than 4:5 (the rest is letterboxed inside the box). */
const MIN_ASPECT_HEIGHT = 9 / 21;
const MAX_ASPECT_HEIGHT = 5 / 4;

/**
 * Reads the card metrics from the stylesheet's custom properties, given a reader such as
 * `getComputedStyle(document.documentElement).getPropertyValue`. A missing, zero or unparsable value falls
 * back to the default, so a broken theme cannot make a card 0 px high (and the window infinite).
 */
export function cardMetricsFrom(readProperty: (name: string) => string): CardMetrics {
  const px = (name: string, fallback: number): number => {
    const value = parseFloat(readProperty(name));
    return Number.isFinite(value) && value > 0 ? value : fallback;
  };
  const f = FALLBACK_METRICS;
  return {
    gap: px('--gallery-gap', f.gap),
    minCardWidth: px('--gallery-card-min-width', f.minCardWidth),
    maxColumns: Math.max(1, Math.floor(px('--gallery-max-columns', f.maxColumns))),
    bodyHeight: px('--gallery-body-height', f.bodyHeight),
    detailHeight: px('--gallery-detail-height', f.detailHeight),
    sourceHeight: px('--gallery-source-height', f.sourceHeight),
    mediaMaxHeight: px('--gallery-media-max-height', f.mediaMaxHeight),
    mediaMinHeight: px('--gallery-media-min-height', f.mediaMinHeight),
    cardBorder: px('--gallery-card-border', f.cardBorder),
  };
}

/** How many cards of at least `minCardWidth` fit side by side in `feedWidth`: 1 to `maxColumns`. */
export function columnCount(feedWidth: number, metrics: CardMetrics): number {
  const fit = Math.floor((feedWidth + metrics.gap) / (metrics.minCardWidth + metrics.gap));
  return Math.max(1, Math.min(metrics.maxColumns, fit));
}

/** The width of one column (what CSS's `repeat(columns, minmax(0, 1fr))` gives each card). */
export function columnWidth(feedWidth: number, columns: number, gap: number): number {
  return Math.max(0, (feedWidth - gap * (columns - 1)) / columns);
}

/** The thumbnail box's height per unit of width for an image of `width`×`height`: its shape, within sane shapes. */
export function clampedAspectHeight(width: number, height: number): number {
  const ratio = width > 0 && height > 0 ? height / width : 1;
  return Math.min(MAX_ASPECT_HEIGHT, Math.max(MIN_ASPECT_HEIGHT, ratio));
}

/**
 * The thumbnail box's height for an image of `width`×`height` in a card `columnWidth` wide: the image's
 * aspect ratio (clamped to sane shapes) at the width inside the card's border, within the stylesheet's
 * bounds, in whole pixels.
 */
export function mediaHeight(width: number, height: number, columnWidthPx: number, metrics: CardMetrics): number {
  const clamped = clampedAspectHeight(width, height);
  const inner = Math.max(0, columnWidthPx - 2 * metrics.cardBorder);
  return Math.round(Math.min(metrics.mediaMaxHeight, Math.max(metrics.mediaMinHeight, inner * clamped)));
}

/** The whole card's height: its border, the thumbnail, the text and (when it has them) the source row and the detail line. */
export function cardHeight(shape: CardShape, columnWidthPx: number, metrics: CardMetrics): number {
  const detail = shape.hasDetail ? metrics.detailHeight : 0;
  const source = shape.hasSource === true ? metrics.sourceHeight : 0;
  return 2 * metrics.cardBorder + mediaHeight(shape.width, shape.height, columnWidthPx, metrics) + metrics.bodyHeight + source + detail;
}

/** The grid for `shapes` (one per card, in order) in a feed `feedWidth` wide: each row as tall as its tallest card. */
export function gridLayout(shapes: readonly CardShape[], feedWidth: number, metrics: CardMetrics): GridLayout {
  const columns = columnCount(feedWidth, metrics);
  const width = columnWidth(feedWidth, columns, metrics.gap);
  const rowTops = [0];
  let top = 0;
  for (let start = 0; start < shapes.length; start += columns) {
    let tallest = 0;
    for (let i = start; i < Math.min(shapes.length, start + columns); i++) {
      const shape = shapes[i];
      if (shape) tallest = Math.max(tallest, cardHeight(shape, width, metrics));
    }
    top += tallest + metrics.gap;
    rowTops.push(top);
  }
  return { columns, columnWidth: width, gap: metrics.gap, rowTops };
}

/** The number of rows in the layout. */
export function rowCount(layout: GridLayout): number {
  return layout.rowTops.length - 1;
}

/** The feed's full height, so the scroll bar covers the whole list (no gap after the last row). */
export function feedHeight(layout: GridLayout): number {
  return Math.max(0, (layout.rowTops.at(-1) ?? 0) - layout.gap);
}

/** The row at `y` px down the feed (clamped to the rows there are; 0 for an empty grid). */
export function rowAt(layout: GridLayout, y: number): number {
  const rows = rowCount(layout);
  if (rows <= 0) return 0;
  // The last row whose top is at or above y (binary search: rows may number thousands).
  let low = 0;
  let high = rows - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if ((layout.rowTops[mid] ?? 0) <= y) low = mid;
    else high = mid - 1;
  }
  return low;
}

/**
 * The cards whose rows intersect the viewport at `scrollY`, widened by `overscanRows` rows on either side and
 * clipped to the list. Scrolled past the end (e.g. after removals), the last rows are rendered.
 */
export function cardsInView(itemCount: number, geometry: FeedGeometry, scrollY: number, overscanRows: number): CardRange {
  const rows = rowCount(geometry);
  if (itemCount === 0 || rows === 0) return { start: 0, end: 0, firstRow: 0 };
  const top = scrollY - geometry.feedOffsetTop;
  const firstRow = Math.max(0, rowAt(geometry, top) - overscanRows);
  const lastRow = Math.min(rows - 1, rowAt(geometry, top + geometry.viewportHeight) + overscanRows);
  const { columns } = geometry;
  return { start: firstRow * columns, end: Math.min(itemCount, (lastRow + 1) * columns), firstRow };
}

/** Every card (the benchmark's eager baseline renders the whole list). */
export function allCards(itemCount: number): CardRange {
  return { start: 0, end: itemCount, firstRow: 0 };
}

/** How far down the rendered rows sit inside the feed (px): the first rendered row's own position. */
export function rangeOffset(range: CardRange, layout: GridLayout): number {
  return layout.rowTops[range.firstRow] ?? 0;
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
  const rowTop = geometry.rowTops[row];
  const next = geometry.rowTops[row + 1];
  if (rowTop === undefined || next === undefined) return undefined;
  const top = geometry.feedOffsetTop + rowTop;
  const bottom = geometry.feedOffsetTop + next - geometry.gap;
  if (top < scrollY + toolbarHeight) return top - toolbarHeight - geometry.gap;
  if (bottom > scrollY + geometry.viewportHeight) return Math.min(top - toolbarHeight - geometry.gap, bottom + geometry.gap - geometry.viewportHeight);
  return undefined;
}

/**
 * Where Page Down (`direction` 1) or Page Up (-1) leads from card `index`: the card in the same column of the
 * row a viewport's height further, at least one row away, clamped to the list.
 */
export function pageTarget(index: number, count: number, geometry: FeedGeometry, direction: 1 | -1): number {
  const { columns } = geometry;
  const row = Math.floor(index / columns);
  const rowTop = geometry.rowTops[row] ?? 0;
  let targetRow = rowAt(geometry, rowTop + direction * geometry.viewportHeight);
  if (targetRow === row) targetRow = row + direction;
  return clampIndex(targetRow * columns + (index % columns), count);
}
