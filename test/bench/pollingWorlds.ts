/**
 * Simulated worlds for the polling benchmark: a world is a true job-time distribution (lognormal: median,
 * σ) and a way the server reports `progress`. Pure and seeded, so every figure reproduces exactly.
 *
 * Three schedules are compared on the same jobs of a world:
 * - the official SDK's (first poll at once, then 2 s × 1.5 up to 5 s);
 * - ours (src/jobs/pollSchedule.ts), fed what each poll would see, with a duration model that learned from
 *   the user's first jobs in that world (many simulated users, each learning from its own first jobs, so a
 *   lucky or unlucky first few jobs do not decide the figure);
 * - an oracle: the optimal fixed schedule for the world's TRUE distribution at the same request count
 *   (dynamic programming over poll times, the requests' price λ chosen by bisection to match the count).
 *   It knows what no client can know, so it bounds what any schedule that ignores `progress` can reach.
 */
import { durationFor, recordDuration, type DurationModel, type LognormalDuration } from '../../src/jobs/durationModel';
import { nextPollDelay, normalCdf, type PollObservation } from '../../src/jobs/pollSchedule';
import { seededRandom } from '../emulator/random';
import { COARSE_PROGRESS, coarseProgress } from '../emulator/profiles';

export type ProgressReporting = 'none' | 'linear' | 'stuck-then-jump';

export interface World {
  readonly medianS: number;
  readonly sigma: number;
  readonly progress: ProgressReporting;
}

export interface SimulatedJob {
  /** Submission → COMPLETED. */
  readonly durationMs: number;
  /** Submission → PROCESSING (the queue). */
  readonly startsMs: number;
}

export interface Figures {
  readonly requestsPerJob: number;
  readonly meanLagS: number;
}

export function worldName(world: World): string {
  return `${world.medianS}s-${world.sigma}-${world.progress}`;
}

/** Jobs of a world, queued for 5–20 % of their duration (like the emulator). */
export function simulateJobs(world: World, count: number, seed: number): SimulatedJob[] {
  const random = seededRandom(seed);
  const jobs: SimulatedJob[] = [];
  for (let i = 0; i < count; i++) {
    // Box–Muller.
    const u = 1 - random();
    const v = random();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    const durationMs = world.medianS * 1000 * Math.exp(world.sigma * z);
    jobs.push({ durationMs, startsMs: durationMs * (0.05 + 0.15 * random()) });
  }
  return jobs;
}

/** What a poll at `elapsedMs` sees of a job in this world. */
export function observe(world: World, job: SimulatedJob, elapsedMs: number): PollObservation {
  if (elapsedMs >= job.durationMs) return { elapsedMs, status: 'COMPLETED', progress: 100 };
  if (elapsedMs < job.startsMs) return { elapsedMs, status: 'QUEUED', progress: world.progress === 'none' ? null : 0 };
  const share = (elapsedMs - job.startsMs) / (job.durationMs - job.startsMs);
  switch (world.progress) {
    case 'none':
      return { elapsedMs, status: 'PROCESSING', progress: null };
    case 'linear':
      return { elapsedMs, status: 'PROCESSING', progress: Math.min(99, Math.max(1, Math.floor(share * 100))) };
    case 'stuck-then-jump':
      return { elapsedMs, status: 'PROCESSING', progress: share < COARSE_PROGRESS.lateFrom ? coarseProgress(share) : COARSE_PROGRESS.late };
  }
}

interface Outcome {
  readonly requests: number;
  readonly lagMs: number;
}

function summarise(outcomes: readonly Outcome[]): Figures {
  let requests = 0;
  let lag = 0;
  for (const outcome of outcomes) {
    requests += outcome.requests;
    lag += outcome.lagMs;
  }
  return { requestsPerJob: requests / outcomes.length, meanLagS: lag / outcomes.length / 1000 };
}

/** The official SDK's waitFor: a request at once, then 2 s, ×1.5 each time, capped at 5 s. */
export function sdkFigures(jobs: readonly SimulatedJob[]): Figures {
  return summarise(
    jobs.map((job) => {
      let elapsed = 0;
      let delay = 2_000;
      for (let poll = 1; ; poll++) {
        if (elapsed >= job.durationMs) return { requests: poll, lagMs: elapsed - job.durationMs };
        elapsed += delay;
        delay = Math.min(5_000, delay * 1.5);
      }
    }),
  );
}

/** Ours on one job, with the duration model the user has at that point. */
function followJob(world: World, job: SimulatedJob, duration: LognormalDuration): Outcome {
  let last: PollObservation = { elapsedMs: 0, status: 'QUEUED', progress: null };
  let previous: PollObservation | undefined;
  for (let poll = 1; ; poll++) {
    const elapsed = last.elapsedMs + nextPollDelay({ ...last, previous, duration });
    const seen = observe(world, job, elapsed);
    if (seen.status === 'COMPLETED') return { requests: poll, lagMs: elapsed - job.durationMs };
    previous = last;
    last = seen;
  }
}

/**
 * Ours in a world: `users` users, each first running `learningJobs` jobs (which teach its duration model,
 * as the manager does with every completed job) and then `jobsPerUser` measured jobs with what it learned.
 */
