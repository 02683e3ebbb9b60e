// Issue 5 §3: the API key never leaks. Runs LAST (index.ts sorts the files; `zz-` comes after every other
// name), when the whole suite has run with the canary key (leakRegistry.ts): it reads everything the extension
// wrote or showed and looks for the canary and every other key the suite used, in several encodings.
// Prints `leak-scan: places=<n> hits=<h>`; any hit fails, naming the place and a masked form of the key.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Core } from '../../src/core';
import { CANARY_KEY, recordedTexts, suiteKeys, trackedEmulators } from './leakRegistry';
import { LeakScan, masked, needlesFor } from './leakScanner';
import { activateForTests, ourExtension } from './testApi';
import { waitFor } from './waitFor';

/** Every file under `dir` (recursively), or none when it does not exist. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(full));
    else if (entry.isFile()) found.push(full);
  }
  return found.sort();
}

function scanFiles(scan: LeakScan, label: string, root: string, files: readonly string[]): void {
  for (const file of files) scan.search(`${label} ${path.relative(root, file) || path.basename(file)}`, readFileSync(file));
}

/**
 * The folder holding this window's extension-host logs: `context.logUri` is `<exthost logs>/<extension id>`,
 * and the LogOutputChannel's file lies in or next to it, depending on the VS Code version.
 */
function extensionHostLogFolder(context: vscode.ExtensionContext): string {
  return path.dirname(context.logUri.fsPath);
}

/**
 * The log file of a LogOutputChannel is written asynchronously. A unique marker logged now is on disk once
 * everything logged before it is; wait for it, and return the files that hold it (the channel's own file).
 */
async function flushLogs(core: Core, folder: string): Promise<string[]> {
  const marker = `leak-scan flush marker ${randomBytes(8).toString('hex')}`;
  core.services.host.log.info(marker);
  let holding: string[] = [];
  await waitFor(
    () => {
      holding = filesUnder(folder).filter((file) => readFileSync(file, 'utf8').includes(marker));
      return holding.length > 0;
    },
    `the log marker to reach a file under ${folder}`,
  );
  return holding;
}

/** The user-data folder's `User` folder: global storage is `<user data>/User/globalStorage/<extension id>`. */
function userFolder(context: vscode.ExtensionContext): string {
  return path.dirname(path.dirname(context.globalStorageUri.fsPath));
}

/** The `apiframe.*` settings the extension contributes, from its own package.json. */
function contributedSettings(): string[] {
  const manifest = ourExtension().packageJSON as { contributes?: { configuration?: { properties?: Record<string, unknown> } } };
  return Object.keys(manifest.contributes?.configuration?.properties ?? {});
}

