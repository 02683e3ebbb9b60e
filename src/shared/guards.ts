/** Runtime checks of untrusted values (server answers, the journal on disk, webview messages). */

/**
 * A JSON-style object: not null, not an array, and no class instance (its prototype is `Object.prototype` or
 * null) — what `JSON.parse` and structured cloning produce, so a getter-laden object cannot pass for data.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** One of the allowed literal values. */
export function isOneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}
