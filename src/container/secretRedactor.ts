import { redactSecrets } from '../apiframe/redact';
import type { Logger } from '../shared/logger';

/**
 * Every API key this window has handled (the stored one, keys being checked by Set API Key), kept in memory
 * only, so that anything logged or shown can be searched for them. `redactSecrets` also masks anything shaped
 * like an Apiframe key, but a key of another shape would slip past without this list.
 */
export class SecretRedactor {
  private readonly keys = new Set<string>();
  /** The log for the pure modules and the commands: every line passes {@link redact} first. */
  readonly logger: Logger;

  constructor(log: Logger) {
    this.logger = {
      trace: (message) => log.trace(this.redact(message)),
      debug: (message) => log.debug(this.redact(message)),
      info: (message) => log.info(this.redact(message)),
      warn: (message) => log.warn(this.redact(message)),
      error: (message) => log.error(this.redact(message)),
    };
  }

  /** Remembers a key to mask from now on. */
  remember(key: string): void {
    this.keys.add(key);
  }

  get knownKeys(): readonly string[] {
    return [...this.keys];
  }

  /** `text` with every known key (and anything key-shaped) masked. */
  redact(text: string): string {
    return redactSecrets(text, this.knownKeys);
  }
}
