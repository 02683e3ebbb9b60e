// The request inside a saved image (src/imageMetadata): a PNG iTXt chunk, XMP in JPEG (APP1) and WebP (XMP chunk
// with the VP8X flag) — written without touching the image data, read back strictly (a crafted file injects nothing).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import extractChunks from 'png-chunks-extract';
import encodeChunks from 'png-chunks-encode';
import { PNG } from 'pngjs';
import {
  embedImageMetadata,
  imageMetadataOf,
  MAX_PAYLOAD_BYTES,
  PNG_METADATA_KEYWORD,
  readImageMetadata,
  serializeImageMetadata,
  stripImageMetadata,
  XMP_NAMESPACE,
  type ImageMetadata,
} from '../../src/imageMetadata';
import { embedInJpeg } from '../../src/imageMetadata/jpeg';
import { embedInWebp } from '../../src/imageMetadata/webp';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'images');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(path.join(FIXTURES, name)));

const KOREAN_PROMPT = '해 질 녘 등대, 수채화 — "파도" & <물결> 🌊';

const FLUX: ImageMetadata = imageMetadataOf({
  prompt: KOREAN_PROMPT,
  model: 'flux-1.1-pro',
  params: { width: 1024, height: 768, seed: 424242, output_format: 'png', steps: 28 },
  aspectRatio: '4:3',
  jobId: 'job_7f3a9c',
  createdAt: '2026-12-02T04:50:00.000Z',
});

const DALLE: ImageMetadata = imageMetadataOf({
  prompt: 'A lighthouse at dusk',
  model: 'dall-e-3',
  params: { aspect_ratio: '3:2', style: 'natural' },
  aspectRatio: '3:2',
  createdAt: '2026-12-01T10:00:00Z',
});

function pngImage(width = 8, height = 6, alpha = false): Uint8Array {
  const png = new PNG({ width, height });
  for (let i = 0; i < png.data.length; i++) png.data[i] = alpha || i % 4 !== 3 ? (i * 37) % 256 : 255;
  return new Uint8Array(PNG.sync.write(png));
}

/** Decoded RGBA pixels: what a viewer shows. */
function pixels(bytes: Uint8Array): Buffer {
  return PNG.sync.read(Buffer.from(bytes)).data;
}

/** Every chunk's CRC checked here, independently of the chunk library. */
function assertPngCrcs(bytes: Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let count = 0;
  while (offset < bytes.length) {
    const length = view.getUint32(offset);
    const typeAndData = bytes.subarray(offset + 4, offset + 8 + length);
    assert.equal(view.getUint32(offset + 8 + length), crc32(typeAndData), `CRC of chunk ${count}`);
    offset += 12 + length;
    count++;
  }
  assert.equal(offset, bytes.length);
}

function iTXt(keyword: string, text: string, compressed = false): { name: string; data: Uint8Array } {
  const head = Buffer.from(`${keyword}\0${compressed ? '\x01' : '\0'}\0\0\0`, 'latin1');
  return { name: 'iTXt', data: new Uint8Array(Buffer.concat([head, Buffer.from(text, 'utf8')])) };
}

/** A PNG with `text` (anything) as our payload chunk, CRCs correct: what a tamperer would write. */
function pngWithPayload(text: string, options: { compressed?: boolean; copies?: number } = {}): Uint8Array {
  const chunks = extractChunks(pngImage());
  for (let i = 0; i < (options.copies ?? 1); i++) chunks.splice(1, 0, iTXt(PNG_METADATA_KEYWORD, text, options.compressed));
  return encodeChunks(chunks);
}

function payloadWith(change: (payload: Record<string, unknown>) => void, base: ImageMetadata = FLUX): string {
  const payload = JSON.parse(serializeImageMetadata(base)) as Record<string, unknown>;
  change(payload);
  return JSON.stringify(payload);
}

