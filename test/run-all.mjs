// The project's one test command (`npm test`, also run by .ci/run): the unit suite in plain Node, then
// the integration suite inside a real VS Code (code-server + headless Chromium). Ends with one plain
// line `N passed, N failed` counting both, and exits non-zero if anything failed or could not run.
//   --unit     only the unit suite        --vscode   only the integration suite
// Expects `npm run build` and `npm run compile-tests` to have run (the npm scripts do that first).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const onlyUnit = args.includes('--unit');
const onlyVscode = args.includes('--vscode');

/** Test files under a compiled folder, sorted so runs are reproducible. */
function findTests(dir) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findTests(full));
    else if (entry.name.endsWith('.test.js')) found.push(full);
  }
  return found.sort();
}

async function runUnit() {
  const Mocha = require('mocha');
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 20_000, color: !process.env.CI });
  const files = findTests(path.join(root, 'out', 'test', 'unit'));
  if (files.length === 0) {
    console.error('unit: no compiled tests under out/test/unit — run `npm run compile-tests` first');
    return { passed: 0, failed: 1 };
  }
  for (const f of files) mocha.addFile(f);
  await mocha.loadFilesAsync();
  return new Promise((resolve) => {
    const runner = mocha.run(() => {
      resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0 });
    });
  });
}

async function runVscode() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'apiframe-results-'));
  const resultFile = path.join(tmp, 'result.json');
  const launcher = path.join(root, 'out', 'test', 'launchers', 'codeServer.js');
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [launcher, ...args.filter((a) => a !== '--vscode')], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, APIFRAME_TEST_RESULT_FILE: resultFile },
    });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
    child.on('error', (e) => {
      console.error(`integration: could not start the launcher: ${e.message}`);
      resolve(1);
    });
  });
  let result = { passed: 0, failed: 0 };
  try {
    result = JSON.parse(readFileSync(resultFile, 'utf8'));
  } catch {
    console.error('integration: the suite reported no result (see the output above)');
    result = { passed: 0, failed: 1 };
  }
  rmSync(tmp, { recursive: true, force: true });
  if (code !== 0 && result.failed === 0) result.failed = 1;
  return result;
}

const totals = { passed: 0, failed: 0 };
if (!onlyVscode) {
  const unit = await runUnit();
  console.log(`unit: ${unit.passed} passing, ${unit.failed} failing`);
  totals.passed += unit.passed;
  totals.failed += unit.failed;
}
if (!onlyUnit) {
  const integration = await runVscode();
  console.log(`integration: ${integration.passed} passing, ${integration.failed} failing`);
  totals.passed += integration.passed;
  totals.failed += integration.failed;
}
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed > 0 ? 1 : 0);
