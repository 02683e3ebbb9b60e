import * as vscode from 'vscode';
import type { CoreServices } from '../container/services';
import { columnBesideGallery } from '../editor/editorGroups';
import { GalleryPanel, type GalleryActions } from '../gallery/galleryPanel';
import { describeRecord } from '../jobs/jobTexts';
import type { JobRecord } from '../jobs/types';
import { shortPrompt } from '../progress/jobProgress';
import { liveSavedCopy, watchSavedCopies } from '../save/savedCopies';
import { saveRecord } from '../save/saveRecord';
import { rerunRecord, resumeRecord, submitAnewRecord } from './generation';
import { runImageAction } from './imageAction';
import type { GridAction } from '../gallery/protocol';
import type { MidjourneyActionRequest } from '../apiframe/imageOperations';

/**
 * What the gallery's buttons do. Every action looks the record up by id (the webview only ever sends ids)
 * and reports its own failures.
 */
export function createGalleryActions(services: CoreServices): GalleryActions {
  const withRecord = (name: string, run: (localId: string, index: number) => Promise<unknown>) => async (localId: string, index = 0) => {
    try {
      const manager = await services.jobs();
      if (!manager.get(localId)) return undefined;
      return await run(localId, index);
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
  // The cards show where images were saved: keep that true while the gallery can be open.
  watchSavedCopies(services);
  const galleryColumn = (): vscode.ViewColumn | undefined => GalleryPanel.current?.panel.viewColumn;
  return {
    save: withRecord('Save to Workspace', async (id, index) => saveRecord(services, await record(id), { index })),
    insert: withRecord('Insert into Editor', async (id, index) =>
      saveRecord(services, await record(id), { insert: 'editor', galleryColumn: galleryColumn(), index }),
    ),
    insertAtCursor: withRecord('Insert at Cursor', async (id, index) => saveRecord(services, await record(id), { insert: 'cursor', index })),
    revealSaved: withRecord('Reveal in Explorer', async (id, index) => {
      const found = await record(id);
      const copy = await liveSavedCopy(services, found, index);
      if (copy) {
        await services.ui.revealInExplorer(copy);
        return copy;
      }
      const save = vscode.l10n.t('Save to Workspace');
      const choice = await services.ui.message('info', vscode.l10n.t('"{0}" has no saved copy in the workspace any more.', shortPrompt(found.prompt)), [save]);
      return choice === save ? saveRecord(services, found, { index }) : undefined;
    }),
    open: withRecord('Open', async (id, index) => {
      const found = await record(id);
      // The saved copy is the file the user works with; the cached image only stands in until there is one.
      const cached = (await services.jobs()).cachedFilePath(found, index);
      const file = (await liveSavedCopy(services, found, index)) ?? (cached === undefined ? undefined : vscode.Uri.file(cached));
      if (!file) return undefined;
      const viewColumn = columnBesideGallery(galleryColumn(), services.editors.current());
      await vscode.commands.executeCommand('vscode.open', file, { preview: true, viewColumn });
      return file;
    }),
    copyPath: withRecord('Copy Path', async (id, index) => {
      const found = await record(id);
      const copy = await liveSavedCopy(services, found, index);
      if (copy) return copySavedPath(services, found, copy);
      const saveAndCopy = vscode.l10n.t('Save and Copy Path');
      const choice = await services.ui.message('info', vscode.l10n.t('"{0}" is not saved in the workspace yet.', shortPrompt(found.prompt)), [saveAndCopy]);
      if (choice !== saveAndCopy) return undefined;
      const saved = await saveRecord(services, found, { index });
      return saved && copySavedPath(services, found, saved);
    }),
    copyPrompt: withRecord('Copy Prompt', async (id) => {
      await vscode.env.clipboard.writeText((await record(id)).prompt);
      services.ui.statusMessage(vscode.l10n.t('$(check) Copied the prompt'), STATUS_MESSAGE_MS);
    }),
    // The record's own model and parameter block (seed included), not today's settings.
    rerun: withRecord('Re-run', async (id) => rerunRecord(services, await record(id))),
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
    gridAction: async (localId: string, action: GridAction, index: number) => {
      const number = index + 1;
      const label = action === 'upsample' ? vscode.l10n.t('Upscale {0}', number) : vscode.l10n.t('Vary {0}', number);
      try {
        const grid = await record(localId);
        if (grid.jobId === undefined) return undefined;
        // Midjourney numbers a grid's images 1–4 (the request's schema takes exactly those).
        const request = { action, parentJobId: grid.jobId, index: number } as MidjourneyActionRequest;
        return await runImageAction(services, {
          job: { operation: { kind: 'midjourneyAction', request } },
          label,
          suffix: `${action === 'upsample' ? 'u' : 'v'}${number}`,
          input: { localId, index, name: shortPrompt(grid.prompt) },
        });
      } catch (error) {
        services.errors.report(error, label);
        return undefined;
      }
    },
    openSource: withRecord('Open Source Image', async (id) => {
      const input = (await record(id)).input;
      if (input?.localId !== undefined) {
        // A gallery image: its own card, if it is still in the history.
        if ((await services.jobs()).get(input.localId)) GalleryPanel.current?.revealItem(input.localId);
        else services.ui.statusMessage(vscode.l10n.t('"{0}" is no longer in the gallery.', input.name), STATUS_MESSAGE_MS);
        return input.localId;
      }
      if (input?.uri === undefined) return undefined;
      const file = vscode.Uri.parse(input.uri, true);
      try {
        await vscode.workspace.fs.stat(file);
      } catch {
        services.ui.statusMessage(vscode.l10n.t('"{0}" is no longer there.', input.name), STATUS_MESSAGE_MS);
        return undefined;
      }
      const viewColumn = columnBesideGallery(galleryColumn(), services.editors.current());
      await vscode.commands.executeCommand('vscode.open', file, { preview: true, viewColumn });
      return file;
    }),
    resume: withRecord('Resume', (id) => resumeRecord(services, id)),
    submitAnew: withRecord('Submit Anew', (id) => submitAnewRecord(services, id)),
    showLog: () => services.host.log.show(true),
    generate: () => vscode.commands.executeCommand('apiframe.generate'),
  };
}

/** How long a "Copied …" confirmation stays in the status bar. */
const STATUS_MESSAGE_MS = 4000;

/** Copies the workspace-relative path of a saved copy and confirms it in the status bar. */
async function copySavedPath(services: CoreServices, record: JobRecord, copy: vscode.Uri): Promise<string> {
  const path = vscode.workspace.asRelativePath(copy, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
  await vscode.env.clipboard.writeText(path);
  services.ui.statusMessage(vscode.l10n.t('$(check) Copied {0}', path), STATUS_MESSAGE_MS);
  services.logger.info(`Copied the path ${path} of ${describeRecord(record)}.`);
  return path;
}
