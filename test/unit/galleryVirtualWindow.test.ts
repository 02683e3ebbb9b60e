/**
 * The gallery's virtual window in plain Node: the arithmetic that decides how many columns the grid has, how
 * tall each card's thumbnail is (the image's aspect ratio), where each row starts, which cards exist in the
 * DOM, where they sit and where the page scrolls to show one. The numbers are the real page's: gallery.css's
 * sizes in a 1100×800 panel.
 */
import * as assert from 'node:assert/strict';
import {
  OVERSCAN_ROWS,
  allCards,
  cardHeight,
  cardMetricsFrom,
  cardsInView,
  clampIndex,
  columnCount,
  columnWidth,
  feedHeight,
  gridLayout,
  mediaHeight,
  overscanAfterScroll,
  pageTarget,
  rangeOffset,
  rowAt,
  rowCount,
  scrollTopToShow,
  type CardMetrics,
  type CardRange,
  type CardShape,
  type FeedGeometry,
} from '../../media/galleryVirtualWindow';

const CSS: Readonly<Record<string, string>> = {
  '--gallery-gap': ' 12px',
  '--gallery-card-min-width': ' 220px',
  '--gallery-max-columns': ' 4',
  '--gallery-body-height': ' 92px',
  '--gallery-card-border': ' 1px',
  '--gallery-detail-height': ' 34px',
  '--gallery-source-height': ' 38px',
  '--gallery-media-max-height': ' 480px',
  '--gallery-media-min-height': ' 120px',
};
const METRICS: CardMetrics = cardMetricsFrom((name) => CSS[name] ?? '');
const SQUARE: CardShape = { width: 1024, height: 1024, hasDetail: false };
const WIDE: CardShape = { width: 1792, height: 1024, hasDetail: false };
const TALL: CardShape = { width: 1024, height: 1792, hasDetail: false };
/** A 1,060 px feed (1100 px panel, 20 px padding each side): four columns of 256 px. */
const FEED_WIDTH = 1060;

function geometryOf(shapes: readonly CardShape[], width = FEED_WIDTH, viewportHeight = 800): FeedGeometry {
  return { ...gridLayout(shapes, width, METRICS), feedOffsetTop: 43, viewportHeight };
}

function indexes(range: CardRange): number[] {
  const list: number[] = [];
  for (let i = range.start; i < range.end; i++) list.push(i);
  return list;
}

/** The cards a user can see at `scrollY`: every card whose row overlaps the viewport. */
function cardsOnScreen(itemCount: number, geometry: FeedGeometry, scrollY: number): number[] {
  const seen: number[] = [];
  for (let i = 0; i < itemCount; i++) {
    const row = Math.floor(i / geometry.columns);
    const top = geometry.feedOffsetTop + (geometry.rowTops[row] ?? 0);
    const bottom = geometry.feedOffsetTop + (geometry.rowTops[row + 1] ?? 0) - geometry.gap;
    if (bottom > scrollY && top < scrollY + geometry.viewportHeight) seen.push(i);
  }
  return seen;
}

/** A history of mixed shapes, some with a detail line (progress, saved path…). */
function mixedShapes(count: number): CardShape[] {
  const shapes = [SQUARE, WIDE, TALL];
  return Array.from({ length: count }, (_, i) => ({ ...shapes[i % 3]!, hasDetail: i % 7 === 0 }));
}

