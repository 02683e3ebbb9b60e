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

  /**
   * @param demoKey a key to store when none is stored yet (see {@link demoKeyFor}); used once, at first read.
   */
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private demoKey?: string,
  ) {
    this.subscription = secrets.onDidChange((event) => {
      if (event.key !== API_KEY_SECRET) return;
      this.cached = undefined;
      this.changeEmitter.fire();
    });
  }

  /** The stored key, or undefined. */
  get(): Promise<string | undefined> {
    this.cached ??= Promise.resolve(this.secrets.get(API_KEY_SECRET)).then(async (value) => {
      if (value && value.trim() !== '') return value;
      const demoKey = this.demoKey;
      this.demoKey = undefined;
      if (!demoKey) return undefined;
      await this.secrets.store(API_KEY_SECRET, demoKey);
      return demoKey;
    });
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
 * folder by a developer — F5 or the demo — never an installed .vsix, and not the test runs), only when no
 * key is stored yet, and the value then goes through SecretStorage like any other key (never into
 * settings, state or logs).
 */
export function demoKeyFor(context: vscode.ExtensionContext): string | undefined {
  if (context.extensionMode !== vscode.ExtensionMode.Development) return undefined;
  const demoKey = process.env.APIFRAME_DEMO_KEY?.trim();
  return demoKey ? demoKey : undefined;
}
