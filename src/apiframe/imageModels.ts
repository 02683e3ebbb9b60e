/**
 * Every image model `POST /v2/images/generate` serves, with the parameter block each one takes, written from the
 * official spec's `GenerateImageRequest` (a union discriminated by `model`; each branch allows exactly one
 * `<model>Params` block, `additionalProperties: false` at both levels). The schemas are plain JSON Schema data:
 * the extension checks values with `checkParams` (paramsCheck.ts, no library in the bundle), the emulator
 * compiles the same objects with ajv, and the contract test compares them with the official spec property by
 * property. The TypeScript types are derived from the schemas, so the two cannot drift apart.
 * No runtime dependencies: shared by the client, the model layer, the emulator and the tests.
 */
import type { WebhookEvent } from './types';

// ---- the schema subset the parameter blocks use ------------------------------------------------------------

export interface StringParamSchema {
  readonly type: 'string';
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly maxLength?: number;
  readonly format?: 'uri' | 'uuid';
}
export interface NumberParamSchema {
  readonly type: 'integer' | 'number';
  readonly minimum?: number;
  readonly maximum?: number;
}
export interface BooleanParamSchema {
  readonly type: 'boolean';
}
/** Lists of image URLs (references); `nullable` lists also accept `null` (the spec's `type: [array, null]`). */
export interface UrlListParamSchema {
  readonly type: 'array' | readonly ['array', 'null'];
  readonly items: { readonly type: 'string'; readonly format: 'uri' };
  readonly maxItems?: number;
}
export type ParamSchema = StringParamSchema | NumberParamSchema | BooleanParamSchema | UrlListParamSchema;

/** One `<model>Params` block: an object of known properties only. */
export interface ParamsBlockSchema {
  readonly type: 'object';
  readonly additionalProperties: false;
  readonly properties: Readonly<Record<string, ParamSchema>>;
  readonly required?: readonly string[];
}

/** The TypeScript type of one parameter's values (an `anyOf` of one-value enums is their union). */
export type ValueOf<S> = S extends { readonly anyOf: readonly { readonly enum: readonly [infer N] }[] }
  ? N
  : S extends { readonly enum: readonly (infer E)[] }
    ? E
    : S extends { readonly type: 'string' }
      ? string
      : S extends { readonly type: 'integer' | 'number' }
        ? number
        : S extends { readonly type: 'boolean' }
          ? boolean
          : S extends { readonly type: readonly ['array', 'null'] }
            ? string[] | null
            : S extends { readonly type: 'array' }
              ? string[]
              : never;

/** The names a block schema lists as required. */
export type RequiredKeys<B> = B extends { readonly required: readonly (infer K)[] } ? K & string : never;

/** The TypeScript type of the values a parameter block accepts. */
export type ParamsOf<B extends ParamsBlockSchema> = {
  -readonly [K in Exclude<keyof B['properties'], RequiredKeys<B>>]?: ValueOf<B['properties'][K]>;
} & {
  -readonly [K in RequiredKeys<B> & keyof B['properties']]: ValueOf<B['properties'][K]>;
};

function block<const P extends Readonly<Record<string, ParamSchema>>>(
  properties: P,
): { readonly type: 'object'; readonly additionalProperties: false; readonly properties: P };
function block<const P extends Readonly<Record<string, ParamSchema>>, const R extends readonly [keyof P & string, ...(keyof P & string)[]]>(
  properties: P,
  required: R,
): { readonly type: 'object'; readonly additionalProperties: false; readonly properties: P; readonly required: R };
function block(properties: Readonly<Record<string, ParamSchema>>, required?: readonly string[]): ParamsBlockSchema {
  return required ? { type: 'object', additionalProperties: false, properties, required } : { type: 'object', additionalProperties: false, properties };
}

// Schema builders, shared with the image operations' blocks (imageOperations.ts).
export const URI = { type: 'string', format: 'uri' } as const;
const urls = <const M extends number>(maxItems: M) => ({ type: 'array', items: URI, maxItems }) as const;
const RATIO = { type: 'string', pattern: '^\\d+:\\d+$' } as const;
const TEXT = { type: 'string' } as const;
export const INTEGER = { type: 'integer' } as const;
export const FLAG = { type: 'boolean' } as const;
export const enumOf = <const E extends readonly string[]>(values: E) => ({ type: 'string', enum: values }) as const;
export const range = <const T extends 'integer' | 'number', const Min extends number, const Max extends number>(type: T, minimum: Min, maximum: Max) =>
  ({ type, minimum, maximum }) as const;
