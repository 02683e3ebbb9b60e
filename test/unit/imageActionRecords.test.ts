import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ApiframeError } from '../../src/apiframe/errors';
import { refusesInputImage, takeUpload, withoutUpload } from '../../src/jobs/inputUpload';
import { parseRecord } from '../../src/jobs/journal';
import { inputMatches } from '../../src/jobs/reconcile';
import { generationModelOf, imageActionOf, needsUpload, operationOf } from '../../src/jobs/records';
import { describeRecord, recordTitle } from '../../src/jobs/jobTexts';
import type { JobRecord } from '../../src/jobs/types';
import { besideOriginalName, DEFAULT_RESULT_FILE_NAME, extensionOfMime, parseResultFileName } from '../../src/workspace/besideOriginal';

const UPLOAD_1 = 'https://cdn.apiframe.example/uploads/1.png';
const UPLOAD_2 = 'https://cdn.apiframe.example/uploads/2.png';
const PARENT = '3f2a9c1e-0000-4000-8000-000000000001';

const REMOVE_BACKGROUND: JobRecord = {
  localId: '0f9a1f7c-1111-4111-8111-111111111111',
  idempotencyKey: '0f9a1f7c-1111-4111-8111-111111111111',
  prompt: '',
  model: 'bria-bg-remove',
  aspectRatio: '',
  createdAt: '2026-12-02T08:00:00.000Z',
  phase: 'pending-submit',
  operation: { kind: 'backgroundRemove', request: { model: 'bria-bg-remove', briaBgRemoveParams: { image: UPLOAD_2 } }, label: 'Remove Background', suffix: 'no-bg' },
  input: { uri: 'file:///w/img/logo.png', name: 'logo.png', uploadedUrl: UPLOAD_2, reusableUntil: '2026-12-02T08:55:00.000Z', uploadedUrls: [UPLOAD_1, UPLOAD_2] },
};

const UPSCALE_2: JobRecord = {
  ...REMOVE_BACKGROUND,
  localId: '0f9a1f7c-2222-4222-8222-222222222222',
  idempotencyKey: '0f9a1f7c-2222-4222-8222-222222222222',
  model: 'midjourney',
  operation: { kind: 'midjourneyAction', request: { action: 'upsample', parentJobId: PARENT, index: 2 }, label: 'Upscale 2', suffix: 'u2' },
  input: { localId: '0f9a1f7c-3333-4333-8333-333333333333', index: 1, name: 'a lighthouse' },
};

const VARIATION: JobRecord = {
  localId: '0f9a1f7c-4444-4444-8444-444444444444',
  idempotencyKey: '0f9a1f7c-4444-4444-8444-444444444444',
  prompt: 'the same logo in blue',
  model: 'nano-banana',
  params: { aspect_ratio: '1:1', image_input: [UPLOAD_2] },
  aspectRatio: '1:1',
  createdAt: '2026-12-02T08:00:00.000Z',
  phase: 'pending-submit',
  input: { uri: 'file:///w/img/logo.png', name: 'logo.png', referenceParam: 'image_input', uploadedUrl: UPLOAD_2, uploadedUrls: [UPLOAD_1, UPLOAD_2] },
  inputAction: { label: 'Make Variations', suffix: 'var' },
};

