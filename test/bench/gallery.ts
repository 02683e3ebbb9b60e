/**
 * Gallery at scale: the BUILT gallery webview (dist/webview/gallery.js, virtualized) with 1,000 and 10,000
 * synthetic items in Chromium's headless shell, against a baseline of the same page and cards rendered eagerly
 * (media/galleryEager.ts, bundled here on the fly), measured in the same run, the same way, with the same
 * harness and data: first contentful paint, when the first card is painted, the worst frame while scrolling
 * to the end, the DOM node count and the JS heap after scrolling. Medians of several interleaved runs after
 * a warm-up; the eager page at 10,000 items (~220,000 nodes, seconds per load) gets fewer runs.
 *
 * The eager page gets the whole history in one `state` message (the naive page: everything at once, every
 * card rendered); the virtualized page gets what GalleryPanel posts (a first screen, then `append` messages).
 *
 * Method, identical for both pages:
 * - paint times come from the browser, relative to navigation start: `first-contentful-paint` from a
 *   PerformanceObserver('paint'), and the first card from Element Timing (the observer script marks the first
 *   card's prompt with `elementtiming` the moment it is inserted). FCP alone can be the toolbar, painted
 *   before any item arrives; the first card is what a user waits for, so both are budgeted.
 * - the observers run as an init script (DevTools, outside the page's CSP) and report through a binding, so
 *   nothing polls the page while it loads;
 * - frames are rAF-to-rAF deltas while scrolling one viewport per frame from a settled page (after its first
 *   `rendered` report), to the end; the figure is the worst frame of a run;
 * - frames are counted to the end in at most `scrollFrames` steps (10,000 items are ~1,100 viewports: there a
 *   step is many viewports — every step still shows only cards that were not on screen);
 * - DOM nodes are counted settled at the top and again at the end; the figure is the larger.
 * - the JS heap (CDP `Runtime.getHeapUsage` after `HeapProfiler.collectGarbage`) is measured settled at the
 *   top — the whole history has arrived and the first screen is painted — and again at the end: scrolling
 *   through the list must not keep what it showed (recycled cards, pooled nodes, listeners).
 *
 * Run on its own with `node out/test/bench/gallery.js` (after `npm run build` and `npx tsc -p test`); it
 * prints one line per figure and exits non-zero if a budget is missed. test/bench/index.ts calls
 * `runGalleryBench()`.
 */
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { FIRST_CARD_TIMING } from '../../src/gallery/protocol';
import { budgetMiss, formatBenchLine, median, type BenchLine } from './benchLine';
import { REPO_ROOT, launchChromium, startGalleryHarness, syntheticItems, type GalleryHarness } from '../gallery/harness';

export type GalleryBenchLine = BenchLine;

/** What one page load yields (either page). */
export interface GalleryRunFigures {
  readonly fcpMs: number;
  readonly firstCardMs: number;
  readonly worstFrameMs: number;
  readonly domNodes: number;
  /** JS heap after a forced GC, settled at the top and at the end of the scroll (bytes). */
  readonly heapAtFirstPaint: number;
  readonly heapAtEnd: number;
}

/** One list size: how many runs each page gets, and how long an eager load may take. */
export interface GallerySize {
  readonly items: number;
  readonly runs: number;
  readonly eagerRuns: number;
  readonly timeoutMs: number;
  /** Scrolling to the end takes at most this many frames (a step is then more than one viewport). */
  readonly scrollFrames: number;
}

/**
 * At 10,000 items the eager page holds ~220,000 nodes: a load takes tens of seconds and a frame up to seconds,
 * so it gets two runs (the virtualized page three) and the scroll reaches the end in 40 steps.
 */
export const GALLERY_SIZES: readonly GallerySize[] = [
  { items: 1000, runs: 7, eagerRuns: 7, timeoutMs: 30_000, scrollFrames: 150 },
  { items: 10_000, runs: 3, eagerRuns: 2, timeoutMs: 180_000, scrollFrames: 40 },
];

const VIEWPORT = { width: 1100, height: 800 };
const EAGER_SCRIPT = '/bench/gallery-eager.js';

/**
 * The budgets: absolutes with the margin a 2-core machine under load ≤ 2 needs, ratios to the eager
 * page of the same run.
 */
export const GALLERY_BUDGETS = {
  firstCardMs: 300,
  firstCardRatio: 0.25,
  fcpMs: 400,
  fcpRatio: 1,
  worstFrameMs: 50,
  worstFrameRatio: 1,
  domNodes: 2000,
  heapGrowthRatio: 1.5,
} as const;

/**
 * Installed before the page's own scripts: reports FCP and the first card's paint time through the
 * `__benchPainted` binding once both are known.
 */
