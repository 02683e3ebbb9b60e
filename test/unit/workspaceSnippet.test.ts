import * as assert from 'node:assert/strict';
import {
  ALT_TEXT_MAX_CHARS,
  altTextFromPrompt,
  escapeAttribute,
  imageReference,
  referenceNeedsOwnLine,
  referenceProblem,
  referenceSyntaxFor,
  relativeReference,
  toSingleLine,
} from '../../src/workspace/snippet';

const PATH = 'images/cat-3f2a9c1e.png';

describe('workspace/snippet', () => {
  describe('referenceSyntaxFor', () => {
    const table: [languageId: string, syntax: ReturnType<typeof referenceSyntaxFor>][] = [
      ['markdown', 'markdown'],
      ['mdx', 'mdx'],
      ['html', 'html'],
      ['vue', 'html'],
      ['svelte', 'html'],
      ['astro', 'html'],
      ['javascriptreact', 'jsx'],
      ['typescriptreact', 'jsx'],
      ['css', 'css'],
      ['scss', 'css'],
      ['less', 'css'],
      ['restructuredtext', 'restructuredtext'],
      ['latex', 'latex'],
      ['asciidoc', 'asciidoc'],
      ['typst', 'typst'],
      ['plaintext', 'plain'],
      ['python', 'plain'],
      ['toString', 'plain'],
      ['__proto__', 'plain'],
    ];
    for (const [languageId, syntax] of table) it(`${languageId} → ${syntax}`, () => assert.equal(referenceSyntaxFor(languageId), syntax));

    it('block syntaxes need their own line', () => {
      assert.equal(referenceNeedsOwnLine('restructuredtext'), true);
      assert.equal(referenceNeedsOwnLine('asciidoc'), true);
      assert.equal(referenceNeedsOwnLine('markdown'), false);
      assert.equal(referenceNeedsOwnLine('html'), false);
    });
  });

  describe('imageReference: ordinary paths', () => {
    const table: [languageId: string, expected: string][] = [
      ['markdown', `![A cat](${PATH})`],
      ['mdx', `![A cat](${PATH})`],
      ['html', `<img src="${PATH}" alt="A cat">`],
      ['vue', `<img src="${PATH}" alt="A cat">`],
      ['svelte', `<img src="${PATH}" alt="A cat">`],
      ['astro', `<img src="${PATH}" alt="A cat">`],
      ['javascriptreact', `<img src="${PATH}" alt="A cat" />`],
      ['typescriptreact', `<img src="${PATH}" alt="A cat" />`],
      ['css', `url("${PATH}")`],
      ['scss', `url("${PATH}")`],
      ['less', `url("${PATH}")`],
      ['restructuredtext', `.. image:: ${PATH}\n   :alt: A cat`],
      ['latex', `\\includegraphics{${PATH}}`],
      ['asciidoc', `image::${PATH}[A cat]`],
      ['typst', `#image("${PATH}", alt: "A cat")`],
      ['plaintext', PATH],
      ['go', PATH],
    ];
    for (const [languageId, expected] of table) it(languageId, () => assert.equal(imageReference(languageId, PATH, 'A cat'), expected));

    it('omits empty alt text where the syntax allows', () => {
      assert.equal(imageReference('restructuredtext', PATH, ''), `.. image:: ${PATH}`);
      assert.equal(imageReference('typst', PATH, '  '), `#image("${PATH}")`);
      assert.equal(imageReference('asciidoc', PATH, ''), `image::${PATH}[]`);
      assert.equal(imageReference('markdown', PATH, ''), `![](${PATH})`);
      assert.equal(imageReference('html', PATH, ''), `<img src="${PATH}" alt="">`);
    });

    it('keeps non-ASCII paths readable', () => {
      assert.equal(imageReference('markdown', '이미지/고양이-1.png', '고양이'), '![고양이](이미지/고양이-1.png)');
      assert.equal(imageReference('html', '이미지/고양이-1.png', '고양이'), '<img src="이미지/고양이-1.png" alt="고양이">');
    });
  });

  describe('imageReference: paths that need escaping', () => {
    const odd = 'my images/cat (1)#?%.png';
    const table: [languageId: string, expected: string][] = [
      ['markdown', '![x](<my images/cat (1)%23%3F%25.png>)'],
      ['html', '<img src="my%20images/cat%20(1)%23%3F%25.png" alt="x">'],
      ['typescriptreact', '<img src="my%20images/cat%20(1)%23%3F%25.png" alt="x" />'],
      ['css', 'url("my%20images/cat%20%281%29%23%3F%25.png")'],
      ['restructuredtext', '.. image:: my\\ images/cat\\ (1)#?%.png\n   :alt: x'],
      ['latex', ''],
      ['asciidoc', 'image::my%20images/cat%20(1)%23%3F%25.png[x]'],
      ['typst', '#image("my images/cat (1)#?%.png", alt: "x")'],
    ];
    for (const [languageId, expected] of table) {
      if (expected) it(languageId, () => assert.equal(imageReference(languageId, odd, 'x'), expected));
    }

    it('Markdown: angle brackets for parentheses alone, and <, >, \\ percent-encoded', () => {
      assert.equal(imageReference('markdown', 'a(b).png', ''), '![](<a(b).png>)');
      assert.equal(imageReference('markdown', 'a<b>\\c.png', ''), '![](a%3Cb%3E%5Cc.png)');
      assert.equal(imageReference('markdown', 'x&amp;y.png', ''), '![](x%26amp;y.png)');
    });

    it('HTML: quotes and braces in the path cannot end the attribute', () => {
      assert.equal(imageReference('svelte', `a"b'c{d}e.png`, ''), '<img src="a%22b%27c%7Bd%7De.png" alt="">');
    });

    it('MDX: braces in the path are percent-encoded', () => {
      assert.equal(imageReference('mdx', 'a{b}/c d.png', ''), '![](<a%7Bb%7D/c d.png>)');
    });

    it('AsciiDoc: quotes, braces and entities in the target are percent-encoded', () => {
      assert.equal(imageReference('asciidoc', `{docdir}/x"y&amp;'<z>.png`, ''), 'image::%7Bdocdir%7D/x%22y%26amp;%27%3Cz%3E.png[]');
    });

    it('Typst writes control characters as escapes', () => {
      assert.equal(imageReference('typst', 'a.png', ''), '#image("a.png")');
    });

    it('Typst and reStructuredText escape backslashes and quotes', () => {
      assert.equal(imageReference('typst', 'a\\b"c.png', ''), '#image("a\\\\b\\"c.png")');
      assert.equal(imageReference('restructuredtext', 'a\\b.png', ''), '.. image:: a\\\\b.png');
    });

    it('LaTeX writes single spaces and non-ASCII names as they are', () => {
      assert.equal(imageReference('latex', '../my images/고양이.v2/cat.png', 'x'), '\\includegraphics{../my images/고양이.v2/cat.png}');
    });

    it('LaTeX refuses characters it cannot take in a file name, naming the setting', () => {
      for (const path of ['a{b}.png', 'R&D/x.png', 'C# notes/x.png', '100%/x.png', 'a~b.png', 'a^b.png', 'a$b.png', 'a\\b.png', 'a"b.png', 'a  b/x.png']) {
        assert.throws(() => imageReference('latex', path, ''), (error: Error) => error.name === 'ReferenceProblemError' && /apiframe\.destination/.test(error.message), path);
        assert.match(referenceProblem('latex', path) ?? '', /LaTeX/, path);
      }
    });

    it('control characters in a path are refused in every syntax', () => {
      for (const languageId of ['markdown', 'html', 'css', 'latex', 'typst', 'restructuredtext', 'plaintext']) {
        assert.throws(() => imageReference(languageId, 'a\nb.png', ''), /control character/, languageId);
      }
    });
  });

  describe('imageReference: alt text escaping', () => {
    const alt = 'A "cat" [x] & <b>{y}</b> `code` *em* _u_ ~s~ a|b \\ it\'s';
    it('Markdown and MDX backslash-escape the punctuation that could start syntax', () => {
      const escaped = `A "cat" \\[x\\] & \\<b\\>\\{y\\}\\</b\\> \\\`code\\\` \\*em\\* \\_u\\_ \\~s\\~ a\\|b \\ it's`;
      assert.equal(imageReference('markdown', PATH, alt), `![${escaped}](${PATH})`);
      assert.equal(imageReference('mdx', PATH, alt), `![${escaped}](${PATH})`);
    });
    it('Markdown escapes entities and backslashes that would escape something', () => {
      assert.equal(imageReference('markdown', PATH, 'a &amp; &#60; b'), `![a \\&amp; \\&#60; b](${PATH})`);
      assert.equal(imageReference('markdown', PATH, 'a \\] b\\'), `![a \\\\\\] b\\\\](${PATH})`);
      assert.equal(imageReference('markdown', PATH, 'C:\\Users'), `![C:\\Users](${PATH})`);
    });
    it('HTML-like syntaxes use character references', () => {
      const escaped = 'A &quot;cat&quot; [x] &amp; &lt;b&gt;&#123;y&#125;&lt;/b&gt; `code` *em* _u_ ~s~ a|b \\ it&#39;s';
      assert.equal(imageReference('html', PATH, alt), `<img src="${PATH}" alt="${escaped}">`);
      assert.equal(imageReference('javascriptreact', PATH, alt), `<img src="${PATH}" alt="${escaped}" />`);
    });
    it('AsciiDoc quotes alt text containing , = [ ] and writes quotes as character references', () => {
      assert.equal(imageReference('asciidoc', PATH, 'a, "b"'), `image::${PATH}["a, &#34;b&#34;"]`);
      assert.equal(imageReference('asciidoc', PATH, 'width=100'), `image::${PATH}["width=100"]`);
      assert.equal(imageReference('asciidoc', PATH, 'plain words'), `image::${PATH}[plain words]`);
      assert.equal(imageReference('asciidoc', PATH, "'single' first"), `image::${PATH}[&#39;single' first]`, 'never single-quoted');
      // A backslash before a character reference (or the closing quote) would escape it: it is one, too.
      assert.equal(imageReference('asciidoc', PATH, 'a, b\\'), `image::${PATH}["a, b&#92;"]`);
      assert.equal(imageReference('asciidoc', PATH, 'a, \\"b'), `image::${PATH}["a, &#92;&#34;b"]`);
      assert.equal(imageReference('asciidoc', PATH, 'a, b\\c'), `image::${PATH}["a, b\\c"]`);
    });
    it('AsciiDoc neutralises attribute references, replacements and entities', () => {
      assert.equal(imageReference('asciidoc', PATH, '{docdir} {a b} {counter:x}'), `image::${PATH}[&#123;docdir} {a b} &#123;counter:x}]`);
      assert.equal(imageReference('asciidoc', PATH, "(C) a--b ... -> <= it's &amp;"), `image::${PATH}["&#40;C) a-&#45;b ..&#46; -&#62; &#60;= it&#39;s &#38;amp;"]`);
    });
    it('Typst escapes quotes and backslashes', () => {
      assert.equal(imageReference('typst', PATH, 'say "hi" \\o/'), `#image("${PATH}", alt: "say \\"hi\\" \\\\o/")`);
    });
    it('newlines, tabs and control characters collapse to single spaces in every syntax', () => {
      for (const languageId of ['markdown', 'html', 'typescriptreact', 'restructuredtext', 'asciidoc', 'typst']) {
        const reference = imageReference(languageId, PATH, 'line one\r\n\tline\u0000two\u2028three');
        assert.ok(reference.includes('line one line two three'), `${languageId}: ${reference}`);
        const lines = reference.split('\n').length;
        assert.equal(lines, languageId === 'restructuredtext' ? 2 : 1, languageId);
      }
    });
    it('a site path is written like a relative one', () => {
      assert.equal(imageReference('html', '/img/a b.png', 'x'), '<img src="/img/a%20b.png" alt="x">');
      assert.equal(imageReference('mdx', '/img/x.png', 'x'), '![x](/img/x.png)');
    });
    it('bidi overrides and zero-width characters are removed', () => {
      assert.equal(imageReference('html', PATH, 'a\u202Eb\u200Bc\u2066d'), `<img src="${PATH}" alt="abcd">`);
    });
  });

  describe('escapeAttribute', () => {
    it('escapes & < > " \' { }', () => assert.equal(escapeAttribute(`&<>"'{}`), '&amp;&lt;&gt;&quot;&#39;&#123;&#125;'));
    it('does not double-escape differently', () => assert.equal(escapeAttribute('&amp;'), '&amp;amp;'));
  });

  describe('toSingleLine', () => {
    it('collapses and trims', () => assert.equal(toSingleLine('  a \n\n b\t c  '), 'a b c'));
    it('NFC-normalises', () => assert.equal(toSingleLine('e\u0301'), '\u00e9'));
    it('drops lone surrogates', () => assert.equal(toSingleLine('a\uD800b\uDC00c'), 'abc'));
    it('reads Hangul fillers as spaces', () => assert.equal(toSingleLine('\u3164고양이\u3164 \uffa0달'), '고양이 달'));
    it('keeps zero-width joiners inside emoji', () => assert.equal(toSingleLine('👨\u200D👩'), '👨\u200D👩'));
  });

  describe('relativeReference', () => {
    const table: [from: string, to: string, expected: string][] = [
      ['/ws/README.md', '/ws/images/cat.png', 'images/cat.png'],
      ['/ws/docs/post.md', '/ws/images/cat.png', '../images/cat.png'],
      ['/ws/docs/a/b/post.md', '/ws/images/cat.png', '../../../images/cat.png'],
      ['/ws/docs/post.md', '/ws/docs/cat.png', 'cat.png'],
      ['/ws/docs/post.md', '/ws/docs/images/a b.png', 'images/a b.png'],
      ['/ws/post.md', '/ws/a:b/cat.png', './a:b/cat.png'],
      ['/C:/ws/post.md', '/c:/ws/images/cat.png', 'images/cat.png'],
      ['/c:/ws/post.md', '/d:/images/cat.png', '/d:/images/cat.png'],
    ];
    for (const [from, to, expected] of table) it(`${from} → ${to}`, () => assert.equal(relativeReference(from, to), expected));
  });

  describe('altTextFromPrompt', () => {
    const table: [name: string, prompt: string, expected: string][] = [
      ['first sentence', 'A cat on a mat. In the style of Monet.', 'A cat on a mat.'],
      ['first line', 'A cat on a mat\nsecond line', 'A cat on a mat'],
      ['skips blank leading lines', '\n\n  \r\n  A cat  ', 'A cat'],
      ['question and exclamation end sentences', 'Is it a cat? Yes!', 'Is it a cat?'],
      ['a dot inside a word does not end the sentence', 'Version 1.5 of the logo', 'Version 1.5 of the logo'],
      ['CJK full stop', '猫が月を見る。背景は夜空。', '猫が月を見る。'],
      ['Korean', '고양이가 달을 본다. 밤하늘 배경.', '고양이가 달을 본다.'],
      ['collapses whitespace', 'a \t  lot   of\u00a0space', 'a lot of space'],
      ['removes control characters', 'a\u0000b\u0007c', 'a b c'],
      ['removes bidi overrides', '\u202Ehello\u202C world', 'hello world'],
      ['empty', '', ''],
      ['whitespace only', ' \n\t ', ''],
      ['Hangul fillers only', '\u3164\u115f\u1160\uffa0', ''],
      ['emoji are visible', '🐱', '🐱'],
    ];
    for (const [name, prompt, expected] of table) it(name, () => assert.equal(altTextFromPrompt(prompt), expected));

    it(`cuts to ${ALT_TEXT_MAX_CHARS} characters on a word boundary with an ellipsis`, () => {
      const alt = altTextFromPrompt('word '.repeat(100));
      assert.ok(Array.from(alt).length <= ALT_TEXT_MAX_CHARS);
      assert.match(alt, /^(word )*word…$/);
    });

    it('hard-cuts text without spaces, never splitting a surrogate pair or a letter from its marks', () => {
      const emoji = altTextFromPrompt('🐱'.repeat(300));
      assert.equal(emoji, `${'🐱'.repeat(ALT_TEXT_MAX_CHARS - 1)}…`);
      const marked = altTextFromPrompt('e\u0301'.repeat(300)); // NFC composes these into é
      assert.equal(marked, `${'é'.repeat(ALT_TEXT_MAX_CHARS - 1)}…`);
      const hindi = altTextFromPrompt('कि'.repeat(300));
      // क + the vowel sign ि are two code points: the cut at 119 would strand ि, so it backs off to 118.
      assert.equal(hindi, `${'कि'.repeat((ALT_TEXT_MAX_CHARS - 2) / 2)}…`);
      const families = altTextFromPrompt('👨\u200d👩\u200d👧'.repeat(100)); // 5 code points each
      assert.equal(families, `${'👨\u200d👩\u200d👧'.repeat(23)}…`);
      const flags = altTextFromPrompt('🇰🇷'.repeat(100)); // 2 code points each, never half a flag
      assert.equal(flags, `${'🇰🇷'.repeat(59)}…`);
    });
  });
});
