import * as assert from 'node:assert/strict';
import { referencePath } from '../../src/workspace/imageSavePlan';
import { parseSitePaths } from '../../src/workspace/sitePaths';
import { fileNameForImage } from '../../src/workspace/slug';
import { imageReference, referenceProblem } from '../../src/workspace/snippet';
import { HOSTILE_ALT_TEXTS, HOSTILE_FOLDER_NAMES } from '../support/hostileNames';
import { assertRoundTrip, readReference } from '../support/referenceParsers';

const WORKSPACE = '/home/me/site';

/** Language ids → the document's file extension, one per reference syntax (and the template languages). */
const LANGUAGES: readonly (readonly [languageId: string, extension: string])[] = [
  ['markdown', 'md'],
  ['mdx', 'mdx'],
  ['html', 'html'],
  ['vue', 'vue'],
  ['svelte', 'svelte'],
  ['typescriptreact', 'tsx'],
  ['javascriptreact', 'jsx'],
  ['css', 'css'],
  ['scss', 'scss'],
  ['less', 'less'],
  ['asciidoc', 'adoc'],
  ['restructuredtext', 'rst'],
  ['latex', 'tex'],
  ['typst', 'typ'],
  ['plaintext', 'txt'],
];

describe('inserted references read back with each language’s own parser', function () {
  this.timeout(60_000);
  const fileName = fileNameForImage('A lighthouse at dusk', '3f2a9c1e-0000', 'png');

  for (const [languageId, extension] of LANGUAGES) {
    describe(languageId, () => {
      for (const { name, alt } of HOSTILE_ALT_TEXTS) {
        it(`alt text: ${name}`, async () => {
          await assertRoundTrip(languageId, `${WORKSPACE}/docs/post.${extension}`, `${WORKSPACE}/images/${fileName}`, alt);
        });
      }
      for (const folder of HOSTILE_FOLDER_NAMES) {
        it(`folder: ${JSON.stringify(folder.length > 40 ? `${folder.slice(0, 20)}… (${folder.length})` : folder)}`, async () => {
          // From a sibling folder (`../<folder>/images/…`) and from the workspace root (`<folder>/images/…`).
          await assertRoundTrip(languageId, `${WORKSPACE}/docs/post.${extension}`, `${WORKSPACE}/${folder}/images/${fileName}`, 'A cat, "quoted"');
          await assertRoundTrip(languageId, `${WORKSPACE}/post.${extension}`, `${WORKSPACE}/${folder}/${fileName}`, '{docdir} <b>');
        });
      }
    });
  }

  it('a site path (`/img/x.png`) is written as such in the web syntaxes', async () => {
    for (const languageId of ['markdown', 'mdx', 'html', 'typescriptreact', 'css', 'asciidoc']) {
      const read = await readReference(languageId, imageReference(languageId, '/img/R&D #1/x.png', 'x'));
      assert.equal(decodeURIComponent(new URL(read.target, 'https://site.example/blog/post/').pathname), '/img/R&D #1/x.png', languageId);
    }
  });

  describe('site paths (apiframe.sitePaths) read back in the web syntaxes', () => {
    const served = parseSitePaths({ public: '/', 'public/blog': '/journal', static: '/static' });
    assert.ok(served.ok);
    for (const languageId of ['html', 'vue', 'svelte', 'typescriptreact', 'javascriptreact', 'mdx', 'css', 'scss']) {
      for (const folder of HOSTILE_FOLDER_NAMES.filter((name) => !/[\p{Cc}\u2028\u2029]/u.test(name))) {
        it(`${languageId}: public/${JSON.stringify(folder.length > 40 ? `${folder.slice(0, 20)}…` : folder)}`, async () => {
          const request = { documentPath: `${WORKSPACE}/src/pages/post.x`, workspaceFolderPath: WORKSPACE, absoluteTarget: 'X', sitePaths: served.mappings, languageId };
          for (const [image, sitePath] of [
            [`${WORKSPACE}/public/${folder}/${fileName}`, `/${folder}/${fileName}`],
            [`${WORKSPACE}/public/blog/${folder}/${fileName}`, `/journal/${folder}/${fileName}`],
            [`${WORKSPACE}/static/${folder}/${fileName}`, `/static/${folder}/${fileName}`],
          ] as const) {
            const target = referencePath(request, image);
            assert.equal(target, sitePath);
            assert.equal(referenceProblem(languageId, target), undefined);
            const read = await readReference(languageId, imageReference(languageId, target, 'A cat, "quoted" {x}'));
            const url = new URL(read.target, 'https://site.example/blog/post/');
            assert.equal(url.origin, 'https://site.example', 'stays on the site');
            assert.equal(decodeURIComponent(url.pathname), sitePath, `${languageId} reads ${JSON.stringify(read.target)}`);
            assert.equal(url.search + url.hash, '');
          }
        });
      }
    }
  });

  it('control characters in a path are refused in every syntax, naming the setting', () => {
    for (const [languageId] of LANGUAGES) {
      const problem = referenceProblem(languageId, 'a\nb/x.png');
      assert.ok(problem, languageId);
      assert.match(problem, /apiframe\.destination/);
      assert.ok(!/[\n\u202e]/.test(problem), 'the name is shown escaped');
    }
  });

  it('LaTeX refuses the folder names of the issue and names the offending folder', () => {
    for (const folder of ['R&D', 'C# notes', '100% done', '{docdir}', 'a~b', 'x^2', '$HOME', 'back\\slash', 'x"y', 'two  spaces']) {
      const problem = referenceProblem('latex', `../${folder}/images/cat.png`);
      assert.ok(problem, folder);
      assert.ok(problem.includes(JSON.stringify(folder)), `${problem} names ${folder}`);
    }
    assert.equal(referenceProblem('latex', '../my images/고양이.v2/cat.png'), undefined, 'single spaces, dots and non-ASCII are fine');
  });
});
