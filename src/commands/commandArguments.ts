import * as vscode from 'vscode';
import { ASPECT_RATIOS, DALLE_STYLES, type AspectRatio, type DalleStyle } from '../apiframe/types';
import type { CommandId } from '../commandIds';
import { UserFacingError } from '../errors/userFacingError';
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
  readonly aspectRatio?: AspectRatio;
  readonly style?: DalleStyle;
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

/** `apiframe.generateFromSelection` and `apiframe.generate`: an optional `{ prompt, aspectRatio, style }`. */
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
  const aspectRatio = optionalOneOf(options, 'aspectRatio', ASPECT_RATIOS);
  const style = optionalOneOf(options, 'style', DALLE_STYLES);
  return {
    ...(prompt !== undefined ? { prompt } : {}),
    ...(aspectRatio ? { aspectRatio } : {}),
    ...(style ? { style } : {}),
  };
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
