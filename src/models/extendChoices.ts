/**
 * Extend… (Flux Fill's outpainting): the presets the edit endpoint offers, the file-name suffix of each result,
 * and the request for one — pure, so the command only asks and labels.
 */
import type { ImageOperationRequest, OutpaintPreset } from '../apiframe/imageOperations';

/** The model that extends an image (the edit endpoint's only one). */
export const EXTEND_MODEL = 'flux-fill-pro';

/**
 * What a result is named after (`hero-wide-left.png`): its new shape, and the side that grew. Each preset has its
 * own, so two extensions of one image never take each other's name.
 */
export const EXTEND_SUFFIXES: Readonly<Record<OutpaintPreset, string>> = {
  'Zoom out 1.5x': 'zoomed',
  'Zoom out 2x': 'zoomed-2x',
  'Make square': 'square',
  'Left outpaint': 'wide-left',
  'Right outpaint': 'wide-right',
  'Top outpaint': 'tall-top',
  'Bottom outpaint': 'tall-bottom',
};

/**
 * The prompt sent when the user describes nothing: Flux Fill requires one, and this asks for what an extension
 * usually means — more of the same picture.
 */
export const DEFAULT_EXTEND_PROMPT = 'Continue the image naturally beyond its edges, matching its style, lighting and content.';

/** Flux Fill's prompt limit (`fluxFillParams.prompt`). */
export const EXTEND_PROMPT_MAX = 2000;

/** The outpaint request for `preset`, with `image` left '' until the source is uploaded; the default prompt for blank text. */
export function extendRequest(preset: OutpaintPreset, description: string): ImageOperationRequest {
  const prompt = description.trim() === '' ? DEFAULT_EXTEND_PROMPT : description.trim();
  return { kind: 'edit', request: { model: EXTEND_MODEL, fluxFillParams: { image: '', mode: 'outpaint', outpaint: preset, prompt } } };
}
