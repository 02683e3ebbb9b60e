/**
 * THE one redaction helper: every log line, error message and exception text that could contain request
 * details goes through it, so the API key can never leak (undici's own errors can echo header values).
 * Imports only src/shared/text (itself import-free): safe to use from any module, including the activation bundle.
 */
import { truncateGraphemes } from '../shared/text';

/** Apiframe keys look like `afk_<base62…>`; anything of that shape is masked even when it is not "our" key. */
const APIFRAME_KEY_SHAPE = /afk_[A-Za-z0-9_-]{4,}/g;
const MASK = '«redacted»';

/**
 * Returns `text` with every occurrence of the given secrets, and anything shaped like an Apiframe key,
 * replaced by a mask. Secrets shorter than 4 characters are ignored (masking "a" would mangle the text
 * and such a key cannot be valid anyway).
 */
export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let redacted = text;
  // Longest first, so a secret that contains another is masked whole.
  const ordered = [...new Set(secrets)].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  for (const secret of ordered) {
    redacted = redacted.split(secret).join(MASK);
    // Also the percent-encoded form (a key echoed inside a URL or a form body).
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) redacted = redacted.split(encoded).join(MASK);
  }
  return redacted.replace(APIFRAME_KEY_SHAPE, MASK);
}

/**
 * Text a server wrote (an error reason, a validation detail) made fit to show and log: redacted, on one line
 * (control, bidi and zero-width characters become spaces — they could forge log lines or reorder what the
 * user reads), whitespace collapsed, and cut at `maxLength` characters with an ellipsis that says so.
 */
export function serverTextForDisplay(text: string, maxLength: number, secrets: readonly string[] = []): string {
  const oneLine = redactSecrets(text, secrets)
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\s]+/gu, ' ')
    .trim();
  const bounded = truncateGraphemes(oneLine, maxLength, { measure: 'codeUnits' });
  // Again after cutting and joining: removed characters can no longer split a key into unmatched parts.
  return redactSecrets(bounded, secrets);
}
