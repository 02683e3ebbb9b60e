import type { CoreServices } from '../container/services';

/** `Apiframe: Show Log` — reveals the extension's log output channel. */
export function showLog(services: CoreServices): void {
  services.host.log.show(true);
}
