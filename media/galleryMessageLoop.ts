/**
 * Everything between the page and the extension host, typed by the shared protocol (src/gallery/protocol.ts):
 * the host's messages in (dispatched by type), the page's messages out (ready, card actions, Show Log, the
 * `rendered` report) and the view state VS Code keeps for the webview (the scroll position).
 *
 * The host checks every message the page posts (`parseWebviewMessage`). The host's messages come from its
 * own records through VS Code's bridge; the page only checks that one has a `type` before dispatching it.
 */
import {
  GALLERY_ITEM_ACTIONS,
  GRID_BUTTON_ACTIONS,
  INITIAL_STATE_ELEMENT_ID,
  MAX_REPORTED_IDS,
  type GalleryItemAction,
  type GalleryRenderReport,
  type GridAction,
  type HostToWebview,
  type WebviewToHost,
} from '../src/gallery/protocol';
import { actionTarget } from './galleryCards';

/** VS Code's webview bridge (`acquireVsCodeApi()`), typed with the page's own messages. */
export interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** One handler per kind of host message, each given exactly its message. */
export type HostMessageHandlers = {
  readonly [K in HostToWebview['type']]: (message: Extract<HostToWebview, { readonly type: K }>) => void;
};

/** The host's `state` message. */
export type StateMessage = Extract<HostToWebview, { readonly type: 'state' }>;

/** What the `rendered` report says besides its type. */
export type RenderedContent = Omit<GalleryRenderReport, 'type'>;

/** The view state saved with the webview (survives the panel being hidden and VS Code restarting). */
interface SavedState {
  readonly scrollTop?: number;
  readonly filter?: string;
}

/** The report waits for the page to settle (images loading, a scroll ending): one report, not dozens. */
const REPORT_DELAY_MS = 100;

/** The page's side of the bridge: every message it sends, and its saved view state. */
export class HostChannel {
  constructor(private readonly vscode: VsCodeApi) {}

  /**
   * The page is listening: the host answers with `state` and `append` messages — only the `append` messages
   * when `shown` names the embedded first screen the page already shows and the history has not changed since.
   */
  ready(shown?: number): void {
    this.vscode.postMessage(shown === undefined ? { type: 'ready' } : { type: 'ready', shown });
  }

  /**
   * The first `state` the host embedded in the page's HTML (a JSON data block), with its snapshot number;
   * `undefined` when there is none or it cannot be read (the host then sends everything after `ready`).
   */
  embeddedState(): { readonly snapshot: number; readonly message: StateMessage } | undefined {
    const element = document.getElementById(INITIAL_STATE_ELEMENT_ID);
    const snapshot = Number(element?.dataset.snapshot);
    if (!element || !Number.isSafeInteger(snapshot) || snapshot <= 0) return undefined;
    try {
      const message: unknown = JSON.parse(element.textContent ?? '');
      const isState = typeof message === 'object' && message !== null && 'type' in message && message.type === 'state' && 'items' in message && Array.isArray(message.items);
      return isState ? { snapshot, message: message as StateMessage } : undefined;
    } catch {
      return undefined;
    } finally {
      // Read once: the element's text (up to a screen of items) is not kept in the DOM.
      element.remove();
    }
  }

  /** A card's action on record `localId`; `index` names one of its images when the card shows several. */
  action(action: GalleryItemAction, localId: string, index?: number): void {
    this.vscode.postMessage({ type: 'action', action, localId, ...(index !== undefined ? { index } : {}) });
  }

  showLog(): void {
    this.vscode.postMessage({ type: 'showLog' });
  }

  /** Upscale n / Vary n on image `index` (0-based) of the Midjourney grid of record `localId`. */
  gridAction(action: GridAction, localId: string, index: number): void {
    this.vscode.postMessage({ type: 'gridAction', action, localId, index });
  }

  /** Opens the image the job of record `localId` started from. */
  openSource(localId: string): void {
    this.vscode.postMessage({ type: 'openSource', localId });
  }

