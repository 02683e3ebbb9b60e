/**
 * The image model layer, pure (no `vscode`, no network of its own): the catalog with its cache, the cost before
 * you pay, the candidate count, the aspect-ratio concept, what each model takes and the `apiframe.modelParams`
 * setting. Loaded on first use from the core bundle, never from the start-up bundle.
 */
export { COMMON_ASPECT_RATIOS, applyAspectRatio, aspectRatioChoices, aspectRatioOf, aspectRatioTargetOf, dimensionsFor, parseAspectRatio } from './aspectRatio';
export type { AspectRatioResult, AspectRatioTarget } from './aspectRatio';
export { MAX_CANDIDATES, MIN_CANDIDATES, imageCountSupport, parseCandidateCount, planCandidates } from './candidates';
export type { CandidatePlan, ImageCountSupport } from './candidates';
export {
  DEFAULT_CATALOG_TTL_MS,
  FAMILY_LABELS,
  ModelCatalogCache,
  catalogEntryFor,
  fallbackImageModels,
  groupByFamily,
  imageModelsOf,
} from './catalog';
export type { CatalogSnapshot, CatalogSource, CatalogStorage, ImageCatalogEntry, ModelCatalogCacheOptions, PricingMode, StoredCatalog } from './catalog';
export {
  ALWAYS_CONFIRM,
  DEFAULT_CONFIRM_ABOVE_CREDITS,
  NEVER_CONFIRM,
  formatCostRange,
  needsCostConfirmation,
  parseConfirmAboveCredits,
  planCost,
  sumCosts,
  times,
} from './cost';
export type { CostRange } from './cost';
export { askedParams, describeParams } from './describeParams';
export type { ModelParamsDescription, ParamDescription, ParamKind, ParamRole } from './describeParams';
export { MODEL_PARAMS_SETTING, readModelParamsSetting } from './modelParamsSetting';
export type { ModelParamsSetting, SettingProblem } from './modelParamsSetting';
export { mergeParams, planImageRequests } from './requests';
export type { PlannedRequests, RequestInput } from './requests';
