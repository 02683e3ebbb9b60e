// The agent tool inside VS Code against the emulator: invoked the way another extension or a chat does
// (`vscode.lm.invokeTool`), it checks the input and the path before anything is sent, confirms model and cost,
// generates through the job manager and saves into the workspace without overwriting.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { GENERATE_IMAGE_TOOL } from '../../src/tools/toolNames';
import { exists, setUpHarness, tearDownHarness, type Harness } from './coreFlowHelpers';

/** The tool's text result, as a caller gets it from `lm.invokeTool`. */
async function invokeTool(input: object): Promise<string> {
  const invoke = vscode.lm.invokeTool;
  assert.ok(invoke, 'this VS Code has the language-model tool API');
  const result = await invoke(GENERATE_IMAGE_TOOL, { input, toolInvocationToken: undefined });
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

/** The message `invokeTool` rejects with (the tool's error, as the model sees it). */
async function toolRefusal(input: object): Promise<string> {
  try {
    const text = await invokeTool(input);
    assert.fail(`the tool succeeded: ${text}`);
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    return error instanceof Error ? error.message : String(error);
  }
}

function posts(harness: Harness): number {
  return harness.emulator.log.where({ method: 'POST' }).length;
}

describe('agent tool: apiframe_generateImage', function () {
  this.timeout(60_000);
  let harness: Harness;
  const folder = 'agent-tool-images';

  before(async () => {
    harness = await setUpHarness();
  });
  after(async () => {
    await harness.core.services.apiKey.store(harness.emulator.demoKey);
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(harness.workspace.uri, folder), { recursive: true, useTrash: false }).then(undefined, () => undefined);
    await tearDownHarness(harness);
  });

  it('is registered with VS Code, with its input schema', () => {
    const tool = vscode.lm.tools?.find((t) => t.name === GENERATE_IMAGE_TOOL);
    assert.ok(tool, `${GENERATE_IMAGE_TOOL} is in lm.tools`);
    assert.deepEqual((tool.inputSchema as { required?: string[] } | undefined)?.required, ['prompt']);
  });

  it('confirms with the model and the cost range before it runs', async () => {
    const prepare = harness.core.imageTool.prepareInvocation?.bind(harness.core.imageTool);
    assert.ok(prepare, 'the tool prepares its invocation');
    const token = new vscode.CancellationTokenSource().token;
    const prepared = await prepare({ input: { prompt: 'a red kite', count: 2, path: `${folder}/kite.png` } }, token);
    const confirmation = prepared?.confirmationMessages;
    assert.ok(confirmation, 'a confirmation is asked for');
    assert.match(confirmation.title, /Generate 2 images with Apiframe\?/);
    const message = typeof confirmation.message === 'string' ? confirmation.message : confirmation.message.value;
    assert.match(message, /DALL·E 3 \(dall-e-3\)/);
    assert.match(message, /Cost: 16–32 credits/, message);
    assert.match(message, new RegExp(`${folder}/kite\\.png`));
    const flux = await prepare({ input: { prompt: 'x', model: 'flux-2-pro', aspectRatio: '16:9' } }, token);
    const fluxMessage = flux?.confirmationMessages?.message;
    assert.match(typeof fluxMessage === 'string' ? fluxMessage : (fluxMessage?.value ?? ''), /FLUX\.2 Pro \(flux-2-pro\)[\s\S]*Cost: 6–24 credits/);
  });

  it('saves the image at the requested path and returns the path, the alt text and the credits charged', async () => {
    const target = vscode.Uri.joinPath(harness.workspace.uri, folder, 'lighthouse.png');
    const before = posts(harness);
    const text = await invokeTool({ prompt: 'A lighthouse at dusk. Soft light.', path: `${folder}/lighthouse.png` });
    assert.ok(await exists(target), `${folder}/lighthouse.png was written: ${text}`);
    assert.match(text, new RegExp(`^- ${folder}/lighthouse\\.png`, 'm'));
    assert.match(text, /Alt text: A lighthouse at dusk/);
    const job = harness.emulator.jobs().at(-1);
    assert.ok(job);
    assert.ok(typeof job.creditCost === 'number' && job.creditCost > 0);
    assert.match(text, new RegExp(`Credits charged: ${job.creditCost}\\.`), text);
    assert.equal(posts(harness), before + 1, 'one submit');
    const record = (await harness.core.jobs()).history().find((r) => r.jobId === job.id);
    assert.ok(record, 'the job is in the journal like any other');
    assert.equal(record.savedCopies?.[0]?.uri, target.toString(), 'the gallery knows where it was saved');
  });

  it('never overwrites: a second call with the same path gets a free name and says so', async () => {
    const first = vscode.Uri.joinPath(harness.workspace.uri, folder, 'lighthouse.png');
    const bytesBefore = await vscode.workspace.fs.readFile(first);
    const text = await invokeTool({ prompt: 'Another lighthouse', path: `${folder}/lighthouse.png` });
    assert.match(text, new RegExp(`^- ${folder}/lighthouse-2\\.png.*${folder}/lighthouse\\.png already existed and was not overwritten`, 'm'), text);
    assert.ok(await exists(vscode.Uri.joinPath(harness.workspace.uri, folder, 'lighthouse-2.png')));
    assert.deepEqual(await vscode.workspace.fs.readFile(first), bytesBefore, 'the first file is untouched');
  });

  it('refuses a path outside the workspace before anything is submitted', async () => {
    const before = posts(harness);
    assert.match(await toolRefusal({ prompt: 'a cat', path: '../outside.png' }), /leads outside the workspace folder[\s\S]*Nothing was generated/);
    assert.match(await toolRefusal({ prompt: 'a cat', path: '/tmp/outside.png' }), /is outside the workspace[\s\S]*Nothing was generated/);
    assert.match(await toolRefusal({ prompt: 'a cat', path: `${folder}/cat.svg` }), /not a \.png, \.jpg, \.jpeg or \.webp image/);
    assert.equal(posts(harness), before, 'nothing was sent to Apiframe');
  });

  it('says what is wrong with the input, and submits nothing', async () => {
    const before = posts(harness);
    assert.match(await toolRefusal({ prompt: 'a cat', aspectRatio: '16:9' }), /dall-e-3 cannot make the aspect ratio "16:9"/);
    assert.equal(posts(harness), before);
  });

  it('says how to fix a missing key, and submits nothing', async () => {
    await harness.core.services.apiKey.delete();
    try {
      const before = posts(harness);
      const message = await toolRefusal({ prompt: 'a cat', path: `${folder}/cat.png` });
      assert.match(message, /No Apiframe API key is set, so nothing was generated\. Ask the user to run "Apiframe: Set API Key"/);
      assert.equal(posts(harness), before);
      assert.ok(!(await exists(vscode.Uri.joinPath(harness.workspace.uri, folder, 'cat.png'))));
    } finally {
      await harness.core.services.apiKey.store(harness.emulator.demoKey);
    }
  });

  it('reports the credits needed and left when Apiframe answers 402', async () => {
    const { emulator } = harness;
    const credits = emulator.credits(emulator.demoKey);
    emulator.setCredits(emulator.demoKey, 3);
    try {
      const message = await toolRefusal({ prompt: 'a cat', path: `${folder}/cat.png` });
      assert.match(message, /No image was saved\. The job failed: Not enough Apiframe credits: this needs \d+ credits?, the team has 3/, message);
      assert.ok(!message.includes(emulator.demoKey));
    } finally {
      emulator.setCredits(emulator.demoKey, credits);
    }
  });

  it('passes on a content-policy failure in words the model can relay', async () => {
    harness.emulator.faults.nextJob({ kind: 'failed' });
    const message = await toolRefusal({ prompt: 'a cat', path: `${folder}/cat.png` });
    assert.match(message, /No image was saved\. The job failed: .+/, message);
    assert.ok(!(await exists(vscode.Uri.joinPath(harness.workspace.uri, folder, 'cat.png'))));
  });
});
