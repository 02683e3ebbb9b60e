/**
 * When to poll a job next. Pure: a function of the elapsed time since submission, the last status and
 * `progress`, and the duration model — so it is unit-tested and benchmarked without a server.
 *
 * Why this shape: polling trades requests against lag (time between completion and detection). For a
 * known completion-time distribution the best fixed schedule minimises E[lag] + λ · E[requests] for a
 * price λ of one request; it is found exactly by dynamic programming over candidate poll times (a table of
 * 240 points per distribution, computed once and cached: a job without progress reuses its model's table on
 * every poll). The table answers "when next?" from any time t, which is what a resumed job or a changed
 * estimate needs. PROCESSING `progress` re-estimates the remaining time (combined with the model in log
 * space, weighted by confidence; steps of a coarse server are recognised as such), and beyond the model's
 * tail a steady cadence takes over. `npm run bench -- polling` compares this with the official SDK and with
 * the optimal schedule for the true distribution in worlds the model does not fit.
 */
import type { JobStatus } from '../apiframe/types';
import type { LognormalDuration } from './durationModel';

export interface PollObservation {
  /** Milliseconds since the job was submitted. */
  readonly elapsedMs: number;
  readonly status: JobStatus;
  readonly progress: number | null;
}

export interface PollScheduleInput extends PollObservation {
  /** The observation before this one, if any (two PROCESSING readings give a progress rate). */
  readonly previous?: PollObservation;
  /** The duration model's distribution for this job's model. */
  readonly duration: LognormalDuration;
}

export interface PollScheduleOptions {
  /**
   * What one request is worth in seconds of lag, per unit of the model's σ (log space). Larger: fewer
   * requests, more lag. Scaled by σ so that a model whose job times are more uncertain is not polled more
   * often for it: the request count follows the typical duration (roughly its square root), not the spread.
   */
  readonly requestPricePerSigmaS: number;
  readonly minDelayMs: number;
  /** Beyond this quantile of the distribution the job is "late": poll at tailDelayMs at most. */
  readonly tailQuantile: number;
  readonly tailDelayMs: number;
  /** σ (log space) of a remaining-time estimate from two progress readings, and from a single one. */
  readonly progressRateSigma: number;
  readonly progressSingleSigma: number;
}

export const DEFAULT_POLL_SCHEDULE: PollScheduleOptions = {
  requestPricePerSigmaS: 0.5,
  minDelayMs: 500,
  tailQuantile: 0.999,
  tailDelayMs: 5_000,
  progressRateSigma: 0.12,
  progressSingleSigma: 0.25,
};

/** A progress rise this many times faster than the average pace is a jump (see isJump). */
const JUMP_FACTOR = 4;
/** The optimal schedule is planned on this many candidate poll times, ±PLAN_SPAN_SIGMAS σ around the median. */
const PLAN_POINTS = 240;
const PLAN_SPAN_SIGMAS = 4;
/** Plans kept (one per distribution and price; a job without progress reuses its model's plan every poll). */
const PLAN_CACHE_SIZE = 32;

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7 — plenty for scheduling). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Lognormal in seconds, with the closed forms the schedule needs. */
class Lognormal {
  readonly mu: number;
  constructor(
    medianS: number,
    readonly sigma: number,
  ) {
    this.mu = Math.log(medianS);
  }
  cdf(x: number): number {
    return x <= 0 ? 0 : normalCdf((Math.log(x) - this.mu) / this.sigma);
  }
  /** E[T · 1{T ≤ x}] */
  partialMean(x: number): number {
    if (x <= 0) return 0;
    return Math.exp(this.mu + (this.sigma * this.sigma) / 2) * normalCdf((Math.log(x) - this.mu - this.sigma * this.sigma) / this.sigma);
  }
  /** The time at z standard deviations from the median (log space). */
  quantileOfZ(z: number): number {
    return Math.exp(this.mu + this.sigma * z);
  }
  quantile(p: number): number {
    let low = -10;
    let high = 10;
    for (let i = 0; i < 60; i++) {
      const mid = (low + high) / 2;
      if (normalCdf(mid) < p) low = mid;
      else high = mid;
    }
    return Math.exp(this.mu + this.sigma * ((low + high) / 2));
  }
}

