// The one way the integration tests reach the extension: activate it, then read the test API it publishes in
// ExtensionMode.Test (testApiSlot.ts) and fill in its test hooks with the suite's stand-ins. The extension
// exports nothing (exports.test.ts checks that).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestHooks } from '../../src/container/testHooks';
import type { ExtensionTestApi } from '../../src/extension';
import type { GalleryTraffic } from '../../src/gallery/galleryPanel';
import type { GalleryItem, HostToWebview } from '../../src/gallery/protocol';
import { ScriptedUi } from './scriptedUi';
import { readTestApi } from './testApiSlot';

export const EXTENSION_ID = 'apiframe-images.apiframe-images';

/** The suite's stand-in for the user: one per window, since the extension has one UI port. */
export const suiteUi = new ScriptedUi();

const galleryTrafficListeners = new Set<(traffic: GalleryTraffic) => void>();

/** Calls `listener` with every HTML the gallery sets and every message it posts from now on. */
export function onGalleryTraffic(listener: (traffic: GalleryTraffic) => void): vscode.Disposable {
  galleryTrafficListeners.add(listener);
  return new vscode.Disposable(() => galleryTrafficListeners.delete(listener));
}

/**
 * The host message a piece of traffic carries: a posted message, or the first `state` embedded in the page's
 * HTML (which the page shows without it ever being posted).
 */
export function hostMessageOf(traffic: GalleryTraffic): HostToWebview | undefined {
  return traffic.kind === 'message' ? traffic.message : traffic.embedded;
}

/** The items the page was handed for card `localId` in `traffic` (in a state, an append or an update), oldest first. */
export function galleryItemsSent(traffic: readonly GalleryTraffic[], localId: string): GalleryItem[] {
  return traffic.flatMap((sent) => {
    // The first screen may have come inside the page's HTML rather than in a message.
    const message = hostMessageOf(sent);
    if (!message) return [];
    if (message.type === 'update') return message.item.localId === localId ? [message.item] : [];
    if (message.type === 'state' || message.type === 'append') return message.items.filter((item) => item.localId === localId);
    return [];
  });
}

/** Fills the extension's test hooks with the suite's stand-ins (once; the hooks object lives as long as the window). */
function installSuiteHooks(hooks: TestHooks): void {
  hooks.ui ??= suiteUi;
  hooks.galleryTraffic ??= (traffic) => {
    for (const listener of galleryTrafficListeners) listener(traffic);
  };
}

/** The extension as VS Code lists it; fails when it is not installed in this window. */
export function ourExtension(): vscode.Extension<unknown> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(extension, `${EXTENSION_ID} is not installed in this VS Code`);
  return extension;
}

/** Activates the extension (once; later calls just wait for it), installs the suite's hooks and returns the test API. */
export async function activateForTests(): Promise<ExtensionTestApi> {
  await ourExtension().activate();
  const api = readTestApi();
  assert.ok(api, 'the extension published no test API: is this window running in ExtensionMode.Test?');
  installSuiteHooks(api.hooks);
  return api;
}
