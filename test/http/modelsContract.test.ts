import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { IMAGE_MODELS, IMAGE_MODEL_IDS, PARAMS_BLOCKS, type ImageModelId, type ModelParamValues } from '../../src/apiframe/imageModels';
import { checkParams } from '../../src/apiframe/paramsCheck';
import { describeParams, type ParamDescription } from '../../src/models/describeParams';
import { fallbackImageModels } from '../../src/models/catalog';
import { officialSpec, officialSpecPath, type OfficialSpec } from '../contract/officialSpec';
import { generateImageRequestSchema, validators } from '../emulator/schemas';

/**
 * Every image model's parameters against the official spec (outside the repo, never copied in): our model table
 * lists exactly the spec's `GenerateImageRequest` branches, each of our request schemas equals its official branch
 * (discriminator, parameter block, properties, enums, ranges, formats, `additionalProperties: false`, required),
 * and generated samples — valid values at the edges, one wrong value at a time — are accepted and rejected alike
 * by the official schema, by our schema under ajv (the emulator) and by the extension's own check (`checkParams`).
 */

interface Branch {
  properties: Record<string, unknown> & { model: { enum: string[] } };
  required?: string[];
  additionalProperties?: boolean;
}

const PROMPT = 'a lighthouse at dusk';
const SAMPLE_URL = 'https://example.com/reference.png';
const SAMPLE_UUID = '0b4f6a8e-3c1d-4f2a-9b7e-5d6c7a8b9c0d';

