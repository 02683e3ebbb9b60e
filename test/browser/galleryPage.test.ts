/**
 * Drives the BUILT gallery page (dist/webview/gallery.js under its real CSP) in Chromium's headless shell through
 * the standalone harness in test/gallery/ (which installs it on first use). Needs `npm run build` first.
 */
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { FIRST_CARD_TIMING, type CardButton, type GalleryItem, type WebviewToHost } from '../../src/gallery/protocol';
import { stateMessages } from '../../src/gallery/galleryStateMessages';
import {
  HARNESS_STRINGS,
  launchChromium,
  startGalleryHarness,
  syntheticId,
  syntheticItems,
  type GalleryHarness,
  type HarnessPage,
} from '../gallery/harness';

interface OpenedPage {
  readonly page: Page;
  readonly dialogs: string[];
  readonly cspViolations: string[];
  readonly pageErrors: string[];
}

/** Evaluates an expression in the page (the test tsconfig has no DOM types, so the code is a string). */
function evalIn<T>(page: Page, expression: string): Promise<T> {
  return page.evaluate<T>(expression);
}

/**
 * The DOM members the locator callbacks below use. The test tsconfig has no DOM lib, so Playwright's
 * `Element` types do not resolve here; the callbacks' parameters are typed with this instead.
 */
interface PageElement {
  readonly tagName: string;
  readonly className: string;
  readonly textContent: string | null;
  readonly scrollWidth: number;
  readonly clientWidth: number;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { readonly width: number; readonly height: number; readonly top: number; readonly left: number; readonly bottom: number; readonly right: number };
  querySelector(selectors: string): PageElement | null;
  querySelectorAll(selectors: string): Iterable<PageElement>;
}

/** `list[index]`, failing the test when the list is shorter than the test expects. */
function nth<T>(list: readonly T[], index: number): T {
  const item = list[index];
  assert.ok(item !== undefined, `expected an item at index ${index} of ${list.length}`);
  return item;
}

function posted(page: Page): Promise<WebviewToHost[]> {
  return evalIn<WebviewToHost[]>(page, 'window.__posted');
}

async function lastPosted(page: Page): Promise<WebviewToHost | undefined> {
  return (await posted(page)).filter((m) => m.type !== 'rendered').at(-1);
}

function hostPost(page: Page, message: unknown): Promise<void> {
  return evalIn<void>(page, `window.__hostPost(${JSON.stringify(message)})`);
}

/**
 * Polls an expression until it is truthy. (Playwright's waitForFunction compiles string predicates inside the
 * page, which the page's CSP — rightly — forbids; evaluate() goes through the DevTools protocol instead.)
 */
async function waitFor(page: Page, expression: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await evalIn<boolean>(page, `!!(${expression})`))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function waitForReport(page: Page, predicate: string): Promise<void> {
  return waitFor(page, `(() => { const r = window.__posted.filter((m) => m.type === 'rendered').at(-1); return !!r && (${predicate}); })()`);
}

