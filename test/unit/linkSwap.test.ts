import * as assert from 'node:assert/strict';
import { linkSwaps, type LinkSwapRequest } from '../../src/workspace/linkSwap';

const FOLDER = '/work/site';
const SOURCE = `${FOLDER}/docs/img/logo.png`;
const TARGET = `${FOLDER}/docs/img/logo-square.png`;

/** The text after applying every swap (the way a WorkspaceEdit would). */
function swapped(text: string, options: Partial<LinkSwapRequest> = {}): string {
  const request: LinkSwapRequest = {
    text,
    languageId: 'markdown',
    documentPath: `${FOLDER}/docs/guide.md`,
    workspaceFolderPath: FOLDER,
    sourcePath: SOURCE,
    targetPath: TARGET,
    ...options,
  };
  let result = text;
  for (const swap of [...linkSwaps(request)].reverse()) result = result.slice(0, swap.start) + swap.text + result.slice(swap.end);
  return result;
}

describe('workspace/linkSwap', () => {
  describe('Markdown', () => {
    it('rewrites an image, keeping the alt text and the title', () => {
      assert.equal(swapped('See ![Our logo](img/logo.png "The logo") here.'), 'See ![Our logo](img/logo-square.png "The logo") here.');
    });

    it('keeps a leading ./ and resolves ../ from a document in another folder', () => {
      assert.equal(swapped('![a](./img/logo.png)'), '![a](./img/logo-square.png)');
      assert.equal(swapped('![a](../img/logo.png)', { documentPath: `${FOLDER}/docs/guide/intro.md` }), '![a](../img/logo-square.png)');
      assert.equal(swapped('![a](img/../img/./logo.png)'), '![a](img/logo-square.png)');
    });

    it('rewrites links, reference definitions and several references at once, in one pass', () => {
      const text = ['[download](img/logo.png)', '![a][logo]', '', '[logo]: img/logo.png "Logo"', '![b](img/logo.png)'].join('\n');
      assert.equal(swapped(text), ['[download](img/logo-square.png)', '![a][logo]', '', '[logo]: img/logo-square.png "Logo"', '![b](img/logo-square.png)'].join('\n'));
    });

    it('reads percent-encoded spaces and <…> targets, and writes the new name the same way', () => {
      const source = `${FOLDER}/docs/my images/logo.png`;
      const target = `${FOLDER}/docs/my images/logo-square.png`;
      assert.equal(swapped('![a](my%20images/logo.png)', { sourcePath: source, targetPath: target }), '![a](<my images/logo-square.png>)');
      assert.equal(swapped('![a](<my images/logo.png>)', { sourcePath: source, targetPath: target }), '![a](<my images/logo-square.png>)');
    });

    it('keeps a query and a fragment', () => {
      assert.equal(swapped('![a](img/logo.png?v=2) ![b](img/logo.png#dark)'), '![a](img/logo-square.png?v=2) ![b](img/logo-square.png#dark)');
    });

    it('reads a site path from the workspace folder when no served folder holds it, as the Markdown preview does', () => {
      assert.equal(swapped('![a](/docs/img/logo.png)'), '![a](/docs/img/logo-square.png)');
    });

    it('leaves code spans and fenced code blocks alone: they are examples, not links', () => {
      const text = ['Write `![a](img/logo.png)` to show it:', '', '```md', '![a](img/logo.png)', '```', '', '![a](img/logo.png)'].join('\n');
      assert.equal(swapped(text), text.replace(/\n!\[a\]\(img\/logo\.png\)$/, '\n![a](img/logo-square.png)'));
    });

    it('escapes what MDX reads as an expression in the new name', () => {
      const target = `${FOLDER}/docs/img/logo-{v2}.png`;
      assert.equal(swapped('![a](img/logo.png)', { languageId: 'mdx', targetPath: target }), '![a](img/logo-%7Bv2%7D.png)');
    });
  });

  describe('HTML and JSX', () => {
    it('rewrites src, quoted either way or not at all, and href', () => {
      assert.equal(
        swapped(`<img src="img/logo.png" alt="x"><img src='img/logo.png'><img src=img/logo.png><a href="img/logo.png">`, { languageId: 'html' }),
        `<img src="img/logo-square.png" alt="x"><img src='img/logo-square.png'><img src=img/logo-square.png><a href="img/logo-square.png">`,
      );
    });

    it('rewrites every candidate of a srcset that names the source, and only those', () => {
      const text = '<img srcset="img/logo.png 1x, img/logo@2x.png 2x" src="img/logo.png">';
      assert.equal(swapped(text, { languageId: 'html' }), '<img srcset="img/logo-square.png 1x, img/logo@2x.png 2x" src="img/logo-square.png">');
    });

    it('decodes character references and percent-encoding, and escapes the new name', () => {
      const source = `${FOLDER}/docs/R&D/logo.png`;
      const target = `${FOLDER}/docs/R&D/logo new.png`;
      assert.equal(swapped('<img src="R&amp;D/logo.png">', { languageId: 'html', sourcePath: source, targetPath: target }), '<img src="R&amp;D/logo%20new.png">');
    });

    it('reads site paths through apiframe.sitePaths (the longest served folder wins)', () => {
      const sitePaths = [
        { folder: 'public', sitePath: '/' },
        { folder: 'docs', sitePath: '/handbook' },
      ];
      const text = '<img src="/handbook/img/logo.png"><img src="/img/logo.png">';
      assert.equal(swapped(text, { languageId: 'html', sitePaths, documentPath: `${FOLDER}/src/page.html` }), '<img src="/handbook/img/logo-square.png"><img src="/img/logo.png">');
    });

    it('rewrites JSX string expressions and imports of the file, relative ones only', () => {
      const text = [
        "import logo from './img/logo.png';",
        "import other from 'img/logo.png';",
        "const lazy = import('./img/logo.png');",
        "const old = require('./img/logo.png?url');",
        'export const Logo = () => <img onClick={() => go()} src={"./img/logo.png"} alt="" />;',
      ].join('\n');
      assert.equal(
        swapped(text, { languageId: 'typescriptreact', documentPath: `${FOLDER}/docs/Logo.tsx` }),
        [
          "import logo from './img/logo-square.png';",
          "import other from 'img/logo.png';",
          "const lazy = import('./img/logo-square.png');",
          "const old = require('./img/logo-square.png?url');",
          'export const Logo = () => <img onClick={() => go()} src={"./img/logo-square.png"} alt="" />;',
        ].join('\n'),
      );
    });

    it('gives an import a ./ even when the old specifier climbed out and back', () => {
      assert.equal(
        swapped("import logo from '../docs/img/logo.png';", { languageId: 'javascript', documentPath: `${FOLDER}/docs/index.js` }),
        "import logo from './img/logo-square.png';",
      );
    });

    it('does not treat src= outside a tag as an attribute', () => {
      const text = 'Set src="img/logo.png" in the config.';
      assert.equal(swapped(text, { languageId: 'html' }), text);
    });
  });

  describe('CSS', () => {
    it('rewrites url() quoted either way and bare, in a style sheet and inside HTML', () => {
      const css = `.a { background: url(img/logo.png) } .b { background: url("img/logo.png") } .c { mask: url( 'img/logo.png' ) }`;
      assert.equal(swapped(css, { languageId: 'css', documentPath: `${FOLDER}/docs/site.css` }), css.replaceAll('img/logo.png', 'img/logo-square.png'));
      const html = '<div style="background: url(img/logo.png)"></div>';
      assert.equal(swapped(html, { languageId: 'html' }), '<div style="background: url(img/logo-square.png)"></div>');
    });

    it('reads CSS escapes and writes characters CSS would misread percent-encoded', () => {
      const source = `${FOLDER}/docs/img/logo (1).png`;
      const target = `${FOLDER}/docs/img/logo (1)-square.png`;
      assert.equal(swapped('a { b: url(img/logo\\ \\(1\\).png) }', { languageId: 'css', sourcePath: source, targetPath: target }), 'a { b: url(img/logo%20%281%29-square.png) }');
    });
  });

  describe('what it must not touch', () => {
    const untouched = [
      ['another file that starts with the name', '![a](img/logo.png.bak) ![b](img/logo.png2) ![c](img/my-logo.png)'],
      ["another folder's logo.png", '![a](logo.png) ![b](../img/logo.png) ![c](other/img/logo.png)'],
      ['text that is not a link', 'The file img/logo.png is the logo; "img/logo.png" too.'],
      ['URLs with a scheme or protocol-relative', '![a](https://example.com/docs/img/logo.png) ![b](//cdn.example.com/img/logo.png) ![c](file:///work/site/docs/img/logo.png)'],
      ['a site path served from another folder', '![a](/img/logo.png)'],
    ] as const;
    for (const [what, text] of untouched) {
      it(`leaves ${what} alone`, () => {
        assert.equal(swapped(text), text);
        assert.deepEqual(linkSwaps({ text, languageId: 'markdown', documentPath: `${FOLDER}/docs/guide.md`, workspaceFolderPath: FOLDER, sourcePath: SOURCE, targetPath: TARGET }), []);
      });
    }

    it('leaves Markdown syntax alone outside Markdown (a call in JavaScript)', () => {
      const text = 'handlers[0](img/logo.png)';
      assert.equal(swapped(text, { languageId: 'javascript' }), text);
    });

    it('resolves nothing relative in an untitled document, and still reads site paths there', () => {
      assert.equal(swapped('![a](img/logo.png)', { documentPath: undefined }), '![a](img/logo.png)');
      assert.equal(swapped('![a](/docs/img/logo.png)', { documentPath: undefined }), '![a](/docs/img/logo-square.png)');
    });
  });

  it('writes a path relative to the document when the result is in another folder', () => {
    assert.equal(swapped('![a](img/logo.png)', { targetPath: `${FOLDER}/assets/logo-v2.png` }), '![a](../assets/logo-v2.png)');
  });

  it('finds Windows drive letters equal whatever their case', () => {
    assert.equal(
      swapped('![a](img/logo.png)', { documentPath: '/C:/site/docs/guide.md', workspaceFolderPath: '/c:/site', sourcePath: '/c:/site/docs/img/logo.png', targetPath: '/c:/site/docs/img/logo-2x.png' }),
      '![a](img/logo-2x.png)',
    );
  });
});
