import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'mocha';
import { IMAGE_MODEL_IDS, type ImageModelId } from '../../src/apiframe/imageModels';
import { summarizeCost, unitCost } from '../../src/commands/costSummary';
import { planCandidates } from '../../src/models/candidates';
import { catalogEntryFor, fallbackImageModels, type ImageCatalogEntry } from '../../src/models/catalog';
import { askedParams } from '../../src/models/describeParams';

const catalog = fallbackImageModels();
const entryFor = (model: ImageModelId): ImageCatalogEntry => catalogEntryFor(catalog, model);

describe('the cost confirmation’s summary', () => {
  it('multiplies a per-output price by the images, counted in one job or in several', () => {
    const counted = summarizeCost([planCandidates('gpt-image-2', 3)], entryFor);
    assert.deepEqual(counted.lines, [
      { model: 'gpt-image-2', label: 'GPT Image 2', pricingMode: 'per-output', unit: { min: 3, max: 30 }, units: 3, total: { min: 9, max: 90 }, images: 3 },
    ]);
    const separate = summarizeCost([planCandidates('flux-1.1-pro', 4)], entryFor);
    assert.deepEqual(separate.total, { min: 32, max: 32 });
    assert.equal(separate.lines[0]?.units, 4);
    assert.equal(separate.lines[0]?.images, 4);
  });

  it('charges a flat price once per job: a Midjourney grid is one unit and four images', () => {
    const grid = summarizeCost([planCandidates('midjourney', 4)], entryFor);
    assert.deepEqual(grid.lines[0], { model: 'midjourney', label: 'Midjourney', pricingMode: 'flat', unit: { min: 20, max: 40 }, units: 1, total: { min: 20, max: 40 }, images: 4 });
  });

  it('adds up several prompts of one model in one line, and several models (Compare) in one total', () => {
    const prompts = summarizeCost([planCandidates('dall-e-3', 1), planCandidates('dall-e-3', 1)], entryFor);
    assert.equal(prompts.lines.length, 1);
    assert.deepEqual(prompts.total, { min: 16, max: 32 });
    const compared = summarizeCost([planCandidates('flux-1.1-pro', 1), planCandidates('imagen-4', 1), planCandidates('midjourney', 1)], entryFor);
    assert.deepEqual(compared.lines.map((line) => line.model), ['flux-1.1-pro', 'imagen-4', 'midjourney']);
    assert.deepEqual(compared.total, { min: 36, max: 60 });
  });

  it('has no total when a model has no price (the question then counts it as above any threshold)', () => {
    const unpriced = (model: ImageModelId): ImageCatalogEntry => (model === 'imagen-4' ? { id: model, label: 'Imagen 4', family: 'imagen' } : entryFor(model));
    const summary = summarizeCost([planCandidates('flux-1.1-pro', 1), planCandidates('imagen-4', 1)], unpriced);
    assert.equal(summary.total, undefined);
    assert.equal(summary.lines[1]?.unit, undefined);
    assert.equal(summary.lines[1]?.total, undefined);
    assert.deepEqual(summary.lines[0]?.total, { min: 8, max: 8 });
  });

  it('reads one unit’s range from whichever bound the catalog gives, in order', () => {
    assert.deepEqual(unitCost({ costMin: 4 }), { min: 4, max: 4 });
    assert.deepEqual(unitCost({ costMax: 9 }), { min: 9, max: 9 });
    assert.deepEqual(unitCost({ costMin: 12, costMax: 6 }), { min: 6, max: 12 });
    assert.equal(unitCost({}), undefined);
  });
});

describe('the generate form’s labels', () => {
  it('has a literal l10n call for the label of every parameter any model asks', () => {
    const table = readFileSync(path.resolve(__dirname, '..', '..', '..', 'src', 'commands', 'paramLabels.ts'), 'utf8');
    const missing = new Set<string>();
    for (const model of IMAGE_MODEL_IDS) {
      for (const param of askedParams(model)) {
        const line = new RegExp(`'${param.labelKey.replace(/[.]/g, '\\.')}': \\(\\) => vscode\\.l10n\\.t\\('([^']+)'\\)`).exec(table);
        if (!line) missing.add(param.labelKey);
        else assert.equal(line[1], param.label, `${param.labelKey}: the English text is describeParams' label`);
      }
    }
    assert.deepEqual([...missing], []);
  });
});
