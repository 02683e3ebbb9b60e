/**
 * The undici dispatcher every request of a client goes through: an explicit proxy (with its no-proxy list),
 * else the environment's proxy variables, else a direct connection.
 */
import type { Dispatcher } from 'undici';
import { Agent, EnvHttpProxyAgent } from './undiciParts';

export interface ApiframeProxyOptions {
  /** Explicit proxy (VS Code `http.proxy`). When absent, HTTPS_PROXY/https_proxy/HTTP_PROXY/http_proxy + NO_PROXY apply. */
  url?: string;
  /** VS Code `http.proxyStrictSSL`: false accepts self-signed certificates (proxy and target). Default true. */
  strictSSL?: boolean;
  /** VS Code `http.noProxy`: hosts that bypass the explicit proxy. */
  noProxy?: string[];
}

export interface BuiltDispatcher {
  readonly dispatcher: Dispatcher;
  /**
   * Passwords of the proxy URLs in use (as written and decoded): a proxy URL may carry user:password, and
   * undici's errors may repeat it, so these join the client's redaction list.
   */
  readonly secrets: readonly string[];
}

/**
 * Explicit proxy or the environment's proxy variables through undici's EnvHttpProxyAgent, else a plain
 * Agent. strictSSL=false relaxes TLS checks for proxy and target.
 */
export function buildDispatcher(proxy: ApiframeProxyOptions | undefined, env: NodeJS.ProcessEnv): BuiltDispatcher {
  const tls = { rejectUnauthorized: proxy?.strictSSL ?? true };
  if (proxy?.url) {
    return {
      secrets: proxyPasswords([proxy.url]),
      dispatcher: new EnvHttpProxyAgent({
        httpProxy: proxy.url,
        httpsProxy: proxy.url,
        noProxy: (proxy.noProxy ?? []).join(','),
        connect: tls,
        requestTls: tls,
        proxyTls: tls,
      }),
    };
  }
  const httpsProxy = env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy;
  const httpProxy = env.HTTP_PROXY || env.http_proxy;
  if (httpsProxy || httpProxy) {
    return {
      secrets: proxyPasswords([httpsProxy, httpProxy]),
      dispatcher: new EnvHttpProxyAgent({
        ...(httpProxy ? { httpProxy } : {}),
        ...(httpsProxy ? { httpsProxy } : {}),
        noProxy: env.NO_PROXY ?? env.no_proxy ?? '',
        connect: tls,
        requestTls: tls,
        proxyTls: tls,
      }),
    };
  }
  return { secrets: [], dispatcher: new Agent({ connect: tls }) };
}

/** The password of each proxy URL, decoded and as written (either form can show up in an error). */
function proxyPasswords(proxyUrls: readonly (string | undefined)[]): string[] {
  const passwords: string[] = [];
  for (const proxyUrl of proxyUrls) {
    if (!proxyUrl) continue;
    try {
      const parsed = new URL(proxyUrl);
      if (parsed.password) passwords.push(decodeURIComponent(parsed.password), parsed.password);
    } catch {
      // An unparsable proxy URL is reported by undici; nothing to remember.
    }
  }
  return passwords;
}
