/**
 * File names for saved images, derived from the prompt: `<slug>-<short job id>.<ext>`.
 *
 * The names must be valid on Windows, macOS and Linux at once, because a workspace may be shared between them
 * (or live on a remote / WSL / virtual file system). Pure string logic, no `vscode` and no file system: the
 * caller checks existence through `workspace.fs` via the `exists` callback of {@link uniqueName}.
 */

export type ImageExtension = 'png' | 'jpg' | 'webp';

/** Used when a prompt leaves nothing readable (only emoji, punctuation or control characters). */
export const FALLBACK_SLUG = 'image';

/**
 * Upper bounds for the slug part. Characters keep names readable in explorers and tabs; the byte bound keeps
 * non-Latin names (3 bytes per Hangul syllable in UTF-8) far below the 255-byte name limit of ext4/APFS and
 * leaves room for the job id, the `-2` counter and the extension.
 */
export const SLUG_MAX_CHARS = 60;
export const SLUG_MAX_BYTES = 120;

/** Characters of the job id kept in the name: enough to tell images of the same prompt apart. */
export const SHORT_JOB_ID_LENGTH = 8;

/** Windows device names, reserved with any extension (`nul.png`) and in any case; `COM¹`…`LPT³` included. */
const RESERVED_DEVICE_NAME = /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3]|conin\$|conout\$)$/i;

/** Apostrophes inside words are dropped rather than turned into separators: "don't" → "dont". */
const APOSTROPHES = new Set(["'", '\u2019', '\u02bc']);

/** Variation selectors follow emoji and CJK ideographs; they carry no readable content of their own. */
function isVariationSelector(codePoint: number): boolean {
  return (codePoint >= 0xfe00 && codePoint <= 0xfe0f) || (codePoint >= 0xe0100 && codePoint <= 0xe01ef);
}

/** Combining marks kept after a letter; longer runs ("Zalgo" text) are cut to this many. */
const MAX_MARKS_PER_LETTER = 3;

/**
 * True when `stem` (the part of a name before its first dot, trailing spaces ignored) is a Windows device
 * name such as `CON`, `nul` or `COM1`. Windows refuses to create such files, with or without an extension.
 */
export function isReservedDeviceName(name: string): boolean {
  const stem = (name.split('.')[0] ?? '').replace(/[ ]+$/, '');
  return RESERVED_DEVICE_NAME.test(stem);
}

/** UTF-8 length of a string, for file-system name limits counted in bytes. */
export function utf8ByteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/**
 * A readable, file-name-safe slug of free text, or `''` when nothing readable is left.
 *
 * - NFKC-normalised (full-width letters and compatibility forms become their plain equivalents, and the result
 *   is NFC), then lower-cased;
 * - letters and digits of every script are kept (Korean, Japanese, Cyrillic… stay readable), with at most
 *   {@link MAX_MARKS_PER_LETTER} combining marks after each;
 * - apostrophes inside words are dropped; every other run of punctuation, symbols (emoji included — they are
 *   always dropped), spaces, separators, control and format characters (bidi overrides, zero-width characters)
 *   becomes a single `-`, and no `-` starts or ends the slug — so there are no dots, path separators or
 *   characters Windows reserves (`<>:"/\|?*`);
 * - cut at {@link SLUG_MAX_CHARS} characters and {@link SLUG_MAX_BYTES} UTF-8 bytes, preferring a word boundary;
 * - a Windows device name (`con`, `nul`, `com1`…) gets `-image` appended.
 */
export function slugify(text: string, maxChars = SLUG_MAX_CHARS, maxBytes = SLUG_MAX_BYTES): string {
  const normalised = text.normalize('NFKC').toLowerCase().normalize('NFC');
  // Each unit is a letter or digit with its combining marks, or '-' for a separator run.
  const units: string[] = [];
  let pendingSeparator = false;
  let marksAfterLetter = -1; // -1: the previous unit is not a letter/digit, so marks have nothing to attach to
  const codePoints = Array.from(normalised);
  for (const [i, char] of codePoints.entries()) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (/[\p{L}\p{N}]/u.test(char)) {
      if (pendingSeparator && units.length > 0) units.push('-');
      pendingSeparator = false;
      units.push(char);
      marksAfterLetter = 0;
    } else if (/[\p{Mn}\p{Mc}]/u.test(char) && !isVariationSelector(codePoint)) {
      if (marksAfterLetter >= 0 && marksAfterLetter < MAX_MARKS_PER_LETTER && !pendingSeparator) {
        units[units.length - 1] += char;
        marksAfterLetter++;
      }
    } else if (
      APOSTROPHES.has(char) &&
      marksAfterLetter >= 0 &&
      !pendingSeparator &&
      i + 1 < codePoints.length &&
      /[\p{L}\p{N}]/u.test(codePoints[i + 1] ?? '')
    ) {
      // dropped: "don't" → "dont"
    } else if (isVariationSelector(codePoint) || /[\p{Me}]/u.test(char)) {
      // emoji presentation selectors and keycap/enclosing marks: dropped with the emoji they decorate
    } else {
      pendingSeparator = true;
      marksAfterLetter = -1;
    }
  }
  let slug = truncateUnits(units, maxChars, maxBytes);
  if (slug !== '' && isReservedDeviceName(slug)) slug = `${slug}-${FALLBACK_SLUG}`;
  return slug;
}

