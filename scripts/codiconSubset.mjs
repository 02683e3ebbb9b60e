/**
 * Cuts the codicon stylesheet down to the icons the gallery uses (media/galleryIcons.ts): the @font-face, the base
 * rule and the modifiers stay, and of the ~650 `.codicon-<name>:before { content: "\eXXX" }` rules only the used
 * names'. Returns the code points of the kept glyphs, for cutting the font to the same set. Plain data in, plain
 * data out: esbuild.mjs does the files, test/unit/codiconSubset.test.ts checks it.
 */
const ICON_RULE = /^\.codicon-([a-z0-9-]+):before\s*\{\s*content:\s*"\\([0-9a-f]+)"\s*\}\s*$/i;

/**
 * @param {string} css the full codicon.css
 * @param {readonly string[]} names the icons to keep
 * @returns {{ css: string, codePoints: number[], missing: string[] }} `missing`: names with no rule in `css`
 */
export function subsetCodiconCss(css, names) {
  const wanted = new Set(names);
  const found = new Set();
  const codePoints = new Set();
  const kept = [];
  for (const line of css.split('\n')) {
    const rule = ICON_RULE.exec(line);
    if (!rule) {
      kept.push(line);
      continue;
    }
    const [, name, hex] = rule;
    if (!wanted.has(name)) continue;
    found.add(name);
    codePoints.add(parseInt(hex, 16));
    kept.push(line);
  }
  return {
    css: kept.join('\n'),
    codePoints: [...codePoints].sort((a, b) => a - b),
    missing: names.filter((name) => !found.has(name)),
  };
}

/**
 * `css` without its @font-face rule(s): the rules that draw the icons, for a page that declares the font itself
 * (the gallery's host knows the font's webview URI, a stylesheet written into the page cannot point at it).
 * @param {string} css
 * @returns {string}
 */
export function withoutFontFace(css) {
  return css.replace(/@font-face\s*\{[^}]*\}\s*/g, '');
}
