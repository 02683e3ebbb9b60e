import { IMAGE_MODELS, isImageModelId, type ImageGenerationRequest, type ImageModelId, type ModelParamValues } from '../../src/apiframe/imageModels';
import { ASPECT_RATIO_SIZES, type AspectRatio, type DalleStyle, type ModelCatalogEntry } from '../../src/apiframe/types';
import { aspectRatioOf, dimensionsFor } from '../../src/models/aspectRatio';
import { imageCountSupport } from '../../src/models/candidates';
import { fallbackImageCatalog } from '../../src/models/fallbackCatalog';

/**
 * What the emulator's image models do differently from one another: how many images a job returns (the model's
 * own count parameter, Midjourney's grid of four), their size, and what a job costs within the model's catalog
 * range. Built on the project's own model table, so the emulator speaks every image model of the spec.
 */

/** The parameters of a request as plain data (its model's own block), {} when it has none. */
export function paramsOf(request: ImageGenerationRequest): ModelParamValues {
  if (!isImageModelId(request.model)) return {};
  const block: unknown = (request as unknown as Record<string, unknown>)[IMAGE_MODELS[request.model].paramsKey];
  return typeof block === 'object' && block !== null ? (block as ModelParamValues) : {};
}

/** Images one job returns: the count parameter's value, Midjourney's four, else one. */
export function imagesPerJob(request: ImageGenerationRequest): number {
  const support = imageCountSupport(request.model);
  if (support.kind === 'fixed') return support.images;
  if (support.kind === 'parameter') {
    const value = paramsOf(request)[support.name];
    return typeof value === 'number' ? value : 1;
  }
  return 1;
}

/** Full pixel size of the model's images: DALL-E's sizes, the width and height asked, else about 1 MP at the ratio. */
export function fullSizeOf(request: ImageGenerationRequest): { width: number; height: number } {
  const params = paramsOf(request);
  if (IMAGE_MODELS[request.model].family === 'dall-e') return ASPECT_RATIO_SIZES[(params.aspect_ratio as AspectRatio | undefined) ?? '1:1'];
  if (typeof params.width === 'number' && typeof params.height === 'number') return { width: params.width, height: params.height };
  const ratio = aspectRatioOf(request.model, params) ?? '1:1';
  return dimensionsFor(ratio, { min: 64, max: 4096, pixels: 1024 * 1024 }) ?? { width: 1024, height: 1024 };
}

export function styleOf(request: ImageGenerationRequest): DalleStyle {
  return paramsOf(request).style === 'natural' ? 'natural' : 'vivid';
}

/** Parameter values that ask for the cheapest or the dearest rendering of a model. */
const CHEAP = new Set(['low', '512px', '0.5MP', '1K', 'turbo']);
const DEAR = new Set(['high', '4K', '4MP', '2K', '2MP', 'quality']);

/**
 * The `creditCost` of a job: DALL-E 3 keeps the emulator's price per image (what the older tests count on);
 * any other model takes its catalog range — the low end for a cheap rendering (low quality, small resolution),
 * the high end for a dear one, the middle otherwise — times the images when it is priced per output.
 */
export function jobCost(request: ImageGenerationRequest, images: number, costPerImage: number): number {
  const entry = catalogEntry(request.model, costPerImage);
  const min = entry.costMin ?? costPerImage;
  const max = entry.costMax ?? min;
  const values = Object.values(paramsOf(request)).filter((v): v is string => typeof v === 'string');
  const level = values.some((v) => DEAR.has(v)) ? 1 : values.some((v) => CHEAP.has(v)) ? 0 : 0.5;
  const perOutput = Math.round(min + (max - min) * level);
  return entry.pricingMode === 'flat' ? perOutput : perOutput * images;
}

/** The emulator's catalog: every image model of the spec (DALL-E at the emulator's price), a video and a music model. */
export function emulatorCatalog(costPerImage: number): ModelCatalogEntry[] {
  const images = fallbackImageCatalog().map((entry) => catalogEntry(entry.id, costPerImage));
  return [
    ...images,
    { id: 'kling-video', label: 'Kling Video', modality: 'video', costMin: 40, costMax: 160, pricingMode: 'per-second' },
    { id: 'suno', label: 'Suno', modality: 'music', costMin: 10, costMax: 10, pricingMode: 'flat' },
  ];
}

function catalogEntry(model: ImageModelId, costPerImage: number): ModelCatalogEntry {
  const builtIn = fallbackImageCatalog().find((entry) => entry.id === model) ?? { id: model, label: model, modality: 'image' as const };
  if (model === 'dall-e-3') {
    return {
      ...builtIn,
      description: "OpenAI's DALL·E 3: follows long prompts closely; 1:1, 3:2 and 2:3, vivid or natural.",
      costMin: costPerImage,
      costMax: costPerImage,
      pricingMode: 'per-output',
    };
  }
  if (model === 'dall-e-2') {
    const half = Math.max(1, Math.round(costPerImage / 2));
    return { ...builtIn, description: 'The earlier DALL·E model; same parameters as DALL·E 3.', costMin: half, costMax: half, pricingMode: 'per-output' };
  }
  return builtIn;
}
