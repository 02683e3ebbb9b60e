/**
 * Property checks for the hostile-input suite, written independently of the code under test (they do not
 * import it): a file-name validator after the Windows / macOS / Linux rules, and small parsers that read each
 * inserted reference back the way its language would, so escaping is judged by its effect, not its spelling.
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

const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;

function percentDecode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    assert.fail(`${what}: invalid percent-encoding in ${JSON.stringify(text)}`);
  }
}

function assertOneLine(snippet: string): void {
  assert.ok(!/[\r\n\u2028\u2029\u0085]/.test(snippet), `line break in ${JSON.stringify(snippet)}`);
}

/**
 * Reads `![alt](target)` as CommonMark would, refusing anything our inserts must never leave unescaped inside
 * the link text (brackets, backticks, `<`, `|`, entities). Returns the link text as written (backslash escapes
 * resolved; emphasis markers kept) and the decoded target.
 */
export function parseMarkdownImage(snippet: string): { alt: string; target: string } {
  assertOneLine(snippet);
  assert.ok(snippet.startsWith('!['), 'starts with ![');
  let i = 2;
  let alt = '';
  for (;;) {
    assert.ok(i < snippet.length, 'unterminated link text');
    const char = snippet.charAt(i);
    if (char === '\\' && ASCII_PUNCTUATION.test(snippet.charAt(i + 1))) {
      alt += snippet.charAt(i + 1);
      i += 2;
      continue;
    }
    if (char === ']') break;
    assert.ok(!'[`<|'.includes(char), `unescaped ${char} in link text`);
    assert.ok(!(char === '&' && /^&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i.test(snippet.slice(i))), 'entity in link text');
    alt += char;
    i++;
  }
  assert.equal(snippet[i + 1], '(', 'link text is followed by (');
  i += 2;
  let raw = '';
  if (snippet[i] === '<') {
    i++;
    for (;;) {
      assert.ok(i < snippet.length, 'unterminated <destination>');
      const char = snippet.charAt(i);
      if (char === '\\' && ASCII_PUNCTUATION.test(snippet.charAt(i + 1))) {
        raw += snippet.charAt(i + 1);
        i += 2;
        continue;
      }
      if (char === '>') break;
      assert.notEqual(char, '<', 'unescaped < in <destination>');
      raw += char;
      i++;
    }
    i++;
  } else {
    let depth = 0;
    while (i < snippet.length) {
      const char = snippet.charAt(i);
      if (char === '\\' && ASCII_PUNCTUATION.test(snippet.charAt(i + 1))) {
        raw += snippet.charAt(i + 1);
        i += 2;
        continue;
      }
      if (/\s|\p{Cc}/u.test(char)) assert.fail('space or control character in bare destination');
      if (char === '(') depth++;
      if (char === ')') {
        if (depth === 0) break;
        depth--;
      }
      raw += char;
      i++;
    }
  }
  assert.equal(snippet.slice(i), ')', 'the destination is closed by ) and nothing follows');
  assert.ok(!/&(#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i.test(raw), 'entity in destination (CommonMark would decode it)');
  return { alt, target: percentDecode(raw, 'markdown') };
}

const NAMED_REFERENCES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes character references, refusing an ambiguous `&` (one that does not start a reference). */
function decodeReferences(value: string): string {
  return value.replace(/&(?:#(\d+)|#x([0-9a-f]+)|([a-z]+));|&/gi, (match, decimal?: string, hex?: string, name?: string) => {
    if (decimal) return String.fromCodePoint(Number(decimal));
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    const named = name ? NAMED_REFERENCES[name] : undefined;
    if (named !== undefined) return named;
    assert.fail(`ambiguous ampersand or unknown reference ${match}`);
  });
}

/**
 * Reads `<img src="…" alt="…">` (or `… />` for JSX): exactly one tag, double-quoted attributes without raw
 * `<`, `>`, quotes or braces (braces open expressions in Svelte and Astro). Returns decoded src and alt.
 */
export function parseImgTag(snippet: string, selfClosing: boolean): { src: string; alt: string } {
  assertOneLine(snippet);
  const match = /^<img src="([^"]*)" alt="([^"]*)"( \/)?>$/.exec(snippet);
  assert.ok(match, `not a single img tag: ${JSON.stringify(snippet)}`);
  const [, src = '', alt = '', slash] = match; // src and alt are not optional groups: always there in a match
  assert.equal(slash !== undefined, selfClosing, 'self-closing matches the syntax');
  for (const value of [src, alt]) {
    assert.ok(!/[<>'{}]/.test(value), `raw <, >, ' or brace in attribute ${JSON.stringify(value)}`);
  }
  assert.ok(!/\s/u.test(src), 'whitespace in src');
  return { src: percentDecode(decodeReferences(src), 'src'), alt: decodeReferences(alt) };
}

/** Reads `url("…")`: no quotes, backslashes, parentheses or whitespace inside; returns the decoded URL. */
export function parseCssUrl(snippet: string): string {
  assertOneLine(snippet);
  const url = /^url\("([^"\\()\s]*)"\)$/u.exec(snippet)?.[1];
  assert.ok(url !== undefined, `not a plain url("…"): ${JSON.stringify(snippet)}`);
  return percentDecode(url, 'css');
}

/** Reads `.. image:: uri` and an optional `   :alt: text` line as docutils does. */
export function parseRstImage(snippet: string): { uri: string; alt: string } {
  const [first = '', second, ...more] = snippet.split('\n'); // split() always gives at least one part
  assert.equal(more.length, 0, 'at most two lines');
  const written = /^\.\. image:: (\S.*)$/.exec(first)?.[1];
  assert.ok(written !== undefined, `not an image directive: ${JSON.stringify(first)}`);
  // docutils: backslash escapes the next character; unescaped whitespace is removed from the URI.
  let uri = '';
  for (let i = 0; i < written.length; i++) {
    const char = written.charAt(i);
    if (char === '\\' && i + 1 < written.length) {
      uri += written.charAt(++i);
    } else if (!/\s/u.test(char)) {
      uri += char;
    }
  }
  let alt = '';
  if (second !== undefined) {
    const option = /^ {3}:alt: (\S.*)$/.exec(second)?.[1];
    assert.ok(option !== undefined, `not an :alt: option line: ${JSON.stringify(second)}`);
    alt = option;
    assertOneLine(alt);
  }
  return { uri, alt };
}

/** Reads `\includegraphics{path}`: no characters TeX would interpret inside the braces. */
export function parseLatexGraphics(snippet: string): string {
  assertOneLine(snippet);
  const path = /^\\includegraphics\{([^{}%#\\&~^$]*)\}$/.exec(snippet)?.[1];
  assert.ok(path !== undefined, `not a plain \\includegraphics: ${JSON.stringify(snippet)}`);
  return path;
}

/**
 * Reads `image::target[attrlist]` as Asciidoctor does for the first positional attribute: a quoted value
 * (only `\"` unescaped) or an unquoted one without `,`, `=`, `"`, `[`, `]`.
 */
export function parseAsciidocImage(snippet: string): { target: string; alt: string } {
  assertOneLine(snippet);
  const match = /^image::(\S+?)\[(.*)\]$/.exec(snippet);
  assert.ok(match, `not a block image macro: ${JSON.stringify(snippet)}`);
  const [, target = '', list = ''] = match; // neither group is optional: both are there in a match
  assert.ok(!/[[\]\s]/.test(target), 'raw bracket or space in target');
  let alt: string;
  if (list.startsWith('"')) {
    const quoted = /^"((?:\\"|[^"])*)"$/.exec(list)?.[1];
    assert.ok(quoted !== undefined, `quoted attribute runs past its quote: ${JSON.stringify(list)}`);
    assert.ok(!quoted.endsWith('\\'), 'a backslash would escape the closing quote');
    alt = quoted.replace(/\\"/g, '"');
  } else {
    assert.ok(!/[,="[\]]/.test(list), `unquoted attribute with a separator: ${JSON.stringify(list)}`);
    alt = list;
  }
  return { target: percentDecode(target, 'asciidoc'), alt };
}

function typstUnescape(body: string): string {
  return body.replace(/\\(.)/g, (_m, char: string) => {
    assert.ok(char === '\\' || char === '"', `unexpected Typst escape \\${char}`);
    return char;
  });
}

/** Reads `#image("path")` or `#image("path", alt: "text")`. */
export function parseTypstImage(snippet: string): { path: string; alt: string } {
  assertOneLine(snippet);
  const match = /^#image\("((?:\\.|[^"\\])*)"(?:, alt: "((?:\\.|[^"\\])*)")?\)$/.exec(snippet);
  assert.ok(match, `not a Typst image call: ${JSON.stringify(snippet)}`);
  const [, path = '', alt] = match; // the path group is not optional; the alt group is
  return { path: typstUnescape(path), alt: alt === undefined ? '' : typstUnescape(alt) };
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
