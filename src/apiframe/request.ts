/**
 * One JSON request to the Apiframe API: its own timer, the body read with a cap, the status mapped to a
 * typed error. One attempt only — the retry loop (`retry.ts`) decides whether there is another.
 */
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { ApiframeError } from './errors';
import { errorFromStatus, errorFromThrown, unparsableAnswerError, type ErrorContext } from './errorMapping';
import { request } from './undiciParts';

/** What every request of one client shares. */
export interface Connection extends ErrorContext {
  readonly apiKey: string;
  /** Visible ASCII only (checked when the client is made). */
  readonly userAgent: string;
  readonly dispatcher: Dispatcher;
}

/** A connection for the public endpoints (the model catalog): it holds no key, so it cannot send one. */
export type PublicConnection = Omit<Connection, 'apiKey'>;

export interface JsonRequest {
  readonly method: 'GET' | 'POST';
  /** Path below the base URL, starting `/v2/`, with its query string if any. */
  readonly path: string;
  /** Names the call in error messages. */
  readonly what: string;
  readonly signal?: AbortSignal;
  readonly headers?: Record<string, string>;
  /** A JSON text (sent with its content type), or a streamed body of a known length (an upload). */
  readonly body?: string | StreamedBody;
  /** A public endpoint: the key is not sent even when the connection has one (it has no business there). */
  readonly withoutKey?: boolean;
}

/** A body sent as it is produced (a multipart upload): made anew for every attempt, its length known up front. */
export interface StreamedBody {
  readonly stream: AsyncIterable<Uint8Array>;
  readonly contentType: string;
  readonly contentLength: number;
}

/** API answers are small; anything bigger is not an Apiframe answer. */
const MAX_JSON_BYTES = 8 * 1024 * 1024;

/** Sends one request and returns its parsed 2xx body; every failure is an ApiframeError. */
export async function requestJson(connection: Connection | PublicConnection, call: JsonRequest): Promise<unknown> {
  const { what, signal: user } = call;
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(), connection.timeoutMs);
  try {
    const response = await request(apiUrl(connection.base, call.path), {
      method: call.method,
      dispatcher: connection.dispatcher,
      signal: combineSignals([user, timer.signal]),
      headers: {
        ...('apiKey' in connection && call.withoutKey !== true ? { 'x-api-key': connection.apiKey } : {}),
        'user-agent': connection.userAgent,
        accept: 'application/json',
        ...bodyHeaders(call.body),
        ...call.headers,
      },
      body: typeof call.body === 'object' ? Readable.from(call.body.stream, { objectMode: false }) : call.body,
    });
    const headers = response.headers;
    const text = await readCapped(response.body, MAX_JSON_BYTES);
    const status = response.statusCode;
    if (text === undefined) {
      throw new ApiframeError('badResponse', `Apiframe's answer to ${what} was larger than ${MAX_JSON_BYTES / 1024 / 1024} MB, so it was not read. Check that apiframe.baseUrl points at the Apiframe API.`, {
        status,
        retryable: false,
      });
    }
    const parsed = tryParseJson(text);
    if (status >= 200 && status < 300) {
      if (!parsed.ok) throw unparsableAnswerError(status, headers, what, connection.secrets);
      return parsed.value;
    }
    throw errorFromStatus(status, parsed.ok ? parsed.value : undefined, headers, { what, path: call.path }, connection);
  } catch (thrown) {
    throw errorFromThrown(thrown, { cancelled: user?.aborted === true, timedOut: timer.signal.aborted, what }, connection);
  } finally {
    clearTimeout(timeout);
  }
}

function bodyHeaders(body: JsonRequest['body']): Record<string, string> {
  if (body === undefined) return {};
  if (typeof body === 'string') return { 'content-type': 'application/json' };
  return { 'content-type': body.contentType, 'content-length': String(body.contentLength) };
}

/** One signal that fires when any of the given ones does. */
export function combineSignals(signals: readonly (AbortSignal | undefined)[]): AbortSignal {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  const [only] = present;
  return only !== undefined && present.length === 1 ? only : AbortSignal.any(present);
}

/** The base URL's path (without trailing slashes) joined with the call's path and query. */
function apiUrl(base: URL, path: string): URL {
  const url = new URL(base.href);
  const [pathname, search] = path.split('?');
  url.pathname = `${base.pathname.replace(/\/+$/, '')}${pathname}`;
  url.search = search ? `?${search}` : '';
  return url;
}

function tryParseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** The body as text, or undefined (and the body destroyed) once it passes `maxBytes`. */
async function readCapped(body: Readable & AsyncIterable<Buffer>, maxBytes: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
