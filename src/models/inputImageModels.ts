/**
 * Which image models can start from an existing image (Edit with Prompt…, Make Variations…), and through which
 * parameter — read from the models' own parameter schemas (imageModels.ts), so a model added there, or a
 * parameter a model gains, shows up here without a list to keep in step.
 */
import { IMAGE_MODEL_IDS, paramsSchemaOf, type ImageModelId, type ModelParamValues, type ParamSchema } from '../apiframe/imageModels';
import { parseAspectRatio } from './aspectRatio';

/**
 * The parameters that carry the image a generation starts from, most specific first: when a block has two (FLUX
 * has `input_images` and `image_prompt`), the first one listed wins. Deliberately not every URL parameter:
 * `mask`, `character_reference_image`, `style_reference_images` and `image_prompt` guide a generation but do not
 * make it start from the image, and `loraId` is no image at all.
 */
const INPUT_IMAGE_PARAMS = ['image_input', 'input_images', 'image', 'image_url'] as const;

/** The parameter a model takes its input image through: a single URL, or a list that gets `[url]`. */
export interface InputImageParam {
  readonly name: string;
  readonly list: boolean;
}

function isUrl(schema: ParamSchema | undefined): boolean {
  return schema !== undefined && schema.type === 'string' && schema.format === 'uri';
}

function isUrlList(schema: ParamSchema | undefined): boolean {
  return schema !== undefined && 'items' in schema && schema.items.format === 'uri' && (schema.maxItems === undefined || schema.maxItems >= 1);
}

/**
 * The parameter through which `model` takes an input image, or undefined when it takes none. An `image` next to
 * a `mask` is the picture to inpaint (Ideogram): without a mask the model refuses it, so such a model does not
 * count as taking an input image for a prompt alone.
 */
export function inputImageParamOf(model: ImageModelId): InputImageParam | undefined {
  const { properties } = paramsSchemaOf(model);
  for (const name of INPUT_IMAGE_PARAMS) {
    const schema = Object.prototype.hasOwnProperty.call(properties, name) ? properties[name] : undefined;
    if (name === 'image' && Object.prototype.hasOwnProperty.call(properties, 'mask')) continue;
    if (isUrl(schema)) return { name, list: false };
    if (isUrlList(schema)) return { name, list: true };
  }
  return undefined;
}

export function takesInputImage(model: ImageModelId): boolean {
  return inputImageParamOf(model) !== undefined;
}

/** Every model that takes an input image, in the spec's order. */
export function inputImageModelIds(): ImageModelId[] {
  return IMAGE_MODEL_IDS.filter(takesInputImage);
}

/** What the user asks of the input image: change it as the prompt says, or make new images like it. */
export type InputImagePurpose = 'edit' | 'variation';

/** The task each purpose selects on a model that is told what to do with its input image (`task_type`). */
const TASKS: Readonly<Record<InputImagePurpose, string>> = { edit: 'image-edit', variation: 'image-to-image' };

/**
 * Parameters a model needs besides the image itself to use it for `purpose`: a model whose schema has a task
 * selector (Qwen Image's `task_type`) would otherwise make a new image from the text alone. `{}` for the rest.
 */
export function inputImageTaskParams(model: ImageModelId, purpose: InputImagePurpose): ModelParamValues {
  const schema = paramsSchemaOf(model).properties.task_type;
  const task = TASKS[purpose];
  return schema !== undefined && schema.type === 'string' && schema.enum?.includes(task) === true ? { task_type: task } : {};
}

/**
 * Of the ratios a model takes, the one closest in shape to a `width`×`height` image (compared on a log scale, so
 * 2:1 and 1:2 are equally far from 1:1), so an edit keeps the picture's shape; undefined without choices or size.
 */
export function closestAspectRatio(width: number, height: number, choices: readonly string[]): string | undefined {
  if (!(width > 0 && height > 0)) return undefined;
  const shape = Math.log(width / height);
  let best: { ratio: string; distance: number } | undefined;
  for (const ratio of choices) {
    const sides = parseAspectRatio(ratio);
    if (!sides) continue;
    const distance = Math.abs(Math.log(sides[0] / sides[1]) - shape);
    if (!best || distance < best.distance) best = { ratio, distance };
  }
  return best?.ratio;
}