export const limitedText = <const M extends number>(maxLength: M) => ({ type: 'string', maxLength }) as const;
const SEED_0_TO_INT32 = range('integer', 0, 2147483647);

// ---- the parameter blocks (one per distinct shape in the spec) ----------------------------------------------

const fluxCommon = {
  aspect_ratio: RATIO,
  go_fast: FLAG,
  guidance: range('number', 1.5, 10),
  height: range('integer', 256, 2048),
  image_prompt: URI,
  image_prompt_strength: range('number', 0, 1),
  input_images: urls(10),
  output_format: enumOf(['jpg', 'png', 'webp']),
  output_quality: range('integer', 0, 100),
  prompt_upsampling: FLAG,
  raw: FLAG,
  seed: INTEGER,
  steps: range('integer', 1, 50),
  width: range('integer', 256, 2048),
} as const;

const ideogramProperties = {
  aspect_ratio: TEXT,
  character_reference_image: URI,
  image: URI,
  magic_prompt_option: enumOf(['Auto', 'On', 'Off']),
  mask: URI,
  negative_prompt: TEXT,
  rendering_speed: enumOf(['default', 'turbo', 'quality']),
  resolution: TEXT,
  seed: INTEGER,
  style_preset: TEXT,
  style_reference_images: urls(3),
  style_type: TEXT,
} as const;

const gptImageCommon = {
  aspect_ratio: enumOf(['1:1', '3:2', '2:3']),
  input_images: { type: ['array', 'null'], items: URI },
  number_of_images: range('integer', 1, 10),
  output_format: enumOf(['png', 'jpeg', 'webp']),
  quality: enumOf(['low', 'medium', 'high', 'auto']),
} as const;

const WAN_RATIOS = enumOf(['1:1', '2:3', '3:2', '3:4', '4:3', '9:16', '16:9', '21:9']);

export const PARAMS_BLOCKS = {
  midjourney: block({ aspect_ratio: RATIO }),
  nanoBanana: block({
    aspect_ratio: TEXT,
    google_search: FLAG,
    image_input: urls(14),
    image_search: FLAG,
    output_format: enumOf(['jpg', 'png', 'webp']),
    resolution: enumOf(['512px', '1K', '2K', '4K']),
  }),
  /** flux-1.1-pro, flux-1.1-pro-ultra, flux-2-dev: `resolution` is free text. */
  flux: block({ ...fluxCommon, resolution: TEXT }),
  /** flux-2-pro, flux-2-flex, flux-2-max: `resolution` is a megapixel preset. */
  flux2: block({ ...fluxCommon, resolution: enumOf(['0.5MP', '1MP', '2MP', '4MP', 'match_input_image']) }),
  seedream: block({
    aspect_ratio: TEXT,
    enhance_prompt: FLAG,
    guidance_scale: range('number', 1, 10),
    height: range('integer', 512, 4096),
    image_input: urls(14),
    output_format: enumOf(['jpg', 'png']),
    resolution: TEXT,
    seed: INTEGER,
    size: TEXT,
    use_pre_llm: FLAG,
    width: range('integer', 512, 4096),
  }),
  ideogram: block(ideogramProperties),
  /** ideogram-character: the same block with the character reference required. */
  ideogramCharacter: block(ideogramProperties, ['character_reference_image']),
  stableDiffusion: block({
    aspect_ratio: enumOf(['1:1', '16:9', '21:9', '3:2', '2:3', '4:5', '5:4', '9:16', '9:21']),
    cfg: range('number', 0, 20),
    image: URI,
    negative_prompt: limitedText(2000),
    output_format: enumOf(['webp', 'jpg', 'png']),
    output_quality: range('integer', 0, 100),
    prompt_strength: range('number', 0, 1),
    seed: INTEGER,
    steps: range('integer', 1, 40),
  }),
  imagen: block({
    aspect_ratio: enumOf(['1:1', '9:16', '16:9', '3:4', '4:3']),
    image_size: enumOf(['1K', '2K']),
    output_format: enumOf(['jpg', 'png']),
  }),
  dalle: block({ aspect_ratio: enumOf(['1:1', '3:2', '2:3']), style: enumOf(['vivid', 'natural']) }),
  /** gpt-image-1.5: a transparent background is allowed. */
  gptImage: block({ ...gptImageCommon, background: enumOf(['auto', 'transparent', 'opaque']), input_fidelity: enumOf(['low', 'high']) }),
  /** gpt-image-2: no transparent background; a moderation level instead of input fidelity. */
  gptImage2: block({ ...gptImageCommon, background: enumOf(['auto', 'opaque']), moderation: enumOf(['auto', 'low']) }),
  klingImage: block({
    aspect_ratio: enumOf(['16:9', '9:16', '1:1', '4:3', '3:4', '3:2', '2:3']),
    image: URI,
    image_fidelity: range('number', 0, 1),
    model_name: enumOf(['kling-v1', 'kling-v1-5', 'kling-v2']),
    n: range('integer', 1, 4),
    negative_prompt: limitedText(2500),
  }),
  qwenImage: block({
    acceleration: enumOf(['none', 'regular', 'high']),
    guidance_scale: range('number', 0, 20),
    image_size: enumOf(['square', 'square_hd', 'portrait_4_3', 'portrait_16_9', 'landscape_4_3', 'landscape_16_9']),
    image_url: URI,
    negative_prompt: limitedText(500),
    num_images: range('integer', 1, 4),
    num_inference_steps: range('integer', 2, 250),
    output_format: enumOf(['png', 'jpeg']),
    seed: INTEGER,
    strength: range('number', 0, 1),
    task_type: enumOf(['text-to-image', 'image-to-image', 'image-edit']),
  }),
  qwenImage2: block({
    aspect_ratio: enumOf(['1:1', '2:3', '3:2', '3:4', '4:3', '9:16', '16:9', '21:9', '2:1', '1:2']),
    image: URI,
    negative_prompt: limitedText(500),
    seed: INTEGER,
  }),
  wanImage: block({ aspect_ratio: WAN_RATIOS, image: URI, negative_prompt: limitedText(500), prompt_extend: FLAG, seed: SEED_0_TO_INT32 }),
  wanImage27: block({ aspect_ratio: WAN_RATIOS, image: URI, seed: SEED_0_TO_INT32, thinking_mode: FLAG }),
  grokImagine: block({ aspect_ratio: enumOf(['1:1', '2:3', '3:2', '16:9', '9:16']), image: URI }),
  reve: block({ aspect_ratio: enumOf(['16:9', '9:16', '3:2', '2:3', '4:3', '3:4', '1:1']), seed: INTEGER, version: TEXT }),
  fluxLora: block(
    {
      aspect_ratio: enumOf(['1:1', '16:9', '9:16', '4:3', '3:4', '3:2', '2:3']),
      guidance_scale: range('number', 1, 10),
      loraId: { type: 'string', format: 'uuid' },
      lora_strength: range('number', 0, 1.5),
      num_inference_steps: range('integer', 4, 50),
      num_outputs: range('integer', 1, 4),
      output_format: enumOf(['png', 'jpg', 'webp']),
      seed: INTEGER,
    },
    ['loraId'],
  ),
} as const satisfies Record<string, ParamsBlockSchema>;

