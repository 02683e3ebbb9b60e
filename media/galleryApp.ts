/**
 * The gallery page: renders the host's history as cards, newest first, in a fixed-row-height grid of which
 * only the visible rows (plus some overscan) exist in the DOM, so 1,000 items cost what 30 do.
 *
 * `startGallery` only puts the parts together, and `hostMessageHandlers` says what each host message does.
 * The parts:
 * - galleryState.ts: the items and strings, as host messages change them;
 * - galleryVirtualWindow.ts: the window's arithmetic (pure); galleryFeed.ts: the window in the DOM;
 * - galleryCards.ts: the cards in the window (pooled, rebound), built by galleryCardParts.ts from what
 *   galleryCardModel.ts (pure) says a card offers;
 * - galleryKeyboard.ts: moving the focus through the grid;
 * - galleryMessageLoop.ts: the typed messages between page and host, and the `rendered` report;
 * - galleryShell.ts, galleryTimes.ts, galleryDom.ts: the toolbar and empty state, times, DOM helpers.
 *
 * Performance (measured by test/bench/gallery.ts): the toolbar shows the host's localized page title before
 * any data arrives; the first `state` renders only the rows on screen (overscan follows a frame later); the
 * scroll path reads no layout and recycles the cards that leave the window for the ones that enter it.
 *
 * Security: every piece of data goes into the DOM through `textContent` or `setAttribute`, never through
 * `innerHTML`, so markup in a prompt stays text. Layout values are set through the CSSOM (`el.style.x`), which
 * the page's CSP (no 'unsafe-inline' styles) allows.
 */
import { CardSet } from './galleryCards';
import { GalleryFeed } from './galleryFeed';
import { listenForCardKeys } from './galleryKeyboard';
import { HostChannel, RenderReporter, forwardCardButtons, listenToHost, type HostMessageHandlers, type VsCodeApi } from './galleryMessageLoop';
import { buildShell, type GalleryShell } from './galleryShell';
import { GalleryState } from './galleryState';
import { TimeLabels } from './galleryTimes';

export type { VsCodeApi } from './galleryMessageLoop';

export interface GalleryOptions {
  /** false renders every card eagerly (used only as the benchmark's baseline). */
  readonly virtualize: boolean;
}

/** Relative times ("5 minutes ago") are rewritten this often. */
const TIME_REFRESH_MS = 30_000;

/** The parts a host message changes. */
interface GalleryParts {
  readonly state: GalleryState;
  readonly shell: GalleryShell;
  readonly times: TimeLabels;
  readonly cards: CardSet;
  readonly feed: GalleryFeed;
}

export function startGallery(root: HTMLElement, vscode: VsCodeApi, options: GalleryOptions): void {
  const host = new HostChannel(vscode);
  const state = new GalleryState();
  const shell = buildShell(root, () => host.showLog());
  // The parts call each other back only after the page has started, when all of them exist.
  const times = new TimeLabels(() => cards.refreshTimes());
  const reporter = new RenderReporter(host, (limit) => ({ total: state.count, ...cards.shown(limit) }), () => feed.settled);
  const cards = new CardSet(shell.window, {
    strings: () => state.strings,
    listSize: () => state.count,
    times,
    onImageSettled: () => reporter.schedule(),
  });
  const feed = new GalleryFeed(shell, state, cards, {
    virtualize: options.virtualize,
    savedScrollTop: () => host.savedScrollTop(),
    rememberScrollTop: (scrollTop) => host.saveScrollTop(scrollTop),
    onRendered: () => reporter.schedule(),
  });

  forwardCardButtons(shell.window, host);
  listenForCardKeys(shell.window, {
    indexOf: (localId) => state.indexOf(localId),
    count: () => state.count,
    geometry: () => feed.currentGeometry,
    hasImage: (localId) => !!cards.itemOf(localId)?.image,
    focusCard: (index) => feed.focusCard(index),
    openImage: (localId) => host.action('open', localId),
  });
  feed.listen();
  setInterval(() => cards.refreshTimes(), TIME_REFRESH_MS);
  listenToHost(hostMessageHandlers({ state, shell, times, cards, feed }));

  feed.readMetrics();
  host.ready();
}

/** What each host message does to the page. */
function hostMessageHandlers({ state, shell, times, cards, feed }: GalleryParts): HostMessageHandlers {
  return {
    state(message) {
      state.replace(message);
      times.useLocale(message.locale);
      // Strings may have changed (display language): every card is built anew.
      cards.clear();
      shell.applyStrings(message.strings);
      feed.showNewList();
    },
    update(message) {
      state.upsert(message.item);
      feed.queueRender();
    },
    remove(message) {
      const index = state.indexOf(message.localId);
      if (index === undefined) return;
      const hadFocus = cards.holdsFocus(message.localId);
      state.removeAt(index);
      feed.render();
      // The focus goes to the card that took the removed one's place (or to the new last one).
      if (hadFocus) feed.focusCard(index);
    },
    reveal(message) {
      const index = state.indexOf(message.localId);
      if (index !== undefined) feed.focusCard(index);
    },
  };
}
