/**
 * The gallery's first screen as HTML, written into the page by the host so the browser paints the first
 * cards straight from the HTML — before the page's script has been fetched, compiled and run. The script then
 * builds the live page from the same `state` message (embedded beside it) in one task and takes this picture
 * away in that task, so no frame shows both, or neither.
 *
 * A picture, not a second page: it is inert and hidden from screen readers (the live page announces itself),
 * has no ids (the live page's ids stay unique), no card toolbars (they show only on hover and focus) and no
 * times (the live page writes them once the page is idle). What it does show it says with the page's own
 * words and classes — the card model (media/galleryCardModel.ts) decides the texts, the page's stylesheet the
 * look — so the live page replaces it without a visible change (test/browser/galleryFirstScreen.test.ts
 * compares the two, box by box).
 *
 * Where the live page sets sizes through the CSSOM, the picture cannot (the CSP allows no inline styles): its
 * grid takes its columns from the stylesheet (`.first-screen`, the same rule as galleryVirtualWindow.ts's
 * column count) and each thumbnail its aspect ratio from a `<style>` element carrying the page's nonce.
 *
 * Every piece of data goes through `escapeAttribute`, in text and attributes alike: a prompt is text, never markup.
 */
import { escapeAttribute as escape } from '../workspace/snippet';
import {
  PHASE_ICONS,
  PLACEHOLDER_PHASES,
  detailKind,
  formatTemplate,
  hasPrompt,
  isChoice,
  actionLabel,
  cardShape,
  mediaAspect,
  metaText,
  phaseName,
  primaryButtons,
  sourceParts,
  stageOf,
  stageText,
  tileCaption,
  waitsForUser,
} from '../../media/galleryCardModel';
import { clampedAspectHeight } from '../../media/galleryVirtualWindow';
import type { GalleryIcon } from '../../media/galleryIcons';
import { FIRST_CARD_TIMING, FIRST_SCREEN_ELEMENT_ID, type GalleryItem, type GalleryStrings, type HostToWebview } from './protocol';

/**
 * Cards in the picture: four rows of the grid's widest layout (4 columns of its narrowest cards, ~210 px
 * tall), more than a screen holds at any panel size; the rest of the first `state` is the live page's.
 */
export const FIRST_SCREEN_CARDS = 16;

export interface FirstScreen {
  /** The picture, for inside the page's `<main>`. */
  readonly html: string;
  /** The thumbnails' aspect ratios, for a `<style>` element with the page's nonce. */
  readonly css: string;
}

type StateMessage = Extract<HostToWebview, { type: 'state' }>;

/** The picture of `message`'s first cards, or undefined when the history is empty (the live page shows its welcome). */
export function firstScreen(message: StateMessage, title: string, nowMs: number = Date.now()): FirstScreen | undefined {
  const items = message.items.slice(0, FIRST_SCREEN_CARDS);
  if (items.length === 0) return undefined;
  const { strings } = message;
  const cards = items.map((item, index) => card(item, strings, nowMs, index === 0)).join('');
  const html =
    `<div class="first-screen" id="${FIRST_SCREEN_ELEMENT_ID}" aria-hidden="true" inert>` +
    toolbar(title, message.total, strings) +
    `<div class="feed"><div class="feed-window">${cards}</div></div></div>`;
  // Numbers only: nothing from the history reaches the stylesheet but the thumbnails' shapes.
  const css = items
    .map((item, index) => {
      const aspect = mediaAspect(item);
      const height = clampedAspectHeight(aspect.width, aspect.height);
      return `.first-screen .card:nth-child(${index + 1}) .card-media{aspect-ratio:1/${Number(height.toFixed(6))}}`;
    })
    .join('\n');
  return { html, css };
}

function tag(name: string, className: string, content = '', attributes = ''): string {
  return `<${name} class="${escape(className)}"${attributes}>${content}</${name}>`;
}

function iconHtml(name: GalleryIcon, extraClass = ''): string {
  return `<span class="codicon codicon-${name}${extraClass ? ` ${extraClass}` : ''}" aria-hidden="true"></span>`;
}

/** The header as the live page's shell builds it (galleryShell.ts), with the count the host already knows. */
function toolbar(title: string, total: number, strings: GalleryStrings): string {
  const button = (className: string, iconName: GalleryIcon, label: string): string =>
    `<button class="text-button ${className}" type="button" tabindex="-1">${iconHtml(iconName)}${tag('span', 'label', escape(label))}</button>`;
  return (
    '<header class="toolbar">' +
    tag('h1', 'toolbar-title', escape(title)) +
    tag('span', 'toolbar-count', total > 0 ? String(total) : '') +
    `<div class="filter">${iconHtml('search', 'filter-icon')}<input class="filter-input" type="search" tabindex="-1" placeholder="${escape(strings.filterLabel)}"></div>` +
    button('generate-button primary', 'sparkle', strings.generate) +
    button('log-button', 'output', strings.showLog) +
    '</header>'
  );
}

/** One card as media/galleryCards.ts builds it: thumbnail, source row, prompt, meta, status and detail. */
function card(item: GalleryItem, strings: GalleryStrings, nowMs: number, first: boolean): string {
  const classes = ['card'];
  if (waitsForUser(item)) classes.push('card-waiting');
  if (item.source !== undefined && !hasPrompt(item)) classes.push('card-no-prompt');
  // Element Timing names the first card's text, so the moment it reaches the screen can be known: the page's
  // script starts then, and the benchmark measures it ("first card painted"; a parser lays the text out before a
  // script could name it).
  const timing = first ? ` elementtiming="${FIRST_CARD_TIMING}"` : '';
  const body = source(item, strings) + tag('p', 'card-prompt', escape(item.prompt), timing) + tag('p', 'card-meta', escape(metaText(item, strings))) + state(item, strings, nowMs);
  // The rows the live page adds to the card's height for its source and detail lines (cardShape).
  const shape = cardShape(item);
  const bodyClasses = ['card-body', ...(shape.hasSource === true ? ['with-source'] : []), ...(shape.hasDetail ? ['with-detail'] : [])];
  return tag('article', classes.join(' '), media(item, strings) + tag('div', bodyClasses.join(' '), body));
}

