import type { CoreServices } from '../container/services';
import type { JobRecord } from '../jobs/types';

/**
 * The record an internal command is about. An id that is not (or no longer) in the history is not an error
 * to show: a notification's button may be clicked after its record was deleted, here or in another window.
 */
export async function recordById(services: CoreServices, localId: string): Promise<JobRecord | undefined> {
  const record = (await services.jobs()).get(localId);
  if (!record) services.logger.debug(`Ignored a command for an unknown record ${localId.slice(0, 64)}`);
  return record;
}
