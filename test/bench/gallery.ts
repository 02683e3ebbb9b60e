/**
 * Gallery at scale (issue 6 §3): the BUILT gallery webview (dist/webview/gallery.js, virtualized) with 1,000
 * synthetic items in headless Chromium, against a baseline of the same page and cards rendered eagerly
 * (media/galleryEager.ts, bundled here on the fly), measured in the same run, the same way, with the same
 * harness and data: first contentful paint, when the first card is painted, the worst frame while scrolling
 * to the end, and the DOM node count. Medians of several interleaved runs after a warm-up.
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
 * - DOM nodes are counted settled at the top and again at the end; the figure is the larger.
 *
 * Run on its own with `node out/test/bench/gallery.js` (after `npm run build` and `npx tsc -p test`); it
 * prints one line per figure and exits non-zero if a budget is missed. test/bench/index.ts calls
 * `runGalleryBench()`.
 */
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { budgetMiss, formatBenchLine, median, type BenchLine } from './benchLine';
import { CHROMIUM_PATH, REPO_ROOT, launchChromium, startGalleryHarness, syntheticItems, type GalleryHarness } from '../gallery/harness';

export type GalleryBenchLine = BenchLine;

interface RunFigures {
  fcpMs: number;
  firstCardMs: number;
  worstFrameMs: number;
  domNodes: number;
}

const ITEM_COUNT = 1000;
const VIEWPORT = { width: 1100, height: 800 };
const EAGER_SCRIPT = '/bench/gallery-eager.js';
export const GALLERY_BUDGETS = { fcpMs: 300, firstCardMs: 300, worstFrameMs: 100, domNodes: 2000 } as const;

/**
 * Installed before the page's own scripts: reports FCP and the first card's paint time through the
 * `__benchPainted` binding once both are known.
 */
const PAINT_OBSERVERS = `(() => {
  let fcp;
  let firstCard;
  const settle = () => { if (fcp !== undefined && firstCard !== undefined) window.__benchPainted(fcp, firstCard); };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.name === 'first-contentful-paint') { fcp = entry.startTime; settle(); }
  }).observe({ type: 'paint', buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.identifier === 'first-card') { firstCard = entry.renderTime || entry.loadTime; settle(); }
  }).observe({ type: 'element', buffered: true });
  // A microtask after the insertion, so the attribute is there before the card's first paint.
  new MutationObserver((records, observer) => {
    const prompt = document.querySelector('.card .card-prompt');
    if (!prompt) return;
    prompt.setAttribute('elementtiming', 'first-card');
    observer.disconnect();
  }).observe(document, { childList: true, subtree: true });
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

/** Scrolls to the end one viewport per frame and returns every frame's duration (rAF to rAF). */
const SCROLL_TO_END = `(async () => {
  const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
  const frames = [];
  let last = await frame();
  const end = () => document.documentElement.scrollHeight - window.innerHeight;
  for (let y = 0; y < end(); ) {
    y = Math.min(end(), y + window.innerHeight);
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
const DOM_NODES = 'document.getElementsByTagName("*").length';

async function measureOnce(browser: Browser, harness: GalleryHarness, script: string | undefined): Promise<RunFigures> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  try {
    const items = syntheticItems(ITEM_COUNT, harness.imageUrl);
    let onPainted: (figures: { fcpMs: number; firstCardMs: number }) => void = () => undefined;
    const painted = new Promise<{ fcpMs: number; firstCardMs: number }>((resolve) => {
      onPainted = resolve;
    });
    await page.exposeFunction('__benchPainted', (fcpMs: number, firstCardMs: number) => onPainted({ fcpMs, firstCardMs }));
    await page.addInitScript(PAINT_OBSERVERS);
    await page.goto(harness.page({ items, theme: 'dark', ...(script ? { script } : {}) }));
    const { fcpMs, firstCardMs } = await withTimeout(painted, 30_000, 'the first card was never painted');
    // Settled: the page has reported what it rendered (after overscan, images and the report's debounce).
    await waitFor(page, `${RENDER_REPORTS} > 0`);
    const nodesAtTop = await evalIn<number>(page, DOM_NODES);
    const frames = await evalIn<number[]>(page, SCROLL_TO_END);
    const last = items.at(-1);
    if (!last) throw new Error(`gallery bench: syntheticItems(${ITEM_COUNT}) returned no items`);
    const lastId = last.localId;
    await waitFor(page, `document.querySelector('.card[data-id="${lastId}"]')`);
    const nodesAtEnd = await evalIn<number>(page, DOM_NODES);
    return { fcpMs, firstCardMs, worstFrameMs: Math.max(...frames), domNodes: Math.max(nodesAtTop, nodesAtEnd) };
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

export async function runGalleryBench(runs = 7): Promise<GalleryBenchLine[]> {
  const browser = await launchChromium();
  if (!browser) throw new Error(`gallery bench needs ${CHROMIUM_PATH} (apt-get install chromium)`);
  const harness = await startGalleryHarness();
  try {
    harness.serve(EAGER_SCRIPT, await bundleEagerBaseline(), 'text/javascript');
    // Warm-up: browser start, font and image caches, JIT.
    await measureOnce(browser, harness, undefined);
    await measureOnce(browser, harness, EAGER_SCRIPT);
    const ours: RunFigures[] = [];
    const eager: RunFigures[] = [];
    for (let i = 0; i < runs; i++) {
      // Interleaved, so drift on a shared machine affects both sides alike, and in alternating order (ABBA),
      // so neither side always follows the other's teardown (closing the eager page frees ~28,000 nodes).
      const order = i % 2 === 0 ? (['ours', 'eager'] as const) : (['eager', 'ours'] as const);
      for (const side of order) {
        await settle();
        if (side === 'ours') ours.push(await measureOnce(browser, harness, undefined));
        else eager.push(await measureOnce(browser, harness, EAGER_SCRIPT));
      }
    }
    const pick = (list: RunFigures[], key: keyof RunFigures): number => Math.round(median(list.map((f) => f[key])) * 10) / 10;
    return [
      { name: 'gallery-1000-fcp', value: pick(ours, 'fcpMs'), unit: 'ms', budget: GALLERY_BUDGETS.fcpMs, baseline: pick(eager, 'fcpMs') },
      {
        name: 'gallery-1000-first-card',
        value: pick(ours, 'firstCardMs'),
        unit: 'ms',
        budget: GALLERY_BUDGETS.firstCardMs,
        baseline: pick(eager, 'firstCardMs'),
      },
      {
        name: 'gallery-1000-scroll-worst-frame',
        value: pick(ours, 'worstFrameMs'),
        unit: 'ms',
        budget: GALLERY_BUDGETS.worstFrameMs,
        baseline: pick(eager, 'worstFrameMs'),
      },
      { name: 'gallery-1000-dom-nodes', value: pick(ours, 'domNodes'), unit: '', budget: GALLERY_BUDGETS.domNodes, baseline: pick(eager, 'domNodes') },
    ];
  } finally {
    await browser.close();
    await harness.close();
  }
}

if (require.main === module) {
  runGalleryBench()
    .then((lines) => {
      let missed = false;
      for (const line of lines) {
        console.log(formatBenchLine(line));
        if (budgetMiss(line)) missed = true;
      }
      process.exitCode = missed ? 1 : 0;
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    });
}
