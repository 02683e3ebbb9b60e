import * as vscode from 'vscode';
import type { CoreServices } from '../core';
import type { JobRecord } from '../jobs/types';
import { askForOptions, askForPrompt, generateArguments, generateImages } from './generation';

/**
 * `Apiframe: Generate Image…` — an input box for the prompt (pre-filled with the selection, if any), then
 * quick picks for aspect ratio (with pixel sizes) and style; the last choices are remembered.
 */
export async function generate(services: CoreServices, args: readonly unknown[]): Promise<JobRecord[]> {
  const given = generateArguments(args);
  const editor = vscode.window.activeTextEditor;
  const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection).trim() : undefined;
  const prompt = given.prompt?.trim() || (await askForPrompt(services, selected));
  if (!prompt) return [];
  const options = await askForOptions(services, given, true);
  if (!options) return [];
  const origin = editor ? { documentUri: editor.document.uri.toString() } : undefined;
  return generateImages(services, [{ prompt, origin }], options);
}
