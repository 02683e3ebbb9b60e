/**
 * Hostile workspace settings, the pure part: a `.vscode/settings.json` may set the
 * destination to anything. Each value is either refused with a message that says how to fix it, or resolves to
 * a folder inside the workspace folder — and every hostile file name joined onto it stays there too.
 * Destination folders with hostile names must give references every document language reads back.
 * (Symlinks, read-only folders and a destination that is a file need a real file system: tested in VS Code.)
 */
import * as assert from 'node:assert/strict';
import { isInside, resolveDestination } from '../../../src/workspace/destination';
import type { DestinationInput } from '../../../src/workspace/destination';
import { fileNameForImage } from '../../../src/workspace/slug';
import { assertInsideFolder, assertJoinStaysIn, assertSafeFileName } from '../checks';
import type { HostileCase } from '../types';
import { HOSTILE_PROMPTS } from './prompts';
import { HOSTILE_FOLDER_NAMES } from '../../support/hostileNames';
import { assertRoundTrip } from '../../support/referenceParsers';

const WORKSPACE = '/home/me/site';
const DOCUMENT = '/home/me/site/docs/post.md';

interface HostileDestination {
  readonly name: string;
  readonly setting: string;
  /** `refused`: must not resolve; `inside`: may resolve, but only inside the workspace folder. */
  readonly expect: 'refused' | 'inside';
  readonly documentPath?: string | null;
}

const HOSTILE_DESTINATIONS: readonly HostileDestination[] = [
  { name: 'parent folder', setting: '..', expect: 'refused' },
  { name: 'parent of parent', setting: '../..', expect: 'refused' },
  { name: 'deep traversal', setting: '../../../../../../../../etc', expect: 'refused' },
  { name: 'traversal after a folder', setting: 'images/../../x', expect: 'refused' },
  { name: 'traversal with ./', setting: './../x', expect: 'refused' },
  { name: 'traversal with backslashes', setting: '..\\..\\Windows', expect: 'refused' },
  { name: 'mixed separators', setting: 'images\\../..\\x', expect: 'refused' },
  { name: 'traversal from ${workspaceFolder}', setting: '${workspaceFolder}/../x', expect: 'refused' },
  { name: 'traversal from ${documentDirName}', setting: '${documentDirName}/../../../x', expect: 'refused' },
  { name: 'filesystem root', setting: '/', expect: 'refused' },
  { name: 'absolute /etc', setting: '/etc', expect: 'refused' },
  { name: 'absolute /tmp', setting: '/tmp/images', expect: 'refused' },
  { name: 'sibling with a shared prefix', setting: '/home/me/site2/images', expect: 'refused' },
  { name: 'absolute inside the workspace', setting: '/home/me/site/assets', expect: 'inside' },
  { name: 'absolute with traversal back in', setting: '/home/me/other/../site/assets', expect: 'inside' },
  { name: 'UNC with forward slashes', setting: '//server/share', expect: 'refused' },
  { name: 'UNC with backslashes', setting: '\\\\server\\share\\images', expect: 'refused' },
  { name: 'Windows drive', setting: 'C:\\Windows\\Temp', expect: 'refused' },
  { name: 'drive-relative', setting: 'C:images', expect: 'refused' },
  { name: 'file URL', setting: 'file:///etc', expect: 'refused' },
  { name: 'home folder', setting: '~/Pictures', expect: 'refused' },
  { name: 'NUL truncation', setting: 'images\u0000/../../../etc', expect: 'refused' },
  { name: 'newline', setting: 'images\n../../etc', expect: 'refused' },
  { name: 'bidi override', setting: 'images/\u202Egnp', expect: 'refused' },
  { name: 'zero-width space', setting: 'ima\u200Bges', expect: 'refused' },
  { name: 'unknown variable', setting: '${env:HOME}/images', expect: 'refused' },
  { name: 'command variable', setting: '${command:workbench.action.terminal.new}', expect: 'refused' },
  { name: 'absolute variable in the middle', setting: 'x/${workspaceFolder}', expect: 'refused' },
  { name: 'unclosed variable', setting: 'images/${date', expect: 'refused' },
  { name: 'reserved device folder', setting: 'images/nul', expect: 'refused' },
  { name: 'percent-encoded dots stay literal', setting: '%2e%2e/%2e%2e/x', expect: 'inside' },
  { name: 'full-width dots stay literal', setting: '．．/．．/x', expect: 'inside' },
  { name: 'three dots are a name', setting: '.../x', expect: 'inside' },
  { name: 'huge traversal', setting: `${'../'.repeat(5000)}etc`, expect: 'refused' },
  { name: 'huge but inside', setting: `${'a/'.repeat(500)}b`, expect: 'inside' },
  {
    name: 'document named "...md" through ${documentBaseName}',
    setting: '${documentBaseName}',
    documentPath: '/home/me/site/...md',
    expect: 'refused',
  },
  {
    name: 'document outside the workspace through ${documentDirName}',
    setting: '${documentDirName}/images',
    documentPath: '/etc/passwd.md',
    expect: 'refused',
  },
  {
    name: 'document in a sibling folder with a shared prefix',
    setting: '${documentDirName}',
    documentPath: '/home/me/site2/post.md',
    expect: 'refused',
  },
  {
    name: 'bidi override inside a document name',
    setting: 'images/${documentBaseName}',
    documentPath: '/home/me/site/cat\u202Egnp.md',
    expect: 'refused',
  },
  {
    name: 'control character inside a document name',
    setting: '${documentBaseName}',
    documentPath: '/home/me/site/a\u0007b.md',
    expect: 'refused',
  },
  { name: 'document variable without a document', setting: '${documentDirName}', documentPath: null, expect: 'refused' },
  {
    name: 'backslash traversal inside a document name stays literal',
    setting: 'images/${documentBaseName}',
    documentPath: '/home/me/site/..\\..\\x.md',
    expect: 'inside',
  },
];

