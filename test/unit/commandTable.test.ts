import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { IMAGE_MODEL_IDS } from '../../src/apiframe/imageModels';
import { COMMAND_IDS, INTERNAL_COMMAND_IDS } from '../../src/commandIds';
import { DEFAULT_CONFIRM_ABOVE_CREDITS } from '../../src/models/cost';

interface ManifestCommand {
  command: string;
  title: string;
  category?: string;
}
interface MenuEntry {
  command: string;
  when?: string;
}
interface ConfigurationProperty {
  scope?: string;
  markdownDescription?: string;
  description?: string;
  enum?: string[];
  enumDescriptions?: string[];
  default?: unknown;
}
interface Manifest {
  activationEvents: string[];
  contributes: {
    commands: ManifestCommand[];
    menus: Record<string, MenuEntry[]>;
    configuration: { properties: Record<string, ConfigurationProperty> };
    languages?: { id: string; extensions?: string[] }[];
  };
  capabilities: {
    untrustedWorkspaces: { supported: boolean | string; description?: string; restrictedConfigurations?: string[] };
    virtualWorkspaces: { supported: boolean | string; description?: string };
  };
}

const root = path.resolve(__dirname, '..', '..', '..');
const readJson = <T>(file: string): T => JSON.parse(readFileSync(path.join(root, file), 'utf8')) as T;
const manifestText = readFileSync(path.join(root, 'package.json'), 'utf8');
const manifest = JSON.parse(manifestText) as Manifest;
const nls = readJson<Record<string, string>>('package.nls.json');
const nlsKo = readJson<Record<string, string>>('package.nls.ko.json');
const bundleKo = readJson<Record<string, string>>('l10n/bundle.l10n.ko.json');

/** Every `%key%` the manifest uses. */
function manifestKeys(): string[] {
  // Group 1 is not optional: every match has it.
  return [...manifestText.matchAll(/"%([^"%]+)%"/g)].map((match) => match[1]!);
}

/** The entries of one of the manifest's menus, failing the test when the manifest has no such menu. */
function menu(name: string): MenuEntry[] {
  const entries = manifest.contributes.menus[name];
  assert.ok(entries, `package.json contributes no ${name} menu`);
  return entries;
}

function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts')) found.push(full);
  }
  return found;
}

