import * as assert from 'node:assert/strict';
import { hasVisibleText, quoteForMessage, truncateGraphemes } from '../../src/shared/text';
import type { TextMeasure } from '../../src/shared/text';

/** No lone surrogate (which would be shown as U+FFFD) and no U+FFFD itself. */
function assertWellFormed(text: string): void {
  assert.ok(!/\p{Cs}/u.test(text), `lone surrogate in ${JSON.stringify(text)}`);
  assert.ok(!text.includes('\ufffd'), `U+FFFD in ${JSON.stringify(text)}`);
}

function graphemesOf(text: string): string[] {
  return Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text), (s) => s.segment);
}

describe('shared/text', () => {
  describe('hasVisibleText', () => {
    const invisible: [name: string, text: string][] = [
      ['empty', ''],
      ['spaces, tabs, newlines', ' \t\r\n'],
      ['no-break and ideographic spaces', '\u00a0\u3000\u2007\u202f'],
      ['line and paragraph separators', '\u2028\u2029'],
      ['control characters', '\u0000\u0007\u001b\u007f\u0085\u009b'],
      ['zero-width space, joiners, word joiner, BOM', '\u200b\u200c\u200d\u2060\ufeff'],
      ['bidi marks, embeddings, overrides, isolates', '\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c'],
      ['Hangul fillers', '\u3164\u115f\u1160\uffa0'],
      ['Hangul filler with spaces', ' \u3164 \u3164 '],
      ['variation selectors', '\ufe00\ufe0f\u{e0100}\u{e01ef}'],
      ['combining grapheme joiner', '\u034f'],
      ['combining marks without a base', '\u0301\u0308\u20dd'],
      ['Mongolian vowel separator and free variation selectors', '\u180e\u180b\u180c\u180d'],
      ['soft hyphen', '\u00ad'],
      ['tag characters', '\u{e0001}\u{e0041}\u{e007f}'],
      ['interlinear annotation characters', '\ufff9\ufffa\ufffb'],
      ['Braille pattern blank', '\u2800\u2800'],
      ['lone surrogates', '\udfff\ud800'],
      ['a mix of all', '\u3164\u200b\u0000 \ufe0f\u034f\u202e\u2800'],
    ];
    for (const [name, text] of invisible) it(`not visible: ${name}`, () => assert.equal(hasVisibleText(text), false));

    const visible: [name: string, text: string][] = [
      ['a letter', 'a'],
      ['a digit', '7'],
      ['punctuation', '?'],
      ['an emoji', '🐱'],
      ['an emoji with a variation selector', '❤\ufe0f'],
      ['a letter among fillers', '\u3164a\u3164'],
      ['Hangul syllable', '고'],
      ['Hangul jamo (leading consonant + vowel)', '\u1100\u1161'],
      ['a letter with combining marks', 'e\u0301'],
      ['Arabic', 'قطة'],
      ['a symbol', '©'],
    ];
    for (const [name, text] of visible) it(`visible: ${name}`, () => assert.equal(hasVisibleText(text), true));
  });

  describe('truncateGraphemes', () => {
    it('returns a text that fits unchanged', () => {
      assert.equal(truncateGraphemes('short', 10), 'short');
      assert.equal(truncateGraphemes('exact', 5), 'exact');
    });

    it('counts the ellipsis within the limit', () => {
      assert.equal(truncateGraphemes('abcdefghij', 5), 'abcd…');
      assert.equal(truncateGraphemes('abcdefghij', 5, { ellipsis: '...' }), 'ab...');
      assert.equal(truncateGraphemes('abcdefghij', 5, { ellipsis: '' }), 'abcde');
    });

    it('prefers a word boundary when it keeps at least half', () => {
      assert.equal(truncateGraphemes('one two three four', 12, { preferWordBoundary: true }), 'one two…');
      assert.equal(truncateGraphemes('a verylongwordthatgoeson', 12, { preferWordBoundary: true }), 'a verylongw…');
    });

    const clusters: [name: string, cluster: string][] = [
      ['emoji ZWJ family', '👨\u200d👩\u200d👧\u200d👦'],
      ['rainbow flag (ZWJ and variation selector)', '🏳\ufe0f\u200d🌈'],
      ['regional indicator flag', '🇰🇷'],
      ['keycap', '1\ufe0f\u20e3'],
      ['skin tone modifier', '👍🏽'],
      ['letter with stacked combining marks', 'Z\u0324\u0308\u0301\u0345'],
      ['Hangul syllable from conjoining jamo', '\u1100\u1161\u11a8'],
      ['Devanagari consonant with vowel sign', 'कि'],
      ['astral ideograph (surrogate pair)', '𠀀'],
    ];
    const measures: TextMeasure[] = ['graphemes', 'codePoints', 'codeUnits'];
    for (const [name, cluster] of clusters) {
      it(`never splits a ${name}`, () => {
        const text = cluster.repeat(40);
        for (const measure of measures) {
          for (let max = 1; max <= 30; max++) {
            const cut = truncateGraphemes(text, max, { measure });
            assertWellFormed(cut);
            const kept = cut.endsWith('…') ? cut.slice(0, -1) : cut;
            assert.ok(graphemesOf(kept).every((g) => g === cluster), `${measure} ${max}: ${JSON.stringify(cut)}`);
            const size = measure === 'codeUnits' ? cut.length : measure === 'codePoints' ? Array.from(cut).length : graphemesOf(cut).length;
            assert.ok(size <= max, `${measure} ${max}: ${size}`);
          }
        }
      });
    }

    it('cuts huge texts (a server may send megabytes) and Zalgo clusters longer than the look-ahead', () => {
      assert.equal(truncateGraphemes('x'.repeat(2_000_000), 10, { measure: 'codeUnits' }), `${'x'.repeat(9)}…`);
      const zalgo = `a${'\u0301'.repeat(100)}`;
      const cut = truncateGraphemes(zalgo.repeat(20), 5);
      assert.ok(graphemesOf(cut.slice(0, -1)).every((g) => g === zalgo), 'whole clusters only');
      assert.ok(cut.endsWith('…'));
    });

    it('removes lone surrogates already in the text', () => {
      assert.equal(truncateGraphemes('a\ud800b', 10), 'ab');
      assertWellFormed(truncateGraphemes('\udc00'.repeat(20) + 'x'.repeat(20), 10));
    });

    it('gives the ellipsis alone, or nothing, when the limit leaves no room', () => {
      assert.equal(truncateGraphemes('🐱🐱🐱', 1), '…');
      assert.equal(truncateGraphemes('abc', 2, { ellipsis: '...' }), '');
      assert.equal(truncateGraphemes('🐱🐱🐱', 2, { measure: 'codeUnits' }), '…', 'a surrogate pair does not fit in one unit');
    });
  });

  describe('quoteForMessage', () => {
    it('escapes control, bidi, zero-width and filler characters', () => {
      const quoted = quoteForMessage('a\nb\u202ec\u200bd\u3164e');
      assert.equal(quoted, '"a\\nb\\u202ec\\u200bd\\u3164e"');
    });
    it('bounds long values without splitting an emoji', () => {
      const quoted = quoteForMessage('🐱'.repeat(500), 10);
      assert.equal(quoted, `"${'🐱'.repeat(9)}…"`);
    });
  });
});
