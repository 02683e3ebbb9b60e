import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { MAX_CANDIDATES, imageCountSupport, parseCandidateCount, planCandidates } from '../../src/models/candidates';
import {
  DEFAULT_CONFIRM_ABOVE_CREDITS,
  formatCostRange,
  needsCostConfirmation,
  parseConfirmAboveCredits,
  planCost,
  sumCosts,
  times,
} from '../../src/models/cost';

describe('candidates and cost before you pay', () => {
  it('uses the model’s own image count where it has one, Midjourney’s grid, else separate jobs', () => {
    assert.deepEqual(planCandidates('gpt-image-1.5', 3), {
      model: 'gpt-image-1.5',
      count: 3,
      jobs: 1,
      imagesPerJob: 3,
      countParameter: { name: 'number_of_images', value: 3 },
    });
    assert.deepEqual(planCandidates('kling-image', 4).countParameter, { name: 'n', value: 4 });
    assert.deepEqual(planCandidates('qwen-image', 2).countParameter, { name: 'num_images', value: 2 });
    assert.deepEqual(planCandidates('flux-lora', 2).countParameter, { name: 'num_outputs', value: 2 });
    assert.deepEqual(planCandidates('gpt-image-2', 1), { model: 'gpt-image-2', count: 1, jobs: 1, imagesPerJob: 1 });
    assert.deepEqual(planCandidates('midjourney', 3), { model: 'midjourney', count: 3, jobs: 1, imagesPerJob: 4 });
    assert.deepEqual(planCandidates('dall-e-3', 3), { model: 'dall-e-3', count: 3, jobs: 3, imagesPerJob: 1 });
    assert.deepEqual(imageCountSupport('imagen-4'), { kind: 'single' });
  });

  it('clamps the count to 1–4 and parses only whole numbers in that range', () => {
    assert.equal(planCandidates('dall-e-3', 9).jobs, MAX_CANDIDATES);
    assert.equal(planCandidates('dall-e-3', 0).jobs, 1);
    assert.equal(planCandidates('dall-e-3', Number.NaN).jobs, 1);
    assert.deepEqual([1, 4, 0, 5, 2.5, '2', null].map(parseCandidateCount), [1, 4, undefined, undefined, undefined, undefined, undefined]);
  });

  it('cost: the range times the outputs of a per-output job and times the jobs; a flat job once', () => {
    const perOutput = { costMin: 2, costMax: 25, pricingMode: 'per-output' } as const;
    assert.deepEqual(planCost(perOutput, planCandidates('gpt-image-1.5', 3)), { min: 6, max: 75 });
    assert.deepEqual(planCost({ costMin: 8, costMax: 8, pricingMode: 'per-output' }, planCandidates('dall-e-3', 4)), { min: 32, max: 32 });
    assert.deepEqual(planCost({ costMin: 20, costMax: 40, pricingMode: 'flat' }, planCandidates('midjourney', 4)), { min: 20, max: 40 });
    assert.deepEqual(planCost({ costMin: 5 }, planCandidates('imagen-4', 2)), { min: 10, max: 10 });
    assert.equal(planCost({}, planCandidates('imagen-4', 2)), undefined);
  });

  it('sums and formats ranges', () => {
    assert.deepEqual(sumCosts([{ min: 1, max: 2 }, times({ min: 3, max: 4 }, 2)]), { min: 7, max: 10 });
    assert.equal(sumCosts([{ min: 1, max: 2 }, undefined]), undefined);
    assert.deepEqual([formatCostRange({ min: 8, max: 8 }), formatCostRange({ min: 6, max: 24 }), formatCostRange({ min: 0.5, max: 1.25 })], ['8', '6–24', '0.5–1.25']);
  });

  it('confirmAboveCredits: 0 always asks, -1 never, N asks when the maximum is above N or unknown', () => {
    const range = { min: 10, max: 30 };
    assert.equal(needsCostConfirmation(range, 0), true);
    assert.equal(needsCostConfirmation({ min: 0, max: 0 }, 0), true);
    assert.equal(needsCostConfirmation(range, -1), false);
    assert.equal(needsCostConfirmation(undefined, -1), false);
    assert.equal(needsCostConfirmation(range, 30), false);
    assert.equal(needsCostConfirmation(range, 29), true);
    assert.equal(needsCostConfirmation(undefined, 100), true);
    assert.deepEqual([0, -1, 50, -2, 1.5, '10', null].map(parseConfirmAboveCredits), [0, -1, 50, undefined, undefined, undefined, undefined]);
    assert.ok(DEFAULT_CONFIRM_ABOVE_CREDITS > 0);
  });
});
