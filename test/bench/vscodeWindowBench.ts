/**
 * Figures taken inside a real VS Code (code-server + headless Chromium): one fresh window per run, whose
 * history (journal + cached images) is seeded on disk before the window starts, running only
 * test/integration/benchInVscode.test.ts. In each window that test
 * - times the cold first use: `apiframe.generate` with every choice given → its `POST /v2/images/generate`
 *   arriving at the emulator, in a window where nothing has loaded the core bundle (and its undici) yet, so it
 *   includes loading them, starting the job manager on the seeded history, reading the key and the journal
 *   write that precedes every submit; then the same path warm (baseline);
 * - opens the gallery (Show Images invoked → first contentful paint and first card painted in the webview),
 *   then again twice (baseline: the host and the page's script are loaded);
 * - on the first open, asks this driver to measure the webview page as test/bench/gallery.ts measures the
 *   plain page: the worst frame while scrolling to the end one viewport per frame, DOM nodes, JS heap.
 * The paint times come from the webview's own document: an init script (DevTools, outside the page's CSP)
 * observes paint and Element Timing in every webview frame; the driver reads them with playwright.
 */
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CDPSession, Frame, Page } from 'playwright-core';
import { FIRST_CARD_TIMING } from '../../src/gallery/protocol';
import { Journal, JOURNAL_FILE, JOURNAL_VERSION } from '../../src/jobs/journal';
import { CODE_CACHE_FOLDER } from '../../src/startup/codeCache';
import type { Logger } from '../../src/shared/logger';
import { renderImage } from '../emulator/images';
import { DOM_NODES, scrollToEnd } from './gallery';
import {
  BENCH_FILE_ENV,
  BENCH_REQUEST_PREFIX,
  BENCH_VSCODE_ENV,
  answerFile,
  type BenchWindowFigures,
  type GalleryPaintAnswer,
  type GalleryRequest,
  type GalleryScrollAnswer,
} from '../integration/benchProtocol';
import { ensureInstalled, openWorkbench, PROJECT_ROOT, runCleanup, startVsCodeServer, withTimeout } from '../launchers/vscodeServer';

const EXTENSION_ID = 'apiframe-images.apiframe-images';
const WINDOW_TIMEOUT_MS = 6 * 60_000;

/**
 * Marks the first card's prompt for Element Timing and keeps FCP, in the gallery's webview document. Installed
 * from the webview's outer frame (pre/index.html): VS Code loads an empty fake.html into the inner frame and
 * writes the page into it, and Chromium reuses the inner frame's initial window for that load, so an init
 * script never runs in the inner document itself. The outer frame arms the inner document as soon as fake.html
 * has loaded, before the page's external script can run.
 */
const WEBVIEW_PAINT_OBSERVERS = `(() => {
  if (!location.pathname.endsWith('/webview/browser/pre/index.html')) return;
  const armed = new WeakSet();
  const arm = (frame) => {
    const w = frame.contentWindow;
    const d = frame.contentDocument;
    if (!w || !d || armed.has(d) || !String(d.location.pathname).endsWith('/fake.html')) return;
    armed.add(d);
    const state = { timeOrigin: w.performance.timeOrigin };
    w.__apiframeBenchPaint = state;
    new w.PerformanceObserver((list) => {
      for (const entry of list.getEntries()) if (entry.name === 'first-contentful-paint' && state.fcp === undefined) state.fcp = entry.startTime;
    }).observe({ type: 'paint', buffered: true });
    // As in gallery.ts's PAINT_OBSERVERS: whichever card is first is marked until one is painted, and a text
    // laid out before the attribute came is timed as a new node.
    const marks = new MutationObserver(() => {
      const prompt = d.querySelector('.card .card-prompt');
      if (!prompt || prompt.hasAttribute('elementtiming')) return;
      prompt.setAttribute('elementtiming', ${JSON.stringify(FIRST_CARD_TIMING)});
      const text = prompt.firstChild;
      if (text) prompt.replaceChild(d.createTextNode(text.data), text);
    });
    new w.PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if (entry.identifier !== ${JSON.stringify(FIRST_CARD_TIMING)} || state.firstCard !== undefined) continue;
        state.firstCard = entry.renderTime || entry.loadTime;
        marks.disconnect();
      }
    }).observe({ type: 'element', buffered: true });
    marks.observe(d, { childList: true, subtree: true });
  };
  const hooked = new WeakSet();
  new MutationObserver(() => {
    for (const frame of document.querySelectorAll('iframe')) {
      if (hooked.has(frame)) continue;
      hooked.add(frame);
      frame.addEventListener('load', () => arm(frame));
    }
  }).observe(document, { childList: true, subtree: true });
})()`;

/**
 * Scroll steps to the end: one viewport per frame at 1,000 items; at 10,000 (~1,100 viewports) a step of
 * several viewports per frame, as in the plain-Chromium bench.
 */
const SCROLL_FRAMES = 150;

