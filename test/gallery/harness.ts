/**
 * A standalone harness for the gallery webview: a static server on 127.0.0.1 that serves the page GalleryPanel
 * writes — the BUILT `dist/webview/gallery.js`, stylesheet and codicon font written into the HTML under the
 * page's real CSP (built by `buildGalleryHtml`) — plus a fake `acquireVsCodeApi` (fakeVscodeApi.js) that
 * answers `ready` with synthetic items and records what the page posts. Images are small PNG files served over
 * HTTP (the CSP allows no `data:` images). Used by test/browser/galleryPage.test.ts and the gallery benchmark.
 *
 * The synthetic data is in scripts of their own (/harness/first|rest/<page>.js), not a block inside the HTML: a
 * 1,000-item block made the page ~470 KB, and the parser reached the page's own script ~70 ms later than on
 * the real page, which holds no data. They hold the messages the host would post, one JSON string each, and the
 * fake bridge asks for them when the page posts `ready` — GalleryPanel answers `ready`, so no byte of them
 * reaches a real page before — and delivers them one task after another.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import type { Browser } from 'playwright-core';
import { buildGalleryHtml, createNonce, jsonForScriptElement, type GalleryHtmlOptions } from '../../src/gallery/galleryHtml';
import { FIRST_STATE_ITEMS, stateMessages } from '../../src/gallery/galleryStateMessages';
import type { GalleryItem, GalleryStrings, HostToWebview } from '../../src/gallery/protocol';
import { ensureChromium } from '../launchers/vscodeServer';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--no-first-run'];

/** Repository root (this file compiles to out/test/gallery/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const SOURCE_DIR = path.join(REPO_ROOT, 'test', 'gallery');

export type HarnessTheme = 'light' | 'dark' | 'high-contrast';

export interface HarnessPage {
  readonly items: readonly GalleryItem[];
  readonly theme?: HarnessTheme;
  /**
   * URL path of a bundle served with `serve()`, written into the page instead of the built
   * dist/webview/gallery.js (the benchmark's eager baseline); a path nothing is served at leaves the page
   * without its script.
   */
  readonly script?: string;
  /** What `getState()` returns at start (e.g. a saved scroll position). */
  readonly savedState?: unknown;
  readonly locale?: string;
  /**
   * How the host hands over the history: `'host'` (default) as GalleryPanel does (`stateMessages`: a first
   * screen, then `append` messages); `'single'` as one `state` message with every item — the benchmark's
   * eager baseline, the naive page that gets everything at once and renders everything.
   * With `'host'` the first screen's `state` is embedded in the HTML as GalleryPanel embeds it (unless
   * `embedFirstScreen` is false: the page then waits for the host's answer to `ready`, as a host that could
   * not embed it would make it).
   */
  readonly delivery?: 'host' | 'single';
  readonly embedFirstScreen?: boolean;
}

export interface GalleryHarness {
  readonly origin: string;
  /** Registers a page and returns its URL. */
  page(options: HarnessPage): string;
  /** Serves extra bytes at `urlPath` (e.g. a baseline bundle). */
  serve(urlPath: string, body: Buffer | string, contentType: string): void;
  /** URL of a served PNG for synthetic item `index` (colour varies, shape follows the item's aspect ratio). */
  readonly imageUrl: (index: number) => string;
  close(): Promise<void>;
}

