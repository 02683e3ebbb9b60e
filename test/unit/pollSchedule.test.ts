import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import {
  PRIOR_DURATION,
  durationFor,
  emptyDurationModel,
  jobDurationMs,
  parseDurationModel,
  recordDuration,
} from '../../src/jobs/durationModel';
import { estimateCompletion, nextPollDelay, normalCdf, type PollObservation } from '../../src/jobs/pollSchedule';

/** Poll times of a job that never reports progress, until `untilMs`. */
function pollTimes(untilMs: number): number[] {
  const times: number[] = [];
  let elapsedMs = 0;
  while (elapsedMs < untilMs) {
    elapsedMs += nextPollDelay({ elapsedMs, status: 'QUEUED', progress: null, duration: PRIOR_DURATION });
    times.push(elapsedMs);
  }
  return times;
}

describe('poll schedule', () => {
  it('normalCdf is accurate enough', () => {
    assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
    assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
    assert.ok(Math.abs(normalCdf(-1.644854) - 0.05) < 1e-6);
  });

  it('skips the early seconds where a job almost never completes', () => {
    const [first] = pollTimes(1);
    assert.ok(first !== undefined && first >= 8_000 && first <= 14_000, `first poll at ${first} ms`);
  });

  it('polls densely around the median and gently past the tail', () => {
    const times = pollTimes(120_000);
    const gaps = times.slice(1).map((t, i) => {
      const at = times[i]; // the poll before t
      assert.ok(at !== undefined);
      return { at, gap: t - at };
    });
    const nearMedian = gaps.filter((g) => g.at >= 15_000 && g.at <= 25_000);
    assert.ok(nearMedian.length >= 3 && nearMedian.every((g) => g.gap <= 3_000), JSON.stringify(nearMedian));
    const tail = gaps.filter((g) => g.at >= 60_000);
    assert.ok(tail.length > 0 && tail.every((g) => g.gap === 5_000), JSON.stringify(tail));
    assert.ok(gaps.every((g) => g.gap >= 500));
  });

  it('does not extrapolate the jump of a coarse server into half-second polling', () => {
    // Stuck at 5 % for most of the job, then 90 %: a rise 8× faster than the average pace is a step.
    const previous: PollObservation = { elapsedMs: 15_000, status: 'PROCESSING', progress: 5 };
    const afterJump = nextPollDelay({ elapsedMs: 17_000, status: 'PROCESSING', progress: 90, previous, duration: PRIOR_DURATION });
    assert.ok(afterJump >= 1_000, `after the jump ${afterJump} ms`);
    // The same 90 % reached at the job's own pace is a rate, and is followed more closely.
    const steady: PollObservation = { elapsedMs: 15_000, status: 'PROCESSING', progress: 70 };
    const rising = nextPollDelay({ elapsedMs: 17_000, status: 'PROCESSING', progress: 90, previous: steady, duration: PRIOR_DURATION });
    assert.ok(rising < afterJump, `rising ${rising} < after the jump ${afterJump}`);
  });

  it('takes a single low reading as no news rather than as confidence', () => {
    const stuck = { elapsedMs: 10_000, status: 'PROCESSING', progress: 5, duration: PRIOR_DURATION } as const;
    assert.deepEqual(estimateCompletion(stuck), PRIOR_DURATION);
    const plain = nextPollDelay({ elapsedMs: 10_000, status: 'QUEUED', progress: null, duration: PRIOR_DURATION });
    assert.equal(nextPollDelay(stuck), plain);
  });

  it('plans from any moment: a resumed job gets the same next poll as one followed from the start', () => {
    const times = pollTimes(30_000);
    const last = times.at(-2);
    const next = times.at(-1);
    assert.ok(last !== undefined && next !== undefined);
    const resumed = nextPollDelay({ elapsedMs: last, status: 'QUEUED', progress: null, duration: PRIOR_DURATION });
    assert.equal(last + resumed, next);
  });

  it('answers 0 for terminal statuses', () => {
    for (const status of ['COMPLETED', 'FAILED', 'CANCELLED'] as const) {
      assert.equal(nextPollDelay({ elapsedMs: 15_000, status, progress: 100, duration: PRIOR_DURATION }), 0);
    }
  });

  it('uses progress: a fast-rising job is polled sooner, a slow one later', () => {
    const previous: PollObservation = { elapsedMs: 10_000, status: 'PROCESSING', progress: 40 };
    const plain = nextPollDelay({ elapsedMs: 12_000, status: 'QUEUED', progress: null, duration: PRIOR_DURATION });
    // 40 → 90 % in 2 s: about 0.4 s left.
    const fast = nextPollDelay({ elapsedMs: 12_000, status: 'PROCESSING', progress: 90, previous, duration: PRIOR_DURATION });
    // 40 → 45 % in 2 s: about 22 s left.
    const slow = nextPollDelay({ elapsedMs: 12_000, status: 'PROCESSING', progress: 45, previous, duration: PRIOR_DURATION });
    assert.ok(fast < plain, `fast ${fast} < plain ${plain}`);
    assert.ok(slow > plain, `slow ${slow} > plain ${plain}`);
    const estimate = estimateCompletion({ elapsedMs: 12_000, status: 'PROCESSING', progress: 45, previous, duration: PRIOR_DURATION });
    assert.ok(estimate.medianMs > PRIOR_DURATION.medianMs && estimate.sigma < PRIOR_DURATION.sigma);
  });

  it('follows a slower model learned from the user\'s jobs', () => {
    let model = emptyDurationModel();
    for (let i = 0; i < 20; i++) model = recordDuration(model, 'dall-e-3', 60_000);
    const slow = durationFor(model, 'dall-e-3');
    assert.ok(slow.medianMs > 40_000 && slow.medianMs < 60_000, String(slow.medianMs));
    const first = nextPollDelay({ elapsedMs: 0, status: 'QUEUED', progress: null, duration: slow });
    const priorFirst = nextPollDelay({ elapsedMs: 0, status: 'QUEUED', progress: null, duration: PRIOR_DURATION });
    assert.ok(first > priorFirst + 5_000, `${first} vs ${priorFirst}`);
    assert.deepEqual(durationFor(model, 'dall-e-2'), PRIOR_DURATION);
  });
});

