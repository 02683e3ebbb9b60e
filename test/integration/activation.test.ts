import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ourExtension } from './testApi';
import { readTestApi } from './testApiSlot';

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
});
