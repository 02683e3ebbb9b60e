/**
 * The payload in a WebP: an `XMP ` chunk in the RIFF container, which only the extended format (a `VP8X` chunk
 * first, with its XMP flag set) may carry. A simple file (one `VP8 ` or `VP8L` chunk) gets a `VP8X` header with
 * the canvas size read from its bitstream; stripping our chunk turns it back into the same simple file.
 */
import { MetadataFormatError } from './formatError';
import type { PayloadSearch } from './payload';
import { isOurXmp, payloadFromXmp, xmpPacket } from './xmp';

const XMP_FLAG = 0x04;
const ALPHA_FLAG = 0x10;
/** Chunks that come before XMP in an extended file (the image, its header and Exif); anything unknown comes after. */
const BEFORE_XMP = new Set(['VP8X', 'ICCP', 'ANIM', 'ANMF', 'ALPH', 'VP8 ', 'VP8L', 'EXIF']);

interface Chunk {
  readonly fourcc: string;
  readonly data: Uint8Array;
}

function ascii(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4));
}

function readUint32Le(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16)) + (bytes[at + 3] ?? 0) * 0x1000000;
}

function uint32Le(value: number): Uint8Array {
  return new Uint8Array([value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff]);
}

export function isWebp(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && ascii(bytes, 0) === 'RIFF' && ascii(bytes, 8) === 'WEBP';
}

/** The container's chunks; throws on a size that does not fit. Bytes after the RIFF's declared end are ignored. */
function chunksOf(bytes: Uint8Array): Chunk[] {
  if (!isWebp(bytes)) throw new MetadataFormatError('not a WebP file');
  const end = 8 + readUint32Le(bytes, 4);
  if (end > bytes.length || end < 12) throw new MetadataFormatError('the WebP file is shorter than its header says');
  const chunks: Chunk[] = [];
  let offset = 12;
  while (offset < end) {
    if (offset + 8 > end) throw new MetadataFormatError('the WebP file ends in the middle of a chunk');
    const size = readUint32Le(bytes, offset + 4);
    const dataEnd = offset + 8 + size;
    if (dataEnd > end) throw new MetadataFormatError('a WebP chunk is longer than the file');
    chunks.push({ fourcc: ascii(bytes, offset), data: bytes.subarray(offset + 8, dataEnd) });
    offset = dataEnd + (size % 2);
  }
  if (chunks.length === 0) throw new MetadataFormatError('the WebP file has no image');
  return chunks;
}

function encode(chunks: readonly Chunk[]): Uint8Array {
  const body = chunks.reduce((sum, chunk) => sum + 8 + chunk.data.length + (chunk.data.length % 2), 0);
  const out = new Uint8Array(12 + body);
  out.set(new TextEncoder().encode('RIFF'), 0);
  out.set(uint32Le(4 + body), 4);
  out.set(new TextEncoder().encode('WEBP'), 8);
  let at = 12;
  for (const chunk of chunks) {
    out.set(new TextEncoder().encode(chunk.fourcc), at);
    out.set(uint32Le(chunk.data.length), at + 4);
    out.set(chunk.data, at + 8);
    // The padding byte of an odd chunk is zero (the array starts zeroed).
    at += 8 + chunk.data.length + (chunk.data.length % 2);
  }
  return out;
}

/** Canvas size and alpha of a simple file's bitstream, for the `VP8X` header it needs to carry XMP. */
function simpleImageInfo(chunk: Chunk): { width: number; height: number; alpha: boolean } {
  const d = chunk.data;
  if (chunk.fourcc === 'VP8 ') {
    // Key frame: 3-byte frame tag, start code 9D 01 2A, then 14-bit width and height (2 scale bits above each).
    if (d.length < 10 || d[3] !== 0x9d || d[4] !== 0x01 || d[5] !== 0x2a) throw new MetadataFormatError('the WebP image data is not a VP8 key frame');
    return { width: ((d[6] ?? 0) | ((d[7] ?? 0) << 8)) & 0x3fff, height: ((d[8] ?? 0) | ((d[9] ?? 0) << 8)) & 0x3fff, alpha: false };
  }
  // VP8L: signature 0x2F, then width-1 and height-1 in 14 bits each, then the alpha-is-used bit.
  if (d.length < 5 || d[0] !== 0x2f) throw new MetadataFormatError('the WebP image data is not VP8L');
  const bits = readUint32Le(d, 1);
  return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, alpha: ((bits >>> 28) & 1) === 1 };
}