interface PaintState {
  timeOrigin: number;
  fcp?: number;
  firstCard?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Writes `count` completed records (oldest first, each with one cached PNG hard-linked from one file) as the
 * journal of the extension's global storage, the way the job manager leaves them: a snapshot with its (empty)
 * change log. The records are written as a plain snapshot first, the format of versions before the change log,
 * then loaded and written once by the journal itself, as any window of this version does on its first write
 * (see src/jobs/journal.ts) — so the window's first use appends to the log, as every first use after that one
 * does, instead of paying that one-time conversion of the whole file.
 */
export async function seedHistory(storageDir: string, count: number): Promise<void> {
  const png = renderImage({ prompt: 'seeded history', seed: 3, index: 0, size: { width: 1024, height: 1024 }, style: 'vivid', imageScale: 1 / 4 });
  const imagesDir = path.join(storageDir, 'images');
  mkdirSync(imagesDir, { recursive: true });
  const source = path.join(storageDir, 'seed.png');
  writeFileSync(source, png);
  const start = Date.UTC(2026, 0, 1);
  const records = [];
  const stamps: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const localId = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
    mkdirSync(path.join(imagesDir, localId));
    linkSync(source, path.join(imagesDir, localId, '1.png'));
    const createdAt = new Date(start + i * 60_000);
    records.push({
      localId,
      idempotencyKey: localId,
      prompt: `seeded picture ${i + 1}: a harbour at dusk with fishing boats, watercolour, soft light`,
      model: 'dall-e-3',
      aspectRatio: '1:1',
      style: i % 2 ? 'natural' : 'vivid',
      createdAt: createdAt.toISOString(),
      jobId: `job_seed_${i}`,
      phase: 'done',
      status: 'COMPLETED',
      progress: 100,
      creditCost: 1,
      completedAt: new Date(createdAt.getTime() + 20_000).toISOString(),
      files: [{ file: `${localId}/1.png`, mime: 'image/png', bytes: png.length, width: 256, height: 256 }],
    });
    stamps[localId] = createdAt.getTime() + 20_000;
  }
  writeFileSync(path.join(storageDir, JOURNAL_FILE), JSON.stringify({ version: JOURNAL_VERSION, savedAt: new Date().toISOString(), records, stamps }));
  rmSync(source);
  const journal = new Journal({ dir: storageDir, log: QUIET });
  const { records: loaded } = await journal.load();
  const newest = loaded.at(-1);
  if (newest === undefined || loaded.length !== count) throw new Error(`the seeded journal reads back ${loaded.length} of ${count} records`);
  journal.put(newest);
  await journal.close();
}

const QUIET: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

async function paintState(frame: Frame): Promise<PaintState | undefined> {
  try {
    return await frame.evaluate<PaintState | undefined>('window.__apiframeBenchPaint');
  } catch {
    return undefined; // detached (a closed gallery) or not ready
  }
}

/** The webview document of the gallery just opened: the one frame with a painted first card. */
async function findPaintedGallery(page: Page, timeoutMs = 20_000): Promise<{ frame: Frame; state: Required<PaintState> }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (!frame.url().includes('/fake.html')) continue;
      const state = await paintState(frame);
      if (state?.firstCard !== undefined && state.fcp !== undefined) return { frame, state: state as Required<PaintState> };
    }
    await sleep(50);
  }
  // What each frame shows, to tell a page that never rendered from observers that never armed.
  const seen = await Promise.all(
    page.frames().map(async (f) => {
      const cards = await f.evaluate<number>('document.querySelectorAll(".card").length').catch(() => -1);
      return `${f.url().slice(-80)} paint=${JSON.stringify(await paintState(f))} cards=${cards}`;
    }),
  );
  throw new Error(`no webview painted a gallery card; frames:\n${seen.join('\n')}`);
}

/**
 * The JS heap the webview's page lives in, after a GC. A webview of code-server is served from the workbench's
 * origin, so it shares the workbench's renderer and heap: the figure then includes the workbench (the growth
 * while scrolling is still the page's, but the ratio to it is diluted, so it is a weaker check than the plain
 * page's in gallery.ts). A webview in a process of its own is measured alone.
 */
async function heapUsedBytes(page: Page, frame: Frame): Promise<{ bytes: number; source: string }> {
  let session: CDPSession;
  let source = "the webview's own process";
  try {
    session = await page.context().newCDPSession(frame);
  } catch {
    session = await page.context().newCDPSession(page);
    source = "the workbench's renderer (the webview shares its JS heap)";
  }
  try {
    await session.send('HeapProfiler.collectGarbage');
    const usage = await session.send('Runtime.getHeapUsage');
    return { bytes: usage.usedSize, source };
  } finally {
    await session.detach().catch(() => undefined);
  }
}

async function answerPaint(page: Page, request: GalleryRequest): Promise<GalleryPaintAnswer> {
  const { state } = await findPaintedGallery(page);
  return {
    fcpMs: state.timeOrigin + state.fcp - request.invokedAt,
    firstCardMs: state.timeOrigin + state.firstCard - request.invokedAt,
    documentStartMs: state.timeOrigin - request.invokedAt,
  };
}

