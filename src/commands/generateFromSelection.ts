import * as vscode from 'vscode';
import type { CoreServices } from '../container/services';
import type { JobRecord } from '../jobs/types';
import * as settings from '../settings';
import type { GenerateArguments } from './commandArguments';
import { generateImages, type GenerationRequest } from './generation';
import { defaultImageOptions, pickImageOptions } from './imageOptions';
import { askForPrompt } from './promptInput';

/**
 * `Apiframe: Generate Image from Selection` — one job per non-empty selection of the active editor (the
 * selection's text is the prompt; where it was is kept so the reference can go right after it). Without a
 * selection, an input box asks for the prompt. Aspect ratio and style come from the settings, or from quick
 * picks when `apiframe.askForOptions` is on. Resolves with the settled records.
 */
export async function generateFromSelection(services: CoreServices, given: GenerateArguments): Promise<JobRecord[]> {
  const editor = vscode.window.activeTextEditor ?? services.editors.current();
  const requests: GenerationRequest[] = editor && given.prompt === undefined ? selectionRequests(editor) : [];
  // From now on the selections move with the user's edits, so each image lands after its own sentence.
  for (const request of requests) services.editors.origins.track(request.origin);
  if (requests.length === 0) {
    const prompt = given.prompt?.trim() || (await askForPrompt(services.ui));
    if (!prompt) return [];
    requests.push({ prompt, origin: editor ? { documentUri: editor.document.uri.toString() } : undefined });
  }
  const options = settings.selectionAsksForOptions() ? await pickImageOptions(services, { given }) : defaultImageOptions(services, given);
  if (!options) return [];
  return generateImages(services, requests, options);
}

/** One request per selection with visible text, top to bottom, so notifications and references follow the document's order. */
function selectionRequests(editor: vscode.TextEditor): GenerationRequest[] {
  const { document } = editor;
  const requests: GenerationRequest[] = [];
  for (const selection of editor.selections) {
    if (selection.isEmpty) continue;
    const text = document.getText(selection);
    if (text.trim() === '') continue;
    requests.push({
      prompt: text.trim(),
      origin: {
        documentUri: document.uri.toString(),
        selection: { start: document.offsetAt(selection.start), end: document.offsetAt(selection.end) },
      },
    });
  }
  return requests.sort((a, b) => (a.origin?.selection?.start ?? 0) - (b.origin?.selection?.start ?? 0));
}
