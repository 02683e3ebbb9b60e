import * as assert from 'node:assert/strict';
import { referenceInsertion, type ReferenceRequest } from '../../src/workspace/imageSavePlan';

const TARGET = '/ws/images/cat.png';

/** Where the reference goes when it belongs after `after` in `text` (a document at /ws/<file>). */
function insertAfter(text: string, after: string, overrides: Partial<ReferenceRequest> = {}): string {
  const at = text.indexOf(after);
  assert.ok(at >= 0, `"${after}" is not in the text`);
  return applied(text, { offset: at + after.length, ...overrides });
}

/** The document after the insertion, with `|` marking where the reference ends (for the next one). */
function applied(text: string, overrides: Partial<ReferenceRequest>): string {
  const request: ReferenceRequest = {
    documentText: text,
    offset: 0,
    languageId: 'markdown',
    eol: '\n',
    altText: 'A cat',
    documentPath: '/ws/notes.md',
    workspaceFolderPath: '/ws',
    absoluteTarget: '/local/ws/images/cat.png',
    ...overrides,
  };
  const insertion = referenceInsertion(request, TARGET);
  const inserted = `${insertion.text.slice(0, insertion.referenceEnd)}|${insertion.text.slice(insertion.referenceEnd)}`;
  return text.slice(0, insertion.offset) + inserted + text.slice(insertion.offset);
}

const MD = '![A cat](images/cat.png)';
const HTML = '<img src="images/cat.png" alt="A cat">';
const JSX = '<img src="images/cat.png" alt="A cat" />';

