import type * as vscode from 'vscode';
import type { CoreServices } from '../container/services';
import { saveRecord } from '../save/saveRecord';
import type { RecordArguments } from './commandArguments';
import { recordById } from './recordLookup';

/**
 * Internal `apiframe.insertImage(localId)` — saves a copy of the image into the workspace and inserts a
 * reference after the current editor's selection (or at the cursor), as ONE edit: one Undo removes both.
 */
export async function insertImage(services: CoreServices, { recordId }: RecordArguments): Promise<vscode.Uri | undefined> {
  const record = await recordById(services, recordId);
  return record ? saveRecord(services, record, { insert: true, atCurrentSelection: true }) : undefined;
}
