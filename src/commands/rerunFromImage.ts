import * as vscode from 'vscode';
import type { CoreServices } from '../container/services';
import { UserFacingError } from '../errors/userFacingError';
import { MAX_IMAGE_BYTES, readImageMetadata, type ImageMetadata } from '../imageMetadata';
import type { JobRecord } from '../jobs/types';
import { shortPrompt } from '../progress/jobProgress';
import { displayPath } from '../save/saveToWorkspace';
import type { RerunFromImageArguments } from './commandArguments';
import { rerunRequest } from './generation';
import { actionImageFile } from './imageAction';

/**
 * `Apiframe: Re-run from Image` — on an image in the Explorer (or its preview, or one picked from the palette):
 * reads the request saved inside the image (prompt, model, the model's parameters with its seed), shows it,
 * and after the user's confirmation (it costs credits) sends the same request again; the new image is saved
 * next to the old one. An image without our metadata gets a message that says what to do instead.
 */
export async function rerunFromImage(services: CoreServices, given: RerunFromImageArguments): Promise<JobRecord[]> {
  const file = await actionImageFile(services, given.file, vscode.l10n.t('Re-run'));
  if (!file) return [];
  const metadata = await metadataOf(services, file);
  if (!metadata) return [];
  const rerun = vscode.l10n.t('Re-run');
  const choice = await services.ui.message('info', vscode.l10n.t('Re-run the request saved in {0}?', displayPath(file)), [rerun], {
    modal: true,
    detail: describeRequest(metadata),
  });
  if (choice !== rerun) return [];
  services.logger.info(`Re-run from ${displayPath(file)}: model ${metadata.model}${metadata.jobId ? `, first made by job ${metadata.jobId}` : ''}.`);
  const folder = vscode.Uri.joinPath(file, '..');
  return rerunRequest(services, {
    prompt: metadata.prompt,
    model: metadata.model,
    params: metadata.params,
    aspectRatio: metadata.aspectRatio,
    origin: { targetFolderUri: folder.toString() },
  });
}

/** The checked metadata of `file`; otherwise tells the user why there is nothing to re-run and returns undefined. */
async function metadataOf(services: CoreServices, file: vscode.Uri): Promise<ImageMetadata | undefined> {
  const name = displayPath(file);
  const stat = await vscode.workspace.fs.stat(file);
  if (stat.size > MAX_IMAGE_BYTES) throw new UserFacingError(vscode.l10n.t('{0} is not a PNG, JPEG or WebP image.', name));
  const lookup = readImageMetadata(await vscode.workspace.fs.readFile(file));
  switch (lookup.kind) {
    case 'found':
      return lookup.metadata;
    case 'notImage':
      throw new UserFacingError(vscode.l10n.t('{0} is not a PNG, JPEG or WebP image.', name));
    case 'none': {
      const generate = vscode.l10n.t('Generate Image…');
      const text = vscode.l10n.t(
        '{0} has no Apiframe request saved inside. Only images saved by Apiframe Images carry one (an image edited and saved by another program may lose it). Use Generate Image… to make a new one.',
        name,
      );
      void services.ui.message('warning', text, [generate]).then((choice) => {
        if (choice === generate) void vscode.commands.executeCommand('apiframe.generate');
      });
      return undefined;
    }
    case 'refused':
      services.logger.warn(`Re-run from ${name}: the request inside was refused (${lookup.problem}: ${lookup.detail}).`);
      if (lookup.problem === 'newer') {
        throw new UserFacingError(vscode.l10n.t('{0} was saved by a newer version of Apiframe Images. Update the extension to re-run it.', name));
      }
      throw new UserFacingError(vscode.l10n.t('The request saved in {0} is damaged or was changed, so it is not sent. Details are in the log.', name));
  }
}

/** What the confirmation shows: the prompt, the model and each parameter. */
function describeRequest(metadata: ImageMetadata): string {
  const params = Object.entries(metadata.params).map(([name, value]) => `${name}: ${shortValue(value)}`);
  return [
    vscode.l10n.t('Prompt: {0}', shortPrompt(metadata.prompt, 600)),
    vscode.l10n.t('Model: {0}', metadata.model),
    vscode.l10n.t('Parameters: {0}', params.length > 0 ? params.join(', ') : vscode.l10n.t('none')),
    vscode.l10n.t('Re-running sends the request to Apiframe again and uses credits.'),
  ].join('\n');
}

function shortValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
