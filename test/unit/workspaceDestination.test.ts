import * as assert from 'node:assert/strict';
import { DEFAULT_DESTINATION, formatLocalDate, isInside, resolveDestination } from '../../src/workspace/destination';
import type { DestinationInput } from '../../src/workspace/destination';

const WS = '/home/me/site';
const DOC = '/home/me/site/docs/guide/post.md';
// Midday local time: the same calendar day in every time zone's local clock.
const now = (): Date => new Date(2026, 10, 25, 12, 0, 0);

function resolve(setting: string | undefined, extra: Partial<DestinationInput> = {}) {
  return resolveDestination({ workspaceFolderPath: WS, documentPath: DOC, setting, now, ...extra });
}

describe('workspace/destination', () => {
  describe('isInside', () => {
    const table: [folder: string, candidate: string, inside: boolean][] = [
      ['/ws', '/ws', true],
      ['/ws', '/ws/', true],
      ['/ws/', '/ws/a/b', true],
      ['/ws', '/ws2', false],
      ['/ws', '/ws2/a', false],
      ['/ws', '/w', false],
      ['/ws', '/', false],
      ['/ws', '/ws/../ws2', false],
      ['/ws', '/ws/a/../../etc', false],
      ['/ws', '/ws/./a/../b', true],
      ['/ws', '/ws/..', false],
      ['/ws', 'ws/a', false],
      ['ws', '/ws/a', false],
      ['/ws', '/ws/a\0', false],
      ['/', '/anything', true],
      ['/c:/Users/me', '/C:/Users/me/images', true],
      ['/C:/Users/me', '/c:/Users/me2', false],
      ['/c:/Users/me', '/d:/Users/me', false],
    ];
    for (const [folder, candidate, inside] of table) {
      it(`${candidate} ${inside ? 'is' : 'is not'} inside ${folder}`, () => assert.equal(isInside(folder, candidate), inside));
    }
  });

  describe('formatLocalDate', () => {
    it('pads month and day', () => assert.equal(formatLocalDate(new Date(2026, 0, 5, 12)), '2026-01-05'));
  });

  describe('resolveDestination: accepted', () => {
    const table: [setting: string | undefined, folderPath: string, relativePath: string][] = [
      [undefined, `${WS}/images`, 'images'],
      ['', `${WS}/images`, 'images'],
      ['   ', `${WS}/images`, 'images'],
      ['images', `${WS}/images`, 'images'],
      [' assets/img/ ', `${WS}/assets/img`, 'assets/img'],
      ['./assets//img', `${WS}/assets/img`, 'assets/img'],
      ['.', WS, ''],
      ['docs/../images', `${WS}/images`, 'images'],
      ['assets\\img', `${WS}/assets/img`, 'assets/img'],
      ['${workspaceFolder}', WS, ''],
      ['${workspaceFolder}/media', `${WS}/media`, 'media'],
      ['${documentDirName}', `${WS}/docs/guide`, 'docs/guide'],
      ['${documentDirName}/images', `${WS}/docs/guide/images`, 'docs/guide/images'],
      ['${documentDirName}/../images', `${WS}/docs/images`, 'docs/images'],
      ['images/${documentBaseName}', `${WS}/images/post`, 'images/post'],
      ['images/${date}', `${WS}/images/2026-11-25`, 'images/2026-11-25'],
      ['${documentDirName}/${documentBaseName}-${date}', `${WS}/docs/guide/post-2026-11-25`, 'docs/guide/post-2026-11-25'],
      [`${WS}/images`, `${WS}/images`, 'images'],
      ['이미지/고양이', `${WS}/이미지/고양이`, '이미지/고양이'],
    ];
    for (const [setting, folderPath, relativePath] of table) {
      it(`${JSON.stringify(setting)} → ${relativePath || '(folder itself)'}`, () => {
        assert.deepEqual(resolve(setting), { ok: true, folderPath, relativePath });
      });
    }

    it('works with Windows-style workspace paths and any drive-letter case', () => {
      const result = resolveDestination({
        workspaceFolderPath: '/C:/Users/me/site',
        documentPath: '/c:/Users/me/site/README.md',
        setting: '${documentDirName}/img',
        now,
      });
      assert.deepEqual(result, { ok: true, folderPath: '/c:/Users/me/site/img', relativePath: 'img' });
    });

    it('treats backslashes in variable values as literal characters', () => {
      const result = resolve('images/${documentBaseName}', { documentPath: `${WS}/a\\..\\..\\b.md` });
      assert.deepEqual(result, { ok: true, folderPath: `${WS}/images/a\\..\\..\\b`, relativePath: 'images/a\\..\\..\\b' });
    });

    it('uses the real clock by default', () => {
      const result = resolveDestination({ workspaceFolderPath: WS, setting: '${date}' });
      assert.equal(result.ok, true);
      if (result.ok) assert.match(result.relativePath, /^\d{4}-\d{2}-\d{2}$/);
    });

    it(`defaults to "${DEFAULT_DESTINATION}" without a document`, () => {
      assert.deepEqual(resolve(undefined, { documentPath: undefined }), { ok: true, folderPath: `${WS}/images`, relativePath: 'images' });
    });
  });

  describe('resolveDestination: refused with a clear message', () => {
    const table: [setting: string, message: RegExp, extra?: Partial<DestinationInput>][] = [
      ['..', /leads outside the workspace folder/],
      ['../images', /leads outside the workspace folder/],
      ['images/../../x', /leads outside the workspace folder/],
      ['..\\..\\x', /leads outside the workspace folder/],
      ['${workspaceFolder}/..', /leads outside the workspace folder/],
      ['${documentDirName}/../../../..', /leads outside the workspace folder/],
      ['/etc', /absolute path outside the workspace folder/],
      ['/home/me/site2/images', /absolute path outside the workspace folder/],
      ['C:\\Windows', /drive letter or network/],
      ['c:/images', /drive letter or network/],
      ['C:images', /drive letter or network/],
      ['\\\\server\\share\\images', /drive letter or network/],
      ['//server/share', /drive letter or network/],
      ['file:///etc', /is a URL/],
      ['~', /home-folder/],
      ['~/Pictures', /home-folder/],
      ['images\0/x', /control characters/],
      ['ima\nges', /control characters/],
      ['images\t/x', /control characters/],
      ['images\u202Egnp', /bidirectional control characters/],
      ['ima\u200Bges', /invisible/],
      ['img<1>', /not allowed in folder names/],
      ['img|x', /not allowed in folder names/],
      ['img?', /not allowed in folder names/],
      ['a:b', /drive letter/],
      ['images/a:b', /not allowed in folder names/],
      ['${unknown}/x', /unknown variable \$\{unknown\}.*\$\{workspaceFolder\}/],
      ['${workspacefolder}', /unknown variable/],
      ['images/${date', /unclosed/],
      ['images/${workspaceFolder}', /may only start the setting/],
      ['x/${documentDirName}', /may only start the setting/],
      ['${documentDirName}/img', /needs a saved document/, { documentPath: undefined }],
      ['img/${documentBaseName}', /needs a saved document/, { documentPath: undefined }],
      ['${documentDirName}/img', /document is outside the workspace folder/, { documentPath: '/tmp/notes.md' }],
      ['images/CON', /reserves for devices/],
      ['nul.txt/x', /reserves for devices/],
      ['images./x', /ends in a dot or space/],
      ['images /x', /ends in a dot or space/],
    ];
    for (const [setting, message, extra] of table) {
      it(JSON.stringify(setting), () => {
        const result = resolve(setting, extra);
        assert.equal(result.ok, false, JSON.stringify(result));
        if (!result.ok) {
          assert.match(result.message, message);
          assert.match(result.message, /relative to the workspace folder/, 'says how to fix it');
          assert.match(result.message, /apiframe\.destination/, 'names the setting');
          assert.doesNotMatch(result.message, /[\0\n]/, 'control characters are shown escaped');
        }
      });
    }

    describe('name and path length limits', () => {
      const cases: [name: string, setting: string, expected: 'ok' | RegExp, extra?: Partial<DestinationInput>][] = [
        ['a 255-byte ASCII name', 'x'.repeat(255), 'ok'],
        ['a 256-byte ASCII name', 'x'.repeat(256), /"x{20,}….* of 256 bytes; file systems allow at most 255 bytes/],
        ['85 Hangul syllables (255 bytes)', '가'.repeat(85), 'ok'],
        ['86 Hangul syllables (258 bytes, 86 characters)', `images/${'가'.repeat(86)}`, /of 258 bytes/],
        ['63 emoji (252 bytes)', '🐱'.repeat(63), 'ok'],
        ['64 emoji (256 bytes)', '🐱'.repeat(64), /of 256 bytes/],
        ['a long name brought in by the document', 'images/${documentBaseName}', /of 300 bytes/, { documentPath: `/home/me/site/${'d'.repeat(300)}.md` }],
        ['many short folders within the path limit', Array.from({ length: 300 }, () => 'abcdefghij').join('/'), 'ok'],
        ['many short folders beyond the path limit', Array.from({ length: 400 }, () => 'abcdefghij').join('/'), /4096-byte path limit/],
      ];
      for (const [name, setting, expected, extra] of cases) {
        it(name, () => {
          const result = resolve(setting, extra);
          if (expected === 'ok') {
            assert.equal(result.ok, true, JSON.stringify(result).slice(0, 300));
            return;
          }
          assert.equal(result.ok, false);
          if (!result.ok) {
            assert.match(result.message, expected);
            assert.match(result.message, /apiframe\.destination/);
            assert.ok(result.message.length < 800, String(result.message.length));
          }
        });
      }
    });

    it('shows bidi and zero-width characters escaped in the message', () => {
      const result = resolve('a\u202Eb\u200Bc');
      assert.equal(result.ok, false);
      if (!result.ok) {
        assert.doesNotMatch(result.message, /[\u202E\u200B]/);
        assert.ok(result.message.includes('"a\\u202eb\\u200bc"'), result.message);
      }
    });

    it('refuses a workspace folder that is not an absolute path', () => {
      const result = resolveDestination({ workspaceFolderPath: 'relative/ws', setting: 'images' });
      assert.equal(result.ok, false);
    });

    it('keeps messages short for huge settings', () => {
      const result = resolve(`${'../'.repeat(10_000)}x`);
      assert.equal(result.ok, false);
      if (!result.ok) assert.ok(result.message.length < 600, String(result.message.length));
    });
  });
});
