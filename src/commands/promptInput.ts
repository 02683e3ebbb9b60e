import * as vscode from 'vscode';
import { validatePrompt } from '../apiframe/shapes';
import { PROMPT_MAX_LENGTH } from '../apiframe/types';
import type { UserInterface } from '../container/userInterface';
import { hasVisibleText } from '../shared/text';

/** Input box validation: the same rule the client applies, said before anything is sent. */
export function promptProblem(value: string, maxLength = PROMPT_MAX_LENGTH): string | undefined {
  const trimmed = value.trim();
  if (trimmed === '') return vscode.l10n.t('Describe the image to generate.');
  // Only invisible characters: the API would accept it and charge for an image of nothing.
  if (!hasVisibleText(trimmed)) {
    return vscode.l10n.t('The prompt has no visible text: describe the image in words.');
  }
  if (trimmed.length > maxLength) {
    return vscode.l10n.t('The prompt is {0} characters long; Apiframe accepts at most {1}.', trimmed.length, maxLength);
  }
  // The client's own rule last, so the two can never disagree (its text is English).
  return validatePrompt(value, maxLength);
}

/** Asks for the prompt (pre-filled with `value`); undefined when the user cancels. */
export async function askForPrompt(ui: UserInterface, value?: string): Promise<string | undefined> {
  const prompt = await ui.inputBox({
    title: vscode.l10n.t('Generate Image'),
    prompt: vscode.l10n.t('Describe the image to generate'),
    placeHolder: vscode.l10n.t('e.g. A lighthouse at dusk, watercolor'),
    value,
    ignoreFocusOut: true,
    validateInput: promptProblem,
  });
  return prompt?.trim() || undefined;
}
