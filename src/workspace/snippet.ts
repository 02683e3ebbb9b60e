/**
 * The text inserted into a document to show a saved image, in the document's own syntax, plus the alt text
 * taken from the prompt. Pure string logic (no `vscode`), unit-tested in plain Node.
 *
 * Escaping, per syntax (the path is a POSIX path relative to the document; the alt text is free text):
 * - every syntax: alt text has control and bidi/zero-width characters removed and whitespace (newlines too)
 *   collapsed to single spaces, so a reference is always one line (reStructuredText: two lines);
 * - URL-like targets (Markdown, HTML, JSX, CSS, AsciiDoc) percent-encode `%`, `#` and `?` (else read as an
 *   escape, fragment or query) and control characters; non-ASCII letters stay as they are (readable);
 * - Markdown / MDX: target also percent-encodes `<`, `>`, `\` and `&` (entities are decoded there); wrapped in `<…>` when it has spaces or
 *   parentheses. Alt escapes with a backslash only what could break the link: `[ ]` (end it), a backtick (a code
 *   span running past it), `<` (raw HTML or a comment running past it), `|` (a GFM table cell), `&` when it
 *   would read as an entity, and `\` before punctuation or at the end. Emphasis markers stay as written: they
 *   cannot pair across the link's brackets, and markdown-it (VS Code's preview) drops escaped characters from
 *   alt attributes, so fewer escapes keep more of the text.
 * - HTML / Vue / Svelte / Astro / JSX: src percent-encodes space, `"`, `'`, `<`, `>`, `\`, `{`, `}`; both
 *   attributes escape `& < > " '` and `{ }` (Svelte and Astro read `{` as an expression) as character
 *   references, which JSX string attributes decode too.
 * - CSS / SCSS / Less / Sass / Stylus: `url("…")` with space, quotes, parentheses, `\` percent-encoded, so the
 *   string needs no CSS escapes.
 * - reStructuredText: `.. image:: path` with spaces and `\` backslash-escaped (docutils drops unescaped
 *   whitespace from the URI), then an indented `:alt:` line when there is alt text.
 * - LaTeX: `\includegraphics{path}`; `% # { } \ & ~ ^ $` cannot be written in a graphicx file name and are
 *   percent-encoded (our own file names never contain them; only a destination folder could).
 * - AsciiDoc: `image::path[alt]`; target percent-encodes space, `[`, `]`; alt is double-quoted (inner `"` as
 *   `\"`, backslashes before a quote dropped) when it contains `, " = [ ]`, which would otherwise split or end
 *   the attribute list.
 * - Typst: `#image("path", alt: "…")` with `\` and `"` backslash-escaped.
 * - anything else: the bare relative path.
 */
import { posix } from 'node:path';

export type ReferenceSyntax = 'markdown' | 'html' | 'jsx' | 'css' | 'restructuredtext' | 'latex' | 'asciidoc' | 'typst' | 'plain';

/** VS Code language ids → the syntax of the reference inserted into such documents. */
const SYNTAX_BY_LANGUAGE: Readonly<Record<string, ReferenceSyntax>> = {
  markdown: 'markdown',
  mdx: 'markdown',
  quarto: 'markdown',
  rmd: 'markdown',
  html: 'html',
  vue: 'html',
  'vue-html': 'html',
  svelte: 'html',
  astro: 'html',
  handlebars: 'html',
  'django-html': 'html',
  'jinja-html': 'html',
  javascriptreact: 'jsx',
  typescriptreact: 'jsx',
  css: 'css',
  scss: 'css',
  sass: 'css',
  less: 'css',
  stylus: 'css',
  postcss: 'css',
  restructuredtext: 'restructuredtext',
  latex: 'latex',
  tex: 'latex',
  asciidoc: 'asciidoc',
  typst: 'typst',
};

export function referenceSyntaxFor(languageId: string): ReferenceSyntax {
  return (Object.prototype.hasOwnProperty.call(SYNTAX_BY_LANGUAGE, languageId) ? SYNTAX_BY_LANGUAGE[languageId] : undefined) ?? 'plain';
}

