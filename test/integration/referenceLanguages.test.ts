// References by language inside VS Code against the emulator: MDX and LaTeX documents (a destination LaTeX
// cannot carry is refused with nothing written), a site path in HTML (apiframe.sitePaths), a link template
// in TSX (apiframe.linkTemplates) and a file name asked for before saving (apiframe.askForFileName).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { JobRecord } from '../../src/jobs/types';
import { apiframeConfig, exists, messagesFrom, openWithSelection, runGenerate, setAfterCompletion, setUpHarness, tearDownHarness, type Harness } from './coreFlowHelpers';
import { waitFor } from './waitFor';

describe('references by language: MDX, LaTeX, site paths, templates, chosen names', () => {
  let harness: Harness;
  before(async () => {
    harness = await setUpHarness();
    await setAfterCompletion('nothing');
  });
  after(async () => {
    const config = apiframeConfig();
    for (const key of ['sitePaths', 'linkTemplates', 'askForFileName', 'destination']) await config.update(key, undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await tearDownHarness(harness);
  });

  const actions = () => harness.core.galleryActions;
  const folder = (relative: string): vscode.Uri => vscode.Uri.joinPath(harness.workspace.uri, ...relative.split('/'));
  const filesIn = async (relative: string): Promise<string[]> => {
    try {
      return (await vscode.workspace.fs.readDirectory(folder(relative))).map(([name]) => name).sort();
    } catch {
      return [];
    }
  };

  /** Opens `file` with `text` (VS Code must see it as `languageId`), selects `sentence` and generates from it. */
  async function generateFrom(file: string, text: string, sentence: string, languageId: string): Promise<{ editor: vscode.TextEditor; record: JobRecord }> {
    const editor = await openWithSelection(harness.workspace, file, text, [sentence]);
    assert.equal(editor.document.languageId, languageId);
    const [record] = await runGenerate('apiframe.generateFromSelection');
    assert.ok(record, 'one job record');
    assert.equal(record.phase, 'done', record.error);
    return { editor, record };
  }

  async function setWorkspace(key: string, value: unknown): Promise<void> {
    await apiframeConfig().update(key, value, vscode.ConfigurationTarget.Workspace);
  }

  it('inserts into an .mdx document with MDX-safe alt text', async () => {
    await setWorkspace('destination', 'images');
    const sentence = 'A {curly} fox <under> the *moon*.';
    const text = `# Night\n\n${sentence}\n\nThe end.\n`;
    const { editor, record } = await generateFrom('langs/post.mdx', text, sentence, 'mdx');
    const file = (await actions().insert(record.localId)) as vscode.Uri | undefined;
    assert.ok(file && (await exists(file)), 'the image is saved');
    const name = file.path.split('/').pop() ?? '';
    const reference = `![A \\{curly\\} fox \\<under\\> the \\*moon\\*.](../images/${name})`;
    assert.equal(editor.document.getText(), `# Night\n\n${sentence}\n\n${reference}\n\nThe end.\n`);
  });

  it('a .tex document: a destination LaTeX cannot carry is refused with a clear message and nothing written; a plain one works', async () => {
    const sentence = 'A compass rose on old paper.';
    const text = `\\section{Maps}\n${sentence}\n`;
    const { editor, record } = await generateFrom('langs/paper.tex', text, sentence, 'latex');

    await setWorkspace('destination', 'R&D figures');
    const messages = messagesFrom(harness.ui);
    const refused = await actions().insert(record.localId);
    assert.equal(refused, undefined, 'nothing saved');
    await waitFor(() => messages.texts().some((t) => t.includes('LaTeX')), 'the refusal to be shown');
    const shown = messages.texts().find((t) => t.includes('LaTeX')) ?? '';
    assert.match(shown, /^Cannot save the image: /);
    assert.match(shown, /"R&D figures"/, 'names the folder');
    assert.match(shown, /apiframe\.destination/, 'names the setting');
    assert.deepEqual(await filesIn('R&D figures'), [], 'no file written');
    assert.equal(editor.document.getText(), text, 'the document is unchanged');

    await setWorkspace('destination', 'figures');
    const file = (await actions().insert(record.localId)) as vscode.Uri | undefined;
    assert.ok(file && (await exists(file)));
    const name = file.path.split('/').pop() ?? '';
    assert.deepEqual(await filesIn('figures'), [name]);
    assert.equal(editor.document.getText(), `\\section{Maps}\n${sentence} \\includegraphics{../figures/${name}}\n`);
  });

  it('an .html document links an image saved in a served folder by its site path', async () => {
    await setWorkspace('destination', 'public/img');
    await setWorkspace('sitePaths', { public: '/', static: '/static' });
    const sentence = 'A lighthouse & its "keeper"';
    const text = `<main>\n  <p>${sentence}</p>\n</main>\n`;
    const { editor, record } = await generateFrom('site/src/pages/index.html', text, sentence, 'html');
    const file = (await actions().insert(record.localId)) as vscode.Uri | undefined;
    assert.ok(file && (await exists(file)));
    assert.equal(vscode.workspace.asRelativePath(file, false).split('/').slice(0, 2).join('/'), 'public/img');
    const name = file.path.split('/').pop() ?? '';
    const image = `<img src="/img/${name}" alt="A lighthouse &amp; its &quot;keeper&quot;">`;
    assert.equal(editor.document.getText(), `<main>\n  <p>${sentence}</p>\n  ${image}\n</main>\n`);
  });

  it('a .tsx document gets the link template, with the site path, escaped alt text and the image size', async () => {
    await setWorkspace('destination', 'public/img');
    await setWorkspace('sitePaths', { public: '/' });
    await setWorkspace('linkTemplates', { typescriptreact: '<Image src="${path}" alt="${alt}" width={${width}} height={${height}} />' });
    const sentence = "A {brace} and a 'quote'";
    const text = `export const Hero = () => (\n  <section>\n    <h1>${sentence}</h1>\n  </section>\n);\n`;
    const { editor, record } = await generateFrom('site/src/Hero.tsx', text, sentence, 'typescriptreact');
    const file = (await actions().insert(record.localId)) as vscode.Uri | undefined;
    assert.ok(file && (await exists(file)));
    const name = file.path.split('/').pop() ?? '';
    const size = (await harness.core.jobs()).get(record.localId)?.files?.[0];
    assert.ok(size?.width && size.height, 'the cache knows the size');
    const image = `<Image src="/img/${name}" alt="A &#123;brace&#125; and a &#39;quote&#39;" width={${size.width}} height={${size.height}} />`;
    assert.equal(editor.document.getText(), `export const Hero = () => (\n  <section>\n    <h1>${sentence}</h1>\n    ${image}\n  </section>\n);\n`);

    // A template with an unknown variable is refused naming the setting, and nothing is written.
    await setWorkspace('linkTemplates', { typescriptreact: '<Image src="${src}" />' });
    const before = await filesIn('public/img');
    const again = await generateFrom('site/src/Hero2.tsx', text, sentence, 'typescriptreact');
    const messages = messagesFrom(harness.ui);
    assert.equal(await actions().insert(again.record.localId), undefined);
    await waitFor(() => messages.texts().some((t) => t.includes('apiframe.linkTemplates')), 'the refusal to be shown');
    assert.match(messages.texts().find((t) => t.includes('apiframe.linkTemplates')) ?? '', /"\$\{src\}"/);
    assert.deepEqual(await filesIn('public/img'), before, 'no file written');
    assert.equal(again.editor.document.getText(), text);
    await setWorkspace('linkTemplates', undefined);
  });

  it('asks for the file name when apiframe.askForFileName is on: the typed name is used, a cancel writes nothing', async () => {
    await setWorkspace('destination', 'chosen');
    await setWorkspace('askForFileName', true);
    try {
      const { record } = await generateFrom('langs/chosen.md', 'A snail on a leaf.\n', 'A snail on a leaf.', 'markdown');
      harness.ui.answer({ inputBox: [undefined] });
      assert.equal(await actions().save(record.localId), undefined, 'cancelled');
      assert.deepEqual(await filesIn('chosen'), [], 'nothing written');

      harness.ui.answer({ inputBox: ['snail on leaf'] });
      const saved = (await actions().save(record.localId)) as vscode.Uri | undefined;
      assert.ok(saved);
      assert.deepEqual(await filesIn('chosen'), ['snail on leaf.png']);

      // A taken name is refused by the box's validation (the scripted answer goes through it too).
      harness.ui.answer({ inputBox: ['snail on leaf.png'] });
      const messages = messagesFrom(harness.ui);
      assert.equal(await actions().save(record.localId), undefined);
      await waitFor(() => messages.texts().some((t) => t.includes('snail on leaf-2.png')), 'the free name to be offered');
      assert.deepEqual(await filesIn('chosen'), ['snail on leaf.png'], 'nothing overwritten');
    } finally {
      harness.ui.answer({});
      await setWorkspace('askForFileName', undefined);
    }
  });
});
