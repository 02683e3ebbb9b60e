/**
 * Polling benchmark. Simulates 20,000 jobs on the duration model — lognormal(median 20 s,
 * σ 0.35), seeded — and prints requests/job and the lag between completion and detection for:
 *   fixed-2s  the product page's sample loop;
 *   sdk       the official SDK's waitFor (2 s, ×1.5, capped at 5 s);
 *   ours      src/jobs/pollSchedule.ts, fed the status and `progress` each poll would see;
 *   ours-no-progress  the same schedule fed only QUEUED (what it does if a job never reports progress).
 * Jobs are simulated like the emulator runs them: QUEUED for 5–20 % of the duration, then PROCESSING with
 * progress rising linearly (integer percent, 1–99). Then a short time-scaled run of the real waitForJob
 * against the emulator prints its measured requests/job next to the simulation's.
 * Returns the two budgeted figures (ours: requests/job ≤ 6.0, mean-lag ≤ 1.0 s) with the SDK as baseline.
 */
import { createApiframeClient } from '../../src/apiframe/client';
import { PRIOR_DURATION } from '../../src/jobs/durationModel';
import { nextPollDelay, type PollObservation } from '../../src/jobs/pollSchedule';
import { abortableSleep, waitForJob } from '../../src/jobs/waitForJob';
import { startEmulator } from '../emulator';
import { seededRandom } from '../emulator/random';
import type { BenchLine } from './benchLine';

const JOBS = 20_000;
const SEED = 20261125;
const TARGET_REQUESTS = 6.0;
const TARGET_MEAN_LAG_S = 1.0;

interface SimulatedJob {
  readonly durationMs: number;
  readonly startsMs: number;
}

function simulateJobs(count: number, seed: number): SimulatedJob[] {
  const random = seededRandom(seed);
  const jobs: SimulatedJob[] = [];
  for (let i = 0; i < count; i++) {
    // Box–Muller.
    const u = 1 - random();
    const v = random();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    const durationMs = PRIOR_DURATION.medianMs * Math.exp(PRIOR_DURATION.sigma * z);
    jobs.push({ durationMs, startsMs: durationMs * (0.05 + 0.15 * random()) });
  }
  return jobs;
}

function observe(job: SimulatedJob, elapsedMs: number): PollObservation {
  if (elapsedMs >= job.durationMs) return { elapsedMs, status: 'COMPLETED', progress: 100 };
  if (elapsedMs < job.startsMs) return { elapsedMs, status: 'QUEUED', progress: 0 };
  const progress = Math.min(99, Math.max(1, Math.floor(((elapsedMs - job.startsMs) / (job.durationMs - job.startsMs)) * 100)));
  return { elapsedMs, status: 'PROCESSING', progress };
}

type Strategy = (job: SimulatedJob) => { requests: number; lagMs: number };

/** A schedule that only depends on the poll count. */
function fixedSequence(delayOf: (poll: number) => number): Strategy {
  return (job) => {
    let elapsed = 0;
    for (let poll = 1; ; poll++) {
      elapsed += delayOf(poll);
      if (elapsed >= job.durationMs) return { requests: poll, lagMs: elapsed - job.durationMs };
    }
  };
}

function ours(useProgress: boolean): Strategy {
  return (job) => {
    let last: PollObservation = { elapsedMs: 0, status: 'QUEUED', progress: null };
    let previous: PollObservation | undefined;
    for (let poll = 1; ; poll++) {
      const elapsed = last.elapsedMs + nextPollDelay({ ...last, previous, duration: PRIOR_DURATION });
      const seen = observe(job, elapsed);
      if (seen.status === 'COMPLETED') return { requests: poll, lagMs: elapsed - job.durationMs };
      previous = last;
      last = useProgress ? seen : { elapsedMs: elapsed, status: 'QUEUED', progress: null };
    }
  };
}

interface Figures {
  requestsPerJob: number;
  meanLagS: number;
  p95LagS: number;
}

