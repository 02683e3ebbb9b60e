/**
 * A stand-in for the `vscode` module so the start-up bundle can be loaded and activated in plain Node
 * (benchmarks only). Every property is a callable proxy that returns another proxy, so whatever
 * `activate()` touches (window, commands, l10n, secrets…) exists and costs next to nothing; `then` is
 * absent so nothing looks like a promise.
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

/**
 * The module object itself: bundlers copy a CommonJS module's own keys into a namespace object, so the
 * root must list the API's namespaces as own properties (each one the callable stub).
 */
function makeModuleStub(): object {
  const stub = makeStub();
  const namespaces = ['window', 'commands', 'workspace', 'l10n', 'env', 'extensions', 'languages', 'Uri',
    'EventEmitter', 'Disposable', 'StatusBarAlignment', 'ProgressLocation', 'ConfigurationTarget',
    'ExtensionMode', 'ViewColumn', 'WorkspaceEdit', 'Range', 'Position', 'Selection', 'ThemeIcon',
    'ThemeColor', 'MarkdownString', 'CancellationTokenSource', 'FileType', 'version'];
  return new Proxy(
    {},
    {
      get: () => stub,
      ownKeys: () => namespaces,
      getOwnPropertyDescriptor: () => ({ configurable: true, enumerable: true, writable: false, value: stub }),
    },
  );
}

/** Routes `require('vscode')` to the stub for the rest of this process. */
export function installVscodeStub(): void {
  const moduleWithLoad = Module as unknown as { _load: Loader };
  const originalLoad = moduleWithLoad._load;
  const stub = makeModuleStub();
  moduleWithLoad._load = function load(request: string, parent: unknown, isMain: boolean): unknown {
    if (request === 'vscode') return stub;
    return originalLoad.call(this, request, parent, isMain);
  };
}

/** A minimal ExtensionContext: real arrays and maps where activate() may store things. */
export function fakeExtensionContext(extensionPath: string): Record<string, unknown> {
  const memento = new Map<string, unknown>();
  const state = {
    get: (key: string, fallback?: unknown) => (memento.has(key) ? memento.get(key) : fallback),
    update: async (key: string, value: unknown) => void memento.set(key, value),
    keys: () => [...memento.keys()],
    setKeysForSync: () => undefined,
  };
  return {
    subscriptions: [] as unknown[],
    extensionPath,
    extensionMode: 1,
    globalState: state,
    workspaceState: state,
    secrets: makeStub(),
    globalStorageUri: makeStub(),
    extensionUri: makeStub(),
    asAbsolutePath: (p: string) => `${extensionPath}/${p}`,
  };
}
