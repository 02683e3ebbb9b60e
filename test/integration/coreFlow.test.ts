// The core flow inside VS Code against the emulator: API key, selection → job → progress → gallery →
// save → insert → one Undo; several selections; Generate Image… with its pickers; Generate Image Here….
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { readImageMetadata, stripImageMetadata } from '../../src/imageMetadata';
import {
  emulatorJob,
  exists,
  messagesFrom,
  openWithSelection,
  runGenerate,
  setAfterCompletion,
  setUpHarness,
  tearDownHarness,
  withProgressReports,
  type Harness,
} from './coreFlowHelpers';
import { suiteKey } from './leakRegistry';
import { waitFor } from './waitFor';

describe('core flow: API key', () => {
  let harness: Harness;
  before(async () => {
    harness = await setUpHarness();
  });
  after(async () => {
    await harness.core.services.apiKey.store(harness.emulator.demoKey);
  });

  it('refuses a wrong key with a clear message and stores nothing', async () => {
    const { core, ui } = harness;
    await core.services.apiKey.delete();
    const messages = messagesFrom(ui);
    const wrongKey = suiteKey('wrong', 'hex');
    const stored = await vscode.commands.executeCommand<boolean>('apiframe.setApiKey', { key: wrongKey });
    assert.equal(stored, false);
    assert.equal(await core.services.apiKey.get(), undefined, 'a rejected key must not be stored');
    const error = messages.last('error');
    assert.ok(error, 'an error message must be shown');
    assert.match(error.text, /not saved/);
    assert.match(error.text, /Invalid API key/, `the server’s own reason is shown: ${error.text}`);
    assert.ok(!error.text.includes(wrongKey), 'the key never appears in a message');
  });

  it('offers "Set API Key" when a command needs the key and none is set', async () => {
    const messages = messagesFrom(harness.ui);
    const records = await runGenerate('apiframe.generateFromSelection', { prompt: 'a kite over a beach' });
    assert.deepEqual(records, []);
    const error = messages.last('error');
    assert.ok(error);
    assert.match(error.text, /No Apiframe API key/);
    assert.ok(error.actions.includes('Set API Key'));
  });

  it('checks a key with GET /v2/me, shows team and credits, and stores it only in SecretStorage', async () => {
    const { core, emulator, ui } = harness;
    const messages = messagesFrom(ui);
    const before = emulator.log.where({ path: '/v2/me' }).length;
    const stored = await vscode.commands.executeCommand<boolean>('apiframe.setApiKey', { key: emulator.demoKey });
    assert.equal(stored, true, messages.texts().join(' / '));
    assert.equal(emulator.log.where({ path: '/v2/me' }).length, before + 1);
    assert.equal(await core.services.host.context.secrets.get('apiframe.apiKey'), emulator.demoKey);
    const info = messages.last('info');
    assert.ok(info);
    assert.match(info.text, /Team "[^"]+" has \d+ credits/);
    const settings = JSON.stringify(vscode.workspace.getConfiguration('apiframe'));
    assert.ok(!settings.includes(emulator.demoKey), 'the key is not in the settings');
    for (const key of core.services.host.context.globalState.keys()) {
      assert.ok(!JSON.stringify(core.services.host.context.globalState.get(key)).includes(emulator.demoKey), `globalState ${key}`);
    }
  });

  it('removes the key', async () => {
    const { core } = harness;
    assert.equal(await vscode.commands.executeCommand<boolean>('apiframe.removeApiKey'), true);
    assert.equal(await core.services.host.context.secrets.get('apiframe.apiKey'), undefined);
  });
});

