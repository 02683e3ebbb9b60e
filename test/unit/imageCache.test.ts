import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PNG } from 'pngjs';
import { ImageCache, ImageRefusedError, imageSize, isCompleteImage, sniffImage } from '../../src/jobs/imageCache';

function pngBytes(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  // Pseudo-random pixels, so the file does not compress to almost nothing.
  let state = width * 7919 + height;
  for (let i = 0; i < png.data.length; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    png.data[i] = state >>> 16;
  }
  return PNG.sync.write(png);
}

/** Yields `bytes` in chunks of `size`, then optionally fails (a connection reset mid-body). */
// eslint-disable-next-line @typescript-eslint/require-await -- a stand-in for a response body: async iterable, nothing to wait for
async function* chunks(bytes: Uint8Array, size: number, failAfter?: number): AsyncIterable<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) {
    if (failAfter !== undefined && offset >= failAfter) throw new Error('socket hang up');
    yield bytes.subarray(offset, offset + size);
  }
}

const ID = '0b8f8a52-6d0e-4a51-9f5c-1f2c3d4e5f60';

describe('image cache', () => {
  let dir: string;
  let cache: ImageCache;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'apiframe-cache-'));
    cache = new ImageCache(dir);
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function filesIn(localId: string): Promise<string[]> {
    try {
      return (await fs.readdir(cache.folderOf(localId))).sort();
    } catch {
      return [];
    }
  }

  it('streams a PNG into <localId>/<n>.png with its exact bytes and size from the header', async () => {
    const bytes = pngBytes(48, 32);
    const seen: number[] = [];
    const image = await cache.store(ID, 1, chunks(bytes, 100), { maxBytes: 1_000_000, onBytes: (n) => seen.push(n) });
    assert.deepEqual(image, { file: `${ID}/1.png`, mime: 'image/png', bytes: bytes.length, width: 48, height: 32 });
    assert.deepEqual(await fs.readFile(cache.absolutePath(image)), bytes);
    assert.equal(seen.at(-1), bytes.length);
    assert.deepEqual(await filesIn(ID), ['1.png']);
    assert.equal(await cache.has(image), true);
  });

  it('refuses something that is not an image and leaves nothing behind', async () => {
    const html = Buffer.from('<!doctype html><html><body>Gateway timeout</body></html>');
    await assert.rejects(
      cache.store(ID, 1, chunks(html, 8), { maxBytes: 1_000_000 }),
      (error: unknown) => error instanceof ImageRefusedError && error.reason === 'notImage' && /not a PNG, JPEG or WebP/.test(error.message),
    );
    assert.deepEqual(await filesIn(ID), []);
  });

  it('stops a download beyond the size cap and leaves nothing behind', async () => {
    const bytes = pngBytes(64, 64);
    await assert.rejects(
      cache.store(ID, 1, chunks(bytes, 256), { maxBytes: 1000 }),
      (error: unknown) => error instanceof ImageRefusedError && error.reason === 'tooLarge',
    );
    assert.deepEqual(await filesIn(ID), []);
  });

  it('refuses a PNG cut short even when the stream ended cleanly', async () => {
    const bytes = pngBytes(32, 32);
    await assert.rejects(
      cache.store(ID, 2, chunks(bytes.subarray(0, bytes.length - 20), 64), { maxBytes: 1_000_000 }),
      (error: unknown) => error instanceof ImageRefusedError && error.reason === 'incomplete',
    );
    assert.deepEqual(await filesIn(ID), []);
  });

  it('refuses an empty body', async () => {
    await assert.rejects(
      cache.store(ID, 1, chunks(new Uint8Array(0), 1), { maxBytes: 10 }),
      (error: unknown) => error instanceof ImageRefusedError && error.reason === 'empty',
    );
  });

  it('removes the temp file when the stream fails or the signal aborts mid-download', async () => {
    const bytes = pngBytes(64, 64);
    await assert.rejects(cache.store(ID, 1, chunks(bytes, 100, 500), { maxBytes: 1_000_000 }), /socket hang up/);
    assert.deepEqual(await filesIn(ID), []);

    const controller = new AbortController();
    // eslint-disable-next-line @typescript-eslint/require-await -- a stand-in for a response body: async iterable, nothing to wait for
    async function* abortingBody(): AsyncIterable<Uint8Array> {
      yield bytes.subarray(0, 100);
      controller.abort(new Error('window closed'));
      yield bytes.subarray(100);
    }
    await assert.rejects(cache.store(ID, 1, abortingBody(), { maxBytes: 1_000_000, signal: controller.signal }), /window closed/);
    assert.deepEqual(await filesIn(ID), []);
  });

  it('keeps earlier images of a record when a later one is refused', async () => {
    await cache.store(ID, 1, chunks(pngBytes(8, 8), 50), { maxBytes: 1_000_000 });
    await assert.rejects(cache.store(ID, 2, chunks(Buffer.from('nope nope nope'), 4), { maxBytes: 1_000_000 }));
    assert.deepEqual(await filesIn(ID), ['1.png']);
  });

  it('removes a record folder, partial downloads, and lists folders', async () => {
    await cache.store(ID, 1, chunks(pngBytes(8, 8), 50), { maxBytes: 1_000_000 });
    await fs.writeFile(path.join(cache.folderOf(ID), '2.abcd1234.part'), 'torn');
    assert.deepEqual(await cache.folders(), [ID]);
    await cache.removePartialDownloads();
    assert.deepEqual(await filesIn(ID), ['1.png']);
    await cache.remove(ID);
    assert.deepEqual(await cache.folders(), []);
  });

  it('rejects local ids that would leave the cache folder', () => {
    assert.throws(() => cache.folderOf('../outside'), /Invalid local job id/);
    assert.throws(() => cache.absolutePath({ file: '../../etc/passwd', mime: 'image/png', bytes: 1 }), /outside the cache/);
  });

  it('has() notices a cached file that was removed or changed size', async () => {
    const image = await cache.store(ID, 1, chunks(pngBytes(8, 8), 50), { maxBytes: 1_000_000 });
    await fs.appendFile(cache.absolutePath(image), 'x');
    assert.equal(await cache.has(image), false);
    await fs.rm(cache.absolutePath(image));
    assert.equal(await cache.has(image), false);
  });

  describe('format detection', () => {
    it('recognises JPEG and WebP and reads their size', () => {
      // SOI, APP0 (length 16), SOF0 with height 300 and width 200.
      const jpeg = Uint8Array.from([
        0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, ...new Array<number>(14).fill(0),
        0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0x2c, 0x00, 0xc8, 0x03, ...new Array<number>(9).fill(0), 0xff, 0xd9,
      ]);
      assert.deepEqual(sniffImage(jpeg), { mime: 'image/jpeg' });
      assert.deepEqual(imageSize('image/jpeg', jpeg), { width: 200, height: 300 });
      assert.equal(isCompleteImage('image/jpeg', jpeg, jpeg.subarray(-16), jpeg.length), true);

      const webp = new Uint8Array(30);
      webp.set(Buffer.from('RIFF'), 0);
      new DataView(webp.buffer).setUint32(4, 22, true);
      webp.set(Buffer.from('WEBPVP8X'), 8);
      // canvas width-1 = 639, height-1 = 479 (24-bit little endian)
      webp.set([0x7f, 0x02, 0x00, 0xdf, 0x01, 0x00], 24);
      assert.deepEqual(sniffImage(webp), { mime: 'image/webp' });
      assert.deepEqual(imageSize('image/webp', webp), { width: 640, height: 480 });
      assert.equal(isCompleteImage('image/webp', webp, webp.subarray(-16), 30), true);
      assert.equal(isCompleteImage('image/webp', webp, webp.subarray(-16), 29), false);
    });

    it('does not take GIF, SVG or text for an image', () => {
      assert.equal(sniffImage(Buffer.from('GIF89a......')), undefined);
      assert.equal(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg">')), undefined);
      assert.equal(sniffImage(Buffer.from('RIFF....WAVE')), undefined);
    });
  });
});
