/**
 * Hostile prompts: each must give a clear validation error, or a safe file name that stays in the destination,
 * alt text without control or bidi characters, and a reference that reads back exactly in every document
 * syntax — read by that language's own parser (test/support/referenceParsers.ts), also from a folder named
 * with characters LaTeX cannot take (refused there, naming the setting). Gallery-card escaping of the same
 * prompts is added by the gallery's own table.
 */
import * as assert from 'node:assert/strict';
import { posix } from 'node:path';
import { validatePrompt } from '../../../src/apiframe/shapes';
import { PROMPT_MAX_LENGTH } from '../../../src/apiframe/types';
import { fileNameForImage, uniqueName } from '../../../src/workspace/slug';
import type { ImageExtension } from '../../../src/workspace/slug';
import { ALT_TEXT_MAX_CHARS, altTextFromPrompt } from '../../../src/workspace/snippet';
import { assertJoinStaysIn, assertSafeFileName } from '../checks';
import { assertRoundTrip } from '../../support/referenceParsers';
import type { HostileCase } from '../types';

export interface HostilePrompt {
  readonly name: string;
  readonly prompt: string;
  /** Whether the API accepts it (1–2000 UTF-16 units after trimming). */
  readonly valid: boolean;
}

export const HOSTILE_PROMPTS: readonly HostilePrompt[] = [
  { name: 'empty', prompt: '', valid: false },
  { name: 'whitespace only', prompt: ' \t\r\n \u00a0\u3000 ', valid: false },
  { name: 'exactly 2,000 characters', prompt: 'x'.repeat(PROMPT_MAX_LENGTH), valid: true },
  { name: '2,001 characters', prompt: 'x'.repeat(PROMPT_MAX_LENGTH + 1), valid: false },
  { name: '2,000 characters of Korean words', prompt: `${'고양이 '.repeat(499)}고양이!`, valid: true },
  { name: '2,000 characters padded with spaces', prompt: `  ${'y'.repeat(PROMPT_MAX_LENGTH)}  `, valid: true },
  { name: '1,000 emoji (2,000 UTF-16 units)', prompt: '🐱'.repeat(PROMPT_MAX_LENGTH / 2), valid: true },
  { name: '1,001 emoji (2,002 UTF-16 units)', prompt: '🐱'.repeat(PROMPT_MAX_LENGTH / 2 + 1), valid: false },
  { name: 'NUL inside', prompt: 'a cat\u0000 on a mat', valid: true },
  { name: 'NUL only', prompt: '\u0000', valid: false },
  { name: 'Hangul fillers only', prompt: '\u3164\u3164 \u115F\u1160 \uFFA0', valid: false },
  { name: 'variation selectors and combining grapheme joiner only', prompt: '\uFE0F\uFE0E\u034F\u{E0100}', valid: false },
  { name: 'combining marks without a base', prompt: '\u0301\u0308\u20DD', valid: false },
  { name: 'Braille blank and soft hyphen only', prompt: '\u2800\u00AD\u2800', valid: false },
  { name: 'a word among Hangul fillers', prompt: '\u3164고양이\u3164', valid: true },
  { name: 'MDX expressions and JSX', prompt: '{props.title} <Chart data={x} /> export const a = 1', valid: true },
  { name: 'AsciiDoc attribute references', prompt: '{docdir} and {user-home} {counter:n}', valid: true },
  { name: 'AsciiDoc replacements', prompt: "(C) a--b ... -> it's &amp;", valid: true },
  { name: 'control and format characters only', prompt: '\u0001\u200B\u202E\u0085\uFEFF\u2066 \u0007', valid: false },
  { name: 'control characters and ANSI escapes', prompt: '\u0001\u0007\u001b[31mred\u001b[0m\u007f\u0085\u009b cat', valid: true },
  { name: 'bidi override (RLO)', prompt: 'invoice\u202Egnp.exe', valid: true },
  { name: 'bidi isolates and marks', prompt: '\u2066a\u2067b\u2068c\u2069 \u200Fd\u200Ee\u061C', valid: true },
  { name: 'zero-width characters', prompt: 'zero\u200B\u200C\u200D\u2060\uFEFFwidth', valid: true },
  { name: 'emoji only', prompt: '🐱🌙✨👨‍👩‍👧🇰🇷1️⃣', valid: true },
  { name: 'emoji in words', prompt: 'a 🐱 on the 🌙 at night', valid: true },
  { name: 'combining marks (Zalgo)', prompt: 'Z̤̈́ͅȁ̸̢̛l̵̨̛g̶̡̛ő̷̡ cat', valid: true },
  { name: 'decomposed accents', prompt: 'Cafe\u0301 cre\u0300me', valid: true },
  { name: 'Korean', prompt: '고양이가 달을 본다. 밤하늘 배경.', valid: true },
  { name: 'Japanese', prompt: '猫が月を見る。背景は夜空。', valid: true },
  { name: 'Cyrillic', prompt: 'Кошка смотрит на луну', valid: true },
  { name: 'Arabic (right to left)', prompt: 'قطة تنظر إلى القمر', valid: true },
  { name: 'lone surrogates', prompt: 'a\uD800b\uDFFFc', valid: true },
  { name: 'unicode line separators', prompt: 'one\u2028two\u2029three', valid: true },
  { name: 'POSIX path traversal', prompt: '../../etc/passwd', valid: true },
  { name: 'Windows path traversal', prompt: '..\\..\\Windows\\System32\\config', valid: true },
  { name: 'absolute POSIX path', prompt: '/etc/passwd', valid: true },
  { name: 'Windows drive path', prompt: 'C:\\Windows\\win.ini', valid: true },
  { name: 'UNC path', prompt: '\\\\server\\share\\x', valid: true },
  { name: 'full-width path', prompt: '．．／．．／etc／passwd', valid: true },
  { name: 'percent-encoded traversal', prompt: '%2e%2e%2f%2e%2e%2fetc', valid: true },
  { name: 'file URL', prompt: 'file:///etc/passwd', valid: true },
  { name: 'javascript URL', prompt: 'javascript:alert(1)', valid: true },
  { name: 'CON', prompt: 'CON', valid: true },
  { name: 'nul.png', prompt: 'nul.png', valid: true },
  { name: 'COM1 and LPT9.txt', prompt: 'COM1', valid: true },
  { name: 'LPT9.txt', prompt: 'LPT9.txt', valid: true },
  { name: 'superscript COM', prompt: 'COM³', valid: true },
  { name: 'reserved name with trailing space', prompt: 'con .png', valid: true },
  { name: 'ends in dots', prompt: 'name...', valid: true },
  { name: 'ends in spaces', prompt: 'name   ', valid: true },
  { name: 'dots only', prompt: '. . ...', valid: true },
  { name: 'hidden-file name', prompt: '.htaccess', valid: true },
  { name: 'characters Windows refuses', prompt: 'a<b>c:d"e/f\\g|h?i*j', valid: true },
  { name: 'HTML img onerror', prompt: '<img src=x onerror=alert(1)>', valid: true },
  { name: 'script tag', prompt: '<script>alert(document.cookie)</script>', valid: true },
  { name: 'attribute breakout (double quote)', prompt: '"><svg onload=alert(1)>', valid: true },
  { name: 'attribute breakout (single quote)', prompt: "' onmouseover='alert(1)' x='", valid: true },
  { name: 'Vue template injection', prompt: '{{constructor.constructor("alert(1)")()}}', valid: true },
  { name: 'Svelte / JSX expression', prompt: '{alert(1)} {`${x}`}', valid: true },
  { name: 'entity smuggling', prompt: '&lt;img src=x onerror=alert(1)&gt; &amp;amp; &#60;', valid: true },
  { name: 'Markdown: closing parenthesis', prompt: 'a cat) and more', valid: true },
  { name: 'Markdown: closing bracket', prompt: 'a cat] and more', valid: true },
  { name: 'Markdown: link injection', prompt: 'x](javascript:alert(1)) ![y', valid: true },
  { name: 'Markdown: backticks', prompt: 'use `code` and ``` fences', valid: true },
  { name: 'Markdown: unbalanced backtick', prompt: 'a ` cat', valid: true },
  { name: 'Markdown: newlines', prompt: 'line one\nline two\r\n\r\nline three', valid: true },
  { name: 'Markdown: newline first', prompt: '\n\n# heading\n- item', valid: true },
  { name: 'Markdown: autolink and HTML', prompt: '<https://evil.example> <b>bold</b>', valid: true },
  { name: 'Markdown: emphasis and tables', prompt: '*em* _u_ ~~s~~ | a | b |', valid: true },
  { name: 'Markdown: backslashes', prompt: 'trailing backslash \\', valid: true },
  { name: 'Markdown: escaped bracket', prompt: 'a \\] b \\\\] c', valid: true },
  { name: 'LaTeX breakers', prompt: '} \\input{/etc/passwd} % comment #1 $x^2$ & ~', valid: true },
  { name: 'Typst breakers', prompt: '") #panic("x") \\u{41} \\n', valid: true },
  { name: 'reStructuredText directive in a new line', prompt: 'cat\n.. raw:: html\n\n   <script>alert(1)</script>', valid: true },
  { name: 'AsciiDoc attribute injection', prompt: 'a cat, role=evil, link=javascript:alert(1)', valid: true },
  { name: 'AsciiDoc quote and backslash', prompt: 'say "hi", end \\', valid: true },
  { name: 'AsciiDoc include', prompt: 'include::/etc/passwd[]', valid: true },
  { name: 'one very long word', prompt: 'x'.repeat(300), valid: true },
  { name: 'long Korean without spaces', prompt: '가'.repeat(300), valid: true },
  { name: 'long 4-byte characters', prompt: '𠀀'.repeat(300), valid: true },
];

