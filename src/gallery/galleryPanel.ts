import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { CreditsReading } from '../jobs/creditsTracker';
import type { JobManager } from '../jobs/managerApi';
import type { JobPhase, JobRecord } from '../jobs/types';
import type { Logger } from '../shared/logger';
import { buildGalleryHtml, paintsFirstScreen, type GalleryHtmlOptions } from './galleryHtml';
import {
  GALLERY_VIEW_TYPE,
  type GalleryItem,
  type GalleryItemAction,
  type GalleryRenderReport,
  type GalleryStrings,
  type HostToWebview,
  type WebviewToHost,
} from './protocol';
import { galleryUnits, groupUnit, toUnitItem, type GalleryUnit } from './galleryItems';
import { actionAllowed, decideGalleryMessage } from './galleryMessages';
import { stateMessagesOf } from './galleryStateMessages';
import { errorText } from '../shared/errorText';
import { SourceThumbnails } from './sourceThumbnails';
import type { GridAction } from './protocol';

export { registerGallerySerializer } from './serializer';

/**
 * What the gallery's buttons do; implemented by the command layer. Each receives the record's local id and,
 * for the actions about one image, which of the record's images the user chose (`index`, 0 when not given).
 */
export interface GalleryActions {
  save(localId: string, index?: number): unknown;
  insert(localId: string, index?: number): unknown;
  open(localId: string, index?: number): unknown;
  copyPath(localId: string, index?: number): unknown;
  copyPrompt(localId: string): unknown;
  rerun(localId: string): unknown;
  /** Asks for confirmation before deleting. */
  delete(localId: string): unknown;
  /** Inserts a reference at the current editor's cursor (not after the prompt's origin). */
  insertAtCursor(localId: string, index?: number): unknown;
  /** Reveals the saved copy in the Explorer. */
  revealSaved(localId: string, index?: number): unknown;
  /** Midjourney's Upscale n / Vary n on image `index` (0-based) of a finished grid. */
  gridAction(localId: string, action: GridAction, index: number): unknown;
  /** Opens the image the record's job started from (its workspace file, or its card in the gallery). */
  openSource(localId: string): unknown;
  /** Follows a detached record again; for a `needs-decision` record, asks Apiframe again (Look Again). */
  resume(localId: string): unknown;
  /** Asks for confirmation, then submits an `unknown-submit` record again (may create and charge a second job). */
  submitAnew(localId: string): unknown;
  showLog(): unknown;
  /** The header's Generate button. */
  generate(): unknown;
}

/** The credits left, as the header shows them (src/container/accountCredits.ts). */
export interface GalleryAccountSource {
  readonly reading: CreditsReading;
  onDidChange(listener: (reading: CreditsReading) => void): vscode.Disposable;
  /** A panel opened: the credits are read once. */
  galleryOpened(): Promise<void>;
}

/** The model in use the header names (`apiframe.model`, by its catalog label). */
export interface GalleryModelSource {
  label(): string;
  onDidChange(listener: (label: string) => void): vscode.Disposable;
}

/** The part of the job manager the gallery reads. */
export type GalleryJobSource = Pick<JobManager, 'history' | 'get' | 'cachedFilePath' | 'onDidChange' | 'stageOf'>;

export interface GalleryPanelDeps {
  readonly extensionUri: vscode.Uri;
  readonly manager: GalleryJobSource;
  readonly actions: GalleryActions;
  readonly log: Logger;
  /** Folder holding the cached images (the only data folder the webview may read). */
  readonly cacheRoot: vscode.Uri;
  /**
   * Sees every HTML the panel sets and every message it posts. Only the integration suite's key-leak scan
   * sets it (through the core's test hooks); left unset, nothing is copied or kept.
   */
  readonly observeTraffic?: (traffic: GalleryTraffic) => void;
  /** The credits left for the header; without it the header shows none. */
  readonly account?: GalleryAccountSource;
  readonly model?: GalleryModelSource;
}

export interface GalleryShowOptions {
  /** Scroll to and focus this record's card once the page is ready. */
  readonly reveal?: string;
  readonly preserveFocus?: boolean;
  readonly viewColumn?: vscode.ViewColumn;
}

/**
 * What the panel hands to its page: the HTML it sets and every message it posts. Observed only by the
 * integration suite's key-leak scan, through {@link GalleryPanelDeps.observeTraffic}: what the page shows is
 * recorded by no log or notification, so the scan needs this copy to search it.
 */
