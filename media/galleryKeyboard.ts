/**
 * Keyboard use of the card grid. Tab goes through the toolbar, then each card and its buttons (the browser's
 * own order); on top of that, with the focus on a card or one of its buttons:
 * - Up/Down move a row, Page Up/Page Down a screen of rows, Ctrl+Home/Ctrl+End to the first/last card;
 * - on the card itself, Left/Right move one card, Home/End go to the first/last, Enter opens its image.
 * Left/Right/Home/End on a button keep their usual meaning. Cards outside the virtual window exist only
 * once scrolled to, so moving always goes through the feed's `focusCard`.
 */
import { cardsPerPage, clampIndex, type FeedGeometry } from './galleryVirtualWindow';

export interface KeyboardContext {
  /** The card's position in the whole list (not only in the rendered window). */
  indexOf(localId: string): number | undefined;
  count(): number;
  geometry(): FeedGeometry;
  /** Whether the card of `localId` shows an image (Enter opens it). */
  hasImage(localId: string): boolean;
  focusCard(index: number): void;
  openImage(localId: string): void;
}

interface KeyPress {
  readonly key: string;
  readonly ctrlKey: boolean;
  /** The focus is on the card itself, not on one of its buttons. */
  readonly onCard: boolean;
}

/** Where a key moves the focus from card `index`, or `undefined` when the key is not ours. */
function targetIndex(press: KeyPress, index: number, count: number, geometry: FeedGeometry): number | undefined {
  const { columns } = geometry;
  switch (press.key) {
    case 'ArrowDown': return index + columns;
    case 'ArrowUp': return index - columns;
    case 'ArrowRight': return press.onCard ? index + 1 : undefined;
    case 'ArrowLeft': return press.onCard ? index - 1 : undefined;
    case 'PageDown': return index + cardsPerPage(geometry);
    case 'PageUp': return index - cardsPerPage(geometry);
    case 'Home': return press.ctrlKey || press.onCard ? 0 : undefined;
    case 'End': return press.ctrlKey || press.onCard ? count - 1 : undefined;
    default: return undefined;
  }
}

/** Handles the grid's keys for every card in `container` (one delegated listener: cards come and go). */
export function listenForCardKeys(container: HTMLElement, context: KeyboardContext): void {
  container.addEventListener('keydown', (event) => {
    const card = (event.target as Element | null)?.closest<HTMLElement>('.card');
    const id = card?.dataset.id;
    const index = id !== undefined ? context.indexOf(id) : undefined;
    if (!card || id === undefined || index === undefined || event.altKey || event.metaKey) return;
    const onCard = event.target === card;
    if (event.key === 'Enter') {
      // Enter on a card opens the image (when there is one): the most common action.
      if (onCard && context.hasImage(id)) {
        context.openImage(id);
        event.preventDefault();
      }
      return;
    }
    const count = context.count();
    const next = targetIndex({ key: event.key, ctrlKey: event.ctrlKey, onCard }, index, count, context.geometry());
    if (next === undefined) return;
    event.preventDefault();
    context.focusCard(clampIndex(next, count));
  });
}
