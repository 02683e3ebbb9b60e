/** The message of anything thrown, as text (not yet redacted: callers that show or log it redact it). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
