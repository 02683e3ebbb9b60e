import * as vscode from 'vscode';
import { IMAGE_MODEL_IDS, isImageModelId, type ImageModelId } from '../apiframe/imageModels';
import { DALLE_STYLES, type DalleStyle } from '../apiframe/types';
import type { CommandId } from '../commandIds';
import { UserFacingError } from '../errors/userFacingError';
import { applyAspectRatio } from '../models/aspectRatio';
import { MAX_CANDIDATES, MIN_CANDIDATES, parseCandidateCount } from '../models/candidates';
import * as settings from '../settings';
import { isOneOf, isPlainObject } from '../shared/guards';

/**
 * The arguments every command accepts, parsed from what `executeCommand` hands over: menus pass the resource
 * they were opened on, notification buttons and the gallery pass a record id, keybindings and other
 * extensions pass an options object. Each command declares its parser in the command table and receives
 * typed values; an argument it cannot use stops the command with a {@link CommandArgumentError} that says
 * which, rather than being ignored and replaced by a default (which could generate — and charge for — an
 * image the caller did not ask for).
 *
 * What is deliberately ignored: `undefined`, URIs where the command takes none (the editor's context menu
 * passes the document), the list of selected resources the explorer adds, option fields a command does not
 * know (a keybinding written for a later version), and any object after the first (menu context).
 */

/** A command was called with an argument it cannot use. */
export class CommandArgumentError extends UserFacingError {
  override readonly name: string = 'CommandArgumentError';
}

/** Turns the raw arguments into a command's typed ones; throws {@link ArgumentProblem}. */
export type ArgumentParser<T> = (args: readonly unknown[]) => T;

/** What one parser found wrong, as a sentence fragment; the command table adds which command it was. */
class ArgumentProblem extends Error {}

/** Runs `parse` for command `id`, turning a problem into the error the user sees. */
export function parseCommandArguments<T>(id: CommandId, parse: ArgumentParser<T>, args: readonly unknown[]): T {
  try {
    return parse(args);
  } catch (error) {
    if (error instanceof ArgumentProblem) {
      throw new CommandArgumentError(vscode.l10n.t('{0} was called with an argument it cannot use: {1}', id, error.message));
    }
    throw error;
  }
}

/** Optional arguments of every generate command, so nothing has to be typed into an input box. */
export interface GenerateArguments {
  readonly prompt?: string;
  /** The model to use instead of `apiframe.model`. */
  readonly model?: ImageModelId;
  /** An aspect ratio the model takes ("16:9"; DALL-E: 1:1, 3:2, 2:3). */
  readonly aspectRatio?: string;
  /** DALL-E's style (only for a model that has one). */
  readonly style?: DalleStyle;
  /** Candidates, 1–4, instead of `apiframe.candidates`. */
  readonly count?: number;
}

export interface ChooseModelArguments {
  /** The model to choose without the picker (scripts, keybindings). */
  readonly model?: ImageModelId;
}

/** At most this many models are compared at once (side by side in one group). */
export const MAX_COMPARED_MODELS = 3;
export const MIN_COMPARED_MODELS = 2;

export interface CompareModelsArguments {
  readonly prompt?: string;
  /** 2–3 different models, instead of the picker. */
  readonly models?: readonly ImageModelId[];
  readonly aspectRatio?: string;
}

export interface GenerateHereArguments extends GenerateArguments {
  /** The folder the explorer's context menu was opened on; undefined from the palette (the command asks). */
  readonly folder?: vscode.Uri;
}

export interface RerunFromImageArguments {
  /** The image the Explorer or the image preview was opened on; undefined from the palette (the command asks). */
  readonly file?: vscode.Uri;
}

export interface SetApiKeyArguments {
  /** A key to check and store instead of asking for one (tests, scripts). */
  readonly key?: string;
}

export interface ShowImagesArguments {
  /** The local id of a record whose card to scroll to. */
  readonly reveal?: string;
}

