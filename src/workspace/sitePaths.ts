/**
 * The `apiframe.sitePaths` setting: workspace folders a web site serves, and the site path each is served
 * under (`{ "public": "/", "static": "/static" }`), so an image saved under `public/img/` is linked as
 * `/img/x.png` — the link that works on the site — instead of a path relative to the document.
 *
 * Site paths are used in the web syntaxes a site's build resolves against its served folders: HTML and the
 * template languages, JSX/TSX, MDX and CSS. Not in Markdown: VS Code's Markdown preview resolves a path
 * starting with `/` against the workspace folder (so `/img/x.png` would show a broken image for
 * `public/img/x.png`), and so do GitHub and most Markdown readers; a relative path works in all of them.
 *
 * Pure (no `vscode`); the setting comes from a workspace's `.vscode/settings.json` too, so every entry is
 * checked and a bad one is refused with a message naming the setting and the entry.
 */
import { posix } from 'node:path';
import { quoteForMessage } from '../shared/text';
import { referenceSyntaxFor } from './snippet';

/** One served folder: `folder` relative to the workspace folder (`''` for the folder itself), and its site path. */
export interface SitePathMapping {
  /** Normalised: `/` separators, no `./`, no trailing `/`; `''` is the workspace folder itself. */
  readonly folder: string;
  /** Starts with `/`, no trailing `/` except for `/` itself. */
  readonly sitePath: string;
}

export type SitePathsResult = { readonly ok: true; readonly mappings: readonly SitePathMapping[] } | { readonly ok: false; readonly message: string };

const SETTING = 'apiframe.sitePaths';
const CONTROL_OR_INVISIBLE = /[\p{Cc}\u2028\u2029\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/u;

function refuse(entry: string, problem: string): SitePathsResult {
  return { ok: false, message: `The entry ${entry} of the setting ${SETTING} ${problem}` };
}

/** The folder key, normalised; a string saying what is wrong otherwise. */
function normaliseFolder(key: string): { folder: string } | { problem: string } {
  if (CONTROL_OR_INVISIBLE.test(key)) return { problem: 'holds a control or invisible character.' };
  const slashed = key.trim().replace(/\\/g, '/');
  if (slashed.startsWith('/') || /^[A-Za-z]:/.test(slashed) || slashed.startsWith('~') || /^[a-z][a-z0-9+.-]*:/i.test(slashed)) {
    return { problem: 'is not a folder relative to the workspace folder (such as "public").' };
  }
  const segments = slashed.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) return { problem: 'leads outside the workspace folder (".." is not allowed).' };
  return { folder: segments.join('/') };
}

/** The site path, normalised; a string saying what is wrong otherwise. */
function normaliseSitePath(value: unknown): { sitePath: string } | { problem: string } {
  if (typeof value !== 'string') return { problem: 'must map the folder to a site path in quotes, such as "/".' };
  const trimmed = value.trim();
  if (CONTROL_OR_INVISIBLE.test(trimmed)) return { problem: 'has a site path with a control or invisible character.' };
  if (!trimmed.startsWith('/') || trimmed.startsWith('//')) {
    return { problem: 'has a site path that does not start with a single "/" (such as "/" or "/static").' };
  }
  if (/[\\?#]/.test(trimmed)) return { problem: 'has a site path with "\\", "?" or "#".' };
  const segments = trimmed.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '.' || segment === '..')) return { problem: 'has a site path with "." or ".." in it.' };
  return { sitePath: `/${segments.join('/')}` };
}

/**
 * The mappings of the setting's value (`undefined` or `{}`: none), or a message naming the setting and the
 * first bad entry. Two entries for the same folder (`public` and `public/`) are refused too.
 */
export function parseSitePaths(value: unknown): SitePathsResult {
  if (value === undefined || value === null) return { ok: true, mappings: [] };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, message: `The setting ${SETTING} must map folders to site paths, such as { "public": "/" }.` };
  }
  const mappings: SitePathMapping[] = [];
  for (const [key, sitePathValue] of Object.entries(value as Record<string, unknown>)) {
    const entry = quoteForMessage(key, 80);
    const folder = normaliseFolder(key);
    if ('problem' in folder) return refuse(entry, folder.problem);
    const sitePath = normaliseSitePath(sitePathValue);
    if ('problem' in sitePath) return refuse(entry, sitePath.problem);
    if (mappings.some((mapping) => mapping.folder === folder.folder)) return refuse(entry, 'names a folder that another entry names already.');
    mappings.push({ folder: folder.folder, sitePath: sitePath.sitePath });
  }
  return { ok: true, mappings };
}

/** True when references in a document of `languageId` use site paths (see the module comment). */
export function usesSitePaths(languageId: string): boolean {
  const syntax = referenceSyntaxFor(languageId);
  return syntax === 'html' || syntax === 'jsx' || syntax === 'mdx' || syntax === 'css';
}

/**
 * The site path of the file at `relativePath` (relative to the workspace folder, POSIX) under the
 * mapping whose folder holds it — the longest such folder wins (`public/docs` before `public`) —, or
 * `undefined` when no mapped folder holds it. Comparison is by whole segments and exact case.
 */
export function sitePathFor(mappings: readonly SitePathMapping[], relativePath: string): string | undefined {
  // A POSIX path (from `Uri.path`): a backslash there is part of a name, not a separator.
  const file = posix.normalize(relativePath);
  if (file.startsWith('../') || file === '..' || file.startsWith('/')) return undefined;
  let best: SitePathMapping | undefined;
  for (const mapping of mappings) {
    const inside = mapping.folder === '' || file.startsWith(`${mapping.folder}/`);
    if (inside && (!best || mapping.folder.length > best.folder.length)) best = mapping;
  }
  if (!best) return undefined;
  const rest = best.folder === '' ? file : file.slice(best.folder.length + 1);
  return best.sitePath === '/' ? `/${rest}` : `${best.sitePath}/${rest}`;
}
