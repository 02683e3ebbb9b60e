/**
 * One user concept, "aspect ratio" ("16:9"), mapped to each model's own field: a fixed list of ratio strings, a
 * free ratio string, pixel width and height within the model's range, or a named size preset.
 */
import { paramsSchemaOf, type ImageModelId, type ModelParamValues, type ParamSchema } from '../apiframe/imageModels';

/** Ratios offered where a model takes any ratio (the common photo, screen and print shapes). */
export const COMMON_ASPECT_RATIOS = ['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3', '21:9'] as const;

export type AspectRatioTarget =
  /** `field` takes one of `choices` only. */
  | { readonly kind: 'enum'; readonly field: string; readonly choices: readonly string[] }
  /** `field` takes any "w:h" ratio; `choices` are the ones worth offering. */
  | { readonly kind: 'ratio'; readonly field: string; readonly choices: readonly string[] }
  /** Width and height in pixels within [min, max], computed from the ratio at about `pixels` pixels. */
  | {
      readonly kind: 'dimensions';
      readonly widthField: string;
      readonly heightField: string;
      readonly min: number;
      readonly max: number;
      readonly pixels: number;
      readonly choices: readonly string[];
    }
  /** `field` takes named presets; `presets` maps each offered ratio to its preset. */
  | { readonly kind: 'preset'; readonly field: string; readonly presets: Readonly<Record<string, string>>; readonly choices: readonly string[] };

const QWEN_PRESETS: Readonly<Record<string, string>> = {
  '1:1': 'square_hd',
  '4:3': 'landscape_4_3',
  '16:9': 'landscape_16_9',
  '3:4': 'portrait_4_3',
  '9:16': 'portrait_16_9',
};

const RATIO = /^(\d{1,4}):(\d{1,4})$/;

/** Where a model takes its aspect ratio. Every image model of the spec has one of these. */
export function aspectRatioTargetOf(model: ImageModelId): AspectRatioTarget {
  if (model === 'qwen-image') return { kind: 'preset', field: 'image_size', presets: QWEN_PRESETS, choices: Object.keys(QWEN_PRESETS) };
  const properties = paramsSchemaOf(model).properties;
  // FLUX has both a ratio string and width/height; width/height gives deterministic dimensions.
  const width = properties.width;
  const height = properties.height;
  if (model.startsWith('flux-') && width?.type === 'integer' && height?.type === 'integer') {
    return {
      kind: 'dimensions',
      widthField: 'width',
      heightField: 'height',
      min: Math.max(width.minimum ?? 1, height.minimum ?? 1),
      max: Math.min(width.maximum ?? Number.MAX_SAFE_INTEGER, height.maximum ?? Number.MAX_SAFE_INTEGER),
      pixels: 1024 * 1024,
      choices: COMMON_ASPECT_RATIOS,
    };
  }
  const field: ParamSchema | undefined = properties.aspect_ratio;
  if (field?.type === 'string' && field.enum) return { kind: 'enum', field: 'aspect_ratio', choices: field.enum };
  return { kind: 'ratio', field: 'aspect_ratio', choices: COMMON_ASPECT_RATIOS };
}

/** The ratios a picker offers for a model. */
export function aspectRatioChoices(model: ImageModelId): readonly string[] {
  return aspectRatioTargetOf(model).choices;
}

/** "16:9" → [16, 9]; undefined for anything else (zero sides included). */
export function parseAspectRatio(ratio: string): [number, number] | undefined {
  const match = RATIO.exec(ratio.trim());
  if (!match) return undefined;
  const w = Number(match[1]);
  const h = Number(match[2]);
  return w > 0 && h > 0 ? [w, h] : undefined;
}

/**
 * Width and height for a ratio at about `pixels` pixels, multiples of 32 (what diffusion models work in), each
 * within [min, max] — scaled down together when one side would pass `max`, so the ratio holds as well as it can.
 */
export function dimensionsFor(ratio: string, bounds: { min: number; max: number; pixels: number }): { width: number; height: number } | undefined {
  const sides = parseAspectRatio(ratio);
  if (!sides) return undefined;
  const [w, h] = sides;
  let scale = Math.sqrt(bounds.pixels / (w * h));
  scale = Math.min(scale, bounds.max / w, bounds.max / h);
  scale = Math.max(scale, bounds.min / w, bounds.min / h);
  const side = (n: number): number => Math.min(bounds.max, Math.max(bounds.min, Math.round((n * scale) / 32) * 32));
  return { width: side(w), height: side(h) };
}

export type AspectRatioResult =
  | { readonly ok: true; readonly params: ModelParamValues }
  | { readonly ok: false; readonly choices: readonly string[] };

/**
 * The parameters with the aspect ratio set in the model's own field (other fields kept; a width/height or preset
 * chosen before is replaced). Refused with the model's choices when it cannot take that ratio.
 */
export function applyAspectRatio(model: ImageModelId, ratio: string, params: ModelParamValues = {}): AspectRatioResult {
  const target = aspectRatioTargetOf(model);
  const next: ModelParamValues = { ...params };
  switch (target.kind) {
    case 'enum':
      if (!target.choices.includes(ratio)) return { ok: false, choices: target.choices };
      next[target.field] = ratio;
      return { ok: true, params: next };
    case 'ratio':
      if (!parseAspectRatio(ratio)) return { ok: false, choices: target.choices };
      next[target.field] = ratio.trim();
      return { ok: true, params: next };
    case 'dimensions': {
      const size = dimensionsFor(ratio, target);
      if (!size) return { ok: false, choices: target.choices };
      delete next.aspect_ratio;
      next[target.widthField] = size.width;
      next[target.heightField] = size.height;
      return { ok: true, params: next };
    }
    case 'preset': {
      const preset = target.presets[ratio];
      if (preset === undefined) return { ok: false, choices: target.choices };
      next[target.field] = preset;
      return { ok: true, params: next };
    }
  }
}

/** The aspect ratio a set of parameters asks for, in the user's terms ("16:9"), when it can be read back. */
export function aspectRatioOf(model: ImageModelId, params: ModelParamValues): string | undefined {
  const target = aspectRatioTargetOf(model);
  switch (target.kind) {
    case 'enum':
    case 'ratio': {
      const value = params[target.field];
      return typeof value === 'string' ? value : undefined;
    }
    case 'dimensions': {
      const width = params[target.widthField];
      const height = params[target.heightField];
      if (typeof width !== 'number' || typeof height !== 'number' || width <= 0 || height <= 0) {
        return typeof params.aspect_ratio === 'string' ? params.aspect_ratio : undefined;
      }
      // The offered ratio these dimensions were made from, else the reduced fraction.
      const offered = target.choices.find((ratio) => {
        const size = dimensionsFor(ratio, target);
        return size?.width === width && size.height === height;
      });
      if (offered) return offered;
      const divisor = gcd(width, height);
      return `${width / divisor}:${height / divisor}`;
    }
    case 'preset': {
      const value = params[target.field];
      return Object.entries(target.presets).find(([, preset]) => preset === value)?.[0];
    }
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

