import type { CoreServices } from '../container/services';
import type { JobRecord } from '../jobs/types';
import type { RecordArguments } from './commandArguments';
import { resumeRecord } from './generation';

/** Internal `apiframe.resumeJob(localId)` — follows a job the user stopped waiting for (or that was interrupted). */
export function resumeJob(services: CoreServices, { recordId }: RecordArguments): Promise<JobRecord | undefined> {
  return resumeRecord(services, recordId);
}
