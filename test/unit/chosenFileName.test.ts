import * as assert from 'node:assert/strict';
import { chosenFileName, type FileNameProblem } from '../../src/workspace/slug';

describe('workspace/slug chosenFileName (a file name typed by the user)', () => {
  const accepted: readonly [typed: string, extension: 'png' | 'jpg' | 'webp', name: string][] = [
    ['a-lighthouse-3f2a9c1e.png', 'png', 'a-lighthouse-3f2a9c1e.png'],
    ['hero', 'png', 'hero.png'],
    ['  hero  ', 'png', 'hero.png'],
    ['Hero.PNG', 'png', 'Hero.PNG'],
    ['photo.jpeg', 'jpg', 'photo.jpeg'],
    ['photo', 'jpg', 'photo.jpg'],
    ['고양이 사진', 'webp', '고양이 사진.webp'],
    ['v1.2 draft', 'png', 'v1.2 draft.png'],
    ['cafe\u0301', 'png', 'café.png'], // NFC
    ['R&D #1 {x}', 'png', 'R&D #1 {x}.png'],
    ['console', 'png', 'console.png'], // only the exact device names are reserved
  ];
  for (const [typed, extension, name] of accepted) {
    it(`accepts ${JSON.stringify(typed)} as ${JSON.stringify(name)}`, () => assert.deepEqual(chosenFileName(typed, extension), { name }));
  }

  const refused: readonly [typed: string, extension: 'png' | 'jpg' | 'webp', problem: FileNameProblem][] = [
    ['', 'png', { kind: 'empty' }],
    ['   ', 'png', { kind: 'empty' }],
    ['images/cat', 'png', { kind: 'separator' }],
    ['..\\cat', 'png', { kind: 'separator' }],
    ['cat?', 'png', { kind: 'invalidCharacter', character: '?' }],
    ['a:b', 'png', { kind: 'invalidCharacter', character: ':' }],
    ['say "hi"', 'png', { kind: 'invalidCharacter', character: '"' }],
    ['tab\there', 'png', { kind: 'invalidCharacter', character: '\t' }],
    ['evil\u202egnp.exe', 'png', { kind: 'invalidCharacter', character: '\u202e' }],
    ['zero\u200bwidth', 'png', { kind: 'invalidCharacter', character: '\u200b' }],
    ['..', 'png', { kind: 'dotsOnly' }],
    ['.', 'png', { kind: 'dotsOnly' }],
    ['NUL', 'png', { kind: 'reserved' }],
    ['com1.png', 'png', { kind: 'reserved' }],
    ['con .png', 'png', { kind: 'reserved' }],
    ['cat.jpg', 'png', { kind: 'otherExtension', extension: 'png' }],
    ['cat.png', 'webp', { kind: 'otherExtension', extension: 'webp' }],
    ['a'.repeat(252), 'png', { kind: 'tooLong', maxBytes: 255 }],
    ['가'.repeat(84), 'png', { kind: 'tooLong', maxBytes: 255 }], // 252 bytes + ".png"
  ];
  for (const [typed, extension, problem] of refused) {
    it(`refuses ${JSON.stringify(typed.length > 30 ? `${typed.slice(0, 10)}… (${typed.length})` : typed)}: ${problem.kind}`, () => {
      assert.deepEqual(chosenFileName(typed, extension), { problem });
    });
  }

  it('takes names up to exactly 255 bytes with the extension', () => {
    assert.deepEqual(chosenFileName('a'.repeat(251), 'png'), { name: `${'a'.repeat(251)}.png` });
    assert.deepEqual(chosenFileName('가'.repeat(83) + 'ab', 'png'), { name: `${'가'.repeat(83)}ab.png` });
  });
});
