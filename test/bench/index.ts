/**
 * `npm run bench`: runs every benchmark module in order and exits non-zero if any missed its target.
 * Add a module by appending it to BENCHMARKS (each exports `run(): Promise<boolean>`).
 */
import * as polling from './polling';

interface Benchmark {
  readonly name: string;
  run(): Promise<boolean>;
}

const BENCHMARKS: readonly Benchmark[] = [{ name: 'polling', run: polling.run }];

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  let failed = 0;
  for (const benchmark of BENCHMARKS) {
    if (only.length > 0 && !only.includes(benchmark.name)) continue;
    try {
      if (!(await benchmark.run())) failed++;
    } catch (error) {
      failed++;
      console.error(`${benchmark.name}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    }
  }
  process.exitCode = failed > 0 ? 1 : 0;
}

void main();
