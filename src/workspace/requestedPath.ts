/**
 * Where an image goes when the caller names the place itself (the agent tool's `path`): a folder, or a file
 * name ending in an image extension, inside one of the workspace folders. The path comes from a language
 * model, which a prompt in any file of the project may steer, so anything that could lead outside the
 * workspace is refused with a sentence the model can act on.
 *
 * POSIX path strings only (`vscode.Uri.path` of the folders), like destination.ts, so the rules hold for
 * local, remote, WSL and virtual workspaces; no `vscode` import.
 */
import { posix } from 'node:path';
import { quoteForMessage } from '../shared/text';
import { INVALID_NAME_CHARACTER, INVISIBLE_OR_BIDI, MAX_PATH_BYTES, isInside, refusalOfFolderNames } from './destination';
import { chosenFileName, type FileNameProblem, type ImageExtension } from './slug';

export interface WorkspaceFolderPath {
  /** The folder's name as VS Code shows it (a multi-root path may start with it). */
  readonly name: string;
  /** `Uri.path` of the folder. */
  readonly path: string;
}

export type RequestedPath =
  | {
      readonly ok: true;
      /** Index of the workspace folder the path lies in. */
      readonly folderIndex: number;
      /** Absolute, normalised POSIX path of the folder the image goes into (created when missing). */
      readonly folderPath: string;
      /** The file name asked for, when the path names a file; without it the caller picks the name. */
      readonly fileName?: string;
      /** The extension the file name asked for (`jpeg` counts as `jpg`). */
      readonly extension?: ImageExtension;
    }
  | { readonly ok: false; readonly message: string };

/** Extensions a requested file may end in; anything else with a dot in its last part is refused. */
const IMAGE_EXTENSIONS: Readonly<Record<string, ImageExtension>> = { png: 'png', jpg: 'jpg', jpeg: 'jpg', webp: 'webp' };

/**
 * Resolves `requested` against the workspace folders. Relative paths are relative to the first folder — or,
 * in a multi-root workspace, to the folder whose name starts the path. Absolute paths must lie inside a
 * workspace folder. A trailing `/` or a last part without a dot names a folder; a last part ending in
 * `.png`, `.jpg`, `.jpeg` or `.webp` names the file. Backslashes count as separators. Refused, with a message:
 * `..` leading outside, absolute paths elsewhere, drive letters outside, UNC, `~` and URL paths, control or
 * invisible characters, names Windows refuses, other extensions, paths too long.
 */
