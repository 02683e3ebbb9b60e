/**
 * One figure of `npm run bench`, printed as `bench <name>: <value><unit> budget=<budget><unit>
 * baseline=<baseline><unit>`; a figure misses its budget when value > budget.
 */
export interface BenchLine {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly budget: number;
  readonly baseline: number;
}

function show(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(value >= 100 ? 0 : 2);
}

export function formatBenchLine(line: BenchLine): string {
  const { unit } = line;
  return `bench ${line.name}: ${show(line.value)}${unit} budget=${show(line.budget)}${unit} baseline=${show(line.baseline)}${unit}`;
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
