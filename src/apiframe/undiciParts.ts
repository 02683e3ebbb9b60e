/**
 * The parts of undici the client uses, loaded from undici's own modules rather than its package root:
 * the root also evaluates and bundles fetch, WebSocket, EventSource, the cache and mock layers, which
 * the client never touches — ≈520 KB of the core bundle instead of ≈310 KB (see `npm run bench`, size).
 * undici 7 has no `exports` map, so these paths are public to Node's resolver; the version is pinned by
 * the lockfile and the unit tests exercise every part used here (including the proxy agents).
 */
import type { Dispatcher } from 'undici';
import AgentImpl from 'undici/lib/dispatcher/agent';
import DispatcherImpl from 'undici/lib/dispatcher/dispatcher';
import EnvHttpProxyAgentImpl from 'undici/lib/dispatcher/env-http-proxy-agent';
import * as dispatcherApi from 'undici/lib/api/index';

// What undici's root does on load: the request/stream/pipeline/connect/upgrade methods live on the
// Dispatcher prototype (ProxyAgent itself calls `connect` on its proxy client).
Object.assign(DispatcherImpl.prototype, dispatcherApi);

export const Agent = AgentImpl;
export const EnvHttpProxyAgent = EnvHttpProxyAgentImpl;

/** What undici's root `request(url, { dispatcher, … })` does, without its global-dispatcher fallback. */
export function request(
  url: URL,
  options: Omit<Dispatcher.RequestOptions, 'origin' | 'path'> & { dispatcher: Dispatcher },
): Promise<Dispatcher.ResponseData> {
  const { dispatcher, ...rest } = options;
  return dispatcher.request({ ...rest, origin: url.origin, path: `${url.pathname}${url.search}` });
}
