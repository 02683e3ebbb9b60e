/**
 * Two rules about text that every layer shares: what counts as visible, and how to shorten a text without
 * breaking a character a reader sees as one (an emoji family, a flag, a letter with its accents).
 */

/**
 * Characters that show nothing by themselves:
 * - `Default_Ignorable_Code_Point`: Unicode's list of characters a renderer may draw as nothing — zero-width
 *   spaces and joiners, bidi controls, variation selectors, the combining grapheme joiner, the Hangul fillers
 *   (U+115F, U+1160, U+3164, U+FFA0), tag characters…;
 * - format characters (Cf) not in that list (U+0600-style prefixed marks draw only with a following number);
 * - control characters (Cc), lone surrogates (Cs), separators (Z) and any other white space;
 * - combining marks (M) on their own: they decorate a base character and draw, at best, on a dotted circle;
 * - U+2800 BRAILLE PATTERN BLANK, a symbol that renders as an empty cell and is a well-known "invisible" filler.
 * The Hangul fillers are listed explicitly as well, so the rule does not depend on the engine's Unicode version.
 */
const NOT_VISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}\p{Cc}\p{Cs}\p{Z}\s\p{M}\u115f\u1160\u3164\uffa0\u2800]/gu;

/** True when `text` has at least one character a reader can see (a letter, digit, punctuation mark or symbol). */
export function hasVisibleText(text: string): boolean {
  return text.replace(NOT_VISIBLE, '') !== '';
}

/** How {@link truncateGraphemes} measures a length. */
export type TextMeasure =
  /** User-perceived characters (extended grapheme clusters). */
  | 'graphemes'
  /** Unicode code points (what `Array.from(text).length` counts). */
  | 'codePoints'
  /** UTF-16 code units (what `text.length` counts, and what most length limits in APIs mean). */
  | 'codeUnits';

export interface TruncateOptions {
  /** Appended when the text is cut (counted within `max`); `…` by default, `''` for none. */
  readonly ellipsis?: string;
  /** Cut at the last white space when that keeps at least half of what fits (a whole word is easier to read). */
  readonly preferWordBoundary?: boolean;
  /** The unit of `max`; `graphemes` by default. */
  readonly measure?: TextMeasure;
}

function lengthIn(measure: TextMeasure, text: string): number {
  switch (measure) {
    case 'codeUnits':
      return text.length;
    case 'codePoints':
      return codePointCount(text);
    case 'graphemes': {
      let count = 0;
      for (const _cluster of graphemes(text)) count++;
      return count;
    }
  }
}

function codePointCount(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdbff || i + 1 === text.length) count++;
    else {
      const next = text.charCodeAt(i + 1);
      count++;
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return count;
}

let segmenter: Intl.Segmenter | undefined;

/** The grapheme clusters of `text`, lazily: a caller that stops early does not segment a huge text. */
function* graphemes(text: string): Generator<string> {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const part of segmenter.segment(text)) yield part.segment;
}

const LONE_SURROGATE = /\p{Cs}/gu;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * `text` cut to at most `max` (in `options.measure`, ellipsis included) without splitting a grapheme cluster:
 * an emoji ZWJ sequence, a flag, a keycap, a letter with its combining marks or a Hangul syllable made of
 * jamo is kept whole or dropped whole, so the result never ends in half a character (a lone surrogate, shown
 * as U+FFFD). Lone surrogates already in `text` are removed. Trailing white space before the ellipsis is
 * trimmed. The text is returned unchanged (but for lone surrogates) when it fits. Work is proportional to
 * `max`, not to the length of `text` (a server may send megabytes).
 */
export function truncateGraphemes(text: string, max: number, options: TruncateOptions = {}): string {
  const measure = options.measure ?? 'graphemes';
  const ellipsis = options.ellipsis ?? '…';
  const whole = text.replace(LONE_SURROGATE, '');
  // Intl.Segmenter reads the whole string it is given (about a second per megabyte), so it only sees a head
  // long enough to decide: `max` + 1 units of the measure, plus room for the cluster that crosses the limit.
  // (In graphemes, a text averaging more than 32 code units per cluster counts as too long: only Zalgo-like
  // text does, and it is cut.) A cluster cut by the head's end ends beyond `max`, so it is never kept.
  const headLength = measure === 'codeUnits' ? max + 64 : measure === 'codePoints' ? 2 * max + 64 : 32 * (max + 1);
  const clean = whole.length > headLength ? whole.slice(0, headLength) : whole;
  const kept: string[] = [];
  let used = 0;
  let fits = true;
  // Printable ASCII is one cluster per character (only CR LF pairs up, and it is not printable): most prompts
  // need no segmenter, which costs about 0.1 ms per prompt (a second for a 10,000-card gallery).
  for (const cluster of PRINTABLE_ASCII.test(clean) ? clean : graphemes(clean)) {
    const size = measure === 'graphemes' ? 1 : lengthIn(measure, cluster);
    if (used + size > max) {
      fits = false;
      break;
    }
    kept.push(cluster);
    used += size;
  }
  if (fits && clean === whole) return whole;
  if (fits) kept.pop(); // the head ended inside the text: its last cluster may be cut short
  const budget = max - lengthIn(measure, ellipsis);
  if (budget <= 0) return lengthIn(measure, ellipsis) <= max ? ellipsis : '';
  while (kept.length > 0 && used > budget) used -= lengthIn(measure, kept.pop() ?? '');
  let cut = kept.length;
  if (options.preferWordBoundary) {
    let lastSpace = kept.length - 1;
    while (lastSpace > 0 && !/^\s+$/u.test(kept[lastSpace] ?? '')) lastSpace--;
    if (lastSpace > 0 && lastSpace >= Math.floor(kept.length / 2)) cut = lastSpace;
  }
  return `${kept.slice(0, cut).join('').trimEnd()}${ellipsis}`;
}

/** Characters a message must not show raw: they could reorder, hide or break what the reader sees. */
const UNSAFE_IN_MESSAGE = /[\p{Default_Ignorable_Code_Point}\p{Cf}\p{Cs}\u2028\u2029\u115f\u1160\u3164\uffa0]/gu;

/**
 * `value` quoted for a message: at most `maxGraphemes` grapheme clusters (then `…`), with control characters
 * escaped as JSON does and invisible, bidi and filler characters shown as `\uXXXX`, so a hostile name can
 * neither hide itself nor garble the sentence around it.
 */
export function quoteForMessage(value: string, maxGraphemes = 200): string {
  const shown = truncateGraphemes(value, maxGraphemes);
  return JSON.stringify(shown).replace(UNSAFE_IN_MESSAGE, (char) =>
    Array.from({ length: char.length }, (_unused, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}