export interface RecordArguments {
  /** The local id of a record in the history; whether it still exists is the command's question. */
  readonly recordId: string;
}

/** `apiframe.generateFromSelection` and `apiframe.generate`: an optional `{ prompt, model, aspectRatio, style, count }`. */
export const parseGenerateArguments: ArgumentParser<GenerateArguments> = (args) => generateOptions(sortArguments(args).options);

/** `apiframe.generateHere`: the folder (first URI), then the same options as the other generate commands. */
export const parseGenerateHereArguments: ArgumentParser<GenerateHereArguments> = (args) => {
  const { uris, options } = sortArguments(args);
  return { ...generateOptions(options), ...(uris[0] ? { folder: uris[0] } : {}) };
};

/** `apiframe.rerunFromImage`: the image (first URI); the explorer's list of selected files is ignored. */
export const parseRerunFromImageArguments: ArgumentParser<RerunFromImageArguments> = (args) => {
  const { uris } = sortArguments(args);
  return uris[0] ? { file: uris[0] } : {};
};

/** `apiframe.setApiKey`: an optional `{ key }`. */
export const parseSetApiKeyArguments: ArgumentParser<SetApiKeyArguments> = (args) => {
  const { options } = sortArguments(args);
  const key = optionalText(options, 'key');
  return key === undefined ? {} : { key };
};

/** `apiframe.showImages`: an optional `{ reveal: localId }`. */
export const parseShowImagesArguments: ArgumentParser<ShowImagesArguments> = (args) => {
  const { options } = sortArguments(args);
  const reveal = optionalText(options, 'reveal');
  return reveal ? { reveal } : {};
};

/** The internal record commands: the record's local id first (gallery, notification buttons, tests). */
export const parseRecordArguments: ArgumentParser<RecordArguments> = (args) => {
  const [recordId] = args;
  if (typeof recordId !== 'string' || recordId.trim() === '') {
    throw new ArgumentProblem(vscode.l10n.t('the first argument must be the id of an image in the history.'));
  }
  return { recordId };
};

/** `apiframe.chooseModel`: an optional `{ model }`. */
export const parseChooseModelArguments: ArgumentParser<ChooseModelArguments> = (args) => {
  const model = optionalModel(sortArguments(args).options, 'model');
  return model ? { model } : {};
};

/** `apiframe.compareModels`: an optional `{ prompt, models, aspectRatio }`. */
export const parseCompareModelsArguments: ArgumentParser<CompareModelsArguments> = (args) => {
  const { options } = sortArguments(args);
  const prompt = optionalText(options, 'prompt');
  const models = options.models;
  let chosen: ImageModelId[] | undefined;
  if (models !== undefined) {
    const unique = Array.isArray(models) ? [...new Set(models)] : [];
    if (
      !Array.isArray(models) ||
      !unique.every((model): model is ImageModelId => isImageModelId(model)) ||
      unique.length !== models.length ||
      unique.length < MIN_COMPARED_MODELS ||
      unique.length > MAX_COMPARED_MODELS
    ) {
      throw new ArgumentProblem(vscode.l10n.t('"models" must list {0} to {1} different image model ids.', MIN_COMPARED_MODELS, MAX_COMPARED_MODELS));
    }
    chosen = unique;
  }
  const aspectRatio = optionalText(options, 'aspectRatio');
  return {
    ...(prompt !== undefined ? { prompt } : {}),
    ...(chosen ? { models: chosen } : {}),
    ...(aspectRatio !== undefined ? { aspectRatio } : {}),
  };
};

/** Commands that take nothing (Remove API Key, Show Log): whatever a menu or keybinding passes changes nothing. */
export const ignoreArguments: ArgumentParser<void> = () => undefined;

interface SortedArguments {
  readonly uris: readonly vscode.Uri[];
  readonly options: Readonly<Record<string, unknown>>;
}