export const HARNESS_STRINGS: GalleryStrings = {
  title: 'Apiframe Images',
  listLabel: 'Image history',
  emptyTitle: 'No images yet',
  showLog: 'Show Log',
  noImage: 'No image cached',
  imageCount: '{0} images',
  progress: 'Generating {0}%',
  actions: {
    save: 'Save to Workspace',
    insert: 'Insert into Editor',
    insertAtCursor: 'Insert at Cursor',
    revealSaved: 'Reveal in Explorer',
    open: 'Open',
    copyPath: 'Copy Path',
    copyPrompt: 'Copy Prompt',
    rerun: 'Re-run',
    delete: 'Delete',
    resume: 'Resume',
    submitAnew: 'Submit Anew…',
  },
  lookAgain: 'Look Again',
  phases: {
    'pending-submit': 'Submitting',
    running: 'Generating',
    detached: 'Stopped waiting',
    downloading: 'Downloading',
    done: 'Done',
    failed: 'Failed',
    expired: 'Expired',
    'needs-decision': 'Needs your decision',
  },
  generate: 'Generate Image…',
  filterLabel: 'Filter by prompt',
  filterCount: '{0} of {1} images',
  filterNoMatch: 'No image prompt contains “{0}”.',
  keyboardHint: 'Arrow keys move between images. Enter reaches the image’s actions, Escape returns to the image.',
  cardActions: 'Image actions',
  moreActions: 'More Actions…',
  emptySteps: [
    'Set your Apiframe API key: run "Apiframe: Set API Key".',
    'Select some text in an editor and run "Apiframe: Generate Image from Selection".',
  ],
  stages: { submitting: 'Submitting', queued: 'Queued', generating: 'Generating', downloading: 'Downloading' },
  elapsedOfExpected: '{0} of about {1}',
  stoppedWaiting: 'Stopped waiting — still running on Apiframe',
  savedTo: 'Saved to {0}',
  announceReady: 'Image ready: {0}',
  announceFailed: 'Image failed: {0}',
  modelInUse: 'Model: {0}',
  accountCredits: { left: 'Credits left: {0}', leftStale: 'Credits left: {0} (could not refresh)', updated: 'Updated {0}' },
  credits: '{0} credits',
  creditOne: '{0} credit',
  candidates: '{0} candidates',
  compared: 'Compared: {0}',
  candidateLabel: 'Candidate {0} of {1}, {2}',
  imageLabel: 'Image {0} of {1}, {2}',
  chooseImage: 'Choose the image to save or insert',
  sourceAction: '{0} → {1}',
  variationOf: 'Variation of {0}',
  openSource: 'Open the source image: {0}',
  upscaleShort: 'U{0}',
  varyShort: 'V{0}',
  upscaleImage: 'Upscale image {0}',
  varyImage: 'Vary image {0}',
};

