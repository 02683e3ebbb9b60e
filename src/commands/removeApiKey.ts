import * as vscode from 'vscode';
import type { CoreServices } from '../container/services';

/** `Apiframe: Remove API Key` — deletes the key from SecretStorage (every window follows via onDidChange). */
export async function removeApiKey(services: CoreServices): Promise<boolean> {
  if (!(await services.apiKey.get())) {
    void services.ui.message('info', vscode.l10n.t('No Apiframe API key is set.'), []);
    return false;
  }
  await services.apiKey.delete();
  services.logger.info('The Apiframe API key was removed.');
  void services.ui.message('info', vscode.l10n.t('The Apiframe API key was removed.'), []);
  return true;
}
