// `npm run demo`: VS Code in the browser with the extension loaded, on a free loopback port, with a copy of
// test/fixtures/demo-workspace as the workspace. Prints the URL and runs until Ctrl-C, then cleans up.
//
//   node out/test/launchers/demo.js [--screenshots DIR [--exit-after-screenshot]] [--verbose]
//
// --screenshots DIR opens the URL in headless Chromium, runs `Apiframe: Show Log` (which proves the extension
// is loaded) and saves DIR/demo.png; with --exit-after-screenshot the demo then stops (a headless check).
import * as path from 'node:path';
import { startEmulator } from '../emulator/index';
import {
  ensureInstalled,
  HarnessError,
  onCleanup,
  openWorkbench,
  optionValue,
  PROJECT_ROOT,
  runCleanup,
  startVsCodeServer,
  type VsCodeServer,
  type InstalledTools,
} from './vscodeServer';

/** What the demo adds around VS Code: services it starts first, settings and environment it hands over. */
export interface DemoSetup {
  /** Merged into the demo's User/settings.json (e.g. the emulator's base URL). */
  readonly userSettings: Readonly<Record<string, unknown>>;
  /** Handed to code-server and, through the payload, to the extension host. */
  readonly env: Readonly<Record<string, string>>;
  /** Lines printed under the URL (e.g. "Apiframe emulator: http://127.0.0.1:…"). */
  readonly notes: readonly string[];
  /** Stops what `prepareDemo` started; runs on Ctrl-C and on exit. */
  dispose(): Promise<void>;
}

/**
 * The services the demo needs before VS Code starts: the Apiframe emulator (jobs of a few seconds, so the
 * progress is visible), its URL as the user-scope base URL setting, and its demo key as `APIFRAME_DEMO_KEY`,
 * which the extension stores in SecretStorage on first use — only in development mode (see src/apiKey.ts).
 */
export async function prepareDemo(): Promise<DemoSetup> {
  const emulator = await startEmulator({ timeScale: 0.25, imageScale: 1 / 2 });
  return {
    userSettings: { 'apiframe.baseUrl': emulator.url },
    env: { APIFRAME_DEMO_KEY: emulator.demoKey },
    notes: [`Apiframe emulator: ${emulator.url} (demo key already set in the extension)`],
    dispose: () => emulator.stop(),
  };
}

async function takeDemoScreenshot(tools: InstalledTools, server: VsCodeServer, url: string, file: string): Promise<void> {
  const driver = await openWorkbench(tools, server, url);
  try {
    const page = driver.page;
    await page.locator('.monaco-workbench .explorer-folders-view').getByText('README.md').waitFor({ timeout: 60_000 });
    await page.locator('.monaco-workbench .explorer-folders-view').getByText('README.md').click();
    await page.locator('.monaco-editor .view-lines').getByText('Lighthouse Coffee Roasters').waitFor({ timeout: 30_000 });
    // Running the extension's command from the palette shows it is loaded: its log channel opens.
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill('>Apiframe: Show Log');
    await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Show Log' }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    // The Output panel's channel picker selects the extension's channel (a string: no DOM typings here).
    await page.waitForFunction(
      `Array.from(document.querySelectorAll('.part.panel select')).some((select) => select.value === 'Apiframe Images')`,
      undefined,
      { timeout: 30_000 },
    );
    await driver.screenshotWorkbench(file);
    console.log(`[demo] saved ${file}`);
  } catch (error) {
    // A picture of where it got stuck says more than the selector that timed out.
    const failedFile = file.replace(/\.png$/, '-failed.png');
    await driver.screenshotWorkbench(failedFile).catch(() => undefined);
    console.error(`[demo] the workbench at the failure: ${failedFile}`);
    throw error;
  } finally {
    await driver.close();
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const screenshotOption = optionValue(argv, '--screenshots') ?? process.env.APIFRAME_SCREENSHOTS;
  const tools = await ensureInstalled();
  const setup = await prepareDemo();
  onCleanup(() => undefined, () => setup.dispose());

  const server = await startVsCodeServer({
    tools,
    workspaceTemplate: path.join(PROJECT_ROOT, 'test', 'fixtures', 'demo-workspace'),
    extensionDevelopmentPath: PROJECT_ROOT,
    userSettings: setup.userSettings,
    env: setup.env,
    verbose: argv.includes('--verbose'),
  });
  const url = server.workbenchUrl({ extensionEnvironment: setup.env });
  console.log(
    [
      '',
      `VS Code ${tools.vscodeVersion} with Apiframe Images loaded from ${PROJECT_ROOT}:`,
      '',
      `  ${url}`,
      '',
      `Workspace (a temporary copy): ${server.workspace}`,
      ...setup.notes,
      'Open the URL in a browser on this machine. Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

  if (screenshotOption) {
    await takeDemoScreenshot(tools, server, url, path.join(path.resolve(screenshotOption), 'demo.png'));
    if (argv.includes('--exit-after-screenshot')) return 0;
  }
  // Runs until a signal: the handlers installed by onCleanup stop code-server and remove the temp folder.
  await new Promise<never>(() => setInterval(() => undefined, 1 << 30));
  return 0;
}

main()
  .catch((error: unknown) => {
    const message = error instanceof HarnessError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`[demo] ${message}`);
    return 1;
  })
  .then(async (code) => {
    await runCleanup();
    process.exit(code);
  });
