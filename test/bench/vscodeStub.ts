/**
 * A stand-in for the `vscode` module so the start-up bundle can be loaded and activated in plain Node
 * (the activation benchmark, and the unit test of what activation exports). Every property is a callable
 * proxy that returns another proxy, so whatever `activate()` touches (window, commands, l10n, secrets…)
 * exists and costs next to nothing; `then` is absent so nothing looks like a promise. `ExtensionMode` is
 * the real enum: activation behaves differently in test mode, and a proxy would equal no mode at all.
 */
import Module from 'node:module';

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;

function makeStub(): unknown {
  const handler: ProxyHandler<() => void> = {
    get(_target, property) {
      if (property === 'then') return undefined;
      if (property === Symbol.toPrimitive) return () => '';
      return stub;
    },
    apply() {
      return stub;
    },
    construct() {
      return stub as object;
    },
  };
  const stub: unknown = new Proxy(function vscodeStub() {}, handler);
  return stub;
}

/** The values of `vscode.ExtensionMode`, as VS Code defines them. */
export const EXTENSION_MODE = { Production: 1, Development: 2, Test: 3 } as const;
export type ExtensionModeValue = (typeof EXTENSION_MODE)[keyof typeof EXTENSION_MODE];

/**
 * The module object itself: bundlers copy a CommonJS module's own keys into a namespace object, so the
 * root must list the API's namespaces as own properties (each one the callable stub, but ExtensionMode).
 */
function makeModuleStub(): object {
  const stub = makeStub();
  const valueOf = (name: string | symbol): unknown => (name === 'ExtensionMode' ? EXTENSION_MODE : stub);
  const namespaces = ['window', 'commands', 'workspace', 'l10n', 'env', 'extensions', 'languages', 'Uri',
    'EventEmitter', 'Disposable', 'StatusBarAlignment', 'ProgressLocation', 'ConfigurationTarget',
    'ExtensionMode', 'ViewColumn', 'WorkspaceEdit', 'Range', 'Position', 'Selection', 'ThemeIcon',
    'ThemeColor', 'MarkdownString', 'CancellationTokenSource', 'FileType', 'version'];
  return new Proxy(
    {},
    {
      get: (_target, name) => valueOf(name),
      ownKeys: () => namespaces,
      getOwnPropertyDescriptor: (_target, name) => ({ configurable: true, enumerable: true, writable: false, value: valueOf(name) }),
    },
  );
}

/**
 * Routes `require('vscode')` to the stub until the returned function is called (the benchmark probe never
 * calls it: its process ends after one activation).
 */
export function installVscodeStub(): () => void {
  const moduleWithLoad = Module as unknown as { _load: Loader };
  const originalLoad = moduleWithLoad._load;
  const stub = makeModuleStub();
  const load = function load(this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
    if (request === 'vscode') return stub;
    return originalLoad.call(this, request, parent, isMain);
  };
  moduleWithLoad._load = load;
  return () => {
    if (moduleWithLoad._load === load) moduleWithLoad._load = originalLoad;
  };
}

/** A minimal ExtensionContext: real arrays and maps where activate() may store things. Production mode unless told. */
export function fakeExtensionContext(extensionPath: string, extensionMode: ExtensionModeValue = EXTENSION_MODE.Production): Record<string, unknown> {
  const memento = new Map<string, unknown>();
  const state = {
    get: (key: string, fallback?: unknown) => (memento.has(key) ? memento.get(key) : fallback),
    update: (key: string, value: unknown) => {
      memento.set(key, value);
      return Promise.resolve();
    },
    keys: () => [...memento.keys()],
    setKeysForSync: () => undefined,
  };
  return {
    subscriptions: [] as unknown[],
    extensionPath,
    extensionMode,
    globalState: state,
    workspaceState: state,
    secrets: makeStub(),
    globalStorageUri: makeStub(),
    extensionUri: makeStub(),
    asAbsolutePath: (p: string) => `${extensionPath}/${p}`,
  };
}
