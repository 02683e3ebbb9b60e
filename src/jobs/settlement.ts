/**
 * Where a record ends up after the error that stopped its task: expired, waiting for a decision, failed
 * (only when nothing can have been created), or detached and resumable with the reason. Pure: the manager
 * handles stops (dispose, delete, "stop waiting") itself, then applies this and writes the log line.
 */
import { describeError, describeRecord } from './jobTexts';
import {
  creditsShortfallOf,
  isDefinitiveRefusal,
  isKeyProblem,
  isPermanentDownloadFailure,
  isTimeoutOfWait,
  NeedsDecisionError,
  ResultsExpiredError,
} from './stepFailures';
import type { JobRecord } from './types';

export interface Settlement {
  /** The change to the record. */
  readonly patch: Partial<JobRecord>;
  /** What the log should say about it, if anything. */
  readonly log?: { readonly level: 'info' | 'warn'; readonly message: string };
}

export function settlementAfter(error: unknown, record: JobRecord): Settlement {
  const text = describeError(error);
  if (error instanceof ResultsExpiredError) return { patch: { phase: 'expired', error: text } };
  if (error instanceof NeedsDecisionError) {
    return {
      patch: { phase: 'needs-decision', decision: error.decision, interruption: text, ...(error.keyProblem ? { keyProblem: true } : {}) },
      log: { level: 'warn', message: `Job ${describeRecord(record)} needs the user's decision: ${text}` },
    };
  }
  // `submit` turns every refusal that could hide a created job into a reconciliation: what arrives here is final.
  if (record.phase === 'pending-submit' && isDefinitiveRefusal(error)) {
    const creditsShort = creditsShortfallOf(error);
    return { patch: { phase: 'failed', error: text, ...(isKeyProblem(error) ? { keyProblem: true } : {}), ...(creditsShort ? { creditsShort } : {}) } };
  }
  if (record.phase === 'downloading' && isPermanentDownloadFailure(error)) {
    return {
      patch: { phase: 'detached', interruption: `The image could not be saved: ${text}` },
      log: { level: 'warn', message: `Job ${describeRecord(record)}: the image could not be saved: ${text}` },
    };
  }
  const log: Settlement['log'] = isTimeoutOfWait(error, record)
    ? { level: 'info', message: `Job ${describeRecord(record)}: stopped waiting after the wait limit; it can be resumed.` }
    : { level: 'warn', message: `Job ${describeRecord(record)} interrupted in phase ${record.phase}: ${text}` };
  // A key Apiframe refused while following (changed or revoked meanwhile): the stopped notice offers Set API Key.
  return { patch: { phase: 'detached', interruption: text, ...(isKeyProblem(error) ? { keyProblem: true } : {}) }, log };
}