/** Joins units up to the limits, backing off to the last `-` when that keeps at least half of the text. */
function truncateUnits(units: readonly string[], maxChars: number, maxBytes: number): string {
  let chars = 0;
  let bytes = 0;
  let taken = 0;
  for (const unit of units) {
    const unitChars = Array.from(unit).length;
    const unitBytes = utf8ByteLength(unit);
    if (chars + unitChars > maxChars || bytes + unitBytes > maxBytes) break;
    chars += unitChars;
    bytes += unitBytes;
    taken++;
  }
  let kept = units.slice(0, taken);
  if (taken < units.length && units[taken] !== '-') {
    const lastSeparator = kept.lastIndexOf('-');
    if (lastSeparator >= Math.floor(taken / 2)) kept = kept.slice(0, lastSeparator);
  }
  while (kept.length > 0 && kept[kept.length - 1] === '-') kept.pop();
  return kept.join('');
}

/**
 * The first {@link SHORT_JOB_ID_LENGTH} letters/digits of a job id (Apiframe's are UUIDs), lower-cased;
 * `''` when the id has none.
 */
export function shortJobId(jobId: string): string {
  return jobId
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, SHORT_JOB_ID_LENGTH);
}

/**
 * The file name for an image of `prompt`: `<slug>-<short job id>.<ext>`, e.g.
 * `a-lighthouse-at-dusk-3f2a9c1e.png`, or `image-3f2a9c1e.png` when the prompt has nothing readable.
 * Never empty, never a reserved name, at most ~140 UTF-8 bytes.
 */
export function fileNameForImage(prompt: string, jobId: string, ext: ImageExtension): string {
  const slug = slugify(prompt) || FALLBACK_SLUG;
  const id = shortJobId(jobId);
  return `${id ? `${slug}-${id}` : slug}.${ext}`;
}

/** How many numbered names {@link uniqueName} tries before giving up. */
export const UNIQUE_NAME_MAX_ATTEMPTS = 10_000;

/**
 * `name` itself when `exists(name)` is false, else `<stem>-2.<ext>`, `<stem>-3.<ext>`, … — the first that does
 * not exist, so an existing file is never overwritten. The counter goes before the last extension
 * (`cat.png` → `cat-2.png`; a name without a dot gets it at the end). Throws after
 * {@link UNIQUE_NAME_MAX_ATTEMPTS} taken names rather than looping forever.
 *
 * The check and the later write are not atomic: the caller should still write with `overwrite: false`.
 */
export async function uniqueName(name: string, exists: (candidate: string) => boolean | Promise<boolean>): Promise<string> {
  if (!(await exists(name))) return name;
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const extension = dot > 0 ? name.slice(dot) : '';
  for (let counter = 2; counter <= UNIQUE_NAME_MAX_ATTEMPTS; counter++) {
    const candidate = `${stem}-${counter}${extension}`;
    if (!(await exists(candidate))) return candidate;
  }
  throw new Error(
    `Could not find a free file name for "${name}" after ${UNIQUE_NAME_MAX_ATTEMPTS} attempts; ` +
      'clean up the destination folder or choose another one.',
  );
}

/** Why a file name typed by the user cannot be used (see {@link chosenFileName}); the save layer words it. */
export type FileNameProblem =
  | { readonly kind: 'empty' }
  | { readonly kind: 'separator' }
  | { readonly kind: 'invalidCharacter'; readonly character: string }
  | { readonly kind: 'reserved' }
  | { readonly kind: 'dotsOnly' }
  | { readonly kind: 'tooLong'; readonly maxBytes: number }
  | { readonly kind: 'otherExtension'; readonly extension: ImageExtension };

/** The most a file name may take on ext4, APFS, btrfs and NTFS alike (see destination.ts). */
export const FILE_NAME_MAX_BYTES = 255;

/** Characters Windows refuses in names (besides separators), control, bidi and zero-width characters. */
const INVALID_IN_NAME = /[<>:"|?*\p{Cc}\u2028\u2029\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/u;
const OTHER_IMAGE_EXTENSION = /\.(png|jpe?g|webp|gif|avif|bmp|svg|tiff?)$/i;

/**
 * The name typed by the user for an image with `extension`, held to the rules our own names follow so it is
 * valid on Windows, macOS and Linux at once: no `/` or `\`, none of `< > : " | ? *`, no control, bidi or
 * zero-width characters, not `.`/`..`, no Windows device name, at most 255 UTF-8
 * bytes with the extension. The extension is kept: added when the name has none (`cat` → `cat.png`), refused
 * when it is another image type's (`cat.jpg` for a PNG). Leading and trailing spaces are trimmed first and the
 * name is NFC-normalised (macOS would store it so anyway). Returns the name to save under, or the problem.
 */
export function chosenFileName(typed: string, extension: ImageExtension): { readonly name: string } | { readonly problem: FileNameProblem } {
  const trimmed = typed.normalize('NFC').trim();
  if (trimmed === '') return { problem: { kind: 'empty' } };
  if (/[/\\]/.test(trimmed)) return { problem: { kind: 'separator' } };
  const invalid = INVALID_IN_NAME.exec(trimmed);
  if (invalid) return { problem: { kind: 'invalidCharacter', character: invalid[0] } };
  if (/^\.+$/.test(trimmed)) return { problem: { kind: 'dotsOnly' } };
  const accepted = extension === 'jpg' ? /\.jpe?g$/i : new RegExp(`\\.${extension}$`, 'i');
  if (!accepted.test(trimmed) && OTHER_IMAGE_EXTENSION.test(trimmed)) return { problem: { kind: 'otherExtension', extension } };
  const name = accepted.test(trimmed) ? trimmed : `${trimmed}.${extension}`;
  if (isReservedDeviceName(name)) return { problem: { kind: 'reserved' } };
  if (utf8ByteLength(name) > FILE_NAME_MAX_BYTES) return { problem: { kind: 'tooLong', maxBytes: FILE_NAME_MAX_BYTES } };
  return { name };
}
