/**
 * Size budget: the production start-up bundle, the whole of dist/ and the .vsix, with each
 * bundle's top contributors from esbuild's metafile. Builds with `--production --metafile` first.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');

export interface SizeFigures {
  startupBytes: number;
  coreBytes: number;
  distBytes: number;
  /** dist/ built for development (unminified, sourcemaps): the baseline for distBytes. */
  developmentDistBytes: number;
  vsixBytes: number;
  /** The files the .vsix holds, uncompressed: the baseline for vsixBytes. */
  vsixUncompressedBytes: number;
  /** Per bundle, the largest inputs by bytes in the output. */
  contributors: Record<string, { input: string; bytes: number }[]>;
}

interface Metafile {
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

function folderBytes(folder: string, skip: (file: string) => boolean): number {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) total += folderBytes(full, skip);
    else if (!skip(full)) total += statSync(full).size;
  }
  return total;
}

/** Collapses node_modules paths to their package so the report names libraries, not files. */
function contributorName(input: string): string {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input;
}

function packageVsixBytes(): number {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'apiframe-vsix-'));
  try {
    const vsix = path.join(tmp, 'bench.vsix');
    // vsce runs `vscode:prepublish` (type check + production build) itself.
    execFileSync(
      process.execPath,
      [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '-o', vsix],
      { cwd: root, stdio: 'ignore' },
    );
    return statSync(vsix).size;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The files `vsce` would package (relative paths), from `vsce ls`. */
function vsixFiles(): string[] {
  const listing = execFileSync(
    process.execPath,
    [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'],
    { cwd: root, encoding: 'utf8' },
  );
  return listing.split('\n').map((line) => line.trim()).filter((line) => line.length > 0);
}

function developmentDistBytes(): number {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'apiframe-devdist-'));
  try {
    execFileSync(process.execPath, ['esbuild.mjs', `--outdir=${tmp}`], { cwd: root, stdio: 'inherit' });
    return folderBytes(tmp, () => false);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function measureSize(): SizeFigures {
  const vsixBytes = packageVsixBytes();
  rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  execFileSync(process.execPath, ['esbuild.mjs', '--production', '--metafile'], { cwd: root, stdio: 'inherit' });
  const contributors: SizeFigures['contributors'] = {};
  for (const bundle of ['extension', 'core', 'gallery']) {
    const metafile = JSON.parse(readFileSync(path.join(root, 'dist', `meta-${bundle}.json`), 'utf8')) as Metafile;
    const byName = new Map<string, number>();
    for (const output of Object.values(metafile.outputs)) {
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        const name = contributorName(input);
        byName.set(name, (byName.get(name) ?? 0) + bytesInOutput);
      }
    }
    contributors[bundle] = [...byName.entries()]
      .map(([input, bytes]) => ({ input, bytes }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 5);
  }
  const startupBytes = statSync(path.join(root, 'dist', 'extension.js')).size;
  const coreBytes = statSync(path.join(root, 'dist', 'core.js')).size;
  const distBytes = folderBytes(path.join(root, 'dist'), (f) => /meta-[^/]+\.json$/.test(f));
  const vsixUncompressedBytes = vsixFiles().reduce((sum, file) => sum + statSync(path.join(root, file)).size, 0);
  return { startupBytes, coreBytes, distBytes, developmentDistBytes: developmentDistBytes(), vsixBytes, vsixUncompressedBytes, contributors };
}
