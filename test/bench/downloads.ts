/**
 * Download budgets, through the extension's own download path (client.downloadImage →
 * ImageCache.store) against a throttled PNG server in another process:
 *   - a 20 MB image streamed to the cache: peak RSS growth of the downloading process ≤ 2× the image size;
 *     baseline: the same download collected in memory and written in one go;
 *   - 8 images of 2 MB at 4 MB/s each downloaded concurrently: total ≤ 1.3× the slowest single download;
 *     baseline: the same 8 one after another.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median } from './benchLine';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { createApiframeClient } from '../../src/apiframe/client';
import { ImageCache } from '../../src/jobs/imageCache';

const execFileAsync = promisify(execFile);
const BIG_IMAGE_BYTES = 20 * 1024 * 1024;
const BATCH_IMAGE_BYTES = 2 * 1024 * 1024;
const BATCH_RATE = 4 * 1024 * 1024;
const BATCH_SIZE = 8;

export interface DownloadFigures {
  imageBytes: number;
  streamedRssGrowthBytes: number;
  bufferedRssGrowthBytes: number;
  concurrentTotalMs: number;
  slowestSingleMs: number;
  sequentialTotalMs: number;
}


async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(__dirname, 'downloadServer.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    const { url } = JSON.parse(line) as { url: string };
    return { url, child };
  }
  throw new Error('the benchmark image server did not start');
}

async function probe(url: string, mode: '--streamed' | '--buffered'): Promise<number> {
  const { stdout } = await execFileAsync(process.execPath, ['--expose-gc', path.join(__dirname, 'downloadProbe.js'), url, mode]);
  return (JSON.parse(stdout) as { rssGrowthBytes: number }).rssGrowthBytes;
}

export async function measureDownloads(runs = 5): Promise<DownloadFigures> {
  const { url, child } = await startServer();
  const storage = mkdtempSync(path.join(os.tmpdir(), 'apiframe-bench-batch-'));
  const client = createApiframeClient({ baseUrl: url, apiKey: 'afk_bench_unused', userAgent: 'apiframe-images-bench' });
  const cache = new ImageCache(storage);
  let next = 0;
  const downloadOne = async (imageUrl: string): Promise<number> => {
    const started = performance.now();
    const localId = `00000000-0000-4000-8000-${String(++next).padStart(12, '0')}`;
    const image = await client.downloadImage(imageUrl, { maxBytes: BATCH_IMAGE_BYTES * 2 });
    await cache.store(localId, 1, image.body, { maxBytes: BATCH_IMAGE_BYTES * 2 });
    return performance.now() - started;
  };
  try {
    const bigUrl = `${url}/image/${BIG_IMAGE_BYTES}.png`;
    await probe(bigUrl, '--streamed'); // warm-up (server builds and caches the image)
    const streamed: number[] = [];
    const buffered: number[] = [];
    for (let i = 0; i < runs; i++) {
      streamed.push(await probe(bigUrl, '--streamed'));
      buffered.push(await probe(bigUrl, '--buffered'));
    }

    const batchUrl = `${url}/image/${BATCH_IMAGE_BYTES}.png?rate=${BATCH_RATE}`;
    await downloadOne(batchUrl); // warm-up
    const concurrent: number[] = [];
    const slowest: number[] = [];
    const sequential: number[] = [];
    for (let i = 0; i < runs; i++) {
      const singles: number[] = [];
      const sequentialStart = performance.now();
      for (let j = 0; j < BATCH_SIZE; j++) singles.push(await downloadOne(batchUrl));
      sequential.push(performance.now() - sequentialStart);
      slowest.push(Math.max(...singles));
      const batchStart = performance.now();
      await Promise.all(Array.from({ length: BATCH_SIZE }, () => downloadOne(batchUrl)));
      concurrent.push(performance.now() - batchStart);
    }
    return {
      imageBytes: BIG_IMAGE_BYTES,
      streamedRssGrowthBytes: median(streamed),
      bufferedRssGrowthBytes: median(buffered),
      concurrentTotalMs: median(concurrent),
      slowestSingleMs: median(slowest),
      sequentialTotalMs: median(sequential),
    };
  } finally {
    await client.close();
    child.kill('SIGTERM');
    rmSync(storage, { recursive: true, force: true });
  }
}
