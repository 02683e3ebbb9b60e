import type { CoreServices } from '../core';
import type { JobRecord } from '../jobs/types';
import { submitAnewRecord } from './generation';

/**
 * Internal `apiframe.submitAnew(localId)` — for a job whose earlier submit Apiframe could not account for: asks
 * for confirmation (a second job may be created and charged), then submits it again.
 */
export async function submitAnew(services: CoreServices, args: readonly unknown[]): Promise<JobRecord | undefined> {
  const localId = args[0];
  return typeof localId === 'string' ? submitAnewRecord(services, localId) : undefined;
}
