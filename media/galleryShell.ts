/**
 * The page's fixed parts, built once: the toolbar (title, count, Show Log), the feed (sized to the whole list)
 * with the window of rendered cards inside it, and the empty state.
 */
import type { GalleryStrings } from '../src/gallery/protocol';
import { el, icon } from './galleryDom';

export interface GalleryShell {
  readonly toolbar: HTMLElement;
  /** Sized to the whole list, so the scroll bar covers it; `role="feed"`. */
  readonly feed: HTMLElement;
  /** Holds the rendered cards, moved down to the first rendered row. */
  readonly window: HTMLElement;
  /** Puts the host's strings in (title, labels, empty state). */
  applyStrings(strings: GalleryStrings): void;
  /** Shows the count and either the feed or (once the strings are known) the empty state. */
  showCount(count: number, stringsKnown: boolean): void;
  /** Tells screen readers the page has content (the host's HTML starts it `aria-busy`). */
  markRendered(): void;
}

/** Builds the shell into `root`, replacing whatever was there; `onShowLog` is the toolbar button's action. */
export function buildShell(root: HTMLElement, onShowLog: () => void): GalleryShell {
  const toolbar = el('header', 'toolbar');
  // The host localizes the page title; showing it now gives the first paint real content while the data is
  // on its way (strings.title replaces it, normally with the same text).
  const heading = el('h1', 'toolbar-title', document.title);
  const count = el('span', 'toolbar-count');
  const logLabel = el('span', 'label');
  const logButton = el('button', 'text-button');
  logButton.type = 'button';
  logButton.append(icon('output'), logLabel);
  logButton.addEventListener('click', onShowLog);
  toolbar.append(heading, count, logButton);

  const feed = el('div', 'feed');
  feed.setAttribute('role', 'feed');
  const windowEl = el('div', 'feed-window');
  feed.append(windowEl);

  const emptyTitle = el('h2', 'empty-title');
  const emptyHint = el('p', 'empty-hint');
  const empty = el('section', 'empty');
  empty.hidden = true;
  empty.append(icon('file-media', 'empty-icon'), emptyTitle, emptyHint);

  root.replaceChildren(toolbar, feed, empty);

  return {
    toolbar,
    feed,
    window: windowEl,
    applyStrings(strings) {
      document.title = strings.title;
      heading.textContent = strings.title;
      feed.setAttribute('aria-label', strings.listLabel);
      logLabel.textContent = strings.showLog;
      logButton.title = strings.showLog;
      emptyTitle.textContent = strings.emptyTitle;
      emptyHint.textContent = strings.emptyHint;
    },
    showCount(itemCount, stringsKnown) {
      empty.hidden = itemCount > 0 || !stringsKnown;
      feed.hidden = itemCount === 0;
      const countText = itemCount > 0 ? String(itemCount) : '';
      if (count.textContent !== countText) count.textContent = countText;
    },
    markRendered() {
      if (root.getAttribute('aria-busy') !== 'false') root.setAttribute('aria-busy', 'false');
    },
  };
}
