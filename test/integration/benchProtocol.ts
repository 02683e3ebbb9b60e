// What the in-window benchmark test (benchInVscode.test.ts) and the benchmark driving the window
// (test/bench/vscodeWindowBench.ts) say to each other. The test asks through a console line (the workbench
// forwards the extension host's console to the driver); the driver answers with a file beside the bench file.
// No `vscode` import: the benchmark (plain Node) reads it too.
import * as path from 'node:path';

/** "1" runs the benchmark test; unset, the test is skipped (the normal suite). */
export const BENCH_VSCODE_ENV = 'APIFRAME_TEST_BENCH_VSCODE';
/** Where the test writes its figures (JSON, BenchWindowFigures); answers go beside it. */
export const BENCH_FILE_ENV = 'APIFRAME_TEST_BENCH_FILE';
/** A console line starting with this carries a GalleryRequest as JSON. */
export const BENCH_REQUEST_PREFIX = '[apiframe-bench-request] ';

export interface GalleryRequest {
  readonly id: string;
  /** paint: wait for the first card of the gallery just opened; scroll: measure it settled and scrolled to the end. */
  readonly kind: 'paint' | 'scroll';
  /** Epoch ms when the test invoked Show Images (the paint times are measured from it). */
  readonly invokedAt: number;
}

export interface GalleryPaintAnswer {
  /** Show Images invoked → first contentful paint of the gallery page (ms). */
  readonly fcpMs: number;
  /** Show Images invoked → the first card's prompt painted (Element Timing, ms). */
  readonly firstCardMs: number;
  /** Show Images invoked → the page's document started (the webview's own set-up before the page, ms). */
  readonly documentStartMs: number;
  readonly error?: string;
}

export interface GalleryScrollAnswer {
  readonly worstFrameMs: number;
  readonly frames: number;
  readonly domNodes: number;
  /** JS heap of the webview's page settled at the top, and after scrolling to the end (bytes, after a GC). */
  readonly heapAtFirstPaintBytes: number;
  readonly heapAtEndBytes: number;
  /** How the heap was read (a CDP session of the webview's own process, or the frame's performance.memory). */
  readonly heapSource: string;
  readonly cards: number;
  readonly error?: string;
}

export interface BenchWindowFigures {
  readonly coldSubmitMs: number;
  readonly warmSubmitMs: readonly number[];
  readonly historySize: number;
  readonly opens: readonly GalleryPaintAnswer[];
  readonly scroll: GalleryScrollAnswer;
}

export function answerFile(benchFile: string, id: string): string {
  return path.join(path.dirname(benchFile), `answer-${id}.json`);
}
