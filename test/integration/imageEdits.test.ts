// The image actions that ask before they run, on a fixture image in the workspace, against the emulator: Extend
// (an outpaint preset through Flux Fill), Edit with Prompt (a model that takes an input image gets the uploaded
// file), Make Variations (the prompt saved in the image, several results beside the original, none overwritten)
// and Use in Document (the open Markdown now links the result; one Undo links the original again).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import * as vscode from 'vscode';
import { embedImageMetadata, imageMetadataOf } from '../../src/imageMetadata';
import type { JobRecord } from '../../src/jobs/types';
import { DEFAULT_EXTEND_PROMPT } from '../../src/models/extendChoices';
import { apiframeConfig, exists, setAfterCompletion, setUpHarness, tearDownHarness, type Harness } from './coreFlowHelpers';
import { takeScreenshot } from './screenshots';
import { waitFor } from './waitFor';

const FIXTURE = readFileSync(path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'images', 'edits-logo.png'));
/** The emulator's outpaint fill (test/emulator/operations.ts OUTPAINT_FILL). */
const FILL = [128, 128, 128, 255];
const SETTINGS = ['confirmAboveCredits', 'model'] as const;

/** POST bodies the emulator accepted on `route` since `after` (a log sequence number). */
function acceptedBodies(harness: Harness, route: string, after: number): Record<string, unknown>[] {
  return harness.emulator.log
    .where({ method: 'POST', path: route, status: 202 })
    .filter((entry) => entry.seq > after)
    .map((entry) => entry.body as Record<string, unknown>);
}

function lastSeq(harness: Harness): number {
  return harness.emulator.log.where({}).at(-1)?.seq ?? 0;
}

/** Checks that `url` is an upload the emulator took since `after`, holding exactly the fixture's bytes. */
async function assertUploadOfFixture(harness: Harness, url: unknown, after: number): Promise<void> {
  assert.equal(typeof url, 'string');
  assert.match(url as string, new RegExp(`^${harness.emulator.url.replace(/[.]/g, '\\.')}/uploads/[0-9a-f-]{36}\\.png$`));
  assert.ok(
    harness.emulator.log.where({ method: 'POST', path: '/v2/uploads', status: 201 }).some((entry) => entry.seq > after),
    'the file was uploaded during this action',
  );
  const served = await fetch(url as string);
  assert.equal(served.status, 200);
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), FIXTURE, 'the uploaded image is the workspace file');
}

function pixel(png: PNG, x: number, y: number): number[] {
  const at = (y * png.width + x) * 4;
  return [...png.data.subarray(at, at + 4)];
}

async function records(harness: Harness): Promise<readonly JobRecord[]> {
  return (await harness.core.jobs()).history();
}