/**
 * A rise much faster than the job's average pace since submission is a step of a coarse server (stuck low,
 * then a jump), not a rate: extrapolating it would poll every half second until the job ends.
 */
function isJump(previous: PollObservation, current: PollObservation): boolean {
  const rate = ((current.progress ?? 0) - (previous.progress ?? 0)) / (current.elapsedMs - previous.elapsedMs);
  const averagePace = (current.progress ?? 0) / Math.max(1, current.elapsedMs);
  return rate > JUMP_FACTOR * averagePace;
}

/**
 * The completion-time distribution given what the job reported: the model alone, or — while PROCESSING
 * with 0 < progress < 100 — the model combined (precision-weighted, in log space) with an estimate from
 * progress: from two rising readings the rate is measured; from one, processing is assumed to have started
 * at the previous QUEUED poll (or at submission), which errs on the late side, hence the wider σ.
 */
export function estimateCompletion(input: PollScheduleInput, options: PollScheduleOptions = DEFAULT_POLL_SCHEDULE): LognormalDuration {
  const prior = input.duration;
  const progress = input.progress;
  if (input.status !== 'PROCESSING' || progress === null || progress <= 0 || progress >= 100) return prior;
  const previous = input.previous;
  let remainingMs: number;
  let sigma: number;
  if (
    previous &&
    previous.status === 'PROCESSING' &&
    previous.progress !== null &&
    previous.progress < progress &&
    previous.elapsedMs < input.elapsedMs &&
    !isJump(previous, input)
  ) {
    const rate = (progress - previous.progress) / (input.elapsedMs - previous.elapsedMs);
    remainingMs = (100 - progress) / rate;
    sigma = options.progressRateSigma;
  } else {
    const startedMs = previous && previous.status === 'QUEUED' ? previous.elapsedMs : 0;
    const runningMs = Math.max(1, input.elapsedMs - startedMs);
    remainingMs = (runningMs * (100 - progress)) / progress;
    sigma = options.progressSingleSigma;
    // One reading (or a value that did not move) says little about the pace: servers may report coarse
    // steps (stuck low, then a jump). It may bring the estimate earlier; one that says "later than the
    // model's median" carries no information the model lacks (a stuck low value says it on every poll),
    // and trusting it would either delay the next poll by minutes for a job about to finish or, capped,
    // narrow the distribution with a confidence the reading does not have.
    if (input.elapsedMs + remainingMs >= prior.medianMs) return prior;
  }
  const estimateMedian = input.elapsedMs + Math.max(remainingMs, options.minDelayMs / 2);
  const priorPrecision = 1 / (prior.sigma * prior.sigma);
  const estimatePrecision = 1 / (sigma * sigma);
  const mu = (Math.log(prior.medianMs) * priorPrecision + Math.log(estimateMedian) * estimatePrecision) / (priorPrecision + estimatePrecision);
  return { medianMs: Math.exp(mu), sigma: 1 / Math.sqrt(priorPrecision + estimatePrecision) };
}

/**
 * The optimal polls for one distribution and one request price λ: minimises E[lag] + λ · E[requests] over
 * poll times on a geometric grid, by dynamic programming from the grid's end (where every job has finished,
 * to within e^-4σ). The cost of what follows a poll is kept unnormalised by survival, so the same table
 * answers "when next?" from ANY time t: conditioning on T > t divides every choice by the same P(T > t).
 */
class OptimalPlan {
  private readonly times = new Float64Array(PLAN_POINTS);
  private readonly cdf = new Float64Array(PLAN_POINTS);
  private readonly partialMean = new Float64Array(PLAN_POINTS);
  /** Expected lag plus price of everything after a poll at times[i], for the jobs still running then. */
  private readonly after = new Float64Array(PLAN_POINTS);

