import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'mocha';
import { isUploadReusable, UPLOAD_MAX_BYTES, type ApiframeClient } from '../../src/apiframe/client';
import { UPLOAD_ASSUMED_LIFETIME_MS, UPLOAD_REUSE_MARGIN_MS, parseUpload } from '../../src/apiframe/uploads';
import { startEmulator, type Emulator } from '../emulator';
import { download } from '../emulator/http';
import { clientFor, emulatorWithClient, rejection } from './clientHelpers';
import { sourceOf, testPng } from './uploadHelpers';

const UPLOADS = '/v2/uploads';
const MINUTE = 60_000;

describe('client: image uploads (POST /v2/uploads)', function () {
  this.timeout(20_000);
  let emulator: Emulator;
  let client: ApiframeClient;
  let stop: () => Promise<void>;
  const png = testPng(48, 32);

  before(async () => {
    ({ emulator, client, stop } = await emulatorWithClient());
  });
  after(async () => stop());
  beforeEach(() => {
    emulator.faults.clear();
    emulator.log.clear();
  });

  it('streams the file as multipart/form-data and answers the URL, which serves the same bytes', async () => {
    // The source holds back its second chunk until the server has the request: a client that read the whole
    // file before sending would wait here forever (and time out).
    let waitedForServer = false;
    const source = sourceOf(png, 'logo.png', {
      chunkBytes: 256,
      beforeChunk: async (index) => {
        if (index !== 1) return;
        for (let i = 0; i < 200 && emulator.log.where({ path: UPLOADS }).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
        waitedForServer = emulator.log.where({ path: UPLOADS }).length > 0;
      },
    });
    const before = Date.now();
    const upload = await client.uploadImage(source);
    assert.ok(waitedForServer, 'the request reached the server before the file was read to its end');
    assert.equal(source.opened, 1);
    assert.equal(upload.contentType, 'image/png');
    assert.equal(upload.byteSize, png.length);
    assert.ok(upload.url.startsWith(`${emulator.url}/uploads/`), upload.url);
    const served = await download(upload.url);
    assert.equal(served.status, 200);
    assert.ok(served.bytes.equals(png), 'the uploaded bytes come back unchanged');
    const [entry] = emulator.log.where({ method: 'POST', path: UPLOADS });
    assert.deepEqual(entry?.body, { file: { name: 'logo.png', type: 'image/png', size: png.length } });
    // The friendly server says one hour; reuse stops a margin before it.
    assert.equal(upload.expiresAtFromServer, true);
    const lifetime = upload.expiresAt.getTime() - before;
    assert.ok(lifetime > 59 * MINUTE && lifetime <= 61 * MINUTE, `expires in ${lifetime} ms`);
    assert.equal(upload.reusableUntil.getTime(), upload.expiresAt.getTime() - UPLOAD_REUSE_MARGIN_MS);
  });

  it('refuses a file over 25 MB before opening it or sending a byte', async () => {
    const source = sourceOf(png, 'huge.png', { size: UPLOAD_MAX_BYTES + 1 });
    const error = await rejection(client.uploadImage(source));
    assert.equal(error.code, 'tooLarge');
    assert.match(error.message, /^huge\.png is 25 MB; Apiframe takes images up to 25 MB\. Make it smaller/);
    assert.equal(source.opened, 0);
    assert.deepEqual(emulator.log.entries, []);
  });

  it('takes a file of exactly 25 MB as far as the size check goes', async () => {
    // Declared at the limit, it passes the size check; its content (not an image) is then refused before sending.
    const source = sourceOf(Buffer.from('this is not an image at all'), 'edge.png', { size: UPLOAD_MAX_BYTES });
    const error = await rejection(client.uploadImage(source));
    assert.equal(error.code, 'invalidInput');
    assert.match(error.message, /not a PNG image/);
    assert.deepEqual(emulator.log.entries, []);
  });

  it('refuses formats the endpoint does not take: by name, by declared type, and by content, before sending', async () => {
    const byName = sourceOf(png, 'drawing.bmp');
    assert.equal(
      (await rejection(client.uploadImage(byName))).message,
      "drawing.bmp is a .bmp file; Apiframe's upload takes PNG, JPEG, WebP or GIF images.",
    );
    assert.equal(byName.opened, 0);
    const byType = sourceOf(png, 'icon', { contentType: 'image/svg+xml' });
    assert.match((await rejection(client.uploadImage(byType))).message, /^icon is image\/svg\+xml; Apiframe's upload takes PNG, JPEG, WebP or GIF images\.$/);
    const bmpBytes = Buffer.concat([Buffer.from('BM'), Buffer.alloc(64)]);
    const disguised = sourceOf(bmpBytes, 'photo.png');
    const error = await rejection(client.uploadImage(disguised));
    assert.equal(error.code, 'invalidInput');
    assert.match(error.message, /^photo\.png is not a PNG image/);
    assert.equal(disguised.opened, 1);
    assert.deepEqual(emulator.log.entries, [], 'nothing was sent');
  });

  it('sends what the bytes are: a JPEG named .png goes up as image/jpeg', async () => {
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 7)]);
    const upload = await client.uploadImage(sourceOf(jpeg, 'really-a.png'));
    assert.equal(upload.contentType, 'image/jpeg');
    assert.deepEqual(emulator.log.where({ path: UPLOADS })[0]?.body, { file: { name: 'really-a.png', type: 'image/jpeg', size: jpeg.length } });
  });

  it('retries a transient failure by opening the file again, and sends the same bytes', async () => {
    emulator.faults.inject({ fault: { kind: 'reset' }, path: UPLOADS });
    emulator.faults.inject({ fault: { kind: 'status', status: 503 }, path: UPLOADS });
    const source = sourceOf(png, 'retry.png', { chunkBytes: 100 });
    const upload = await client.uploadImage(source);
    assert.equal(source.opened, 3, 'one open per attempt');
    assert.deepEqual(
      emulator.log.where({ path: UPLOADS }).map((e) => e.status),
      [0, 503, 201],
    );
    assert.ok((await download(upload.url)).bytes.equals(png));
  });

  it('an upload takes its own timeout, longer than the one for JSON answers', async () => {
    emulator.faults.inject({ fault: { kind: 'delay', ms: 2_300 }, path: UPLOADS });
    // The client's 2 s JSON timeout plus the file's time at 64 KB/s would cut this attempt off; 4 s does not.
    await client.uploadImage(sourceOf(png, 'slow.png'), { timeoutMs: 4_000 });
    assert.equal(emulator.log.where({ path: UPLOADS }).length, 1, 'one attempt, not timed out');
  });

  it('a file that grows while it is read ends the upload with a clear error, not a retry loop', async () => {
    const source = sourceOf(png, 'growing.png', { size: png.length - 10 });
    const error = await rejection(client.uploadImage(source));
    assert.equal(error.code, 'invalidInput');
    assert.match(error.message, /^growing\.png changed while it was being uploaded \(more bytes than its \d+\); try again\.$/);
    assert.equal(source.opened, 1);
  });

  it('a file that cannot be read is reported as such, once', async () => {
    const unreadable = {
      fileName: 'gone.png',
      size: 100,
      open(): AsyncIterable<Uint8Array> {
        throw Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' });
      },
    };
    const error = await rejection(client.uploadImage(unreadable));
    assert.equal(error.code, 'invalidInput');
    assert.equal(error.message, 'Could not read gone.png: ENOENT: no such file or directory');
    assert.deepEqual(emulator.log.entries, []);
  });

  it('413 from the server becomes an actionable tooLarge error, not retried', async () => {
    emulator.faults.inject({
      fault: { kind: 'rawBody', status: 413, body: '{"error":"Request Entity Too Large"}', contentType: 'application/json' },
      path: UPLOADS,
    });
    const error = await rejection(client.uploadImage(sourceOf(png, 'banner.png')));
    assert.equal(error.code, 'tooLarge');
    assert.equal(error.status, 413);
    assert.equal(error.message, 'Apiframe refused banner.png as too large (HTTP 413): it takes images up to 25 MB. Make it smaller and try again.');
    assert.equal(emulator.log.where({ path: UPLOADS }).length, 1);
  });

  it("400 from the server names the file, the server's reason and what the endpoint takes", async () => {
    emulator.faults.inject({
      fault: {
        kind: 'rawBody',
        status: 400,
        body: JSON.stringify({ error: 'Unsupported file type', details: { file: ['Expected an image'] } }),
        contentType: 'application/json',
      },
      path: UPLOADS,
    });
    const error = await rejection(client.uploadImage(sourceOf(png, 'logo.png')));
    assert.equal(error.code, 'validation');
    assert.equal(error.message, 'Apiframe refused the upload of logo.png: Unsupported file type (file: Expected an image). It takes PNG, JPEG, WebP or GIF images up to 25 MB.');
    assert.deepEqual(error.details, { file: ['Expected an image'] });
  });

  it('the key never appears in upload errors, even when the server or the file name echoes it', async () => {
    const key = emulator.demoKey;
    emulator.faults.inject({
      fault: { kind: 'rawBody', status: 400, body: JSON.stringify({ error: `key ${key} may not upload` }), contentType: 'application/json' },
      path: UPLOADS,
    });
    const echoed = await rejection(client.uploadImage(sourceOf(png, 'logo.png')));
    assert.ok(!echoed.message.includes(key), echoed.message);
    assert.match(echoed.message, /«redacted»/);
    const named = await rejection(client.uploadImage(sourceOf(png, `${key}.bmp`)));
    assert.ok(!named.message.includes(key), named.message);
  });

  it('after its lifetime the URL is gone (404) and a job referencing it is refused, so the caller uploads again', async () => {
    const upload = await client.uploadImage(sourceOf(png, 'old.png'));
    assert.equal(isUploadReusable(upload), true);
    assert.equal(isUploadReusable(upload, upload.reusableUntil.getTime()), false);
    emulator.clock.advance(61 * MINUTE);
    assert.equal((await download(upload.url)).status, 404);
    const error = await rejection(client.removeBackground({ model: 'bria-bg-remove', briaBgRemoveParams: { image: upload.url } }));
    assert.equal(error.code, 'validation');
    assert.match(error.message, /briaBgRemoveParams\.image: Image URL could not be fetched: it has expired or does not exist/);
    const again = await client.uploadImage(sourceOf(png, 'old.png'));
    assert.notEqual(again.url, upload.url);
    assert.ok(await client.removeBackground({ model: 'bria-bg-remove', briaBgRemoveParams: { image: again.url } }));
  });

  describe('spec-strict: expiresAt says 2 h, the reaper comes after 1 h', () => {
    let strict: Emulator;
    let strictClient: ApiframeClient;
    before(async () => {
      strict = await startEmulator({ seed: 4, timeScale: 0.005, imageScale: 1 / 16, profile: 'spec-strict' });
      strictClient = clientFor(strict);
    });
    after(async () => {
      await strictClient.close();
      await strict.stop();
    });

    it('reuse stops before the low end of the lifetime, whatever expiresAt says', async () => {
      const before = Date.now();
      const upload = await strictClient.uploadImage(sourceOf(png, 'strict.png'));
      assert.ok(upload.expiresAt.getTime() - before > 119 * MINUTE, 'the server says two hours');
      assert.ok(upload.reusableUntil.getTime() <= Date.now() + UPLOAD_ASSUMED_LIFETIME_MS - UPLOAD_REUSE_MARGIN_MS);
      strict.clock.advance(61 * MINUTE);
      assert.equal((await download(upload.url)).status, 404, 'gone although expiresAt is still ahead');
    });
  });

  /**
   * The resume rule for a journaled operation whose upload may have expired: resubmit the journaled body under
   * its journaled key first; only a refusal of the expired input means "upload again", and the new body goes
   * out under the SAME key. Every profile then ends with exactly one job.
   */
  for (const profile of ['friendly', 'spec-strict'] as const) {
    describe(`resume after the upload expired (${profile})`, () => {
      let server: Emulator;
      let resumer: ApiframeClient;
      before(async () => {
        server = await startEmulator({ seed: 6, timeScale: 0.005, imageScale: 1 / 16, profile });
        resumer = clientFor(server);
      });
      after(async () => {
        await resumer.close();
        await server.stop();
      });

      async function resume(key: string, journaledUrl: string): Promise<string> {
        try {
          return (await resumer.removeBackground({ model: 'bria-bg-remove', briaBgRemoveParams: { image: journaledUrl } }, { idempotencyKey: key })).jobId;
        } catch (error) {
          assert.ok(error instanceof Error && 'code' in error && error.code === 'validation', String(error));
          const fresh = await resumer.uploadImage(sourceOf(png, 'resume.png'));
          return (await resumer.removeBackground({ model: 'bria-bg-remove', briaBgRemoveParams: { image: fresh.url } }, { idempotencyKey: key })).jobId;
        }
      }

      it('a job that was created is found again, never submitted twice', async () => {
        const upload = await resumer.uploadImage(sourceOf(png, 'resume.png'));
        const first = await resumer.removeBackground({ model: 'bria-bg-remove', briaBgRemoveParams: { image: upload.url } }, { idempotencyKey: `created-${profile}` });
        server.clock.advance(61 * MINUTE);
        assert.equal(await resume(`created-${profile}`, upload.url), first.jobId);
        assert.equal(server.jobs().filter((job) => job.idempotencyKey === `created-${profile}`).length, 1);
        // friendly answers the replay before it fetches the input; spec-strict refuses the expired input first.
        assert.equal(server.log.where({ path: UPLOADS }).length, profile === 'friendly' ? 1 : 2);
        server.log.clear();
      });

      it('a submit that never arrived is made once, with a fresh upload', async () => {
        const upload = await resumer.uploadImage(sourceOf(png, 'resume.png'));
        server.faults.inject({ fault: { kind: 'reset' }, path: '/v2/images/background-remove', times: 10 });
        await rejection(resumer.removeBackground({ model: 'bria-bg-remove', briaBgRemoveParams: { image: upload.url } }, { idempotencyKey: `lost-${profile}` }));
        server.faults.clear();
        server.clock.advance(61 * MINUTE);
        const jobId = await resume(`lost-${profile}`, upload.url);
        assert.deepEqual(server.jobs().filter((job) => job.idempotencyKey === `lost-${profile}`).map((job) => job.id), [jobId]);
      });
    });
  }

  describe('parseUpload', () => {
    const now = Date.parse('2026-01-01T10:00:00Z');
    it('without expiresAt (or one in the past) assumes the low end of the lifetime', () => {
      for (const expiresAt of [undefined, 'soon', '2025-12-31T00:00:00Z']) {
        const upload = parseUpload({ url: 'https://cdn.example/u.png', expiresAt }, now);
        assert.equal(upload.expiresAtFromServer, false);
        assert.equal(upload.expiresAt.getTime(), now + UPLOAD_ASSUMED_LIFETIME_MS);
        assert.equal(upload.reusableUntil.getTime(), now + UPLOAD_ASSUMED_LIFETIME_MS - UPLOAD_REUSE_MARGIN_MS);
      }
    });
    it('an early expiresAt wins; a late one is capped at the assumed lifetime', () => {
      const early = parseUpload({ url: 'https://cdn.example/u.png', expiresAt: '2026-01-01T10:20:00Z' }, now);
      assert.equal(early.reusableUntil.toISOString(), '2026-01-01T10:15:00.000Z');
      const late = parseUpload({ url: 'https://cdn.example/u.png', expiresAt: '2026-01-01T13:00:00Z' }, now);
      assert.equal(late.reusableUntil.toISOString(), '2026-01-01T10:55:00.000Z');
    });
    it('an answer without a URL is a badResponse', () => {
      assert.throws(() => parseUpload({ id: 'x' }, now), /unexpected answer to the upload: no file URL/);
      assert.throws(() => parseUpload({ url: 'javascript:alert(1)' }, now), /no file URL/);
    });
  });
});