describe('image edits: Extend, Edit with Prompt, Make Variations, Use in Document', function () {
  this.timeout(120_000);
  let harness: Harness;
  let folder: vscode.Uri;
  let source: vscode.Uri;
  let extended: JobRecord | undefined;

  before(async () => {
    harness = await setUpHarness();
    await setAfterCompletion('nothing');
    // The cost question has its own tests; here it would only stand between the action and its request.
    await apiframeConfig().update('confirmAboveCredits', -1, vscode.ConfigurationTarget.Global);
    folder = vscode.Uri.joinPath(harness.workspace.uri, 'edits');
    source = vscode.Uri.joinPath(folder, 'edits-logo.png');
    await vscode.workspace.fs.writeFile(source, FIXTURE);
  });
  afterEach(() => harness.ui.answer({}));
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const key of SETTINGS) await apiframeConfig().update(key, undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.fs.delete(folder, { recursive: true, useTrash: false });
    await tearDownHarness(harness);
  });

  it('Extend offers the outpaint presets in the user’s words on the image preview, and sends nothing when dismissed', async () => {
    const { ui } = harness;
    await vscode.commands.executeCommand('vscode.openWith', source, 'imagePreview.previewEditor');
    const since = lastSeq(harness);
    const picks = ui.picks.length;
    // No scripted answer: VS Code's own quick pick opens (over the image preview), as the user sees it.
    const running = vscode.commands.executeCommand('apiframe.extendImage');
    await waitFor(() => ui.picks.length > picks, 'the preset pick');
    await takeScreenshot('image-edits-extend-presets');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await running;
    assert.equal(ui.pickTitles[picks], 'Extend edits/edits-logo.png', 'the image of the preview is the one meant');
    assert.deepEqual(
      ui.picks[picks]?.map((item) => item.label),
      ['Zoom out 1.5×', 'Zoom out 2×', 'Make square', 'Extend left', 'Extend right', 'Extend up', 'Extend down'],
    );
    assert.deepEqual(acceptedBodies(harness, '/v2/images/edit', since), []);
    assert.equal(harness.emulator.log.where({ method: 'POST', path: '/v2/uploads' }).filter((entry) => entry.seq > since).length, 0, 'nothing uploaded');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Extend → Make square: uploads the file, sends a Flux Fill outpaint with the default prompt, saves <name>-square.png beside it', async () => {
    const { ui } = harness;
    const since = lastSeq(harness);
    ui.answer({ quickPick: ['Make square'], inputBox: [''] });
    await vscode.commands.executeCommand('apiframe.extendImage', source, [source]);

    const [body, ...more] = acceptedBodies(harness, '/v2/images/edit', since);
    assert.ok(body, 'an edit was submitted');
    assert.equal(more.length, 0, 'exactly one');
    const params = body.fluxFillParams as Record<string, unknown>;
    assert.deepEqual({ ...body, fluxFillParams: { ...params, image: '<upload>' } }, {
      model: 'flux-fill-pro',
      fluxFillParams: { image: '<upload>', mode: 'outpaint', outpaint: 'Make square', prompt: DEFAULT_EXTEND_PROMPT },
    });
    await assertUploadOfFixture(harness, params.image, since);

    const result = vscode.Uri.joinPath(folder, 'edits-logo-square.png');
    assert.ok(await exists(result), 'the result is saved beside the original');
    assert.deepEqual(Buffer.from(await vscode.workspace.fs.readFile(source)), FIXTURE, 'the original is untouched');
    // The emulator's square canvas: 48×48 from 48×32, the source centred (8 rows of fill above and below).
    const png = PNG.sync.read(Buffer.from(await vscode.workspace.fs.readFile(result)));
    assert.deepEqual([png.width, png.height], [48, 48]);
    assert.deepEqual(pixel(png, 0, 0), FILL);
    const original = PNG.sync.read(FIXTURE);
    assert.deepEqual(pixel(png, 30, 8 + 20), pixel(original, 30, 20));

    extended = (await records(harness)).find((record) => record.operation?.suffix === 'square' && record.input?.uri === source.toString());
    assert.ok(extended, 'the job is in the history with its source');
    assert.equal(extended.operation?.label, 'Extend: Make square');
  });

  it('Edit with Prompt offers only models that take an input image, and sends the uploaded file in the model’s image_input', async () => {
    const { ui } = harness;
    const since = lastSeq(harness);
    const picks = ui.picks.length;
    ui.answer({ quickPick: ['Nano Banana 2'], inputBox: ['make the background a soft blue gradient'] });
    await vscode.commands.executeCommand('apiframe.editImageWithPrompt', source);

    const offered = ui.picks[picks]?.map((item) => item.label) ?? [];
    for (const label of ['Nano Banana 2', 'Seedream 4', 'GPT Image 2']) assert.ok(offered.some((shown) => shown.endsWith(label)), `${label} in ${offered.join(', ')}`);
    for (const label of ['Midjourney', 'DALL·E 3', 'Imagen 4']) assert.ok(!offered.some((shown) => shown.endsWith(label)), `${label} not offered`);

    const [body, ...more] = acceptedBodies(harness, '/v2/images/generate', since);
    assert.ok(body, 'a generation was submitted');
    assert.equal(more.length, 0);
    assert.equal(body.model, 'nano-banana-2');
    assert.equal(body.prompt, 'make the background a soft blue gradient');
    const params = body.nanoBananaParams as Record<string, unknown>;
    assert.ok(Array.isArray(params.image_input) && params.image_input.length === 1, JSON.stringify(params));
    await assertUploadOfFixture(harness, params.image_input[0], since);
    assert.equal(params.aspect_ratio, '3:2', 'the ratio closest to the 48×32 source, so the edit is not cropped');
    assert.ok(await exists(vscode.Uri.joinPath(folder, 'edits-logo-edit.png')), 'saved beside the original');
  });

  it('Make Variations with count 2 starts from the prompt saved in the image and saves two results beside it, overwriting nothing', async () => {
    const { ui } = harness;
    await apiframeConfig().update('model', 'nano-banana', vscode.ConfigurationTarget.Global);
    const withPrompt = vscode.Uri.joinPath(folder, 'edits-fox.png');
    const metadata = imageMetadataOf({ prompt: 'A fox logo, flat and orange', model: 'nano-banana', params: {}, aspectRatio: '3:2', createdAt: new Date().toISOString() });
    const embedded = embedImageMetadata(FIXTURE, metadata);
    assert.ok(embedded.ok);
    await vscode.workspace.fs.writeFile(withPrompt, embedded.bytes);
    // A file already where the first result would go: it must survive.
    const taken = vscode.Uri.joinPath(folder, 'edits-fox-var.png');
    await vscode.workspace.fs.writeFile(taken, Buffer.from('not to be overwritten'));
    const before = new Set((await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name));

    const since = lastSeq(harness);
    const asked: vscode.InputBoxOptions[] = [];
    const scripted = ui.inputBox.bind(ui);
    // The user keeps the prompt the box was pre-filled with.
    ui.inputBox = (options) => {
      asked.push(options);
      return Promise.resolve(options.value);
    };
    try {
      ui.answer({ quickPick: ['2 variations'] });
      await vscode.commands.executeCommand('apiframe.makeVariations', withPrompt);
    } finally {
      ui.inputBox = scripted;
    }

    assert.equal(asked[0]?.value, 'A fox logo, flat and orange', 'pre-filled from the image');
    const bodies = acceptedBodies(harness, '/v2/images/generate', since);
    assert.equal(bodies.length, 2, 'two jobs: Nano Banana makes one image per job');
    for (const body of bodies) {
      assert.equal(body.model, 'nano-banana');
      assert.equal(body.prompt, 'A fox logo, flat and orange');
      const params = body.nanoBananaParams as Record<string, unknown>;
      assert.ok(Array.isArray(params.image_input) && typeof params.image_input[0] === 'string' && params.image_input[0].includes('/uploads/'));
    }
    const added = (await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name).filter((name) => !before.has(name));
    assert.equal(added.length, 2, `two new files: ${added.join(', ')}`);
    assert.ok(added.every((name) => name.startsWith('edits-fox-var') && name.endsWith('.png')), added.join(', '));
    assert.equal(Buffer.from(await vscode.workspace.fs.readFile(taken)).toString(), 'not to be overwritten');
  });

  it('Use in Document points the open Markdown at the result in one edit, and one Undo points it back', async () => {
    const { ui } = harness;
    assert.ok(extended, 'needs the Extend result of the first case');
    const readme = vscode.Uri.joinPath(folder, 'edits-readme.md');
    const text = ['# Logo', '', '![logo](edits-logo.png "The logo")', '', 'Old: ![old](other/edits-logo.png), `![code](edits-logo.png)`', '', '<img src="./edits-logo.png" width="48">', ''].join('\n');
    await vscode.workspace.fs.writeFile(readme, Buffer.from(text, 'utf8'));
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(readme), { preview: false });

    const count = await vscode.commands.executeCommand<number>('apiframe.useNewImageInDocument', extended.localId);
    assert.equal(count, 2);
    assert.equal(
      editor.document.getText(),
      text.replace('![logo](edits-logo.png "The logo")', '![logo](edits-logo-square.png "The logo")').replace('src="./edits-logo.png"', 'src="./edits-logo-square.png"'),
    );
    assert.match(ui.messages.at(-1)?.text ?? '', /Replaced 2 references to edits-logo\.png with edits-logo-square\.png/);

    await vscode.window.showTextDocument(editor.document);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), text, 'one Undo restores every reference');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('Use in Document says so when no open document refers to the original, and changes nothing', async () => {
    const { ui } = harness;
    assert.ok(extended);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const unrelated = await vscode.workspace.openTextDocument({ language: 'markdown', content: '![x](somewhere/else.png)' });
    await vscode.window.showTextDocument(unrelated);
    const count = await vscode.commands.executeCommand<number>('apiframe.useNewImageInDocument', extended.localId);
    assert.equal(count, 0);
    assert.match(ui.messages.at(-1)?.text ?? '', /No open document refers to edits-logo\.png, so nothing was changed/);
    assert.equal(unrelated.getText(), '![x](somewhere/else.png)');
    await vscode.window.showTextDocument(unrelated);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
