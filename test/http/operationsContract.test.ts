import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import {
  MIDJOURNEY_ACTIONS,
  MIDJOURNEY_ACTION_BLOCKS,
  OPERATION_BLOCKS,
  OPERATION_MODELS,
  OPERATION_MODEL_IDS,
  checkOperationRequest,
  midjourneyActionSchema,
  operationRequestSchema,
  type MidjourneyActionName,
  type OperationBlockSchema,
  type OperationModelId,
  type OperationParamSchema,
} from '../../src/apiframe/imageOperations';
import { officialSpec, officialSpecPath, type OfficialSpec } from '../contract/officialSpec';
import { call, type RawRequest } from '../emulator/http';
import { startEmulator, type Emulator, type EmulatorProfile } from '../emulator/index';
import { testPng } from './uploadHelpers';

/**
 * Our image-operation schemas against the official spec (outside the repo, never copied in): the models and
 * actions are exactly the spec's, each of our request schemas equals its official branch (properties, enums,
 * ranges, formats, required, `additionalProperties: false`), and generated samples — valid values at the edges,
 * one wrong value at a time — are accepted and rejected alike by the official schema, by ours under ajv (the
 * emulator) and by the client's own check. Then the emulator's answers on the new routes are checked against the
 * response schemas the spec declares.
 */

interface Branch {
  properties: Record<string, unknown>;
  required?: string[];
  additionalProperties?: boolean;
}

const UNION_OF_KIND = { backgroundRemove: 'ImageBackgroundRemoveRequest', upscale: 'ImageUpscaleRequest', edit: 'ImageEditRequest' } as const;
const SAMPLE_URL = 'https://example.com/source.png';
const SAMPLE_UUID = '0b4f6a8e-3c1d-4f2a-9b7e-5d6c7a8b9c0d';
/** Text limits above this are sampled below their maximum (a 12-million-character mask is no better a sample). */
const LONGEST_SAMPLED_TEXT = 100_000;

const ours = addFormats(new Ajv({ allErrors: true, strict: true }));

