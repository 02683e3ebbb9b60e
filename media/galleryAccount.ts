/**
 * The header's credits left ("Credits left: 1,234"), from the host's `account` message. A polite live region:
 * a new figure after a job is read out when the reader is idle; the same figure sent again changes nothing.
 * The time of the read is its tooltip. Hidden while the credits are unknown. Beside it, the model in use.
 */
import type { GalleryStrings, HostToWebview } from '../src/gallery/protocol';
import { formatTemplate } from './galleryCardModel';
import { el, setAttr } from './galleryDom';

export type AccountMessage = Extract<HostToWebview, { readonly type: 'account' }>;
export type ModelMessage = Extract<HostToWebview, { readonly type: 'model' }>;

/** The header's model in use ("Model: DALL·E 3"), from the host's `model` message; hidden until it comes. */
export class ModelInUseHeader {
  readonly element: HTMLElement;
  private label: string | undefined;
  private strings: GalleryStrings | undefined;

  constructor() {
    this.element = el('span', 'toolbar-model');
    this.element.hidden = true;
  }

  useStrings(strings: GalleryStrings): void {
    this.strings = strings;
    this.render();
  }

  showModel(message: ModelMessage): void {
    this.label = message.label;
    this.render();
  }

  private render(): void {
    const { label, strings } = this;
    if (label === undefined || !strings) {
      this.element.hidden = true;
      return;
    }
    const text = formatTemplate(strings.modelInUse, label);
    if (this.element.textContent !== text) this.element.textContent = text;
    this.element.hidden = false;
  }
}

export class AccountCreditsHeader {
  readonly element: HTMLElement;
  private message: AccountMessage | undefined;
  private strings: GalleryStrings | undefined;

  constructor() {
    this.element = el('span', 'toolbar-credits');
    this.element.setAttribute('aria-live', 'polite');
    this.element.setAttribute('aria-atomic', 'true');
    this.element.hidden = true;
  }

  /** The host's strings (applied with the rest of the page's). */
  useStrings(strings: GalleryStrings): void {
    this.strings = strings;
    this.render();
  }

  showAccount(message: AccountMessage): void {
    this.message = message;
    this.render();
  }

  private render(): void {
    const { message, strings } = this;
    if (!message || !strings || message.credits === null) {
      this.element.hidden = true;
      return;
    }
    // The host writes its display language into <html lang> (a checked BCP 47 tag).
    const locale = document.documentElement.lang || undefined;
    const figure = formatNumber(message.credits, locale);
    const text = formatTemplate(message.stale ? strings.accountCredits.leftStale : strings.accountCredits.left, figure);
    if (this.element.textContent !== text) this.element.textContent = text;
    this.element.classList.toggle('stale', message.stale === true);
    const updated = message.updatedAt !== undefined ? formatTime(message.updatedAt, locale) : undefined;
    setAttr(this.element, 'title', updated ? formatTemplate(strings.accountCredits.updated, updated) : '');
    this.element.hidden = false;
  }
}

function formatNumber(value: number, locale: string | undefined): string {
  try {
    return new Intl.NumberFormat(locale).format(value);
  } catch {
    return String(value);
  }
}

function formatTime(iso: string, locale: string | undefined): string | undefined {
  const at = Date.parse(iso);
  if (!Number.isFinite(at)) return undefined;
  try {
    return new Intl.DateTimeFormat(locale, { timeStyle: 'short' }).format(at);
  } catch {
    return new Date(at).toLocaleTimeString();
  }
}
