// The "Get started" walkthrough inside VS Code: it is contributed with its steps and pictures, and each step's
// context key is set when the thing really happened — the key is in SecretStorage, the job manager reports
// an image done, a record has a copy in the workspace — and not before.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { JobRecord } from '../../src/jobs/types';
import { WALKTHROUGH_CONTEXT_KEYS, WalkthroughProgress, type WalkthroughMilestone } from '../../src/walkthrough';
import { openWithSelection, runGenerate, setAfterCompletion, setUpHarness, tearDownHarness, type Harness } from './coreFlowHelpers';
import { ourExtension } from './testApi';
import { waitFor } from './waitFor';

interface WalkthroughStep {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly media: { readonly image: string; readonly altText: string };
  readonly completionEvents: readonly string[];
}

function contributedWalkthrough(): { id: string; title: string; steps: readonly WalkthroughStep[] } {
  const manifest = ourExtension().packageJSON as { contributes: { walkthroughs?: { id: string; title: string; steps: WalkthroughStep[] }[] } };
  const walkthrough = manifest.contributes.walkthroughs?.find((w) => w.id === 'apiframe.getStarted');
  assert.ok(walkthrough, 'package.json contributes the walkthrough apiframe.getStarted');
  return walkthrough;
}

describe('walkthrough', () => {
  it('is contributed with its five steps, each with a picture, alt text and a real completion event', () => {
    const walkthrough = contributedWalkthrough();
    // VS Code has replaced the %keys% with the English texts by now.
    assert.equal(walkthrough.title, 'Get Started with Apiframe Images');
    assert.deepEqual(
      walkthrough.steps.map((step) => [step.id, step.completionEvents]),
      [
        ['apiframe.setApiKey', [`onContext:${WALKTHROUGH_CONTEXT_KEYS.apiKeyStored}`]],
        ['apiframe.generateFromSelection', [`onContext:${WALKTHROUGH_CONTEXT_KEYS.imageGenerated}`]],
        ['apiframe.saveAndInsert', [`onContext:${WALKTHROUGH_CONTEXT_KEYS.imageSaved}`]],
        ['apiframe.showImages', ['onCommand:apiframe.showImages']],
        ['apiframe.showLog', ['onCommand:apiframe.showLog']],
      ],
    );
    const root = ourExtension().extensionPath;
    for (const step of walkthrough.steps) {
      assert.doesNotMatch(`${step.title} ${step.description} ${step.media.altText}`, /%walkthrough\./, `${step.id} is localized`);
      assert.ok(step.media.altText.length > 10, `${step.id} has alt text`);
      assert.ok(existsSync(path.join(root, step.media.image)), `${step.id}: ${step.media.image} exists`);
      // Each step offers the command that does it, as a button.
      assert.match(step.description, /\]\(command:apiframe\.\w+\)/, `${step.id} has a command button`);
    }
  });

  describe('completion on the real event', () => {
    let harness: Harness;
    let progress: WalkthroughProgress;
    /** Which milestones were reached at each moment the test looked. */
    const reached = (): Record<WalkthroughMilestone, boolean> => ({
      apiKeyStored: progress.hasReached('apiKeyStored'),
      imageGenerated: progress.hasReached('imageGenerated'),
      imageSaved: progress.hasReached('imageSaved'),
    });

    before(async () => {
      harness = await setUpHarness();
      await setAfterCompletion('nothing');
      await harness.core.services.apiKey.delete();
      // A tracker of its own, on the window's real key store and job manager: the window's tracker may have
      // seen earlier tests' images, and "not before" needs a fresh start.
      progress = new WalkthroughProgress(harness.core.services.apiKey);
      progress.watchJobs(await harness.core.jobs());
      await progress.whenKeyChecked();
    });
    after(async () => {
      progress.dispose();
      await harness.core.services.apiKey.store(harness.emulator.demoKey);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await tearDownHarness(harness);
    });

    it('ticks "set the key" when a key is stored, and clears it when the key is removed', async () => {
      const { emulator } = harness;
      assert.deepEqual(reached(), { apiKeyStored: false, imageGenerated: false, imageSaved: false });
      // A refused key is not stored: still not reached.
      assert.equal(await vscode.commands.executeCommand<boolean>('apiframe.setApiKey', { key: 'afk_wrong_key_for_the_walkthrough' }), false);
      await progress.whenKeyChecked();
      assert.equal(reached().apiKeyStored, false, 'a refused key does not tick the step');
      assert.equal(await vscode.commands.executeCommand<boolean>('apiframe.setApiKey', { key: emulator.demoKey }), true);
      await waitFor(() => progress.hasReached('apiKeyStored'), 'the key step to be reached');
      assert.equal(harness.core.walkthrough.hasReached('apiKeyStored'), true, "the window's own tracker agrees");
      assert.equal(await vscode.commands.executeCommand<boolean>('apiframe.removeApiKey'), true);
      await waitFor(() => !progress.hasReached('apiKeyStored'), 'the key step to be cleared');
      await vscode.commands.executeCommand<boolean>('apiframe.setApiKey', { key: emulator.demoKey });
      await waitFor(() => progress.hasReached('apiKeyStored'), 'the key step to be reached again');
    });

    let generated: JobRecord | undefined;

    it('ticks "generate" only when the job is done — not while it runs, not when it is cancelled', async () => {
      const { core, emulator, workspace } = harness;
      const sentence = 'A paper boat on a puddle after the rain, watercolor';
      await openWithSelection(workspace, 'walkthrough.md', `# Walkthrough\n\n${sentence}\n`, [sentence]);
      // Held in the queue until the test has looked: generation must not tick anything while it runs.
      emulator.faults.nextJob({ kind: 'stuck' });
      let sawRunning = false;
      const whileRunning: Record<WalkthroughMilestone, boolean>[] = [];
      const subscription = core.services.progress.onDidReport(() => {
        sawRunning = true;
        whileRunning.push(reached());
      });
      const running = runGenerate('apiframe.generateFromSelection');
      try {
        await waitFor(() => sawRunning, 'the job to report progress');
        assert.ok(whileRunning.every((state) => !state.imageGenerated && !state.imageSaved), JSON.stringify(whileRunning));
      } finally {
        subscription.dispose();
        core.services.progress.cancelAll();
      }
      const cancelled: JobRecord[] = await running;
      assert.ok(cancelled.every((record) => record.phase !== 'done'));
      assert.equal(reached().imageGenerated, false, 'a cancelled job does not tick "generate"');

      const [record] = await runGenerate('apiframe.generateFromSelection', { prompt: sentence });
      assert.ok(record);
      assert.equal(record.phase, 'done');
      await waitFor(() => progress.hasReached('imageGenerated'), 'the generate step to be reached');
      assert.equal(reached().imageSaved, false, 'an image in the cache only is not "saved"');
      assert.equal(core.walkthrough.hasReached('imageGenerated'), true, "the window's own tracker agrees");
      generated = record;
    });

    it('ticks "save and insert" when a record gets a copy in the workspace (JobRecord.savedCopies)', async () => {
      const { core } = harness;
      const record = generated;
      assert.ok(record, 'the previous test generated an image');
      assert.equal(reached().imageSaved, false);
      const saved = await vscode.commands.executeCommand<vscode.Uri>('apiframe.saveImage', record.localId);
      assert.ok(saved, 'the image was saved');
      await waitFor(() => progress.hasReached('imageSaved'), 'the save-and-insert step to be reached');
      assert.equal(core.walkthrough.hasReached('imageSaved'), true, "the window's own tracker agrees");
    });
  });
});
