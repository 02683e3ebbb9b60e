/**
 * One figure of `npm run bench`, printed as
 * `bench <name>: <value><unit> budget=<budget><unit> baseline=<baseline><unit>[ ratio=<r> ratio-budget=<rb>]`.
 * A figure misses when value > budget (the absolute), or — when it has a ratio budget — when value exceeds
 * ratioBudget × baseline (the baseline is measured in the same run, so load on a shared machine affects both
 * alike). Absolutes carry the margin a 2-core machine under load ≤ 2 needs; ratios carry the claim.
 */
export interface BenchLine {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** Absolute budget: value ≤ budget. */
  readonly budget: number;
  readonly baseline: number;
  /** Same-run budget: value ≤ ratioBudget × baseline. */
  readonly ratioBudget?: number;
}

function show(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(value >= 100 ? 0 : 2);
}

export function formatBenchLine(line: BenchLine): string {
  const { unit } = line;
  const ratio = line.ratioBudget === undefined ? '' : ` ratio=${(line.value / line.baseline).toFixed(2)} ratio-budget=${line.ratioBudget}`;
  return `bench ${line.name}: ${show(line.value)}${unit} budget=${show(line.budget)}${unit} baseline=${show(line.baseline)}${unit}${ratio}`;
}

/** Why a figure misses its budgets, or undefined when it meets them. */
export function budgetMiss(line: BenchLine): string | undefined {
  const misses: string[] = [];
  if (!(line.value <= line.budget)) misses.push(`${show(line.value)}${line.unit} > ${show(line.budget)}${line.unit}`);
  if (line.ratioBudget !== undefined && !(line.value <= line.ratioBudget * line.baseline)) {
    misses.push(`${(line.value / line.baseline).toFixed(2)}× baseline > ${line.ratioBudget}×`);
  }
  return misses.length > 0 ? misses.join(', ') : undefined;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  // An odd count has one middle value (lower and upper are the same); an even count averages the two.
  const upper = sorted[middle];
  const lower = sorted[sorted.length % 2 ? middle : middle - 1];
  if (upper === undefined || lower === undefined) return NaN; // no values
  return (lower + upper) / 2;
}
