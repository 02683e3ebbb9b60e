import type * as vscode from 'vscode';
import type { CommandId } from './commandIds';
import { showLog } from './commands/showLog';

/** What the start-up bundle hands to the core when it is first needed. */
export interface CoreHost {
  readonly context: vscode.ExtensionContext;
  readonly log: vscode.LogOutputChannel;
}

export interface Core extends vscode.Disposable {
  run(id: CommandId, args: readonly unknown[]): Promise<unknown>;
}

type CommandHandler = (host: CoreHost, args: readonly unknown[]) => unknown;

/** The command table: one handler per contributed command id; the compiler checks it is complete. */
const COMMAND_HANDLERS: Record<CommandId, CommandHandler> = {
  'apiframe.showLog': (host) => showLog(host),
};

export function createCore(host: CoreHost): Core {
  const disposables: vscode.Disposable[] = [];
  return {
    async run(id, args) {
      return COMMAND_HANDLERS[id](host, args);
    },
    dispose() {
      for (const d of disposables.splice(0)) d.dispose();
    },
  };
}
