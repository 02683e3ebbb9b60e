/**
 * The name of a result saved beside the image it was made from (`logo.png` → `logo-no-bg.png`), from the
 * `apiframe.resultFileName` pattern. Plain values only: the save layer numbers a taken name (`-2`, `-3`, …) and
 * writes it without overwriting.
 */
import { chosenFileName, type FileNameProblem, type ImageExtension } from './slug';

export const DEFAULT_RESULT_FILE_NAME = '${name}-${suffix}';

/** The variables a pattern may use: the source's name without its extension, and the action's suffix. */
const VARIABLES = ['name', 'suffix'] as const;
const VARIABLE = /\$\{([^}]*)\}/g;

/** Why a pattern cannot be used; the settings layer words it for the user. */
export type ResultFileNameProblem =
  | { readonly kind: 'notText' }
  | { readonly kind: 'unknownVariable'; readonly variable: string }
  | { readonly kind: 'noVariable' }
  | { readonly kind: 'separator' }
  | { readonly kind: 'extension' };

/**
 * Checks a pattern: text that uses at least one of `${name}` and `${suffix}` and no other variable, with no
 * folder in it (the result goes beside its source) and no extension of its own (the result's real one is added).
 */
export function parseResultFileName(value: unknown): { readonly pattern: string } | { readonly problem: ResultFileNameProblem } {
  if (typeof value !== 'string' || value.trim() === '') return { problem: { kind: 'notText' } };
  const used: string[] = [];
  for (const match of value.matchAll(VARIABLE)) {
    const variable = match[1] ?? '';
    if (!(VARIABLES as readonly string[]).includes(variable)) return { problem: { kind: 'unknownVariable', variable } };
    used.push(variable);
  }
  if (used.length === 0) return { problem: { kind: 'noVariable' } };
  const literal = value.replace(VARIABLE, '');
  if (/[/\\]/.test(literal)) return { problem: { kind: 'separator' } };
  if (/\.(png|jpe?g|webp|gif)$/i.test(value)) return { problem: { kind: 'extension' } };
  return { pattern: value };
}

export interface BesideOriginalRequest {
  /** A pattern `parseResultFileName` accepted. */
  readonly pattern: string;
  /** The source file's name (`logo.png`). */
  readonly sourceName: string;
  /** The action's suffix (`no-bg`, `2x`). */
  readonly suffix: string;
  /** The result's real format: its extension, whatever the source's was. */
  readonly extension: ImageExtension;
}

/**
 * `logo.png` + `no-bg` + png → `logo-no-bg.png`; a JPEG source whose result is a PNG gets `.png`. A name the
 * file system would refuse (a character Windows forbids in the source's name, a name too long) is the problem
 * `chosenFileName` finds.
 */
export function besideOriginalName(request: BesideOriginalRequest): { readonly name: string } | { readonly problem: FileNameProblem } {
  const dot = request.sourceName.lastIndexOf('.');
  const stem = dot > 0 ? request.sourceName.slice(0, dot) : request.sourceName;
  const values: Record<(typeof VARIABLES)[number], string> = { name: stem, suffix: request.suffix };
  const base = request.pattern.replace(VARIABLE, (_match, variable: string) => values[variable as (typeof VARIABLES)[number]] ?? '');
  return chosenFileName(`${base}.${request.extension}`, request.extension);
}

/** The extension of a result by its MIME type. */
export function extensionOfMime(mime: 'image/png' | 'image/jpeg' | 'image/webp'): ImageExtension {
  return mime === 'image/jpeg' ? 'jpg' : mime === 'image/webp' ? 'webp' : 'png';
}
