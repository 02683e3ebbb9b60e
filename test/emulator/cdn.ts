import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';

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

/** Uncompressed size of the gzip bomb: 256 MiB (a PNG signature followed by zeros), ~260 KB on the wire. */
export const GZIP_BOMB_INFLATED_BYTES = 256 * 1024 * 1024;
let gzipBomb: Buffer | undefined;

/**
 * 256 gzip members of 1 MiB each, concatenated (valid gzip: decoders inflate every member in turn). Built
 * once per process in ~50 ms, without ever holding the inflated size in memory.
 */
export function gzipBombBytes(): Buffer {
  if (!gzipBomb) {
    const mebibyte = 1024 * 1024;
    const first = Buffer.alloc(mebibyte);
    PNG_SIGNATURE.copy(first);
    const head = gzipSync(first, { level: 9 });
    const member = gzipSync(Buffer.alloc(mebibyte), { level: 9 });
    gzipBomb = Buffer.concat([head, ...Array.from({ length: GZIP_BOMB_INFLATED_BYTES / mebibyte - 1 }, () => member)]);
  }
  return gzipBomb;
}

/**
 * Streams `total` bytes (a PNG signature, then zeros) honouring back-pressure; stops if the client leaves.
 * `chunked`: no Content-Length is declared, so the client cannot refuse it up front.
 */
export function writeOversized(res: ServerResponse, headers: Record<string, string>, total: number, chunked = false): void {
  res.writeHead(200, { ...headers, 'content-type': 'image/png', ...(chunked ? {} : { 'content-length': String(total) }) });
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

/**
 * What an S3 bucket behind CloudFront answers for a key it does not have when listing is not allowed:
 * 403 with an XML `AccessDenied` body, not 404 — S3 will not even confirm that the object is missing.
 */
export function accessDeniedXml(requestId: string): { body: Buffer; headers: Record<string, string> } {
  const amazonRequestId = requestId.replace(/^req_/, '').slice(0, 16).toUpperCase();
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>${amazonRequestId}</RequestId>` +
    `<HostId>${Buffer.from(requestId, 'utf8').toString('base64')}</HostId></Error>`;
  return {
    body: Buffer.from(body, 'utf8'),
    headers: { 'content-type': 'application/xml', server: 'AmazonS3', 'x-cache': 'Error from cloudfront' },
  };
}