function extendedHeader(flags: number, width: number, height: number): Chunk {
  const data = new Uint8Array(10);
  data[0] = flags;
  const w = width - 1;
  const h = height - 1;
  data.set([w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, h & 0xff, (h >>> 8) & 0xff, (h >>> 16) & 0xff], 4);
  return { fourcc: 'VP8X', data };
}

/** The header `embedInWebp` gives a simple file (without the XMP flag). */
function headerForSimple(image: Chunk): Chunk {
  const info = simpleImageInfo(image);
  return extendedHeader(info.alpha ? ALPHA_FLAG : 0, info.width, info.height);
}

function isSimpleImage(chunk: Chunk | undefined): chunk is Chunk {
  return chunk?.fourcc === 'VP8 ' || chunk?.fourcc === 'VP8L';
}

function isOurChunk(chunk: Chunk): boolean {
  return chunk.fourcc === 'XMP ' && isOurXmp(chunk.data);
}

/** The WebP with `payload` as XMP. Throws `MetadataFormatError` when the file already has another program's XMP. */
export function embedInWebp(bytes: Uint8Array, payload: string): Uint8Array {
  const all = chunksOf(bytes);
  if (all.some((chunk) => chunk.fourcc === 'XMP ' && !isOurChunk(chunk))) {
    throw new MetadataFormatError('the image already has XMP metadata written by another program');
  }
  const chunks = all.filter((chunk) => !isOurChunk(chunk));
  const first = chunks[0];
  if (first?.fourcc === 'VP8X') {
    if (first.data.length < 10) throw new MetadataFormatError('the WebP header is too short');
    const data = Uint8Array.from(first.data);
    data[0] = (data[0] ?? 0) | XMP_FLAG;
    chunks[0] = { fourcc: 'VP8X', data };
  } else if (chunks.length === 1 && isSimpleImage(first)) {
    const header = headerForSimple(first);
    const data = Uint8Array.from(header.data);
    data[0] = (data[0] ?? 0) | XMP_FLAG;
    chunks.unshift({ fourcc: 'VP8X', data });
  } else {
    throw new MetadataFormatError('the WebP file has a layout this version does not know');
  }
  let insertAt = 0;
  chunks.forEach((chunk, index) => {
    if (BEFORE_XMP.has(chunk.fourcc)) insertAt = index + 1;
  });
  chunks.splice(insertAt, 0, { fourcc: 'XMP ', data: new TextEncoder().encode(xmpPacket(payload)) });
  return encode(chunks);
}

/** Our payload's text, if the WebP has one XMP chunk of ours. */
export function payloadFromWebp(bytes: Uint8Array): PayloadSearch {
  const ours = chunksOf(bytes).filter(isOurChunk);
  if (ours.length === 0) return { found: false, reason: 'none' };
  if (ours.length > 1 || !ours[0]) return { found: false, reason: 'malformed' };
  return payloadFromXmp(ours[0].data);
}

/** The WebP without our XMP chunk; a simple file we extended becomes that simple file again, byte for byte. */
export function stripFromWebp(bytes: Uint8Array): Uint8Array {
  const chunks = chunksOf(bytes).filter((chunk) => !isOurChunk(chunk));
  const first = chunks[0];
  if (first?.fourcc !== 'VP8X' || first.data.length < 10) return encode(chunks);
  const data = Uint8Array.from(first.data);
  data[0] = (data[0] ?? 0) & ~XMP_FLAG;
  const image = chunks[1];
  if (chunks.length === 2 && isSimpleImage(image)) {
    const ours = headerForSimple(image).data;
    if (ours.every((byte, i) => data[i] === byte) && data.length === ours.length) return encode([image]);
  }
  chunks[0] = { fourcc: 'VP8X', data };
  return encode(chunks);
}
