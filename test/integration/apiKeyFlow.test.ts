// Set API Key and Remove API Key as a user meets them inside VS Code: a saved key is confirmed with the next
// step, a removed key stays removed (nothing stores the demo key again behind the user's back), and "Use the
// demo key" is offered only when a demo key is available.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestHooks } from '../../src/container/testHooks';
import type { UserInterface } from '../../src/container/userInterface';
import { messagesFrom, runGenerate, setAfterCompletion, setUpHarness, tearDownHarness, type Harness } from './coreFlowHelpers';
import { activateForTests } from './testApi';

/** Wraps the suite's UI and writes down the labels of every quick pick shown. */
function recordingQuickPicks(inner: UserInterface): { ui: UserInterface; shown: string[][] } {
  const shown: string[][] = [];
  return {
    shown,
    ui: {
      inputBox: (options) => inner.inputBox(options),
      message: (severity, text, actions, options) => inner.message(severity, text, actions, options),
      pickWorkspaceFolder: (options) => inner.pickWorkspaceFolder(options),
      saveDialog: (options) => inner.saveDialog(options),
      openDialog: (options) => inner.openDialog(options),
      statusMessage: (text, timeoutMs) => inner.statusMessage(text, timeoutMs),
      revealInExplorer: (uri) => inner.revealInExplorer(uri),
      openExternal: (uri) => inner.openExternal(uri),
      quickPickMany: (items, options) => inner.quickPickMany(items, options),
      quickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions) {
        shown.push(items.map((item) => item.label));
        return inner.quickPick(items, options);
      },
    },
  };
}

describe('API key: confirmation, removal and the demo key', () => {
  let harness: Harness;
  let hooks: TestHooks;
  before(async () => {
    harness = await setUpHarness();
    hooks = (await activateForTests()).hooks;
    await setAfterCompletion('nothing');
  });
  afterEach(() => {
    delete hooks.demoKey;
    hooks.ui = harness.ui;
  });
  after(async () => {
    await harness.core.services.apiKey.store(harness.emulator.demoKey);
    await tearDownHarness(harness);
  });

  it('confirms a saved key with "API key saved." and a Generate Image… button', async () => {
    const { emulator, ui } = harness;
    const messages = messagesFrom(ui);
    ui.answer({ message: [undefined] });
    assert.equal(await vscode.commands.executeCommand<boolean>('apiframe.setApiKey', { key: emulator.demoKey }), true);
    const info = messages.last('info');
    assert.ok(info, 'a confirmation is shown');
    assert.match(info.text, /^API key saved\./);
    assert.deepEqual(info.actions, ['Generate Image…']);
    assert.ok(!info.text.includes(emulator.demoKey), 'the key never appears in a message');
  });

  it('removes the key for real, says so, and it stays removed even with a demo key on offer', async () => {
    const { core, emulator, ui } = harness;
    hooks.demoKey = emulator.demoKey;
    const messages = messagesFrom(ui);
    ui.answer({ message: [undefined] });
    assert.equal(await vscode.commands.executeCommand<boolean>('apiframe.removeApiKey'), true);
    const info = messages.last('info');
    assert.ok(info);
    assert.equal(info.text, 'The Apiframe API key was removed.');
    assert.deepEqual(info.actions, ['Set API Key']);
    // Next use: the key is still gone, and a command that needs it asks for Set API Key.
    assert.equal(await core.services.apiKey.get(), undefined);
    ui.answer({ message: [undefined] });
    assert.deepEqual(await runGenerate('apiframe.generateFromSelection', { prompt: 'a lighthouse in the fog' }), []);
    const error = messages.last('error');
    assert.ok(error);
    assert.match(error.text, /No Apiframe API key/);
    assert.ok(error.actions.includes('Set API Key'));
    assert.equal(await core.services.apiKey.get(), undefined, 'using the extension does not store the demo key');
    assert.equal(await core.services.host.context.secrets.get('apiframe.apiKey'), undefined);
  });

  it('offers "Use the demo key" when a demo key is available, and stores it only when chosen', async () => {
    const { core, emulator, ui } = harness;
    await core.services.apiKey.delete();
    hooks.demoKey = emulator.demoKey;
    const recording = recordingQuickPicks(ui);
    hooks.ui = recording.ui;
    // Dismissed: nothing stored.
    ui.answer({ quickPick: [undefined] });
    assert.equal(await vscode.commands.executeCommand<boolean>('apiframe.setApiKey'), false);
    assert.deepEqual(recording.shown, [['Use the demo key', 'Enter an API key…']]);
    assert.equal(await core.services.apiKey.get(), undefined);
    // Chosen: checked with Apiframe and stored like any key, confirmed without showing it.
    const messages = messagesFrom(ui);
    ui.answer({ quickPick: ['Use the demo key'], message: [undefined] });
    assert.equal(await vscode.commands.executeCommand<boolean>('apiframe.setApiKey'), true);
    assert.equal(await core.services.host.context.secrets.get('apiframe.apiKey'), emulator.demoKey);
    const info = messages.last('info');
    assert.ok(info);
    assert.match(info.text, /^API key saved\./);
    assert.ok(!messages.texts().some((text) => text.includes(emulator.demoKey)));
  });

  it('asks for a typed key, with no demo choice, when no demo key is available', async () => {
    const { core, ui } = harness;
    await core.services.apiKey.delete();
    const recording = recordingQuickPicks(ui);
    hooks.ui = recording.ui;
    ui.answer({ inputBox: [undefined] });
    assert.equal(await vscode.commands.executeCommand<boolean>('apiframe.setApiKey'), false);
    assert.deepEqual(recording.shown, [], 'no quick pick: straight to the input box');
    assert.equal(await core.services.apiKey.get(), undefined);
  });
});