export const PAINT_OBSERVERS = `(() => {
  let fcp;
  let firstCard;
  const settle = () => { if (fcp !== undefined && firstCard !== undefined) window.__benchPainted(fcp, firstCard); };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.name === 'first-contentful-paint') { fcp = entry.startTime; settle(); }
  }).observe({ type: 'paint', buffered: true });
  let marks;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.identifier === ${JSON.stringify(FIRST_CARD_TIMING)} && firstCard === undefined) { firstCard = entry.renderTime || entry.loadTime; marks.disconnect(); settle(); }
  }).observe({ type: 'element', buffered: true });
  // The first card's prompt is marked a microtask after its insertion. Chromium registers a text for Element
  // Timing when it lays the text out, and a parser may have done that before the microtask (cards in the
  // page's HTML): the text is put back as a new node, laid out (and timed) with the attribute in place — at its
  // first paint, or a frame later, never earlier. Until a card is painted, whichever card is first is marked
  // (a page may replace its first cards before they reach the screen).
  marks = new MutationObserver(() => {
    const prompt = document.querySelector('.card .card-prompt');
    if (!prompt || prompt.hasAttribute('elementtiming')) return;
    prompt.setAttribute('elementtiming', ${JSON.stringify(FIRST_CARD_TIMING)});
    const text = prompt.firstChild;
    if (text) prompt.replaceChild(document.createTextNode(text.data), text);
  });
  marks.observe(document, { childList: true, subtree: true });
})()`;

function evalIn<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate<T>(expression);
}

