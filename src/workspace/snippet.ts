/**
 * The text inserted into a document to show a saved image, in the document's own syntax, plus the alt text
 * taken from the prompt. Pure string logic (no `vscode`), unit-tested in plain Node; every syntax with a parser
 * in JavaScript is read back by that parser in the tests (test/unit/referenceRoundTrip.test.ts).
 *
 * The target is a POSIX path relative to the document (`images/cat.png`, `../images/cat.png`) or, for the web
 * syntaxes (Markdown, MDX, HTML, JSX, CSS), a site path starting with `/` (`/img/cat.png`): both are written
 * the same way. The alt text is free text.
 *
 * Escaping, per syntax:
 * - every syntax: alt text has control and bidi/zero-width characters removed and whitespace (newlines too)
 *   collapsed to single spaces, so a reference is always one line (reStructuredText: two lines);
 * - URL-like targets (Markdown, MDX, HTML, JSX, CSS, AsciiDoc) percent-encode `%`, `#` and `?` (else read as
 *   an escape, fragment or query) and control characters; non-ASCII letters stay as they are (readable);
 * - Markdown / MDX: target also percent-encodes `<`, `>`, `\` and `&` (entities are decoded there) — MDX also
 *   `{`, `}` —, wrapped in `<…>` when it has spaces or parentheses. Alt text backslash-escapes every ASCII
 *   punctuation mark that could start syntax in CommonMark, GFM, VS Code's preview (math `$`) or MDX (`{ }`
 *   are JavaScript expressions, `<` JSX there): `\ [ ] ` * _ ~ | < > $ { }`, and `&` when it would read as an
 *   entity. CommonMark allows a backslash before any ASCII punctuation, so the alt text reads back exactly.
 * - HTML / Vue / Svelte / Astro / JSX: src percent-encodes space, `"`, `'`, `<`, `>`, `\`, `{`, `}`; both
 *   attributes escape `& < > " '` and `{ }` (Svelte and Astro read `{` as an expression) as character
 *   references, which JSX string attributes decode too.
 * - CSS / SCSS / Less / Sass / Stylus: `url("…")` with space, quotes, parentheses, `\` percent-encoded, so the
 *   string needs no CSS escapes.
 * - reStructuredText, LaTeX, Typst: no parser in JavaScript; their rules are tabled next to the code below.
 * - AsciiDoc: `image::path[alt]`; see {@link asciidocTarget} and {@link asciidocAlt}.
 * - anything else: the bare path.
 *
 * Some paths cannot be written in some syntaxes at all (a folder named `R&D` in LaTeX): {@link referenceProblem}
 * says so before anything is saved, and {@link imageReference} refuses them rather than write a broken document.
 */
import { posix } from 'node:path';
import { hasVisibleText, quoteForMessage, truncateGraphemes } from '../shared/text';

export type ReferenceSyntax = 'markdown' | 'mdx' | 'html' | 'jsx' | 'css' | 'restructuredtext' | 'latex' | 'asciidoc' | 'typst' | 'plain';

