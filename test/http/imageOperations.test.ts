import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'mocha';
import type { ApiframeClient, SubmittedJob, UploadedImage } from '../../src/apiframe/client';
import { imageUrlsOf } from '../../src/apiframe/client';
import type { Job } from '../../src/apiframe/types';
import { abortableSleep, waitForJob, type WaitForJobOptions } from '../../src/jobs/waitForJob';
import { call } from '../emulator/http';
import type { Emulator } from '../emulator';
import { clientFor, emulatorWithClient, rejection } from './clientHelpers';
import { readPng, sourceOf, testPng } from './uploadHelpers';

/** The emulator runs jobs at SCALE × real time; waitForJob gets a clock and a sleep scaled the same way. */
const SCALE = 0.005;
const scaled: Pick<WaitForJobOptions, 'now' | 'sleep'> = {
  now: () => performance.now() / SCALE,
  sleep: (ms, signal) => abortableSleep(ms * SCALE, signal),
};
const WIDTH = 40;
const HEIGHT = 24;

describe('image operations end to end: upload → submit → poll → download → pixels', function () {
  this.timeout(20_000);
  let emulator: Emulator;
  let client: ApiframeClient;
  let stop: () => Promise<void>;
  const original = testPng(WIDTH, HEIGHT, 'operations source');
  const source = readPng(original);
  let upload: UploadedImage;

  before(async () => {
    ({ emulator, client, stop } = await emulatorWithClient({ timeScale: SCALE }));
    upload = await client.uploadImage(sourceOf(original, 'hero.png'));
  });
  after(async () => stop());
  beforeEach(() => {
    emulator.faults.clear();
    emulator.log.clear();
  });

  /** Polls the job to its end like the job manager does, then downloads its images. */
  async function finish(accepted: SubmittedJob): Promise<{ job: Job; images: ReturnType<typeof readPng>[]; bytes: Buffer[] }> {
    const job = await waitForJob(client, accepted.jobId, { ...scaled, initialStatus: accepted.status });
    assert.equal(job.status, 'COMPLETED', job.error ?? '');
    const bytes: Buffer[] = [];
    for (const url of imageUrlsOf(job.result)) {
      const chunks: Uint8Array[] = [];
      for await (const chunk of (await client.downloadImage(url, { maxBytes: 8 * 1024 * 1024 })).body) chunks.push(chunk);
      bytes.push(Buffer.concat(chunks));
    }
    return { job, images: bytes.map(readPng), bytes };
  }

  it('background removal (Bria): same size, transparent corners, the middle kept', async () => {
    const accepted = await client.removeBackground({ model: 'bria-bg-remove', briaBgRemoveParams: { image: upload.url } });
    const { job, images } = await finish(accepted);
    const [image] = images;
    assert.ok(image);
    assert.deepEqual([image.width, image.height], [WIDTH, HEIGHT]);
    for (const [x, y] of [[0, 0], [WIDTH - 1, 0], [0, HEIGHT - 1], [WIDTH - 1, HEIGHT - 1]] as const) assert.equal(image.pixel(x, y)[3], 0, `corner ${x},${y}`);
    assert.deepEqual(image.pixel(WIDTH / 2, HEIGHT / 2), source.pixel(WIDTH / 2, HEIGHT / 2));
    assert.equal(job.model, 'bria-bg-remove');
    assert.equal(job.creditCost, 2);
    assert.deepEqual(emulator.log.where({ method: 'POST', path: '/v2/images/background-remove' })[0]?.body, {
      model: 'bria-bg-remove',
      briaBgRemoveParams: { image: upload.url },
    });
  });

  it('background removal (851 labs) on a white background: corners opaque white', async () => {
    const { images } = await finish(
      await client.removeBackground({ model: '851-bg-remove', lab851BgRemoveParams: { image: upload.url, background_type: 'white', threshold: 0.5 } }),
    );
    assert.deepEqual(images[0]?.pixel(0, 0), [255, 255, 255, 255]);
  });

  it('upscale: Topaz ×2 by default and ×4 when asked, Clarity ×2; every output pixel from the input', async () => {
    const twice = (await finish(await client.upscaleImage({ model: 'topaz-image-upscale', topazUpscaleParams: { image: upload.url } }))).images[0];
    assert.deepEqual([twice?.width, twice?.height], [WIDTH * 2, HEIGHT * 2]);
    assert.deepEqual(twice?.pixel(2 * 7 + 1, 2 * 5 + 1), source.pixel(7, 5));
    const four = await finish(await client.upscaleImage({ model: 'topaz-image-upscale', topazUpscaleParams: { image: upload.url, upscale_factor: 4 } }));
    assert.deepEqual([four.images[0]?.width, four.images[0]?.height], [WIDTH * 4, HEIGHT * 4]);
    assert.equal(four.job.creditCost, 4, 'priced by output megapixels (under one)');
    const clarity = (await finish(await client.upscaleImage({ model: 'clarity-upscale', clarityUpscaleParams: { image: upload.url, prompt: 'crisp' } }))).images[0];
    assert.deepEqual([clarity?.width, clarity?.height], [WIDTH * 2, HEIGHT * 2]);
  });

  it('edit: outpaint "Zoom out 2x" doubles the canvas with the original centred; "Left outpaint" adds half a width on the left', async () => {
    const zoomed = (
      await finish(await client.editImage({ model: 'flux-fill-pro', fluxFillParams: { image: upload.url, prompt: 'more sky', mode: 'outpaint', outpaint: 'Zoom out 2x' } }))
    ).images[0];
    assert.ok(zoomed);
    assert.deepEqual([zoomed.width, zoomed.height], [WIDTH * 2, HEIGHT * 2]);
    assert.deepEqual(zoomed.pixel(WIDTH / 2, HEIGHT / 2), source.pixel(0, 0));
    assert.deepEqual(zoomed.pixel(0, 0), [128, 128, 128, 255]);
    const left = (
      await finish(await client.editImage({ model: 'flux-fill-pro', fluxFillParams: { image: upload.url, prompt: 'a wider banner', mode: 'outpaint', outpaint: 'Left outpaint' } }))
    ).images[0];
    assert.deepEqual([left?.width, left?.height], [WIDTH + WIDTH / 2, HEIGHT]);
    assert.deepEqual(left?.pixel(WIDTH / 2, 0), source.pixel(0, 0));
  });

  it('edit: inpaint keeps the size and changes the picture', async () => {
    const edited = (
      await finish(
        await client.editImage({ model: 'flux-fill-pro', fluxFillParams: { image: upload.url, mask: upload.url, prompt: 'a red door', mode: 'inpaint' } }),
      )
    ).images[0];
    assert.deepEqual([edited?.width, edited?.height], [WIDTH, HEIGHT]);
    assert.deepEqual(edited?.pixel(0, 3), source.pixel(WIDTH - 1, 3), 'mirrored, so it visibly changed');
  });

  it('the worded edit rules are checked before sending: inpaint needs a mask, outpaint a preset', async () => {
    const error = await rejection(client.editImage({ model: 'flux-fill-pro', fluxFillParams: { image: upload.url, prompt: 'x', mode: 'outpaint' } }));
    assert.equal(error.code, 'invalidInput');
    assert.equal(error.message, 'The image edit request is not valid: fluxFillParams.outpaint is required when mode is "outpaint".');
    assert.deepEqual(emulator.log.entries, []);
    // The emulator enforces the same rule for a client that does not check.
    const raw = await call(emulator, '/v2/images/edit', { body: { model: 'flux-fill-pro', fluxFillParams: { image: upload.url, prompt: 'x', mode: 'inpaint' } } });
    assert.equal(raw.status, 400);
    assert.deepEqual((raw.json as { details: unknown }).details, { 'fluxFillParams.mask': ['Required when mode is "inpaint"'] });
  });

  it('local checks name every problem (unknown field, range, enum) and send nothing', async () => {
    const error = await rejection(
      client.upscaleImage({
        model: 'clarity-upscale',
        // @ts-expect-error -- a value from outside the type system (a setting, an agent's input)
        clarityUpscaleParams: { image: 'not a url', scale_factor: 3, sharpen: 11, colour: 'red' },
      }),
    );
    assert.equal(error.code, 'invalidInput');
    assert.equal(
      error.message,
      'The upscale request is not valid: clarityUpscaleParams.image must be an absolute URL; clarityUpscaleParams.scale_factor must be one of 1, 2, 4, 8; clarityUpscaleParams.sharpen must be from 0 to 10; clarityUpscaleParams.colour is not a parameter of this operation.',
    );
    assert.deepEqual(emulator.log.entries, []);
  });

  it('idempotent like generate: the same key replays the same job and charges once; a new key is a new job; a lost answer is retried under its key', async () => {
    const credits = emulator.credits(emulator.demoKey);
    const request = { model: 'bria-bg-remove', briaBgRemoveParams: { image: upload.url } } as const;
    const first = await client.removeBackground(request, { idempotencyKey: 'op-key-1' });
    const again = await client.removeBackground(request, { idempotencyKey: 'op-key-1' });
    assert.equal(again.jobId, first.jobId);
    assert.equal(again.idempotencyKey, 'op-key-1');
    await finish(first);
    assert.equal(emulator.credits(emulator.demoKey), credits - 2);
    const lost = await client.removeBackground(request);
    assert.notEqual(lost.jobId, first.jobId);
    // A lost answer is retried under the same key: one job, not two.
    emulator.faults.inject({ fault: { kind: 'lostResponse' }, path: '/v2/images/upscale' });
    const retried = await client.upscaleImage({ model: 'clarity-upscale', clarityUpscaleParams: { image: upload.url } });
    const created = emulator.jobs().filter((job) => job.idempotencyKey === retried.idempotencyKey);
    assert.equal(created.length, 1);
    assert.equal(created[0]?.id, retried.jobId);
  });

  it('402 with the credits needed, before any job exists', async () => {
    emulator.addKey({ key: 'afk_poor_operations_key', credits: 1 });
    const poorClient = clientFor(emulator, { apiKey: 'afk_poor_operations_key' });
    try {
      const error = await rejection(poorClient.removeBackground({ model: 'bria-bg-remove', briaBgRemoveParams: { image: upload.url } }));
      assert.equal(error.code, 'insufficientCredits');
      assert.deepEqual([error.creditsRequired, error.creditsAvailable], [2, 1]);
      assert.ok(!error.message.includes('afk_poor_operations_key'));
    } finally {
      await poorClient.close();
    }
  });

  describe('Midjourney actions', () => {
    let grid: Job;
    let gridImages: Buffer[];
    before(async () => {
      const accepted = await client.submitImage({ prompt: 'a castle in the clouds', model: 'midjourney' });
      ({ job: grid, bytes: gridImages } = await finish(accepted));
      assert.equal(gridImages.length, 4);
    });

    it('U3 returns the grid’s third image as a single image', async () => {
      const { bytes, job } = await finish(await client.midjourneyAction({ action: 'upsample', index: 3, parentJobId: grid.id }));
      assert.equal(bytes.length, 1);
      assert.ok(bytes[0]?.equals(gridImages[2] ?? Buffer.alloc(0)));
      assert.equal(job.model, 'midjourney');
    });

    it('V2 returns a fresh grid of four; Zoom Out and Pan follow an upscale, not a grid', async () => {
      const variation = await finish(await client.midjourneyAction({ action: 'variation', index: 2, parentJobId: grid.id }));
      assert.equal(variation.bytes.length, 4);
      assert.ok(!variation.bytes.some((image) => gridImages.some((parent) => parent.equals(image))));
      const upscaled = await finish(await client.midjourneyAction({ action: 'upsample', index: 1, parentJobId: grid.id }));
      const zoomed = await finish(await client.midjourneyAction({ action: 'outpaint', zoomRatio: 2, parentJobId: upscaled.job.id }));
      assert.equal(zoomed.bytes.length, 4);
      const error = await rejection(client.midjourneyAction({ action: 'pan', direction: 'left', parentJobId: grid.id }));
      assert.equal(error.code, 'conflict');
      assert.equal(error.status, 409);
      assert.match(
        error.message,
        new RegExp(`^Apiframe refused the Midjourney pan action: it is not available for job ${grid.id} \\(Action pan is not available for this job\\)\\. Upscale and Vary act on a finished grid`),
      );
    });

    it('an unknown parent is a validation error; a malformed one is refused before sending', async () => {
      const unknown = await rejection(client.midjourneyAction({ action: 'upsample', index: 1, parentJobId: '00000000-0000-4000-8000-000000000000' }));
      assert.equal(unknown.code, 'validation');
      const malformed = await rejection(client.midjourneyAction({ action: 'variation', index: 1, parentJobId: 'job-1' }));
      assert.equal(malformed.code, 'invalidInput');
      assert.equal(malformed.message, 'The Midjourney action request is not valid: parentJobId must be a UUID.');
    });
  });
});
