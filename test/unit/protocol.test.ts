import * as assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { CARD_BUTTONS, GALLERY_ITEM_ACTIONS, MAX_REPORTED_IDS, isUuid, parseWebviewMessage } from '../../src/gallery/protocol';

const ID = '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b';
const OTHER_ID = 'a1b2c3d4-e5f6-4a7b-9c8d-0e1f2a3b4c5d';

/** A valid report of no cards, with `fields` replaced (so each rejection below has exactly one cause). */
const report = (fields: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'rendered',
  total: 0,
  localIds: [],
  buttons: [],
  loadedImages: [],
  failedImages: [],
  ...fields,
});

describe('webview protocol: parseWebviewMessage', () => {
  it('accepts ready and showLog with nothing else', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'showLog' }), { type: 'showLog' });
  });

  it('accepts every card action for a UUID', () => {
    for (const action of GALLERY_ITEM_ACTIONS) {
      assert.deepEqual(parseWebviewMessage({ type: 'action', action, localId: ID }), { type: 'action', action, localId: ID });
    }
  });

  it('accepts an image index on an action, and only a small whole number', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'action', action: 'save', localId: ID, index: 2 }), { type: 'action', action: 'save', localId: ID, index: 2 });
    assert.deepEqual(parseWebviewMessage({ type: 'action', action: 'insert', localId: ID, index: 0 }), { type: 'action', action: 'insert', localId: ID, index: 0 });
    for (const index of [-1, 1.5, 16, 1e9, Number.NaN, '2', null, undefined, [2]]) {
      assert.equal(parseWebviewMessage({ type: 'action', action: 'save', localId: ID, index }), undefined, inspect(index));
    }
    assert.equal(parseWebviewMessage({ type: 'action', action: 'save', localId: ID, index: 1, extra: 1 }), undefined);
  });

  it('accepts Upscale n / Vary n for one of a grid’s four images, and nothing else', () => {
    for (const action of ['upsample', 'variation'] as const) {
      for (const index of [0, 1, 2, 3]) {
        assert.deepEqual(parseWebviewMessage({ type: 'gridAction', action, localId: ID, index }), { type: 'gridAction', action, localId: ID, index });
      }
    }
    for (const index of [-1, 4, 1.5, 16, Number.NaN, '1', null, undefined, [1]]) {
      assert.equal(parseWebviewMessage({ type: 'gridAction', action: 'upsample', localId: ID, index }), undefined, inspect(index));
    }
    // The page's button names, Midjourney's other actions and anything else are not grid actions.
    for (const action of ['upscale', 'vary', 'pan', 'outpaint', 'inpaint', 'save', '', null]) {
      assert.equal(parseWebviewMessage({ type: 'gridAction', action, localId: ID, index: 1 }), undefined, inspect(action));
    }
    assert.equal(parseWebviewMessage({ type: 'gridAction', action: 'upsample', localId: ID }), undefined, 'the image is required');
    assert.equal(parseWebviewMessage({ type: 'gridAction', action: 'upsample', localId: ID, index: 1, parentJobId: 'x' }), undefined, 'the page names no job id');
    assert.equal(parseWebviewMessage({ type: 'gridAction', action: 'upsample', localId: 'job-1', index: 1 }), undefined);
  });

  it('accepts opening a record’s source with its id only', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'openSource', localId: ID }), { type: 'openSource', localId: ID });
    assert.equal(parseWebviewMessage({ type: 'openSource' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'openSource', localId: ID, uri: 'file:///etc/passwd' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'openSource', localId: 'file:///etc/passwd' }), undefined);
  });

  it('accepts a rendered report and returns a copy', () => {
    const input = report({ total: 2, localIds: [ID, OTHER_ID], buttons: [['copyPrompt', 'resume', 'submitAnew'], []], loadedImages: [ID] });
    const parsed = parseWebviewMessage(input);
    assert.deepEqual(parsed, input);
    assert.notEqual(parsed, input);
    assert.ok(parsed?.type === 'rendered');
    assert.notEqual(parsed.buttons[0], (input.buttons as unknown[])[0], 'the button lists are copies too');
    assert.ok(parseWebviewMessage(report()), 'a report of no cards');
  });

  it('accepts every card button in a report, once per card', () => {
    assert.ok(parseWebviewMessage(report({ total: 1, localIds: [ID], buttons: [[...CARD_BUTTONS]] })));
    assert.equal(parseWebviewMessage(report({ total: 1, localIds: [ID], buttons: [['showLog', 'showLog']] })), undefined);
  });

  it('rejects button lists that do not match the cards', () => {
    assert.equal(parseWebviewMessage(report({ total: 1, localIds: [ID], buttons: [] })), undefined, 'one list short');
    assert.equal(parseWebviewMessage(report({ buttons: [[]] })), undefined, 'one list too many');
    for (const buttons of [[['rm']], [['Save']], [['constructor']], [[1]], [[['save']]], ['save'], [null], [new Array<string>(1)]]) {
      assert.equal(parseWebviewMessage(report({ total: 1, localIds: [ID], buttons })), undefined, JSON.stringify(buttons));
    }
  });

  it('rejects values that are not plain objects', () => {
    for (const value of [undefined, null, 'ready', 42, true, [], [{ type: 'ready' }], new Map([['type', 'ready']])]) {
      assert.equal(parseWebviewMessage(value), undefined, inspect(value));
    }
    class Message {
      type = 'ready';
    }
    assert.equal(parseWebviewMessage(new Message()), undefined);
  });

  it('rejects unknown and mistyped types', () => {
    for (const type of ['state', 'update', 'READY', 'save', '', 1, null]) {
      assert.equal(parseWebviewMessage({ type }), undefined, String(type));
    }
    assert.equal(parseWebviewMessage({}), undefined);
  });

  it('rejects extra fields', () => {
    assert.equal(parseWebviewMessage({ type: 'ready', extra: 1 }), undefined);
    assert.equal(parseWebviewMessage({ type: 'showLog', localId: ID }), undefined);
    assert.equal(parseWebviewMessage({ type: 'action', action: 'save', localId: ID, path: '/etc/passwd' }), undefined);
    assert.equal(parseWebviewMessage(report({ html: '<b>' })), undefined);
  });

  it('rejects missing fields', () => {
    assert.equal(parseWebviewMessage({ type: 'action', action: 'save' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'action', localId: ID }), undefined);
    assert.equal(parseWebviewMessage({ type: 'rendered', total: 0, localIds: [], buttons: [], loadedImages: [] }), undefined);
    assert.equal(parseWebviewMessage({ type: 'rendered', total: 0, localIds: [], loadedImages: [], failedImages: [] }), undefined);
  });

  it('rejects unknown actions and wrong field types', () => {
    for (const action of ['rm', 'showLog', 'Save', 'constructor', 'toString', '', 3, null, ['save']]) {
      assert.equal(parseWebviewMessage({ type: 'action', action, localId: ID }), undefined, String(action));
    }
    assert.equal(parseWebviewMessage(report({ total: '2' })), undefined);
    assert.equal(parseWebviewMessage(report({ total: -1 })), undefined);
    assert.equal(parseWebviewMessage(report({ total: 1.5 })), undefined);
    assert.equal(parseWebviewMessage(report({ total: 1, localIds: ID, buttons: [[]] })), undefined);
    assert.equal(parseWebviewMessage(report({ total: 1, localIds: [1], buttons: [[]] })), undefined);
  });

  it('rejects paths, URIs and other non-UUID ids', () => {
    const notIds = [
      '/home/user/.ssh/id_rsa',
      '../../../etc/passwd',
      'file:///tmp/x.png',
      `${ID}/1.png`,
      `${ID} `,
      ` ${ID}`,
      ID.replace(/-/g, ''),
      '3f2b8c1e-9a4d-0e6f-8b7a-1c2d3e4f5a6b', // version nibble 0
      '3f2b8c1e-9a4d-4e6f-cb7a-1c2d3e4f5a6b', // variant nibble c
      'zzzzzzzz-9a4d-4e6f-8b7a-1c2d3e4f5a6b',
      '',
      42,
      null,
      { id: ID },
    ];
    for (const localId of notIds) {
      assert.equal(parseWebviewMessage({ type: 'action', action: 'open', localId }), undefined, inspect(localId));
      assert.equal(isUuid(localId), false, inspect(localId));
    }
    assert.equal(parseWebviewMessage(report({ total: 1, localIds: ['../x'], buttons: [[]] })), undefined);
  });

  it('rejects oversized strings and lists', () => {
    assert.equal(parseWebviewMessage({ type: 'action', action: 'save', localId: ID + 'a'.repeat(100_000) }), undefined);
    const tooMany = Array.from({ length: MAX_REPORTED_IDS + 1 }, () => ID);
    assert.equal(parseWebviewMessage(report({ total: 1, localIds: tooMany, buttons: tooMany.map(() => []) })), undefined);
    const atLimit = Array.from({ length: MAX_REPORTED_IDS }, () => ID);
    assert.ok(parseWebviewMessage(report({ total: 1, localIds: atLimit, buttons: atLimit.map(() => []) })));
    assert.equal(parseWebviewMessage(report({ total: Number.MAX_SAFE_INTEGER })), undefined);
    assert.equal(parseWebviewMessage(report({ total: 1, localIds: [ID], buttons: [[...CARD_BUTTONS, 'save']] })), undefined);
  });

  it('ignores inherited properties (only own keys count)', () => {
    const inherited = Object.create({ type: 'ready' }) as object;
    assert.equal(parseWebviewMessage(inherited), undefined);
  });
});
