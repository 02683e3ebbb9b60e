// The project's one test command (`npm test`, also run by .ci/run). Runs the suites one after another, each in
// its own Node process, one folder each, named by what its tests need:
//   unit         test/unit/         plain Node only: fast, no server, no browser (`npm run test:unit`, under a minute)
//   http         test/http/         real HTTP to the emulator: client, waitForJob, job manager, emulator, contract, hostile
//   chaos        test/chaos/        the chaos run (`npm run test:chaos`) at a small size, under every emulator profile
//   browser      test/browser/      the built gallery page (dist/webview/) in headless Chromium
//   integration  test/integration/  inside a real VS Code (code-server + headless Chromium, test/launchers/)
// Prints one line per suite, `<suite>: N passing, M failing, K skipped`, and ends with one plain line
// `N passed, M failed, K skipped` counting them all; exits non-zero if anything failed or could not run.
// A skipped test is not a passed one: the count says how much of the suite did not run here. A test that
// reads the official spec (../shared/apiframe/openapi.json) may skip only when that file is absent; if the file
// is there and such a test skipped anyway, the run fails (see sharedSpecGuard).
//
//   --unit --http --chaos --browser --vscode   only those suites (any combination; none given: all of them)
//   --reverse, --shuffle[=SEED]                run each suite's files in reverse or shuffled order (the same as
//                                              APIFRAME_TEST_ORDER=reverse|shuffle|shuffle:SEED): no test may
//                                              depend on the files before it. The integration suite keeps its
//                                              activation check first and its key-leak scan last by design.
// Other arguments go to the integration launcher (--screenshots DIR, --verbose).
// Expects `npm run build` and `npm run compile-tests` to have run (the npm scripts do that first).
import { fork, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const self = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(self), '..');
const compiledTests = path.join(root, 'out', 'test');

/** The suites in the order they run; `folder` is under out/test/ (compiled) and test/ (sources). */
const SUITES = [
  { name: 'unit', flag: '--unit', folder: 'unit' },
  { name: 'http', flag: '--http', folder: 'http' },
  { name: 'chaos', flag: '--chaos', folder: 'chaos' },
  { name: 'browser', flag: '--browser', folder: 'browser' },
  { name: 'integration', flag: '--vscode', folder: 'integration' },
];
const SUITE_CHILD = '--suite-child';
const MOCHA_TIMEOUT_MS = 20_000;

/** test/testFiles.ts as compiled (finding and ordering test files), or undefined before `npm run compile-tests`. */
function testFilesModule() {
  const compiled = path.join(compiledTests, 'testFiles.js');
  return existsSync(compiled) ? require(compiled) : undefined;
}

/** Where the official spec is expected (the same rule the contract tests use), or undefined if that module is not built. */
function officialSpecFile() {
  const compiled = path.join(compiledTests, 'contract', 'officialSpec.js');
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

/** Runs one plain-Node suite with mocha in this process (a child of the main run) and returns its counts. */
async function runMochaSuite(suite) {
  const testFiles = testFilesModule();
  const dir = path.join(compiledTests, suite.folder);
  const { files, stale } = testFiles ? testFiles.findTestFiles(dir) : { files: [], stale: [] };
  if (stale.length > 0) console.log(`${suite.name}: ignoring compiled tests whose source is gone: ${stale.map((f) => path.relative(dir, f)).join(', ')}`);
  if (files.length === 0) {
    console.error(`${suite.name}: no compiled tests under ${path.relative(root, dir)} — run \`npm run compile-tests\` first`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  const order = testFiles.parseTestOrder(process.env[testFiles.TEST_ORDER_ENV]);
  const Mocha = require('mocha');
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: MOCHA_TIMEOUT_MS, color: !process.env.CI });
  const ordered = testFiles.orderTestFiles(files, order);
  if (order.kind !== 'sorted') console.log(`${suite.name}: ${ordered.map((f) => path.relative(dir, f)).join(', ')}`);
  for (const f of ordered) mocha.addFile(f);
  await mocha.loadFilesAsync();
  const skippedTests = [];
  const stats = await new Promise((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats));
    runner.on('pending', (test) => skippedTests.push(test));
  });
  const result = { passed: stats?.passes ?? 0, failed: stats?.failures ?? 0, skipped: stats?.pending ?? 0 };
  const specFile = officialSpecFile();
  if (specFile && files.some(readsOfficialSpec)) {
    console.log(`${suite.name}: official spec ${existsSync(specFile) ? 'found' : 'NOT found (the tests that need it skip)'} at ${specFile}`);
  }
  const unjustified = sharedSpecGuard(skippedTests);
  if (unjustified.length > 0) {
    console.error(`${suite.name}: ${unjustified.length} test(s) that need the official spec were SKIPPED although it is at ${specFile}:`);
    for (const line of unjustified) console.error(`  ${line}`);
    result.failed += unjustified.length;
  }
  return result;
}

