/**
 * The payload as an XMP packet, for JPEG and WebP (the formats' own place for text metadata): one
 * `rdf:Description` with `xmp:CreatorTool` and the JSON as the text of `apiframe:metadata`, in our own namespace.
 * Reading looks for exactly that element, bound to exactly that namespace, so a packet written by another tool
 * is simply "not ours".
 */
import { MAX_PAYLOAD_BYTES, METADATA_SOFTWARE, type PayloadSearch } from './payload';

/** Our XMP namespace and its prefix. */
export const XMP_NAMESPACE = 'urn:apiframe-images:xmp:1.0#';
const PREFIX = 'apiframe';

/** The packet's id every XMP writer uses (it says "this is an XMP packet", nothing more). */
const PACKET_ID = 'W5M0MpCehiHzreSzNTczkc9d';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML text content back to a string: the five named entities and character references; undefined if malformed. */
function unescapeXml(text: string): string | undefined {
  // A bare `&` is not well-formed XML: whatever wrote it was not an XML writer.
  if (/&(?!(?:#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});)/.test(text)) return undefined;
  let bad = false;
  const result = text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (_whole, name: string) => {
    if (name.startsWith('#')) {
      const code = name.startsWith('#x') ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) || code === 0) {
        bad = true;
        return '';
      }
      return String.fromCodePoint(code);
    }
    const entity = ENTITIES[name];
    if (entity === undefined) bad = true;
    return entity ?? '';
  });
  return bad ? undefined : result;
}

/** A complete XMP packet holding `payload` (UTF-8, read-only wrapper: nothing is padded for in-place edits). */
export function xmpPacket(payload: string): string {
  return (
    `<?xpacket begin="\uFEFF" id="${PACKET_ID}"?>\n` +
    `<x:xmpmeta xmlns:x="adobe:ns:meta/">\n` +
    ` <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n` +
    `  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:${PREFIX}="${XMP_NAMESPACE}">\n` +
    `   <xmp:CreatorTool>${escapeXml(METADATA_SOFTWARE)}</xmp:CreatorTool>\n` +
    `   <${PREFIX}:metadata>${escapeXml(payload)}</${PREFIX}:metadata>\n` +
    `  </rdf:Description>\n` +
    ` </rdf:RDF>\n` +
    `</x:xmpmeta>\n` +
    `<?xpacket end="r"?>`
  );
}

/** Whether an XMP packet (UTF-8 bytes) is one of ours. */
export function isOurXmp(packet: Uint8Array): boolean {
  return new TextDecoder().decode(packet).includes(`xmlns:${PREFIX}="${XMP_NAMESPACE}"`);
}

/** Our payload in an XMP packet (UTF-8 bytes). */
export function payloadFromXmp(packet: Uint8Array): PayloadSearch {
  let xml: string;
  try {
    xml = new TextDecoder('utf-8', { fatal: true }).decode(packet);
  } catch {
    return { found: false, reason: 'none' };
  }
  if (!xml.includes(`xmlns:${PREFIX}="${XMP_NAMESPACE}"`)) return { found: false, reason: 'none' };
  const open = `<${PREFIX}:metadata>`;
  const close = `</${PREFIX}:metadata>`;
  const start = xml.indexOf(open);
  const end = start === -1 ? -1 : xml.indexOf(close, start);
  if (start === -1 || end === -1 || xml.indexOf(open, start + 1) !== -1) return { found: false, reason: 'malformed' };
  const raw = xml.slice(start + open.length, end);
  if (raw.length > MAX_PAYLOAD_BYTES * 2) return { found: false, reason: 'tooLarge' };
  if (raw.includes('<')) return { found: false, reason: 'malformed' };
  const text = unescapeXml(raw);
  return text === undefined ? { found: false, reason: 'malformed' } : { found: true, text };
}
