/**
 * Builds the parts of a card that change with its item — the image area, the status and the buttons — as
 * fresh elements (galleryCards.ts decides when a part must be rebuilt and swaps it in). What each part says
 * comes from galleryCardModel.ts; the text goes in as text only.
 */
import { ACTIVE_PHASES, type GalleryItem, type GalleryStrings } from '../src/gallery/protocol';
import {
  ACTION_ICONS,
  PHASE_ICONS,
  PLACEHOLDER_PHASES,
  actionLabel,
  actionsFor,
  actionsKey,
  domId,
  formatTemplate,
  isChoice,
  offersLog,
} from './galleryCardModel';
import { el, icon } from './galleryDom';
import type { TimeLabels } from './galleryTimes';

export type ItemWithImage = GalleryItem & { image: NonNullable<GalleryItem['image']> };

/** Points an `<img>` at the item's image, touching only what differs (a changed `src` starts a new load). */
export function setImage(img: HTMLImageElement, item: ItemWithImage): void {
  if (img.alt !== item.alt) img.alt = item.alt;
  if (img.width !== item.image.width) img.width = item.image.width;
  if (img.height !== item.image.height) img.height = item.image.height;
  if (img.getAttribute('src') !== item.image.src) img.src = item.image.src;
}

/**
 * The image area: the image (lazy, decoded off the main thread, its size known before it loads), or a
 * placeholder saying where the job is; plus a badge when the job made several images. `onImageSettled`
 * hears the `<img>`'s load or error — for every item it will show, as recycling reuses it.
 */
export function buildMedia(
  item: GalleryItem,
  strings: GalleryStrings | undefined,
  onImageSettled: (img: HTMLImageElement, loaded: boolean) => void,
): HTMLElement {
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
    const badge = el('span', 'count-badge', formatTemplate(strings.imageCount, item.imageCount));
    media.append(badge);
  }
  return media;
}

/** The status: the phase with its icon and the time, then the progress bar while active or the error. */
export function buildStatus(item: GalleryItem, strings: GalleryStrings | undefined, times: TimeLabels): HTMLElement {
  const status = el('div', `card-status phase-${item.phase}`);
  status.id = domId('status', item.localId);
  const phaseLabel = strings?.phases[item.phase] ?? item.phase;
  const badge = el('span', 'phase');
  const active = ACTIVE_PHASES.has(item.phase);
  badge.append(icon(PHASE_ICONS[item.phase], active ? 'codicon-modifier-spin' : ''), el('span', '', phaseLabel));
  const time = el('time', 'time');
  time.dateTime = item.createdAt;
  times.fill(time);
  status.append(badge, time);

  const detail = el('div', 'card-detail');
  if (active) {
    const bar = el('progress', 'progress');
    bar.max = 100;
    if (item.progress !== null) bar.value = item.progress;
    const label = item.progress !== null && strings ? formatTemplate(strings.progress, Math.round(item.progress)) : phaseLabel;
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

/** The buttons, labelled for screen readers and tooltips alike; `data-key` says which set this is. */
export function buildActions(item: GalleryItem, strings: GalleryStrings | undefined): HTMLElement {
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
