/**
 * Every command the extension contributes, in one table. The start-up bundle registers each id with a
 * stub that loads the core bundle on first use, so adding a command means: add its id here, its
 * handler file under `src/commands/`, its entry in `src/core.ts`, and its manifest entry.
 * This module must stay free of imports: it is part of the start-up bundle.
 */
export const COMMAND_IDS = ['apiframe.showLog'] as const;

export type CommandId = (typeof COMMAND_IDS)[number];
