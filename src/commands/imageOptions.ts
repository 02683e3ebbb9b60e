import * as vscode from 'vscode';
import { ASPECT_RATIO_SIZES, ASPECT_RATIOS, DALLE_STYLES, type AspectRatio, type DalleStyle } from '../apiframe/types';
import type { UserInterface } from '../container/userInterface';
import * as settings from '../settings';
import type { GenerateArguments } from './commandArguments';

/** Aspect ratio and style of a job. */
export interface ImageOptions {
  readonly aspectRatio: AspectRatio;
  readonly style: DalleStyle;
}

/** The options given as arguments, the settings' defaults for the rest. */
export function defaultImageOptions(given: GenerateArguments): ImageOptions {
  return { aspectRatio: given.aspectRatio ?? settings.defaultAspectRatio(), style: given.style ?? settings.defaultStyle() };
}

/** globalState keys for the last choices of "Generate Image…" (not secret; just two enum values). */
const LAST_ASPECT_KEY = 'apiframe.lastAspectRatio';
const LAST_STYLE_KEY = 'apiframe.lastStyle';

/** The choices last made in the pickers, as far as they are still valid values. */
function rememberedChoices(state: vscode.Memento): Partial<ImageOptions> {
  return {
    aspectRatio: ASPECT_RATIOS.find((value) => value === state.get(LAST_ASPECT_KEY)),
    style: DALLE_STYLES.find((value) => value === state.get(LAST_STYLE_KEY)),
  };
}

/**
 * Not awaited by the command: a Memento holds the new value at once (the next pick reads it), and persisting
 * it is a round trip to the workbench that the submit has no reason to wait for. A choice not persisted is
 * only a preference lost, so a failure is not reported.
 */
function rememberChoices(state: vscode.Memento, options: ImageOptions): void {
  void Promise.all([state.update(LAST_ASPECT_KEY, options.aspectRatio), state.update(LAST_STYLE_KEY, options.style)]).catch(() => undefined);
}

interface OptionItem<T extends string> extends vscode.QuickPickItem {
  readonly value: T;
}

/** One quick pick with `preferred` first; undefined when dismissed. */
async function pickOne<T extends string>(ui: UserInterface, items: OptionItem<T>[], preferred: T, title: string, placeHolder: string): Promise<T | undefined> {
  items.sort((a, b) => Number(b.value === preferred) - Number(a.value === preferred));
  const picked = await ui.quickPick(items, { title, placeHolder, ignoreFocusOut: true });
  return picked?.value;
}

export interface PickImageOptionsRequest {
  /** Options given as arguments are not asked for. */
  readonly given: GenerateArguments;
  /**
   * Keep the choices in `state` and offer them first next time ("Generate Image…"); otherwise the settings'
   * defaults come first ("from Selection" with `apiframe.askForOptions`).
   */
  readonly remember?: vscode.Memento;
}

/**
 * Quick picks for aspect ratio (with the pixel size) and style, for whatever the arguments did not give.
 * Undefined when either pick is dismissed.
 */
export async function pickImageOptions(ui: UserInterface, request: PickImageOptionsRequest): Promise<ImageOptions | undefined> {
  const { given, remember } = request;
  const last = remember ? rememberedChoices(remember) : {};
  const aspectLabels: Record<AspectRatio, string> = {
    '1:1': vscode.l10n.t('Square'),
    '3:2': vscode.l10n.t('Landscape'),
    '2:3': vscode.l10n.t('Portrait'),
  };
  const aspectRatio =
    given.aspectRatio ??
    (await pickOne(
      ui,
      ASPECT_RATIOS.map((value) => ({
        value,
        label: value,
        description: `${aspectLabels[value]} · ${ASPECT_RATIO_SIZES[value].width}×${ASPECT_RATIO_SIZES[value].height}`,
      })),
      last.aspectRatio ?? settings.defaultAspectRatio(),
      vscode.l10n.t('Aspect ratio'),
      vscode.l10n.t('Choose the aspect ratio'),
    ));
  if (!aspectRatio) return undefined;
  const style =
    given.style ??
    (await pickOne<DalleStyle>(
      ui,
      [
        { value: 'vivid', label: vscode.l10n.t('Vivid'), description: vscode.l10n.t('Hyper-real and dramatic') },
        { value: 'natural', label: vscode.l10n.t('Natural'), description: vscode.l10n.t('More natural, less hyper-real') },
      ],
      last.style ?? settings.defaultStyle(),
      vscode.l10n.t('Style'),
      vscode.l10n.t('Choose the style'),
    ));
  if (!style) return undefined;
  const options = { aspectRatio, style };
  if (remember) rememberChoices(remember, options);
  return options;
}
