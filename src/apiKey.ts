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
   * @param demoKey the key Set API Key may offer as "Use the demo key" (see {@link demoKeyFor}); read on
   * every use and never stored by this class on its own — the user chooses it, or nothing happens.
   * @param storedKey a read of the key already under way (`secrets.get(API_KEY_SECRET)`), used for the first
   * `get()`. A change of the secret clears it like any cached value: the change event is delivered after the
   * answer to a read made before it.
   */
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly demoKey: () => string | undefined = () => undefined,
    storedKey?: Thenable<string | undefined>,
  ) {
    if (storedKey) this.cached = usableKey(storedKey);
    this.subscription = secrets.onDidChange((event) => {
      if (event.key !== API_KEY_SECRET) return;
      this.cached = undefined;
      this.changeEmitter.fire();
    });
  }

  /** The stored key, or undefined. */
  get(): Promise<string | undefined> {
    this.cached ??= usableKey(this.secrets.get(API_KEY_SECRET));
    return this.cached;
  }

  /** The stored key; throws MissingApiKeyError when there is none. */
  async require(): Promise<string> {
    const key = await this.get();
    if (!key) throw new MissingApiKeyError();
    return key;
  }

  /** The demo key Set API Key may offer, or undefined (the usual case: anything but the demo). */
  offeredDemoKey(): string | undefined {
    return this.demoKey();
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

/** What SecretStorage answered, with an empty or blank value taken for no key. */
function usableKey(read: Thenable<string | undefined>): Promise<string | undefined> {
  return Promise.resolve(read).then((value) => (value && value.trim() !== '' ? value : undefined));
}

/**
 * `npm run demo` starts VS Code with the emulator's demo key in the environment variable `APIFRAME_DEMO_KEY`,
 * so Set API Key can offer "Use the demo key" instead of asking the user to paste one. Never stored without
 * that choice, and then it goes through the same check and SecretStorage as any other key (never into
 * settings, state or logs).
 *
 * Honoured only for an extension run from its source tree: in `ExtensionMode.Development` (F5), or in a
 * development build (`npm run build`, not the `--production` bundle every .vsix is packaged from) running as
 * an installed extension — which is how the demo loads it, because the browser workbench honours "extension
 * under development" only together with the smoke-test driver, and that driver hides every notification.
 * Never in `ExtensionMode.Test`: the suite hands its demo key in through its test hooks instead.
 */
export function demoKeyFor(context: vscode.ExtensionContext): string | undefined {
  if (context.extensionMode === vscode.ExtensionMode.Test) return undefined;
  // esbuild replaces process.env.NODE_ENV with a literal: in the packaged bundle this is `false` at build time.
  const fromSourceTree = context.extensionMode === vscode.ExtensionMode.Development || process.env.NODE_ENV !== 'production';
  if (!fromSourceTree) return undefined;
  const demoKey = process.env.APIFRAME_DEMO_KEY?.trim();
  return demoKey ? demoKey : undefined;
}
