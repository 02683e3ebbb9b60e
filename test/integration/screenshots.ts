// Screenshots from inside the integration suite. The suite runs in VS Code's extension host, which cannot see
// the browser; the launcher that drives the browser can. So a test asks for a picture by printing one marker
// line (the extension host's console reaches the launcher through the workbench's `codeAutomationLog` hook),
// and waits for the acknowledgment file the launcher writes into the screenshot folder, which both can see.
//
//   const files = await takeScreenshot('gallery', { webviewTitle: 'Apiframe Images' });
//
// saves <dir>/gallery.png (the whole workbench) and <dir>/gallery-webview.png (that webview's content), where
// <dir> comes from `npm run test:vscode -- --screenshots DIR` (or APIFRAME_SCREENSHOTS=DIR). Without a folder
// the call does nothing and returns []. Under @vscode/test-electron no launcher answers: it also returns [].
// This module imports no `vscode`, so the launcher shares its protocol.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';

/** Prefix of the console line that carries a request (one JSON object follows it). */
export const SCREENSHOT_MARKER = '[apiframe-screenshot] ';
/** Environment variable naming the screenshot folder (set by the launcher for the extension host). */
export const SCREENSHOTS_ENV = 'APIFRAME_SCREENSHOTS';
/** Set by the launchers that can take screenshots (the code-server one); absent under test-electron. */
export const SCREENSHOT_DRIVER_ENV = 'APIFRAME_TEST_SCREENSHOT_DRIVER';
/** Sub-folder of the screenshot folder where the launcher writes acknowledgments. */
export const ACK_FOLDER = '.ack';

export interface ScreenshotRequest {
  readonly id: string;
  /** File stem: letters, digits, `.`, `_` and `-`. */
  readonly name: string;
  readonly webviewTitle?: string;
}

export interface ScreenshotAck {
  /** Absolute paths of the PNG files written. */
  readonly files: readonly string[];
  readonly error?: string;
}

export interface ScreenshotOptions {
  /** Also save the content of the webview with this title as `<name>-webview.png`. */
  readonly webviewTitle?: string;
  /** How long to wait for the launcher (default 30 s). */
  readonly timeoutMs?: number;
}

export function ackFile(screenshotDir: string, id: string): string {
  return path.join(screenshotDir, ACK_FOLDER, `${id}.json`);
}

/** Parses a console line into a request, or undefined when it is not one. */
export function parseScreenshotRequest(line: string): ScreenshotRequest | undefined {
  const at = line.indexOf(SCREENSHOT_MARKER);
  if (at < 0) return undefined;
  try {
    const request = JSON.parse(line.slice(at + SCREENSHOT_MARKER.length).trim()) as Partial<ScreenshotRequest>;
    if (typeof request.id !== 'string' || typeof request.name !== 'string' || !isSafeName(request.name) || !isSafeName(request.id)) {
      return undefined;
    }
    return typeof request.webviewTitle === 'string'
      ? { id: request.id, name: request.name, webviewTitle: request.webviewTitle }
      : { id: request.id, name: request.name };
  } catch {
    return undefined;
  }
}

function isSafeName(name: string): boolean {
  return /^[\w.-]+$/.test(name) && !name.startsWith('.');
}

/** Whether screenshots will really be taken in this run. */
export function screenshotsEnabled(): boolean {
  return Boolean(process.env[SCREENSHOTS_ENV]) && Boolean(process.env[SCREENSHOT_DRIVER_ENV]);
}

let counter = 0;

/**
 * Asks the launcher for a PNG of the workbench (and of a webview, by title) and resolves with the files
 * written, once they are on disk. A no-op returning [] when no screenshot folder is configured.
 */
export async function takeScreenshot(name: string, options: ScreenshotOptions = {}): Promise<readonly string[]> {
  const dir = process.env[SCREENSHOTS_ENV];
  if (!dir || !screenshotsEnabled()) return [];
  if (!isSafeName(name)) throw new Error(`screenshot name "${name}" must be letters, digits, ".", "_" or "-"`);
  counter += 1;
  const request: ScreenshotRequest = {
    id: `${name}-${process.pid}-${counter}`,
    name,
    ...(options.webviewTitle === undefined ? {} : { webviewTitle: options.webviewTitle }),
  };
  const ack = ackFile(dir, request.id);
  console.log(`${SCREENSHOT_MARKER}${JSON.stringify(request)}`);
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!existsSync(ack)) {
    if (Date.now() > deadline) throw new Error(`the launcher did not take screenshot "${name}" (no ${ack})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const answer = JSON.parse(readFileSync(ack, 'utf8')) as ScreenshotAck;
  rmSync(ack, { force: true });
  if (answer.error) throw new Error(`screenshot "${name}" failed: ${answer.error}`);
  return answer.files;
}
