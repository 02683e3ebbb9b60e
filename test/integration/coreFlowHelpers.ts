// Shared set-up for the core-flow integration tests: the extension's test API, an emulator the extension is
// pointed at through the (user-scope) base URL setting, documents in the workspace, and waits on the
// extension's own events. Everything talks to the emulator over real HTTP.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestCore } from '../../src/container/testHooks';
import type { JobRecord } from '../../src/jobs/types';
import type { ProgressReport } from '../../src/progress/jobProgress';
import type { Emulator } from '../emulator/index';
import { takeScreenshot } from './screenshots';
import { CANARY_KEY, recordWhatTheExtensionShows, startTrackedEmulator } from './leakRegistry';
import type { ScriptedUi } from './scriptedUi';
import { activateForTests, suiteUi } from './testApi';
import { waitFor } from './waitFor';

export interface Harness {
  readonly core: TestCore;
  /** Records what the extension shows and answers its prompts (see scriptedUi.ts). */
  readonly ui: ScriptedUi;
  readonly emulator: Emulator;
  readonly workspace: vscode.WorkspaceFolder;
}

let debugLogging: Promise<void> | undefined;

/**
 * Debug lines reach the log file only at level debug or below; the key-leak scan reads that file, so the run
 * logs at debug. `_extensionTests.setLogLevel` is VS Code's command for extension test runs (no UI).
 */
function logAtDebugLevel(): Promise<void> {
  debugLogging ??= Promise.resolve(vscode.commands.executeCommand('_extensionTests.setLogLevel', 'debug')).then(
    () => undefined,
    (error: unknown) => console.log(`could not raise the log level for the run: ${String(error)}`),
  );
  return debugLogging;
}

/**
 * Starts an emulator (fast jobs, small images) whose demo key is the run's canary key (see leakRegistry.ts),
 * points the extension at it and stores the canary. Everything the extension shows from now on is recorded
 * for the key-leak scan that ends the run.
 */
export async function setUpHarness(): Promise<Harness> {
  const core = (await activateForTests()).core();
  recordWhatTheExtensionShows(core);
  await logAtDebugLevel();
  // Median job 1 s (20 s × 0.05): long enough to cancel while it runs, short enough for a quick suite.
  const emulator = await startTrackedEmulator({ seed: 7, timeScale: 0.05, imageScale: 1 / 16 });
  assert.equal(emulator.demoKey, CANARY_KEY, 'the suite runs with the canary key');
  await apiframeConfig().update('baseUrl', emulator.url, vscode.ConfigurationTarget.Global);
  await core.services.apiKey.store(emulator.demoKey);
  const workspace = vscode.workspace.workspaceFolders?.[0];
  assert.ok(workspace, 'the integration workspace must have a folder');
  return { core, ui: suiteUi, emulator, workspace };
}

export async function tearDownHarness(harness: Harness | undefined): Promise<void> {
  if (!harness) return;
  const config = apiframeConfig();
  for (const key of ['baseUrl', 'afterCompletion']) await config.update(key, undefined, vscode.ConfigurationTarget.Global);
  await config.update('destination', undefined, vscode.ConfigurationTarget.Workspace);
  harness.ui.answer({});
  await harness.emulator.stop();
}

export function apiframeConfig(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('apiframe');
}

/**
 * A harness for a suite about the gallery: nothing happens after a job (the suite opens the gallery itself),
 * and no editor is left open — a gallery another suite left open still shows the manager it was opened with.
 */
export async function setUpGalleryHarness(): Promise<Harness> {
  const harness = await setUpHarness();
  await setAfterCompletion('nothing');
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  return harness;
}

/** Closes the editors the suite opened, then tears the harness down. */
export async function tearDownGalleryHarness(harness: Harness | undefined): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  await tearDownHarness(harness);
}

/**
 * Screenshots of the workbench with the gallery in the light and then the dark theme (`<prefix>-light`,
 * `<prefix>-dark`); the user's theme is put back afterwards. A no-op without a screenshot folder.
 */
export async function screenshotGalleryInThemes(prefix: string): Promise<void> {
  const workbench = vscode.workspace.getConfiguration('workbench');
  const previous = workbench.inspect<string>('colorTheme')?.globalValue;
  try {
    for (const [suffix, theme] of [['light', 'Default Light Modern'], ['dark', 'Default Dark Modern']] as const) {
      await workbench.update('colorTheme', theme, vscode.ConfigurationTarget.Global);
      // The webview gets the new theme's variables with the next paint.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await takeScreenshot(`${prefix}-${suffix}`, { webviewTitle: 'Apiframe Images' });
    }
  } finally {
    await workbench.update('colorTheme', previous, vscode.ConfigurationTarget.Global);
  }
}

export async function setAfterCompletion(value: 'openGallery' | 'saveAndInsert' | 'saveOnly' | 'nothing'): Promise<void> {
  await apiframeConfig().update('afterCompletion', value, vscode.ConfigurationTarget.Global);
}

/** Writes a file into the workspace, opens it and selects `selected` (every occurrence given, in order). */
export async function openWithSelection(
  workspace: vscode.WorkspaceFolder,
  relativePath: string,
  content: string,
  selected: readonly string[],
): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.joinPath(workspace.uri, relativePath);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(content, 'utf8'));
  const document = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.One, preview: false });
  editor.selections = selected.map((text) => {
    const start = content.indexOf(text);
    assert.ok(start >= 0, `"${text}" is not in ${relativePath}`);
    return new vscode.Selection(document.positionAt(start), document.positionAt(start + text.length));
  });
  return editor;
}

export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Records every progress stage shown while `run` runs. */
export async function withProgressReports<T>(core: TestCore, run: () => Thenable<T> | Promise<T>): Promise<{ result: T; reports: ProgressReport[] }> {
  const reports: ProgressReport[] = [];
  const subscription = core.services.progress.onDidReport((report) => reports.push(report));
  try {
    return { result: await run(), reports };
  } finally {
    subscription.dispose();
  }
}

/** The messages `ui` records from now on (error/info/warning texts with their action titles). */
export function messagesFrom(ui: ScriptedUi): { texts(): string[]; last(severity?: string): { text: string; actions: readonly string[] } | undefined } {
  const start = ui.messages.length;
  const seen = (): readonly { severity: string; text: string; actions: readonly string[] }[] => ui.messages.slice(start);
  return {
    texts: () => seen().map((m) => m.text),
    last: (severity) => [...seen()].reverse().find((m) => severity === undefined || m.severity === severity),
  };
}

/** Runs a generate command and returns its settled records. */
export async function runGenerate(command: string, ...args: unknown[]): Promise<JobRecord[]> {
  const records = await vscode.commands.executeCommand<JobRecord[] | undefined>(command, ...args);
  return records ?? [];
}

export async function waitForRecord(core: TestCore, localId: string, predicate: (record: JobRecord) => boolean, what: string): Promise<JobRecord> {
  const manager = await core.jobs();
  await waitFor(() => {
    const record = manager.get(localId);
    return record !== undefined && predicate(record);
  }, what, 30_000);
  const record = manager.get(localId);
  assert.ok(record);
  return record;
}

export function emulatorJob(emulator: Emulator, record: JobRecord): ReturnType<Emulator['jobs']>[number] {
  const job = emulator.jobs().find((j) => j.id === record.jobId);
  assert.ok(job, `the emulator has no job ${record.jobId}`);
  return job;
}
