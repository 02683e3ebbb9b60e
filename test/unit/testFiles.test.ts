// How the test runners (test/run-all.mjs, test/integration/index.ts) find and order test files
// (test/testFiles.ts): sorted by default, reversed or shuffled on request, never a compiled test whose source is gone.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findTestFiles, formatTestOrder, orderTestFiles, parseTestOrder } from '../testFiles';

const FILES = Array.from({ length: 20 }, (_, i) => `/out/test/unit/f${String(i).padStart(2, '0')}.test.js`);

describe('test files and their order', () => {
  it('reads sorted, reverse, shuffle and shuffle:<seed>, and refuses anything else', () => {
    assert.deepEqual(parseTestOrder(undefined), { kind: 'sorted' });
    assert.deepEqual(parseTestOrder(''), { kind: 'sorted' });
    assert.deepEqual(parseTestOrder('Reverse'), { kind: 'reverse' });
    assert.deepEqual(parseTestOrder('shuffle:42'), { kind: 'shuffle', seed: 42 });
    const fresh = parseTestOrder('shuffle');
    assert.ok(fresh.kind === 'shuffle' && Number.isInteger(fresh.seed), 'a fresh shuffle has a seed');
    assert.deepEqual(parseTestOrder(formatTestOrder(fresh)), fresh, 'the printed order repeats the run');
    for (const bad of ['random', 'shuffle:', 'shuffle:-1', 'shuffle:x', 'reversed']) assert.throws(() => parseTestOrder(bad), /APIFRAME_TEST_ORDER/);
  });

  it('sorts, reverses, and shuffles the same way for the same seed', () => {
    const scrambled = [...FILES].reverse();
    assert.deepEqual(orderTestFiles(scrambled, { kind: 'sorted' }), FILES);
    assert.deepEqual(orderTestFiles(scrambled, { kind: 'reverse' }), [...FILES].reverse());
    const shuffled = orderTestFiles(FILES, { kind: 'shuffle', seed: 7 });
    assert.deepEqual([...shuffled].sort(), FILES, 'a shuffle keeps every file once');
    assert.notDeepEqual(shuffled, FILES);
    assert.deepEqual(orderTestFiles(scrambled, { kind: 'shuffle', seed: 7 }), shuffled, 'the input order does not matter');
    assert.notDeepEqual(orderTestFiles(FILES, { kind: 'shuffle', seed: 8 }), shuffled);
  });

  it('finds compiled tests in subfolders and leaves out those whose source is gone', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'apiframe-test-files-'));
    try {
      const roots = { compiled: path.join(root, 'out', 'test'), source: path.join(root, 'test') };
      const write = (file: string): void => {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, '');
      };
      for (const name of ['unit/b.test', 'unit/a.test', 'unit/deep/c.test']) {
        write(path.join(roots.compiled, `${name}.js`));
        write(path.join(roots.source, `${name}.ts`));
      }
      write(path.join(roots.compiled, 'unit', 'moved.test.js'));
      write(path.join(roots.compiled, 'unit', 'helper.js'));
      write(path.join(roots.source, 'unit', 'helper.ts'));

      const found = findTestFiles(path.join(roots.compiled, 'unit'), roots);
      const relative = (files: readonly string[]): string[] => files.map((f) => path.relative(roots.compiled, f).split(path.sep).join('/'));
      assert.deepEqual(relative(found.files), ['unit/a.test.js', 'unit/b.test.js', 'unit/deep/c.test.js']);
      assert.deepEqual(relative(found.stale), ['unit/moved.test.js']);
      assert.deepEqual(findTestFiles(path.join(roots.compiled, 'absent'), roots), { files: [], stale: [] });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('finds this very test where the runners look by default', () => {
    assert.ok(findTestFiles(__dirname).files.includes(__filename));
  });
});
