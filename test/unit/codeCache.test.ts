import * as assert from 'node:assert/strict';
import { promises as fs, utimesSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { codeCacheFile, requireWithCodeCache, type CodeCachedBundle } from '../../src/startup/codeCache';

interface Fixture {
  readonly marker: string;
  sum(n: number): number;
  readonly platform: string;
  readonly self: { readonly filename: string; readonly dirname: string; readonly isModule: boolean };
}

/** A CommonJS bundle big enough for V8 to cache: many functions, some run at load, some only when called. */
function bundleSource(marker: string): string {
  const functions = Array.from({ length: 200 }, (_, i) => `function f${i}(x) { return x * ${i} + ${JSON.stringify(marker)}.length; }`).join('\n');
  return `'use strict';
${functions}
const os = require('node:os');
let loads = (globalThis.__codeCacheFixtureLoads ?? 0) + 1;
globalThis.__codeCacheFixtureLoads = loads;
exports.marker = ${JSON.stringify(marker)};
exports.sum = (n) => { let s = 0; for (let i = 0; i < n; i++) s += [${Array.from({ length: 200 }, (_, i) => `f${i}`).join(',')}][i % 200](i); return s; };
exports.platform = os.platform();
exports.self = { filename: __filename, dirname: __dirname, isModule: module.exports === exports };
`;
}

describe('code cache (the core bundle loaded with V8 cached data)', () => {
  let dir: string;
  let bundle: string;
  let cacheDir: string;
  const loaded: string[] = [];

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'apiframe-code-cache-'));
    bundle = path.join(dir, 'core.js');
    cacheDir = path.join(dir, 'storage', 'code-cache');
    await fs.writeFile(bundle, bundleSource('first'));
  });

  afterEach(async () => {
    for (const file of loaded.splice(0)) delete require.cache[file];
    await fs.rm(dir, { recursive: true, force: true });
  });

  function load(file = bundle, version = '1.0.0'): CodeCachedBundle<Fixture> {
    const result = requireWithCodeCache<Fixture>(
      file,
      codeCacheFile(cacheDir, file, version),
      module,
    );
    loaded.push(file);
    return result;
  }

  it('runs the bundle as require would: exports, require of builtins, __filename, __dirname, module, require.cache', () => {
    const { exports, cacheState } = load();
    assert.equal(cacheState, 'absent');
    assert.equal(exports.marker, 'first');
    assert.equal(exports.platform, os.platform());
    assert.deepEqual(exports.self, { filename: bundle, dirname: dir, isModule: true });
    let expected = 0;
    for (let i = 0; i < 400; i++) expected += i * (i % 200) + 'first'.length;
    assert.equal(exports.sum(400), expected);
    const cached = require.cache[bundle];
    assert.ok(cached, 'the bundle is in require.cache');
    assert.equal(cached.exports, exports);
    assert.equal(cached.loaded, true);
    assert.equal(cached.parent, module);
  });

  it('writes the cache once the bundle has run, and a later load uses it', async () => {
    const first = load();
    first.exports.sum(1000);
    await first.writeCache();
    const file = codeCacheFile(cacheDir, bundle, '1.0.0');
    assert.ok((await fs.stat(file)).size > 1000, 'the cache holds compiled code');
    assert.deepEqual(await fs.readdir(cacheDir), [path.basename(file)], 'no partial file is left behind');
    delete require.cache[bundle];
    const second = load();
    assert.equal(second.cacheState, 'used');
    assert.equal(second.exports.marker, 'first');
    assert.equal(second.exports.sum(1000), first.exports.sum(1000));
    // A cache that was used is not written again.
    const before = await fs.stat(file);
    await second.writeCache();
    assert.equal((await fs.stat(file)).mtimeMs, before.mtimeMs);
  });

  it('ignores a damaged cache, runs the bundle from source, and replaces the cache', async () => {
    const file = codeCacheFile(cacheDir, bundle, '1.0.0');
    await fs.mkdir(cacheDir, { recursive: true });
    await fs.writeFile(file, Buffer.from('not a code cache at all, just bytes on a disk'.repeat(40)));
    const damaged = load();
    assert.equal(damaged.cacheState, 'rejected');
    assert.equal(damaged.exports.marker, 'first');
    await damaged.writeCache();
    delete require.cache[bundle];
    assert.equal(load().cacheState, 'used');
  });

  it('never reads the cache of another bundle: a new version, size or time is a new file, and the old one goes', async () => {
    const first = load();
    await first.writeCache();
    const oldFile = codeCacheFile(cacheDir, bundle, '1.0.0');
    assert.notEqual(codeCacheFile(cacheDir, bundle, '1.0.1'), oldFile, 'another version');
    delete require.cache[bundle];
    await fs.writeFile(bundle, bundleSource('second, longer'));
    utimesSync(bundle, new Date(), new Date(Date.now() + 60_000));
    const newFile = codeCacheFile(cacheDir, bundle, '1.0.0');
    assert.notEqual(newFile, oldFile, 'another size and time');
    const second = load();
    assert.equal(second.cacheState, 'absent');
    assert.equal(second.exports.marker, 'second, longer');
    await second.writeCache();
    assert.deepEqual(await fs.readdir(cacheDir), [path.basename(newFile)]);
  });

  it('a cache that cannot be written is only a slower next start', async () => {
    // The cache folder's place is taken by a file: mkdir fails, writeCache still resolves.
    await fs.mkdir(path.dirname(cacheDir), { recursive: true });
    await fs.writeFile(cacheDir, 'in the way');
    const result = load();
    await result.writeCache();
    assert.equal(result.exports.marker, 'first');
  });

  it('a bundle that throws is not left in require.cache', async () => {
    await fs.writeFile(bundle, `throw new Error('damaged install');`);
    assert.throws(() => load(), /damaged install/);
    assert.equal(require.cache[bundle], undefined);
  });
});
