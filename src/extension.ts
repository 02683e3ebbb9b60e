import { startUpBundleEvaluationStarted } from './activationClock';
import * as vscode from 'vscode';
import { COMMAND_IDS, PENDING_JOBS_STATE_KEY, type CommandId } from './commandIds';
import type { Core } from './core';
import { redactSecrets } from './apiframe/redact';
import { registerGallerySerializer } from './gallery/serializer';

/**
 * What `activate` returns: a small surface for the integration tests (and other extensions) to reach
 * the lazily created core without going through the UI.
 */
export interface ExtensionApi {
  /** Loads (once) and returns the core: client, jobs, webview host. */
  core(): Core;
  /** Milliseconds spent evaluating the start-up bundle plus running activate() (see activationClock.ts). */
  readonly activationMs: number;
}

/**
 * Activation does nothing but registrations: the core bundle (undici, the Apiframe client, the job
 * manager, the webview host) is required on first use, so an idle extension costs the editor almost nothing.
 */
export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const activateStarted = performance.now();
  const log = vscode.window.createOutputChannel('Apiframe Images', { log: true });
  context.subscriptions.push(log);

  let core: Core | undefined;
  const loadCore = (): Core => {
    if (!core) {
      // A plain require of a separate bundle (external in esbuild.mjs): evaluated here, not at start-up.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const coreModule = require('./core.js') as typeof import('./core');
      core = coreModule.createCore({ context, log });
      context.subscriptions.push(core);
    }
    return core;
  };

  for (const id of COMMAND_IDS) {
    context.subscriptions.push(vscode.commands.registerCommand(id, (...args: unknown[]) => runCommand(id, args)));
  }

  // The gallery comes back after a window reload; its host (and the core) load only when that happens.
  context.subscriptions.push(registerGallerySerializer((panel) => loadCore().restoreGallery(panel)));

  // onStartupFinished: resume unfinished jobs, but only when the core left the flag saying there are some —
  // otherwise start-up does no work and loads nothing.
  if (context.globalState.get<boolean>(PENDING_JOBS_STATE_KEY) === true) {
    setTimeout(() => void loadCore().resumePendingJobs(), 0);
  }

  async function runCommand(id: CommandId, args: unknown[]): Promise<unknown> {
    try {
      return await loadCore().run(id, args);
    } catch (error) {
      // Surface failures instead of letting them vanish into the extension host log.
      const message = redactSecrets(error instanceof Error ? error.message : String(error));
      log.error(`Command ${id} failed: ${message}`);
      const showLog = vscode.l10n.t('Show Log');
      void vscode.window
        .showErrorMessage(vscode.l10n.t('Apiframe: {0}', message), showLog)
        .then((choice) => (choice === showLog ? log.show(true) : undefined));
      return undefined;
    }
  }

  return { core: loadCore, activationMs: startUpBundleEvaluationMs + (performance.now() - activateStarted) };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}

// The last statement of the start-up bundle: everything above has been evaluated by now.
const startUpBundleEvaluationMs = performance.now() - startUpBundleEvaluationStarted;
