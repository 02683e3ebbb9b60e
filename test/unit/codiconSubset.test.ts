/**
 * The shipped codicons are the gallery's icons only (esbuild.mjs, scripts/codiconSubset.mjs): every name the page
 * can use has its rule and glyph in the built files, nothing else does, and the base rules stay.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { GALLERY_ICONS } from '../../media/galleryIcons';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FULL_CSS = readFileSync(path.join(ROOT, 'node_modules', '@vscode', 'codicons', 'dist', 'codicon.css'), 'utf8');

interface Subset {
  readonly css: string;
  readonly codePoints: number[];
  readonly missing: string[];
}
type SubsetFn = (css: string, names: readonly string[]) => Subset;

async function subsetCodiconCss(): Promise<SubsetFn> {
  const module = (await import(pathToFileURL(path.join(ROOT, 'scripts', 'codiconSubset.mjs')).href)) as { subsetCodiconCss: SubsetFn };
  return module.subsetCodiconCss;
}

function iconRules(css: string): string[] {
  // At a line's start (the stylesheet as published) or after another rule (minified).
  return [...css.matchAll(/(?:^|[};])\s*\.codicon-([a-z0-9-]+):before/gm)].map((match) => match[1] ?? '');
}

describe('codicon subset', () => {
  it('keeps exactly the named icons, the font face, the base rule and the modifiers', async () => {
    const subset = (await subsetCodiconCss())(FULL_CSS, ['check', 'loading', 'trash']);
    assert.deepEqual(iconRules(subset.css).sort(), ['check', 'loading', 'trash']);
    assert.deepEqual(subset.missing, []);
    assert.match(subset.css, /@font-face \{[^}]*codicon\.ttf/);
    assert.match(subset.css, /\.codicon\[class\*='codicon-'\] \{/);
    assert.match(subset.css, /\.codicon-loading\.codicon-modifier-spin/);
    assert.equal(subset.codePoints.length, 3);
    for (const point of subset.codePoints) assert.ok(point >= 0xe000 && point <= 0xf8ff, `private-use code point ${point.toString(16)}`);
  });

  it('names what the full stylesheet does not have', async () => {
    assert.deepEqual((await subsetCodiconCss())(FULL_CSS, ['check', 'no-such-icon']).missing, ['no-such-icon']);
  });

  it('every icon the gallery uses exists in @vscode/codicons', async () => {
    assert.deepEqual((await subsetCodiconCss())(FULL_CSS, GALLERY_ICONS).missing, []);
  });

  it('leaves the @font-face out of the rules the page\'s stylesheet imports (the host declares the font)', async () => {
    const module = (await import(pathToFileURL(path.join(ROOT, 'scripts', 'codiconSubset.mjs')).href)) as { withoutFontFace(css: string): string };
    const rules = module.withoutFontFace((await subsetCodiconCss())(FULL_CSS, ['check']).css);
    assert.doesNotMatch(rules, /@font-face|codicon\.ttf/);
    assert.deepEqual(iconRules(rules), ['check']);
    assert.match(rules, /\.codicon\[class\*='codicon-'\] \{/);
  });

  it('the built stylesheet has the gallery icons and no other', function () {
    const built = path.join(ROOT, 'dist', 'webview', 'gallery.css');
    let css: string;
    try {
      css = readFileSync(built, 'utf8');
    } catch {
      this.skip(); // unit tests may run before a build; the browser and integration suites load the built page
      return;
    }
    assert.deepEqual(iconRules(css).sort(), [...GALLERY_ICONS].sort());
  });
});
