/**
 * When to poll a job next. Pure: a function of the elapsed time since submission, the last status and
 * `progress`, and the duration model — so it is unit-tested and benchmarked without a server.
 *
 * Why this shape: polling trades requests against lag (time between completion and detection). For a
 * known completion-time distribution the best interval around time t is ≈ √(2L / h(t)), h being the hazard
 * rate — so we poll rarely while completion is unlikely, densely around the likely completion window,
 * and apart again in the tail. Concretely the next delay d is the one whose expected lag contribution,
 * E[(t + d − T)·1{T ≤ t + d} | T > t], equals the budget L; it is solved by bisection on the lognormal's
 * closed-form partial expectation. PROCESSING `progress` re-estimates the remaining time (combined with
 * the model in log space, weighted by confidence), and beyond the model's tail a gentle cap takes over.
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
  /** Expected lag the next interval may add (the L above), in ms. Smaller: more polls, less lag. */
  readonly lagBudgetMs: number;
  readonly minDelayMs: number;
  /** Longest interval once the likely-completion window has started. */
  readonly maxDelayMs: number;
  /** Beyond this quantile of the distribution the job is "late": poll at tailDelayMs at most. */
  readonly tailQuantile: number;
  readonly tailDelayMs: number;
  /** σ (log space) of a remaining-time estimate from two progress readings, and from a single one. */
  readonly progressRateSigma: number;
  readonly progressSingleSigma: number;
}

export const DEFAULT_POLL_SCHEDULE: PollScheduleOptions = {
  lagBudgetMs: 170,
  minDelayMs: 500,
  maxDelayMs: 8_000,
  tailQuantile: 0.99,
  tailDelayMs: 5_000,
  progressRateSigma: 0.12,
  progressSingleSigma: 0.25,
};

/** Where the first interval may always jump to, even past maxDelayMs (completion is unlikely before it). */
const EARLY_QUANTILE = 0.02;
/** Upper end of the bisection, in seconds. */
const SEARCH_LIMIT_S = 600;

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
  /** E[(t + d − T) · 1{t < T ≤ t + d}] / P(T > t): expected lag the interval (t, t + d] adds. */
  intervalLag(t: number, d: number): number {
    const survival = 1 - this.cdf(t);
    if (survival < 1e-12) return Infinity;
    const end = t + d;
    const atEnd = end * this.cdf(end) - this.partialMean(end);
    const atStart = end * this.cdf(t) - this.partialMean(t);
    return (atEnd - atStart) / survival;
  }
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
    previous.elapsedMs < input.elapsedMs
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
    // steps (stuck low, then a jump). It may bring the estimate earlier, never push it past the prior's
    // median — a low first value would otherwise delay the next poll by minutes for a job about to finish.
    remainingMs = Math.min(remainingMs, Math.max(0, prior.medianMs - input.elapsedMs));
  }
  const estimateMedian = input.elapsedMs + Math.max(remainingMs, options.minDelayMs / 2);
  const priorPrecision = 1 / (prior.sigma * prior.sigma);
  const estimatePrecision = 1 / (sigma * sigma);
  const mu = (Math.log(prior.medianMs) * priorPrecision + Math.log(estimateMedian) * estimatePrecision) / (priorPrecision + estimatePrecision);
  return { medianMs: Math.exp(mu), sigma: 1 / Math.sqrt(priorPrecision + estimatePrecision) };
}

/** Milliseconds to wait before the next poll. Terminal statuses answer 0 (nothing left to wait for). */
export function nextPollDelay(input: PollScheduleInput, options: PollScheduleOptions = DEFAULT_POLL_SCHEDULE): number {
  if (input.status === 'COMPLETED' || input.status === 'FAILED' || input.status === 'CANCELLED') return 0;
  const estimate = estimateCompletion(input, options);
  const distribution = new Lognormal(estimate.medianMs / 1000, estimate.sigma);
  const t = Math.max(0, input.elapsedMs) / 1000;
  const budget = options.lagBudgetMs / 1000;
  const minS = options.minDelayMs / 1000;

  let delayS: number;
  if (distribution.intervalLag(t, minS) >= budget) {
    delayS = minS;
  } else if (distribution.intervalLag(t, SEARCH_LIMIT_S) < budget) {
    delayS = SEARCH_LIMIT_S;
  } else {
    let low = minS;
    let high = SEARCH_LIMIT_S;
    for (let i = 0; i < 50 && high - low > 0.005; i++) {
      const mid = (low + high) / 2;
      if (distribution.intervalLag(t, mid) < budget) low = mid;
      else high = mid;
    }
    delayS = low;
  }
  const earlyJumpS = distribution.quantile(EARLY_QUANTILE) - t;
  delayS = Math.min(delayS, Math.max(options.maxDelayMs / 1000, earlyJumpS));
  // Past the tail the job is late (slow queue, stuck): the hazard says little any more, so a steady gentle
  // cadence replaces it rather than dense polling for minutes.
  if (t >= distribution.quantile(options.tailQuantile)) delayS = options.tailDelayMs / 1000;
  return Math.max(options.minDelayMs, Math.round(delayS * 1000));
}
