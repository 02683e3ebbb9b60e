import * as vscode from 'vscode';
import type { CoreServices } from '../container/services';
import type { GalleryActions } from '../gallery/galleryPanel';
import { shortPrompt } from '../progress/jobProgress';
import { saveRecord } from '../save/saveRecord';
import { generateImages, resumeRecord, submitAnewRecord } from './generation';
import { defaultImageOptions } from './imageOptions';

/**
 * What the gallery's buttons do. Every action looks the record up by id (the webview only ever sends ids)
 * and reports its own failures.
 */
export function createGalleryActions(services: CoreServices): GalleryActions {
  const withRecord = (name: string, run: (localId: string) => Promise<unknown>) => async (localId: string) => {
    try {
      const manager = await services.jobs();
      if (!manager.get(localId)) return undefined;
      return await run(localId);
    } catch (error) {
      services.errors.report(error, name);
      return undefined;
    }
  };
  const record = async (localId: string) => {
    const found = (await services.jobs()).get(localId);
    if (!found) throw new Error(`Unknown record ${localId}`);
    return found;
  };
  return {
    save: withRecord('Save to Workspace', async (id) => saveRecord(services, await record(id), { insert: false })),
    insert: withRecord('Insert into Editor', async (id) => saveRecord(services, await record(id), { insert: true, atCurrentSelection: true })),
    insertAtCursor: withRecord('Insert at Cursor', async (id) => saveRecord(services, await record(id), { insert: true, atCurrentSelection: true })),
    revealSaved: withRecord('Reveal in Explorer', async (id) => {
      const copy = [...((await record(id)).savedCopies ?? [])].reverse().find((c) => !c.missing);
      if (copy) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.parse(copy.uri));
    }),
    open: withRecord('Open', async (id) => {
      const file = (await services.jobs()).cachedFilePath(await record(id), 0);
      if (file) await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file), { preview: true, viewColumn: vscode.ViewColumn.Beside });
    }),
    copyPath: withRecord('Copy Path', async (id) => {
      const file = (await services.jobs()).cachedFilePath(await record(id), 0);
      if (file) await vscode.env.clipboard.writeText(file);
    }),
    copyPrompt: withRecord('Copy Prompt', async (id) => vscode.env.clipboard.writeText((await record(id)).prompt)),
    rerun: withRecord('Re-run', async (id) => {
      const { prompt, aspectRatio, style, origin } = await record(id);
      return generateImages(services, [{ prompt, origin }], defaultImageOptions({ aspectRatio, style }));
    }),
    delete: withRecord('Delete', async (id) => {
      const found = await record(id);
      const remove = vscode.l10n.t('Delete');
      const choice = await services.ui.message(
        'warning',
        vscode.l10n.t('Delete "{0}" from the history?', shortPrompt(found.prompt)),
        [remove],
        { modal: true, detail: vscode.l10n.t('The cached image is deleted too. Copies saved in the workspace stay.') },
      );
      if (choice === remove) await (await services.jobs()).delete(id);
    }),
    resume: withRecord('Resume', (id) => resumeRecord(services, id)),
    submitAnew: withRecord('Submit Anew', (id) => submitAnewRecord(services, id)),
    showLog: () => services.host.log.show(true),
    generate: () => vscode.commands.executeCommand('apiframe.generate'),
  };
}
