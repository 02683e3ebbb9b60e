/**
 * A card's overflow menu: one `role="menu"` popup for the whole page (cards clip what they hold, and only one
 * menu is ever open), filled from the "More Actions…" button's list when it opens. Keyboard as in VS Code's
 * own menus: Up/Down move (wrapping), Home/End go to the first/last entry, Enter/Space pick, Escape or Tab
 * close it and return the focus to the button that opened it. A click elsewhere, a scroll or a resize close it.
 */
import type { CardButton } from '../src/gallery/protocol';
import { el, icon } from './galleryDom';
import type { GalleryIcon } from './galleryIcons';

export interface MenuEntry {
  readonly button: CardButton;
  readonly label: string;
  readonly icon: GalleryIcon;
}

export class CardMenu {
  private readonly menu: HTMLElement;
  private anchor: HTMLElement | undefined;
  private onPick: ((button: CardButton) => void) | undefined;

  /** `root` holds the popup (outside every card). */
  constructor(root: HTMLElement) {
    this.menu = el('div', 'card-menu');
    this.menu.setAttribute('role', 'menu');
    this.menu.hidden = true;
    root.append(this.menu);
    this.menu.addEventListener('keydown', (event) => this.onKey(event));
    this.menu.addEventListener('click', (event) => {
      const item = (event.target as Element | null)?.closest<HTMLElement>('[role="menuitem"]');
      const button = item?.dataset.action as CardButton | undefined;
      if (!button) return;
      const pick = this.onPick;
      this.close(true);
      pick?.(button);
    });
    document.addEventListener('mousedown', (event) => {
      if (this.isOpen && !this.menu.contains(event.target as Node) && !this.anchor?.contains(event.target as Node)) this.close(false);
    });
    window.addEventListener('scroll', () => this.close(false), { passive: true });
    window.addEventListener('resize', () => this.close(false), { passive: true });
    window.addEventListener('blur', () => this.close(false));
  }

  get isOpen(): boolean {
    return !this.menu.hidden;
  }

  /** The menu's element (for tests and the report). */
  get element(): HTMLElement {
    return this.menu;
  }

  /** Opens the menu under `anchor` with `entries`, focusing the first (or, with `focusLast`, the last) entry. */
  open(anchor: HTMLElement, entries: readonly MenuEntry[], label: string, onPick: (button: CardButton) => void, focusLast = false): void {
    this.close(false);
    if (entries.length === 0) return;
    this.anchor = anchor;
    this.onPick = onPick;
    this.menu.setAttribute('aria-label', label);
    this.menu.replaceChildren(
      ...entries.map((entry) => {
        const item = el('button', 'menu-item');
        item.type = 'button';
        item.tabIndex = -1;
        item.setAttribute('role', 'menuitem');
        item.dataset.action = entry.button;
        item.append(icon(entry.icon), el('span', 'menu-label', entry.label));
        return item;
      }),
    );
    this.menu.hidden = false;
    anchor.setAttribute('aria-expanded', 'true');
    anchor.closest('.card')?.classList.add('menu-open');
    this.place(anchor);
    const items = this.items();
    (focusLast ? items.at(-1) : items[0])?.focus({ preventScroll: true });
  }

  /** Closes the menu; `returnFocus` puts the focus back on the button that opened it. */
  close(returnFocus: boolean): void {
    if (!this.isOpen) return;
    this.menu.hidden = true;
    this.menu.replaceChildren();
    const anchor = this.anchor;
    this.anchor = undefined;
    this.onPick = undefined;
    anchor?.setAttribute('aria-expanded', 'false');
    anchor?.closest('.card')?.classList.remove('menu-open');
    if (returnFocus && anchor?.isConnected) anchor.focus({ preventScroll: true });
  }

  private items(): HTMLElement[] {
    return [...this.menu.querySelectorAll<HTMLElement>('[role="menuitem"]')];
  }

  /** Below the button, right-aligned with it; above it when there is no room below. */
  private place(anchor: HTMLElement): void {
    const box = anchor.getBoundingClientRect();
    const width = this.menu.offsetWidth;
    const height = this.menu.offsetHeight;
    const left = Math.max(4, Math.min(window.innerWidth - width - 4, box.right - width));
    const below = box.bottom + 2;
    const top = below + height > window.innerHeight - 4 ? Math.max(4, box.top - height - 2) : below;
    this.menu.style.left = `${Math.round(left)}px`;
    this.menu.style.top = `${Math.round(top)}px`;
  }

  private onKey(event: KeyboardEvent): void {
    const items = this.items();
    const current = items.indexOf(document.activeElement as HTMLElement);
    const focus = (index: number): void => items[(index + items.length) % items.length]?.focus({ preventScroll: true });
    switch (event.key) {
      case 'ArrowDown':
        focus(current + 1);
        break;
      case 'ArrowUp':
        focus(current - 1);
        break;
      case 'Home':
        focus(0);
        break;
      case 'End':
        focus(items.length - 1);
        break;
      case 'Escape':
      case 'Tab':
        this.close(true);
        break;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  }
}
