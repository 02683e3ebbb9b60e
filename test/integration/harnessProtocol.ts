// What the integration suite and the launchers agree on, in a module free of `vscode` so both can import it.

/** Environment variable naming the JSON file that receives `{"passed":N,"failed":M,"skipped":K}`. */
export const RESULT_FILE_ENV = 'APIFRAME_TEST_RESULT_FILE';

/** The suite's first line; the launcher starts echoing the workbench console from here on. */
export const SUITE_BANNER = 'Running the integration suite inside VS Code';

export interface SuiteResult {
  readonly passed: number;
  readonly failed: number;
  /** Tests that called `this.skip()` (or whose hook did): they neither passed nor failed. */
  readonly skipped: number;
}
