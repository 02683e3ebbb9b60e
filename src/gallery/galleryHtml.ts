import { randomBytes } from 'node:crypto';
// The one HTML escaper of the project (also used for inserted <img> references); valid in text and attributes.
import { escapeAttribute } from '../workspace/snippet';

/** Everything the page needs from the host; the URIs are webview URIs (`webview.asWebviewUri(...)`). */
export interface GalleryHtmlOptions {
  /** `webview.cspSource`: the only origin images, styles and fonts may come from. */
  readonly cspSource: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly codiconsUri: string;
  /** Display language (`vscode.env.language`) for `<html lang>`. */
  readonly lang: string;
  /** Already localized page title. */
  readonly title: string;
}

/** A fresh script nonce: 128 random bits, base64 (the CSP `nonce-` grammar allows base64 characters). */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/** `lang` must be a BCP 47 tag; anything else (it comes from the environment) falls back to English. */
function safeLang(lang: string): string {
  return /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(lang) ? lang : 'en';
}

/** The CSP of the gallery page: nothing by default, local resources only, one nonce'd script. */
export function galleryCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource}`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/**
 * Builds the gallery page. Pure apart from the nonce, which is fresh on every call (each render of the
 * webview gets its own). The page has no inline styles, scripts or handlers: the one script is the bundled
 * `dist/webview/gallery.js`, which renders everything from the host's `state` message.
 */
export function buildGalleryHtml(options: GalleryHtmlOptions, nonce: string = createNonce()): string {
  const attr = escapeAttribute;
  return `<!DOCTYPE html>
<html lang="${attr(safeLang(options.lang))}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(galleryCsp(options.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(options.codiconsUri)}">
<link rel="stylesheet" href="${attr(options.styleUri)}">
<title>${escapeAttribute(options.title)}</title>
</head>
<body>
<main id="gallery" aria-busy="true"></main>
<script defer nonce="${attr(nonce)}" src="${attr(options.scriptUri)}"></script>
</body>
</html>
`;
}
