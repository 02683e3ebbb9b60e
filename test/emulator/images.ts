import { PNG } from 'pngjs';
import { ASPECT_RATIO_SIZES, type AspectRatio, type DalleStyle } from '../../src/apiframe/types';
import { SeededRandom } from './random';

/**
 * The pictures the emulator "generates": real PNGs (pngjs), deterministic from the prompt, the emulator's
 * seed and the image's index — a soft diagonal gradient with a few translucent discs, muted for the
 * `natural` style — at the model's full size (the DALL-E size of the aspect ratio, FLUX's width and height, …)
 * times `imageScale`. Encoding a full-size image takes a few hundred milliseconds, so bytes are cached by
 * everything that determines them.
 */
export interface ImageSpec {
  prompt: string;
  seed: number;
  index: number;
  /** Full size in pixels, before `imageScale`. */
  size: { readonly width: number; readonly height: number };
  style: DalleStyle;
  imageScale: number;
}

/** The size of a DALL-E image of this aspect ratio, times `imageScale`. */
export function imageSize(aspectRatio: AspectRatio, imageScale: number): { width: number; height: number } {
  return scaledSize(ASPECT_RATIO_SIZES[aspectRatio], imageScale);
}

export function scaledSize(full: { readonly width: number; readonly height: number }, imageScale: number): { width: number; height: number } {
  return {
    width: Math.max(1, Math.round(full.width * imageScale)),
    height: Math.max(1, Math.round(full.height * imageScale)),
  };
}

/** Insertion-ordered, so the first key is the least recently used (hits are re-inserted). */
const cache = new Map<string, Buffer>();
/** Bytes kept: thousands of test-size images, or ~100 full-size ones. */
const CACHE_LIMIT_BYTES = 32 * 1024 * 1024;
let cachedBytes = 0;

export function renderImage(spec: ImageSpec): Buffer {
  const cacheKey = JSON.stringify([spec.prompt, spec.seed, spec.index, spec.size.width, spec.size.height, spec.style, spec.imageScale]);
  const cached = cache.get(cacheKey);
  if (cached) {
    cache.delete(cacheKey);
    cache.set(cacheKey, cached);
    return cached;
  }
  const bytes = encode(spec);
  cache.set(cacheKey, bytes);
  cachedBytes += bytes.length;
  for (const [key, value] of cache) {
    if (cachedBytes <= CACHE_LIMIT_BYTES || key === cacheKey) break;
    cache.delete(key);
    cachedBytes -= value.length;
  }
  return bytes;
}

function encode(spec: ImageSpec): Buffer {
  const { width, height } = scaledSize(spec.size, spec.imageScale);
  const random = new SeededRandom(spec.seed, `image:${spec.index}:${spec.prompt}`);
  const saturation = spec.style === 'vivid' ? 0.75 : 0.35;
  const hueA = random.next();
  const hueB = (hueA + 0.15 + random.next() * 0.35) % 1;
  const from = hslToRgb(hueA, saturation, 0.55);
  const to = hslToRgb(hueB, saturation, 0.35);
  const discs = Array.from({ length: 3 + random.int(0, 3) }, () => ({
    x: random.next() * width,
    y: random.next() * height,
    r: (0.1 + random.next() * 0.25) * Math.min(width, height),
    color: hslToRgb((hueA + 0.5 + random.next() * 0.2) % 1, saturation, 0.7),
    alpha: 0.15 + random.next() * 0.25,
  }));

  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const t = (x / Math.max(1, width - 1) + y / Math.max(1, height - 1)) / 2;
      let r = from[0] + (to[0] - from[0]) * t;
      let g = from[1] + (to[1] - from[1]) * t;
      let b = from[2] + (to[2] - from[2]) * t;
      for (const disc of discs) {
        const dx = x - disc.x;
        const dy = y - disc.y;
        if (dx * dx + dy * dy < disc.r * disc.r) {
          r += (disc.color[0] - r) * disc.alpha;
          g += (disc.color[1] - g) * disc.alpha;
          b += (disc.color[2] - b) * disc.alpha;
        }
      }
      const offset = (y * width + x) * 4;
      png.data[offset] = Math.round(r);
      png.data[offset + 1] = Math.round(g);
      png.data[offset + 2] = Math.round(b);
      png.data[offset + 3] = 255;
    }
  }
  // Opaque RGB like DALL-E's output; zlib is deterministic, so equal specs give equal bytes.
  return PNG.sync.write(png, { colorType: 2 });
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
  const a = s * Math.min(l, 1 - l);
  const channel = (n: number): number => {
    const k = (n + h * 12) % 12;
    return 255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1)));
  };
  return [channel(0), channel(8), channel(4)];
}

