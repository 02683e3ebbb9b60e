import * as assert from 'node:assert/strict';
import { IMAGE_MODEL_IDS, PARAMS_BLOCKS, paramsSchemaOf } from '../../src/apiframe/imageModels';
import { closestAspectRatio, inputImageModelIds, inputImageParamOf, inputImageTaskParams, takesInputImage } from '../../src/models/inputImageModels';

describe('models/inputImageModels', () => {
  it('finds the parameter each family takes its input image through, as a list or a single URL', () => {
    assert.deepEqual(inputImageParamOf('nano-banana'), { name: 'image_input', list: true });
    assert.deepEqual(inputImageParamOf('seedream-4'), { name: 'image_input', list: true });
    assert.deepEqual(inputImageParamOf('gpt-image-1.5'), { name: 'input_images', list: true }, 'a nullable list is a list');
    assert.deepEqual(inputImageParamOf('stable-diffusion-3.5-large'), { name: 'image', list: false });
    assert.deepEqual(inputImageParamOf('kling-image'), { name: 'image', list: false });
    assert.deepEqual(inputImageParamOf('qwen-image'), { name: 'image_url', list: false });
    assert.deepEqual(inputImageParamOf('grok-imagine-image'), { name: 'image', list: false });
  });

  it('prefers the image to start from over an image prompt when a block has both (FLUX)', () => {
    assert.ok('image_prompt' in PARAMS_BLOCKS.flux.properties);
    assert.deepEqual(inputImageParamOf('flux-1.1-pro'), { name: 'input_images', list: true });
    assert.deepEqual(inputImageParamOf('flux-2-pro'), { name: 'input_images', list: true });
  });

  it('leaves out models without an input image, and Ideogram, whose image is the one to inpaint under a mask', () => {
    for (const model of ['midjourney', 'dall-e-3', 'imagen-4', 'reve-create', 'flux-lora', 'ideogram-v3-quality', 'ideogram-character'] as const) {
      assert.equal(takesInputImage(model), false, model);
    }
  });

  it('lists every model whose schema carries an input image, in the spec’s order, and only those', () => {
    const listed = inputImageModelIds();
    assert.deepEqual(listed, IMAGE_MODEL_IDS.filter((model) => listed.includes(model)), 'spec order');
    for (const model of listed) {
      const param = inputImageParamOf(model);
      assert.ok(param);
      const schema = paramsSchemaOf(model).properties[param.name];
      assert.ok(schema && (param.list ? 'items' in schema : schema.type === 'string'), `${model}.${param.name}`);
    }
    assert.ok(listed.length >= 30, `${listed.length} models`);
  });

  it('follows the schema: a model that gains an input image parameter is listed without any other change', () => {
    const properties = PARAMS_BLOCKS.imagen.properties as Record<string, unknown>;
    assert.equal(takesInputImage('imagen-4'), false);
    properties.image_input = { type: 'array', items: { type: 'string', format: 'uri' }, maxItems: 4 };
    try {
      assert.deepEqual(inputImageParamOf('imagen-4'), { name: 'image_input', list: true });
      assert.ok(inputImageModelIds().includes('imagen-4'));
    } finally {
      delete properties.image_input;
    }
    assert.equal(takesInputImage('imagen-4'), false);
  });

  it('selects the task a model is told to do with its input image, where it has such a choice', () => {
    assert.deepEqual(inputImageTaskParams('qwen-image', 'edit'), { task_type: 'image-edit' });
    assert.deepEqual(inputImageTaskParams('qwen-image', 'variation'), { task_type: 'image-to-image' });
    assert.deepEqual(inputImageTaskParams('nano-banana', 'edit'), {});
  });

  it('picks, of the ratios a model takes, the one closest to the picture’s shape', () => {
    const choices = ['1:1', '16:9', '9:16', '4:3', '3:4'];
    assert.equal(closestAspectRatio(1920, 1080, choices), '16:9');
    assert.equal(closestAspectRatio(1000, 1300, choices), '3:4');
    assert.equal(closestAspectRatio(512, 512, choices), '1:1');
    assert.equal(closestAspectRatio(3000, 1000, ['1:1', '21:9', '16:9']), '21:9');
    assert.equal(closestAspectRatio(0, 100, choices), undefined);
    assert.equal(closestAspectRatio(100, 100, ['square']), undefined);
  });
});
