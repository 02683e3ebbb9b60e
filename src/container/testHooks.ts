import type * as vscode from 'vscode';
import type { CommandId } from '../commandIds';
import type { GalleryActions, GalleryTraffic } from '../gallery/galleryPanel';
import type { JobManager } from '../jobs/managerApi';
import type { WalkthroughProgress } from '../walkthrough';
import type { CoreServices } from './services';
import type { UserInterface } from './userInterface';

/**
 * The one seam through which the integration suite reaches into the extension. The start-up bundle creates
 * an empty object only in `ExtensionMode.Test` and publishes it with the test API; the suite fills it in. In
 * every other mode there is no object at all (the core is created without one), so nothing in an installed
 * extension can script the UI or watch the gallery — there is no code of the suite's in the bundles, only
 * these optional call sites.
 */
export interface TestHooks {
  /**
   * Stands in for the user while set: every prompt and message goes to it instead of VS Code's window, so
   * the suite answers prompts from a script and records every text shown.
   */
  ui?: UserInterface;
  /**
   * The demo key Set API Key offers as "Use the demo key" while set; in Test mode this is the only source
   * (the environment's APIFRAME_DEMO_KEY is ignored, see demoKeyFor in src/apiKey.ts).
   */
  demoKey?: string;
  /** Sees every HTML the gallery sets and every message it posts (the key-leak scan searches them). */
  galleryTraffic?: (traffic: GalleryTraffic) => void;
}

/** What the suite drives once the core is loaded; exists only for a core created with test hooks. */
export interface TestCore {
  readonly services: CoreServices;
  /** What the gallery's buttons do, callable without clicking through the webview. */
  readonly galleryActions: GalleryActions;
  /** Runs a command as its registration does (arguments parsed, failures reported). */
  run(id: CommandId, args: readonly unknown[]): Promise<unknown>;
  /** The current job manager, started. */
  jobs(): Promise<JobManager>;
  /**
   * Tears the job manager down as a window close would (jobs stay in the journal) and creates a new one on
   * the same storage, which resumes unfinished jobs — the restart-recovery tests' "restart".
   */
  restartJobs(): Promise<JobManager>;
  /** What the walkthrough's context keys say (set on the real events, see src/walkthrough.ts). */
  readonly walkthrough: WalkthroughProgress;
  /**
   * The `apiframe_generateImage` tool object itself: `lm.invokeTool` outside a chat does not ask VS Code for the
   * confirmation, so the suite reads `prepareInvocation` here.
   */
  readonly imageTool: vscode.LanguageModelTool<unknown>;
}

/**
 * The UI port of a core created with test hooks: the suite's stand-in while one is installed, VS Code's
 * window otherwise. Looked up on every call, because the suite installs its stand-in after the core may
 * already have been loaded (the activation test loads it first).
 */
export function userInterfaceThroughHooks(hooks: TestHooks, windowUi: UserInterface): UserInterface {
  const current = (): UserInterface => hooks.ui ?? windowUi;
  return {
    inputBox: (options) => current().inputBox(options),
    quickPick: (items, options) => current().quickPick(items, options),
    quickPickMany: (items, options) => current().quickPickMany(items, options),
    message: (severity, text, actions, options) => current().message(severity, text, actions, options),
    pickWorkspaceFolder: (options) => current().pickWorkspaceFolder(options),
    saveDialog: (options) => current().saveDialog(options),
    openDialog: (options) => current().openDialog(options),
    statusMessage: (text, timeoutMs) => current().statusMessage(text, timeoutMs),
    revealInExplorer: (uri) => current().revealInExplorer(uri),
    openExternal: (uri) => current().openExternal(uri),
  };
}
