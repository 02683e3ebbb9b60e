import type { CoreHost } from '../core';

/** `Apiframe: Show Log` — reveals the extension's log output channel. */
export function showLog(host: CoreHost): void {
  host.log.show(true);
}
