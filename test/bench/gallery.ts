/**
 * Gallery at scale (issue 6 §3): the BUILT gallery webview (dist/webview/gallery.js, virtualized) with 1,000
 * synthetic items in headless Chromium, against a baseline of the same page and cards rendered eagerly
 * (media/galleryEager.ts, bundled here on the fly), measured in the same run: first contentful paint, the
 * worst frame while scrolling to the end, and the DOM node count. Medians of several runs after a warm-up.
 *
 * Run on its own with `node out/test/bench/gallery.js` (after `npm run build` and `npx tsc -p test`); it
 * prints one line per figure and exits non-zero if a budget is missed. test/bench/index.ts calls
 * `runGalleryBench()`.
 */
import * as esbuild from 'esbuild';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { formatBenchLine, median, type BenchLine } from './benchLine';
import { CHROMIUM_PATH, REPO_ROOT, launchChromium, startGalleryHarness, syntheticItems, type GalleryHarness } from '../gallery/harness';

export type GalleryBenchLine = BenchLine;

interface RunFigures {
  fcpMs: number;
  worstFrameMs: number;
  domNodes: number;
}

const ITEM_COUNT = 1000;
const VIEWPORT = { width: 1100, height: 800 };
const EAGER_SCRIPT = '/bench/gallery-eager.js';
export const GALLERY_BUDGETS = { fcpMs: 300, worstFrameMs: 100, domNodes: 2000 } as const;


function evalIn<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate(expression) as Promise<T>;
}

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

async function measureOnce(browser: Browser, harness: GalleryHarness, script: string | undefined): Promise<RunFigures> {
  const page = await browser.newPage({ viewport: VIEWPORT });
  try {
    const items = syntheticItems(ITEM_COUNT, harness.imageUrl);
    await page.goto(harness.page({ items, theme: 'dark', ...(script ? { script } : {}) }));
    await waitFor(page, `document.querySelectorAll('.card').length > 0 && performance.getEntriesByName('first-contentful-paint').length > 0`);
    const fcpMs = await evalIn<number>(page, `performance.getEntriesByName('first-contentful-paint')[0].startTime`);
    const domNodes = await evalIn<number>(page, 'document.getElementsByTagName("*").length');
    const frames = await evalIn<number[]>(page, SCROLL_TO_END);
    const lastId = items[items.length - 1].localId;
    await waitFor(page, `document.querySelector('.card[data-id="${lastId}"]')`);
    return { fcpMs, worstFrameMs: Math.max(...frames), domNodes };
  } finally {
    await page.close();
  }
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
  return result.outputFiles[0].text;
}

export async function runGalleryBench(runs = 5): Promise<GalleryBenchLine[]> {
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
      // Interleaved, so drift on a shared machine affects both sides alike.
      ours.push(await measureOnce(browser, harness, undefined));
      eager.push(await measureOnce(browser, harness, EAGER_SCRIPT));
    }
    const pick = (list: RunFigures[], key: keyof RunFigures): number => Math.round(median(list.map((f) => f[key])) * 10) / 10;
    return [
      { name: 'gallery-1000-fcp', value: pick(ours, 'fcpMs'), unit: 'ms', budget: GALLERY_BUDGETS.fcpMs, baseline: pick(eager, 'fcpMs') },
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
        if (line.value > line.budget) missed = true;
      }
      process.exitCode = missed ? 1 : 0;
    })
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    });
}
