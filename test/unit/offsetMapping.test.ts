import * as assert from 'node:assert/strict';
import { mapEnd, mapStart, type OffsetEdit } from '../../src/workspace/offsetMapping';

/** Follows the range `[start, end)` of `text` through replacing `[editStart, editEnd)` with `inserted`; returns the new text and the range's text. */
function follow(text: string, range: [number, number], editStart: number, editEnd: number, inserted: string): string {
  const edit: OffsetEdit = { start: editStart, end: editEnd, length: inserted.length };
  const after = text.slice(0, editStart) + inserted + text.slice(editEnd);
  return after.slice(mapStart(range[0], edit), mapEnd(range[1], edit));
}

describe('workspace/offsetMapping', () => {
  const text = 'Intro. A red fox. Outro.';
  const fox: [number, number] = [text.indexOf('A red'), text.indexOf('A red') + 'A red fox.'.length];

  it('moves with text inserted or deleted before it, and stays for text after it', () => {
    assert.equal(follow(text, fox, 0, 0, 'New. '), 'A red fox.');
    assert.equal(follow(text, fox, 0, 7, ''), 'A red fox.');
    assert.equal(follow(text, fox, text.length, text.length, ' More.'), 'A red fox.');
  });

  it('text typed right before or right after it stays outside it', () => {
    assert.equal(follow(text, fox, fox[0], fox[0], 'Look: '), 'A red fox.');
    assert.equal(follow(text, fox, fox[1], fox[1], ' It runs.'), 'A red fox.');
  });

  it('grows and shrinks with edits inside it', () => {
    assert.equal(follow(text, fox, fox[0] + 2, fox[0] + 5, 'brown'), 'A brown fox.');
    assert.equal(follow(text, fox, fox[0] + 1, fox[0] + 5, ''), 'A fox.');
  });

  it('takes in a replacement of its start or end', () => {
    assert.equal(follow(text, fox, 0, fox[0] + 5, 'One grey'), 'One grey fox.');
    assert.equal(follow(text, fox, fox[0] + 6, text.length, 'dog!'), 'A red dog!');
  });

  it('collapses when its text is deleted whole', () => {
    const edit: OffsetEdit = { start: fox[0] - 1, end: fox[1] + 1, length: 0 };
    assert.equal(mapStart(fox[0], edit), mapEnd(fox[1], edit));
  });
});
