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
import { renderLinkTemplate } from './linkTemplates';
import { sitePathFor, usesSitePaths, type SitePathMapping } from './sitePaths';
import { fileNameForImage, type ImageExtension } from './slug';
import { imageReference, referenceNeedsOwnLine, referenceSyntaxFor, relativeReference } from './snippet';

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
  /**
   * `after` (default): the reference belongs after the text ending at `offset` and goes on a line of its own
   * where the syntax allows (see `referenceInsertion`). `cursor`: exactly at the offset (Insert at Cursor).
   */
  readonly placement?: 'after' | 'cursor';
  /**
   * Folders of the workspace folder a web site serves (`apiframe.sitePaths`): an image inside one is linked by
   * its site path in the languages that use them (see sitePaths.ts).
   */
  readonly sitePaths?: readonly SitePathMapping[];
  /** The user's link template for this language (`apiframe.linkTemplates`), used instead of the built-in reference. */
  readonly template?: string;
  /** The image's pixel size, for a template's `${width}` and `${height}`. */
  readonly imageSize?: { readonly width?: number; readonly height?: number };
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

/** Text to insert into a document, and where the reference itself ends in it. */
export interface ReferenceInsertion {
  /** Offset of the document where `text` goes. */
  readonly offset: number;
  readonly text: string;
  /**
   * Where the reference ends inside `text` (line breaks added after it excluded): the next reference for the
   * same place goes after this point, so several keep the order they were inserted in.
   */
  readonly referenceEnd: number;
}

export interface ImageSavePlan {
  readonly createFile: { readonly targetPath: string; readonly image: ImageSource; readonly overwrite: boolean };
  /** Text to insert at `offset` of the document, in the same edit as the file. */
  readonly insert?: ReferenceInsertion;
}

/** The plan for saving `input.image` at `input.targetPath`, with the reference to insert if one was asked for. */
export function planImageSave(input: ImageSaveInput): ImageSavePlan {
  const createFile = { targetPath: input.targetPath, image: input.image, overwrite: input.overwrite };
  if (!input.reference) return { createFile };
  return { createFile, insert: referenceInsertion(input.reference, input.targetPath) };
}

/**
 * The path written into the document: the site path when the image is in a folder the site serves and the
 * document's language links by site paths; else relative to the document; for a document without a path of
 * its own, relative to the workspace folder; else the absolute target.
 */
export function referencePath(
  request: Pick<ReferenceRequest, 'documentPath' | 'workspaceFolderPath' | 'absoluteTarget' | 'sitePaths'> & { readonly languageId?: string },
  targetPath: string,
): string {
  const { sitePaths, workspaceFolderPath, languageId } = request;
  if (sitePaths?.length && workspaceFolderPath !== undefined && languageId !== undefined && usesSitePaths(languageId) && isInside(workspaceFolderPath, targetPath)) {
    const sitePath = sitePathFor(sitePaths, posix.relative(workspaceFolderPath, targetPath));
    if (sitePath !== undefined) return sitePath;
  }
  if (request.documentPath !== undefined) return relativeReference(request.documentPath, targetPath);
  if (request.workspaceFolderPath !== undefined && isInside(request.workspaceFolderPath, targetPath)) {
    return posix.relative(request.workspaceFolderPath, targetPath);
  }
  return request.absoluteTarget;
}

/**
 * Where and how the reference to `targetPath` goes, following the conventions of VS Code's own Markdown paste
 * for a reference that belongs AFTER some text (`placement: 'after'`, the default):
 * - Markdown and MDX: a paragraph of its own after the block holding the offset (a blank line before it, and one after
 *   it when text follows), so a hard-wrapped paragraph is never split;
 * - HTML, Vue, JSX and the like: a new line after the offset's line, with that line's indentation;
 * - reStructuredText and AsciiDoc: a paragraph of their own after the offset's line (their images are blocks);
 * - CSS, LaTeX, Typst and anything else: right at the offset (a `url()` is a value), with a space when glued
 *   to a word.
 * A blank line takes the reference as it is. An offset at the start of a non-blank line (a selection of whole
 * lines ends there) belongs to the line before. With `placement: 'cursor'` (Insert at Cursor) every inline
 * syntax goes exactly at the offset; block syntaxes still need a line of their own.
 */
export function referenceInsertion(request: ReferenceRequest, targetPath: string): ReferenceInsertion {
  const { documentText: text, eol, languageId } = request;
  const offset = Math.max(0, Math.min(request.offset, text.length));
  // A reference of two lines (reStructuredText's `:alt:`, a template) breaks its lines the way the document does.
  const target = referencePath(request, targetPath);
  const written =
    request.template !== undefined
      ? renderLinkTemplate(languageId, request.template, { target, altText: request.altText, ...request.imageSize })
      : imageReference(languageId, target, request.altText);
  const reference = written.replace(/\n/g, eol);
  const syntax = referenceSyntaxFor(languageId);
  const placement = request.placement ?? 'after';
  if (referenceNeedsOwnLine(languageId)) return paragraphAfterLine(text, anchorLine(text, offset), reference, eol);
  if (placement === 'after' && (syntax === 'markdown' || syntax === 'mdx')) return markdownParagraph(text, anchorLine(text, offset), reference, eol);
  if (placement === 'after' && (syntax === 'html' || syntax === 'jsx')) return indentedLine(text, anchorLine(text, offset), reference, eol);
  const line = lineAround(text, offset);
  const before = offset > line.start ? text.charAt(offset - 1) : '';
  const inserted = before !== '' && !/\s/.test(before) ? ` ${reference}` : reference;
  return { offset, text: inserted, referenceEnd: inserted.length };
}

