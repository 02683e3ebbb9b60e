/**
 * The language-model tool API of VS Code ≥ 1.95 (stable since then), which the pinned `@types/vscode` 1.90
 * predates. Only what the extension uses is declared, with the shapes of the real `vscode.d.ts`; at run time
 * the extension feature-detects `vscode.lm.registerTool`, so it still runs on 1.90 (without the tool).
 * Everything is marked optional where 1.90 does not have it, so no call can compile without a check.
 */
/* The unions below are the real API's own (`ChatParticipantToolToken | undefined`, `LanguageModelTextPart | unknown`):
   kept as written there, so this file can be checked against vscode.d.ts line by line. */
/* eslint-disable @typescript-eslint/no-redundant-type-constituents */
declare module 'vscode' {
  export namespace lm {
    /**
     * Registers a tool a language model may invoke; it must also be listed in `contributes.languageModelTools`.
     * Undefined before VS Code 1.95.
     */
    export const registerTool: (<T>(name: string, tool: LanguageModelTool<T>) => Disposable) | undefined;
    /** Every registered tool of every extension. Undefined before VS Code 1.95. */
    export const tools: readonly LanguageModelToolInformation[] | undefined;
    /** Invokes a tool listed in {@link lm.tools} by name; the input is validated against its schema. Undefined before VS Code 1.95. */
    export const invokeTool:
      | ((name: string, options: LanguageModelToolInvocationOptions<object>, token?: CancellationToken) => Thenable<LanguageModelToolResult>)
      | undefined;
  }

  /** Comes with a chat request; a tool invoked outside a chat (a test, another extension) gets `undefined`. */
  export type ChatParticipantToolToken = never;

  export interface LanguageModelToolInformation {
    readonly name: string;
    readonly description: string;
    readonly inputSchema: object | undefined;
    readonly tags: readonly string[];
  }

  export interface LanguageModelToolInvocationOptions<T> {
    readonly toolInvocationToken: ChatParticipantToolToken | undefined;
    /** Already validated against the tool's declared `inputSchema` when VS Code invokes the tool. */
    readonly input: T;
  }

  export interface LanguageModelToolInvocationPrepareOptions<T> {
    readonly input: T;
  }

  export interface LanguageModelToolConfirmationMessages {
    title: string;
    message: string | MarkdownString;
  }

  export interface PreparedToolInvocation {
    invocationMessage?: string | MarkdownString;
    confirmationMessages?: LanguageModelToolConfirmationMessages;
  }

  export interface LanguageModelTool<T> {
    invoke(options: LanguageModelToolInvocationOptions<T>, token: CancellationToken): ProviderResult<LanguageModelToolResult>;
    /** Free of side effects; not necessarily followed by `invoke`. */
    prepareInvocation?(options: LanguageModelToolInvocationPrepareOptions<T>, token: CancellationToken): ProviderResult<PreparedToolInvocation>;
  }

  /** Undefined before VS Code 1.95 (only constructed where the tool API exists). */
  export class LanguageModelTextPart {
    value: string;
    constructor(value: string);
  }

  export class LanguageModelToolResult {
    content: (LanguageModelTextPart | unknown)[];
    constructor(content: (LanguageModelTextPart | unknown)[]);
  }
}