describe('key-leak scan (runs last)', () => {
  let core: Core;

  before(async () => {
    core = (await activateForTests()).core();
  });

  it('finds a key in every form it looks for, and nothing in a text without one', () => {
    // The scan itself must be able to fail: plant the canary in each encoding into synthetic places.
    const keys = suiteKeys().filter((key) => key.value === CANARY_KEY);
    const needles = needlesFor(keys);
    const plantings: Record<string, string | Buffer> = {
      plain: `Authorization failed for ${CANARY_KEY}.`,
      url: `?key=${encodeURIComponent(`${CANARY_KEY}&x`)}`,
      json: JSON.stringify({ message: `key "${CANARY_KEY}"` }),
      base64: Buffer.from(`x-api-key: ${CANARY_KEY}\n`).toString('base64'),
      base64url: Buffer.from(`ab${CANARY_KEY}`).toString('base64url'),
      utf16: Buffer.from(`"${CANARY_KEY}"`, 'utf16le'),
    };
    for (const [label, content] of Object.entries(plantings)) {
      const scan = new LeakScan(needles);
      scan.search(label, content);
      assert.ok(scan.hits.length > 0, `the ${label} form is found`);
    }
    const clean = new LeakScan(needles);
    clean.search('clean', `masked ${masked(CANARY_KEY)} and «redacted» ${CANARY_KEY.slice(0, 12)}`);
    assert.deepEqual(clean.hits, []);
  });

  it('finds no key in anything the extension wrote or showed during the run', async () => {
    const keys = suiteKeys();
    const scan = new LeakScan(needlesFor(keys));
    const { context } = core.services.host;
    const fullRun = !process.env.APIFRAME_TEST_GREP;

    // 1. Logs: the whole extension-host log folder (our LogOutputChannel's file, exthost.log, …), flushed.
    const logFolder = extensionHostLogFolder(context);
    const channelFiles = await flushLogs(core, logFolder);
    scanFiles(scan, 'log', logFolder, filesUnder(logFolder));
    // An Output-panel document of the channel, when one is open (Show Log opened it earlier).
    for (const document of vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'output')) {
      scan.search(`output document ${document.uri.path}`, document.getText());
    }

    // 2. State: every key and value of global and workspace state.
    for (const [label, memento] of [['globalState', context.globalState], ['workspaceState', context.workspaceState]] as const) {
      scan.search(`${label} keys`, JSON.stringify(memento.keys()));
      for (const key of memento.keys()) scan.search(`${label}[${key}]`, JSON.stringify(memento.get(key)) ?? 'undefined');
    }

    // 3. Settings: the user's settings.json (and the machine's, if any), the workspace's, every apiframe.* value.
    const user = userFolder(context);
    const userSettings = path.join(user, 'settings.json');
    assert.ok(existsSync(userSettings), `the user settings file is where it should be: ${userSettings}`);
    for (const file of [userSettings, path.join(path.dirname(user), 'Machine', 'settings.json')].filter((f) => existsSync(f))) {
      scan.search(`settings ${path.relative(path.dirname(user), file)}`, readFileSync(file));
    }
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const file = vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json');
      const bytes = await Promise.resolve(vscode.workspace.fs.readFile(file)).catch(() => undefined);
      if (bytes) scan.search(`settings ${folder.name}/.vscode/settings.json`, bytes);
    }
    const config = vscode.workspace.getConfiguration();
    for (const setting of contributedSettings()) scan.search(`setting ${setting}`, JSON.stringify(config.inspect(setting)) ?? '');

    // 4. The journal and the image cache (global storage), and workspace storage: every file, as bytes.
    const storageFiles = filesUnder(context.globalStorageUri.fsPath);
    if (fullRun) assert.ok(storageFiles.length > 0, 'the run left a journal and cached images in global storage');
    scanFiles(scan, 'global storage', context.globalStorageUri.fsPath, storageFiles);
    if (context.storageUri) scanFiles(scan, 'workspace storage', context.storageUri.fsPath, filesUnder(context.storageUri.fsPath));

    // 5. What the extension showed, recorded as it happened: notifications, progress, the gallery's HTML and messages.
    const recorded = recordedTexts();
    for (const [place, texts] of recorded) scan.search(place, texts.join('\n'));
    scan.search('messages still remembered by the core', JSON.stringify(core.services.ui.messages));
    scan.search('status bar', core.services.statusBar.shownText ?? '');
    if (fullRun) {
      for (const place of ['notification texts', 'progress notifications', 'gallery webview HTML', 'gallery webview messages']) {
        assert.ok(recorded.has(place), `the run recorded ${place} (the recording hook works)`);
      }
    }

    // 6. The emulators' request logs (they keep only a prefix of X-API-Key, never the header itself).
    trackedEmulators().forEach((emulator, index) => scan.search(`emulator #${index + 1} request log`, JSON.stringify(emulator.log.entries)));

    // 7. The core's plain-data state: the job history the gallery and the commands read.
    scan.search('job history', JSON.stringify((await core.jobs()).history()));

    console.log(`leak-scan: keys ${keys.map((key) => `${key.label} ${masked(key.value)}`).join(', ')}`);
    console.log(`leak-scan: searched ${scan.placesByKind()}; our log file ${channelFiles.map((f) => path.basename(f)).join(', ')} at level ${vscode.LogLevel[core.services.host.log.logLevel]}`);
    console.log(`leak-scan: places=${scan.placeCount} hits=${scan.hits.length}`);
    assert.deepEqual(
      scan.hits.map((hit) => `${hit.place}: ${hit.what}`),
      [],
      'an API key was found where it must never be',
    );
  });
});
