// `npm run demo`: VS Code in the browser with the extension loaded, on a free loopback port, with a copy of
// test/fixtures/demo-workspace as the workspace. Prints the URL and runs until Ctrl-C, then cleans up.
//
//   node out/test/launchers/demo.js [--profile NAME] [--screenshots DIR [--exit-after-screenshot]] [--verbose]
//
// --profile NAME (or APIFRAME_EMULATOR_PROFILE) makes the emulator behave like another server the spec allows
// (spec-strict, no-progress, coarse-progress, cdn-403, result-shapes; see test/emulator/README.md).
// --screenshots DIR opens the URL in headless Chromium and does what the notes tell a user to do: runs
// `Apiframe: Show Log` (which proves the extension is loaded), sets the key through `Apiframe: Set API Key` →
// "Use the demo key", generates an image from a selected sentence and removes the background of assets/logo.png
// from the Explorer's context menu. It saves a picture of each step in DIR
// and fails unless the notifications show up as toasts, as a user sees them (the confirmation "API key
// saved." and the job's progress notification). With --exit-after-screenshot the demo then stops (a headless
// check).
//
// VS Code runs WITHOUT the smoke-test driver here (it would hide every toast): the extension is loaded as an
// installed extension linked to this working tree (see StartOptions.smokeTestDriver in vscodeServer.ts).
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
 * which Set API Key then offers as "Use the demo key" — only in a build from the source tree (see demoKeyFor
 * in src/apiKey.ts). Nothing stores it unasked, so Remove API Key really removes it.
 */
export async function prepareDemo(profile: EmulatorProfile = 'friendly'): Promise<DemoSetup> {
  const emulator = await startEmulator({ profile, timeScale: 0.25, imageScale: 1 / 2 });
  return {
    userSettings: { 'apiframe.baseUrl': emulator.url },
    env: { APIFRAME_DEMO_KEY: emulator.demoKey },
    notes: [
      `Apiframe emulator: ${emulator.url}, profile ${profile}`,
      'First step: run "Apiframe: Set API Key" from the Command Palette (F1) and choose "Use the demo key".',
      'Then select a sentence in README.md, index.html or src/Hero.jsx and run "Apiframe: Generate Image from Selection".',
      'The walkthrough: "Welcome: Open Walkthrough…" → "Get Started with Apiframe Images".',
    ],
    dispose: () => emulator.stop(),
  };
}

/** Runs a command by its palette label, clicking its own row (Enter could run another match mid-filter). */
async function runFromPalette(page: Page, label: string, timeoutMs = 30_000): Promise<void> {
  await page.keyboard.press('F1');
  const paletteInput = page.locator('.quick-input-widget input');
  await paletteInput.waitFor({ state: 'visible', timeout: 30_000 });
  await paletteInput.fill(`>${label}`);
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: label }).first();
  await row.waitFor({ timeout: timeoutMs });
  await row.click();
}