describe('gallery virtual window', () => {
  it('reads the grid sizes from the stylesheet', () => {
    assert.deepEqual(METRICS, { gap: 12, minCardWidth: 220, maxColumns: 4, bodyHeight: 92, detailHeight: 34, sourceHeight: 38, mediaMaxHeight: 480, mediaMinHeight: 120, cardBorder: 1 });
  });

  it('falls back to sane sizes when the stylesheet gives none, zero or garbage', () => {
    const broken: Record<string, string> = { '--gallery-gap': '0px', '--gallery-body-height': 'tall', '--gallery-max-columns': '-3' };
    const metrics = cardMetricsFrom((name) => broken[name] ?? '');
    assert.equal(metrics.gap, 12);
    assert.equal(metrics.bodyHeight, 92);
    assert.equal(metrics.maxColumns, 4);
    assert.ok(Object.values(metrics).every((value) => value > 0));
  });

  it('has one to four columns by panel width', () => {
    // n cards and n-1 gaps: 2 × 220 + 12 = 452 px for two, 3 × 220 + 24 = 684 for three, 916 for four.
    assert.equal(columnCount(0, METRICS), 1);
    assert.equal(columnCount(300, METRICS), 1);
    assert.equal(columnCount(451, METRICS), 1);
    assert.equal(columnCount(452, METRICS), 2);
    assert.equal(columnCount(684, METRICS), 3);
    assert.equal(columnCount(915, METRICS), 3);
    assert.equal(columnCount(916, METRICS), 4);
    assert.equal(columnCount(3000, METRICS), 4, 'never more than four, however wide');
    assert.equal(columnWidth(FEED_WIDTH, 4, 12), 256);
  });

  it('sizes each thumbnail at its image’s aspect ratio, within bounds', () => {
    // A 256 px column is 254 px inside the card's border.
    assert.equal(mediaHeight(1024, 1024, 256, METRICS), 254);
    assert.equal(mediaHeight(1792, 1024, 256, METRICS), Math.round((254 * 1024) / 1792));
    // Portraits are at most 4:5 (the image is letterboxed inside), and never taller than the maximum.
    assert.equal(mediaHeight(1024, 1792, 256, METRICS), Math.round(254 * 1.25));
    assert.equal(mediaHeight(1024, 1024, 900, METRICS), 480);
    // Very wide images and narrow columns still leave room for a placeholder's text.
    assert.equal(mediaHeight(4000, 500, 256, METRICS), 120);
    assert.equal(mediaHeight(0, 0, 256, METRICS), 254, 'an unknown size is square');
    assert.equal(cardHeight(SQUARE, 256, METRICS), 2 + 254 + 92);
    assert.equal(cardHeight({ ...SQUARE, hasDetail: true }, 256, METRICS), 2 + 254 + 92 + 34);
    assert.equal(cardHeight({ ...SQUARE, hasDetail: true, hasSource: true }, 256, METRICS), 2 + 254 + 92 + 38 + 34);
  });

  it('lays rows out as tall as their tallest card, with a gap between rows and none after the last', () => {
    const layout = gridLayout([SQUARE, WIDE, SQUARE, SQUARE, WIDE, { ...WIDE, hasDetail: true }], FEED_WIDTH, METRICS);
    assert.equal(layout.columns, 4);
    const squareRow = 2 + 254 + 92;
    const wideRow = 2 + Math.round((254 * 1024) / 1792) + 92 + 34;
    assert.deepEqual(layout.rowTops, [0, squareRow + 12, squareRow + 12 + wideRow + 12]);
    assert.equal(rowCount(layout), 2);
    assert.equal(feedHeight(layout), squareRow + 12 + wideRow);
    assert.equal(feedHeight(gridLayout([], FEED_WIDTH, METRICS)), 0);
  });

  it('re-lays the same cards into fewer, taller columns when the panel narrows', () => {
    const shapes = mixedShapes(12);
    const wide = gridLayout(shapes, FEED_WIDTH, METRICS);
    const narrow = gridLayout(shapes, 400, METRICS);
    assert.equal(rowCount(wide), 3);
    assert.equal(narrow.columns, 1);
    assert.equal(rowCount(narrow), 12);
    assert.ok(feedHeight(narrow) > feedHeight(wide));
  });

  it('finds the row at a height, clamped to the rows there are', () => {
    const layout = gridLayout(mixedShapes(40), FEED_WIDTH, METRICS);
    assert.equal(rowAt(layout, -50), 0);
    assert.equal(rowAt(layout, 0), 0);
    assert.equal(rowAt(layout, layout.rowTops[3]!), 3);
    assert.equal(rowAt(layout, layout.rowTops[3]! - 1), 2);
    assert.equal(rowAt(layout, 1e9), rowCount(layout) - 1);
    assert.equal(rowAt(gridLayout([], FEED_WIDTH, METRICS), 100), 0);
  });

  it('renders only the rows on screen at the top, then a row of overscan below', () => {
    const geometry = geometryOf(Array.from({ length: 1000 }, () => SQUARE));
    // Rows of 360 px: rows 0–2 are on screen (the third starts at 43 + 720 = 763 px, inside the 800 px viewport).
    assert.deepEqual(cardsInView(1000, geometry, 0, 0), { start: 0, end: 12, firstRow: 0 });
    assert.deepEqual(cardsInView(1000, geometry, 0, OVERSCAN_ROWS), { start: 0, end: 16, firstRow: 0 }, 'no overscan above the first row');
  });

  it('keeps the overscan rows on both sides in the middle, and says where the first one sits', () => {
    const geometry = geometryOf(Array.from({ length: 1000 }, () => SQUARE));
    const row = 360;
    const range = cardsInView(1000, geometry, 43 + 10_000, OVERSCAN_ROWS);
    // 10,000 px down is inside row 27; the viewport reaches row 30 (which starts at 10,800 px); a row either side.
    assert.deepEqual(range, { start: 26 * 4, end: 32 * 4, firstRow: 26 });
    assert.equal(rangeOffset(range, geometry), 26 * row);
  });

  it('covers every card on screen, with a bounded number of cards, wherever the page is scrolled (mixed shapes, 10,000 items)', () => {
    const itemCount = 10_000;
    for (const width of [FEED_WIDTH, 600, 300]) {
      const geometry = geometryOf(mixedShapes(itemCount), width);
      const shortestRow = 2 + 120 + 92 + 12;
      const bound = (Math.ceil(800 / shortestRow) + 1 + 2 * OVERSCAN_ROWS) * geometry.columns;
      const step = Math.floor(feedHeight(geometry) / 400);
      for (let scrollY = 0; scrollY <= feedHeight(geometry); scrollY += step) {
        const range = cardsInView(itemCount, geometry, scrollY, OVERSCAN_ROWS);
        const rendered = new Set(indexes(range));
        const missing = cardsOnScreen(itemCount, geometry, scrollY).filter((i) => !rendered.has(i));
        assert.deepEqual(missing, [], `on screen but not rendered at scrollY=${scrollY}, width ${width}`);
        assert.ok(range.end - range.start <= bound, `${range.end - range.start} cards at scrollY=${scrollY}, width ${width}`);
        assert.equal(range.start % geometry.columns, 0, 'the window starts at the beginning of a row');
      }
    }
  });

  it('skips the overscan rows after a jump of a viewport or more, in either direction, and keeps them for shorter scrolls', () => {
    assert.equal(overscanAfterScroll(0, 800), OVERSCAN_ROWS);
    assert.equal(overscanAfterScroll(120, 800), OVERSCAN_ROWS, 'a wheel step');
    assert.equal(overscanAfterScroll(-799, 800), OVERSCAN_ROWS);
    assert.equal(overscanAfterScroll(800, 800), 0, 'a viewport down');
    assert.equal(overscanAfterScroll(-5000, 800), 0, 'far up');
    // Without the overscan the window still holds every card on screen.
    const geometry = geometryOf(mixedShapes(1000));
    for (const scrollY of [0, 4321, 20_000]) {
      const rendered = new Set(indexes(cardsInView(1000, geometry, scrollY, overscanAfterScroll(800, 800))));
      assert.deepEqual(cardsOnScreen(1000, geometry, scrollY).filter((i) => !rendered.has(i)), [], `scrollY=${scrollY}`);
    }
  });

  it('clips the window to the list at the end and includes the last card', () => {
    const geometry = geometryOf(mixedShapes(1001));
    const end = 43 + feedHeight(geometry) - 800;
    const range = cardsInView(1001, geometry, end, OVERSCAN_ROWS);
    assert.equal(range.end, 1001);
    assert.ok(indexes(range).includes(1000));
  });

  it('renders nothing for an empty list, and only the last rows when scrolled past the end after removals', () => {
    assert.deepEqual(indexes(cardsInView(0, geometryOf([]), 0, OVERSCAN_ROWS)), []);
    const range = cardsInView(8, geometryOf(mixedShapes(8)), 90_000, OVERSCAN_ROWS);
    assert.ok(range.end <= 8 && range.end - range.start <= 8);
  });

  it('renders the whole list for the eager baseline', () => {
    assert.deepEqual(allCards(1000), { start: 0, end: 1000, firstRow: 0 });
  });

  it('scrolls a card into view only when it is not: above, just below the toolbar; below, to the bottom edge', () => {
    const geometry = geometryOf(Array.from({ length: 1000 }, () => SQUARE));
    const toolbar = 43;
    const row = 360;
    assert.equal(scrollTopToShow(5, geometry, 0, toolbar), undefined, 'row 1 is in view at the top');
    // Card 400 (row 100) is far below: its bottom (plus a gap) meets the viewport's.
    assert.equal(scrollTopToShow(400, geometry, 0, toolbar), 43 + 101 * row - 12 + 12 - 800);
    // Card 0 seen from the middle: its top goes under the toolbar, one gap below it.
    assert.equal(scrollTopToShow(0, geometry, 5_000, toolbar), 43 - toolbar - 12);
    // A card hidden behind the sticky toolbar counts as above.
    const rowTop = 43 + 10 * row;
    assert.equal(scrollTopToShow(40, geometry, rowTop - 20, toolbar), rowTop - toolbar - 12);
    // A card taller than the viewport shows its top.
    const tall = { ...geometryOf(Array.from({ length: 10 }, () => SQUARE)), viewportHeight: 200 };
    assert.equal(scrollTopToShow(8, tall, 0, toolbar), 43 + 2 * row - toolbar - 12);
  });

  it('pages a screen of rows at a time, in the same column, at least one row', () => {
    const geometry = geometryOf(Array.from({ length: 100 }, () => SQUARE));
    // 800 px is two rows and a bit of 360 px: from row 0 Page Down lands in row 2.
    assert.equal(pageTarget(1, 100, geometry, 1), 9);
    assert.equal(pageTarget(9, 100, geometry, -1), 1);
    assert.equal(pageTarget(1, 100, geometry, -1), 0, 'clamped to the first card');
    assert.equal(pageTarget(97, 100, geometry, 1), 99, 'clamped to the last card');
    const short = { ...geometry, viewportHeight: 100 };
    assert.equal(pageTarget(0, 100, short, 1), 4, 'at least one row');
  });

  it('clamps an index into the list', () => {
    assert.equal(clampIndex(-4, 10), 0);
    assert.equal(clampIndex(3, 10), 3);
    assert.equal(clampIndex(12, 10), 9);
  });
});
