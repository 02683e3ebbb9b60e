/**
 * Resolves the "destination" setting (where saved images go) to a folder inside the workspace folder.
 *
 * Works on POSIX path strings — `vscode.Uri.path` of the workspace folder and of the document — never on OS
 * paths, so the same rules hold for local, remote, WSL and virtual workspaces (the caller rebuilds a Uri with
 * `folderUri.with({ path: folderPath })`). No `vscode` import: unit-tested in plain Node.
 *
 * The setting is written by the user or by a workspace's `.vscode/settings.json`, which may be hostile, so
 * anything that could lead outside the workspace folder is refused with a message that says how to fix it.
 */
import { posix } from 'node:path';
import { quoteForMessage } from '../shared/text';

export const DEFAULT_DESTINATION = 'images';

/** The variables the setting may use; `${workspaceFolder}` and `${documentDirName}` are absolute paths. */
export const DESTINATION_VARIABLES = ['workspaceFolder', 'documentDirName', 'documentBaseName', 'date'] as const;
export type DestinationVariable = (typeof DESTINATION_VARIABLES)[number];

export interface DestinationInput {
  /** `Uri.path` of the workspace folder of the active document, e.g. `/home/me/site` or `/c:/Users/me/site`. */
  readonly workspaceFolderPath: string;
  /** `Uri.path` of the active document, when there is one (untitled documents have none). */
  readonly documentPath?: string;
  /** The setting's value; `undefined`, empty or blank means {@link DEFAULT_DESTINATION}. */
  readonly setting?: string;
  /** Clock for `${date}` (the local date); defaults to the real one. */
  readonly now?: () => Date;
}

export type DestinationResult =
  /** `folderPath`: absolute, normalised POSIX path inside (or equal to) the workspace folder, no trailing `/`;
   *  `relativePath`: the same relative to the workspace folder (`''` for the folder itself). */
  | { readonly ok: true; readonly folderPath: string; readonly relativePath: string }
  | { readonly ok: false; readonly message: string };

/** `YYYY-MM-DD` of `date` in local time: the day the user sees on their clock. */
export function formatLocalDate(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** `/C:/x` and `/c:/x` name the same Windows folder; VS Code is not consistent about the drive letter's case. */
function normaliseDriveLetter(path: string): string {
  return path.replace(/^\/([A-Za-z]):(?=\/|$)/, (_match, drive: string) => `/${drive.toLowerCase()}:`);
}

/** Normalised absolute POSIX path without a trailing `/` (except the root itself). */
function normaliseAbsolute(path: string): string {
  const normalised = normaliseDriveLetter(posix.normalize(path));
  return normalised.length > 1 && normalised.endsWith('/') ? normalised.slice(0, -1) : normalised;
}

/**
 * True when `candidate` is `folder` itself or lies below it, comparing whole path segments (`/ws2` is not inside
 * `/ws`) after resolving `.` and `..`. Both must be absolute POSIX paths; anything else is "not inside".
 */
export function isInside(folder: string, candidate: string): boolean {
  if (!folder.startsWith('/') || !candidate.startsWith('/')) return false;
  if (folder.includes('\0') || candidate.includes('\0')) return false;
  const base = normaliseAbsolute(folder);
  const target = normaliseAbsolute(candidate);
  if (base === '/') return true;
  return target === base || target.startsWith(`${base}/`);
}

/** Invisible format characters that can reorder or hide parts of a path: bidi controls, zero-width characters. */
export const INVISIBLE_OR_BIDI = /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/u;

/** Shows a setting value in a message without letting control characters or huge values garble it. */
function quote(value: string, maxGraphemes = 200): string {
  return quoteForMessage(value, maxGraphemes);
}

/**
 * Name and path limits of the file systems a workspace may live on. Every common one (ext4, APFS, NTFS, btrfs,
 * XFS) allows at most 255 bytes per name (NTFS counts 255 UTF-16 units, which a UTF-8 limit of 255 bytes
 * always satisfies); Linux refuses paths over 4096 bytes (PATH_MAX). Windows' classic 260-character MAX_PATH
 * does not bind VS Code and Node (they use long `\\?\` paths), but other tools on the machine may choke on
 * longer paths, so a destination beyond it is still allowed and only the POSIX limit is enforced.
 * The saved file's own name (at most ~140 bytes, see slug.ts) must still fit below the folder.
 */
export const MAX_NAME_BYTES = 255;
export const MAX_PATH_BYTES = 4096;
const FILE_NAME_RESERVE_BYTES = 160;

function fail(setting: string, problem: string): DestinationResult {
  return {
    ok: false,
    message:
      `The image destination ${quote(setting)} (setting apiframe.destination) ${problem} Use a folder relative to the workspace folder, ` +
      `such as "${DEFAULT_DESTINATION}" or "\${documentDirName}/${DEFAULT_DESTINATION}".`,
  };
}

/** Characters Windows refuses in names (besides separators), plus control characters. */
// eslint-disable-next-line no-control-regex
export const INVALID_NAME_CHARACTER = /[<>:"|?*\u0000-\u001f\u007f]/;
const RESERVED_SEGMENT = /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])(\..*)?$/i;

