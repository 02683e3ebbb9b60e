/**
 * Hostile webview messages and gallery cards (issue 5, "Webview messages"). The page is untrusted: whatever it
 * posts goes through `decideGalleryMessage` (the gallery panel's own decision, free of `vscode`), which must
 * ignore — with one bounded, escaped debug line — every shape that is not exactly known, every action on a
 * record the history does not hold, and Submit Anew on a record that does not wait for that decision. Cards built by `toGalleryItem` must keep hostile prompts and errors as
 * plain data (the page test checks they render as text) and take image sources only from the cache.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { firstScreen } from '../../../src/gallery/firstScreenHtml';
import { CARD_ALT_TEXT_MAX_LENGTH, toGalleryItem } from '../../../src/gallery/galleryItems';
import { escapeAttribute } from '../../../src/workspace/snippet';
import { HARNESS_STRINGS } from '../../gallery/harness';
import { decideGalleryMessage, type GalleryMessageDecision, type GalleryRecordState } from '../../../src/gallery/galleryMessages';
import { ImageCache } from '../../../src/jobs/imageCache';
import type { JobPhase, JobRecord } from '../../../src/jobs/types';
import { CARD_BUTTONS, GALLERY_ITEM_ACTIONS, MAX_REPORTED_IDS, parseWebviewMessage, type GalleryItem, type WebviewToHost } from '../../../src/gallery/protocol';
import type { HostileCase } from '../types';
import { HOSTILE_PROMPTS } from './prompts';

const KNOWN_ID = '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b';
/** Valid UUID v4s that are not in the history: another window's record, a deleted one, a made-up one. */
const OTHER_IDS = ['9d3c2b1a-0f9e-4d8c-b7a6-5f4e3d2c1b0a', 'ffffffff-ffff-4fff-bfff-ffffffffffff', KNOWN_ID.toUpperCase()];
const MIB = 1024 * 1024;
const HUGE = 'A'.repeat(MIB);
/** The known record waits for the Submit Anew decision, so every card action is allowed on it. */
const KNOWN_RECORD: GalleryRecordState = { phase: 'needs-decision', decision: 'unknown-submit' };
const lookUpKnown = (localId: string): GalleryRecordState | undefined => (localId === KNOWN_ID ? KNOWN_RECORD : undefined);

