import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { COMMAND_IDS } from '../../src/commandIds';

interface Manifest {
  contributes: { commands: { command: string; title: string; category?: string }[] };
}

const root = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const nls = JSON.parse(readFileSync(path.join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;

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
});
