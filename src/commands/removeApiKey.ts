import * as vscode from 'vscode';
import type { CoreServices } from '../container/services';

/**
 * `Apiframe: Remove API Key` — deletes the key from SecretStorage (every window follows via onDidChange) and
 * says so, with Set API Key as the way back. Nothing stores a key again behind the user's back: not even the
 * demo's key, which only Set API Key offers.
 */
export async function removeApiKey(services: CoreServices): Promise<boolean> {
  if (!(await services.apiKey.get())) {
    void services.ui.message('info', vscode.l10n.t('No Apiframe API key is set.'), []);
    return false;
  }
  await services.apiKey.delete();
  services.logger.info('The Apiframe API key was removed.');
  const setKey = vscode.l10n.t('Set API Key');
  void services.ui.message('info', vscode.l10n.t('The Apiframe API key was removed.'), [setKey]).then((choice) => {
    if (choice === setKey) void vscode.commands.executeCommand('apiframe.setApiKey');
  });
  return true;
}
