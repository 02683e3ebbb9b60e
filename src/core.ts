/**
 * The core bundle's entry (`dist/core.js`, loaded on first use): builds the services every command receives
 * and runs commands from the command table. Nothing imports this module but the start-up bundle (and the
 * suite's types): commands get what they need as the `CoreServices` argument, declared in
 * src/container/services.ts.
 */
import * as vscode from 'vscode';
import { ApiKeyStore, demoKeyFor } from './apiKey';
import type { CommandId } from './commandIds';
import { createGalleryActions } from './commands/galleryActions';
import { COMMAND_TABLE } from './commands/commandTable';
import { AccountCredits } from './container/accountCredits';
import { ApiClients, userAgentFor } from './container/apiClients';
import { GalleryHost } from './container/galleryHost';
import { JobManagerHost } from './container/jobManagerHost';
import { ModelCatalogService } from './container/modelCatalog';
import { SecretRedactor } from './container/secretRedactor';
import type { CoreHost, CoreServices } from './container/services';
import { userInterfaceThroughHooks, type TestCore, type TestHooks } from './container/testHooks';
import { windowUi } from './container/userInterface';
import { createGenerateImageTool } from './tools/generateImageTool';
import { EditorTracker } from './editor/editorTracker';
import { ErrorReporter } from './errors/errorReporter';
import type { GalleryActions } from './gallery/galleryPanel';
import type { JobManager } from './jobs/managerApi';
import { JobProgress } from './progress/jobProgress';
import { errorText } from './shared/errorText';
import { JobsStatusBar } from './statusBar';
import { WalkthroughProgress } from './walkthrough';

export type { CoreHost } from './container/services';

/** The core as the start-up bundle uses it. */
export interface Core extends vscode.Disposable {
  /** Runs a command; never rejects: failures are reported to the user and logged. */
  run(id: CommandId, args: readonly unknown[]): Promise<unknown>;
  /** Brings back the gallery VS Code restored after a reload (called by the serializer). */
  restoreGallery(panel: vscode.WebviewPanel, savedState: unknown): Promise<void>;
  /** Starts the job manager so unfinished jobs resume (onStartupFinished with pending work). */
  resumePendingJobs(): Promise<void>;
  /** The `apiframe_generateImage` language-model tool (registered by the start-up bundle where VS Code has the API). */
  readonly imageTool: vscode.LanguageModelTool<unknown>;
  /** The suite's way in; only for a core created with test hooks (ExtensionMode.Test), else undefined. */
  readonly forTests: TestCore | undefined;
}

/**
 * Builds the window's core. `testHooks` is given only in ExtensionMode.Test (see src/container/testHooks.ts):
 * without it the UI is VS Code's window, the gallery reports its traffic to no one, and there is no test
 * surface.
 */
export function createCore(host: CoreHost, testHooks?: TestHooks): Core {
  const disposables: vscode.Disposable[] = [];
  const own = <T extends vscode.Disposable>(disposable: T): T => {
    disposables.push(disposable);
    return disposable;
  };

  const built = createServices(host, testHooks, own);
  const { services } = built;

  const run = async (id: CommandId, args: readonly unknown[]): Promise<unknown> => {
    try {
      return await COMMAND_TABLE[id].run(services, id, args);
    } catch (error) {
      services.errors.report(error, id);
      return undefined;
    }
  };

  const imageTool = createGenerateImageTool(services);

  return {
    run,
    imageTool,
    restoreGallery: (panel, savedState) => built.gallery.restore(panel, savedState),
    async resumePendingJobs() {
      try {
        await built.jobs.get();
      } catch (error) {
        services.logger.error(`Resuming unfinished jobs failed: ${errorText(error)}`);
      }
    },
    forTests: testHooks && {
      services,
      galleryActions: built.galleryActions(),
      run,
      jobs: () => built.jobs.get(),
      restartJobs: () => built.jobs.restart(),
      walkthrough: built.walkthrough,
      imageTool,
    },
    dispose() {
      for (const disposable of disposables.splice(0).reverse()) disposable.dispose();
    },
  };
}

interface BuiltServices {
  readonly services: CoreServices;
  readonly jobs: Pick<JobManagerHost, 'get' | 'restart'>;
  readonly walkthrough: WalkthroughProgress;
  readonly gallery: GalleryHost;
  /** What the gallery's buttons do: built from the services, on first use. */
  galleryActions(): GalleryActions;
}

/**
 * The services, each created once and disposed with the core (`own`, in reverse order of creation). The API
 * client, the job manager and the gallery are created on first use by their hosts, so a command that needs
 * none of them (Show Log) starts none of them.
 */
function createServices(host: CoreHost, testHooks: TestHooks | undefined, own: <T extends vscode.Disposable>(disposable: T) => T): BuiltServices {
  const { context, log } = host;
  const redactor = new SecretRedactor(log);
  const { logger } = redactor;
  const ui = testHooks ? userInterfaceThroughHooks(testHooks, windowUi) : windowUi;
  // The suite offers a demo key through its hooks (Test mode never reads the environment's).
  const demoKey = demoKeyFor(context);
  const apiKey = own(new ApiKeyStore(context.secrets, testHooks ? () => testHooks.demoKey : () => demoKey, host.storedKey));
  const walkthrough = own(new WalkthroughProgress(apiKey, context.extension.id));
  const progress = own(new JobProgress());
  const statusBar = own(new JobsStatusBar());
  const editors = own(new EditorTracker());
  const errors = new ErrorReporter({ ui, logger, knownKeys: () => redactor.knownKeys, showLog: () => log.show(true) });
  const clients = own(new ApiClients({ apiKey, redactor, logger, userAgent: userAgentFor(context) }));
  const models = own(new ModelCatalogService({ globalState: context.globalState, userAgent: userAgentFor(context), logger, ui, statusBar }));
  const jobHost = own(
    new JobManagerHost({ storageDir: context.globalStorageUri.fsPath, client: () => clients.current(), logger, statusBar, globalState: context.globalState }),
  );
  const credits = own(new AccountCredits({ apiKey, client: () => clients.current(), logger, statusBar }));
  // Every way to the manager passes here, so the walkthrough and the credits follow whichever manager is current.
  const watched = (manager: JobManager): JobManager => {
    walkthrough.watchJobs(manager);
    credits.watchJobs(manager);
    return manager;
  };
  const jobs = {
    get: () => jobHost.get().then(watched),
    restart: () => jobHost.restart().then(watched),
  };
  let actions: GalleryActions | undefined;
  // Read only when a panel opens or the suite asks, by which time `services` below exists.
  const galleryActions = (): GalleryActions => (actions ??= createGalleryActions(services));
  const gallery = own(
    new GalleryHost({
      extensionUri: context.extensionUri,
      storageUri: context.globalStorageUri,
      jobs: () => jobs.get(),
      actions: galleryActions,
      logger,
      account: credits,
      model: models,
      ...(testHooks ? { observeTraffic: (traffic) => testHooks.galleryTraffic?.(traffic) } : {}),
    }),
  );
  const services: CoreServices = {
    host,
    ui,
    apiKey,
    progress,
    statusBar,
    editors,
    logger,
    errors,
    credits,
    models,
    jobs: () => jobs.get(),
    clientForKey: (key) => clients.forKey(key),
    showGallery: (options) => gallery.show(options),
    redact: (text) => redactor.redact(text),
  };
  return { services, jobs, gallery, galleryActions, walkthrough };
}
