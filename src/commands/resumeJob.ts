import type { CoreServices } from '../core';
import type { JobRecord } from '../jobs/types';
import { resumeRecord } from './generation';

/** Internal `apiframe.resumeJob(localId)` — follows a job the user stopped waiting for (or that was interrupted). */
export async function resumeJob(services: CoreServices, args: readonly unknown[]): Promise<JobRecord | undefined> {
  const localId = args[0];
  return typeof localId === 'string' ? resumeRecord(services, localId) : undefined;
}
