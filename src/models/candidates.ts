/**
 * Several candidates for one prompt: a count of 1–4 becomes the model's own image-count parameter where it has one
 * (one job, several images), Midjourney's grid (one job always gives four), or that many separate jobs.
 */
import type { ImageModelId } from '../apiframe/imageModels';

export const MIN_CANDIDATES = 1;
export const MAX_CANDIDATES = 4;

/** How a model makes several images in one job, if it can. */
export type ImageCountSupport =
  /** A parameter sets the number of images (`number_of_images`, `n`, `num_images`, `num_outputs`). */
  | { readonly kind: 'parameter'; readonly name: string; readonly max: number }
  /** Every job returns a fixed number of images (Midjourney's grid of four). */
  | { readonly kind: 'fixed'; readonly images: number }
  /** One image per job. */
  | { readonly kind: 'single' };

const COUNT_PARAMETERS: Partial<Record<ImageModelId, ImageCountSupport>> = {
  'gpt-image-1.5': { kind: 'parameter', name: 'number_of_images', max: 10 },
  'gpt-image-2': { kind: 'parameter', name: 'number_of_images', max: 10 },
  'kling-image': { kind: 'parameter', name: 'n', max: 4 },
  'qwen-image': { kind: 'parameter', name: 'num_images', max: 4 },
  'flux-lora': { kind: 'parameter', name: 'num_outputs', max: 4 },
  midjourney: { kind: 'fixed', images: 4 },
};

export function imageCountSupport(model: ImageModelId): ImageCountSupport {
  return COUNT_PARAMETERS[model] ?? { kind: 'single' };
}

/** How a request for `count` candidates is carried out. */
export interface CandidatePlan {
  readonly model: ImageModelId;
  /** Candidates asked for (1–4). */
  readonly count: number;
  /** Jobs to submit, each with its own idempotency key. */
  readonly jobs: number;
  /** Images each job returns. */
  readonly imagesPerJob: number;
  /** The parameter to set on every job, when the model counts images itself. */
  readonly countParameter?: { readonly name: string; readonly value: number };
}

/** A count from a setting or a command argument: a whole number 1–4, or undefined. */
export function parseCandidateCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_CANDIDATES && value <= MAX_CANDIDATES ? value : undefined;
}

/** The jobs and images for `count` candidates of `model` (count is clamped to 1–4). */
export function planCandidates(model: ImageModelId, count: number): CandidatePlan {
  const wanted = Math.min(MAX_CANDIDATES, Math.max(MIN_CANDIDATES, Math.floor(Number.isFinite(count) ? count : MIN_CANDIDATES)));
  const support = imageCountSupport(model);
  switch (support.kind) {
    case 'parameter':
      // Left out for one image: the model's own default then applies, and the request stays as the user wrote it.
      return wanted === 1
        ? { model, count: 1, jobs: 1, imagesPerJob: 1 }
        : { model, count: wanted, jobs: 1, imagesPerJob: wanted, countParameter: { name: support.name, value: wanted } };
    case 'fixed':
      return { model, count: wanted, jobs: Math.ceil(wanted / support.images), imagesPerJob: support.images };
    case 'single':
      return { model, count: wanted, jobs: wanted, imagesPerJob: 1 };
  }
}