const JOB_ID = '7d9e2b4a-5c1f-4e8a-9b3d-2f6a8c0e1d47';
const EXTENSIONS: readonly ImageExtension[] = ['png', 'jpg', 'webp'];
const DESTINATION = '/home/me/site/images';
/** The document the references are inserted into, and folders (relative to it) the image may be saved in. */
const DOCUMENT_FOLDER = '/home/me/site/docs';
const FOLDERS = ['images', '../my images (1)', '../R&D {docdir}/it\'s "x"'];

const INVISIBLE = /[\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/u;

function altOf(prompt: string): string {
  const alt = altTextFromPrompt(prompt);
  assert.ok(!/[\p{Cc}\p{Cs}\u2028\u2029]/u.test(alt), `control character or surrogate in alt ${JSON.stringify(alt)}`);
  assert.ok(!INVISIBLE.test(alt), `bidi or zero-width character in alt ${JSON.stringify(alt)}`);
  assert.ok(Array.from(alt).length <= ALT_TEXT_MAX_CHARS, 'alt text is bounded');
  assert.equal(alt, alt.trim(), 'alt text is trimmed');
  assert.ok(!/\s{2}/u.test(alt), 'alt text whitespace is collapsed');
  assert.equal(alt, alt.normalize('NFC'), 'alt text is NFC');
  return alt;
}

/** Documents of every language with a reference syntax, read back by that language's own parser. */
const REFERENCE_LANGUAGES: readonly (readonly [languageId: string, extension: string])[] = [
  ['markdown', 'md'],
  ['mdx', 'mdx'],
  ['html', 'html'],
  ['svelte', 'svelte'],
  ['vue', 'vue'],
  ['typescriptreact', 'tsx'],
  ['css', 'css'],
  ['restructuredtext', 'rst'],
  ['latex', 'tex'],
  ['asciidoc', 'adoc'],
  ['typst', 'typ'],
  ['plaintext', 'txt'],
];

function casesFor(entry: HostilePrompt): HostileCase[] {
  const { name, prompt, valid } = entry;
  const cases: HostileCase[] = [
    {
      area: 'prompt',
      name: `${name}: validation`,
      run() {
        const problem = validatePrompt(prompt);
        if (valid) {
          assert.equal(problem, undefined);
        } else {
          assert.ok(problem, 'refused');
          assert.match(problem, /empty|at most 2000|no visible text/, 'says what is wrong');
          assert.ok(problem.length < 300, 'short');
          if (prompt.trim()) assert.ok(!problem.includes(prompt.trim()), 'does not echo the prompt');
        }
      },
    },
    {
      area: 'prompt',
      name: `${name}: file name`,
      async run() {
        for (const ext of EXTENSIONS) {
          const fileName = fileNameForImage(prompt, JOB_ID, ext);
          assertSafeFileName(fileName);
          assertJoinStaysIn(DESTINATION, fileName);
          const taken = new Set([fileName]);
          const second = await uniqueName(fileName, (candidate) => taken.has(candidate));
          assert.notEqual(second, fileName, 'never overwrites');
          assertSafeFileName(second);
          assertJoinStaysIn(DESTINATION, second);
        }
        // Defence in depth: the name must be safe on its own, even without a usable job id to append.
        for (const jobId of ['', '../..', '\u0000']) {
          const fileName = fileNameForImage(prompt, jobId, 'png');
          assertSafeFileName(fileName);
          assertJoinStaysIn(DESTINATION, fileName);
        }
      },
    },
    { area: 'prompt', name: `${name}: alt text`, run: () => void altOf(prompt) },
  ];
  for (const [languageId, extension] of REFERENCE_LANGUAGES) {
    cases.push({
      area: 'prompt',
      name: `${name}: ${languageId} reference`,
      async run() {
        const alt = altOf(prompt);
        const fileName = fileNameForImage(prompt, JOB_ID, 'png');
        for (const folder of FOLDERS) {
          await assertRoundTrip(languageId, `${DOCUMENT_FOLDER}/post.${extension}`, posix.resolve(DOCUMENT_FOLDER, folder, fileName), alt);
        }
      },
    });
  }
  return cases;
}

export const cases: HostileCase[] = HOSTILE_PROMPTS.flatMap(casesFor);
