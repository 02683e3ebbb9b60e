import * as vscode from 'vscode';
import { createApiframeClient, type ApiframeClient } from '../apiframe/client';
import type { ApiKeyStore } from '../apiKey';
import * as settings from '../settings';
import type { Logger } from '../shared/logger';
import type { SecretRedactor } from './secretRedactor';

/** How long a replaced client keeps its connections, so requests already under way can finish on them. */
const RETIRED_CLIENT_GRACE_MS = 30_000;

export interface ApiClientsOptions {
  readonly apiKey: ApiKeyStore;
  readonly redactor: SecretRedactor;
  readonly logger: Logger;
  /** Sent with every request, e.g. `apiframe-images-vscode/0.1.0 (VS Code 1.139.1)`. */
  readonly userAgent: string;
}

/**
 * The Apiframe client with the stored key and the current settings, built on first use and rebuilt when the
 * key or a setting it is built from (base URL, timeout, VS Code's proxy settings) changes.
 */
export class ApiClients implements vscode.Disposable {
  private cached: { readonly key: string; readonly client: ApiframeClient } | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly options: ApiClientsOptions) {
    this.subscriptions = [
      options.apiKey.onDidChange(() => {
        this.retire();
        options.logger.info('The Apiframe API key changed.');
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (settings.affectsClient(event)) this.retire();
      }),
    ];
  }

  /** The client for the stored key; rejects with MissingApiKeyError when none is stored. */
  async current(): Promise<ApiframeClient> {
    const key = await this.options.apiKey.require();
    if (this.cached?.key !== key) {
      this.retire();
      this.cached = { key, client: this.forKey(key) };
    }
    return this.cached.client;
  }

  /**
   * A throw-away client for a key that is not stored yet (Set API Key checks a key with it before storing
   * it); the caller closes it. The key is masked in everything logged or shown from now on.
   */
  forKey(key: string): ApiframeClient {
    this.options.redactor.remember(key);
    const proxy = settings.proxySettings();
    return createApiframeClient({
      baseUrl: settings.baseUrl(),
      apiKey: key,
      userAgent: this.options.userAgent,
      timeoutMs: settings.requestTimeoutMs(),
      proxy: { url: proxy.url, strictSSL: proxy.strictSSL, noProxy: [...proxy.noProxy] },
      log: this.options.logger,
    });
  }

  dispose(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    void this.cached?.client.close().catch(() => undefined);
    this.cached = undefined;
  }

  /** Forgets the current client; its connections close once requests in flight have had time to finish. */
  private retire(): void {
    const old = this.cached;
    this.cached = undefined;
    if (old) setTimeout(() => void old.client.close().catch(() => undefined), RETIRED_CLIENT_GRACE_MS).unref?.();
  }
}

/** The User-Agent the extension sends: its own version and VS Code's, nothing about the user. */
export function userAgentFor(context: vscode.ExtensionContext): string {
  const manifest = context.extension.packageJSON as { readonly version?: unknown };
  const version = typeof manifest.version === 'string' ? manifest.version : '0';
  return `apiframe-images-vscode/${version} (VS Code ${vscode.version})`;
}
