// The gallery as a grid inside VS Code: several images generated against the emulator show up as cards, newest
// first, each offering its actions (shown and in its menu) — read from the page's own report of its DOM — and
// the header's Generate button runs Generate Image…, whose new card joins the grid. The page's layout, keyboard
// and filter are tested in Chromium (test/browser/galleryPage.test.ts); the filter is client-side only and
// tells the host nothing, so it is not observable from here.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GalleryPanel, GalleryTraffic } from '../../src/gallery/galleryPanel';
import type { JobRecord } from '../../src/jobs/types';
import { runGenerate, setUpGalleryHarness, tearDownGalleryHarness, waitForRecord, type Harness } from './coreFlowHelpers';
import { screenshotsEnabled, takeScreenshot } from './screenshots';
import { hostMessageOf, onGalleryTraffic } from './testApi';
import { waitFor } from './waitFor';

const IMAGES = [
  { prompt: 'A lighthouse on a basalt cliff at dawn, watercolor, soft mist rolling over the sea', aspectRatio: '1:1', style: 'vivid' },
  { prompt: 'Isometric illustration of a tiny server room with plants and warm lamps', aspectRatio: '3:2', style: 'natural' },
  { prompt: 'A cozy reading nook inside a hollow tree, children’s book style', aspectRatio: '2:3', style: 'vivid' },
  { prompt: 'Flat vector icon of a paper plane leaving a trail of code brackets', aspectRatio: '1:1', style: 'natural' },
  { prompt: 'Hero image for a documentation site: mountains made of stacked books', aspectRatio: '3:2', style: 'vivid' },
] as const;

/** What a finished, unsaved image's card offers: Insert, Save and Open shown, the rest in its menu. */
const DONE_CARD_BUTTONS = ['insert', 'save', 'open', 'insertAtCursor', 'copyPath', 'copyPrompt', 'rerun', 'delete'];

/** Cards the gallery shows for a history: one per record, except that the records of a group share one. */
function cardCount(history: readonly JobRecord[]): number {
  return new Set(history.map((record) => record.group?.id ?? record.localId)).size;
}

/** A picture of the workbench and the gallery in the default dark theme (the user's theme is put back). */
async function screenshotInDarkTheme(name: string): Promise<void> {
  const workbench = vscode.workspace.getConfiguration('workbench');
  const previous = workbench.inspect<string>('colorTheme')?.globalValue;
  await workbench.update('colorTheme', 'Default Dark Modern', vscode.ConfigurationTarget.Global);
  try {
    // The webview gets the new theme's variables with the next paint.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await takeScreenshot(name, { webviewTitle: 'Apiframe Images' });
  } finally {
    await workbench.update('colorTheme', previous, vscode.ConfigurationTarget.Global);
  }
}

