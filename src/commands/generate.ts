import * as vscode from 'vscode';
import type { CoreServices } from '../container/services';
import type { JobRecord } from '../jobs/types';
import type { GenerateArguments } from './commandArguments';
import { generateImages } from './generation';
import { pickImageOptions } from './imageOptions';
import { askForPrompt } from './promptInput';

/**
 * `Apiframe: Generate Image…` — an input box for the prompt (pre-filled with the selection, if any), then
 * quick picks and input boxes for what the chosen model takes (DALL-E 3: aspect ratio with pixel sizes, style);
 * the last choices are remembered per model.
 */
export async function generate(services: CoreServices, given: GenerateArguments): Promise<JobRecord[]> {
  const editor = vscode.window.activeTextEditor;
  const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection).trim() : undefined;
  const prompt = given.prompt?.trim() || (await askForPrompt(services.ui, selected));
  if (!prompt) return [];
  const options = await pickImageOptions(services, { given, remember: services.host.context.globalState });
  if (!options) return [];
  const origin = editor ? { documentUri: editor.document.uri.toString() } : undefined;
  return generateImages(services, [{ prompt, origin }], options);
}
