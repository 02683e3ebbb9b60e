import * as vscode from 'vscode';

export type MessageSeverity = 'info' | 'warning' | 'error';

export interface MessageOptions {
  /** A modal dialog (used for confirmations such as Delete). */
  readonly modal?: boolean;
  readonly detail?: string;
}

/**
 * Every prompt and message the commands show goes through this port. In the editor it is VS Code's
 * window API; the integration tests answer prompts through `ScriptedAnswers` and read every text shown
 * (issue 5's leak scan also scans them), without clicking through real input boxes.
 */
export interface UserInterface {
  inputBox(options: vscode.InputBoxOptions): Promise<string | undefined>;
  quickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T | undefined>;
  /** Shows a message; resolves with the chosen action title, or undefined when dismissed. */
  message(severity: MessageSeverity, text: string, actions: readonly string[], options?: MessageOptions): Promise<string | undefined>;
  pickWorkspaceFolder(options: vscode.WorkspaceFolderPickOptions): Promise<vscode.WorkspaceFolder | undefined>;
  saveDialog(options: vscode.SaveDialogOptions): Promise<vscode.Uri | undefined>;
  openDialog(options: vscode.OpenDialogOptions): Promise<vscode.Uri[] | undefined>;
}

export interface ShownMessage {
  readonly severity: MessageSeverity;
  readonly text: string;
  readonly actions: readonly string[];
}

/** Test answers, consumed in order; a prompt with no scripted answer falls through to the real UI. */
export interface ScriptedAnswers {
  inputBox?: (string | undefined)[];
  /** Label (or `picked` item predicate by label) of the item to choose. */
  quickPick?: (string | undefined)[];
  /** Action title to choose for the next message (undefined = dismiss). */
  message?: (string | undefined)[];
  workspaceFolder?: (vscode.WorkspaceFolder | undefined)[];
  saveDialog?: (vscode.Uri | undefined)[];
  openDialog?: (vscode.Uri[] | undefined)[];
}

const windowUi: UserInterface = {
  async inputBox(options) {
    return vscode.window.showInputBox(options);
  },
  async quickPick(items, options) {
    return vscode.window.showQuickPick([...items], options);
  },
  async message(severity, text, actions, options) {
    const messageOptions: vscode.MessageOptions = { modal: options?.modal === true, detail: options?.detail };
    switch (severity) {
      case 'info':
        return vscode.window.showInformationMessage(text, messageOptions, ...actions);
      case 'warning':
        return vscode.window.showWarningMessage(text, messageOptions, ...actions);
      case 'error':
        return vscode.window.showErrorMessage(text, messageOptions, ...actions);
    }
  },
  async pickWorkspaceFolder(options) {
    return vscode.window.showWorkspaceFolderPick(options);
  },
  async saveDialog(options) {
    return vscode.window.showSaveDialog(options);
  },
  async openDialog(options) {
    return vscode.window.showOpenDialog(options);
  },
};

/** How many shown messages are remembered for the tests (a bounded ring, newest last). */
const MESSAGE_HISTORY = 200;

/**
 * The port the core uses: VS Code's window API, plus a record of every message shown and optional scripted
 * answers. Scripted answers exist for the integration tests; in normal use the queue is always empty.
 */
export class RecordingUi implements UserInterface {
  private readonly shown: ShownMessage[] = [];
  private readonly listeners = new Set<(message: ShownMessage) => void>();
  private script: ScriptedAnswers = {};

  constructor(private readonly inner: UserInterface = windowUi) {}

  /** Every message shown so far (bounded), oldest first. */
  get messages(): readonly ShownMessage[] {
    return this.shown;
  }

  clearMessages(): void {
    this.shown.length = 0;
  }

  /** Calls `listener` for each message shown from now on; returns a disposer. */
  onMessage(listener: (message: ShownMessage) => void): vscode.Disposable {
    this.listeners.add(listener);
    return new vscode.Disposable(() => this.listeners.delete(listener));
  }

  /** Replaces the scripted answers (tests only). */
  answer(script: ScriptedAnswers): void {
    this.script = {
      inputBox: [...(script.inputBox ?? [])],
      quickPick: [...(script.quickPick ?? [])],
      message: [...(script.message ?? [])],
      workspaceFolder: [...(script.workspaceFolder ?? [])],
      saveDialog: [...(script.saveDialog ?? [])],
      openDialog: [...(script.openDialog ?? [])],
    };
  }

  async inputBox(options: vscode.InputBoxOptions): Promise<string | undefined> {
    const queue = this.script.inputBox;
    if (queue && queue.length > 0) return scriptedInput(queue.shift(), options);
    return this.inner.inputBox(options);
  }

  async quickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T | undefined> {
    const queue = this.script.quickPick;
    if (queue && queue.length > 0) {
      const label = queue.shift();
      return label === undefined ? undefined : items.find((item) => item.label === label || item.description === label);
    }
    return this.inner.quickPick(items, options);
  }

  async message(severity: MessageSeverity, text: string, actions: readonly string[], options?: MessageOptions): Promise<string | undefined> {
    const shown: ShownMessage = { severity, text: options?.detail ? `${text}\n${options.detail}` : text, actions: [...actions] };
    this.shown.push(shown);
    if (this.shown.length > MESSAGE_HISTORY) this.shown.shift();
    for (const listener of this.listeners) listener(shown);
    const queue = this.script.message;
    if (queue && queue.length > 0) return queue.shift();
    return this.inner.message(severity, text, actions, options);
  }

  async pickWorkspaceFolder(options: vscode.WorkspaceFolderPickOptions): Promise<vscode.WorkspaceFolder | undefined> {
    const queue = this.script.workspaceFolder;
    if (queue && queue.length > 0) return queue.shift();
    return this.inner.pickWorkspaceFolder(options);
  }

  async saveDialog(options: vscode.SaveDialogOptions): Promise<vscode.Uri | undefined> {
    const queue = this.script.saveDialog;
    if (queue && queue.length > 0) return queue.shift();
    return this.inner.saveDialog(options);
  }

  async openDialog(options: vscode.OpenDialogOptions): Promise<vscode.Uri[] | undefined> {
    const queue = this.script.openDialog;
    if (queue && queue.length > 0) return queue.shift();
    return this.inner.openDialog(options);
  }
}

/** A scripted input still goes through the box's own validation, as typing it would. */
async function scriptedInput(value: string | undefined, options: vscode.InputBoxOptions): Promise<string | undefined> {
  if (value === undefined) return undefined;
  const problem = await options.validateInput?.(value);
  if (problem) throw new Error(`Scripted input rejected by validation: ${typeof problem === 'string' ? problem : problem.message}`);
  return value;
}