interface Line {
  readonly start: number;
  /** Before the line break. */
  readonly end: number;
}

/** Start and end (before the line break) of the line holding `offset`. */
function lineAround(text: string, offset: number): Line {
  const start = offset === 0 ? 0 : text.lastIndexOf('\n', offset - 1) + 1;
  const nextBreak = text.indexOf('\n', offset);
  if (nextBreak === -1) return { start, end: text.length };
  return { start, end: nextBreak > start && text.charAt(nextBreak - 1) === '\r' ? nextBreak - 1 : nextBreak };
}

/** The line the reference belongs after: the offset's, or the one before when a selection of whole lines ends at a line start. */
function anchorLine(text: string, offset: number): Line {
  const line = lineAround(text, offset);
  if (offset === line.start && offset > 0 && !isBlank(text, line)) return lineAround(text, offset - 1);
  return line;
}

function isBlank(text: string, line: Line): boolean {
  return text.slice(line.start, line.end).trim() === '';
}

/** The line after `line`, if there is one. */
function nextLine(text: string, line: Line): Line | undefined {
  const breakAt = text.indexOf('\n', line.end);
  return breakAt === -1 ? undefined : lineAround(text, breakAt + 1);
}

/** The line before `line`, if there is one. */
function previousLine(text: string, line: Line): Line | undefined {
  return line.start === 0 ? undefined : lineAround(text, line.start - 1);
}

/** reStructuredText and AsciiDoc: after the line, as a paragraph of its own — or on the line itself when it is blank. */
function paragraphAfterLine(text: string, line: Line, reference: string, eol: string): ReferenceInsertion {
  if (isBlank(text, line)) return { offset: line.end, text: `${reference}${eol}`, referenceEnd: reference.length };
  return { offset: line.end, text: `${eol}${eol}${reference}${eol}`, referenceEnd: 2 * eol.length + reference.length };
}

/** A line that starts a Markdown block of its own: a heading, list item, quote, fence, table row or HTML. */
const MARKDOWN_BLOCK_START = /^ {0,3}(?:#{1,6}(?:\s|$)|[-*+]\s|\d{1,9}[.)]\s|>|```|~~~|\||<)/;
const MARKDOWN_HEADING = /^ {0,3}#{1,6}(?:\s|$)/;
const MARKDOWN_TABLE_ROW = /^ {0,3}\|/;

/** Markdown: the image as a paragraph of its own after the block (paragraph, heading, table) holding `line`. */
function markdownParagraph(text: string, line: Line, reference: string, eol: string): ReferenceInsertion {
  if (isBlank(text, line)) {
    // On a blank line: there, separated by blank lines from the text around it.
    const before = previousLine(text, line);
    const after = nextLine(text, line);
    const prefix = before && !isBlank(text, before) ? eol : '';
    const suffix = after && !isBlank(text, after) ? eol : '';
    return { offset: line.start, text: `${prefix}${reference}${suffix}`, referenceEnd: prefix.length + reference.length };
  }
  let last = line;
  const lineText = (l: Line): string => text.slice(l.start, l.end);
  if (!MARKDOWN_HEADING.test(lineText(line))) {
    const inTable = MARKDOWN_TABLE_ROW.test(lineText(line));
    for (let next = nextLine(text, last); next && !isBlank(text, next); next = nextLine(text, last)) {
      const content = lineText(next);
      if (inTable ? !MARKDOWN_TABLE_ROW.test(content) : MARKDOWN_BLOCK_START.test(content)) break;
      last = next;
    }
  }
  const following = nextLine(text, last);
  const suffix = following && !isBlank(text, following) ? eol : '';
  return { offset: last.end, text: `${eol}${eol}${reference}${suffix}`, referenceEnd: 2 * eol.length + reference.length };
}

/** HTML and JSX: on a new line after `line`, indented like it (a blank line takes the indentation of the text above). */
function indentedLine(text: string, line: Line, reference: string, eol: string): ReferenceInsertion {
  if (isBlank(text, line)) {
    let above = previousLine(text, line);
    while (above && isBlank(text, above)) above = previousLine(text, above);
    const indent = line.end > line.start || !above ? '' : indentationOf(text, above);
    const following = reference.split(eol).join(`${eol}${line.end > line.start ? indentationOf(text, line) : indent}`);
    return { offset: line.end, text: `${indent}${following}`, referenceEnd: indent.length + following.length };
  }
  const indent = indentationOf(text, line);
  // A template of several lines keeps every line at the indentation of the first.
  const inserted = `${eol}${indent}${reference.split(eol).join(`${eol}${indent}`)}`;
  return { offset: line.end, text: inserted, referenceEnd: inserted.length };
}

function indentationOf(text: string, line: Line): string {
  return /^[ \t]*/.exec(text.slice(line.start, line.end))?.[0] ?? '';
}