/** Polls the page (only once the measured paint is over: polling runs tasks on the page's main thread). */
async function waitFor(page: Page, expression: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await evalIn<boolean>(page, `!!(${expression})`))) {
    if (Date.now() > deadline) throw new Error(`gallery bench: timed out waiting for ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Scrolls to the end, a step per frame (one viewport, or more when the end is further than `maxFrames`
 * viewports away), and returns every frame's duration (rAF to rAF).
 */
export const scrollToEnd = (maxFrames: number): string => `(async () => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const frames = [];
  let last = await frame();
  // Read once, before the first frame: reading it between frames would force a layout the page did not ask for.
  const end = document.documentElement.scrollHeight - window.innerHeight;
  const step = Math.max(window.innerHeight, Math.ceil(end / ${maxFrames}));
  for (let y = 0; y < end; ) {
    y = Math.min(end, y + step);
    window.scrollTo(0, y);
    const now = await frame();
    frames.push(now - last);
    last = now;
  }
  for (let i = 0; i < 2; i++) {
    const now = await frame();
    frames.push(now - last);
    last = now;
  }
  return frames;
})()`;

const RENDER_REPORTS = `window.__posted.filter((m) => m.type === 'rendered').length`;
export const DOM_NODES = 'document.getElementsByTagName("*").length';

/** The JS heap in use after a full garbage collection (bytes). */
export async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

async function measureOnce(browser: Browser, harness: GalleryHarness, size: GallerySize, script: string | undefined): Promise<GalleryRunFigures> {
  const { items: itemCount, timeoutMs } = size;
  const page = await browser.newPage({ viewport: VIEWPORT });
  try {
    const items = syntheticItems(itemCount, harness.imageUrl);
    let onPainted: (figures: { fcpMs: number; firstCardMs: number }) => void = () => undefined;
    const painted = new Promise<{ fcpMs: number; firstCardMs: number }>((resolve) => {
      onPainted = resolve;
    });
    await page.exposeFunction('__benchPainted', (fcpMs: number, firstCardMs: number) => onPainted({ fcpMs, firstCardMs }));
    await page.addInitScript(PAINT_OBSERVERS);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.enable');
    // The eager baseline is the naive page: the whole history in one message, every card rendered.
    const pageUrl = harness.page({ items, theme: 'dark', ...(script ? { script, delivery: 'single' as const } : {}) });
    await page.goto(pageUrl, { timeout: timeoutMs });
    const { fcpMs, firstCardMs } = await withTimeout(painted, timeoutMs, 'the first card was never painted');
    // Settled: the whole history is there and the page has reported what it rendered (after overscan, images
    // and the report's debounce).
    await waitFor(page, `${RENDER_REPORTS} > 0`, timeoutMs);
    const nodesAtTop = await evalIn<number>(page, DOM_NODES);
    const heapAtFirstPaint = await heapAfterGc(cdp);
    const frames = await evalIn<number[]>(page, scrollToEnd(size.scrollFrames));
    const last = items.at(-1);
    if (!last) throw new Error(`gallery bench: syntheticItems(${itemCount}) returned no items`);
    await waitFor(page, `document.querySelector('.card[data-id="${last.localId}"]')`, timeoutMs);
    const nodesAtEnd = await evalIn<number>(page, DOM_NODES);
    const heapAtEnd = await heapAfterGc(cdp);
    return { fcpMs, firstCardMs, worstFrameMs: Math.max(...frames), domNodes: Math.max(nodesAtTop, nodesAtEnd), heapAtFirstPaint, heapAtEnd };
  } finally {
    await page.close();
  }
}

/** A pause between pages, so the previous renderer's teardown is not measured as the next page's load. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 500));
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gallery bench: ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function bundleEagerBaseline(): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, 'media', 'galleryEager.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['chrome114'],
    logLevel: 'silent',
  });
  const bundle = result.outputFiles[0];
  if (!bundle) throw new Error('gallery bench: esbuild produced no output file for media/galleryEager.ts');
  return bundle.text;
}

/**
 * The order of one size's runs: interleaved, so drift on a shared machine affects both sides alike, and in
 * alternating order (ABBA), so neither side always follows the other's teardown (closing the eager page frees
 * tens of thousands of nodes). When the eager page has fewer runs, the virtualized page's extra runs come last.
 */
export function runOrder(runs: number, eagerRuns: number): ('ours' | 'eager')[] {
  const order: ('ours' | 'eager')[] = [];
  for (let i = 0; i < Math.max(runs, eagerRuns); i++) {
    const pair: ('ours' | 'eager')[] = i % 2 === 0 ? ['ours', 'eager'] : ['eager', 'ours'];
    for (const side of pair) if (i < (side === 'ours' ? runs : eagerRuns)) order.push(side);
  }
  return order;
}

/** A size's figures as bench lines: each with the eager page of the same run as its baseline. */
export function galleryLines(items: number, ours: readonly GalleryRunFigures[], eager: readonly GalleryRunFigures[]): GalleryBenchLine[] {
  const pick = (list: readonly GalleryRunFigures[], key: keyof GalleryRunFigures): number => Math.round(median(list.map((f) => f[key])) * 10) / 10;
  const b = GALLERY_BUDGETS;
  const heapAtFirstPaint = pick(ours, 'heapAtFirstPaint');
  const MB = 1024 * 1024;
  const mb = (bytes: number): number => Math.round((bytes / MB) * 100) / 100;
  return [
    { name: `gallery-${items}-fcp`, value: pick(ours, 'fcpMs'), unit: 'ms', budget: b.fcpMs, baseline: pick(eager, 'fcpMs'), ratioBudget: b.fcpRatio },
    {
      name: `gallery-${items}-first-card`,
      value: pick(ours, 'firstCardMs'),
      unit: 'ms',
      budget: b.firstCardMs,
      baseline: pick(eager, 'firstCardMs'),
      ratioBudget: b.firstCardRatio,
    },
    {
      name: `gallery-${items}-scroll-worst-frame`,
      value: pick(ours, 'worstFrameMs'),
      unit: 'ms',
      budget: b.worstFrameMs,
      baseline: pick(eager, 'worstFrameMs'),
      ratioBudget: b.worstFrameRatio,
    },
    { name: `gallery-${items}-dom-nodes`, value: pick(ours, 'domNodes'), unit: '', budget: b.domNodes, baseline: pick(eager, 'domNodes') },
    {
      // Baseline: the same page's heap at its first settled paint (the issue budgets only the ratio; the
      // absolute is that ratio in megabytes).
      name: `gallery-${items}-heap-after-scroll`,
      value: mb(pick(ours, 'heapAtEnd')),
      unit: 'MB',
      budget: mb(b.heapGrowthRatio * heapAtFirstPaint),
      baseline: mb(heapAtFirstPaint),
      ratioBudget: b.heapGrowthRatio,
    },
  ];
}

/** Both pages at every size of `sizes`, each size's runs interleaved; one line per figure and size. */
export async function runGalleryBench(sizes: readonly GallerySize[] = GALLERY_SIZES): Promise<GalleryBenchLine[]> {
  const browser = await launchChromium();
  const harness = await startGalleryHarness();
  try {
    harness.serve(EAGER_SCRIPT, await bundleEagerBaseline(), 'text/javascript');
    // Warm-up: browser start, font and image caches, JIT.
    const warmUp = GALLERY_SIZES[0];
    if (warmUp) {
      await measureOnce(browser, harness, warmUp, undefined);
      await measureOnce(browser, harness, warmUp, EAGER_SCRIPT);
    }
    const lines: GalleryBenchLine[] = [];
    for (const size of sizes) {
      const ours: GalleryRunFigures[] = [];
      const eager: GalleryRunFigures[] = [];
      for (const side of runOrder(size.runs, size.eagerRuns)) {
        await settle();
        const figures = await measureOnce(browser, harness, size, side === 'ours' ? undefined : EAGER_SCRIPT);
        (side === 'ours' ? ours : eager).push(figures);
        // Progress on stderr (a 10,000-item eager load takes a while): one line per page load.
        const f = figures;
        const heap = `${(f.heapAtFirstPaint / 2 ** 20).toFixed(1)}→${(f.heapAtEnd / 2 ** 20).toFixed(1)}MB`;
        console.error(`gallery bench: ${size.items} ${side}: fcp ${f.fcpMs.toFixed(0)} card ${f.firstCardMs.toFixed(0)} frame ${f.worstFrameMs.toFixed(0)} nodes ${f.domNodes} heap ${heap}`);
      }
      lines.push(...galleryLines(size.items, ours, eager));
    }
    return lines;
  } finally {
    await browser.close();
    await harness.close();
  }
}

if (require.main === module) {
  const started = Date.now();
  runGalleryBench()
    .then((lines) => {
      let missed = false;
      for (const line of lines) {
        const miss = budgetMiss(line);
        console.log(formatBenchLine(line) + (miss ? `  MISSED (${miss})` : ''));
        if (miss) missed = true;
      }
      console.log(`gallery bench: ${Math.round((Date.now() - started) / 1000)} s`);
      process.exitCode = missed ? 1 : 0;
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    });
}