function sortArguments(args: readonly unknown[]): SortedArguments {
  const uris: vscode.Uri[] = [];
  let options: Record<string, unknown> | undefined;
  args.forEach((arg, index) => {
    if (arg === undefined || arg === null) return;
    if (arg instanceof vscode.Uri) uris.push(arg);
    else if (Array.isArray(arg) && arg.every((item) => item instanceof vscode.Uri)) return;
    else if (isPlainObject(arg)) options ??= arg;
    else throw new ArgumentProblem(vscode.l10n.t('argument {0} is neither an options object nor a file or folder.', index + 1));
  });
  return { uris, options: options ?? {} };
}

function generateOptions(options: Readonly<Record<string, unknown>>): GenerateArguments {
  const prompt = optionalText(options, 'prompt');
  const model = optionalModel(options, 'model');
  // The ratio and the style are checked against the model they will be sent to.
  const target = model ?? settings.imageModel().value;
  const aspectRatio = optionalAspectRatio(options, 'aspectRatio', target);
  const style = optionalOneOf(options, 'style', DALLE_STYLES);
  if (style !== undefined && !target.startsWith('dall-e')) {
    throw new ArgumentProblem(vscode.l10n.t('"style" is a DALL-E parameter; {0} has none.', target));
  }
  const count = options.count;
  if (count !== undefined && parseCandidateCount(count) === undefined) {
    throw new ArgumentProblem(vscode.l10n.t('"count" must be a whole number from {0} to {1}.', MIN_CANDIDATES, MAX_CANDIDATES));
  }
  return {
    ...(prompt !== undefined ? { prompt } : {}),
    ...(model ? { model } : {}),
    ...(aspectRatio ? { aspectRatio } : {}),
    ...(style ? { style } : {}),
    ...(typeof count === 'number' ? { count } : {}),
  };
}

function optionalModel(options: Readonly<Record<string, unknown>>, field: string): ImageModelId | undefined {
  const value = options[field];
  if (value === undefined) return undefined;
  if (!isImageModelId(value)) throw new ArgumentProblem(vscode.l10n.t('"{0}" must be an image model id, e.g. {1}.', field, IMAGE_MODEL_IDS.slice(0, 3).join(', ')));
  return value;
}

/** A ratio the model takes; refused with the model's own choices (DALL-E 3: "must be one of 1:1, 3:2, 2:3"). */
function optionalAspectRatio(options: Readonly<Record<string, unknown>>, field: string, model: ImageModelId): string | undefined {
  const value = options[field];
  if (value === undefined) return undefined;
  if (typeof value === 'string' && applyAspectRatio(model, value).ok) return value.trim();
  throw new ArgumentProblem(vscode.l10n.t('"{0}" must be one of {1}.', field, aspectChoicesOf(model).join(', ')));
}

function aspectChoicesOf(model: ImageModelId): readonly string[] {
  const refused = applyAspectRatio(model, '');
  return refused.ok ? [] : refused.choices;
}

function optionalText(options: Readonly<Record<string, unknown>>, field: string): string | undefined {
  const value = options[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ArgumentProblem(vscode.l10n.t('"{0}" must be text.', field));
  return value;
}

function optionalOneOf<T extends string>(options: Readonly<Record<string, unknown>>, field: string, allowed: readonly T[]): T | undefined {
  const value = options[field];
  if (value === undefined) return undefined;
  if (!isOneOf(value, allowed)) throw new ArgumentProblem(vscode.l10n.t('"{0}" must be one of {1}.', field, allowed.join(', ')));
  return value;
}

export interface RecordImageArguments extends RecordArguments {
  /** Which of the record's images (0 for the first). */
  readonly index: number;
}

/** `apiframe.replaceOriginal` and the like: the record's local id, then optionally the image's index (0 when absent). */
export const parseRecordImageArguments: ArgumentParser<RecordImageArguments> = (args) => {
  const { recordId } = parseRecordArguments(args);
  const index = args[1] ?? 0;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > 999) {
    throw new ArgumentProblem(vscode.l10n.t('the second argument must be the index of one of the images (0 for the first).'));
  }
  return { recordId, index };
};