function embedded(bytes: Uint8Array, metadata: ImageMetadata = FLUX): Uint8Array {
  const result = embedImageMetadata(bytes, metadata);
  assert.ok(result.ok, result.ok ? '' : result.reason);
  return result.bytes;
}

function refusal(bytes: Uint8Array): string {
  const lookup = readImageMetadata(bytes);
  assert.equal(lookup.kind, 'refused', `expected a refusal, got ${lookup.kind}`);
  return lookup.kind === 'refused' ? lookup.problem : '';
}

describe('image metadata', () => {
  describe('the payload', () => {
    it('carries version, prompt, model, params, aspect ratio, seed, job id and time, in that order, and nothing else', () => {
      assert.equal(
        serializeImageMetadata(FLUX),
        JSON.stringify({
          version: 1,
          software: 'Apiframe Images',
          prompt: KOREAN_PROMPT,
          model: 'flux-1.1-pro',
          params: { width: 1024, height: 768, seed: 424242, output_format: 'png', steps: 28 },
          aspectRatio: '4:3',
          seed: 424242,
          jobId: 'job_7f3a9c',
          createdAt: '2026-12-02T04:50:00.000Z',
        }),
      );
      // A model without a seed, a job not yet answered: no seed, no job id.
      assert.deepEqual(Object.keys(JSON.parse(serializeImageMetadata(DALLE)) as object), ['version', 'software', 'prompt', 'model', 'params', 'aspectRatio', 'createdAt']);
    });

    it('copies only the named fields: a record-like object with a key in it does not leak the key', () => {
      const recordLike = { ...{ prompt: 'cat', model: 'dall-e-3' as const, params: { aspect_ratio: '1:1' }, aspectRatio: '1:1', createdAt: '2026-12-01T10:00:00Z' }, apiKey: 'sk-canary-123', idempotencyKey: 'x' };
      const text = serializeImageMetadata(imageMetadataOf(recordLike));
      assert.ok(!text.includes('sk-canary-123') && !text.includes('idempotencyKey'), text);
    });

    it('writes U+FFFE/U+FFFF as escapes (not allowed in XML) and reads them back', () => {
      const odd = imageMetadataOf({ ...FLUX, prompt: 'a\uFFFEb\uFFFFc' });
      const text = serializeImageMetadata(odd);
      assert.ok(!/[\uFFFE\uFFFF]/.test(text) && text.includes('\\ufffe'), text);
      const lookup = readImageMetadata(embedded(fixture('photo.jpg'), odd));
      assert.ok(lookup.kind === 'found');
      assert.equal(lookup.metadata.prompt, 'a\uFFFEb\uFFFFc');
    });
  });

  describe('PNG (iTXt chunk)', () => {
    it('round-trips a Korean prompt, model, params and seed; the pixels and every other chunk are untouched', () => {
      const original = pngImage(8, 6, true);
      const saved = embedded(original);
      const lookup = readImageMetadata(saved);
      assert.deepEqual(lookup, { kind: 'found', format: 'png', metadata: FLUX });
      assert.deepEqual(pixels(saved), pixels(original));
      assertPngCrcs(saved);
      assert.deepEqual(stripImageMetadata(saved), original, 'stripping our chunks gives back the original exactly');
    });

    it('writes one uncompressed UTF-8 iTXt chunk "apiframe" and tEXt Software before the image data', () => {
      const chunks = extractChunks(embedded(pngImage()));
      const names = chunks.map((chunk) => chunk.name);
      assert.deepEqual(names, ['IHDR', 'iTXt', 'tEXt', 'IDAT', 'IEND']);
      const itxt = Buffer.from(chunks[1]?.data ?? []);
      const prefix = Buffer.from('apiframe\0\0\0\0\0', 'latin1');
      assert.deepEqual(itxt.subarray(0, prefix.length), prefix, 'keyword, compression flag 0, method 0, no language, no translated keyword');
      assert.equal(itxt.subarray(prefix.length).toString('utf8'), serializeImageMetadata(FLUX));
      assert.equal(Buffer.from(chunks[2]?.data ?? []).toString('latin1'), 'Software\0Apiframe Images');
    });

    it('keeps the chunks that were there (text, a Software of another program) in their order, and replaces only its own payload', () => {
      const base = extractChunks(pngImage());
      base.splice(1, 0, { name: 'tEXt', data: new Uint8Array(Buffer.from('Comment\0made elsewhere', 'latin1')) }, { name: 'tEXt', data: new Uint8Array(Buffer.from('Software\0Other', 'latin1')) });
      const original = encodeChunks(base);
      const once = embedded(original, DALLE);
      const twice = embedded(once, FLUX);
      const chunks = extractChunks(twice);
      assert.deepEqual(chunks.map((chunk) => chunk.name), ['IHDR', 'tEXt', 'tEXt', 'iTXt', 'IDAT', 'IEND'], 'one payload, no Software of ours');
      assert.deepEqual(readImageMetadata(twice), { kind: 'found', format: 'png', metadata: FLUX });
      assert.deepEqual(stripImageMetadata(twice), original);
      assertPngCrcs(twice);
    });

    it('copies every chunk it did not write as it was, and bytes after IEND too', () => {
      const original = new Uint8Array([...pngImage(), ...Buffer.from('trailing bytes some tools leave')]);
      const saved = embedded(original);
      assert.deepEqual(saved.subarray(saved.length - 31), original.subarray(original.length - 31));
      assert.deepEqual(readImageMetadata(saved), { kind: 'found', format: 'png', metadata: FLUX });
      assert.deepEqual(stripImageMetadata(saved), original);
    });

    it('reads a PNG without our chunk as "none", and bytes of no image format as "notImage"', () => {
      assert.deepEqual(readImageMetadata(pngImage()), { kind: 'none', format: 'png' });
      const withOtherText = encodeChunks([...extractChunks(pngImage()).slice(0, 1), iTXt('Description', 'a cat'), ...extractChunks(pngImage()).slice(1)]);
      assert.deepEqual(readImageMetadata(withOtherText), { kind: 'none', format: 'png' });
      assert.deepEqual(readImageMetadata(new TextEncoder().encode('{"version":1}')), { kind: 'notImage' });
      assert.deepEqual(readImageMetadata(new Uint8Array()), { kind: 'notImage' });
    });

    it('refuses tampered payloads: unknown model, foreign or out-of-range params, extra fields, wrong types, a newer version', () => {
      const cases: [string, string, string][] = [
        ['unknown model', payloadWith((p) => (p.model = 'dall-e-9')), 'invalid'],
        ['a parameter the model does not take', payloadWith((p) => (p.params = { width: 1024, apiKey: 'x' })), 'invalid'],
        ['out of range', payloadWith((p) => (p.params = { width: 99999 })), 'invalid'],
        ['wrong type', payloadWith((p) => (p.params = { width: '1024' })), 'invalid'],
        ['another model’s block', payloadWith((p) => (p.params = { aspect_ratio: '1:1', style: 'vivid' })), 'invalid'],
        ['params not an object', payloadWith((p) => (p.params = [1, 2])), 'invalid'],
        ['an extra field', payloadWith((p) => (p.callbackUrl = 'https://example.invalid/')), 'invalid'],
        ['__proto__', payloadWith((p) => (p.params = JSON.parse('{"__proto__":{"polluted":true}}') as unknown)), 'invalid'],
        ['seed differs from params.seed', payloadWith((p) => (p.seed = 1)), 'invalid'],
        ['empty prompt', payloadWith((p) => (p.prompt = '   ')), 'invalid'],
        ['prompt over the model’s limit', payloadWith((p) => (p.prompt = 'x'.repeat(2001))), 'invalid'],
        ['bad aspect ratio', payloadWith((p) => (p.aspectRatio = 'wide')), 'invalid'],
        ['bad job id', payloadWith((p) => (p.jobId = '../../etc')), 'invalid'],
        ['bad time', payloadWith((p) => (p.createdAt = 'yesterday')), 'invalid'],
        ['other software', payloadWith((p) => (p.software = 'Something')), 'invalid'],
        ['no version', payloadWith((p) => delete p.version), 'invalid'],
        ['a newer version', payloadWith((p) => (p.version = 2)), 'newer'],
        ['not JSON', '{"version":1,', 'notJson'],
        ['not an object', '[1]', 'invalid'],
      ];
      for (const [name, text, problem] of cases) assert.equal(refusal(pngWithPayload(text)), problem, name);
      assert.equal(Object.prototype.hasOwnProperty.call({}, 'polluted'), false);
    });

    it('refuses an oversized payload, a compressed or doubled chunk, and text that is not UTF-8', () => {
      const huge = payloadWith((p) => (p.prompt = `a${' '.repeat(MAX_PAYLOAD_BYTES)}`));
      assert.equal(refusal(pngWithPayload(huge)), 'tooLarge');
      assert.equal(refusal(pngWithPayload(serializeImageMetadata(FLUX), { compressed: true })), 'malformed');
      assert.equal(refusal(pngWithPayload(serializeImageMetadata(FLUX), { copies: 2 })), 'malformed');
      const chunks = extractChunks(pngImage());
      const bad = iTXt(PNG_METADATA_KEYWORD, '');
      chunks.splice(1, 0, { name: 'iTXt', data: new Uint8Array([...bad.data, 0xc3, 0x28]) });
      assert.equal(refusal(encodeChunks(chunks)), 'malformed');
    });

    it('refuses a broken file (bad CRC, truncated, a length past the end) without reading or allocating past it', () => {
      const saved = embedded(pngImage());
      const flipped = Uint8Array.from(saved);
      flipped[45] = (flipped[45] ?? 0) ^ 0xff; // inside the iTXt payload: its CRC no longer matches
      assert.equal(refusal(flipped), 'brokenImage');
      assert.equal(refusal(saved.subarray(0, saved.length - 20)), 'brokenImage');
      const hugeLength = Uint8Array.from(saved);
      new DataView(hugeLength.buffer).setUint32(33, 0xfffffff0); // the first chunk after IHDR claims ~4 GB
      assert.equal(refusal(hugeLength), 'brokenImage');
      const result = embedImageMetadata(hugeLength, FLUX);
      assert.equal(result.ok, false, 'a broken PNG is saved as it is, not rewritten');
    });
  });

  describe('JPEG (XMP in APP1)', () => {
    /** The marker of each segment before the scan, and the bytes from the scan on. */
    function layout(bytes: Uint8Array): { markers: number[]; scan: Uint8Array } {
      const markers: number[] = [];
      let offset = 2;
      while (bytes[offset + 1] !== 0xda) {
        markers.push(bytes[offset + 1] ?? -1);
        offset += 2 + (((bytes[offset + 2] ?? 0) << 8) | (bytes[offset + 3] ?? 0));
      }
      return { markers, scan: bytes.subarray(offset) };
    }

    it('round-trips after the JFIF segment; the scan data is untouched and stripping gives back the original', () => {
      const original = fixture('photo.jpg');
      const saved = embedded(original);
      assert.deepEqual(readImageMetadata(saved), { kind: 'found', format: 'jpeg', metadata: FLUX });
      assert.deepEqual(layout(saved).markers, [0xe0, 0xe1, ...layout(original).markers.slice(1)]);
      assert.deepEqual(layout(saved).scan, layout(original).scan);
      assert.deepEqual(stripImageMetadata(saved), original);
      const text = Buffer.from(saved).toString('utf8');
      assert.ok(text.includes('http://ns.adobe.com/xap/1.0/\0<?xpacket begin="\uFEFF"'), 'the standard XMP signature and packet');
      assert.ok(text.includes(`xmlns:apiframe="${XMP_NAMESPACE}"`));
      assert.ok(text.includes('&lt;물결&gt;') && text.includes('&amp;'), 'the prompt is escaped for XML, and stays UTF-8');
    });

    it('goes after an Exif segment and keeps it byte for byte; re-embedding replaces its own packet', () => {
      const original = fixture('exif.jpg');
      const saved = embedded(embedded(original, DALLE), FLUX);
      const markers = layout(saved).markers;
      assert.deepEqual(markers.slice(0, 3), [0xe0, 0xe1, 0xe1]);
      assert.ok(Buffer.from(saved).includes(Buffer.from('Fixture Artist')));
      assert.deepEqual(readImageMetadata(saved), { kind: 'found', format: 'jpeg', metadata: FLUX });
      assert.deepEqual(stripImageMetadata(saved), original);
    });

    it('leaves another program’s XMP alone (not embedded, read as "none")', () => {
      const result = embedImageMetadata(fixture('foreign-xmp.jpg'), FLUX);
      assert.equal(result.ok, false);
      assert.deepEqual(readImageMetadata(fixture('foreign-xmp.jpg')), { kind: 'none', format: 'jpeg' });
      assert.deepEqual(readImageMetadata(fixture('photo.jpg')), { kind: 'none', format: 'jpeg' });
    });

    it('refuses tampered and broken files', () => {
      const tampered = embedInJpeg(fixture('photo.jpg'), payloadWith((p) => (p.model = 'unknown-model')));
      assert.equal(refusal(tampered), 'invalid');
      const markup = embedInJpeg(fixture('photo.jpg'), 'x<y');
      assert.equal(refusal(markup), 'notJson', 'escaped markup is only text');
      const saved = embedded(fixture('photo.jpg'));
      const text = Buffer.from(saved).toString('latin1').replace('<apiframe:metadata>{"v', '<apiframe:metadata><b>');
      assert.equal(refusal(new Uint8Array(Buffer.from(text, 'latin1'))), 'malformed', 'an element inside our value');
      assert.equal(refusal(saved.subarray(0, 30)), 'brokenImage');
      const longSegment = Uint8Array.from(saved);
      longSegment[4] = 0xff; // the APP0 segment's length now runs past the end
      longSegment[5] = 0xff;
      assert.equal(refusal(longSegment.subarray(0, 2000)), 'brokenImage');
    });
  });

  describe('WebP (XMP chunk in the RIFF container)', () => {
    interface RiffChunk {
      fourcc: string;
      size: number;
      data: Buffer;
    }
    function riff(bytes: Uint8Array): { size: number; chunks: RiffChunk[] } {
      const buffer = Buffer.from(bytes);
      assert.equal(buffer.toString('latin1', 0, 4), 'RIFF');
      assert.equal(buffer.toString('latin1', 8, 12), 'WEBP');
      const size = buffer.readUInt32LE(4);
      assert.equal(size + 8, buffer.length, 'the RIFF size covers the file exactly');
      const chunks: RiffChunk[] = [];
      for (let offset = 12; offset < buffer.length; ) {
        const chunkSize = buffer.readUInt32LE(offset + 4);
        chunks.push({ fourcc: buffer.toString('latin1', offset, offset + 4), size: chunkSize, data: buffer.subarray(offset + 8, offset + 8 + chunkSize) });
        offset += 8 + chunkSize + (chunkSize % 2);
        if (chunkSize % 2 === 1) assert.equal(buffer[offset - 1], 0, 'padding byte is zero');
      }
      return { size, chunks };
    }

    it('turns a simple lossy file into an extended one (VP8X with the XMP flag and the canvas size) and back', () => {
      const original = fixture('lossy.webp');
      const saved = embedded(original);
      const { chunks } = riff(saved);
      assert.deepEqual(chunks.map((c) => c.fourcc), ['VP8X', 'VP8 ', 'XMP ']);
      const vp8x = chunks[0]?.data ?? Buffer.alloc(0);
      assert.equal(vp8x[0], 0x04, 'XMP flag only');
      assert.equal(vp8x.readUIntLE(4, 3) + 1, 16, 'canvas width');
      assert.equal(vp8x.readUIntLE(7, 3) + 1, 12, 'canvas height');
      assert.deepEqual(chunks[1]?.data, riff(original).chunks[0]?.data, 'the image data is untouched');
      assert.deepEqual(readImageMetadata(saved), { kind: 'found', format: 'webp', metadata: FLUX });
      assert.deepEqual(stripImageMetadata(saved), original);
    });

    it('sets the alpha flag for a lossless image with alpha, and only the XMP flag without', () => {
      for (const [name, flags] of [['lossless.webp', 0x04], ['lossless-alpha.webp', 0x14]] as const) {
        const saved = embedded(fixture(name), DALLE);
        const { chunks } = riff(saved);
        assert.deepEqual(chunks.map((c) => c.fourcc), ['VP8X', 'VP8L', 'XMP '], name);
        assert.equal(chunks[0]?.data[0], flags, name);
        assert.equal((chunks[0]?.data.readUIntLE(4, 3) ?? 0) + 1, 16, name);
        assert.deepEqual(readImageMetadata(saved), { kind: 'found', format: 'webp', metadata: DALLE });
        assert.deepEqual(stripImageMetadata(saved), fixture(name), name);
      }
    });

    it('adds the flag to an extended file and puts XMP after the image data, keeping every chunk', () => {
      const original = fixture('lossy-alpha.webp');
      const before = riff(original).chunks;
      assert.equal(before[0]?.fourcc, 'VP8X');
      const saved = embedded(embedded(original, DALLE), FLUX);
      const { chunks } = riff(saved);
      assert.deepEqual(chunks.map((c) => c.fourcc), [...before.map((c) => c.fourcc), 'XMP ']);
      assert.equal(chunks[0]?.data[0], (before[0]?.data[0] ?? 0) | 0x04);
      before.slice(1).forEach((chunk, i) => assert.deepEqual(chunks[i + 1]?.data, chunk.data));
      assert.deepEqual(readImageMetadata(saved), { kind: 'found', format: 'webp', metadata: FLUX });
      assert.deepEqual(stripImageMetadata(saved), original);
    });

    it('pads an odd-sized XMP chunk with a zero byte', () => {
      const variants = ['', '!'].map((suffix) => imageMetadataOf({ ...FLUX, prompt: `${KOREAN_PROMPT}${suffix}` }));
      const sizes = variants.map((metadata) => riff(embedded(fixture('lossy.webp'), metadata)).chunks[2]?.size ?? 0);
      assert.ok(sizes.some((size) => size % 2 === 1), `one of ${sizes.join(', ')} is odd`);
      for (const metadata of variants) assert.deepEqual(readImageMetadata(embedded(fixture('lossy.webp'), metadata)), { kind: 'found', format: 'webp', metadata });
    });

    it('leaves another program’s XMP alone, and refuses tampered and broken files', () => {
      assert.equal(embedImageMetadata(fixture('foreign-xmp.webp'), FLUX).ok, false);
      assert.deepEqual(readImageMetadata(fixture('foreign-xmp.webp')), { kind: 'none', format: 'webp' });
      assert.deepEqual(readImageMetadata(fixture('lossy.webp')), { kind: 'none', format: 'webp' });
      assert.equal(refusal(embedInWebp(fixture('lossy.webp'), payloadWith((p) => (p.params = { steps: 500 })))), 'invalid');
      const saved = embedded(fixture('lossy.webp'));
      const wrongSize = Uint8Array.from(saved);
      new DataView(wrongSize.buffer).setUint32(4, saved.length, true); // claims 8 bytes more than the file has
      assert.equal(refusal(wrongSize), 'brokenImage');
      assert.equal(refusal(saved.subarray(0, saved.length - 3)), 'brokenImage');
    });
  });
});
