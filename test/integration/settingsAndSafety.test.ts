// Settings and the promises around them, inside VS Code: the key follows SecretStorage changes from other
// windows, a workspace cannot redirect requests that carry the key, destinations cannot lead out of the
// workspace through a symbolic link, "from selection" can ask for options, and Delete asks first.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { PENDING_JOBS_STATE_KEY } from '../../src/commandIds';
import { apiframeConfig, messagesFrom, runGenerate, setAfterCompletion, setUpHarness, tearDownHarness, type Harness } from './coreFlowHelpers';
import { startTrackedEmulator, suiteKey } from './leakRegistry';
import { waitFor } from './waitFor';

describe('core flow: settings and safety', () => {
  let harness: Harness;
  before(async () => {
    harness = await setUpHarness();
    await setAfterCompletion('nothing');
  });
  after(async () => {
    await apiframeConfig().update('askForOptions', undefined, vscode.ConfigurationTarget.Global);
    await tearDownHarness(harness);
  });

  it('follows a key changed in another window (secrets.onDidChange)', async () => {
    const { core, emulator } = harness;
    assert.equal(await core.services.apiKey.get(), emulator.demoKey);
    const otherWindowKey = suiteKey('other_window', 'apiframe');
    await core.services.host.context.secrets.store('apiframe.apiKey', otherWindowKey);
    await waitFor(async () => (await core.services.apiKey.get()) === otherWindowKey, 'the new key to be used');
    await core.services.host.context.secrets.store('apiframe.apiKey', emulator.demoKey);
    await waitFor(async () => (await core.services.apiKey.get()) === emulator.demoKey, 'the demo key to be back');
  });

  it('ignores a base URL set by the workspace: requests with the key still go to the user’s server', async () => {
    const { workspace, emulator } = harness;
    const attacker = await startTrackedEmulator({ seed: 99, demoKey: suiteKey('attacker', 'base64url') });
    const settingsFile = vscode.Uri.joinPath(workspace.uri, '.vscode', 'settings.json');
    try {
      // `style` (a setting a workspace may set) shows when VS Code has read the file with the hostile base URL.
      const hostile = { 'apiframe.baseUrl': attacker.url, 'apiframe.style': 'natural' };
      await vscode.workspace.fs.writeFile(settingsFile, Buffer.from(JSON.stringify(hostile), 'utf8'));
      await waitFor(() => apiframeConfig().get('style') === 'natural', 'the workspace settings to be read');
      const records = await runGenerate('apiframe.generateFromSelection', { prompt: 'A compass on an old map' });
      assert.equal(records[0]?.phase, 'done');
      assert.equal(records[0].style, 'natural', 'the workspace file was in effect');
      assert.equal(attacker.log.entries.length, 0, 'the workspace’s server never heard from us');
      assert.ok(emulator.log.where({ method: 'POST', path: '/v2/images/generate' }).length > 0);
    } finally {
      await vscode.workspace.fs.delete(settingsFile);
      await waitFor(() => apiframeConfig().get('style') === 'vivid', 'the workspace settings to be gone');
      await attacker.stop();
    }
  });

  it('refuses a plain-http base URL that is not loopback, before anything is journaled', async () => {
    const { core, emulator, ui } = harness;
    await apiframeConfig().update('baseUrl', 'http://example.com', vscode.ConfigurationTarget.Global);
    try {
      const manager = await core.jobs();
      const historyBefore = manager.history().length;
      const messages = messagesFrom(ui);
      const records = await runGenerate('apiframe.generateFromSelection', { prompt: 'A kettle on a stove' });
      assert.deepEqual(records, []);
      const error = messages.last('error');
      assert.match(error?.text ?? '', /Check the setting apiframe\.baseUrl: .*only allowed for a local server/);
      assert.equal(manager.history().length, historyBefore);
    } finally {
      await apiframeConfig().update('baseUrl', emulator.url, vscode.ConfigurationTarget.Global);
    }
  });

  it('refuses a destination that leads outside the workspace through a symbolic link', async function () {
    const { ui, workspace } = harness;
    if (workspace.uri.scheme !== 'file') this.skip();
    const outside = mkdtempSync(path.join(os.tmpdir(), 'apiframe-outside-'));
    const link = path.join(workspace.uri.fsPath, 'linked-images');
    symlinkSync(outside, link, 'dir');
    await apiframeConfig().update('destination', 'linked-images', vscode.ConfigurationTarget.Workspace);
    try {
      const [record] = await runGenerate('apiframe.generateFromSelection', { prompt: 'A door into the garden' });
      assert.equal(record?.phase, 'done');
      const messages = messagesFrom(ui);
      const saved = await vscode.commands.executeCommand<vscode.Uri | undefined>('apiframe.saveImage', record.localId);
      assert.equal(saved, undefined);
      assert.match(messages.last('error')?.text ?? '', /leads outside the workspace folder through a symbolic link/);
      assert.deepEqual(readdirSync(outside), [], 'nothing was written outside');
    } finally {
      await apiframeConfig().update('destination', undefined, vscode.ConfigurationTarget.Workspace);
      rmSync(link, { force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('asks for aspect ratio and style from a selection when apiframe.askForOptions is on', async () => {
    const { ui } = harness;
    await apiframeConfig().update('askForOptions', true, vscode.ConfigurationTarget.Global);
    try {
      ui.answer({ quickPick: ['2:3', 'Vivid'] });
      const [record] = await runGenerate('apiframe.generateFromSelection', { prompt: 'A tall waterfall in a forest' });
      assert.equal(record?.aspectRatio, '2:3');
      assert.equal(record.style, 'vivid');
    } finally {
      ui.answer({});
      await apiframeConfig().update('askForOptions', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('keeps the start-up flag while a job is unfinished, so the next start resumes it', async () => {
    const { core, emulator } = harness;
    const state = core.services.host.context.globalState;
    emulator.faults.nextJob({ kind: 'stuck' });
    try {
      const running = runGenerate('apiframe.generateFromSelection', { prompt: 'A clock with no hands' });
      await waitFor(() => state.get(PENDING_JOBS_STATE_KEY) === true, 'the flag to be set while the job runs');
      core.services.progress.cancelAll();
      const [record] = await running;
      assert.equal(record?.phase, 'detached');
      await waitFor(() => state.get(PENDING_JOBS_STATE_KEY) === false, 'the flag to be cleared once nothing is left to resume');
    } finally {
      // The flag is set when the record is journaled, before the submit: a cancel that comes first leaves the
      // "stuck" outcome queued, and the next test's job would never finish.
      emulator.faults.clear();
    }
  });

  it('Delete in the gallery asks first, and only "Delete" deletes', async () => {
    const { core, ui } = harness;
    const [record] = await runGenerate('apiframe.generateFromSelection', { prompt: 'A snail on a leaf' });
    assert.equal(record?.phase, 'done');
    const manager = await core.jobs();
    const messages = messagesFrom(ui);
    ui.answer({ message: [undefined] });
    await core.galleryActions.delete(record.localId);
    assert.ok(manager.get(record.localId), 'dismissing the question keeps the record');
    assert.match(messages.last('warning')?.text ?? '', /Delete "A snail on a leaf" from the history\?/);
    ui.answer({ message: ['Delete'] });
    await core.galleryActions.delete(record.localId);
    assert.equal(manager.get(record.localId), undefined);
  });

  it('Copy Prompt puts the prompt on the clipboard', async () => {
    const { core } = harness;
    const [record] = await runGenerate('apiframe.generateFromSelection', { prompt: 'A teapot shaped like a whale' });
    assert.ok(record);
    await core.galleryActions.copyPrompt(record.localId);
    assert.equal(await vscode.env.clipboard.readText(), 'A teapot shaped like a whale');
  });
});
