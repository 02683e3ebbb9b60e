import { posix } from 'node:path';
import * as vscode from 'vscode';
import type { CoreServices } from '../container/services';
import type { JobRecord, SavedCopy } from '../jobs/types';
import { sitePaths } from '../settings';
import { linkSwaps } from '../workspace/linkSwap';
import type { RecordImageArguments } from './commandArguments';
import { recordById } from './recordLookup';

/** The copy of the record's image `index` saved last, if it still exists. */
function latestCopy(record: JobRecord, index: number): SavedCopy | undefined {
  return (record.savedCopies ?? []).filter((copy) => !copy.missing && copy.index === index).at(-1);
}

/** The files the result stands in for: the workspace file it was made from, or the saved copies of the gallery image. */
async function sourceFiles(services: CoreServices, record: JobRecord): Promise<vscode.Uri[]> {
  const input = record.input;
  if (input?.uri) return [vscode.Uri.parse(input.uri)];
  if (input?.localId === undefined) return [];
  const parent = (await services.jobs()).get(input.localId);
  return (parent?.savedCopies ?? []).filter((copy) => copy.index === (input.index ?? 0)).map((copy) => vscode.Uri.parse(copy.uri));
}

/** The documents open in editor tabs, the one the job came from first. */
async function openDocuments(record: JobRecord): Promise<vscode.TextDocument[]> {
  const uris = vscode.window.tabGroups.all.flatMap((group) => group.tabs.map((tab) => tab.input)).flatMap((input) => (input instanceof vscode.TabInputText ? [input.uri] : []));
  const origin = record.origin?.documentUri;
  const ordered = [...new Map([...(origin ? [vscode.Uri.parse(origin)] : []), ...uris].map((uri) => [uri.toString(), uri])).values()];
  const documents: vscode.TextDocument[] = [];
  for (const uri of ordered) {
    const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === uri.toString());
    // The origin document counts when it is open somewhere, even in no tab (a document another editor shows).
    if (open) documents.push(open);
    else if (uris.some((tab) => tab.toString() === uri.toString())) documents.push(await vscode.workspace.openTextDocument(uri));
  }
  return documents;
}

function sameResourceSpace(a: vscode.Uri, b: vscode.Uri): boolean {
  return a.scheme === b.scheme && a.authority === b.authority;
}

/**
 * Internal `apiframe.useNewImageInDocument(localId, index?)` — "Use in Document" on a result saved beside its
 * original: in the documents open in editors (the one the job came from first), every reference to the original
 * (Markdown, HTML `src`/`srcset`, CSS `url()`, JSX, imports) now points at the result, as ONE edit — one Undo
 * puts them all back. Says so when no open document referred to the original. Resolves to the number of
 * references changed.
 */
export async function useNewImageInDocument(services: CoreServices, { recordId, index }: RecordImageArguments): Promise<number> {
  const record = await recordById(services, recordId);
  if (!record) return 0;
  const result = latestCopy(record, index);
  const sources = await sourceFiles(services, record);
  if (!result || sources.length === 0) {
    void services.ui.message('warning', vscode.l10n.t('This image is not saved beside an original in the workspace, so there is no reference to replace.'), []);
    return 0;
  }
  const target = vscode.Uri.parse(result.uri);
  const edit = new vscode.WorkspaceEdit();
  const changed: string[] = [];
  let count = 0;
  for (const document of await openDocuments(record)) {
    if (document.isUntitled || !sameResourceSpace(document.uri, target)) continue;
    const folder = vscode.workspace.getWorkspaceFolder(document.uri);
    const served = folder ? sitePaths(folder.uri) : undefined;
    const swaps = sources.filter((source) => sameResourceSpace(source, target)).flatMap((source) =>
      linkSwaps({
        text: document.getText(),
        languageId: document.languageId,
        documentPath: document.uri.path,
        ...(folder ? { workspaceFolderPath: folder.uri.path } : {}),
        ...(served?.ok ? { sitePaths: served.mappings } : {}),
        sourcePath: source.path,
        targetPath: target.path,
      }),
    );
    if (swaps.length === 0) continue;
    for (const swap of swaps) edit.replace(document.uri, new vscode.Range(document.positionAt(swap.start), document.positionAt(swap.end)), swap.text);
    changed.push(vscode.workspace.asRelativePath(document.uri));
    count += swaps.length;
  }
  const from = posix.basename(sources[0]?.path ?? '');
  const to = posix.basename(target.path);
  if (count === 0) {
    void services.ui.message('info', vscode.l10n.t('No open document refers to {0}, so nothing was changed. Open the document that shows it and try again.', from), []);
    return 0;
  }
  if (!(await vscode.workspace.applyEdit(edit))) {
    void services.ui.message('warning', vscode.l10n.t('The references to {0} could not be changed (a document may be read-only or changed meanwhile).', from), []);
    return 0;
  }
  services.logger.info(`Use in Document: ${count} reference(s) to ${from} now point at ${to} (${changed.join(', ')}).`);
  const text =
    count === 1
      ? vscode.l10n.t('Replaced the reference to {0} with {1} in {2}. Undo puts it back.', from, to, changed.join(', '))
      : vscode.l10n.t('Replaced {0} references to {1} with {2} in {3}. Undo puts them back.', count, from, to, changed.join(', '));
  void services.ui.message('info', text, []);
  return count;
}
