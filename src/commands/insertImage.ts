import type * as vscode from 'vscode';
import type { CoreServices } from '../core';
import { saveRecord } from './generation';
import { recordArgument } from './recordArgument';

/**
 * Internal `apiframe.insertImage(localId)` — saves a copy of the image into the workspace and inserts a
 * reference after the current editor's selection (or at the cursor), as ONE edit: one Undo removes both.
 */
export async function insertImage(services: CoreServices, args: readonly unknown[]): Promise<vscode.Uri | undefined> {
  const record = await recordArgument(services, args);
  return record ? saveRecord(services, record, { insert: true, atCurrentSelection: true }) : undefined;
}
