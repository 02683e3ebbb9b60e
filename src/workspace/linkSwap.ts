/**
 * "Use in Document": every reference in a document's text to one image file, rewritten to point at another
 * (the result saved beside it), in the syntax each reference is written in. Pure (no `vscode`): the text and
 * the paths in, the replacements out, so the command applies them as one WorkspaceEdit.
 *
 * What counts as a reference — a link target that resolves to the source file, nothing else:
 * - Markdown/MDX: inline links and images `![alt](target "title")` (also `<target>`), reference definitions
 *   `[id]: target`; code spans and fenced code blocks are examples, not links, and are left alone;
 * - HTML, Vue, Svelte, Astro, JSX: `src`, `srcset` (each candidate), `href`, `poster`, `data-src` inside a tag,
 *   quoted, unquoted, or a JSX string expression `src={"…"}`;
 * - CSS (in any document, `<style>` blocks and style attributes too): `url(…)`, quoted or not;
 * - JavaScript/TypeScript: `import x from './logo.png'`, `import('./…')`, `require('./…')` (relative specifiers
 *   only: a bare one names a package).
 * A target resolves relative to the document; one starting with `/` is a site path (`apiframe.sitePaths`) or,
 * outside the served folders, a path from the workspace folder (how VS Code's Markdown preview reads it). URLs
 * with a scheme, protocol-relative URLs and anything that is not a link (`logo.png` in prose, `logo.png.bak`,
 * another folder's `logo.png`) never match.
 *
 * The new target keeps the old one's form: a site path stays a site path, `./img/x.png` keeps its `./`, a query
 * or fragment (`?v=2`, `#hero`) is kept, and the file's path is escaped as the syntax needs (percent-encoded
 * spaces, `<…>` in Markdown, HTML character references, CSS and JavaScript string escapes).
 */
import { posix } from 'node:path';
import { referenceParts, referenceSyntaxFor, relativeReference } from './snippet';
import { sitePathFor, type SitePathMapping } from './sitePaths';

export interface LinkSwapRequest {
  readonly text: string;
  /** The document's VS Code language id (decides Markdown's code regions and Markdown vs MDX escaping). */
  readonly languageId: string;
  /** `Uri.path` of the document; undefined for an untitled one (then only `/…` targets can resolve). */
  readonly documentPath?: string;
  /** `Uri.path` of the document's workspace folder: what `/…` targets are read against. */
  readonly workspaceFolderPath?: string;
  readonly sitePaths?: readonly SitePathMapping[];
  /** `Uri.path` of the image the references point at now. */
  readonly sourcePath: string;
  /** `Uri.path` of the image they should point at. */
  readonly targetPath: string;
}