describe('core flow: selection → job → gallery → save → insert → undo', () => {
  let harness: Harness;
  before(async () => {
    harness = await setUpHarness();
    await setAfterCompletion('openGallery');
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await tearDownHarness(harness);
  });

  const sentence = 'A lighthouse at dusk, watercolor.';
  const content = `# Notes\n\n${sentence}\n\nMore text.\n`;

  it('generates from a Markdown selection with progress, shows it in the gallery, saves it and inserts it in one undoable edit', async () => {
    const { core, emulator, workspace } = harness;
    const editor = await openWithSelection(workspace, 'notes.md', content, [sentence]);
    const selection = editor.selection;

    // Generate: stages in order, one job, the image cached.
    const { result: records, reports } = await withProgressReports(core, () => runGenerate('apiframe.generateFromSelection'));
    assert.equal(records.length, 1);
    const [record] = records;
    assert.ok(record, 'one job record');
    assert.equal(record.phase, 'done', record.error);
    assert.equal(record.prompt, sentence);
    const stages = reports.map((r) => r.stage);
    assert.equal(stages[0], 'submitting');
    assert.equal(stages.at(-1), 'done');
    assert.ok(stages.includes('downloading'), `stages: ${stages.join(' → ')}`);
    const order = ['submitting', 'queued', 'generating', 'downloading', 'done'];
    const positions = stages.map((s) => order.indexOf(s));
    assert.deepEqual([...positions].sort((a, b) => a - b), positions, `stages out of order: ${stages.join(' → ')}`);
    assert.equal(reports.at(-1)?.message, 'Done');

    // The gallery (opened by the default after-completion action) reports the card and its loaded image.
    const gallery = await core.services.showGallery({ preserveFocus: true });
    const report = await gallery.waitForReport((r) => r.localIds.includes(record.localId) && r.loadedImages.includes(record.localId), 30_000);
    assert.equal(report.failedImages.includes(record.localId), false);

    // Save: a file under images/ holding the server's image exactly, plus the request that made it (and nothing else).
    const job = emulatorJob(emulator, record);
    const saved = await vscode.commands.executeCommand<vscode.Uri>('apiframe.saveImage', record.localId);
    assert.ok(saved);
    assert.match(vscode.workspace.asRelativePath(saved), /^images\/a-lighthouse-at-dusk-watercolor-[0-9a-f]{8}\.png$/);
    const savedBytes = await vscode.workspace.fs.readFile(saved);
    assert.deepEqual(Buffer.from(stripImageMetadata(savedBytes)), job.imageBytes[0]);
    const inside = readImageMetadata(savedBytes);
    assert.ok(inside.kind === 'found', inside.kind);
    assert.deepEqual(
      { prompt: inside.metadata.prompt, model: inside.metadata.model, params: inside.metadata.params, jobId: inside.metadata.jobId },
      { prompt: sentence, model: 'dall-e-3', params: record.params, jobId: record.jobId },
    );

    // Insert: back in the editor with the same selection; the saved copy is linked (no second file) in a paragraph after the selection.
    const back = await vscode.window.showTextDocument(editor.document, { viewColumn: vscode.ViewColumn.One, selection });
    const inserted = await vscode.commands.executeCommand<vscode.Uri>('apiframe.insertImage', record.localId);
    assert.ok(inserted);
    assert.equal(inserted.toString(), saved.toString());
    const expected = `${sentence}\n\n![A lighthouse at dusk, watercolor.](${vscode.workspace.asRelativePath(saved)})\n\nMore text.`;
    assert.ok(back.document.getText().includes(expected), back.document.getText());
    assert.ok(back.selection.isEqual(selection), 'the selection stays as it was');

    // One Undo removes the link; the saved copy stays.
    await vscode.window.showTextDocument(back.document, { viewColumn: vscode.ViewColumn.One });
    await vscode.commands.executeCommand('undo');
    await waitFor(() => back.document.getText() === content, 'the link to be undone');
    assert.ok(await exists(saved));
  });

  it('starts one job per selection and, with saveAndInsert, links each image right after its own selection', async () => {
    const { workspace } = harness;
    await setAfterCompletion('saveAndInsert');
    try {
      const first = 'A red fox in fresh snow.';
      const second = 'A paper boat on a puddle.';
      const text = `${first}\n\nSome words between.\n\n${second}\n`;
      const editor = await openWithSelection(workspace, 'docs/two.md', text, [second, first]);
      const records = await runGenerate('apiframe.generateFromSelection');
      assert.equal(records.length, 2);
      assert.deepEqual(records.map((r) => r.prompt).sort(), [first, second].sort());
      const result = editor.document.getText();
      for (const record of records) {
        assert.equal(record.phase, 'done');
        const link = new RegExp(`${escape(record.prompt)}\\n\\n!\\[${escape(record.prompt)}\\]\\(\\.\\./images/[^)]+\\.png\\)`);
        assert.match(result, link, 'each link follows its own selection, relative to the document');
      }
    } finally {
      await setAfterCompletion('openGallery');
    }
  });

  it('Generate Image… asks for the prompt, the aspect ratio (with pixel sizes) and the style, and remembers them', async () => {
    const { core, ui } = harness;
    await setAfterCompletion('nothing');
    try {
      ui.answer({ inputBox: ['A tiny robot watering plants'], quickPick: ['3:2', 'Natural'] });
      const records = await runGenerate('apiframe.generate');
      assert.equal(records.length, 1);
      const [record] = records;
      assert.ok(record, 'one job record');
      assert.equal(record.aspectRatio, '3:2');
      assert.equal(record.style, 'natural');
      assert.equal(record.phase, 'done');
      const state = core.services.host.context.globalState;
      assert.equal(state.get('apiframe.lastAspectRatio'), '3:2');
      assert.equal(state.get('apiframe.lastStyle'), 'natural');
    } finally {
      ui.answer({});
      await setAfterCompletion('openGallery');
    }
  });

  it('Generate Image Here… saves the result into the chosen folder', async () => {
    const { workspace } = harness;
    const folder = vscode.Uri.joinPath(workspace.uri, 'assets', 'hero');
    await vscode.workspace.fs.createDirectory(folder);
    const records = await runGenerate('apiframe.generateHere', folder, { prompt: 'A cactus in a clay pot', aspectRatio: '1:1', style: 'vivid' });
    assert.equal(records.length, 1);
    assert.equal(records[0]?.phase, 'done');
    const entries = await vscode.workspace.fs.readDirectory(folder);
    assert.ok(entries.some(([name]) => /^a-cactus-in-a-clay-pot-[0-9a-f]{8}\.png$/.test(name)), JSON.stringify(entries));
  });
});

