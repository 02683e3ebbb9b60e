import * as vscode from 'vscode';
import { errorText } from '../shared/errorText';
import { createCatalogClient } from '../apiframe/client';
import type { ImageModelId, ModelParamValues } from '../apiframe/imageModels';
import { ModelCatalogCache, catalogEntryFor, type CatalogSnapshot, type ImageCatalogEntry } from '../models/catalog';
import * as settings from '../settings';
import type { Logger } from '../shared/logger';
import type { JobsStatusBar } from '../statusBar';
import type { UserInterface } from './userInterface';

/** globalState key of the catalog copy (public prices and labels: nothing secret). */
export const MODEL_CATALOG_STATE_KEY = 'apiframe.modelCatalog';

/** The picker waits this long for the server before it shows the copy it has (offline, a slow proxy). */
const CATALOG_WAIT_MS = 8000;

export interface ModelCatalogServiceOptions {
  readonly globalState: vscode.Memento;
  readonly userAgent: string;
  readonly logger: Logger;
  readonly ui: UserInterface;
  readonly statusBar: JobsStatusBar;
  readonly now?: () => number;
}

/**
 * The image models as the commands meet them: the catalog (cached in global state, fetched without the key),
 * the model settings read with their problems reported once, and the status bar's "model for new images".
 * The cache and its client are built on first use, so a command that needs no model pays nothing.
 */
export class ModelCatalogService implements vscode.Disposable {
  private cache: ModelCatalogCache | undefined;
  /** Setting problems already shown in this window: a bad value is reported once, not on every generate. */
  private readonly reported = new Set<string>();
  private readonly subscription: vscode.Disposable;
  private readonly modelChanged = new vscode.EventEmitter<string>();
  /** Fires with the new model's label when `apiframe.model` changes. */
  readonly onDidChange = this.modelChanged.event;

  constructor(private readonly options: ModelCatalogServiceOptions) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (!settings.affectsModel(event)) return;
      this.showModelInStatusBar();
      this.modelChanged.fire(this.label());
    });
    this.showModelInStatusBar();
  }

  /** The catalog from the server when the copy is past its TTL (or `refresh`), else the copy; never rejects. */
  async catalog(refresh = false): Promise<CatalogSnapshot> {
    const signal = AbortSignal.timeout(CATALOG_WAIT_MS);
    const snapshot = await this.catalogCache().get({ refresh, signal });
    if (snapshot.error !== undefined) this.options.logger.info(`The model catalog could not be fetched (${snapshot.source} used): ${errorText(snapshot.error)}`);
    return snapshot;
  }

  /** The best copy without the network (the cost before you pay must not wait for it). */
  peek(): CatalogSnapshot {
    return this.catalogCache().peek();
  }

  /** One model's label, costs and pricing mode from the copy at hand (the built-in row when it lists none). */
  entryFor(model: ImageModelId): ImageCatalogEntry {
    return catalogEntryFor(this.peek().models, model);
  }

  /** `apiframe.model`, a value that cannot be used reported once. */
  currentModel(): ImageModelId {
    return this.checked(settings.imageModel());
  }

  /** The catalog label of the model in use (what the status bar and the gallery header name). */
  label(): string {
    return this.entryFor(settings.imageModel().value).label;
  }

  /** `apiframe.candidates`. */
  candidateCount(): number {
    return this.checked(settings.candidateCount());
  }

  /** `apiframe.confirmAboveCredits` (user settings only). */
  confirmAboveCredits(): number {
    return this.checked(settings.confirmAboveCredits());
  }

  /** The valid defaults `apiframe.modelParams` holds for `model`; every bad value in the setting is reported once. */
  defaultParams(model: ImageModelId): ModelParamValues {
    const read = settings.modelParams();
    for (const problem of read.problems) this.reportOnce(problem);
    return { ...read.byModel[model] };
  }

  dispose(): void {
    this.subscription.dispose();
    this.modelChanged.dispose();
  }

  private checked<T>(result: settings.Checked<T>): T {
    if (result.problem) this.reportOnce(result.problem);
    return result.value;
  }

  private reportOnce(problem: settings.SettingValueProblem): void {
    const key = `${problem.setting} ${problem.message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.options.logger.warn(`Setting ${problem.setting} ${problem.message}; it is left out.`);
    void this.options.ui.message('warning', vscode.l10n.t('Apiframe setting {0}: {1}. The value is left out.', problem.setting, problem.message), []);
  }

  private showModelInStatusBar(): void {
    this.options.statusBar.setModel(this.label());
  }

  private catalogCache(): ModelCatalogCache {
    const { globalState, logger, userAgent } = this.options;
    this.cache ??= new ModelCatalogCache({
      storage: {
        read: () => globalState.get<unknown>(MODEL_CATALOG_STATE_KEY),
        write: async (value) => {
          await globalState.update(MODEL_CATALOG_STATE_KEY, value);
        },
      },
      fetchCatalog: async (signal) => {
        // A client of its own, without the key (the catalog is public), built from the settings of the moment.
        const proxy = settings.proxySettings();
        const client = createCatalogClient({
          baseUrl: settings.baseUrl(),
          userAgent,
          timeoutMs: settings.requestTimeoutMs(),
          // One retry: the picker has a copy to show, the user should not wait for a long backoff.
          maxRetries: 1,
          proxy: { url: proxy.url, strictSSL: proxy.strictSSL, noProxy: [...proxy.noProxy] },
          log: logger,
        });
        try {
          return await client.listModels({ modality: 'image' }, { signal });
        } finally {
          await client.close().catch(() => undefined);
        }
      },
      now: this.options.now ?? Date.now,
    });
    return this.cache;
  }
}
