/**
 * Builds the parts of a card that change with its item — the image area, the status with its detail line
 * and the action toolbar — as fresh elements (galleryCards.ts decides when a part must be rebuilt and swaps
 * it in). What each part says comes from galleryCardModel.ts; the text goes in as text only.
 *
 * Every button inside a card is out of the Tab order (`tabindex=-1`): the card is the grid's one Tab stop,
 * and the keyboard reaches its buttons with Enter and the arrow keys (galleryKeyboard.ts).
 */
import { ACTIVE_PHASES, GRID_BUTTONS, type GalleryItem, type GallerySource, type GalleryStrings } from '../src/gallery/protocol';
import {
  PHASE_ICONS,
  PLACEHOLDER_PHASES,
  actionLabel,
  actionsKey,
  buttonIcon,
  defaultTile,
  gridButtonText,
  hasGridTiles,
  sourceParts,
  sourceText,
  type ActionButton,
  detailKind,
  domId,
  phaseName,
  formatTemplate,
  isChoice,
  overflowButtons,
  primaryButtons,
  stageOf,
  stageText,
  tileCaption,
  tileLabel,
} from './galleryCardModel';
import { el, icon, setAttr } from './galleryDom';
import type { TimeLabels } from './galleryTimes';

export type ItemWithImage = GalleryItem & { image: NonNullable<GalleryItem['image']> };

/** The overflow button's marker (it is not an action: it opens the card's menu). */
export const MORE_BUTTON_CLASS = 'more-button';

/**
 * Points an `<img>` at the item's image, touching only what differs (a changed `src` starts a new load). The
 * size is compared as attributes: the `width`/`height` properties of a rendered image are its laid-out size,
 * so reading them lays out the page — once per card when a scroll rebinds the cards in place. `load: false`
 * describes the image without asking for it (a card a quick scroll passes by; see galleryCards.ts).
 */
export function setImage(img: HTMLImageElement, item: ItemWithImage, { load = true }: { readonly load?: boolean } = {}): void {
  if (img.alt !== item.alt) img.alt = item.alt;
  setAttr(img, 'width', String(item.image.width));
  setAttr(img, 'height', String(item.image.height));
  if (load && img.getAttribute('src') !== item.image.src) img.src = item.image.src;
}


/**
 * The image area: the image (lazy, decoded off the main thread, its size known before it loads), or a
 * placeholder saying where the job is; plus a badge when the job made several images. Its height is set by
 * the card (the thumbnail's box at the image's aspect ratio). `onImageSettled` hears the `<img>`'s load or
 * error — for every item it will show, as recycling reuses it. `loadImage: false` builds the `<img>` without
 * asking for its file (a card a quick scroll passes by: the next render asks).
 */
export function buildMedia(
  item: GalleryItem,
  strings: GalleryStrings | undefined,
  onImageSettled: (img: HTMLImageElement, loaded: boolean) => void,
  { loadImage = true }: { readonly loadImage?: boolean } = {},
): HTMLElement {
  const media = el('div', 'card-media');
  const newImage = (): HTMLImageElement => {
    const img = el('img');
    img.decoding = 'async';
    img.loading = 'lazy';
    img.draggable = false;
    img.addEventListener('load', () => onImageSettled(img, true));
    img.addEventListener('error', () => onImageSettled(img, false));
    return img;
  };
  if (item.tiles && item.tiles.length > 1) {
    media.classList.add('has-tiles');
    media.append(buildTiles(item, strings, newImage));
    return media;
  }
  if (item.image) {
    const img = newImage();
    setImage(img, { ...item, image: item.image }, { load: loadImage });
    media.append(img);
  } else {
    // Jobs still on their way or waiting for the user say where they are (and why they wait: the card's
    // roomiest place for that text); finished ones without a cached file say so.
    const active = stageOf(item) !== undefined;
    const showsPhase = PLACEHOLDER_PHASES.has(item.phase);
    const placeholder = el('div', `placeholder placeholder-${item.phase}`);
    placeholder.append(icon(showsPhase ? PHASE_ICONS[item.phase] : 'file-media', active ? 'codicon-modifier-spin' : ''));
    placeholder.append(el('span', 'placeholder-text', showsPhase ? phaseName(item, strings) : strings?.noImage));
    if (showsPhase && item.interruption) {
      const reason = el('p', 'placeholder-reason', item.interruption);
      reason.id = domId('reason', item.localId);
      reason.title = item.interruption;
      placeholder.append(reason);
    }
    media.append(placeholder);
  }
  if (item.imageCount > 1 && strings) {
    const badge = el('span', 'count-badge', formatTemplate(strings.imageCount, item.imageCount));
    media.append(badge);
  }
  return media;
}

