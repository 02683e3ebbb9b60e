/**
 * The payload in a PNG: one `iTXt` chunk (UTF-8, so Korean prompts survive; uncompressed, so any tool shows it)
 * under the keyword `apiframe`, placed before the image data, plus a `tEXt` `Software` chunk when the file names
 * no software yet. `png-chunks-extract` reads and checks the chunks (CRCs), `png-chunks-encode` writes ours with
 * their CRCs; every other chunk is copied as it was, in its order.
 */
import extractChunks from 'png-chunks-extract';
import encodeChunks from 'png-chunks-encode';
import * as textChunk from 'png-chunk-text';
import { MetadataFormatError } from './formatError';
import { MAX_PAYLOAD_BYTES, METADATA_SOFTWARE, type PayloadSearch } from './payload';

/** The `iTXt` keyword our payload is stored under. */
export const PNG_METADATA_KEYWORD = 'apiframe';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

interface Chunk {
  name: string;
  data: Uint8Array;
}

/** A chunk as the library read it, and where it lies in the file (length field to CRC, inclusive). */
interface PlacedChunk extends Chunk {
  readonly start: number;
  readonly end: number;
}

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= SIGNATURE.length && SIGNATURE.every((byte, i) => bytes[i] === byte);
}

/**
 * The file's chunks (checked by the library: CRCs, IHDR first, IEND present) with their places in the file. The
 * library trusts each chunk's length field and allocates that much before it looks further, so the lengths are
 * walked here first: a crafted length cannot make it allocate gigabytes, and a truncated file is refused instead
 * of read as zeros.
 */