export type ParamsBlockName = keyof typeof PARAMS_BLOCKS;

export type MidjourneyParams = ParamsOf<typeof PARAMS_BLOCKS.midjourney>;
export type NanoBananaParams = ParamsOf<typeof PARAMS_BLOCKS.nanoBanana>;
export type FluxParams = ParamsOf<typeof PARAMS_BLOCKS.flux>;
export type Flux2Params = ParamsOf<typeof PARAMS_BLOCKS.flux2>;
export type SeedreamParams = ParamsOf<typeof PARAMS_BLOCKS.seedream>;
export type IdeogramParams = ParamsOf<typeof PARAMS_BLOCKS.ideogram>;
export type IdeogramCharacterParams = ParamsOf<typeof PARAMS_BLOCKS.ideogramCharacter>;
export type StableDiffusionParams = ParamsOf<typeof PARAMS_BLOCKS.stableDiffusion>;
export type ImagenParams = ParamsOf<typeof PARAMS_BLOCKS.imagen>;
export type DalleParams = ParamsOf<typeof PARAMS_BLOCKS.dalle>;
export type GptImageParams = ParamsOf<typeof PARAMS_BLOCKS.gptImage>;
export type GptImage2Params = ParamsOf<typeof PARAMS_BLOCKS.gptImage2>;
export type KlingImageParams = ParamsOf<typeof PARAMS_BLOCKS.klingImage>;
export type QwenImageParams = ParamsOf<typeof PARAMS_BLOCKS.qwenImage>;
export type QwenImage2Params = ParamsOf<typeof PARAMS_BLOCKS.qwenImage2>;
export type WanImageParams = ParamsOf<typeof PARAMS_BLOCKS.wanImage>;
export type WanImage27Params = ParamsOf<typeof PARAMS_BLOCKS.wanImage27>;
export type GrokImagineParams = ParamsOf<typeof PARAMS_BLOCKS.grokImagine>;
export type ReveParams = ParamsOf<typeof PARAMS_BLOCKS.reve>;
export type FluxLoraParams = ParamsOf<typeof PARAMS_BLOCKS.fluxLora>;