/**
 * The images of a card that has several, side by side in order: each a button (reached with the arrow keys
 * inside the card, like the card's actions) that chooses the image the card's Save, Insert and Open take.
 * `data-tile` is its position; the chosen one is `aria-pressed` (galleryCards.ts keeps that).
 */
function buildTiles(item: GalleryItem, strings: GalleryStrings | undefined, newImage: () => HTMLImageElement): HTMLElement {
  const strip = el('div', 'tile-strip');
  strip.setAttribute('role', 'group');
  strip.setAttribute('aria-label', strings?.chooseImage ?? '');
  (item.tiles ?? []).forEach((tile, position) => {
    const label = tileLabel(item, tile, position, strings);
    const button = el('button', 'tile');
    button.type = 'button';
    button.tabIndex = -1;
    button.dataset.tile = String(position);
    button.setAttribute('aria-label', label);
    button.setAttribute('aria-pressed', 'false');
    button.title = label;
    if (tile.image) {
      const img = newImage();
      // The button carries the image's name; the prompt is the card's.
      setImage(img, { ...item, alt: '', image: tile.image });
      button.append(img);
    } else {
      const working = PLACEHOLDER_PHASES.has(tile.phase);
      button.append(icon(working ? PHASE_ICONS[tile.phase] : 'file-media', ACTIVE_PHASES.has(tile.phase) ? 'codicon-modifier-spin' : ''));
    }
    const caption = el('span', 'tile-caption', tileCaption(item, tile, position));
    if (tile.savedPath !== undefined) caption.append(icon('check'));
    button.append(caption);
    strip.append(button);
  });
  return strip;
}

/**
 * The row naming the image the job started from ("logo.png → Remove Background", "Variation of logo.png"),
 * with a small thumbnail of it. With a thumbnail the row is a button that opens the source (the file, or the
 * gallery image's card); without one (the file is gone) it only names it. Only for an item with a source.
 */
export function buildSource(item: GalleryItem, source: GallerySource, strings: GalleryStrings | undefined): HTMLElement {
  const sentence = sourceText(source, strings);
  // The sentence as screen readers hear it (the card's name starts with it); what is shown is the same words
  // in parts, so that a long name is cut and what was done to it stays whole.
  const spoken = el('span', 'sr-only', sentence);
  spoken.id = domId('source', item.localId);
  const text = el('span', 'source-text');
  text.setAttribute('aria-hidden', 'true');
  const parts = sourceParts(source, strings);
  // Each part is a box of its own (the words after the name go to the row's second line when the name needs
  // the width): the space between them, where the template has one, becomes a margin.
  if (parts.before.trim()) text.append(el('span', `source-fixed${/\s$/.test(parts.before) ? ' space-after' : ''}`, parts.before.trim()));
  text.append(el('span', 'source-name', parts.name));
  if (parts.after.trim()) text.append(el('span', `source-fixed${/^\s/.test(parts.after) ? ' space-before' : ''}`, parts.after.trim()));
  if (source.thumbnail === undefined) {
    const row = el('div', 'card-source no-thumbnail');
    row.append(icon('file-media', 'source-icon'), spoken, text);
    row.title = sentence;
    return row;
  }
  const button = el('button', 'card-source');
  button.type = 'button';
  button.tabIndex = -1;
  button.dataset.action = 'openSource';
  const label = strings ? formatTemplate(strings.openSource, sentence) : sentence;
  button.setAttribute('aria-label', label);
  button.title = label;
  const thumbnail = el('img', 'source-thumb');
  thumbnail.alt = '';
  thumbnail.decoding = 'async';
  thumbnail.draggable = false;
  thumbnail.width = SOURCE_THUMBNAIL_PX;
  thumbnail.height = SOURCE_THUMBNAIL_PX;
  // A copy that cannot be read any more leaves the name (and the button) without a broken image.
  thumbnail.addEventListener('error', () => button.classList.add('thumbnail-failed'));
  thumbnail.src = source.thumbnail;
  button.append(thumbnail, spoken, text);
  return button;
}