function inputFor(entry: HostileDestination): DestinationInput {
  return {
    workspaceFolderPath: WORKSPACE,
    documentPath: entry.documentPath === null ? undefined : (entry.documentPath ?? DOCUMENT),
    setting: entry.setting,
    now: () => new Date(2026, 10, 25, 12),
  };
}

/** Candidate paths that share a prefix with the workspace folder or hide a traversal: never "inside". */
const OUTSIDE_PATHS = [
  '/home/me/site2',
  '/home/me/site2/images',
  '/home/me/sit',
  '/home/me/site-old/x',
  '/home/me/site/../site2',
  '/home/me/site/images/../../x',
  '/home/me/site\0/x',
  '/home/me',
  '/',
  'home/me/site/images',
  '',
];

const isInsideCases: HostileCase[] = OUTSIDE_PATHS.map((candidate) => ({
  area: 'workspace',
  name: `isInside refuses ${JSON.stringify(candidate)}`,
  run() {
    assert.equal(isInside(WORKSPACE, candidate.replace('\\0', '\u0000')), false);
  },
}));

const destinationCases: HostileCase[] = HOSTILE_DESTINATIONS.map((entry) => ({
  area: 'workspace',
  name: `destination: ${entry.name}`,
  run() {
    const result = resolveDestination(inputFor(entry));
    if (entry.expect === 'refused') {
      assert.equal(result.ok, false, `resolved to ${JSON.stringify(result)}`);
    }
    if (!result.ok) {
      assert.match(result.message, /relative to the workspace folder/, 'says how to fix it');
      assert.ok(result.message.length < 800, 'message is bounded');
      assert.ok(!/[\p{Cc}\u202a-\u202e\u2066-\u2069\u200b]/u.test(result.message), 'no raw control or bidi characters');
      return;
    }
    assertInsideFolder(WORKSPACE, result.folderPath);
    assert.equal(result.folderPath, result.relativePath ? `${WORKSPACE}/${result.relativePath}` : WORKSPACE);
    for (const prompt of HOSTILE_PROMPTS) {
      const fileName = fileNameForImage(prompt.prompt, 'job-id', 'png');
      assertSafeFileName(fileName);
      assertJoinStaysIn(result.folderPath, fileName);
    }
  },
}));

/** Every reference syntax, with a document of its kind at {@link DOCUMENT}'s place. */
const REFERENCE_LANGUAGES: readonly (readonly [languageId: string, extension: string])[] = [
  ['markdown', 'md'],
  ['mdx', 'mdx'],
  ['html', 'html'],
  ['svelte', 'svelte'],
  ['typescriptreact', 'tsx'],
  ['css', 'css'],
  ['asciidoc', 'adoc'],
  ['restructuredtext', 'rst'],
  ['latex', 'tex'],
  ['typst', 'typ'],
  ['plaintext', 'txt'],
];

/**
 * A destination folder with a hostile but ordinary name: refused with a message naming the setting, or every
 * syntax's reference to an image saved there reads back with that language's parser (LaTeX refusing the
 * names TeX cannot take).
 */
const folderNameCases: HostileCase[] = HOSTILE_FOLDER_NAMES.map((folder) => ({
  area: 'workspace',
  name: `destination folder ${JSON.stringify(folder.length > 40 ? `${folder.slice(0, 20)}… (${folder.length})` : folder)}: references`,
  async run() {
    const result = resolveDestination({ workspaceFolderPath: WORKSPACE, documentPath: DOCUMENT, setting: `assets/${folder}` });
    if (!result.ok) {
      assert.match(result.message, /apiframe\.destination/);
      assert.ok(!/[\p{Cc}\u202a-\u202e\u2066-\u2069\u200b]/u.test(result.message), 'no raw control or bidi characters');
      return;
    }
    const fileName = fileNameForImage('A lighthouse at dusk', 'job-id', 'png');
    for (const [languageId, extension] of REFERENCE_LANGUAGES) {
      await assertRoundTrip(languageId, DOCUMENT.replace(/\.md$/, `.${extension}`), `${result.folderPath}/${fileName}`, 'A cat {docdir}, "quoted"');
    }
  },
}));

/** Names and paths beyond what file systems take are refused up front, naming the setting and the name. */
const lengthCases: HostileCase[] = [
  { name: '256-byte folder name', setting: `images/${'x'.repeat(256)}` },
  { name: '86 Hangul syllables (258 bytes)', setting: '가'.repeat(86) },
  { name: '64 emoji (256 bytes)', setting: '😀'.repeat(64) },
  { name: 'path beyond 4096 bytes', setting: Array.from({ length: 420 }, () => 'abcdefghi').join('/') },
].map(({ name, setting }) => ({
  area: 'workspace' as const,
  name: `destination: ${name}`,
  run() {
    const result = resolveDestination({ workspaceFolderPath: WORKSPACE, documentPath: DOCUMENT, setting });
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.match(result.message, /apiframe\.destination/);
      assert.match(result.message, /bytes/);
      assert.ok(result.message.length < 800, 'bounded');
    }
  },
}));

export const cases: HostileCase[] = [...destinationCases, ...isInsideCases, ...folderNameCases, ...lengthCases];
