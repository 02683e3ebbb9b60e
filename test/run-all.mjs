// The project's one test command (`npm test`, also run by .ci/run): the unit suite in plain Node, then
// the integration suite inside a real VS Code (code-server + headless Chromium). Ends with one plain
// line `N passed, M failed, K skipped` counting both, and exits non-zero if anything failed or could not run.
// A skipped test is not a passed one: the count says how much of the suite did not run here. A test that
// reads the official spec (../shared/apiframe/openapi.json) may skip only when that file is absent; if the file
// is there and such a test skipped anyway, the run fails (see sharedSpecGuard).
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

/** Where the official spec is expected (the same rule the contract tests use), or undefined if that module is not built. */
function officialSpecFile() {
  const compiled = path.join(root, 'out', 'test', 'contract', 'officialSpec.js');
  if (!existsSync(compiled)) return undefined;
  return require(compiled).officialSpecPath();
}

/** A compiled test file that loads the official spec: its skips are only allowed while the spec is absent. */
function readsOfficialSpec(file) {
  try {
    return /require\(["'][^"']*contract\/officialSpec["']\)/.test(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * The skipped tests that had no reason to skip: when the official spec is on disk, every test of a file that
 * reads it must have run. Returns one line per such test (empty when all is well).
 */
function sharedSpecGuard(skippedTests) {
  const specFile = officialSpecFile();
  if (!specFile || !existsSync(specFile)) return [];
  return skippedTests.filter((test) => test.file && readsOfficialSpec(test.file)).map((test) => `${path.relative(root, test.file)}: ${test.fullTitle()}`);
}

async function runUnit() {
  const Mocha = require('mocha');
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 20_000, color: !process.env.CI });
  const files = findTests(path.join(root, 'out', 'test', 'unit'));
  if (files.length === 0) {
    console.error('unit: no compiled tests under out/test/unit — run `npm run compile-tests` first');
    return { passed: 0, failed: 1, skipped: 0 };
  }
  for (const f of files) mocha.addFile(f);
  await mocha.loadFilesAsync();
  const skippedTests = [];
  const stats = await new Promise((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats));
    runner.on('pending', (test) => skippedTests.push(test));
  });
  const result = { passed: stats?.passes ?? 0, failed: stats?.failures ?? 0, skipped: stats?.pending ?? 0 };
  const specFile = officialSpecFile();
  if (specFile) console.log(`unit: official spec ${existsSync(specFile) ? 'found' : 'NOT found (the tests that need it skip)'} at ${specFile}`);
  const unjustified = sharedSpecGuard(skippedTests);
  if (unjustified.length > 0) {
    console.error(`unit: ${unjustified.length} test(s) that need the official spec were SKIPPED although it is at ${officialSpecFile()}:`);
    for (const line of unjustified) console.error(`  ${line}`);
    result.failed += unjustified.length;
  }
  return result;
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
  let result = { passed: 0, failed: 1, skipped: 0 };
  try {
    const reported = JSON.parse(readFileSync(resultFile, 'utf8'));
    const count = (name) => (Number.isInteger(reported[name]) && reported[name] >= 0 ? reported[name] : undefined);
    const [passed, failed, skipped] = [count('passed'), count('failed'), count('skipped')];
    if (passed === undefined || failed === undefined || skipped === undefined) {
      console.error(`integration: the suite's result is incomplete: ${JSON.stringify(reported)}`);
    } else {
      result = { passed, failed, skipped };
    }
  } catch {
    console.error('integration: the suite reported no result (see the output above)');
  }
  rmSync(tmp, { recursive: true, force: true });
  if (code !== 0 && result.failed === 0) result.failed = 1;
  return result;
}

const totals = { passed: 0, failed: 0, skipped: 0 };
function add(suite, result) {
  console.log(`${suite}: ${result.passed} passing, ${result.failed} failing, ${result.skipped} skipped`);
  totals.passed += result.passed;
  totals.failed += result.failed;
  totals.skipped += result.skipped;
}
if (!onlyVscode) add('unit', await runUnit());
if (!onlyUnit) add('integration', await runVscode());
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
