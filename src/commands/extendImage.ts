import * as vscode from 'vscode';
import { OUTPAINT_PRESETS, type OutpaintPreset } from '../apiframe/imageOperations';
import type { CoreServices } from '../container/services';
import { DEFAULT_EXTEND_PROMPT, EXTEND_MODEL, EXTEND_PROMPT_MAX, EXTEND_SUFFIXES, extendRequest } from '../models/extendChoices';
import type { RerunFromImageArguments } from './commandArguments';
import { actionImageFile, operationPriceText, runImageAction, workspaceImageInput } from './imageAction';

interface PresetItem extends vscode.QuickPickItem {
  readonly preset: OutpaintPreset;
}

/** Each preset in the user's words, with what it does to the picture. */
function presetItems(): PresetItem[] {
  const words: Readonly<Record<OutpaintPreset, [string, string]>> = {
    'Zoom out 1.5x': [vscode.l10n.t('Zoom out 1.5×'), vscode.l10n.t('More of the scene on every side')],
    'Zoom out 2x': [vscode.l10n.t('Zoom out 2×'), vscode.l10n.t('Twice the scene on every side')],
    'Make square': [vscode.l10n.t('Make square'), vscode.l10n.t('Fill out the short sides to a square')],
    'Left outpaint': [vscode.l10n.t('Extend left'), vscode.l10n.t('A wider picture, grown on the left')],
    'Right outpaint': [vscode.l10n.t('Extend right'), vscode.l10n.t('A wider picture, grown on the right')],
    'Top outpaint': [vscode.l10n.t('Extend up'), vscode.l10n.t('A taller picture, grown at the top')],
    'Bottom outpaint': [vscode.l10n.t('Extend down'), vscode.l10n.t('A taller picture, grown at the bottom')],
  };
  return OUTPAINT_PRESETS.map((preset) => ({ preset, label: words[preset][0], description: words[preset][1] }));
}

/**
 * `Apiframe: Extend Image…` — on an image in the Explorer or the image preview (or one picked from the palette):
 * an outpaint preset, then an optional description of what to add (Flux Fill needs a prompt, so a blank one
 * sends a default that asks for more of the same picture); the result is saved beside the original.
 */
export async function extendImage(services: CoreServices, given: RerunFromImageArguments): Promise<void> {
  const file = await actionImageFile(services, given.file, vscode.l10n.t('Extend'));
  if (!file) return;
  const picked = await services.ui.quickPick(presetItems(), {
    title: vscode.l10n.t('Extend {0}', vscode.workspace.asRelativePath(file)),
    placeHolder: vscode.l10n.t('How should the image grow? Flux Fill Pro, {0}', operationPriceText(services, EXTEND_MODEL)),
    ignoreFocusOut: true,
  });
  if (!picked) return;
  const description = await services.ui.inputBox({
    title: vscode.l10n.t('Extend: {0}', picked.label),
    prompt: vscode.l10n.t('Describe what to add around the image (optional). Left empty, it asks for: "{0}"', DEFAULT_EXTEND_PROMPT),
    placeHolder: vscode.l10n.t('e.g. more beach and sky, same evening light'),
    ignoreFocusOut: true,
    validateInput: (text) =>
      text.trim().length > EXTEND_PROMPT_MAX ? vscode.l10n.t('The description is {0} characters long; Flux Fill accepts at most {1}.', text.trim().length, EXTEND_PROMPT_MAX) : undefined,
  });
  if (description === undefined) return;
  await runImageAction(services, {
    job: { operation: extendRequest(picked.preset, description) },
    label: vscode.l10n.t('Extend: {0}', picked.label),
    suffix: EXTEND_SUFFIXES[picked.preset],
    input: workspaceImageInput(file),
  });
}
