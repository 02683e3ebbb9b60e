// Which compiled test files a suite runs, and in which order: shared by test/run-all.mjs (the plain-Node suites)
// and test/integration/index.ts (the suite inside VS Code), so every suite finds and orders its files alike.
//
// No test may rely on the files around it: by default the files run sorted by path (reproducible), and
// APIFRAME_TEST_ORDER=reverse or =shuffle[:SEED] runs them the other way round or shuffled, to show that
// nothing depends on that order. A suite whose order matters by design pins those files itself (the
// integration suite runs its activation check first and the key-leak scan last, in any order).
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

export const TEST_ORDER_ENV = 'APIFRAME_TEST_ORDER';

export type TestOrder = { readonly kind: 'sorted' } | { readonly kind: 'reverse' } | { readonly kind: 'shuffle'; readonly seed: number };

/** Where tsc puts the tests (this file is compiled into it: out/test/) and where their sources are (test/). */
export const DEFAULT_ROOTS = { compiled: __dirname, source: path.resolve(__dirname, '..', '..', 'test') };

export interface FoundTests {
  /** Compiled test files (`*.test.js`) whose source is still there, sorted by path. */
  readonly files: string[];
  /**
   * Compiled test files whose source is gone (moved or deleted since the last compile; tsc never removes
   * output): never run, or a moved test would run twice and a deleted one forever.
   */
  readonly stale: string[];
}

/** The compiled tests under `dir` and its subfolders; none when `dir` is absent. */
export function findTestFiles(dir: string, roots: { compiled: string; source: string } = DEFAULT_ROOTS): FoundTests {
  const files: string[] = [];
  const stale: string[] = [];
  const visit = (folder: string): void => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.test.js')) {
        const source = path.join(roots.source, path.relative(roots.compiled, full)).replace(/\.js$/, '.ts');
        (existsSync(source) ? files : stale).push(full);
      }
    }
  };
  visit(dir);
  return { files: files.sort(), stale: stale.sort() };
}

/**
 * Reads an order: `sorted` (or empty), `reverse`, `shuffle` (a fresh random seed) or `shuffle:<seed>` (a
 * non-negative integer, to repeat a shuffled run). Throws on anything else, so a typo cannot quietly run sorted.
 */
export function parseTestOrder(text: string | undefined): TestOrder {
  const value = (text ?? '').trim().toLowerCase();
  if (value === '' || value === 'sorted') return { kind: 'sorted' };
  if (value === 'reverse') return { kind: 'reverse' };
  if (value === 'shuffle') return { kind: 'shuffle', seed: Math.floor(Math.random() * 2 ** 31) };
  const seeded = /^shuffle:(\d{1,10})$/.exec(value);
  if (seeded) return { kind: 'shuffle', seed: Number(seeded[1]) % 2 ** 32 };
  throw new Error(`${TEST_ORDER_ENV}="${text}": expected sorted, reverse, shuffle or shuffle:<seed>`);
}

/** The order as `parseTestOrder` reads it back (a shuffle with its seed, so the same run can be repeated). */
export function formatTestOrder(order: TestOrder): string {
  return order.kind === 'shuffle' ? `shuffle:${order.seed}` : order.kind;
}

/** `files` (sorted) in the given order; a shuffle with the same seed gives the same order for the same files. */
export function orderTestFiles(files: readonly string[], order: TestOrder): string[] {
  const sorted = [...files].sort();
  if (order.kind === 'sorted') return sorted;
  if (order.kind === 'reverse') return sorted.reverse();
  const random = mulberry32(order.seed);
  for (let i = sorted.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    // 0 ≤ j ≤ i < length: both entries are there.
    [sorted[i], sorted[j]] = [sorted[j]!, sorted[i]!];
  }
  return sorted;
}

/** A small seeded generator of numbers in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
