// The shapes of the API keys the integration suite hands to the extension. No `vscode` import: the unit
// tests check the shapes and the scanner against them.
//
// Most of them must NOT look like Apiframe keys: the redactor (src/apiframe/redact.ts) masks anything shaped
// `afk_…` whether or not the code passed it the key, so a suite whose keys all had that shape could not notice
// code that forgot to redact the real key. The emulator (addKey), the key store (src/apiKey.ts) and the client
// accept any key of visible ASCII characters without spaces, and so do the shapes below.
import { randomBytes } from 'node:crypto';

export const KEY_SHAPES = {
  /** 43 characters of base64url (32 random bytes), no prefix: the shape of many API tokens. */
  base64url: () => randomBytes(32).toString('base64url'),
  /** 40 lowercase hex digits, no prefix. */
  hex: () => randomBytes(20).toString('hex'),
  /** Standard base64 with at least one `+` or `/`, so its URL-encoded form differs from the key. */
  base64: (): string => {
    for (;;) {
      const key = randomBytes(24).toString('base64');
      if (/[+/]/.test(key)) return key;
    }
  },
  /** An Apiframe-shaped key (`afk_` + hex): one of these still checks the redactor's shape rule end to end. */
  apiframe: () => `afk_${randomBytes(12).toString('hex')}`,
} as const;

export type KeyShape = keyof typeof KEY_SHAPES;

/** A fresh random key of the given shape (random per run, so no file from an earlier run can match). */
export function makeKey(shape: KeyShape): string {
  return KEY_SHAPES[shape]();
}
