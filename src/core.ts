import * as vscode from 'vscode';
import { createApiframeClient, type ApiframeClient } from './apiframe/client';
import { redactSecrets } from './apiframe/redact';
import { ApiKeyStore, demoKeyFor } from './apiKey';
import { PENDING_JOBS_STATE_KEY, type CommandId } from './commandIds';
import { describeError, UserFacingError } from './commands/errors';
import { createGalleryActions } from './commands/galleryActions';
import { generate } from './commands/generate';
import { generateFromSelection } from './commands/generateFromSelection';
import { generateHere } from './commands/generateHere';
import { insertImage } from './commands/insertImage';
import { removeApiKey } from './commands/removeApiKey';
import { resumeJob } from './commands/resumeJob';
import { saveImageCommand } from './commands/saveImage';
import { setApiKey } from './commands/setApiKey';
import { showImages } from './commands/showImages';
import { showLog } from './commands/showLog';
import { submitAnew } from './commands/submitAnew';
import { RecordingUi } from './commands/ui';
import { EditorTracker } from './editor/editorTracker';
import { GalleryPanel, type GalleryActions, type GalleryShowOptions, type GalleryTraffic } from './gallery/galleryPanel';
import { IMAGES_FOLDER } from './jobs/imageCache';
import { createJobManager } from './jobs/manager';
import { JobStoppedError, type JobManager } from './jobs/managerApi';
import type { Logger } from './shared/logger';
import { JobProgress } from './progress/jobProgress';
import * as settings from './settings';
import { JobsStatusBar } from './statusBar';
import { errorText } from './shared/errorText';
import { ACTIVE_PHASES } from './shared/jobPhases';

/** What the start-up bundle hands to the core when it is first needed. */
export interface CoreHost {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
}

/** Everything a command needs; created once per window, when the first command runs. */
export interface CoreServices {
  readonly host: CoreHost;
  /** Prompts and messages (recorded; scriptable by the tests). */
  readonly ui: RecordingUi;
  readonly apiKey: ApiKeyStore;
  readonly progress: JobProgress;
  readonly statusBar: JobsStatusBar;
  readonly editors: EditorTracker;
  /** Logger for the pure modules: every line passes `redactSecrets` with the current key first. */
  readonly logger: Logger;
  readonly galleryActions: GalleryActions;
  /** The started job manager (created and started on first use). */
  jobs(): Promise<JobManager>;
  /** A client with the stored key and the current settings; rejects with MissingApiKeyError without a key. */
  client(): Promise<ApiframeClient>;
  /** A throw-away client for a key that is not stored yet (Set API Key verifies with it); the caller closes it. */
  clientForKey(key: string): ApiframeClient;
  showGallery(options?: GalleryShowOptions): Promise<GalleryPanel>;
  /** Test hook (the key-leak scan): every HTML the gallery sets and every message it posts, from now on. */
  onDidSendToGallery(listener: (traffic: GalleryTraffic) => void): vscode.Disposable;
  /** Shows a failure with the actions that help ("Set API Key", "Show Log") and logs it, redacted. */
  reportError(error: unknown, context: string): void;
  /** `text` with the current key (and anything key-shaped) masked. */
  redact(text: string): string;
}

/** The core as the extension's API exposes it (`activate()` returns `{ core() }`); the tests drive it. */
export interface Core extends vscode.Disposable {
  run(id: CommandId, args: readonly unknown[]): Promise<unknown>;
  readonly services: CoreServices;
  /** The current job manager, started. */
  jobs(): Promise<JobManager>;
  /**
   * Tears the job manager down as a window close would (jobs stay in the journal) and creates a new one on
   * the same storage, which resumes unfinished jobs. Used by the restart-recovery test.
   */
  restartJobs(): Promise<JobManager>;
  /** Brings back the gallery VS Code restored after a reload (called by the serializer). */
  restoreGallery(panel: vscode.WebviewPanel): Promise<void>;
  /** Starts the job manager so unfinished jobs resume (onStartupFinished with pending work). */
  resumePendingJobs(): Promise<void>;
}

type CommandHandler = (services: CoreServices, args: readonly unknown[]) => unknown;

/** The command table: one handler per contributed command id; the compiler checks it is complete. */
const COMMAND_HANDLERS: Record<CommandId, CommandHandler> = {
  'apiframe.generateFromSelection': generateFromSelection,
  'apiframe.generate': generate,
  'apiframe.generateHere': generateHere,
  'apiframe.setApiKey': setApiKey,
  'apiframe.removeApiKey': removeApiKey,
  'apiframe.showImages': showImages,
  'apiframe.showLog': (services) => showLog(services.host),
  'apiframe.saveImage': saveImageCommand,
  'apiframe.insertImage': insertImage,
  'apiframe.resumeJob': resumeJob,
  'apiframe.submitAnew': submitAnew,
};

/** Per-image download cap: DALL-E 3 PNGs are 2–4 MB; anything far bigger is not a DALL-E result. */
const MAX_IMAGE_BYTES = 50 * 1024 * 1024;

