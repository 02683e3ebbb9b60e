// Builds the extension's bundles:
//   dist/extension.js  – the start-up bundle: registrations only, loaded at activation;
//   dist/core.js       – everything heavy (undici, client, jobs, webview host), required on first use;
//   dist/webview/*.js  – the gallery's browser script, which the host writes into the page's HTML;
//   dist/webview/gallery.css – the gallery's stylesheet with the codicon rules, which the host writes into the
//                        page's HTML (no render-blocking fetch before the first paint);
//   dist/codicons/     – the codicon font and rules (the gallery's icons only); the host writes the font into
//                        the page's HTML as data.
// Flags: --production (minified, no sourcemaps), --watch (rebuild on change, problem-matcher output),
// --metafile (writes dist/meta-*.json for the size report), --outdir=DIR (instead of dist/).
import * as esbuild from 'esbuild';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import subsetFont from 'subset-font';
import { subsetCodiconCss, withoutFontFace } from './scripts/codiconSubset.mjs';

const root = path.dirname(fileURLToPath(import.meta.url));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const metafile = process.argv.includes('--metafile');
// --outdir=DIR builds somewhere else than dist/ (the size benchmark builds a development baseline there).
const distDir = path.resolve(root, process.argv.find((a) => a.startsWith('--outdir='))?.slice('--outdir='.length) ?? 'dist');

/** Prints the lines the `$esbuild-watch` problem matcher in .vscode/tasks.json looks for. */
const problemMatcherPlugin = {
  name: 'problem-matcher',
  setup(build) {
    build.onStart(() => {
      console.log('[watch] build started');
    });
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
      console.log('[watch] build finished');
    });
  },
};

/**
 * `vscode` as one namespace per bundle. Left as a plain external, every module's `import * as vscode` becomes its
 * own `__toESM(require("vscode"))`, which copies a getter for each of the API's several hundred members: fifty
 * such copies cost 25–50 ms of the core bundle's evaluation on first use. Through this one re-exporting module the
 * API is copied once, and every module reads that copy.
 */
const vscodeOncePlugin = {
  name: 'vscode-once',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) =>
      args.namespace === 'vscode-once' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-once' },
    );
    build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({ contents: 'export * from "vscode";', loader: 'js' }));
  },
};

/** `@import "codicons"` in media/gallery.css: the codicon rules copyCodicons() wrote for this build. */
const codiconRulesPlugin = {
  name: 'codicon-rules',
  setup(build) {
    build.onResolve({ filter: /^codicons$/ }, () => ({ path: path.join(distDir, 'codicons', 'codicon.css') }));
  },
};

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: watch ? 'silent' : 'warning',
  metafile,
  plugins: watch ? [problemMatcherPlugin] : [],
  absWorkingDir: root,
  define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
};

const configs = [
  {
    ...common,
    entryPoints: { extension: 'src/extension.ts' },
    outdir: distDir,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // core.js is a bundle of its own, required on first use, so activation never evaluates undici.
    external: ['./core.js'],
    plugins: [...common.plugins, vscodeOncePlugin],
  },
  {
    ...common,
    entryPoints: { core: 'src/core.ts' },
    outdir: distDir,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    plugins: [...common.plugins, vscodeOncePlugin],
  },
  {
    ...common,
    entryPoints: { gallery: 'media/gallery.ts' },
    outdir: path.join(distDir, 'webview'),
    // Written into the page's HTML, where a sourcemap comment would point nowhere.
    sourcemap: false,
    format: 'iife',
    platform: 'browser',
    target: ['chrome114'],
  },
  {
    ...common,
    // The page's stylesheet with the codicon rules it @imports (dist/codicons/codicon.css, written first).
    entryPoints: { gallery: 'media/gallery.css' },
    outdir: path.join(distDir, 'webview'),
    // Written into the page's HTML, where a sourcemap comment would point nowhere.
    sourcemap: false,
    metafile: false,
    target: ['chrome114'],
    plugins: [...common.plugins, codiconRulesPlugin],
  },
];

/**
 * The codicon font and stylesheet, cut down to the icons the gallery uses (media/galleryIcons.ts): ~8 KB instead
 * of 160 KB in every install, with the same file names (the page's CSP and URLs stay as they are).
 */
async function copyCodicons() {
  const from = path.join(root, 'node_modules', '@vscode', 'codicons', 'dist');
  const to = path.join(distDir, 'codicons');
  await mkdir(to, { recursive: true });
  const names = await galleryIcons();
  const subset = subsetCodiconCss(await readFile(path.join(from, 'codicon.css'), 'utf8'), names);
  if (subset.missing.length > 0) throw new Error(`codicons: no such icon in @vscode/codicons: ${subset.missing.join(', ')}`);
  const font = await subsetFont(await readFile(path.join(from, 'codicon.ttf')), String.fromCodePoint(...subset.codePoints), { targetFormat: 'truetype' });
  // The @font-face is the host's to write (galleryHtml.ts): its URL is a webview URI only the host knows.
  await Promise.all([writeFile(path.join(to, 'codicon.css'), withoutFontFace(subset.css)), writeFile(path.join(to, 'codicon.ttf'), font)]);
}

/** The list in media/galleryIcons.ts, read by bundling that one module (it imports nothing). */
async function galleryIcons() {
  const result = await esbuild.build({ entryPoints: [path.join(root, 'media', 'galleryIcons.ts')], bundle: true, write: false, format: 'cjs', platform: 'node', logLevel: 'silent' });
  const module = { exports: {} };
  new Function('module', 'exports', result.outputFiles[0].text)(module, module.exports);
  return module.exports.GALLERY_ICONS;
}

async function main() {
  await copyCodicons();
  if (watch) {
    const contexts = await Promise.all(configs.map((c) => esbuild.context(c)));
    await Promise.all(contexts.map((c) => c.watch()));
    return;
  }
  const results = await Promise.all(configs.map((c) => esbuild.build(c)));
  if (metafile) {
    await Promise.all(
      results.map((r, i) =>
        configs[i].metafile === false ? undefined : writeFile(path.join(distDir, `meta-${Object.keys(configs[i].entryPoints)[0]}.json`), JSON.stringify(r.metafile)),
      ),
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
