/**
 * The gallery page: renders the host's history as a grid of cards (1–4 columns by panel width, each
 * thumbnail at its image's aspect ratio), newest first, of which only the visible rows (plus some overscan)
 * exist in the DOM, so 10,000 items cost what 30 do. A header holds the filter box (prompt text, client-side),
 * Generate and Show Log.
 *
 * `startGallery` only puts the parts together, and `hostMessageHandlers` says what each host message does.
 * The parts:
 * - galleryState.ts: the items, the filter and strings, as host messages and the filter box change them;
 * - galleryVirtualWindow.ts: the grid's arithmetic (pure); galleryFeed.ts: the window in the DOM;
 * - galleryCards.ts: the cards in the window (pooled, rebound, one Tab stop), built by galleryCardParts.ts
 *   from what galleryCardModel.ts (pure) says a card offers and says;
 * - galleryKeyboard.ts: moving the focus through the grid and into a card; galleryMenu.ts: a card's overflow menu;
 * - galleryMessageLoop.ts: the typed messages between page and host, and the `rendered` report;
 * - galleryShell.ts, galleryTimes.ts, galleryDom.ts: the header, empty state and live region, times, DOM helpers.
 *
 * Performance (measured by test/bench/gallery.ts): the toolbar shows the host's localized page title before
 * any data arrives; the first `state` — embedded in the page's HTML by the host, so it needs no round trip —
 * holds a screen's worth of items and renders only the rows on screen
 * (overscan follows a frame later), the rest of the history follows in `append` messages; the scroll path
 * reads no layout and recycles the cards that leave the window for the ones that enter it, rebinding their
 * parts in place.
 *
 * Security: every piece of data goes into the DOM through `textContent` or `setAttribute`, never through
 * `innerHTML`, so markup in a prompt stays text. Layout values are set through the CSSOM (`el.style.x`), which
 * the page's CSP (no 'unsafe-inline' styles) allows.
 */
import type { CardButton, GalleryItem } from '../src/gallery/protocol';
import { ACTIVE_PHASES, GALLERY_ITEM_ACTIONS, type GalleryItemAction } from '../src/gallery/protocol';
import { actionLabel, buttonIcon, formatTemplate, shortPrompt } from './galleryCardModel';
import { CardSet, actionTarget, type CardBox } from './galleryCards';
import { GalleryFeed } from './galleryFeed';
import { listenForCardKeys } from './galleryKeyboard';
import { CardMenu } from './galleryMenu';
import { MORE_BUTTON_CLASS } from './galleryCardParts';
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
/** Elapsed times of jobs in progress ("0:12 of about 0:20") tick every second. */
const CLOCK_REFRESH_MS = 1000;
/** The filter's "n of m" is announced once typing pauses this long (not on every key). */
const FILTER_ANNOUNCE_DELAY_MS = 400;

/** The parts a host message changes. */
interface GalleryParts {
  readonly state: GalleryState;
  readonly shell: GalleryShell;
  readonly times: TimeLabels;
  readonly cards: CardSet;
  readonly feed: GalleryFeed;
  readonly menu: CardMenu;
}

