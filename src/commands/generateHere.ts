import * as vscode from 'vscode';
import type { CoreServices } from '../container/services';
import type { JobRecord } from '../jobs/types';
import type { GenerateHereArguments } from './commandArguments';
import { generateImages } from './generation';
import { pickImageOptions } from './imageOptions';
import { askForPrompt } from './promptInput';

/**
 * `Apiframe: Generate Image Here…` — from the explorer's context menu on a folder: asks for the prompt and
 * options, and saves the result into that folder. From the palette it first asks for the folder.
 */
export async function generateHere(services: CoreServices, given: GenerateHereArguments): Promise<JobRecord[]> {
  const folder = given.folder ?? (await askForFolder(services));
  if (!folder) return [];
  const prompt = given.prompt?.trim() || (await askForPrompt(services.ui));
  if (!prompt) return [];
  const options = await pickImageOptions(services, { given, remember: services.host.context.globalState });
  if (!options) return [];
  return generateImages(services, [{ prompt, origin: { targetFolderUri: folder.toString() } }], options);
}

async function askForFolder(services: CoreServices): Promise<vscode.Uri | undefined> {
  const picked = await services.ui.openDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    openLabel: vscode.l10n.t('Generate Here'),
    title: vscode.l10n.t('Folder to save the image into'),
  });
  return picked?.[0];
}