/**
 * True when the reference is a block construct that must start on a line of its own (reStructuredText
 * directives, AsciiDoc block macros): the caller inserts it on a new line after the selection.
 */
export function referenceNeedsOwnLine(languageId: string): boolean {
  const syntax = referenceSyntaxFor(languageId);
  return syntax === 'restructuredtext' || syntax === 'asciidoc';
}

/** Bidi controls, zero-width and other invisible format characters that could disguise or reorder text. */
const INVISIBLE_FORMAT = /[\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/gu;

/**
 * One line of plain text: NFC, control characters become spaces, bidi/zero-width characters and lone
 * surrogates are removed,
 * whitespace collapsed and trimmed. (Zero-width joiners stay: emoji sequences and some scripts need them.)
 */
export function toSingleLine(text: string): string {
  return text
    .normalize('NFC')
    .replace(INVISIBLE_FORMAT, '')
    .replace(/\p{Cs}/gu, '') // lone surrogates (from cut strings) would be written as U+FFFD
    .replace(/[\p{Cc}\u2028\u2029]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/** Percent-encodes (UTF-8) every character of `text` matching `pattern` (a global regex of single characters). */
function percentEncode(text: string, pattern: RegExp): string {
  return text.replace(pattern, (char) =>
    Array.from(Buffer.from(char, 'utf8'))
      .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
      .join(''),
  );
}

// Characters percent-encoded in each syntax's target (see the module comment for why).
const URL_BASE = '%#?\\p{Cc}\\u2028\\u2029';
const MARKDOWN_TARGET = new RegExp(`[${URL_BASE}<>&\\\\]`, 'gu');
const HTML_SRC = new RegExp(`[${URL_BASE} "'<>\\\\{}]`, 'gu');
const CSS_URL = new RegExp(`[${URL_BASE} "'()\\\\]`, 'gu');
const ASCIIDOC_TARGET = new RegExp(`[${URL_BASE} \\[\\]]`, 'gu');
const LATEX_PATH = /[%#{}\\&~^$\p{Cc}\u2028\u2029]/gu;
const RST_CONTROL = /[\p{Cc}\u2028\u2029]/gu;

function markdownTarget(path: string): string {
  const encoded = percentEncode(path, MARKDOWN_TARGET);
  return /[ ()]/.test(encoded) ? `<${encoded}>` : encoded;
}

function markdownAlt(alt: string): string {
  return alt
    .replace(/\\(?=[!-/:-@[-`{-~]|$)/g, '\\\\')
    .replace(/[[\]`<|]/g, (char) => `\\${char}`)
    .replace(/&(?=#?[a-z0-9]+;)/gi, '\\&');
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '{': '&#123;',
  '}': '&#125;',
};

/** Escapes a double-quoted attribute value for HTML, Vue, Svelte, Astro and JSX alike. */
export function escapeAttribute(value: string): string {
  return value.replace(/[&<>"'{}]/g, (char) => HTML_ESCAPES[char] ?? char);
}

/**
 * Asciidoctor unescapes only `\"` inside a quoted attribute value and has no escape for a backslash, so a
 * backslash right before a quote (or the closing quote) is dropped rather than allowed to swallow the quote.
 */
function asciidocAlt(alt: string): string {
  if (!/[,"=[\]]/.test(alt)) return alt;
  return `"${alt.replace(/\\+(?="|$)/g, '').replace(/"/g, '\\"')}"`;
}

function typstString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The reference to `relativePath` (POSIX, relative to the document) for a document of `languageId`, with
 * `altText` (free text; cleaned and escaped here) where the syntax has a place for it. Never throws.
 */
export function imageReference(languageId: string, relativePath: string, altText: string): string {
  const alt = toSingleLine(altText);
  switch (referenceSyntaxFor(languageId)) {
    case 'markdown':
      return `![${markdownAlt(alt)}](${markdownTarget(relativePath)})`;
    case 'html':
      return `<img src="${escapeAttribute(percentEncode(relativePath, HTML_SRC))}" alt="${escapeAttribute(alt)}">`;
    case 'jsx':
      return `<img src="${escapeAttribute(percentEncode(relativePath, HTML_SRC))}" alt="${escapeAttribute(alt)}" />`;
    case 'css':
      return `url("${percentEncode(relativePath, CSS_URL)}")`;
    case 'restructuredtext': {
      const target = percentEncode(relativePath, RST_CONTROL).replace(/[\\ ]/g, (char) => `\\${char}`);
      return alt ? `.. image:: ${target}\n   :alt: ${alt}` : `.. image:: ${target}`;
    }
    case 'latex':
      return `\\includegraphics{${percentEncode(relativePath, LATEX_PATH)}}`;
    case 'asciidoc':
      return `image::${percentEncode(relativePath, ASCIIDOC_TARGET)}[${asciidocAlt(alt)}]`;
    case 'typst':
      return alt ? `#image(${typstString(relativePath)}, alt: ${typstString(alt)})` : `#image(${typstString(relativePath)})`;
    case 'plain':
      return relativePath;
  }
}

/** `/c:/x` and `/C:/x` are the same drive; returns the drive letter (lower-cased) of a POSIX-style path. */
function driveOf(path: string): string {
  return /^\/([A-Za-z]):(?:\/|$)/.exec(path)?.[1]?.toLowerCase() ?? '';
}

/**
 * POSIX path of `toFilePath` relative to the folder of `fromDocumentPath` (both `Uri.path` values), e.g.
 * `images/cat.png` or `../images/cat.png`. No `./` prefix — every supported syntax resolves a bare relative path
 * the same way — except when the first segment contains `:`, which would read as a URL scheme. On different
 * Windows drives no relative path exists and `toFilePath` is returned unchanged.
 */
export function relativeReference(fromDocumentPath: string, toFilePath: string): string {
  if (driveOf(fromDocumentPath) !== driveOf(toFilePath)) return toFilePath;
  const lowerDrive = (path: string): string => path.replace(/^\/([A-Za-z]):/, (_m, d: string) => `/${d.toLowerCase()}:`);
  const relative = posix.relative(posix.dirname(lowerDrive(fromDocumentPath)), lowerDrive(toFilePath));
  return (relative.split('/')[0] ?? '').includes(':') ? `./${relative}` : relative;
}

export const ALT_TEXT_MAX_CHARS = 120;

/**
 * Alt text for an image of `prompt`: its first line, then its first sentence (ended by `.`, `!`, `?` and a space,
 * or by `。！？`), cleaned with {@link toSingleLine} and cut to at most {@link ALT_TEXT_MAX_CHARS} characters on a
 * word boundary (with `…` when cut). `''` when the prompt has no visible text.
 */
export function altTextFromPrompt(prompt: string): string {
  const firstLine =
    prompt
      .split(/\r\n|[\n\r\u2028\u2029\u0085]/)
      .map(toSingleLine)
      .find((line) => line !== '') ?? '';
  const sentenceEnd = /[.!?](?=\s)|[。！？]/u.exec(firstLine);
  const sentence = sentenceEnd ? firstLine.slice(0, sentenceEnd.index + sentenceEnd[0].length) : firstLine;
  return truncateOnWord(sentence, ALT_TEXT_MAX_CHARS);
}

/** Cuts to `max` code points (the `…` included), at a space when one is in the last half, never inside a mark cluster. */
function truncateOnWord(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  let cut = max - 1;
  while (cut > 0 && /\p{M}/u.test(chars[cut] ?? '')) cut--; // keep a letter together with its combining marks
  const head = chars.slice(0, cut);
  const lastSpace = head.lastIndexOf(' ');
  const kept = lastSpace >= Math.floor(max / 2) ? head.slice(0, lastSpace) : head;
  return `${kept.join('').trimEnd()}…`;
}
