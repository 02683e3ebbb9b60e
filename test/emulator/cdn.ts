import type { IncomingMessage, ServerResponse } from 'node:http';
import { createGzip } from 'node:zlib';

/**
 * Hostile image responses for the `image` job outcome (and the `truncatedBody` fault): what a broken CDN or
 * a malicious server can send to a downloader. Each writer owns the response (or the raw socket) entirely.
 */

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export const NOT_AN_IMAGE = Buffer.from(
  '<!doctype html><html><head><title>Welcome</title></head><body><h1>This is not a PNG</h1>' +
    '<script>alert("served as image/png")</script></body></html>\n',
  'utf8',
);

/** Sends the head with the full Content-Length, half of the body, then drops the connection. */
export function writeTruncated(res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer): void {
  res.writeHead(status, { ...headers, 'content-length': String(body.length) });
  res.write(body.subarray(0, Math.max(1, Math.floor(body.length / 2))), () => res.socket?.destroy());
}

/**
 * Declares a Content-Length of half the real size, sends everything and closes: a client that trusts the
 * header ends up with a PNG cut short that still "completed" at the HTTP level. Written on the raw socket
 * because node:http refuses to send more than the declared length.
 */
export function writeLyingLength(req: IncomingMessage, requestId: string, body: Buffer): void {
  const declared = Math.max(1, Math.floor(body.length / 2));
  const head =
    'HTTP/1.1 200 OK\r\n' +
    'content-type: image/png\r\n' +
    `content-length: ${declared}\r\n` +
    `x-request-id: ${requestId}\r\n` +
    'connection: close\r\n\r\n';
  const socket = req.socket;
  socket.write(head);
  socket.end(body);
}

let gzipBomb: Promise<Buffer> | undefined;
/** Uncompressed size of the gzip bomb: 256 MiB (a PNG signature followed by zeros), ~250 KB on the wire. */
export const GZIP_BOMB_INFLATED_BYTES = 256 * 1024 * 1024;

/** Built once per process, in 1 MiB chunks so building it never holds the inflated size in memory. */
export function gzipBombBytes(): Promise<Buffer> {
  gzipBomb ??= new Promise<Buffer>((resolve, reject) => {
    const gzip = createGzip({ level: 9 });
    const parts: Buffer[] = [];
    gzip.on('data', (part: Buffer) => parts.push(part));
    gzip.on('end', () => resolve(Buffer.concat(parts)));
    gzip.on('error', reject);
    const chunk = Buffer.alloc(1024 * 1024);
    gzip.write(PNG_SIGNATURE);
    let written = PNG_SIGNATURE.length;
    const pump = (): void => {
      while (written < GZIP_BOMB_INFLATED_BYTES) {
        const size = Math.min(chunk.length, GZIP_BOMB_INFLATED_BYTES - written);
        written += size;
        if (!gzip.write(chunk.subarray(0, size))) {
          gzip.once('drain', pump);
          return;
        }
      }
      gzip.end();
    };
    pump();
  });
  return gzipBomb;
}

/** Streams `total` bytes (a PNG signature, then zeros) honouring back-pressure; stops if the client leaves. */
export function writeOversized(res: ServerResponse, headers: Record<string, string>, total: number): void {
  res.writeHead(200, { ...headers, 'content-type': 'image/png', 'content-length': String(total) });
  const first = Buffer.alloc(64 * 1024);
  PNG_SIGNATURE.copy(first);
  const zeros = Buffer.alloc(64 * 1024);
  let sent = 0;
  let stopped = false;
  res.on('close', () => {
    stopped = true;
  });
  const pump = (): void => {
    while (!stopped && sent < total) {
      const size = Math.min(zeros.length, total - sent);
      const part = (sent === 0 ? first : zeros).subarray(0, size);
      sent += size;
      if (!res.write(part)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!stopped) res.end();
  };
  pump();
}
