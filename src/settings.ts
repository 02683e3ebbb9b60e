import * as vscode from 'vscode';
import { ASPECT_RATIOS, DALLE_STYLES, type AspectRatio, type DalleStyle } from './apiframe/types';
import { isImageModelId, type ImageModelId } from './apiframe/imageModels';
import { DEFAULT_CONFIRM_ABOVE_CREDITS, parseConfirmAboveCredits } from './models/cost';
import { parseCandidateCount } from './models/candidates';
import { readModelParamsSetting, type ModelParamsSetting } from './models/modelParamsSetting';
import { isOneOf } from './shared/guards';
import { DEFAULT_RESULT_FILE_NAME, parseResultFileName } from './workspace/besideOriginal';
import { parseLinkTemplates, type LinkTemplatesResult } from './workspace/linkTemplates';
import { parseSitePaths, type SitePathsResult } from './workspace/sitePaths';

/**
 * Typed access to the `apiframe.*` settings (declared in package.json `contributes.configuration`) and to
 * the proxy settings VS Code itself owns. Read on every use: settings can change at any time.
 */
export const SETTINGS_SECTION = 'apiframe';
export const DEFAULT_BASE_URL = 'https://api.apiframe.ai';
export const DEFAULT_HISTORY_LIMIT = 500;
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 60;

export type AfterCompletion = 'openGallery' | 'saveAndInsert' | 'saveOnly' | 'nothing';

const AFTER_COMPLETION: readonly AfterCompletion[] = ['openGallery', 'saveAndInsert', 'saveOnly', 'nothing'];

export interface ProxySettings {
  readonly url?: string;
  readonly strictSSL: boolean;
  readonly noProxy: readonly string[];
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return isOneOf(value, allowed) ? value : fallback;
}

function boundedInteger(value: unknown, min: number, max: number, fallback: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.round(value)));
}

function section(scope?: vscode.ConfigurationScope): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
}

/**
 * Reads a setting that must never come from a workspace: only the user (global) value or the default.
 * `application` scope already keeps workspace values out in VS Code, but a hand-edited
 * `.vscode/settings.json` is ignored here too, defensively, because these settings decide where the key goes.
 */
function userOrDefault(key: string, configuration: vscode.WorkspaceConfiguration = section()): unknown {
  const inspected = configuration.inspect<unknown>(key);
  return inspected?.globalValue ?? inspected?.defaultValue;
}

export function defaultAspectRatio(): AspectRatio {
  return oneOf(section().get<unknown>('aspectRatio'), ASPECT_RATIOS, '1:1');
}

export function defaultStyle(): DalleStyle {
  return oneOf(section().get<unknown>('style'), DALLE_STYLES, 'vivid');
}

/**
 * `apiframe.askForOptions`: whether "Generate Image from Selection" asks for aspect ratio and style instead of
 * using the defaults (the asking itself is `pickImageOptions` in src/commands/imageOptions.ts).
 */
export function selectionAsksForOptions(): boolean {
  return section().get<unknown>('askForOptions') === true;
}

/**
 * The destination folder template for a document (resource-scoped: may differ per workspace folder); a
 * missing or blank value is left to `resolveDestination`, which owns the default.
 */
export function destinationTemplate(scope?: vscode.ConfigurationScope): string | undefined {
  const value = section(scope).get<unknown>('destination');
  return typeof value === 'string' ? value : undefined;
}

/**
 * `apiframe.sitePaths` for a workspace folder (resource-scoped): the folders its site serves and their site
 * paths, or why the value cannot be used (naming the setting and the entry; see sitePaths.ts).
 */
export function sitePaths(scope?: vscode.ConfigurationScope): SitePathsResult {
  return parseSitePaths(section(scope).get<unknown>('sitePaths'));
}

/** `apiframe.askForFileName`: whether saving asks for the file name (pre-filled with the usual one) first. */
export function savingAsksForFileName(scope?: vscode.ConfigurationScope): boolean {
  return section(scope).get<unknown>('askForFileName') === true;
}

/**
 * `apiframe.linkTemplates` for a document (resource-scoped, language-overridable): templates by language id,
 * or why the value cannot be used (naming the setting, the language and the problem; see linkTemplates.ts).
 */
export function linkTemplates(scope?: vscode.ConfigurationScope): LinkTemplatesResult {
  return parseLinkTemplates(section(scope).get<unknown>('linkTemplates'));
}

/** The model today's users had before there was a choice: a missing or unknown `apiframe.model` means this one. */
export const DEFAULT_MODEL: ImageModelId = 'dall-e-3';

/** A setting's value that cannot be used, with the setting's path (`apiframe.model`) and what is wrong. */
export interface SettingValueProblem {
  readonly setting: string;
  readonly message: string;
}

export interface Checked<T> {
  readonly value: T;
  /** Set when the setting holds a value that cannot be used and `value` is the default instead. */
  readonly problem?: SettingValueProblem;
}

