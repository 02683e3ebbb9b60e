/**
 * Polls `condition` until it holds; rejects naming `what` when it does not within `timeoutMs`. For UI state
 * that VS Code updates asynchronously after a command resolves. The deadline is a safety net, not an
 * assertion about speed.
 */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