export type GalleryTraffic =
  /** The page's HTML, with the first `state` it embeds (as the page reads it). */
  | { readonly kind: 'html'; readonly html: string; readonly embedded?: HostToWebview }
  | { readonly kind: 'message'; readonly message: HostToWebview };

/** Changes are batched for this long before they are posted (progress ticks can be frequent). */
const UPDATE_THROTTLE_MS = 100;
/** More pending changes than this are sent as one full state instead of single updates. */
const FULL_STATE_THRESHOLD = 50;

/** The one "Apiframe Images" panel. */
export class GalleryPanel implements vscode.Disposable {
  private static currentPanel: GalleryPanel | undefined;

  /** The open gallery, if any. */
  static get current(): GalleryPanel | undefined {
    return GalleryPanel.currentPanel;
  }

  /** Creates the panel, or reveals it when it is already open. */
  static show(deps: GalleryPanelDeps, options: GalleryShowOptions = {}): GalleryPanel {
    const existing = GalleryPanel.currentPanel;
    if (existing) {
      existing.panel.reveal(options.viewColumn, options.preserveFocus);
      if (options.reveal) existing.revealItem(options.reveal);
      return existing;
    }
    const panel = vscode.window.createWebviewPanel(
      GALLERY_VIEW_TYPE,
      vscode.l10n.t('Apiframe Images'),
      { viewColumn: options.viewColumn ?? vscode.ViewColumn.Active, preserveFocus: options.preserveFocus ?? false },
      webviewOptions(deps),
    );
    const gallery = new GalleryPanel(panel, deps);
    if (options.reveal) gallery.revealItem(options.reveal);
    return gallery;
  }

  /** Adopts a panel VS Code restored after a reload (called from the serializer). */
  static restore(panel: vscode.WebviewPanel, deps: GalleryPanelDeps, savedState?: unknown): GalleryPanel {
    // Should a second one ever be restored, keep the newest and close the other: there is one gallery.
    GalleryPanel.currentPanel?.dispose();
    panel.webview.options = webviewOptions(deps);
    return new GalleryPanel(panel, deps, paintsFirstScreen(savedState));
  }

  private readonly disposables: vscode.Disposable[] = [];
  private readonly pendingChanges = new Set<string>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** True between the page's `ready` and the moment it is hidden (and thereby destroyed) or disposed. */
  private pageReady = false;
  private pendingReveal: string | undefined;
  private report: GalleryRenderReport | undefined;
  private readonly reportEmitter = new vscode.EventEmitter<GalleryRenderReport>();
  private disposed = false;
  /** The last message handed to the webview (posts are chained on it). */
  private outbox: Promise<boolean> = Promise.resolve(true);
  /** Counts full states; a stream whose number is no longer the latest stops. */
  private stateGeneration = 0;
  /** Counts the history's changes: the embedded first screen is current while this has not moved. */
  private historyVersion = 0;
  /** The first `state` embedded in the page's HTML, and the history version it showed. */
  private embedded: { readonly snapshot: number; readonly historyVersion: number } | undefined;
  /**
   * Each group's card as last sent to the page: the group, keyed by its id, and the id of the record naming
   * its card. A record of a group that changes (or goes) changes that card; when its naming record goes, the
   * card goes under the old id and comes back under the next one.
   */
  private readonly groupCards = new Map<string, string>();
  /** The group of each record sent as part of a group's card (a deleted record no longer says its group). */
  private readonly groupOfRecord = new Map<string, string>();
  /** The thumbnails of the images jobs started from (copies of workspace files, made for the cards shown). */
  private readonly sources: SourceThumbnails;