function nested(depth: number): unknown {
  let value: unknown = KNOWN_ID;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

const rendered = (fields: Record<string, unknown>): Record<string, unknown> => ({
  type: 'rendered',
  total: 1,
  localIds: [KNOWN_ID],
  buttons: [['copyPrompt', 'delete']],
  loadedImages: [],
  failedImages: [],
  ...fields,
});
const action = (fields: Record<string, unknown>): Record<string, unknown> => ({ type: 'action', action: 'open', localId: KNOWN_ID, ...fields });

interface HostileMessage {
  readonly name: string;
  /** Built per run, so a case cannot be affected by what another did to a shared object. */
  readonly message: () => unknown;
}

/** Messages that must be ignored. */
const MALFORMED: readonly HostileMessage[] = [
  // Not objects at all.
  { name: 'null', message: () => null },
  { name: 'undefined', message: () => undefined },
  { name: 'a number', message: () => 42 },
  { name: 'NaN', message: () => NaN },
  { name: 'a boolean', message: () => true },
  { name: 'a string naming a type', message: () => 'ready' },
  { name: 'a JSON string', message: () => JSON.stringify({ type: 'ready' }) },
  { name: 'an array', message: () => [{ type: 'ready' }] },
  { name: 'an array with a type property', message: () => Object.assign(['x'], { type: 'ready' }) },
  { name: 'a Date', message: () => new Date(0) },
  { name: 'a Map with a type entry', message: () => new Map([['type', 'ready']]) },
  { name: 'a function', message: () => () => ({ type: 'ready' }) },
  // Unknown types.
  { name: 'empty type', message: () => ({ type: '' }) },
  { name: 'unknown type', message: () => ({ type: 'eval', code: 'process.exit()' }) },
  { name: 'type in upper case', message: () => ({ type: 'READY' }) },
  { name: 'type with a trailing space', message: () => ({ type: 'ready ' }) },
  { name: 'type with a NUL', message: () => ({ type: 'ready\u0000' }) },
  { name: 'type __proto__', message: () => JSON.parse('{"type":"__proto__"}') as unknown },
  { name: 'type constructor', message: () => ({ type: 'constructor' }) },
  { name: 'type toString', message: () => ({ type: 'toString' }) },
  { name: 'type hasOwnProperty', message: () => ({ type: 'hasOwnProperty' }) },
  { name: 'type a number', message: () => ({ type: 1 }) },
  { name: 'type an array', message: () => ({ type: ['ready'] }) },
  { name: 'type an object with toString', message: () => ({ type: { toString: () => 'ready' } }) },
  { name: 'type that forges log lines', message: () => ({ type: 'x\n[error] API key afk_forged0123456789 saved\u202E' }) },
  { name: 'type of 1 MB', message: () => ({ type: HUGE }) },
  // Wrong shapes of known types.
  { name: 'ready with an extra field', message: () => ({ type: 'ready', extra: true }) },
  { name: 'showLog with a path', message: () => ({ type: 'showLog', path: '/etc/passwd' }) },
  { name: 'ready with an own __proto__ key', message: () => JSON.parse('{"type":"ready","__proto__":{"polluted":true}}') as unknown },
  { name: 'ready with a constructor key', message: () => ({ type: 'ready', constructor: { prototype: { polluted: true } } }) },
  { name: 'type only through the prototype', message: () => Object.create({ type: 'ready' }) as unknown },
  { name: 'object with a class prototype', message: () => Object.assign(Object.create(Array.prototype) as object, { type: 'ready' }) },
  { name: 'action without localId', message: () => ({ type: 'action', action: 'open' }) },
  { name: 'action without action', message: () => ({ type: 'action', localId: KNOWN_ID }) },
  { name: 'action with an extra field', message: () => action({ path: '/etc/passwd' }) },
  { name: 'action with an own __proto__ key', message: () => JSON.parse(`{"type":"action","action":"open","localId":"${KNOWN_ID}","__proto__":{"isAdmin":true}}`) as unknown },
  { name: 'unknown action', message: () => action({ action: 'deleteAll' }) },
  { name: 'action constructor', message: () => action({ action: 'constructor' }) },
  { name: 'action __proto__', message: () => action({ action: '__proto__' }) },
  { name: 'action toString', message: () => action({ action: 'toString' }) },
  { name: 'action showLog (not a card action)', message: () => action({ action: 'showLog' }) },
  { name: 'action in upper case', message: () => action({ action: 'OPEN' }) },
  { name: 'action an array', message: () => action({ action: ['open'] }) },
  { name: 'action of 1 MB', message: () => action({ action: HUGE }) },
  { name: 'localId a number', message: () => action({ localId: 1 }) },
  { name: 'localId null', message: () => action({ localId: null }) },
  { name: 'localId an array of the id', message: () => action({ localId: [KNOWN_ID] }) },
  { name: 'localId an object', message: () => action({ localId: { toString: () => KNOWN_ID } }) },
  { name: 'localId with spaces', message: () => action({ localId: ` ${KNOWN_ID} ` }) },
  { name: 'localId with a NUL', message: () => action({ localId: `${KNOWN_ID}\u0000` }) },
  { name: 'localId without dashes', message: () => action({ localId: KNOWN_ID.replace(/-/g, '') }) },
  { name: 'localId with braces', message: () => action({ localId: `{${KNOWN_ID}}` }) },
  { name: 'nil UUID', message: () => action({ localId: '00000000-0000-0000-0000-000000000000' }) },
  { name: 'localId of 1 MB', message: () => action({ localId: HUGE }) },
  // Image indexes that are not a small whole number (an index picks one of a job's images).
  { name: 'index negative', message: () => action({ index: -1 }) },
  { name: 'index fractional', message: () => action({ index: 1.5 }) },
  { name: 'index past the most images a card shows', message: () => action({ index: 16 }) },
  { name: 'index 1e308', message: () => action({ index: 1e308 }) },
  { name: 'index NaN', message: () => action({ index: Number.NaN }) },
  { name: 'index a string', message: () => action({ index: '1' }) },
  { name: 'index null', message: () => action({ index: null }) },
  { name: 'index an array', message: () => action({ index: [1] }) },
  { name: 'index a path', message: () => action({ index: '../1.png' }) },
  // Midjourney's grid actions and the source: exact shapes only (the page names no job id, no path, no URL).
  { name: 'gridAction with an index past the grid', message: () => ({ type: 'gridAction', action: 'upsample', localId: KNOWN_ID, index: 4 }) },
  { name: 'gridAction with a negative index', message: () => ({ type: 'gridAction', action: 'variation', localId: KNOWN_ID, index: -1 }) },
  { name: 'gridAction with Midjourney’s number as a string', message: () => ({ type: 'gridAction', action: 'upsample', localId: KNOWN_ID, index: '2' }) },
  { name: 'gridAction pan (not a grid action)', message: () => ({ type: 'gridAction', action: 'pan', localId: KNOWN_ID, index: 1 }) },
  { name: 'gridAction with the button’s name', message: () => ({ type: 'gridAction', action: 'upscale', localId: KNOWN_ID, index: 1 }) },
  { name: 'gridAction naming a parent job', message: () => ({ type: 'gridAction', action: 'upsample', localId: KNOWN_ID, index: 1, parentJobId: 'other-team-job' }) },
  { name: 'gridAction on a path', message: () => ({ type: 'gridAction', action: 'upsample', localId: '../../etc/passwd', index: 1 }) },
  { name: 'openSource with a URI', message: () => ({ type: 'openSource', localId: KNOWN_ID, uri: 'file:///etc/passwd' }) },
  { name: 'openSource on a file URI', message: () => ({ type: 'openSource', localId: 'file:///etc/passwd' }) },
  { name: 'openSource on a command URI', message: () => ({ type: 'openSource', localId: 'command:workbench.action.terminal.new' }) },
  // Paths and URIs instead of ids.
  { name: 'POSIX path', message: () => action({ localId: '/etc/passwd' }) },
  { name: 'relative traversal', message: () => action({ localId: '../../../../etc/passwd' }) },
  { name: 'traversal after a valid id', message: () => action({ localId: `${KNOWN_ID}/../../x` }) },
  { name: 'cached file name', message: () => action({ localId: `${KNOWN_ID}/1.png` }) },
  { name: 'Windows path', message: () => action({ localId: 'C:\\Windows\\win.ini' }) },
  { name: 'UNC path', message: () => action({ localId: '\\\\server\\share\\x.png' }) },
  { name: 'file URI', message: () => action({ localId: 'file:///etc/passwd' }) },
  { name: 'webview resource URI', message: () => action({ localId: 'https://file+.vscode-resource.vscode-cdn.net/etc/passwd' }) },
  { name: 'vscode command URI', message: () => action({ localId: 'command:workbench.action.terminal.new' }) },
  { name: 'percent-encoded traversal', message: () => action({ localId: '%2e%2e%2f%2e%2e%2fetc%2fpasswd' }) },
  // Rendered reports with wrong or oversized content.
  { name: 'rendered with a negative total', message: () => rendered({ total: -1 }) },
  { name: 'rendered with a fractional total', message: () => rendered({ total: 1.5 }) },
  { name: 'rendered with a total of 1e308', message: () => rendered({ total: 1e308 }) },
  { name: 'rendered with total a string', message: () => rendered({ total: '1' }) },
  { name: 'rendered with a path among the ids', message: () => rendered({ localIds: [KNOWN_ID, '../../etc/passwd'] }) },
  { name: 'rendered with ids not an array', message: () => rendered({ loadedImages: KNOWN_ID }) },
  { name: 'rendered with one id too many', message: () => rendered({ localIds: Array.from({ length: MAX_REPORTED_IDS + 1 }, () => KNOWN_ID) }) },
  { name: 'rendered with a million ids', message: () => rendered({ failedImages: new Array<string>(1_000_000).fill(KNOWN_ID) }) },
  { name: 'rendered with ids nested 100,000 deep', message: () => rendered({ localIds: [nested(100_000)] }) },
  { name: 'rendered with a sparse id list', message: () => rendered({ localIds: new Array<string>(3) }) },
  { name: 'rendered with a hole among the ids', message: () => rendered({ loadedImages: Object.assign(new Array<string>(2), { 0: KNOWN_ID }) }) },
  { name: 'rendered with one button list too few', message: () => rendered({ buttons: [] }) },
  { name: 'rendered with one button list too many', message: () => rendered({ buttons: [[], []] }) },
  { name: 'rendered with an unknown button', message: () => rendered({ buttons: [['deleteAll']] }) },
  { name: 'rendered with a button __proto__', message: () => rendered({ buttons: [['__proto__']] }) },
  { name: 'rendered with a button twice', message: () => rendered({ buttons: [['delete', 'delete']] }) },
  { name: 'rendered with more buttons than a card has', message: () => rendered({ buttons: [[...CARD_BUTTONS, 'delete']] }) },
  { name: 'rendered with a sparse button list', message: () => rendered({ buttons: [new Array<string>(2)] }) },
  { name: 'rendered with buttons not a list of lists', message: () => rendered({ buttons: ['delete'] }) },
  { name: 'rendered with buttons nested 100,000 deep', message: () => rendered({ buttons: [nested(100_000)] }) },
  { name: 'rendered without buttons', message: () => ({ type: 'rendered', total: 1, localIds: [KNOWN_ID], loadedImages: [], failedImages: [] }) },
  { name: 'rendered missing a list', message: () => ({ type: 'rendered', total: 0, localIds: [], loadedImages: [] }) },
  { name: 'rendered with an extra field', message: () => rendered({ html: '<img src=x onerror=alert(1)>' }) },
  { name: 'object with 100,000 keys', message: () => Object.fromEntries<unknown>([['type', 'ready'], ...Array.from({ length: 100_000 }, (_, i): [string, number] => [`k${i}`, i])]) },
];

/** Well-formed messages: accepted as a fresh copy with exactly the known fields. */
const ACCEPTED: readonly { name: string; message: () => Record<string, unknown>; expected: GalleryMessageDecision }[] = [
  { name: 'ready', message: () => ({ type: 'ready' }), expected: { kind: 'handle', message: { type: 'ready' } } },
  { name: 'ready with a null prototype', message: () => Object.assign(Object.create(null) as object, { type: 'ready' }), expected: { kind: 'handle', message: { type: 'ready' } } },
  { name: 'showLog', message: () => ({ type: 'showLog' }), expected: { kind: 'handle', message: { type: 'showLog' } } },
  {
    name: 'rendered with the maximum number of ids',
    message: () =>
      rendered({
        total: 1_000_000,
        localIds: new Array<string>(MAX_REPORTED_IDS).fill(KNOWN_ID),
        buttons: Array.from({ length: MAX_REPORTED_IDS }, () => [...CARD_BUTTONS]),
      }),
    expected: {
      kind: 'handle',
      message: {
        type: 'rendered',
        total: 1_000_000,
        localIds: new Array<string>(MAX_REPORTED_IDS).fill(KNOWN_ID),
        buttons: Array.from({ length: MAX_REPORTED_IDS }, () => [...CARD_BUTTONS]),
        loadedImages: [],
        failedImages: [],
      },
    },
  },
  ...GALLERY_ITEM_ACTIONS.map((name) => ({
    name: `action ${name} on a known record`,
    message: () => action({ action: name }),
    expected: { kind: 'action', action: name, localId: KNOWN_ID } as const,
  })),
];

function assertDebugLine(line: string, forbidden: readonly string[]): void {
  assert.match(line, /^Gallery: ignored /);
  assert.ok(line.length <= 200, `debug line of ${line.length} characters`);
  // eslint-disable-next-line no-control-regex
  assert.ok(!/[\u0000-\u001f\u007f-\u009f\u2028\u2029\p{Cf}]/u.test(line), `control or bidi character in ${JSON.stringify(line)}`);
  for (const text of forbidden) assert.ok(!line.includes(text), `the debug line repeats ${JSON.stringify(text.slice(0, 40))}`);
  assert.ok(!/afk_[A-Za-z0-9]{4,}/.test(line), 'key-shaped text in the debug line');
}

function assertPrototypesClean(): void {
  for (const probe of ['polluted', 'isAdmin']) {
    assert.equal(probe in {}, false, `Object.prototype gained ${probe}`);
  }
}

function malformedCase(entry: HostileMessage): HostileCase {
  return {
    area: 'webview',
    name: `message ignored: ${entry.name}`,
    run() {
      const raw = entry.message();
      assert.equal(parseWebviewMessage(raw), undefined, 'the parser accepted it');
      const decision = decideGalleryMessage(raw, () => assert.fail('a malformed message looked up a record'));
      assert.equal(decision.kind, 'ignore');
      if (decision.kind === 'ignore') assertDebugLine(decision.debug, ['/etc/passwd', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'process.exit', 'onerror']);
      assertPrototypesClean();
    },
  };
}

function acceptedCase(entry: (typeof ACCEPTED)[number]): HostileCase {
  return {
    area: 'webview',
    name: `message accepted: ${entry.name}`,
    run() {
      const raw = entry.message();
      const decision = decideGalleryMessage(raw, lookUpKnown);
      assert.deepEqual(decision, entry.expected);
      const parsed = parseWebviewMessage(raw);
      assert.ok(parsed);
      assert.notEqual(parsed, raw, 'a fresh copy, not the page object');
      assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
      // Changing the page's object afterwards cannot change what the host acts on.
      (raw as { type: string }).type = 'changed';
      if ('localIds' in raw && Array.isArray(raw.localIds)) raw.localIds.push('../../etc/passwd');
      if ('buttons' in raw && Array.isArray(raw.buttons)) (raw.buttons[0] as unknown[]).push('deleteAll');
      const expected = entry.expected;
      let message: WebviewToHost | undefined;
      if (expected.kind === 'handle') message = expected.message;
      else if (expected.kind === 'action') message = { type: 'action', action: expected.action, localId: expected.localId };
      assert.deepEqual(parsed, message);
    },
  };
}

function otherIdCases(): HostileCase[] {
  return OTHER_IDS.flatMap((localId) =>
    GALLERY_ITEM_ACTIONS.map(
      (name): HostileCase => ({
        area: 'webview',
        name: `action ${name} on a record not in the history (${localId.slice(0, 8)})`,
        run() {
          const asked: string[] = [];
          const decision = decideGalleryMessage(action({ action: name, localId }), (id) => {
            asked.push(id);
            return lookUpKnown(id);
          });
          assert.deepEqual(asked, [localId], 'the history was asked about exactly that id');
          assert.equal(decision.kind, 'ignore');
          if (decision.kind === 'ignore') {
            assertDebugLine(decision.debug, []);
            assert.match(decision.debug, /unknown record/);
          }
        },
      }),
    ),
  );
}

/** Every phase, listed so that the compiler notices a new one. */
const PHASES: Readonly<Record<JobPhase, true>> = {
  'pending-submit': true,
  running: true,
  detached: true,
  downloading: true,
  done: true,
  failed: true,
  expired: true,
  'needs-decision': true,
};

/** Every record state but the one Submit Anew is for: done, running, waiting to resume, another decision, none. */
const NOT_WAITING_TO_SUBMIT: readonly GalleryRecordState[] = [
  ...(Object.keys(PHASES) as JobPhase[])
    .filter((phase) => phase !== 'needs-decision')
    .flatMap((phase): GalleryRecordState[] => [{ phase }, { phase, decision: 'unknown-submit' }]),
  { phase: 'needs-decision', decision: 'unreadable-result' },
  { phase: 'needs-decision' },
];

function submitAnewStateCases(): HostileCase[] {
  return NOT_WAITING_TO_SUBMIT.map(
    (state): HostileCase => ({
      area: 'webview',
      name: `action submitAnew on a record in phase ${state.phase}${state.decision ? ` (decision ${state.decision})` : ''}`,
      run() {
        const decision = decideGalleryMessage(action({ action: 'submitAnew' }), (id) => (id === KNOWN_ID ? state : undefined));
        assert.equal(decision.kind, 'ignore', 'Submit Anew may charge a second job: only a record waiting for it takes it');
        if (decision.kind === 'ignore') {
          assertDebugLine(decision.debug, []);
          assert.match(decision.debug, new RegExp(`"submitAnew" for record ${KNOWN_ID} in phase ${state.phase}$`));
        }
        // The other actions on the same record are still taken.
        assert.equal(decideGalleryMessage(action({ action: 'resume' }), () => state).kind, 'action');
      },
    }),
  );
}

// ---- gallery cards --------------------------------------------------------------------------------------

const CACHE = new ImageCache('/home/me/.config/Code/User/globalStorage/apiframe-images.apiframe-images');
const WEBVIEW_RESOURCE_ORIGIN = 'https://file+.vscode-resource.vscode-cdn.net';
const HOSTILE_REMOTE_URLS = ['https://cdn.attacker.example/track.png', 'javascript:alert(1)', 'file:///etc/passwd', 'data:image/svg+xml,<svg onload=alert(1)>'];

/** What the panel does: the cached file's absolute path, as a webview resource URI. */
function webviewSrc(record: JobRecord, index: number): string | undefined {
  const image = record.files?.[index];
  if (!image) return undefined;
  return `${WEBVIEW_RESOURCE_ORIGIN}${encodeURI(CACHE.absolutePath(image))}`;
}

function hostileRecord(prompt: string, cached: boolean): JobRecord {
  return {
    localId: KNOWN_ID,
    idempotencyKey: KNOWN_ID,
    prompt,
    model: 'dall-e-3',
    aspectRatio: '1:1',
    style: 'vivid',
    createdAt: '2026-11-25T10:00:00.000Z',
    phase: cached ? 'done' : 'failed',
    status: cached ? 'COMPLETED' : 'FAILED',
    progress: 1e9,
    error: cached ? undefined : `Refused: <img src=x onerror=alert(1)> "${prompt.slice(0, 50)}"`,
    remoteUrls: HOSTILE_REMOTE_URLS,
    ...(cached ? { files: [{ file: `${KNOWN_ID}/1.png`, mime: 'image/png', bytes: 100 }] } : {}),
  };
}

/**
 * The first screen the host writes into the page's HTML (firstScreenHtml.ts) holds the card's texts as text:
 * every tag in it is one of the renderer's own, with no handler or style attribute, and the prompt is there
 * escaped. (Every `<` and `"` of the data is escaped, so a tag and a quoted value can only be the renderer's.)
 */
function assertPaintedAsText(item: GalleryItem): void {
  const painted = firstScreen({ type: 'state', items: [item], total: 1, strings: HARNESS_STRINGS, locale: 'en' }, 'Apiframe Images');
  assert.ok(painted, 'a card is painted');
  for (const tag of painted.html.match(/<[^>]*>/g) ?? []) {
    const bare = tag.replace(/"[^"]*"/g, '""');
    assert.match(bare, /^<\/?(div|header|h1|span|input|button|article|img|p|time|progress)( [a-z-]+(="")?)*>$/, `an unexpected tag ${tag}`);
    assert.doesNotMatch(bare, /\s(on[a-z]+|style|srcdoc|href)=/, `a handler or style in ${tag}`);
  }
  assert.ok(painted.html.includes(`<p class="card-prompt" elementtiming="first-card">${escapeAttribute(item.prompt)}</p>`), 'the prompt, escaped');
  assert.doesNotMatch(painted.css, /[^\w\s.:(){}/-]/, 'the style holds only the shape numbers');
}

function cardCase(name: string, prompt: string): HostileCase {
  return {
    area: 'webview',
    name: `gallery card keeps the prompt as data: ${name}`,
    run() {
      for (const cached of [true, false]) {
        const record = hostileRecord(prompt, cached);
        const item = toGalleryItem(record, { imageSrc: webviewSrc });
        assert.equal(item.prompt, prompt, 'the prompt is kept verbatim (the page renders it as text)');
        assert.equal(item.error, record.error, 'the error is kept verbatim');
        assert.ok(!/[\r\n]/.test(item.alt) && item.alt.length <= CARD_ALT_TEXT_MAX_LENGTH, 'alt text is one bounded line');
        assert.equal(item.progress, 100, 'progress is clamped');
        assertPaintedAsText(item);
        // Everything but the texts the user wrote or was told (which may quote anything, and render as text).
        const serialised = JSON.stringify({ ...item, prompt: '', alt: '', error: '' });
        for (const remote of HOSTILE_REMOTE_URLS) assert.ok(!serialised.includes(remote), `the card carries the remote URL ${remote}`);
        if (!cached) {
          assert.equal(item.image, undefined, 'no image without a cached file');
          continue;
        }
        assert.ok(item.image, 'the cached image is shown');
        assert.ok(item.image.src.startsWith(`${WEBVIEW_RESOURCE_ORIGIN}/`), item.image.src);
        const file = decodeURI(item.image.src.slice(WEBVIEW_RESOURCE_ORIGIN.length));
        assert.ok(file.startsWith(`${CACHE.root}${path.sep}`), `${file} is outside the cache`);
        assert.deepEqual([item.image.width, item.image.height], [1024, 1024]);
      }
    },
  };
}

const CARD_EDGES: readonly HostileCase[] = [
  {
    area: 'webview',
    name: 'gallery card: a cached file recorded outside the cache is never turned into a source',
    run() {
      const record: JobRecord = { ...hostileRecord('x', true), files: [{ file: '../../../../etc/passwd', mime: 'image/png', bytes: 1 }] };
      assert.throws(() => toGalleryItem(record, { imageSrc: webviewSrc }), /outside the cache/);
    },
  },
  {
    area: 'webview',
    name: 'gallery card: progress NaN, Infinity and negative',
    run() {
      const progressOf = (progress: number): number | null => toGalleryItem({ ...hostileRecord('x', false), progress }, { imageSrc: webviewSrc }).progress;
      assert.deepEqual([NaN, Infinity, -Infinity, -5].map(progressOf), [null, null, null, 0]);
    },
  },
  {
    area: 'webview',
    name: 'gallery card: only the source callback makes image sources',
    run() {
      const item = toGalleryItem(hostileRecord('x', true), { imageSrc: () => undefined });
      assert.equal(item.image, undefined, 'no source from the callback, no image (never a remote URL instead)');
      assert.equal(item.imageCount, HOSTILE_REMOTE_URLS.length);
    },
  },
];

export const cases: HostileCase[] = [
  ...MALFORMED.map(malformedCase),
  ...ACCEPTED.map(acceptedCase),
  ...otherIdCases(),
  ...submitAnewStateCases(),
  ...HOSTILE_PROMPTS.map((entry) => cardCase(entry.name, entry.prompt)),
  ...CARD_EDGES,
];