// ---- results derived from an input image (uploads, earlier results) ----------------------------------------

/** Decoded RGBA pixels. */
export interface Pixels {
  readonly width: number;
  readonly height: number;
  readonly data: Buffer;
}

/** A PNG's pixels as RGBA, or undefined for anything pngjs cannot read (JPEG, WebP, GIF, broken bytes). */
export function decodePng(bytes: Buffer): Pixels | undefined {
  try {
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height, data: png.data };
  } catch {
    return undefined;
  }
}

export function encodeRgba(pixels: Pixels): Buffer {
  const png = new PNG({ width: pixels.width, height: pixels.height });
  pixels.data.copy(png.data);
  return PNG.sync.write(png, { colorType: 6 });
}

/**
 * "Background removal" a test can check: everything outside the ellipse inscribed in the image becomes the
 * background — fully transparent (alpha 0), or the given opaque colour — so the four corners always are.
 */
export function removeBackground(source: Pixels, fill?: readonly [number, number, number]): Buffer {
  const data = Buffer.from(source.data);
  const cx = (source.width - 1) / 2;
  const cy = (source.height - 1) / 2;
  const rx = Math.max(0.5, source.width / 2);
  const ry = Math.max(0.5, source.height / 2);
  for (let y = 0; y < source.height; y++) {
    for (let x = 0; x < source.width; x++) {
      const dx = (x - cx) / rx;
      const dy = (y - cy) / ry;
      if (dx * dx + dy * dy <= 1) continue;
      const offset = (y * source.width + x) * 4;
      if (fill) {
        data[offset] = fill[0];
        data[offset + 1] = fill[1];
        data[offset + 2] = fill[2];
        data[offset + 3] = 255;
      } else {
        data.fill(0, offset, offset + 4);
      }
    }
  }
  return encodeRgba({ width: source.width, height: source.height, data });
}

/** Nearest-neighbour resize (an "upscale" whose every output pixel comes from the input). */
export function resizeNearest(source: Pixels, width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(source.height - 1, Math.floor((y * source.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(source.width - 1, Math.floor((x * source.width) / width));
      source.data.copy(data, (y * width + x) * 4, (sy * source.width + sx) * 4, (sy * source.width + sx) * 4 + 4);
    }
  }
  return encodeRgba({ width, height, data });
}

/**
 * An "outpaint": a canvas of the new size in an opaque fill colour, with the source copied in unchanged at
 * (left, top) — so a test can find the original pixels where the preset puts them.
 */
export function extendCanvas(
  source: Pixels,
  width: number,
  height: number,
  at: { left: number; top: number },
  fill: readonly [number, number, number],
): Buffer {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data[i * 4] = fill[0];
    data[i * 4 + 1] = fill[1];
    data[i * 4 + 2] = fill[2];
    data[i * 4 + 3] = 255;
  }
  for (let y = 0; y < source.height; y++) {
    const ty = y + at.top;
    if (ty < 0 || ty >= height) continue;
    for (let x = 0; x < source.width; x++) {
      const tx = x + at.left;
      if (tx < 0 || tx >= width) continue;
      source.data.copy(data, (ty * width + tx) * 4, (y * source.width + x) * 4, (y * source.width + x) * 4 + 4);
    }
  }
  return encodeRgba({ width, height, data });
}