describe('workspace/imageSavePlan: where a reference goes', () => {
  describe('Markdown', () => {
    it('becomes a paragraph of its own after the sentence, with blank lines around it', () => {
      const text = '# Notes\n\nA cat on a mat.\nMore of the paragraph.\n\nNext paragraph.\n';
      assert.equal(insertAfter(text, 'A cat on a mat.'), `# Notes\n\nA cat on a mat.\nMore of the paragraph.\n\n${MD}|\n\nNext paragraph.\n`);
    });

    it('never splits a paragraph when the selection ends mid-line', () => {
      const text = 'A cat on a mat, said the rhyme.\nNext paragraph line.';
      assert.equal(insertAfter(text, 'A cat on a mat'), `A cat on a mat, said the rhyme.\nNext paragraph line.\n\n${MD}|`);
    });

    it('adds a blank line after it when the next block follows without one', () => {
      const text = 'A cat on a mat.\n- a list item\n';
      assert.equal(insertAfter(text, 'A cat on a mat.'), `A cat on a mat.\n\n${MD}|\n\n- a list item\n`);
    });

    it('goes right after a heading, not after the paragraph under it', () => {
      const text = '# A cat\nText under it.\n';
      assert.equal(insertAfter(text, '# A cat'), `# A cat\n\n${MD}|\n\nText under it.\n`);
    });

    it('MDX too: a paragraph of its own, never glued to the sentence', () => {
      const text = '# Notes\n\nA cat on a mat.\n\n<Aside />\n';
      assert.equal(insertAfter(text, 'A cat on a mat.', { languageId: 'mdx', documentPath: '/ws/notes.mdx' }), `# Notes\n\nA cat on a mat.\n\n${MD}|\n\n<Aside />\n`);
    });

    it('goes after a whole table, never between its rows', () => {
      const text = '| A cat | 1 |\n| --- | --- |\n| dog | 2 |\nAfter.\n';
      assert.equal(insertAfter(text, 'A cat'), `| A cat | 1 |\n| --- | --- |\n| dog | 2 |\n\n${MD}|\n\nAfter.\n`);
    });

    it('at the end of a document without a final line break, adds none', () => {
      assert.equal(insertAfter('A cat on a mat.', 'A cat on a mat.'), `A cat on a mat.\n\n${MD}|`);
    });

    it('belongs to the line before when a selection of whole lines ends at the next line’s start', () => {
      const text = '<p>A cat</p>\n<p>Next</p>\n';
      const result = applied(text, { offset: text.indexOf('<p>Next'), languageId: 'html', documentPath: '/ws/i.html' });
      assert.equal(result, `<p>A cat</p>\n${HTML}|\n<p>Next</p>\n`);
    });

    it('on a blank line goes right there, separated from the text around it', () => {
      const text = 'Above.\n\nBelow.\n';
      assert.equal(applied(text, { offset: text.indexOf('\nBelow') }), `Above.\n\n${MD}|\n\nBelow.\n`);
    });

    it('keeps CRLF line breaks', () => {
      const text = 'A cat on a mat.\r\nSame paragraph.\r\n\r\nNext.\r\n';
      assert.equal(insertAfter(text, 'A cat on a mat.', { eol: '\r\n' }), `A cat on a mat.\r\nSame paragraph.\r\n\r\n${MD}|\r\n\r\nNext.\r\n`);
    });

    it('a second reference placed after the first one’s end keeps their order', () => {
      const text = 'A cat on a mat.\n\nNext.\n';
      const first = insertAfter(text, 'A cat on a mat.');
      const end = first.indexOf('|');
      const second = applied(first.replace('|', ''), { offset: end, altText: 'A dog' });
      assert.equal(second, `A cat on a mat.\n\n${MD}\n\n![A dog](images/cat.png)|\n\nNext.\n`);
    });

    it('at the cursor (Insert at Cursor) goes exactly there', () => {
      const text = 'A cat on a mat.\n';
      assert.equal(insertAfter(text, 'A cat', { placement: 'cursor' }), `A cat ${MD}| on a mat.\n`);
    });
  });

  describe('HTML and JSX', () => {
    it('HTML: a new line after the selection’s line with its indentation', () => {
      const text = '<main>\n    <p>A cat on a mat, and a very long line that goes on</p>\n</main>\n';
      const result = insertAfter(text, 'A cat on a mat', { languageId: 'html', documentPath: '/ws/index.html' });
      assert.equal(result, `<main>\n    <p>A cat on a mat, and a very long line that goes on</p>\n    ${HTML}|\n</main>\n`);
    });

    it('Vue and other HTML-like languages alike, with tabs and CRLF', () => {
      const text = '<template>\r\n\t<p>A cat</p>\r\n</template>\r\n';
      const result = insertAfter(text, 'A cat', { languageId: 'vue', eol: '\r\n', documentPath: '/ws/App.vue' });
      assert.equal(result, `<template>\r\n\t<p>A cat</p>\r\n\t${HTML}|\r\n</template>\r\n`);
    });

    it('JSX: a new line with the surrounding indentation', () => {
      const text = 'export const Hero = () => (\n  <p>A cat</p>\n);\n';
      const result = insertAfter(text, 'A cat', { languageId: 'typescriptreact', documentPath: '/ws/Hero.tsx' });
      assert.equal(result, `export const Hero = () => (\n  <p>A cat</p>\n  ${JSX}|\n);\n`);
    });

    it('at the end of a document and on a blank line', () => {
      assert.equal(insertAfter('<p>A cat</p>', 'A cat', { languageId: 'html', documentPath: '/ws/i.html' }), `<p>A cat</p>\n${HTML}|`);
      const blank = '  <p>x</p>\n\n';
      assert.equal(applied(blank, { offset: blank.indexOf('\n\n') + 1, languageId: 'html', documentPath: '/ws/i.html' }), `  <p>x</p>\n  ${HTML}|\n`);
    });
  });

  describe('CSS stays inline; block syntaxes stay blocks', () => {
    it('CSS: the url() value right after the selection', () => {
      const text = '.hero {\n  /* soft clouds */\n}\n';
      const result = insertAfter(text, 'soft clouds', { languageId: 'css', documentPath: '/ws/site.css' });
      assert.equal(result, '.hero {\n  /* soft clouds url("images/cat.png")| */\n}\n');
    });

    it('reStructuredText and AsciiDoc: a paragraph of their own after the line, even at the cursor', () => {
      const text = 'A cat on a mat.\n';
      const rst = insertAfter(text, 'A cat', { languageId: 'restructuredtext', documentPath: '/ws/i.rst', placement: 'cursor' });
      assert.equal(rst, 'A cat on a mat.\n\n.. image:: images/cat.png\n   :alt: A cat|\n\n');
      const adoc = insertAfter(text, 'A cat', { languageId: 'asciidoc', documentPath: '/ws/i.adoc' });
      assert.equal(adoc, 'A cat on a mat.\n\nimage::images/cat.png[A cat]|\n\n');
    });
  });
});