/** A deterministic UUID v4-shaped id for synthetic item `n`. */
export function syntheticId(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

const PROMPTS = [
  'A lighthouse on a basalt cliff at dawn, watercolor, soft mist rolling over the sea',
  'Isometric illustration of a tiny server room with plants and warm lamps',
  'Flat vector icon of a paper plane leaving a trail of code brackets',
  'A cozy reading nook inside a hollow tree, children’s book style',
  'Diagram-like poster of a rocket engine, blueprint lines on navy paper',
  'Hero image for a documentation site: mountains made of stacked books',
];

/**
 * `count` items, newest first, mostly finished with an image, with a few in every other phase so every
 * card variant is on screen near the top.
 */
export function syntheticItems(count: number, imageUrl: (index: number) => string): GalleryItem[] {
  const start = Date.UTC(2026, 10, 25, 12, 0, 0);
  const ratios: [string, number, number][] = [
    ['1:1', 1024, 1024],
    ['3:2', 1792, 1024],
    ['2:3', 1024, 1792],
  ];
  const items: GalleryItem[] = [];
  for (let i = 0; i < count; i++) {
    const prompt = `${PROMPTS[i % PROMPTS.length]} #${count - i}`;
    // `i % ratios.length` is always an index of the (non-empty, literal) ratios.
    const [aspectRatio, width, height] = ratios[i % ratios.length]!;
    const base = {
      localId: syntheticId(i + 1),
      prompt,
      alt: prompt,
      model: 'dall-e-3',
      aspectRatio,
      style: i % 2 ? 'natural' : 'vivid',
      createdAt: new Date(start - i * 7 * 60_000).toISOString(),
      imageCount: 1,
    };
    const phaseSlot = i < 8 ? i : -1;
    if (phaseSlot === 1) items.push({ ...base, phase: 'running', status: 'PROCESSING', progress: 42, imageCount: 0 });
    else if (phaseSlot === 3) items.push({ ...base, phase: 'detached', status: 'QUEUED', progress: null, imageCount: 0 });
    else if (phaseSlot === 5) {
      items.push({ ...base, phase: 'failed', status: 'FAILED', progress: null, imageCount: 0, error: 'Your prompt was rejected by the safety system.' });
    } else if (phaseSlot === 6) items.push({ ...base, phase: 'expired', progress: null, imageCount: 0, error: 'The result expired before it could be saved.' });
    else items.push({ ...base, phase: 'done', status: 'COMPLETED', progress: 100, image: { src: imageUrl(i), width, height } });
  }
  return items;
}

const PALETTE: [number, number, number][] = [
  [0x3b, 0x82, 0xf6],
  [0xf5, 0x9e, 0x0b],
  [0x10, 0xb9, 0x81],
  [0xef, 0x44, 0x44],
  [0x8b, 0x5c, 0xf6],
  [0x06, 0xb6, 0xd4],
];

/** A small gradient PNG so loaded images are visible in screenshots. */
function gradientPng(colour: [number, number, number], width = 96, height = 96): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const offset = (y * width + x) * 4;
      const t = (x + y) / (width + height);
      png.data[offset] = Math.round(colour[0] * (1 - t) + 255 * t * 0.35);
      png.data[offset + 1] = Math.round(colour[1] * (1 - t) + 255 * t * 0.35);
      png.data[offset + 2] = Math.round(colour[2] * (1 - t * 0.5));
      png.data[offset + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

/** The page's saved view state (what VS Code's `getState()` returns at start), set before the bridge runs. */
function savedStateScript(page: HarnessPage): string {
  return `window.__harnessSavedState = ${jsonForScriptElement(page.savedState ?? null)};`;
}

/**
 * The page's data scripts: the messages the host answers `ready` with (built by the host's own
 * `stateMessages`), each as a JSON string (a JavaScript string literal) that fakeVscodeApi.js parses when it
 * delivers it. The first message and the rest are two scripts, which the fake bridge loads when the page posts
 * `ready`: the first screen's message then reaches the page without waiting for the ~5 MB of the rest of a
 * 10,000-item history. Built when the page is registered, so the server's own work is not part of the page's load.
 */
function dataScripts(page: HarnessPage): { first: string; rest: string } {
  const messages = harnessMessages(page).map((message) => JSON.stringify(message));
  const part = (index: number, json: string[]): string =>
    `(window.__harnessMessages = window.__harnessMessages || [])[${index}] = ${JSON.stringify(json)};\nif (window.__onHarnessMessages) window.__onHarnessMessages();\n`;
  // An embedded first screen is in the HTML: the page never asks for it again.
  return { first: part(0, embeddedFirstScreen(page) ? [] : messages.slice(0, 1)), rest: part(1, messages.slice(1)) };
}

function harnessMessages(page: HarnessPage): HostToWebview[] {
  const firstItems = page.delivery === 'single' ? Number.POSITIVE_INFINITY : FIRST_STATE_ITEMS;
  return stateMessages(page.items, HARNESS_STRINGS, page.locale ?? 'en', firstItems);
}

/** The first screen GalleryPanel embeds in the page's HTML (snapshot 1), for pages delivered as the host does. */
function embeddedFirstScreen(page: HarnessPage): GalleryHtmlOptions['initialState'] {
  if (page.delivery === 'single' || page.embedFirstScreen === false) return undefined;
  const [first] = harnessMessages({ ...page, items: page.items.slice(0, FIRST_STATE_ITEMS) });
  return first && first.type === 'state' ? { snapshot: 1, message: { ...first, total: page.items.length } } : undefined;
}

export async function startGalleryHarness(): Promise<GalleryHarness> {
  const assets = new Map<string, { body: Buffer | string; type: string }>();
  const pages = new Map<string, HarnessPage>();
  const pageScripts = new Map<string, { first: string; rest: string; saved: string }>();
  const galleryJs = path.join(REPO_ROOT, 'dist', 'webview', 'gallery.js');
  if (!existsSync(galleryJs)) throw new Error('dist/webview/gallery.js is missing: run `npm run build` first');
  // As GalleryPanel does: the built script, stylesheet and icon font go into the page's HTML.
  const script = readFileSync(galleryJs, 'utf8');
  const stylesheet = readFileSync(path.join(REPO_ROOT, 'dist', 'webview', 'gallery.css'), 'utf8');
  const iconFont = readFileSync(path.join(REPO_ROOT, 'dist', 'codicons', 'codicon.ttf'));
  const bridgeScript = readFileSync(path.join(SOURCE_DIR, 'fakeVscodeApi.js'), 'utf8');
  const themes = new Map<HarnessTheme, string>();
  for (const theme of ['light', 'dark', 'high-contrast'] as const) themes.set(theme, readFileSync(path.join(SOURCE_DIR, `theme-${theme}.css`), 'utf8'));
  // One PNG per colour and aspect ratio (1:1, 3:2, 2:3, matching syntheticItems), small but the right shape.
  const shapes: [number, number][] = [
    [96, 96],
    [168, 96],
    [96, 168],
  ];
  PALETTE.forEach((colour, i) =>
    shapes.forEach(([w, h], s) => assets.set(`/images/${i}-${s}.png`, { body: gradientPng(colour, w, h), type: 'image/png' })),
  );

  let origin = '';
  const server: Server = createServer((request, response) => {
    const urlPath = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const page = pages.get(urlPath);
    if (page) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(renderPage(urlPath, page));
      return;
    }
    const data = /^\/harness\/(first|rest)(\/page-\d+)\.js$/.exec(urlPath);
    const scripts = data ? pageScripts.get(`${data[2]}.html`) : undefined;
    if (data && scripts) {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      response.end(scripts[data[1] as 'first' | 'rest']);
      return;
    }
    const asset = assets.get(urlPath);
    if (!asset) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': asset.type, 'cache-control': 'max-age=3600' });
    response.end(asset.body);
  });

  function renderPage(urlPath: string, page: HarnessPage): string {
    const nonce = createNonce();
    const scripts = pageScripts.get(urlPath);
    const bundle = page.script === undefined ? script : assets.get(page.script)?.body.toString() ?? '';
    const html = buildGalleryHtml(
      {
        cspSource: origin,
        script: bundle,
        stylesheet,
        iconFont,
        lang: page.locale ?? 'en',
        title: 'Apiframe Images',
        initialState: embeddedFirstScreen(page),
      },
      nonce,
    );
    // What VS Code writes into a real webview ahead of the page's CSP (which allows only the page's own nonce'd
    // style and script): the theme variables, then the acquireVsCodeApi() bridge (here with the saved state),
    // which loads the host's answer when the page posts `ready` (scripts carrying the page's nonce).
    const scriptPath = urlPath.replace(/\.html$/, '.js');
    const theme = `<style>${themes.get(page.theme ?? 'dark') ?? ''}</style>\n`;
    const bridge =
      `<script>${scripts?.saved ?? ''}</script>\n` +
      `<script nonce="${nonce}" data-first="${origin}/harness/first${scriptPath}" data-rest="${origin}/harness/rest${scriptPath}">${bridgeScript}</script>\n`;
    return html.replace('<meta http-equiv="Content-Security-Policy"', `${theme}${bridge}<meta http-equiv="Content-Security-Policy"`);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let pageCounter = 0;
  return {
    origin,
    page(options) {
      const urlPath = `/page-${++pageCounter}.html`;
      pages.set(urlPath, options);
      pageScripts.set(urlPath, { ...dataScripts(options), saved: savedStateScript(options) });
      return `${origin}${urlPath}`;
    },
    serve(urlPath, body, type) {
      assets.set(urlPath, { body, type });
    },
    imageUrl: (index) => `${origin}/images/${index % PALETTE.length}-${index % 3}.png`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Launches Debian's Chromium headless shell (see vscodeServer.ts for why not the full browser), installing it
 * first if it is missing (or failing with how to install it).
 */
export async function launchChromium(): Promise<Browser> {
  const executablePath = await ensureChromium(undefined, 'headless-shell');
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}