/** The literal first argument of every `l10n.t(...)` call in src/ (the strings the Korean bundle must cover). */
function l10nStrings(): Map<string, string> {
  const strings = new Map<string, string>();
  const call = /l10n\.t\(\s*(['"])((?:\\.|(?!\1)[^\\])*)\1/g;
  for (const file of sourceFiles(path.join(root, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(call)) {
      // Group 2 is not optional: every match has it.
      const value = match[2]!.replace(/\\(.)/g, (_m, char: string) => (char === 'n' ? '\n' : char));
      strings.set(value, path.relative(root, file));
    }
  }
  return strings;
}

describe('command table', () => {
  it('contributes exactly the commands the extension registers', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, [...COMMAND_IDS].sort());
  });

  it('gives every command a localized title in the Apiframe category', () => {
    for (const command of manifest.contributes.commands) {
      assert.equal(command.category, 'Apiframe', command.command);
      const key = /^%(.+)%$/.exec(command.title)?.[1];
      assert.ok(key, `${command.command} title is not a %nls% key`);
      assert.ok(nls[key], `${key} is missing from package.nls.json`);
    }
  });

  it('hides exactly the internal commands from the palette', () => {
    const hidden = menu('commandPalette').filter((entry) => entry.when === 'false').map((entry) => entry.command);
    assert.deepEqual(hidden.sort(), [...INTERNAL_COMMAND_IDS].sort());
  });

  it('keeps Resume and Submit Anew out of the palette: they act on one record, and Submit Anew may charge a second job', () => {
    for (const id of ['apiframe.resumeJob', 'apiframe.submitAnew'] as const) {
      assert.ok(INTERNAL_COMMAND_IDS.includes(id), id);
      assert.ok(menu('commandPalette').some((entry) => entry.command === id && entry.when === 'false'), id);
    }
    const submitAnew = manifest.contributes.commands.find((c) => c.command === 'apiframe.submitAnew');
    assert.equal(submitAnew?.title, '%command.submitAnew%');
    assert.ok(nlsKo['command.submitAnew'], 'a Korean title');
  });

  it('offers "from selection" in the editor context menu only with a selection, and "here" on explorer folders', () => {
    const editorMenu = menu('editor/context').find((e) => e.command === 'apiframe.generateFromSelection');
    assert.match(editorMenu?.when ?? '', /\beditorHasSelection\b/);
    const explorerMenu = menu('explorer/context').find((e) => e.command === 'apiframe.generateHere');
    assert.match(explorerMenu?.when ?? '', /\bexplorerResourceIsFolder\b/);
  });
});

describe('settings in the manifest', () => {
  const properties = manifest.contributes.configuration.properties;

  it('keeps the base URL, history and timeout out of workspace reach (application scope)', () => {
    for (const key of ['apiframe.baseUrl', 'apiframe.historyLimit', 'apiframe.requestTimeoutSeconds']) {
      assert.equal(properties[key]?.scope, 'application', key);
    }
    assert.equal(properties['apiframe.baseUrl']?.default, 'https://api.apiframe.ai');
  });

  it('has the documented defaults', () => {
    assert.equal(properties['apiframe.destination']?.default, 'images');
    assert.equal(properties['apiframe.afterCompletion']?.default, 'openGallery');
    assert.equal(properties['apiframe.historyLimit']?.default, 500);
    assert.deepEqual(properties['apiframe.sitePaths']?.default, {});
    assert.equal(properties['apiframe.askForFileName']?.default, false);
    assert.deepEqual(properties['apiframe.linkTemplates']?.default, {});
    for (const key of ['apiframe.sitePaths', 'apiframe.askForFileName', 'apiframe.linkTemplates']) assert.equal(properties[key]?.scope, 'resource', key);
  });

  it('declares the model settings: DALL-E 3 by default, one candidate, and a cost question only the user can switch off', () => {
    const model = properties['apiframe.model'];
    assert.equal(model?.default, 'dall-e-3');
    assert.deepEqual(model.enum, [...IMAGE_MODEL_IDS], 'the manifest offers exactly the models the extension speaks');
    assert.deepEqual(properties['apiframe.modelParams']?.default, {});
    assert.equal(properties['apiframe.candidates']?.default, 1);
    assert.equal(properties['apiframe.confirmAboveCredits']?.default, DEFAULT_CONFIRM_ABOVE_CREDITS);
    // A workspace must not be able to turn the question off: user settings only.
    assert.equal(properties['apiframe.confirmAboveCredits']?.scope, 'application');
  });

  it('never declares a setting for the API key', () => {
    for (const key of Object.keys(properties)) assert.doesNotMatch(key, /key|secret|token/i, key);
  });

  it('declares limited support for untrusted and virtual workspaces, restricting the destination, site paths, templates and what a job costs', () => {
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    // What a workspace could use to write into the user's documents (where files go, what text is inserted), and
    // to spend the user's credits (the model, its parameters, the number of candidates).
    assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations, [
      'apiframe.destination',
      'apiframe.sitePaths',
      'apiframe.linkTemplates',
      'apiframe.model',
      'apiframe.modelParams',
      'apiframe.candidates',
    ]);
    assert.equal(manifest.capabilities.virtualWorkspaces.supported, 'limited');
  });

  it('knows .mdx files as MDX (its own reference syntax) even without an MDX extension', () => {
    assert.deepEqual(manifest.contributes.languages?.find((language) => language.id === 'mdx')?.extensions, ['.mdx']);
  });

  it('activates on start-up (to resume jobs) and for the gallery restore', () => {
    assert.ok(manifest.activationEvents.includes('onStartupFinished'));
    assert.ok(manifest.activationEvents.includes('onWebviewPanel:apiframe.gallery'));
  });
});

describe('localization', () => {
  it('resolves every %key% of the manifest in English and Korean', () => {
    for (const key of manifestKeys()) {
      assert.ok(nls[key], `${key} is missing from package.nls.json`);
      assert.ok(nlsKo[key], `${key} is missing from package.nls.ko.json`);
    }
  });

  it('has the same keys in package.nls.json and package.nls.ko.json', () => {
    assert.deepEqual(Object.keys(nlsKo).sort(), Object.keys(nls).sort());
  });

  it('translates every vscode.l10n.t string of the extension into Korean', () => {
    const strings = l10nStrings();
    assert.ok(strings.size > 20, `found only ${strings.size} l10n strings — is the extraction broken?`);
    const missing = [...strings].filter(([value]) => !bundleKo[value]).map(([value, file]) => `${file}: ${JSON.stringify(value)}`);
    assert.deepEqual(missing, []);
  });

  it('keeps the {n} placeholders of each translation', () => {
    for (const [english, korean] of Object.entries(bundleKo)) {
      const placeholders = (text: string): string[] => [...text.matchAll(/\{\d+\}/g)].map((m) => m[0]).sort();
      assert.deepEqual(placeholders(korean), placeholders(english), english);
    }
  });
});