  /** Fires on every `rendered` report the page posts (test hook). */
  readonly onDidReport = this.reportEmitter.event;

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly deps: GalleryPanelDeps,
    /** Whether the page's HTML carries a picture of the first cards (see galleryHtml.ts's `paintFirstScreen`). */
    private readonly paintFirstScreen = true,
  ) {
    GalleryPanel.currentPanel = this;
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'icon.png');
    this.sources = new SourceThumbnails({
      cacheRoot: deps.cacheRoot,
      get: (localId) => deps.manager.get(localId),
      cachedFilePath: (record, index) => deps.manager.cachedFilePath(record, index),
      log: deps.log,
      changed: (localId) => this.queueChange(localId),
    });
    this.disposables.push(
      this.sources,
      this.reportEmitter,
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => this.receiveFromPage(message)),
      // Without retainContextWhenHidden a hidden page is destroyed; it sends `ready` again when shown.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.pageReady = false;
      }),
      deps.manager.onDidChange((localId) => {
        this.historyVersion += 1;
        this.queueChange(localId);
        // A deleted gallery image was the source of other cards: they show its name without a thumbnail now.
        if (!deps.manager.get(localId)) {
          for (const record of deps.manager.history()) if (record.input?.localId === localId) this.queueChange(record.localId);
        }
      }),
    );
    const { account } = deps;
    if (account) {
      this.disposables.push(
        account.onDidChange((reading) => {
          if (this.pageReady) void this.post(accountMessageOf(reading));
        }),
      );
      void account.galleryOpened();
    }
    if (deps.model) {
      this.disposables.push(
        deps.model.onDidChange((label) => {
          if (this.pageReady) void this.post({ type: 'model', label });
        }),
      );
    }
    const initialState = this.initialState();
    const html = this.html(initialState);
    panel.webview.html = html;
    deps.observeTraffic?.({ kind: 'html', html, ...(initialState ? { embedded: initialState.message } : {}) });
  }

  /** The last report of what the page shows (card ids, loaded images) — lets tests assert from the webview's side. */
  get lastReport(): GalleryRenderReport | undefined {
    return this.report;
  }

  /** Resolves with the first report (the last one included) that satisfies `predicate`. */
  waitForReport(predicate: (report: GalleryRenderReport) => boolean, timeoutMs = 10_000): Promise<GalleryRenderReport> {
    if (this.report && predicate(this.report)) return Promise.resolve(this.report);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        subscription.dispose();
        reject(new Error(`The gallery did not report the expected state within ${timeoutMs} ms`));
      }, timeoutMs);
      const subscription = this.onDidReport((report) => {
        if (!predicate(report)) return;
        clearTimeout(timer);
        subscription.dispose();
        resolve(report);
      });
    });
  }

  /** Scrolls the page to one card and focuses it (now, or as soon as the page is ready). */
  revealItem(given: string): void {
    // A record of a group is shown on its group's card, which goes by the group's naming record.
    const group = this.deps.manager.get(given)?.group;
    const localId = (group && groupUnit(this.deps.manager.history(), group.id)?.lead.localId) ?? given;
    if (this.pageReady) void this.post({ type: 'reveal', localId });
    else this.pendingReveal = localId;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (GalleryPanel.currentPanel === this) GalleryPanel.currentPanel = undefined;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  private html(initialState: GalleryHtmlOptions['initialState']): string {
    const { extensionUri } = this.deps;
    return buildGalleryHtml({
      cspSource: this.panel.webview.cspSource,
      script: distFile(extensionUri, 'webview', 'gallery.js').toString('utf8'),
      stylesheet: distFile(extensionUri, 'webview', 'gallery.css').toString('utf8'),
      iconFont: distFile(extensionUri, 'codicons', 'codicon.ttf'),
      lang: vscode.env.language,
      title: vscode.l10n.t('Apiframe Images'),
      initialState,
      paintFirstScreen: this.paintFirstScreen,
    });
  }

  /** The history's first screen for the HTML (see `GalleryHtmlOptions.initialState`), remembered for `ready`. */
  private initialState(): { readonly snapshot: number; readonly message: HostToWebview } | undefined {
    const first = this.stateMessages().next();
    if (first.done) return undefined;
    const snapshot = (this.embedded?.snapshot ?? 0) + 1;
    this.embedded = { snapshot, historyVersion: this.historyVersion };
    return { snapshot, message: first.value };
  }

  /**
   * Handles one message from the page, exactly as it arrives from the webview (untrusted: checked first).
   * Public so the integration suite can hand the panel what a click in the page posts (the webview's DOM is
   * out of its reach); the page itself is tested in Chromium (test/browser/galleryPage.test.ts).
   */
  receiveFromPage(raw: unknown): void {
    // Malformed messages, actions on records not in the history and actions their state does not allow are
    // ignored (decided in galleryMessages.ts).
    const decision = decideGalleryMessage(raw, (localId) => this.deps.manager.get(localId));
    const actions = this.deps.actions;
    switch (decision.kind) {
      case 'ignore':
        this.deps.log.debug(decision.debug);
        return;
      case 'action':
        this.dispatch(decision.action, decision.localId, decision.index);
        return;
      case 'gridAction':
        this.runAction(decision.action, () => actions.gridAction(decision.localId, decision.action, decision.index));
        return;
      case 'openSource':
        this.runAction('openSource', () => actions.openSource(decision.localId));
        return;
      case 'handle':
        this.handle(decision.message);
    }
  }

  private handle(message: Exclude<WebviewToHost, { type: 'action' | 'gridAction' | 'openSource' }>): void {
    switch (message.type) {
      case 'ready': {
        this.pageReady = true;
        this.pendingChanges.clear();
        // A page that already shows the embedded first screen, still current, needs only the rest of the history.
        const shown = message.shown !== undefined && this.embedded?.snapshot === message.shown && this.embedded.historyVersion === this.historyVersion;
        void this.postState({ skipFirst: shown }).then(() => {
          if (this.deps.account) void this.post(accountMessageOf(this.deps.account.reading));
          if (this.deps.model) void this.post({ type: 'model', label: this.deps.model.label() });
          if (this.pendingReveal) {
            void this.post({ type: 'reveal', localId: this.pendingReveal });
            this.pendingReveal = undefined;
          }
        });
        return;
      }
      case 'showLog':
        this.runAction('showLog', () => this.deps.actions.showLog());
        return;
      case 'generate':
        this.runAction('generate', () => this.deps.actions.generate());
        return;
      case 'rendered': {
        this.report = message;
        // The cards on screen get their sources' thumbnails (a long history is not copied all at once).
        const manager = this.deps.manager;
        this.sources.ensure(message.localIds.map((localId) => manager.get(localId)).filter((record) => record !== undefined));
        this.reportEmitter.fire(message);
        return;
      }
    }
  }

  private dispatch(action: GalleryItemAction, localId: string, index?: number): void {
    const record = this.deps.manager.get(localId);
    if (!record) {
      this.deps.log.debug(`Gallery: ignored "${action}" for an unknown record ${localId}`);
      return;
    }
    if (!actionAllowed(action, record)) {
      this.deps.log.debug(`Gallery: ignored "${action}" for record ${localId} in phase ${record.phase}`);
      return;
    }
    const actions = this.deps.actions;
    this.runAction(action, () => actions[action](record.localId, index));
  }

  private runAction(name: string, run: () => unknown): void {
    // Actions report their own failures to the user; this only keeps a rejected promise from vanishing.
    Promise.resolve()
      .then(run)
      .catch((error: unknown) => {
        this.deps.log.error(`Gallery: action "${name}" failed: ${errorText(error)}`);
      });
  }

  private queueChange(localId: string): void {
    if (!this.pageReady) return; // the full state goes out on the next `ready`
    this.pendingChanges.add(localId);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      void this.flushChanges();
    }, UPDATE_THROTTLE_MS);
  }

  private async flushChanges(): Promise<void> {
    if (!this.pageReady || this.disposed) return;
    const ids = [...this.pendingChanges];
    this.pendingChanges.clear();
    if (ids.length > FULL_STATE_THRESHOLD) {
      await this.postState();
      return;
    }
    const groups = new Set<string>();
    for (const localId of ids) {
      const record = this.deps.manager.get(localId);
      const groupId = record?.group?.id ?? this.groupOfRecord.get(localId);
      if (groupId !== undefined) {
        // A record of a group changes the group's card: once per flush, however many of its jobs changed.
        if (!record) this.groupOfRecord.delete(localId);
        groups.add(groupId);
        continue;
      }
      await this.post(record ? { type: 'update', item: this.item({ lead: record, members: [record] }) } : { type: 'remove', localId });
    }
    for (const groupId of groups) await this.postGroup(groupId);
  }

  /** Posts the card of one group as it is now (under a new id when its naming record went; removed when all did). */
  private async postGroup(groupId: string): Promise<void> {
    const unit = groupUnit(this.deps.manager.history(), groupId);
    const shownAs = this.groupCards.get(groupId);
    if (shownAs !== undefined && shownAs !== unit?.lead.localId) {
      this.groupCards.delete(groupId);
      await this.post({ type: 'remove', localId: shownAs });
    }
    if (unit) await this.post({ type: 'update', item: this.item(unit) });
  }

  /**
   * The whole history: a first screen's worth in `state`, the rest in `append` messages right behind it.
   * Each message's items are made when it is sent and the host's thread is let go between messages, so a
   * 10,000-record history neither delays the first screen nor holds up other extensions. The stream takes
   * one place in the outbox: an update posted meanwhile goes out after the last `append` (the page applies it
   * to an item it already has), and a newer state cuts an older stream short (its rest would be stale).
   */
  private postState(options: { readonly skipFirst?: boolean } = {}): Promise<boolean> {
    const generation = ++this.stateGeneration;
    const streamed = this.outbox.then(async () => {
      let delivered = true;
      let first = true;
      this.groupCards.clear();
      this.groupOfRecord.clear();
      for (const message of this.stateMessages()) {
        const wasFirst = first;
        if (!first) await new Promise<void>((resolve) => setImmediate(resolve));
        first = false;
        if (wasFirst && options.skipFirst) continue;
        if (this.disposed || generation !== this.stateGeneration) return false;
        delivered = (await this.send(message)) && delivered;
      }
      return delivered;
    });
    this.outbox = streamed;
    return streamed;
  }

  /** The history as the page receives it: a first screen's `state`, then `append` messages (built lazily). */
  private stateMessages(): Generator<HostToWebview> {
    return stateMessagesOf(galleryUnits(this.deps.manager.history()), (unit) => this.item(unit), galleryStrings(), vscode.env.language);
  }

  /** A card's item; a group's card is remembered, so that later changes of its records reach it. */
  private item(unit: GalleryUnit): GalleryItem {
    const groupId = unit.lead.group?.id;
    if (groupId !== undefined) {
      this.groupCards.set(groupId, unit.lead.localId);
      for (const member of unit.members) this.groupOfRecord.set(member.localId, groupId);
    }
    return toUnitItem(unit, {
      imageSrc: (r, index) => {
        const file = this.deps.manager.cachedFilePath(r, index);
        return file === undefined ? undefined : this.panel.webview.asWebviewUri(vscode.Uri.file(file)).toString();
      },
      savedPath: (r, index) => savedCopyPath(r, index),
      stageOf: (r) => this.deps.manager.stageOf(r),
      sourceThumbnail: (r) => {
        const file = this.sources.fileOf(r);
        return file === undefined ? undefined : this.panel.webview.asWebviewUri(file).toString();
      },
    });
  }

  /**
   * Posts in order: each message goes out after the one before it was delivered, so an update never
   * overtakes the `append` messages of the state before it (the page applies it to the item it changes).
   */
  private post(message: HostToWebview): Promise<boolean> {
    const sent = this.outbox.then(() => this.send(message));
    this.outbox = sent;
    return sent;
  }

  private async send(message: HostToWebview): Promise<boolean> {
    if (this.disposed) return false;
    this.deps.observeTraffic?.({ kind: 'message', message });
    try {
      return await this.panel.webview.postMessage(message);
    } catch (error) {
      this.deps.log.debug(`Gallery: could not post "${message.type}": ${errorText(error)}`);
      return false;
    }
  }
}

