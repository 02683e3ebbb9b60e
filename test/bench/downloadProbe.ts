/**
 * Runs in a fresh process (spawned by downloads.ts): downloads one image into a temp cache and prints the
 * peak RSS growth and the elapsed time as JSON.
 *   --streamed  the extension's path: client.downloadImage → ImageCache.store (temp file, checks, rename);
 *   --buffered  the baseline: the whole body collected in memory, then written in one go.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { createApiframeClient } from '../../src/apiframe/client';
import { ImageCache } from '../../src/jobs/imageCache';

async function main(): Promise<void> {
  const [url, mode] = process.argv.slice(2);
  if (url === undefined) throw new Error('usage: downloadProbe <image URL> [--buffered]');
  const storage = mkdtempSync(path.join(os.tmpdir(), 'apiframe-bench-dl-'));
  const client = createApiframeClient({ baseUrl: new URL(url).origin, apiKey: 'afk_bench_unused', userAgent: 'apiframe-images-bench' });
  // Warm up the HTTP stack (undici instantiates its parser's WebAssembly on the first connection) with a
  // small image, and let start-up garbage settle, so the figure is the large download's own growth.
  const warmUp = await client.downloadImage(new URL('/image/4096.png', url).href, { maxBytes: 1024 * 1024 });
  for await (const chunk of warmUp.body) void chunk;
  global.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 2);
  const started = performance.now();
  try {
    const image = await client.downloadImage(url, { maxBytes: 64 * 1024 * 1024 });
    if (mode === '--buffered') {
      const chunks: Uint8Array[] = [];
      for await (const chunk of image.body) chunks.push(chunk);
      await writeFile(path.join(storage, 'image.png'), Buffer.concat(chunks));
    } else {
      await new ImageCache(storage).store('00000000-0000-4000-8000-000000000001', 1, image.body, { maxBytes: 64 * 1024 * 1024 });
    }
    const elapsedMs = performance.now() - started;
    peak = Math.max(peak, process.memoryUsage().rss);
    process.stdout.write(JSON.stringify({ rssGrowthBytes: peak - before, elapsedMs }));
  } finally {
    clearInterval(sampler);
    await client.close();
    rmSync(storage, { recursive: true, force: true });
  }
}

void main();
