import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { oracleFigures, sdkFigures, simulateJobs, type World } from '../bench/pollingWorlds';

// The polling benchmark judges our schedule against this oracle, so the oracle itself must be right.
describe('polling benchmark oracle', function () {
  // Each figure is a bisection over dynamic programs on a fine grid: seconds, not milliseconds.
  this.timeout(120_000);
  const world: World = { medianS: 20, sigma: 0.35, progress: 'none' };
  const jobs = simulateJobs(world, 4_000, 7);

  it('reaches the known optimum: about 1.01 s of mean lag at 6 requests/job for 20 s, σ 0.35', () => {
    const oracle = oracleFigures(world, jobs, 6);
    assert.ok(Math.abs(oracle.requestsPerJob - 6) < 0.05, String(oracle.requestsPerJob));
    assert.ok(oracle.meanLagS > 0.95 && oracle.meanLagS < 1.08, String(oracle.meanLagS));
  });

  it('beats the SDK at the SDK’s own request count', () => {
    const sdk = sdkFigures(jobs);
    const oracle = oracleFigures(world, jobs, sdk.requestsPerJob);
    assert.ok(oracle.meanLagS < sdk.meanLagS / 2, `${oracle.meanLagS} vs ${sdk.meanLagS}`);
  });

  it('trades requests for lag: more requests, less lag', () => {
    const few = oracleFigures(world, jobs, 4);
    const many = oracleFigures(world, jobs, 9);
    assert.ok(few.requestsPerJob < many.requestsPerJob && few.meanLagS > many.meanLagS, JSON.stringify({ few, many }));
  });
});
