/**
 * `POST /v2/uploads`: one local image sent as multipart/form-data, streamed from the caller's bytes (never held
 * whole in memory), for the operations that take an image URL. Pure apart from the request it hands to
 * `request.ts`: the multipart framing, the checks made before a byte is sent (size, format by name, type and
 * magic bytes — the server sniffs the bytes too and ignores the declared type), the answer's shape and how long
 * the returned URL may be reused.
 */
import { randomUUID } from 'node:crypto';
import { isPlainObject } from '../shared/guards';
import { ApiframeError } from './errors';
import { serverTextForDisplay } from './redact';
import type { StreamedBody } from './request';

/** The endpoint's limit for an image ("max 25 MB image"), checked before anything is sent. */
export const UPLOAD_MAX_BYTES = 25 * 1024 * 1024;

/**
 * How long an upload lives when the server does not say: "Files live ~1-2h before the cleanup worker reaps
 * them" — the low end, since the reaper may come at any point of that window.
 */
export const UPLOAD_ASSUMED_LIFETIME_MS = 60 * 60 * 1000;

/** Reuse stops this long before the URL may go: a job submitted at the last second must still find its image. */
export const UPLOAD_REUSE_MARGIN_MS = 5 * 60 * 1000;

/** The image formats the endpoint takes (it also takes video and audio, which no image operation does). */
export const UPLOAD_IMAGE_TYPES = {
  'image/png': { label: 'PNG', extensions: ['png'] },
  'image/jpeg': { label: 'JPEG', extensions: ['jpg', 'jpeg'] },
  'image/webp': { label: 'WebP', extensions: ['webp'] },
  'image/gif': { label: 'GIF', extensions: ['gif'] },
} as const;
export type UploadImageType = keyof typeof UPLOAD_IMAGE_TYPES;

const ACCEPTED_TEXT = 'PNG, JPEG, WebP or GIF';
const LIMIT_TEXT = '25 MB';

/** The bytes to upload. `open` is called once per attempt, so a retry sends the same file again from its start. */
export interface UploadSource {
  /** The file's name (shown in errors and sent as the part's filename). */
  readonly fileName: string;
  /** Its size in bytes, known before sending (a `stat`): checked against the limit, and the Content-Length. */
  readonly size: number;
  /** The declared MIME type, if known; otherwise the name's extension decides. */
  readonly contentType?: string;
  /** A fresh stream of the file's bytes from the start (a Node Readable is an async iterable of Buffers). */
  open(): AsyncIterable<Uint8Array> | Promise<AsyncIterable<Uint8Array>>;
}

/** An uploaded file, with how long its URL can be used for a new job. */
export interface UploadedImage {
  readonly id: string;
  /** The CDN URL to put into an operation's `image` field. */
  readonly url: string;
  readonly contentType: string;
  readonly byteSize: number;
  /** When the server says the file goes (or the assumed lifetime from the upload, when it does not say). */
  readonly expiresAt: Date;
  readonly expiresAtFromServer: boolean;
  /**
   * Until when a new job may reference this URL: before `expiresAt`, never later than the assumed lifetime (the
   * spec's "~1-2h" lets the reaper come before a late `expiresAt`), less a margin. After it, upload again.
   */
  readonly reusableUntil: Date;
}

/** Checks made before opening the file: the size and the format the name and declared type claim. */
export function checkUploadSource(source: UploadSource): UploadImageType {
  const name = displayName(source.fileName);
  if (!Number.isSafeInteger(source.size) || source.size < 0) {
    throw new ApiframeError('invalidInput', `The size of ${name} is unknown, so it cannot be uploaded.`, { retryable: false });
  }
  if (source.size === 0) throw new ApiframeError('invalidInput', `${name} is empty, so there is nothing to upload.`, { retryable: false });
  if (source.size > UPLOAD_MAX_BYTES) {
    throw new ApiframeError(
      'tooLarge',
      `${name} is ${megabytes(source.size)} MB; Apiframe takes images up to ${LIMIT_TEXT}. Make it smaller (resize it or save it as JPEG or WebP) and try again.`,
      { retryable: false },
    );
  }
  const declared = source.contentType?.split(';')[0]?.trim().toLowerCase();
  // A generic type says nothing about the format: the name decides then.
  if (declared && declared !== 'application/octet-stream') {
    if (isUploadImageType(declared)) return declared;
    throw unsupportedFormat(name, declared);
  }
  const extension = /\.([^./\\]+)$/.exec(source.fileName)?.[1]?.toLowerCase();
  const byExtension = extension === undefined ? undefined : uploadTypeOfExtension(extension);
  if (byExtension) return byExtension;
  throw unsupportedFormat(name, extension === undefined ? 'a file without an extension' : `a .${extension} file`);
}

/** The image type the first bytes show, or undefined (not a format the endpoint takes). */
export function sniffImageType(head: Uint8Array): UploadImageType | undefined {
  const starts = (bytes: readonly number[], at = 0): boolean => bytes.every((byte, i) => head[at + i] === byte);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x47, 0x49, 0x46, 0x38]) && (head[4] === 0x37 || head[4] === 0x39) && head[5] === 0x61) return 'image/gif';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  return undefined;
}

/** Bytes needed to tell the formats apart (WebP's tag ends at byte 12). */
const SNIFF_BYTES = 12;

/**
 * One attempt's body: the file opened anew, its first bytes checked to be an image the endpoint takes (before
 * the request starts, so a wrong file sends nothing), then the multipart framing around the streamed bytes. A
 * file that turns out longer or shorter than its declared size ends the stream with an `invalidInput` error,
 * recorded in `failure` (the HTTP layer may wrap what the stream threw).
 */
