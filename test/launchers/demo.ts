// `npm run demo`: VS Code in the browser with the extension loaded, on a free loopback port, with a copy of
// test/fixtures/demo-workspace as the workspace. Prints the URL and runs until Ctrl-C, then cleans up.
//
//   node out/test/launchers/demo.js [--profile NAME] [--screenshots DIR [--exit-after-screenshot]] [--verbose]
//
// --profile NAME (or APIFRAME_EMULATOR_PROFILE) makes the emulator behave like another server the spec allows
// (spec-strict, no-progress, coarse-progress, cdn-403, result-shapes; see test/emulator/README.md).
// --screenshots DIR opens the URL in headless Chromium, runs `Apiframe: Show Log` (which proves the extension
// is loaded) and saves DIR/demo.png; with --exit-after-screenshot the demo then stops (a headless check).
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { EMULATOR_PROFILES, isEmulatorProfile, startEmulator, type EmulatorProfile } from '../emulator/index';
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
export async function prepareDemo(profile: EmulatorProfile = 'friendly'): Promise<DemoSetup> {
  const emulator = await startEmulator({ profile, timeScale: 0.25, imageScale: 1 / 2 });
  return {
    userSettings: { 'apiframe.baseUrl': emulator.url },
    env: { APIFRAME_DEMO_KEY: emulator.demoKey },
    notes: [`Apiframe emulator: ${emulator.url}, profile ${profile} (demo key already set in the extension)`],
    dispose: () => emulator.stop(),
  };
}

/** Runs a command by its palette label, clicking its own row (Enter could run another match mid-filter). */
async function runFromPalette(page: Page, label: string): Promise<void> {
  await page.keyboard.press('F1');
  const paletteInput = page.locator('.quick-input-widget input');
  await paletteInput.waitFor({ state: 'visible', timeout: 30_000 });
  await paletteInput.fill(`>${label}`);
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: label }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
}

/** Waits until a card image has loaded in a webview frame (the gallery page runs in nested iframes). */
async function waitForGalleryImage(page: Page, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const loaded = await frame
        .evaluate(`Array.from(document.querySelectorAll('.card img')).some((img) => img.complete && img.naturalWidth > 0)`)
        .catch(() => false);
      if (loaded === true) return;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no gallery image loaded within ${timeoutMs / 1000} s`);
}

async function takeDemoScreenshot(tools: InstalledTools, server: VsCodeServer, url: string, file: string): Promise<void> {
  const driver = await openWorkbench(tools, server, url);
  try {
    const page = driver.page;
    await page.locator('.monaco-workbench .explorer-folders-view').getByText('README.md').waitFor({ timeout: 60_000 });
    await page.locator('.monaco-workbench .explorer-folders-view').getByText('README.md').click();
    await page.locator('.monaco-editor .view-lines').getByText('Lighthouse Coffee Roasters').waitFor({ timeout: 30_000 });
    // Running the extension's command from the palette shows it is loaded: its log channel opens.
    await runFromPalette(page, 'Apiframe: Show Log');
    // The Output panel's channel picker selects the extension's channel (a string: no DOM typings here).
    await page.waitForFunction(
      `Array.from(document.querySelectorAll('.part.panel select')).some((select) => select.value === 'Apiframe Images')`,
      undefined,
      { timeout: 30_000 },
    );
    await driver.screenshotWorkbench(file);
    console.log(`[demo] saved ${file}`);

    // Then what a user does first: select a sentence and generate — no key to type, the emulator answers.
    await page.locator('.monaco-editor .view-lines').getByText('A watercolor lighthouse on a rocky coast').click();
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+End');
    await runFromPalette(page, 'Apiframe: Generate Image from Selection');
    // The gallery opens when the job is done (apiframe.afterCompletion defaults to openGallery) and the
    // page reports its cards; a card image that has loaded is the end of the round trip.
    await page.locator('.tabs-container .tab').filter({ hasText: 'Apiframe Images' }).waitFor({ timeout: 90_000 });
    await waitForGalleryImage(page, 60_000);
    const galleryFile = file.replace(/\.png$/, '-gallery.png');
    await driver.screenshotWorkbench(galleryFile);
    console.log(`[demo] generated an image from a selection; saved ${galleryFile}`);
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
  const profile = optionValue(process.argv, '--profile') ?? process.env.APIFRAME_EMULATOR_PROFILE ?? 'friendly';
  if (!isEmulatorProfile(profile)) throw new HarnessError(`--profile must be one of ${EMULATOR_PROFILES.join(', ')}; got ${profile}`);
  const setup = await prepareDemo(profile);
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

// The entry point: nothing awaits it. Its own failure is reported and turned into exit code 1 below; should the
// cleanup itself throw, Node reports the unhandled rejection and exits non-zero, which is what it should do.
void main()
  .catch((error: unknown) => {
    const message = error instanceof HarnessError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.error(`[demo] ${message}`);
    return 1;
  })
  .then(async (code) => {
    await runCleanup();
    process.exit(code);
  });