async function answerScroll(page: Page): Promise<GalleryScrollAnswer> {
  const { frame } = await findPaintedGallery(page);
  // Settled at the top: images decoded, the page's deferred work done.
  await sleep(1500);
  const nodesAtTop = await frame.evaluate<number>(DOM_NODES);
  const heapAtFirstPaint = await heapUsedBytes(page, frame);
  const frames = await frame.evaluate<number[]>(scrollToEnd(SCROLL_FRAMES));
  await sleep(1500);
  const nodesAtEnd = await frame.evaluate<number>(DOM_NODES);
  const cards = await frame.evaluate<number>('document.querySelectorAll(".card").length');
  const heapAtEnd = await heapUsedBytes(page, frame);
  return {
    worstFrameMs: Math.max(...frames),
    frames: frames.length,
    domNodes: Math.max(nodesAtTop, nodesAtEnd),
    heapAtFirstPaintBytes: heapAtFirstPaint.bytes,
    heapAtEndBytes: heapAtEnd.bytes,
    heapSource: heapAtFirstPaint.source,
    cards,
  };
}

async function answer(page: Page, benchFile: string, request: GalleryRequest): Promise<void> {
  let result: GalleryPaintAnswer | GalleryScrollAnswer | { error: string };
  try {
    result = request.kind === 'paint' ? await answerPaint(page, request) : await answerScroll(page);
  } catch (error) {
    result = { error: error instanceof Error ? error.message : String(error) };
  }
  const target = answerFile(benchFile, request.id);
  writeFileSync(`${target}.partial`, JSON.stringify(result));
  renameSync(`${target}.partial`, target);
}

export interface WindowOptions {
  /** Completed records in the history before the window starts. */
  readonly historyRecords: number;
  /**
   * A folder standing for the code cache a user's earlier windows left in global storage (src/startup/
   * codeCache.ts): its files are put into the window's global storage before it starts, and the window's are
   * put back into it when it ends. Without it, the window is the first after an install.
   */
  readonly codeCacheDir?: string;
}

function copyFolder(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) copyFileSync(path.join(from, name), path.join(to, name));
}

/** One fresh VS Code window running the bench test; returns its figures. */
export async function measureWindow(options: WindowOptions): Promise<BenchWindowFigures> {
  const benchDir = mkdtempSync(path.join(os.tmpdir(), 'apiframe-bench-window-'));
  const benchFile = path.join(benchDir, 'figures.json');
  try {
    const tools = await ensureInstalled();
    const server = await startVsCodeServer({
      tools,
      workspaceTemplate: path.join(PROJECT_ROOT, 'test', 'fixtures', 'demo-workspace'),
      extensionDevelopmentPath: PROJECT_ROOT,
      smokeTestDriver: true,
      // The setting's range is 1–10,000: a full 10,000-record history drops its oldest records as jobs are added.
      userSettings: { 'apiframe.historyLimit': Math.min(10_000, Math.max(500, options.historyRecords + 10)) },
    });
    const storageDir = path.join(server.tempDir, 'user-data', 'User', 'globalStorage', EXTENSION_ID);
    await seedHistory(storageDir, options.historyRecords);
    const windowCodeCache = path.join(storageDir, CODE_CACHE_FOLDER);
    if (options.codeCacheDir && existsSync(options.codeCacheDir)) copyFolder(options.codeCacheDir, windowCodeCache);
    const url = server.workbenchUrl({
      extensionTestsPath: path.join(PROJECT_ROOT, 'out', 'test', 'integration', 'index.js'),
      extensionEnvironment: {
        [BENCH_VSCODE_ENV]: '1',
        [BENCH_FILE_ENV]: benchFile,
        APIFRAME_TEST_GREP: 'bench in VS Code',
      },
    });
    let finish: (code: number) => void = () => undefined;
    const finished = new Promise<number>((resolve) => (finish = resolve));
    const log: string[] = [];
    const opened: { page?: Page } = {};
    const pending: Promise<void>[] = [];
    const driver = await openWorkbench(tools, server, url, {
      initScript: WEBVIEW_PAINT_OBSERVERS,
      onLog(_type, text) {
        if (text.startsWith(BENCH_REQUEST_PREFIX) && opened.page) {
          pending.push(answer(opened.page, benchFile, JSON.parse(text.slice(BENCH_REQUEST_PREFIX.length)) as GalleryRequest));
          return;
        }
        if (process.env.APIFRAME_BENCH_VERBOSE === '1') console.log(text);
        log.push(text);
        if (log.length > 300) log.shift();
      },
      onExit: (code) => finish(code),
    });
    opened.page = driver.page;
    const code = await withTimeout(finished, WINDOW_TIMEOUT_MS, 'the VS Code bench window');
    await Promise.all(pending);
    if (code !== 0) throw new Error(`the bench test failed in VS Code (exit ${code}):\n${log.slice(-60).join('\n')}`);
    if (options.codeCacheDir && existsSync(windowCodeCache)) {
      rmSync(options.codeCacheDir, { recursive: true, force: true });
      copyFolder(windowCodeCache, options.codeCacheDir);
    }
    return JSON.parse(readFileSync(benchFile, 'utf8')) as BenchWindowFigures;
  } finally {
    await runCleanup();
    rmSync(benchDir, { recursive: true, force: true });
  }
}
