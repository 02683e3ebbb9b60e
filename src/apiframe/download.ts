/**
 * Streams a result image from its image host: URL rules checked first and on every redirect (followed
 * manually, at most 5), the byte cap enforced while streaming (and up front from Content-Length),
 * gzip/deflate/br decoded with the cap applied to the decoded bytes, cancellable at any point. The API key is
 * never sent to image hosts: the request carries only a User-Agent and what it accepts.
 */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import zlib from 'node:zlib';
import type { Dispatcher } from 'undici';
import { ApiframeError } from './errors';
import {
  abortedError,
  clip,
  errorFromThrown,
  headerValue,
  imageHostError,
  tooLargeError,
  type ResponseHeaders,
} from './errorMapping';
import { redactSecrets } from './redact';
import { combineSignals, type Connection } from './request';
import type { Retrier } from './retry';
import { request } from './undiciParts';
import { checkResultUrl } from './urls';

export interface DownloadedImage {
  /** The response's Content-Type (unchecked: the caller sniffs the bytes). */
  contentType: string | undefined;
  /** The (decoded) bytes, capped at `maxBytes` while streaming; breaking out of the loop releases the socket. */
  body: AsyncIterable<Uint8Array>;
}

/** What a download needs of its client: never the key (`Connection` minus `apiKey`). */
export type DownloadConnection = Omit<Connection, 'apiKey'>;

type Decoder = zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress;

const MAX_REDIRECTS = 5;
const WHAT = 'the image download';

/**
 * Resolves once the image's headers are in (redirects followed); the body then streams through the
 * returned iterable. One timer covers the whole transfer, body included; it stops when the body is done.
 */
export async function downloadImage(
  connection: DownloadConnection,
  withRetries: Retrier,
  url: string,
  options: { signal?: AbortSignal; maxBytes: number },
): Promise<DownloadedImage> {
  const { signal: user, maxBytes } = options;
  let target = checkResultUrl(url);
  if (user?.aborted) throw abortedError();
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(), connection.timeoutMs);
  let handedOver = false;
  try {
    for (let hop = 0; ; hop++) {
      const current = target;
      const response = await withRetries({ what: WHAT, retrySafe: true, signal: user, overall: timer.signal }, () =>
        downloadHead(connection, current, user, timer.signal),
      );
      const headers = response.headers;
      const status = response.statusCode;
      if (status >= 300 && status < 400) {
        await response.body.dump();
        target = redirectTarget(headers, status, hop, current);
        continue;
      }
      if (status !== 200) {
        await response.body.dump();
        throw imageHostError(status, headers, current.host, connection.secrets);
      }
      const decoder = acceptBody(response.body, headers, maxBytes, connection.secrets);
      handedOver = true;
      return {
        contentType: headerValue(headers, 'content-type'),
        body: cappedStream(response.body, decoder, maxBytes, () => clearTimeout(timeout), (thrown) =>
          errorFromThrown(thrown, { cancelled: user?.aborted === true, timedOut: timer.signal.aborted, what: WHAT, target: current }, connection),
        ),
      };
    }
  } finally {
    if (!handedOver) clearTimeout(timeout);
  }
}

/** One attempt: the response head, or the image host's 5xx/429 as an error the retry loop can judge. */
async function downloadHead(
  connection: DownloadConnection,
  target: URL,
  user: AbortSignal | undefined,
  overall: AbortSignal,
): Promise<Dispatcher.ResponseData> {
  try {
    const response = await request(target, {
      method: 'GET',
      dispatcher: connection.dispatcher,
      signal: combineSignals([user, overall]),
      headers: { 'user-agent': connection.userAgent, accept: 'image/*', 'accept-encoding': 'gzip, deflate, br' },
    });
    if (response.statusCode >= 500 || response.statusCode === 429) {
      await response.body.dump();
      throw imageHostError(response.statusCode, response.headers, target.host, connection.secrets);
    }
    return response;
  } catch (thrown) {
    throw errorFromThrown(thrown, { cancelled: user?.aborted === true, timedOut: overall.aborted, what: WHAT, target }, connection);
  }
}

/** The next hop of a redirect, checked by the same URL rules as the first URL. */
function redirectTarget(headers: ResponseHeaders, status: number, hop: number, current: URL): URL {
  const location = headerValue(headers, 'location');
  if (!location) throw new ApiframeError('badResponse', 'The image host redirected without a Location header.', { status, retryable: false });
  if (hop >= MAX_REDIRECTS) throw new ApiframeError('badResponse', 'The image host redirected too many times.', { status, retryable: false });
  return checkResultUrl(new URL(location, current).href);
}

/**
 * Checks a 200 answer's declared size and encoding before any byte is read: the decoder to stream through
 * (undefined: none needed), or the body is discarded and the refusal thrown.
 */
function acceptBody(body: Readable, headers: ResponseHeaders, maxBytes: number, secrets: readonly string[]): Decoder | undefined {
  const declared = Number(headerValue(headers, 'content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(body);
    throw tooLargeError(maxBytes);
  }
  const encoding = (headerValue(headers, 'content-encoding') ?? 'identity').trim().toLowerCase();
  const decoder = decoderFor(encoding);
  if (decoder === null) {
    discard(body);
    throw new ApiframeError('badResponse', `The image was sent with an unsupported encoding (${clip(redactSecrets(encoding, secrets))}).`, {
      retryable: false,
    });
  }
  return decoder;
}

/**
 * Drops a response body we will not read. undici's body emits an `AbortError` when destroyed before its end;
 * without a listener that error would be uncaught and take the extension host's error handler with it.
 */
function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** zlib (`Z_DATA_ERROR`, `Z_BUF_ERROR`, …) and brotli (`ERR__ERROR_FORMAT_…`) decoding failures. */
function isDecodingError(thrown: unknown): boolean {
  if (typeof thrown !== 'object' || thrown === null || !('code' in thrown) || typeof thrown.code !== 'string') return false;
  return /^Z_|^ERR__ERROR_|BROTLI/.test(thrown.code);
}

/** undefined: no decoding needed; null: an encoding we refuse. */
function decoderFor(encoding: string): Decoder | undefined | null {
  switch (encoding) {
    case 'identity':
    case '':
      return undefined;
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return null;
  }
}

/** Yields the (decoded) body, failing with `tooLarge` as soon as the decoded size passes the cap. */
async function* cappedStream(
  body: Readable,
  decoder: Decoder | undefined,
  maxBytes: number,
  done: () => void,
  mapError: (thrown: unknown) => ApiframeError,
): AsyncGenerator<Uint8Array> {
  const source: Readable = decoder ? pipeline(body, decoder, () => undefined) : body;
  let received = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > maxBytes) throw tooLargeError(maxBytes);
      yield chunk;
    }
  } catch (thrown) {
    if (thrown instanceof ApiframeError) throw thrown;
    // The decoder's own error (pipeline has already destroyed the body by now, so ask the error itself).
    if (decoder && isDecodingError(thrown)) {
      throw new ApiframeError('badResponse', 'The image data could not be decoded (corrupt compression).', { retryable: false });
    }
    throw mapError(thrown);
  } finally {
    done();
    if (!body.destroyed) body.destroy();
    decoder?.destroy();
  }
}
