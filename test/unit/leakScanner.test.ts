// The key-leak scanner (test/integration/leakScanner.ts) and the canary keys the integration suite runs with
// (test/integration/canaryKeys.ts), in plain Node: the scan at the end of the integration suite may only
// report `hits=0` if it finds a key that nobody redacted — including keys that do not look like Apiframe keys,
// which the redactor's `afk_…` rule would not hide on its own. That the emulator and the client take every
// canary shape as the key it is needs a server: test/http/canaryKeys.test.ts.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { redactSecrets } from '../../src/apiframe/redact';
import { KEY_SHAPES, makeKey, type KeyShape } from '../integration/canaryKeys';
import { LeakScan, masked, needlesFor } from '../integration/leakScanner';

const SHAPES = Object.keys(KEY_SHAPES) as KeyShape[];

/** The key written the ways code could write it without redacting it. */
function unredactedForms(key: string): Record<string, string | Buffer> {
  return {
    plain: `Authorization failed for ${key}.`,
    'URL-encoded': `?key=${encodeURIComponent(`${key}&x`)}`,
    'JSON-escaped': JSON.stringify({ message: `key "${key}"` }),
    'base64 (offset 0)': Buffer.from(`${key}\n`).toString('base64'),
    'base64 (offset 1)': Buffer.from(`x${key}`).toString('base64'),
    'base64 (offset 2)': Buffer.from(`x-api-key: ${key}`).toString('base64'),
    base64url: Buffer.from(`ab${key}`).toString('base64url'),
    'UTF-16LE': Buffer.from(`"${key}"`, 'utf16le'),
  };
}

function hitsIn(key: string, content: string | Buffer): LeakScan {
  const scan = new LeakScan(needlesFor([{ label: 'canary', value: key }]));
  scan.search('place', content);
  return scan;
}

describe('leak-scan canaries and scanner', () => {
  describe('canary keys', () => {
    for (const shape of SHAPES) {
      const escapes = shape !== 'apiframe';
      it(`the redactor's afk_ rule ${escapes ? 'leaves' : 'masks'} a ${shape}-shaped key; redacting the key itself always hides it`, () => {
        const key = makeKey(shape);
        const text = `request failed with x-api-key ${key}`;
        assert.equal(redactSecrets(text).includes(key), escapes, escapes ? 'only explicit redaction may hide this key' : 'afk_ keys are masked unasked');
        assert.ok(!redactSecrets(text, [key]).includes(key), 'redacting the real key hides it');
      });
    }

    it('each shape is random per call and has the documented form', () => {
      assert.notEqual(makeKey('base64url'), makeKey('base64url'));
      assert.match(makeKey('base64url'), /^[A-Za-z0-9_-]{43}$/);
      assert.match(makeKey('hex'), /^[0-9a-f]{40}$/);
      assert.match(makeKey('base64'), /^(?=.*[+/])[A-Za-z0-9+/]{32}$/);
      assert.match(makeKey('apiframe'), /^afk_[0-9a-f]{24}$/);
    });
  });

  describe('scanner', () => {
    for (const shape of SHAPES) {
      it(`finds an unredacted ${shape}-shaped key in every form it looks for`, () => {
        const key = makeKey(shape);
        for (const [form, content] of Object.entries(unredactedForms(key))) {
          const scan = hitsIn(key, content);
          assert.ok(scan.hits.length > 0, `the ${form} form of a ${shape} key is found`);
          for (const hit of scan.hits) assert.ok(!hit.what.includes(key), 'a finding never shows the key');
        }
      });

      it(`finds nothing once a ${shape}-shaped key is redacted, masked or cut short`, () => {
        const key = makeKey(shape);
        const text = `${unredactedForms(key).plain as string} ${unredactedForms(key)['URL-encoded'] as string}`;
        assert.deepEqual(hitsIn(key, redactSecrets(text, [key])).hits, []);
        assert.deepEqual(hitsIn(key, `masked ${masked(key)}, prefix ${key.slice(0, 12)}, most of it ${key.slice(0, -1)}`).hits, []);
      });
    }

    it('names the file of a folder that holds the key, and counts every file searched', () => {
      const key = makeKey('hex');
      const root = mkdtempSync(path.join(os.tmpdir(), 'leak-scanner-'));
      try {
        mkdirSync(path.join(root, 'a', 'b'), { recursive: true });
        writeFileSync(path.join(root, 'clean.txt'), 'nothing here');
        writeFileSync(path.join(root, 'a', 'also-clean.json'), JSON.stringify({ key: key.slice(0, 10) }));
        writeFileSync(path.join(root, 'a', 'b', 'state.bin'), Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(key, 'utf16le')]));
        const scan = new LeakScan(needlesFor([{ label: 'canary', value: key }]));
        scan.searchFolder('storage', root);
        assert.equal(scan.placeCount, 3);
        assert.deepEqual(scan.hits, [{ place: `storage ${path.join('a', 'b', 'state.bin')}`, what: `canary key ${masked(key)}, UTF-16LE` }]);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    });

    it('searches nothing (and finds nothing) in a folder that does not exist', () => {
      const scan = new LeakScan(needlesFor([{ label: 'canary', value: makeKey('hex') }]));
      scan.searchFolder('storage', path.join(os.tmpdir(), `no-such-folder-${process.pid}-${Date.now()}`));
      assert.equal(scan.placeCount, 0);
      assert.deepEqual(scan.hits, []);
    });
  });
});
