import * as assert from 'node:assert/strict';
import type { JobStatus } from '../../src/apiframe/types';
import { toGalleryItem } from '../../src/gallery/galleryItems';
import {
  advanceStatus,
  BAR,
  barPercent,
  elapsedSeconds,
  formatDuration,
  isStepBack,
  jobStageOf,
  stageRank,
  STAGE_ORDER,
  type JobStageView,
} from '../../src/jobs/jobStage';
import type { JobRecord, JobStage } from '../../src/jobs/types';

const CREATED = '2026-11-25T10:00:00.000Z';
const T0 = Date.parse(CREATED);

const BASE: JobRecord = {
  localId: '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b',
  idempotencyKey: '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b',
  prompt: 'A lighthouse at dawn',
  model: 'dall-e-3',
  aspectRatio: '1:1',
  style: 'vivid',
  createdAt: CREATED,
  phase: 'pending-submit',
};

function record(patch: Partial<JobRecord>): JobRecord {
  return { ...BASE, ...patch };
}

/** Feeds a server's answers through `advanceStatus` as the manager does and returns each resulting stage. */
function stagesFor(answers: readonly { status: JobStatus; progress: number | null }[]): (JobStageView | undefined)[] {
  let current = record({ phase: 'running', jobId: 'job-1' });
  return answers.map((answer) => {
    current = { ...current, ...advanceStatus(current, answer) };
    if (answer.status === 'COMPLETED') current = { ...current, phase: 'downloading' };
    return jobStageOf(current);
  });
}

