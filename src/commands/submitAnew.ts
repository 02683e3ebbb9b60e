import type { CoreServices } from '../container/services';
import type { JobRecord } from '../jobs/types';
import type { RecordArguments } from './commandArguments';
import { submitAnewRecord } from './generation';

/**
 * Internal `apiframe.submitAnew(localId)` — for a job whose earlier submit Apiframe could not account for: asks
 * for confirmation (a second job may be created and charged), then submits it again.
 */
export function submitAnew(services: CoreServices, { recordId }: RecordArguments): Promise<JobRecord | undefined> {
  return submitAnewRecord(services, recordId);
}
