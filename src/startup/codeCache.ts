/**
 * Loads a CommonJS bundle the way `require` does, but compiled with V8's code cache: the bytecode of every
 * function the bundle ran on an earlier first use, kept on disk, so a later window's first use neither parses
 * the bundle again nor compiles the functions it runs (measured inside VS Code: about half of the ~100 ms the
 * core bundle cost a first use was compilation).
 *
 * The cache is an accelerator, never a dependency: a missing, damaged or foreign cache (another V8, other flags,
 * another bundle) is ignored — V8 checks it and says so — and the bundle compiles from source as `require`
 * would. The cache is written once the bundle has run the first use (so it holds the functions that use
 * compiled, not only the top level), atomically (a crash leaves the old file or none), and under a name
 * that includes what V8 checks and what it does not (the bundle's size and time, the extension's version), so
 * an update never reads a cache of the previous bundle.
 *
 * Pure Node (no `vscode`): the start-up bundle passes the paths in, and unit tests load a fixture with it.
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

// `node:vm`, `node:module` and `node:fs/promises` are required where they are used, not imported: this module is
// part of the start-up bundle, and loading them at activation cost every window ~2.5 ms (`npm run bench --
// activation`, A/B) for a first use that may never come.
/* eslint-disable @typescript-eslint/no-require-imports */
const vm = (): typeof import('node:vm') => require('node:vm') as typeof import('node:vm');
const nodeModule = (): typeof import('node:module') => require('node:module') as typeof import('node:module');
const fsPromises = (): typeof import('node:fs/promises') => require('node:fs/promises') as typeof import('node:fs/promises');
/* eslint-enable @typescript-eslint/no-require-imports */

/** The folder of a bundle's code cache, in the extension's global storage. */
export const CODE_CACHE_FOLDER = 'code-cache';

/** What the load found on disk: the cache was used, V8 refused it, or there was none. */
export type CodeCacheState = 'used' | 'rejected' | 'absent';

export interface CodeCachedBundle<T> {
  readonly exports: T;
  readonly cacheState: CodeCacheState;
  /**
   * Writes the cache from what the bundle has compiled so far (nothing when the cache on disk was used) and
   * removes the caches of other bundles from its folder. Never rejects: a cache that cannot be written is
   * only a slower next start.
   */
  writeCache(): Promise<void>;
}

/** The cache's file for `bundleFile` in `cacheDir`: named by the bundle's size and time, `version` and V8's version. */
export function codeCacheFile(cacheDir: string, bundleFile: string, version: string): string {
  const { size, mtimeMs } = statSync(bundleFile);
  const safe = (text: string): string => text.replace(/[^A-Za-z0-9.-]/g, '_');
  return path.join(cacheDir, `${safe(path.basename(bundleFile, '.js'))}-${safe(version)}-${size}-${Math.trunc(mtimeMs)}-v8-${safe(process.versions.v8)}.bin`);
}

/**
 * Loads `bundleFile` (a CommonJS bundle) as a module whose parent is `parent`, registered in `require.cache`
 * like a required one, with the code cache at `cacheFile`.
 */
export function requireWithCodeCache<T>(bundleFile: string, cacheFile: string, parent: NodeJS.Module): CodeCachedBundle<T> {
  const source = readFileSync(bundleFile, 'utf8');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const Module = nodeModule();
  const script = new (vm().Script)(Module.wrap(source), { filename: bundleFile, ...(cachedData ? { cachedData } : {}) });
  const cacheState: CodeCacheState = cachedData === undefined ? 'absent' : script.cachedDataRejected === true ? 'rejected' : 'used';

  const bundle = new Module(bundleFile, parent);
  bundle.filename = bundleFile;
  bundle.paths = parent.paths;
  // Registered before it runs, as `require` does: a cycle back into the bundle gets its exports so far.
  require.cache[bundleFile] = bundle;
  try {
    const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: NodeJS.Module, filename: string, dirname: string) => void;
    const requireFromBundle = ((id: string): unknown => bundle.require(id)) as NodeJS.Require;
    Object.assign(requireFromBundle, { cache: require.cache, main: require.main, resolve: require.resolve, extensions: require.extensions });
    run.call(bundle.exports, bundle.exports, requireFromBundle, bundle, bundleFile, path.dirname(bundleFile));
  } catch (error) {
    delete require.cache[bundleFile];
    throw error;
  }
  bundle.loaded = true;

  let written = cacheState === 'used';
  return {
    exports: bundle.exports as T,
    cacheState,
    async writeCache(): Promise<void> {
      if (written) return;
      written = true;
      try {
        const { mkdir, readdir, rename, rm, writeFile } = fsPromises();
        const data = script.createCachedData();
        const dir = path.dirname(cacheFile);
        await mkdir(dir, { recursive: true });
        const partial = `${cacheFile}.${process.pid}.partial`;
        await writeFile(partial, data);
        await rename(partial, cacheFile);
        // One bundle's cache per folder: an update's first write removes the previous version's.
        for (const name of await readdir(dir)) {
          if (name !== path.basename(cacheFile)) await rm(path.join(dir, name), { force: true });
        }
      } catch {
        // Only a slower next start.
      }
    },
  };
}
