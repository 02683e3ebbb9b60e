/**
 * Runs in a fresh Node process (spawned by activation.ts): loads the built start-up bundle with `vscode`
 * stubbed, calls activate(), and prints the elapsed milliseconds as JSON. `--eager` also requires the
 * core bundle at activation — the baseline of what activation would cost without lazy loading.
 */
import * as path from 'node:path';
import { fakeExtensionContext, installVscodeStub } from './vscodeStub';

installVscodeStub();
const root = path.resolve(__dirname, '..', '..', '..');
const eager = process.argv.includes('--eager');

const started = process.hrtime.bigint();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const extension = require(path.join(root, 'dist', 'extension.js')) as { activate(context: unknown): unknown };
extension.activate(fakeExtensionContext(root));
if (eager) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path.join(root, 'dist', 'core.js'));
}
const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
process.stdout.write(JSON.stringify({ elapsedMs }));
