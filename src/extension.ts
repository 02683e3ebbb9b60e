import { startUpBundleEvaluationStarted } from './activationClock';
import * as vscode from 'vscode';
import { API_KEY_SECRET } from './apiKey';
import { COMMAND_IDS, PENDING_JOBS_STATE_KEY, type CommandId } from './commandIds';
import type { Core } from './core';
import type { TestCore, TestHooks } from './container/testHooks';
import { redactSecrets } from './apiframe/redact';
import { registerGallerySerializer } from './gallery/serializer';
import { errorText } from './shared/errorText';
import { GENERATE_IMAGE_TOOL } from './tools/toolNames';
import { CODE_CACHE_FOLDER, codeCacheFile, requireWithCodeCache } from './startup/codeCache';
import * as path from 'node:path';

/** After the core loads: the first use has compiled what it runs by then. */
const CODE_CACHE_WRITE_DELAY_MS = 5_000;

/**
 * What the integration tests reach the lazily created core through, without going through the UI. Never the
 * extension's exports: `vscode.extensions.getExtension(id).exports` is open to every installed extension, and
 * the core holds the services that read the stored API key.
 */
export interface ExtensionTestApi {
  /** Loads (once) the core — client, jobs, webview host — and returns what the suite drives of it. */
  core(): TestCore;
  /**
   * The seam the suite fills in (its stand-in UI, the gallery-traffic observer): the core reads it on every
   * use, so it may be filled before or after the core is loaded.
   */
  readonly hooks: TestHooks;
  /** Milliseconds spent evaluating the start-up bundle plus running activate() (see activationClock.ts). */
  readonly activationMs: number;
  /**
   * Stores the API key in SecretStorage without loading the core, so a benchmark can time a command's first
   * use (core bundle, undici, key read) in a window where nothing else has loaded them yet.
   */
  storeApiKey(key: string): Thenable<void>;
}

/**
 * Where the test API is published, only in `ExtensionMode.Test` (a window VS Code started to run this
 * extension's own test suite). The tests read it through test/integration/testApiSlot.ts, which uses the same
 * registered-symbol name.
 */
const TEST_API_SLOT = Symbol.for('apiframe-images.testApi');

/** Publishes the test API for the suite, and takes it back when the extension is deactivated. */
function publishTestApi(context: vscode.ExtensionContext, api: ExtensionTestApi): void {
  Object.defineProperty(globalThis, TEST_API_SLOT, { value: api, configurable: true, enumerable: false, writable: false });
  context.subscriptions.push({
    dispose: () => {
      if ((globalThis as Record<symbol, unknown>)[TEST_API_SLOT] === api) delete (globalThis as Record<symbol, unknown>)[TEST_API_SLOT];
    },
  });
}

/**
 * Activation does nothing but registrations: the core bundle (undici, the Apiframe client, the job
 * manager, the webview host) is required on first use, so an idle extension costs the editor almost nothing.
 * Returns nothing: the extension has no API for other extensions.
 */
