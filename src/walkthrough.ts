import * as vscode from 'vscode';
import type { ApiKeyStore } from './apiKey';
import type { JobManager } from './jobs/managerApi';
import type { JobRecord } from './jobs/types';

/**
 * The context keys the "Get started" walkthrough's steps complete on (`onContext:` in package.json). Each is
 * set when the thing really happened — never from a command merely being run — so a step ticks only once the
 * user has done it: a key is in SecretStorage; the job manager reports a record done; a record has a copy in
 * the workspace (Save, Insert or Generate Here).
 */
export const WALKTHROUGH_CONTEXT_KEYS = {
  apiKeyStored: 'apiframe.walkthrough.apiKeyStored',
  imageGenerated: 'apiframe.walkthrough.imageGenerated',
  imageSaved: 'apiframe.walkthrough.imageSaved',
} as const;

export type WalkthroughMilestone = keyof typeof WALKTHROUGH_CONTEXT_KEYS;

/** The walkthrough's id in package.json, and the step each milestone completes. */
const WALKTHROUGH_ID = 'apiframe.getStarted';
const STEP_OF: Readonly<Record<WalkthroughMilestone, string>> = {
  apiKeyStored: 'apiframe.setApiKey',
  imageGenerated: 'apiframe.generateFromSelection',
  imageSaved: 'apiframe.saveAndInsert',
};

/**
 * Follows the stored key and the job manager and sets the walkthrough's context keys. VS Code remembers a
 * completed step itself; the key for the API key goes back to false when the key is removed, so the context
 * always says what is true now.
 */
export class WalkthroughProgress implements vscode.Disposable {
  private readonly reached = new Set<WalkthroughMilestone>();
  private readonly watchedManagers = new WeakSet<JobManager>();
  private readonly subscriptions: { dispose(): void }[] = [];
  private keyCheck: Promise<void> = Promise.resolve();

  /**
   * @param extensionId this extension's id (`publisher.name`), which VS Code puts in front of the step ids; when
   * given, a reached milestone also marks its step complete directly (see `reach`).
   */
  constructor(
    private readonly apiKey: ApiKeyStore,
    private readonly extensionId?: string,
  ) {
    this.subscriptions.push(apiKey.onDidChange(() => this.checkKey()));
    this.checkKey();
  }

  /** Whether the milestone has been reached in this window (what the context key says). */
  hasReached(milestone: WalkthroughMilestone): boolean {
    return this.reached.has(milestone);
  }

  /** Settles once the latest look at SecretStorage has set (or cleared) the key's context. */
  whenKeyChecked(): Promise<void> {
    return this.keyCheck;
  }

  /**
   * Follows a job manager's changes (each manager once; the core makes a new one after a restart). Only
   * changes count, not the history as loaded: the step completes on the event itself.
   */
  watchJobs(manager: JobManager): void {
    if (this.watchedManagers.has(manager)) return;
    this.watchedManagers.add(manager);
    this.subscriptions.push(
      manager.onDidChange((_localId, record) => {
        if (record) this.recordChanged(record);
      }),
    );
  }

  dispose(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
  }

  private recordChanged(record: JobRecord): void {
    if (record.phase === 'done') this.reach('imageGenerated', true);
    if ((record.savedCopies ?? []).length > 0) this.reach('imageSaved', true);
  }

  private checkKey(): void {
    this.keyCheck = this.keyCheck
      .then(() => this.apiKey.get())
      .then(
        (key) => this.reach('apiKeyStored', key !== undefined),
        () => undefined,
      );
  }

  private reach(milestone: WalkthroughMilestone, value: boolean): void {
    if (value === this.reached.has(milestone)) return;
    if (value) this.reached.add(milestone);
    else this.reached.delete(milestone);
    void vscode.commands.executeCommand('setContext', WALKTHROUGH_CONTEXT_KEYS[milestone], value);
    // VS Code creates its walkthrough service lazily; a context key that is already true when the service
    // registers the steps is recorded as seen but never completes the step (its completion listener only
    // reacts to later changes). So the step is also marked complete right away, by VS Code's own command;
    // the onContext events in package.json remain the contract. A build without that command just ignores it.
    if (value && this.extensionId) {
      const stepId = `${this.extensionId}#${WALKTHROUGH_ID}#${STEP_OF[milestone]}`;
      void Promise.resolve(vscode.commands.executeCommand('welcome.markStepComplete', stepId)).catch(() => undefined);
    }
  }
}
