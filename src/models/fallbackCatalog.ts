/**
 * The image model catalog the extension knows without the network: what the model picker shows on the very
 * first start, before `GET /v2/models` has answered once (it then caches the server's copy). One row per image
 * model of the official spec; the cost ranges are plausible figures in the API's credit unit and are replaced by
 * the server's as soon as it is reachable, so they only need to be in the right order of magnitude.
 */
import type { ImageModelId } from '../apiframe/imageModels';
import type { ModelCatalogEntry } from '../apiframe/types';

type PricingMode = NonNullable<ModelCatalogEntry['pricingMode']>;

/** label, cost of one job at the cheapest and dearest parameters, how the cost scales with several images. */
type Row = readonly [label: string, costMin: number, costMax: number, pricingMode: PricingMode];

const ROWS: Readonly<Record<ImageModelId, Row>> = {
  midjourney: ['Midjourney', 20, 40, 'flat'],
  'nano-banana': ['Nano Banana', 8, 8, 'per-output'],
  'nano-banana-pro': ['Nano Banana Pro', 30, 60, 'per-output'],
  'nano-banana-2': ['Nano Banana 2', 12, 24, 'per-output'],
  'nano-banana-2-lite': ['Nano Banana 2 Lite', 4, 8, 'per-output'],
  'flux-1.1-pro': ['FLUX 1.1 Pro', 8, 8, 'per-output'],
  'flux-1.1-pro-ultra': ['FLUX 1.1 Pro Ultra', 12, 12, 'per-output'],
  'flux-2-pro': ['FLUX.2 Pro', 6, 24, 'per-output'],
  'flux-2-dev': ['FLUX.2 Dev', 2, 6, 'per-output'],
  'flux-2-flex': ['FLUX.2 Flex', 12, 36, 'per-output'],
  'flux-2-max': ['FLUX.2 Max', 14, 40, 'per-output'],
  'seedream-3': ['Seedream 3', 6, 6, 'per-output'],
  'seedream-3.1': ['Seedream 3.1', 6, 6, 'per-output'],
  'seedream-4': ['Seedream 4', 6, 6, 'per-output'],
  'seedream-4.5': ['Seedream 4.5', 8, 8, 'per-output'],
  'seedream-5-lite': ['Seedream 5 Lite', 4, 4, 'per-output'],
  'seedream-5-pro': ['Seedream 5 Pro', 10, 20, 'per-output'],
  'ideogram-v2': ['Ideogram 2', 16, 16, 'per-output'],
  'ideogram-v2-turbo': ['Ideogram 2 Turbo', 10, 10, 'per-output'],
  'ideogram-v2a': ['Ideogram 2a', 8, 8, 'per-output'],
  'ideogram-v2a-turbo': ['Ideogram 2a Turbo', 5, 5, 'per-output'],
  'ideogram-v3-balanced': ['Ideogram 3 Balanced', 12, 12, 'per-output'],
  'ideogram-v3-turbo': ['Ideogram 3 Turbo', 6, 6, 'per-output'],
  'ideogram-v3-quality': ['Ideogram 3 Quality', 18, 18, 'per-output'],
  'ideogram-v4-balanced': ['Ideogram 4 Balanced', 12, 12, 'per-output'],
  'ideogram-v4-turbo': ['Ideogram 4 Turbo', 6, 6, 'per-output'],
  'ideogram-v4-quality': ['Ideogram 4 Quality', 18, 18, 'per-output'],
  'ideogram-character': ['Ideogram Character', 20, 30, 'per-output'],
  'stable-diffusion-3.5-large': ['Stable Diffusion 3.5 Large', 13, 13, 'per-output'],
  'stable-diffusion-3.5-large-turbo': ['Stable Diffusion 3.5 Large Turbo', 8, 8, 'per-output'],
  'stable-diffusion-3.5-medium': ['Stable Diffusion 3.5 Medium', 7, 7, 'per-output'],
  'stable-diffusion-3': ['Stable Diffusion 3', 7, 7, 'per-output'],
  'imagen-3': ['Imagen 3', 8, 8, 'per-output'],
  'imagen-3-fast': ['Imagen 3 Fast', 4, 4, 'per-output'],
  'imagen-4': ['Imagen 4', 8, 12, 'per-output'],
  'imagen-4-ultra': ['Imagen 4 Ultra', 12, 18, 'per-output'],
  'imagen-4-fast': ['Imagen 4 Fast', 4, 6, 'per-output'],
  'dall-e-3': ['DALL·E 3', 8, 16, 'per-output'],
  'dall-e-2': ['DALL·E 2', 4, 4, 'per-output'],
  'gpt-image-1.5': ['GPT Image 1.5', 2, 25, 'per-output'],
  'gpt-image-2': ['GPT Image 2', 3, 30, 'per-output'],
  'kling-image': ['Kling Image', 4, 4, 'per-output'],
  'qwen-image': ['Qwen Image', 4, 4, 'per-output'],
  'qwen-image-2': ['Qwen Image 2', 5, 5, 'per-output'],
  'qwen-image-2-pro': ['Qwen Image 2 Pro', 10, 10, 'per-output'],
  'wan-image-2.6': ['Wan Image 2.6', 6, 6, 'per-output'],
  'wan-image-2.7': ['Wan Image 2.7', 6, 6, 'per-output'],
  'wan-image-2.7-pro': ['Wan Image 2.7 Pro', 12, 12, 'per-output'],
  'grok-imagine-image': ['Grok Imagine', 7, 7, 'per-output'],
  'reve-create': ['Reve Create', 6, 6, 'per-output'],
  'flux-lora': ['FLUX LoRA', 5, 20, 'per-output'],
};

/** The built-in catalog entries, in the spec's order, shaped like the server's (`modality: 'image'`). */
export function fallbackImageCatalog(): (ModelCatalogEntry & { id: ImageModelId })[] {
  return (Object.entries(ROWS) as [ImageModelId, Row][]).map(([id, [label, costMin, costMax, pricingMode]]) => ({
    id,
    label,
    modality: 'image',
    costMin,
    costMax,
    pricingMode,
  }));
}
