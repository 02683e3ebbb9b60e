/**
 * Activation inside a real VS Code: launches the offline integration harness (code-server + headless
 * Chromium) with only test/integration/activation.test.ts, which reads the extension's own activation figure
 * (start-up bundle evaluation through the end of activate()) from the test API the extension publishes in
 * ExtensionMode.Test (activate() itself returns nothing) and times loading the core bundle on first use. Baseline = activation + core load: what activation would cost if it loaded
 * everything eagerly. One fresh VS Code per run; medians after a warm-up run.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { median } from './benchLine';

const execFileAsync = promisify(execFile);
const root = path.resolve(__dirname, '..', '..', '..');

export interface VscodeActivationFigures {
  activationMs: number;
  eagerMs: number;
  vscodeVersion: string;
}

async function launchOnce(): Promise<{ activationMs: number; coreLoadMs: number; vscodeVersion: string }> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'apiframe-bench-activation-'));
  try {
    const benchFile = path.join(tmp, 'activation.json');
    const { stdout } = await execFileAsync(process.execPath, [path.join(root, 'out', 'test', 'launchers', 'codeServer.js')], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
      env: {
        ...process.env,
        APIFRAME_TEST_RESULT_FILE: path.join(tmp, 'result.json'),
        APIFRAME_TEST_GREP: 'activation registers everything without loading the core bundle',
        APIFRAME_TEST_BENCH_FILE: benchFile,
      },
    });
    const version = /\b(1\.\d+\.\d+)\b/.exec(stdout)?.[1] ?? 'unknown';
    const figures = JSON.parse(readFileSync(benchFile, 'utf8')) as { activationMs: number; coreLoadMs: number };
    return { ...figures, vscodeVersion: version };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export async function measureActivationInVscode(runs = 3): Promise<VscodeActivationFigures> {
  const warmUp = await launchOnce();
  const activation: number[] = [];
  const eager: number[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await launchOnce();
    activation.push(run.activationMs);
    eager.push(run.activationMs + run.coreLoadMs);
  }
  return { activationMs: median(activation), eagerMs: median(eager), vscodeVersion: warmUp.vscodeVersion };
}
