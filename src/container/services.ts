import type * as vscode from 'vscode';
import type { ApiframeClient } from '../apiframe/client';
import type { ApiKeyStore } from '../apiKey';
import type { EditorTracker } from '../editor/editorTracker';
import type { ErrorReporter } from '../errors/errorReporter';
import type { GalleryPanel, GalleryShowOptions } from '../gallery/galleryPanel';
import type { JobManager } from '../jobs/managerApi';
import type { JobProgress } from '../progress/jobProgress';
import type { Logger } from '../shared/logger';
import type { JobsStatusBar } from '../statusBar';
import type { AccountCredits } from './accountCredits';
import type { ModelCatalogService } from './modelCatalog';
import type { UserInterface } from './userInterface';

/** What the start-up bundle hands to the core when it is first needed. */
export interface CoreHost {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
  /**
   * The stored API key as SecretStorage answers (see `ApiKeyStore`), asked for by the start-up bundle just
   * before it evaluates the core: the round trip to the workbench then overlaps that evaluation instead of
   * following it. Every core reads the key as it starts (the walkthrough's step), so this reads nothing more.
   */
  readonly storedKey?: Thenable<string | undefined>;
}

/**
 * Everything a command needs, created once per window when the first command runs (src/core.ts builds it).
 * Commands receive it as their first argument and never import the core, so this module imports no command:
 * it is the contract between the two.
 */
export interface CoreServices {
  readonly host: CoreHost;
  /** Prompts and messages. */
  readonly ui: UserInterface;
  readonly apiKey: ApiKeyStore;
  readonly progress: JobProgress;
  readonly statusBar: JobsStatusBar;
  readonly editors: EditorTracker;
  /** Logger for the pure modules: every line passes `redact` first. */
  readonly logger: Logger;
  /** Shows failures with the actions that help ("Set API Key", "Show Log") and logs them, redacted. */
  readonly errors: ErrorReporter;
  /** The team's credits left, read after jobs settle, on focus and when the gallery opens (never on a timer). */
  readonly credits: AccountCredits;
  /** The image model catalog (cached, fetched on first use without the key) and the model settings. */
  readonly models: ModelCatalogService;
  /** The started job manager (created and started on first use). */
  jobs(): Promise<JobManager>;
  /** A throw-away client for a key that is not stored yet (Set API Key verifies with it); the caller closes it. */
  clientForKey(key: string): ApiframeClient;
  showGallery(options?: GalleryShowOptions): Promise<GalleryPanel>;
  /** `text` with every key this window has seen (and anything key-shaped) masked. */
  redact(text: string): string;
}
