// What activation hands out, in plain Node with `vscode` stubbed (test/bench/vscodeStub.ts): nothing through
// the extension's exports in any mode, and the test API on its globalThis slot only in ExtensionMode.Test.
// The integration suite checks the same in a real VS Code (test/integration/exports.test.ts).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { ExtensionTestApi } from '../../src/extension';
import { EXTENSION_MODE, fakeExtensionContext, installVscodeStub, type ExtensionModeValue } from '../bench/vscodeStub';
import { readTestApi, TEST_API_SLOT } from '../integration/testApiSlot';

const root = path.resolve(__dirname, '..', '..', '..');
/** The extension's entry point as tsc compiled it next to this test (dist/ may be older than the source). */
const compiledExtension = path.join(root, 'out', 'src', 'extension.js');

interface ExtensionModule {
  activate(context: unknown): unknown;
}

interface Activation {
  returned: unknown;
  context: { subscriptions: { dispose(): unknown }[] };
  /** Own properties of globalThis (string and symbol keys) that activation added. */
  addedGlobals: (string | symbol)[];
}

describe('what activation exports (plain Node, vscode stubbed)', () => {
  let uninstallStub: (() => void) | undefined;
  let cachedBefore: Set<string>;
  let extension: ExtensionModule;

  before(() => {
    cachedBefore = new Set(Object.keys(require.cache));
    uninstallStub = installVscodeStub();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    extension = require(compiledExtension) as ExtensionModule;
  });

  after(() => {
    uninstallStub?.();
    // Modules loaded against the stub must not be handed to a later test that expects them fresh.
    for (const id of Object.keys(require.cache)) if (!cachedBefore.has(id)) delete require.cache[id];
  });

  afterEach(() => {
    delete (globalThis as Record<symbol, unknown>)[TEST_API_SLOT];
  });

  function activateIn(mode: ExtensionModeValue): Activation {
    const globalsBefore = new Set(Reflect.ownKeys(globalThis));
    const context = fakeExtensionContext(root, mode) as unknown as Activation['context'];
    const returned = extension.activate(context);
    const addedGlobals = Reflect.ownKeys(globalThis).filter((key) => !globalsBefore.has(key));
    assert.ok(context.subscriptions.length > 0, 'activation registered its commands (it really ran)');
    return { returned, context, addedGlobals };
  }

  for (const mode of ['Production', 'Development'] as const) {
    it(`returns undefined in ExtensionMode.${mode} and publishes no test API`, () => {
      const { returned, addedGlobals } = activateIn(EXTENSION_MODE[mode]);
      assert.equal(returned, undefined, 'activate() must return nothing: its value becomes the exports every extension can read');
      assert.equal(readTestApi(), undefined, 'the test API slot is empty');
      assert.deepEqual(addedGlobals, [], 'activation put nothing on globalThis');
    });
  }

  it('in ExtensionMode.Test also returns undefined, and publishes the test API on its slot only', () => {
    const { returned, context, addedGlobals } = activateIn(EXTENSION_MODE.Test);
    assert.equal(returned, undefined);
    assert.deepEqual(addedGlobals, [TEST_API_SLOT], 'the registered symbol is the only thing added to globalThis');
    const api: ExtensionTestApi | undefined = readTestApi();
    assert.ok(api, 'the tests find the API where testApiSlot.ts looks');
    assert.equal(typeof api.core, 'function');
    assert.deepEqual(api.hooks, {}, 'the test hooks ship empty: only the suite fills them in');
    assert.ok(Number.isFinite(api.activationMs) && api.activationMs > 0, `activationMs=${api.activationMs}`);
    assert.equal(Object.getOwnPropertyDescriptor(globalThis, TEST_API_SLOT)?.enumerable, false, 'not listed by a for…in over globalThis');

    for (const subscription of context.subscriptions) subscription.dispose();
    assert.equal(readTestApi(), undefined, 'deactivation takes the test API back');
  });
});