// ---- the models ----------------------------------------------------------------------------------------

/** Families as a person picks among them (the picker groups by these). */
export type ImageModelFamily =
  | 'midjourney'
  | 'nano-banana'
  | 'flux'
  | 'seedream'
  | 'ideogram'
  | 'stable-diffusion'
  | 'imagen'
  | 'dall-e'
  | 'gpt-image'
  | 'kling'
  | 'qwen'
  | 'wan'
  | 'grok'
  | 'reve'
  | 'flux-lora';

export interface ImageModelSpec {
  readonly family: ImageModelFamily;
  /** The request property that carries this model's parameters, e.g. `fluxParams`. */
  readonly paramsKey: string;
  /** Which shape of parameters (several models share one). */
  readonly block: ParamsBlockName;
  /** The request is refused without the parameter block (its block has required properties). */
  readonly paramsRequired: boolean;
  /** Longest prompt the model accepts, in characters. */
  readonly promptMaxLength: number;
}

/** The family and the request property of each parameter block (several models share one block). */
const BLOCK_OWNERS = {
  midjourney: ['midjourney', 'midjourneyParams'],
  nanoBanana: ['nano-banana', 'nanoBananaParams'],
  flux: ['flux', 'fluxParams'],
  flux2: ['flux', 'fluxParams'],
  seedream: ['seedream', 'seedreamParams'],
  ideogram: ['ideogram', 'ideogramParams'],
  ideogramCharacter: ['ideogram', 'ideogramParams'],
  stableDiffusion: ['stable-diffusion', 'stableDiffusionParams'],
  imagen: ['imagen', 'imagenParams'],
  dalle: ['dall-e', 'dalleParams'],
  gptImage: ['gpt-image', 'gptImageParams'],
  gptImage2: ['gpt-image', 'gptImage2Params'],
  klingImage: ['kling', 'klingImageParams'],
  qwenImage: ['qwen', 'qwenImageParams'],
  qwenImage2: ['qwen', 'qwenImage2Params'],
  wanImage: ['wan', 'wanImageParams'],
  wanImage27: ['wan', 'wanImage27Params'],
  grokImagine: ['grok', 'grokImagineParams'],
  reve: ['reve', 'reveParams'],
  fluxLora: ['flux-lora', 'fluxLoraParams'],
} as const satisfies Record<ParamsBlockName, readonly [ImageModelFamily, string]>;

/** Every image model of the spec, in the spec's order, with the parameter block it takes. */
const MODEL_BLOCKS = {
  midjourney: 'midjourney',
  'nano-banana': 'nanoBanana',
  'nano-banana-pro': 'nanoBanana',
  'nano-banana-2': 'nanoBanana',
  'nano-banana-2-lite': 'nanoBanana',
  'flux-1.1-pro': 'flux',
  'flux-1.1-pro-ultra': 'flux',
  'flux-2-pro': 'flux2',
  'flux-2-dev': 'flux',
  'flux-2-flex': 'flux2',
  'flux-2-max': 'flux2',
  'seedream-3': 'seedream',
  'seedream-3.1': 'seedream',
  'seedream-4': 'seedream',
  'seedream-4.5': 'seedream',
  'seedream-5-lite': 'seedream',
  'seedream-5-pro': 'seedream',
  'ideogram-v2': 'ideogram',
  'ideogram-v2-turbo': 'ideogram',
  'ideogram-v2a': 'ideogram',
  'ideogram-v2a-turbo': 'ideogram',
  'ideogram-v3-balanced': 'ideogram',
  'ideogram-v3-turbo': 'ideogram',
  'ideogram-v3-quality': 'ideogram',
  'ideogram-v4-balanced': 'ideogram',
  'ideogram-v4-turbo': 'ideogram',
  'ideogram-v4-quality': 'ideogram',
  'ideogram-character': 'ideogramCharacter',
  'stable-diffusion-3.5-large': 'stableDiffusion',
  'stable-diffusion-3.5-large-turbo': 'stableDiffusion',
  'stable-diffusion-3.5-medium': 'stableDiffusion',
  'stable-diffusion-3': 'stableDiffusion',
  'imagen-3': 'imagen',
  'imagen-3-fast': 'imagen',
  'imagen-4': 'imagen',
  'imagen-4-ultra': 'imagen',
  'imagen-4-fast': 'imagen',
  'dall-e-3': 'dalle',
  'dall-e-2': 'dalle',
  'gpt-image-1.5': 'gptImage',
  'gpt-image-2': 'gptImage2',
  'kling-image': 'klingImage',
  'qwen-image': 'qwenImage',
  'qwen-image-2': 'qwenImage2',
  'qwen-image-2-pro': 'qwenImage2',
  'wan-image-2.6': 'wanImage',
  'wan-image-2.7': 'wanImage27',
  'wan-image-2.7-pro': 'wanImage27',
  'grok-imagine-image': 'grokImagine',
  'reve-create': 'reve',
  'flux-lora': 'fluxLora',
} as const satisfies Record<string, ParamsBlockName>;