export function resolveRequestedPath(requested: string, folders: readonly WorkspaceFolderPath[]): RequestedPath {
  const refuse = (problem: string): RequestedPath => ({ ok: false, message: `The path ${quoteForMessage(requested, 200)} ${problem}` });
  if (folders.length === 0) return { ok: false, message: 'No workspace folder is open, so there is nowhere to save the image. Ask the user to open a folder.' };
  const trimmed = requested.trim();
  if (trimmed === '') return refuse('is empty. Give a folder or a file name inside the workspace, such as "images/" or "images/hero.png".');
  if (trimmed.includes('\0') || /\p{Cc}/u.test(trimmed)) return refuse('contains control characters.');
  if (INVISIBLE_OR_BIDI.test(trimmed)) return refuse('contains invisible or bidirectional control characters, which can disguise a path.');
  if (/^[\\/]{2}/.test(trimmed)) return refuse('is a network (UNC) path; images are saved only inside the workspace.');
  if (/^[A-Za-z][A-Za-z0-9+.-]+:/.test(trimmed)) return refuse('is a URL; give a path inside the workspace.');
  if (trimmed === '~' || /^~[\\/]/.test(trimmed)) return refuse('starts with "~"; home-folder paths are not allowed. Give a path inside the workspace.');
  const slashed = trimmed.replace(/\\/g, '/');
  // `C:/x` is the folder Uri.path `/c:/x` on Windows.
  const drive = /^([A-Za-z]):(\/|$)/.exec(slashed);
  const posixPath = drive ? `/${(drive[1] ?? '').toLowerCase()}:${slashed.slice(2)}` : slashed;
  const namesFolder = posixPath.endsWith('/') || /\/\.{1,2}$/.test(posixPath) || posixPath === '.' || posixPath === '..';

  let folderIndex: number;
  let absolute: string;
  if (posixPath.startsWith('/')) {
    folderIndex = innermostFolderOf(posixPath, folders);
    if (folderIndex === -1) return refuse('is outside the workspace. Give a path relative to the workspace folder, such as "images/hero.png".');
    absolute = posixPath;
  } else {
    const first = posixPath.split('/')[0] ?? '';
    const named = folders.length > 1 ? folders.findIndex((folder) => folder.name === first) : -1;
    folderIndex = named === -1 ? 0 : named;
    const base = folders[folderIndex]?.path ?? '/';
    absolute = `${base}/${named === -1 ? posixPath : posixPath.slice(first.length + 1)}`;
  }
  const folder = folders[folderIndex];
  if (!folder) return refuse('is outside the workspace.');
  const normalised = withoutTrailingSlash(posix.normalize(absolute));
  if (!isInside(folder.path, normalised)) {
    return refuse('leads outside the workspace folder. Give a path inside it, without "..", such as "images/hero.png".');
  }

  const lastPart = posix.basename(normalised);
  const dot = lastPart.lastIndexOf('.');
  const asFile = !namesFolder && dot > 0 && normalised !== withoutTrailingSlash(posix.normalize(folder.path));
  let folderPath = normalised;
  let fileName: string | undefined;
  let extension: ImageExtension | undefined;
  if (asFile) {
    extension = IMAGE_EXTENSIONS[lastPart.slice(dot + 1).toLowerCase()];
    if (!extension) return refuse('names a file that is not a .png, .jpg, .jpeg or .webp image. Give an image file name or a folder.');
    const chosen = chosenFileName(lastPart, extension);
    if ('problem' in chosen) return refuse(fileNameProblemText(chosen.problem));
    fileName = chosen.name;
    folderPath = posix.dirname(normalised);
  }
  const base = withoutTrailingSlash(posix.normalize(folder.path));
  const relative = folderPath === base ? '' : posix.relative(base, folderPath);
  if (INVALID_NAME_CHARACTER.test(relative)) return refuse('contains a character that is not allowed in folder names (<>:"|?*).');
  const folderProblem = refusalOfFolderNames(relative);
  if (folderProblem) return refuse(folderProblem);
  if (Buffer.byteLength(normalised, 'utf8') + 160 > MAX_PATH_BYTES) return refuse(`is too long: paths are limited to ${MAX_PATH_BYTES} bytes.`);
  return { ok: true, folderIndex, folderPath, ...(fileName !== undefined && extension ? { fileName, extension } : {}) };
}

/** The workspace folder an absolute path lies in (the innermost, when folders nest); -1 when none. */
function innermostFolderOf(path: string, folders: readonly WorkspaceFolderPath[]): number {
  let found = -1;
  for (const [index, folder] of folders.entries()) {
    if (!isInside(folder.path, path)) continue;
    if (found === -1 || (folders[found]?.path.length ?? 0) < folder.path.length) found = index;
  }
  return found;
}

function withoutTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function fileNameProblemText(problem: FileNameProblem): string {
  switch (problem.kind) {
    case 'empty':
    case 'dotsOnly':
      return 'has no file name.';
    case 'separator':
      return 'has a file name with a separator.';
    case 'invalidCharacter':
      return `has a file name with ${JSON.stringify(problem.character)}, which some systems refuse.`;
    case 'reserved':
      return 'has a file name Windows reserves for devices (CON, NUL, COM1…).';
    case 'tooLong':
      return `has a file name longer than ${problem.maxBytes} bytes.`;
    case 'otherExtension':
      return `names a file whose extension does not match a .${problem.extension} image.`;
  }
}