export async function openMultipartBody(
  source: UploadSource,
  declaredType: UploadImageType,
  failure: { error?: ApiframeError },
): Promise<StreamedBody> {
  const name = displayName(source.fileName);
  const iterator = (await source.open())[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headLength = 0;
  let ended = false;
  while (headLength < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done === true) {
      ended = true;
      break;
    }
    head.push(next.value);
    headLength += next.value.length;
  }
  const first = Buffer.concat(head);
  const sniffed = sniffImageType(first);
  if (!sniffed) {
    await iterator.return?.();
    throw unsupportedFormat(name, `not a ${UPLOAD_IMAGE_TYPES[declaredType].label} image (its content is no image format Apiframe takes)`);
  }
  const boundary = `----apiframe-images-${randomUUID()}`;
  const preamble = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${escapeFileName(source.fileName)}"\r\nContent-Type: ${sniffed}\r\n\r\n`,
    'utf8',
  );
  const epilogue = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  const sizeChanged = (sent: number): ApiframeError => {
    failure.error = new ApiframeError(
      'invalidInput',
      `${name} changed while it was being uploaded (${sent > source.size ? 'more' : 'fewer'} bytes than its ${source.size}); try again.`,
      { retryable: false },
    );
    return failure.error;
  };
  async function* frame(): AsyncGenerator<Uint8Array> {
    yield preamble;
    let sent = first.length;
    if (sent > source.size) throw sizeChanged(sent);
    yield first;
    try {
      while (!ended) {
        const next = await iterator.next();
        if (next.done === true) break;
        sent += next.value.length;
        if (sent > source.size) throw sizeChanged(sent);
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
    if (sent !== source.size) throw sizeChanged(sent);
    yield epilogue;
  }
  return { stream: frame(), contentType: `multipart/form-data; boundary=${boundary}`, contentLength: preamble.length + source.size + epilogue.length };
}

/** The 201 answer: the URL and how long it may be reused. */
export function parseUpload(value: unknown, receivedAt: number): UploadedImage {
  const fail = (problem: string): ApiframeError =>
    new ApiframeError('badResponse', `Apiframe sent an unexpected answer to the upload: ${problem}.`, { retryable: false });
  if (!isPlainObject(value)) throw fail('the body is not a JSON object');
  if (typeof value.url !== 'string' || !/^https?:\/\//i.test(value.url)) throw fail('no file URL');
  const given = typeof value.expiresAt === 'string' ? Date.parse(value.expiresAt) : Number.NaN;
  // A time already past (a clock far off, a bad answer) is not believed: the assumed lifetime is safer.
  const fromServer = Number.isFinite(given) && given > receivedAt;
  const expiresAt = fromServer ? given : receivedAt + UPLOAD_ASSUMED_LIFETIME_MS;
  const reusableUntil = Math.max(receivedAt, Math.min(expiresAt, receivedAt + UPLOAD_ASSUMED_LIFETIME_MS) - UPLOAD_REUSE_MARGIN_MS);
  return {
    id: typeof value.id === 'string' ? value.id : '',
    url: value.url,
    contentType: typeof value.contentType === 'string' ? value.contentType : '',
    byteSize: typeof value.byteSize === 'number' ? value.byteSize : 0,
    expiresAt: new Date(expiresAt),
    expiresAtFromServer: fromServer,
    reusableUntil: new Date(reusableUntil),
  };
}

/** Whether an earlier upload's URL may still be put into a new job (else upload again). */
export function isUploadReusable(upload: Pick<UploadedImage, 'reusableUntil'>, now: number = Date.now()): boolean {
  return now < upload.reusableUntil.getTime();
}

/** A server refusal of an upload, reworded to say what to do; anything else is returned as it was. */
export function uploadRefusal(error: ApiframeError, fileName: string): ApiframeError {
  const name = displayName(fileName);
  const init = { ...error, retryable: false };
  if (error.status === 413) {
    return new ApiframeError('tooLarge', `Apiframe refused ${name} as too large (HTTP 413): it takes images up to ${LIMIT_TEXT}. Make it smaller and try again.`, init);
  }
  if (error.status === 400) {
    const said = error.serverMessage ? `: ${error.serverMessage}` : '';
    const details = error.details
      ? ` (${Object.entries(error.details)
          .map(([field, messages]) => `${field}: ${messages.join('; ')}`)
          .join(', ')})`
      : '';
    return new ApiframeError(
      'validation',
      `Apiframe refused the upload of ${name}${said}${details}. It takes ${ACCEPTED_TEXT} images up to ${LIMIT_TEXT}.`,
      init,
    );
  }
  return error;
}

export function isUploadImageType(value: string): value is UploadImageType {
  return Object.prototype.hasOwnProperty.call(UPLOAD_IMAGE_TYPES, value);
}

function uploadTypeOfExtension(extension: string): UploadImageType | undefined {
  for (const [type, { extensions }] of Object.entries(UPLOAD_IMAGE_TYPES)) {
    if ((extensions as readonly string[]).includes(extension)) return type as UploadImageType;
  }
  return undefined;
}

function unsupportedFormat(name: string, what: string): ApiframeError {
  return new ApiframeError('invalidInput', `${name} is ${what}; Apiframe's upload takes ${ACCEPTED_TEXT} images.`, { retryable: false });
}

/** The file name as it may appear in a message: one bounded line. */
function displayName(fileName: string): string {
  return serverTextForDisplay(fileName, 120) || 'The file';
}

/** A filename parameter as browsers write it: quotes and line breaks percent-encoded, the rest as UTF-8. */
function escapeFileName(fileName: string): string {
  return fileName.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}

function megabytes(bytes: number): string {
  return (Math.round((bytes / 1024 / 1024) * 10) / 10).toString();
}
