// Commands called with arguments, inside VS Code: what menus pass is accepted, an argument a command cannot use
// stops it with a message naming the command and the argument (nothing journaled, nothing sent), and a record
// id that is no longer in the history is quietly ignored.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { messagesFrom, runGenerate, setAfterCompletion, setUpHarness, tearDownHarness, type Harness } from './coreFlowHelpers';

describe('command arguments', () => {
  let harness: Harness;
  before(async () => {
    harness = await setUpHarness();
    await setAfterCompletion('nothing');
  });
  after(async () => {
    await tearDownHarness(harness);
  });

  it('refuses a record command without a record id, saying which command and why, with Show Log', async () => {
    const messages = messagesFrom(harness.ui);
    const result = await vscode.commands.executeCommand<unknown>('apiframe.saveImage', 42);
    assert.equal(result, undefined);
    const error = messages.last('error');
    assert.equal(
      error?.text,
      'apiframe.saveImage was called with an argument it cannot use: the first argument must be the id of an image in the history.',
    );
    assert.deepEqual(error.actions, ['Show Log']);
  });

  it('refuses a generate option it does not know before anything is journaled or sent', async () => {
    const { core, emulator } = harness;
    const messages = messagesFrom(harness.ui);
    const historyBefore = (await core.jobs()).history().length;
    const postsBefore = emulator.log.where({ method: 'POST' }).length;
    const records = await runGenerate('apiframe.generateFromSelection', { prompt: 'A lamp in a window', aspectRatio: '4:3' });
    assert.deepEqual(records, []);
    assert.match(messages.last('error')?.text ?? '', /^apiframe\.generateFromSelection was called with an argument it cannot use: "aspectRatio" must be one of 1:1, 3:2, 2:3\.$/);
    assert.equal((await core.jobs()).history().length, historyBefore, 'nothing journaled');
    assert.equal(emulator.log.where({ method: 'POST' }).length, postsBefore, 'nothing sent');
  });

  it('refuses a prompt that is not text, and an argument of a kind no caller sends', async () => {
    const messages = messagesFrom(harness.ui);
    assert.deepEqual(await runGenerate('apiframe.generate', { prompt: 7 }), []);
    assert.match(messages.last('error')?.text ?? '', /"prompt" must be text\.$/);
    assert.deepEqual(await runGenerate('apiframe.generate', 'A prompt passed bare'), []);
    assert.match(messages.last('error')?.text ?? '', /argument 1 is neither an options object nor a file or folder\.$/);
  });

  it('quietly ignores a record id that is not in the history (a button clicked after the record was deleted)', async () => {
    const messages = messagesFrom(harness.ui);
    assert.equal(await vscode.commands.executeCommand<unknown>('apiframe.resumeJob', 'a-record-deleted-meanwhile'), undefined);
    assert.equal(await vscode.commands.executeCommand<unknown>('apiframe.insertImage', 'a-record-deleted-meanwhile'), undefined);
    assert.deepEqual(messages.texts(), []);
  });

  it('accepts what the explorer passes (the folder, then the selected resources) and asks for the rest', async () => {
    const { ui, workspace } = harness;
    const folder = vscode.Uri.joinPath(workspace.uri, 'assets', 'from-explorer');
    await vscode.workspace.fs.createDirectory(folder);
    ui.answer({ inputBox: ['A kite shaped like a fish'], quickPick: ['1:1', 'Vivid'] });
    try {
      const records = await runGenerate('apiframe.generateHere', folder, [folder]);
      assert.equal(records.length, 1);
      const [record] = records;
      assert.ok(record, 'one job record');
      assert.equal(record.phase, 'done', record.error);
      const entries = await vscode.workspace.fs.readDirectory(folder);
      assert.ok(entries.some(([name]) => /^a-kite-shaped-like-a-fish-[0-9a-f]{8}\.png$/.test(name)), JSON.stringify(entries));
    } finally {
      ui.answer({});
    }
  });
});
