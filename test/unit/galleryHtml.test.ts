import * as assert from 'node:assert/strict';
import { buildGalleryHtml, createNonce, galleryCsp, jsonForScriptElement, paintsFirstScreen, type GalleryHtmlOptions } from '../../src/gallery/galleryHtml';
import { FIRST_SCREEN_CARDS } from '../../src/gallery/firstScreenHtml';
import { stateMessages } from '../../src/gallery/galleryStateMessages';
import { FIRST_SCREEN_ELEMENT_ID, INITIAL_STATE_ELEMENT_ID, parseWebviewMessage, type GalleryItem, type HostToWebview } from '../../src/gallery/protocol';
import { HARNESS_STRINGS, syntheticItems } from '../gallery/harness';

const OPTIONS: GalleryHtmlOptions = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  script: '(()=>{const a="<\\/script>";document.title=a})();',
  stylesheet: '.card{display:grid}\n.codicon-check:before{content:"\\eab2"}',
  iconFont: Uint8Array.from([0, 1, 0, 0, 0, 0x0b, 0xfe, 0xff]),
  lang: 'ko',
  title: 'Apiframe Images',
};

function cspOf(html: string): string {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(content, 'no CSP meta tag');
  return content.replace(/&#39;/g, "'");
}

const imageUrl = (index: number): string => `https://file+.vscode-resource.vscode-cdn.net/cache/${index}.png`;

/** The host's first `state` for `items` (as GalleryPanel builds it). */
function stateOf(items: readonly GalleryItem[]): HostToWebview {
  const [first] = stateMessages(items, HARNESS_STRINGS, 'en');
  assert.ok(first);
  return first;
}

function nth<T>(list: readonly T[], index: number): T {
  const item = list[index];
  assert.ok(item !== undefined);
  return item;
}

describe('gallery page HTML', () => {
  it('declares the strict CSP: nothing by default, images from local resources, the font as data, a nonce for the script and the style', () => {
    const html = buildGalleryHtml(OPTIONS, 'abc123');
    const directives = cspOf(html).split(';').map((d) => d.trim());
    assert.deepEqual(directives, [
      "default-src 'none'",
      `img-src ${OPTIONS.cspSource}`,
      "style-src 'nonce-abc123'",
      'font-src data:',
      "script-src 'nonce-abc123'",
    ]);
    assert.doesNotMatch(cspOf(html), /unsafe-inline|unsafe-eval|\*|https?:\/\/(?!file\+\.vscode-resource)/);
    assert.equal(cspOf(html).match(/data:/g)?.length, 1, 'data: for fonts only');
    assert.equal(galleryCsp(OPTIONS.cspSource, 'n'), cspOf(buildGalleryHtml(OPTIONS, 'n')));
  });

  it('writes the bundled gallery script into the page as its one script, with the nonce, after the page', () => {
    const html = buildGalleryHtml(OPTIONS, 'N0nce+/=');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    const [, attributes, body] = scripts[0] ?? [];
    assert.equal(attributes, ' nonce="N0nce+/="', 'nothing to fetch, nothing deferred: it runs where the page ends');
    assert.equal(body, OPTIONS.script);
    assert.ok(html.indexOf('<script') > html.indexOf('</main>'), 'after the first screen it builds on');
  });

  it('refuses a script that would end its script element or keep the parser from ending it', () => {
    for (const script of ['a="</script>"', 'a="</SCRIPT "', 'a="<!--"; b="<script>"']) {
      assert.throws(() => buildGalleryHtml({ ...OPTIONS, script }, 'x'), /<\/script" or "<!--"/, script);
    }
  });

  it('embeds the first screen as an inert JSON data block that no prompt can end', () => {
    const prompt = '</script><script>alert(1)</script><!-- & \u2028\u2029 </SCRIPT >';
    const message = stateOf([{ ...nth(syntheticItems(1, imageUrl), 0), prompt, alt: prompt }]);
    const html = buildGalleryHtml({ ...OPTIONS, initialState: { snapshot: 3, message } }, 'n0');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    assert.equal(scripts.length, 2, 'the data block and the page script, nothing a prompt opened');
    const [data, page] = scripts;
    assert.ok(data && page);
    assert.equal(data[1], ` type="application/json" id="${INITIAL_STATE_ELEMENT_ID}" data-snapshot="3"`);
    assert.doesNotMatch(data[2] ?? '', /[<>&\u2028\u2029]/);
    assert.deepEqual(JSON.parse(data[2] ?? ''), message);
    assert.match(page[1] ?? '', /nonce="n0"/);
    assert.equal(JSON.parse(jsonForScriptElement(prompt)), prompt);
    assert.doesNotMatch(buildGalleryHtml({ ...OPTIONS, initialState: { snapshot: Number.NaN, message } }, 'n0'), /application\/json/);
  });

  it('accepts `ready` with the snapshot the page shows, and nothing else beside it', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'ready', shown: 2 }), { type: 'ready', shown: 2 });
    for (const shown of [0, -1, 1.5, '2', null, Number.MAX_VALUE]) assert.equal(parseWebviewMessage({ type: 'ready', shown }), undefined);
    assert.equal(parseWebviewMessage({ type: 'ready', shown: 1, extra: true }), undefined);
  });

  it('uses a fresh random nonce on every render', () => {
    const nonces = new Set(Array.from({ length: 20 }, () => /'nonce-([^']+)'/.exec(cspOf(buildGalleryHtml(OPTIONS)))?.[1]));
    assert.equal(nonces.size, 20);
    assert.match(createNonce(), /^[A-Za-z0-9+/]{22}==$/);
  });

  it('paints the first cards as inert markup, every piece of data as text, and their shapes in one nonce\'d style', () => {
    const hostile = '</main><script>alert(1)</script><img src=x onerror=alert(2)>"\'&';
    const [first, ...rest] = syntheticItems(40, imageUrl);
    assert.ok(first);
    const items: GalleryItem[] = [{ ...first, prompt: hostile, alt: hostile, savedPath: hostile }, ...rest];
    const html = buildGalleryHtml({ ...OPTIONS, initialState: { snapshot: 1, message: stateOf(items) } }, 'n0');
    const main = /<main id="gallery" aria-busy="true">([\s\S]*)<\/main>/.exec(html)?.[1] ?? '';
    assert.ok(main.startsWith(`<div class="first-screen" id="${FIRST_SCREEN_ELEMENT_ID}" aria-hidden="true" inert>`));
    assert.equal(main.match(/<article class="card/g)?.length, FIRST_SCREEN_CARDS, 'a screen of cards, not the whole first state');
    assert.ok(!main.includes(hostile) && !html.includes('<script>alert'), 'the prompt never appears unescaped');
    assert.ok(main.includes('&lt;/main&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;'));
    assert.doesNotMatch(main, /<(?!\/?(div|header|h1|span|input|button|article|img|p|time|progress)\b)/, 'only the renderer\'s own tags');
    // Inside tags (every `<` and `"` of the data is escaped, so a tag and a quoted value are the renderer's): no
    // style attribute, no handler.
    assert.doesNotMatch(main.replace(/"[^"]*"/g, '""'), /<[^>]*\s(style|on[a-z]+)=/i);
    // Thumbnail shapes only (numbers), after the stylesheet in the one style element, which carries the page's nonce.
    const styles = [...html.matchAll(/<style\b([^>]*)>([\s\S]*?)<\/style>/g)];
    assert.equal(styles.length, 1);
    assert.equal(styles[0]?.[1], ' nonce="n0"');
    const shapes = (styles[0]?.[2] ?? '').split(OPTIONS.stylesheet)[1]?.trim().split('\n') ?? [];
    assert.equal(shapes.length, FIRST_SCREEN_CARDS);
    for (const rule of shapes) assert.match(rule, /^\.first-screen \.card:nth-child\(\d+\) \.card-media\{aspect-ratio:1\/[\d.]+\}$/);

    // Nothing to paint: an empty history (the page shows its welcome), a restored page with a filter, no state.
    for (const options of [
      { ...OPTIONS, initialState: { snapshot: 1, message: stateOf([]) } },
      { ...OPTIONS, initialState: { snapshot: 1, message: stateOf(items) }, paintFirstScreen: false },
      OPTIONS,
    ]) {
      const plain = buildGalleryHtml(options, 'x');
      assert.doesNotMatch(plain, /first-screen|nth-child/);
    }
  });

  it('paints the first cards for a restored page only when it will show the whole history first', () => {
    for (const state of [undefined, null, 42, 'filter', {}, { scrollTop: 900 }, { filter: '' }, { filter: '   ' }, { filter: 7 }]) {
      assert.equal(paintsFirstScreen(state), true, JSON.stringify(state));
    }
    assert.equal(paintsFirstScreen({ filter: 'lighthouse' }), false);
    assert.equal(paintsFirstScreen({ scrollTop: 10, filter: ' x ' }), false);
  });

  it('writes the stylesheet and the icon font into one nonce\'d style element: nothing to fetch but the thumbnails', () => {
    const html = buildGalleryHtml(OPTIONS, 'x');
    assert.doesNotMatch(html, /<link\b/i);
    assert.doesNotMatch(html, /\sstyle=/i);
    assert.doesNotMatch(html, /\son[a-z]+=/i);
    assert.doesNotMatch(html, /javascript:/i);
    const styles = [...html.matchAll(/<style nonce="x">([\s\S]*?)<\/style>/g)];
    assert.equal(styles.length, 1);
    const css = styles[0]?.[1] ?? '';
    assert.ok(css.includes(OPTIONS.stylesheet), 'the stylesheet, as given');
    assert.ok(css.includes('@font-face{font-family:"codicon";font-display:block;src:url("data:font/ttf;base64,AAEAAAAL/v8=") format("truetype")}'));
    assert.ok(css.indexOf('@font-face') < css.indexOf(OPTIONS.stylesheet), 'the font is declared before the rules that use it');
  });

  it('refuses a stylesheet that would end its style element', () => {
    assert.throws(() => buildGalleryHtml({ ...OPTIONS, stylesheet: 'a{}</STYLE><script>alert(1)</script>' }, 'x'), /<\/style/);
  });

  it('sets <html lang> from the display language and refuses anything that is not a language tag', () => {
    assert.match(buildGalleryHtml(OPTIONS, 'x'), /<html lang="ko">/);
    assert.match(buildGalleryHtml({ ...OPTIONS, lang: 'zh-Hant' }, 'x'), /<html lang="zh-Hant">/);
    assert.match(buildGalleryHtml({ ...OPTIONS, lang: 'en"><script>alert(1)</script>' }, 'x'), /<html lang="en">/);
  });

  it('escapes what it interpolates', () => {
    const html = buildGalleryHtml({ ...OPTIONS, title: '<b>"x"</b>', cspSource: 'https://a/"onload="x' }, 'x');
    assert.ok(html.includes('<title>&lt;b&gt;&quot;x&quot;&lt;/b&gt;</title>'));
    assert.ok(html.includes('img-src https://a/&quot;onload=&quot;x;'));
  });
});
