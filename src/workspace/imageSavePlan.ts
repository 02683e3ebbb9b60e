/**
 * What saving an image into the workspace changes, worked out from plain values: the new file (its bytes, or the
 * file they are read from) and, when a reference is wanted, the text inserted into the document and where. The
 * caller turns the plan into ONE `WorkspaceEdit` — the file creation and the insertion together, so one Undo
 * removes both — and applies it. No `vscode` import: every rule about what lands in a user's project is tested
 * in plain Node.
 *
 * Paths are POSIX `Uri.path` values (`/home/me/site/images/cat.png`, `/c:/site/cat.png`), never OS paths, so the
 * same rules hold in local, remote and virtual workspaces.
 */
import { posix } from 'node:path';
import { isInside } from './destination';
import { fileNameForImage, type ImageExtension } from './slug';
import { imageReference, referenceNeedsOwnLine, relativeReference } from './snippet';

/** The image's bytes, or the file holding them (read when the edit is applied). */
export type ImageSource = { readonly kind: 'bytes'; readonly bytes: Uint8Array } | { readonly kind: 'file'; readonly path: string };

const EXTENSION_BY_MIME: Readonly<Record<string, ImageExtension>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
};

export interface SavedImageNameInput {
  readonly prompt: string;
  /** Apiframe's job id (or the local id before there is one): its start keeps names of equal prompts apart. */
  readonly jobId: string;
  /** The cached image's MIME type; PNG when unknown. */
  readonly mime?: string;
  /** Which of the job's images (DALL-E 3 returns one; the API allows several). */
  readonly index: number;
}

/**
 * The file name a saved image starts from (`a-lighthouse-at-dusk-3f2a9c1e.png`; the second image of a job gets
 * `-2`), and its extension. Whether the name is free in the folder is the caller's question (`uniqueName`).
 */
export function savedImageName(input: SavedImageNameInput): { readonly name: string; readonly extension: ImageExtension } {
  const extension = (input.mime !== undefined && Object.hasOwn(EXTENSION_BY_MIME, input.mime) ? EXTENSION_BY_MIME[input.mime] : undefined) ?? 'png';
  const name = fileNameForImage(input.prompt, input.jobId, extension);
  if (input.index === 0) return { name, extension };
  const dot = name.lastIndexOf('.');
  return { name: `${name.slice(0, dot)}-${input.index + 1}${name.slice(dot)}`, extension };
}

export interface ReferenceRequest {
  /** The document's whole text, with its own line breaks. */
  readonly documentText: string;
  /** Where the reference goes: the end of the selection it belongs after, or the cursor (UTF-16 offset). */
  readonly offset: number;
  /** VS Code's language id of the document: decides the reference's syntax. */
  readonly languageId: string;
  /** The document's line break, used for references that need a line of their own. */
  readonly eol: '\n' | '\r\n';
  /** Free text (cleaned and escaped by the syntax); `altTextFromPrompt` makes it from a prompt. */
  readonly altText: string;
  /**
   * `Uri.path` of the document, when the image can be referenced relative to it: the document is saved and
   * on the same file system (scheme and authority) as the image.
   */
  readonly documentPath?: string;
  /** `Uri.path` of the workspace folder the image goes into: the base for a document with no path of its own. */
  readonly workspaceFolderPath?: string;
  /** How to write the image's location when no relative path exists: its local path, or its URI. */
  readonly absoluteTarget: string;
}

export interface ImageSaveInput {
  readonly image: ImageSource;
  /** `Uri.path` of the file to create. */
  readonly targetPath: string;
  /**
   * Replace an existing file: only when the user picked the name in a save dialog, which asked them already.
   * Names chosen by the extension are numbered instead, so they never overwrite.
   */
  readonly overwrite: boolean;
  readonly reference?: ReferenceRequest;
}

export interface ImageSavePlan {
  readonly createFile: { readonly targetPath: string; readonly image: ImageSource; readonly overwrite: boolean };
  /** Text to insert at `offset` of the document, in the same edit as the file. */
  readonly insert?: { readonly offset: number; readonly text: string };
}

/** The plan for saving `input.image` at `input.targetPath`, with the reference to insert if one was asked for. */
export function planImageSave(input: ImageSaveInput): ImageSavePlan {
  const createFile = { targetPath: input.targetPath, image: input.image, overwrite: input.overwrite };
  if (!input.reference) return { createFile };
  return { createFile, insert: referenceInsertion(input.reference, input.targetPath) };
}

/**
 * The path written into the document: relative to the document; for a document without a path of its own,
 * relative to the workspace folder; else the absolute target.
 */
export function referencePath(request: Pick<ReferenceRequest, 'documentPath' | 'workspaceFolderPath' | 'absoluteTarget'>, targetPath: string): string {
  if (request.documentPath !== undefined) return relativeReference(request.documentPath, targetPath);
  if (request.workspaceFolderPath !== undefined && isInside(request.workspaceFolderPath, targetPath)) {
    return posix.relative(request.workspaceFolderPath, targetPath);
  }
  return request.absoluteTarget;
}

/**
 * Inline references go right at the offset, with a space when glued to a word. Block references
 * (reStructuredText, AsciiDoc) go after the offset's line, as a paragraph of their own — or on that line when
 * it is blank.
 */
function referenceInsertion(request: ReferenceRequest, targetPath: string): { offset: number; text: string } {
  const { documentText: text, eol, languageId } = request;
  const offset = Math.max(0, Math.min(request.offset, text.length));
  const line = lineAround(text, offset);
  // A reference of two lines (reStructuredText's `:alt:`) breaks its lines the way the document does.
  const reference = imageReference(languageId, referencePath(request, targetPath), request.altText).replace(/\n/g, eol);
  if (referenceNeedsOwnLine(languageId)) {
    const lineIsBlank = text.slice(line.start, line.end).trim() === '';
    return { offset: line.end, text: lineIsBlank ? `${reference}${eol}` : `${eol}${eol}${reference}${eol}` };
  }
  const before = offset > line.start ? text.charAt(offset - 1) : '';
  return { offset, text: before !== '' && !/\s/.test(before) ? ` ${reference}` : reference };
}

/** Start and end (before the line break) of the line holding `offset`. */
function lineAround(text: string, offset: number): { start: number; end: number } {
  const start = offset === 0 ? 0 : text.lastIndexOf('\n', offset - 1) + 1;
  const nextBreak = text.indexOf('\n', offset);
  if (nextBreak === -1) return { start, end: text.length };
  return { start, end: nextBreak > start && text.charAt(nextBreak - 1) === '\r' ? nextBreak - 1 : nextBreak };
}
