import * as assert from 'node:assert/strict';
import { planImageSave, referencePath, savedImageName, type ImageSaveInput, type ReferenceRequest } from '../../src/workspace/imageSavePlan';

const BYTES = { kind: 'bytes', bytes: Uint8Array.from([0x89, 0x50, 0x4e, 0x47]) } as const;
const TARGET = '/ws/images/a-lighthouse-3f2a9c1e.png';

/** A reference request into `text` right after `after` (the selection's end), in a Markdown document at /ws/notes.md. */
function referenceAfter(text: string, after: string, overrides: Partial<ReferenceRequest> = {}): ReferenceRequest {
  const at = text.indexOf(after);
  assert.ok(at >= 0, `"${after}" is not in the text`);
  return {
    documentText: text,
    offset: at + after.length,
    languageId: 'markdown',
    eol: '\n',
    altText: 'A lighthouse',
    documentPath: '/ws/notes.md',
    workspaceFolderPath: '/ws',
    absoluteTarget: '/local/ws/images/a-lighthouse-3f2a9c1e.png',
    ...overrides,
  };
}

function plan(reference?: ReferenceRequest, overrides: Partial<ImageSaveInput> = {}): ReturnType<typeof planImageSave> {
  return planImageSave({ image: BYTES, targetPath: TARGET, overwrite: false, ...(reference ? { reference } : {}), ...overrides });
}

describe('workspace/imageSavePlan', () => {
  describe('savedImageName', () => {
    it('names the file after the prompt and the job, with the extension of the cached image', () => {
      assert.deepEqual(savedImageName({ prompt: 'A lighthouse at dusk', jobId: '3f2a9c1e-0000', mime: 'image/jpeg', index: 0 }), {
        name: 'a-lighthouse-at-dusk-3f2a9c1e.jpg',
        extension: 'jpg',
      });
    });

    it('falls back to PNG for an unknown or missing type, including names an object inherits', () => {
      for (const mime of [undefined, 'image/gif', 'toString', '__proto__']) {
        assert.equal(savedImageName({ prompt: 'cat', jobId: 'abcdef12', mime, index: 0 }).extension, 'png', String(mime));
      }
    });

    it('numbers the later images of one job', () => {
      assert.equal(savedImageName({ prompt: 'cat', jobId: 'abcdef12', mime: 'image/png', index: 1 }).name, 'cat-abcdef12-2.png');
    });
  });

  describe('referencePath', () => {
    const target = '/ws/images/cat.png';
    it('is relative to the document when it has a path on the same file system', () => {
      assert.equal(referencePath({ documentPath: '/ws/docs/guide.md', workspaceFolderPath: '/ws', absoluteTarget: 'X' }, target), '../images/cat.png');
    });
    it('is relative to the workspace folder for a document with no path of its own (untitled)', () => {
      assert.equal(referencePath({ workspaceFolderPath: '/ws', absoluteTarget: 'X' }, target), 'images/cat.png');
    });
    it('is the absolute target when neither applies (a file saved outside any workspace folder)', () => {
      assert.equal(referencePath({ workspaceFolderPath: '/other', absoluteTarget: 'C:\\pics\\cat.png' }, target), 'C:\\pics\\cat.png');
      assert.equal(referencePath({ absoluteTarget: 'vscode-vfs://github/o/r/cat.png' }, target), 'vscode-vfs://github/o/r/cat.png');
    });
  });

  describe('planImageSave', () => {
    it('creates the file with the given bytes and never overwrites unless told', () => {
      const result = plan();
      assert.deepEqual(result, { createFile: { targetPath: TARGET, image: BYTES, overwrite: false } });
      assert.equal(plan(undefined, { overwrite: true }).createFile.overwrite, true);
    });

    it('passes a source file through for the edge to read', () => {
      const image = { kind: 'file', path: '/cache/1.png' } as const;
      assert.deepEqual(plan(undefined, { image }).createFile.image, image);
    });

    it('inserts a Markdown reference as a paragraph of its own after the selection, relative to the document', () => {
      const text = '# Notes\n\nA lighthouse at dusk.\n\nMore.\n';
      const result = plan(referenceAfter(text, 'A lighthouse at dusk.'));
      const link = '![A lighthouse](images/a-lighthouse-3f2a9c1e.png)';
      assert.deepEqual(result.insert, { offset: text.indexOf('A lighthouse at dusk.') + 21, text: `\n\n${link}`, referenceEnd: 2 + link.length });
    });

    it('at the cursor, adds no space when the offset already follows white space, or is at the start of a line', () => {
      const spaced = 'Before A lighthouse after';
      const atCursor = { placement: 'cursor' } as const;
      assert.equal(plan(referenceAfter(spaced, 'Before ', atCursor))?.insert?.text, '![A lighthouse](images/a-lighthouse-3f2a9c1e.png)');
      const lineStart = 'first\nsecond';
      assert.equal(plan(referenceAfter(lineStart, 'first\n', atCursor))?.insert?.text, '![A lighthouse](images/a-lighthouse-3f2a9c1e.png)');
      assert.equal(plan(referenceAfter('', '', atCursor))?.insert?.offset, 0);
    });

    it('writes the reference in the document’s own syntax', () => {
      const text = '<p>A lighthouse</p>';
      const result = plan(referenceAfter(text, 'A lighthouse', { languageId: 'html', documentPath: '/ws/site/index.html' }));
      assert.equal(result.insert?.text, '\n<img src="../images/a-lighthouse-3f2a9c1e.png" alt="A lighthouse">');
      const atCursor = plan(referenceAfter(text, 'A lighthouse', { languageId: 'html', documentPath: '/ws/site/index.html', placement: 'cursor' }));
      assert.equal(atCursor.insert?.text, ' <img src="../images/a-lighthouse-3f2a9c1e.png" alt="A lighthouse">');
    });

    it('puts a block reference (reStructuredText) in a paragraph of its own after the line, with the document’s line break', () => {
      const text = 'Title\r\nA lighthouse at dusk, more words\r\nNext line\r\n';
      const request = referenceAfter(text, 'A lighthouse', { languageId: 'restructuredtext', eol: '\r\n', documentPath: '/ws/index.rst' });
      const result = plan(request);
      const lineEnd = text.indexOf('\r\nNext');
      const reference = '.. image:: images/a-lighthouse-3f2a9c1e.png\r\n   :alt: A lighthouse';
      assert.deepEqual(result.insert, { offset: lineEnd, text: `\r\n\r\n${reference}\r\n`, referenceEnd: 4 + reference.length });
    });

    it('puts a block reference on a blank line as it is', () => {
      const text = 'Intro\n\nOutro\n';
      const request = { ...referenceAfter(text, 'Intro\n'), languageId: 'asciidoc' };
      const reference = 'image::images/a-lighthouse-3f2a9c1e.png[A lighthouse]';
      assert.deepEqual(plan(request).insert, { offset: text.indexOf('\nOutro'), text: `${reference}\n`, referenceEnd: reference.length });
    });

    it('keeps an offset beyond the text inside it', () => {
      const text = 'short';
      assert.equal(plan({ ...referenceAfter(text, 'short'), offset: 99 }).insert?.offset, text.length);
    });
  });
});
