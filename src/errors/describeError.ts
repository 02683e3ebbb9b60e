import * as vscode from 'vscode';
import { isApiframeError } from '../apiframe/errors';
import { redactSecrets } from '../apiframe/redact';
import { MissingApiKeyError } from '../apiKey';
import { errorText } from '../shared/errorText';

/** A user-facing description of a failure: one sentence, localized, redacted, and the actions that help. */
export interface DescribedError {
  readonly text: string;
  /** The failure is about the key (none, invalid, inactive): offer "Set API Key". */
  readonly offerSetKey: boolean;
  /** Apiframe refused for lack of credits: offer the page where credits are bought. */
  readonly offerBilling?: boolean;
}

function serverText(serverMessage: string | undefined): string {
  return serverMessage ? ` (${serverMessage})` : '';
}

/**
 * Turns any failure into the sentence the user sees. Apiframe errors are described from their code and the
 * server's own `error` text (so "each server error shows its message"); everything passes `redactSecrets`
 * with the current key, so no message can carry it even if a lower layer slipped.
 */
export function describeError(error: unknown, secrets: readonly string[]): DescribedError {
  const redact = (text: string): string => redactSecrets(text, secrets);
  if (error instanceof MissingApiKeyError) {
    return { text: vscode.l10n.t('No Apiframe API key is set. Set one to generate images.'), offerSetKey: true };
  }
  if (isApiframeError(error)) {
    const server = redact(serverText(error.serverMessage));
    switch (error.code) {
      case 'unauthorized':
        return { text: vscode.l10n.t('Apiframe rejected the API key{0}. Set a valid key.', server), offerSetKey: true };
      case 'forbidden':
        return { text: vscode.l10n.t('The API key is not allowed to do this{0}.', server), offerSetKey: true };
      case 'insufficientCredits':
        if (error.creditsRequired !== undefined && error.creditsAvailable !== undefined) {
          return {
            text: vscode.l10n.t(
              'Not enough Apiframe credits: this image needs {0}, the account has {1}.',
              error.creditsRequired,
              error.creditsAvailable,
            ),
            offerSetKey: false,
            offerBilling: true,
          };
        }
        return { text: vscode.l10n.t('Not enough Apiframe credits{0}.', server), offerSetKey: false, offerBilling: true };
      case 'validation': {
        const details = Object.entries(error.details ?? {})
          .map(([field, messages]) => `${field}: ${messages.join(', ')}`)
          .join('; ');
        return {
          text: vscode.l10n.t('Apiframe refused the request{0}.', redact(serverText(details || error.serverMessage))),
          offerSetKey: false,
        };
      }
      case 'rateLimited':
        return { text: vscode.l10n.t('Apiframe is rate limiting requests{0}. Try again in a moment.', server), offerSetKey: false };
      case 'serverUnavailable':
      case 'serverError':
        return { text: vscode.l10n.t('Apiframe is not available right now{0}. Try again later.', server), offerSetKey: false };
      case 'network':
        return { text: vscode.l10n.t('Could not reach Apiframe: {0}', redact(error.message)), offerSetKey: false };
      case 'timeout':
        return { text: vscode.l10n.t('Apiframe did not answer in time. Try again, or raise the request timeout.'), offerSetKey: false };
      case 'invalidBaseUrl':
        return { text: vscode.l10n.t('Check the setting apiframe.baseUrl: {0}', redact(error.message)), offerSetKey: false };
      default:
        return { text: redact(error.message), offerSetKey: false };
    }
  }
  const message = errorText(error);
  return { text: redact(message), offerSetKey: false };
}
