import * as vscode from 'vscode';
import type { CoreServices } from '../core';
import type { JobRecord } from '../jobs/types';
import { askForOptions, askForPrompt, generateArguments, generateImages } from './generation';

/**
 * `Apiframe: Generate Image Here…` — from the explorer's context menu on a folder: asks for the prompt and
 * options, and saves the result into that folder. From the palette it first asks for the folder.
 */
export async function generateHere(services: CoreServices, args: readonly unknown[]): Promise<JobRecord[]> {
  const given = generateArguments(args);
  let folder = args.find((arg): arg is vscode.Uri => arg instanceof vscode.Uri);
  if (!folder) {
    const picked = await services.ui.openDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
      openLabel: vscode.l10n.t('Generate Here'),
      title: vscode.l10n.t('Folder to save the image into'),
    });
    folder = picked?.[0];
    if (!folder) return [];
  }
  const prompt = given.prompt?.trim() || (await askForPrompt(services));
  if (!prompt) return [];
  const options = await askForOptions(services, given, true);
  if (!options) return [];
  return generateImages(services, [{ prompt, origin: { targetFolderUri: folder.toString() } }], options);
}
