// The extension exports nothing. `vscode.extensions.getExtension(id).exports` is what activate() returned, and
// every installed extension can read it: once it held the core, whose services read the stored API key. The
// tests reach the core through the Test-mode-only slot instead (testApi.ts).
import * as assert from 'node:assert/strict';
import type { TestCore } from '../../src/container/testHooks';
import { CANARY_KEY, suiteKeys } from './leakRegistry';
import { activateForTests, ourExtension } from './testApi';

interface Targets {
  /** Objects that must not be reachable (the core, its services, the test hooks). */
  readonly objects: ReadonlySet<object>;
  /** Strings that must not be reachable, whole or inside a longer string (API keys). */
  readonly secrets: readonly string[];
}

/**
 * Paths from `root` to anything that leads to the extension's internals: a target object, a string holding
 * a secret, or code to call (a function, a getter), since calling it may hand out anything. Walks own
 * properties (string and symbol keys), prototypes other than the built-in ones, and Map and Set entries.
 */
function leadsFrom(root: unknown, targets: Targets): string[] {
  const builtIns = new Set<unknown>([Object.prototype, Function.prototype, Array.prototype, Map.prototype, Set.prototype, null]);
  const leads: string[] = [];
  const seen = new Set<object>();
  const queue: { value: unknown; at: string }[] = [{ value: root, at: 'exports' }];
  while (queue.length > 0) {
    const { value, at } = queue.shift()!;
    if (typeof value === 'string') {
      if (targets.secrets.some((secret) => value.includes(secret))) leads.push(`${at} (holds an API key)`);
      continue;
    }
    if (typeof value === 'function') {
      leads.push(`${at} (callable)`);
      continue;
    }
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    if (targets.objects.has(value)) {
      leads.push(`${at} (the core, its services or the test hooks)`);
      continue;
    }
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      const name = `${at}[${String(key)}]`;
      if (descriptor?.get || descriptor?.set) leads.push(`${name} (accessor)`);
      else queue.push({ value: descriptor?.value, at: name });
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (!builtIns.has(prototype)) queue.push({ value: prototype, at: `${at}.__proto__` });
    if (value instanceof Map) for (const [key, entry] of value) queue.push({ value: key, at: `${at}.key` }, { value: entry, at: `${at}.get(…)` });
    if (value instanceof Set) for (const entry of value) queue.push({ value: entry, at: `${at}.entry` });
  }
  return leads;
}

describe('what the extension exports', () => {
  let core: TestCore;
  let targets: Targets;

  before(async () => {
    const api = await activateForTests();
    core = api.core();
    targets = { objects: new Set<object>([core, core.services, api.hooks]), secrets: suiteKeys().map((key) => key.value) };
  });

  it('the search for leads finds the core, a key and callable code where they are', () => {
    // What activate() used to return, and worse: the check below is worth something only if it catches these.
    assert.deepEqual(leadsFrom({ core: () => core, activationMs: 3 }, targets), ['exports[core] (callable)']);
    assert.deepEqual(leadsFrom({ nested: new Map([['x', { services: core.services }]]) }, targets), ['exports[nested].get(…)[services] (the core, its services or the test hooks)']);
    assert.deepEqual(leadsFrom([`key=${CANARY_KEY}`], targets), ['exports[0] (holds an API key)']);
    assert.deepEqual(leadsFrom(Object.defineProperty({}, 'core', { get: () => core }), targets), ['exports[core] (accessor)']);
    assert.deepEqual(leadsFrom({ activationMs: 3, id: 'apiframe-images' }, targets), []);
  });

  it('getExtension(id).exports is undefined once active, and activating again resolves to undefined', async () => {
    const extension = ourExtension();
    assert.equal(extension.isActive, true);
    assert.equal(extension.exports, undefined, 'the extension exports something other extensions can call');
    const activated: unknown = await extension.activate();
    assert.equal(activated, undefined);
    assert.deepEqual(leadsFrom(extension.exports, targets), []);
    assert.deepEqual(leadsFrom(activated, targets), []);
  });
});