function measure(jobs: readonly SimulatedJob[], strategy: Strategy): Figures {
  let requests = 0;
  const lags: number[] = [];
  for (const job of jobs) {
    const outcome = strategy(job);
    requests += outcome.requests;
    lags.push(outcome.lagMs / 1000);
  }
  lags.sort((a, b) => a - b);
  return {
    requestsPerJob: requests / jobs.length,
    meanLagS: lags.reduce((sum, lag) => sum + lag, 0) / lags.length,
    p95LagS: lags[Math.floor(0.95 * lags.length)] ?? NaN, // no jobs: NaN, like the mean
  };
}

function line(name: string, figures: Figures): string {
  return `polling ${name}: requests/job=${figures.requestsPerJob.toFixed(2)} mean-lag=${figures.meanLagS.toFixed(2)}s p95-lag=${figures.p95LagS.toFixed(2)}s`;
}

/** The real waitForJob against the emulator, time-scaled: both sides run `scale` × real time. */
async function emulatorRun(jobCount: number, scale: number): Promise<{ requestsPerJob: number; meanLagS: number }> {
  const emulator = await startEmulator({ seed: 7, timeScale: scale, imageScale: 1 / 16, credits: 1_000_000 });
  const client = createApiframeClient({ baseUrl: emulator.url, apiKey: emulator.demoKey, userAgent: 'apiframe-images-bench/0' });
  const scaledNow = (): number => performance.now() / scale;
  const scaledSleep = (ms: number, signal?: AbortSignal): Promise<void> => abortableSleep(ms * scale, signal);
  try {
    const detections = await Promise.all(
      Array.from({ length: jobCount }, async (_, i) => {
        const submittedAt = scaledNow();
        const accepted = await client.submitImage({ prompt: `benchmark job ${i}`, model: 'dall-e-3' });
        const job = await waitForJob(client, accepted.jobId, { submittedAt, now: scaledNow, sleep: scaledSleep });
        return { jobId: job.id, detectedAt: emulator.clock.now() };
      }),
    );
    // jobs() renders every job's images: call it once, after the run.
    const endsAt = new Map(emulator.jobs().map((info) => [info.id, info.endsAt ?? 0]));
    const lags = detections.map(({ jobId, detectedAt }) => Math.max(0, detectedAt - (endsAt.get(jobId) ?? detectedAt)) / scale / 1000);
    const polls = emulator.log.where({ method: 'GET', path: '/v2/jobs' }).length;
    return { requestsPerJob: polls / jobCount, meanLagS: lags.reduce((a, b) => a + b, 0) / jobCount };
  } finally {
    await client.close();
    await emulator.stop();
  }
}

export async function runPollingBench(): Promise<BenchLine[]> {
  const jobs = simulateJobs(JOBS, SEED);
  const fixed = measure(jobs, fixedSequence(() => 2_000));
  const sdk = measure(
    jobs,
    fixedSequence((poll) => Math.min(5_000, 2_000 * 1.5 ** (poll - 1))),
  );
  const ourFigures = measure(jobs, ours(true));
  const withoutProgress = measure(jobs, ours(false));
  console.log(line('fixed-2s', fixed));
  console.log(line('sdk', sdk));
  console.log(line('ours', ourFigures));
  console.log(line('ours-no-progress', withoutProgress));

  const scale = 0.05;
  const live = await emulatorRun(60, scale);
  console.log(
    `polling waitForJob vs emulator (60 jobs, time ×${scale}): requests/job=${live.requestsPerJob.toFixed(2)} (model ${ourFigures.requestsPerJob.toFixed(2)}) mean-lag≈${live.meanLagS.toFixed(2)}s`,
  );

  // The baseline is the official SDK's schedule, simulated on the same jobs.
  return [
    { name: 'polling-requests-per-job', value: ourFigures.requestsPerJob, unit: '', budget: TARGET_REQUESTS, baseline: sdk.requestsPerJob },
    { name: 'polling-mean-lag', value: ourFigures.meanLagS, unit: 's', budget: TARGET_MEAN_LAG_S, baseline: sdk.meanLagS },
  ];
}