export function startGallery(root: HTMLElement, vscode: VsCodeApi, options: GalleryOptions): void {
  const host = new HostChannel(vscode);
  const state = new GalleryState();
  let filterAnnounce: ReturnType<typeof setTimeout> | undefined;
  const shell = buildShell(root, {
    showLog: () => host.showLog(),
    generate: () => host.generate(),
    filter: (text) => {
      state.setFilter(text);
      host.saveFilter(text);
      window.scrollTo(0, 0);
      feed.invalidateLayout();
      feed.render();
      if (filterAnnounce !== undefined) clearTimeout(filterAnnounce);
      filterAnnounce = setTimeout(() => {
        const strings = state.strings;
        if (strings && state.filtering) shell.announce(formatTemplate(strings.filterCount, state.count, state.totalCount));
      }, FILTER_ANNOUNCE_DELAY_MS);
    },
  });
  // The parts call each other back only after the page has started, when all of them exist.
  const times = new TimeLabels(() => cards.refreshTimes());
  const reporter = new RenderReporter(host, (limit) => ({ total: state.count, ...cards.shown(limit) }), () => feed.settled);
  const cards = new CardSet(shell.window, {
    strings: () => state.strings,
    // While the history is still arriving (unfiltered), a card says where it stands in the whole of it.
    listSize: () => (state.filtering ? state.count : state.totalCount),
    box: (item): CardBox => feed.boxOf(item),
    times,
    onImageSettled: () => reporter.schedule(),
  });
  const feed = new GalleryFeed(shell, state, cards, {
    virtualize: options.virtualize,
    savedScrollTop: () => host.savedScrollTop(),
    rememberScrollTop: (scrollTop) => host.saveScrollTop(scrollTop),
    onRendered: () => reporter.schedule(),
  });
  const menu = new CardMenu(root);

  const openMenu = (button: HTMLElement, focusLast: boolean): void => {
    const card = button.closest<HTMLElement>('.card');
    const localId = card?.dataset.id;
    const item = localId !== undefined ? cards.itemOf(localId) : undefined;
    const target = card ? actionTarget(card) : undefined;
    if (!localId || !item || !target) return;
    const entries = (button.dataset.menu ?? '')
      .split(',')
      .filter((name): name is CardButton => name !== '')
      .map((name) => ({ button: name, label: actionLabel(state.strings, item, name), icon: buttonIcon(name) }));
    menu.open(button, entries, state.strings?.moreActions ?? '', (picked) => pressButton(host, picked, target), focusLast);
  };

  forwardCardButtons(shell.window, host);
  shell.window.addEventListener('click', (event) => {
    const more = (event.target as Element | null)?.closest<HTMLElement>(`.${MORE_BUTTON_CLASS}`);
    if (!more) return;
    if (menu.isOpen) menu.close(true);
    else openMenu(more, false);
  });
  // A double click on a thumbnail opens the image (the keyboard has Open among the card's buttons).
  shell.window.addEventListener('dblclick', (event) => {
    const media = (event.target as Element | null)?.closest<HTMLElement>('.card-media');
    const card = media?.closest<HTMLElement>('.card');
    const localId = card?.dataset.id;
    // On a card of several images the first click chose the tile: the double click opens that one.
    const target = card ? actionTarget(card) : undefined;
    if (localId && target && cards.itemOf(localId)?.image) host.action('open', target.localId, target.index);
  });
  listenForCardKeys(shell.window, {
    indexOf: (localId) => state.indexOf(localId),
    count: () => state.count,
    geometry: () => feed.currentGeometry,
    focusCard: (index) => feed.focusCard(index),
    openMenu,
  });
  feed.listen();
  setInterval(() => cards.refreshTimes(), TIME_REFRESH_MS);
  setInterval(() => cards.refreshClocks(Date.now()), CLOCK_REFRESH_MS);
  const handlers = hostMessageHandlers({ state, shell, times, cards, feed, menu });
  listenToHost(handlers);

  const savedFilter = host.savedFilter();
  if (savedFilter) {
    shell.filterInput.value = savedFilter;
    state.setFilter(savedFilter);
  }
  feed.readMetrics();
  // The host's answer to `ready` is on its way while the embedded first screen renders: the first cards are
  // painted in the page's first frame, not after a round trip through the extension host.
  const embedded = host.embeddedState();
  host.ready(embedded?.snapshot);
  if (embedded) handlers.state(embedded.message);
}

/** Presses a card button for its target (from its menu): Show Log is the page's, the rest are record actions. */
function pressButton(host: HostChannel, button: CardButton, target: { readonly localId: string; readonly index?: number }): void {
  if (button === 'showLog') host.showLog();
  else if (isItemAction(button)) host.action(button, target.localId, target.index);
}

function isItemAction(button: CardButton): button is GalleryItemAction {
  return (GALLERY_ITEM_ACTIONS as readonly string[]).includes(button);
}

/** What a changed item is worth announcing: a result that just arrived, or a job that just failed. */
function announcement(previous: GalleryItem | undefined, item: GalleryItem, parts: GalleryParts): string | undefined {
  const strings = parts.state.strings;
  if (!strings || !previous || previous.phase === item.phase) return undefined;
  const wasWorking = ACTIVE_PHASES.has(previous.phase) || previous.phase === 'detached' || previous.phase === 'needs-decision';
  if (!wasWorking) return undefined;
  if (item.phase === 'done') return formatTemplate(strings.announceReady, shortPrompt(item.prompt));
  if (item.phase === 'failed' || item.phase === 'expired') return formatTemplate(strings.announceFailed, shortPrompt(item.prompt));
  return undefined;
}

/** What each host message does to the page. */
function hostMessageHandlers(parts: GalleryParts): HostMessageHandlers {
  const { state, shell, times, cards, feed, menu } = parts;
  return {
    state(message) {
      menu.close(false);
      state.replace(message);
      times.useLocale(message.locale);
      // Strings may have changed (display language): every card is built anew.
      cards.clear();
      shell.applyStrings(message.strings);
      feed.showNewList();
    },
    append(message) {
      state.append(message);
      feed.listGrew();
    },
    update(message) {
      const previous = state.find(message.item.localId);
      state.upsert(message.item);
      const text = announcement(previous, message.item, parts);
      if (text) shell.announce(text);
      feed.invalidateLayout();
      feed.queueRender();
    },
    remove(message) {
      const hadFocus = cards.holdsFocus(message.localId);
      if (hadFocus) menu.close(false);
      const index = state.remove(message.localId);
      if (index === null) return;
      feed.invalidateLayout();
      feed.render();
      // The focus goes to the card that took the removed one's place (or to the new last one).
      if (hadFocus && index !== undefined) feed.focusCard(index);
    },
    reveal(message) {
      let index = state.indexOf(message.localId);
      if (index === undefined && state.filtering && state.find(message.localId)) {
        // The host asks for a card the filter hides: show everything again rather than nothing.
        shell.filterInput.value = '';
        state.setFilter('');
        feed.invalidateLayout();
        index = state.indexOf(message.localId);
      }
      if (index !== undefined) feed.focusCard(index);
    },
    model(message) {
      shell.modelInUse.showModel(message);
    },
    account(message) {
      shell.accountCredits.showAccount(message);
    },
  };
}
