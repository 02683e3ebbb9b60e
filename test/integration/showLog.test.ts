import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension';
import { waitFor } from './waitFor';

const EXTENSION_ID = 'apiframe-images.apiframe-images';
const LOG_CHANNEL_NAME = 'Apiframe Images';

/** The Output panel shows a channel as an `output:` document named after the extension and the channel. */
function logChannelVisible(): boolean {
  return vscode.window.visibleTextEditors.some(
    (editor) => editor.document.uri.scheme === 'output' && decodeURIComponent(editor.document.uri.path).includes(`${EXTENSION_ID}.${LOG_CHANNEL_NAME}`),
  );
}

describe('Apiframe: Show Log', () => {
  let extension: vscode.Extension<ExtensionApi>;
  let api: ExtensionApi;

  before(async () => {
    const found = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is not loaded in this VS Code`);
    extension = found;
    api = await extension.activate();
  });

  it('activates and hands out one lazily loaded core', () => {
    assert.equal(extension.isActive, true);
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
