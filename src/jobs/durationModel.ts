/**
 * How long a job of a given model takes, from submission to COMPLETED, as a lognormal distribution.
 * Pure and serialisable: the caller persists the state (e.g. in globalState) and passes it back in.
 *
 * Prior: median 20 s, σ 0.35 (Apiframe's DALL-E 3 timings). Each completed job of this user updates the
 * model's statistics on log-durations; the prior counts as PRIOR_WEIGHT pseudo-observations of the median
 * and PRIOR_SPREAD_WEIGHT of the spread, each giving way when the observations clearly disagree with it, and
 * older observations decay (weight × DECAY per new one), so the model follows a service that got slower or
 * faster. A strong prior that yields to evidence: a user whose jobs match it gets a steady schedule from the
 * first job, one whose jobs take twice as long gets theirs within about five.
 */
import type { Job } from '../apiframe/types';

export interface LognormalDuration {
  /** e^μ, in milliseconds. */
  readonly medianMs: number;
  /** σ of the log-duration. */
  readonly sigma: number;
}

/** Exponentially weighted sufficient statistics of ln(duration in ms) for one model. */
export interface DurationStats {
  readonly weight: number;
  readonly sumLog: number;
  readonly sumLogSquares: number;
}

export interface DurationModel {
  readonly version: 1;
  readonly models: Readonly<Record<string, DurationStats>>;
}

export const PRIOR_DURATION: LognormalDuration = { medianMs: 20_000, sigma: 0.35 };
/** The prior's median is worth this many observations (while the observations agree with it). */
const PRIOR_WEIGHT = 24;
/** The prior's spread is worth this many observations of spread. */
const PRIOR_SPREAD_WEIGHT = 16;
/** Observations further than this many standard errors from the prior's median overrule it. */
const CONFLICT_Z = 2.5;
/** Each new observation multiplies the weight of the older ones by this (≈ the last 30 jobs matter). */
const DECAY = 0.97;
/** Keep σ within sane bounds: a run of identical durations must not make the schedule overconfident. */
const SIGMA_MIN = 0.12;
const SIGMA_MAX = 1.2;
/** Durations outside this range are measurement errors (clock skew, resumed after days), not data. */
const MIN_OBSERVED_MS = 500;
const MAX_OBSERVED_MS = 30 * 60_000;

export function emptyDurationModel(): DurationModel {
  return { version: 1, models: {} };
}

/**
 * The current distribution for a model id: the prior blended with this user's observations, as the
 * distribution of the NEXT job (the predictive: the spread widened by what is still unknown about the median).
 * The prior's weight on the median gives way when the observations clearly disagree with it (a prior-data
 * conflict beyond CONFLICT_Z standard errors): a user whose jobs take 40 s learns that within a few jobs,
 * while a user whose jobs match the prior keeps its steadiness.
 */
export function durationFor(model: DurationModel | undefined, modelId: string): LognormalDuration {
  const stats = model?.models[modelId];
  if (!stats || stats.weight <= 0) return PRIOR_DURATION;
  const priorMu = Math.log(PRIOR_DURATION.medianMs);
  const priorVar = PRIOR_DURATION.sigma ** 2;
  const n = stats.weight;
  const sampleMu = stats.sumLog / n;
  const sampleVar = Math.max(0, stats.sumLogSquares / n - sampleMu * sampleMu);
  // The spread: the prior's as PRIOR_SPREAD_WEIGHT pseudo-observations, the sample's corrected for its
  // small-sample bias (n / (n − 1), with the decayed weight as n).
  const unbiasedVar = n > 1 ? (sampleVar * n) / (n - 1) : priorVar;
  // Each part of the prior gives way when the observations clearly disagree with it, beyond CONFLICT_Z
  // standard errors (the weight falls off as a normal density past that point).
  const giveWay = (z: number): number => 1 / (1 + (z / CONFLICT_Z) ** 8);
  const spreadConflict = n > 1 ? Math.abs(Math.log(Math.max(unbiasedVar, 1e-6) / priorVar)) / Math.sqrt(2 / (n - 1)) : 0;
  const spreadWeight = PRIOR_SPREAD_WEIGHT * giveWay(spreadConflict);
  const variance = (spreadWeight * priorVar + n * unbiasedVar) / (spreadWeight + n);
  const conflict = Math.abs(sampleMu - priorMu) / Math.sqrt(variance * (1 / n + 1 / PRIOR_WEIGHT));
  const priorWeight = PRIOR_WEIGHT * giveWay(conflict);
  const mu = (priorWeight * priorMu + n * sampleMu) / (priorWeight + n);
  // Degrees of freedom of the spread: few observations and a prior that gave way leave heavy tails (a
  // Student t), approximated by a wider lognormal with the t's variance.
  const freedom = Math.max(0, n - 1) + spreadWeight;
  const heavyTails = freedom > 3 ? freedom / (freedom - 2) : 3;
  const predictive = Math.sqrt(variance * heavyTails * (1 + 1 / (priorWeight + n)));
  const sigma = Math.min(SIGMA_MAX, Math.max(SIGMA_MIN, predictive));
  return { medianMs: Math.exp(mu), sigma };
}

/** Returns a new model with one completed duration recorded (ignored when implausible). */
export function recordDuration(model: DurationModel | undefined, modelId: string, durationMs: number): DurationModel {
  const base = model ?? emptyDurationModel();
  if (!Number.isFinite(durationMs) || durationMs < MIN_OBSERVED_MS || durationMs > MAX_OBSERVED_MS || !modelId) return base;
  const previous = base.models[modelId] ?? { weight: 0, sumLog: 0, sumLogSquares: 0 };
  const log = Math.log(durationMs);
  const next: DurationStats = {
    weight: previous.weight * DECAY + 1,
    sumLog: previous.sumLog * DECAY + log,
    sumLogSquares: previous.sumLogSquares * DECAY + log * log,
  };
  return { version: 1, models: { ...base.models, [modelId]: next } };
}

/** Server-measured duration of a COMPLETED job (completedAt − createdAt), or undefined. */
export function jobDurationMs(job: Pick<Job, 'status' | 'createdAt' | 'completedAt'>): number | undefined {
  if (job.status !== 'COMPLETED' || !job.completedAt) return undefined;
  const duration = Date.parse(job.completedAt) - Date.parse(job.createdAt);
  return Number.isFinite(duration) && duration > 0 ? duration : undefined;
}

/** Reads a persisted model back; anything malformed becomes an empty model (never throws). */
export function parseDurationModel(value: unknown): DurationModel {
  if (typeof value !== 'object' || value === null) return emptyDurationModel();
  const candidate = value as { version?: unknown; models?: unknown };
  if (candidate.version !== 1 || typeof candidate.models !== 'object' || candidate.models === null) return emptyDurationModel();
  const models: Record<string, DurationStats> = {};
  for (const [id, stats] of Object.entries(candidate.models as Record<string, unknown>)) {
    if (typeof stats !== 'object' || stats === null) continue;
    const { weight, sumLog, sumLogSquares } = stats as Record<string, unknown>;
    if ([weight, sumLog, sumLogSquares].every((n) => typeof n === 'number' && Number.isFinite(n)) && (weight as number) > 0) {
      models[id] = { weight: weight as number, sumLog: sumLog as number, sumLogSquares: sumLogSquares as number };
    }
  }
  return { version: 1, models };
}
