import * as assert from 'node:assert/strict';
import { referencePath } from '../../src/workspace/imageSavePlan';
import { parseSitePaths, sitePathFor, usesSitePaths, type SitePathMapping } from '../../src/workspace/sitePaths';

function mappings(value: unknown): readonly SitePathMapping[] {
  const result = parseSitePaths(value);
  assert.ok(result.ok, result.ok ? '' : result.message);
  return result.mappings;
}

describe('workspace/sitePaths', () => {
  describe('parseSitePaths', () => {
    it('reads nothing from a missing or empty value', () => {
      assert.deepEqual(mappings(undefined), []);
      assert.deepEqual(mappings({}), []);
    });

    it('normalises folders (slashes, ./, trailing /) and site paths (trailing /, doubled /)', () => {
      assert.deepEqual(mappings({ './public/': '/', 'site\\static': '/static/', '.': '/root//x/' }), [
        { folder: 'public', sitePath: '/' },
        { folder: 'site/static', sitePath: '/static' },
        { folder: '', sitePath: '/root/x' },
      ]);
    });

    const refused: readonly [name: string, value: unknown, entry: RegExp][] = [
      ['not an object', ['public'], /apiframe\.sitePaths/],
      ['a string', '/', /apiframe\.sitePaths/],
      ['.. in the folder', { '../site': '/' }, /"\.\.\/site".*"\.\." is not allowed/],
      ['.. hidden in the middle', { 'public/../../x': '/' }, /"public\/\.\.\/\.\.\/x"/],
      ['an absolute folder', { '/srv/www': '/' }, /"\/srv\/www".*relative to the workspace folder/],
      ['a drive letter', { 'C:\\site': '/' }, /"C:\\\\site"/],
      ['a home folder', { '~/site': '/' }, /"~\/site"/],
      ['a URL as folder', { 'file:///etc': '/' }, /"file:\/\/\/etc"/],
      ['a control character in the folder', { 'pub\nlic': '/' }, /"pub\\nlic".*control/],
      ['a bidi override in the folder', { 'pub\u202elic': '/' }, /control or invisible/],
      ['a site path without /', { public: 'img' }, /"public".*start with a single "\/"/],
      ['a protocol-relative site path', { public: '//cdn.example' }, /single "\/"/],
      ['a URL as site path', { public: 'https://cdn.example/' }, /single "\/"/],
      ['a site path with ..', { public: '/a/../b' }, /"\." or "\.\."/],
      ['a site path with ? or #', { public: '/a?x=1' }, /"\?"/],
      ['a control character in the site path', { public: '/a\tb' }, /control/],
      ['a site path that is not a string', { public: 1 }, /"public".*in quotes/],
      ['the same folder twice', { public: '/', 'public/': '/x' }, /"public\/".*another entry/],
    ];
    for (const [name, value, entry] of refused) {
      it(`refuses ${name}, naming the setting and the entry`, () => {
        const result = parseSitePaths(value);
        assert.equal(result.ok, false);
        if (result.ok) return;
        assert.match(result.message, /apiframe\.sitePaths/);
        assert.match(result.message, entry);
        assert.ok(!/[\n\t\u202e]/.test(result.message), 'the entry is shown escaped');
      });
    }
  });

  describe('sitePathFor', () => {
    const site = mappings({ public: '/', static: '/static', 'public/docs': '/handbook', 'public/docs/old': '/archive/' });

    const cases: readonly [file: string, expected: string | undefined][] = [
      ['public/img/x.png', '/img/x.png'],
      ['public/x.png', '/x.png'],
      ['static/img/x.png', '/static/img/x.png'],
      ['public/docs/x.png', '/handbook/x.png'],
      ['public/docs/old/a/x.png', '/archive/a/x.png'],
      ['publicity/x.png', undefined], // whole segments only
      ['Public/x.png', undefined], // exact case
      ['images/x.png', undefined],
      ['../public/x.png', undefined],
      ['public\\img\\x.png', undefined], // a POSIX path: one name with backslashes, not in public
      ['public/./img/../img/x.png', '/img/x.png'],
    ];
    for (const [file, expected] of cases) {
      it(`${file} → ${String(expected)} (the longest folder wins)`, () => assert.equal(sitePathFor(site, file), expected));
    }

    it('maps the whole workspace folder with "."', () => {
      assert.equal(sitePathFor(mappings({ '.': '/' }), 'img/x.png'), '/img/x.png');
      assert.equal(sitePathFor(mappings({ '.': '/base' }), 'img/x.png'), '/base/img/x.png');
    });

    it('the order of the entries does not matter', () => {
      const reversed = mappings({ 'public/docs': '/handbook', public: '/' });
      assert.equal(sitePathFor(reversed, 'public/docs/x.png'), '/handbook/x.png');
      assert.equal(sitePathFor(reversed, 'public/x.png'), '/x.png');
    });
  });

  describe('where site paths are used', () => {
    it('HTML, the template languages, JSX/TSX, MDX and CSS; not Markdown, LaTeX, AsciiDoc or plain text', () => {
      for (const languageId of ['html', 'vue', 'svelte', 'astro', 'javascriptreact', 'typescriptreact', 'mdx', 'css', 'scss', 'less']) {
        assert.equal(usesSitePaths(languageId), true, languageId);
      }
      for (const languageId of ['markdown', 'latex', 'asciidoc', 'restructuredtext', 'typst', 'plaintext']) {
        assert.equal(usesSitePaths(languageId), false, languageId);
      }
    });

    const request = { documentPath: '/ws/src/pages/index.html', workspaceFolderPath: '/ws', absoluteTarget: 'X', sitePaths: mappings({ public: '/' }) };
    it('referencePath gives the site path for an image in a served folder, in a web language', () => {
      assert.equal(referencePath({ ...request, languageId: 'html' }, '/ws/public/img/x.png'), '/img/x.png');
      assert.equal(referencePath({ ...request, languageId: 'css' }, '/ws/public/img/x.png'), '/img/x.png');
    });
    it('and the relative path in Markdown, outside the served folders, or outside the workspace folder', () => {
      assert.equal(referencePath({ ...request, languageId: 'markdown' }, '/ws/public/img/x.png'), '../../public/img/x.png');
      assert.equal(referencePath({ ...request, languageId: 'html' }, '/ws/images/x.png'), '../../images/x.png');
      assert.equal(referencePath({ ...request, languageId: 'html' }, '/elsewhere/public/x.png'), '../../../elsewhere/public/x.png');
    });
  });
});
