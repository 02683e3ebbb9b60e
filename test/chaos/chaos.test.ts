import * as assert from 'node:assert/strict';
import { runChaos } from './chaosRun';
import { EMULATOR_PROFILES } from '../emulator/index';

/** The chaos run of `npm run test:chaos` at a size that fits `npm test` (the chaos suite of test/run-all.mjs), once per emulator profile. */
describe('chaos run (small, every emulator profile)', function () {
  this.timeout(120_000);

  for (const profile of EMULATOR_PROFILES) {
    it(`${profile}: every job the server created is accounted for; nothing unfinished, lost, duplicated or corrupt`, async () => {
      const seed = Number(process.env.APIFRAME_CHAOS_SEED ?? 20261125);
      const result = await runChaos({ profile, seed, jobs: 60, concurrency: 12, restartRate: 0.25, faultRate: 0.1 });
      console.log(`      ${result.summary}`);
      console.log(`      ${result.detail}`);
      assert.equal(result.unfinished, 0, result.summary);
      assert.equal(result.lost, 0, result.summary);
      assert.equal(result.duplicates, 0, result.summary);
      assert.equal(result.corrupt, 0, result.summary);
      assert.ok(result.restarts >= 5, `only ${result.restarts} restarts`);
      assert.ok(result.faults > 0, 'no fault was injected');
      assert.ok(result.completed > 0, 'nothing completed');
      assert.equal(result.completed + result.failed + result.expired + result.needsDecision + result.unfinished, result.jobs);
    });
  }
});
