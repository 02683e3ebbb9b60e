/**
 * The gallery's virtual window in plain Node: the arithmetic that decides which cards exist in the DOM, where
 * they sit and where the page scrolls to show one. The numbers are the real page's: gallery.css's card
 * (364 px high, 240 px wide at least, 12 px apart) in a 1100×800 panel.
 */
import * as assert from 'node:assert/strict';
import {
  OVERSCAN_ROWS,
  allCards,
  cardMetricsFrom,
  cardsInView,
  cardsPerPage,
  clampIndex,
  columnCount,
  feedHeight,
  rangeOffset,
  scrollTopToShow,
  type CardMetrics,
  type CardRange,
  type FeedGeometry,
} from '../../media/galleryVirtualWindow';

const CSS: Readonly<Record<string, string>> = {
  '--gallery-gap': ' 12px',
  '--gallery-card-height': ' 364px',
  '--gallery-card-min-width': ' 240px',
};
const METRICS: CardMetrics = cardMetricsFrom((name) => CSS[name] ?? '');
/** Below a 41 px toolbar, four columns (1,076 px wide feed), an 800 px viewport. */
const GEOMETRY: FeedGeometry = { ...METRICS, columns: 4, feedOffsetTop: 41, viewportHeight: 800 };
const ROW = 376;

function indexes(range: CardRange): number[] {
  const list: number[] = [];
  for (let i = range.start; i < range.end; i++) list.push(i);
  return list;
}

/** The cards a user can see at `scrollY`: every card whose row overlaps the viewport. */
function cardsOnScreen(itemCount: number, geometry: FeedGeometry, scrollY: number): number[] {
  const seen: number[] = [];
  for (let i = 0; i < itemCount; i++) {
    const top = geometry.feedOffsetTop + Math.floor(i / geometry.columns) * geometry.rowHeight;
    const bottom = top + geometry.rowHeight - geometry.gap;
    if (bottom > scrollY && top < scrollY + geometry.viewportHeight) seen.push(i);
  }
  return seen;
}

