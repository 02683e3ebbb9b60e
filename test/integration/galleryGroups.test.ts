// Groups and jobs with several images in the gallery inside VS Code, against the emulator: a 3-candidate group
// (three jobs of one group) is one card with its three images, a job that made three images is one card with
// three, and the image the user picks is the one saved or inserted — down to its exact bytes in the workspace.
// The page's side (tiles, keyboard, the messages it posts) is tested in Chromium (test/browser/galleryPage.test.ts);
// here the panel is handed what a click on a chosen image posts.
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import type { GalleryPanel, GalleryTraffic } from '../../src/gallery/galleryPanel';
import { stripImageMetadata } from '../../src/imageMetadata';
import type { GalleryItem } from '../../src/gallery/protocol';
import type { JobRecord } from '../../src/jobs/types';
import { openWithSelection, screenshotGalleryInThemes, setUpGalleryHarness, tearDownGalleryHarness, waitForRecord, type Harness } from './coreFlowHelpers';
import { screenshotsEnabled } from './screenshots';
import { galleryItemsSent, hostMessageOf, onGalleryTraffic } from './testApi';
import { waitFor } from './waitFor';

const PROMPT = 'A lighthouse on a basalt cliff at dawn, three ways';
const GRID_PROMPT = 'Three app icons for a weather app, flat, bright';

