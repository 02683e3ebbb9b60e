/**
 * The page's fixed parts, built once: the header (title, count, credits left, filter box, Generate, Show Log), the feed
 * (sized to the whole list, `role="list"`) with the window of rendered cards inside it, the empty state with
 * the first steps, the "nothing matches" line, and a polite live region for announcements.
 */
import type { GalleryStrings } from '../src/gallery/protocol';
import { AccountCreditsHeader, ModelInUseHeader } from './galleryAccount';
import { formatTemplate } from './galleryCardModel';
import { el, icon } from './galleryDom';
import type { GalleryIcon } from './galleryIcons';

export interface ShellActions {
  showLog(): void;
  generate(): void;
  /** The filter box's text changed (typed, or cleared with Escape). */
  filter(text: string): void;
}

export interface GalleryShell {
  readonly toolbar: HTMLElement;
  /** The team's credits left, beside the count (galleryAccount.ts fills it in). */
  readonly accountCredits: AccountCreditsHeader;
  readonly modelInUse: ModelInUseHeader;
  /** Sized to the whole list, so the scroll bar covers it. */
  readonly feed: HTMLElement;
  /** Holds the rendered cards, moved down to the first rendered row; `role="list"`. */
  readonly window: HTMLElement;
  readonly filterInput: HTMLInputElement;
  /** Puts the host's strings in (title, labels, empty state). */
  applyStrings(strings: GalleryStrings): void;
  /**
   * Shows the count ("12", or "3 of 12 images" while filtering) and the feed, the empty state (once the
   * strings are known) or the line saying that nothing matches the filter.
   */
  showCount(shown: number, total: number, filter: string, strings: GalleryStrings | undefined): void;
  /** Says `text` through the polite live region (screen readers read it when they are idle). */
  announce(text: string): void;
  /** Tells screen readers the page has content (the host's HTML starts it `aria-busy`). */
  markRendered(): void;
}

/** A button with an icon and a label (the header's and the empty state's). */
function textButton(className: string, iconName: GalleryIcon, onClick: () => void): { button: HTMLButtonElement; label: HTMLElement } {
  const label = el('span', 'label');
  const button = el('button', `text-button ${className}`);
  button.type = 'button';
  button.append(icon(iconName), label);
  button.addEventListener('click', onClick);
  return { button, label };
}

/** Builds the shell into `root`, replacing whatever was there. */
export function buildShell(root: HTMLElement, actions: ShellActions): GalleryShell {
  const toolbar = el('header', 'toolbar');
  // The host localizes the page title; showing it now gives the first paint real content while the data is
  // on its way (strings.title replaces it, normally with the same text).
  const heading = el('h1', 'toolbar-title', document.title);
  const count = el('span', 'toolbar-count');
  const filterInput = el('input', 'filter-input');
  filterInput.type = 'search';
  filterInput.spellcheck = false;
  filterInput.autocomplete = 'off';
  filterInput.addEventListener('input', () => actions.filter(filterInput.value));
  filterInput.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || filterInput.value === '') return;
    event.preventDefault();
    filterInput.value = '';
    actions.filter('');
  });
  const filterBox = el('div', 'filter');
  filterBox.append(icon('search', 'filter-icon'), filterInput);
  const generate = textButton('generate-button primary', 'sparkle', () => actions.generate());
  const log = textButton('log-button', 'output', () => actions.showLog());
  const accountCredits = new AccountCreditsHeader();
  const modelInUse = new ModelInUseHeader();
  toolbar.append(heading, count, modelInUse.element, accountCredits.element, filterBox, generate.button, log.button);

  const feed = el('div', 'feed');
  const windowEl = el('div', 'feed-window');
  windowEl.setAttribute('role', 'list');
  const keyboardHint = el('p', 'sr-only');
  keyboardHint.id = 'gallery-keyboard-hint';
  windowEl.setAttribute('aria-describedby', keyboardHint.id);
  feed.append(windowEl);

  const noMatch = el('p', 'no-match');
  noMatch.hidden = true;

  const emptyTitle = el('h2', 'empty-title');
  const emptySteps = el('ol', 'empty-steps');
  const emptyGenerate = textButton('generate-button primary', 'sparkle', () => actions.generate());
  const empty = el('section', 'empty');
  empty.hidden = true;
  empty.append(icon('file-media', 'empty-icon'), emptyTitle, emptySteps, emptyGenerate.button);

  const live = el('div', 'sr-only');
  live.setAttribute('role', 'status');
  live.setAttribute('aria-live', 'polite');
  live.setAttribute('aria-atomic', 'true');

  root.replaceChildren(toolbar, keyboardHint, feed, noMatch, empty, live);
  let announceTimer: ReturnType<typeof setTimeout> | undefined;

  return {
    toolbar,
    accountCredits,
    modelInUse,
    feed,
    window: windowEl,
    filterInput,
    applyStrings(strings) {
      document.title = strings.title;
      heading.textContent = strings.title;
      windowEl.setAttribute('aria-label', strings.listLabel);
      keyboardHint.textContent = strings.keyboardHint;
      filterInput.placeholder = strings.filterLabel;
      filterInput.setAttribute('aria-label', strings.filterLabel);
      for (const button of [generate, emptyGenerate]) {
        button.label.textContent = strings.generate;
        button.button.title = strings.generate;
      }
      log.label.textContent = strings.showLog;
      log.button.title = strings.showLog;
      emptyTitle.textContent = strings.emptyTitle;
      emptySteps.replaceChildren(...strings.emptySteps.map((step) => el('li', '', step)));
      accountCredits.useStrings(strings);
      modelInUse.useStrings(strings);
    },
    showCount(shown, total, filter, strings) {
      const filtering = filter.trim() !== '';
      empty.hidden = total > 0 || !strings;
      feed.hidden = shown === 0;
      noMatch.hidden = !(filtering && shown === 0 && total > 0 && strings);
      if (!noMatch.hidden && strings) noMatch.textContent = formatTemplate(strings.filterNoMatch, filter.trim());
      const countText = total === 0 ? '' : filtering && strings ? formatTemplate(strings.filterCount, shown, total) : String(total);
      if (count.textContent !== countText) count.textContent = countText;
    },
    announce(text) {
      // Cleared first, then set a moment later: the same sentence twice in a row is still read.
      live.textContent = '';
      if (announceTimer !== undefined) clearTimeout(announceTimer);
      announceTimer = setTimeout(() => {
        announceTimer = undefined;
        live.textContent = text;
      }, 50);
    },
    markRendered() {
      if (root.getAttribute('aria-busy') !== 'false') root.setAttribute('aria-busy', 'false');
    },
  };
}
