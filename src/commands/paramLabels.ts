import * as vscode from 'vscode';
import type { ParamDescription } from '../models/describeParams';

/**
 * The localized label of every parameter a form can show, by `labelKey`. One literal `l10n.t` call per label:
 * VS Code's string extraction (and the Korean bundle's check) only sees literal strings, so the English labels
 * of `describeParams` are not passed through `l10n.t` as variables.
 */
const PARAM_LABELS: Readonly<Record<string, () => string>> = {
  'param.aspect_ratio': () => vscode.l10n.t('Aspect ratio'),
  'param.width': () => vscode.l10n.t('Width (px)'),
  'param.height': () => vscode.l10n.t('Height (px)'),
  'param.style': () => vscode.l10n.t('Style'),
  'param.quality': () => vscode.l10n.t('Quality'),
  'param.background': () => vscode.l10n.t('Background'),
  'param.output_format': () => vscode.l10n.t('Output format'),
  'param.output_quality': () => vscode.l10n.t('Output quality'),
  'param.resolution': () => vscode.l10n.t('Resolution'),
  'param.image_size': () => vscode.l10n.t('Image size'),
  'param.magic_prompt_option': () => vscode.l10n.t('Magic prompt'),
  'param.rendering_speed': () => vscode.l10n.t('Rendering speed'),
  'param.style_type': () => vscode.l10n.t('Style type'),
  'param.style_preset': () => vscode.l10n.t('Style preset'),
  'param.negative_prompt': () => vscode.l10n.t('Negative prompt'),
  'param.seed': () => vscode.l10n.t('Seed'),
  'param.cfg': () => vscode.l10n.t('Prompt guidance (CFG)'),
  'param.guidance': () => vscode.l10n.t('Guidance'),
  'param.guidance_scale': () => vscode.l10n.t('Guidance scale'),
  'param.steps': () => vscode.l10n.t('Steps'),
  'param.num_inference_steps': () => vscode.l10n.t('Steps'),
  'param.model_name': () => vscode.l10n.t('Model version'),
  'param.number_of_images': () => vscode.l10n.t('Number of images'),
  'param.n': () => vscode.l10n.t('Number of images'),
  'param.num_images': () => vscode.l10n.t('Number of images'),
  'param.num_outputs': () => vscode.l10n.t('Number of images'),
  'param.loraId': () => vscode.l10n.t('LoRA'),
  'param.lora_strength': () => vscode.l10n.t('LoRA strength'),
  'param.character_reference_image': () => vscode.l10n.t('Character reference image'),
};

/** The parameter's label in the user's language (the English one for a parameter no form asks for). */
export function paramLabel(param: Pick<ParamDescription, 'labelKey' | 'label'>): string {
  return Object.prototype.hasOwnProperty.call(PARAM_LABELS, param.labelKey) ? (PARAM_LABELS[param.labelKey]?.() ?? param.label) : param.label;
}