/** Runs `action`, then polls `done` for `waitMs`; runs `action` again when it is not, up to `attempts` times. */
async function runUntil(
  action: () => Promise<void>,
  done: () => Promise<boolean>,
  options: { readonly attempts: number; readonly waitMs: number; readonly what: string },
): Promise<void> {
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    await action();
    const deadline = Date.now() + options.waitMs;
    while (Date.now() < deadline) {
      if (await done()) return;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    console.log(`[demo] still waiting for ${options.what} (attempt ${attempt} of ${options.attempts})`);
  }
  throw new Error(`${options.what} did not happen after ${options.attempts} attempts`);
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

/**
 * Waits for a notification toast — the pop-up a user sees, not the list behind the bell — whose text matches
 * `text`, and returns its text. Fails when none shows within the time: toasts hidden by the workbench (the
 * smoke-test driver drops them) are the regression this catches.
 */
async function waitForToast(page: Page, text: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let seen: string[] = [];
  while (Date.now() < deadline) {
    // A string: the test project compiles without DOM typings.
    seen = await page.evaluate<string[]>(
      `Array.from(document.querySelectorAll('.notifications-toasts .notification-toast')).filter((toast) => toast.getBoundingClientRect().height > 0).map((toast) => (toast.querySelector('.notification-list-item-message') ?? toast).innerText ?? '')`,
    );
    const found = seen.find((toastText) => text.test(toastText));
    if (found !== undefined) return found;
    await page.waitForTimeout(100);
  }
  throw new Error(`no notification toast matching ${String(text)} within ${timeoutMs / 1000} s (toasts shown: ${JSON.stringify(seen)})`);
}

async function takeDemoScreenshot(tools: InstalledTools, server: VsCodeServer, url: string, file: string): Promise<void> {
  const driver = await openWorkbench(tools, server, url);
  try {
    const page = driver.page;
    await page.locator('.monaco-workbench .explorer-folders-view').getByText('README.md').waitFor({ timeout: 60_000 });
    await page.locator('.monaco-workbench .explorer-folders-view').getByText('README.md').click();
    await page.locator('.monaco-editor .view-lines').getByText('Lighthouse Coffee Roasters').waitFor({ timeout: 30_000 });
    // Running the extension's command from the palette shows it is loaded: its log channel opens in the Output
    // panel, whose picker names it. On a busy machine the extension host may still be starting and the first
    // click can get lost, so the command is run again until the panel shows (running it twice does no harm).
    await runUntil(
      () => runFromPalette(page, 'Apiframe: Show Log', 120_000),
      // A string: no DOM typings here. The picker is a native <select> in some builds, a drawn one in others.
      () => page.evaluate<boolean>(`(() => { const panel = document.querySelector('.part.panel'); return !!panel && panel.getBoundingClientRect().height > 0 && panel.innerText.includes('Apiframe Images'); })()`),
      { attempts: 4, waitMs: 30_000, what: 'the Output panel to show the Apiframe Images log' },
    );
    await driver.screenshotWorkbench(file);
    console.log(`[demo] saved ${file}`);

    // What the notes tell a user to do first: set the key through Set API Key → Use the demo key. The
    // confirmation must pop up as a toast.
    await runFromPalette(page, 'Apiframe: Set API Key');
    const demoKeyItem = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Use the demo key' }).first();
    await demoKeyItem.waitFor({ timeout: 30_000 });
    await demoKeyItem.click();
    const keyToast = await waitForToast(page, /API key saved/, 30_000);
    const keyFile = file.replace(/\.png$/, '-key-saved.png');
    await driver.screenshotWorkbench(keyFile);
    console.log(`[demo] toast: "${keyToast.trim()}"; saved ${keyFile}`);

    // Then select a sentence and generate: the job's progress notification pops up while the emulator works.
    await page.locator('.monaco-editor .view-lines').getByText('A watercolor lighthouse on a rocky coast').click();
    await page.keyboard.press('Home');
    await page.keyboard.press('Shift+End');
    await runFromPalette(page, 'Apiframe: Generate Image from Selection');
    const progressToast = await waitForToast(page, /watercolor lighthouse|Submitting|Queued|Generating|Downloading/i, 30_000);
    const progressFile = file.replace(/\.png$/, '-progress.png');
    await driver.screenshotWorkbench(progressFile);
    console.log(`[demo] toast: "${progressToast.trim()}"; saved ${progressFile}`);
    // The gallery opens when the job is done (apiframe.afterCompletion defaults to openGallery) and the
    // page reports its cards; a card image that has loaded is the end of the round trip.
    await page.locator('.tabs-container .tab').filter({ hasText: 'Apiframe Images' }).waitFor({ timeout: 90_000 });
    await waitForGalleryImage(page, 60_000);
    const galleryFile = file.replace(/\.png$/, '-gallery.png');
    await driver.screenshotWorkbench(galleryFile);
    console.log(`[demo] generated an image from a selection; saved ${galleryFile}`);

    // An image already in the project: Remove Background from the Explorer's context menu. The price of an image
    // action is unknown (the catalog lists image models only), so it asks first; the result lands beside the
    // original, and the message says so.
    const explorer = page.locator('.monaco-workbench .explorer-folders-view');
    await explorer.getByText('assets', { exact: true }).click();
    await explorer.getByText('logo.png', { exact: true }).click({ button: 'right' });
    // The menu takes an item on Enter once the pointer is over it (a synthetic click can land while it still opens).
    await page.locator('.context-view .action-label').filter({ hasText: 'Remove Background' }).first().hover();
    await page.keyboard.press('Enter');
    await page.locator('.monaco-dialog-box .monaco-button').filter({ hasText: 'Run' }).first().click({ timeout: 30_000 });
    const savedToast = await waitForToast(page, /logo-no-bg\.png/, 90_000);
    await explorer.getByText('logo-no-bg.png', { exact: true }).waitFor({ timeout: 30_000 });
    const actionFile = file.replace(/\.png$/, '-remove-background.png');
    await driver.screenshotWorkbench(actionFile);
    console.log(`[demo] toast: "${savedToast.trim()}"; saved ${actionFile}`);

    // The walkthrough, where the first two steps are now ticked off by what just happened.
    await runFromPalette(page, 'Welcome: Open Walkthrough');
    const walkthroughItem = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Get Started with Apiframe Images' }).first();
    await walkthroughItem.waitFor({ timeout: 30_000 });
    await walkthroughItem.click();
    await page.locator('.gettingStartedContainer').getByText('Set your API key').first().waitFor({ timeout: 30_000 });
    const walkthroughFile = file.replace(/\.png$/, '-walkthrough.png');
    await driver.screenshotWorkbench(walkthroughFile);
    console.log(`[demo] opened the walkthrough; saved ${walkthroughFile}`);
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
    // Reaches the extension host through code-server's environment (no payload: see StartOptions).
    env: setup.env,
    verbose: argv.includes('--verbose'),
  });
  const url = server.workbenchUrl();
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
