// Image actions in the gallery inside VS Code, against the emulator: Upscale 2 on a Midjourney grid's card sends
// Midjourney's action for that grid's job and image 2, and the new card shows its source (the grid's image 2)
// beside the result; a workspace file's source is shown from a copy in the record's own cache folder (the
// page's resource roots stay the extension and the image cache), and a source that is gone is named only.
// The page's side (the buttons, their names, the keyboard) is tested in Chromium (test/browser/galleryPage.test.ts);
// here the panel is handed what a click on the card's button posts.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GalleryPanel, GalleryTraffic } from '../../src/gallery/galleryPanel';
import type { GalleryItem } from '../../src/gallery/protocol';
import type { JobRecord } from '../../src/jobs/types';
import { screenshotGalleryInThemes, setUpGalleryHarness, tearDownGalleryHarness, waitForRecord, type Harness } from './coreFlowHelpers';
import { screenshotsEnabled } from './screenshots';
import { galleryItemsSent, onGalleryTraffic } from './testApi';
import { waitFor } from './waitFor';

// Short enough to be the source's name whole (a longer prompt is cut like a notification's title).
const GRID_PROMPT = 'A lighthouse on a basalt cliff, four ways';
const MIDJOURNEY_ACTION_PATH = '/v2/images/midjourney/action';

