/**
 * A throttled image server for the download benchmark, run in its own process so its buffers never count
 * towards the downloading process's memory. Serves valid PNGs of a requested size: a small real PNG with
 * a private ancillary chunk of random bytes inserted before IEND (so the cache's format and completeness
 * checks pass). `GET /image/<bytes>.png?rate=<bytes per second>`. Prints `{"url": …}` once listening.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { crc32 } from 'node:zlib';
import { PNG } from 'pngjs';

const CHUNK = 64 * 1024;

function pngOfSize(totalBytes: number): Buffer {
  const small = new PNG({ width: 8, height: 8 });
  small.data.fill(0x80);
  const base = PNG.sync.write(small);
  const iend = base.subarray(base.length - 12);
  const head = base.subarray(0, base.length - 12);
  const payloadLength = Math.max(0, totalBytes - base.length - 12);
  const type = Buffer.from('prVt', 'latin1');
  const payload = randomBytes(payloadLength);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(payloadLength);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([type, payload])) >>> 0);
  return Buffer.concat([head, length, type, payload, crc, iend]);
}

const images = new Map<number, Buffer>();

const server = http.createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const match = /^\/image\/(\d+)\.png$/.exec(url.pathname);
  if (!match) {
    response.writeHead(404).end();
    return;
  }
  const size = Number(match[1]);
  let body = images.get(size);
  if (!body) {
    body = pngOfSize(size);
    images.set(size, body);
  }
  const rate = Number(url.searchParams.get('rate') ?? '0');
  response.writeHead(200, { 'content-type': 'image/png', 'content-length': body.length });
  if (!rate) {
    response.end(body);
    return;
  }
  const image = body;
  const interval = (CHUNK / rate) * 1000;
  let offset = 0;
  const started = Date.now();
  const pump = (): void => {
    // Send what the rate allows by now, so timer jitter does not slow the stream down.
    const allowed = Math.min(image.length, Math.floor(((Date.now() - started) / 1000) * rate) + CHUNK);
    while (offset < allowed) {
      const end = Math.min(allowed, offset + CHUNK);
      response.write(image.subarray(offset, end));
      offset = end;
    }
    if (offset >= image.length) response.end();
    else setTimeout(pump, interval);
  };
  pump();
});

server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${address.port}` })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
