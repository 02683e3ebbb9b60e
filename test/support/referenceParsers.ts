/**
 * Reads an inserted image reference back the way its language's own tools do, so a test judges escaping by
 * its effect, never by its spelling: markdown-it (VS Code's Markdown preview) for Markdown, the MDX compiler
 * for MDX, parse5 (the HTML standard's parser) for HTML and Vue/Svelte/Astro templates, the TypeScript
 * compiler for JSX/TSX, PostCSS for CSS/SCSS/Less, Asciidoctor (converted to HTML, then parse5) for AsciiDoc.
 * reStructuredText, LaTeX and Typst have no parser in JavaScript: they are read by the rule tables below, each
 * rule citing the language's reference. Shared by the round-trip unit test and the hostile suite.
 *
 * Each reader returns what a user of that language ends up with: the alt text as rendered (character
 * references decoded) and the link target as written in the output; {@link resolvedPath} turns the target into
 * the file it names, with the language's own URL rules.
 */
import * as assert from 'node:assert/strict';
import { posix } from 'node:path';
import MarkdownIt from 'markdown-it';
import postcss from 'postcss';
import * as ts from 'typescript';
import { imageReference, referenceProblem, relativeReference, toSingleLine } from '../../src/workspace/snippet';

export interface ReadReference {
  /** The alt text as a reader gets it; `undefined` where the syntax has no alt text (CSS, LaTeX, plain). */
  readonly alt: string | undefined;
  /** The target as the language hands it on: a URL reference (web syntaxes, AsciiDoc) or a file path. */
  readonly target: string;
  /** Whether {@link target} is a URL (percent-decoded and resolved like one) or a plain file path. */
  readonly kind: 'url' | 'path';
}

interface HtmlNode {
  readonly nodeName: string;
  readonly attrs?: readonly { readonly name: string; readonly value: string }[];
  readonly childNodes?: readonly HtmlNode[];
  readonly content?: HtmlNode;
  readonly value?: string;
}

/** Every element named `tagName` below `node`, template contents included. */
function elementsNamed(node: HtmlNode, tagName: string): HtmlNode[] {
  const found: HtmlNode[] = node.nodeName === tagName ? [node] : [];
  for (const child of [...(node.childNodes ?? []), ...(node.content ? [node.content] : [])]) found.push(...elementsNamed(child, tagName));
  return found;
}

function attribute(node: HtmlNode, name: string): string | undefined {
  return node.attrs?.find((attr) => attr.name === name)?.value;
}

/** The one `<img>` of an HTML fragment (parse5, the WHATWG parsing algorithm), with its other attributes refused. */
async function readHtmlImage(html: string): Promise<{ src: string; alt: string | undefined; elements: number }> {
  const parse5 = await import('parse5');
  const fragment = parse5.parseFragment(html) as unknown as HtmlNode;
  const images = elementsNamed(fragment, 'img');
  assert.equal(images.length, 1, `one <img> in ${JSON.stringify(html)}`);
  const [image] = images as [HtmlNode];
  const names = (image.attrs ?? []).map((attr) => attr.name);
  assert.ok(names.every((name) => name === 'src' || name === 'alt'), `only src and alt on the image: ${names.join(', ')}`);
  const src = attribute(image, 'src');
  assert.ok(src !== undefined, 'the image has a src');
  const count = (node: HtmlNode): number => (node.nodeName.startsWith('#') ? 0 : 1) + (node.childNodes ?? []).reduce((sum, child) => sum + count(child), 0);
  return { src, alt: attribute(image, 'alt'), elements: count(fragment) };
}

/** VS Code's Markdown preview options (`html`, `linkify` on; `breaks`, `typographer` off). */
const markdownIt = new MarkdownIt({ html: true, linkify: true, breaks: false, typographer: false });

async function readMarkdown(snippet: string): Promise<ReadReference> {
  const html = markdownIt.render(`Text before ${snippet} and after.\n`);
  const image = await readHtmlImage(html);
  assert.equal(image.elements, 2, `the reference stays one image inside the paragraph: ${html}`);
  return { alt: image.alt ?? '', target: image.src, kind: 'url' };
}

async function readMdx(snippet: string): Promise<ReadReference> {
  const { compile } = await import('@mdx-js/mdx');
  interface HastNode {
    readonly type: string;
    readonly tagName?: string;
    readonly properties?: Record<string, unknown>;
    readonly children?: readonly HastNode[];
  }
  const images: Record<string, unknown>[] = [];
  let elements = 0;
  const collect = (node: HastNode): void => {
    if (node.type === 'element' || node.type.startsWith('mdxJsx')) elements++;
    if (node.tagName === 'img') images.push(node.properties ?? {});
    node.children?.forEach(collect);
  };
  await compile(`# Title\n\nText before ${snippet} and after.\n`, { rehypePlugins: [() => (tree: HastNode) => collect(tree)] });
  assert.equal(images.length, 1, 'one image');
  assert.equal(elements, 3, 'a heading, a paragraph and the image: nothing else (no JSX, no expression)');
  const [properties] = images as [Record<string, unknown>];
  assert.equal(typeof properties.src, 'string');
  return { alt: typeof properties.alt === 'string' ? properties.alt : '', target: properties.src as string, kind: 'url' };
}

