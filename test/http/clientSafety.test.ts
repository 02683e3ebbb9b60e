import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'mocha';
import { checkBaseUrl, checkResultUrl, createApiframeClient, redactSecrets, type ApiframeClient } from '../../src/apiframe/client';
import { ApiframeError } from '../../src/apiframe/errors';
import type { Emulator } from '../emulator';
import { clientFor, emulatorWithClient, rejection } from './clientHelpers';

const KEY = 'afk_secret_1234567890abcdef';

function everythingAbout(error: ApiframeError): string {
  return `${error.message}\n${error.stack ?? ''}\n${JSON.stringify(error)}\n${String(error.serverMessage)}`;
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

describe('Apiframe client: safety rules', () => {
  describe('redaction', () => {
    it('masks the given key, its encoded form and anything shaped like an Apiframe key', () => {
      const text = `key ${KEY} url ?k=${encodeURIComponent('pa ss/word')} other afk_ZZZZyyyy9999`;
      const redacted = redactSecrets(text, [KEY, 'pa ss/word']);
      assert.ok(!redacted.includes(KEY));
      assert.ok(!redacted.includes('pa%20ss%2Fword'));
      assert.ok(!redacted.includes('afk_ZZZZyyyy9999'));
      assert.match(redacted, /^key «redacted» url/);
    });

    it('never puts the key in errors: network failure, 401 and a server echoing it', async () => {
      const closed = net.createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as AddressInfo).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const unreachable = createApiframeClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: KEY, userAgent: 't', maxRetries: 0, env: {} });
      const network = await rejection(unreachable.me());
      await unreachable.close();
      assert.equal(network.code, 'network');
      assert.ok(!everythingAbout(network).includes(KEY));

      const echo = http.createServer((req, res) => {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `Invalid API key ${String(req.headers['x-api-key'])}` }));
      });
      await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
      const echoing = createApiframeClient({ baseUrl: `http://127.0.0.1:${(echo.address() as AddressInfo).port}`, apiKey: KEY, userAgent: 't', env: {} });
      const unauthorized = await rejection(echoing.me());
      await echoing.close();
      await new Promise<void>((resolve) => echo.close(() => resolve()));
      assert.equal(unauthorized.code, 'unauthorized');
      assert.ok(!everythingAbout(unauthorized).includes(KEY), unauthorized.message);
      assert.match(unauthorized.message, /«redacted»/);
    });

    it('refuses a key with characters a header cannot carry, without echoing it', () => {
      assert.throws(
        () => createApiframeClient({ baseUrl: 'https://api.apiframe.ai', apiKey: 'afk_bad\nkey_secretpart', userAgent: 't' }),
        (error: unknown) => error instanceof ApiframeError && error.code === 'invalidInput' && !error.message.includes('secretpart'),
      );
    });
  });

  describe('URL rules', () => {
    it('base URL: https anywhere, http only on loopback', () => {
      assert.equal(checkBaseUrl('https://api.apiframe.ai/').href, 'https://api.apiframe.ai/');
      // Other tools' settings end in the API version; our paths add `/v2` themselves.
      for (const versioned of ['https://api.apiframe.ai/v2', 'https://api.apiframe.ai/v2/', 'https://api.apiframe.ai//V2//']) {
        assert.equal(checkBaseUrl(versioned).href, 'https://api.apiframe.ai/', versioned);
      }
      assert.equal(checkBaseUrl('https://gateway.example/apiframe/v2/').href, 'https://gateway.example/apiframe');
      assert.equal(checkBaseUrl('https://gateway.example/v2api').href, 'https://gateway.example/v2api');
      for (const ok of ['http://127.0.0.1:8080', 'http://localhost:1', 'http://[::1]:9', 'http://127.8.9.10']) assert.ok(checkBaseUrl(ok));
      for (const bad of ['http://api.apiframe.ai', 'ftp://x', 'not a url', 'https://user:pw@api.apiframe.ai', 'https://api.apiframe.ai/?q=1', 'http://169.254.169.254']) {
        assert.throws(() => checkBaseUrl(bad), (e: unknown) => e instanceof ApiframeError && e.code === 'invalidBaseUrl', bad);
      }
    });

    it('result URL: https or loopback http; never file/data/javascript, link-local or metadata hosts', () => {
      assert.ok(checkResultUrl('https://cdn.apiframe.ai/x/1.png'));
      assert.ok(checkResultUrl('http://127.0.0.1:4000/cdn/1.png'));
      const refused = [
        'file:///etc/passwd',
        'data:image/png;base64,AAAA',
        'javascript:alert(1)',
        'http://cdn.apiframe.ai/1.png',
        'https://169.254.169.254/latest/meta-data',
        'https://[fe80::1]/x',
        'https://metadata.google.internal/computeMetadata',
        'https://100.100.100.200/',
        'https://0.0.0.0/x',
        'https://[::ffff:169.254.169.254]/x',
        'https://2852039166/x',
        'https://u:p@cdn.apiframe.ai/1.png',
      ];
      for (const url of refused) {
        assert.throws(() => checkResultUrl(url), (e: unknown) => e instanceof ApiframeError && e.code === 'unsafeUrl', url);
      }
    });
  });

  describe('with the emulator', () => {
    let emulator: Emulator;
    let client: ApiframeClient;
    let stop: () => Promise<void>;
    before(async () => {
      ({ emulator, client, stop } = await emulatorWithClient({ timeScale: 0.0002 }));
    });
    after(async () => stop());
    beforeEach(() => {
      emulator.faults.clear();
      emulator.log.clear();
    });

    async function completedJobUrl(): Promise<{ url: string; bytes: Buffer }> {
      const accepted = await client.submitImage({ prompt: 'a lighthouse', model: 'dall-e-3' });
      for (;;) {
        const job = await client.getJob(accepted.jobId);
        if (job.status === 'COMPLETED') {
          const info = emulator.jobs().find((j) => j.id === job.id);
          assert.ok(info);
          const [url] = info.imageUrls;
          const [bytes] = info.imageBytes;
          assert.ok(url && bytes, 'the completed job has an image');
          return { url, bytes };
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }

    async function outcomeUrl(body: Parameters<Emulator['faults']['nextJob']>[0]): Promise<string> {
      emulator.faults.nextJob(body);
      const accepted = await client.submitImage({ prompt: 'odd image', model: 'dall-e-3' });
      for (;;) {
        const job = await client.getJob(accepted.jobId);
        if (job.status === 'COMPLETED') {
          const [url] = (job.result as { images: string[] }).images;
          assert.ok(url, 'the completed job has an image');
          return url;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }

    it('downloads a result image byte for byte, without sending the API key', async () => {
      const { url, bytes } = await completedJobUrl();
      const image = await client.downloadImage(url, { maxBytes: 10_000_000 });
      assert.deepEqual(await collect(image.body), bytes);
      assert.equal(image.contentType, 'image/png');
      const downloads = emulator.log.entries.filter((entry) => entry.path === new URL(url).pathname);
      const [download, ...more] = downloads;
      assert.ok(download && more.length === 0, `${downloads.length} downloads, not 1`);
      assert.equal(download.keyPrefix, undefined);
    });

    it('caps oversized bodies and gzip bombs while streaming', async () => {
      const oversized = await outcomeUrl({ kind: 'image', body: { oversizedBytes: 5_000_000 } });
      const big = await rejection(client.downloadImage(oversized, { maxBytes: 1_000_000 }).then((image) => collect(image.body)));
      assert.equal(big.code, 'tooLarge');
      const bomb = await outcomeUrl({ kind: 'image', body: 'gzipBomb' });
      const inflated = await rejection(client.downloadImage(bomb, { maxBytes: 1_000_000 }).then((image) => collect(image.body)));
      assert.equal(inflated.code, 'tooLarge');
    });

    it('re-checks redirect targets', async () => {
      const redirected = await outcomeUrl({ kind: 'image', body: { redirectTo: 'http://169.254.169.254/latest/meta-data' } });
      const error = await rejection(client.downloadImage(redirected, { maxBytes: 1_000_000 }));
      assert.equal(error.code, 'unsafeUrl');
    });

    it('cancels before sending, in flight and during a backoff wait', async () => {
      const before = new AbortController();
      before.abort();
      assert.equal((await rejection(client.me({ signal: before.signal }))).code, 'aborted');
      assert.equal(emulator.log.entries.length, 0);

      emulator.faults.inject({ fault: { kind: 'delay', ms: 1_500 }, path: '/v2/me' });
      const inFlight = new AbortController();
      setTimeout(() => inFlight.abort(), 50);
      assert.equal((await rejection(client.me({ signal: inFlight.signal }))).code, 'aborted');

      const patient = clientFor(emulator, { retryBaseDelayMs: 60_000, retryMaxDelayMs: 60_000, random: () => 1 });
      emulator.faults.inject({ fault: { kind: 'status', status: 503 }, path: '/v2/me', times: 5 });
      const backoff = new AbortController();
      const pending = rejection(patient.me({ signal: backoff.signal }));
      while (emulator.log.where({ path: '/v2/me', status: 503 }).length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      backoff.abort();
      const error = await pending;
      await patient.close();
      assert.equal(error.code, 'aborted');
      assert.equal(emulator.log.where({ path: '/v2/me', status: 503 }).length, 1);
    });

    it('goes through an explicit proxy, and bypasses it for noProxy hosts', async () => {
      const seen: string[] = [];
      const proxy = http.createServer((req, res) => {
        // Forward proxy: absolute-form request line.
        seen.push(`forward ${req.url ?? ''}`);
        const target = new URL(req.url ?? '');
        const upstream = http.request(
          { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        req.pipe(upstream);
      });
      proxy.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
        seen.push(`connect ${req.url ?? ''}`);
        const [host, port] = (req.url ?? '').split(':');
        const upstream = net.connect(Number(port), host, () => {
          socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
          upstream.write(head);
          upstream.pipe(socket);
          socket.pipe(upstream);
        });
        upstream.on('error', () => socket.destroy());
        socket.on('error', () => upstream.destroy());
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      try {
        const proxied = clientFor(emulator, { proxy: { url: proxyUrl } });
        const me = await proxied.me();
        await proxied.close();
        assert.equal(typeof me.team?.credits, 'number');
        assert.equal(seen.length, 1, seen.join(', '));
        assert.ok(seen[0]?.includes(new URL(emulator.url).port));

        const fromEnv = clientFor(emulator, { env: { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl } });
        await fromEnv.me();
        await fromEnv.close();
        assert.equal(seen.length, 2);

        const bypass = clientFor(emulator, { proxy: { url: proxyUrl, noProxy: ['127.0.0.1'] } });
        await bypass.me();
        await bypass.close();
        assert.equal(seen.length, 2);
      } finally {
        proxy.closeAllConnections();
        await new Promise<void>((resolve) => proxy.close(() => resolve()));
      }
    });
  });
});
