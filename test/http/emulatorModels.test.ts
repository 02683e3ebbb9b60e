import * as assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import { createCatalogClient, imageUrlsOf, type ApiframeClient } from '../../src/apiframe/client';
import { IMAGE_MODEL_IDS, type ImageModelId, type ModelParamValues } from '../../src/apiframe/imageModels';
import { ASPECT_RATIO_SIZES, type AspectRatio } from '../../src/apiframe/types';
import { applyAspectRatio, aspectRatioChoices, parseAspectRatio } from '../../src/models/aspectRatio';
import { catalogEntryFor, imageModelsOf, type ImageCatalogEntry } from '../../src/models/catalog';
import { planCost } from '../../src/models/cost';
import { askedParams } from '../../src/models/describeParams';
import { planImageRequests } from '../../src/models/requests';
import { call, download } from '../emulator/http';
import { startEmulator, type Emulator } from '../emulator/index';
import { clientFor, rejection } from './clientHelpers';

/**
 * The emulator speaks every image model of the spec: the public catalog with cost ranges (read without a key),
 * each family's parameters checked with our schemas, family-shaped results (several images for a model's own
 * count, Midjourney's grid of four), a `creditCost` within the model's range, and the spec's 402 when credits run out.
 */

const FOREVER = 10 * 60_000;
const LORA_ID = '0b4f6a8e-3c1d-4f2a-9b7e-5d6c7a8b9c0d';
const REFERENCE = 'https://example.com/character.png';

/** Parameters a person would pick: a ratio other than the first, and the first value of each basic choice. */
function sampleParams(model: ImageModelId): ModelParamValues {
  const choices = aspectRatioChoices(model);
  const applied = applyAspectRatio(model, choices[1] ?? choices[0] ?? '1:1');
  assert.ok(applied.ok, model);
  const params: ModelParamValues = { ...applied.params };
  for (const param of askedParams(model)) {
    if (param.kind === 'enum' && param.values?.[0] !== undefined) params[param.name] = param.values[0];
    if (param.name === 'seed') params.seed = 7;
  }
  if (model === 'flux-lora') params.loraId = LORA_ID;
  if (model === 'ideogram-character') params.character_reference_image = REFERENCE;
  return params;
}