/**
 * HTML and the template languages built on it. parse5 does not know Svelte/Astro expressions (`{…}`) or Vue
 * interpolation (`{{…}}`), so those are refused in the source: a brace anywhere would be code there.
 */
async function readHtml(snippet: string, languageId: string): Promise<ReadReference> {
  if (languageId !== 'html') assert.ok(!/[{}]/.test(snippet), `a brace in a ${languageId} template: ${JSON.stringify(snippet)}`);
  const image = await readHtmlImage(`<p>Text before ${snippet} and after.</p>`);
  assert.equal(image.elements, 2, 'the reference stays one image inside the paragraph');
  return { alt: image.alt, target: image.src, kind: 'url' };
}

/** JSX/TSX: compiled by TypeScript (`jsx: react`), then the emitted `createElement("img", {…})` props are read. */
function readJsx(snippet: string): ReadReference {
  const source = `export const View = () => <p>Text before ${snippet} and after.</p>;\n`;
  const output = ts.transpileModule(source, {
    fileName: 'view.tsx',
    reportDiagnostics: true,
    compilerOptions: { jsx: ts.JsxEmit.React, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  assert.deepEqual(
    (output.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    [],
    `TypeScript parses ${JSON.stringify(snippet)}`,
  );
  const emitted = ts.createSourceFile('view.js', output.outputText, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const imageProps: ts.ObjectLiteralExpression[] = [];
  let elements = 0;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.getText(emitted) === 'React.createElement') {
      elements++;
      const [tag, props] = node.arguments;
      if (tag && ts.isStringLiteral(tag) && tag.text === 'img' && props && ts.isObjectLiteralExpression(props)) imageProps.push(props);
    }
    ts.forEachChild(node, visit);
  };
  visit(emitted);
  assert.equal(elements, 2, 'a paragraph and the image: nothing else');
  assert.equal(imageProps.length, 1, 'one image');
  const props: Record<string, string> = {};
  for (const property of (imageProps[0] as ts.ObjectLiteralExpression).properties) {
    assert.ok(ts.isPropertyAssignment(property) && ts.isStringLiteral(property.initializer), 'props are plain strings, no expressions');
    props[property.name.getText(emitted)] = property.initializer.text; // `.text` is the string's value, escapes resolved
  }
  assert.deepEqual(Object.keys(props).sort(), ['alt', 'src']);
  return { alt: props.alt, target: props.src ?? '', kind: 'url' };
}

/** The value of a CSS string token (CSS Syntax Level 3, §4.3.5 and §4.3.7: escapes and escaped newlines). */
function cssStringValue(body: string): string {
  return body.replace(/\\(?:([0-9a-fA-F]{1,6})[ \t\n]?|(\n)|([\s\S]))/g, (_m, hex?: string, newline?: string, other?: string) => {
    if (hex !== undefined) {
      const codePoint = parseInt(hex, 16);
      return codePoint === 0 || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff) ? '\ufffd' : String.fromCodePoint(codePoint);
    }
    return newline !== undefined ? '' : (other ?? '');
  });
}

/** CSS: one declaration parsed by PostCSS, whose value must be exactly one `url(…)` token. */
function readCss(snippet: string): ReadReference {
  const root = postcss.parse(`.hero { background-image: ${snippet}; color: red; }`);
  const declarations: postcss.Declaration[] = [];
  root.walkDecls((declaration) => void declarations.push(declaration));
  assert.deepEqual(
    declarations.map((d) => d.prop),
    ['background-image', 'color'],
    'the url() neither swallows nor adds declarations',
  );
  const value = (declarations[0] as postcss.Declaration).value;
  const quoted = /^url\(\s*"((?:[^"\\\n]|\\[\s\S])*)"\s*\)$/.exec(value) ?? /^url\(\s*'((?:[^'\\\n]|\\[\s\S])*)'\s*\)$/.exec(value);
  if (quoted) return { alt: undefined, target: cssStringValue(quoted[1] ?? ''), kind: 'url' };
  // An unquoted url token (CSS Syntax §4.3.6): no quotes, parentheses, whitespace or non-printables inside.
  const bare = /^url\(\s*((?:[^"'()\\\s\p{Cc}]|\\[^\n])*)\s*\)$/u.exec(value);
  assert.ok(bare, `not one url() token: ${JSON.stringify(value)}`);
  return { alt: undefined, target: cssStringValue(bare[1] ?? ''), kind: 'url' };
}

/** Document attributes an Asciidoctor user has; a reference must never have them substituted in. */
export const ASCIIDOC_LOCAL_ATTRIBUTES: Readonly<Record<string, string>> = {
  docdir: '/home/secret-user/site/docs',
  'user-home': '/home/secret-user',
};

/**
 * AsciiDoc: converted by Asciidoctor to HTML (attribute substitution on, as users have it), then the image
 * read with parse5. Nothing of the local attributes may reach the output.
 */
async function readAsciidoc(snippet: string): Promise<ReadReference> {
  const asciidoctor = await import('@asciidoctor/core');
  const html = await asciidoctor.convert(`= Notes\n\nText before.\n\n${snippet}\n\nText after.\n`, {
    safe: 'safe',
    attributes: { ...ASCIIDOC_LOCAL_ATTRIBUTES },
  });
  assert.ok(typeof html === 'string', 'converted to a string (not a Document)');
  const text = html;
  assert.ok(!text.includes('secret-user'), `a local attribute was substituted: ${text}`);
  const image = await readHtmlImage(text);
  return { alt: image.alt, target: image.src, kind: 'url' };
}

/**
 * reStructuredText, by the rules of docutils ("reStructuredText Markup Specification" and "Directives"):
 * - `.. image:: URI` on one line; in the URI argument a backslash escapes the next character, and unescaped
 *   whitespace is removed ("Escaping Mechanism": escaped whitespace in a URI stands for a space);
 * - an option line `   :alt: text`, indented, taken unchanged (`directives.unchanged`), one line;
 * - no third line (a blank line or a new directive must follow, which the caller's insertion provides).
 */
export function readRst(snippet: string): ReadReference {
  const [first = '', second, ...more] = snippet.split('\n');
  assert.equal(more.length, 0, 'at most two lines');
  const written = /^\.\. image:: (\S.*)$/.exec(first)?.[1];
  assert.ok(written !== undefined, `not an image directive: ${JSON.stringify(first)}`);
  assert.ok(!/[\p{Cc}\u2028\u2029]/u.test(snippet.replace('\n', '')), 'no control characters');
  let uri = '';
  for (let i = 0; i < written.length; i++) {
    const char = written.charAt(i);
    if (char === '\\' && i + 1 < written.length) uri += written.charAt(++i);
    else if (!/\s/u.test(char)) uri += char;
  }
  let alt = '';
  if (second !== undefined) {
    const option = /^ {3}:alt: (\S.*)$/.exec(second)?.[1];
    assert.ok(option !== undefined, `not an :alt: option line: ${JSON.stringify(second)}`);
    alt = option;
  }
  return { alt, target: uri, kind: 'path' };
}

/**
 * LaTeX `\includegraphics{path}`, by TeX's category codes (The TeXbook, ch. 7) and graphicx: inside the
 * argument `\` (0), `{` `}` (1, 2), `$` (3), `&` (4), `#` (6), `^` (7), `~` (13) and `%` (14) are not text;
 * TeX reads a run of spaces as one (ch. 8, state S), and kpathsea strips `"` from file names. The path is read
 * back only when none of those occur; graphicx then takes the argument literally as a file name.
 */
export function readLatex(snippet: string): ReadReference {
  assert.ok(!/[\r\n\u2028\u2029]/.test(snippet), 'one line');
  const path = /^\\includegraphics\{(.*)\}$/.exec(snippet)?.[1];
  assert.ok(path !== undefined, `not an \\includegraphics: ${JSON.stringify(snippet)}`);
  assert.ok(!/[\\{}$&#^~%"]/.test(path), `a character TeX interprets in ${JSON.stringify(path)}`);
  assert.ok(!/[\p{Cc}]|\s\s|(^|\/)\s|\s($|\/)|[^\S ]/u.test(path), `spaces TeX would change in ${JSON.stringify(path)}`);
  return { alt: undefined, target: path, kind: 'path' };
}

/**
 * Typst `#image("path")` / `#image("path", alt: "text")`, by the Typst reference ("Syntax": strings take the
 * escapes `\\ \" \n \r \t \u{…}` and nothing else; every other character, `#` `$` `{` included, is literal).
 */
export function readTypst(snippet: string): ReadReference {
  assert.ok(!/[\r\n\u2028\u2029]/.test(snippet), 'one line');
  const match = /^#image\("((?:\\.|[^"\\])*)"(?:, alt: "((?:\\.|[^"\\])*)")?\)$/u.exec(snippet);
  assert.ok(match, `not a Typst image call: ${JSON.stringify(snippet)}`);
  const unescape = (body: string): string =>
    body.replace(/\\(u\{([0-9a-fA-F]{1,6})\}|.)/gu, (_m, escape: string, hex?: string) => {
      if (hex !== undefined) return String.fromCodePoint(parseInt(hex, 16));
      const simple: Record<string, string> = { '\\': '\\', '"': '"', n: '\n', r: '\r', t: '\t' };
      const value = simple[escape];
      assert.ok(value !== undefined, `not a Typst escape: \\${escape}`);
      return value;
    });
  assert.ok(!/[\p{Cc}]/u.test(match[1] ?? ''), 'no raw control characters in the string');
  return { alt: match[2] === undefined ? '' : unescape(match[2]), target: unescape(match[1] ?? ''), kind: 'path' };
}

const WEB_TEMPLATE_LANGUAGES = new Set(['html', 'vue', 'vue-html', 'svelte', 'astro', 'handlebars', 'django-html', 'jinja-html']);

/** Reads `snippet`, inserted into a document of `languageId`, with that language's parser or rule table. */
export async function readReference(languageId: string, snippet: string): Promise<ReadReference> {
  if (languageId === 'markdown') return readMarkdown(snippet);
  if (languageId === 'mdx') return readMdx(snippet);
  if (WEB_TEMPLATE_LANGUAGES.has(languageId)) return readHtml(snippet, languageId);
  if (languageId === 'javascriptreact' || languageId === 'typescriptreact') return readJsx(snippet);
  if (['css', 'scss', 'less'].includes(languageId)) return readCss(snippet);
  if (languageId === 'asciidoc') return readAsciidoc(snippet);
  if (languageId === 'restructuredtext') return readRst(snippet);
  if (languageId === 'latex') return readLatex(snippet);
  if (languageId === 'typst') return readTypst(snippet);
  assert.ok(!/[\p{Cc}\u2028\u2029]/u.test(snippet), 'a bare path has no control characters');
  return { alt: undefined, target: snippet, kind: 'path' };
}

/**
 * The file `reference` names, seen from the document at `documentPath` (a POSIX path): a URL is resolved
 * against the document's `file:` URL with the WHATWG URL rules (what browsers and VS Code's preview do) and
 * its path percent-decoded; a plain path is resolved against the document's folder.
 */
export function resolvedPath(reference: ReadReference, documentPath: string): string {
  if (reference.kind === 'path') return posix.resolve(posix.dirname(documentPath), reference.target);
  const base = new URL(`file://${documentPath.split('/').map(encodeURIComponent).join('/')}`);
  const url = new URL(reference.target, base);
  assert.equal(url.protocol, 'file:', `${JSON.stringify(reference.target)} stays a relative file reference`);
  assert.equal(url.search, '', 'no query');
  assert.equal(url.hash, '', 'no fragment');
  return decodeURIComponent(url.pathname);
}

/** Syntaxes whose reference has no alt text. */
const NO_ALT = new Set(['css', 'scss', 'less', 'latex', 'plaintext']);

/**
 * The alt text a reader must get: the documented cleaning (one line, no control or bidi characters). Asciidoctor
 * fills an empty alt text with the file's name (`-` and `_` read as spaces), which is what a reader gets there.
 */
function expectedAlt(languageId: string, alt: string, fileName: string): string | undefined {
  if (NO_ALT.has(languageId)) return undefined;
  const cleaned = toSingleLine(alt);
  if (languageId === 'asciidoc' && cleaned === '') return posix.parse(fileName).name.replace(/[-_]/g, ' ');
  return cleaned;
}

/** What LaTeX cannot take in a file name (TeX category codes, space runs, kpathsea's quote stripping). */
const LATEX_CANNOT = /[%#{}\\&~^$"]|\s\s/;

/**
 * Inserts a reference to `imagePath` into a document at `documentPath` (as the save flow does: relative path,
 * then `imageReference`) and reads it back: the path must resolve to the image and the alt text must be the
 * cleaned one — or, where the syntax cannot carry the path, `referenceProblem` must refuse it naming the setting.
 */
export async function assertRoundTrip(languageId: string, documentPath: string, imagePath: string, alt: string): Promise<void> {
  const target = relativeReference(documentPath, imagePath);
  const problem = referenceProblem(languageId, target);
  if (languageId === 'latex' && LATEX_CANNOT.test(target)) {
    assert.ok(problem, `LaTeX refuses ${JSON.stringify(target)}`);
    assert.match(problem, /apiframe\.destination/);
    assert.throws(() => imageReference(languageId, target, alt), /apiframe\.destination/);
    return;
  }
  assert.equal(problem, undefined, `no problem with ${JSON.stringify(target)}`);
  const snippet = imageReference(languageId, target, alt);
  const read = await readReference(languageId, snippet);
  assert.equal(resolvedPath(read, documentPath), imagePath, `the path of ${JSON.stringify(snippet)}`);
  assert.equal(read.alt, expectedAlt(languageId, alt, posix.basename(imagePath)), `the alt text of ${JSON.stringify(snippet)}`);
}
