import * as assert from 'node:assert/strict';
import * as ts from 'typescript';
import { referenceInsertion, type ReferenceRequest } from '../../src/workspace/imageSavePlan';
import { parseLinkTemplates, renderLinkTemplate } from '../../src/workspace/linkTemplates';
import { ReferenceProblemError, toSingleLine } from '../../src/workspace/snippet';
import { HOSTILE_ALT_TEXTS, HOSTILE_FOLDER_NAMES } from '../support/hostileNames';

const PICTURE =
  '<picture><source srcset="${path}" type="image/webp"><img src="${path}" alt="${alt}" width="${width}" height="${height}" loading="lazy"></picture>';
const NEXT_IMAGE = '<Image src="${path}" alt="${alt}" width={${width}} height={${height}} />';

interface HtmlNode {
  readonly nodeName: string;
  readonly attrs?: readonly { readonly name: string; readonly value: string }[];
  readonly childNodes?: readonly HtmlNode[];
}

function elements(node: HtmlNode): HtmlNode[] {
  return [...(node.nodeName.startsWith('#') ? [] : [node]), ...(node.childNodes ?? []).flatMap(elements)];
}

/** The elements of an HTML fragment as parse5 (the WHATWG parsing algorithm) builds them, with their attributes. */
async function readHtml(html: string): Promise<{ tag: string; attrs: Record<string, string> }[]> {
  const parse5 = await import('parse5');
  const fragment = parse5.parseFragment(`<p>Before ${html} after.</p>`) as unknown as HtmlNode;
  return elements(fragment).map((node) => ({ tag: node.nodeName, attrs: Object.fromEntries((node.attrs ?? []).map((a) => [a.name, a.value])) }));
}