describe('emulator: every image model', function () {
  this.timeout(30_000);
  let emulator: Emulator;
  let client: ApiframeClient;
  let catalog: ImageCatalogEntry[];

  before(async () => {
    emulator = await startEmulator({ seed: 11, imageScale: 1 / 16, credits: 1_000_000 });
    client = clientFor(emulator);
    const catalogClient = createCatalogClient({ baseUrl: emulator.url, userAgent: 'apiframe-images-test/0.0.0', env: {} });
    try {
      catalog = imageModelsOf(await catalogClient.listModels({ modality: 'image' }));
    } finally {
      await catalogClient.close();
    }
  });

  after(async () => {
    await client?.close();
    await emulator?.stop();
  });

  it('serves the catalog with a cost range for every image model, and the clients read it without sending a key', async () => {
    assert.deepEqual(catalog.map((m) => m.id), [...IMAGE_MODEL_IDS]);
    for (const entry of catalog) assert.ok(entry.costMin !== undefined && entry.costMax !== undefined && entry.costMin <= entry.costMax, entry.id);
    emulator.log.clear();
    await client.listModels();
    const catalogCalls = emulator.log.where({ path: '/v2/models' });
    assert.equal(catalogCalls.length, 1);
    assert.deepEqual(catalogCalls.map((entry) => [entry.status, entry.keyPrefix]), [[200, undefined]], 'neither client sends the key to the public catalog');
    await client.me();
    assert.ok(emulator.log.where({ path: '/v2/me' })[0]?.keyPrefix, 'the keyed client still sends it where it is needed');
  });

  for (const model of IMAGE_MODEL_IDS) {
    it(`${model}: two candidates as the model makes them, each job charged within its range`, async () => {
      const params = sampleParams(model);
      const planned = planImageRequests({ model, prompt: `a lighthouse for ${model}`, params, count: 2 });
      assert.ok(planned.ok, JSON.stringify(!planned.ok && planned.problems));
      const accepted = [];
      for (const request of planned.requests) accepted.push(await client.submitImage(request));
      emulator.clock.advance(FOREVER);
      const entry = catalogEntryFor(catalog, model);
      const range = planCost(entry, { ...planned.plan, jobs: 1 });
      assert.ok(range, model);
      let images = 0;
      for (const { jobId } of accepted) {
        const job = await client.getJob(jobId);
        assert.equal(job.status, 'COMPLETED', model);
        const urls = imageUrlsOf(job.result);
        assert.equal(urls.length, planned.plan.imagesPerJob, `${model}: images per job`);
        images += urls.length;
        assert.ok(job.creditCost !== null && job.creditCost >= range.min && job.creditCost <= range.max, `${model}: cost ${job.creditCost} in ${JSON.stringify(range)}`);
        const [first] = urls;
        assert.ok(first);
        const png = PNG.sync.read((await download(first)).bytes);
        // DALL-E's "3:2" is 1792×1024, as OpenAI renders it; every other model keeps the ratio asked.
        const dalle = model.startsWith('dall-e-') ? ASPECT_RATIO_SIZES[params.aspect_ratio as AspectRatio] : undefined;
        const askedRatio = typeof params.aspect_ratio === 'string' ? params.aspect_ratio : undefined;
        const ratio = askedRatio === undefined ? undefined : parseAspectRatio(askedRatio);
        const asked = dalle
          ? dalle.width / dalle.height
          : ratio
            ? ratio[0] / ratio[1]
            : typeof params.width === 'number' && typeof params.height === 'number'
              ? params.width / params.height
              : undefined;
        if (asked !== undefined) assert.ok(Math.abs(png.width / png.height - asked) / asked < 0.1, `${model}: ${png.width}×${png.height} is not ${JSON.stringify(params)}`);
      }
      assert.equal(images, planned.plan.jobs * planned.plan.imagesPerJob);
      assert.ok(images >= 2, `${model}: at least the two candidates asked for`);
    });
  }

  it('the client checks each model’s own prompt limit before sending', async () => {
    emulator.log.clear();
    const long = 'y'.repeat(2001);
    assert.equal((await rejection(client.submitImage({ prompt: long, model: 'dall-e-3' }))).code, 'invalidInput');
    assert.equal(emulator.log.entries.length, 0);
    const accepted = await client.submitImage({ prompt: long, model: 'wan-image-2.7' });
    assert.ok(accepted.jobId);
    assert.equal((await rejection(client.submitImage({ prompt: 'y'.repeat(5001), model: 'wan-image-2.7-pro' }))).code, 'invalidInput');
  });

  it('Midjourney answers one job with a grid of four distinct images', async () => {
    const { jobId } = await client.submitImage({ prompt: 'four lighthouses', model: 'midjourney', midjourneyParams: { aspect_ratio: '3:2' } });
    emulator.clock.advance(FOREVER);
    const urls = imageUrlsOf((await client.getJob(jobId)).result);
    assert.equal(urls.length, 4);
    const bytes = await Promise.all(urls.map(async (url) => (await download(url)).bytes.toString('base64')));
    assert.equal(new Set(bytes).size, 4);
  });

  it('GPT Image with several images is charged per image; a high quality at the top of the range', async () => {
    const entry = catalogEntryFor(catalog, 'gpt-image-1.5');
    const { jobId } = await client.submitImage({ prompt: 'three kites', model: 'gpt-image-1.5', gptImageParams: { number_of_images: 3, quality: 'high' } });
    emulator.clock.advance(FOREVER);
    const job = await client.getJob(jobId);
    assert.equal(imageUrlsOf(job.result).length, 3);
    assert.equal(job.creditCost, (entry.costMax ?? Number.NaN) * 3);
    const low = await client.submitImage({ prompt: 'one kite', model: 'gpt-image-1.5', gptImageParams: { quality: 'low' } });
    emulator.clock.advance(FOREVER);
    assert.equal((await client.getJob(low.jobId)).creditCost, entry.costMin);
  });

  it('checks each family’s parameters with our schemas: 400 with details by JSON path, no job', async () => {
    const before = emulator.jobs().length;
    const cases: [Record<string, unknown>, string[]][] = [
      [{ prompt: 'x', model: 'flux-1.1-pro', fluxParams: { width: 4096, raw: 'yes' } }, ['fluxParams.raw', 'fluxParams.width']],
      [{ prompt: 'x', model: 'gpt-image-2', gptImage2Params: { background: 'transparent' } }, ['gptImage2Params.background']],
      [{ prompt: 'x', model: 'imagen-4', dalleParams: { style: 'vivid' } }, ['dalleParams']],
      [{ prompt: 'x', model: 'flux-lora', fluxLoraParams: { seed: 1 } }, ['fluxLoraParams.loraId']],
      [{ prompt: 'x', model: 'stable-diffusion-3', stableDiffusionParams: { cfg: 21, aspect_ratio: '4:3' } }, ['stableDiffusionParams.aspect_ratio', 'stableDiffusionParams.cfg']],
      [{ prompt: 'y'.repeat(2001), model: 'wan-image-2.7' }, []],
      [{ prompt: 'y'.repeat(5001), model: 'wan-image-2.7' }, ['prompt']],
    ];
    let accepted = 0;
    for (const [body, fields] of cases) {
      const response = await call(emulator, '/v2/images/generate', { body });
      if (fields.length === 0) {
        assert.equal(response.status, 202, JSON.stringify(body).slice(0, 80));
        accepted++;
        continue;
      }
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.deepEqual(Object.keys((response.json as { details: object }).details).sort(), fields);
    }
    assert.equal(emulator.jobs().length, before + accepted);
  });

  it('402 with the spec’s InsufficientCredits figures when a job costs more than the team has left', async () => {
    emulator.addKey({ key: 'afk_models_poor_team_key', teamId: 'models-poor', credits: 50 });
    const poor = clientFor(emulator, { apiKey: 'afk_models_poor_team_key' });
    try {
      const entry = catalogEntryFor(catalog, 'nano-banana-pro');
      const { jobId } = await poor.submitImage({ prompt: 'first', model: 'nano-banana-pro', nanoBananaParams: { resolution: '1K' } });
      const charged = entry.costMin ?? Number.NaN;
      const response = await call(emulator, '/v2/images/generate', {
        key: 'afk_models_poor_team_key',
        body: { prompt: 'second', model: 'nano-banana-pro', nanoBananaParams: { resolution: '4K' } },
      });
      assert.equal(response.status, 402);
      assert.deepEqual(response.json, { error: 'Insufficient credits', creditsRequired: entry.costMax, creditsAvailable: 50 - charged });
      const error = await rejection(poor.submitImage({ prompt: 'third', model: 'nano-banana-pro', nanoBananaParams: { resolution: '4K' } }));
      assert.deepEqual([error.code, error.creditsRequired, error.creditsAvailable], ['insufficientCredits', entry.costMax, 50 - charged]);
      emulator.clock.advance(FOREVER);
      assert.equal((await poor.getJob(jobId)).creditCost, charged);
      assert.equal(emulator.credits('models-poor'), 50 - charged);
    } finally {
      await poor.close();
    }
  });
});
