import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CachedImage } from './types';
import { LOCAL_ID_PATTERN, isErrno } from './journal';

/**
 * The local image cache: `<storageDir>/images/<localId>/<n>.<ext>`. Result URLs expire after ~24 h, so every
 * image is copied here as soon as its job completes. A download is streamed into a temp file beside its final
 * name and renamed only once it is complete and recognised as a whole PNG, JPEG or WebP — a refused or
 * interrupted download leaves nothing behind.
 */

export type ImageMime = CachedImage['mime'];

/** Why a download was refused (the manager turns these into user-facing texts). */
export type ImageRefusalReason = 'notImage' | 'tooLarge' | 'incomplete' | 'empty';

export class ImageRefusedError extends Error {
  override readonly name = 'ImageRefusedError';
  constructor(
    readonly reason: ImageRefusalReason,
    message: string,
  ) {
    super(message);
  }
}

export interface StoreOptions {
  /** Byte cap for this image; the download stops as soon as it is exceeded. */
  readonly maxBytes: number;
  /** Aborting stops reading, deletes the temp file and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Called after every chunk written, with the bytes received so far. */
  readonly onBytes?: (received: number) => void;
  /** Who sent the bytes (the image host's name), for the messages: never the API, whose key is not involved. */
  readonly source?: string;
}

/** The cache's folder inside the storage folder (also the gallery's only data folder: localResourceRoots). */
export const IMAGES_FOLDER = 'images';
const TEMP_SUFFIX = '.part';
/** How much of the start of a file is kept for sniffing the format and finding a JPEG's frame header. */
const HEAD_BYTES = 64 * 1024;
const TAIL_BYTES = 16;
const EXTENSIONS: Readonly<Record<ImageMime, string>> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

export class ImageCache {
  readonly root: string;

  constructor(storageDir: string) {
    this.root = path.join(storageDir, IMAGES_FOLDER);
  }

  folderOf(localId: string): string {
    assertSafeLocalId(localId);
    return path.join(this.root, localId);
  }

  /** Absolute path of a cached file (`CachedImage.file` is relative to the cache root). */
  absolutePath(image: CachedImage): string {
    const resolved = path.resolve(this.root, image.file);
    if (!resolved.startsWith(this.root + path.sep)) throw new Error(`Cached file ${image.file} is outside the cache.`);
    return resolved;
  }

