import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../src/extension';
import { activateForTests, EXTENSION_ID, ourExtension } from './testApi';
import { waitFor } from './waitFor';

const LOG_CHANNEL_NAME = 'Apiframe Images';

/** The Output panel shows a channel as an `output:` document named after the extension and the channel. */
function logChannelVisible(): boolean {
  return vscode.window.visibleTextEditors.some(
    (editor) => editor.document.uri.scheme === 'output' && decodeURIComponent(editor.document.uri.path).includes(`${EXTENSION_ID}.${LOG_CHANNEL_NAME}`),
  );
}

describe('Apiframe: Show Log', () => {
  let api: ExtensionTestApi;

  before(async () => {
    api = await activateForTests();
  });

  it('activates and hands out one lazily loaded core', () => {
    assert.equal(ourExtension().isActive, true);
    const core = api.core();
    assert.equal(typeof core.run, 'function');
    assert.equal(api.core(), core, 'the core bundle must be loaded once and reused');
  });

  it('registers the command', async () => {
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('apiframe.showLog'));
  });

  it(`reveals the "${LOG_CHANNEL_NAME}" log channel in the Output panel`, async () => {
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await waitFor(() => !logChannelVisible(), 'the Output panel to close');

    await vscode.commands.executeCommand('apiframe.showLog');
    await waitFor(logChannelVisible, `the "${LOG_CHANNEL_NAME}" channel to be shown`);
  });
});
