// The same integration suite in desktop VS Code through @vscode/test-electron (`npm run test:electron`).
// For machines that have VS Code installed (VSCODE_EXECUTABLE_PATH=/path/to/code skips the download) or can
// download it; offline without that variable it fails with a message instead of hanging. On Linux without a
// display, run it under `xvfb-run -a`. Screenshots are a code-server feature: here `takeScreenshot` is a no-op.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { RESULT_FILE_ENV, type SuiteResult } from '../integration/harnessProtocol';
import { extensionEnvironmentFrom, PROJECT_ROOT, withTimeout } from './vscodeServer';

const DEFAULT_TIMEOUT_MS = 15 * 60_000;

async function main(): Promise<number> {
  const tempDir = mkdtempSync(path.join(os.tmpdir(), 'apiframe-electron-'));
  try {
    const workspace = path.join(tempDir, 'workspace');
    cpSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'demo-workspace'), workspace, { recursive: true });
    const resultFile = process.env[RESULT_FILE_ENV] ?? path.join(tempDir, 'result.json');
    rmSync(resultFile, { force: true });
    const executable = process.env.VSCODE_EXECUTABLE_PATH;
    if (executable && !existsSync(executable)) {
      console.error(`[electron] VSCODE_EXECUTABLE_PATH=${executable} does not exist`);
      return 1;
    }
    console.log(executable ? `[electron] using VS Code at ${executable}` : '[electron] no VSCODE_EXECUTABLE_PATH: downloading VS Code stable');

    let exitCode: number;
    try {
      exitCode = await withTimeout(
        runTests({
          extensionDevelopmentPath: PROJECT_ROOT,
          extensionTestsPath: path.join(PROJECT_ROOT, 'out', 'test', 'integration', 'index.js'),
          ...(executable ? { vscodeExecutablePath: executable } : {}),
          extensionTestsEnv: { ...extensionEnvironmentFrom(process.env, undefined), [RESULT_FILE_ENV]: resultFile },
          launchArgs: [
            workspace,
            '--disable-extensions',
            '--disable-workspace-trust',
            '--skip-welcome',
            '--skip-release-notes',
            `--user-data-dir=${path.join(tempDir, 'user-data')}`,
            `--extensions-dir=${path.join(tempDir, 'extensions')}`,
          ],
        }),
        Number(process.env.APIFRAME_TEST_TIMEOUT_MS) || DEFAULT_TIMEOUT_MS,
        'the integration suite in desktop VS Code',
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`[electron] could not run desktop VS Code: ${message}`);
      if (!executable) {
        console.error(
          '[electron] Without internet access VS Code cannot be downloaded. Point VSCODE_EXECUTABLE_PATH at an installed ' +
            '`code` binary, or use `npm run test:vscode` (code-server, works offline).',
        );
      }
      return 1;
    }

    let result: SuiteResult = { passed: 0, failed: 1, skipped: 0 };
    try {
      result = JSON.parse(readFileSync(resultFile, 'utf8')) as SuiteResult;
    } catch {
      console.error('[electron] the suite reported no result (see the output above)');
    }
    const failed = exitCode !== 0 && result.failed === 0 ? 1 : result.failed;
    console.log(`${result.passed} passed, ${failed} failed, ${result.skipped ?? 0} skipped`);
    return failed > 0 ? 1 : 0;
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
}

void main().then((code) => process.exit(code));
