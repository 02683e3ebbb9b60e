// Reproducible images inside VS Code: a FLUX image with a seed, made through the job manager and saved, carries its
// request; Re-run from Image on the saved file (Explorer argument, or the image preview from the palette) shows it,
// asks, and sends exactly the same request again, saving the new image next to the old one. A file without our
// metadata, or with a tampered one, sends nothing and says why.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { PNG } from 'pngjs';
import extractChunks from 'png-chunks-extract';
import encodeChunks from 'png-chunks-encode';
import { readImageMetadata, serializeImageMetadata, stripImageMetadata } from '../../src/imageMetadata';
import type { JobRecord } from '../../src/jobs/types';
import { emulatorJob, messagesFrom, setAfterCompletion, setUpHarness, tearDownHarness, type Harness } from './coreFlowHelpers';

const PROMPT = '새벽 안개 속의 등대, 수채화';
const FLUX_PARAMS = { width: 512, height: 384, seed: 4242, output_format: 'png', steps: 20 };

function generateBodies(harness: Harness): unknown[] {
  return harness.emulator.log.where({ method: 'POST', path: '/v2/images/generate', status: 202 }).map((entry) => entry.body);
}

async function runRerun(...args: unknown[]): Promise<JobRecord[]> {
  return (await vscode.commands.executeCommand<JobRecord[] | undefined>('apiframe.rerunFromImage', ...args)) ?? [];
}