/**
 * Resolves the destination setting for the active document. Relative settings are relative to the workspace
 * folder; `${workspaceFolder}` or `${documentDirName}` may start the setting to anchor it elsewhere inside the
 * folder. Backslashes count as separators (so `..\..` is caught on every OS). Refused, with a message: `..` or
 * absolute paths leading outside the folder, drive letters, UNC and `~` paths, URLs, control characters,
 * characters or device names Windows refuses, unknown variables, and document variables without a document.
 */
export function resolveDestination(input: DestinationInput): DestinationResult {
  const raw = input.setting ?? '';
  const setting = raw.trim() === '' ? DEFAULT_DESTINATION : raw.trim();
  const workspaceFolder = input.workspaceFolderPath;
  if (!workspaceFolder.startsWith('/') || workspaceFolder.includes('\0')) {
    return { ok: false, message: `The workspace folder path ${quote(workspaceFolder)} is not an absolute path.` };
  }
  const refusal = refusalOfSetting(setting);
  if (refusal) return fail(setting, refusal);
  const expanded = expandVariables(setting, input);
  if (!expanded.ok) return fail(setting, expanded.problem);
  const absolute = expanded.path.startsWith('/') ? expanded.path : `${workspaceFolder}/${expanded.path}`;
  const folderPath = normaliseAbsolute(absolute);
  const base = normaliseAbsolute(workspaceFolder);
  if (!isInside(base, folderPath)) {
    return fail(
      setting,
      expanded.path.startsWith('/') && !setting.startsWith('${')
        ? 'is an absolute path outside the workspace folder.'
        : 'leads outside the workspace folder.',
    );
  }
  const relativePath = folderPath === base ? '' : posix.relative(base, folderPath);
  const segmentProblem = refusalOfFolderNames(relativePath) ?? refusalOfLength(folderPath);
  if (segmentProblem) return fail(setting, segmentProblem);
  return { ok: true, folderPath, relativePath };
}

/** What is wrong with the setting as written, before any variable is expanded (undefined: nothing). */
function refusalOfSetting(setting: string): string | undefined {
  if (setting.includes('\0') || /\p{Cc}/u.test(setting)) return 'contains control characters.';
  if (INVISIBLE_OR_BIDI.test(setting)) return 'contains invisible or bidirectional control characters, which can disguise a path.';
  if (/^[A-Za-z]:/.test(setting) || /^[\\/]{2}/.test(setting)) {
    return 'is a drive letter or network (UNC) path; destinations outside the workspace are not allowed.';
  }
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(setting)) return 'is a URL; it must be a folder path.';
  if (setting === '~' || setting.startsWith('~/') || setting.startsWith('~\\')) return 'starts with "~"; home-folder paths are not allowed.';
  return undefined;
}

/**
 * Expands the variables into a POSIX path (relative to the workspace folder, or absolute when it starts with
 * `${workspaceFolder}` / `${documentDirName}`). The user-written parts in between are checked for characters
 * Windows refuses, and their backslashes count as separators (a Windows habit); variable values are literal.
 */
