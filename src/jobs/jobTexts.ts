/**
 * The texts the job layer shows or logs about errors, records and server answers: bounded, on the user's
 * terms, and never containing anything shaped like a key.
 */
import { redactSecrets } from '../apiframe/redact';
import { errorText } from '../shared/errorText';
import { truncateGraphemes } from '../shared/text';
import type { JobRecord } from './types';

/** Longest failure reason from the server kept on a record. */
const MAX_SERVER_ERROR_LENGTH = 1000;
/** Longest unreadable result written to the log. */
const MAX_SHAPE_LENGTH = 500;
/** Prompt characters that name a record in the log. */
const PROMPT_IN_LOG = 40;

/** The user-facing text of an error: complete, and never containing anything shaped like a key. */
export function describeError(error: unknown): string {
  return redactSecrets(errorText(error));
}

/**
 * Names a record in the log by its prompt (short) and local id, so a person can tell jobs apart; a job on an
 * existing image (most have no prompt) by its action and image.
 */
export function describeRecord(record: JobRecord): string {
  const prompt = (record.prompt.trim() === '' ? recordTitle(record) : record.prompt).trim().replace(/\s+/g, ' ');
  const short = truncateGraphemes(prompt, PROMPT_IN_LOG, { measure: 'codeUnits' });
  return `"${redactSecrets(short)}" (${record.localId})`;
}

/** A result we could not read, for the log: its JSON, bounded and redacted. */
export function describeShape(result: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(result) ?? String(result);
  } catch {
    text = Object.prototype.toString.call(result);
  }
  return redactSecrets(truncateGraphemes(text, MAX_SHAPE_LENGTH, { measure: 'codeUnits', ellipsis: '...' }));
}

/** A job's failure reason as the server wrote it, fit to keep on the record; undefined when it said nothing. */
export function serverReason(text: string | null | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed ? redactSecrets(truncateGraphemes(trimmed, MAX_SERVER_ERROR_LENGTH, { measure: 'codeUnits', ellipsis: '' })) : undefined;
}

/** The host of a URL (for "the image host … said"), redacted; undefined for a URL that does not parse. */
export function hostOf(url: string): string | undefined {
  try {
    return redactSecrets(new URL(url).host);
  } catch {
    return undefined;
  }
}

/**
 * What a record is called where the user sees it (notification, status bar): its prompt, or for a job on an
 * existing image the action and the image ("Remove Background: logo.png"; the label is already localized).
 */
export function recordTitle(record: JobRecord): string {
  const action = record.operation ?? record.inputAction;
  if (!action || !record.input) return record.prompt;
  return `${action.label}: ${record.input.name}`;
}