describe('records of jobs on an existing image', () => {
  describe('in the journal', () => {
    it('keeps an operation, its input and its uploads through a round trip', () => {
      for (const record of [REMOVE_BACKGROUND, UPSCALE_2, VARIATION]) assert.deepEqual(parseRecord(JSON.parse(JSON.stringify(record))), record);
    });

    it('drops a record whose operation does not fit its model, or whose model is an operation model without an operation', () => {
      assert.equal(parseRecord({ ...REMOVE_BACKGROUND, model: 'topaz-image-upscale' }), undefined);
      assert.equal(parseRecord({ ...REMOVE_BACKGROUND, operation: { ...REMOVE_BACKGROUND.operation, kind: 'upscale' } }), undefined);
      assert.equal(parseRecord({ ...UPSCALE_2, model: 'dall-e-3' }), undefined);
      assert.equal(parseRecord({ ...REMOVE_BACKGROUND, operation: undefined }), undefined);
      assert.equal(parseRecord({ ...REMOVE_BACKGROUND, operation: { ...REMOVE_BACKGROUND.operation, suffix: '../x' } }), undefined);
      assert.equal(parseRecord({ ...REMOVE_BACKGROUND, input: { name: 'logo.png' } }), undefined, 'an input from nowhere');
    });

    it('forgets an upload that does not parse (it is only uploaded again), never the record', () => {
      const parsed = parseRecord({ ...REMOVE_BACKGROUND, input: { ...REMOVE_BACKGROUND.input, uploadedUrl: 'javascript:alert(1)', uploadedUrls: ['ftp://x', UPLOAD_1] } });
      assert.ok(parsed);
      assert.equal(parsed.input?.uploadedUrl, undefined);
      assert.deepEqual(parsed.input?.uploadedUrls, [UPLOAD_1]);
    });
  });

  describe('taking an upload', () => {
    const fresh = { url: 'https://cdn.apiframe.example/uploads/3.png', reusableUntil: new Date('2026-12-02T09:55:00.000Z') };

    it("puts the URL into the operation's image field and remembers every upload", () => {
      const patch = takeUpload(REMOVE_BACKGROUND, fresh);
      assert.deepEqual(patch.operation?.request, { model: 'bria-bg-remove', briaBgRemoveParams: { image: fresh.url } });
      assert.deepEqual(patch.input, { ...REMOVE_BACKGROUND.input, uploadedUrl: fresh.url, reusableUntil: '2026-12-02T09:55:00.000Z', uploadedUrls: [UPLOAD_1, UPLOAD_2, fresh.url] });
    });

    it("puts [url] into a generation's list parameter", () => {
      assert.deepEqual(takeUpload(VARIATION, fresh).params, { aspect_ratio: '1:1', image_input: [fresh.url] });
    });

    it('needs an upload for every kind but Midjourney actions', () => {
      assert.deepEqual([REMOVE_BACKGROUND, UPSCALE_2, VARIATION].map(needsUpload), [true, false, true]);
      assert.deepEqual(withoutUpload(REMOVE_BACKGROUND.input ?? { name: '' }), { uri: 'file:///w/img/logo.png', name: 'logo.png' });
    });

    it('recognises a refusal of the input image, and only that one', () => {
      const refused = (details: Record<string, string[]>, message = 'Apiframe refused the submission as invalid.') => new ApiframeError('validation', message, { details });
      assert.ok(refusesInputImage(refused({ 'briaBgRemoveParams.image': ['could not be fetched'] }), REMOVE_BACKGROUND));
      assert.ok(refusesInputImage(refused({}, 'Could not fetch the input image (…)'), REMOVE_BACKGROUND));
      assert.ok(refusesInputImage(refused({ 'nanoBananaParams.image_input.0': ['expired'] }), VARIATION));
      assert.ok(!refusesInputImage(refused({ 'briaBgRemoveParams.content_moderation': ['bad'] }), REMOVE_BACKGROUND));
      assert.ok(!refusesInputImage(new ApiframeError('insufficientCredits', 'input image'), REMOVE_BACKGROUND));
    });
  });

  describe('in the job list (reconcile)', () => {
    it('an operation job is the one whose input image is any of the uploads', () => {
      const listed = (image: string) => ({ model: 'bria-bg-remove', briaBgRemoveParams: { image } });
      assert.equal(inputMatches(listed(UPLOAD_1), REMOVE_BACKGROUND), 'yes');
      assert.equal(inputMatches(listed(UPLOAD_2), REMOVE_BACKGROUND), 'yes');
      assert.equal(inputMatches(listed('https://cdn.apiframe.example/uploads/other.png'), REMOVE_BACKGROUND), 'no');
      assert.equal(inputMatches({ model: 'bria-bg-remove' }, REMOVE_BACKGROUND), 'unknown');
    });

    it('a Midjourney action is its parent job, action and index', () => {
      assert.equal(inputMatches({ action: 'upsample', parentJobId: PARENT, index: 2 }, UPSCALE_2), 'yes');
      assert.equal(inputMatches({ action: 'upsample', parentJobId: PARENT, index: 3 }, UPSCALE_2), 'no');
      assert.equal(inputMatches({ action: 'variation', parentJobId: PARENT, index: 2 }, UPSCALE_2), 'no');
      assert.equal(inputMatches({ prompt: 'a lighthouse', model: 'midjourney' }, UPSCALE_2), 'unknown');
    });

    it('a generation from a reference image matches its prompt, parameters and any upload of the reference', () => {
      const listed = (urls: string[]) => ({ prompt: VARIATION.prompt, model: 'nano-banana', nanoBananaParams: { aspect_ratio: '1:1', image_input: urls } });
      assert.equal(inputMatches(listed([UPLOAD_1]), VARIATION), 'yes');
      assert.equal(inputMatches(listed(['https://elsewhere.example/a.png']), VARIATION), 'no');
    });
  });

  it('names the record by its action and image, and refuses to read an operation as a generation', () => {
    assert.equal(recordTitle(REMOVE_BACKGROUND), 'Remove Background: logo.png');
    assert.equal(recordTitle(VARIATION), 'Make Variations: logo.png');
    // The log names a job without a prompt by its action and image too.
    assert.equal(describeRecord(REMOVE_BACKGROUND), `"Remove Background: logo.png" (${REMOVE_BACKGROUND.localId})`);
    assert.deepEqual(imageActionOf(VARIATION), { label: 'Make Variations', suffix: 'var' });
    assert.deepEqual(operationOf(UPSCALE_2), { kind: 'midjourneyAction', request: { action: 'upsample', parentJobId: PARENT, index: 2 } });
    assert.throws(() => generationModelOf(REMOVE_BACKGROUND));
    assert.equal(generationModelOf(VARIATION), 'nano-banana');
  });
});