function expandVariables(setting: string, input: DestinationInput): { ok: true; path: string } | { ok: false; problem: string } {
  const workspaceFolder = input.workspaceFolderPath;
  const document = input.documentPath;
  const values: Record<DestinationVariable, () => string | undefined> = {
    workspaceFolder: () => workspaceFolder,
    documentDirName: () => (document ? posix.dirname(document) : undefined),
    documentBaseName: () => (document ? posix.parse(document).name : undefined),
    date: () => formatLocalDate((input.now ?? (() => new Date()))()),
  };
  const refuse = (problem: string) => ({ ok: false as const, problem });
  let expanded = '';
  let lastIndex = 0;
  const variablePattern = /\$\{([^}]*)\}/g;
  for (let match = variablePattern.exec(setting); match; match = variablePattern.exec(setting)) {
    const literal = setting.slice(lastIndex, match.index);
    if (INVALID_NAME_CHARACTER.test(literal)) return refuse('contains a character that is not allowed in folder names (<>:"|?*).');
    expanded += literal.replace(/\\/g, '/');
    const name = match[1] ?? '';
    if (!(DESTINATION_VARIABLES as readonly string[]).includes(name)) {
      return refuse(`uses the unknown variable \${${name}}. Known variables: ${DESTINATION_VARIABLES.map((v) => `\${${v}}`).join(', ')}.`);
    }
    const variable = name as DestinationVariable;
    if ((variable === 'workspaceFolder' || variable === 'documentDirName') && match.index !== 0) {
      return refuse(`uses \${${variable}} in the middle; it is an absolute path and may only start the setting.`);
    }
    const value = values[variable]();
    if (value === undefined) return refuse(`uses \${${variable}}, which needs a saved document; open one or change the setting.`);
    if (variable === 'documentDirName' && !isInside(workspaceFolder, value)) {
      return refuse('uses ${documentDirName}, but the document is outside the workspace folder.');
    }
    expanded += value;
    lastIndex = match.index + match[0].length;
  }
  const tail = setting.slice(lastIndex);
  if (INVALID_NAME_CHARACTER.test(tail) || tail.includes('${')) {
    return refuse('contains a character that is not allowed in folder names (<>:"|?*) or an unclosed "${".');
  }
  return { ok: true, path: expanded + tail.replace(/\\/g, '/') };
}

/** The folder names the path resolves to, checked as Windows would (the document's name can bring them in). */
export function refusalOfFolderNames(relativePath: string): string | undefined {
  if (/\p{Cc}/u.test(relativePath) || INVISIBLE_OR_BIDI.test(relativePath)) {
    return `resolves to ${quote(relativePath)}, a folder name with control or invisible characters.`;
  }
  for (const segment of relativePath.split('/')) {
    if (segment === '') continue;
    if (RESERVED_SEGMENT.test(segment.replace(/[ ]+$/, ''))) return `contains the folder name ${quote(segment)}, which Windows reserves for devices.`;
    if (/[. ]$/.test(segment)) return `contains the folder name ${quote(segment)}, which ends in a dot or space (invalid on Windows).`;
    const bytes = Buffer.byteLength(segment, 'utf8');
    if (bytes > MAX_NAME_BYTES) {
      return `contains the folder name ${quote(segment, 60)} of ${bytes} bytes; file systems allow at most ${MAX_NAME_BYTES} bytes (UTF-8) per name.`;
    }
  }
  return undefined;
}

/** The whole folder path, with room for the file name saved in it, within {@link MAX_PATH_BYTES}. */
function refusalOfLength(folderPath: string): string | undefined {
  const bytes = Buffer.byteLength(folderPath, 'utf8');
  if (bytes + 1 + FILE_NAME_RESERVE_BYTES <= MAX_PATH_BYTES) return undefined;
  return `resolves to a folder path of ${bytes} bytes; with the image's name it would exceed the ${MAX_PATH_BYTES}-byte path limit.`;
}