describe('gallery actions: Upscale n on a Midjourney grid, and the source beside a result', function () {
  this.timeout(180_000);
  let harness: Harness;
  let grid: JobRecord;
  let upscale: JobRecord | undefined;
  const created: string[] = [];
  let gallery: GalleryPanel | undefined;
  const traffic: GalleryTraffic[] = [];
  let subscription: vscode.Disposable | undefined;
  const workspaceFiles: vscode.Uri[] = [];

  /** The items the page was handed for `localId`, oldest first. */
  const sentItems = (localId: string): GalleryItem[] => galleryItemsSent(traffic, localId);
  const lastItem = (localId: string): GalleryItem | undefined => sentItems(localId).at(-1);
  const bytesOf = async (file: string | undefined): Promise<Buffer> => {
    assert.ok(file, 'a cached file');
    return Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(file)));
  };
  const openGallery = async (reveal?: string): Promise<GalleryPanel> => {
    const panel = await vscode.commands.executeCommand<GalleryPanel>('apiframe.showImages', reveal === undefined ? undefined : { reveal });
    assert.ok(panel);
    gallery = panel;
    return panel;
  };

  before(async () => {
    harness = await setUpGalleryHarness();
    const manager = await harness.core.jobs();
    grid = await manager.generate({ prompt: GRID_PROMPT, model: 'midjourney', params: {}, aspectRatio: '1:1' });
    created.push(grid.localId);
    assert.equal(grid.phase, 'done', grid.error ?? grid.interruption);
    assert.equal(grid.files?.length, 4, 'a Midjourney grid of four images');
    assert.ok(grid.jobId);
    subscription = onGalleryTraffic((sent) => traffic.push(sent));
    await openGallery();
  });

  after(async () => {
    subscription?.dispose();
    harness.ui.answer({});
    // Other suites count the history's records as cards.
    const manager = await harness.core.jobs();
    for (const localId of created) if (manager.get(localId)) await manager.delete(localId);
    for (const file of workspaceFiles) await vscode.workspace.fs.delete(file).then(undefined, () => undefined);
    await tearDownGalleryHarness(harness);
  });

  it('offers Upscale n / Vary n on the grid’s card only', async () => {
    assert.ok(gallery);
    const report = await gallery.waitForReport((r) => r.loadedImages.includes(grid.localId), 30_000);
    const buttons = report.buttons[report.localIds.indexOf(grid.localId)];
    assert.deepEqual(buttons?.slice(0, 2), ['upscale', 'vary']);
    const item = lastItem(grid.localId);
    assert.deepEqual(
      item?.tiles?.map((tile) => [tile.index, tile.midjourneyGrid]),
      [0, 1, 2, 3].map((index) => [index, true]),
    );
  });

  it('Upscale 2 sends Midjourney’s action for the grid’s job and image 2; the new card shows image 2 as its source', async () => {
    assert.ok(gallery);
    const manager = await harness.core.jobs();
    const before = new Set(manager.history().map((record) => record.localId));
    const logged = harness.emulator.log.entries.length;
    // Apiframe's catalog has no price for Midjourney's actions: the action asks before it is run.
    harness.ui.answer({ message: ['Run'] });
    gallery.receiveFromPage({ type: 'gridAction', action: 'upsample', localId: grid.localId, index: 1 });

    await waitFor(() => manager.history().some((record) => !before.has(record.localId)), 'the upscale’s record', 30_000);
    const localId = manager.history().find((record) => !before.has(record.localId))?.localId;
    assert.ok(localId);
    created.push(localId);
    upscale = await waitForRecord(harness.core, localId, (record) => record.phase === 'done' || record.phase === 'failed', 'the upscale to finish');
    assert.equal(upscale.phase, 'done', upscale.error);

    const submits = harness.emulator.log.entries.slice(logged).filter((entry) => entry.method === 'POST' && entry.path === MIDJOURNEY_ACTION_PATH);
    assert.equal(submits.length, 1, 'one submit');
    assert.deepEqual(submits[0]?.body, { action: 'upsample', parentJobId: grid.jobId, index: 2 });
    assert.deepEqual(upscale.operation && { kind: upscale.operation.kind, label: upscale.operation.label, suffix: upscale.operation.suffix }, {
      kind: 'midjourneyAction',
      label: 'Upscale 2',
      suffix: 'u2',
    });
    assert.equal(upscale.input?.localId, grid.localId);
    assert.equal(upscale.input?.index, 1);
    // Upscale n is the grid's image n (the emulator's upsample returns it byte for byte).
    assert.equal(upscale.files?.length, 1);
    assert.deepEqual(await bytesOf(manager.cachedFilePath(upscale, 0)), await bytesOf(manager.cachedFilePath(grid, 1)));

    // The new card: its source is the grid's image 2 (the cached file, as a webview URI), named and labelled.
    const done = upscale;
    await waitFor(() => lastItem(done.localId)?.phase === 'done' && lastItem(done.localId)?.source?.thumbnail !== undefined, 'the upscale’s card with its source', 30_000);
    const item = lastItem(done.localId);
    assert.ok(item?.source);
    assert.equal(item.source.action, 'Upscale 2');
    assert.equal(item.source.name, GRID_PROMPT);
    assert.ok(item.source.thumbnail?.endsWith(`/${grid.localId}/2.png`), item.source.thumbnail);
    assert.ok(!JSON.stringify(item).includes('data:'), 'no image bytes in the card data');
    assert.equal(item.tiles, undefined, 'an upscale is no grid');
    const report = await gallery.waitForReport((r) => r.loadedImages.includes(done.localId), 30_000);
    const buttons = report.buttons[report.localIds.indexOf(done.localId)] ?? [];
    assert.equal(buttons[0], 'openSource', 'the source can be opened');
    assert.ok(!buttons.includes('upscale'), 'no Upscale n on a single image');
  });

  it('Vary 3 sends Midjourney’s variation of the grid’s image 3 and becomes a grid of its own', async () => {
    const manager = await harness.core.jobs();
    const before = new Set(manager.history().map((record) => record.localId));
    const logged = harness.emulator.log.entries.length;
    harness.ui.answer({ message: ['Run'] });
    gallery?.receiveFromPage({ type: 'gridAction', action: 'variation', localId: grid.localId, index: 2 });

    await waitFor(() => manager.history().some((record) => !before.has(record.localId)), 'the variation’s record', 30_000);
    const localId = manager.history().find((record) => !before.has(record.localId))?.localId;
    assert.ok(localId);
    created.push(localId);
    const vary = await waitForRecord(harness.core, localId, (record) => record.phase === 'done' || record.phase === 'failed', 'the variation to finish');
    assert.equal(vary.phase, 'done', vary.error);
    const submits = harness.emulator.log.entries.slice(logged).filter((entry) => entry.method === 'POST' && entry.path === MIDJOURNEY_ACTION_PATH);
    assert.deepEqual(
      submits.map((entry) => entry.body),
      [{ action: 'variation', parentJobId: grid.jobId, index: 3 }],
    );
    assert.deepEqual(vary.operation && [vary.operation.label, vary.operation.suffix], ['Vary 3', 'v3']);
    assert.deepEqual([vary.input?.localId, vary.input?.index], [grid.localId, 2]);
    assert.equal(vary.files?.length, 4, 'a variation is a new grid of four');
  });

  it('takes a picture of the upscale beside its grid (light and dark theme)', async function () {
    if (!screenshotsEnabled() || !upscale) this.skip();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const panel = await openGallery(upscale.localId);
    const shown = upscale.localId;
    await panel.waitForReport((r) => r.loadedImages.includes(shown) && r.loadedImages.includes(grid.localId), 30_000);
    await screenshotGalleryInThemes('gallery-actions');
  });

  it('shows a workspace file’s source from a copy in the record’s cache folder, and a source that is gone by its name', async () => {
    const manager = await harness.core.jobs();
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder);
    const png = await bytesOf(manager.cachedFilePath(grid, 2));
    const logo = vscode.Uri.joinPath(folder.uri, 'assets', 'gallery-actions-logo.png');
    const gone = vscode.Uri.joinPath(folder.uri, 'assets', 'gallery-actions-gone.png');
    workspaceFiles.push(logo, gone);
    await vscode.workspace.fs.writeFile(logo, png);
    await vscode.workspace.fs.writeFile(gone, png);
    // The cards are made while the gallery is closed: the copies are made once the page shows them.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const removeBackground = (uri: vscode.Uri, name: string): Promise<JobRecord> =>
      manager.runOperation({
        operation: { kind: 'backgroundRemove', request: { model: 'bria-bg-remove', briaBgRemoveParams: { image: '' } }, label: 'Remove Background', suffix: 'no-bg' },
        input: { uri: uri.toString(), name },
      });
    const fromLogo = await removeBackground(logo, 'gallery-actions-logo.png');
    created.push(fromLogo.localId);
    const fromGone = await removeBackground(gone, 'gallery-actions-gone.png');
    created.push(fromGone.localId);
    assert.equal(fromLogo.phase, 'done', fromLogo.error);
    assert.equal(fromGone.phase, 'done', fromGone.error);
    await vscode.workspace.fs.delete(gone);

    const panel = await openGallery();
    // The newer card is copied first (the page reports newest first): once the older has its thumbnail, the
    // gone one has been tried.
    await waitFor(() => lastItem(fromLogo.localId)?.source?.thumbnail !== undefined, 'the logo’s card with its thumbnail', 30_000);
    const logoItem = lastItem(fromLogo.localId);
    assert.deepEqual(logoItem?.source && { name: logoItem.source.name, action: logoItem.source.action }, { name: 'gallery-actions-logo.png', action: 'Remove Background' });
    assert.ok(logoItem?.source?.thumbnail?.endsWith(`/${fromLogo.localId}/source.png`), logoItem?.source?.thumbnail);
    const cacheFolder = path.dirname(manager.cachedFilePath(fromLogo, 0) ?? '');
    assert.deepEqual(await bytesOf(path.join(cacheFolder, 'source.png')), png, 'the copy has the file’s bytes');
    const goneItem = lastItem(fromGone.localId);
    assert.deepEqual(goneItem?.source, { name: 'gallery-actions-gone.png', action: 'Remove Background' }, 'named, without a thumbnail');
    const goneFolder = path.dirname(manager.cachedFilePath(fromGone, 0) ?? '');
    const goneEntries = await vscode.workspace.fs.readDirectory(vscode.Uri.file(goneFolder));
    assert.ok(!goneEntries.some(([name]) => name.startsWith('source.')), 'no copy of a file that was gone');
    // The page reads the cache and the extension's own files, never the workspace.
    const roots = panel.panel.webview.options.localResourceRoots ?? [];
    assert.ok(roots.length > 0);
    for (const root of roots) assert.ok(!`${logo.fsPath}`.startsWith(root.fsPath + path.sep), `${root.fsPath} would expose the workspace`);
    // The page reports again once it shows the thumbnail that came in an update.
    const report = await panel.waitForReport(
      (r) => r.localIds.includes(fromGone.localId) && r.buttons[r.localIds.indexOf(fromLogo.localId)]?.[0] === 'openSource',
      30_000,
    );
    assert.ok(!report.buttons[report.localIds.indexOf(fromGone.localId)]?.includes('openSource'), 'nothing to open');

    // Deleting the record deletes its folder, the copy with it.
    await manager.delete(fromLogo.localId);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.stat(vscode.Uri.file(cacheFolder))), 'the record’s cache folder is gone');
  });

  it('names a gallery source without a thumbnail once its record is deleted', async () => {
    assert.ok(gallery && upscale);
    const manager = await harness.core.jobs();
    const shown = upscale.localId;
    await manager.delete(grid.localId);
    await waitFor(() => lastItem(shown)?.source !== undefined && lastItem(shown)?.source?.thumbnail === undefined, 'the upscale’s card without its source’s thumbnail', 30_000);
    assert.deepEqual(lastItem(shown)?.source, { name: GRID_PROMPT, action: 'Upscale 2' });
  });
});