/** Longest prompt of most models; Wan 2.7 takes longer ones. */
const PROMPT_MAX = 2000;
const LONG_PROMPT_MAX: Readonly<Partial<Record<string, number>>> = { wanImage27: 5000 };

type Blocks = typeof PARAMS_BLOCKS;
type SpecFor<B extends ParamsBlockName> = {
  readonly family: (typeof BLOCK_OWNERS)[B][0];
  readonly paramsKey: (typeof BLOCK_OWNERS)[B][1];
  readonly block: B;
  readonly paramsRequired: Blocks[B] extends { readonly required: readonly string[] } ? true : false;
  readonly promptMaxLength: number;
};

/** Every image model of the spec, in the spec's order, with its family and parameter block. */
export const IMAGE_MODELS = Object.fromEntries(
  Object.entries(MODEL_BLOCKS).map(([id, name]): [string, ImageModelSpec] => {
    const [family, paramsKey] = BLOCK_OWNERS[name];
    const required: readonly string[] | undefined = (PARAMS_BLOCKS[name] as ParamsBlockSchema).required;
    return [id, { family, paramsKey, block: name, paramsRequired: required !== undefined, promptMaxLength: LONG_PROMPT_MAX[name] ?? PROMPT_MAX }];
  }),
) as { readonly [M in keyof typeof MODEL_BLOCKS]: SpecFor<(typeof MODEL_BLOCKS)[M]> };

export type ImageModelId = keyof typeof MODEL_BLOCKS;

export const IMAGE_MODEL_IDS = Object.keys(MODEL_BLOCKS) as readonly ImageModelId[];

/** Families in the order a picker lists them (the spec's order of first appearance). */
export const IMAGE_MODEL_FAMILIES: readonly ImageModelFamily[] = [...new Set(IMAGE_MODEL_IDS.map((id) => IMAGE_MODELS[id].family))];

export function isImageModelId(value: unknown): value is ImageModelId {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(MODEL_BLOCKS, value);
}

export function imageModelSpec(model: ImageModelId): ImageModelSpec {
  return IMAGE_MODELS[model];
}

/** The parameter schema of one model. */
export function paramsSchemaOf(model: ImageModelId): ParamsBlockSchema {
  return PARAMS_BLOCKS[IMAGE_MODELS[model].block];
}

// ---- requests --------------------------------------------------------------------------------------------

type Models = typeof IMAGE_MODELS;
type ParamsFor<M extends ImageModelId> = ParamsOf<(typeof PARAMS_BLOCKS)[Models[M]['block']]>;

/** The body of `POST /v2/images/generate` for one model: its own parameter block and nothing else. */
export type ImageRequestFor<M extends ImageModelId> = {
  prompt: string;
  model: M;
  webhookUrl?: string;
  webhookEvents?: WebhookEvent[];
} & (Models[M]['paramsRequired'] extends true
  ? { [K in Models[M]['paramsKey']]: ParamsFor<M> }
  : { [K in Models[M]['paramsKey']]?: ParamsFor<M> });

/** The body of `POST /v2/images/generate` for any image model (discriminated by `model`). */
export type ImageGenerationRequest = { [M in ImageModelId]: ImageRequestFor<M> }[ImageModelId];

/** Parameters of any model as plain data (what a setting or a form holds before it is checked). */
export type ModelParamValues = Record<string, unknown>;

/**
 * One request body from checked values: the model's parameter block only when there is something in it (or the
 * model requires it). The caller has checked `params` against the model's schema; the cast names the union member.
 */
export function imageRequestOf(model: ImageModelId, prompt: string, params: Readonly<ModelParamValues>): ImageGenerationRequest {
  const { paramsKey, paramsRequired } = IMAGE_MODELS[model];
  const body: Record<string, unknown> = { prompt, model };
  if (paramsRequired || Object.keys(params).length > 0) body[paramsKey] = { ...params };
  return body as ImageGenerationRequest;
}
