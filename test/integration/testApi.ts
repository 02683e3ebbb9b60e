// The one way the integration tests reach the extension: activate it, then read the test API it publishes in
// ExtensionMode.Test (testApiSlot.ts). The extension exports nothing (exports.test.ts checks that).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionTestApi } from '../../src/extension';
import { readTestApi } from './testApiSlot';

export const EXTENSION_ID = 'apiframe-images.apiframe-images';

/** The extension as VS Code lists it; fails when it is not installed in this window. */
export function ourExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in this VS Code`);
  return extension;
}

/** Activates the extension (once; later calls just wait for it) and returns its test API. */
export async function activateForTests(): Promise<ExtensionTestApi> {
  await ourExtension().activate();
  const api = readTestApi();
  assert.ok(api, 'the extension published no test API: is this window running in ExtensionMode.Test?');
  return api;
}