function chunksOf(bytes: Uint8Array): PlacedChunk[] {
  if (!isPng(bytes)) throw new MetadataFormatError('not a PNG file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const places: { start: number; end: number }[] = [];
  for (let offset = SIGNATURE.length; ; ) {
    if (offset + 12 > bytes.length) throw new MetadataFormatError('the PNG file ends in the middle of a chunk');
    const length = view.getUint32(offset);
    const end = offset + 12 + length;
    if (length > 0x7fffffff || end > bytes.length) throw new MetadataFormatError('a PNG chunk is longer than the file');
    places.push({ start: offset, end });
    if (String.fromCharCode(...bytes.subarray(offset + 4, offset + 8)) === 'IEND') break;
    offset = end;
  }
  let chunks: Chunk[];
  try {
    chunks = extractChunks(bytes);
  } catch (error) {
    // A CRC that does not match, IHDR not first: the library's own words say which.
    throw new MetadataFormatError(error instanceof Error ? error.message : String(error));
  }
  if (chunks.length !== places.length) throw new MetadataFormatError('the PNG chunks could not be told apart');
  return chunks.map((chunk, i) => ({ ...chunk, start: places[i]?.start ?? 0, end: places[i]?.end ?? 0 }));
}

/**
 * The file rebuilt from `kept` chunks, each copied as it was (no chunk we did not write is re-encoded: the image data is
 * the server's byte for byte, and copying is fast), with `added` encoded by the library (its CRCs) before `insertAt`.
 * Anything after IEND stays where it was.
 */
function rebuild(bytes: Uint8Array, kept: readonly PlacedChunk[], added: readonly Chunk[] = [], insertAt = kept.length): Uint8Array {
  const last = kept.at(-1);
  const encoded = added.length > 0 ? encodeChunks([...added]).subarray(SIGNATURE.length) : new Uint8Array();
  const parts = [bytes.subarray(0, SIGNATURE.length)];
  kept.forEach((chunk, i) => {
    if (i === insertAt) parts.push(encoded);
    parts.push(bytes.subarray(chunk.start, chunk.end));
  });
  if (insertAt >= kept.length) parts.push(encoded);
  if (last) parts.push(bytes.subarray(last.end));
  return concatBytes(parts);
}

/** The parts one after another in one new array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** An uncompressed `iTXt` chunk without language tag: keyword, NUL, flag 0, method 0, NUL, NUL, UTF-8 text. */
function internationalText(keyword: string, text: string): Chunk {
  const key = new TextEncoder().encode(keyword);
  const body = new TextEncoder().encode(text);
  const data = new Uint8Array(key.length + 5 + body.length);
  data.set(key, 0);
  data.set(body, key.length + 5);
  return { name: 'iTXt', data };
}

interface ParsedInternationalText {
  readonly keyword: string;
  readonly compressed: boolean;
  readonly text: Uint8Array;
}

function parseInternationalText(data: Uint8Array): ParsedInternationalText | undefined {
  const keywordEnd = data.indexOf(0);
  if (keywordEnd < 1 || keywordEnd > 79 || keywordEnd + 3 > data.length) return undefined;
  const keyword = String.fromCharCode(...data.subarray(0, keywordEnd));
  const compressed = data[keywordEnd + 1] !== 0;
  const languageEnd = data.indexOf(0, keywordEnd + 3);
  const translatedEnd = languageEnd === -1 ? -1 : data.indexOf(0, languageEnd + 1);
  if (translatedEnd === -1) return undefined;
  return { keyword, compressed, text: data.subarray(translatedEnd + 1) };
}

function isOurs(chunk: Chunk): boolean {
  return chunk.name === 'iTXt' && parseInternationalText(chunk.data)?.keyword === PNG_METADATA_KEYWORD;
}

/** A `tEXt` chunk's keyword and text; undefined for one the library refuses (a NUL in its text). */
function plainText(chunk: Chunk): { keyword: string; text: string } | undefined {
  if (chunk.name !== 'tEXt') return undefined;
  try {
    return textChunk.decode(chunk.data);
  } catch {
    return undefined;
  }
}

function isOurSoftware(chunk: Chunk): boolean {
  const text = plainText(chunk);
  return text?.keyword === 'Software' && text.text === METADATA_SOFTWARE;
}

function namesSoftware(chunk: Chunk): boolean {
  if (chunk.name === 'tEXt') return plainText(chunk)?.keyword === 'Software';
  return chunk.name === 'iTXt' && parseInternationalText(chunk.data)?.keyword === 'Software';
}

/** The PNG with `payload` in it (an earlier payload of ours replaced). Throws on a file that is not a sound PNG. */
export function embedInPng(bytes: Uint8Array, payload: string): Uint8Array {
  const chunks = chunksOf(bytes).filter((chunk) => !isOurs(chunk));
  const ours = [internationalText(PNG_METADATA_KEYWORD, payload)];
  if (!chunks.some(namesSoftware)) ours.push(textChunk.encode('Software', METADATA_SOFTWARE));
  // Before the image data, where readers that stop early still find it (after IHDR, PLTE and the like).
  const at = chunks.findIndex((chunk) => chunk.name === 'IDAT' || chunk.name === 'IEND');
  return rebuild(bytes, chunks, ours, at === -1 ? chunks.length : at);
}

/** Our payload's text, if the PNG has one chunk of it in a form we write. */
export function payloadFromPng(bytes: Uint8Array): PayloadSearch {
  const ours = chunksOf(bytes).filter(isOurs);
  if (ours.length === 0) return { found: false, reason: 'none' };
  const parsed = ours.length === 1 && ours[0] ? parseInternationalText(ours[0].data) : undefined;
  if (!parsed || parsed.compressed) return { found: false, reason: 'malformed' };
  if (parsed.text.length > MAX_PAYLOAD_BYTES) return { found: false, reason: 'tooLarge' };
  try {
    return { found: true, text: new TextDecoder('utf-8', { fatal: true }).decode(parsed.text) };
  } catch {
    return { found: false, reason: 'malformed' };
  }
}

/** The PNG without what `embedInPng` added: the original file, byte for byte, when it had no Software chunk of ours. */
export function stripFromPng(bytes: Uint8Array): Uint8Array {
  return rebuild(bytes, chunksOf(bytes).filter((chunk) => !isOurs(chunk) && !isOurSoftware(chunk)));
}
