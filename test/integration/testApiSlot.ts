// Where the extension publishes its test API in ExtensionMode.Test (see src/extension.ts): a registered
// symbol on globalThis, never the extension's exports. No `vscode` import, so the unit tests read it too.
import type { ExtensionTestApi } from '../../src/extension';

/** The same registered-symbol name src/extension.ts uses; a mismatch fails every test that reads it. */
export const TEST_API_SLOT = Symbol.for('apiframe-images.testApi');

/** The published test API, or undefined when the extension is not active in ExtensionMode.Test. */
export function readTestApi(): ExtensionTestApi | undefined {
  return (globalThis as Record<symbol, ExtensionTestApi | undefined>)[TEST_API_SLOT];
}
