// The integration suite's entry point: VS Code loads this file through `extensionTestsPath` (both launchers:
// code-server + Chromium, and @vscode/test-electron) and calls `run()` inside the extension host.
import { readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { RESULT_FILE_ENV, SUITE_BANNER, type SuiteResult } from './harnessProtocol';

function findTests(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(full));
    else if (entry.name.endsWith('.test.js')) found.push(full);
  }
  return found.sort();
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
  for (const file of findTests(__dirname)) mocha.addFile(file);

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
