import type * as vscode from 'vscode';
import type { CoreServices } from '../container/services';
import { saveRecord } from '../save/saveRecord';
import type { RecordArguments } from './commandArguments';
import { recordById } from './recordLookup';

/** Internal `apiframe.saveImage(localId)` — saves the record's image into the workspace (gallery "Save to Workspace"). */
export async function saveImage(services: CoreServices, { recordId }: RecordArguments): Promise<vscode.Uri | undefined> {
  const record = await recordById(services, recordId);
  return record ? saveRecord(services, record, {}) : undefined;
}