/** `apiframe.model`: the image model generate commands use (an unknown id falls back to DALL-E 3, with the reason). */
export function imageModel(): Checked<ImageModelId> {
  const value = section().get<unknown>('model');
  if (value === undefined || isImageModelId(value)) return { value: value ?? DEFAULT_MODEL };
  return { value: DEFAULT_MODEL, problem: { setting: `${SETTINGS_SECTION}.model`, message: `${JSON.stringify(value)} is not an image model Apiframe serves` } };
}

/**
 * Writes `apiframe.model` where it takes effect: into the workspace when the workspace already sets it (a user
 * value would stay hidden behind it), else into the user settings.
 */
export async function setImageModel(model: ImageModelId): Promise<void> {
  const configuration = section();
  const inWorkspace = configuration.inspect<unknown>('model')?.workspaceValue !== undefined;
  await configuration.update('model', model, inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
}

/** `apiframe.modelParams`: default parameters per model, every valid value kept and every bad one named by its path. */
export function modelParams(): ModelParamsSetting {
  return readModelParamsSetting(section().get<unknown>('modelParams'), `${SETTINGS_SECTION}.modelParams`);
}

/** `apiframe.candidates`: images per prompt, 1–4 (1 when the value cannot be used). */
export function candidateCount(): Checked<number> {
  const value = section().get<unknown>('candidates');
  const count = value === undefined ? 1 : parseCandidateCount(value);
  if (count !== undefined) return { value: count };
  return { value: 1, problem: { setting: `${SETTINGS_SECTION}.candidates`, message: 'must be a whole number from 1 to 4' } };
}

/**
 * `apiframe.confirmAboveCredits`, from user settings only: a workspace must not be able to switch off the
 * question that stands between a command and the user's credits.
 */
export function confirmAboveCredits(): Checked<number> {
  const value = userOrDefault('confirmAboveCredits');
  const threshold = value === undefined ? DEFAULT_CONFIRM_ABOVE_CREDITS : parseConfirmAboveCredits(value);
  if (threshold !== undefined) return { value: threshold };
  return {
    value: DEFAULT_CONFIRM_ABOVE_CREDITS,
    problem: { setting: `${SETTINGS_SECTION}.confirmAboveCredits`, message: 'must be a whole number: 0 always asks, -1 never asks' },
  };
}

/** True when a configuration change touches which model is used (the status bar shows it). */
export function affectsModel(event: vscode.ConfigurationChangeEvent): boolean {
  return event.affectsConfiguration(`${SETTINGS_SECTION}.model`);
}

export function afterCompletion(): AfterCompletion {
  return oneOf(section().get<unknown>('afterCompletion'), AFTER_COMPLETION, 'openGallery');
}

export function historyLimit(): number {
  return boundedInteger(userOrDefault('historyLimit'), 1, 10_000, DEFAULT_HISTORY_LIMIT);
}

/** The API base URL from user settings only (never a workspace's); validated by the client's https rule. */
export function baseUrl(): string {
  const value = userOrDefault('baseUrl');
  return typeof value === 'string' && value.trim() !== '' ? value.trim().replace(/\/+$/, '') : DEFAULT_BASE_URL;
}

export function requestTimeoutMs(): number {
  return boundedInteger(userOrDefault('requestTimeoutSeconds'), 5, 600, DEFAULT_REQUEST_TIMEOUT_SECONDS) * 1000;
}

/**
 * VS Code's own proxy settings (`http.proxy`, `http.proxyStrictSSL`, `http.noProxy`), from user settings
 * only: a workspace that could set a proxy together with `proxyStrictSSL: false` could read the key through
 * a TLS-intercepting proxy.
 */
export function proxySettings(): ProxySettings {
  const http = vscode.workspace.getConfiguration('http');
  const url = userOrDefault('proxy', http);
  const noProxy = userOrDefault('noProxy', http);
  return {
    url: typeof url === 'string' && url.trim() !== '' ? url.trim() : undefined,
    strictSSL: userOrDefault('proxyStrictSSL', http) !== false,
    noProxy: Array.isArray(noProxy) ? noProxy.filter((entry): entry is string => typeof entry === 'string') : [],
  };
}

/** True when a configuration change touches what the API client is built from. */
export function affectsClient(event: vscode.ConfigurationChangeEvent): boolean {
  return (
    event.affectsConfiguration(`${SETTINGS_SECTION}.baseUrl`) ||
    event.affectsConfiguration(`${SETTINGS_SECTION}.requestTimeoutSeconds`) ||
    event.affectsConfiguration('http.proxy') ||
    event.affectsConfiguration('http.proxyStrictSSL') ||
    event.affectsConfiguration('http.noProxy')
  );
}

/**
 * `apiframe.resultFileName` for a folder (resource-scoped): the pattern a result saved beside its source is named
 * by (`${name}-${suffix}`), or why the value cannot be used (see besideOriginal.ts).
 */
export function resultFileName(scope?: vscode.ConfigurationScope): ReturnType<typeof parseResultFileName> {
  return parseResultFileName(section(scope).get<unknown>('resultFileName') ?? DEFAULT_RESULT_FILE_NAME);
}
