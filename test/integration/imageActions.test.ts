// Image actions on a workspace file inside VS Code: Remove Background and Upscale… upload the file, run the job on
// the emulator and save the result beside the original (never overwriting it or an earlier result); Replace
// Original writes the result over the source as one undoable edit; an upload that lapses before a resume is
// uploaded again without a second job.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import * as vscode from 'vscode';
import type { JobRecord } from '../../src/jobs/types';
import { exists, messagesFrom, setAfterCompletion, setUpHarness, tearDownHarness, type Harness } from './coreFlowHelpers';
import { screenshotsEnabled, takeScreenshot } from './screenshots';
import { waitFor } from './waitFor';

const FIXTURE = readFileSync(path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'images', 'logo.png'));
const UPLOADS = '/v2/uploads';
const BG_REMOVE = '/v2/images/background-remove';
const UPSCALE = '/v2/images/upscale';
const MINUTE = 60_000;

function decode(bytes: Uint8Array): PNG {
  return PNG.sync.read(Buffer.from(bytes));
}

function alphaAt(png: PNG, x: number, y: number): number {
  return png.data[(y * png.width + x) * 4 + 3] ?? -1;
}

describe('image actions on a workspace file', function () {
  this.timeout(60_000);
  let harness: Harness;
  let folder: vscode.Uri;

  before(async () => {
    harness = await setUpHarness();
    await setAfterCompletion('nothing');
    folder = vscode.Uri.joinPath(harness.workspace.uri, 'image-actions');
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await tearDownHarness(harness);
  });
  beforeEach(() => {
    harness.emulator.faults.clear();
    harness.emulator.log.clear();
  });

  /** A fresh copy of the fixture in its own folder (each test its own, so names never collide across tests). */
  async function fixtureCopy(subfolder: string, name = 'logo.png'): Promise<vscode.Uri> {
    const file = vscode.Uri.joinPath(folder, subfolder, name);
    await vscode.workspace.fs.writeFile(file, FIXTURE);
    return file;
  }

  async function records(): Promise<readonly JobRecord[]> {
    return (await harness.core.jobs()).history();
  }

  async function newestRecordOf(file: vscode.Uri): Promise<JobRecord> {
    const record = (await records()).find((r) => r.input?.uri === file.toString());
    assert.ok(record, `a record for ${file.path}`);
    return record;
  }

  function posts(pathName: string) {
    return harness.emulator.log.where({ method: 'POST', path: pathName });
  }

  async function removeBackground(file: vscode.Uri): Promise<void> {
    // The emulator's operation models are not in its catalog: the cost is unknown, so the action asks first.
    harness.ui.answer({ message: ['Run'] });
    await vscode.commands.executeCommand('apiframe.removeBackground', file, [file]);
  }

  it('Remove Background uploads the file and saves <name>-no-bg.png beside it: the derived pixels, the original untouched', async () => {
    const file = await fixtureCopy('remove');
    const messages = messagesFrom(harness.ui);
    await removeBackground(file);

    const saved = vscode.Uri.joinPath(folder, 'remove', 'logo-no-bg.png');
    assert.ok(await exists(saved), 'logo-no-bg.png beside logo.png');
    const result = decode(await vscode.workspace.fs.readFile(saved));
    const source = decode(FIXTURE);
    assert.deepEqual([result.width, result.height], [source.width, source.height]);
    for (const [x, y] of [[0, 0], [result.width - 1, 0], [0, result.height - 1], [result.width - 1, result.height - 1]] as const) {
      assert.equal(alphaAt(result, x, y), 0, `corner ${x},${y} is transparent`);
    }
    assert.equal(alphaAt(result, result.width / 2, result.height / 2), 255, 'the middle is kept');
    assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(file)), FIXTURE, 'the original is untouched');

    assert.equal(posts(UPLOADS).length, 1);
    const submits = posts(BG_REMOVE);
    assert.equal(submits.length, 1);
    const record = await newestRecordOf(file);
    assert.equal(record.phase, 'done', record.error);
    assert.equal(submits[0]?.idempotencyKey, record.idempotencyKey);
    assert.deepEqual(submits[0]?.body, { model: 'bria-bg-remove', briaBgRemoveParams: { image: record.input?.uploadedUrl } });
    assert.equal(record.operation?.label, 'Remove Background');
    assert.deepEqual(record.savedCopies?.map((copy) => copy.uri), [saved.toString()]);

    const asked = messages.texts().find((text) => text.includes('The cost of Remove Background on logo.png is unknown'));
    assert.ok(asked, 'the cost question was asked');
    const told = messages.last('info');
    assert.equal(told?.text, 'Saved logo-no-bg.png beside logo.png');
    assert.deepEqual(told.actions, ['Open', 'Replace Original', 'Use in Document']);
  });

  it('doing it twice saves logo-no-bg-2.png and overwrites nothing', async () => {
    const file = await fixtureCopy('twice');
    await removeBackground(file);
    const first = vscode.Uri.joinPath(folder, 'twice', 'logo-no-bg.png');
    const firstBytes = await vscode.workspace.fs.readFile(first);
    await removeBackground(file);
    const second = vscode.Uri.joinPath(folder, 'twice', 'logo-no-bg-2.png');
    assert.ok(await exists(second), 'the second result is numbered');
    assert.deepEqual(await vscode.workspace.fs.readFile(first), firstBytes, 'the first result is untouched');
    assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(file)), FIXTURE);
    assert.equal(posts(BG_REMOVE).length, 2, 'two jobs, one per request');
  });

  it('Upscale ×2 saves logo-2x.png at twice the size', async () => {
    const file = await fixtureCopy('upscale');
    harness.ui.answer({ quickPick: ['Topaz ×2'], message: ['Run'] });
    await vscode.commands.executeCommand('apiframe.upscaleImage', file);
    const saved = vscode.Uri.joinPath(folder, 'upscale', 'logo-2x.png');
    assert.ok(await exists(saved), 'logo-2x.png beside logo.png');
    const result = decode(await vscode.workspace.fs.readFile(saved));
    const source = decode(FIXTURE);
    assert.deepEqual([result.width, result.height], [source.width * 2, source.height * 2]);
    const [submit] = posts(UPSCALE);
    assert.deepEqual((submit?.body as { topazUpscaleParams?: unknown }).topazUpscaleParams, {
      image: (await newestRecordOf(file)).input?.uploadedUrl,
      upscale_factor: 2,
      output_format: 'png',
    });
  });

  it('Replace Original writes the result over the source after asking, and one Undo brings the original bytes back', async () => {
    const file = await fixtureCopy('replace');
    await removeBackground(file);
    const record = await newestRecordOf(file);
    const result = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, 'replace', 'logo-no-bg.png'));

    harness.ui.answer({ message: [undefined] });
    assert.equal(await vscode.commands.executeCommand('apiframe.replaceOriginal', record.localId, 0), undefined, 'declined: nothing replaced');
    assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(file)), FIXTURE);

    harness.ui.answer({ message: ['Replace'] });
    const replaced = await vscode.commands.executeCommand<vscode.Uri>('apiframe.replaceOriginal', record.localId, 0);
    assert.equal(replaced?.toString(), file.toString());
    assert.deepEqual(await vscode.workspace.fs.readFile(file), result, 'the source holds the result');
    // The gallery was never shown: its card can still show what the job started from, from the record's cache.
    const cacheFolder = path.dirname((await harness.core.jobs()).cachedFilePath(record, 0) ?? '');
    assert.deepEqual(readFileSync(path.join(cacheFolder, 'source.png')), FIXTURE, 'the original kept for the gallery');

    // Undo where a user does it: in the image's preview (its editor undoes what was done to its file).
    await vscode.commands.executeCommand('vscode.open', file);
    await waitFor(() => {
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return tab instanceof vscode.TabInputCustom && tab.uri.toString() === file.toString();
    }, 'the image preview of the replaced file');
    await vscode.commands.executeCommand('undo');
    await waitFor(async () => Buffer.from(await vscode.workspace.fs.readFile(file)).equals(FIXTURE), 'Undo to bring the original bytes back');
  });

  it('an upload that lapsed before a resume is uploaded again: exactly one job, and the result is saved', async () => {
    const file = await fixtureCopy('lapsed');
    const { emulator } = harness;
    // Every submit is lost on the way (nothing reaches the route) until the manager is restarted.
    emulator.faults.inject({ fault: { kind: 'reset' }, path: BG_REMOVE, times: 1000 });
    harness.ui.answer({ message: ['Run'] });
    const running = vscode.commands.executeCommand('apiframe.removeBackground', file);
    await waitFor(() => posts(BG_REMOVE).length > 0, 'a submit after the upload');
    const journaled = await newestRecordOf(file);
    assert.ok(journaled.input?.uploadedUrl, 'the upload is journaled before the submit');
    assert.equal(journaled.jobId, undefined);

    // The upload lapses on the server (the emulator reaps it after an hour), then the window's manager is replaced.
    emulator.clock.advance(61 * MINUTE);
    const restarted = harness.core.restartJobs();
    emulator.faults.clear();
    await restarted;
    await running;

    const saved = vscode.Uri.joinPath(folder, 'lapsed', 'logo-no-bg.png');
    await waitFor(() => exists(saved), 'the result saved beside the original');
    const record = await newestRecordOf(file);
    assert.equal(record.phase, 'done', record.error);
    assert.equal(emulator.jobs().filter((job) => job.idempotencyKey === record.idempotencyKey).length, 1, 'exactly one job');
    assert.equal(posts(UPLOADS).length, 2, 'uploaded once more');
    assert.equal(record.input?.uploadedUrls?.length, 2);
    assert.ok(posts(BG_REMOVE).every((entry) => entry.idempotencyKey === record.idempotencyKey), 'one key for every submit');
    assert.equal(alphaAt(decode(await vscode.workspace.fs.readFile(saved)), 0, 0), 0);
  });

  it('screenshot: the result beside its original, with the message that offers the next steps', async function () {
    if (!screenshotsEnabled()) this.skip();
    const file = await fixtureCopy('screenshot');
    await removeBackground(file);
    const saved = vscode.Uri.joinPath(folder, 'screenshot', 'logo-no-bg.png');
    await vscode.commands.executeCommand('vscode.open', saved);
    await harness.ui.revealInExplorer(saved);
    // The preview and the notification render after the calls that show them.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const files = await takeScreenshot('remove-background');
    assert.equal(files.length, 1);
  });
});