/**
 * The page's files in dist/ (its script, stylesheet and icon font), read once each: they change only with the
 * extension, and every page writes them into its HTML.
 */
const distFiles = new Map<string, Buffer>();

function distFile(extensionUri: vscode.Uri, ...segments: string[]): Buffer {
  const file = vscode.Uri.joinPath(extensionUri, 'dist', ...segments).fsPath;
  let content = distFiles.get(file);
  if (content === undefined) {
    content = readFileSync(file);
    distFiles.set(file, content);
  }
  return content;
}

function webviewOptions(deps: GalleryPanelDeps): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableFindWidget: true,
    retainContextWhenHidden: false,
    // The page fetches only the thumbnails: its script, stylesheet and icon font are in its HTML.
    localResourceRoots: [deps.cacheRoot],
  };
}

function galleryStrings(): GalleryStrings {
  const phases: Record<JobPhase, string> = {
    'pending-submit': vscode.l10n.t('Submitting'),
    running: vscode.l10n.t('Generating'),
    detached: vscode.l10n.t('Stopped waiting'),
    downloading: vscode.l10n.t('Downloading'),
    done: vscode.l10n.t('Done'),
    failed: vscode.l10n.t('Failed'),
    expired: vscode.l10n.t('Expired'),
    'needs-decision': vscode.l10n.t('Needs your decision'),
  };
  return {
    title: vscode.l10n.t('Apiframe Images'),
    listLabel: vscode.l10n.t('Image history'),
    emptyTitle: vscode.l10n.t('No images yet'),
    showLog: vscode.l10n.t('Show Log'),
    noImage: vscode.l10n.t('No image cached'),
    imageCount: vscode.l10n.t('{0} images'),
    progress: vscode.l10n.t('Generating {0}%'),
    actions: {
      save: vscode.l10n.t('Save to Workspace'),
      insert: vscode.l10n.t('Insert into Editor'),
      insertAtCursor: vscode.l10n.t('Insert at Cursor'),
      open: vscode.l10n.t('Open'),
      revealSaved: vscode.l10n.t('Reveal in Explorer'),
      copyPath: vscode.l10n.t('Copy Path'),
      copyPrompt: vscode.l10n.t('Copy Prompt'),
      rerun: vscode.l10n.t('Re-run'),
      delete: vscode.l10n.t('Delete'),
      resume: vscode.l10n.t('Resume'),
      submitAnew: vscode.l10n.t('Submit Anew…'),
    },
    lookAgain: vscode.l10n.t('Look Again'),
    phases,
    generate: vscode.l10n.t('Generate Image…'),
    filterLabel: vscode.l10n.t('Filter by prompt'),
    filterCount: vscode.l10n.t('{0} of {1} images'),
    filterNoMatch: vscode.l10n.t('No image prompt contains “{0}”.'),
    keyboardHint: vscode.l10n.t('Arrow keys move between images. Enter reaches the image’s actions, Escape returns to the image.'),
    cardActions: vscode.l10n.t('Image actions'),
    moreActions: vscode.l10n.t('More Actions…'),
    emptySteps: [
      vscode.l10n.t('Set your Apiframe API key: run "Apiframe: Set API Key".'),
      vscode.l10n.t('Select some text in an editor and run "Apiframe: Generate Image from Selection".'),
    ],
    stages: {
      submitting: vscode.l10n.t('Submitting'),
      queued: vscode.l10n.t('Queued'),
      generating: vscode.l10n.t('Generating'),
      downloading: vscode.l10n.t('Downloading'),
    },
    elapsedOfExpected: vscode.l10n.t('{0} of about {1}'),
    stoppedWaiting: vscode.l10n.t('Stopped waiting — still running on Apiframe'),
    savedTo: vscode.l10n.t('Saved to {0}'),
    announceReady: vscode.l10n.t('Image ready: {0}'),
    announceFailed: vscode.l10n.t('Image failed: {0}'),
    modelInUse: vscode.l10n.t('Model: {0}'),
    accountCredits: {
      left: vscode.l10n.t('Credits left: {0}'),
      leftStale: vscode.l10n.t('Credits left: {0} (could not refresh)'),
      updated: vscode.l10n.t('Updated {0}'),
    },
    credits: vscode.l10n.t('{0} credits'),
    creditOne: vscode.l10n.t('{0} credit'),
    candidates: vscode.l10n.t('{0} candidates'),
    compared: vscode.l10n.t('Compared: {0}'),
    candidateLabel: vscode.l10n.t('Candidate {0} of {1}, {2}'),
    imageLabel: vscode.l10n.t('Image {0} of {1}, {2}'),
    chooseImage: vscode.l10n.t('Choose the image to save or insert'),
    sourceAction: vscode.l10n.t('{0} → {1}'),
    variationOf: vscode.l10n.t('Variation of {0}'),
    openSource: vscode.l10n.t('Open the source image: {0}'),
    upscaleShort: vscode.l10n.t('U{0}'),
    varyShort: vscode.l10n.t('V{0}'),
    upscaleImage: vscode.l10n.t('Upscale image {0}'),
    varyImage: vscode.l10n.t('Vary image {0}'),
  };
}

/** The header's credits message for `reading`. */
function accountMessageOf(reading: CreditsReading): HostToWebview {
  return {
    type: 'account',
    credits: reading.credits,
    ...(reading.updatedAt !== undefined ? { updatedAt: new Date(reading.updatedAt).toISOString() } : {}),
    ...(reading.stale ? { stale: true } : {}),
  };
}

/** Workspace-relative path of the newest saved copy of image `index` (the first by default) not known to be missing. */
function savedCopyPath(record: JobRecord, index = 0): string | undefined {
  const copy = [...(record.savedCopies ?? [])].reverse().find((c) => c.index === index && c.missing !== true);
  return copy ? vscode.workspace.asRelativePath(vscode.Uri.parse(copy.uri), (vscode.workspace.workspaceFolders?.length ?? 0) > 1) : undefined;
}
