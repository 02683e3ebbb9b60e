/**
 * Keyboard use of the card grid. The grid is ONE Tab stop (the last card focused; roving tabindex, kept by
 * galleryCards.ts), and:
 * - on a card: Left/Right move one card, Up/Down one row, Page Up/Page Down a screen, Home/End (and
 *   Ctrl+Home/Ctrl+End) the first/last card; Enter moves into the card, to its first button;
 * - on a card's button: Left/Right move to the previous/next button of that card (wrapping), Home/End to its
 *   first/last, Enter/Space press it, Escape goes back to the card; on "More Actions…", Down/Up (or Enter)
 *   open its menu (galleryMenu.ts) on the first/last entry;
 * - Tab leaves the grid (the buttons are not in the Tab order).
 * Cards outside the virtual window exist only once scrolled to, so moving always goes through the feed's
 * `focusCard`.
 */
import { buttonsInCard } from './galleryCards';
import { MORE_BUTTON_CLASS } from './galleryCardParts';
import { clampIndex, pageTarget, type FeedGeometry } from './galleryVirtualWindow';

export interface KeyboardContext {
  /** The card's position in the shown list (not only in the rendered window). */
  indexOf(localId: string): number | undefined;
  count(): number;
  geometry(): FeedGeometry;
  focusCard(index: number): void;
  /** Opens the menu of a card's "More Actions…" button (on its last entry with `focusLast`). */
  openMenu(button: HTMLElement, focusLast: boolean): void;
}

interface KeyPress {
  readonly key: string;
  readonly ctrlKey: boolean;
}

/** Where a key on card `index` moves the focus, or `undefined` when the key is not a move between cards. */
export function targetIndex(press: KeyPress, index: number, count: number, geometry: FeedGeometry): number | undefined {
  const { columns } = geometry;
  switch (press.key) {
    case 'ArrowDown':
      return index + columns < count || Math.floor(index / columns) < Math.floor((count - 1) / columns) ? index + columns : index;
    case 'ArrowUp':
      return index - columns >= 0 ? index - columns : index;
    case 'ArrowRight':
      return index + 1;
    case 'ArrowLeft':
      return index - 1;
    case 'PageDown':
      return pageTarget(index, count, geometry, 1);
    case 'PageUp':
      return pageTarget(index, count, geometry, -1);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}

/** Moves between a card's buttons; true when the key was ours. */
function moveInsideCard(event: KeyboardEvent, card: HTMLElement, button: HTMLElement, context: KeyboardContext): boolean {
  const buttons = buttonsInCard(card);
  const at = buttons.indexOf(button as HTMLButtonElement);
  const focus = (index: number): void => buttons[(index + buttons.length) % buttons.length]?.focus({ preventScroll: true });
  const isMore = button.classList.contains(MORE_BUTTON_CLASS);
  switch (event.key) {
    case 'ArrowRight':
      focus(at + 1);
      return true;
    case 'ArrowLeft':
      focus(at - 1);
      return true;
    case 'Home':
      focus(0);
      return true;
    case 'End':
      focus(buttons.length - 1);
      return true;
    case 'Escape':
      card.focus({ preventScroll: true });
      return true;
    case 'ArrowDown':
    case 'ArrowUp':
    case 'Enter':
    case ' ':
      if (!isMore) return false;
      context.openMenu(button, event.key === 'ArrowUp');
      return true;
    default:
      return false;
  }
}

/** Handles the grid's keys for every card in `container` (one delegated listener: cards come and go). */
export function listenForCardKeys(container: HTMLElement, context: KeyboardContext): void {
  container.addEventListener('keydown', (event) => {
    const target = event.target as HTMLElement | null;
    const card = target?.closest<HTMLElement>('.card');
    const id = card?.dataset.id;
    const index = id !== undefined ? context.indexOf(id) : undefined;
    if (!target || !card || id === undefined || index === undefined || event.altKey || event.metaKey) return;
    if (target !== card) {
      if (moveInsideCard(event, card, target, context)) event.preventDefault();
      return;
    }
    if (event.key === 'Enter') {
      buttonsInCard(card)[0]?.focus({ preventScroll: true });
      event.preventDefault();
      return;
    }
    const count = context.count();
    const next = targetIndex({ key: event.key, ctrlKey: event.ctrlKey }, index, count, context.geometry());
    if (next === undefined) return;
    event.preventDefault();
    context.focusCard(clampIndex(next, count));
  });
}
