// The integration suite's entry point: VS Code loads this file through `extensionTestsPath` (both launchers:
// code-server + Chromium, and @vscode/test-electron) and calls `run()` inside the extension host.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { findTestFiles, formatTestOrder, orderTestFiles, parseTestOrder, TEST_ORDER_ENV, type TestOrder } from '../testFiles';
import { RESULT_FILE_ENV, SUITE_BANNER, type SuiteResult } from './harnessProtocol';

/**
 * The two files whose place in the run is part of what they check, pinned here rather than by their names:
 * the activation check must see a window where nothing has touched the extension yet, and the key-leak scan
 * must see everything the rest of the suite wrote and showed. Every other file may run in any order
 * (APIFRAME_TEST_ORDER=reverse or shuffle[:SEED] orders only those).
 */
const RUNS_FIRST = 'activation.test.js';
const RUNS_LAST = 'leakScan.test.js';

/** The suite's files: RUNS_FIRST, the others in the requested order, RUNS_LAST. Throws if a pinned file is missing. */
function suiteFiles(dir: string, order: TestOrder): string[] {
  const { files, stale } = findTestFiles(dir);
  if (stale.length > 0) console.log(`integration: ignoring compiled tests whose source is gone: ${stale.map((f) => path.relative(dir, f)).join(', ')}`);
  const pinned = (name: string): string => {
    const file = files.find((f) => path.relative(dir, f) === name);
    if (!file) throw new Error(`the integration suite has no ${name} (index.ts runs it ${name === RUNS_FIRST ? 'first' : 'last'} by design)`);
    return file;
  };
  const [first, last] = [pinned(RUNS_FIRST), pinned(RUNS_LAST)];
  const others = files.filter((f) => f !== first && f !== last);
  return [first, ...orderTestFiles(others, order), last];
}

/**
 * The workbench forwards the extension host's console arguments joined by spaces, without applying printf
 * placeholders, and mocha's reporters print through `Base.consoleLog('%s%s', …)`. Formatting here keeps the
 * forwarded lines readable. Returns the function that restores mocha's own.
 */
function formatReporterOutput(): () => void {
  const Base = Mocha.reporters.Base;
  const original = Base.consoleLog;
  Base.consoleLog = (...args: unknown[]) => original(format(...args));
  return () => {
    Base.consoleLog = original;
  };
}

export async function run(): Promise<void> {
  const restoreConsole = formatReporterOutput();
  try {
    await runSuite();
  } finally {
    restoreConsole();
  }
}

async function runSuite(): Promise<void> {
  console.log(`${SUITE_BANNER} ${vscode.version} (${vscode.env.appName}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'})`);
  // No colours: the output travels through the workbench's console hook into a plain log.
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000 });
  const grep = process.env.APIFRAME_TEST_GREP;
  if (grep) mocha.grep(grep);
  const order = parseTestOrder(process.env[TEST_ORDER_ENV]);
  if (order.kind !== 'sorted') console.log(`integration: files in ${formatTestOrder(order)} order, ${RUNS_FIRST} first and ${RUNS_LAST} last`);
  for (const file of suiteFiles(__dirname, order)) mocha.addFile(file);

  const { passed, failed, skipped } = await new Promise<SuiteResult>((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        resolve({
          passed: runner.stats?.passes ?? 0,
          failed: Math.max(failures, runner.stats?.failures ?? 0),
          skipped: runner.stats?.pending ?? 0,
        });
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });

  const resultFile = process.env[RESULT_FILE_ENV];
  if (resultFile) writeFileSync(resultFile, JSON.stringify({ passed, failed, skipped } satisfies SuiteResult) + '\n');
  if (failed > 0) throw new Error(`${failed} integration test(s) failed`);
}
