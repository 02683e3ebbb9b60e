// The README's pictures of the progress notification and the gallery, and the walkthrough's pictures, taken
// in the real workbench. Runs only when screenshots are on: `npm run test:vscode -- --screenshots DIR`; copy
// DIR/progress.png and DIR/gallery.png to docs/images/, and DIR/walkthrough-<step>.png to
// media/walkthrough/<step>.png, when the UI changes.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestHooks } from '../../src/container/testHooks';
import { openWithSelection, runGenerate, setAfterCompletion, setUpHarness, tearDownHarness, type Harness } from './coreFlowHelpers';
import { activateForTests, EXTENSION_ID } from './testApi';
import { screenshotsEnabled, takeScreenshot } from './screenshots';
import { waitFor } from './waitFor';

/**
 * Starts a job from the selection that stays in the generating stage, and takes the picture `name` of the
 * notification centre once a report's message passes `ready` — the toast may already have been folded into
 * the centre, so the centre itself is shown. Cancels the job afterwards.
 */
async function screenshotWhileGenerating(harness: Harness, name: string, ready: (message: string) => boolean): Promise<void> {
  const { core, emulator } = harness;
  emulator.faults.nextJob({ kind: 'stuck' });
  let generating = false;
  const subscription = core.services.progress.onDidReport((report) => {
    if (report.stage === 'generating' && ready(report.message)) generating = true;
  });
  const running = runGenerate('apiframe.generateFromSelection');
  try {
    await waitFor(() => generating, 'the notification to show the generating stage', 30_000);
    await vscode.commands.executeCommand('notifications.showList');
    const files = await takeScreenshot(name);
    await vscode.commands.executeCommand('notifications.hideList');
    assert.equal(files.length, 1);
  } finally {
    subscription.dispose();
    core.services.progress.cancelAll();
    await running;
  }
}

describe('README screenshots', function () {
  let harness: Harness | undefined;
  before(async function () {
    if (!screenshotsEnabled()) this.skip();
    harness = await setUpHarness();
    await setAfterCompletion('nothing');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await tearDownHarness(harness);
  });

  const sentence = 'A cozy coffee shop on a rainy evening, warm light, watercolor';
  const content = `# Lighthouse Coffee Roasters\n\n${sentence}\n\nOpen every day from 7 am.\n`;

  it('the progress notification of a running job', async () => {
    assert.ok(harness);
    await openWithSelection(harness.workspace, 'about.md', content, [sentence]);
    // Progress never goes back, so the stuck job's late 42 % may never show: any server percent will do.
    await screenshotWhileGenerating(harness, 'progress', (message) => /\d+\s*%/.test(message));
  });

  it('the gallery next to the document', async () => {
    assert.ok(harness);
    const { core } = harness;
    const prompts = [
      'A lighthouse at dusk, watercolor',
      'Isometric illustration of a small coffee roastery',
      'Minimal line icon of a coffee bean',
      'A paper map of a harbor town, vintage style',
    ];
    const records = [];
    for (const prompt of prompts) records.push(...(await runGenerate('apiframe.generateFromSelection', { prompt })));
    assert.equal(records.length, prompts.length);
    const gallery = await core.services.showGallery({ viewColumn: vscode.ViewColumn.Beside });
    const ids = records.map((r) => r.localId);
    // Images load lazily: wait for the newest card's image (the top of the grid) and every card in the DOM.
    const newest = ids.at(-1);
    assert.ok(newest, 'the screenshot needs at least one generated image');
    await gallery
      .waitForReport((report) => ids.every((id) => report.localIds.includes(id)) && report.loadedImages.includes(newest), 30_000)
      .catch((error: unknown) => {
        throw new Error(`${String(error)}; last report: ${JSON.stringify(gallery.lastReport)}; ids: ${ids.join(',')}`);
      });
    const files = await takeScreenshot('gallery', { webviewTitle: 'Apiframe Images' });
    assert.equal(files.length, 2);
  });
});

describe('walkthrough pictures', function () {
  let harness: Harness | undefined;
  let hooks: TestHooks | undefined;
  before(async function () {
    if (!screenshotsEnabled()) this.skip();
    harness = await setUpHarness();
    hooks = (await activateForTests()).hooks;
    await setAfterCompletion('nothing');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });
  after(async () => {
    if (hooks) delete hooks.demoKey;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await tearDownHarness(harness);
  });

  const sentence = 'A watercolor lighthouse on a rocky coast at sunrise, steam rising from a coffee cup on the railing.';
  const content = `# Lighthouse Coffee Roasters\n\n## Hero image\n\n${sentence}\n\n## Opening hours\n\nOpen every day from 7 am.\n`;

  it('set-key: Set API Key offering the demo key', async () => {
    assert.ok(harness && hooks);
    await openWithSelection(harness.workspace, 'README.md', content, [sentence]);
    hooks.demoKey = harness.emulator.demoKey;
    // No scripted answer: the real quick pick shows; it is closed after the picture.
    harness.ui.answer({});
    const asking = vscode.commands.executeCommand<boolean>('apiframe.setApiKey');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const files = await takeScreenshot('walkthrough-set-key');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await asking, false);
    assert.equal(files.length, 1);
  });

  it('generate: the progress notification of a job started from a selection', async () => {
    assert.ok(harness);
    await openWithSelection(harness.workspace, 'README.md', content, [sentence]);
    await screenshotWhileGenerating(harness, 'walkthrough-generate', () => true);
  });

  it('insert: the link under its sentence and the saved file in the Explorer', async () => {
    assert.ok(harness);
    const { workspace } = harness;
    await setAfterCompletion('saveAndInsert');
    try {
      const editor = await openWithSelection(workspace, 'README.md', content, [sentence]);
      const [record] = await runGenerate('apiframe.generateFromSelection');
      assert.ok(record);
      await waitFor(() => editor.document.getText().includes('!['), 'the link to be inserted', 30_000);
      await vscode.commands.executeCommand('workbench.view.explorer');
      const files = await takeScreenshot('walkthrough-insert');
      assert.equal(files.length, 1);
    } finally {
      await setAfterCompletion('nothing');
    }
  });

  it('gallery: the gallery next to the document', async () => {
    assert.ok(harness);
    const { core } = harness;
    const records = await runGenerate('apiframe.generateFromSelection', { prompt: 'Minimal line icon of a coffee bean' });
    const newest = records.at(-1);
    assert.ok(newest);
    const gallery = await core.services.showGallery({ viewColumn: vscode.ViewColumn.Beside });
    await gallery.waitForReport((report) => report.loadedImages.includes(newest.localId), 30_000);
    const files = await takeScreenshot('walkthrough-gallery');
    assert.equal(files.length, 1);
  });

  it('log: the log in the Output panel', async () => {
    await vscode.commands.executeCommand('apiframe.showLog');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const files = await takeScreenshot('walkthrough-log');
    assert.equal(files.length, 1);
  });

  it('page: the walkthrough itself, with the steps done so far ticked', async () => {
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${EXTENSION_ID}#apiframe.getStarted`, false);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const files = await takeScreenshot('walkthrough-page');
    assert.equal(files.length, 1);
  });
});