describe('Re-run from Image', () => {
  let harness: Harness;
  let first: JobRecord;
  let saved: vscode.Uri;
  before(async () => {
    harness = await setUpHarness();
    await setAfterCompletion('nothing');
    const manager = await harness.core.jobs();
    first = await manager.generate({ prompt: PROMPT, model: 'flux-1.1-pro', params: FLUX_PARAMS, aspectRatio: '4:3' });
    assert.equal(first.phase, 'done', first.error);
    // The count of submits every "sends nothing" below compares with: it must see this one.
    assert.equal(generateBodies(harness).length, 1);
    const uri = await vscode.commands.executeCommand<vscode.Uri>('apiframe.saveImage', first.localId);
    assert.ok(uri);
    saved = uri;
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await tearDownHarness(harness);
  });

  it('saves the request inside the image: the server’s image exactly, plus prompt, model, params, seed and job id', async () => {
    const bytes = await vscode.workspace.fs.readFile(saved);
    assert.deepEqual(Buffer.from(stripImageMetadata(bytes)), emulatorJob(harness.emulator, first).imageBytes[0]);
    const cached = (await harness.core.jobs()).cachedFilePath(first, 0);
    assert.ok(cached);
    assert.deepEqual(await vscode.workspace.fs.readFile(vscode.Uri.file(cached)), emulatorJob(harness.emulator, first).imageBytes[0], 'the cache keeps the original');
    const lookup = readImageMetadata(bytes);
    assert.ok(lookup.kind === 'found', lookup.kind);
    assert.deepEqual(lookup.metadata, {
      version: 1,
      prompt: PROMPT,
      model: 'flux-1.1-pro',
      params: FLUX_PARAMS,
      aspectRatio: '4:3',
      seed: 4242,
      jobId: first.jobId,
      createdAt: first.createdAt,
    });
  });

  it('shows what it found, asks, and sends the same prompt, model and params again; the new image lands next to the old one', async () => {
    const { ui } = harness;
    const sentBefore = generateBodies(harness);
    const messages = messagesFrom(ui);
    ui.answer({ message: ['Re-run'] });
    const records = await runRerun(saved, [saved]);
    assert.equal(records.length, 1);
    const [again] = records;
    assert.ok(again);
    assert.equal(again.phase, 'done', again.error);
    assert.deepEqual({ prompt: again.prompt, model: again.model, params: again.params, aspectRatio: again.aspectRatio }, { prompt: PROMPT, model: 'flux-1.1-pro', params: FLUX_PARAMS, aspectRatio: '4:3' });
    assert.notEqual(again.jobId, first.jobId);

    // The confirmation named the prompt, the model and every parameter, seed included.
    const asked = messages.texts().find((text) => text.includes('Re-run the request saved in'));
    assert.ok(asked, messages.texts().join('\n'));
    for (const part of [PROMPT, 'flux-1.1-pro', 'width: 512', 'height: 384', 'seed: 4242', 'steps: 20']) assert.ok(asked.includes(part), `${part} in: ${asked}`);

    // The emulator received the same body as the first time (prompt, model, fluxParams), under a new idempotency key.
    const bodies = generateBodies(harness);
    assert.equal(bodies.length, sentBefore.length + 1);
    const firstBody = generateBodies(harness)[0];
    assert.deepEqual(bodies.at(-1), firstBody);
    assert.deepEqual(bodies.at(-1), { prompt: PROMPT, model: 'flux-1.1-pro', fluxParams: FLUX_PARAMS });

    // Saved into the image's folder (its origin), carrying its own job id.
    const manager = await harness.core.jobs();
    const copy = manager.get(again.localId)?.savedCopies?.[0];
    assert.ok(copy, 'the new image was saved');
    const newFile = vscode.Uri.parse(copy.uri);
    assert.equal(vscode.Uri.joinPath(newFile, '..').toString(), vscode.Uri.joinPath(saved, '..').toString());
    const inside = readImageMetadata(await vscode.workspace.fs.readFile(newFile));
    assert.ok(inside.kind === 'found');
    assert.equal(inside.metadata.jobId, again.jobId);
    assert.deepEqual(inside.metadata.params, FLUX_PARAMS);
  });

  it('runs on the image shown in the image preview when started from the palette', async () => {
    const { ui } = harness;
    await vscode.commands.executeCommand('vscode.openWith', saved, 'imagePreview.previewEditor');
    const sentBefore = generateBodies(harness).length;
    const messages = messagesFrom(ui);
    ui.answer({ message: [undefined] }); // the user reads the request, then cancels: nothing is sent
    const records = await runRerun();
    assert.deepEqual(records, []);
    assert.ok(messages.texts().some((text) => text.includes(vscode.workspace.asRelativePath(saved)) && text.includes(PROMPT)), messages.texts().join('\n'));
    assert.equal(generateBodies(harness).length, sentBefore, 'cancelled: no request');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('says what to do for an image without our metadata, and sends nothing', async () => {
    const { ui, workspace } = harness;
    const plain = vscode.Uri.joinPath(workspace.uri, 'images', 'plain-photo.png');
    await vscode.workspace.fs.writeFile(plain, PNG.sync.write(new PNG({ width: 4, height: 4 })));
    const sentBefore = generateBodies(harness).length;
    const messages = messagesFrom(ui);
    const records = await runRerun(plain);
    assert.deepEqual(records, []);
    const warning = messages.last('warning');
    assert.match(warning?.text ?? '', /plain-photo\.png has no Apiframe request saved inside\./);
    assert.deepEqual(warning?.actions, ['Generate Image…']);
    assert.equal(generateBodies(harness).length, sentBefore);
  });

  it('refuses a tampered request (a model it does not know) and an unreadable file, and sends nothing', async () => {
    const { ui, workspace } = harness;
    const original = await vscode.workspace.fs.readFile(saved);
    const lookup = readImageMetadata(original);
    assert.ok(lookup.kind === 'found');
    const payload = serializeImageMetadata(lookup.metadata).replace('"flux-1.1-pro"', '"flux-9-ultra"');
    const chunks = extractChunks(stripImageMetadata(original));
    chunks.splice(1, 0, { name: 'iTXt', data: new Uint8Array(Buffer.concat([Buffer.from('apiframe\0\0\0\0\0', 'latin1'), Buffer.from(payload, 'utf8')])) });
    const tampered = vscode.Uri.joinPath(workspace.uri, 'images', 'tampered.png');
    await vscode.workspace.fs.writeFile(tampered, encodeChunks(chunks));
    const notImage = vscode.Uri.joinPath(workspace.uri, 'images', 'notes.png');
    await vscode.workspace.fs.writeFile(notImage, Buffer.from('just text'));
    const sentBefore = generateBodies(harness).length;
    const messages = messagesFrom(ui);
    assert.deepEqual(await runRerun(tampered), []);
    assert.match(messages.last('error')?.text ?? '', /The request saved in images\/tampered\.png is damaged or was changed, so it is not sent/);
    assert.deepEqual(await runRerun(notImage), []);
    assert.match(messages.last('error')?.text ?? '', /images\/notes\.png is not a PNG, JPEG or WebP image/);
    assert.equal(generateBodies(harness).length, sentBefore);
  });
});
