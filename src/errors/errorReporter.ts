import * as vscode from 'vscode';
import type { UserInterface } from '../container/userInterface';
import { JobStoppedError } from '../jobs/managerApi';
import type { Logger } from '../shared/logger';
import { describeError, type DescribedError } from './describeError';
import { UserFacingError } from './userFacingError';

export interface ErrorReporterOptions {
  readonly ui: UserInterface;
  /** Already redacting (see SecretRedactor). */
  readonly logger: Logger;
  /** Every key this window has handled: no text shown may carry one. */
  readonly knownKeys: () => readonly string[];
  /** Reveals the extension's log (the "Show Log" action). */
  readonly showLog: () => void;
}

/** Which actions a failure's notification offers. */
export interface FailureActions {
  /** "Set API Key": the failure is about the key (none stored, rejected, not allowed). */
  readonly setApiKey: boolean;
  /** "Show Log": the log has more than the sentence shown. */
  readonly showLog: boolean;
  /** "Buy Credits": Apiframe refused for lack of credits; opens Apiframe's site, where the team's plan is managed. */
  readonly openBilling?: boolean;
}

/**
 * Where the team buys credits. The API's description names no billing or dashboard address; this is the
 * contact URL its `info` gives, the site whose account pages hold the plan and the credits.
 */
export const APIFRAME_BILLING_URL = 'https://apiframe.ai';

/**
 * The one place that turns a failure into what the user sees: a redacted, localized sentence in an error
 * notification with the actions that help, and a log line. Commands, gallery buttons and job follow-ups all
 * report through it, so every failure offers the same choices and nothing shown can carry a key.
 */
export class ErrorReporter {
  constructor(private readonly options: ErrorReporterOptions) {}

  /**
   * Logs `error` under `context` (a command id, or what was being done) and shows it. Cancellations are
   * the user's own doing and a job that stopped being followed (window closing, record deleted) is expected:
   * neither is shown.
   */
  report(error: unknown, context: string): void {
    if (error instanceof vscode.CancellationError) return;
    if (error instanceof JobStoppedError) {
      this.options.logger.info(`${context}: ${error.message}`);
      return;
    }
    const described = this.describe(error);
    // The class name helps to find an unexpected failure in the code; our own sentences need none.
    const detail = error instanceof Error && !(error instanceof UserFacingError) ? ` (${error.name})` : '';
    this.options.logger.error(`${context}: ${described.text}${detail}`);
    this.notify(described.text, { setApiKey: described.offerSetKey, showLog: true, openBilling: described.offerBilling });
  }

  /** The sentence for `error`, redacted with every known key and `alsoMask` (a key not stored yet). */
  describe(error: unknown, alsoMask: readonly string[] = []): DescribedError {
    return describeError(error, [...this.options.knownKeys(), ...alsoMask]);
  }

  /** Shows an already worded (and redacted) failure with the chosen actions, and carries out the one picked. */
  notify(text: string, actions: FailureActions): void {
    const setKey = vscode.l10n.t('Set API Key');
    const showLog = vscode.l10n.t('Show Log');
    const buyCredits = vscode.l10n.t('Buy Credits');
    const titles = [...(actions.openBilling ? [buyCredits] : []), ...(actions.setApiKey ? [setKey] : []), ...(actions.showLog ? [showLog] : [])];
    void this.options.ui.message('error', text, titles).then((choice) => {
      if (choice === buyCredits) void this.options.ui.openExternal(vscode.Uri.parse(APIFRAME_BILLING_URL));
      if (choice === setKey) void vscode.commands.executeCommand('apiframe.setApiKey');
      if (choice === showLog) this.options.showLog();
    });
  }
}