/** The `createElement` calls TypeScript emits for a TSX fragment, with their props (strings and numbers only). */
function readTsx(tsx: string): { tag: string; props: Record<string, string | number> }[] {
  const source = `import Image from 'next/image';\nexport const View = () => <p>Before ${tsx} after.</p>;\n`;
  const output = ts.transpileModule(source, {
    fileName: 'view.tsx',
    reportDiagnostics: true,
    compilerOptions: { jsx: ts.JsxEmit.React, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  assert.deepEqual((output.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')), [], `TypeScript parses ${tsx}`);
  const emitted = ts.createSourceFile('view.js', output.outputText, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const calls: { tag: string; props: Record<string, string | number> }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.expression.getText(emitted) === 'React.createElement') {
      const [tag, props] = node.arguments;
      const read: Record<string, string | number> = {};
      if (props && ts.isObjectLiteralExpression(props)) {
        for (const property of props.properties) {
          assert.ok(ts.isPropertyAssignment(property), 'plain props');
          const value = property.initializer;
          if (ts.isStringLiteral(value)) read[property.name.getText(emitted)] = value.text;
          else if (ts.isNumericLiteral(value)) read[property.name.getText(emitted)] = Number(value.text);
          else assert.fail(`an expression in a prop: ${value.getText(emitted)}`);
        }
      }
      calls.push({ tag: tag ? tag.getText(emitted) : '', props: read });
    }
    ts.forEachChild(node, visit);
  };
  visit(emitted);
  return calls;
}

describe('workspace/linkTemplates', () => {
  describe('parseLinkTemplates', () => {
    it('reads templates by language id; nothing from a missing or empty value', () => {
      const result = parseLinkTemplates({ html: PICTURE, typescriptreact: NEXT_IMAGE });
      assert.ok(result.ok);
      assert.equal(result.templates.get('html'), PICTURE);
      assert.equal(result.templates.get('typescriptreact'), NEXT_IMAGE);
      assert.deepEqual(parseLinkTemplates(undefined), { ok: true, templates: new Map() });
      assert.deepEqual(parseLinkTemplates({}), { ok: true, templates: new Map() });
    });

    const refused: readonly [name: string, value: unknown, detail: RegExp][] = [
      ['an unknown variable', { html: '<img src="${src}">' }, /"html".*unknown variable "\$\{src\}"/],
      ['a misspelt variable', { markdown: '![${Alt}](${path})' }, /"markdown".*"\$\{Alt\}"/],
      ['a VS Code snippet variable', { html: '<img src="${path}" title="${TM_FILENAME}">' }, /"\$\{TM_FILENAME\}"/],
      ['an empty variable', { html: '<img src="${}">' }, /"\$\{\}"/],
      ['an unclosed variable', { html: '<img src="${path">' }, /not closed/],
      ['a template that is not text', { html: 42 }, /"html".*text in quotes/],
      ['an empty template', { html: '  ' }, /"html".*empty/],
      ['a huge template', { html: 'x'.repeat(2001) }, /longer than 2000/],
      ['a control character', { html: '<img src="${path}">\u0007' }, /control/],
      ['a bidi override', { html: '<img src="${path}" alt="\u202e">' }, /bidi/],
      ['not an object', ['<img>'], /must map language ids/],
    ];
    for (const [name, value, detail] of refused) {
      it(`refuses ${name}, naming the setting`, () => {
        const result = parseLinkTemplates(value);
        assert.equal(result.ok, false);
        if (result.ok) return;
        assert.match(result.message, /apiframe\.linkTemplates/);
        assert.match(result.message, detail);
      });
    }
  });

  describe('renderLinkTemplate', () => {
    it('fills in every variable, every time it appears', () => {
      const filled = renderLinkTemplate('html', PICTURE, { target: '/img/cat.png', altText: 'A cat', width: 1024, height: 768 });
      assert.equal(
        filled,
        '<picture><source srcset="/img/cat.png" type="image/webp"><img src="/img/cat.png" alt="A cat" width="1024" height="768" loading="lazy"></picture>',
      );
    });

    it('escapes path and alt text as the language’s own reference does', () => {
      assert.equal(renderLinkTemplate('markdown', '![${alt}](${path} "x")', { target: 'my images/a*b.png', altText: 'a [b] *c*' }), '![a \\[b\\] \\*c\\*](<my images/a*b.png> "x")');
      assert.equal(renderLinkTemplate('css', '/* ${alt} */ url("${path}")', { target: 'a b/x.png', altText: '*/ evil' }), '/* \\2a \\2f  evil */ url("a%20b/x.png")');
      assert.equal(renderLinkTemplate('latex', '\\includegraphics{${path}}\\caption{${alt}}', { target: 'img/x.png', altText: '50% of $5 & {x}' }), '\\includegraphics{img/x.png}\\caption{50\\% of \\$5 \\& \\{x\\}}');
      assert.equal(renderLinkTemplate('typst', '#figure(image("${path}"), caption: "${alt}")', { target: 'x.png', altText: 'say "hi" \\' }), '#figure(image("x.png"), caption: "say \\"hi\\" \\\\")');
    });

    it('leaves an unknown size empty rather than writing a wrong number', () => {
      assert.equal(renderLinkTemplate('html', '<img width="${width}" height="${height}">', { target: 'x.png', altText: '' }), '<img width="" height="">');
      assert.equal(renderLinkTemplate('html', '${width}x${height}', { target: 'x.png', altText: '', width: 1.5, height: -3 }), 'x');
    });

    it('refuses a path the language cannot carry, like the usual reference', () => {
      assert.throws(() => renderLinkTemplate('latex', '\\includegraphics{${path}}', { target: '../R&D/x.png', altText: '' }), ReferenceProblemError);
    });

    for (const { name, alt } of HOSTILE_ALT_TEXTS) {
      it(`HTML <picture> template read back by parse5: ${name}`, async () => {
        const folder = HOSTILE_FOLDER_NAMES[(alt.length * 7) % HOSTILE_FOLDER_NAMES.length] ?? 'images';
        const target = `/${folder.replace(/[\p{Cc}\u2028\u2029]/gu, '_')}/img/x.png`;
        const read = await readHtml(renderLinkTemplate('html', PICTURE, { target, altText: alt, width: 1024, height: 1792 }));
        assert.deepEqual(read.map((e) => e.tag), ['p', 'picture', 'source', 'img'], 'no element added or lost');
        const image = read[3]?.attrs ?? {};
        assert.deepEqual(Object.keys(image).sort(), ['alt', 'height', 'loading', 'src', 'width'], 'no attribute added');
        assert.equal(image.alt, toSingleLine(alt));
        assert.equal(decodeURIComponent(new URL(image.src ?? '', 'https://site.example/blog/').pathname), target);
        assert.equal(read[2]?.attrs.srcset, image.src);
        assert.deepEqual([image.width, image.height], ['1024', '1792']);
      });

      it(`TSX next/image template read back by TypeScript: ${name}`, () => {
        const read = readTsx(renderLinkTemplate('typescriptreact', NEXT_IMAGE, { target: '/img/R&D {x}/x.png', altText: alt, width: 1792, height: 1024 }));
        assert.deepEqual(read.map((call) => call.tag), ['"p"', 'Image'], 'no element added or lost');
        const props = read[1]?.props ?? {};
        assert.deepEqual(Object.keys(props).sort(), ['alt', 'height', 'src', 'width']);
        assert.equal(props.alt, toSingleLine(alt));
        assert.equal(decodeURIComponent(new URL(String(props.src), 'https://site.example/').pathname), '/img/R&D {x}/x.png');
        assert.deepEqual([props.width, props.height], [1792, 1024]);
      });
    }
  });

  describe('placed like the usual reference', () => {
    const request = (overrides: Partial<ReferenceRequest>): ReferenceRequest => ({
      documentText: '<body>\n    <p>A cat.</p>\n</body>\n',
      offset: '<body>\n    <p>A cat.'.length,
      languageId: 'html',
      eol: '\n',
      altText: 'A cat',
      documentPath: '/ws/index.html',
      workspaceFolderPath: '/ws',
      absoluteTarget: '/ws/images/cat.png',
      ...overrides,
    });

    it('on its own line after the selection’s line, every line of a template indented like it', () => {
      const insertion = referenceInsertion(
        request({ template: '<picture>\n  <img src="${path}" alt="${alt}">\n</picture>', imageSize: { width: 10, height: 20 } }),
        '/ws/images/cat.png',
      );
      const text = request({}).documentText;
      const result = text.slice(0, insertion.offset) + insertion.text + text.slice(insertion.offset);
      assert.equal(result, '<body>\n    <p>A cat.</p>\n    <picture>\n      <img src="images/cat.png" alt="A cat">\n    </picture>\n</body>\n');
    });

    it('with the document’s line breaks', () => {
      const insertion = referenceInsertion(
        request({ documentText: '<p>A cat.</p>\r\n', offset: 6, eol: '\r\n', template: '<figure>\n<img src="${path}">\n</figure>' }),
        '/ws/images/cat.png',
      );
      assert.equal(insertion.text, '\r\n<figure>\r\n<img src="images/cat.png">\r\n</figure>');
    });

    it('with the site path when the image is in a served folder', () => {
      const insertion = referenceInsertion(
        request({ template: NEXT_IMAGE, languageId: 'typescriptreact', sitePaths: [{ folder: 'public', sitePath: '/' }], imageSize: { width: 1, height: 2 } }),
        '/ws/public/img/cat.png',
      );
      assert.equal(insertion.text, '\n    <Image src="/img/cat.png" alt="A cat" width={1} height={2} />');
    });
  });
});
