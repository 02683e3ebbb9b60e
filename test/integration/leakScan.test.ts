// The API key never leaks. Runs LAST (index.ts pins it there, whatever the order of the other files), when the
// whole suite has run with the canary key (leakRegistry.ts, a key that does not look like an Apiframe key):
// it reads everything the extension wrote or showed and looks for the canary and every other key the suite
// used, in several encodings. Before that it plants the canary in places it reads and must find it there, so a
// broken scan cannot report a clean run. Prints `leak-scan: places=<n> hits=<h>`; any hit fails, naming the
// place and a masked form of the key.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { redactSecrets } from '../../src/apiframe/redact';
import type { TestCore } from '../../src/container/testHooks';
import { CANARY_KEY, recordedTexts, suiteKeys, trackedEmulators } from './leakRegistry';
import { filesUnder, LeakScan, masked, needlesFor } from './leakScanner';
import { activateForTests, ourExtension, suiteUi } from './testApi';
import { waitFor } from './waitFor';

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
async function flushLogs(core: TestCore, folder: string): Promise<string[]> {
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

/** The canary, written where the scan must look: a file in global storage and a workspace-state entry. */
interface Plant {
  /** The scan's names of the planted places. */
  readonly places: readonly string[];
  remove(): Promise<void>;
}

async function plantCanary(context: vscode.ExtensionContext): Promise<Plant> {
  const marker = randomBytes(6).toString('hex');
  const folder = path.join(context.globalStorageUri.fsPath, `leak-scan-plant-${marker}`);
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, 'planted.json'), JSON.stringify({ apiKey: CANARY_KEY }));
  // In state the canary sits base64-encoded inside JSON: the scan must see through that too.
  const stateKey = `leakScan.plant.${marker}`;
  await context.workspaceState.update(stateKey, { note: 'leak-scan self-test', encoded: Buffer.from(`key=${CANARY_KEY}`).toString('base64') });
  return {
    places: [`global storage ${path.join(`leak-scan-plant-${marker}`, 'planted.json')}`, `workspaceState[${stateKey}]`],
    remove: async () => {
      rmSync(folder, { recursive: true, force: true });
      await context.workspaceState.update(stateKey, undefined);
      assert.ok(!existsSync(folder) && !context.workspaceState.keys().includes(stateKey), 'the planted canary is gone');
    },
  };
}

/** The requests the emulators received with `key` (they log a prefix of X-API-Key, at least 8 characters of it). */
function requestsWithKey(key: string): { method: string; path: string; status: number }[] {
  return trackedEmulators()
    .flatMap((emulator) => emulator.log.entries)
    .filter((entry) => entry.keyPrefix !== undefined && entry.keyPrefix.length >= 8 && key.startsWith(entry.keyPrefix));
}

describe('key-leak scan (runs last)', () => {
  let core: TestCore;

  before(async () => {
    core = (await activateForTests()).core();
  });

  /** Searches every place the extension may have written or shown a key; returns the files of our log channel. */
  async function scanEverything(scan: LeakScan, fullRun: boolean): Promise<string[]> {
    const { context } = core.services.host;

    // 1. Logs: the whole extension-host log folder (our LogOutputChannel's file, exthost.log, …), flushed.
    const logFolder = extensionHostLogFolder(context);
    const channelFiles = await flushLogs(core, logFolder);
    scan.searchFolder('log', logFolder);
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
    if (fullRun) assert.ok(filesUnder(context.globalStorageUri.fsPath).length > 0, 'the run left a journal and cached images in global storage');
    scan.searchFolder('global storage', context.globalStorageUri.fsPath);
    if (context.storageUri) scan.searchFolder('workspace storage', context.storageUri.fsPath);

    // 5. What the extension showed, recorded as it happened: notifications, progress, the gallery's HTML and messages.
    const recorded = recordedTexts();
    for (const [place, texts] of recorded) scan.search(place, texts.join('\n'));
    scan.search('messages still remembered by the suite’s stand-in UI', JSON.stringify(suiteUi.messages));
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
    return channelFiles;
  }

  it('finds a canary planted where it looks, then no key in anything the extension wrote or showed', async () => {
    const keys = suiteKeys();
    const { context } = core.services.host;
    const fullRun = !process.env.APIFRAME_TEST_GREP;

    // The canary only proves something if nothing but the extension's own redaction of the real key hides it.
    assert.equal(redactSecrets(`key ${CANARY_KEY}`), `key ${CANARY_KEY}`, 'the canary looks like an Apiframe key: the redactor would mask it unasked');
    if (fullRun) {
      // …and if it went through the real flows: generation, job polls, Set API Key's check, and refused keys.
      const canaryRequests = requestsWithKey(CANARY_KEY).map((entry) => `${entry.method} ${entry.path.replace(/^\/v2\/jobs\/.+$/, '/v2/jobs/<id>')}`);
      for (const request of ['POST /v2/images/generate', 'GET /v2/jobs/<id>', 'GET /v2/me']) {
        assert.ok(canaryRequests.includes(request), `the run sent the canary with ${request}`);
      }
      const refusedOtherKeys = keys.filter(
        (key) => key.value !== CANARY_KEY && key.shape !== 'apiframe' && requestsWithKey(key.value).some((entry) => entry.status === 401 || entry.status === 403),
      );
      assert.ok(refusedOtherKeys.length > 0, 'the error flows ran with a refused key that does not look like an Apiframe key');
    }

    // Self-test: plant the canary where the scan looks; the scan must find it in each place.
    const plant = await plantCanary(context);
    try {
      const probe = new LeakScan(needlesFor(keys));
      await scanEverything(probe, false);
      const hitPlaces = new Set(probe.hits.map((hit) => hit.place));
      const missed = plant.places.filter((place) => !hitPlaces.has(place));
      assert.deepEqual(missed, [], 'the scan missed the canary planted there: it cannot be trusted to report a clean run');
    } finally {
      await plant.remove();
    }
    console.log(`leak-scan: self-test found the canary planted in ${plant.places.length} places (${plant.places.join('; ')}), then removed it`);

    const scan = new LeakScan(needlesFor(keys));
    const channelFiles = await scanEverything(scan, fullRun);
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