describe('duration model', () => {
  it('keeps a prior the first jobs agree with, and gives it up within five jobs that clearly disagree', () => {
    const learn = (durations: readonly number[]) => {
      let model = emptyDurationModel();
      for (const ms of durations) model = recordDuration(model, 'dall-e-3', ms);
      return durationFor(model, 'dall-e-3');
    };
    const agreeing = learn([17_000, 24_000, 19_000, 22_000, 18_500]);
    assert.ok(Math.abs(agreeing.medianMs / PRIOR_DURATION.medianMs - 1) < 0.03, String(agreeing.medianMs));
    const twiceAsLong = learn([36_000, 47_000, 39_000, 44_000, 41_000]);
    assert.ok(twiceAsLong.medianMs > 36_000, String(twiceAsLong.medianMs));
    const halfAsLong = learn([9_000, 11_500, 10_200, 8_800, 10_900]);
    assert.ok(halfAsLong.medianMs < 11_500, String(halfAsLong.medianMs));
    // Five tight observations do not make the schedule overconfident: the spread stays near the prior's.
    assert.ok(Math.abs(agreeing.sigma / PRIOR_DURATION.sigma - 1) < 0.15, String(agreeing.sigma));
  });

  it('starts at the prior and moves with observations, decaying old ones', () => {
    assert.deepEqual(durationFor(undefined, 'dall-e-3'), PRIOR_DURATION);
    const once = recordDuration(undefined, 'dall-e-3', 30_000);
    const median = durationFor(once, 'dall-e-3').medianMs;
    assert.ok(median > 20_000 && median < 30_000);
    let fast = once;
    for (let i = 0; i < 60; i++) fast = recordDuration(fast, 'dall-e-3', 10_000);
    assert.ok(durationFor(fast, 'dall-e-3').medianMs < 12_000);
  });

  it('ignores implausible durations', () => {
    const model = recordDuration(undefined, 'dall-e-3', 10);
    assert.deepEqual(model.models, {});
    assert.deepEqual(recordDuration(model, 'dall-e-3', Number.NaN).models, {});
  });

  it('round-trips through JSON and survives garbage', () => {
    const model = recordDuration(recordDuration(undefined, 'dall-e-3', 18_000), 'dall-e-3', 22_000);
    assert.deepEqual(parseDurationModel(JSON.parse(JSON.stringify(model))), model);
    assert.deepEqual(parseDurationModel('nope'), emptyDurationModel());
    assert.deepEqual(parseDurationModel({ version: 1, models: { x: { weight: 'a' } } }), emptyDurationModel());
  });

  it('measures a completed job from its server timestamps', () => {
    const job = { status: 'COMPLETED' as const, createdAt: '2026-11-25T10:00:00.000Z', completedAt: '2026-11-25T10:00:21.500Z' };
    assert.equal(jobDurationMs(job), 21_500);
    assert.equal(jobDurationMs({ ...job, status: 'FAILED' }), undefined);
  });
});