/** The source thumbnail's box (the image is scaled into it, whole). */
const SOURCE_THUMBNAIL_PX = 32;

/** One card button: labelled for screen readers and tooltips alike, out of the Tab order. */
function cardButton(item: GalleryItem, strings: GalleryStrings | undefined, button: ActionButton, worded: boolean): HTMLButtonElement {
  const label = actionLabel(strings, item, button);
  const element = el('button', `${worded ? 'choice-button' : 'icon-button'} action-${button}`);
  element.type = 'button';
  element.tabIndex = -1;
  element.dataset.action = button;
  element.title = label;
  if (worded) {
    element.append(el('span', 'label', label));
  } else {
    element.setAttribute('aria-label', label);
    element.append(icon(buttonIcon(button)));
  }
  return element;
}

/**
 * The status line (the phase or stage with its icon, and the time) and the detail line below it: progress
 * while active, the choices of a card waiting for a decision, "Stopped waiting…", the error, or where the
 * image was saved. `nowMs` is the clock for elapsed times (galleryCards.ts rewrites them every second).
 */
export function buildStatus(item: GalleryItem, strings: GalleryStrings | undefined, times: TimeLabels, nowMs: number): HTMLElement {
  const status = el('div', `card-status phase-${item.phase}`);
  status.id = domId('status', item.localId);
  const stage = stageOf(item);
  const badge = el('span', 'phase');
  badge.append(icon(PHASE_ICONS[item.phase], stage ? 'codicon-modifier-spin' : ''), el('span', 'phase-label', phaseName(item, strings)));
  const time = el('time', 'time');
  time.dateTime = item.createdAt;
  times.fill(time);
  status.append(badge, time);

  const detail = el('div', 'card-detail');
  detail.id = domId('detail', item.localId);
  const kind = detailKind(item);
  detail.dataset.kind = kind;
  if (kind === 'progress' && stage) {
    const text = stageText(stage, strings, nowMs);
    const bar = el('progress', 'progress');
    bar.max = 100;
    if (stage.percent !== null && stage.stage === 'generating') bar.value = stage.percent;
    bar.setAttribute('aria-label', text.label);
    const label = el('span', 'progress-label', text.progress);
    // Elapsed times are rewritten every second from these (galleryCards.ts's clock).
    if (stage.since !== undefined && !(stage.percent !== null && stage.stage === 'generating')) {
      label.dataset.since = stage.since;
      if (stage.expectedSeconds !== undefined) label.dataset.expected = String(stage.expectedSeconds);
      label.dataset.stage = stage.stage;
    }
    detail.append(bar, label);
  } else if (kind === 'choices') {
    // A card waiting for a decision shows its choices as worded buttons (like a notification's): an icon
    // alone would not say that one of them may charge a second job.
    const choices = el('div', 'card-choices');
    for (const button of primaryButtons(item)) {
      if (button !== 'showLog' && isChoice(item, button)) choices.append(cardButton(item, strings, button, true));
    }
    detail.append(choices);
  } else if (kind === 'stopped') {
    detail.append(icon('debug-pause'), el('span', 'detail-text', strings?.stoppedWaiting ?? ''));
  } else if (kind === 'error' && item.error) {
    detail.classList.add('error');
    detail.append(icon('warning'), el('span', 'error-text', item.error));
    detail.title = item.error;
  } else if (kind === 'saved' && item.savedPath) {
    const text = strings ? formatTemplate(strings.savedTo, item.savedPath) : item.savedPath;
    detail.append(icon('check'), el('span', 'saved-text', text));
    detail.title = item.savedPath;
  }
  const wrapper = el('div', 'card-state');
  wrapper.append(status, detail);
  return wrapper;
}