describe('gallery page (Chromium headless shell)', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let harness: GalleryHarness | undefined;
  const opened: Page[] = [];

  before(async function () {
    // Installs Chromium on first use (minutes): the browser suite runs before the integration suite would.
    this.timeout(30 * 60_000);
    browser = await launchChromium();
    harness = await startGalleryHarness();
  });

  after(async () => {
    await browser?.close();
    await harness?.close();
  });

  afterEach(async () => {
    for (const page of opened.splice(0)) await page.close();
  });

  async function open(options: HarnessPage, viewport = { width: 1100, height: 800 }): Promise<OpenedPage> {
    assert.ok(browser && harness);
    const page = await browser.newPage({ viewport });
    opened.push(page);
    const result: OpenedPage = { page, dialogs: [], cspViolations: [], pageErrors: [] };
    page.on('dialog', (dialog) => {
      result.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) result.cspViolations.push(message.text());
    });
    page.on('pageerror', (error) => result.pageErrors.push(error.message));
    await page.goto(harness.page(options));
    await waitForReport(page, 'true');
    return result;
  }

  function items(count: number): GalleryItem[] {
    assert.ok(harness);
    return syntheticItems(count, harness.imageUrl);
  }

  /** The id of the focused card, the action of the focused button, or the focused element's class. */
  function focused(page: Page): Promise<string> {
    return evalIn<string>(
      page,
      `(() => { const a = document.activeElement; if (!a || a === document.body) return 'body'; if (a.classList.contains('more-button')) return 'more'; return a.dataset.action ?? a.dataset.id ?? a.className; })()`,
    );
  }

  /**
   * Waits for a card's toolbar to reach `opacity` (it is transparent until the card is hovered or focused,
   * unless the card waits for the user; the change is a short transition).
   */
  function toolbarOpacity(page: Page, localId: string, opacity: '0' | '1'): Promise<void> {
    return waitFor(page, `getComputedStyle(document.querySelector('.card[data-id="${localId}"] .card-toolbar')).opacity === '${opacity}'`, 2000);
  }

  /** The expected report of a card: its shown buttons, then its menu's. */
  const BUTTONS_BY_PHASE: Partial<Record<GalleryItem['phase'], CardButton[]>> = {
    done: ['insert', 'save', 'open', 'insertAtCursor', 'copyPath', 'copyPrompt', 'rerun', 'delete'],
    running: ['copyPrompt', 'rerun', 'delete'],
    detached: ['resume', 'rerun', 'copyPrompt', 'delete'],
    failed: ['rerun', 'showLog', 'copyPrompt', 'delete'],
    expired: ['rerun', 'copyPrompt', 'delete'],
  };

  it('renders cards newest first with prompt, meta, status and loaded images, and reports every button', async () => {
    const list = items(12);
    const { page, cspViolations, pageErrors } = await open({ items: list });
    const ids = await page.locator('.card').evaluateAll((cards: PageElement[]) => cards.map((c) => c.getAttribute('data-id')));
    assert.deepEqual(ids, list.map((i) => i.localId));
    assert.equal(await page.locator('.card').first().locator('.card-prompt').textContent(), nth(list, 0).prompt);
    assert.equal(await page.locator('.card').first().locator('.card-meta').textContent(), 'dall-e-3 · 1:1 · vivid');
    const running = page.locator(`.card[data-id="${syntheticId(2)}"]`);
    assert.equal(await running.locator('progress').getAttribute('value'), '42');
    assert.equal(await running.locator('.phase').textContent(), 'Generating');
    assert.equal(await running.locator('.progress-label').textContent(), '42%');
    assert.equal(await page.locator(`.card[data-id="${syntheticId(6)}"] .error-text`).textContent(), nth(list, 5).error);
    // Width/height come from the item, so the layout is known before the image arrives; alt is the prompt.
    const img = page.locator('.card').first().locator('img');
    assert.equal(await img.getAttribute('width'), '1024');
    assert.equal(await img.getAttribute('alt'), nth(list, 0).alt);

    const withImages = list.filter((i) => i.image).map((i) => i.localId);
    await waitForReport(page, `r.loadedImages.length === ${withImages.length}`);
    const report = (await posted(page)).filter((m) => m.type === 'rendered').at(-1);
    const buttons = list.map((item) => BUTTONS_BY_PHASE[item.phase]);
    assert.deepEqual(report, { type: 'rendered', total: 12, localIds: ids, buttons, loadedImages: withImages, failedImages: [] });
    // Screen readers: a labelled list of list items, each named by its prompt and described by its state.
    assert.equal(await page.locator('[role="list"]').getAttribute('aria-label'), 'Image history');
    assert.equal(await page.locator('[role="listitem"]').count(), 12);
    const first = page.locator('.card').first();
    assert.equal(await page.locator(`#${(await first.getAttribute('aria-labelledby')) ?? 'none'}`).textContent(), nth(list, 0).prompt);
    assert.match((await page.locator(`#status-${nth(list, 0).localId}`).textContent()) ?? '', /^Done/);
    assert.deepEqual(cspViolations, []);
    assert.deepEqual(pageErrors, []);
  });

  it('lays the grid out in 1 to 4 columns by panel width, thumbnails at the image’s aspect ratio, boxes reserved before loading', async () => {
    const list = items(12);
    const seen: number[] = [];
    for (const width of [400, 560, 800, 1100, 1800]) {
      const { page } = await open({ items: list }, { width, height: 800 });
      const columns = await evalIn<number>(page, 'getComputedStyle(document.querySelector(".feed-window")).gridTemplateColumns.split(" ").length');
      assert.equal(await page.locator('.feed-window').getAttribute('data-columns'), String(columns), 'the layout and the CSS grid agree');
      seen.push(columns);
      // Each thumbnail box has its image's shape (1:1, 3:2; portraits at most 4:5), whatever the column width.
      const boxes = await page.locator('.card-media').evaluateAll((list: PageElement[]) => list.slice(0, 3).map((m) => m.getBoundingClientRect()));
      const [square, wide, tall] = boxes;
      assert.ok(square && wide && tall);
      assert.ok(Math.abs(square.height - Math.min(480, square.width)) <= 1, `1:1 box at ${width}px`);
      assert.ok(Math.abs(wide.width * (1024 / 1792) - wide.height) <= 1.5, `3:2 box at ${width}px`);
      // Cards in one row start at the same height; none overlaps the next row.
      const overlaps = await evalIn<number>(
        page,
        `(() => { const cards = [...document.querySelectorAll('.card')].map((c) => c.getBoundingClientRect()); let bad = 0; for (const a of cards) for (const b of cards) if (a !== b && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) bad++; return bad; })()`,
      );
      assert.equal(overlaps, 0, `overlapping cards at ${width}px`);
    }
    assert.deepEqual(seen, [1, 2, 3, 4, 4]);

    // The box is there before the image: a card whose image never arrives keeps the same height.
    const slow: GalleryItem = { ...nth(list, 1), image: { src: `${harness?.origin ?? ''}/never.png`, width: 1792, height: 1024 } };
    const { page } = await open({ items: [slow] }, { width: 600, height: 800 });
    const box = await page.locator('.card-media').evaluate((m: PageElement) => m.getBoundingClientRect());
    const card = await page.locator('.card').evaluate((c: PageElement) => c.getBoundingClientRect());
    assert.ok(box.height > 100, 'the thumbnail box is reserved');
    assert.ok(Math.abs((box.width * 1024) / 1792 - box.height) <= 1.5);
    assert.ok(card.width > 0);
  });

  it('keeps markup in prompts and errors as inert text', async () => {
    const [first, second] = items(2);
    assert.ok(first && second, 'items(2) returns two items');
    const hostile: GalleryItem[] = [
      { ...first, prompt: '<img src=x onerror=alert(1)>', alt: '<img src=x onerror=alert(1)>', savedPath: '<b>images/x.png</b>' },
      { ...second, phase: 'failed', image: undefined, error: '<script>alert(2)</script><b>bold</b>' },
    ];
    // The first screen travels inside the page's HTML too: a prompt must not be able to end its data block.
    const breakout = { ...first, localId: '00000000-0000-4000-8000-00000000b00b', prompt: '</script><script>alert(3)</script>\u2028<!--' };
    const { page, dialogs } = await open({ items: [breakout, ...hostile] });
    await waitForReport(page, 'r.loadedImages.length === 2');
    assert.equal(await page.locator('.card-prompt').first().textContent(), breakout.prompt);
    assert.equal(await page.locator('.card-prompt').nth(1).textContent(), '<img src=x onerror=alert(1)>');
    assert.equal(await page.locator('.error-text').textContent(), '<script>alert(2)</script><b>bold</b>');
    assert.equal(await page.locator('.saved-text').textContent(), 'Saved to <b>images/x.png</b>');
    assert.equal(await page.locator('img').count(), 2, 'only the cached images are <img> elements');
    // The harness's saved state and bridge (written ahead of the page's CSP, as VS Code writes its bridge), the
    // page's own script, and the data scripts the bridge loaded: the data block was read and removed, no script
    // was added.
    assert.equal(await page.locator('script:not([src])').count(), 3, 'the harness’s two and the page’s own');
    assert.equal(await page.locator('script[src]:not([src*="/harness/"])').count(), 0, 'no script but the bridge’s data');
    assert.equal(await page.locator('img[src="x"], .card script, .card b').count(), 0);
    assert.deepEqual(dialogs, []);
  });

  it('paints the first screen from the HTML before the host answers, and then asks only for the rest', async () => {
    assert.ok(harness && browser);
    const list = items(200);
    const embedded = await open({ items: list });
    await waitFor(embedded.page, `document.querySelectorAll('.card').length > 0`);
    assert.deepEqual(await evalIn(embedded.page, 'window.__posted[0]'), { type: 'ready', shown: 1 });
    assert.equal(await evalIn<number>(embedded.page, `document.querySelectorAll('#gallery-initial-state').length`), 0, 'read once, then removed');
    // The rest arrives in `append` messages: the whole history is there, in order, without a second `state`.
    await evalIn(embedded.page, 'window.scrollTo(0, document.documentElement.scrollHeight)');
    await waitFor(embedded.page, `document.querySelector('.card[data-id="${list.at(-1)?.localId ?? ''}"]')`);

    // Without an embedded first screen the page waits for the host's `state` and says it shows nothing yet.
    const plain = await open({ items: list, embedFirstScreen: false });
    assert.deepEqual(await evalIn(plain.page, 'window.__posted[0]'), { type: 'ready' });
    assert.equal(await evalIn<string>(plain.page, `document.querySelector('.card-prompt').textContent`), list[0]?.prompt);
  });

  it('paints the first cards from the HTML before its script runs, in the live page’s boxes, and the live page replaces them', async () => {
    assert.ok(harness && browser);
    const [first, second, ...rest] = items(40);
    assert.ok(first && second);
    const hostile: GalleryItem[] = [
      { ...first, prompt: '</main><script>alert(1)</script><b>x</b>', alt: '<img src=x onerror=alert(2)>' },
      { ...second, phase: 'failed', image: undefined, error: '<img src=x onerror=alert(3)>' },
      ...rest,
    ];
    const boxes = `[...document.querySelectorAll('.card')].slice(0, 16).map((card) => {
      const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; };
      return [...box(card), ...box(card.querySelector('.card-media')), ...box(card.querySelector('.card-prompt'))];
    })`;
    for (const width of [420, 760, 1100, 1700]) {
      // The picture alone: the page's script never arrives.
      const still = await browser.newPage({ viewport: { width, height: 900 } });
      opened.push(still);
      const dialogs: string[] = [];
      still.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await still.goto(harness.page({ items: hostile, script: '/no-such-script.js' }));
      assert.equal(await evalIn<number>(still, `document.querySelectorAll('#gallery-first-screen[aria-hidden="true"][inert] .card').length`), 16);
      assert.equal(await evalIn<number>(still, `document.querySelectorAll('#gallery-first-screen [id], #gallery-first-screen script, #gallery-first-screen b').length`), 0);
      assert.equal(await evalIn<string>(still, `document.querySelector('.card-prompt').textContent`), hostile[0]?.prompt);
      assert.equal(await evalIn<string>(still, `document.querySelector('.error-text').textContent`), '<img src=x onerror=alert(3)>');
      assert.equal(await evalIn<string>(still, `document.querySelector('.toolbar-count').textContent`), '40');
      const pictured = await evalIn<number[][]>(still, boxes);

      const { page } = await open({ items: hostile }, { width, height: 900 });
      assert.equal(await evalIn<number>(page, `document.querySelectorAll('#gallery-first-screen').length`), 0, 'the live page replaced the picture');
      const live = await evalIn<number[][]>(page, boxes);
      assert.ok(live.length > 0);
      live.forEach((card, index) =>
        card.forEach((value, field) => {
          const before = pictured[index]?.[field];
          assert.ok(before !== undefined && Math.abs(before - value) <= 2, `card ${index} field ${field} at ${width}px: picture ${before}, live ${value}`);
        }),
      );
      assert.deepEqual(dialogs, []);
    }
  });

  it('paints the header a frame before the cards, and builds the live page once the first card is on the screen', async () => {
    assert.ok(harness && browser);
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    opened.push(page);
    // Times from the browser (performance.now()'s clock): the first contentful paint, the picture's first card
    // on the screen (Element Timing), and the task that took the picture away (the live page replacing it).
    await page.addInitScript(`(() => {
      const times = (window.__times = {});
      new PerformanceObserver((list) => {
        for (const entry of list.getEntriesByName('first-contentful-paint')) times.fcp = entry.startTime;
      }).observe({ type: 'paint', buffered: true });
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (entry.identifier === ${JSON.stringify(FIRST_CARD_TIMING)}) times.card = entry.renderTime;
      }).observe({ type: 'element', buffered: true });
      new MutationObserver((mutations) => {
        for (const mutation of mutations)
          for (const node of mutation.removedNodes) if (node.id === 'gallery-first-screen') times.replaced = performance.now();
      }).observe(document, { childList: true, subtree: true });
    })()`);
    await page.goto(harness.page({ items: items(40) }));
    await waitFor(page, 'window.__times.replaced !== undefined && window.__times.card !== undefined');
    const times = await evalIn<{ fcp: number; card: number; replaced: number }>(page, 'window.__times');
    assert.ok(times.fcp < times.card, `the header (${times.fcp} ms) is painted in a frame before the first card (${times.card} ms)`);
    assert.ok(times.replaced > times.card, `the live page (${times.replaced} ms) replaces the picture after its first card is shown (${times.card} ms)`);
  });

  it('names the model in use in the header once the host says it, and follows a change', async () => {
    const { page } = await open({ items: items(3) });
    assert.equal(await evalIn<boolean>(page, `document.querySelector('.toolbar-model').hidden`), true, 'hidden until the host names it');
    await evalIn(page, `window.__hostPost({ type: 'model', label: 'DALL·E 3' })`);
    await waitFor(page, `document.querySelector('.toolbar-model').textContent === 'Model: DALL·E 3'`);
    await evalIn(page, `window.__hostPost({ type: 'model', label: 'FLUX 1.1 Pro' })`);
    await waitFor(page, `document.querySelector('.toolbar-model').textContent === 'Model: FLUX 1.1 Pro' && !document.querySelector('.toolbar-model').hidden`);
  });

  it('posts the right message for every button, shown or in the overflow menu', async () => {
    const list = items(8);
    const { page } = await open({ items: list });
    const done = nth(list, 0).localId;
    const card = page.locator(`.card[data-id="${done}"]`);
    // Shown on hover: the most useful three.
    await toolbarOpacity(page, done, '0');
    await card.hover();
    await toolbarOpacity(page, done, '1');
    for (const action of ['insert', 'save', 'open']) {
      await card.locator(`.card-toolbar button[data-action="${action}"]`).click();
      assert.deepEqual(await lastPosted(page), { type: 'action', action, localId: done });
    }
    // The rest through "More Actions…".
    for (const action of ['insertAtCursor', 'copyPath', 'copyPrompt', 'rerun', 'delete']) {
      await card.locator('.more-button').click();
      assert.equal(await card.locator('.more-button').getAttribute('aria-expanded'), 'true');
      await page.locator(`.card-menu [role="menuitem"][data-action="${action}"]`).click();
      assert.deepEqual(await lastPosted(page), { type: 'action', action, localId: done });
      assert.ok(await page.locator('.card-menu').isHidden(), 'picking closes the menu');
    }
    assert.equal(await card.locator('button[data-action="resume"]').count(), 0);

    const detached = syntheticId(4);
    await page.locator(`.card[data-id="${detached}"] button[data-action="resume"]`).click();
    assert.deepEqual(await lastPosted(page), { type: 'action', action: 'resume', localId: detached });
    // No image yet: nothing to save, insert, open or copy the path of.
    assert.equal(await page.locator(`.card[data-id="${detached}"] button[data-action="save"]`).count(), 0);

    await page.locator(`.card[data-id="${syntheticId(6)}"] button[data-action="showLog"]`).click();
    assert.deepEqual(await lastPosted(page), { type: 'showLog' });

    const labels = await card.locator('button').evaluateAll((buttons: PageElement[]) => buttons.map((b) => [b.getAttribute('aria-label'), b.getAttribute('title')]));
    assert.deepEqual(labels[0], ['Insert into Editor', 'Insert into Editor']);
    assert.ok(labels.every(([label, title]) => label && label === title));

    await page.locator('.toolbar .generate-button').click();
    assert.deepEqual(await lastPosted(page), { type: 'generate' });
    await page.locator('.toolbar .log-button').click();
    assert.deepEqual(await lastPosted(page), { type: 'showLog' });
  });

  it('shows where an image was saved, with Reveal in Explorer; and Insert at Cursor in the menu', async () => {
    const [first, , second] = items(3);
    assert.ok(first && second);
    const saved: GalleryItem = { ...first, savedPath: 'images/lighthouse-dawn.png' };
    const { page } = await open({ items: [saved, second] });
    const card = page.locator(`.card[data-id="${saved.localId}"]`);
    assert.equal(await card.locator('.saved-text').textContent(), 'Saved to images/lighthouse-dawn.png');
    const describedBy = ((await card.getAttribute('aria-describedby')) ?? '').split(' ');
    const described = await Promise.all(describedBy.map((id) => page.locator(`#${id}`).textContent()));
    assert.ok(described.some((text) => text?.includes('Saved to images/lighthouse-dawn.png')), 'screen readers hear where it was saved');
    assert.deepEqual(await card.locator('.card-toolbar button[data-action]').evaluateAll((list: PageElement[]) => list.map((b) => b.getAttribute('data-action'))), ['insert', 'revealSaved', 'open']);
    await card.hover();
    await card.locator('button[data-action="revealSaved"]').click();
    assert.deepEqual(await lastPosted(page), { type: 'action', action: 'revealSaved', localId: saved.localId });
    // An unsaved card says nothing about saving, and keeps Save.
    assert.equal(await page.locator(`.card[data-id="${second.localId}"] .saved-text`).count(), 0);
    await waitForReport(page, 'r.buttons.length === 2');
    const report = (await posted(page)).filter((m) => m.type === 'rendered').at(-1);
    assert.ok(report?.type === 'rendered');
    assert.deepEqual(report.buttons[0], ['insert', 'revealSaved', 'open', 'save', 'insertAtCursor', 'copyPath', 'copyPrompt', 'rerun', 'delete']);
    // No empty band anywhere in a card (the buttons float over the thumbnail): its last line of text ends at
    // the card's bottom padding, with or without a detail line.
    for (const [localId, last] of [[second.localId, '.card-status'], [saved.localId, '.card-detail']] as const) {
      const slack = await page.locator(`.card[data-id="${localId}"]`).evaluate(
        (c: PageElement, selector: string) => {
          const line = c.querySelector(selector);
          return line ? c.getBoundingClientRect().bottom - line.getBoundingClientRect().bottom : -1;
        },
        last,
      );
      assert.ok(slack >= 0 && slack <= 16, `${slack} px below the last line of ${localId}`);
    }
  });

  it('says where a job stands: the stage, a percent only when known, else elapsed time against the expected one', async () => {
    const [first, second, third, fourth] = items(4);
    assert.ok(first && second && third && fourth);
    const since = new Date(Date.now() - 12_000).toISOString();
    const base = { image: undefined, imageCount: 0, progress: null } as const;
    const queued: GalleryItem = { ...first, ...base, phase: 'running', status: 'PROCESSING', stage: { stage: 'queued', percent: null, since } };
    const timed: GalleryItem = { ...second, ...base, phase: 'running', status: 'PROCESSING', stage: { stage: 'generating', percent: null, since, expectedSeconds: 20 } };
    const untimed: GalleryItem = { ...third, ...base, phase: 'running', status: 'PROCESSING', stage: { stage: 'generating', percent: null, since } };
    const stopped: GalleryItem = { ...fourth, ...base, phase: 'detached', interruption: 'Network error.' };
    const { page } = await open({ items: [queued, timed, untimed, stopped] });
    const at = (item: GalleryItem, selector: string): Promise<string | null> => page.locator(`.card[data-id="${item.localId}"] ${selector}`).textContent();
    // A queued job never says "Generating", even when the server's status already reads PROCESSING.
    assert.equal(await at(queued, '.phase-label'), 'Queued');
    assert.equal(await at(queued, '.placeholder-text'), 'Queued');
    // Elapsed since the job started 12 s before the page opened (a loaded machine may take a while to open it).
    const seconds = (text: string | null): number => {
      const match = /^0:(\d\d)/.exec(text ?? '');
      return match ? Number(match[1]) : -1;
    };
    const timedText = await at(timed, '.progress-label');
    assert.match(timedText ?? '', /^0:\d\d of about 0:20$/);
    assert.ok(seconds(timedText) >= 12 && seconds(timedText) < 60, `${timedText}`);
    assert.equal(await at(timed, '.phase-label'), 'Generating');
    const untimedText = await at(untimed, '.progress-label');
    assert.match(untimedText ?? '', /^0:\d\d$/);
    assert.ok(seconds(untimedText) >= 12 && seconds(untimedText) < 60, `${untimedText}`);
    assert.equal(await page.locator(`.card[data-id="${timed.localId}"] progress`).getAttribute('value'), null, 'no percent: an indeterminate bar');
    // The clock ticks.
    const before = await at(timed, '.progress-label');
    await waitFor(page, `document.querySelector('.card[data-id="${timed.localId}"] .progress-label').textContent !== ${JSON.stringify(before)}`, 3000);
    // Then the server reports a percent; then the download.
    await hostPost(page, { type: 'update', item: { ...timed, stage: { stage: 'generating', percent: 64, since } } });
    await waitFor(page, `document.querySelector('.card[data-id="${timed.localId}"] .progress-label').textContent === '64%'`);
    await hostPost(page, { type: 'update', item: { ...timed, phase: 'downloading', stage: { stage: 'downloading', percent: null, since } } });
    await waitFor(page, `document.querySelector('.card[data-id="${timed.localId}"] .phase-label').textContent === 'Downloading'`);
    // Stopped waiting: the sentence, and Resume first among its actions, shown without hovering.
    assert.equal(await at(stopped, '.detail-text'), 'Stopped waiting — still running on Apiframe');
    const stoppedCard = page.locator(`.card[data-id="${stopped.localId}"]`);
    assert.equal(await stoppedCard.locator('.card-toolbar button').first().getAttribute('data-action'), 'resume');
    await toolbarOpacity(page, stopped.localId, '1');
  });

  it('offers Look Again and Submit Anew on a card that needs a decision, with the reason as text', async () => {
    const [first, second, third] = items(3);
    assert.ok(first && second && third, 'items(3) returns three items');
    const reason = 'Apiframe could not confirm whether the earlier submit created a job. <b>not bold</b>';
    const unknownSubmit: GalleryItem = {
      ...first,
      phase: 'needs-decision',
      decision: 'unknown-submit',
      interruption: reason,
      image: undefined,
      imageCount: 0,
      progress: null,
    };
    const unreadable: GalleryItem = { ...unknownSubmit, localId: second.localId, decision: 'unreadable-result', interruption: 'The result could not be read.' };
    const detached: GalleryItem = { ...third, phase: 'detached', interruption: 'Network error.', image: undefined, imageCount: 0, progress: null };
    // One column of cards at about their minimum width: the narrowest the choices must fit in.
    const { page, dialogs } = await open({ items: [unknownSubmit, unreadable, detached] }, { width: 280, height: 900 });
    assert.equal(await page.locator('.feed-window').getAttribute('data-columns'), '1');
    const card = page.locator(`.card[data-id="${unknownSubmit.localId}"]`);

    assert.equal(await card.locator('.phase').textContent(), 'Needs your decision');
    assert.equal(await card.locator('.placeholder-reason').textContent(), reason, 'the reason is on the card, as text');
    assert.equal(await card.locator('.placeholder-reason b').count(), 0);
    // Screen readers hear the reason with the status: it is what the choice depends on.
    const describedBy = ((await card.getAttribute('aria-describedby')) ?? '').split(' ');
    const described = await Promise.all(describedBy.map((id) => page.locator(`#${id}`).textContent()));
    assert.ok(described.includes(reason), `aria-describedby ${describedBy.join(' ')} does not read the reason`);

    // The choices come first, in words (an icon would not say that one may charge again); no Re-run.
    const visibleText = await card.locator('.card-choices button').evaluateAll((list: PageElement[]) => list.map((b) => [b.getAttribute('data-action'), b.textContent]));
    assert.deepEqual(visibleText, [['resume', 'Look Again'], ['submitAnew', 'Submit Anew…']]);
    const shortened = await card.locator('.card-choices button').evaluateAll((list: PageElement[]) => list.filter((b) => b.scrollWidth > b.clientWidth).length);
    assert.equal(shortened, 0, 'both choices are readable in full on a card of the minimum width');
    const overflow = await card.evaluate((c: PageElement) => {
      const box = c.getBoundingClientRect();
      return [...c.querySelectorAll('button')].filter((b) => b.getBoundingClientRect().bottom > box.bottom || b.getBoundingClientRect().right > box.right).length;
    });
    assert.equal(overflow, 0, 'a button lies outside the card');
    await waitForReport(page, 'r.buttons.length === 3');
    const report = (await posted(page)).filter((m) => m.type === 'rendered').at(-1);
    assert.ok(report?.type === 'rendered');
    assert.deepEqual(report.buttons, [
      ['resume', 'submitAnew', 'copyPrompt', 'delete'],
      // Nothing to submit when the job is known to exist: Look Again and the log, no Submit Anew, no Re-run.
      ['resume', 'showLog', 'copyPrompt', 'delete'],
      // A detached card: Resume first.
      ['resume', 'rerun', 'copyPrompt', 'delete'],
    ]);
    assert.equal(await page.locator(`.card[data-id="${detached.localId}"] .placeholder-reason`).textContent(), 'Network error.');

    await card.locator('button[data-action="submitAnew"]').click();
    assert.deepEqual(await lastPosted(page), { type: 'action', action: 'submitAnew', localId: unknownSubmit.localId });
    await card.locator('button[data-action="resume"]').focus();
    await page.keyboard.press('Enter');
    assert.deepEqual(await lastPosted(page), { type: 'action', action: 'resume', localId: unknownSubmit.localId });

    // Once the job runs again, the card drops the decision, its reason and its choices, and says so.
    await hostPost(page, { type: 'update', item: { ...unknownSubmit, phase: 'running', status: 'QUEUED', decision: undefined, interruption: undefined } });
    await waitForReport(page, `!r.buttons[0].includes("submitAnew")`);
    assert.equal(await card.locator('.placeholder-reason').count(), 0);
    assert.equal(await card.locator('.phase').textContent(), 'Queued');
    const after = (await posted(page)).filter((m) => m.type === 'rendered').at(-1);
    assert.ok(after?.type === 'rendered');
    assert.deepEqual(after.buttons[0], ['copyPrompt', 'rerun', 'delete']);
    assert.deepEqual(dialogs, []);
  });

  it('is one Tab stop: Tab enters the grid once, arrows move between cards, Tab leaves and comes back to the same card', async () => {
    const list = items(20);
    const { page } = await open({ items: list });
    await page.keyboard.press('Tab');
    assert.equal(await evalIn<string>(page, 'document.activeElement.className'), 'filter-input');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'text-button generate-button primary');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'text-button log-button');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), nth(list, 0).localId);
    // A visible focus ring in the theme's focus colour.
    const outline = await evalIn<string>(page, 'getComputedStyle(document.activeElement).outlineStyle + " " + getComputedStyle(document.activeElement).outlineColor');
    assert.equal(outline, 'solid rgb(0, 120, 212)');
    // Exactly one card (and nothing inside any card) is in the Tab order.
    const tabbable = await evalIn<number>(page, `[...document.querySelectorAll('.feed-window [tabindex="0"], .feed-window button:not([tabindex="-1"])')].length`);
    assert.equal(tabbable, 1);
    await page.keyboard.press('Tab');
    assert.ok(!(await evalIn<boolean>(page, '!!document.activeElement.closest(".feed")')), 'the next Tab leaves the grid');

    await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(page), nth(list, 0).localId);
    const columns = Number(await page.locator('.feed-window').getAttribute('data-columns'));
    assert.equal(columns, 4);
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(page), nth(list, 1).localId);
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(page), nth(list, 1 + columns).localId);
    await page.keyboard.press('ArrowLeft');
    assert.equal(await focused(page), nth(list, columns).localId);
    await page.keyboard.press('ArrowUp');
    assert.equal(await focused(page), nth(list, 0).localId);
    await page.keyboard.press('ArrowUp');
    assert.equal(await focused(page), nth(list, 0).localId, 'no row above the first');
    await page.keyboard.press('End');
    assert.equal(await focused(page), nth(list, 19).localId);
    await page.keyboard.press('Home');
    assert.equal(await focused(page), nth(list, 0).localId);
    await page.keyboard.press('PageDown');
    const afterPage = await focused(page);
    assert.ok(list.findIndex((i) => i.localId === afterPage) >= columns, 'Page Down moves at least a row');
    // The last card focused stays the grid's Tab stop.
    await page.keyboard.press('ArrowRight');
    const active = await focused(page);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(page), active);
  });

  it('reaches a card’s buttons with Enter and the arrow keys, and goes back with Escape', async () => {
    const list = items(4);
    const { page } = await open({ items: list });
    const done = nth(list, 0).localId;
    await page.locator(`.card[data-id="${done}"]`).focus();
    await page.keyboard.press('Enter');
    assert.equal(await focused(page), 'insert');
    // The toolbar shows while the focus is inside the card.
    await toolbarOpacity(page, done, '1');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(page), 'save');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(page), 'open');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(page), 'more');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(page), 'insert', 'wraps around');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await focused(page), 'more');
    await page.keyboard.press('Home');
    assert.equal(await focused(page), 'insert');
    await page.keyboard.press('End');
    assert.equal(await focused(page), 'more');
    await page.keyboard.press('Escape');
    assert.equal(await focused(page), done);
    // Enter on a button presses it.
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    assert.deepEqual(await lastPosted(page), { type: 'action', action: 'save', localId: done });
  });

  /** A finished 3-candidate group as the host sends it: one item named by the first job, one tile per job. */
  function candidatesGroup(): GalleryItem {
    assert.ok(harness);
    const image = harness.imageUrl;
    const ids = [20, 21, 22].map(syntheticId);
    return {
      ...nth(items(1), 0),
      localId: nth(ids, 0),
      prompt: 'A lighthouse at dawn, three ways',
      alt: 'A lighthouse at dawn, three ways',
      model: 'flux-1.1-pro',
      aspectRatio: '1:1',
      style: undefined,
      image: { src: image(0), width: 1024, height: 1024 },
      imageCount: 3,
      creditCost: 24,
      group: { kind: 'candidates', size: 3, models: ['flux-1.1-pro'] },
      tiles: ids.map((localId, n) => ({
        localId,
        index: 0,
        model: 'flux-1.1-pro',
        phase: 'done' as const,
        image: { src: image(n * 3), width: 1024, height: 1024 },
        creditCost: 8,
      })),
    };
  }

  /** `data-tile` of the focused tile, or '' when the focus is elsewhere. */
  function focusedTile(page: Page): Promise<string> {
    return evalIn<string>(page, `document.activeElement?.dataset.tile ?? ''`);
  }

  function pressedTiles(page: Page, localId: string): Promise<string[]> {
    return page
      .locator(`.card[data-id="${localId}"] .tile`)
      .evaluateAll((tiles: PageElement[]) => tiles.map((t) => t.getAttribute('aria-pressed') ?? ''));
  }

  it('shows a candidates group as one card: its images side by side in order, named for screen readers, with kind, model and cost', async () => {
    const group = candidatesGroup();
    const [other] = items(2).slice(1);
    assert.ok(other);
    const { page, pageErrors, cspViolations } = await open({ items: [group, { ...other, creditCost: 12 }] });
    assert.equal(await page.locator('.card').count(), 2, 'the group is one card');
    const card = page.locator(`.card[data-id="${group.localId}"]`);
    assert.equal(await card.locator('.card-meta').textContent(), '3 candidates · flux-1.1-pro · 24 credits · 1:1');
    assert.equal(await page.locator(`.card[data-id="${other.localId}"] .card-meta`).textContent(), [other.model, '12 credits', other.aspectRatio, other.style].filter(Boolean).join(' · '));
    assert.equal(await card.locator('.tile-strip').getAttribute('aria-label'), 'Choose the image to save or insert');
    const tiles = await card.locator('.tile').evaluateAll((list: PageElement[]) =>
      list.map((t) => ({
        label: t.getAttribute('aria-label'),
        caption: t.textContent,
        src: t.querySelector('img')?.getAttribute('src'),
        box: t.getBoundingClientRect(),
      })),
    );
    assert.deepEqual(
      tiles.map((t) => t.label),
      ['Candidate 1 of 3, flux-1.1-pro, 8 credits', 'Candidate 2 of 3, flux-1.1-pro, 8 credits', 'Candidate 3 of 3, flux-1.1-pro, 8 credits'],
    );
    assert.deepEqual(tiles.map((t) => t.caption), ['1', '2', '3']);
    assert.deepEqual(tiles.map((t) => t.src), group.tiles?.map((t) => t.image?.src));
    // Side by side: one row, left to right, none of them empty.
    for (let i = 1; i < tiles.length; i++) {
      assert.equal(Math.round(nth(tiles, i).box.top), Math.round(nth(tiles, 0).box.top));
      assert.ok(nth(tiles, i).box.left > nth(tiles, i - 1).box.left);
      assert.ok(nth(tiles, i).box.width > 40 && nth(tiles, i).box.height > 40, JSON.stringify(nth(tiles, i).box));
    }
    assert.deepEqual(await pressedTiles(page, group.localId), ['true', 'false', 'false'], 'the first image is chosen until the user picks');
    // A compare group names its models.
    await hostPost(page, { type: 'update', item: { ...group, group: { kind: 'compare', size: 3, models: ['flux-1.1-pro', 'midjourney', 'ideogram-v3'] } } });
    await waitFor(page, `document.querySelector('.card[data-id="${group.localId}"] .card-meta').textContent.startsWith('Compared:')`);
    assert.equal(await card.locator('.card-meta').textContent(), 'Compared: flux-1.1-pro · midjourney · ideogram-v3 · 24 credits · 1:1');
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(cspViolations, []);
  });

  it('chooses one of several images by keyboard (arrows, Enter/Space) and saves, inserts or opens exactly that one', async () => {
    const group = candidatesGroup();
    const { page } = await open({ items: [group, ...items(3)] });
    const card = page.locator(`.card[data-id="${group.localId}"]`);
    await card.focus();
    await page.keyboard.press('Enter');
    assert.equal(await focusedTile(page), '0', 'Enter reaches the first image');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focusedTile(page), '1');
    await page.keyboard.press('Space');
    assert.deepEqual(await pressedTiles(page, group.localId), ['false', 'true', 'false']);
    // On to the card's actions: past the third image to Insert, then Save.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(page), 'insert');
    await page.keyboard.press('Enter');
    const second = nth(group.tiles ?? [], 1);
    assert.deepEqual(await lastPosted(page), { type: 'action', action: 'insert', localId: second.localId, index: 0 });
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    assert.deepEqual(await lastPosted(page), { type: 'action', action: 'save', localId: second.localId, index: 0 });
    // Back on the images: Enter chooses the third; the menu's actions take it too.
    await page.keyboard.press('Home');
    assert.equal(await focusedTile(page), '0', 'Home goes to the first image');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focusedTile(page), '2');
    await page.keyboard.press('Enter');
    assert.deepEqual(await pressedTiles(page, group.localId), ['false', 'false', 'true']);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.locator('.card-menu [role="menuitem"][data-action="copyPath"]').click();
    assert.deepEqual(await lastPosted(page), { type: 'action', action: 'copyPath', localId: nth(group.tiles ?? [], 2).localId, index: 0 });
  });

  it('sends the image index of a job with several images, and keeps the choice and the focus through an update that saved it', async () => {
    const [base] = items(1);
    assert.ok(base && harness);
    const image = harness.imageUrl;
    const job: GalleryItem = {
      ...base,
      model: 'midjourney',
      imageCount: 4,
      tiles: [0, 1, 2, 3].map((index) => ({ localId: base.localId, index, model: 'midjourney', phase: 'done' as const, image: { src: image(index), width: 1024, height: 1024 } })),
    };
    const { page } = await open({ items: [job, ...items(3).slice(1)] });
    const card = page.locator(`.card[data-id="${job.localId}"]`);
    assert.equal(await card.locator('.tile').nth(3).getAttribute('aria-label'), 'Image 4 of 4, midjourney');
    assert.equal(await card.locator('.count-badge').count(), 0, 'the images themselves say how many there are');
    await card.locator('.tile').nth(2).click();
    assert.equal(await focusedTile(page), '2');
    await card.hover();
    await card.locator('.card-toolbar button[data-action="save"]').click();
    assert.deepEqual(await lastPosted(page), { type: 'action', action: 'save', localId: job.localId, index: 2 });
    await card.locator('.tile').nth(2).dblclick();
    assert.deepEqual(await lastPosted(page), { type: 'action', action: 'open', localId: job.localId, index: 2 });
    // The host says image 3 was saved: the card says where, the same image stays chosen and focused.
    await card.locator('.tile').nth(2).focus();
    const tiles = (job.tiles ?? []).map((tile) => (tile.index === 2 ? { ...tile, savedPath: 'images/grid-3.png' } : tile));
    await hostPost(page, { type: 'update', item: { ...job, tiles, savedPath: 'images/grid-3.png' } });
    await waitFor(page, `document.querySelector('.card[data-id="${job.localId}"] .saved-text')`);
    assert.equal(await card.locator('.saved-text').textContent(), 'Saved to images/grid-3.png');
    assert.deepEqual(await pressedTiles(page, job.localId), ['false', 'false', 'true', 'false']);
    assert.equal(await focusedTile(page), '2');
    assert.equal(await card.locator('.tile').nth(2).locator('.codicon-check').count(), 1, 'the saved image is marked');
    // Save stays at hand for the other images.
    assert.equal(await card.locator('.card-toolbar button[data-action="save"]').count(), 1);
  });

  it('opens the overflow menu from the keyboard: arrows, Home/End, Enter picks, Escape closes and returns the focus', async () => {
    const list = items(4);
    const { page } = await open({ items: list });
    const done = nth(list, 0).localId;
    const more = page.locator(`.card[data-id="${done}"] .more-button`);
    assert.equal(await more.getAttribute('aria-haspopup'), 'menu');
    await page.locator(`.card[data-id="${done}"]`).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    const menuFocus = (): Promise<string> => evalIn<string>(page, `document.activeElement.getAttribute('role') + ':' + document.activeElement.dataset.action`);
    assert.equal(await menuFocus(), 'menuitem:insertAtCursor');
    assert.equal(await page.locator('[role="menu"]').getAttribute('aria-label'), 'More Actions…');
    assert.equal(await more.getAttribute('aria-expanded'), 'true');
    await page.keyboard.press('ArrowDown');
    assert.equal(await menuFocus(), 'menuitem:copyPath');
    await page.keyboard.press('End');
    assert.equal(await menuFocus(), 'menuitem:delete');
    await page.keyboard.press('ArrowDown');
    assert.equal(await menuFocus(), 'menuitem:insertAtCursor', 'wraps around');
    await page.keyboard.press('ArrowUp');
    assert.equal(await menuFocus(), 'menuitem:delete');
    await page.keyboard.press('Home');
    assert.equal(await menuFocus(), 'menuitem:insertAtCursor');
    await page.keyboard.press('Escape');
    assert.ok(await page.locator('.card-menu').isHidden());
    assert.equal(await focused(page), 'more');
    assert.equal(await more.getAttribute('aria-expanded'), 'false');
    // ArrowUp opens it on the last entry; Enter picks it and the focus returns to the button.
    await page.keyboard.press('ArrowUp');
    assert.equal(await menuFocus(), 'menuitem:delete');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    assert.deepEqual(await lastPosted(page), { type: 'action', action: 'rerun', localId: done });
    assert.ok(await page.locator('.card-menu').isHidden());
    assert.equal(await focused(page), 'more');
    // A click elsewhere closes it too.
    await page.keyboard.press('ArrowDown');
    await page.mouse.click(5, 700);
    assert.ok(await page.locator('.card-menu').isHidden());
  });

  it('filters cards by prompt, says "n of m", announces it, and clears with Escape', async () => {
    const list = items(24);
    const { page } = await open({ items: list });
    const lighthouses = list.filter((i) => i.prompt.toLowerCase().includes('lighthouse'));
    assert.ok(lighthouses.length > 0 && lighthouses.length < list.length);
    await page.locator('.filter-input').fill('LIGHTHOUSE');
    await waitForReport(page, `r.total === ${lighthouses.length}`);
    const ids = await page.locator('.card').evaluateAll((cards: PageElement[]) => cards.map((c) => c.getAttribute('data-id')));
    assert.deepEqual(ids, lighthouses.map((i) => i.localId));
    assert.equal(await page.locator('.toolbar-count').textContent(), `${lighthouses.length} of 24 images`);
    assert.equal(await page.locator('.card').first().getAttribute('aria-setsize'), String(lighthouses.length));
    await waitFor(page, `document.querySelector('[role="status"]').textContent === '${lighthouses.length} of 24 images'`);
    // Nothing matches: a line says so.
    await page.locator('.filter-input').fill('no such prompt');
    await waitForReport(page, 'r.total === 0');
    assert.equal(await page.locator('.no-match').textContent(), 'No image prompt contains “no such prompt”.');
    await waitFor(page, `document.querySelector('[role="status"]').textContent === '0 of 24 images'`);
    // Escape clears the filter; the whole list is back.
    await page.locator('.filter-input').press('Escape');
    await waitForReport(page, 'r.total === 24');
    assert.equal(await page.locator('.filter-input').inputValue(), '');
    assert.equal(await page.locator('.toolbar-count').textContent(), '24');
    assert.ok(await page.locator('.no-match').isHidden());
  });

  it('announces new results in a polite live region', async () => {
    const list = items(4);
    const { page } = await open({ items: list });
    const live = page.locator('[role="status"]');
    assert.equal(await live.getAttribute('aria-live'), 'polite');
    const running = nth(list, 1);
    await hostPost(page, { type: 'update', item: { ...running, phase: 'done', status: 'COMPLETED', progress: 100, imageCount: 1, image: { src: harness?.imageUrl(1) ?? '', width: 1792, height: 1024 } } });
    await waitFor(page, `document.querySelector('[role="status"]').textContent.startsWith('Image ready: ')`);
    assert.match((await live.textContent()) ?? '', /^Image ready: Isometric illustration/);
    // A progress tick is not news.
    await hostPost(page, { type: 'update', item: { ...nth(list, 0), prompt: 'renamed' } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.match((await live.textContent()) ?? '', /^Image ready: /);
  });

  it('shows the credits left in the header as polite text, hidden while unknown, marked when stale', async () => {
    const { page } = await open({ items: items(2) });
    const credits = page.locator('.toolbar .toolbar-credits');
    assert.equal(await credits.getAttribute('aria-live'), 'polite');
    assert.equal(await credits.isVisible(), false, 'nothing before the host says what the credits are');
    await hostPost(page, { type: 'account', credits: 1234, updatedAt: '2026-01-01T10:30:00.000Z' });
    await waitFor(page, `document.querySelector('.toolbar-credits').textContent === 'Credits left: 1,234'`);
    assert.ok(await credits.isVisible());
    assert.match((await credits.getAttribute('title')) ?? '', /^Updated \d/);
    await hostPost(page, { type: 'account', credits: 1226, updatedAt: '2026-01-01T10:31:00.000Z', stale: true });
    await waitFor(page, `document.querySelector('.toolbar-credits').textContent === 'Credits left: 1,226 (could not refresh)'`);
    assert.match((await credits.getAttribute('class')) ?? '', /\bstale\b/);
    await hostPost(page, { type: 'account', credits: null });
    await waitFor(page, `document.querySelector('.toolbar-credits').hidden`);
    assert.equal(await credits.isVisible(), false, 'unknown credits (the key was removed) are not shown');
  });

  it('keeps the DOM bounded with 10,000 items and renders the end after scrolling', async () => {
    const list = items(10_000);
    const { page } = await open({ items: list });
    const cardCount = (): Promise<number> => page.locator('.card').count();
    const nodeCount = (): Promise<number> => evalIn<number>(page, 'document.getElementsByTagName("*").length');
    const atTop = await cardCount();
    assert.ok(atTop > 0 && atTop <= 60, `cards at the top: ${atTop}`);
    assert.ok((await nodeCount()) < 2000, `DOM nodes at the top: ${await nodeCount()}`);
    assert.equal(await page.locator('.card').first().getAttribute('aria-setsize'), '10000');
    // Only the rendered window has images: far fewer requests than items.
    assert.ok((await page.locator('img').count()) <= atTop);

    await evalIn<void>(page, 'window.scrollTo(0, document.documentElement.scrollHeight)');
    await waitForReport(page, `r.localIds.includes("${nth(list, 9999).localId}")`);
    assert.ok((await cardCount()) <= 60, `cards at the end: ${await cardCount()}`);
    assert.ok((await nodeCount()) < 2000);
    assert.equal(await page.locator(`.card[data-id="${nth(list, 0).localId}"]`).count(), 0, 'the first card left the DOM');
    assert.equal(await page.locator(`.card[data-id="${nth(list, 9999).localId}"]`).getAttribute('aria-posinset'), '10000');
    // End from the keyboard reaches the last card, and the grid still has its one Tab stop.
    await evalIn<void>(page, 'window.scrollTo(0, 0)');
    await waitForReport(page, `r.localIds.includes("${nth(list, 0).localId}")`);
    await page.locator('.card').first().focus();
    await page.keyboard.press('End');
    assert.equal(await focused(page), nth(list, 9999).localId);
    assert.equal(await evalIn<number>(page, `document.querySelectorAll('.feed-window [tabindex="0"]').length`), 1);
  });

  it('asks for no image of the cards a quick scroll passes by, and loads the ones in view once it pauses', async () => {
    // One file per record (the harness serves by path), so every image a card asks for is a request of its own.
    const list = items(1000).map((item, i) => (item.image ? { ...item, image: { ...item.image, src: `${item.image.src}?record=${i}` } } : item));
    const srcById = new Map(list.map((item) => [item.localId, item.image?.src]));
    const { page } = await open({ items: list });
    await waitFor(page, 'document.querySelectorAll(".card-media.loaded").length > 0');
    // The cards rendered before the scroll asked already (lazily: one below the screen starts its load when the
    // scroll brings it near); the ones the scroll brings must not.
    const askedBefore = new Set(await evalIn<string[]>(page, `[...document.querySelectorAll('.card img[src]')].map((img) => img.src)`));
    // A viewport per frame for 30 frames (a fling, or PageDown held): ~240 cards pass by.
    const scroll = await evalIn<{ started: number; ended: number }>(
      page,
      `(async () => {
        const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
        await frame();
        const started = performance.now();
        for (let i = 0; i < 30; i++) { window.scrollBy(0, window.innerHeight); await frame(); }
        return { started, ended: performance.now() };
      })()`,
    );
    const imageRequests = (from: number, to: number): Promise<string[]> =>
      evalIn<string[]>(
        page,
        `performance.getEntriesByType('resource').filter((e) => e.name.includes('/images/') && e.startTime >= ${from} && e.startTime <= ${to}).map((e) => e.name)`,
      );
    // The page takes a pause of 100 ms for the end of the scroll: a frame that slow (a loaded machine) lets the
    // cards then in view ask, as they should. Every card asking is what the page did before: ~240 requests.
    const passedBy = await evalIn<number>(page, `Number(document.querySelector('.card')?.getAttribute('aria-posinset'))`);
    const duringScroll = (await imageRequests(scroll.started, scroll.ended)).filter((url) => !askedBefore.has(url));
    assert.ok(passedBy > 150, `the scroll passed ${passedBy} cards`);
    assert.ok(duringScroll.length <= passedBy / 5, `${duringScroll.length} images asked for by the ${passedBy} cards the scroll passed by`);
    // Once it pauses, every card in view shows its own record's image.
    const inView = `[...document.querySelectorAll('.card')].filter((c) => { const r = c.getBoundingClientRect(); return r.bottom > 0 && r.top < innerHeight; })`;
    await waitFor(page, `${inView}.every((c) => !c.querySelector('img') || c.querySelector('.card-media.loaded'))`);
    const shown = await evalIn<{ id: string; src: string | null }[]>(page, `${inView}.map((c) => ({ id: c.dataset.id, src: c.querySelector('img')?.getAttribute('src') ?? null }))`);
    assert.ok(shown.length > 0);
    for (const card of shown) if (card.src !== null) assert.equal(card.src, srcById.get(card.id), `card ${card.id} shows another record's image`);
    const cardsInDom = await page.locator('.card').count();
    const asked = await imageRequests(scroll.started, Number.MAX_SAFE_INTEGER);
    assert.ok(asked.length <= cardsInDom + askedBefore.size, `${asked.length} images asked for, ${cardsInDom} cards in the DOM`);
  });

  it('takes a later full state in parts without losing the reader’s place', async () => {
    const list = items(1200);
    const { page } = await open({ items: list });
    assert.equal(await page.locator('.card').first().getAttribute('aria-setsize'), '1200');
    await evalIn<void>(page, 'window.scrollTo(0, 40000)');
    await waitFor(page, 'window.__state && window.__state.scrollTop === 40000');
    const shownBefore = await evalIn<string[]>(page, `[...document.querySelectorAll('.card')].map((c) => c.dataset.id)`);
    // The host sends the whole history again (e.g. many records changed at once): a first screen, then the rest.
    const renamed = list.map((item) => ({ ...item, prompt: `${item.prompt} (again)` }));
    for (const message of stateMessages(renamed, HARNESS_STRINGS, 'en')) await hostPost(page, message);
    await waitFor(page, `document.querySelector('.card[data-id="${shownBefore[0] ?? ''}"] .card-prompt')?.textContent.endsWith('(again)')`);
    assert.equal(await evalIn<number>(page, 'window.scrollY'), 40000, 'the scroll position is where it was');
    assert.deepEqual(await evalIn<string[]>(page, `[...document.querySelectorAll('.card')].map((c) => c.dataset.id)`), shownBefore);
    await evalIn<void>(page, 'window.scrollTo(0, document.documentElement.scrollHeight)');
    const last = nth(renamed, 1199);
    await waitForReport(page, `r.total === 1200 && r.localIds.includes("${last.localId}")`);
    assert.equal(await page.locator(`.card[data-id="${last.localId}"] .card-prompt`).textContent(), last.prompt, 'the last part arrived');
  });

  it('applies live updates, new items and removals from the host', async () => {
    const list = items(6);
    const { page } = await open({ items: list });
    const running = nth(list, 1);
    await hostPost(page, { type: 'update', item: { ...running, progress: 80 } });
    await waitFor(page, `document.querySelector('.card[data-id="${running.localId}"] progress')?.value === 80`);
    assert.equal(await page.locator(`.card[data-id="${running.localId}"] .progress-label`).textContent(), '80%');

    const newest: GalleryItem = { ...nth(list, 0), localId: syntheticId(99), prompt: 'Brand new', createdAt: '2026-11-25T13:00:00.000Z' };
    await hostPost(page, { type: 'update', item: newest });
    await waitForReport(page, `r.localIds[0] === "${newest.localId}"`);
    assert.equal(await page.locator('.card-prompt').first().textContent(), 'Brand new');

    // A saved copy appears on the card (the card grows by its detail line; nothing overlaps).
    await hostPost(page, { type: 'update', item: { ...nth(list, 0), savedPath: 'images/new.png' } });
    await waitFor(page, `document.querySelector('.card[data-id="${nth(list, 0).localId}"] .saved-text')?.textContent === 'Saved to images/new.png'`);

    await hostPost(page, { type: 'remove', localId: nth(list, 2).localId });
    await waitForReport(page, `!r.localIds.includes("${nth(list, 2).localId}")`);
    assert.equal(await page.locator(`.card[data-id="${nth(list, 2).localId}"]`).count(), 0);
    assert.equal(await page.locator('.card').count(), 6);
  });

  it('shows an empty state with the two first steps and a Generate button', async () => {
    const { page } = await open({ items: [] });
    assert.equal(await page.locator('.card').count(), 0);
    assert.ok(await page.locator('.empty').isVisible());
    assert.equal(await page.locator('.empty-title').textContent(), 'No images yet');
    const steps = await page.locator('.empty-steps li').allTextContents();
    assert.equal(steps.length, 2);
    assert.match(nth(steps, 0), /Set API Key/);
    assert.match(nth(steps, 1), /Generate Image from Selection/);
    await page.locator('.empty .generate-button').click();
    assert.deepEqual(await lastPosted(page), { type: 'generate' });
  });

  it('draws cards, toolbar and menu with High Contrast borders', async () => {
    const { page } = await open({ items: items(3), theme: 'high-contrast' });
    const border = await evalIn<string>(page, `getComputedStyle(document.querySelector('.card')).borderTopColor`);
    assert.equal(border, 'rgb(111, 195, 223)', 'the theme’s contrastBorder');
    await page.locator('.card').first().focus();
    const outline = await evalIn<string>(page, 'getComputedStyle(document.activeElement).outlineColor');
    assert.equal(outline, 'rgb(243, 133, 24)', 'the theme’s focusBorder');
  });

  it('saves the scroll position and the filter with setState and restores them', async () => {
    const list = items(200);
    const { page } = await open({ items: list });
    await evalIn<void>(page, 'window.scrollTo(0, 3000)');
    await waitFor(page, 'window.__state && window.__state.scrollTop === 3000');

    const restored = await open({ items: list, savedState: { scrollTop: 3000 } });
    await waitFor(restored.page, 'window.scrollY === 3000');
    assert.equal(await restored.page.locator(`.card[data-id="${nth(list, 0).localId}"]`).count(), 0);

    await restored.page.locator('.filter-input').fill('rocket');
    await waitFor(restored.page, `window.__state.filter === 'rocket'`);
    const again = await open({ items: list, savedState: { filter: 'rocket' } });
    assert.equal(await again.page.locator('.filter-input').inputValue(), 'rocket');
    await waitForReport(again.page, `r.total === ${list.filter((i) => i.prompt.includes('rocket')).length}`);
  });

  describe('image actions', () => {
    /** A finished single-image item like the synthetic ones, with `fields` over it. */
    function doneItem(n: number, fields: Partial<GalleryItem>): GalleryItem {
      assert.ok(harness);
      const base = nth(items(1), 0);
      return {
        ...base,
        localId: syntheticId(40 + n),
        aspectRatio: '1:1',
        style: undefined,
        image: { src: harness.imageUrl(n), width: 1024, height: 1024 },
        ...fields,
      };
    }

    /** Height of the card of `localId` (the layout's, as the page set it). */
    function cardHeightOf(page: Page, localId: string): Promise<number> {
      return page.locator(`.card[data-id="${localId}"]`).evaluate((card: PageElement) => card.getBoundingClientRect().height);
    }

    it('shows the source beside a result: its thumbnail, name and action, labelled and reachable by keyboard', async () => {
      assert.ok(harness);
      const thumbnail = harness.imageUrl(7);
      const operation = doneItem(1, { prompt: '', alt: 'logo.png → Remove Background', model: 'midjourney', source: { name: 'logo.png', action: 'Remove Background', thumbnail } });
      const gone = doneItem(2, { prompt: '', alt: 'old.png → Upscale ×2', source: { name: 'old.png', action: 'Upscale ×2' } });
      const variation = doneItem(3, { prompt: 'A hero banner, wider', alt: 'A hero banner, wider', source: { name: 'hero.webp', thumbnail } });
      const plain = doneItem(4, { prompt: 'A plain generation', alt: 'A plain generation' });
      const longName = `${'a-very-long-file-name-'.repeat(4)}logo.png`;
      const long = doneItem(5, { prompt: '', alt: 'long', source: { name: longName, action: 'Remove Background', thumbnail } });
      const { page, cspViolations, pageErrors } = await open({ items: [operation, gone, variation, plain, long] });
      await waitForReport(page, 'r.loadedImages.length === 5');
      // A long name is cut; what was done to it stays whole (on the row's second line when the name needs the first).
      const widths = await evalIn<number[][]>(
        page,
        `[...document.querySelectorAll('.card[data-id="${long.localId}"] .source-text > span')].map((s) => [s.scrollWidth, s.clientWidth, s.getBoundingClientRect().bottom])`,
      );
      const [nameBox, actionBox] = widths;
      assert.ok(nameBox && actionBox);
      assert.ok(nth(nameBox, 0) > nth(nameBox, 1), `the name is cut: ${nameBox.join()}`);
      assert.ok(nth(actionBox, 0) <= nth(actionBox, 1), `the action is whole: ${actionBox.join()}`);
      const rowBottom = await evalIn<number>(page, `document.querySelector('.card[data-id="${long.localId}"] .card-source').getBoundingClientRect().bottom`);
      assert.ok(nth(actionBox, 2) <= rowBottom, 'the action is inside the row');

      const card = page.locator(`.card[data-id="${operation.localId}"]`);
      const source = card.locator('.card-source');
      assert.equal(await source.evaluate((element: PageElement) => element.tagName), 'BUTTON');
      assert.equal(await source.locator('.sr-only').textContent(), 'logo.png → Remove Background');
      // Shown in parts: the name (cut when long), then what was done to it (kept whole).
      assert.deepEqual(await source.locator('.source-text > span').allTextContents(), ['logo.png', '→ Remove Background']);
      assert.equal(await source.getAttribute('aria-label'), 'Open the source image: logo.png → Remove Background');
      const thumb = source.locator('img.source-thumb');
      assert.equal(await thumb.getAttribute('src'), thumbnail);
      assert.equal(await thumb.getAttribute('alt'), '', 'the button names it');
      await waitFor(page, `document.querySelector('.card[data-id="${operation.localId}"] img.source-thumb').naturalWidth > 0`);
      const box = await thumb.evaluate((element: PageElement) => element.getBoundingClientRect());
      assert.ok(box.width === 32 && box.height === 32, `a small thumbnail: ${box.width}×${box.height}`);
      // Screen readers: the card is named by what was done to which source (an operation has no prompt).
      const labelledBy = ((await card.getAttribute('aria-labelledby')) ?? '').split(' ');
      assert.equal(await page.locator(`#${nth(labelledBy, 0)}`).textContent(), 'logo.png → Remove Background');
      assert.equal(await card.locator('.card-prompt').isVisible(), false, 'no empty prompt line');
      // The source takes the prompt's place: the card is as tall as a plain one; beside a prompt it adds its row.
      assert.equal(await cardHeightOf(page, operation.localId), await cardHeightOf(page, plain.localId));
      assert.equal((await cardHeightOf(page, variation.localId)) - (await cardHeightOf(page, plain.localId)), 38);
      const variationCard = page.locator(`.card[data-id="${variation.localId}"]`);
      assert.equal(await variationCard.locator('.card-source .sr-only').textContent(), 'Variation of hero.webp');
      assert.deepEqual(await variationCard.locator('.card-source .source-text > span').allTextContents(), ['Variation of', 'hero.webp']);
      assert.equal(await variationCard.locator('.card-prompt').textContent(), 'A hero banner, wider');
      // Nothing overflows the card: the source row and the prompt fit in the box the layout gave it.
      for (const id of [operation.localId, variation.localId]) {
        const overflow = await evalIn<number>(page, `(() => { const b = document.querySelector('.card[data-id="${id}"] .card-body'); return b.scrollHeight - b.clientHeight; })()`);
        assert.ok(overflow <= 0, `card ${id} body overflows by ${overflow}px`);
      }

      // A source that is gone: its name only, no thumbnail, nothing to open.
      const goneSource = page.locator(`.card[data-id="${gone.localId}"] .card-source`);
      assert.equal(await goneSource.evaluate((element: PageElement) => element.tagName), 'DIV');
      assert.equal(await goneSource.locator('.sr-only').textContent(), 'old.png → Upscale ×2');
      assert.equal(await goneSource.getAttribute('title'), 'old.png → Upscale ×2');
      assert.equal(await goneSource.locator('img').count(), 0);

      // The report lists the source's button first on the cards that have one.
      const report = (await posted(page)).filter((m) => m.type === 'rendered').at(-1);
      assert.ok(report?.type === 'rendered');
      assert.equal(report.buttons[0]?.[0], 'openSource');
      assert.ok(!report.buttons[1]?.includes('openSource'), 'a gone source has nothing to open');
      assert.equal(report.buttons[2]?.[0], 'openSource');
      assert.ok(!report.buttons[3]?.includes('openSource'));

      // Keyboard: Enter on the card reaches the source first; Enter opens it; the arrows go on to the actions.
      await card.focus();
      await page.keyboard.press('Enter');
      assert.equal(await focused(page), 'openSource');
      await page.keyboard.press('Enter');
      assert.deepEqual(await lastPosted(page), { type: 'openSource', localId: operation.localId });
      await page.keyboard.press('ArrowRight');
      assert.equal(await focused(page), 'insert');
      await page.keyboard.press('ArrowLeft');
      assert.equal(await focused(page), 'openSource');
      // A click posts the same; the source belongs to the card, whatever image is chosen.
      await variationCard.locator('.card-source').click();
      assert.deepEqual(await lastPosted(page), { type: 'openSource', localId: variation.localId });
      // An update that brings the thumbnail (the host copied the file meanwhile) turns the name into a button.
      await hostPost(page, { type: 'update', item: { ...gone, source: { ...gone.source, thumbnail } } });
      await waitFor(page, `document.querySelector('.card[data-id="${gone.localId}"] button.card-source img')`);
      // A card without a source has no row for it (no node at all), and one that loses it drops the row.
      assert.equal(await page.locator(`.card[data-id="${plain.localId}"] .card-source`).count(), 0);
      const { source: _dropped, ...withoutSource } = variation;
      await hostPost(page, { type: 'update', item: withoutSource });
      await waitFor(page, `!document.querySelector('.card[data-id="${variation.localId}"] .card-source')`);
      await waitFor(page, `document.querySelector('.card[data-id="${variation.localId}"]').getBoundingClientRect().height === document.querySelector('.card[data-id="${plain.localId}"]').getBoundingClientRect().height`);
      await hostPost(page, { type: 'update', item: variation });
      await waitFor(page, `document.querySelector('.card[data-id="${variation.localId}"] .card-source')`);
            // Theme colours only: beside a prompt the source is in the theme's description colour; in the prompt's
      // place (an operation) it is the card's title, in the foreground colour.
      await page.mouse.move(0, 0); // (a hovered source is in the foreground colour)
      const colourOf = (id: string): Promise<string> => evalIn<string>(page, `getComputedStyle(document.querySelector('.card[data-id="${id}"] .card-source')).color`);
      const themeColour = (variable: string): Promise<string> =>
        evalIn<string>(page, `(() => { const p = document.createElement('p'); p.style.color = 'var(${variable})'; document.body.append(p); const c = getComputedStyle(p).color; p.remove(); return c; })()`);
      assert.equal(await colourOf(variation.localId), await themeColour('--vscode-descriptionForeground'));
      assert.equal(await colourOf(operation.localId), await themeColour('--vscode-foreground'));
      assert.notEqual(await themeColour('--vscode-descriptionForeground'), await themeColour('--vscode-foreground'));
      assert.deepEqual(cspViolations, []);
      assert.deepEqual(pageErrors, []);
    });

    /** A finished Midjourney grid: four images, each one of the grid's. */
    function gridItem(n: number, fields: Partial<GalleryItem> = {}): GalleryItem {
      assert.ok(harness);
      const image = harness.imageUrl;
      const localId = syntheticId(60 + n);
      return doneItem(n, {
        localId,
        prompt: 'A lighthouse on a basalt cliff',
        alt: 'A lighthouse on a basalt cliff',
        model: 'midjourney',
        imageCount: 4,
        tiles: [0, 1, 2, 3].map((index) => ({ localId, index, model: 'midjourney', phase: 'done' as const, image: { src: image(index), width: 1024, height: 1024 }, midjourneyGrid: true as const })),
        ...fields,
      });
    }

    it('offers Upscale n / Vary n for the chosen image of a Midjourney grid, by mouse and by keyboard', async () => {
      const grid = gridItem(1);
      const fourImages = gridItem(2, { model: 'gpt-image-1.5' });
      const notGrid: GalleryItem = { ...fourImages, tiles: (fourImages.tiles ?? []).map(({ midjourneyGrid: _grid, ...tile }) => ({ ...tile, model: 'gpt-image-1.5' })) };
      const { page, cspViolations } = await open({ items: [grid, notGrid] });
      const card = page.locator(`.card[data-id="${grid.localId}"]`);
      const upscale = card.locator('.grid-button[data-action="upscale"]');
      const vary = card.locator('.grid-button[data-action="vary"]');
      assert.equal(await upscale.textContent(), 'U1', 'the first image until another is chosen');
      assert.equal(await upscale.getAttribute('aria-label'), 'Upscale image 1');
      await card.locator('.tile').nth(1).click();
      assert.equal(await upscale.textContent(), 'U2');
      assert.equal(await upscale.getAttribute('aria-label'), 'Upscale image 2');
      assert.equal(await vary.getAttribute('aria-label'), 'Vary image 2');
      assert.equal(await vary.getAttribute('title'), 'Vary image 2');
      await card.hover();
      await upscale.click();
      assert.deepEqual(await lastPosted(page), { type: 'gridAction', action: 'upsample', localId: grid.localId, index: 1 });
      await vary.click();
      assert.deepEqual(await lastPosted(page), { type: 'gridAction', action: 'variation', localId: grid.localId, index: 1 });
      // Only on a grid: four images of another model have no such buttons.
      assert.equal(await page.locator(`.card[data-id="${notGrid.localId}"] .grid-button`).count(), 0);
      await waitForReport(page, `r.buttons[0][0] === 'upscale'`);
      const report = (await posted(page)).filter((m) => m.type === 'rendered').at(-1);
      assert.ok(report?.type === 'rendered');
      assert.deepEqual(report.buttons[0]?.slice(0, 3), ['upscale', 'vary', 'insert']);
      assert.ok(!report.buttons[1]?.includes('upscale') && !report.buttons[1]?.includes('vary'));

      // Keyboard: into the card, to image 3, choose it, on past image 4 to U3 and V3.
      await card.focus();
      await page.keyboard.press('Enter');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      assert.equal(await focusedTile(page), '2');
      await page.keyboard.press('Space');
      assert.deepEqual(await pressedTiles(page, grid.localId), ['false', 'false', 'true', 'false']);
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      assert.equal(await focused(page), 'upscale');
      assert.equal(await upscale.textContent(), 'U3');
      await page.keyboard.press('Enter');
      assert.deepEqual(await lastPosted(page), { type: 'gridAction', action: 'upsample', localId: grid.localId, index: 2 });
      await page.keyboard.press('ArrowRight');
      assert.equal(await focused(page), 'vary');
      await page.keyboard.press('Space');
      assert.deepEqual(await lastPosted(page), { type: 'gridAction', action: 'variation', localId: grid.localId, index: 2 });
      // The buttons stay in the card's toolbar, visible while the card holds the focus.
      await toolbarOpacity(page, grid.localId, '1');
      assert.deepEqual(cspViolations, []);
    });

    it('offers Upscale n / Vary n in a compare group only while one of the grid’s images is chosen, numbered as in the grid', async () => {
      assert.ok(harness);
      const image = harness.imageUrl;
      const gridId = syntheticId(71);
      const lead = syntheticId(70);
      const group = doneItem(5, {
        localId: lead,
        prompt: 'A lighthouse, compared',
        alt: 'A lighthouse, compared',
        model: 'flux-1.1-pro',
        imageCount: 5,
        group: { kind: 'compare', size: 2, models: ['flux-1.1-pro', 'midjourney'] },
        tiles: [
          { localId: lead, index: 0, model: 'flux-1.1-pro', phase: 'done', image: { src: image(0), width: 1024, height: 1024 } },
          ...[0, 1, 2, 3].map((index) => ({ localId: gridId, index, model: 'midjourney', phase: 'done' as const, image: { src: image(index + 1), width: 1024, height: 1024 }, midjourneyGrid: true as const })),
        ],
      });
      const { page } = await open({ items: [group] });
      const card = page.locator(`.card[data-id="${lead}"]`);
      // The flux image is chosen first: no grid action applies to it, and the keyboard does not stop there.
      assert.equal(await card.locator('.grid-button').evaluateAll((buttons: PageElement[]) => buttons.filter((b) => b.getAttribute('hidden') === null).length), 0);
      await card.focus();
      await page.keyboard.press('Enter');
      await page.keyboard.press('End');
      await page.keyboard.press('Home');
      for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
      assert.equal(await focused(page), 'insert', 'past the five images straight to Insert');
      await card.locator('.tile').nth(2).click();
      const upscale = card.locator('.grid-button[data-action="upscale"]');
      assert.equal(await upscale.isHidden(), false);
      assert.equal(await upscale.getAttribute('aria-label'), 'Upscale image 2', 'the grid’s own number, not the tile’s place in the group');
      await card.hover();
      await upscale.click();
      assert.deepEqual(await lastPosted(page), { type: 'gridAction', action: 'upsample', localId: gridId, index: 1 });
    });
  });
});