function media(item: GalleryItem, strings: GalleryStrings): string {
  let content: string;
  let className = 'card-media';
  // Lazy, as every image of the picture: an image the HTML loads holds back the page's `load` event, which a
  // VS Code webview waits for before it shows the page; a lazy one in view is fetched all the same.
  const image = (src: string, width: number, height: number, alt: string): string =>
    `<img loading="lazy" decoding="async" draggable="false" alt="${escape(alt)}" width="${width}" height="${height}" src="${escape(src)}">`;
  if (item.tiles && item.tiles.length > 1) {
    className += ' has-tiles';
    const tiles = item.tiles
      .map((tile, position) => {
        const inside = tile.image
          ? image(tile.image.src, tile.image.width, tile.image.height, '')
          : iconHtml(PLACEHOLDER_PHASES.has(tile.phase) ? PHASE_ICONS[tile.phase] : 'file-media');
        const caption = tag('span', 'tile-caption', escape(tileCaption(item, tile, position)) + (tile.savedPath !== undefined ? iconHtml('check') : ''));
        return `<button class="tile" type="button" tabindex="-1">${inside}${caption}</button>`;
      })
      .join('');
    content = tag('div', 'tile-strip', tiles);
  } else if (item.image) {
    content = image(item.image.src, item.image.width, item.image.height, item.alt);
  } else {
    const showsPhase = PLACEHOLDER_PHASES.has(item.phase);
    const reason = showsPhase && item.interruption ? tag('p', 'placeholder-reason', escape(item.interruption)) : '';
    content = tag(
      'div',
      `placeholder placeholder-${item.phase}`,
      iconHtml(showsPhase ? PHASE_ICONS[item.phase] : 'file-media') + tag('span', 'placeholder-text', escape(showsPhase ? phaseName(item, strings) : strings.noImage)) + reason,
    );
  }
  if (item.imageCount > 1) content += tag('span', 'count-badge', escape(formatTemplate(strings.imageCount, item.imageCount)));
  return tag('div', className, content);
}

/** The row naming the image the job started from (galleryCardParts.ts's `buildSource`, without its thumbnail's button). */
function source(item: GalleryItem, strings: GalleryStrings): string {
  if (!item.source) return '';
  const parts = sourceParts(item.source, strings);
  let text = '';
  if (parts.before.trim()) text += tag('span', `source-fixed${/\s$/.test(parts.before) ? ' space-after' : ''}`, escape(parts.before.trim()));
  text += tag('span', 'source-name', escape(parts.name));
  if (parts.after.trim()) text += tag('span', `source-fixed${/^\s/.test(parts.after) ? ' space-before' : ''}`, escape(parts.after.trim()));
  const textHtml = tag('span', 'source-text', text);
  if (item.source.thumbnail === undefined) return tag('div', 'card-source no-thumbnail', iconHtml('file-media', 'source-icon') + textHtml);
  const thumbnail = `<img class="source-thumb" alt="" loading="lazy" decoding="async" draggable="false" width="32" height="32" src="${escape(item.source.thumbnail)}">`;
  return `<button class="card-source" type="button" tabindex="-1">${thumbnail}${textHtml}</button>`;
}

/** The status line and the detail line (galleryCardParts.ts's `buildStatus`); the time stays empty, as there. */
function state(item: GalleryItem, strings: GalleryStrings, nowMs: number): string {
  const stage = stageOf(item);
  const badge = tag('span', 'phase', iconHtml(PHASE_ICONS[item.phase], stage ? 'codicon-modifier-spin' : '') + tag('span', 'phase-label', escape(phaseName(item, strings))));
  const status = tag('div', `card-status phase-${item.phase}`, badge + tag('time', 'time'));
  const kind = detailKind(item);
  let detail = '';
  let detailClass = 'card-detail';
  if (kind === 'progress' && stage) {
    const text = stageText(stage, strings, nowMs);
    const value = stage.percent !== null && stage.stage === 'generating' ? ` value="${stage.percent}"` : '';
    detail = `<progress class="progress" max="100"${value}></progress>` + tag('span', 'progress-label', escape(text.progress));
  } else if (kind === 'choices') {
    const choices = primaryButtons(item)
      .filter((button) => button !== 'showLog' && isChoice(item, button))
      .map((button) => `<button class="choice-button action-${button}" type="button" tabindex="-1">${tag('span', 'label', escape(actionLabel(strings, item, button)))}</button>`)
      .join('');
    detail = tag('div', 'card-choices', choices);
  } else if (kind === 'stopped') {
    detail = iconHtml('debug-pause') + tag('span', 'detail-text', escape(strings.stoppedWaiting));
  } else if (kind === 'error' && item.error) {
    detailClass += ' error';
    detail = iconHtml('warning') + tag('span', 'error-text', escape(item.error));
  } else if (kind === 'saved' && item.savedPath) {
    detail = iconHtml('check') + tag('span', 'saved-text', escape(formatTemplate(strings.savedTo, item.savedPath)));
  }
  return tag('div', 'card-state', status + tag('div', detailClass, detail, ` data-kind="${kind}"`));
}
