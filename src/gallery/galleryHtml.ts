import { randomBytes } from 'node:crypto';
// The one HTML escaper of the project (also used for inserted <img> references); valid in text and attributes.
import { escapeAttribute } from '../workspace/snippet';
import { firstScreen, type FirstScreen } from './firstScreenHtml';
import { INITIAL_STATE_ELEMENT_ID, type HostToWebview } from './protocol';

/**
 * Everything the page needs from the host. Its script, stylesheet and icon font are written into the HTML: a VS
 * Code webview keeps its page hidden until the page's `load` event (or 200 ms after writing it), and every
 * subresource the page fetches — through the webview's service worker and the extension host — holds that event
 * back. Only the thumbnails are fetched (lazily, so they do not hold it back either).
 */
export interface GalleryHtmlOptions {
  /** `webview.cspSource`: the only origin images may come from. */
  readonly cspSource: string;
  /**
   * The page's script as text (dist/webview/gallery.js), run where the page's HTML ends: a fetched script
   * would hold back the `load` event that shows the page, and the page would start only after that round trip.
   */
  readonly script: string;
  /**
   * The page's stylesheet as text (dist/webview/gallery.css: the gallery's rules and the codicon rules), written
   * into the page: a linked stylesheet blocks the first paint until a webview has fetched it through its service
   * worker.
   */
  readonly stylesheet: string;
  /** The codicon font (dist/codicons/codicon.ttf, cut down to the gallery's ~5 KB of icons), declared as data. */
  readonly iconFont: Uint8Array;
  /** Display language (`vscode.env.language`) for `<html lang>`. */
  readonly lang: string;
  /** Already localized page title. */
  readonly title: string;
  /**
   * The history's first `state` message, rendered by the page's script as it starts: the first cards are
   * painted in the page's first frame instead of after a round trip to the host. `snapshot` names it: the
   * page's `ready` says it shows it, and the host then sends only the rest (or everything, if it changed).
   */
  readonly initialState?: { readonly snapshot: number; readonly message: HostToWebview };
  /**
   * Whether the page's HTML also carries the embedded state's first cards as markup (firstScreenHtml.ts), so
   * they are painted before the page's script runs. Default true; false when the page will not show the top
   * of the unfiltered list first (a restored page with a filter).
   */
  readonly paintFirstScreen?: boolean;
}

/**
 * JSON that is safe as the text of a `<script type="application/json">` element: `<`, `>` and `&` are
 * escaped (JSON.parse reads `\u003c` back as `<`), so no prompt can end the element or open another, and
 * U+2028/U+2029 are escaped for any reader that treats the text as JavaScript.
 */
export function jsonForScriptElement(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Whether a page restored with `savedState` (what it last passed to `setState`) shows the top of the whole
 * history first, as the first screen's picture does: not when it was filtered (it shows only the matches).
 */
export function paintsFirstScreen(savedState: unknown): boolean {
  if (typeof savedState !== 'object' || savedState === null || !('filter' in savedState)) return true;
  const { filter } = savedState;
  return typeof filter !== 'string' || filter.trim() === '';
}

/** A fresh script nonce: 128 random bits, base64 (the CSP `nonce-` grammar allows base64 characters). */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/** `lang` must be a BCP 47 tag; anything else (it comes from the environment) falls back to English. */
function safeLang(lang: string): string {
  return /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(lang) ? lang : 'en';
}

/**
 * The CSP of the gallery page: nothing by default, images from the extension's resources only, the icon font
 * as the page's own data, one nonce'd script and one nonce'd `<style>` (the page's stylesheet and the first
 * screen's thumbnail shapes).
 */
export function galleryCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource}`,
    `style-src 'nonce-${nonce}'`,
    'font-src data:',
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/**
 * Builds the gallery page. Pure apart from the nonce (fresh on every call: each render of the webview gets
 * its own) and the clock of the first screen's elapsed times. The page has no inline handlers or style
 * attributes: the one script is the bundled `dist/webview/gallery.js` (written in, nonce'd), which renders
 * everything from the host's `state` messages (the first one may be embedded as JSON data, see
 * `initialState`); until it has, the first cards are a picture in the HTML (`paintFirstScreen`), styled by one
 * nonce'd `<style>` of numbers.
 */
export function buildGalleryHtml(options: GalleryHtmlOptions, nonce: string = createNonce()): string {
  const attr = escapeAttribute;
  const message = options.initialState?.message;
  const painted: FirstScreen | undefined =
    options.paintFirstScreen !== false && message?.type === 'state' && Number.isSafeInteger(options.initialState?.snapshot)
      ? firstScreen(message, options.title)
      : undefined;
  return `<!DOCTYPE html>
<html lang="${attr(safeLang(options.lang))}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(galleryCsp(options.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeAttribute(options.title)}</title>
<style nonce="${attr(nonce)}">
${codiconFontFace(options.iconFont)}
${styleElementText(options.stylesheet)}
${painted?.css ?? ''}
</style>
</head>
<body>
<main id="gallery" aria-busy="true">${painted?.html ?? ''}</main>
${initialStateElement(options.initialState)}<script nonce="${attr(nonce)}">${scriptElementText(options.script)}</script>
</body>
</html>
`;
}

/** The codicon font's @font-face (as @vscode/codicons declares it), with the font as a data URL: nothing to fetch. */
function codiconFontFace(font: Uint8Array): string {
  // Base64's alphabet has nothing that could end the CSS string or the element.
  return `@font-face{font-family:"codicon";font-display:block;src:url("data:font/ttf;base64,${Buffer.from(font).toString('base64')}") format("truetype")}`;
}

/**
 * The stylesheet as the text of a `<style>` element. It is the extension's own built file, never user data; a
 * `</style` in it would end the element early (and CSS has no escape for it outside strings), so it is refused.
 */
function styleElementText(css: string): string {
  if (/<\/style/i.test(css)) throw new Error('The gallery stylesheet contains "</style", which would end its <style> element');
  return css;
}

/**
 * The script as the text of a `<script>` element. It is the extension's own bundle, never user data; a
 * `</script` in it would end the element early and a `<!--` could keep the parser from ending it, so either is
 * refused (esbuild writes neither: it escapes `</script` in strings).
 */
function scriptElementText(js: string): string {
  if (/<\/script|<!--/i.test(js)) throw new Error('The gallery script contains "</script" or "<!--", which would break its <script> element');
  return js;
}

function initialStateElement(initial: GalleryHtmlOptions['initialState']): string {
  if (initial === undefined || !Number.isSafeInteger(initial.snapshot)) return '';
  // A data block: CSP does not apply to it because it never runs; the page reads its text with JSON.parse.
  return `<script type="application/json" id="${INITIAL_STATE_ELEMENT_ID}" data-snapshot="${initial.snapshot}">${jsonForScriptElement(initial.message)}</script>\n`;
}