describe('contract: image operations vs the official OpenAPI spec', function () {
  this.timeout(60_000);
  let spec: OfficialSpec;
  let schemas: Record<string, { oneOf: Branch[] }>;

  before(function () {
    const found = officialSpec();
    if (!found) {
      assert.ok(!existsSync(officialSpecPath()), `the official spec is at ${officialSpecPath()} but did not load`);
      console.log(`    contract: skipped — the official spec is not at ${officialSpecPath()}`);
      this.skip();
    }
    spec = found;
    schemas = (JSON.parse(readFileSync(found.file, 'utf8')) as { components: { schemas: Record<string, { oneOf: Branch[] }> } }).components.schemas;
  });

  const branchesOf = (name: string): Branch[] => schemas[name]?.oneOf ?? assert.fail(`the spec has no ${name}`);
  const modelOf = (branch: Branch): string => ((branch.properties.model as { enum: string[] }).enum[0] ?? '');
  const actionOf = (branch: Branch): string => ((branch.properties.action as { enum: string[] }).enum[0] ?? '');

  it('our operation models are exactly the spec’s, in its order, each under its own kind and parameter block', () => {
    const official: [string, string, string][] = [];
    for (const [kind, name] of Object.entries(UNION_OF_KIND)) {
      for (const branch of branchesOf(name)) {
        const blocks = Object.keys(branch.properties).filter((key) => key.endsWith('Params'));
        assert.equal(blocks.length, 1, `${name} ${modelOf(branch)}`);
        official.push([modelOf(branch), kind, blocks[0] ?? '']);
      }
    }
    assert.deepEqual(
      OPERATION_MODEL_IDS.map((id) => [id, OPERATION_MODELS[id].kind, OPERATION_MODELS[id].paramsKey]),
      official,
    );
    assert.deepEqual(MIDJOURNEY_ACTIONS, branchesOf('MidjourneyActionRequest').map(actionOf));
  });

  it('each request schema of ours equals its official branch', () => {
    for (const [kind, name] of Object.entries(UNION_OF_KIND)) {
      for (const branch of branchesOf(name)) {
        const model = modelOf(branch) as OperationModelId;
        assert.equal(OPERATION_MODELS[model].kind, kind);
        assert.deepEqual(operationRequestSchema(model), branch, model);
        assert.equal(branch.additionalProperties, false, model);
      }
    }
    for (const branch of branchesOf('MidjourneyActionRequest')) {
      assert.deepEqual(midjourneyActionSchema(actionOf(branch) as MidjourneyActionName), branch, actionOf(branch));
    }
  });

  for (const model of OPERATION_MODEL_IDS) {
    it(`${model}: samples are accepted and rejected alike by the official schema, ours (ajv) and the client's check`, () => {
      const { kind, paramsKey, block } = OPERATION_MODELS[model];
      const union = UNION_OF_KIND[kind];
      const index = branchesOf(union).findIndex((branch) => modelOf(branch) === model);
      const schema: OperationBlockSchema = OPERATION_BLOCKS[block];
      const base = requiredValues(schema);
      const body = (params: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ model, [paramsKey]: params, ...extra });
      const samples = blockSamples(schema, base).map(([label, params, valid]): [string, Record<string, unknown>, boolean | undefined] => [label, body(params), valid]);
      samples.push(['no parameter block', { model }, false]);
      samples.push(['unknown top-level field', body(base, { prompt: 'x' }), false]);
      samples.push(['webhooks', body(base, { webhookUrl: 'https://example.com/hook', webhookEvents: ['completed'] }), true]);
      samples.push(['no webhook event', body(base, { webhookEvents: [] }), false]);
      const validate = ours.compile(operationRequestSchema(model));
      for (const [label, sample, expected] of samples) {
        const official = spec.validate(`#/components/schemas/${union}/oneOf/${index}`, sample);
        const accepted = official.length === 0;
        if (expected !== undefined) assert.equal(accepted, expected, `${model} ${label}: the sample itself is mislabelled (${official.join('; ')})`);
        assert.equal(validate(sample), accepted, `${model} ${label}: ours disagrees (${official.join('; ')})`);
        // The worded edit rules (inpaint needs a mask, …) are not in the schema, so they are left out here.
        const local = checkOperationRequest({ kind, request: sample as never }).filter((problem) => !problem.message.includes('when mode is'));
        assert.equal(local.length === 0, accepted, `${model} ${label}: checkOperationRequest disagrees (${JSON.stringify(local)})`);
        if (accepted) assert.deepEqual(spec.validate(union, sample), [], `${model} ${label}: accepted by the branch but not the union`);
      }
    });
  }

  for (const action of MIDJOURNEY_ACTIONS) {
    it(`midjourney ${action}: samples are accepted and rejected alike by the official schema, ours (ajv) and the client's check`, () => {
      const index = branchesOf('MidjourneyActionRequest').findIndex((branch) => actionOf(branch) === action);
      const schema: OperationBlockSchema = MIDJOURNEY_ACTION_BLOCKS[action];
      const base = requiredValues(schema);
      const body = (fields: unknown): Record<string, unknown> => ({ action, parentJobId: SAMPLE_UUID, ...(fields as Record<string, unknown>) });
      const samples = blockSamples(schema, base).map(([label, fields, valid]): [string, Record<string, unknown>, boolean | undefined] => [label, body(fields), valid]);
      samples.push(['parent not a UUID', { ...body(base), parentJobId: 'job-1' }, false]);
      samples.push(['no parent', Object.fromEntries(Object.entries(body(base)).filter(([k]) => k !== 'parentJobId')), false]);
      const validate = ours.compile(midjourneyActionSchema(action));
      for (const [label, sample, expected] of samples) {
        if (label === 'parameter block not an object') continue; // an action has no block: its fields are top-level
        const official = spec.validate(`#/components/schemas/MidjourneyActionRequest/oneOf/${index}`, sample);
        const accepted = official.length === 0;
        if (expected !== undefined) assert.equal(accepted, expected, `${action} ${label}: the sample itself is mislabelled (${official.join('; ')})`);
        assert.equal(validate(sample), accepted, `${action} ${label}: ours disagrees (${official.join('; ')})`);
        const local = checkOperationRequest({ kind: 'midjourneyAction', request: sample as never });
        assert.equal(local.length === 0, accepted, `${action} ${label}: checkOperationRequest disagrees (${JSON.stringify(local)})`);
      }
    });
  }

  for (const profile of ['friendly', 'spec-strict'] as const satisfies readonly EmulatorProfile[]) {
    describe(`the emulator's answers on the new routes (profile ${profile})`, () => {
      let emulator: Emulator;
      before(async () => {
        emulator = await startEmulator({ seed: 9, imageScale: 1 / 32, timeScale: 0.001, profile });
      });
      after(async () => emulator?.stop());

      async function checked(template: string, path: string, request: RawRequest & { form?: FormData } = {}): Promise<{ status: number; json: unknown }> {
        let response: { status: number; json: unknown; headers: Headers };
        if (request.form) {
          const answer = await fetch(`${emulator.url}${path}`, { method: 'POST', headers: { 'x-api-key': emulator.demoKey }, body: request.form });
          const text = await answer.text();
          response = { status: answer.status, headers: answer.headers, json: JSON.parse(text) as unknown };
        } else {
          response = await call(emulator, path, request);
        }
        const method = request.form || request.body !== undefined ? 'post' : 'get';
        const schema = spec.responseSchema(template, method, response.status) ?? 'ErrorResponse';
        assert.deepEqual(spec.validate(schema, response.json), [], `${method} ${template} ${response.status}: ${JSON.stringify(response.json)}`);
        return response;
      }
      const form = (bytes: Buffer, name: string): FormData => {
        const data = new FormData();
        data.append('file', new Blob([bytes]), name);
        return data;
      };

      it('Upload, ValidationError for a file it does not take, and the oversize answer', async () => {
        const uploaded = await checked('/v2/uploads', '/v2/uploads', { form: form(testPng(16, 16), 'a.png') });
        assert.equal(uploaded.status, 201);
        assert.equal((await checked('/v2/uploads', '/v2/uploads', { form: form(Buffer.from('%PDF-1.7'), 'a.pdf') })).status, 400);
        const oversize = await checked('/v2/uploads', '/v2/uploads', { form: form(Buffer.alloc(25 * 1024 * 1024 + 1), 'big.png') });
        assert.equal(oversize.status, profile === 'friendly' ? 413 : 400);
      });

      it('JobAccepted, ValidationError and InsufficientCredits on every operation route, and the jobs they create', async () => {
        const url = ((await checked('/v2/uploads', '/v2/uploads', { form: form(testPng(16, 16), 'b.png') })).json as { url: string }).url;
        const ids: string[] = [];
        const submit = async (path: string, body: unknown): Promise<number> => {
          const answer = await checked(path, path, { body });
          if (answer.status === 202) ids.push((answer.json as { jobId: string }).jobId);
          return answer.status;
        };
        assert.equal(await submit('/v2/images/background-remove', { model: 'bria-bg-remove', briaBgRemoveParams: { image: url } }), 202);
        assert.equal(await submit('/v2/images/upscale', { model: 'topaz-image-upscale', topazUpscaleParams: { image: url, upscale_factor: 4 } }), 202);
        assert.equal(await submit('/v2/images/edit', { model: 'flux-fill-pro', fluxFillParams: { image: url, prompt: 'x', mode: 'outpaint', outpaint: 'Make square' } }), 202);
        assert.equal(await submit('/v2/images/upscale', { model: 'topaz-image-upscale', topazUpscaleParams: { image: url, upscale_factor: 3 } }), 400);
        assert.equal(await submit('/v2/images/edit', { model: 'flux-fill-pro' }), 400);
        const grid = await call(emulator, '/v2/images/generate', { body: { prompt: 'grid', model: 'midjourney' } });
        emulator.clock.advance(10 * 60_000);
        const parentJobId = (grid.json as { jobId: string }).jobId;
        assert.equal(await submit('/v2/images/midjourney/action', { action: 'upsample', index: 2, parentJobId }), 202);
        assert.equal(await submit('/v2/images/midjourney/action', { action: 'pan', direction: 'up', parentJobId }), 409);
        emulator.clock.advance(10 * 60_000);
        for (const id of ids) assert.equal(((await checked('/v2/jobs/{id}', `/v2/jobs/${id}`)).json as { status: string }).status, 'COMPLETED');
        emulator.addKey({ key: 'afk_poor_contract_operations', credits: 0 });
        const poor = await checked('/v2/images/background-remove', '/v2/images/background-remove', {
          key: 'afk_poor_contract_operations',
          body: { model: '851-bg-remove', lab851BgRemoveParams: { image: url } },
        });
        assert.equal(poor.status, 402);
      });
    });
  }
});