describe('gallery grid: cards for several images, and Generate from the header', function () {
  this.timeout(120_000);
  let harness: Harness;
  const generated: JobRecord[] = [];

  before(async () => {
    harness = await setUpGalleryHarness();
  });
  after(() => tearDownGalleryHarness(harness));

  it('shows every image as a card, newest first, with its actions and its image loaded', async () => {
    for (const image of IMAGES) {
      const [record] = await runGenerate('apiframe.generate', image);
      assert.equal(record?.phase, 'done', record?.error ?? record?.interruption ?? `no record for ${image.prompt}`);
      generated.push(record);
    }
    const traffic: GalleryTraffic[] = [];
    const subscription = onGalleryTraffic((sent) => traffic.push(sent));
    let gallery: GalleryPanel | undefined;
    try {
      gallery = await vscode.commands.executeCommand<GalleryPanel>('apiframe.showImages');
      assert.ok(gallery);
      const newestFirst = [...generated].reverse().map((record) => record.localId);
      const report = await gallery.waitForReport((r) => newestFirst.every((id) => r.loadedImages.includes(id)), 30_000);
      const positions = newestFirst.map((id) => report.localIds.indexOf(id));
      assert.ok(
        positions.every((position, i) => position >= 0 && (i === 0 || position > (positions[i - 1] ?? -1))),
        `cards in newest-first order: ${positions.join(', ')}`,
      );
      for (const position of positions) assert.deepEqual(report.buttons[position], DONE_CARD_BUTTONS);
      assert.equal(report.total, cardCount((await harness.core.jobs()).history()), 'every record of the history is in the list');
      assert.deepEqual(report.failedImages, []);
    } finally {
      subscription.dispose();
    }
    // The header names the model in use, and follows the setting.
    const modelMessages = (): string[] => traffic.flatMap((t) => (t.kind === 'message' && t.message.type === 'model' ? [t.message.label] : []));
    const models = vscode.workspace.getConfiguration('apiframe');
    const changes = onGalleryTraffic((sent) => traffic.push(sent));
    try {
      await waitFor(() => modelMessages().at(-1) === 'DALL·E 3', 'the header names the default model');
      await models.update('model', 'flux-1.1-pro', vscode.ConfigurationTarget.Global);
      await waitFor(() => modelMessages().at(-1) === 'FLUX 1.1 Pro', 'the header follows apiframe.model');
    } finally {
      await models.update('model', undefined, vscode.ConfigurationTarget.Global);
      changes.dispose();
    }
    // The page was handed the header's and the cards' words.
    const state = traffic.flatMap((t) => {
      const message = hostMessageOf(t);
      return message?.type === 'state' ? [message] : [];
    }).at(-1);
    assert.ok(state, 'the page received the history');
    assert.equal(state.strings.generate, 'Generate Image…');
    assert.equal(state.strings.filterLabel, 'Filter by prompt');
    assert.equal(state.strings.emptySteps.length, 2);
    assert.deepEqual(state.strings.stages, { submitting: 'Submitting', queued: 'Queued', generating: 'Generating', downloading: 'Downloading' });
    const item = state.items.find((i) => i.localId === generated[1]?.localId);
    assert.ok(item?.image, 'a card has its image with its pixel size');
    assert.ok(item.image.width > item.image.height, 'the 3:2 image is landscape: its card reserves a landscape box');
    if (screenshotsEnabled()) await screenshotInDarkTheme('gallery-grid');
  });

  it('paints its first screen from the HTML; a page shown again after the history changed gets the whole history', async () => {
    // A gallery opened from scratch (the extension's own panel: the test's copy of the module is another one).
    (await vscode.commands.executeCommand<GalleryPanel | undefined>('apiframe.showImages'))?.panel.dispose();
    const traffic: GalleryTraffic[] = [];
    const subscription = onGalleryTraffic((sent) => traffic.push(sent));
    try {
      const gallery = await vscode.commands.executeCommand<GalleryPanel>('apiframe.showImages');
      assert.ok(gallery);
      const history = (await harness.core.jobs()).history();
      await gallery.waitForReport((r) => r.localIds[0] === history[0]?.localId && r.total === cardCount(history), 30_000);
      const [html] = traffic;
      assert.equal(html?.kind, 'html');
      assert.equal(hostMessageOf(html)?.type, 'state', 'the first screen is in the HTML');
      assert.deepEqual(
        traffic.flatMap((t) => (t.kind === 'message' && t.message.type === 'state' ? [t] : [])),
        [],
        'the page showed the embedded screen: the host did not send it again',
      );

      // Hidden, the page is destroyed; shown again it reloads the same HTML, whose first screen is now stale.
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: 'hide the gallery' }), { viewColumn: gallery.panel.viewColumn });
      await waitFor(() => !gallery.panel.visible, 'the gallery is hidden');
      const [record] = await runGenerate('apiframe.generate', { prompt: 'A paper boat on a rain puddle, seen from above', aspectRatio: '1:1', style: 'vivid' });
      assert.equal(record?.phase, 'done');
      traffic.length = 0;
      gallery.panel.reveal();
      const report = await gallery.waitForReport((r) => r.localIds[0] === record.localId, 30_000);
      assert.equal(report.total, cardCount(history) + 1);
      assert.ok(
        traffic.some((t) => t.kind === 'message' && t.message.type === 'state' && t.message.items[0]?.localId === record.localId),
        'the host sent the whole, current history',
      );
    } finally {
      subscription.dispose();
    }
  });

  it('runs Generate Image… from the header’s Generate button, and the new card joins the grid first', async () => {
    const gallery = await vscode.commands.executeCommand<GalleryPanel>('apiframe.showImages');
    assert.ok(gallery);
    const prompt = 'A kite made of old maps over a harbour at noon';
    harness.ui.answer({ inputBox: [prompt], quickPick: ['3:2', 'Natural'] });
    // What a click on the header's Generate button posts (the page's side is tested in Chromium).
    gallery.receiveFromPage({ type: 'generate' });
    const manager = await harness.core.jobs();
    await waitFor(() => manager.history().some((record) => record.prompt === prompt), 'the Generate button asked for a prompt and submitted it');
    const created = manager.history().find((record) => record.prompt === prompt);
    assert.ok(created);
    assert.equal(created.aspectRatio, '3:2');
    assert.equal(created.style, 'natural');
    const done = await waitForRecord(harness.core, created.localId, (record) => record.phase === 'done', 'the new image is done');
    const report = await gallery.waitForReport((r) => r.localIds[0] === done.localId && r.loadedImages.includes(done.localId), 30_000);
    assert.deepEqual(report.buttons[0], DONE_CARD_BUTTONS);

    // A forged Generate (extra keys) is ignored: nothing asks for a prompt.
    const before = manager.history().length;
    harness.ui.answer({ inputBox: ['must not be used'], quickPick: ['1:1', 'Vivid'] });
    gallery.receiveFromPage({ type: 'generate', prompt: 'injected' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(manager.history().length, before);
    harness.ui.answer({});
  });
});