/** Replace `text.slice(start, end)` with `text`. */
export interface LinkSwap {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** How a target is written, which decides how it is read and how its replacement is escaped. */
type TargetContext = 'markdown' | 'htmlAttribute' | 'jsString' | 'css' | 'moduleSpecifier';

interface FoundTarget {
  /** Where the target's written form starts and ends (quotes and `<…>` included). */
  readonly start: number;
  readonly end: number;
  readonly context: TargetContext;
}

/** Every reference to `sourcePath` in the text with its replacement, in document order, never overlapping. */
export function linkSwaps(request: LinkSwapRequest): LinkSwap[] {
  const { text } = request;
  const markdownLike = isMarkdownLike(request.languageId);
  const skipped = markdownLike ? markdownCodeRanges(text) : [];
  const found = findTargets(text, markdownLike).filter((target) => !skipped.some(([from, to]) => target.start < to && target.end > from));
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const swaps: LinkSwap[] = [];
  let reached = 0;
  for (const target of found) {
    if (target.start < reached) continue;
    const swap = swapOf(request, target);
    if (swap) {
      swaps.push(swap);
      reached = swap.end;
    }
  }
  return swaps;
}

function isMarkdownLike(languageId: string): boolean {
  const syntax = referenceSyntaxFor(languageId);
  return syntax === 'markdown' || syntax === 'mdx';
}

// ---- finding targets ---------------------------------------------------------------------------------------

/** `](target` of an inline link or image; the target is the last group. */
const MARKDOWN_INLINE = /\]\(\s*(<[^<>\n]*>|(?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))+)/dg;
/** `[id]: target` at the start of a line. */
const MARKDOWN_DEFINITION = /^ {0,3}\[(?:[^\]\\\n]|\\.)+\]:[ \t]*\n?[ \t]*(<[^<>\n]*>|\S+)/dgm;
/** A link attribute after whitespace or a quote (`<img alt="x"src=…>` is rare but valid). */
const HTML_ATTRIBUTE = /(?<=[\s"'])(src|srcset|href|poster|data-src)\s*=\s*("[^"]*"|'[^']*'|\{\s*(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`$\\\n]*`)\s*\}|[^\s"'=<>`{}]+)/dgi;
const CSS_URL = /\burl\(\s*("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|(?:[^\s"'()\\]|\\.)+)\s*\)/dgi;
const MODULE_IMPORT = /\bimport\s+(?:[\w$*{}\s,]+?\s*from\s*)?(["'])(\.{1,2}\/[^"'\n]*)\1/dg;
const MODULE_CALL = /\b(?:require|import)\s*\(\s*(["'])(\.{1,2}\/[^"'\n]*)\1\s*\)/dg;

/** Markdown's own syntax is read in Markdown and MDX only (`a[0](b)` is a call in JavaScript). */
function findTargets(text: string, markdownLike: boolean): FoundTarget[] {
  const found: FoundTarget[] = [];
  const each = (pattern: RegExp, context: TargetContext): void => {
    for (const match of text.matchAll(pattern)) {
      const span = match.indices?.[1];
      if (span) found.push({ start: span[0], end: span[1], context });
    }
  };
  if (markdownLike) {
    each(MARKDOWN_INLINE, 'markdown');
    each(MARKDOWN_DEFINITION, 'markdown');
  }
  for (const match of text.matchAll(HTML_ATTRIBUTE)) {
    const span = match.indices?.[2];
    const value = match[2];
    if (!span || value === undefined || !insideTag(text, match.index)) continue;
    if (value.startsWith('{')) {
      const quote = /["'`]/.exec(value);
      if (quote) found.push({ start: span[0] + quote.index, end: span[0] + value.lastIndexOf(quote[0]) + 1, context: 'jsString' });
    } else if (match[1]?.toLowerCase() === 'srcset') {
      found.push(...srcsetCandidates(value, span[0]));
    } else {
      found.push({ start: span[0], end: span[1], context: 'htmlAttribute' });
    }
  }
  each(CSS_URL, 'css');
  const specifier = (match: RegExpExecArray): FoundTarget | undefined => {
    const span = match.indices?.[2];
    return span ? { start: span[0] - 1, end: span[1] + 1, context: 'moduleSpecifier' } : undefined;
  };
  for (const match of [...text.matchAll(MODULE_IMPORT), ...text.matchAll(MODULE_CALL)]) {
    const target = specifier(match);
    if (target) found.push(target);
  }
  return found;
}

/**
 * True when `index` is inside a tag: the last `<` before it opens one (a letter follows) and no `>` closes it in
 * between — except the `>` of a JSX arrow function (`=>`) in an earlier attribute.
 */
function insideTag(text: string, index: number): boolean {
  const open = text.lastIndexOf('<', index);
  if (open < 0 || !/[A-Za-z]/.test(text.charAt(open + 1))) return false;
  return !/(?<!=)>/.test(text.slice(open, index));
}

/** Each URL of a `srcset` value (`a.png 1x, b.png 2x`), as its own target; the quotes are outside them. */
function srcsetCandidates(value: string, valueStart: number): FoundTarget[] {
  const quoted = value.startsWith('"') || value.startsWith("'");
  const inner = quoted ? value.slice(1, -1) : value;
  const offset = valueStart + (quoted ? 1 : 0);
  const targets: FoundTarget[] = [];
  for (const match of inner.matchAll(/(?:^|,)\s*([^\s,]+)/dg)) {
    const span = match.indices?.[1];
    if (span) targets.push({ start: offset + span[0], end: offset + span[1], context: 'htmlAttribute' });
  }
  return targets;
}

/**
 * Fenced code blocks (``` or ~~~, closed by a fence at least as long, or the end) and code spans (a backtick run
 * closed by a run of the same length) of a Markdown text, as [start, end) ranges.
 */
