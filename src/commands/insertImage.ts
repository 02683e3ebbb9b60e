import type * as vscode from 'vscode';
import type { CoreServices } from '../container/services';
import { GalleryPanel } from '../gallery/galleryPanel';
import { saveRecord } from '../save/saveRecord';
import type { RecordArguments } from './commandArguments';
import { recordById } from './recordLookup';

/**
 * Internal `apiframe.insertImage(localId)` — inserts a reference after the selection the job came from (its
 * document opened when closed), else after the current editor's selection. It links the copy already saved
 * when there is one; otherwise it saves the image too, in ONE edit: one Undo removes both.
 */
export async function insertImage(services: CoreServices, { recordId }: RecordArguments): Promise<vscode.Uri | undefined> {
  const record = await recordById(services, recordId);
  return record ? saveRecord(services, record, { insert: 'editor', galleryColumn: GalleryPanel.current?.panel.viewColumn }) : undefined;
}
