/**
 * The gallery page: renders the host's history as cards, newest first, in a fixed-row-height grid of which
 * only the visible rows (plus some overscan) exist in the DOM, so 1,000 items cost what 30 do.
 *
 * Performance (issue 6 §3, measured by test/bench/gallery.ts): the toolbar shows the host's localized page
 * title before any data arrives; the first `state` renders only the rows on screen (overscan follows a frame
 * later); the scroll path reads no layout (geometry is measured on state, resize and count changes only) and
 * recycles the cards that leave the window for the ones that enter it instead of building new ones.
 *
 * Security: every piece of data goes into the DOM through `textContent` or `setAttribute`, never through
 * `innerHTML`, so markup in a prompt stays text. Layout values are set through the CSSOM (`el.style.x`), which
 * the page's CSP (no 'unsafe-inline' styles) allows.
 */
import {
  ACTIVE_PHASES,
  CARD_BUTTONS,
  GALLERY_ITEM_ACTIONS,
  type CardButton,
  type GalleryItem,
  type GalleryItemAction,
  type GalleryStrings,
  type HostToWebview,
  type WebviewToHost,
  WAITING_PHASES,
} from '../src/gallery/protocol';

export interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: unknown): void;
}

export interface GalleryOptions {
  /** false renders every card eagerly (used only as the benchmark's baseline). */
  readonly virtualize: boolean;
}

interface SavedState {
  readonly scrollTop: number;
}

/** Rows rendered above and below the viewport, so quick scrolls and Tab do not hit empty space. */
const OVERSCAN_ROWS = 2;
/** Detached cards kept for reuse; more than a window's worth is never needed. */
const MAX_POOLED_CARDS = 64;
const REPORT_DELAY_MS = 100;
const TIME_REFRESH_MS = 30_000;

const ACTION_ICONS: Readonly<Record<GalleryItemAction, string>> = {
  save: 'save',
  insert: 'insert',
  open: 'open-preview',
  copyPath: 'copy',
  copyPrompt: 'quote',
  rerun: 'refresh',
  delete: 'trash',
  resume: 'debug-continue',
  submitAnew: 'cloud-upload',
};

const PHASE_ICONS: Readonly<Record<GalleryItem['phase'], string>> = {
  'pending-submit': 'loading',
  running: 'loading',
  detached: 'debug-pause',
  downloading: 'cloud-download',
  done: 'check',
  failed: 'error',
  expired: 'history',
  'needs-decision': 'question',
};

/** Phases whose card (without an image) shows the phase, and the reason when there is one, where the image goes. */
const PLACEHOLDER_PHASES: ReadonlySet<GalleryItem['phase']> = new Set([...ACTIVE_PHASES, ...WAITING_PHASES]);

/** Which buttons a card offers in its current state, in display order. */
export function actionsFor(item: GalleryItem): GalleryItemAction[] {
  const available = new Set<GalleryItemAction>(['copyPrompt', 'rerun', 'delete']);
  if (item.image) ['save', 'insert', 'open', 'copyPath'].forEach((a) => available.add(a as GalleryItemAction));
  if (item.phase === 'detached') available.add('resume');
  if (item.phase === 'needs-decision') {
    available.add('resume');
    if (item.decision === 'unknown-submit') available.add('submitAnew');
    // Re-run would submit a new job without the warning Submit Anew gives (paid work may already exist).
    available.delete('rerun');
  }
  return GALLERY_ITEM_ACTIONS.filter((a) => available.has(a));
}

/** Whether a card offers Show Log (not a record action): when the log says more than the card can. */
function offersLog(item: GalleryItem): boolean {
  return item.phase === 'failed' || (item.phase === 'needs-decision' && item.decision === 'unreadable-result');
}

/** The actions a card waiting for a decision offers as its choices (labelled buttons rather than icons). */
function isChoice(item: GalleryItem, action: GalleryItemAction): boolean {
  return item.phase === 'needs-decision' && (action === 'resume' || action === 'submitAnew');
}

