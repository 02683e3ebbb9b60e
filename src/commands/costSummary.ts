/**
 * What the cost confirmation says, from plain values (no `vscode`, tested in plain Node): per model, the catalog's
 * price of one unit (an image when priced per output, a job otherwise), how many units the request buys, and the
 * range they may cost together.
 */
import type { ImageModelId } from '../apiframe/imageModels';
import type { CandidatePlan } from '../models/candidates';
import type { ImageCatalogEntry, PricingMode } from '../models/catalog';
import { planCost, sumCosts, type CostRange } from '../models/cost';

export interface CostLine {
  readonly model: ImageModelId;
  readonly label: string;
  readonly pricingMode?: PricingMode;
  /** The catalog's range for one unit; undefined when the catalog gives no price. */
  readonly unit?: CostRange;
  /** Units bought: images of a per-output model (counted in one job or in several), else jobs. */
  readonly units: number;
  /** `unit` × `units`. */
  readonly total?: CostRange;
  /** Images the request brings back (a Midjourney grid counts four). */
  readonly images: number;
}

export interface CostSummary {
  /** One line per model, in the order the models first appear. */
  readonly lines: readonly CostLine[];
  /** Every line together; undefined when any model's price is unknown. */
  readonly total?: CostRange;
}

/** The catalog range of one unit, when the catalog gives one. */
export function unitCost(entry: Pick<ImageCatalogEntry, 'costMin' | 'costMax'>): CostRange | undefined {
  const low = entry.costMin ?? entry.costMax;
  const high = entry.costMax ?? entry.costMin;
  return low === undefined || high === undefined ? undefined : { min: Math.min(low, high), max: Math.max(low, high) };
}

/** Sums the plans (one per prompt, or one per compared model) into one line per model. */
export function summarizeCost(plans: readonly CandidatePlan[], entryFor: (model: ImageModelId) => ImageCatalogEntry): CostSummary {
  const byModel = new Map<ImageModelId, { entry: ImageCatalogEntry; units: number; images: number; total: CostRange | undefined }>();
  for (const plan of plans) {
    const entry = entryFor(plan.model);
    const line = byModel.get(plan.model) ?? { entry, units: 0, images: 0, total: { min: 0, max: 0 } };
    const unitsPerJob = entry.pricingMode === 'per-output' && plan.countParameter ? plan.countParameter.value : 1;
    line.units += unitsPerJob * plan.jobs;
    line.images += plan.imagesPerJob * plan.jobs;
    const cost = planCost(entry, plan);
    line.total = line.total && cost ? sumCosts([line.total, cost]) : undefined;
    byModel.set(plan.model, line);
  }
  const lines = [...byModel].map(([model, line]): CostLine => {
    const unit = unitCost(line.entry);
    return {
      model,
      label: line.entry.label,
      ...(line.entry.pricingMode ? { pricingMode: line.entry.pricingMode } : {}),
      ...(unit && line.total ? { unit, total: line.total } : {}),
      units: line.units,
      images: line.images,
    };
  });
  const total = sumCosts(lines.map((line) => line.total));
  return { lines, ...(total ? { total } : {}) };
}
