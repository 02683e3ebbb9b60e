/**
 * Activation budget: `activate()` including module loading, in fresh Node processes with
 * `vscode` stubbed, median of several runs after a warm-up; baseline = the same bundles loaded eagerly.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { median } from './benchLine';

export interface ActivationFigures {
  lazyMs: number;
  eagerMs: number;
}


function probe(eager: boolean): number {
  const script = path.join(__dirname, 'activationProbe.js');
  const output = execFileSync(process.execPath, [script, ...(eager ? ['--eager'] : [])], { encoding: 'utf8' });
  return (JSON.parse(output) as { elapsedMs: number }).elapsedMs;
}

export function measureActivation(runs = 11): ActivationFigures {
  probe(false); // warm-up: file-system cache
  probe(true);
  const lazy: number[] = [];
  const eager: number[] = [];
  for (let i = 0; i < runs; i++) {
    lazy.push(probe(false));
    eager.push(probe(true));
  }
  return { lazyMs: median(lazy), eagerMs: median(eager) };
}
