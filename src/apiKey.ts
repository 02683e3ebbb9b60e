import * as vscode from 'vscode';

/** The one SecretStorage entry holding the Apiframe API key. Nothing else in the extension stores the key. */
export const API_KEY_SECRET = 'apiframe.apiKey';

/** Thrown when a command needs the key and none is stored; the command layer turns it into "Set API Key". */
export class MissingApiKeyError extends Error {
  override readonly name = 'MissingApiKeyError';
  constructor() {
    super(vscode.l10n.t('No Apiframe API key is set.'));
  }
}

/**
 * The API key, kept only in VS Code's SecretStorage (the OS keychain on desktop). The value is cached in
 * memory for the client, and the cache follows `secrets.onDidChange`, so a key set or removed in another
 * window takes effect here too.
 */
export class ApiKeyStore implements vscode.Disposable {
  private cached: Promise<string | undefined> | undefined;
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  private readonly subscription: vscode.Disposable;
  /** Fires after the stored key changed, here or in another window. */
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscription = secrets.onDidChange((event) => {
      if (event.key !== API_KEY_SECRET) return;
      this.cached = undefined;
      this.changeEmitter.fire();
    });
  }

  /** The stored key, or undefined. */
  get(): Promise<string | undefined> {
    this.cached ??= Promise.resolve(this.secrets.get(API_KEY_SECRET)).then((value) =>
      value && value.trim() !== '' ? value : undefined,
    );
    return this.cached;
  }

  /** The stored key; throws MissingApiKeyError when there is none. */
  async require(): Promise<string> {
    const key = await this.get();
    if (!key) throw new MissingApiKeyError();
    return key;
  }

  async store(key: string): Promise<void> {
    this.cached = Promise.resolve(key);
    await this.secrets.store(API_KEY_SECRET, key);
  }

  async delete(): Promise<void> {
    this.cached = Promise.resolve(undefined);
    await this.secrets.delete(API_KEY_SECRET);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}

/**
 * `npm run demo` starts VS Code with the extension under development and the emulator's demo key in the
 * environment variable `APIFRAME_DEMO_KEY`, so the demo can generate without typing a key.
 * Safe because it is honoured ONLY in `ExtensionMode.Development` (an extension launched from its source
 * folder by a developer, never an installed .vsix), only when no key is stored yet, and the value still goes
 * through SecretStorage like any other key (never into settings, state or logs).
 */
export async function adoptDemoKey(context: vscode.ExtensionContext, store: ApiKeyStore): Promise<boolean> {
  if (context.extensionMode !== vscode.ExtensionMode.Development) return false;
  const demoKey = process.env.APIFRAME_DEMO_KEY?.trim();
  if (!demoKey || (await store.get())) return false;
  await store.store(demoKey);
  return true;
}