/**
 * Points a status built by `buildStatus` for `previous` at `item` without new elements, when both say the
 * same apart from their record and time — the common case of recycling one finished card for another while
 * scrolling (new elements there would cost style and layout for every card entering the window). Returns
 * false, touching nothing, when the status must be built anew.
 */
export function rebindStatus(wrapper: HTMLElement, previous: GalleryItem, item: GalleryItem, times: TimeLabels): boolean {
  if (previous.phase !== item.phase || stageOf(previous) || stageOf(item) || detailKind(previous) !== 'none' || detailKind(item) !== 'none') {
    return false;
  }
  const status = wrapper.firstElementChild;
  const detail = status?.nextElementSibling;
  const time = status?.lastElementChild;
  if (!(status instanceof HTMLElement) || !(detail instanceof HTMLElement) || !(time instanceof HTMLTimeElement)) return false;
  status.id = domId('status', item.localId);
  detail.id = domId('detail', item.localId);
  if (time.dateTime !== item.createdAt) {
    time.dateTime = item.createdAt;
    times.fill(time);
  }
  return true;
}

/**
 * The card's toolbar (over the thumbnail's corner, shown on hover and focus): its most useful actions as
 * icon buttons and a "More Actions…" button whose menu (galleryMenu.ts) holds the rest. The menu's actions
 * are listed on that button (`data-menu`), so the page can open the menu and report them from the DOM.
 */
export function buildToolbar(item: GalleryItem, strings: GalleryStrings | undefined): HTMLElement {
  const toolbar = el('div', 'card-toolbar');
  toolbar.setAttribute('role', 'toolbar');
  toolbar.setAttribute('aria-label', strings?.cardActions ?? '');
  toolbar.dataset.key = actionsKey(item);
  // A Midjourney grid's own actions come first: Upscale n / Vary n for the chosen image (galleryCards.ts keeps
  // their number and name in step with the choice, and hides them while a tile of another job is chosen).
  if (hasGridTiles(item)) {
    for (const gridButton of GRID_BUTTONS) {
      const button = el('button', `icon-button grid-button action-${gridButton}`);
      button.type = 'button';
      button.tabIndex = -1;
      button.dataset.action = gridButton;
      showGridButton(button, item, defaultTile(item), strings);
      toolbar.append(button);
    }
  }
  for (const button of primaryButtons(item)) {
    if (button === 'showLog' || !isChoice(item, button)) toolbar.append(cardButton(item, strings, button, false));
  }
  const overflow = overflowButtons(item);
  if (overflow.length > 0) {
    const more = el('button', `icon-button ${MORE_BUTTON_CLASS}`);
    more.type = 'button';
    more.tabIndex = -1;
    more.dataset.menu = overflow.join(',');
    const label = strings?.moreActions ?? '…';
    more.setAttribute('aria-label', label);
    more.title = label;
    more.setAttribute('aria-haspopup', 'menu');
    more.setAttribute('aria-expanded', 'false');
    more.append(icon('ellipsis'));
    toolbar.append(more);
  }
  return toolbar;
}

/** Points a grid button at the image at tile `position`: "U2" named "Upscale image 2"; hidden off a grid's images. */
export function showGridButton(button: HTMLElement, item: GalleryItem, position: number, strings: GalleryStrings | undefined): void {
  const kind = button.dataset.action === 'vary' ? 'vary' : 'upscale';
  const words = gridButtonText(item, position, kind, strings);
  if (button.hidden !== (words === undefined)) button.hidden = words === undefined;
  if (!words) return;
  if (button.textContent !== words.text) button.textContent = words.text;
  if (button.getAttribute('aria-label') !== words.label) button.setAttribute('aria-label', words.label);
  if (button.title !== words.label) button.title = words.label;
}
