import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { IMAGE_MODELS, IMAGE_MODEL_IDS, paramsSchemaOf, type ImageGenerationRequest, type ImageModelId } from '../../src/apiframe/imageModels';
import { checkParams } from '../../src/apiframe/paramsCheck';
import { buildGenerateBody } from '../../src/apiframe/shapes';
import { applyAspectRatio, aspectRatioChoices, aspectRatioOf, aspectRatioTargetOf, dimensionsFor } from '../../src/models/aspectRatio';
import { askedParams, describeParams } from '../../src/models/describeParams';
import { readModelParamsSetting } from '../../src/models/modelParamsSetting';
import { mergeParams, planImageRequests } from '../../src/models/requests';

describe('per-model parameters', () => {
  describe('aspect ratio: one concept, each family’s own field', () => {
    it('a ratio from a fixed list, a free ratio string, width/height, a named preset', () => {
      assert.deepEqual(applyAspectRatio('dall-e-3', '3:2'), { ok: true, params: { aspect_ratio: '3:2' } });
      assert.deepEqual(applyAspectRatio('dall-e-3', '16:9'), { ok: false, choices: ['1:1', '3:2', '2:3'] });
      assert.deepEqual(applyAspectRatio('midjourney', '7:3'), { ok: true, params: { aspect_ratio: '7:3' } });
      assert.deepEqual(applyAspectRatio('nano-banana', '21:9', { resolution: '2K' }), { ok: true, params: { resolution: '2K', aspect_ratio: '21:9' } });
      assert.deepEqual(applyAspectRatio('flux-2-pro', '16:9', { aspect_ratio: '1:1', seed: 3 }), { ok: true, params: { seed: 3, width: 1376, height: 768 } });
      assert.deepEqual(applyAspectRatio('qwen-image', '9:16'), { ok: true, params: { image_size: 'portrait_16_9' } });
      assert.equal(applyAspectRatio('qwen-image', '21:9').ok, false);
      assert.equal(applyAspectRatio('midjourney', 'wide').ok, false);
      assert.equal(applyAspectRatio('midjourney', '0:1').ok, false);
    });

    it('every model has a target, and every offered ratio maps to values its schema accepts', () => {
      for (const model of IMAGE_MODEL_IDS) {
        const choices = aspectRatioChoices(model);
        assert.ok(choices.length > 0, model);
        for (const ratio of choices) {
          const applied = applyAspectRatio(model, ratio);
          assert.ok(applied.ok, `${model} ${ratio}`);
          const base = model === 'flux-lora' ? { loraId: '0b4f6a8e-3c1d-4f2a-9b7e-5d6c7a8b9c0d' } : model === 'ideogram-character' ? { character_reference_image: 'https://example.com/c.png' } : {};
          assert.deepEqual(checkParams(paramsSchemaOf(model), { ...base, ...applied.params }), [], `${model} ${ratio}`);
          assert.equal(aspectRatioOf(model, applied.params), ratio, `${model} ${ratio} reads back`);
        }
      }
    });

    it('FLUX dimensions are multiples of 32 within 256–2048, scaled together at the extremes', () => {
      const target = aspectRatioTargetOf('flux-1.1-pro');
      assert.equal(target.kind, 'dimensions');
      if (target.kind !== 'dimensions') return;
      assert.deepEqual([target.min, target.max], [256, 2048]);
      assert.deepEqual(dimensionsFor('1:1', target), { width: 1024, height: 1024 });
      assert.deepEqual(dimensionsFor('21:9', target), { width: 1568, height: 672 });
      const extreme = dimensionsFor('20:1', target);
      assert.ok(extreme && extreme.width === 2048 && extreme.height === 256, JSON.stringify(extreme));
      assert.equal(aspectRatioOf('flux-1.1-pro', { width: 1000, height: 500 }), '2:1');
    });
  });

  describe('describeParams', () => {
    it('describes each parameter with kind, values, range, role and documented default', () => {
      const dalle = describeParams('dall-e-3');
      assert.deepEqual(dalle.params, [
        { name: 'aspect_ratio', labelKey: 'param.aspect_ratio', label: 'Aspect ratio', kind: 'enum', values: ['1:1', '3:2', '2:3'], default: '1:1', required: false, role: 'aspectRatio' },
        { name: 'style', labelKey: 'param.style', label: 'Style', kind: 'enum', values: ['vivid', 'natural'], default: 'vivid', required: false, role: 'basic' },
      ]);
      const flux = describeParams('flux-2-pro');
      assert.deepEqual(flux.params.find((p) => p.name === 'width'), { name: 'width', labelKey: 'param.width', label: 'Width (px)', kind: 'integer', min: 256, max: 2048, required: false, role: 'aspectRatio' });
      assert.equal(flux.params.find((p) => p.name === 'seed')?.role, 'basic');
      assert.equal(flux.params.find((p) => p.name === 'input_images')?.role, 'reference');
      assert.equal(describeParams('gpt-image-1.5').params.find((p) => p.name === 'number_of_images')?.role, 'count');
      assert.deepEqual(describeParams('gpt-image-1.5').params.find((p) => p.name === 'background')?.values, ['auto', 'transparent', 'opaque']);
      assert.deepEqual(describeParams('gpt-image-2').params.find((p) => p.name === 'background')?.values, ['auto', 'opaque']);
    });

    it('asks what the model takes: Ideogram’s style, magic prompt, negative prompt, seed; the LoRA that flux-lora requires', () => {
      const names = (model: ImageModelId): string[] => askedParams(model).map((p) => p.name);
      assert.deepEqual(names('ideogram-v3-quality'), ['magic_prompt_option', 'negative_prompt', 'rendering_speed', 'seed', 'style_type']);
      assert.deepEqual(names('imagen-4'), ['image_size', 'output_format']);
      assert.deepEqual(names('stable-diffusion-3.5-large'), ['cfg', 'negative_prompt', 'output_format', 'seed']);
      assert.deepEqual(names('flux-lora'), ['loraId', 'output_format', 'seed']);
      assert.deepEqual(names('ideogram-character'), ['character_reference_image', 'magic_prompt_option', 'negative_prompt', 'rendering_speed', 'seed', 'style_type']);
      for (const model of IMAGE_MODEL_IDS) {
        const described = describeParams(model);
        assert.deepEqual(described.params.map((p) => p.name), Object.keys(paramsSchemaOf(model).properties), model);
        assert.equal(described.paramsKey, IMAGE_MODELS[model].paramsKey);
      }
    });
  });

  describe('apiframe.modelParams', () => {
    it('keeps the valid defaults and reports each bad value with its setting path', () => {
      const read = readModelParamsSetting({
        'dall-e-3': { style: 'natural', quality: 'hd' },
        'flux-1.1-pro': { width: 4000, seed: 7, input_images: ['https://example.com/a.png', 'nope'] },
        'dall-e-4': { style: 'vivid' },
        'imagen-4': 'square',
      });
      assert.deepEqual(read.byModel, { 'dall-e-3': { style: 'natural' }, 'flux-1.1-pro': { seed: 7 } });
      assert.deepEqual(read.problems, [
        { setting: 'apiframe.modelParams["dall-e-3"].quality', message: 'is not a parameter of dall-e-3' },
        { setting: 'apiframe.modelParams["flux-1.1-pro"].width', message: 'must be from 256 to 2048' },
        { setting: 'apiframe.modelParams["flux-1.1-pro"].input_images.1', message: 'must be an absolute URL' },
        { setting: 'apiframe.modelParams["dall-e-4"]', message: 'is not an Apiframe image model id' },
        { setting: 'apiframe.modelParams["imagen-4"]', message: "must be an object of the model's parameters" },
      ]);
    });

    it('undefined and {} are fine; anything else at the top is reported', () => {
      assert.deepEqual(readModelParamsSetting(undefined), { byModel: {}, problems: [] });
      assert.deepEqual(readModelParamsSetting({}), { byModel: {}, problems: [] });
      assert.equal(readModelParamsSetting([1]).problems[0]?.setting, 'apiframe.modelParams');
      assert.equal(readModelParamsSetting(JSON.parse('{"__proto__": {"style": "x"}}')).problems[0]?.setting, 'apiframe.modelParams["__proto__"]');
    });
  });

  describe('types derived from the schemas', () => {
    it('flux-lora requires its block and the LoRA id; enums and foreign blocks are type errors', () => {
      // @ts-expect-error the parameter block is required
      const noBlock: ImageGenerationRequest = { prompt: 'x', model: 'flux-lora' };
      // @ts-expect-error loraId is required
      const noLora: ImageGenerationRequest = { prompt: 'x', model: 'flux-lora', fluxLoraParams: { seed: 1 } };
      // @ts-expect-error not a DALL-E style
      const badStyle: ImageGenerationRequest = { prompt: 'x', model: 'dall-e-3', dalleParams: { style: 'loud' } };
      // @ts-expect-error Imagen takes imagenParams only
      const foreign: ImageGenerationRequest = { prompt: 'x', model: 'imagen-4', dalleParams: {} };
      const fine: ImageGenerationRequest = { prompt: 'x', model: 'flux-lora', fluxLoraParams: { loraId: '0b4f6a8e-3c1d-4f2a-9b7e-5d6c7a8b9c0d' } };
      assert.equal([noBlock, noLora, badStyle, foreign, fine].length, 5);
      assert.deepEqual(
        IMAGE_MODEL_IDS.filter((id) => IMAGE_MODELS[id].paramsRequired),
        ['ideogram-character', 'flux-lora'],
      );
      assert.deepEqual([IMAGE_MODELS['wan-image-2.7'].promptMaxLength, IMAGE_MODELS['dall-e-3'].promptMaxLength], [5000, 2000]);
    });
  });

  describe('requests', () => {
    it('merges layers (later wins, undefined removes)', () => {
      assert.deepEqual(mergeParams({ style: 'vivid', seed: 1 }, undefined, { style: 'natural', seed: undefined }), { style: 'natural' });
    });

    it('one job with the model’s count for GPT Image; separate jobs with seed, seed + 1, … where the model has no count', () => {
      const gpt = planImageRequests({ model: 'gpt-image-1.5', prompt: 'a kite', params: { quality: 'high', number_of_images: 9 }, count: 3 });
      assert.ok(gpt.ok);
      assert.deepEqual(gpt.requests, [{ prompt: 'a kite', model: 'gpt-image-1.5', gptImageParams: { quality: 'high', number_of_images: 3 } }]);
      const one = planImageRequests({ model: 'gpt-image-1.5', prompt: 'a kite', params: { number_of_images: 9 } });
      assert.ok(one.ok);
      assert.deepEqual(one.requests, [{ prompt: 'a kite', model: 'gpt-image-1.5' }]);
      const sd = planImageRequests({ model: 'stable-diffusion-3', prompt: 'a kite', params: { seed: 41 }, count: 3 });
      assert.ok(sd.ok);
      assert.deepEqual(sd.requests.map((r) => (r as { stableDiffusionParams: { seed: number } }).stableDiffusionParams.seed), [41, 42, 43]);
      const wan = planImageRequests({ model: 'wan-image-2.6', prompt: 'a kite', params: { seed: 2147483647 }, count: 2 });
      assert.ok(wan.ok);
      assert.deepEqual(wan.requests.map((r) => (r as { wanImageParams: { seed: number } }).wanImageParams.seed), [2147483647, 0]);
      assert.deepEqual(planImageRequests({ model: 'dall-e-3', prompt: 'a kite', count: 2 }), {
        ok: true,
        plan: { model: 'dall-e-3', count: 2, jobs: 2, imagesPerJob: 1 },
        requests: [{ prompt: 'a kite', model: 'dall-e-3' }, { prompt: 'a kite', model: 'dall-e-3' }],
      });
    });

    it('refuses parameters the model does not take, and a missing required one', () => {
      const bad = planImageRequests({ model: 'imagen-4', prompt: 'x', params: { aspect_ratio: '3:2', seed: 1 } });
      assert.equal(bad.ok, false);
      assert.deepEqual(!bad.ok && bad.problems.map((p) => [p.path.join('.'), p.kind]), [['aspect_ratio', 'enum'], ['seed', 'unknown']]);
      const lora = planImageRequests({ model: 'flux-lora', prompt: 'x' });
      assert.deepEqual(!lora.ok && lora.problems.map((p) => [p.path.join('.'), p.kind]), [['loraId', 'required']]);
    });

    it('buildGenerateBody sends only the model’s own block and only its known properties', () => {
      const request = {
        prompt: '  a fox  ',
        model: 'ideogram-v3-turbo',
        ideogramParams: { style_type: 'Design', seed: 5, quality: 'hd' },
        dalleParams: { style: 'vivid' },
        n: 4,
      } as unknown as ImageGenerationRequest;
      assert.deepEqual(buildGenerateBody(request), { prompt: 'a fox', model: 'ideogram-v3-turbo', ideogramParams: { style_type: 'Design', seed: 5 } });
      const dalle = buildGenerateBody({ prompt: 'x', model: 'dall-e-3', dalleParams: { style: 'natural' }, webhookEvents: ['completed'] });
      assert.deepEqual(dalle, { prompt: 'x', model: 'dall-e-3', dalleParams: { style: 'natural' }, webhookEvents: ['completed'] });
    });
  });
});