describe('core flow: insertions in HTML, CSS and TSX', () => {
  let harness: Harness;
  before(async () => {
    harness = await setUpHarness();
    await setAfterCompletion('saveAndInsert');
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await tearDownHarness(harness);
  });

  const cases = [
    {
      file: 'site/index.html',
      prompt: 'A mountain lake at sunrise',
      text: '<main>\n  <p>A mountain lake at sunrise</p>\n</main>\n',
      expected: /A mountain lake at sunrise<\/p>\n {2}<img src="\.\.\/images\/a-mountain-lake-at-sunrise-[0-9a-f]{8}\.png" alt="A mountain lake at sunrise">\n<\/main>/,
    },
    {
      file: 'styles/site.css',
      prompt: 'soft blue gradient clouds',
      text: '.hero {\n  /* soft blue gradient clouds */\n  background-image: none;\n}\n',
      expected: /\/\* soft blue gradient clouds url\("\.\.\/images\/soft-blue-gradient-clouds-[0-9a-f]{8}\.png"\) \*\//,
    },
    {
      file: 'src/Hero.tsx',
      prompt: 'An astronaut reading a book',
      text: 'export const Hero = () => (\n  <p>An astronaut reading a book</p>\n);\n',
      expected: /An astronaut reading a book<\/p>\n {2}<img src="\.\.\/images\/an-astronaut-reading-a-book-[0-9a-f]{8}\.png" alt="An astronaut reading a book" \/>\n\);/,
    },
  ];

  for (const { file, prompt, text, expected } of cases) {
    it(`inserts the ${file.split('.').pop()} reference after the selection, on a line of its own where the syntax allows`, async () => {
      const editor = await openWithSelection(harness.workspace, file, text, [prompt]);
      const records = await runGenerate('apiframe.generateFromSelection');
      assert.equal(records.length, 1);
      const [record] = records;
      assert.ok(record, 'one job record');
      assert.equal(record.phase, 'done', record.error);
      assert.match(editor.document.getText(), expected);
    });
  }
});

describe('core flow: saving safely', () => {
  let harness: Harness;
  let recordId: string;
  before(async () => {
    harness = await setUpHarness();
    await setAfterCompletion('nothing');
    const records = await runGenerate('apiframe.generateFromSelection', { prompt: 'A quiet harbor at night' });
    assert.equal(records[0]?.phase, 'done');
    recordId = records[0].localId;
  });
  after(async () => {
    await tearDownHarness(harness);
  });

  it('never overwrites: saving twice gives a numbered second file', async () => {
    const first = await vscode.commands.executeCommand<vscode.Uri>('apiframe.saveImage', recordId);
    const second = await vscode.commands.executeCommand<vscode.Uri>('apiframe.saveImage', recordId);
    assert.ok(first && second);
    assert.notEqual(first.toString(), second.toString());
    assert.match(second.path, /-2\.png$/);
    assert.deepEqual(readFileSync(first.fsPath), readFileSync(second.fsPath));
  });

  it('refuses a destination that is a file, with a clear message', async () => {
    const { ui, workspace } = harness;
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(workspace.uri, 'blocked'), Buffer.from('not a folder'));
    await vscode.workspace.getConfiguration('apiframe').update('destination', 'blocked', vscode.ConfigurationTarget.Workspace);
    try {
      const messages = messagesFrom(ui);
      const saved = await vscode.commands.executeCommand<vscode.Uri | undefined>('apiframe.saveImage', recordId);
      assert.equal(saved, undefined);
      assert.match(messages.last('error')?.text ?? '', /The destination blocked is a file, not a folder/);
    } finally {
      await vscode.workspace.getConfiguration('apiframe').update('destination', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('refuses a destination outside the workspace folder', async () => {
    const { ui } = harness;
    await vscode.workspace.getConfiguration('apiframe').update('destination', '../outside', vscode.ConfigurationTarget.Workspace);
    try {
      const messages = messagesFrom(ui);
      const saved = await vscode.commands.executeCommand<vscode.Uri | undefined>('apiframe.saveImage', recordId);
      assert.equal(saved, undefined);
      assert.match(messages.last('error')?.text ?? '', /leads outside the workspace folder/);
    } finally {
      await vscode.workspace.getConfiguration('apiframe').update('destination', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
