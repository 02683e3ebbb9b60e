// Every image model from the commands inside VS Code, against the emulator (which checks each family's body with
// our schemas): Choose Model with its costs, a generate per family with the body the emulator received, several
// candidates as one group, the cost question before paying, Compare Models, and Re-run with the record's model.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { IMAGE_MODELS, type ImageModelId } from '../../src/apiframe/imageModels';
import type { JobRecord } from '../../src/jobs/types';
import { aspectRatioTargetOf, dimensionsFor } from '../../src/models/aspectRatio';
import { generationModelOf } from '../../src/jobs/records';
import { apiframeConfig, messagesFrom, runGenerate, setAfterCompletion, setUpHarness, tearDownHarness, type Harness } from './coreFlowHelpers';
import { screenshotsEnabled, takeScreenshot } from './screenshots';
import { waitFor } from './waitFor';

const MODEL_SETTINGS = ['model', 'modelParams', 'candidates', 'confirmAboveCredits'] as const;
const CATALOG_STATE_KEY = 'apiframe.modelCatalog';

async function setSetting(key: (typeof MODEL_SETTINGS)[number], value: unknown): Promise<void> {
  await apiframeConfig().update(key, value, vscode.ConfigurationTarget.Global);
}

/** The body of the one submit the emulator received for `prompt` (every submit of it, when there were several). */
function submitsOf(harness: Harness, prompt: string): Record<string, unknown>[] {
  return harness.emulator.log
    .where({ method: 'POST', path: '/v2/images/generate' })
    .map((entry) => entry.body as Record<string, unknown>)
    .filter((body) => body.prompt === prompt);
}

function onlySubmitOf(harness: Harness, prompt: string): Record<string, unknown> {
  const submits = submitsOf(harness, prompt);
  assert.equal(submits.length, 1, `one submit of "${prompt}"`);
  return submits[0]!;
}

/** The record settled as done, its model and its parameter block exactly what was sent. */
function assertDoneAsSent(record: JobRecord | undefined, body: Record<string, unknown>, model: ImageModelId): asserts record is JobRecord {
  assert.ok(record, 'a record');
  assert.equal(record.phase, 'done', record.error);
  assert.equal(record.model, model);
  assert.equal(body.model, model);
  assert.deepEqual(record.params, body[IMAGE_MODELS[model].paramsKey] ?? {}, 'the record keeps the block it was submitted with');
}

