import * as assert from 'node:assert/strict';
import {
  FALLBACK_SLUG,
  SLUG_MAX_BYTES,
  SLUG_MAX_CHARS,
  fileNameForImage,
  isReservedDeviceName,
  shortJobId,
  slugify,
  uniqueName,
  utf8ByteLength,
} from '../../src/workspace/slug';

const JOB_ID = '3F2A9C1E-1234-4abc-8def-0123456789ab';

describe('workspace/slug', () => {
  describe('slugify', () => {
    const table: [name: string, input: string, expected: string][] = [
      ['plain English', 'A lighthouse at dusk, oil painting.', 'a-lighthouse-at-dusk-oil-painting'],
      ['Korean stays readable', '고양이가 달을 본다', '고양이가-달을-본다'],
      ['Japanese stays readable, emoji dropped', '猫が月を見る 🐱🌙', '猫が月を見る'],
      ['Cyrillic stays readable and lower-cased', 'Кошка на Крыше', 'кошка-на-крыше'],
      ['Latin diacritics kept (NFC)', 'Cafe\u0301 crème', 'café-crème'],
      ['Hindi keeps its vowel signs', 'हिन्दी भाषा', 'हिन्दी-भाषा'],
      ['full-width letters become plain', 'ｆｕｌｌ　ｗｉｄｔｈ', 'full-width'],
      ['apostrophes inside words dropped', "don't stop, it’s fine", 'dont-stop-its-fine'],
      ['quotes around words become separators', "'quoted'", 'quoted'],
      ['path separators and dots', '../../etc/passwd', 'etc-passwd'],
      ['Windows path', 'C:\\Windows\\win.ini', 'c-windows-win-ini'],
      ['reserved characters', 'a<b>c:d"e/f\\g|h?i*j', 'a-b-c-d-e-f-g-h-i-j'],
      ['control characters', 'a\u0000b\u0007c\u001fd\u007fe\u0085f', 'a-b-c-d-e-f'],
      ['bidi override does not join words', 'abc\u202Egnp.exe', 'abc-gnp-exe'],
      ['zero-width space separates', 'zero\u200Bwidth', 'zero-width'],
      ['trailing dots and spaces', 'name... ', 'name'],
      ['leading dots', '...hidden', 'hidden'],
      ['emoji only', '🐱🌙✨', ''],
      ['keycap emoji keeps its digit', '1\uFE0F\u20E3 keycap', '1-keycap'],
      ['flags dropped', 'flag 🇰🇷 here', 'flag-here'],
      ['ZWJ emoji family dropped', 'family 👨\u200D👩\u200D👧 photo', 'family-photo'],
      ['combining marks capped (Zalgo)', 'Z\u0301\u0302\u0303\u0304\u0305\u0306o', 'ź\u0302\u0303\u0304o'],
      ['marks without a letter dropped', '\u0301\u0302abc', 'abc'],
      ['punctuation only', '!!! ??? ...', ''],
      ['empty', '', ''],
      ['underscores become separators', 'snake_case_name', 'snake-case-name'],
      ['reserved device name gets a suffix', 'CON', 'con-image'],
      ['reserved device name with extension is split', 'nul.png', 'nul-png'],
      ['superscript COM digit normalised then suffixed', 'COM¹', 'com1-image'],
      ['LPT9 reserved', 'lpt9', 'lpt9-image'],
      ['not reserved: longer word', 'console', 'console'],
    ];
    for (const [name, input, expected] of table) {
      it(name, () => assert.equal(slugify(input), expected));
    }

    it('bounds length in characters, cutting on a word boundary', () => {
      const slug = slugify('lighthouse '.repeat(20));
      assert.ok(Array.from(slug).length <= SLUG_MAX_CHARS, slug);
      assert.match(slug, /^(lighthouse-)*lighthouse$/);
    });

    it('bounds length in UTF-8 bytes for 3-byte scripts', () => {
      const slug = slugify('가'.repeat(100));
      assert.ok(utf8ByteLength(slug) <= SLUG_MAX_BYTES);
      assert.equal(slug, '가'.repeat(SLUG_MAX_BYTES / 3));
    });

    it('bounds length in UTF-8 bytes for 4-byte characters', () => {
      const slug = slugify('𠀀'.repeat(100)); // CJK Extension B, 4 bytes each
      assert.equal(slug, '𠀀'.repeat(SLUG_MAX_BYTES / 4));
    });

    it('hard-cuts a single over-long word', () => {
      assert.equal(slugify('x'.repeat(500)), 'x'.repeat(SLUG_MAX_CHARS));
    });

    it('never ends with a separator after cutting', () => {
      const slug = slugify(`${'a'.repeat(SLUG_MAX_CHARS - 1)} b`);
      assert.equal(slug, 'a'.repeat(SLUG_MAX_CHARS - 1));
    });

    it('honours custom limits', () => {
      assert.equal(slugify('one two three', 7), 'one-two');
      assert.equal(slugify('one two three', 100, 5), 'one');
    });

    it('is NFC whatever the input normalisation', () => {
      const decomposed = '\u1100\u1161\u11A8 e\u0301'; // 각 é in conjoining jamo / combining form
      const slug = slugify(decomposed);
      assert.equal(slug, slug.normalize('NFC'));
      assert.equal(slug, '각-é');
    });
  });

  describe('isReservedDeviceName', () => {
    const reserved = ['CON', 'con', 'Prn', 'AUX', 'NUL', 'nul.png', 'nul.tar.gz', 'COM1', 'com9.txt', 'LPT1', 'lpt³', 'CON .png', 'conin$'];
    const allowed = ['console', 'nul-png', 'com10', 'lpt', 'acon', 'image', 'con-image'];
    for (const name of reserved) it(`reserves ${JSON.stringify(name)}`, () => assert.equal(isReservedDeviceName(name), true));
    for (const name of allowed) it(`allows ${JSON.stringify(name)}`, () => assert.equal(isReservedDeviceName(name), false));
  });

  describe('shortJobId', () => {
    it('takes the first 8 letters/digits of a UUID, lower-cased', () => assert.equal(shortJobId(JOB_ID), '3f2a9c1e'));
    it('skips separators and other characters', () => assert.equal(shortJobId('../a-b_c/d:e'), 'abcde'));
    it('is empty when the id has no letters or digits', () => assert.equal(shortJobId('../..'), ''));
  });

  describe('fileNameForImage', () => {
    it('joins slug, short job id and extension', () => {
      assert.equal(fileNameForImage('A lighthouse at dusk', JOB_ID, 'png'), 'a-lighthouse-at-dusk-3f2a9c1e.png');
      assert.equal(fileNameForImage('A lighthouse at dusk', JOB_ID, 'jpg'), 'a-lighthouse-at-dusk-3f2a9c1e.jpg');
      assert.equal(fileNameForImage('A lighthouse at dusk', JOB_ID, 'webp'), 'a-lighthouse-at-dusk-3f2a9c1e.webp');
    });

    it(`falls back to "${FALLBACK_SLUG}" when nothing readable is left`, () => {
      assert.equal(fileNameForImage('🐱🌙', JOB_ID, 'png'), 'image-3f2a9c1e.png');
      assert.equal(fileNameForImage('   ', JOB_ID, 'png'), 'image-3f2a9c1e.png');
    });

    it('stays valid without a usable job id', () => {
      assert.equal(fileNameForImage('CON', '', 'png'), 'con-image.png');
      assert.equal(fileNameForImage('', '--', 'png'), 'image.png');
      assert.equal(isReservedDeviceName(fileNameForImage('nul', '', 'png')), false);
    });

    it('stays far below 255 UTF-8 bytes for any prompt', () => {
      for (const prompt of ['가'.repeat(2000), '𠀀'.repeat(2000), 'x'.repeat(2000), 'é '.repeat(1000)]) {
        assert.ok(utf8ByteLength(fileNameForImage(prompt, JOB_ID, 'webp')) <= SLUG_MAX_BYTES + 14);
      }
    });
  });

  describe('uniqueName', () => {
    it('keeps the name when it is free', async () => {
      assert.equal(await uniqueName('cat.png', () => false), 'cat.png');
    });

    it('adds -2, -3, … before the extension, never returning a taken name', async () => {
      const taken = new Set(['cat.png', 'cat-2.png', 'cat-3.png']);
      assert.equal(await uniqueName('cat.png', (n) => taken.has(n)), 'cat-4.png');
    });

    it('accepts an asynchronous exists check', async () => {
      const taken = new Set(['cat.png']);
      assert.equal(await uniqueName('cat.png', (n) => Promise.resolve(taken.has(n))), 'cat-2.png');
    });

    it('puts the counter before the last extension only', async () => {
      assert.equal(await uniqueName('a.b.png', (n) => n === 'a.b.png'), 'a.b-2.png');
    });

    it('appends the counter to a name without extension or a dot-file', async () => {
      assert.equal(await uniqueName('cat', (n) => n === 'cat'), 'cat-2');
      assert.equal(await uniqueName('.png', (n) => n === '.png'), '.png-2');
    });

    it('gives up with a clear error instead of looping forever', async () => {
      await assert.rejects(uniqueName('cat.png', () => true), /Could not find a free file name for "cat\.png"/);
    });

    it('propagates errors of the exists check', async () => {
      await assert.rejects(
        uniqueName('cat.png', () => Promise.reject(new Error('file system gone'))),
        /file system gone/,
      );
    });
  });
});
