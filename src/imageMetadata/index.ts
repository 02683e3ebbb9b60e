/**
 * Reproducible images: the request that made an image travels inside the saved file — a PNG `iTXt` chunk, or
 * XMP in a JPEG or WebP — never in a file beside it. Pure functions over bytes (no `vscode`, no file system):
 * `embedImageMetadata` when saving, `readImageMetadata` for Re-run from Image. The format is told by the bytes,
 * never by the file name.
 */
import { MetadataFormatError } from './formatError';
import { embedInJpeg, isJpeg, payloadFromJpeg, stripFromJpeg } from './jpeg';
import { parseImageMetadata, serializeImageMetadata, type ImageMetadata, type MetadataProblem, type PayloadSearch } from './payload';
import { embedInPng, isPng, payloadFromPng, stripFromPng } from './png';
import { embedInWebp, isWebp, payloadFromWebp, stripFromWebp } from './webp';

export { imageMetadataOf, MAX_PAYLOAD_BYTES, METADATA_SOFTWARE, METADATA_VERSION, parseImageMetadata, serializeImageMetadata } from './payload';
export type { ImageMetadata, ImageMetadataInput, MetadataProblem } from './payload';
export { PNG_METADATA_KEYWORD } from './png';
export { XMP_NAMESPACE } from './xmp';

export type ImageFormat = 'png' | 'jpeg' | 'webp';

/**
 * The largest file Re-run from Image reads: generated images are a few megabytes; a file much larger is not
 * one of ours and is not read into memory.
 */
export const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

export function imageFormatOf(bytes: Uint8Array): ImageFormat | undefined {
  if (isPng(bytes)) return 'png';
  if (isJpeg(bytes)) return 'jpeg';
  if (isWebp(bytes)) return 'webp';
  return undefined;
}

export type EmbedResult = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly reason: string };

/**
 * The image with `metadata` in it (an earlier payload of ours replaced; everything else kept). When the bytes
 * are not a sound PNG, JPEG or WebP, or cannot take it (another program's XMP), says why instead: the caller
 * then saves the image as it is.
 */
export function embedImageMetadata(bytes: Uint8Array, metadata: ImageMetadata): EmbedResult {
  const payload = serializeImageMetadata(metadata);
  try {
    switch (imageFormatOf(bytes)) {
      case 'png':
        return { ok: true, bytes: embedInPng(bytes, payload) };
      case 'jpeg':
        return { ok: true, bytes: embedInJpeg(bytes, payload) };
      case 'webp':
        return { ok: true, bytes: embedInWebp(bytes, payload) };
      default:
        return { ok: false, reason: 'not a PNG, JPEG or WebP image' };
    }
  } catch (error) {
    if (error instanceof MetadataFormatError) return { ok: false, reason: error.message };
    throw error;
  }
}

/**
 * What Re-run from Image finds in a file:
 * - `found`: our metadata, checked (known model, parameters the model's schema accepts, sizes in bounds);
 * - `none`: an image without our metadata;
 * - `notImage`: not a PNG, JPEG or WebP (or larger than `MAX_IMAGE_BYTES`);
 * - `refused`: our metadata is there but damaged, altered or too large (`newer`: written by a later version).
 */
export type MetadataLookup =
  | { readonly kind: 'found'; readonly format: ImageFormat; readonly metadata: ImageMetadata }
  | { readonly kind: 'none'; readonly format: ImageFormat }
  | { readonly kind: 'notImage' }
  | { readonly kind: 'refused'; readonly format: ImageFormat; readonly problem: MetadataProblem | 'malformed' | 'brokenImage'; readonly detail: string };

export function readImageMetadata(bytes: Uint8Array): MetadataLookup {
  const format = imageFormatOf(bytes);
  if (!format || bytes.length > MAX_IMAGE_BYTES) return { kind: 'notImage' };
  let search: PayloadSearch;
  try {
    search = format === 'png' ? payloadFromPng(bytes) : format === 'jpeg' ? payloadFromJpeg(bytes) : payloadFromWebp(bytes);
  } catch (error) {
    if (error instanceof MetadataFormatError) return { kind: 'refused', format, problem: 'brokenImage', detail: error.message };
    throw error;
  }
  if (!search.found) {
    if (search.reason === 'none') return { kind: 'none', format };
    return { kind: 'refused', format, problem: search.reason, detail: search.reason };
  }
  const reading = parseImageMetadata(search.text);
  return reading.ok ? { kind: 'found', format, metadata: reading.metadata } : { kind: 'refused', format, problem: reading.problem, detail: reading.detail };
}

/** The image without our metadata (for comparing a saved file with the server's bytes). Throws on a broken image. */
export function stripImageMetadata(bytes: Uint8Array): Uint8Array {
  switch (imageFormatOf(bytes)) {
    case 'png':
      return stripFromPng(bytes);
    case 'jpeg':
      return stripFromJpeg(bytes);
    case 'webp':
      return stripFromWebp(bytes);
    default:
      throw new MetadataFormatError('not a PNG, JPEG or WebP image');
  }
}
