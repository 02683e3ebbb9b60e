/**
 * The hostile-input suite: tables of cases in `test/hostile/cases/*.ts`, each module exporting
 * `cases: HostileCase[]`. The runner (`test/http/hostile.test.ts`) finds every compiled table by itself, runs
 * each case as one test and prints `hostile: cases=<n> failures=<f>`; add a table by adding a file here.
 */
export type HostileArea = 'prompt' | 'workspace' | 'server' | 'webview';

export interface HostileCase {
  readonly area: HostileArea;
  /** Short, unique within its table; shown in the test report. */
  readonly name: string;
  /** Throws (an assertion error) when the defence does not hold. */
  run(): void | Promise<void>;
}

export function isHostileCase(value: unknown): value is HostileCase {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof HostileCase, unknown>>;
  return (
    typeof candidate.name === 'string' &&
    typeof candidate.run === 'function' &&
    (candidate.area === 'prompt' || candidate.area === 'workspace' || candidate.area === 'server' || candidate.area === 'webview')
  );
}