export function createCore(host: CoreHost): Core {
  const { context, log } = host;
  const disposables: vscode.Disposable[] = [];
  const ui = new RecordingUi();
  const apiKey = new ApiKeyStore(context.secrets, demoKeyFor(context));
  const progress = new JobProgress();
  const statusBar = new JobsStatusBar();
  const editors = new EditorTracker();
  disposables.push(apiKey, progress, statusBar, editors);

  /** Every key value this window has seen, for redaction only (memory, never persisted). */
  const knownKeys = new Set<string>();
  const redact = (text: string): string => redactSecrets(text, [...knownKeys]);
  const logger: Logger = {
    trace: (message) => log.trace(redact(message)),
    debug: (message) => log.debug(redact(message)),
    info: (message) => log.info(redact(message)),
    warn: (message) => log.warn(redact(message)),
    error: (message) => log.error(redact(message)),
  };

  // --- API client: rebuilt when the key or a setting it depends on changes --------------------------------
  let cachedClient: { key: string; client: ApiframeClient } | undefined;
  const dropClient = (): void => {
    const old = cachedClient;
    cachedClient = undefined;
    // Let requests in flight finish on the old dispatcher; close it once it is idle-ish.
    if (old) setTimeout(() => void old.client.close().catch(() => undefined), 30_000).unref?.();
  };
  const userAgent = `apiframe-images-vscode/${String(context.extension.packageJSON.version ?? '0')} (VS Code ${vscode.version})`;
  const clientForKey = (key: string): ApiframeClient => {
    knownKeys.add(key);
    const proxy = settings.proxySettings();
    return createApiframeClient({
      baseUrl: settings.baseUrl(),
      apiKey: key,
      userAgent,
      timeoutMs: settings.requestTimeoutMs(),
      proxy: { url: proxy.url, strictSSL: proxy.strictSSL, noProxy: [...proxy.noProxy] },
      log: logger,
    });
  };
  const client = async (): Promise<ApiframeClient> => {
    const key = await apiKey.require();
    if (cachedClient?.key !== key) {
      dropClient();
      cachedClient = { key, client: clientForKey(key) };
    }
    return cachedClient.client;
  };
  disposables.push(
    apiKey.onDidChange(() => {
      dropClient();
      log.info('The Apiframe API key changed.');
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (settings.affectsClient(event)) dropClient();
    }),
    { dispose: () => void cachedClient?.client.close().catch(() => undefined) },
  );

  // --- Job manager: created on first use; keeps the status bar and the start-up flag current ------------
  let manager: Promise<JobManager> | undefined;
  let managerSubscription: { dispose(): void } | undefined;
  const storageUri = context.globalStorageUri;
  const createManager = async (): Promise<JobManager> => {
    const created = createJobManager({
      storageDir: storageUri.fsPath,
      client,
      historyLimit: settings.historyLimit(),
      maxImageBytes: MAX_IMAGE_BYTES,
      log: logger,
    });
    managerSubscription?.dispose();
    managerSubscription = created.onDidChange(() => {
      statusBar.update(created.runningCount());
      const hasUnfinished = created.history().some((record) => ACTIVE_PHASES.has(record.phase));
      if (context.globalState.get<boolean>(PENDING_JOBS_STATE_KEY) !== hasUnfinished) {
        void context.globalState.update(PENDING_JOBS_STATE_KEY, hasUnfinished);
      }
    });
    await created.start();
    statusBar.update(created.runningCount());
    return created;
  };
  const jobs = (): Promise<JobManager> => {
    manager ??= createManager().catch((error: unknown) => {
      manager = undefined;
      throw error;
    });
    return manager;
  };
  disposables.push({
    dispose: () => {
      managerSubscription?.dispose();
      void manager?.then((m) => m.dispose()).catch(() => undefined);
    },
  });

  // --- Gallery ----------------------------------------------------------------------------------------------
  const galleryDeps = async (): Promise<Parameters<typeof GalleryPanel.show>[0]> => ({
    extensionUri: context.extensionUri,
    manager: await jobs(),
    actions: galleryActions,
    log: logger,
    cacheRoot: vscode.Uri.joinPath(storageUri, IMAGES_FOLDER),
  });

  const reportError = (error: unknown, contextText: string): void => {
    if (error instanceof vscode.CancellationError) return;
    if (error instanceof JobStoppedError) {
      // Dispose (window closing) or delete while following: expected, nothing to tell the user.
      logger.info(`${contextText}: ${error.message}`);
      return;
    }
    const described = describeError(error, [...knownKeys]);
    const detail = error instanceof Error && !(error instanceof UserFacingError) ? ` (${error.name})` : '';
    logger.error(`${contextText}: ${described.text}${detail}`);
    const setKey = vscode.l10n.t('Set API Key');
    const showLogAction = vscode.l10n.t('Show Log');
    const actions = described.offerSetKey ? [setKey, showLogAction] : [showLogAction];
    void ui.message('error', described.text, actions).then((choice) => {
      if (choice === setKey) void vscode.commands.executeCommand('apiframe.setApiKey');
      if (choice === showLogAction) log.show(true);
    });
  };

  const services: CoreServices = {
    host,
    ui,
    apiKey,
    progress,
    statusBar,
    editors,
    logger,
    get galleryActions() {
      return galleryActions;
    },
    jobs,
    client,
    clientForKey,
    async showGallery(options) {
      return GalleryPanel.show(await galleryDeps(), options);
    },
    onDidSendToGallery: (listener) => GalleryPanel.onDidSendToWebview(listener),
    reportError,
    redact,
  };
  const galleryActions = createGalleryActions(services);
  disposables.push({ dispose: () => GalleryPanel.current?.dispose() });

  return {
    services,
    jobs,
    async run(id, args) {
      try {
        return await COMMAND_HANDLERS[id](services, args);
      } catch (error) {
        reportError(error, id);
        return undefined;
      }
    },
    async restartJobs() {
      const old = manager;
      manager = undefined;
      if (old) await (await old).dispose();
      return jobs();
    },
    async restoreGallery(panel) {
      GalleryPanel.restore(panel, await galleryDeps());
    },
    async resumePendingJobs() {
      try {
        await jobs();
      } catch (error) {
        logger.error(`Resuming unfinished jobs failed: ${errorText(error)}`);
      }
    },
    dispose() {
      for (const d of disposables.splice(0).reverse()) d.dispose();
    },
  };
}