describe('gallery virtual window', () => {
  it('reads the card sizes from the stylesheet, a row being a card and its gap', () => {
    assert.deepEqual(METRICS, { gap: 12, rowHeight: ROW, minCardWidth: 240 });
  });

  it('falls back to sane sizes when the stylesheet gives none, zero or garbage', () => {
    const broken: Record<string, string> = { '--gallery-gap': '0px', '--gallery-card-height': 'tall' };
    assert.deepEqual(cardMetricsFrom((name) => broken[name] ?? ''), { gap: 12, rowHeight: 372, minCardWidth: 240 });
  });

  it('fits as many columns as cards of the minimum width allow, and never fewer than one', () => {
    // n cards and n-1 gaps: 4 × 240 + 3 × 12 = 996 px.
    assert.equal(columnCount(996, METRICS), 4);
    assert.equal(columnCount(995, METRICS), 3);
    assert.equal(columnCount(1076, METRICS), 4);
    assert.equal(columnCount(240, METRICS), 1);
    assert.equal(columnCount(100, METRICS), 1);
    assert.equal(columnCount(0, METRICS), 1);
  });

  it('sizes the feed for the whole list, without a gap after the last row', () => {
    assert.equal(feedHeight(1000, 4, METRICS), 250 * ROW - 12);
    assert.equal(feedHeight(1001, 4, METRICS), 251 * ROW - 12, 'a partial last row counts');
    assert.equal(feedHeight(1, 4, METRICS), 364);
    assert.equal(feedHeight(0, 4, METRICS), 0);
  });

  it('renders only the rows on screen at the top, then two rows of overscan below', () => {
    // Rows 0–2 are on screen (the third starts at 41 + 752 = 793 px, inside the 800 px viewport).
    const firstScreen = cardsInView(1000, GEOMETRY, 0, 0);
    assert.deepEqual(firstScreen, { start: 0, end: 12, firstRow: 0 });
    assert.deepEqual(cardsInView(1000, GEOMETRY, 0, OVERSCAN_ROWS), { start: 0, end: 20, firstRow: 0 }, 'no overscan above the first row');
  });

  it('keeps the overscan rows on both sides in the middle, and says where the first one sits', () => {
    const scrollY = 41 + 10_000;
    const range = cardsInView(1000, GEOMETRY, scrollY, OVERSCAN_ROWS);
    // Viewport rows 26–28, widened by two rows either side.
    assert.deepEqual(range, { start: 24 * 4, end: 31 * 4, firstRow: 24 });
    assert.equal(rangeOffset(range, GEOMETRY), 24 * ROW);
  });

  it('clips the window to the list at the end and includes the last card', () => {
    const end = 41 + feedHeight(1001, 4, METRICS) - 800;
    const range = cardsInView(1001, GEOMETRY, end, OVERSCAN_ROWS);
    assert.equal(range.end, 1001);
    assert.ok(indexes(range).includes(1000));
    assert.equal(range.start % 4, 0, 'the window starts at the beginning of a row');
  });

  it('covers every card on screen, with a bounded number of cards, wherever the page is scrolled', () => {
    const itemCount = 1000;
    const bound = (Math.ceil(800 / ROW) + 1 + 2 * OVERSCAN_ROWS) * 4;
    for (let scrollY = 0; scrollY <= feedHeight(itemCount, 4, METRICS); scrollY += 97) {
      const range = cardsInView(itemCount, GEOMETRY, scrollY, OVERSCAN_ROWS);
      const rendered = new Set(indexes(range));
      const missing = cardsOnScreen(itemCount, GEOMETRY, scrollY).filter((i) => !rendered.has(i));
      assert.deepEqual(missing, [], `on screen but not rendered at scrollY=${scrollY}`);
      assert.ok(range.end - range.start <= bound, `${range.end - range.start} cards at scrollY=${scrollY}`);
      assert.ok(range.start >= 0 && range.end <= itemCount);
    }
  });

  it('renders nothing for an empty list, or when scrolled past the end after removals', () => {
    assert.deepEqual(indexes(cardsInView(0, GEOMETRY, 0, OVERSCAN_ROWS)), []);
    // 1,000 items scrolled to the end, then all but 8 removed: the page is still scrolled far down.
    assert.deepEqual(indexes(cardsInView(8, GEOMETRY, 90_000, OVERSCAN_ROWS)), []);
  });

  it('renders the whole list for the eager baseline', () => {
    assert.deepEqual(allCards(1000), { start: 0, end: 1000, firstRow: 0 });
  });

  it('scrolls a card into view only when it is not: above, just below the toolbar; below, to the bottom edge', () => {
    const toolbar = 41;
    // Card 5 (row 1) is in view at the top: no scrolling.
    assert.equal(scrollTopToShow(5, GEOMETRY, 0, toolbar), undefined);
    // Card 400 (row 100) is far below: its bottom meets the viewport's.
    assert.equal(scrollTopToShow(400, GEOMETRY, 0, toolbar), 41 + 101 * ROW - 800);
    // Card 0 seen from the middle: its top goes under the toolbar, one gap below it.
    assert.equal(scrollTopToShow(0, GEOMETRY, 5_000, toolbar), 41 - toolbar - 12);
    // A card hidden behind the sticky toolbar counts as above.
    const rowTop = 41 + 10 * ROW;
    assert.equal(scrollTopToShow(40, GEOMETRY, rowTop - 20, toolbar), rowTop - toolbar - 12);
  });

  it('pages by the whole rows that fit, at least one', () => {
    assert.equal(cardsPerPage(GEOMETRY), 2 * 4);
    assert.equal(cardsPerPage({ ...GEOMETRY, viewportHeight: 200 }), 4);
    assert.equal(cardsPerPage({ ...GEOMETRY, columns: 1, viewportHeight: 2000 }), 5);
  });

  it('clamps an index into the list', () => {
    assert.equal(clampIndex(-4, 10), 0);
    assert.equal(clampIndex(3, 10), 3);
    assert.equal(clampIndex(12, 10), 9);
  });
});