/** VS Code language ids → the syntax of the reference inserted into such documents. */
const SYNTAX_BY_LANGUAGE: Readonly<Record<string, ReferenceSyntax>> = {
  markdown: 'markdown',
  mdx: 'mdx',
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
 * One line of plain text: NFC, control characters and Hangul fillers become spaces, bidi/zero-width
 * characters and lone surrogates are removed, whitespace collapsed and trimmed. (Zero-width joiners stay: emoji sequences and some scripts need them.)
 */
export function toSingleLine(text: string): string {
  return text
    .normalize('NFC')
    .replace(INVISIBLE_FORMAT, '')
    .replace(/\p{Cs}/gu, '') // lone surrogates (from cut strings) would be written as U+FFFD
    .replace(/[\p{Cc}\u2028\u2029\u115f\u1160\u3164\uffa0]/gu, ' ') // Hangul fillers are used as invisible spaces
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
const MDX_TARGET = new RegExp(`[${URL_BASE}<>&\\\\{}]`, 'gu');
const HTML_SRC = new RegExp(`[${URL_BASE} "'<>\\\\{}]`, 'gu');
const CSS_URL = new RegExp(`[${URL_BASE} "'()\\\\]`, 'gu');
const ASCIIDOC_TARGET = new RegExp(`[${URL_BASE} \\[\\]{}"'<>&\`\\\\]`, 'gu');
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

function markdownTarget(path: string, pattern: RegExp): string {
  const encoded = percentEncode(path, pattern);
  return /[ ()]/.test(encoded) ? `<${encoded}>` : encoded;
}

/** Markdown and MDX alt text: see the module comment. */
function markdownAlt(alt: string): string {
  return alt
    .replace(/\\(?=[!-/:-@[-`{-~]|$)/g, '\\\\')
    .replace(/[[\]`*_~|<>${}]/g, (char) => `\\${char}`)
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
 * AsciiDoc target (Asciidoctor's block image macro `image::target[attrlist]`): the target is cut at the first
 * `[`, has `{name}` attribute references substituted, and is copied into `src="…"` without any HTML escaping.
 * So besides the URL characters it percent-encodes space, `[ ]`, `{ }` (no attribute can be substituted into
 * the path, e.g. `{docdir}` leaking a local folder), `"` (it would end the `src` attribute and let a crafted
 * name add attributes), and `' < > & \`` and `\`.
 */
function asciidocTarget(path: string): string {
  return percentEncode(path, ASCIIDOC_TARGET);
}

/** An attribute reference as Asciidoctor finds it (`{name}`, `{name\}`, `{set:…}`, `{counter:…}`), from its `{`. */
const ASCIIDOC_ATTRIBUTE_REFERENCE = /\{(?=(?:[\p{Alphabetic}\p{N}\p{Pc}][\p{Alphabetic}\p{N}\p{Pc}-]*|(?:set|counter2?):.*?)\\?\})/gu;
/** What Asciidoctor's replacements keep as a character reference after escaping `&` (`&amp;`, `&#169;`, `&#xa9;`). */
const ASCIIDOC_ENTITY_AFTER = /&(?=(?:[a-zA-Z][a-zA-Z]+\d{0,2}|#\d\d\d{0,4}|#x[\da-fA-F][\da-fA-F][\da-fA-F]{0,3});)/g;

/**
 * AsciiDoc alt text. Asciidoctor substitutes attribute references in the attribute list, splits it at `,` and
 * `=`, unescapes `\"` in a double-quoted value (and applies inline markup to a single-quoted one), then renders
 * the alt text with special characters escaped and its "replacements": `(C) (R) (TM)` → © ® ™, `--` → em dash,
 * `...` → ellipsis, `->` `=>` `<-` `<=` → arrows, `'` between letters → ’, and character references kept as
 * such. Every trigger is written as a numeric character reference (`&#40;C)`, `-&#45;`, `..&#46;`, `&#60;-`,
 * `-&#62;`, `it&#39;s`, `&#38;amp;`, `&#123;docdir}`, `&#34;`) — the one form those steps pass through
 * untouched and every backend decodes — and a backslash right before one of them as `&#92;` (it would escape
 * it). The value is double-quoted when it contains `, = [ ]` or starts with `'`.
 */
function asciidocAlt(alt: string): string {
  const written = alt
    .replace(ASCIIDOC_ENTITY_AFTER, '&#38;')
    .replace(ASCIIDOC_ATTRIBUTE_REFERENCE, '&#123;')
    .replace(/\((?=C\)|R\)|TM\))/g, '&#40;')
    .replace(/--/g, '-&#45;')
    .replace(/\.\.\./g, '..&#46;')
    .replace(/<(?=[-=])/g, '&#60;')
    .replace(/(?<=[-=])>/g, '&#62;')
    .replace(/'(?=\p{Alphabetic})|(?<=`)'/gu, '&#39;')
    .replace(/"/g, '&#34;')
    .replace(/\\+(?=&|$)/g, (run) => '&#92;'.repeat(run.length));
  return /[,=[\]]|^'/.test(written) ? `"${written}"` : written;
}

/**
 * Typst string literal (Typst reference, "Syntax › Escapes" and `str`): inside `"…"` only `\\`, `\"`, `\n`,
 * `\r`, `\t` and `\u{…}` are escapes, so `\` and `"` are escaped and control characters written as `\u{…}`;
 * everything else, `#`, `$` and `{` included, is literal inside a string.
 */
function typstString(text: string): string {
  const escaped = text.replace(/[\\"]/g, (char) => `\\${char}`).replace(/[\p{Cc}\u2028\u2029]/gu, (char) => `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}`);
  return `"${escaped}"`;
}

/**
 * reStructuredText (docutils "reStructuredText Markup Specification" and "Directives › image"):
 * - the directive argument is a URI: docutils removes unescaped whitespace from it and unescapes backslash
 *   escapes ("Escaping Mechanism": in URI context an escaped space is a space), so `\` and space are
 *   backslash-escaped and nothing else needs to be;
 * - `:alt:` takes its value unchanged (`directives.unchanged`): no inline markup, no escapes, one line here.
 * Control characters cannot be written (refused by {@link referenceProblem}).
 */
function rstTarget(path: string): string {
  return path.replace(/[\\ ]/g, (char) => `\\${char}`);
}

/**
 * LaTeX `\includegraphics{path}` (graphicx; TeX's category codes, The TeXbook ch. 7–8): inside the argument
 * `\` starts a command, `{ }` group, `%` starts a comment, `#` `&` `~` `^` `$` are parameter, alignment,
 * active, superscript and math characters, and a run of spaces is read as one space. Percent-encoding does not
 * help (its `%` is a comment and TeX does not decode it), and TeX distributions strip `"` from file names.
 * So a path holding any of `% # { } \ & ~ ^ $ "`, a control character, or a space that is doubled or at the
 * edge of a name cannot be written: {@link referenceProblem} refuses it. Single spaces (LaTeX ≥ 2019-10),
 * several dots and non-ASCII letters (UTF-8 file names, LaTeX ≥ 2018-04) are fine as they are. Our own
 * file names never contain any of these (see slug.ts); only a destination folder can.
 */
const LATEX_UNSAFE = /[%#{}\\&~^$"]|[\p{Cc}\u2028\u2029]|\s\s|^\s|\s$|\s(?=\/)|(?<=\/)\s|[^\S ]/u;

/** Thrown by {@link imageReference} for a path its syntax cannot carry; the message says what to change. */
export class ReferenceProblemError extends Error {
  override readonly name = 'ReferenceProblemError';
}

/**
 * Why `target` (as passed to {@link imageReference}) cannot be written safely in a document of `languageId`,
 * or `undefined` when it can. English text, one sentence or two, naming the setting to change
 * (`apiframe.destination`) and the offending folder name shown safely. Call it before saving, so a refused
 * reference never leaves a saved file behind or a broken document.
 */
export function referenceProblem(languageId: string, target: string): string | undefined {
  const syntax = referenceSyntaxFor(languageId);
  const segments = target.split('/');
  const offending = (pattern: RegExp): string => quoteForMessage(segments.find((segment) => pattern.test(segment)) ?? target, 80);
  if (CONTROL.test(target)) {
    return (
      `The image path holds the name ${offending(CONTROL)} with a control character (a line break, a tab…), ` +
      'which a reference cannot carry. Choose another folder in the setting apiframe.destination.'
    );
  }
  if (syntax === 'latex' && LATEX_UNSAFE.test(target)) {
    const unsafeInName = /[%#{}\\&~^$"]|\s\s|^\s|\s$|[^\S ]/u;
    return (
      `LaTeX cannot include an image from the folder ${offending(unsafeInName)}: TeX reads % # { } \\ & ~ ^ $ " ` +
      'as commands, and doubled or leading spaces are lost. Choose a folder without them in the setting apiframe.destination.'
    );
  }
  return undefined;
}

/**
 * The reference to `target` (a POSIX path relative to the document, or for web syntaxes a site path starting
 * with `/`) for a document of `languageId`, with `altText` (free text; cleaned and escaped here) where the
 * syntax has a place for it. Throws {@link ReferenceProblemError} when {@link referenceProblem} finds the path
 * cannot be written in that syntax.
 */
export function imageReference(languageId: string, target: string, altText: string): string {
  const { path, alt } = referenceParts(languageId, target, altText);
  switch (referenceSyntaxFor(languageId)) {
    case 'markdown':
    case 'mdx':
      return `![${alt}](${path})`;
    case 'html':
      return `<img src="${path}" alt="${alt}">`;
    case 'jsx':
      return `<img src="${path}" alt="${alt}" />`;
    case 'css':
      return `url("${path}")`;
    case 'restructuredtext':
      return alt ? `.. image:: ${path}\n   :alt: ${alt}` : `.. image:: ${path}`;
    case 'latex':
      return `\\includegraphics{${path}}`;
    case 'asciidoc':
      return `image::${path}[${alt}]`;
    case 'typst':
      return alt ? `#image("${path}", alt: "${alt}")` : `#image("${path}")`;
    case 'plain':
      return path;
  }
}

/** The escaped pieces a link template is filled with: see {@link referenceParts}. */
export interface ReferenceParts {
  /** The target as this syntax writes it where its own reference puts it (its `src`, `(…)`, `url("…")`). */
  readonly path: string;
  /** The alt text as this syntax writes it in its own reference (cleaned to one line, then escaped). */
  readonly alt: string;
}

/**
 * LaTeX text (alt text in a template, e.g. a `\caption{…}`): the ten special characters of TeX (The TeXbook
 * ch. 7; LaTeX manual §3.1) written as the commands that print them, so the text reads back as typed.
 */
function latexText(text: string): string {
  const commands: Readonly<Record<string, string>> = {
    '\\': '\\textbackslash{}',
    '~': '\\textasciitilde{}',
    '^': '\\textasciicircum{}',
  };
  return text.replace(/[\\~^]|[%#{}&$_]/g, (char) => commands[char] ?? `\\${char}`);
}

/**
 * CSS text (alt text in a template, inside a string or a comment): every character that could end a string,
 * open or close a comment or start an escape is written as a CSS hex escape (CSS Syntax §4.3.7), which a
 * string decodes back and a comment shows harmlessly.
 */
function cssText(text: string): string {
  return text.replace(/[\\"'*/<>]/g, (char) => `\\${(char.codePointAt(0) ?? 0).toString(16)} `);
}

/**
 * Typst string contents (without the quotes: a template writes `"${path}"`); see {@link typstString}.
 */
function typstStringContents(text: string): string {
  return typstString(text).slice(1, -1);
}

/**
 * The path and alt text escaped exactly as {@link imageReference} writes them for `languageId` — the values a
 * link template's `${path}` and `${alt}` stand for (src/workspace/linkTemplates.ts). Where the reference
 * has no alt text, the alt text is escaped for the language's text: HTML character references in JSX/HTML,
 * commands in LaTeX, hex escapes in CSS, string escapes in Typst; plain text in anything else. Throws
 * {@link ReferenceProblemError} like {@link imageReference}.
 */
export function referenceParts(languageId: string, target: string, altText: string): ReferenceParts {
  const problem = referenceProblem(languageId, target);
  if (problem !== undefined) throw new ReferenceProblemError(problem);
  const alt = toSingleLine(altText);
  switch (referenceSyntaxFor(languageId)) {
    case 'markdown':
      return { path: markdownTarget(target, MARKDOWN_TARGET), alt: markdownAlt(alt) };
    case 'mdx':
      return { path: markdownTarget(target, MDX_TARGET), alt: markdownAlt(alt) };
    case 'html':
    case 'jsx':
      return { path: escapeAttribute(percentEncode(target, HTML_SRC)), alt: escapeAttribute(alt) };
    case 'css':
      return { path: percentEncode(target, CSS_URL), alt: cssText(alt) };
    case 'restructuredtext':
      return { path: rstTarget(target), alt };
    case 'latex':
      return { path: target, alt: latexText(alt) };
    case 'asciidoc':
      return { path: asciidocTarget(target), alt: asciidocAlt(alt) };
    case 'typst':
      return { path: typstStringContents(target), alt: typstStringContents(alt) };
    case 'plain':
      return { path: target, alt };
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
 * or by `。！？`), cleaned with {@link toSingleLine} and cut to at most {@link ALT_TEXT_MAX_CHARS} code points on a
 * word boundary, never inside a grapheme cluster (with `…` when cut). `''` when the prompt has no visible text.
 */
export function altTextFromPrompt(prompt: string): string {
  const firstLine =
    prompt
      .split(/\r\n|[\n\r\u2028\u2029\u0085]/)
      .map(toSingleLine)
      .find((line) => line !== '') ?? '';
  const sentenceEnd = /[.!?](?=\s)|[。！？]/u.exec(firstLine);
  const sentence = sentenceEnd ? firstLine.slice(0, sentenceEnd.index + sentenceEnd[0].length) : firstLine;
  if (!hasVisibleText(sentence)) return '';
  return truncateGraphemes(sentence, ALT_TEXT_MAX_CHARS, { measure: 'codePoints', preferWordBoundary: true });
}