  constructor(
    private readonly distribution: Lognormal,
    priceS: number,
  ) {
    const first = distribution.quantileOfZ(-PLAN_SPAN_SIGMAS);
    const last = distribution.quantileOfZ(PLAN_SPAN_SIGMAS);
    for (let i = 0; i < PLAN_POINTS; i++) {
      const t = first * (last / first) ** (i / (PLAN_POINTS - 1));
      this.times[i] = t;
      this.cdf[i] = distribution.cdf(t);
      this.partialMean[i] = distribution.partialMean(t);
    }
    for (let i = PLAN_POINTS - 2; i >= 0; i--) {
      const choice = this.bestAfter(this.cdf[i] ?? 0, this.partialMean[i] ?? 0, i + 1);
      this.after[i] = priceS * (1 - (this.cdf[i] ?? 0)) + choice.cost;
    }
  }

  get endS(): number {
    return this.times[PLAN_POINTS - 1] ?? 0;
  }

  /** The best next poll at or after grid index `from`, for jobs still running at the time of these F and E. */
  private bestAfter(cdfAtT: number, partialMeanAtT: number, from: number): { cost: number; time: number } {
    let cost = Infinity;
    let time = this.endS;
    for (let j = from; j < PLAN_POINTS; j++) {
      const at = this.times[j] ?? 0;
      // E[(at − T) · 1{t < T ≤ at}]: the lag of the jobs that finish before this poll.
      const lag = at * ((this.cdf[j] ?? 0) - cdfAtT) - ((this.partialMean[j] ?? 0) - partialMeanAtT);
      const total = lag + (this.after[j] ?? 0);
      if (total < cost) {
        cost = total;
        time = at;
      }
    }
    return { cost, time };
  }

  /** Seconds from t to the best next poll no sooner than t + minS (undefined past the plan's end). */
  nextDelay(t: number, minS: number): number | undefined {
    const earliest = t + minS;
    if (earliest >= this.endS) return undefined;
    let from = 0;
    while (from < PLAN_POINTS - 1 && (this.times[from] ?? 0) < earliest) from++;
    return this.bestAfter(this.distribution.cdf(t), this.distribution.partialMean(t), from).time - t;
  }
}

const plans = new Map<string, OptimalPlan>();

function planFor(estimate: LognormalDuration, priceS: number): OptimalPlan {
  // Rounded so that a job whose estimate has not changed (no progress) reuses its plan every poll.
  const key = `${Math.round(estimate.medianMs)}:${estimate.sigma.toFixed(4)}:${priceS.toFixed(4)}`;
  let plan = plans.get(key);
  if (plan) {
    plans.delete(key);
  } else {
    plan = new OptimalPlan(new Lognormal(estimate.medianMs / 1000, estimate.sigma), priceS);
    if (plans.size >= PLAN_CACHE_SIZE) plans.delete(plans.keys().next().value as string);
  }
  plans.set(key, plan);
  return plan;
}

/** Milliseconds to wait before the next poll. Terminal statuses answer 0 (nothing left to wait for). */
export function nextPollDelay(input: PollScheduleInput, options: PollScheduleOptions = DEFAULT_POLL_SCHEDULE): number {
  if (input.status === 'COMPLETED' || input.status === 'FAILED' || input.status === 'CANCELLED') return 0;
  const estimate = estimateCompletion(input, options);
  const distribution = new Lognormal(estimate.medianMs / 1000, estimate.sigma);
  const t = Math.max(0, input.elapsedMs) / 1000;
  // The price follows the model's spread, not the estimate's: progress sharpens where to poll, not how much
  // a request is worth.
  const priceS = options.requestPricePerSigmaS * input.duration.sigma;
  const planned = planFor(estimate, priceS).nextDelay(t, options.minDelayMs / 1000);
  let delayS = planned ?? options.tailDelayMs / 1000;
  // Past the tail the job is late (slow queue, stuck): the hazard says little any more, so a steady gentle
  // cadence replaces it rather than dense polling for minutes.
  if (t >= distribution.quantile(options.tailQuantile)) delayS = options.tailDelayMs / 1000;
  return Math.max(options.minDelayMs, Math.round(delayS * 1000));
}
