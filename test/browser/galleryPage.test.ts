/**
 * Drives the BUILT gallery page (dist/webview/gallery.js under its real CSP) in headless Chromium through the
 * standalone harness in test/gallery/. Needs `npm run build` first; skipped when /usr/bin/chromium is absent.
 */
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { CardButton, GalleryItem, WebviewToHost } from '../../src/gallery/protocol';
import {
  CHROMIUM_PATH,
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
  getBoundingClientRect(): { readonly width: number; readonly bottom: number; readonly right: number };
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

describe('gallery page (headless Chromium)', function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let harness: GalleryHarness | undefined;
  const opened: Page[] = [];

  before(async function () {
    browser = await launchChromium();
    if (!browser) {
      console.log(`      skipped: ${CHROMIUM_PATH} is not installed (apt-get install chromium)`);
      this.skip();
    }
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

  it('renders cards newest first with prompt, meta, status and loaded images, and reports them', async () => {
    const list = items(12);
    const { page, cspViolations, pageErrors } = await open({ items: list });
    const ids = await page.locator('.card').evaluateAll((cards: PageElement[]) => cards.map((c) => c.getAttribute('data-id')));
    assert.deepEqual(ids, list.map((i) => i.localId));
    assert.equal(await page.locator('.card').first().locator('.card-prompt').textContent(), nth(list, 0).prompt);
    assert.equal(await page.locator('.card').first().locator('.card-meta').textContent(), 'dall-e-3 · 1:1 · vivid');
    const running = page.locator(`.card[data-id="${syntheticId(2)}"]`);
    assert.equal(await running.locator('progress').getAttribute('value'), '42');
    assert.equal(await running.locator('.phase').textContent(), 'Generating');
    assert.equal(await page.locator(`.card[data-id="${syntheticId(6)}"] .error-text`).textContent(), nth(list, 5).error);
    // Width/height come from the item, so the layout is known before the image arrives; alt is the prompt.
    const img = page.locator('.card').first().locator('img');
    assert.equal(await img.getAttribute('width'), '1024');
    assert.equal(await img.getAttribute('alt'), nth(list, 0).alt);

    const withImages = list.filter((i) => i.image).map((i) => i.localId);
    await waitForReport(page, `r.loadedImages.length === ${withImages.length}`);
    const report = (await posted(page)).filter((m) => m.type === 'rendered').at(-1);
    // What each card's phase offers: every action on a cached image; Resume while detached; Show Log on a failure.
    const buttonsByPhase: Partial<Record<GalleryItem['phase'], CardButton[]>> = {
      done: ['save', 'insert', 'open', 'copyPath', 'copyPrompt', 'rerun', 'delete'],
      running: ['copyPrompt', 'rerun', 'delete'],
      detached: ['copyPrompt', 'rerun', 'delete', 'resume'],
      failed: ['copyPrompt', 'rerun', 'delete', 'showLog'],
      expired: ['copyPrompt', 'rerun', 'delete'],
    };
    const buttons = list.map((item) => buttonsByPhase[item.phase]);
    assert.deepEqual(report, { type: 'rendered', total: 12, localIds: ids, buttons, loadedImages: withImages, failedImages: [] });
    assert.deepEqual(cspViolations, []);
    assert.deepEqual(pageErrors, []);
  });

  it('keeps markup in prompts and errors as inert text', async () => {
    const [first, second] = items(2);
    assert.ok(first && second, 'items(2) returns two items');
    const hostile: GalleryItem[] = [
      { ...first, prompt: '<img src=x onerror=alert(1)>', alt: '<img src=x onerror=alert(1)>' },
      { ...second, phase: 'failed', image: undefined, error: '<script>alert(2)</script><b>bold</b>' },
    ];
    const { page, dialogs } = await open({ items: hostile });
    await waitForReport(page, 'r.loadedImages.length === 1');
    assert.equal(await page.locator('.card-prompt').first().textContent(), '<img src=x onerror=alert(1)>');
    assert.equal(await page.locator('.error-text').textContent(), '<script>alert(2)</script><b>bold</b>');
    assert.equal(await page.locator('img').count(), 1, 'only the one cached image is an <img>');
    assert.equal(await page.locator('img[src="x"], .card script, .card b').count(), 0);
    assert.deepEqual(dialogs, []);
  });

  it('posts the right message for every button', async () => {
    const list = items(8);
    const { page } = await open({ items: list });
    const done = nth(list, 0).localId;
    for (const action of ['save', 'insert', 'open', 'copyPath', 'copyPrompt', 'rerun', 'delete']) {
      await page.locator(`.card[data-id="${done}"] button[data-action="${action}"]`).click();
      assert.deepEqual(await lastPosted(page), { type: 'action', action, localId: done });
    }
    assert.equal(await page.locator(`.card[data-id="${done}"] button[data-action="resume"]`).count(), 0);

    const detached = syntheticId(4);
    await page.locator(`.card[data-id="${detached}"] button[data-action="resume"]`).click();
    assert.deepEqual(await lastPosted(page), { type: 'action', action: 'resume', localId: detached });
    // No image yet: nothing to save, insert, open or copy the path of.
    assert.equal(await page.locator(`.card[data-id="${detached}"] button[data-action="save"]`).count(), 0);

    await page.locator(`.card[data-id="${syntheticId(6)}"] button[data-action="showLog"]`).click();
    assert.deepEqual(await lastPosted(page), { type: 'showLog' });

    const labels = await page.locator(`.card[data-id="${done}"] button`).evaluateAll((buttons: PageElement[]) =>
      buttons.map((b) => [b.getAttribute('aria-label'), b.getAttribute('title'), b.tagName]),
    );
    assert.deepEqual(labels[0], ['Save to Workspace', 'Save to Workspace', 'BUTTON']);
    assert.ok(labels.every(([label, title]) => label && label === title));
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
    // One column of cards at their minimum width (240 px): the narrowest the choices must fit in.
    const { page, dialogs } = await open({ items: [unknownSubmit, unreadable, detached] }, { width: 280, height: 900 });
    assert.equal(Math.round(await page.locator('.card').first().evaluate((c: PageElement) => c.getBoundingClientRect().width)), 240);
    const card = page.locator(`.card[data-id="${unknownSubmit.localId}"]`);

    assert.equal(await card.locator('.phase').textContent(), 'Needs your decision');
    assert.equal(await card.locator('.placeholder-reason').textContent(), reason, 'the reason is on the card, as text');
    assert.equal(await card.locator('.placeholder-reason b').count(), 0);
    // Screen readers hear the reason with the status: it is what the choice depends on.
    const describedBy = ((await card.getAttribute('aria-describedby')) ?? '').split(' ');
    const described = await Promise.all(describedBy.map((id) => page.locator(`#${id}`).textContent()));
    assert.ok(described.includes(reason), `aria-describedby ${describedBy.join(' ')} does not read the reason`);

    const buttonsOf = (localId: string): Promise<(string | null)[][]> =>
      page
        .locator(`.card[data-id="${localId}"] .card-actions button`)
        .evaluateAll((list: PageElement[]) => list.map((b) => [b.getAttribute('data-action'), b.getAttribute('aria-label'), b.querySelector('.codicon')?.className ?? '']));
    // The choices come first, in words (an icon would not say that one may charge again); no Re-run.
    assert.deepEqual(await buttonsOf(unknownSubmit.localId), [
      ['resume', 'Look Again', ''],
      ['submitAnew', 'Submit Anew…', ''],
      ['copyPrompt', 'Copy Prompt', 'codicon codicon-quote'],
      ['delete', 'Delete', 'codicon codicon-trash'],
    ]);
    const visibleText = await card.locator('.card-choices button').evaluateAll((list: PageElement[]) => list.map((b) => b.textContent));
    assert.deepEqual(visibleText, ['Look Again', 'Submit Anew…']);
    const shortened = await card.locator('.card-choices button').evaluateAll((list: PageElement[]) => list.filter((b) => b.scrollWidth > b.clientWidth).length);
    assert.equal(shortened, 0, 'both choices are readable in full on a card of the minimum width');
    // Every button is inside the card's fixed box (nothing cut off by the second row of buttons).
    const overflow = await card.evaluate((c: PageElement) => {
      const box = c.getBoundingClientRect();
      return [...c.querySelectorAll('button')].filter((b) => b.getBoundingClientRect().bottom > box.bottom || b.getBoundingClientRect().right > box.right).length;
    });
    assert.equal(overflow, 0, 'a button lies outside the card');
    // Nothing to submit when the job is known to exist: Look Again and the log, no Submit Anew, no Re-run.
    assert.deepEqual(
      (await buttonsOf(unreadable.localId)).map(([action, label]) => [action, label]),
      [['resume', 'Look Again'], ['copyPrompt', 'Copy Prompt'], ['delete', 'Delete'], ['showLog', 'Show Log']],
    );
    // A detached card keeps Resume, and shows why it stopped.
    assert.deepEqual(
      (await buttonsOf(detached.localId)).map(([action, label]) => [action, label]),
      [['copyPrompt', 'Copy Prompt'], ['rerun', 'Re-run'], ['delete', 'Delete'], ['resume', 'Resume']],
    );
    assert.equal(await page.locator(`.card[data-id="${detached.localId}"] .placeholder-reason`).textContent(), 'Network error.');

    await card.locator('button[data-action="submitAnew"]').click();
    assert.deepEqual(await lastPosted(page), { type: 'action', action: 'submitAnew', localId: unknownSubmit.localId });
    await card.locator('button[data-action="resume"]').focus();
    await page.keyboard.press('Enter');
    assert.deepEqual(await lastPosted(page), { type: 'action', action: 'resume', localId: unknownSubmit.localId });
    await waitForReport(page, `r.buttons[0].includes("submitAnew") && r.buttons[1].includes("showLog")`);

    // Once the job runs again, the card drops the decision, its reason and its buttons, and says so.
    await hostPost(page, { type: 'update', item: { ...unknownSubmit, phase: 'running', decision: undefined, interruption: undefined } });
    await waitForReport(page, `!r.buttons[0].includes("submitAnew")`);
    assert.equal(await card.locator('.placeholder-reason').count(), 0);
    assert.equal(await card.locator('.phase').textContent(), 'Generating');
    assert.deepEqual((await buttonsOf(unknownSubmit.localId)).map(([action]) => action), ['copyPrompt', 'rerun', 'delete']);
    assert.deepEqual(dialogs, []);
  });

  it('is keyboard reachable: Tab reaches cards and their actions, arrows move between cards', async () => {
    const list = items(20);
    const { page } = await open({ items: list });
    const focused = (): Promise<string> =>
      evalIn<string>(page, `(() => { const a = document.activeElement; return a.dataset.action ?? a.dataset.id ?? a.className; })()`);
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'text-button');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), nth(list, 0).localId);
    // A visible focus ring in the theme's focus colour.
    const outline = await evalIn<string>(page, 'getComputedStyle(document.activeElement).outlineStyle + " " + getComputedStyle(document.activeElement).outlineColor');
    assert.equal(outline, 'solid rgb(0, 120, 212)');
    await page.keyboard.press('Tab');
    assert.equal(await focused(), 'save');
    await page.keyboard.press('Enter');
    assert.deepEqual(await lastPosted(page), { type: 'action', action: 'save', localId: nth(list, 0).localId });

    await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(), nth(list, 0).localId);
    const columns = await evalIn<number>(page, 'getComputedStyle(document.querySelector(".feed-window")).gridTemplateColumns.split(" ").length');
    assert.ok(columns >= 2, `expected a multi-column grid at 1100px, got ${columns}`);
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(), nth(list, 1).localId);
    await page.keyboard.press('ArrowDown');
    assert.equal(await focused(), nth(list, 1 + columns).localId);
    await page.keyboard.press('End');
    assert.equal(await focused(), nth(list, 19).localId);
    await page.keyboard.press('Home');
    assert.equal(await focused(), nth(list, 0).localId);
  });

  it('keeps the DOM bounded with 1,000 items and renders the end after scrolling', async () => {
    const list = items(1000);
    const { page } = await open({ items: list });
    const cardCount = (): Promise<number> => page.locator('.card').count();
    const nodeCount = (): Promise<number> => evalIn<number>(page, 'document.getElementsByTagName("*").length');
    const atTop = await cardCount();
    assert.ok(atTop > 0 && atTop <= 60, `cards at the top: ${atTop}`);
    assert.ok((await nodeCount()) < 2000, `DOM nodes at the top: ${await nodeCount()}`);
    assert.equal(await page.locator('.card').first().getAttribute('aria-setsize'), '1000');
    // Only the rendered window has images: far fewer requests than items.
    assert.ok((await page.locator('img').count()) <= atTop);

    await evalIn<void>(page, 'window.scrollTo(0, document.documentElement.scrollHeight)');
    await waitForReport(page, `r.localIds.includes("${nth(list, 999).localId}")`);
    assert.ok((await cardCount()) <= 60, `cards at the end: ${await cardCount()}`);
    assert.ok((await nodeCount()) < 2000);
    assert.equal(await page.locator(`.card[data-id="${nth(list, 0).localId}"]`).count(), 0, 'the first card left the DOM');
    assert.equal(await page.locator(`.card[data-id="${nth(list, 999).localId}"]`).getAttribute('aria-posinset'), '1000');
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

    await hostPost(page, { type: 'remove', localId: nth(list, 2).localId });
    await waitForReport(page, `!r.localIds.includes("${nth(list, 2).localId}")`);
    assert.equal(await page.locator(`.card[data-id="${nth(list, 2).localId}"]`).count(), 0);
    assert.equal(await page.locator('.card').count(), 6);
  });

  it('shows an empty state with a hint', async () => {
    const { page } = await open({ items: [] });
    assert.equal(await page.locator('.card').count(), 0);
    assert.ok(await page.locator('.empty').isVisible());
    assert.equal(await page.locator('.empty-title').textContent(), 'No images yet');
    assert.match((await page.locator('.empty-hint').textContent()) ?? '', /Generate Image from Selection/);
  });

  it('saves the scroll position with setState and restores it', async () => {
    const list = items(200);
    const { page } = await open({ items: list });
    await evalIn<void>(page, 'window.scrollTo(0, 3000)');
    await waitFor(page, 'window.__state && window.__state.scrollTop === 3000');

    const restored = await open({ items: list, savedState: { scrollTop: 3000 } });
    await waitFor(restored.page, 'window.scrollY === 3000');
    assert.equal(await restored.page.locator(`.card[data-id="${nth(list, 0).localId}"]`).count(), 0);
  });
});