/** The block's required properties, each with its first valid sample value. */
function requiredValues(schema: OperationBlockSchema): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const name of schema.required ?? []) {
    const property = schema.properties[name];
    if (property) values[name] = valueSamples(property)[0]?.[1];
  }
  return values;
}

/** Samples of one block: its required values alone, one property at a time at its edges and beyond, and wrong shapes. */
function blockSamples(schema: OperationBlockSchema, base: Record<string, unknown>): [string, unknown, boolean][] {
  const samples: [string, unknown, boolean][] = [
    ['required values only', base, true],
    ['unknown parameter', { ...base, not_a_param: 1 }, false],
    ['parameter block not an object', [], false],
  ];
  for (const [name, property] of Object.entries(schema.properties)) {
    for (const [label, value, valid] of valueSamples(property)) samples.push([`${name} ${label}`, { ...base, [name]: value }, valid]);
  }
  for (const name of Object.keys(base)) {
    const without = { ...base };
    delete without[name];
    samples.push([`without required ${name}`, without, false]);
  }
  return samples;
}

/** Values for one property: valid ones first, then wrong ones. */
function valueSamples(schema: OperationParamSchema): [string, unknown, boolean][] {
  if ('anyOf' in schema) {
    const allowed = schema.anyOf.map((option) => option.enum[0]);
    const samples: [string, unknown, boolean][] = allowed.map((value): [string, unknown, boolean] => [`= ${value}`, value, true]);
    return [...samples, ['a value between', (allowed[0] ?? 0) + 0.25, false], ['past the last', Math.max(...allowed) + 1, false], ['a string', String(allowed[0]), false]];
  }
  if ('minLength' in schema) {
    const longest = Math.min(schema.maxLength, LONGEST_SAMPLED_TEXT);
    const samples: [string, unknown, boolean][] = [
      ['at its shortest', 'x'.repeat(schema.minLength), true],
      ['long', 'x'.repeat(longest), true],
      ['too short', 'x'.repeat(schema.minLength - 1), false],
      ['not a string', 5, false],
    ];
    if (schema.maxLength <= LONGEST_SAMPLED_TEXT) samples.push(['too long', 'x'.repeat(schema.maxLength + 1), false]);
    return samples;
  }
  switch (schema.type) {
    case 'string': {
      if (schema.enum) {
        return [
          ['first value', schema.enum[0], true],
          ['last value', schema.enum[schema.enum.length - 1], true],
          ['unknown value', 'definitely-not-a-value', false],
          ['not a string', 1, false],
        ];
      }
      if (schema.format === 'uri') return [['a URL', SAMPLE_URL, true], ['not a URL', 'not a url', false], ['not a string', 3, false]];
      if (schema.format === 'uuid') return [['a UUID', SAMPLE_UUID, true], ['not a UUID', 'job-1', false]];
      const samples: [string, unknown, boolean][] = [['a value', 'soft light', true], ['empty', '', true], ['not a string', 7, false]];
      if (schema.maxLength !== undefined) samples.push(['at its longest', 'x'.repeat(schema.maxLength), true], ['too long', 'x'.repeat(schema.maxLength + 1), false]);
      return samples;
    }
    case 'integer':
    case 'number': {
      const samples: [string, unknown, boolean][] = [];
      if (schema.minimum !== undefined) samples.push(['at its minimum', schema.minimum, true], ['below its minimum', schema.minimum - 1, false]);
      if (schema.maximum !== undefined) samples.push(['at its maximum', schema.maximum, true], ['above its maximum', schema.maximum + 1, false]);
      if (schema.minimum === undefined && schema.maximum === undefined) samples.push(['any value', 42, true]);
      samples.push(['a fraction', (schema.minimum ?? 0) + 0.25, schema.type === 'number'], ['a string', '5', false]);
      return samples;
    }
    case 'boolean':
      return [['true', true, true], ['false', false, true], ['a string', 'yes', false]];
    default:
      return [];
  }
}