export function ourFigures(
  world: World,
  options: { users: number; learningJobs: number; jobsPerUser: number; seed: number },
): { figures: Figures; measuredJobs: SimulatedJob[] } {
  const outcomes: Outcome[] = [];
  const measuredJobs: SimulatedJob[] = [];
  for (let user = 0; user < options.users; user++) {
    const jobs = simulateJobs(world, options.learningJobs + options.jobsPerUser, options.seed + user);
    let model: DurationModel | undefined;
    for (const job of jobs.slice(0, options.learningJobs)) model = recordDuration(model, 'dall-e-3', job.durationMs);
    const duration = durationFor(model, 'dall-e-3');
    for (const job of jobs.slice(options.learningJobs)) {
      outcomes.push(followJob(world, job, duration));
      measuredJobs.push(job);
    }
  }
  return { figures: summarise(outcomes), measuredJobs };
}

/** The world's true distribution, in seconds, tabulated on a fine geometric grid of candidate poll times. */
class TrueDistribution {
  readonly times: Float64Array;
  /** F(t) and E[T · 1{T ≤ t}] at each grid time. */
  readonly cdf: Float64Array;
  readonly partialMean: Float64Array;

  constructor(world: World, points = 1600) {
    const mu = Math.log(world.medianS);
    const { sigma } = world;
    const first = world.medianS * Math.exp(sigma * -5);
    const last = world.medianS * Math.exp(sigma * 5);
    this.times = new Float64Array(points);
    this.cdf = new Float64Array(points);
    this.partialMean = new Float64Array(points);
    const mean = Math.exp(mu + (sigma * sigma) / 2);
    for (let i = 0; i < points; i++) {
      const t = first * (last / first) ** (i / (points - 1));
      this.times[i] = t;
      this.cdf[i] = normalCdf((Math.log(t) - mu) / sigma);
      this.partialMean[i] = mean * normalCdf((Math.log(t) - mu - sigma * sigma) / sigma);
    }
  }
}

/**
 * The optimal fixed schedule for a request price λ (seconds of lag one request is worth): minimises
 * E[lag] + λ · E[requests] over poll times on the grid, by dynamic programming from the last point
 * (which every job has finished by, to within e^-5σ). Returns its poll times in ms.
 */
function optimalSchedule(distribution: TrueDistribution, lambda: number): number[] {
  const { times, cdf, partialMean } = distribution;
  const n = times.length;
  // best[i]: expected cost, not normalised by survival, of everything after a poll at times[i].
  const best = new Float64Array(n);
  const next = new Int32Array(n).fill(n - 1);
  const at = (array: Float64Array, i: number): number => (i < 0 ? 0 : (array[i] ?? 0));
  const bestFrom = (i: number): { cost: number; poll: number } => {
    // i = -1 is the submission itself (time 0, survival 1, nothing finished before it).
    let cost = Infinity;
    let poll = n - 1;
    for (let j = i + 1; j < n; j++) {
      const lag = at(times, j) * (at(cdf, j) - at(cdf, i)) - (at(partialMean, j) - at(partialMean, i));
      const total = lag + at(best, j);
      if (total < cost) {
        cost = total;
        poll = j;
      }
    }
    return { cost: lambda * (1 - at(cdf, i)) + cost, poll };
  };
  for (let i = n - 2; i >= 0; i--) {
    const choice = bestFrom(i);
    best[i] = choice.cost;
    next[i] = choice.poll;
  }
  const polls: number[] = [];
  for (let poll = bestFrom(-1).poll; ; poll = next[poll] ?? n - 1) {
    polls.push(at(times, poll) * 1000);
    if (poll >= n - 1) return polls;
  }
}

/** A fixed schedule (poll times in ms) applied to jobs; a job outlasting it is caught by polls every 5 s. */
function fixedScheduleFigures(jobs: readonly SimulatedJob[], polls: readonly number[]): Figures {
  return summarise(
    jobs.map((job) => {
      let requests = 0;
      for (const time of polls) {
        requests++;
        if (time >= job.durationMs) return { requests, lagMs: time - job.durationMs };
      }
      let time = polls.at(-1) ?? 0;
      for (;;) {
        time += 5_000;
        requests++;
        if (time >= job.durationMs) return { requests, lagMs: time - job.durationMs };
      }
    }),
  );
}

/**
 * The oracle at a request count: the optimal fixed schedule for the world's true distribution whose
 * requests/job on these jobs is closest to `requests`, measured on the same jobs as ours.
 */
export function oracleFigures(world: World, jobs: readonly SimulatedJob[], requests: number): Figures {
  const distribution = new TrueDistribution(world);
  let low = 1e-4;
  let high = 1e3;
  let closest: Figures | undefined;
  for (let i = 0; i < 40; i++) {
    const lambda = Math.sqrt(low * high);
    const figures = fixedScheduleFigures(jobs, optimalSchedule(distribution, lambda));
    if (!closest || Math.abs(figures.requestsPerJob - requests) < Math.abs(closest.requestsPerJob - requests)) closest = figures;
    // A higher price buys fewer requests.
    if (figures.requestsPerJob > requests) low = lambda;
    else high = lambda;
  }
  if (!closest) throw new Error('unreachable: the bisection runs at least once');
  return closest;
}
