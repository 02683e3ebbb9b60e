/**
 * From plain values (a model, a prompt, parameters from settings and the form, a candidate count) to the request
 * bodies to submit — checked against the model's own schema before anything is sent or charged.
 */
import {
  imageRequestOf,
  paramsSchemaOf,
  type ImageGenerationRequest,
  type ImageModelId,
  type ModelParamValues,
  type ParamSchema,
} from '../apiframe/imageModels';
import { checkParams, type ParamProblem } from '../apiframe/paramsCheck';
import { imageCountSupport, planCandidates, type CandidatePlan } from './candidates';

/**
 * Layers of parameters, later ones winning (settings defaults, then what was remembered for the model, then the
 * form's answers); an `undefined` value removes the parameter.
 */
export function mergeParams(...layers: readonly (ModelParamValues | undefined)[]): ModelParamValues {
  const merged: ModelParamValues = {};
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer ?? {})) {
      if (value === undefined) delete merged[name];
      else merged[name] = value;
    }
  }
  return merged;
}

export type PlannedRequests =
  | { readonly ok: true; readonly plan: CandidatePlan; readonly requests: readonly ImageGenerationRequest[] }
  | { readonly ok: false; readonly problems: readonly ParamProblem[] };

export interface RequestInput {
  readonly model: ImageModelId;
  readonly prompt: string;
  readonly params?: ModelParamValues;
  /** Candidates, 1–4 (default 1). */
  readonly count?: number;
}

/**
 * The requests for `count` candidates: one job with the model's own image count where it has one (the count
 * replaces any count in `params`), else one request per job. When the model takes a seed and one is given,
 * separate jobs get seed, seed + 1, … — the same seed would give the same picture N times.
 */
export function planImageRequests(input: RequestInput): PlannedRequests {
  const plan = planCandidates(input.model, input.count ?? 1);
  const params: ModelParamValues = { ...input.params };
  const support = imageCountSupport(input.model);
  if (support.kind === 'parameter') delete params[support.name];
  if (plan.countParameter) params[plan.countParameter.name] = plan.countParameter.value;
  const schema = paramsSchemaOf(input.model);
  const problems = checkParams(schema, params);
  if (problems.length > 0) return { ok: false, problems };
  const seed = params.seed;
  const requests = Array.from({ length: plan.jobs }, (_, index) => {
    const jobParams = typeof seed === 'number' && index > 0 ? { ...params, seed: nextSeed(seed, index, schema.properties.seed) } : params;
    return imageRequestOf(input.model, input.prompt, jobParams);
  });
  return { ok: true, plan, requests };
}

/** seed + offset, wrapped round to the minimum past the schema's maximum. */
function nextSeed(seed: number, offset: number, schema: ParamSchema | undefined): number {
  const max = (schema?.type === 'integer' ? schema.maximum : undefined) ?? Number.MAX_SAFE_INTEGER;
  const min = (schema?.type === 'integer' ? schema.minimum : undefined) ?? 0;
  const next = seed + offset;
  return next > max ? min + (next - max - 1) : next;
}
