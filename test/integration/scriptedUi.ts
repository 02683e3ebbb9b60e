// The suite's stand-in for the user, installed into the extension through its test hooks (testApi.ts): every
// message the extension shows is recorded (the key-leak scan searches them too), and prompts are answered from
// a script instead of waiting for real input boxes. A prompt with no scripted answer goes to VS Code's window.
import * as vscode from 'vscode';
import { windowUi, type MessageOptions, type MessageSeverity, type UserInterface } from '../../src/container/userInterface';

export interface ShownMessage {
  readonly severity: MessageSeverity;
  readonly text: string;
  readonly actions: readonly string[];
}

/** Answers, consumed in order; a prompt with no scripted answer falls through to the real UI. */
export interface ScriptedAnswers {
  inputBox?: (string | undefined)[];
  /** Label (or description) of the item to choose. */
  quickPick?: (string | undefined)[];
  /** Labels (or descriptions) of the items to check in the next multi-select pick (undefined = dismiss). */
  quickPickMany?: (readonly string[] | undefined)[];
  /** Action title to choose for the next message (undefined = dismiss). */
  message?: (string | undefined)[];
  workspaceFolder?: (vscode.WorkspaceFolder | undefined)[];
  saveDialog?: (vscode.Uri | undefined)[];
  openDialog?: (vscode.Uri[] | undefined)[];
}

/** How many shown messages are remembered (a bounded ring, newest last). */
const MESSAGE_HISTORY = 200;

export class ScriptedUi implements UserInterface {
  private readonly shown: ShownMessage[] = [];
  /** Status-bar confirmations shown so far (bounded), oldest first. */
  readonly statusMessages: string[] = [];
  /** Files revealed in the Explorer so far (bounded), oldest first. */
  readonly revealed: vscode.Uri[] = [];
  /** Web pages the extension asked to open (bounded), oldest first; never opened for real during the suite. */
  readonly openedExternally: vscode.Uri[] = [];
  private readonly listeners = new Set<(message: ShownMessage) => void>();
  private script: ScriptedAnswers = {};

  constructor(private readonly inner: UserInterface = windowUi) {}

  /** Every message shown so far (bounded), oldest first. */
  get messages(): readonly ShownMessage[] {
    return this.shown;
  }

  /** Calls `listener` for each message shown from now on. */
  onMessage(listener: (message: ShownMessage) => void): vscode.Disposable {
    this.listeners.add(listener);
    return new vscode.Disposable(() => this.listeners.delete(listener));
  }

  /** Replaces the scripted answers. */
  answer(script: ScriptedAnswers): void {
    this.script = {
      inputBox: [...(script.inputBox ?? [])],
      quickPick: [...(script.quickPick ?? [])],
      quickPickMany: [...(script.quickPickMany ?? [])],
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

  /** The items of every single-select pick shown so far (bounded), oldest first. */
  readonly picks: (readonly vscode.QuickPickItem[])[] = [];
  /** The title of every single-select pick shown so far (bounded), oldest first. */
  readonly pickTitles: (string | undefined)[] = [];

  async quickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T | undefined> {
    remember(this.picks, [...items]);
    remember(this.pickTitles, options.title);
    const queue = this.script.quickPick;
    if (queue && queue.length > 0) {
      const label = queue.shift();
      return label === undefined ? undefined : items.find((item) => item.label === label || item.description === label);
    }
    return this.inner.quickPick(items, options);
  }

  /** Every multi-select pick shown so far, as its items' labels (bounded), oldest first. */
  readonly multiPicks: string[][] = [];

  async quickPickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T[] | undefined> {
    remember(this.multiPicks, items.map((item) => item.label));
    const queue = this.script.quickPickMany;
    if (queue && queue.length > 0) {
      const labels = queue.shift();
      return labels === undefined ? undefined : items.filter((item) => labels.includes(item.label) || (item.description !== undefined && labels.includes(item.description)));
    }
    return this.inner.quickPickMany(items, options);
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

  statusMessage(text: string, timeoutMs: number): void {
    remember(this.statusMessages, text);
    this.inner.statusMessage(text, timeoutMs);
  }

  async revealInExplorer(uri: vscode.Uri): Promise<void> {
    remember(this.revealed, uri);
    await this.inner.revealInExplorer(uri);
  }

  /** Records the page instead of opening a browser (code-server would open a tab in the suite's Chromium). */
  async openExternal(uri: vscode.Uri): Promise<boolean> {
    remember(this.openedExternally, uri);
    return Promise.resolve(true);
  }
}

/** Appends to a bounded list (newest last). */
function remember<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > MESSAGE_HISTORY) list.shift();
}

/** A scripted input still goes through the box's own validation, as typing it would. */
async function scriptedInput(value: string | undefined, options: vscode.InputBoxOptions): Promise<string | undefined> {
  if (value === undefined) return undefined;
  const problem = await options.validateInput?.(value);
  if (problem) throw new Error(`Scripted input rejected by validation: ${typeof problem === 'string' ? problem : problem.message}`);
  return value;
}