describe('the name of a result saved beside its original', () => {
  const name = (sourceName: string, suffix: string, extension: 'png' | 'jpg' | 'webp' = 'png', pattern = DEFAULT_RESULT_FILE_NAME) => {
    const named = besideOriginalName({ pattern, sourceName, suffix, extension });
    return 'name' in named ? named.name : named.problem.kind;
  };

  it('is ${name}-${suffix} with the result’s own extension by default', () => {
    assert.equal(name('logo.png', 'no-bg'), 'logo-no-bg.png');
    assert.equal(name('hero.jpg', '2x', 'jpg'), 'hero-2x.jpg');
    assert.equal(name('photo.jpeg', 'no-bg', 'png'), 'photo-no-bg.png', 'a JPEG whose background is gone is a PNG');
    assert.equal(name('my.logo.webp', 'wide', 'webp'), 'my.logo-wide.webp');
    assert.equal(name('.hidden.png', 'u2'), '.hidden-u2.png');
  });

  it('follows a custom pattern', () => {
    assert.equal(name('logo.png', 'no-bg', 'png', '${suffix}_${name}'), 'no-bg_logo.png');
    assert.equal(name('logo.png', 'no-bg', 'png', 'edited ${name}'), 'edited logo.png');
  });

  it('refuses a name no file system takes', () => {
    assert.equal(name(`${'a'.repeat(250)}.png`, 'no-bg'), 'tooLong');
  });

  it('checks the pattern', () => {
    const problem = (value: unknown) => {
      const parsed = parseResultFileName(value);
      return 'pattern' in parsed ? 'ok' : parsed.problem.kind;
    };
    assert.equal(problem(DEFAULT_RESULT_FILE_NAME), 'ok');
    assert.equal(problem('${suffix}'), 'ok');
    assert.equal(problem(''), 'notText');
    assert.equal(problem(42), 'notText');
    assert.equal(problem('${name}-${date}'), 'unknownVariable');
    assert.equal(problem('result'), 'noVariable');
    assert.equal(problem('out/${name}'), 'separator');
    assert.equal(problem('${name}\\x'), 'separator');
    assert.equal(problem('${name}-${suffix}.png'), 'extension');
    assert.deepEqual(['image/png', 'image/jpeg', 'image/webp'].map((mime) => extensionOfMime(mime as 'image/png')), ['png', 'jpg', 'webp']);
  });

  it('is a resource setting in the manifest whose default is the one the code uses', () => {
    const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { default?: unknown; scope?: string }> }; menus: Record<string, { command: string; when?: string }[]> };
    };
    const setting = manifest.contributes.configuration.properties['apiframe.resultFileName'];
    assert.equal(setting?.default, DEFAULT_RESULT_FILE_NAME);
    assert.equal(setting.scope, 'resource');
    for (const id of ['apiframe.removeBackground', 'apiframe.upscaleImage']) {
      const explorer = manifest.contributes.menus['explorer/context']?.find((entry) => entry.command === id);
      assert.match(explorer?.when ?? '', /png\|jpe\?g\|webp/, id);
      const title = manifest.contributes.menus['editor/title']?.find((entry) => entry.command === id);
      assert.match(title?.when ?? '', /activeCustomEditorId == imagePreview\.previewEditor/, id);
    }
  });
});