describe('models: choose, generate per family, candidates, cost before you pay, compare', function () {
  this.timeout(120_000);
  let harness: Harness;
  before(async () => {
    harness = await setUpHarness();
    await setAfterCompletion('nothing');
    // Most cases are about the request, not the question: it is switched on where a case is about it.
    await setSetting('confirmAboveCredits', -1);
  });
  afterEach(() => harness.ui.answer({}));
  after(async () => {
    for (const key of MODEL_SETTINGS) await setSetting(key, undefined);
    await setAfterCompletion('openGallery');
    await tearDownHarness(harness);
  });

  it('Choose Model shows the catalog by family with each cost and pricing mode, marks the current model, writes apiframe.model and the status bar names it', async () => {
    const { core, ui, emulator } = harness;
    await core.services.host.context.globalState.update(CATALOG_STATE_KEY, undefined);
    const catalogRequests = emulator.log.where({ path: '/v2/models' }).length;
    ui.answer({ quickPick: ['FLUX 1.1 Pro'] });
    const chosen = await vscode.commands.executeCommand<string>('apiframe.chooseModel');
    assert.equal(chosen, 'flux-1.1-pro');
    assert.equal(apiframeConfig().get('model'), 'flux-1.1-pro');
    assert.equal(ui.pickTitles.at(-1), 'Choose the image model', 'online: nothing to say about the prices');
    const fetched = emulator.log.where({ path: '/v2/models' });
    assert.equal(fetched.length, catalogRequests + 1, 'the catalog was fetched once');
    assert.equal(fetched.at(-1)?.keyPrefix, undefined, 'the catalog is asked without the key');
    const items = ui.picks.at(-1) ?? [];
    const separators = items.filter((item) => item.kind === vscode.QuickPickItemKind.Separator).map((item) => item.label);
    assert.ok(separators.includes('FLUX (Black Forest Labs)') && separators.includes('DALL·E (OpenAI)') && separators.includes('Midjourney'), separators.join(', '));
    const byLabel = (label: string) => items.find((item) => item.label === label && item.kind !== vscode.QuickPickItemKind.Separator);
    assert.equal(byLabel('FLUX 1.1 Pro')?.description, '8 credits per image');
    assert.equal(byLabel('Midjourney')?.description, '20–40 credits per job', 'a flat price is per job');
    assert.equal(byLabel('GPT Image 2')?.description, '3–30 credits per image');
    assert.match(byLabel('$(check) DALL·E 3')?.description ?? '', /in use$/, 'the model in use is marked');
    await waitFor(() => core.services.statusBar.shownModel === 'FLUX 1.1 Pro', 'the status bar to name the chosen model');
    // Chosen by argument too (scripts, keybindings), and back to the default for the cases below.
    assert.equal(await vscode.commands.executeCommand('apiframe.chooseModel', { model: 'dall-e-3' }), 'dall-e-3');
    await waitFor(() => core.services.statusBar.shownModel === 'DALL·E 3', 'the status bar to follow the setting');
  });

  it('Choose Model works offline from the built-in list and says so in its title', async () => {
    const { core, ui, emulator } = harness;
    await core.services.host.context.globalState.update(CATALOG_STATE_KEY, undefined);
    const modelBefore = apiframeConfig().get<string>('model');
    // Port 9 (discard) on loopback: nothing answers there.
    await apiframeConfig().update('baseUrl', 'http://127.0.0.1:9', vscode.ConfigurationTarget.Global);
    try {
      ui.answer({ quickPick: [undefined] });
      assert.equal(await vscode.commands.executeCommand('apiframe.chooseModel'), undefined, 'dismissed: nothing chosen');
      const items = ui.picks.at(-1) ?? [];
      assert.ok(items.some((item) => item.label === 'Seedream 4' && item.description === '6 credits per image'), 'the built-in prices');
      assert.equal(items.filter((item) => item.kind !== vscode.QuickPickItemKind.Separator).length, Object.keys(IMAGE_MODELS).length);
      assert.equal(ui.pickTitles.at(-1), 'Choose the image model (offline: built-in prices)');
      assert.equal(apiframeConfig().get('model'), modelBefore, 'dismissing writes nothing');
    } finally {
      await apiframeConfig().update('baseUrl', emulator.url, vscode.ConfigurationTarget.Global);
    }
  });

  describe('a generate per family: the body the emulator received, the record', () => {
    interface FamilyCase {
      readonly model: ImageModelId;
      readonly command?: 'apiframe.generate' | 'apiframe.generateFromSelection';
      readonly args?: Record<string, unknown>;
      readonly modelParams?: Record<string, unknown>;
      readonly quickPick?: string[];
      readonly inputBox?: string[];
      readonly expectedBlock: Record<string, unknown>;
      readonly images?: number;
    }
    const flux = aspectRatioTargetOf('flux-1.1-pro');
    assert.ok(flux.kind === 'dimensions');
    const flux169 = dimensionsFor('16:9', flux);
    assert.ok(flux169);
    const cases: FamilyCase[] = [
      { model: 'dall-e-3', args: { aspectRatio: '2:3', style: 'natural' }, expectedBlock: { aspect_ratio: '2:3', style: 'natural' } },
      { model: 'dall-e-2', command: 'apiframe.generate', quickPick: ['3:2', 'Vivid'], expectedBlock: { aspect_ratio: '3:2', style: 'vivid' } },
      {
        model: 'gpt-image-2',
        command: 'apiframe.generate',
        args: { count: 3 },
        // Ratio, then what the model takes: output format, quality, background.
        quickPick: ['2:3', 'webp', 'high', 'opaque'],
        expectedBlock: { aspect_ratio: '2:3', output_format: 'webp', quality: 'high', background: 'opaque', number_of_images: 3 },
        images: 3,
      },
      {
        model: 'flux-1.1-pro',
        args: { aspectRatio: '16:9' },
        modelParams: { seed: 42, output_format: 'png' },
        expectedBlock: { seed: 42, output_format: 'png', width: flux169.width, height: flux169.height },
      },
      {
        model: 'ideogram-v3-turbo',
        command: 'apiframe.generate',
        // Ratio, magic prompt, rendering speed; typed: negative prompt, seed, style type (left empty).
        quickPick: ['16:9', 'Off', 'turbo'],
        inputBox: ['blurry, text', '7', ''],
        expectedBlock: { aspect_ratio: '16:9', magic_prompt_option: 'Off', negative_prompt: 'blurry, text', rendering_speed: 'turbo', seed: 7 },
      },
      { model: 'imagen-4', args: { aspectRatio: '9:16' }, modelParams: { image_size: '2K' }, expectedBlock: { image_size: '2K', aspect_ratio: '9:16' } },
      { model: 'nano-banana', args: { aspectRatio: '21:9' }, expectedBlock: { aspect_ratio: '21:9' } },
      { model: 'midjourney', args: { aspectRatio: '4:3' }, expectedBlock: { aspect_ratio: '4:3' }, images: 4 },
      {
        model: 'stable-diffusion-3.5-large',
        args: { aspectRatio: '21:9' },
        modelParams: { cfg: 5, seed: 11 },
        expectedBlock: { cfg: 5, seed: 11, aspect_ratio: '21:9' },
      },
      { model: 'seedream-4', args: { aspectRatio: '3:2' }, modelParams: { seed: 3 }, expectedBlock: { seed: 3, aspect_ratio: '3:2' } },
      { model: 'kling-image', args: { count: 2 }, expectedBlock: { aspect_ratio: '1:1', n: 2 }, images: 2 },
      { model: 'qwen-image', args: { aspectRatio: '16:9' }, expectedBlock: { image_size: 'landscape_16_9' } },
    ];

    for (const testCase of cases) {
      it(`${testCase.model}: ${JSON.stringify(testCase.expectedBlock)}`, async () => {
        const prompt = `A lighthouse for ${testCase.model}`;
        await setSetting('modelParams', testCase.modelParams ? { [testCase.model]: testCase.modelParams } : undefined);
        try {
          harness.ui.answer({ quickPick: testCase.quickPick, inputBox: testCase.command === 'apiframe.generate' ? [prompt, ...(testCase.inputBox ?? [])] : [] });
          const command = testCase.command ?? 'apiframe.generateFromSelection';
          const args = { ...(command === 'apiframe.generate' ? {} : { prompt }), model: testCase.model, ...testCase.args };
          const records = await runGenerate(command, args);
          assert.equal(records.length, 1, 'one job');
          const body = onlySubmitOf(harness, prompt);
          assert.deepEqual(body[IMAGE_MODELS[testCase.model].paramsKey], testCase.expectedBlock);
          assert.deepEqual(Object.keys(body).sort(), ['model', IMAGE_MODELS[testCase.model].paramsKey, 'prompt'].sort(), 'only the model’s own block is sent');
          assertDoneAsSent(records[0], body, testCase.model);
          assert.equal(records[0].files?.length, testCase.images ?? 1, 'images of the job');
          assert.equal(records[0].group, undefined, 'one job is no group');
        } finally {
          await setSetting('modelParams', undefined);
        }
      });
    }

    it('remembers the answers per model and offers them first next time', () => {
      const remembered = harness.core.services.host.context.globalState.get<Record<string, { aspectRatio: string; params: Record<string, unknown> }>>('apiframe.lastModelChoices');
      assert.equal(remembered?.['dall-e-2']?.aspectRatio, '3:2');
      assert.deepEqual(remembered?.['gpt-image-2']?.params, { output_format: 'webp', quality: 'high', background: 'opaque' });
      assert.equal(remembered?.['ideogram-v3-turbo']?.params.seed, 7);
    });
  });

  it('three candidates of a model without its own count: three jobs in one group, the seed counted up', async () => {
    const prompt = 'Three candidates of a red kite';
    await setSetting('modelParams', { 'flux-1.1-pro': { seed: 42 } });
    await setSetting('candidates', 3);
    try {
      const records = await runGenerate('apiframe.generateFromSelection', { prompt, model: 'flux-1.1-pro' });
      assert.equal(records.length, 3);
      const submits = harness.emulator.log.where({ method: 'POST', path: '/v2/images/generate' }).filter((entry) => (entry.body as { prompt?: unknown }).prompt === prompt);
      assert.equal(submits.length, 3, 'three jobs');
      assert.equal(new Set(submits.map((entry) => entry.idempotencyKey)).size, 3, 'each with its own idempotency key');
      const seeds = submits.map((entry) => (entry.body as { fluxParams: { seed: number } }).fluxParams.seed).sort();
      assert.deepEqual(seeds, [42, 43, 44], 'the same seed would give the same picture three times');
      const groupIds = new Set(records.map((record) => record.group?.id));
      assert.equal(groupIds.size, 1);
      assert.ok([...groupIds][0]);
      assert.deepEqual(records.map((record) => record.group?.kind), ['candidates', 'candidates', 'candidates']);
      assert.deepEqual(records.map((record) => record.group?.index).sort(), [0, 1, 2]);
      assert.ok(records.every((record) => record.group?.size === 3 && record.phase === 'done' && record.model === 'flux-1.1-pro'));
    } finally {
      await setSetting('candidates', undefined);
      await setSetting('modelParams', undefined);
    }
  });

  it('reports a bad apiframe.modelParams value once, with its path, and leaves it out', async () => {
    const messages = messagesFrom(harness.ui);
    await setSetting('modelParams', { 'flux-1.1-pro': { width: 99_999, seed: 5 } });
    try {
      for (const prompt of ['A bad width, first', 'A bad width, second']) {
        const [record] = await runGenerate('apiframe.generateFromSelection', { prompt, model: 'flux-1.1-pro', aspectRatio: '1:1' });
        assert.equal(record?.phase, 'done');
        assert.equal(record.params?.seed, 5, 'the good value is kept');
        assert.equal(record.params?.width, 1024, 'the bad one is left out (the ratio decides)');
      }
      const warnings = messages.texts().filter((text) => text.includes('apiframe.modelParams["flux-1.1-pro"].width'));
      assert.equal(warnings.length, 1, messages.texts().join(' / '));
    } finally {
      await setSetting('modelParams', undefined);
    }
  });

  describe('the cost before you pay', () => {
    afterEach(() => setSetting('confirmAboveCredits', -1));

    it('asks above apiframe.confirmAboveCredits with the model, the count and the range; accepting submits', async () => {
      await setSetting('confirmAboveCredits', 30);
      const messages = messagesFrom(harness.ui);
      harness.ui.answer({ message: ['Generate'] });
      const prompt = 'A grid of harbour cranes';
      const records = await runGenerate('apiframe.generateFromSelection', { prompt, model: 'midjourney' });
      assert.equal(records.length, 1);
      assert.equal(records[0]?.phase, 'done');
      const question = messages.last('warning');
      assert.ok(question);
      assert.match(question.text, /^This may cost 20–40 credits\. Generate\?\nMidjourney: 20–40 credits per job × 1 = 20–40 credits \(images: 4\)\n/);
      assert.match(question.text, /more than 30 credits/);
      assert.deepEqual(question.actions, ['Generate']);
      assert.equal(submitsOf(harness, prompt).length, 1);
    });

    it('declining submits nothing and journals nothing (3 candidates × the price)', async () => {
      await setSetting('confirmAboveCredits', 0);
      const messages = messagesFrom(harness.ui);
      harness.ui.answer({ message: [undefined] });
      const prompt = 'Three candidates nobody pays for';
      const records = await runGenerate('apiframe.generateFromSelection', { prompt, model: 'dall-e-3', count: 3 });
      assert.deepEqual(records, []);
      const question = messages.last('warning');
      assert.ok(question);
      assert.match(question.text, /DALL·E 3: [\d–]+ credits per image × 3 = [\d–]+ credits \(images: 3\)/);
      assert.match(question.text, /confirm every request/);
      assert.equal(submitsOf(harness, prompt).length, 0, 'nothing submitted');
      const manager = await harness.core.jobs();
      assert.equal(manager.history().filter((record) => record.prompt === prompt).length, 0, 'nothing journaled');
    });

    it('never asks with -1', async () => {
      await setSetting('confirmAboveCredits', -1);
      const messages = messagesFrom(harness.ui);
      const prompt = 'An expensive grid nobody is asked about';
      const records = await runGenerate('apiframe.generateFromSelection', { prompt, model: 'midjourney' });
      assert.equal(records[0]?.phase, 'done');
      assert.ok(!messages.texts().some((text) => text.includes('may cost')), messages.texts().join(' / '));
    });
  });

  describe('Compare Models', () => {
    it('sends one prompt to the checked models as one group, with the summed cost; more than three are refused', async () => {
      await setSetting('confirmAboveCredits', 0);
      const messages = messagesFrom(harness.ui);
      const prompt = 'A paper boat on a puddle, compared';
      harness.ui.answer({
        quickPickMany: [
          ['FLUX 1.1 Pro', 'Imagen 4', 'Seedream 4', 'Qwen Image'],
          ['FLUX 1.1 Pro', 'Imagen 4'],
        ],
        // The refusal (not answered), then the cost question.
        message: [undefined, 'Generate'],
      });
      try {
        const records = await vscode.commands.executeCommand<JobRecord[]>('apiframe.compareModels', { prompt });
        assert.equal(records.length, 2);
        assert.ok(messages.texts().some((text) => text === 'Choose 2 to 3 models to compare; 4 were checked.'), messages.texts().join(' / '));
        const question = messages.texts().find((text) => text.startsWith('This may cost'));
        assert.ok(question);
        assert.match(question, /^This may cost 16–20 credits\. Generate\?\nFLUX 1\.1 Pro: 8 credits per image × 1 = 8 credits \(images: 1\)\nImagen 4: 8–12 credits per image × 1 = 8–12 credits \(images: 1\)/);
        assert.deepEqual(records.map((record) => record.model).sort(), ['flux-1.1-pro', 'imagen-4']);
        assert.equal(new Set(records.map((record) => record.group?.id)).size, 1);
        assert.ok(records.every((record) => record.group?.kind === 'compare' && record.group.size === 2 && record.prompt === prompt && record.phase === 'done'));
        assert.deepEqual(records.map((record) => record.group?.index).sort(), [0, 1]);
        // The second pick kept the first choice checked.
        const secondPick = harness.ui.multiPicks.at(-1) ?? [];
        assert.ok(secondPick.includes('FLUX 1.1 Pro'));
      } finally {
        await setSetting('confirmAboveCredits', -1);
      }
    });

    it('takes the models as an argument', async () => {
      const prompt = 'A teapot, three ways';
      const records = await vscode.commands.executeCommand<JobRecord[]>('apiframe.compareModels', { prompt, models: ['dall-e-3', 'midjourney', 'seedream-4'] });
      assert.equal(records.length, 3);
      for (const record of records) assertDoneAsSent(record, onlySubmitOfModel(harness, prompt, record.model), generationModelOf(record));
      assert.ok(records.every((record) => record.group?.kind === 'compare' && record.group.size === 3));
      const refused = messagesFrom(harness.ui);
      assert.equal(await vscode.commands.executeCommand('apiframe.compareModels', { prompt, models: ['dall-e-3'] }), undefined);
      assert.match(refused.last('error')?.text ?? '', /"models" must list 2 to 3 different image model ids/);
    });
  });

  it('Re-run from the gallery runs the record’s own model and parameters again', async () => {
    const prompt = 'A windmill to run again';
    await setSetting('modelParams', { 'seedream-4': { seed: 77 } });
    let original: JobRecord | undefined;
    try {
      [original] = await runGenerate('apiframe.generateFromSelection', { prompt, model: 'seedream-4', aspectRatio: '16:9' });
    } finally {
      await setSetting('modelParams', undefined);
    }
    assert.equal(original?.phase, 'done');
    const rerun = (await harness.core.galleryActions.rerun(original.localId)) as JobRecord[] | undefined;
    assert.equal(rerun?.length, 1);
    const submits = submitsOf(harness, prompt);
    assert.equal(submits.length, 2);
    assert.deepEqual(submits[1], submits[0], 'the same body: model, ratio and seed (not today’s DALL-E defaults)');
    assert.equal(rerun[0]?.model, 'seedream-4');
    assert.deepEqual(rerun[0]?.params, { seed: 77, aspect_ratio: '16:9' });
  });

  it('screenshot: the Choose Model picker with costs', async function () {
    if (!screenshotsEnabled()) this.skip();
    // The real quick pick: no scripted answer, so the command waits for the user while the picture is taken.
    harness.ui.answer({});
    const choosing = vscode.commands.executeCommand('apiframe.chooseModel');
    const shownBefore = harness.ui.picks.length;
    await waitFor(() => harness.ui.picks.length > shownBefore, 'the picker', 15_000);
    // The quick pick widget renders after the call that shows it.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const files = await takeScreenshot('model-picker');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await choosing;
    assert.equal(files.length, 1);
  });
});

function onlySubmitOfModel(harness: Harness, prompt: string, model: string): Record<string, unknown> {
  const submits = submitsOf(harness, prompt).filter((body) => body.model === model);
  assert.equal(submits.length, 1, `one submit of "${prompt}" to ${model}`);
  return submits[0]!;
}
