// The search half of the key-leak scan: the byte patterns a key can take once it is written somewhere, and a
// search that reports where a pattern was found without ever printing the key. No `vscode` import: the
// places are gathered by leakScan.test.ts, and the unit tests (test/unit/leakScanner.test.ts) run it in
// plain Node.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** A key to look for; `label` names it in a finding (never the value). */
export interface ScannedKey {
  readonly label: string;
  readonly value: string;
}

/** One form of one key to look for. */
export interface Needle {
  readonly key: ScannedKey;
  readonly encoding: string;
  readonly bytes: Buffer;
}

export interface LeakHit {
  readonly place: string;
  /** Which key, in which form — never the key itself. */
  readonly what: string;
}

/**
 * Base64 of `value` as it appears inside ANY longer base64 text: the encoding of a substring depends on its
 * offset modulo 3, so the value is encoded at offsets 0, 1 and 2 and only the characters that depend on the
 * value alone are kept.
 */
function base64Forms(value: string, alphabet: 'base64' | 'base64url'): string[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const padded = Buffer.concat([Buffer.alloc(offset), bytes]);
    const encoded = padded.toString(alphabet).replace(/=+$/, '');
    // Characters touched by the zero bytes in front, and the last partial group, vary with the neighbours.
    const skip = offset === 0 ? 0 : offset + 1;
    const usableBits = (offset + bytes.length) * 8;
    const end = Math.floor(usableBits / 6);
    forms.push(encoded.slice(skip, end));
  }
  return forms;
}

/** Every form of every key the scan looks for: as written, URL-encoded, JSON-escaped, base64 (both alphabets), UTF-16. */
export function needlesFor(keys: readonly ScannedKey[]): Needle[] {
  const needles: Needle[] = [];
  for (const key of keys) {
    const seen = new Set<string>();
    const add = (encoding: string, bytes: Buffer): void => {
      const id = bytes.toString('hex');
      if (seen.has(id) || bytes.length < 8) return;
      seen.add(id);
      needles.push({ key, encoding, bytes });
    };
    add('plain', Buffer.from(key.value, 'utf8'));
    add('URL-encoded', Buffer.from(encodeURIComponent(key.value), 'utf8'));
    add('JSON-escaped', Buffer.from(JSON.stringify(key.value).slice(1, -1), 'utf8'));
    base64Forms(key.value, 'base64').forEach((form, offset) => add(`base64 (offset ${offset})`, Buffer.from(form, 'ascii')));
    base64Forms(key.value, 'base64url').forEach((form, offset) => add(`base64url (offset ${offset})`, Buffer.from(form, 'ascii')));
    add('UTF-16LE', Buffer.from(key.value, 'utf16le'));
  }
  return needles;
}

/** A key as a finding may show it: its prefix and length, so a reader can tell keys apart without learning one. */
export function masked(value: string): string {
  return `${value.slice(0, 6)}…(${value.length} chars)`;
}

/** Counts the places searched and collects the hits; `search` may be called for text or raw bytes. */
export class LeakScan {
  private readonly places = new Set<string>();
  readonly hits: LeakHit[] = [];

  constructor(private readonly needles: readonly Needle[]) {}

  get placeCount(): number {
    return this.places.size;
  }

  /** How many places of each kind were searched (the kind is a place's first word), for the summary line. */
  placesByKind(): string {
    const counts = new Map<string, number>();
    for (const place of this.places) {
      const kind = /^[^\s[]+/.exec(place)?.[0] ?? place;
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }
    return [...counts].map(([kind, count]) => `${kind} ${count}`).join(', ');
  }

  search(place: string, content: string | Uint8Array): void {
    this.places.add(place);
    const haystack = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    for (const needle of this.needles) {
      if (haystack.indexOf(needle.bytes) >= 0) {
        this.hits.push({ place, what: `${needle.key.label} key ${masked(needle.key.value)}, ${needle.encoding}` });
      }
    }
  }

  /** Searches every file under `root` (recursively, as bytes), each as the place `<label> <relative path>`. */
  searchFolder(label: string, root: string): void {
    for (const file of filesUnder(root)) this.search(`${label} ${path.relative(root, file) || path.basename(file)}`, readFileSync(file));
  }
}

/** Every file under `dir` (recursively), sorted, or none when it does not exist. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(full));
    else if (entry.isFile()) found.push(full);
  }
  return found.sort();
}
