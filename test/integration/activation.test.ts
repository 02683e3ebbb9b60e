import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CODE_CACHE_FOLDER } from '../../src/startup/codeCache';
import { ourExtension } from './testApi';
import { readTestApi } from './testApiSlot';
import { waitFor } from './waitFor';

/** Set by the activation benchmark (test/bench/activationVscode.ts) to collect the figures of this run. */
const BENCH_FILE_ENV = 'APIFRAME_TEST_BENCH_FILE';

function coreBundleLoaded(): boolean {
  return path.join(ourExtension().extensionPath, 'dist', 'core.js') in require.cache;
}

// Runs first (index.ts pins it there): nothing has touched the extension yet in this window.
describe('activation', () => {
  it('registers everything without loading the core bundle, which loads on first use', async () => {
    assert.equal(coreBundleLoaded(), false, 'dist/core.js was loaded before the extension was even used');
    assert.equal(await ourExtension().activate(), undefined, 'activate() returns nothing');
    const api = readTestApi();
    assert.ok(api, 'activation in ExtensionMode.Test publishes the test API');

    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('apiframe.generateFromSelection'), 'commands are registered at activation');
    assert.equal(coreBundleLoaded(), false, 'activation loaded dist/core.js (undici, client, jobs) eagerly');
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs > 0, `activationMs=${api.activationMs}`);

    const coreStarted = performance.now();
    api.core();
    const coreLoadMs = performance.now() - coreStarted;
    assert.equal(coreBundleLoaded(), true, 'core() did not load dist/core.js');

    const benchFile = process.env[BENCH_FILE_ENV];
    if (benchFile) writeFileSync(benchFile, JSON.stringify({ activationMs: api.activationMs, coreLoadMs }));
  });

  it('leaves the code cache of the core in global storage a few seconds after the first use, for the next window', async () => {
    const api = readTestApi();
    assert.ok(api);
    const cacheFolder = path.join(api.core().services.host.context.globalStorageUri.fsPath, CODE_CACHE_FOLDER);
    let files: string[] = [];
    // Written 5 s after the core loaded (extension.ts), while the window is idle.
    await waitFor(() => {
      files = existsSync(cacheFolder) ? readdirSync(cacheFolder) : [];
      return files.length > 0;
    }, 'the code cache in global storage', 20_000);
    assert.equal(files.length, 1, `one cache file: ${files.join(', ')}`);
    const [file] = files;
    assert.match(file ?? '', /^core-\d+\.\d+\.\d+-\d+-\d+-v8-.+\.bin$/, 'named by the bundle, the version and V8');
    assert.ok(statSync(path.join(cacheFolder, file ?? '')).size > 10_000, 'the cache holds compiled code');
  });
});