function assertMonotonic(stages: readonly (JobStage | undefined)[]): void {
  const shown = stages.filter((s): s is JobStage => s !== undefined);
  for (let i = 1; i < shown.length; i++) {
    const [before, after] = [shown[i - 1], shown[i]];
    assert.ok(before && after);
    assert.ok(!isStepBack(before, after), `step back: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
  }
}

describe('job stage (one definition for notification, status bar and card)', () => {
  it('names each active phase: submitting, queued, generating (with the server percent), downloading', () => {
    assert.deepEqual(jobStageOf(BASE), { stage: 'submitting', percent: null, since: CREATED });
    assert.equal(jobStageOf(record({ phase: 'running' }))?.stage, 'submitting', 'no job id yet: still submitting');
    assert.deepEqual(jobStageOf(record({ phase: 'running', jobId: 'j', status: 'QUEUED', progress: 0 })), { stage: 'queued', percent: null, since: CREATED });
    assert.deepEqual(jobStageOf(record({ phase: 'running', jobId: 'j', status: 'PROCESSING', progress: 41.6 })), {
      stage: 'generating',
      percent: 42,
      since: CREATED,
    });
    assert.equal(jobStageOf(record({ phase: 'running', jobId: 'j', status: 'PROCESSING', progress: null }))?.percent, null);
    assert.equal(jobStageOf(record({ phase: 'running', jobId: 'j', status: 'PROCESSING', progress: 250 }))?.percent, 100);
    assert.deepEqual(jobStageOf(record({ phase: 'downloading', jobId: 'j', status: 'COMPLETED', progress: 100 })), {
      stage: 'downloading',
      percent: null,
      since: CREATED,
    });
  });

  it('has no stage for records at rest', () => {
    for (const phase of ['done', 'failed', 'expired', 'detached', 'needs-decision'] as const) {
      assert.equal(jobStageOf(record({ phase, jobId: 'j', status: 'PROCESSING', progress: 50 })), undefined, phase);
    }
  });

  it('carries the expected duration in whole seconds when the manager knows it', () => {
    const running = record({ phase: 'running', jobId: 'j', status: 'PROCESSING', progress: null });
    assert.equal(jobStageOf(running, { expectedSeconds: 19.6 })?.expectedSeconds, 20);
    assert.equal(jobStageOf(running, { expectedSeconds: Number.NaN })?.expectedSeconds, undefined);
    assert.equal(jobStageOf(running, { expectedSeconds: 0 })?.expectedSeconds, undefined);
  });

  it('the gallery card shows the stage the context hands it (the manager’s), else the record’s own', () => {
    const running = record({ phase: 'running', jobId: 'j', status: 'PROCESSING', progress: null });
    const withHint = toGalleryItem(running, { imageSrc: () => undefined, stageOf: (r) => jobStageOf(r, { expectedSeconds: 20 }) });
    assert.deepEqual(withHint.stage, { stage: 'generating', percent: null, since: CREATED, expectedSeconds: 20 });
    assert.deepEqual(toGalleryItem(running, { imageSrc: () => undefined }).stage, jobStageOf(running));
  });

  describe('never backwards', () => {
    it('a QUEUED answer after PROCESSING keeps the job generating, with its percent', () => {
      assert.deepEqual(advanceStatus({ status: 'PROCESSING', progress: 40 }, { status: 'QUEUED', progress: 0 }), { status: 'PROCESSING', progress: 40 });
      const stages = stagesFor([
        { status: 'QUEUED', progress: 0 },
        { status: 'PROCESSING', progress: 30 },
        { status: 'QUEUED', progress: 0 },
        { status: 'PROCESSING', progress: 64 },
        { status: 'COMPLETED', progress: 100 },
      ]);
      assert.deepEqual(
        stages.map((s) => `${s?.stage}:${s?.percent}`),
        ['queued:null', 'generating:30', 'generating:30', 'generating:64', 'downloading:null'],
      );
      assertMonotonic(stages);
    });

    it('a lower progress value, or a null one, does not move the percent back', () => {
      assert.deepEqual(advanceStatus({ status: 'PROCESSING', progress: 60 }, { status: 'PROCESSING', progress: 20 }), { status: 'PROCESSING', progress: 60 });
      assert.deepEqual(advanceStatus({ status: 'PROCESSING', progress: 60 }, { status: 'PROCESSING', progress: null }), { status: 'PROCESSING', progress: 60 });
      assert.deepEqual(advanceStatus({ status: 'PROCESSING', progress: 60 }, { status: 'PROCESSING', progress: 75 }), { status: 'PROCESSING', progress: 75 });
      assertMonotonic(
        stagesFor([
          { status: 'PROCESSING', progress: 10 },
          { status: 'PROCESSING', progress: 50 },
          { status: 'PROCESSING', progress: 45 },
          { status: 'PROCESSING', progress: null },
          { status: 'PROCESSING', progress: 90 },
        ]),
      );
    });

    it('a QUEUED job’s progress (0 on some servers) is not carried into generating', () => {
      assert.deepEqual(advanceStatus({ status: 'QUEUED', progress: 0 }, { status: 'PROCESSING', progress: null }), { status: 'PROCESSING', progress: null });
    });

    it('terminal statuses are stored as they come', () => {
      assert.deepEqual(advanceStatus({ status: 'PROCESSING', progress: 70 }, { status: 'FAILED', progress: null }), { status: 'FAILED', progress: null });
      assert.deepEqual(advanceStatus({ status: 'PROCESSING', progress: 70 }, { status: 'COMPLETED', progress: 100 }), { status: 'COMPLETED', progress: 100 });
    });

    it('coarse-progress (0 queued, 5, then 90) and no-progress servers go forward only', () => {
      const coarse = stagesFor([
        { status: 'QUEUED', progress: 0 },
        { status: 'PROCESSING', progress: 5 },
        { status: 'PROCESSING', progress: 5 },
        { status: 'PROCESSING', progress: 90 },
        { status: 'COMPLETED', progress: 100 },
      ]);
      assert.deepEqual(coarse.map((s) => s?.stage), ['queued', 'generating', 'generating', 'generating', 'downloading']);
      assertMonotonic(coarse);
      const none = stagesFor([
        { status: 'QUEUED', progress: null },
        { status: 'PROCESSING', progress: null },
        { status: 'COMPLETED', progress: null },
      ]);
      assert.deepEqual(none.map((s) => `${s?.stage}:${s?.percent}`), ['queued:null', 'generating:null', 'downloading:null']);
    });

    it('a job that goes from QUEUED straight to COMPLETED goes from Queued straight to Downloading', () => {
      const stages = stagesFor([
        { status: 'QUEUED', progress: 0 },
        { status: 'COMPLETED', progress: 100 },
      ]);
      assert.deepEqual(stages.map((s) => s?.stage), ['queued', 'downloading']);
    });

    it('isStepBack orders stages and percents', () => {
      const generating = (percent: number | null): JobStage => ({ stage: 'generating', percent });
      assert.equal(isStepBack(generating(40), { stage: 'queued', percent: null }), true);
      assert.equal(isStepBack(generating(40), generating(30)), true);
      assert.equal(isStepBack(generating(40), generating(null)), true);
      assert.equal(isStepBack(generating(null), generating(10)), false);
      assert.equal(isStepBack(generating(90), { stage: 'downloading', percent: null }), false);
      assert.equal(isStepBack({ stage: 'downloading', percent: null }, { stage: 'done' }), false);
      assert.deepEqual(STAGE_ORDER.map(stageRank), [0, 1, 2, 3, 4]);
    });
  });

  describe('the progress bar', () => {
    const at = (seconds: number): number => T0 + seconds * 1000;
    const generating = (percent: number | null, expectedSeconds?: number): JobStageView => ({
      stage: 'generating',
      percent,
      since: CREATED,
      ...(expectedSeconds !== undefined ? { expectedSeconds } : {}),
    });

    it('maps the server percent onto the generating span, below Downloading', () => {
      assert.equal(barPercent(generating(0), at(1)), BAR.generatingFrom);
      assert.equal(barPercent(generating(100), at(1)), BAR.downloadingFrom);
      assert.equal(barPercent(generating(64), at(1)), 63);
      assert.equal(barPercent({ stage: 'downloading', percent: null }, at(1)), BAR.downloadingFrom);
      assert.equal(barPercent({ stage: 'done' }, at(1)), 100);
    });

    it('without a percent, advances with elapsed / expected and stays below Downloading however long it takes', () => {
      const half = barPercent(generating(null, 20), at(10));
      assert.equal(half, Math.round(BAR.generatingFrom + (BAR.downloadingFrom - BAR.generatingFrom) * 0.5));
      assert.ok(barPercent(generating(null, 20), at(5)) < half);
      const late = barPercent(generating(null, 20), at(600));
      assert.ok(late < BAR.downloadingFrom, `a slow job's bar (${late}) must not reach Downloading`);
      assert.equal(barPercent(generating(null), at(10)), BAR.generatingFrom, 'no expected duration: the bar waits at the start of the span');
    });

    it('queued advances within its own short span only', () => {
      const queued = (seconds: number): number => barPercent({ stage: 'queued', percent: null, since: CREATED, expectedSeconds: 20 }, at(seconds));
      assert.equal(queued(0), BAR.queuedFrom);
      assert.ok(queued(10) > queued(0));
      assert.equal(queued(100), BAR.generatingFrom);
    });

    it('is ordered by stage for any elapsed time', () => {
      for (const seconds of [0, 5, 20, 200]) {
        const order = [
          barPercent({ stage: 'submitting', percent: null, since: CREATED, expectedSeconds: 20 }, at(seconds)),
          barPercent({ stage: 'queued', percent: null, since: CREATED, expectedSeconds: 20 }, at(seconds)),
          barPercent(generating(null, 20), at(seconds)),
          barPercent({ stage: 'downloading', percent: null }, at(seconds)),
          barPercent({ stage: 'done' }, at(seconds)),
        ];
        assert.deepEqual([...order].sort((a, b) => a - b), order, `at ${seconds} s: ${order.join(', ')}`);
      }
    });
  });

  it('elapsed time and its format', () => {
    assert.equal(elapsedSeconds({ stage: 'generating', percent: null, since: CREATED }, T0 + 12_900), 12);
    assert.equal(elapsedSeconds({ stage: 'generating', percent: null, since: CREATED }, T0 - 5000), 0, 'a clock behind the record is not negative');
    assert.equal(elapsedSeconds({ stage: 'generating', percent: null, since: 'not a date' }, T0), undefined);
    assert.equal(elapsedSeconds({ stage: 'generating', percent: null }, T0), undefined);
    assert.equal(formatDuration(12), '0:12');
    assert.equal(formatDuration(20), '0:20');
    assert.equal(formatDuration(75), '1:15');
    assert.equal(formatDuration(3725), '1:02:05');
  });
});