describe('contract: every image model vs the official OpenAPI spec', function () {
  this.timeout(60_000);
  let spec: OfficialSpec;
  let branches: Branch[];

  before(function () {
    const found = officialSpec();
    if (!found) {
      assert.ok(!existsSync(officialSpecPath()), `the official spec is at ${officialSpecPath()} but did not load`);
      console.log(`    contract: skipped — the official spec is not at ${officialSpecPath()}`);
      this.skip();
    }
    spec = found;
    const document = JSON.parse(readFileSync(found.file, 'utf8')) as { components: { schemas: { GenerateImageRequest: { oneOf: Branch[] } } } };
    branches = document.components.schemas.GenerateImageRequest.oneOf;
  });

  it('our model table lists exactly the spec’s image models, in its order, each with its own parameter block', () => {
    const official = branches.map((branch) => branch.properties.model.enum);
    assert.ok(official.every((values) => values.length === 1), 'one model per branch');
    assert.deepEqual(IMAGE_MODEL_IDS, official.map(([id]) => id));
    for (const branch of branches) {
      const model = branch.properties.model.enum[0] as ImageModelId;
      const blocks = Object.keys(branch.properties).filter((name) => name.endsWith('Params'));
      assert.deepEqual(blocks, [IMAGE_MODELS[model].paramsKey], model);
    }
  });

  it('each of our request schemas equals its official branch (discriminator, block, enums, ranges, no extra properties)', () => {
    for (const branch of branches) {
      const model = branch.properties.model.enum[0] as ImageModelId;
      assert.deepEqual(generateImageRequestSchema(model), branch, model);
      assert.equal(branch.additionalProperties, false, model);
      assert.equal((branch.properties[IMAGE_MODELS[model].paramsKey] as { additionalProperties?: unknown }).additionalProperties, false, model);
    }
    // Every block we wrote is one the spec uses (none left over from an older spec).
    const used = new Set(IMAGE_MODEL_IDS.map((id) => IMAGE_MODELS[id].block));
    assert.deepEqual(Object.keys(PARAMS_BLOCKS).filter((name) => !used.has(name as keyof typeof PARAMS_BLOCKS)), []);
  });

  it('the built-in catalog names every model of the spec', () => {
    assert.deepEqual(fallbackImageModels().map((entry) => entry.id), [...IMAGE_MODEL_IDS]);
  });

  for (const model of IMAGE_MODEL_IDS) {
    it(`${model}: samples are accepted and rejected alike by the official schema, ours (ajv) and checkParams`, () => {
      const { paramsKey, paramsRequired } = IMAGE_MODELS[model];
      const params = describeParams(model).params;
      const base = requiredValues(params);
      const samples: [string, unknown, boolean | undefined][] = [];
      const body = (block: ModelParamValues | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> =>
        block === undefined ? { prompt: PROMPT, model, ...extra } : { prompt: PROMPT, model, [paramsKey]: block, ...extra };
      samples.push(['no parameter block', body(undefined), !paramsRequired]);
      samples.push(['required parameters only', body(base), true]);
      samples.push(['unknown parameter', body({ ...base, not_a_param: 1 }), false]);
      samples.push(['parameter block not an object', body([] as unknown as ModelParamValues), false]);
      samples.push(['another model’s block', { ...body(base), [paramsKey === 'dalleParams' ? 'fluxParams' : 'dalleParams']: {} }, false]);
      samples.push(['unknown top-level field', body(base, { n: 2 }), false]);
      const longest = IMAGE_MODELS[model].promptMaxLength;
      samples.push(['prompt at its longest', body(base, { prompt: 'x'.repeat(longest) }), true]);
      samples.push(['prompt one character too long', body(base, { prompt: 'x'.repeat(longest + 1) }), false]);
      for (const param of params) {
        for (const [label, value, valid] of sampleValues(param)) samples.push([`${param.name} ${label}`, body({ ...base, [param.name]: value }), valid]);
      }
      for (const name of Object.keys(base)) {
        const without = { ...base };
        delete without[name];
        samples.push([`without required ${name}`, body(without), false]);
      }
      for (const [label, sample, expected] of samples) {
        const official = spec.validate(`GenerateImageRequest#${model}`, sample);
        const ours = validators.generate[model](sample);
        const officialAccepts = official.length === 0;
        assert.equal(ours === undefined, officialAccepts, `${model} ${label}: ours ${JSON.stringify(ours)}; official ${official.join('; ')}`);
        if (expected !== undefined) assert.equal(officialAccepts, expected, `${model} ${label}: the sample itself is mislabelled (${official.join('; ')})`);
        // Where only the parameter block can be wrong, the extension's own check must agree as well.
        const { [paramsKey]: block, ...rest } = sample as Record<string, unknown>;
        if (block !== undefined && JSON.stringify(rest) === JSON.stringify({ prompt: PROMPT, model })) {
          assert.equal(checkParams(PARAMS_BLOCKS[IMAGE_MODELS[model].block], block).length === 0, officialAccepts, `${model} ${label}: checkParams disagrees`);
        }
        if (officialAccepts) assert.deepEqual(spec.validate('GenerateImageRequest', sample), [], `${model} ${label}: accepted by the branch but not the union`);
      }
    });
  }
});

function requiredValues(params: readonly ParamDescription[]): ModelParamValues {
  const values: ModelParamValues = {};
  for (const param of params) if (param.required) values[param.name] = sampleValues(param)[0]?.[1];
  return values;
}

/** Values for one parameter: valid ones first (edges of its range, each end of its list), then wrong ones. */
function sampleValues(param: ParamDescription): [string, unknown, boolean][] {
  switch (param.kind) {
    case 'enum': {
      const values = param.values ?? [];
      return [
        ['first value', values[0], true],
        ['last value', values[values.length - 1], true],
        ['unknown value', 'definitely-not-a-value', false],
        ['with a trailing space', `${values[0] ?? ''} `, false],
        ['not a string', 1, false],
      ];
    }
    case 'integer':
    case 'number': {
      const samples: [string, unknown, boolean][] = [];
      if (param.min !== undefined) samples.push(['at its minimum', param.min, true], ['below its minimum', param.min - 1, false]);
      if (param.max !== undefined) samples.push(['at its maximum', param.max, true], ['above its maximum', param.max + 1, false]);
      if (param.min === undefined && param.max === undefined) samples.push(['any value', 42, true]);
      // Inside the range: a fraction is wrong for an integer only because it is a fraction.
      const fraction = (param.min ?? 0) + 0.25;
      samples.push(['a fraction', fraction, param.kind === 'number']);
      samples.push(['a string', '5', false]);
      return samples;
    }
    case 'boolean':
      return [['true', true, true], ['false', false, true], ['a string', 'yes', false]];
    case 'string': {
      const ratio = param.name === 'aspect_ratio';
      const samples: [string, unknown, boolean][] = [['a value', ratio ? '16:9' : 'soft light', true], ['not a string', 7, false]];
      if (param.maxLength !== undefined) {
        samples.push(['at its longest', 'x'.repeat(param.maxLength), true], ['too long', 'x'.repeat(param.maxLength + 1), false]);
      }
      return samples;
    }
    case 'url':
      return [['a URL', SAMPLE_URL, true], ['not a URL', 'not a url', false], ['not a string', 3, false]];
    case 'uuid':
      return [['a UUID', SAMPLE_UUID, true], ['not a UUID', 'my-lora', false]];
    case 'urls': {
      const samples: [string, unknown, boolean][] = [
        ['one URL', [SAMPLE_URL], true],
        ['no URL', [], true],
        ['a bad URL', ['not a url'], false],
        ['not a list', SAMPLE_URL, false],
      ];
      if (param.maxItems !== undefined) {
        samples.push(['at its longest', Array.from({ length: param.maxItems }, (_, i) => `${SAMPLE_URL}?${i}`), true]);
        samples.push(['too long', Array.from({ length: param.maxItems + 1 }, (_, i) => `${SAMPLE_URL}?${i}`), false]);
      }
      return samples;
    }
  }
}
