/** The logging surface every layer uses; `vscode.LogOutputChannel` satisfies it structurally. */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