  /** The header's Generate button: the host asks for a prompt. */
  generate(): void {
    this.vscode.postMessage({ type: 'generate' });
  }

  rendered(content: RenderedContent): void {
    this.vscode.postMessage({ type: 'rendered', ...content });
  }

  /** The scroll position an earlier page of this webview saved, if it saved one. */
  savedScrollTop(): number | undefined {
    const { scrollTop } = this.saved();
    return typeof scrollTop === 'number' ? scrollTop : undefined;
  }

  saveScrollTop(scrollTop: number): void {
    this.vscode.setState({ ...this.saved(), scrollTop } satisfies SavedState);
  }

  /** The filter an earlier page of this webview had, if any. */
  savedFilter(): string | undefined {
    const { filter } = this.saved();
    return typeof filter === 'string' ? filter : undefined;
  }

  saveFilter(filter: string): void {
    this.vscode.setState({ ...this.saved(), filter } satisfies SavedState);
  }

  /** The view state, with only the fields it may have (anything else an older page saved is dropped). */
  private saved(): SavedState {
    const state = this.vscode.getState();
    if (typeof state !== 'object' || state === null) return {};
    const scrollTop = 'scrollTop' in state && typeof state.scrollTop === 'number' ? state.scrollTop : undefined;
    const filter = 'filter' in state && typeof state.filter === 'string' ? state.filter.slice(0, 500) : undefined;
    return { ...(scrollTop !== undefined ? { scrollTop } : {}), ...(filter !== undefined ? { filter } : {}) };
  }
}

/** Dispatches every message the host posts to the page to its handler; anything without a `type` is ignored. */
export function listenToHost(handlers: HostMessageHandlers): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data;
    if (typeof data !== 'object' || data === null || !('type' in data)) return;
    const message = data as HostToWebview;
    switch (message.type) {
      case 'state':
        handlers.state(message);
        return;
      case 'append':
        handlers.append(message);
        return;
      case 'update':
        handlers.update(message);
        return;
      case 'remove':
        handlers.remove(message);
        return;
      case 'reveal':
        handlers.reveal(message);
        return;
      case 'account':
        handlers.account(message);
        return;
      case 'model':
        handlers.model(message);
        return;
    }
  });
}

/** Posts the action of every card button clicked in `container` (one delegated listener: cards come and go). */
export function forwardCardButtons(container: HTMLElement, channel: HostChannel): void {
  container.addEventListener('click', (event) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button[data-action]');
    const card = button?.closest<HTMLElement>('.card');
    const target = card ? actionTarget(card) : undefined;
    const action = button?.dataset.action;
    if (!button || !target || !action) return;
    if (action === 'showLog') {
      channel.showLog();
    } else if (action === 'openSource') {
      // The source is the card's (a group's lead names it), whichever image of the card is chosen.
      if (card?.dataset.id !== undefined) channel.openSource(card.dataset.id);
    } else if (action === 'upscale' || action === 'vary') {
      if (target.index !== undefined) channel.gridAction(GRID_BUTTON_ACTIONS[action], target.localId, target.index);
    } else if ((GALLERY_ITEM_ACTIONS as readonly string[]).includes(action)) {
      channel.action(action as GalleryItemAction, target.localId, target.index);
    }
  });
}

/**
 * The page's report of what it shows (the host keeps it as a test hook), sent a moment after the last change
 * and only for a settled page — the first-screen-only render is not what the page shows for long.
 */
export class RenderReporter {
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `content` is read when the report is sent (so it describes the page then); `settled` gates scheduling. */
  constructor(
    private readonly channel: HostChannel,
    private readonly content: (limit: number) => RenderedContent,
    private readonly settled: () => boolean,
  ) {}

  schedule(): void {
    if (!this.settled()) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.channel.rendered(this.content(MAX_REPORTED_IDS));
    }, REPORT_DELAY_MS);
  }
}
