import * as vscode from 'vscode';

export type MessageSeverity = 'info' | 'warning' | 'error';

export interface MessageOptions {
  /** A modal dialog (used for confirmations such as Delete). */
  readonly modal?: boolean;
  readonly detail?: string;
}

/**
 * Every prompt and message the commands show goes through this port, never through `vscode.window` directly,
 * so there is one place where the integration suite can stand in for the user (see testHooks.ts) — it answers
 * prompts and reads every text shown, which its key-leak scan searches too.
 */
export interface UserInterface {
  inputBox(options: vscode.InputBoxOptions): Promise<string | undefined>;
  quickPick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T | undefined>;
  /** A quick pick with check boxes (items with `picked` start checked); undefined when dismissed. */
  quickPickMany<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T[] | undefined>;
  /** Shows a message; resolves with the chosen action title, or undefined when dismissed. */
  message(severity: MessageSeverity, text: string, actions: readonly string[], options?: MessageOptions): Promise<string | undefined>;
  pickWorkspaceFolder(options: vscode.WorkspaceFolderPickOptions): Promise<vscode.WorkspaceFolder | undefined>;
  saveDialog(options: vscode.SaveDialogOptions): Promise<vscode.Uri | undefined>;
  openDialog(options: vscode.OpenDialogOptions): Promise<vscode.Uri[] | undefined>;
  /** A short confirmation in the status bar ("Copied …"), gone after `timeoutMs`. */
  statusMessage(text: string, timeoutMs: number): void;
  /** Shows a file in the Explorer (selects it and opens the view). */
  revealInExplorer(uri: vscode.Uri): Promise<void>;
  /** Opens a web page in the user's browser (VS Code asks first for a site not trusted yet). */
  openExternal(uri: vscode.Uri): Promise<boolean>;
}

/** The port as the user meets it: VS Code's own input boxes, quick picks, notifications and dialogs. */
export const windowUi: UserInterface = {
  async inputBox(options) {
    return vscode.window.showInputBox(options);
  },
  async quickPick(items, options) {
    return vscode.window.showQuickPick([...items], options);
  },
  async quickPickMany(items, options) {
    return vscode.window.showQuickPick([...items], { ...options, canPickMany: true });
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
  statusMessage(text, timeoutMs) {
    vscode.window.setStatusBarMessage(text, timeoutMs);
  },
  async revealInExplorer(uri) {
    await vscode.commands.executeCommand('revealInExplorer', uri);
  },
  async openExternal(uri) {
    return vscode.env.openExternal(uri);
  },
};
