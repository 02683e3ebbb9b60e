// Save and Insert inside VS Code against the emulator: one file shared by Save and Insert, the reference after
// the sentence the image came from (followed through edits, in order, on a line of its own), saved copies
// that go missing, Copy Path / Open / Reveal on the saved copy, and Generate Image Here revealing its file.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { JobRecord } from '../../src/jobs/types';
import {
  exists,
  openWithSelection,
  runGenerate,
  setAfterCompletion,
  setUpHarness,
  tearDownHarness,
  waitForRecord,
  type Harness,
} from './coreFlowHelpers';
import { takeScreenshot } from './screenshots';
import { waitFor } from './waitFor';

describe('save and insert: one file, where the image belongs', () => {
  let harness: Harness;
  before(async () => {
    harness = await setUpHarness();
    await setAfterCompletion('nothing');
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await tearDownHarness(harness);
  });

  const images = (): vscode.Uri => vscode.Uri.joinPath(harness.workspace.uri, 'images');
  const imageCount = async (): Promise<number> => {
    try {
      return (await vscode.workspace.fs.readDirectory(images())).length;
    } catch {
      return 0;
    }
  };
  const relative = (uri: vscode.Uri): string => vscode.workspace.asRelativePath(uri, false);
  const actions = () => harness.core.galleryActions;

  /** Opens `file` with `text`, selects `sentence` (the last occurrence when `last`) and generates from it. */
  async function generateFrom(file: string, text: string, sentence: string, { last = false } = {}): Promise<{ editor: vscode.TextEditor; record: JobRecord }> {
    const editor = await openWithSelection(harness.workspace, file, text, [sentence]);
    if (last) {
      const start = text.lastIndexOf(sentence);
      editor.selection = new vscode.Selection(editor.document.positionAt(start), editor.document.positionAt(start + sentence.length));
    }
    const [record] = await runGenerate('apiframe.generateFromSelection');
    assert.ok(record, 'one job record');
    assert.equal(record.phase, 'done', record.error);
    return { editor, record };
  }

  async function undoIn(editor: vscode.TextEditor): Promise<void> {
    await vscode.window.showTextDocument(editor.document, { viewColumn: editor.viewColumn ?? vscode.ViewColumn.One });
    await vscode.commands.executeCommand('undo');
  }

  it('Save then Insert links the file already saved: no second file, and one Undo removes only the link', async () => {
    const sentence = 'A lantern on a snowy porch.';
    const text = `# Porch\n\n${sentence}\n\nThe end.\n`;
    const { editor, record } = await generateFrom('save-insert.md', text, sentence);
    const saved = (await actions().save(record.localId)) as vscode.Uri | undefined;
    assert.ok(saved && (await exists(saved)));
    const files = await imageCount();
    const remembered = await waitForRecord(harness.core, record.localId, (r) => (r.savedCopies?.length ?? 0) === 1, 'the copy to be remembered');
    assert.equal(remembered.savedCopies?.[0]?.uri, saved.toString());

    const linked = (await actions().insert(record.localId)) as vscode.Uri | undefined;
    assert.equal(linked?.toString(), saved.toString(), 'Insert links the saved copy');
    assert.equal(await imageCount(), files, 'no second file on disk');
    assert.equal(editor.document.getText(), `# Porch\n\n${sentence}\n\n![${sentence}](${relative(saved)})\n\nThe end.\n`);

    await undoIn(editor);
    await waitFor(() => editor.document.getText() === text, 'the link to be undone');
    assert.ok(await exists(saved), 'the saved copy stays');
    assert.equal((await harness.core.jobs()).get(record.localId)?.savedCopies?.[0]?.missing, undefined);
  });

  it('Insert without a saved copy saves and links in one edit: one Undo removes both, and the copy is then marked missing', async () => {
    const sentence = 'A kettle whistling on a stove.';
    const text = `${sentence}\n`;
    const { editor, record } = await generateFrom('insert-first.md', text, sentence);
    const files = await imageCount();
    const created = (await actions().insert(record.localId)) as vscode.Uri | undefined;
    assert.ok(created && (await exists(created)), 'a new file');
    assert.equal(await imageCount(), files + 1);
    assert.equal(editor.document.getText(), `${sentence}\n\n![${sentence}](${relative(created)})\n`);
    await waitForRecord(harness.core, record.localId, (r) => r.savedCopies?.[0]?.uri === created.toString(), 'the copy to be remembered');

    await undoIn(editor);
    await waitFor(() => editor.document.getText() === text, 'the link to be undone');
    await waitFor(async () => !(await exists(created)), 'the file to be removed by the same Undo');
    await waitForRecord(harness.core, record.localId, (r) => r.savedCopies?.[0]?.missing === true, 'the undone copy to be marked missing');
  });

  it('goes after the origin sentence, followed through edits made while the job ran, not at three selections elsewhere', async () => {
    await setAfterCompletion('saveAndInsert');
    try {
      const sentence = 'A kite above the dunes.';
      const text = `# One\n\n${sentence}\n\n# Two\n\nFirst. Second. Third.\n\n# Three\n\n${sentence}\n\nLast words.\n`;
      // The SECOND occurrence is the origin; text typed at the top meanwhile would mislead a search near the stored offsets.
      const editor = await openWithSelection(harness.workspace, 'origin.md', text, [sentence]);
      const originStart = text.lastIndexOf(sentence);
      editor.selection = new vscode.Selection(editor.document.positionAt(originStart), editor.document.positionAt(originStart + sentence.length));
      const running = runGenerate('apiframe.generateFromSelection');
      const manager = await harness.core.jobs();
      await waitFor(() => manager.history().some((r) => r.prompt === sentence && r.origin?.selection?.start === originStart), 'the job to start');
      const typed = 'Notes typed at the top while the image was being generated, long enough to mislead.\n\n';
      assert.ok(await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), typed)));
      const selections = ['First.', 'Second.', 'Third.'].map((word) => {
        const at = editor.document.getText().indexOf(word);
        return new vscode.Selection(editor.document.positionAt(at), editor.document.positionAt(at + word.length));
      });
      editor.selections = selections;
      const [record] = await running;
      assert.equal(record?.phase, 'done', record?.error);
      const saved = record && (await harness.core.jobs()).get(record.localId)?.savedCopies?.[0];
      assert.ok(saved, 'saved and remembered');
      const link = `![${sentence}](${relative(vscode.Uri.parse(saved.uri))})`;
      const expected = `${typed}# One\n\n${sentence}\n\n# Two\n\nFirst. Second. Third.\n\n# Three\n\n${sentence}\n\n${link}\n\nLast words.\n`;
      assert.equal(editor.document.getText(), expected);
      assert.deepEqual(editor.selections.map((s) => editor.document.getText(s)), ['First.', 'Second.', 'Third.'], 'the selections stay');
    } finally {
      await setAfterCompletion('nothing');
    }
  });

  it('two jobs from the same sentence keep their order when inserted one after the other', async () => {
    const sentence = 'A paper crane on a desk.';
    const text = `${sentence}\n\nAfter.\n`;
    const { editor, record: first } = await generateFrom('order.md', text, sentence);
    await vscode.window.showTextDocument(editor.document, { viewColumn: vscode.ViewColumn.One, selection: editor.selection });
    const [second] = await runGenerate('apiframe.generateFromSelection');
    assert.ok(second && second.localId !== first.localId);
    // Somewhere else when the user asks: the links still go after the sentence.
    editor.selection = new vscode.Selection(editor.document.positionAt(text.length), editor.document.positionAt(text.length));
    const firstFile = (await actions().insert(first.localId)) as vscode.Uri;
    const secondFile = (await actions().insert(second.localId)) as vscode.Uri;
    assert.notEqual(firstFile.toString(), secondFile.toString());
    const expected = `${sentence}\n\n![${sentence}](${relative(firstFile)})\n\n![${sentence}](${relative(secondFile)})\n\nAfter.\n`;
    assert.equal(editor.document.getText(), expected);
  });

  describe('a line of its own, by syntax', () => {
    before(async () => {
      await setAfterCompletion('saveAndInsert');
    });
    after(async () => {
      await setAfterCompletion('nothing');
    });

    const cases = [
      {
        file: 'own-line/notes.md',
        prompt: 'A heron in the reeds',
        text: 'Intro.\n\nA heron in the reeds, said the note,\nwrapped on a second line.\n\nEnd.\n',
        expected: (path: string) => `Intro.\n\nA heron in the reeds, said the note,\nwrapped on a second line.\n\n![A heron in the reeds](${path})\n\nEnd.\n`,
      },
      {
        file: 'own-line/page.html',
        prompt: 'A heron at dawn',
        text: '<body>\n    <p>A heron at dawn, standing in a long line of text that goes far to the right of the screen.</p>\n</body>\n',
        expected: (path: string) =>
          `<body>\n    <p>A heron at dawn, standing in a long line of text that goes far to the right of the screen.</p>\n    <img src="${path}" alt="A heron at dawn">\n</body>\n`,
      },
      {
        file: 'own-line/Card.jsx',
        prompt: 'A heron taking off',
        text: 'export const Card = () => (\n  <div>\n    <p>A heron taking off</p>\n  </div>\n);\n',
        expected: (path: string) => `export const Card = () => (\n  <div>\n    <p>A heron taking off</p>\n    <img src="${path}" alt="A heron taking off" />\n  </div>\n);\n`,
      },
    ];

    for (const { file, prompt, text, expected } of cases) {
      it(`in ${file.split('.').pop()}`, async () => {
        const editor = await openWithSelection(harness.workspace, file, text, [prompt]);
        const [record] = await runGenerate('apiframe.generateFromSelection');
        assert.equal(record?.phase, 'done', record?.error);
        const copy = (await harness.core.jobs()).get(record.localId)?.savedCopies?.[0];
        assert.ok(copy);
        const path = `../images/${vscode.Uri.parse(copy.uri).path.split('/').pop() ?? ''}`;
        assert.equal(editor.document.getText(), expected(path));
        // A look at the result when the run takes screenshots (`--screenshots DIR`); nothing otherwise.
        if (file.endsWith('.md')) await takeScreenshot('save-insert-markdown');
      });
    }
  });

  it('a saved copy deleted outside VS Code is never linked: Insert saves the image again', async () => {
    const sentence = 'A lighthouse keeper’s cat.';
    const text = `${sentence}\n`;
    const { editor, record } = await generateFrom('missing.md', text, sentence);
    const saved = (await actions().save(record.localId)) as vscode.Uri;
    await waitForRecord(harness.core, record.localId, (r) => r.savedCopies?.length === 1, 'the copy to be remembered');
    await vscode.workspace.fs.delete(saved);
    // The watcher usually reports the deletion within a moment, but file events may come late or be dropped on
    // a loaded machine; Insert checks the copy itself before linking it, so it must save the image again (under
    // the name that is free again) rather than link a file that is gone.
    await waitFor(() => (harness.core.jobs().then((m) => m.get(record.localId)?.savedCopies?.[0]?.missing === true)), 'the watcher', 5_000).catch(() => undefined);

    const inserted = (await actions().insert(record.localId)) as vscode.Uri;
    assert.ok(await exists(inserted), 'a new file is saved');
    assert.equal(editor.document.getText(), `${sentence}\n\n![${sentence}](${relative(inserted)})\n`);
    const copies = (await harness.core.jobs()).get(record.localId)?.savedCopies ?? [];
    assert.deepEqual(copies.at(-1), { ...copies.at(-1), uri: inserted.toString() });
    assert.equal(copies.at(-1)?.missing, undefined, 'the new copy is not missing');
  });

  it('Copy Path copies the saved copy’s workspace-relative path (following a rename) and confirms in the status bar; offers to save first', async () => {
    const { ui, core } = harness;
    const { record } = await generateFrom('copy-path.md', 'A fern in a jar.\n', 'A fern in a jar.');

    // Not saved yet: the user is offered to save first.
    ui.answer({ message: ['Save and Copy Path'] });
    const copied = (await actions().copyPath(record.localId)) as string;
    ui.answer({});
    const saved = (await core.jobs()).get(record.localId)?.savedCopies?.[0];
    assert.ok(saved);
    assert.equal(copied, relative(vscode.Uri.parse(saved.uri)));
    assert.match(copied, /^images\/a-fern-in-a-jar-[0-9a-f]{8}\.png$/);
    assert.equal(await vscode.env.clipboard.readText(), copied);
    assert.equal(ui.statusMessages.at(-1), `$(check) Copied ${copied}`);

    // Renamed in VS Code: the record follows the new name, and Copy Path gives it.
    const renamed = vscode.Uri.joinPath(harness.workspace.uri, 'images', 'fern-renamed.png');
    const edit = new vscode.WorkspaceEdit();
    edit.renameFile(vscode.Uri.parse(saved.uri), renamed);
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitForRecord(core, record.localId, (r) => r.savedCopies?.at(-1)?.uri === renamed.toString(), 'the copy to follow its new name');
    assert.equal(await actions().copyPath(record.localId), 'images/fern-renamed.png');
    assert.equal(await vscode.env.clipboard.readText(), 'images/fern-renamed.png');

    await actions().copyPrompt(record.localId);
    assert.equal(await vscode.env.clipboard.readText(), 'A fern in a jar.');
    assert.equal(ui.statusMessages.at(-1), '$(check) Copied the prompt');
  });

  it('Open shows the saved copy in the editor group next to the gallery, without adding a group', async () => {
    const { core } = harness;
    const { record } = await generateFrom('open.md', 'A teapot on a shelf.\n', 'A teapot on a shelf.');
    const saved = (await actions().save(record.localId)) as vscode.Uri;
    await core.services.showGallery({ viewColumn: vscode.ViewColumn.Beside, preserveFocus: false });
    const galleryShown = (): boolean => vscode.window.tabGroups.all.some((group) => group.tabs.some((tab) => tab.input instanceof vscode.TabInputWebview));
    await waitFor(galleryShown, 'the gallery beside the editor');
    const groups = vscode.window.tabGroups.all.length;

    const opened = (await actions().open(record.localId)) as vscode.Uri;
    assert.equal(opened.toString(), saved.toString(), 'the saved file, not the cache');
    const showsSaved = (group: vscode.TabGroup): boolean =>
      group.tabs.some((tab) => tab.input instanceof vscode.TabInputCustom && tab.input.uri.toString() === saved.toString());
    await waitFor(() => vscode.window.tabGroups.all.some(showsSaved), 'the image to open');
    assert.equal(vscode.window.tabGroups.all.length, groups, 'no new editor group');
    const galleryGroup = vscode.window.tabGroups.all.find((group) => group.tabs.some((tab) => tab.input instanceof vscode.TabInputWebview));
    assert.ok(galleryGroup && !showsSaved(galleryGroup), 'not over the gallery');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Reveal in Explorer reveals the saved copy; Generate Image Here reveals its new file', async () => {
    const { ui } = harness;
    const { record } = await generateFrom('reveal.md', 'A compass on a map.\n', 'A compass on a map.');
    const saved = (await actions().save(record.localId)) as vscode.Uri;
    await actions().revealSaved(record.localId);
    assert.equal(ui.revealed.at(-1)?.toString(), saved.toString());

    const folder = vscode.Uri.joinPath(harness.workspace.uri, 'assets', 'revealed');
    await vscode.workspace.fs.createDirectory(folder);
    const [here] = await runGenerate('apiframe.generateHere', folder, { prompt: 'A bonsai on a windowsill', aspectRatio: '1:1', style: 'vivid' });
    assert.equal(here?.phase, 'done', here?.error);
    const file = (await harness.core.jobs()).get(here.localId)?.savedCopies?.[0];
    assert.ok(file, 'saved into the folder and remembered');
    assert.ok(file.uri.startsWith(`${folder.toString()}/`));
    assert.equal(ui.revealed.at(-1)?.toString(), file.uri, 'the new file is revealed in the Explorer');
  });
});
