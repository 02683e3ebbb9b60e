import * as vscode from 'vscode';
import type { CoreServices } from '../container/services';
import { UserFacingError } from '../errors/userFacingError';
import { describeRecord } from '../jobs/jobTexts';
import { imageActionOf } from '../jobs/records';
import type { JobRecord } from '../jobs/types';
import * as settings from '../settings';
import { besideOriginalName, extensionOfMime, type ResultFileNameProblem } from '../workspace/besideOriginal';
import { rememberSavedCopy } from './savedCopies';
import { displayPath, saveToWorkspace } from './saveToWorkspace';

/** The command ids the "Saved beside" message offers (the second is the link swap's; it lives with its own command). */
const REPLACE_ORIGINAL_COMMAND = 'apiframe.replaceOriginal';
const USE_IN_DOCUMENT_COMMAND = 'apiframe.useNewImageInDocument';

/**
 * One save beside an original at a time: two results of one source finishing together must not both pick the
 * same free name (the second write would then be refused, as nothing is ever overwritten).
 */
let besideQueue: Promise<unknown> = Promise.resolve();

/**
 * Saves every image of a record made from a workspace file beside that file, named by `apiframe.resultFileName`
 * with the result's real extension (`logo.png` → `logo-no-bg.png`, then `logo-no-bg-2.png`: never overwriting),
 * and remembers each copy on the record. Resolves with the files written, in image order.
 */
export function saveBesideOriginal(services: CoreServices, record: JobRecord): Promise<vscode.Uri[]> {
  const turn = besideQueue.then(() => saveBesideNow(services, record));
  besideQueue = turn.catch(() => undefined);
  return turn;
}

async function saveBesideNow(services: CoreServices, record: JobRecord): Promise<vscode.Uri[]> {
  const sourceUri = record.input?.uri;
  if (sourceUri === undefined) return [];
  const source = vscode.Uri.parse(sourceUri);
  const folder = vscode.Uri.joinPath(source, '..');
  const sourceName = source.path.slice(source.path.lastIndexOf('/') + 1);
  const pattern = settings.resultFileName(folder);
  if ('problem' in pattern) throw new UserFacingError(resultFileNameProblemText(pattern.problem));
  const suffix = imageActionOf(record)?.suffix ?? 'edit';
  const manager = await services.jobs();
  const saved: vscode.Uri[] = [];
  for (const [index, image] of (record.files ?? []).entries()) {
    const cachedFile = manager.cachedFilePath(record, index);
    if (!cachedFile) continue;
    const extension = extensionOfMime(image.mime);
    const named = besideOriginalName({ pattern: pattern.pattern, sourceName, suffix, extension });
    if ('problem' in named) {
      throw new UserFacingError(vscode.l10n.t('apiframe.resultFileName gives the result of {0} a name the file system would refuse; choose a shorter or plainer pattern.', sourceName));
    }
    const result = await saveToWorkspace(services.ui, { cachedFile, fileName: named.name, extension, altText: '', targetFolder: folder, nameIsFinal: true });
    if (!result) continue;
    await rememberSavedCopy(services, record, result.uri, index);
    services.logger.info(`Saved ${describeRecord(record)} beside its source as ${displayPath(result.uri)}.`);
    saved.push(result.uri);
  }
  return saved;
}

/**
 * Saves the results beside the original and says so, offering Open, Replace Original and Use in Document
 * (for the first result). Failures are reported; the record keeps its images in the gallery either way.
 */
export async function saveBesideOriginalAndOffer(services: CoreServices, record: JobRecord): Promise<vscode.Uri[]> {
  const saved = await saveBesideOriginal(services, record);
  const [first] = saved;
  if (!first) return saved;
  const names = saved.map((uri) => uri.path.slice(uri.path.lastIndexOf('/') + 1)).join(', ');
  const open = vscode.l10n.t('Open');
  const replace = vscode.l10n.t('Replace Original');
  const useInDocument = vscode.l10n.t('Use in Document');
  const text = vscode.l10n.t('Saved {0} beside {1}', names, record.input?.name ?? '');
  void services.ui.message('info', text, [open, replace, useInDocument]).then(async (choice) => {
    try {
      if (choice === open) await vscode.commands.executeCommand('vscode.open', first);
      else if (choice === replace) await vscode.commands.executeCommand(REPLACE_ORIGINAL_COMMAND, record.localId, 0);
      else if (choice === useInDocument) await vscode.commands.executeCommand(USE_IN_DOCUMENT_COMMAND, record.localId, 0);
    } catch (error) {
      services.errors.report(error, choice ?? '');
    }
  });
  return saved;
}

function resultFileNameProblemText(problem: ResultFileNameProblem): string {
  switch (problem.kind) {
    case 'notText':
      return vscode.l10n.t('apiframe.resultFileName must be a name pattern such as ${name}-${suffix}.');
    case 'unknownVariable':
      return vscode.l10n.t('apiframe.resultFileName uses ${{0}}, which is unknown: use ${name} (the original name) and ${suffix} (no-bg, 2x, …).', problem.variable);
    case 'noVariable':
      return vscode.l10n.t('apiframe.resultFileName must use ${name} or ${suffix}, or every result would get the same name.');
    case 'separator':
      return vscode.l10n.t('apiframe.resultFileName cannot contain / or \\: results are saved beside their original.');
    case 'extension':
      return vscode.l10n.t('apiframe.resultFileName must not end in an extension: the result keeps its own (.png, .jpg, .webp).');
  }
}
