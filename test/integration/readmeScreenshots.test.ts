// The README's pictures of the progress notification and the gallery, taken in the real workbench. Runs only
// when screenshots are on: `npm run test:vscode -- --screenshots DIR`; copy DIR/progress.png and
// DIR/gallery.png to docs/images/ when the UI changes.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { openWithSelection, runGenerate, setAfterCompletion, setUpHarness, tearDownHarness, type Harness } from './coreFlowHelpers';
import { screenshotsEnabled, takeScreenshot } from './screenshots';
import { waitFor } from './waitFor';

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
    const { core, emulator, workspace } = harness;
    await openWithSelection(workspace, 'about.md', content, [sentence]);
    emulator.faults.nextJob({ kind: 'stuck' });
    let generating = false;
    const subscription = core.services.progress.onDidReport((report) => {
      if (report.stage === 'generating' && report.message.includes('42%')) generating = true;
    });
    const running = runGenerate('apiframe.generateFromSelection');
    try {
      await waitFor(() => generating, 'the notification to show the generating stage', 30_000);
      // The toast may already have been folded into the notification centre: show the centre itself.
      await vscode.commands.executeCommand('notifications.showList');
      const files = await takeScreenshot('progress');
      await vscode.commands.executeCommand('notifications.hideList');
      assert.equal(files.length, 1);
    } finally {
      subscription.dispose();
      core.services.progress.cancelAll();
      await running;
    }
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
