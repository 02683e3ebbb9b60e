/**
 * What a model takes, described for a form: each parameter with its kind, allowed values, range and (where the
 * API documents one) default, and the role it plays — so *Generate Image…* asks only what the chosen model takes,
 * and asks the shared concepts (aspect ratio, count) once in the same words for every model.
 */
import { IMAGE_MODELS, paramsSchemaOf, type ImageModelFamily, type ImageModelId, type ParamSchema } from '../apiframe/imageModels';
import { aspectRatioTargetOf, type AspectRatioTarget } from './aspectRatio';
import { imageCountSupport, type ImageCountSupport } from './candidates';

export type ParamKind = 'enum' | 'integer' | 'number' | 'boolean' | 'string' | 'url' | 'urls' | 'uuid';

/**
 * - `aspectRatio`: set through the aspect-ratio concept (`applyAspectRatio`), not asked on its own;
 * - `count`: set through the candidate count (`planCandidates`);
 * - `basic`: worth asking when generating (style, quality, output format, seed, negative prompt, …);
 * - `reference`: an image URL or a trained LoRA — inputs for editing and references, not asked for a text prompt
 *   (unless `required`);
 * - `advanced`: everything else; settable in `apiframe.modelParams`.
 */
export type ParamRole = 'aspectRatio' | 'count' | 'basic' | 'reference' | 'advanced';

export interface ParamDescription {
  /** The property in the model's parameter block, e.g. `style`. */
  readonly name: string;
  /** Stable key for the label (`param.<name>`); `label` is its English text. */
  readonly labelKey: string;
  readonly label: string;
  readonly kind: ParamKind;
  /** For `enum`. */
  readonly values?: readonly string[];
  /** For `integer` and `number`. */
  readonly min?: number;
  readonly max?: number;
  /** For `string`. */
  readonly maxLength?: number;
  /** For `urls`. */
  readonly maxItems?: number;
  /** The API's documented default, when it documents one (otherwise the model decides). */
  readonly default?: string | number | boolean;
  /** The request is refused without it. */
  readonly required: boolean;
  readonly role: ParamRole;
}

export interface ModelParamsDescription {
  readonly model: ImageModelId;
  readonly family: ImageModelFamily;
  /** The request property that carries the parameters (`fluxParams`). */
  readonly paramsKey: string;
  readonly aspectRatio: AspectRatioTarget;
  readonly count: ImageCountSupport;
  /** Every parameter, in the schema's order. */
  readonly params: readonly ParamDescription[];
}

/** Parameters asked when generating, when the model has them (the concepts aside)... */
const BASIC = new Set(['style', 'quality', 'background', 'output_format', 'resolution', 'image_size', 'magic_prompt_option', 'rendering_speed', 'cfg', 'model_name', 'seed']);
/** ...as a choice or a number only: a free-text `resolution` (some FLUX models) is for those who know the model. */
const BASIC_FREE_TEXT = new Set(['negative_prompt', 'style_type']);

/** The defaults the API documents (NOTES: DALL-E 1:1, vivid). Elsewhere the model's own default applies. */
const DOCUMENTED_DEFAULTS: Partial<Record<ImageModelFamily, Readonly<Record<string, string | number | boolean>>>> = {
  'dall-e': { aspect_ratio: '1:1', style: 'vivid' },
};

const LABELS: Readonly<Record<string, string>> = {
  aspect_ratio: 'Aspect ratio',
  width: 'Width (px)',
  height: 'Height (px)',
  style: 'Style',
  quality: 'Quality',
  background: 'Background',
  output_format: 'Output format',
  output_quality: 'Output quality',
  resolution: 'Resolution',
  image_size: 'Image size',
  magic_prompt_option: 'Magic prompt',
  rendering_speed: 'Rendering speed',
  style_type: 'Style type',
  style_preset: 'Style preset',
  negative_prompt: 'Negative prompt',
  seed: 'Seed',
  cfg: 'Prompt guidance (CFG)',
  guidance: 'Guidance',
  guidance_scale: 'Guidance scale',
  steps: 'Steps',
  num_inference_steps: 'Steps',
  model_name: 'Model version',
  number_of_images: 'Number of images',
  n: 'Number of images',
  num_images: 'Number of images',
  num_outputs: 'Number of images',
  loraId: 'LoRA',
  lora_strength: 'LoRA strength',
};

function labelOf(name: string): string {
  return LABELS[name] ?? name.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

function kindOf(schema: ParamSchema): Pick<ParamDescription, 'kind' | 'values' | 'min' | 'max' | 'maxLength' | 'maxItems'> {
  switch (schema.type) {
    case 'string':
      if (schema.enum) return { kind: 'enum', values: schema.enum };
      if (schema.format === 'uri') return { kind: 'url' };
      if (schema.format === 'uuid') return { kind: 'uuid' };
      return schema.maxLength !== undefined ? { kind: 'string', maxLength: schema.maxLength } : { kind: 'string' };
    case 'integer':
    case 'number':
      return {
        kind: schema.type,
        ...(schema.minimum !== undefined ? { min: schema.minimum } : {}),
        ...(schema.maximum !== undefined ? { max: schema.maximum } : {}),
      };
    case 'boolean':
      return { kind: 'boolean' };
    default:
      return schema.maxItems !== undefined ? { kind: 'urls', maxItems: schema.maxItems } : { kind: 'urls' };
  }
}

/** What one model takes. */
export function describeParams(model: ImageModelId): ModelParamsDescription {
  const { family, paramsKey } = IMAGE_MODELS[model];
  const schema = paramsSchemaOf(model);
  const aspectRatio = aspectRatioTargetOf(model);
  const count = imageCountSupport(model);
  const aspectFields = new Set(
    aspectRatio.kind === 'dimensions' ? [aspectRatio.widthField, aspectRatio.heightField, 'aspect_ratio'] : [aspectRatio.field],
  );
  const required = new Set(schema.required ?? []);
  const defaults = DOCUMENTED_DEFAULTS[family] ?? {};
  const params = Object.entries(schema.properties).map(([name, property]): ParamDescription => {
    const kind = kindOf(property);
    const isReference = kind.kind === 'url' || kind.kind === 'urls' || kind.kind === 'uuid';
    const isBasic = kind.kind === 'string' ? BASIC_FREE_TEXT.has(name) : BASIC.has(name);
    const isCount = count.kind === 'parameter' && count.name === name;
    const role: ParamRole = aspectFields.has(name) ? 'aspectRatio' : isCount ? 'count' : isReference ? 'reference' : isBasic ? 'basic' : 'advanced';
    const fallback = defaults[name];
    return {
      name,
      labelKey: `param.${name}`,
      label: labelOf(name),
      ...kind,
      ...(fallback !== undefined ? { default: fallback } : {}),
      required: required.has(name),
      role,
    };
  });
  return { model, family, paramsKey, aspectRatio, count, params };
}

/** The parameters a generate form asks for this model: the basic ones and any required input. */
export function askedParams(model: ImageModelId): ParamDescription[] {
  return describeParams(model).params.filter((param) => param.role === 'basic' || (param.required && param.role !== 'aspectRatio'));
}