export function activate(context: vscode.ExtensionContext): void {
  const activateStarted = performance.now();
  const log = vscode.window.createOutputChannel('Apiframe Images', { log: true });
  context.subscriptions.push(log);

  // Only a window VS Code started to run this extension's own test suite gets the seam; the core is created
  // without one everywhere else, so an installed extension has nothing a script could fill in.
  const testHooks: TestHooks | undefined = context.extensionMode === vscode.ExtensionMode.Test ? {} : undefined;
  let core: Core | undefined;
  // The stored key, asked for once, by the first use (the core reads it as it starts anyway: see CoreHost).
  let storedKey: Promise<string | undefined> | undefined;
  // Until the core's own key store listens, a change of the key makes that read stale: it is asked for again.
  let keyChanges: vscode.Disposable | undefined;
  const readStoredKey = (): Promise<string | undefined> => {
    const read = (): Promise<string | undefined> => {
      const answer = Promise.resolve(context.secrets.get(API_KEY_SECRET));
      // A read left unused by a core that failed to load is dropped; the core reports its own failures.
      void answer.catch(() => undefined);
      return answer;
    };
    if (!storedKey) {
      storedKey = read();
      keyChanges = context.secrets.onDidChange((event) => {
        if (event.key === API_KEY_SECRET) storedKey = read();
      });
      context.subscriptions.push(keyChanges);
    }
    return storedKey;
  };
  const loadCore = (): Core => {
    if (!core) {
      // A separate bundle (external in esbuild.mjs), evaluated here, not at start-up — with the code V8 compiled
      // for it on an earlier first use, kept in global storage (see startup/codeCache.ts).
      const coreFile = path.join(__dirname, 'core.js');
      const cacheFile = codeCacheFile(path.join(context.globalStorageUri.fsPath, CODE_CACHE_FOLDER), coreFile, extensionVersion(context));
      const loadStarted = performance.now();
      const coreBundle = requireWithCodeCache<typeof import('./core')>(coreFile, cacheFile, module);
      log.info(`Loaded the core in ${Math.round(performance.now() - loadStarted)} ms (code cache: ${coreBundle.cacheState}).`);
      core = coreBundle.exports.createCore({ context, log, storedKey: readStoredKey() }, testHooks);
      // Written once the first use has compiled what it runs, when the window is likely idle.
      setTimeout(() => void coreBundle.writeCache(), CODE_CACHE_WRITE_DELAY_MS).unref();
      // The core's key store listens from here on (it subscribed as it was created, in this same task).
      keyChanges?.dispose();
      context.subscriptions.push(core);
    }
    return core;
  };

  for (const id of COMMAND_IDS) {
    context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => runCommand(id, args)));
  }

  // The gallery comes back after a window reload; its host (and the core) load only when that happens.
  context.subscriptions.push(registerGallerySerializer((panel, savedState) => loadCore().restoreGallery(panel, savedState)));

  // The agent tool, where VS Code has the API (1.95+): the core loads on its first use, like a command's.
  const registerTool = toolRegistration();
  if (registerTool) {
    context.subscriptions.push(
      registerTool<unknown>(GENERATE_IMAGE_TOOL, {
        prepareInvocation: (options, token) => loadCore().imageTool.prepareInvocation?.(options, token),
        invoke: (options, token) => loadCore().imageTool.invoke(options, token),
      }),
    );
  }

  // onStartupFinished: resume unfinished jobs, but only when the core left the flag saying there are some —
  // otherwise start-up does no work and loads nothing.
  if (context.globalState.get<boolean>(PENDING_JOBS_STATE_KEY) === true) {
    setTimeout(() => void loadCore().resumePendingJobs(), 0);
  }

  async function runCommand(id: CommandId, args: unknown[]): Promise<unknown> {
    if (!core) {
      // The first use: the key is asked for before the core is evaluated, which holds the thread for a tenth of
      // a second or more. VS Code sends an extension's requests to the workbench on a later turn of the event
      // loop (a timer), so that turn is let through first: the request is then on its way, and answered,
      // while the core is evaluated, instead of leaving only after it.
      void readStoredKey();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    let loaded: Core;
    try {
      loaded = loadCore();
    } catch (error) {
      reportCoreLoadFailure(log, id, error);
      return undefined;
    }
    // The core reports its own failures (src/errors/errorReporter.ts): run() never rejects.
    return loaded.run(id, args);
  }

  if (testHooks) {
    const coreForTests = (): TestCore => {
      const forTests = loadCore().forTests;
      if (!forTests) throw new Error('The core was created without test hooks.');
      return forTests;
    };
    publishTestApi(context, {
      core: coreForTests,
      hooks: testHooks,
      activationMs: startUpBundleEvaluationMs + (performance.now() - activateStarted),
      storeApiKey: (key) => context.secrets.store(API_KEY_SECRET, key),
    });
  }
}

/**
 * `vscode.lm.registerTool` where this VS Code has it (1.95+), else undefined: 1.90 has `lm` without tools, and a
 * host that stubs `vscode` (the activation bench) may have no `lm` at all.
 */
function toolRegistration(): typeof vscode.lm.registerTool {
  const lm = (vscode as { readonly lm?: Partial<typeof vscode.lm> }).lm;
  return typeof lm?.registerTool === 'function' ? lm.registerTool.bind(lm) : undefined;
}

/** The extension's version (a new version's bundle never reads the previous one's code cache). */
function extensionVersion(context: vscode.ExtensionContext): string {
  const version = (context.extension.packageJSON as { readonly version?: unknown }).version;
  return typeof version === 'string' ? version : 'unknown';
}

/**
 * The core bundle could not be loaded (a damaged install): the error reporter lives in that bundle, so this
 * says so with the little the start-up bundle has — rather than importing the reporter, whose descriptions
 * and their strings would make every start-up pay for a failure that should never happen.
 */
function reportCoreLoadFailure(log: vscode.LogOutputChannel, id: CommandId, error: unknown): void {
  const message = redactSecrets(errorText(error));
  log.error(`Command ${id} failed: ${message}`);
  const showLog = vscode.l10n.t('Show Log');
  void vscode.window
    .showErrorMessage(vscode.l10n.t('Apiframe: {0}', message), showLog)
    .then((choice) => (choice === showLog ? log.show(true) : undefined));
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

// The last statement of the start-up bundle: everything above has been evaluated by now.
const startUpBundleEvaluationMs = performance.now() - startUpBundleEvaluationStarted;
