/**
 * What a request may cost before it is sent: the catalog's range for one job, scaled by the images and jobs of a
 * candidate plan, and whether that is above the `confirmAboveCredits` threshold. Credits are the API's unit.
 */
import type { CandidatePlan } from './candidates';
import type { ImageCatalogEntry } from './catalog';

export interface CostRange {
  readonly min: number;
  readonly max: number;
}

/**
 * The cost range of a plan: per job, the catalog range times the images of the job when the model is priced per
 * output (a Midjourney grid is one output), once when it is flat; times the jobs. Undefined when the catalog
 * gives no price for the model (then nobody can promise a figure).
 */
export function planCost(entry: Pick<ImageCatalogEntry, 'costMin' | 'costMax' | 'pricingMode'>, plan: CandidatePlan): CostRange | undefined {
  const { costMin, costMax } = entry;
  if (costMin === undefined && costMax === undefined) return undefined;
  const low = costMin ?? costMax ?? 0;
  const high = costMax ?? costMin ?? 0;
  const outputsPerJob = entry.pricingMode === 'per-output' && plan.countParameter ? plan.countParameter.value : 1;
  return times({ min: Math.min(low, high), max: Math.max(low, high) }, outputsPerJob * plan.jobs);
}

/** A range times a count (several candidates, several models). */
export function times(range: CostRange, count: number): CostRange {
  return { min: range.min * count, max: range.max * count };
}

/** The sum of several ranges (one prompt compared across models); undefined when any is unknown. */
export function sumCosts(ranges: readonly (CostRange | undefined)[]): CostRange | undefined {
  let min = 0;
  let max = 0;
  for (const range of ranges) {
    if (!range) return undefined;
    min += range.min;
    max += range.max;
  }
  return { min, max };
}

/** "8", "8–16": a range for a label (the caller adds the unit in its own words). */
export function formatCostRange(range: CostRange): string {
  const show = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, ''));
  return range.min === range.max ? show(range.min) : `${show(range.min)}–${show(range.max)}`;
}

/** `apiframe.confirmAboveCredits`: 0 asks before every request, -1 never asks, N asks above N credits. */
export const ALWAYS_CONFIRM = 0;
export const NEVER_CONFIRM = -1;
/** A default that asks before anything dearer than a few ordinary images. */
export const DEFAULT_CONFIRM_ABOVE_CREDITS = 50;

/** The threshold from a setting value: a whole number ≥ -1, else undefined (the caller reports it and uses the default). */
export function parseConfirmAboveCredits(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= NEVER_CONFIRM ? value : undefined;
}

/**
 * Whether to ask before submitting: never with -1; always with 0; otherwise when the maximum cost is above the
 * threshold — or unknown, since nobody can then say it is below.
 */
export function needsCostConfirmation(cost: CostRange | undefined, confirmAboveCredits: number): boolean {
  if (confirmAboveCredits === NEVER_CONFIRM) return false;
  if (confirmAboveCredits <= ALWAYS_CONFIRM) return true;
  return cost === undefined || cost.max > confirmAboveCredits;
}
