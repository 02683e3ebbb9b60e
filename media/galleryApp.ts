/**
 * The gallery page: renders the host's history as cards, newest first, in a fixed-row-height grid of which
 * only the visible rows (plus some overscan) exist in the DOM, so 1,000 items cost what 30 do.
 *
 * Security: every piece of data goes into the DOM through `textContent` or `setAttribute`, never through
 * `innerHTML`, so markup in a prompt stays text. Layout values are set through the CSSOM (`el.style.x`), which
 * the page's CSP (no 'unsafe-inline' styles) allows.
 */
import {
  GALLERY_ITEM_ACTIONS,
  type GalleryItem,
  type GalleryItemAction,
  type GalleryStrings,
  type HostToWebview,
  type WebviewToHost,
} from '../src/webview/protocol';

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
};

const PHASE_ICONS: Readonly<Record<GalleryItem['phase'], string>> = {
  'pending-submit': 'loading',
  running: 'loading',
  detached: 'debug-pause',
  downloading: 'cloud-download',
  done: 'check',
  failed: 'error',
  expired: 'history',
};

const ACTIVE_PHASES: ReadonlySet<GalleryItem['phase']> = new Set(['pending-submit', 'running', 'downloading']);

/** Which buttons a card offers in its current state, in display order. */
export function actionsFor(item: GalleryItem): GalleryItemAction[] {
  const available = new Set<GalleryItemAction>(['copyPrompt', 'rerun', 'delete']);
  if (item.image) ['save', 'insert', 'open', 'copyPath'].forEach((a) => available.add(a as GalleryItemAction));
  if (item.phase === 'detached') available.add('resume');
  return GALLERY_ITEM_ACTIONS.filter((a) => available.has(a));
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

export function startGallery(root: HTMLElement, vscode: VsCodeApi, options: GalleryOptions): void {
  let items: GalleryItem[] = [];
  let strings: GalleryStrings | undefined;
  let relativeTime: Intl.RelativeTimeFormat | undefined;
  let absoluteTime: Intl.DateTimeFormat | undefined;
  let columns = 1;
  let rowHeight = 1;
  let gap = 0;
  let minCardWidth = 1;
  let renderQueued = false;
  let restoredScroll = false;
  let reportTimer: ReturnType<typeof setTimeout> | undefined;
  /** Cards currently in the DOM, by local id, with the item they were built from. */
  const cards = new Map<string, { element: HTMLElement; item: GalleryItem }>();
  const loadedImages = new Set<string>();
  const failedImages = new Set<string>();
  const indexById = new Map<string, number>();

  // Static skeleton: toolbar, feed (sized to the full list), the rendered window inside it, empty state.
  const toolbar = el('header', 'toolbar');
  const heading = el('h1', 'toolbar-title');
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

  function relative(iso: string): string {
    const time = Date.parse(iso);
    if (!Number.isFinite(time) || !relativeTime) return iso;
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

  function buildMedia(item: GalleryItem): HTMLElement {
    const media = el('div', 'card-media');
    if (item.image) {
      const img = el('img');
      img.alt = item.alt;
      img.width = item.image.width;
      img.height = item.image.height;
      img.decoding = 'async';
      img.loading = 'lazy';
      img.draggable = false;
      img.addEventListener('load', () => {
        loadedImages.add(item.localId);
        failedImages.delete(item.localId);
        media.classList.add('loaded');
        scheduleReport();
      });
      img.addEventListener('error', () => {
        failedImages.add(item.localId);
        loadedImages.delete(item.localId);
        media.classList.add('failed');
        scheduleReport();
      });
      img.src = item.image.src;
      media.append(img);
    } else {
      // Jobs still on their way say where they are; finished ones without a cached file say so.
      const active = ACTIVE_PHASES.has(item.phase);
      const inFlight = active || item.phase === 'detached';
      const placeholder = el('div', 'placeholder');
      placeholder.append(icon(inFlight ? PHASE_ICONS[item.phase] : 'file-media', active ? 'codicon-modifier-spin' : ''));
      placeholder.append(el('span', 'placeholder-text', inFlight ? strings?.phases[item.phase] : strings?.noImage));
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
    const time = el('time', 'time', relative(item.createdAt));
    time.dateTime = item.createdAt;
    const created = Date.parse(item.createdAt);
    if (absoluteTime && Number.isFinite(created)) time.title = absoluteTime.format(created);
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
    for (const action of actionsFor(item)) {
      const label = strings?.actions[action] ?? action;
      const button = el('button', `icon-button action-${action}`);
      button.type = 'button';
      button.dataset.action = action;
      button.setAttribute('aria-label', label);
      button.title = label;
      button.append(icon(ACTION_ICONS[action]));
      group.append(button);
    }
    if (item.phase === 'failed' && strings) {
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

  function buildCard(item: GalleryItem, index: number): HTMLElement {
    const card = el('article', 'card');
    card.tabIndex = 0;
    card.dataset.id = item.localId;
    card.setAttribute('aria-posinset', String(index + 1));
    card.setAttribute('aria-setsize', String(items.length));
    const promptId = domId('prompt', item.localId);
    card.setAttribute('aria-labelledby', promptId);
    card.setAttribute('aria-describedby', domId('status', item.localId));

    const body = el('div', 'card-body');
    const prompt = el('p', 'card-prompt', item.prompt);
    prompt.id = promptId;
    prompt.title = item.prompt;
    const meta = el('p', 'card-meta', [item.model, item.aspectRatio, item.style].join(' · '));
    body.append(prompt, meta, buildStatus(item), buildActions(item));
    card.append(buildMedia(item), body);
    return card;
  }

  /** Brings a rendered card up to date, rebuilding only the parts that changed and keeping focus. */
  function updateCard(entry: { element: HTMLElement; item: GalleryItem }, item: GalleryItem, index: number): void {
    const { element } = entry;
    const previous = entry.item;
    entry.item = item;
    element.setAttribute('aria-posinset', String(index + 1));
    element.setAttribute('aria-setsize', String(items.length));
    if (previous === item) return;
    const focusedAction = (document.activeElement as HTMLElement | null)?.closest('.card') === element
      ? (document.activeElement as HTMLElement).dataset.action
      : undefined;
    const [media, body] = element.children;
    if (previous.image?.src !== item.image?.src || previous.imageCount !== item.imageCount || (!item.image && previous.phase !== item.phase)) {
      if (previous.image?.src !== item.image?.src) {
        loadedImages.delete(item.localId);
        failedImages.delete(item.localId);
      }
      media?.replaceWith(buildMedia(item));
    }
    if (body) {
      const [prompt, meta, state, actions] = body.children;
      if (prompt) prompt.textContent = item.prompt;
      if (meta) meta.textContent = [item.model, item.aspectRatio, item.style].join(' · ');
      state?.replaceWith(buildStatus(item));
      if (actionsFor(previous).join() !== actionsFor(item).join() || previous.phase !== item.phase) {
        const fresh = buildActions(item);
        actions?.replaceWith(fresh);
        if (focusedAction) {
          const same = fresh.querySelector<HTMLElement>(`[data-action="${focusedAction}"]`);
          (same ?? element).focus();
        }
      }
    }
  }

  // ---- virtual window ------------------------------------------------------------------------------------

  function feedTop(): number {
    return feed.getBoundingClientRect().top + window.scrollY;
  }

  function visibleRange(): { start: number; end: number; firstRow: number } {
    const rows = Math.ceil(items.length / columns);
    if (!options.virtualize) return { start: 0, end: items.length, firstRow: 0 };
    const top = window.scrollY - feedTop();
    const firstRow = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN_ROWS);
    const lastRow = Math.min(rows - 1, Math.floor((top + window.innerHeight) / rowHeight) + OVERSCAN_ROWS);
    return { start: firstRow * columns, end: Math.min(items.length, (lastRow + 1) * columns), firstRow };
  }

  function render(): void {
    renderQueued = false;
    empty.hidden = items.length > 0 || !strings;
    feed.hidden = items.length === 0;
    count.textContent = items.length > 0 ? String(items.length) : '';
    const width = feed.clientWidth || window.innerWidth;
    columns = Math.max(1, Math.floor((width + gap) / (minCardWidth + gap)));
    const rows = Math.ceil(items.length / columns);
    feed.style.height = `${Math.max(0, rows * rowHeight - gap)}px`;
    windowEl.style.gridTemplateColumns = `repeat(${columns}, minmax(0, 1fr))`;

    const { start, end, firstRow } = visibleRange();
    windowEl.style.transform = `translateY(${firstRow * rowHeight}px)`;
    const wanted: HTMLElement[] = [];
    const keep = new Set<string>();
    for (let i = start; i < end; i++) {
      const item = items[i];
      if (!item) continue;
      keep.add(item.localId);
      const existing = cards.get(item.localId);
      if (existing) {
        updateCard(existing, item, i);
        wanted.push(existing.element);
      } else {
        const element = buildCard(item, i);
        cards.set(item.localId, { element, item });
        wanted.push(element);
      }
    }
    for (const [id, entry] of cards) {
      if (!keep.has(id)) {
        entry.element.remove();
        cards.delete(id);
        loadedImages.delete(id);
        failedImages.delete(id);
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
    root.setAttribute('aria-busy', 'false');
    scheduleReport();
  }

  function queueRender(): void {
    if (renderQueued) return;
    renderQueued = true;
    requestAnimationFrame(render);
  }

  function scheduleReport(): void {
    if (reportTimer !== undefined) clearTimeout(reportTimer);
    reportTimer = setTimeout(() => {
      reportTimer = undefined;
      const localIds = [...windowEl.children].map((c) => (c as HTMLElement).dataset.id ?? '').filter(Boolean).slice(0, 500);
      vscode.postMessage({
        type: 'rendered',
        total: items.length,
        localIds,
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
    const target = Math.max(0, Math.min(items.length - 1, index));
    const row = Math.floor(target / columns);
    const top = feedTop() + row * rowHeight;
    const toolbarHeight = toolbar.getBoundingClientRect().height;
    if (top < window.scrollY + toolbarHeight) window.scrollTo(0, top - toolbarHeight - gap);
    else if (top + rowHeight > window.scrollY + window.innerHeight) window.scrollTo(0, top + rowHeight - window.innerHeight);
    render();
    const id = items[target]?.localId;
    if (id) cards.get(id)?.element.focus({ preventScroll: true });
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
    const pageCards = Math.max(1, Math.floor(window.innerHeight / rowHeight)) * columns;
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
  window.addEventListener('resize', queueRender);

  setInterval(() => {
    for (const time of windowEl.querySelectorAll<HTMLTimeElement>('time.time')) time.textContent = relative(time.dateTime);
  }, TIME_REFRESH_MS);

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
        try {
          relativeTime = new Intl.RelativeTimeFormat(message.locale, { numeric: 'auto' });
          absoluteTime = new Intl.DateTimeFormat(message.locale, { dateStyle: 'medium', timeStyle: 'short' });
        } catch {
          relativeTime = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
          absoluteTime = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short' });
        }
        items = [...message.items];
        reindex();
        // Strings may have changed (display language): rebuild every card.
        for (const entry of cards.values()) entry.element.remove();
        cards.clear();
        applyStrings();
        render();
        if (!restoredScroll) {
          restoredScroll = true;
          const top = savedScrollTop();
          if (top !== undefined && top > 0) {
            window.scrollTo(0, top);
            render();
          }
        }
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
        const hadFocus = entry?.element.contains(document.activeElement) ?? false;
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
