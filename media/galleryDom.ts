/**
 * The few DOM helpers every part of the page uses. Data only ever goes in through `textContent` and
 * attributes, never `innerHTML`, so markup in a prompt or an error stays text.
 */
import type { GalleryIcon } from './galleryIcons';

/** A new element with an optional class and text. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A codicon, hidden from screen readers (the button or text beside it says what it means). */
export function icon(name: GalleryIcon, extraClass = ''): HTMLSpanElement {
  const span = el('span', `codicon codicon-${name}${extraClass ? ` ${extraClass}` : ''}`);
  span.setAttribute('aria-hidden', 'true');
  return span;
}

/** Writes an attribute only when it changes (no mutation record, no style invalidation for a no-op). */
export function setAttr(element: Element, name: string, value: string): void {
  if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}
