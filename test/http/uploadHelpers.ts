/** Shared set-up for the upload and image-operation tests: upload sources and pixel reading. */
import { PNG } from 'pngjs';
import type { UploadSource } from '../../src/apiframe/client';
import { renderImage } from '../emulator/images';

/** An upload source over bytes in memory that counts how often it was opened and how many bytes were read. */
export interface CountingSource extends UploadSource {
  readonly opened: number;
  readonly bytesRead: number;
}

export function sourceOf(
  bytes: Buffer,
  fileName = 'logo.png',
  options: { chunkBytes?: number; contentType?: string; size?: number; beforeChunk?: (index: number) => Promise<void> } = {},
): CountingSource {
  const chunkBytes = options.chunkBytes ?? 16 * 1024;
  let opened = 0;
  let bytesRead = 0;
  return {
    fileName,
    size: options.size ?? bytes.length,
    ...(options.contentType !== undefined ? { contentType: options.contentType } : {}),
    get opened() {
      return opened;
    },
    get bytesRead() {
      return bytesRead;
    },
    open() {
      opened++;
      return (async function* chunks(): AsyncGenerator<Uint8Array> {
        for (let at = 0, index = 0; at < bytes.length; at += chunkBytes, index++) {
          await options.beforeChunk?.(index);
          const chunk = bytes.subarray(at, at + chunkBytes);
          bytesRead += chunk.length;
          yield chunk;
        }
      })();
    },
  };
}

/** A PNG test picture of this size (opaque, deterministic). */
export function testPng(width: number, height: number, label = 'upload source'): Buffer {
  return renderImage({ prompt: label, seed: 5, index: 1, size: { width, height }, style: 'vivid', imageScale: 1 });
}

export function readPng(bytes: Buffer): { width: number; height: number; pixel(x: number, y: number): [number, number, number, number] } {
  const png = PNG.sync.read(bytes);
  return {
    width: png.width,
    height: png.height,
    pixel(x, y) {
      const offset = (y * png.width + x) * 4;
      return [png.data[offset] ?? -1, png.data[offset + 1] ?? -1, png.data[offset + 2] ?? -1, png.data[offset + 3] ?? -1];
    },
  };
}