  /**
   * Streams `body` into `<localId>/<number>.<ext>` (number is 1-based, in result order). Rejects with
   * `ImageRefusedError` for anything that is not a complete PNG/JPEG/WebP within `maxBytes`, and with the
   * stream's or the signal's error otherwise; in every failure the temp file is removed.
   */
  async store(
    localId: string,
    number: number,
    body: AsyncIterable<Uint8Array>,
    options: StoreOptions,
  ): Promise<CachedImage> {
    const sender = options.source ? `The image host ${options.source}` : 'The server';
    const folder = this.folderOf(localId);
    await fs.mkdir(folder, { recursive: true });
    const temp = path.join(folder, `${number}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
    const handle = await fs.open(temp, 'w');
    let closed = false;
    try {
      const head: Uint8Array[] = [];
      let headLength = 0;
      let tail: Uint8Array = new Uint8Array(0);
      let received = 0;
      let format: SniffedImage | undefined;
      for await (const chunk of body) {
        options.signal?.throwIfAborted();
        if (chunk.byteLength === 0) continue;
        received += chunk.byteLength;
        if (received > options.maxBytes) {
          throw new ImageRefusedError(
            'tooLarge',
            `The image is larger than the ${formatBytes(options.maxBytes)} limit, so it was not saved.`,
          );
        }
        if (headLength < HEAD_BYTES) {
          head.push(chunk);
          headLength += chunk.byteLength;
        }
        if (!format && headLength >= MAGIC_BYTES_NEEDED) {
          format = sniffImage(concat(head));
          if (!format) throw notAnImage(sender);
        }
        tail = lastBytes(tail, chunk, TAIL_BYTES);
        await handle.write(chunk);
        options.onBytes?.(received);
      }
      options.signal?.throwIfAborted();
      if (received === 0) throw new ImageRefusedError('empty', `${sender} sent an empty file instead of the image.`);
      const headBytes = concat(head);
      format ??= sniffImage(headBytes);
      if (!format) throw notAnImage(sender);
      if (!isCompleteImage(format.mime, headBytes, tail, received)) {
        throw new ImageRefusedError('incomplete', `The download from ${options.source ?? 'the image host'} was cut short; it will be downloaded again.`);
      }
      await handle.sync();
      await handle.close();
      closed = true;
      const name = `${number}.${EXTENSIONS[format.mime]}`;
      await fs.rename(temp, path.join(folder, name));
      const size = imageSize(format.mime, headBytes);
      return { file: `${localId}/${name}`, mime: format.mime, bytes: received, ...size };
    } catch (error) {
      if (!closed) await handle.close().catch(() => undefined);
      await fs.rm(temp, { force: true });
      await removeIfEmpty(folder);
      throw error;
    }
  }

  /** True when the cached file exists with the recorded size (a cheap integrity check on resume). */
  async has(image: CachedImage): Promise<boolean> {
    try {
      const stat = await fs.stat(this.absolutePath(image));
      return stat.isFile() && stat.size === image.bytes;
    } catch {
      return false;
    }
  }

  /** Removes a record's folder with everything in it. */
  async remove(localId: string): Promise<void> {
    await fs.rm(this.folderOf(localId), { recursive: true, force: true });
  }

  /** Deletes leftovers of interrupted downloads in a record's folder (or in every folder). */
  async removePartialDownloads(localId?: string): Promise<void> {
    const folders = localId ? [localId] : await this.folders();
    for (const id of folders) {
      const folder = this.folderOf(id);
      let names: string[];
      try {
        names = await fs.readdir(folder);
      } catch (error) {
        if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) continue;
        throw error;
      }
      for (const name of names) {
        if (name.endsWith(TEMP_SUFFIX)) await fs.rm(path.join(folder, name), { force: true });
      }
      await removeIfEmpty(folder);
    }
  }

  /** Local ids that have a folder in the cache (for pruning folders no record owns). */
  async folders(): Promise<string[]> {
    try {
      const entries = await fs.readdir(this.root, { withFileTypes: true });
      return entries.filter((e) => e.isDirectory() && LOCAL_ID_PATTERN.test(e.name)).map((e) => e.name);
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return [];
      throw error;
    }
  }
}

function assertSafeLocalId(localId: string): void {
  if (!LOCAL_ID_PATTERN.test(localId)) throw new Error(`Invalid local job id ${JSON.stringify(localId)}.`);
}

async function removeIfEmpty(folder: string): Promise<void> {
  try {
    await fs.rmdir(folder);
  } catch {
    // Not empty (earlier images of the record) or already gone.
  }
}

function notAnImage(sender: string): ImageRefusedError {
  return new ImageRefusedError('notImage', `${sender} sent something that is not a PNG, JPEG or WebP image; it was not saved.`);
}

export interface SniffedImage {
  readonly mime: ImageMime;
}

const MAGIC_BYTES_NEEDED = 12;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** The IEND chunk every complete PNG ends with: length 0, type `IEND`, its fixed CRC. */
const PNG_IEND = [0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

/** Recognises PNG, JPEG and WebP by their magic bytes (needs the first 12 bytes). */
export function sniffImage(head: Uint8Array): SniffedImage | undefined {
  if (startsWith(head, PNG_SIGNATURE)) return { mime: 'image/png' };
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { mime: 'image/jpeg' };
  if (head.length >= 12 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return { mime: 'image/webp' };
  return undefined;
}

/** Cheap end-of-file checks that catch a download cut short even when the transport did not notice. */
export function isCompleteImage(mime: ImageMime, head: Uint8Array, tail: Uint8Array, totalBytes: number): boolean {
  switch (mime) {
    case 'image/png':
      return endsWith(tail, PNG_IEND);
    case 'image/jpeg':
      return endsWith(tail, [0xff, 0xd9]);
    case 'image/webp':
      // The RIFF header states the file's size (minus the 8-byte header) exactly.
      return head.length >= 8 && readUint32LE(head, 4) + 8 === totalBytes;
  }
}

/** Width and height from the file header, where that is cheap (PNG IHDR, JPEG SOFn, WebP VP8/VP8L/VP8X). */
export function imageSize(mime: ImageMime, head: Uint8Array): { width?: number; height?: number } {
  switch (mime) {
    case 'image/png':
      if (head.length >= 24 && ascii(head, 12, 16) === 'IHDR') {
        return { width: readUint32BE(head, 16), height: readUint32BE(head, 20) };
      }
      return {};
    case 'image/jpeg':
      return jpegSize(head);
    case 'image/webp':
      return webpSize(head);
  }
}

function jpegSize(bytes: Uint8Array): { width?: number; height?: number } {
  let offset = 2;
  // The loop condition keeps every read below (offset … offset + 8) inside the bytes.
  while (offset + 9 < bytes.length) {
    if (readUint8(bytes, offset) !== 0xff) return {};
    const marker = readUint8(bytes, offset + 1);
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    const length = readUint16BE(bytes, offset + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      const height = readUint16BE(bytes, offset + 5);
      const width = readUint16BE(bytes, offset + 7);
      return { width, height };
    }
    if (length < 2) return {};
    offset += 2 + length;
  }
  return {};
}

function webpSize(bytes: Uint8Array): { width?: number; height?: number } {
  if (bytes.length < 30) return {};
  const chunk = ascii(bytes, 12, 16);
  if (chunk === 'VP8 ' && bytes[23] === 0x9d && bytes[24] === 0x01 && bytes[25] === 0x2a) {
    return { width: readUint16LE(bytes, 26) & 0x3fff, height: readUint16LE(bytes, 28) & 0x3fff };
  }
  if (chunk === 'VP8L' && bytes[20] === 0x2f) {
    const bits = readUint32LE(bytes, 21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    return { width: 1 + readUint24LE(bytes, 24), height: 1 + readUint24LE(bytes, 27) };
  }
  return {};
}

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

function endsWith(bytes: Uint8Array, suffix: readonly number[]): boolean {
  const start = bytes.length - suffix.length;
  return start >= 0 && suffix.every((b, i) => bytes[start + i] === b);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}

// Unsigned reads from a header. Every caller checks the length first; a read past the end throws (RangeError).
function dataView(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function readUint8(bytes: Uint8Array, offset: number): number {
  return dataView(bytes).getUint8(offset);
}

function readUint16BE(bytes: Uint8Array, offset: number): number {
  return dataView(bytes).getUint16(offset, false);
}

function readUint16LE(bytes: Uint8Array, offset: number): number {
  return dataView(bytes).getUint16(offset, true);
}

function readUint24LE(bytes: Uint8Array, offset: number): number {
  return readUint16LE(bytes, offset) | (readUint8(bytes, offset + 2) << 16);
}

function readUint32BE(bytes: Uint8Array, offset: number): number {
  return dataView(bytes).getUint32(offset, false);
}

function readUint32LE(bytes: Uint8Array, offset: number): number {
  return dataView(bytes).getUint32(offset, true);
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const [only] = chunks;
  if (only !== undefined && chunks.length === 1) return only;
  return Buffer.concat(chunks);
}

function lastBytes(previous: Uint8Array, chunk: Uint8Array, count: number): Uint8Array {
  if (chunk.byteLength >= count) return chunk.slice(chunk.byteLength - count);
  const joined = Buffer.concat([previous, chunk]);
  return joined.subarray(Math.max(0, joined.byteLength - count));
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round(bytes / (1024 * 1024))} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