/** The button's label: the action's, except `resume` on a card waiting for a decision. */
function actionLabel(strings: GalleryStrings | undefined, item: GalleryItem, action: GalleryItemAction): string {
  if (action === 'resume' && item.phase === 'needs-decision') return strings?.lookAgain ?? action;
  return strings?.actions[action] ?? action;
}

interface TimeFormatters {
  readonly relative: Intl.RelativeTimeFormat;
  readonly absolute: Intl.DateTimeFormat;
}

/**
 * Creates the time formatters for `locale` (English if the locale is not supported). The first Intl object
 * of a page initialises ICU, which costs ~80 ms of main-thread time on a 2-core machine: the page creates
 * them only after the first screen of cards is painted, and fills the times in then.
 */
function timeFormatters(locale: string | undefined): TimeFormatters {
  try {
    return {
      relative: new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }),
      absolute: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }),
    };
  } catch {
    return {
      relative: new Intl.RelativeTimeFormat('en', { numeric: 'auto' }),
      absolute: new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' }),
    };
  }
}

function format(template: string, value: string | number): string {
  return template.replace('{0}', String(value));
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function icon(name: string, extraClass = ''): HTMLSpanElement {
  const span = el('span', `codicon codicon-${name}${extraClass ? ` ${extraClass}` : ''}`);
  span.setAttribute('aria-hidden', 'true');
  return span;
}

/** Stable DOM id fragment for a UUID (ids are validated by the host; this only keeps the attribute tidy). */
function domId(prefix: string, localId: string): string {
  return `${prefix}-${localId.replace(/[^0-9a-zA-Z-]/g, '')}`;
}

/** The parts of a card that binding an item touches (media, state and actions are swapped when they change). */
interface CardParts {
  readonly card: HTMLElement;
  media: HTMLElement;
  readonly prompt: HTMLElement;
  readonly meta: HTMLElement;
  state: HTMLElement;
  actions: HTMLElement;
}

interface CardEntry {
  readonly parts: CardParts;
  /** The item the card currently shows. */
  item: GalleryItem;
}

/** Writes an attribute only when it changes (no mutation record, no style invalidation for a no-op). */
function setAttr(element: Element, name: string, value: string): void {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

function metaText(item: GalleryItem): string {
  return [item.model, item.aspectRatio, item.style].join(' · ');
}

/** The buttons a card shows, as the page reports them: read from the DOM (what is there, not what should be). */
function buttonsOf(card: HTMLElement): CardButton[] {
  const known: readonly string[] = CARD_BUTTONS;
  return [...card.querySelectorAll<HTMLElement>('.card-actions button[data-action]')]
    .map((button) => button.dataset.action ?? '')
    .filter((action): action is CardButton => known.includes(action));
}

/** Identifies a card's button set: equal keys mean the same buttons with the same labels. */
function actionsKey(item: GalleryItem): string {
  return `${actionsFor(item).join()}${offersLog(item) ? ',showLog' : ''}${item.phase === 'needs-decision' ? ';decision' : ''}`;
}

export function startGallery(root: HTMLElement, vscode: VsCodeApi, options: GalleryOptions): void {
  let items: GalleryItem[] = [];
  let strings: GalleryStrings | undefined;
  let formatters: TimeFormatters | undefined;
  let formattersLocale: string | undefined;
  let columns = 1;
  let rowHeight = 1;
  let gap = 0;
  let minCardWidth = 1;
  // Geometry, measured by measureGeometry() when it can change (state, resize, item count), so that the
  // scroll path reads nothing but window.scrollY.
  let feedOffsetTop = 0;
  let viewportHeight = window.innerHeight;
  let measuredCount = -1;
  let geometryStale = true;
  /** Set by a `state` message: the first render draws only the rows on screen; overscan follows after a paint. */
  let overscanPending = false;
  let renderQueued = false;
  let restoredScroll = false;
  let reportTimer: ReturnType<typeof setTimeout> | undefined;
  /** Cards currently in the DOM, by local id. */
  const cards = new Map<string, CardEntry>();
  /** Detached cards that left the window, reused for the ones that enter it. */
  const pool: CardEntry[] = [];
  const loadedImages = new Set<string>();
  const failedImages = new Set<string>();
  const indexById = new Map<string, number>();

  // Static skeleton: toolbar, feed (sized to the full list), the rendered window inside it, empty state.
  const toolbar = el('header', 'toolbar');
  // The host localizes the page title; showing it now gives the first paint real content while the data is
  // on its way (strings.title replaces it, normally with the same text).
  const heading = el('h1', 'toolbar-title', document.title);
  const count = el('span', 'toolbar-count');
  const logButton = el('button', 'text-button');
  logButton.type = 'button';
  logButton.append(icon('output'), el('span', 'label'));
  logButton.addEventListener('click', () => vscode.postMessage({ type: 'showLog' }));
  toolbar.append(heading, count, logButton);

  const feed = el('div', 'feed');
  feed.setAttribute('role', 'feed');
  const windowEl = el('div', 'feed-window');
  feed.append(windowEl);

  const empty = el('section', 'empty');
  empty.hidden = true;
  empty.append(icon('file-media', 'empty-icon'), el('h2', 'empty-title'), el('p', 'empty-hint'));

  root.replaceChildren(toolbar, feed, empty);

  function readLayoutConstants(): void {
    const style = getComputedStyle(document.documentElement);
    const px = (name: string, fallback: number): number => {
      const value = parseFloat(style.getPropertyValue(name));
      return Number.isFinite(value) && value > 0 ? value : fallback;
    };
    gap = px('--gallery-gap', 12);
    rowHeight = px('--gallery-card-height', 360) + gap;
    minCardWidth = px('--gallery-card-min-width', 240);
  }

  function applyStrings(): void {
    if (!strings) return;
    document.title = strings.title;
    heading.textContent = strings.title;
    feed.setAttribute('aria-label', strings.listLabel);
    const label = logButton.querySelector('.label');
    if (label) label.textContent = strings.showLog;
    logButton.title = strings.showLog;
    const [, title, hint] = empty.children;
    if (title) title.textContent = strings.emptyTitle;
    if (hint) hint.textContent = strings.emptyHint;
  }

  /** Switches the time formatters to `locale` once the page is idle (ICU start-up must not delay the cards). */
  function useLocale(locale: string | undefined): void {
    if (formatters && formattersLocale === locale) return;
    formatters = undefined;
    formattersLocale = locale;
    // Idle time comes once the first screen has been painted and the overscan rows are in.
    requestIdleCallback(
      () => {
        if (formatters || formattersLocale !== locale) return;
        formatters = timeFormatters(locale);
        refreshTimes();
      },
      { timeout: 1000 },
    );
  }

  /** Rewrites the relative time (and its absolute tooltip) of every rendered card. */
  function refreshTimes(): void {
    for (const time of windowEl.querySelectorAll<HTMLTimeElement>('time.time')) setTime(time);
  }

  function setTime(time: HTMLTimeElement): void {
    time.textContent = relative(time.dateTime);
    const created = Date.parse(time.dateTime);
    if (formatters && Number.isFinite(created)) time.title = formatters.absolute.format(created);
  }

  /** Empty until the formatters exist (a moment after the first paint). */
  function relative(iso: string): string {
    const time = Date.parse(iso);
    if (!Number.isFinite(time) || !formatters) return '';
    const relativeTime = formatters.relative;
    const seconds = Math.round((time - Date.now()) / 1000);
    const abs = Math.abs(seconds);
    if (abs < 45) return relativeTime.format(0, 'second');
    if (abs < 45 * 60) return relativeTime.format(Math.round(seconds / 60), 'minute');
    if (abs < 22 * 3600) return relativeTime.format(Math.round(seconds / 3600), 'hour');
    if (abs < 26 * 86400) return relativeTime.format(Math.round(seconds / 86400), 'day');
    if (abs < 320 * 86400) return relativeTime.format(Math.round(seconds / (30 * 86400)), 'month');
    return relativeTime.format(Math.round(seconds / (365 * 86400)), 'year');
  }

  // ---- cards ---------------------------------------------------------------------------------------------

  /** Marks a card's image loaded or failed. One listener per <img>, which may show several items over time. */
  function onImageSettled(img: HTMLImageElement, loaded: boolean): void {
    const media = img.parentElement;
    const card = media?.parentElement;
    const localId = card?.dataset.id;
    // A late event from a card that was recycled or dropped meanwhile says nothing about the current one.
    if (!media || !card || !localId || cards.get(localId)?.parts.card !== card) return;
    (loaded ? loadedImages : failedImages).add(localId);
    (loaded ? failedImages : loadedImages).delete(localId);
    media.classList.add(loaded ? 'loaded' : 'failed');
    scheduleReport();
  }

  function setImage(img: HTMLImageElement, item: GalleryItem & { image: NonNullable<GalleryItem['image']> }): void {
    if (img.alt !== item.alt) img.alt = item.alt;
    if (img.width !== item.image.width) img.width = item.image.width;
    if (img.height !== item.image.height) img.height = item.image.height;
    if (img.getAttribute('src') !== item.image.src) img.src = item.image.src;
  }

  function buildMedia(item: GalleryItem): HTMLElement {
    const media = el('div', 'card-media');
    if (item.image) {
      const img = el('img');
      img.decoding = 'async';
      img.loading = 'lazy';
      img.draggable = false;
      img.addEventListener('load', () => onImageSettled(img, true));
      img.addEventListener('error', () => onImageSettled(img, false));
      setImage(img, { ...item, image: item.image });
      media.append(img);
    } else {
      // Jobs still on their way or waiting for the user say where they are (and why they wait: the card's
      // roomiest place for that text); finished ones without a cached file say so.
      const active = ACTIVE_PHASES.has(item.phase);
      const showsPhase = PLACEHOLDER_PHASES.has(item.phase);
      const placeholder = el('div', `placeholder placeholder-${item.phase}`);
      placeholder.append(icon(showsPhase ? PHASE_ICONS[item.phase] : 'file-media', active ? 'codicon-modifier-spin' : ''));
      placeholder.append(el('span', 'placeholder-text', showsPhase ? strings?.phases[item.phase] : strings?.noImage));
      if (showsPhase && item.interruption) {
        const reason = el('p', 'placeholder-reason', item.interruption);
        reason.id = domId('reason', item.localId);
        reason.title = item.interruption;
        placeholder.append(reason);
      }
      media.append(placeholder);
    }
    if (item.imageCount > 1 && strings) {
      const badge = el('span', 'count-badge', format(strings.imageCount, item.imageCount));
      media.append(badge);
    }
    return media;
  }

  function buildStatus(item: GalleryItem): HTMLElement {
    const status = el('div', `card-status phase-${item.phase}`);
    status.id = domId('status', item.localId);
    const phaseLabel = strings?.phases[item.phase] ?? item.phase;
    const badge = el('span', 'phase');
    const active = ACTIVE_PHASES.has(item.phase);
    badge.append(icon(PHASE_ICONS[item.phase], active ? 'codicon-modifier-spin' : ''), el('span', '', phaseLabel));
    const time = el('time', 'time');
    time.dateTime = item.createdAt;
    setTime(time);
    status.append(badge, time);

    const detail = el('div', 'card-detail');
    if (active) {
      const bar = el('progress', 'progress');
      bar.max = 100;
      if (item.progress !== null) bar.value = item.progress;
      const label = item.progress !== null && strings ? format(strings.progress, Math.round(item.progress)) : phaseLabel;
      bar.setAttribute('aria-label', label);
      detail.append(bar, el('span', 'progress-label', item.progress !== null ? `${Math.round(item.progress)}%` : ''));
    } else if (item.error) {
      detail.classList.add('error');
      detail.append(icon('warning'), el('span', 'error-text', item.error));
      detail.title = item.error;
    }
    const wrapper = el('div', 'card-state');
    wrapper.append(status, detail);
    return wrapper;
  }

  function buildActions(item: GalleryItem): HTMLElement {
    const group = el('div', 'card-actions');
    group.setAttribute('role', 'group');
    group.dataset.key = actionsKey(item);
    // A card waiting for a decision shows its choices as worded buttons (like a notification's) on a row of
    // their own, first in the tab order: an icon alone would not say that one of them may charge a second job.
    const choices = el('div', 'card-choices');
    for (const action of actionsFor(item)) {
      const label = actionLabel(strings, item, action);
      const choice = isChoice(item, action);
      const button = el('button', `${choice ? 'choice-button' : 'icon-button'} action-${action}`);
      button.type = 'button';
      button.dataset.action = action;
      button.setAttribute('aria-label', label);
      button.title = label;
      if (choice) {
        button.append(el('span', 'label', label));
        choices.append(button);
      } else {
        button.append(icon(ACTION_ICONS[action]));
        group.append(button);
      }
    }
    if (choices.childElementCount > 0) group.prepend(choices);
    if (offersLog(item) && strings) {
      const button = el('button', 'icon-button action-showLog');
      button.type = 'button';
      button.dataset.action = 'showLog';
      button.setAttribute('aria-label', strings.showLog);
      button.title = strings.showLog;
      button.append(icon('output'));
      group.append(button);
    }
    return group;
  }

  /** A card for `item` at `index`, reusing a pooled one when there is one. */
  function cardFor(item: GalleryItem, index: number): CardEntry {
    const pooled = pool.pop();
    if (pooled) {
      bindCard(pooled, item, index);
      return pooled;
    }
    const card = el('article', 'card');
    card.tabIndex = 0;
    const body = el('div', 'card-body');
    const parts: CardParts = {
      card,
      media: buildMedia(item),
      prompt: el('p', 'card-prompt'),
      meta: el('p', 'card-meta'),
      state: buildStatus(item),
      actions: buildActions(item),
    };
    body.append(parts.prompt, parts.meta, parts.state, parts.actions);
    card.append(parts.media, body);
    const entry: CardEntry = { parts, item };
    bindIdentity(parts, item);
    setAttr(card, 'aria-posinset', String(index + 1));
    setAttr(card, 'aria-setsize', String(items.length));
    return entry;
  }

  /** The parts of a card that name its record: ids, ARIA references, prompt and meta. */
  function bindIdentity(parts: CardParts, item: GalleryItem): void {
    const promptId = domId('prompt', item.localId);
    parts.card.dataset.id = item.localId;
    setAttr(parts.card, 'aria-labelledby', promptId);
    // The reason a record waits (in the placeholder) is read with its status: it is what the choice depends on.
    const reason = !item.image && item.interruption && PLACEHOLDER_PHASES.has(item.phase) ? ` ${domId('reason', item.localId)}` : '';
    setAttr(parts.card, 'aria-describedby', `${domId('status', item.localId)}${reason}`);
    parts.prompt.id = promptId;
    if (parts.prompt.textContent !== item.prompt) parts.prompt.textContent = item.prompt;
    parts.prompt.title = item.prompt;
    const meta = metaText(item);
    if (parts.meta.textContent !== meta) parts.meta.textContent = meta;
  }

  /**
   * Brings a card up to date with `item` — a newer version of the same record, or (recycling) another
   * record — rebuilding only the parts that changed and keeping the focus on the same action.
   */
  function bindCard(entry: CardEntry, item: GalleryItem, index: number): void {
    const { parts } = entry;
    const previous = entry.item;
    entry.item = item;
    setAttr(parts.card, 'aria-posinset', String(index + 1));
    setAttr(parts.card, 'aria-setsize', String(items.length));
    if (previous === item) return;
    const sameRecord = previous.localId === item.localId;
    const active = document.activeElement as HTMLElement | null;
    const focusedAction = sameRecord && active?.closest('.card') === parts.card ? active.dataset.action : undefined;
    bindIdentity(parts, item);

    if (!sameRecord || previous.image?.src !== item.image?.src) {
      loadedImages.delete(item.localId);
      failedImages.delete(item.localId);
    }
    const img = parts.media.firstElementChild;
    if (item.image && previous.image && item.imageCount === previous.imageCount && img instanceof HTMLImageElement) {
      // The common case while scrolling: one image for another in the same frame, no new nodes.
      if (!sameRecord || previous.image.src !== item.image.src) {
        const sameFile = img.getAttribute('src') === item.image.src;
        setImage(img, { ...item, image: item.image });
        if (sameFile && img.complete) {
          // Nothing new to load (and no load event will come): the new record shows what is already there.
          const loaded = img.naturalWidth > 0;
          (loaded ? loadedImages : failedImages).add(item.localId);
          parts.media.className = `card-media ${loaded ? 'loaded' : 'failed'}`;
        } else {
          parts.media.className = 'card-media';
        }
      } else {
        setImage(img, { ...item, image: item.image });
      }
    } else if (
      previous.image?.src !== item.image?.src ||
      previous.imageCount !== item.imageCount ||
      (!item.image && (previous.phase !== item.phase || previous.interruption !== item.interruption))
    ) {
      const media = buildMedia(item);
      parts.media.replaceWith(media);
      parts.media = media;
    }

    const state = buildStatus(item);
    parts.state.replaceWith(state);
    parts.state = state;
    if (parts.actions.dataset.key !== actionsKey(item)) {
      const fresh = buildActions(item);
      parts.actions.replaceWith(fresh);
      parts.actions = fresh;
      if (focusedAction) {
        const same = fresh.querySelector<HTMLElement>(`[data-action="${focusedAction}"]`);
        (same ?? parts.card).focus();
      }
    }
  }

  // ---- virtual window ------------------------------------------------------------------------------------

  /** Reads the layout the window depends on and sizes the feed. Never called on the scroll path. */
  function measureGeometry(): void {
    geometryStale = false;
    measuredCount = items.length;
    // Reads first (one layout), then writes.
    const width = feed.clientWidth || window.innerWidth;
    feedOffsetTop = feed.getBoundingClientRect().top + window.scrollY;
    viewportHeight = window.innerHeight;
    columns = Math.max(1, Math.floor((width + gap) / (minCardWidth + gap)));
    const rows = Math.ceil(items.length / columns);
    feed.style.height = `${Math.max(0, rows * rowHeight - gap)}px`;
    windowEl.style.gridTemplateColumns = `repeat(${columns}, minmax(0, 1fr))`;
  }

  function visibleRange(): { start: number; end: number; firstRow: number } {
    if (!options.virtualize) return { start: 0, end: items.length, firstRow: 0 };
    const overscan = overscanPending ? 0 : OVERSCAN_ROWS;
    const rows = Math.ceil(items.length / columns);
    const top = window.scrollY - feedOffsetTop;
    const firstRow = Math.max(0, Math.floor(top / rowHeight) - overscan);
    const lastRow = Math.min(rows - 1, Math.floor((top + viewportHeight) / rowHeight) + overscan);
    return { start: firstRow * columns, end: Math.min(items.length, (lastRow + 1) * columns), firstRow };
  }

  function render(): void {
    renderQueued = false;
    empty.hidden = items.length > 0 || !strings;
    feed.hidden = items.length === 0;
    const countText = items.length > 0 ? String(items.length) : '';
    if (count.textContent !== countText) count.textContent = countText;
    if (geometryStale || measuredCount !== items.length) measureGeometry();

    const { start, end, firstRow } = visibleRange();
    const transform = `translateY(${firstRow * rowHeight}px)`;
    if (windowEl.style.transform !== transform) windowEl.style.transform = transform;
    const keep = new Set<string>();
    for (let i = start; i < end; i++) {
      const id = items[i]?.localId;
      if (id !== undefined) keep.add(id);
    }
    // Cards that left the window go to the pool, except one holding the focus (recycling it would move the
    // focus to another record; dropping it is what a non-recycling list does too).
    for (const [id, entry] of cards) {
      if (keep.has(id)) continue;
      cards.delete(id);
      loadedImages.delete(id);
      failedImages.delete(id);
      const holdsFocus = entry.parts.card.contains(document.activeElement);
      entry.parts.card.remove();
      if (!holdsFocus && pool.length < MAX_POOLED_CARDS) pool.push(entry);
    }
    const wanted: HTMLElement[] = [];
    for (let i = start; i < end; i++) {
      const item = items[i];
      if (!item) continue;
      const existing = cards.get(item.localId);
      if (existing) {
        bindCard(existing, item, i);
        wanted.push(existing.parts.card);
      } else {
        const entry = cardFor(item, i);
        cards.set(item.localId, entry);
        wanted.push(entry.parts.card);
      }
    }
    // Insert in order without moving cards that are already in place (moving a node would drop its focus).
    let cursor = windowEl.firstElementChild;
    for (const element of wanted) {
      if (cursor === element) {
        cursor = cursor.nextElementSibling;
      } else {
        windowEl.insertBefore(element, cursor);
      }
    }
    if (root.getAttribute('aria-busy') !== 'false') root.setAttribute('aria-busy', 'false');
    scheduleReport();
  }

  function queueRender(): void {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(render);
  }

  /** After the first screen is painted (a frame, then a task), render the overscan rows as well. */
  function renderOverscanAfterPaint(): void {
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (!overscanPending) return;
        overscanPending = false;
        render();
      }, 0),
    );
  }

  function scheduleReport(): void {
    // The report describes the settled window, so not the first-screen-only render.
    if (overscanPending) return;
    if (reportTimer !== undefined) clearTimeout(reportTimer);
    reportTimer = setTimeout(() => {
      reportTimer = undefined;
      const shown = [...windowEl.children].filter((c): c is HTMLElement => c instanceof HTMLElement && !!c.dataset.id).slice(0, 500);
      const localIds = shown.map((c) => c.dataset.id ?? '');
      vscode.postMessage({
        type: 'rendered',
        total: items.length,
        localIds,
        buttons: shown.map(buttonsOf),
        loadedImages: localIds.filter((id) => loadedImages.has(id)),
        failedImages: localIds.filter((id) => failedImages.has(id)),
      });
    }, REPORT_DELAY_MS);
  }

  function reindex(): void {
    indexById.clear();
    items.forEach((item, i) => indexById.set(item.localId, i));
  }

  /** Scrolls card `index` into view, renders synchronously and focuses it. */
  function focusIndex(index: number): void {
    if (items.length === 0) return;
    overscanPending = false;
    if (geometryStale || measuredCount !== items.length) measureGeometry();
    const target = Math.max(0, Math.min(items.length - 1, index));
    const row = Math.floor(target / columns);
    const top = feedOffsetTop + row * rowHeight;
    const toolbarHeight = toolbar.getBoundingClientRect().height;
    if (top < window.scrollY + toolbarHeight) window.scrollTo(0, top - toolbarHeight - gap);
    else if (top + rowHeight > window.scrollY + viewportHeight) window.scrollTo(0, top + rowHeight - viewportHeight);
    render();
    const id = items[target]?.localId;
    if (id) cards.get(id)?.parts.card.focus({ preventScroll: true });
  }

  // ---- events --------------------------------------------------------------------------------------------

  windowEl.addEventListener('click', (event) => {
    const button = (event.target as Element | null)?.closest<HTMLButtonElement>('button[data-action]');
    const card = button?.closest<HTMLElement>('.card');
    const localId = card?.dataset.id;
    const action = button?.dataset.action;
    if (!button || !localId || !action) return;
    if (action === 'showLog') {
      vscode.postMessage({ type: 'showLog' });
    } else if ((GALLERY_ITEM_ACTIONS as readonly string[]).includes(action)) {
      vscode.postMessage({ type: 'action', action: action as GalleryItemAction, localId });
    }
  });

  windowEl.addEventListener('keydown', (event) => {
    const card = (event.target as Element | null)?.closest<HTMLElement>('.card');
    const id = card?.dataset.id;
    const index = id !== undefined ? indexById.get(id) : undefined;
    if (!card || index === undefined || event.altKey || event.metaKey) return;
    const onCard = event.target === card;
    const pageCards = Math.max(1, Math.floor(viewportHeight / rowHeight)) * columns;
    let next: number | undefined;
    switch (event.key) {
      case 'ArrowDown': next = index + columns; break;
      case 'ArrowUp': next = index - columns; break;
      case 'ArrowRight': next = onCard ? index + 1 : undefined; break;
      case 'ArrowLeft': next = onCard ? index - 1 : undefined; break;
      case 'PageDown': next = index + pageCards; break;
      case 'PageUp': next = index - pageCards; break;
      case 'Home': next = event.ctrlKey || onCard ? 0 : undefined; break;
      case 'End': next = event.ctrlKey || onCard ? items.length - 1 : undefined; break;
      case 'Enter':
        // Enter on a card opens the image (when there is one): the most common action.
        if (onCard && cards.get(card.dataset.id ?? '')?.item.image) {
          vscode.postMessage({ type: 'action', action: 'open', localId: card.dataset.id ?? '' });
          event.preventDefault();
        }
        return;
      default: return;
    }
    if (next === undefined) return;
    event.preventDefault();
    focusIndex(Math.max(0, Math.min(items.length - 1, next)));
  });

  let scrollSaveQueued = false;
  window.addEventListener('scroll', () => {
    if (options.virtualize) queueRender();
    if (!scrollSaveQueued) {
      scrollSaveQueued = true;
      setTimeout(() => {
        scrollSaveQueued = false;
        const saved: SavedState = { scrollTop: Math.round(window.scrollY) };
        vscode.setState(saved);
      }, 200);
    }
  }, { passive: true });
  window.addEventListener('resize', () => {
    geometryStale = true;
    queueRender();
  }, { passive: true });

  setInterval(refreshTimes, TIME_REFRESH_MS);

  function savedScrollTop(): number | undefined {
    const state = vscode.getState();
    if (typeof state === 'object' && state !== null && 'scrollTop' in state && typeof state.scrollTop === 'number') {
      return state.scrollTop;
    }
    return undefined;
  }

  function onHostMessage(message: HostToWebview): void {
    switch (message.type) {
      case 'state': {
        strings = message.strings;
        useLocale(message.locale);
        items = [...message.items];
        reindex();
        // Strings may have changed (display language): rebuild every card, pooled ones included.
        for (const entry of cards.values()) entry.parts.card.remove();
        cards.clear();
        pool.length = 0;
        applyStrings();
        geometryStale = true;
        overscanPending = options.virtualize;
        if (!restoredScroll) {
          restoredScroll = true;
          const top = savedScrollTop();
          if (top !== undefined && top > 0) {
            // Size the feed first so the saved position exists, then draw the screen at that position.
            measureGeometry();
            window.scrollTo(0, top);
          }
        }
        render();
        if (overscanPending) renderOverscanAfterPaint();
        return;
      }
      case 'update': {
        const index = indexById.get(message.item.localId);
        if (index !== undefined) {
          items[index] = message.item;
        } else {
          // New records are the newest: keep newest-first order by creation time.
          const at = items.findIndex((i) => i.createdAt <= message.item.createdAt);
          items.splice(at === -1 ? items.length : at, 0, message.item);
          reindex();
        }
        queueRender();
        return;
      }
      case 'remove': {
        const index = indexById.get(message.localId);
        if (index === undefined) return;
        const entry = cards.get(message.localId);
        const hadFocus = entry?.parts.card.contains(document.activeElement) ?? false;
        items.splice(index, 1);
        reindex();
        render();
        if (hadFocus) focusIndex(index);
        return;
      }
      case 'reveal': {
        const index = indexById.get(message.localId);
        if (index !== undefined) focusIndex(index);
        return;
      }
    }
  }

  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data;
    if (typeof data !== 'object' || data === null || !('type' in data)) return;
    onHostMessage(data as HostToWebview);
  });

  readLayoutConstants();
  vscode.postMessage({ type: 'ready' });
}