function markdownCodeRanges(text: string): [number, number][] {
  const ranges: [number, number][] = [];
  const fence = /^ {0,3}(`{3,}|~{3,})[^\n]*$/gm;
  let open: { start: number; marker: string } | undefined;
  for (const match of text.matchAll(fence)) {
    const marker = match[1] ?? '';
    if (!open) {
      if (marker.startsWith('`') && match[0].slice(match[0].indexOf(marker) + marker.length).includes('`')) continue; // an info string with ` is no fence
      open = { start: match.index, marker };
    } else if (marker[0] === open.marker[0] && marker.length >= open.marker.length && match[0].trim() === marker) {
      ranges.push([open.start, match.index + match[0].length]);
      open = undefined;
    }
  }
  if (open) ranges.push([open.start, text.length]);
  const outside = (index: number): boolean => !ranges.some(([from, to]) => index >= from && index < to);
  const spans: [number, number][] = [];
  for (const run of text.matchAll(/(?<!`)`+(?!`)/g)) {
    if (!outside(run.index) || spans.some(([from, to]) => run.index >= from && run.index < to)) continue;
    const closing = new RegExp(`(?<!\`)${run[0]}(?!\`)`, 'g');
    closing.lastIndex = run.index + run[0].length;
    const close = closing.exec(text);
    if (close) spans.push([run.index, close.index + close[0].length]);
  }
  return [...ranges, ...spans];
}

// ---- reading a target ----------------------------------------------------------------------------------------

interface ReadTarget {
  /** The file path as written, decoded (no escapes, no percent-encoding), without query or fragment. */
  readonly path: string;
  /** `?…` / `#…` exactly as written, kept on the replacement. */
  readonly suffix: string;
  /** Markdown's `<…>` form. */
  readonly bracketed: boolean;
  /** The quote around it (HTML, JavaScript, CSS), '' for none. */
  readonly quote: string;
}

function readTarget(written: string, context: TargetContext): ReadTarget {
  let inner = written;
  let quote = '';
  let bracketed = false;
  if (context === 'markdown' && inner.startsWith('<') && inner.endsWith('>')) {
    inner = inner.slice(1, -1);
    bracketed = true;
  } else if (context !== 'markdown' && inner.length >= 2 && /^(["'`]).*\1$/s.test(inner)) {
    quote = inner.charAt(0);
    inner = inner.slice(1, -1);
  }
  const cut = /[?#]/.exec(inner)?.index ?? inner.length;
  const suffix = inner.slice(cut);
  const pathPart = inner.slice(0, cut);
  switch (context) {
    case 'markdown':
      return { path: percentDecode(decodeCharacterReferences(pathPart.replace(/\\([!-/:-@[-`{-~])/g, '$1'))), suffix, bracketed, quote };
    case 'htmlAttribute':
      return { path: percentDecode(decodeCharacterReferences(pathPart)), suffix, bracketed, quote };
    case 'jsString':
      return { path: percentDecode(unescapeJs(pathPart)), suffix, bracketed, quote };
    case 'css':
      return { path: percentDecode(unescapeCss(pathPart)), suffix, bracketed, quote };
    case 'moduleSpecifier':
      return { path: unescapeJs(pathPart), suffix, bracketed, quote };
  }
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a lone `%`: the path is meant as written
  }
}

const NAMED_REFERENCES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeCharacterReferences(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number.parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_REFERENCES[name.toLowerCase()] ?? whole;
  });
}

function unescapeJs(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

function unescapeCss(text: string): string {
  return text.replace(/\\([0-9a-fA-F]{1,6})\s?|\\(.)/g, (_whole, hex: string | undefined, char: string | undefined) =>
    hex !== undefined ? String.fromCodePoint(Number.parseInt(hex, 16)) : (char ?? ''),
  );
}

// ---- resolving and replacing -----------------------------------------------------------------------------------

/** `/C:/x` and `/c:/x` are one file (Windows drive letters in `Uri.path`). */
function samePath(a: string, b: string): boolean {
  const lower = (path: string): string => path.replace(/^\/([A-Za-z]):/, (_m, drive: string) => `/${drive.toLowerCase()}:`);
  return lower(posix.normalize(a)) === lower(posix.normalize(b));
}

type Resolved =
  | { readonly kind: 'relative'; readonly file: string }
  | { readonly kind: 'site'; readonly file: string; readonly mapping: SitePathMapping }
  | { readonly kind: 'root'; readonly file: string };

/** The file a decoded target names, or undefined for a URL, an empty target, or one that cannot be placed. */
function resolveTarget(request: LinkSwapRequest, path: string): Resolved | undefined {
  if (path === '' || path.startsWith('//') || /^[a-z][a-z0-9+.-]*:/i.test(path)) return undefined;
  if (path.startsWith('/')) {
    const folder = request.workspaceFolderPath;
    if (folder === undefined) return undefined;
    const mapping = siteMappingFor(request.sitePaths ?? [], path);
    if (mapping) {
      const rest = mapping.sitePath === '/' ? path.slice(1) : path.slice(mapping.sitePath.length + 1);
      return { kind: 'site', file: posix.join(folder, mapping.folder, rest), mapping };
    }
    return { kind: 'root', file: posix.join(folder, path) };
  }
  if (request.documentPath === undefined) return undefined;
  return { kind: 'relative', file: posix.join(posix.dirname(request.documentPath), path) };
}

/** The mapping serving a site path: the longest site path that holds it, by whole segments. */
function siteMappingFor(mappings: readonly SitePathMapping[], path: string): SitePathMapping | undefined {
  let best: SitePathMapping | undefined;
  for (const mapping of mappings) {
    const holds = mapping.sitePath === '/' || path === mapping.sitePath || path.startsWith(`${mapping.sitePath}/`);
    if (holds && (!best || mapping.sitePath.length > best.sitePath.length)) best = mapping;
  }
  return best;
}

function isInside(folder: string, file: string): boolean {
  const relative = posix.relative(folder, file);
  return relative !== '' && !relative.startsWith('../') && relative !== '..' && !posix.isAbsolute(relative);
}

/** The new target, in the form of the old one (see the module comment). */
function newTargetPath(request: LinkSwapRequest, resolved: Resolved, oldPath: string, context: TargetContext): string {
  const { targetPath, workspaceFolderPath: folder } = request;
  if (resolved.kind !== 'relative' && folder !== undefined && isInside(folder, targetPath)) {
    const fromFolder = posix.relative(folder, targetPath);
    if (resolved.kind === 'site') {
      const sitePath = sitePathFor([resolved.mapping], fromFolder);
      if (sitePath !== undefined) return sitePath;
    } else {
      return `/${fromFolder}`;
    }
  }
  const relative = request.documentPath === undefined ? targetPath : relativeReference(request.documentPath, targetPath);
  const wantsDot = oldPath.startsWith('./') || context === 'moduleSpecifier';
  return wantsDot && !relative.startsWith('./') && !relative.startsWith('../') && !relative.startsWith('/') ? `./${relative}` : relative;
}

function swapOf(request: LinkSwapRequest, target: FoundTarget): LinkSwap | undefined {
  const written = request.text.slice(target.start, target.end);
  const read = readTarget(written, target.context);
  const resolved = resolveTarget(request, read.path);
  if (!resolved || !samePath(resolved.file, request.sourcePath)) return undefined;
  const path = newTargetPath(request, resolved, read.path, target.context);
  let text: string;
  try {
    text = writeTarget(request.languageId, target.context, path, read);
  } catch {
    return undefined; // a path this syntax cannot carry (control characters): left as it was
  }
  return text === written ? undefined : { start: target.start, end: target.end, text };
}

/** Percent-encodes what would end or change a URL in a JavaScript string (`src={"…"}`). */
function jsUrl(path: string): string {
  return path.replace(/[%#?\s"'`\\\p{Cc}]/gu, (char) =>
    Array.from(Buffer.from(char, 'utf8'))
      .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
      .join(''),
  );
}

function writeTarget(languageId: string, context: TargetContext, path: string, read: ReadTarget): string {
  switch (context) {
    case 'markdown': {
      const encoded = referenceParts(referenceSyntaxFor(languageId) === 'mdx' ? 'mdx' : 'markdown', path, '').path;
      if (encoded.startsWith('<')) return `${encoded.slice(0, -1)}${read.suffix}>`;
      return read.bracketed ? `<${encoded}${read.suffix}>` : `${encoded}${read.suffix}`;
    }
    case 'htmlAttribute':
      return `${read.quote}${referenceParts('html', path, '').path}${read.suffix}${read.quote}`;
    case 'css':
      return `${read.quote}${referenceParts('css', path, '').path}${read.suffix}${read.quote}`;
    case 'jsString':
      return `${read.quote}${jsUrl(path)}${read.suffix}${read.quote}`;
    case 'moduleSpecifier':
      return `${read.quote}${path.replace(/[\\"'`]/g, (char) => `\\${char}`)}${read.suffix}${read.quote}`;
  }
}