describe('gallery groups: several images on one card, and the one picked is saved or inserted', function () {
  this.timeout(120_000);
  let harness: Harness;
  let candidates: JobRecord[] = [];
  let job: JobRecord;
  /** Every record the suite made (deleted again at the end). */
  const created: JobRecord[] = [];
  let gallery: GalleryPanel | undefined;
  const traffic: GalleryTraffic[] = [];
  let subscription: vscode.Disposable | undefined;

  /** The items the page was handed for `localId`, oldest first. */
  const sentItems = (localId: string): GalleryItem[] => galleryItemsSent(traffic, localId);

  const bytesOf = async (file: string | undefined): Promise<Uint8Array> => {
    assert.ok(file, 'a cached file');
    return vscode.workspace.fs.readFile(vscode.Uri.file(file));
  };
  /** A saved copy's image bytes: the file without the request it carries (the cache keeps the server's bytes). */
  const savedBytesOf = async (uri: vscode.Uri): Promise<Buffer> => Buffer.from(stripImageMetadata(await vscode.workspace.fs.readFile(uri)));

  before(async () => {
    harness = await setUpGalleryHarness();
    const manager = await harness.core.jobs();
    const group = randomUUID();
    candidates = await Promise.all(
      [0, 1, 2].map((index) =>
        manager.generate({
          prompt: PROMPT,
          model: 'flux-1.1-pro',
          params: { width: 1024, height: 1024, seed: 7 + index },
          aspectRatio: '1:1',
          group: { id: group, kind: 'candidates', index, size: 3 },
        }),
      ),
    );
    job = await manager.generate({ prompt: GRID_PROMPT, model: 'gpt-image-1.5', params: { number_of_images: 3 }, aspectRatio: '1:1' });
    created.push(...candidates, job);
    for (const record of [...candidates, job]) assert.equal(record.phase, 'done', record.error ?? record.interruption);
    assert.equal(job.files?.length, 3, 'the job made three images');
    subscription = onGalleryTraffic((sent) => traffic.push(sent));
    gallery = await vscode.commands.executeCommand<GalleryPanel>('apiframe.showImages');
    assert.ok(gallery);
  });

  after(async () => {
    subscription?.dispose();
    // Other suites of the run count the history's records as cards (one card per record without groups).
    const manager = await harness.core.jobs();
    for (const record of created) if (manager.get(record.localId)) await manager.delete(record.localId);
    await tearDownGalleryHarness(harness);
  });

  it('shows the 3 candidates as one card with their images in order, and the 3-image job as one card with three', async () => {
    assert.ok(gallery);
    const [lead, second, third] = candidates;
    assert.ok(lead && second && third);
    const report = await gallery.waitForReport((r) => r.loadedImages.includes(lead.localId) && r.loadedImages.includes(job.localId), 30_000);
    assert.ok(!report.localIds.includes(second.localId) && !report.localIds.includes(third.localId), 'no card of its own for the other candidates');
    assert.equal(report.localIds.indexOf(job.localId), 0, 'the newest card first');
    assert.equal(report.localIds.indexOf(lead.localId), 1);
    assert.deepEqual(report.failedImages, []);

    const groupItem = sentItems(lead.localId).at(-1);
    assert.ok(groupItem);
    assert.deepEqual(groupItem.group, { kind: 'candidates', size: 3, models: ['flux-1.1-pro'] });
    assert.deepEqual(
      groupItem.tiles?.map((tile) => [tile.localId, tile.index]),
      candidates.map((record) => [record.localId, 0]),
    );
    const costs = candidates.map((record) => record.creditCost);
    assert.ok(costs.every((cost) => typeof cost === 'number' && cost > 0), `every job cost something: ${costs.join()}`);
    assert.equal(groupItem.creditCost, costs.reduce<number>((sum, cost) => sum + (cost ?? 0), 0), 'what the group cost together');

    const jobItem = sentItems(job.localId).at(-1);
    assert.ok(jobItem);
    assert.deepEqual(jobItem.tiles?.map((tile) => tile.index), [0, 1, 2]);
    assert.equal(jobItem.creditCost, job.creditCost);
    // Strings for the card's cost and the images' names came from the host, localized there.
    const state = traffic.flatMap((t) => {
      const message = hostMessageOf(t);
      return message?.type === 'state' ? [message] : [];
    }).at(-1);
    assert.equal(state?.strings.candidateLabel, 'Candidate {0} of {1}, {2}');
    assert.equal(state?.strings.credits, '{0} credits');
  });

  it('saves the second candidate picked on the group card: its own bytes, and the card says where', async () => {
    assert.ok(gallery);
    const [lead, second] = candidates;
    assert.ok(lead && second);
    const manager = await harness.core.jobs();
    gallery.receiveFromPage({ type: 'action', action: 'save', localId: second.localId, index: 0 });
    const saved = await waitForRecord(harness.core, second.localId, (r) => (r.savedCopies?.length ?? 0) === 1, 'the second candidate to be saved');
    const copy = saved.savedCopies?.[0];
    assert.ok(copy);
    assert.equal(copy.index, 0);
    const bytes = await savedBytesOf(vscode.Uri.parse(copy.uri));
    // (The emulator draws an image from the prompt and its position in the job, so candidates of one prompt
    // have the same bytes there: which record was saved is what tells them apart.)
    assert.deepEqual(bytes, Buffer.from(await bytesOf(manager.cachedFilePath(second, 0))), 'the second candidate’s exact bytes');
    assert.equal((await harness.core.jobs()).get(lead.localId)?.savedCopies, undefined, 'nothing saved for the others');
    const relative = vscode.workspace.asRelativePath(vscode.Uri.parse(copy.uri), false);
    await waitFor(() => sentItems(lead.localId).at(-1)?.tiles?.[1]?.savedPath === relative, 'the group card to say where the image was saved');
    const item = sentItems(lead.localId).at(-1);
    assert.equal(item?.savedPath, relative);
    assert.deepEqual(item?.tiles?.map((tile) => tile.savedPath), [undefined, relative, undefined]);
  });

  it('saves image 2 of the 3-image job: that image’s exact bytes in the workspace, and the card says where', async () => {
    assert.ok(gallery);
    const manager = await harness.core.jobs();
    gallery.receiveFromPage({ type: 'action', action: 'save', localId: job.localId, index: 1 });
    const saved = await waitForRecord(harness.core, job.localId, (r) => (r.savedCopies?.length ?? 0) === 1, 'image 2 to be saved');
    const copy = saved.savedCopies?.[0];
    assert.ok(copy);
    assert.equal(copy.index, 1, 'the copy remembers which image it is');
    const file = vscode.Uri.parse(copy.uri);
    const bytes = await savedBytesOf(file);
    assert.deepEqual(bytes, Buffer.from(await bytesOf(manager.cachedFilePath(job, 1))), 'image 2’s exact bytes');
    assert.notDeepEqual(bytes, Buffer.from(await bytesOf(manager.cachedFilePath(job, 0))), 'not image 1');
    assert.match(file.path, /-2\.png$/, 'the file name says which image it is');
    const relative = vscode.workspace.asRelativePath(file, false);
    await waitFor(() => sentItems(job.localId).at(-1)?.savedPath === relative, 'the card to say where image 2 was saved');
    assert.deepEqual(sentItems(job.localId).at(-1)?.tiles?.map((tile) => tile.savedPath), [undefined, relative, undefined]);
  });

  it('inserts image 3 of the job into a Markdown document: a link to a file with image 3’s bytes', async () => {
    assert.ok(gallery);
    const manager = await harness.core.jobs();
    const text = '# Icons\n\nThe weather app’s icon.\n';
    const editor = await openWithSelection(harness.workspace, 'gallery-groups.md', text, ['The weather app’s icon.']);
    gallery.receiveFromPage({ type: 'action', action: 'insert', localId: job.localId, index: 2 });
    await waitFor(() => editor.document.getText() !== text, 'the link to be inserted');
    const saved = await waitForRecord(harness.core, job.localId, (r) => (r.savedCopies ?? []).some((c) => c.index === 2), 'image 3 to be saved');
    const copy = saved.savedCopies?.find((c) => c.index === 2);
    assert.ok(copy);
    const file = vscode.Uri.parse(copy.uri);
    const relative = vscode.workspace.asRelativePath(file, false);
    const link = /!\[[^\]]*\]\(([^)]+)\)/.exec(editor.document.getText());
    assert.ok(link, editor.document.getText());
    assert.equal(link[1], relative, 'the link points at image 3’s copy');
    assert.deepEqual(await savedBytesOf(file), Buffer.from(await bytesOf(manager.cachedFilePath(job, 2))), 'image 3’s exact bytes');
    assert.equal(saved.savedCopies?.length, 2, 'image 2’s copy stays, no other file');
  });

  it('takes a picture of the candidates group (light and dark theme)', async function () {
    if (!screenshotsEnabled()) this.skip();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    gallery = await vscode.commands.executeCommand<GalleryPanel>('apiframe.showImages', { reveal: candidates[0]?.localId });
    assert.ok(gallery);
    const lead = candidates[0]?.localId ?? '';
    await gallery.waitForReport((r) => r.loadedImages.includes(lead), 30_000);
    await screenshotGalleryInThemes('gallery-groups');
  });
});
