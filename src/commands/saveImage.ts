import type * as vscode from 'vscode';
import type { CoreServices } from '../core';
import { saveRecord } from './generation';
import { recordArgument } from './recordArgument';

/** Internal `apiframe.saveImage(localId)` — saves the record's image into the workspace (gallery "Save to Workspace"). */
export async function saveImageCommand(services: CoreServices, args: readonly unknown[]): Promise<vscode.Uri | undefined> {
  const record = await recordArgument(services, args);
  return record ? saveRecord(services, record, { insert: false }) : undefined;
}
