/**
 * Property checks for the hostile-input suite, written independently of the code under test (they do not
 * import it): a file-name validator after the Windows / macOS / Linux rules, and a check of user messages.
 * Inserted references are read back by each language's own parser: test/support/referenceParsers.ts.
 */
import * as assert from 'node:assert/strict';
import { posix } from 'node:path';

const WINDOWS_DEVICE_NAMES = new Set([
  'CON', 'PRN', 'AUX', 'NUL', 'CONIN$', 'CONOUT$',
  ...['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '¹', '²', '³'].flatMap((d) => [`COM${d}`, `LPT${d}`]),
]);

/** Every reason `name` is not a safe, portable file name for a saved image; `[]` when it is. */
export function fileNameProblems(name: string): string[] {
  const problems: string[] = [];
  if (name === '' || name === '.' || name === '..') problems.push('empty or a dot name');
  if (/[/\\]/.test(name)) problems.push('path separator');
  if (/[<>:"|?*]/.test(name)) problems.push('character Windows refuses');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) problems.push('control character');
  if (/\p{Cf}/u.test(name)) problems.push('invisible format / bidi character');
  if (/\p{Cs}/u.test(name)) problems.push('lone surrogate');
  if (/[\u2028\u2029]/.test(name)) problems.push('line separator');
  if (name !== name.normalize('NFC')) problems.push('not NFC');
  if (Buffer.byteLength(name, 'utf8') > 255) problems.push('over 255 UTF-8 bytes');
  if (name.length > 255) problems.push('over 255 UTF-16 units');
  if (name.startsWith('.')) problems.push('leading dot (hidden file)');
  if (/^\s|\s$/u.test(name)) problems.push('leading or trailing whitespace');
  if (/[. ]$/.test(name)) problems.push('trailing dot or space');
  const [stem = ''] = name.split('.'); // split() always gives at least one part
  if (WINDOWS_DEVICE_NAMES.has(stem.trimEnd().toUpperCase())) problems.push('Windows device name');
  if (!/\.(png|jpg|webp)$/.test(name)) problems.push('missing image extension');
  return problems;
}

export function assertSafeFileName(name: string): void {
  assert.deepEqual(fileNameProblems(name), [], `unsafe file name ${JSON.stringify(name)}`);
}

/** `path` is `folder` or below it: absolute, no `.`/`..`/empty segments, no NUL, segment-boundary prefix. */
export function assertInsideFolder(folder: string, path: string): void {
  assert.ok(path.startsWith('/'), `${JSON.stringify(path)} is not absolute`);
  assert.ok(!path.includes('\0'), 'NUL in path');
  const segments = path.split('/').slice(1);
  if (path !== '/') {
    assert.ok(segments.every((s) => s !== '' && s !== '.' && s !== '..'), `${JSON.stringify(path)} is not normalised`);
  }
  assert.ok(path === folder || path.startsWith(`${folder}/`), `${JSON.stringify(path)} is outside ${folder}`);
}

/** Joining the name onto the folder lands exactly one level below it. */
export function assertJoinStaysIn(folder: string, name: string): void {
  const joined = posix.join(folder, name);
  assert.equal(posix.dirname(joined), folder, `${JSON.stringify(name)} escapes ${folder}`);
  assert.equal(posix.basename(joined), name, `${JSON.stringify(name)} is changed by joining`);
}

/** Longest error text a user is shown by default (a notification, a gallery card, a log line). */
export const USER_MESSAGE_MAX_LENGTH = 700;

/**
 * `message` is something a user can read and act on: one bounded line of text starting with a capital letter
 * and ending like a sentence, with no control, bidi or zero-width characters (which could forge log lines or
 * reorder what the user reads), no programmer noise, and none of `secrets` nor anything shaped like an
 * Apiframe key (masked `«redacted»` is fine).
 */
export function assertUserMessage(message: string, secrets: readonly string[], maxLength = USER_MESSAGE_MAX_LENGTH): void {
  const shown = JSON.stringify(message.length > 300 ? `${message.slice(0, 300)}…` : message);
  assert.ok(message.length > 0 && message.length <= maxLength, `message of ${message.length} characters: ${shown}`);
  assert.match(message, /^[A-Z]/u, `does not start like a sentence: ${shown}`);
  assert.match(message, /[.!?…)]$/u, `does not end like a sentence: ${shown}`);
  // eslint-disable-next-line no-control-regex
  assert.ok(!/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(message), `control character or line break in ${shown}`);
  assert.ok(!/\p{Cf}/u.test(message), `invisible format / bidi character in ${shown}`);
  assert.ok(!/\bundefined\b|\[object \w+\]|\bNaN\b|^\s+at\s/mu.test(message), `programmer noise in ${shown}`);
  for (const secret of secrets) {
    assert.ok(!message.includes(secret), `the key is in ${shown}`);
    assert.ok(!message.includes(encodeURIComponent(secret)), `the encoded key is in ${shown}`);
  }
  assert.ok(!/afk_[A-Za-z0-9_-]{4,}/.test(message), `something shaped like a key is in ${shown}`);
}
