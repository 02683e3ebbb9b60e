/**
 * The cards' times: "5 minutes ago", with the absolute date and time as a tooltip, in the host's display
 * language.
 *
 * The first Intl object of a page initialises ICU, which costs ~80 ms of main-thread time on a 2-core
 * machine: the formatters are created only once the page is idle (after the first screen of cards is
 * painted), and the times are filled in then. Until then a time is empty.
 */

interface TimeFormatters {
  readonly relative: Intl.RelativeTimeFormat;
  readonly absolute: Intl.DateTimeFormat;
}

/** Creates the time formatters for `locale` (English if the locale is not supported). */
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

/** `created` relative to `now` (both epoch ms) in the largest unit that reads naturally. */
function relativeText(formatter: Intl.RelativeTimeFormat, created: number, now: number): string {
  const seconds = Math.round((created - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return formatter.format(0, 'second');
  if (abs < 45 * 60) return formatter.format(Math.round(seconds / 60), 'minute');
  if (abs < 22 * 3600) return formatter.format(Math.round(seconds / 3600), 'hour');
  if (abs < 26 * 86400) return formatter.format(Math.round(seconds / 86400), 'day');
  if (abs < 320 * 86400) return formatter.format(Math.round(seconds / (30 * 86400)), 'month');
  return formatter.format(Math.round(seconds / (365 * 86400)), 'year');
}

export class TimeLabels {
  private formatters: TimeFormatters | undefined;
  private locale: string | undefined;

  /** `onReady` rewrites every time on the page; it runs whenever new formatters exist. */
  constructor(private readonly onReady: () => void) {}

  /** Switches the formatters to `locale` once the page is idle (ICU start-up must not delay the cards). */
  useLocale(locale: string | undefined): void {
    if (this.formatters && this.locale === locale) return;
    this.formatters = undefined;
    this.locale = locale;
    // Idle time comes once the first screen has been painted and the overscan rows are in.
    requestIdleCallback(
      () => {
        if (this.formatters || this.locale !== locale) return;
        this.formatters = timeFormatters(locale);
        this.onReady();
      },
      { timeout: 1000 },
    );
  }

  /** Writes a `<time>`'s relative text (from its `dateTime`) and absolute tooltip; empty until idle. */
  fill(time: HTMLTimeElement): void {
    const created = Date.parse(time.dateTime);
    const valid = Number.isFinite(created);
    time.textContent = valid && this.formatters ? relativeText(this.formatters.relative, created, Date.now()) : '';
    if (this.formatters && valid) time.title = this.formatters.absolute.format(created);
  }
}
