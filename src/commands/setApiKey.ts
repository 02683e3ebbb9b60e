import * as vscode from 'vscode';
import type { ApiframeClient } from '../apiframe/client';
import type { CoreServices } from '../container/services';
import { errorText } from '../shared/errorText';
import type { SetApiKeyArguments } from './commandArguments';

/**
 * `Apiframe: Set API Key` — a masked input box (in the demo, first the choice "Use the demo key"); the key is
 * checked with `GET /v2/me` before it is stored (in SecretStorage only) and the team name and credits are
 * shown, with "Generate Image…" as the next step. A rejected key is not stored, and the message says why.
 * Tests (and scripts) may pass the key as `{ key }` instead of typing it. Resolves with true when a key was
 * stored.
 */
export async function setApiKey(services: CoreServices, given: SetApiKeyArguments): Promise<boolean> {
  const key = (given.key ?? (await askForKey(services)))?.trim();
  if (!key) return false;

  let client: ApiframeClient;
  try {
    client = services.clientForKey(key);
  } catch (error) {
    // A malformed key (spaces, control characters) or an unusable base URL: nothing is stored.
    showKeyNotSaved(services, error, key);
    return false;
  }
  try {
    const me = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the API key with Apiframe…') },
      () => client.me(),
    );
    await services.apiKey.store(key);
    const team = me.team;
    const text = team
      ? vscode.l10n.t('API key saved. Team "{0}" has {1} credits.', team.name, team.credits)
      : vscode.l10n.t('API key saved.');
    services.logger.info('An Apiframe API key was verified and stored.');
    // The next step right where the user looks: without it, a saved key changes nothing on screen.
    const generateImage = vscode.l10n.t('Generate Image…');
    void services.ui.message('info', services.redact(text), [generateImage]).then((choice) => {
      if (choice === generateImage) void vscode.commands.executeCommand('apiframe.generate');
    });
    return true;
  } catch (error) {
    services.logger.warn(`The API key was not stored: ${services.redact(errorText(error))}`);
    showKeyNotSaved(services, error, key);
    return false;
  } finally {
    void client.close().catch(() => undefined);
  }
}

/**
 * The key the user gives: typed into a masked input box — or, when a demo key is on offer (`npm run demo`, see
 * demoKeyFor in src/apiKey.ts), chosen first from a short list, so the demo's key is used only when asked for.
 */
async function askForKey(services: CoreServices): Promise<string | undefined> {
  const demoKey = services.apiKey.offeredDemoKey();
  if (demoKey) {
    const useDemoKey: vscode.QuickPickItem = {
      label: vscode.l10n.t('Use the demo key'),
      description: vscode.l10n.t('The key of the demo\'s local Apiframe emulator'),
      iconPath: new vscode.ThemeIcon('beaker'),
    };
    const enterKey: vscode.QuickPickItem = { label: vscode.l10n.t('Enter an API key…'), iconPath: new vscode.ThemeIcon('key') };
    const picked = await services.ui.quickPick([useDemoKey, enterKey], {
      title: vscode.l10n.t('Apiframe API Key'),
      placeHolder: vscode.l10n.t('Which key should the extension use?'),
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    if (picked === useDemoKey) return demoKey;
  }
  return services.ui.inputBox({
    title: vscode.l10n.t('Apiframe API Key'),
    prompt: vscode.l10n.t('Paste your Apiframe API key. It is checked with Apiframe, then kept in VS Code\'s secret storage.'),
    placeHolder: 'afk_…',
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? vscode.l10n.t('Enter a key.') : undefined),
  });
}

/**
 * Why the key was not saved, the server's own reason included. A key Apiframe refused offers Set API Key to
 * try another one; anything else (network, server) has nothing a button could fix.
 */
function showKeyNotSaved(services: CoreServices, error: unknown, key: string): void {
  const described = services.errors.describe(error, [key]);
  services.errors.notify(services.redact(vscode.l10n.t('The API key was not saved: {0}', described.text)), { setApiKey: described.offerSetKey, showLog: false });
}
