/**
 * The download step of a completed job: every result image streamed into the cache, each under the step
 * retries, and the job asked for fresh links when an image host refuses one (links expire, or are re-signed).
 * The record is read and changed through the context, so the manager stays the one owner of the journal.
 */
import type { ApiframeClient } from '../apiframe/client';
import { ApiframeError } from '../apiframe/errors';
import { imageUrlsOf } from '../apiframe/shapes';
import type { ImageCache } from './imageCache';
import { hostOf } from './jobTexts';
import { EXPIRED_TEXT, ResultsExpiredError } from './stepFailures';
import type { CachedImage, JobRecord } from './types';

export interface ResultDownloadContext {
  /** The task's signal: stops every download (and the refresh) with its reason. */
  readonly signal: AbortSignal;
  readonly cache: ImageCache;
  readonly maxImageBytes: number;
  readonly client: () => Promise<ApiframeClient>;
  /** The record as it stands now: links one image's refresh stored are what the others' next attempts use. */
  readonly current: () => JobRecord;
  /** Stores the job's current result links on the record. */
  readonly takeLinks: (urls: string[]) => void;
  /** Runs `run` under the manager's step retries for downloads. */
  readonly retry: <T>(run: () => Promise<T>) => Promise<T>;
  /** Bytes received so far, all images together. */
  readonly onReceived: (total: number) => void;
  /** Test hook: awaited once the first bytes of image `index` are in. */
  readonly downloadStarted?: (record: JobRecord, index: number) => void | Promise<void>;
}

/** Caches every image of the record's links, in result order; rejects with the first image's failure. */
export async function downloadResults(context: ResultDownloadContext): Promise<CachedImage[]> {
  const urls = context.current().remoteUrls ?? [];
  const received = urls.map(() => 0);
  const results = await Promise.allSettled(
    urls.map((_, index) =>
      context.retry(() =>
        downloadOne(context, index, (bytes) => {
          received[index] = bytes;
          context.onReceived(received.reduce((a, b) => a + b, 0));
        }),
      ),
    ),
  );
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  return results.map((r) => (r as PromiseFulfilledResult<CachedImage>).value);
}

/**
 * Takes the job's current result links when they changed (whether they still work is for the download to
 * see). Used when a download that failed is resumed.
 */
export async function refreshLinks(context: ResultDownloadContext): Promise<void> {
  const record = context.current();
  if (!record.jobId) return;
  const client = await context.client();
  const job = await context.retry(() => client.getJob(record.jobId ?? '', { signal: context.signal }));
  const urls = imageUrlsOf(job.result);
  if (urls.length > 0 && urls.join('\n') !== (record.remoteUrls ?? []).join('\n')) context.takeLinks(urls);
}

async function downloadOne(context: ResultDownloadContext, index: number, onBytes: (received: number) => void): Promise<CachedImage> {
  const { signal } = context;
  const record = context.current();
  const url = record.remoteUrls?.[index];
  if (url === undefined) throw new ResultsExpiredError(EXPIRED_TEXT);
  const client = await context.client();
  let image;
  try {
    image = await client.downloadImage(url, { signal, maxBytes: context.maxImageBytes });
  } catch (error) {
    if (error instanceof ApiframeError && error.code === 'imageUnavailable') await refreshRefusedLinks(context, client);
    throw error;
  }
  const { downloadStarted } = context;
  const body = downloadStarted ? announceFirstChunk(image.body, () => downloadStarted(record, index)) : image.body;
  return context.cache.store(record.localId, index + 1, body, { maxBytes: context.maxImageBytes, signal, onBytes, source: hostOf(url) });
}

/**
 * The image host refused a result link (401/403/404/410): the job is asked for fresh links once. Only a
 * job that says its results expired (or has none left) is `expired`; new links are tried by the next attempt.
 */
async function refreshRefusedLinks(context: ResultDownloadContext, client: ApiframeClient): Promise<void> {
  const record = context.current();
  if (!record.jobId) return;
  const job = await client.getJob(record.jobId, { signal: context.signal });
  const urls = imageUrlsOf(job.result);
  const changed = urls.length > 0 && urls.join('\n') !== (record.remoteUrls ?? []).join('\n');
  if (changed) {
    context.takeLinks(urls);
    return;
  }
  if (job.expired === true || urls.length === 0) throw new ResultsExpiredError(EXPIRED_TEXT);
}

/** Passes the stream through, awaiting `onFirst` once the first bytes have arrived (a test hook point). */
async function* announceFirstChunk(
  body: AsyncIterable<Uint8Array>,
  onFirst: () => void | Promise<void>,
): AsyncIterable<Uint8Array> {
  let first = true;
  for await (const chunk of body) {
    yield chunk;
    if (first) {
      first = false;
      await onFirst();
    }
  }
}
