// The offline integration launcher (`npm run test:vscode`, and the second half of `npm test`): installs the
// harness on first use, starts code-server with the extension under development, opens the workbench in
// headless Chromium with the suite (out/test/integration/index.js) as `extensionTestsPath`, streams the
// suite's output, takes the screenshots it asks for, and exits with its result.
//
//   node out/test/launchers/codeServer.js [--screenshots DIR] [--verbose]
//
// Environment: APIFRAME_TEST_RESULT_FILE (where the suite writes {"passed":N,"failed":M,"skipped":K}),
// APIFRAME_SCREENSHOTS (same as --screenshots), APIFRAME_TEST_TIMEOUT_MS (global timeout, default 15 min);
// every variable named APIFRAME_TEST_* is handed to the extension host.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SUITE_BANNER } from '../integration/harnessProtocol';
import {
  ACK_FOLDER,
  ackFile,
  parseScreenshotRequest,
  SCREENSHOTS_ENV,
  type ScreenshotAck,
  type ScreenshotRequest,
} from '../integration/screenshots';
import {
  ensureInstalled,
  extensionEnvironmentFrom,
  HarnessError,
  openWorkbench,
  optionValue,
  PROJECT_ROOT,
  runCleanup,
  startVsCodeServer,
  withTimeout,
  type WorkbenchDriver,
} from './vscodeServer';

const DEFAULT_TIMEOUT_MS = 15 * 60_000;

/** Workbench lines that can show up between the suite's own lines and say nothing about it. */
function isWorkbenchNoise(text: string): boolean {
  return /^Ignoring fetching additional builtin extensions|^Creating a socket|^\[(?:AgentHost|AccountPolicyGate|Service Worker)|^Creation of workbench contribution|^Failed to load resource|was preloaded using link preload|^Resolv(?:ing|ed) connection token|^Updating additional builtin extensions cache/.test(text);
}

async function answerScreenshot(driver: WorkbenchDriver, dir: string, request: ScreenshotRequest): Promise<void> {
  const files: string[] = [];
  let answer: ScreenshotAck;
  try {
    const workbenchFile = path.join(dir, `${request.name}.png`);
    await driver.screenshotWorkbench(workbenchFile);
    files.push(workbenchFile);
    if (request.webviewTitle !== undefined) {
      const webviewFile = path.join(dir, `${request.name}-webview.png`);
      await driver.screenshotWebview(request.webviewTitle, webviewFile);
      files.push(webviewFile);
    }
    console.log(`[screenshots] saved ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
    answer = { files };
  } catch (error) {
    answer = { files, error: error instanceof Error ? error.message : String(error) };
  }
  // Written under another name, then renamed, so the test never reads half a file.
  const target = ackFile(dir, request.id);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(`${target}.partial`, JSON.stringify(answer));
  renameSync(`${target}.partial`, target);
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const screenshotOption = optionValue(argv, '--screenshots') ?? process.env[SCREENSHOTS_ENV];
  const screenshotDir = screenshotOption ? path.resolve(screenshotOption) : undefined;
  if (screenshotDir) mkdirSync(screenshotDir, { recursive: true });
  const timeoutMs = Number(process.env.APIFRAME_TEST_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS;

  const tools = await ensureInstalled();
  console.log(`[harness] VS Code ${tools.vscodeVersion} (code-server, Node 24 extension host, headless Chromium)`);
  const server = await startVsCodeServer({
    tools,
    workspaceTemplate: path.join(PROJECT_ROOT, 'test', 'fixtures', 'demo-workspace'),
    extensionDevelopmentPath: PROJECT_ROOT,
    // The suite runs through the payload's tests path and reports through codeAutomation*: both need it.
    smokeTestDriver: true,
    verbose: argv.includes('--verbose'),
  });
  const url = server.workbenchUrl({
    extensionTestsPath: path.join(PROJECT_ROOT, 'out', 'test', 'integration', 'index.js'),
    extensionEnvironment: extensionEnvironmentFrom(process.env, screenshotDir),
  });

  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  // The hooks are installed before openWorkbench returns, so they reach the driver through this holder.
  const opened: { driver?: WorkbenchDriver } = {};
  const pendingScreenshots: Promise<void>[] = [];
  // Before the suite starts, the console is the workbench booting: kept, and printed only if the suite never
  // starts (then it explains why). --verbose prints everything as it comes.
  const verbose = argv.includes('--verbose');
  let suiteStarted = false;
  let bootLog: string[] = [];
  opened.driver = await openWorkbench(tools, server, url, {
    onLog(type, text) {
      const request = screenshotDir ? parseScreenshotRequest(text) : undefined;
      if (request && screenshotDir && opened.driver) {
        pendingScreenshots.push(answerScreenshot(opened.driver, screenshotDir, request));
        return;
      }
      if (text.startsWith(SUITE_BANNER)) suiteStarted = true;
      if (verbose || (suiteStarted && !isWorkbenchNoise(text))) {
        (type === 'error' ? process.stderr : process.stdout).write(`${text}\n`);
      } else if (!suiteStarted) {
        bootLog = [...bootLog, `[${type}] ${text}`].slice(-200);
      }
    },
    onExit: (code) => finish(code),
  });

  const code = await withTimeout(finished, timeoutMs, 'the integration suite').catch((error: unknown) => {
    if (!suiteStarted && !verbose) console.error(`[harness] the workbench console so far:\n${bootLog.join('\n')}`);
    throw error;
  });
  if (!suiteStarted && !verbose) console.error(`[harness] the suite never started; the workbench console:\n${bootLog.join('\n')}`);
  await Promise.all(pendingScreenshots);
  // The acknowledgments were only for the suite; leave just the pictures.
  if (screenshotDir) rmSync(path.join(screenshotDir, ACK_FOLDER), { recursive: true, force: true });
  return code;
}

// The entry point: nothing awaits it. Its own failure is reported and turned into exit code 1 below; should the
// cleanup itself throw, Node reports the unhandled rejection and exits non-zero, which is what it should do.
void main()
  .catch((error: unknown) => {
    const message = error instanceof HarnessError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`[harness] ${message}`);
    return 1;
  })
  .then(async (code) => {
    await runCleanup();
    process.exit(code);
  });
