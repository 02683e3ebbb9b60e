// The canary keys the integration suite runs with (test/integration/canaryKeys.ts) over real HTTP: the emulator
// and the client take a key of every shape as the key it is, so a run with any of them really sends it. What
// needs no server (the shapes, the redactor, the scanner) is in test/unit/leakScanner.test.ts, under the same
// titles.
import * as assert from 'node:assert/strict';
import { KEY_SHAPES, makeKey, type KeyShape } from '../integration/canaryKeys';
import { emulatorWithClient } from './clientHelpers';

const SHAPES = Object.keys(KEY_SHAPES) as KeyShape[];

describe('leak-scan canaries and scanner', () => {
  describe('canary keys', () => {
    for (const shape of SHAPES) {
      it(`the emulator and the client take a ${shape}-shaped key as the key it is`, async () => {
        const key = makeKey(shape);
        const { emulator, client, stop } = await emulatorWithClient({ demoKey: key });
        try {
          const me = await client.me();
          assert.equal(typeof me.team?.credits, 'number');
          const [entry] = emulator.log.where({ path: '/v2/me' });
          assert.ok(entry, 'the emulator logged the call');
          assert.ok(entry.keyPrefix && entry.keyPrefix.length >= 8 && key.startsWith(entry.keyPrefix), 'the emulator saw this key');
        } finally {
          await stop();
        }
      });
    }
  });
});
