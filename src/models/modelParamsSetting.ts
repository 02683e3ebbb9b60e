/**
 * `apiframe.modelParams`: per-model default parameters, `{ "<model id>": { <the model's own parameters> } }`.
 * Read leniently — every valid value is kept, every bad one is dropped and reported with its full setting path
 * (`apiframe.modelParams["flux-2-pro"].width: must be from 256 to 2048`), so one typo does not cost the rest.
 */
import { isImageModelId, paramsSchemaOf, type ImageModelId, type ModelParamValues } from '../apiframe/imageModels';
import { checkParam } from '../apiframe/paramsCheck';
import { isPlainObject } from '../shared/guards';

export const MODEL_PARAMS_SETTING = 'apiframe.modelParams';

export interface SettingProblem {
  /** Where, as a user finds it in settings.json: `apiframe.modelParams["dall-e-3"].style`. */
  readonly setting: string;
  /** What is wrong, in English. */
  readonly message: string;
}

export interface ModelParamsSetting {
  /** The valid defaults of each model named in the setting. */
  readonly byModel: Readonly<Partial<Record<ImageModelId, ModelParamValues>>>;
  readonly problems: readonly SettingProblem[];
}

const MAX_PROBLEMS = 50;

/** Checks the whole setting value (undefined and {} are fine). */
export function readModelParamsSetting(value: unknown, settingName = MODEL_PARAMS_SETTING): ModelParamsSetting {
  const problems: SettingProblem[] = [];
  const byModel: Partial<Record<ImageModelId, ModelParamValues>> = {};
  const report = (setting: string, message: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push({ setting, message });
  };
  if (value === undefined || value === null) return { byModel, problems };
  if (!isPlainObject(value)) {
    report(settingName, 'must be an object keyed by model id, e.g. { "dall-e-3": { "style": "natural" } }');
    return { byModel, problems };
  }
  for (const [model, params] of Object.entries(value)) {
    const modelPath = `${settingName}[${JSON.stringify(model)}]`;
    if (!isImageModelId(model)) {
      report(modelPath, 'is not an Apiframe image model id');
      continue;
    }
    if (!isPlainObject(params)) {
      report(modelPath, "must be an object of the model's parameters");
      continue;
    }
    const schema = paramsSchemaOf(model);
    const kept: ModelParamValues = {};
    for (const [name, param] of Object.entries(params)) {
      const property = Object.prototype.hasOwnProperty.call(schema.properties, name) ? schema.properties[name] : undefined;
      if (!property) {
        report(`${modelPath}.${name}`, `is not a parameter of ${model}`);
        continue;
      }
      const found = checkParam(property, param, [name]);
      for (const problem of found) report(`${modelPath}.${problem.path.join('.')}`, problem.message);
      if (found.length === 0) kept[name] = param;
    }
    byModel[model] = kept;
  }
  return { byModel, problems };
}