/** Runs a plain-Node suite in a child process (a suite cannot leave state behind for the next one). */
function runInChild(suite, env) {
  return new Promise((resolve) => {
    let result;
    const child = fork(self, [SUITE_CHILD, suite.name], { cwd: root, stdio: 'inherit', env });
    child.on('message', (message) => (result = message));
    child.on('exit', (code, signal) => {
      if (!result) {
        console.error(`${suite.name}: the suite reported no result (exit ${code ?? signal}; see the output above)`);
        resolve({ passed: 0, failed: 1, skipped: 0 });
      } else {
        if (code !== 0 && result.failed === 0) result.failed = 1;
        resolve(result);
      }
    });
    child.on('error', (e) => {
      console.error(`${suite.name}: could not start: ${e.message}`);
      resolve({ passed: 0, failed: 1, skipped: 0 });
    });
  });
}

/** The integration suite: the launcher starts code-server and the workbench; the suite writes its counts to a file. */
async function runVscode(launcherArgs, env) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'apiframe-results-'));
  const resultFile = path.join(tmp, 'result.json');
  const launcher = path.join(compiledTests, 'launchers', 'codeServer.js');
  const code = await new Promise((resolve) => {
    const child = spawn(process.execPath, [launcher, ...launcherArgs], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...env, APIFRAME_TEST_RESULT_FILE: resultFile },
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

/** The file order asked for by --reverse / --shuffle[=SEED] or APIFRAME_TEST_ORDER, as APIFRAME_TEST_ORDER spells it. */
function requestedOrder(args, testFiles) {
  const shuffle = args.find((a) => a === '--shuffle' || a.startsWith('--shuffle='));
  const text = shuffle ? shuffle.replace(/^--shuffle=?/, 'shuffle:').replace(/:$/, '') : args.includes('--reverse') ? 'reverse' : process.env[testFiles.TEST_ORDER_ENV];
  // A fresh shuffle gets its seed here, once, so every suite uses it and the run can be repeated.
  return testFiles.formatTestOrder(testFiles.parseTestOrder(text));
}

async function main(args) {
  if (args[0] === SUITE_CHILD) {
    const suite = SUITES.find((s) => s.name === args[1]);
    const result = await runMochaSuite(suite);
    // Sent before exiting; the exit does not wait for sockets or timers a test left open (as mocha's own CLI).
    if (process.send) await new Promise((resolve) => process.send(result, resolve));
    return result.failed > 0 ? 1 : 0;
  }

  const selected = SUITES.filter((suite) => args.includes(suite.flag));
  const suites = selected.length > 0 ? selected : SUITES;
  const ownArgs = new Set([...SUITES.map((s) => s.flag), '--reverse']);
  const launcherArgs = args.filter((a) => !ownArgs.has(a) && a !== '--shuffle' && !a.startsWith('--shuffle='));
  const testFiles = testFilesModule();
  if (!testFiles) {
    console.error('no compiled tests under out/test — run `npm run compile-tests` first');
    console.log('0 passed, 1 failed, 0 skipped');
    return 1;
  }
  let order;
  try {
    order = requestedOrder(args, testFiles);
  } catch (error) {
    console.error(error.message);
    console.log('0 passed, 1 failed, 0 skipped');
    return 1;
  }
  const env = { ...process.env, [testFiles.TEST_ORDER_ENV]: order };
  if (order !== 'sorted') console.log(`order: files in ${order} order (${testFiles.TEST_ORDER_ENV}=${order} repeats it)`);

  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const suite of suites) {
    const started = performance.now();
    const result = suite.name === 'integration' ? await runVscode(launcherArgs, env) : await runInChild(suite, env);
    console.log(`${suite.name}: took ${((performance.now() - started) / 1000).toFixed(1)} s`);
    console.log(`${suite.name}: ${result.passed} passing, ${result.failed} failing, ${result.skipped} skipped`);
    totals.passed += result.passed;
    totals.failed += result.failed;
    totals.skipped += result.skipped;
  }
  console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  return totals.failed > 0 ? 1 : 0;
}

process.exit(await main(process.argv.slice(2)));
