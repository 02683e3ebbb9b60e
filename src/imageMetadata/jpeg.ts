/**
 * The payload in a JPEG: an XMP packet in an APP1 segment (`http://ns.adobe.com/xap/1.0/` + NUL + packet), put
 * after the leading JFIF/Exif segments as the XMP specification asks. Only the marker segments before the scan
 * are walked; the compressed image data is copied untouched.
 */
import { MetadataFormatError } from './formatError';
import { concatBytes } from './png';
import { isOurXmp, payloadFromXmp, xmpPacket } from './xmp';
import type { PayloadSearch } from './payload';

const XMP_SIGNATURE = new TextEncoder().encode('http://ns.adobe.com/xap/1.0/\0');
/** A segment's length field counts itself (2 bytes) and holds at most 65535. */
const MAX_XMP_PACKET = 0xffff - 2 - XMP_SIGNATURE.length;
const APP0 = 0xe0;
const APP1 = 0xe1;
const SOS = 0xda;
const EOI = 0xd9;

interface Segment {
  readonly marker: number;
  /** Offset of the segment's first 0xFF, of its data (after the length field), and just after its last byte. */
  readonly start: number;
  readonly dataStart: number;
  readonly end: number;
}

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/** The marker segments before the first scan, and where the scan starts (the rest of the file). */
function segmentsOf(bytes: Uint8Array): { segments: Segment[]; rest: number } {
  if (!isJpeg(bytes)) throw new MetadataFormatError('not a JPEG file');
  const segments: Segment[] = [];
  let offset = 2;
  for (;;) {
    if (offset + 1 >= bytes.length || bytes[offset] !== 0xff) throw new MetadataFormatError('the JPEG file has a broken marker');
    let markerAt = offset + 1;
    // Fill bytes: any number of 0xFF may precede a marker.
    while (markerAt < bytes.length && bytes[markerAt] === 0xff) markerAt++;
    const marker = bytes[markerAt];
    if (marker === undefined) throw new MetadataFormatError('the JPEG file ends in a marker');
    if (marker === SOS || marker === EOI) return { segments, rest: offset };
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01 || marker === 0x00 || marker === 0xd8) {
      throw new MetadataFormatError('the JPEG file has a marker out of place');
    }
    if (markerAt + 2 >= bytes.length) throw new MetadataFormatError('the JPEG file ends in a segment');
    const length = ((bytes[markerAt + 1] ?? 0) << 8) | (bytes[markerAt + 2] ?? 0);
    const end = markerAt + 1 + length;
    if (length < 2 || end > bytes.length) throw new MetadataFormatError('a JPEG segment is longer than the file');
    segments.push({ marker, start: offset, dataStart: markerAt + 3, end });
    offset = end;
  }
}

function xmpPacketOf(bytes: Uint8Array, segment: Segment): Uint8Array | undefined {
  if (segment.marker !== APP1) return undefined;
  const data = bytes.subarray(segment.dataStart, segment.end);
  if (data.length < XMP_SIGNATURE.length || !XMP_SIGNATURE.every((byte, i) => data[i] === byte)) return undefined;
  return data.subarray(XMP_SIGNATURE.length);
}


/** The JPEG with `payload` as XMP. Throws `MetadataFormatError` when the file already has another program's XMP. */
export function embedInJpeg(bytes: Uint8Array, payload: string): Uint8Array {
  const { segments, rest } = segmentsOf(bytes);
  const packet = new TextEncoder().encode(xmpPacket(payload));
  if (packet.length > MAX_XMP_PACKET) throw new MetadataFormatError('the metadata is too large for a JPEG segment');
  const xmpSegments = segments.filter((segment) => xmpPacketOf(bytes, segment) !== undefined);
  if (xmpSegments.some((segment) => !isOurXmp(xmpPacketOf(bytes, segment) ?? new Uint8Array()))) {
    throw new MetadataFormatError('the image already has XMP metadata written by another program');
  }
  const kept = segments.filter((segment) => !xmpSegments.includes(segment));
  // After JFIF (APP0) and Exif (APP1), which readers expect first.
  let insertAt = 0;
  while (insertAt < kept.length && (kept[insertAt]?.marker === APP0 || kept[insertAt]?.marker === APP1)) insertAt++;
  const length = 2 + XMP_SIGNATURE.length + packet.length;
  const ours = concatBytes([new Uint8Array([0xff, APP1, length >> 8, length & 0xff]), XMP_SIGNATURE, packet]);
  const parts = kept.map((segment) => bytes.subarray(segment.start, segment.end));
  parts.splice(insertAt, 0, ours);
  return concatBytes([bytes.subarray(0, 2), ...parts, bytes.subarray(rest)]);
}

/** Our payload's text, if the JPEG has one XMP packet of ours. */
export function payloadFromJpeg(bytes: Uint8Array): PayloadSearch {
  const { segments } = segmentsOf(bytes);
  const packets = segments.map((segment) => xmpPacketOf(bytes, segment)).filter((packet): packet is Uint8Array => packet !== undefined && isOurXmp(packet));
  if (packets.length === 0) return { found: false, reason: 'none' };
  if (packets.length > 1 || !packets[0]) return { found: false, reason: 'malformed' };
  return payloadFromXmp(packets[0]);
}

/** The JPEG without our XMP segment: the original file, byte for byte. */
export function stripFromJpeg(bytes: Uint8Array): Uint8Array {
  const { segments, rest } = segmentsOf(bytes);
  const kept = segments.filter((segment) => {
    const packet = xmpPacketOf(bytes, segment);
    return !packet || !isOurXmp(packet);
  });
  return concatBytes([bytes.subarray(0, 2), ...kept.map((segment) => bytes.subarray(segment.start, segment.end)), bytes.subarray(rest)]);
}
