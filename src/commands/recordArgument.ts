import type { CoreServices } from '../core';
import type { JobRecord } from '../jobs/types';

/** The record an internal command is about: its first argument is a local id (gallery, notifications, tests). */
export async function recordArgument(services: CoreServices, args: readonly unknown[]): Promise<JobRecord | undefined> {
  const localId = args[0];
  if (typeof localId !== 'string') return undefined;
  const manager = await services.jobs();
  const record = manager.get(localId);
  if (!record) services.logger.debug(`Ignored a command for an unknown record ${localId.slice(0, 64)}`);
  return record;
}
