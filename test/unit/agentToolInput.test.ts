import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { IMAGE_MODEL_IDS } from '../../src/apiframe/imageModels';
import { fallbackImageModels } from '../../src/models/catalog';
import { DEFAULT_TOOL_MODEL, TOOL_INPUT_KEYS, planToolInput, type ToolPlan } from '../../src/tools/generateImageInput';
import { GENERATE_IMAGE_TOOL } from '../../src/tools/toolNames';
import { resolveRequestedPath, type WorkspaceFolderPath } from '../../src/workspace/requestedPath';

const catalog = fallbackImageModels();

function planned(input: unknown): ToolPlan {
  const result = planToolInput(input, catalog);
  assert.ok(result.ok, result.ok ? '' : result.problem);
  return result.plan;
}

function refused(input: unknown): string {
  const result = planToolInput(input, catalog);
  assert.ok(!result.ok, `accepted ${JSON.stringify(input)}`);
  return result.problem;
}

describe('agent tool input', () => {
  it('plans one DALL-E 3 job at 1:1 with the built-in price when only a prompt is given', () => {
    const plan = planned({ prompt: '  a lighthouse at dusk  ' });
    assert.equal(plan.prompt, 'a lighthouse at dusk');
    assert.equal(plan.model, DEFAULT_TOOL_MODEL);
    assert.equal(plan.modelLabel, 'DALL·E 3');
    assert.equal(plan.aspectRatio, '1:1');
    assert.equal(plan.count, 1);
    assert.equal(plan.path, undefined);
    assert.deepEqual(plan.jobs, [{ params: { aspect_ratio: '1:1' } }]);
    assert.deepEqual(plan.cost, { min: 8, max: 16 });
  });

  it('turns a count into separate jobs or the model\'s own count, with the cost scaled', () => {
    const dalle = planned({ prompt: 'x', count: 3, aspectRatio: '3:2' });
    assert.equal(dalle.jobs.length, 3);
    assert.ok(dalle.jobs.every((job) => job.params.aspect_ratio === '3:2'));
    assert.deepEqual(dalle.cost, { min: 24, max: 48 });
    const gpt = planned({ prompt: 'x', model: 'gpt-image-1.5', count: 4 });
    assert.equal(gpt.jobs.length, 1);
    assert.equal(gpt.jobs[0]?.params.number_of_images, 4);
    assert.deepEqual(gpt.cost, { min: 8, max: 100 });
  });

  it('maps the aspect ratio to the model\'s own field (FLUX gets width and height)', () => {
    const flux = planned({ prompt: 'x', model: 'flux-1.1-pro', aspectRatio: '16:9' });
    const params = flux.jobs[0]?.params ?? {};
    assert.equal(params.aspect_ratio, undefined);
    assert.ok(typeof params.width === 'number' && typeof params.height === 'number');
    assert.ok(Math.abs(params.width / params.height - 16 / 9) < 0.05);
  });

  it('keeps the destination path as given (trimmed)', () => {
    assert.equal(planned({ prompt: 'x', path: ' public/hero.png ' }).path, 'public/hero.png');
    assert.equal(planned({ prompt: 'x', path: '   ' }).path, undefined);
  });

  it('refuses counts outside 1–4 and counts that are not whole numbers', () => {
    for (const count of [0, 5, -1, 1.5, '2', null, Number.NaN]) assert.match(refused({ prompt: 'x', count }), /"count" must be a whole number from 1 to 4/);
    assert.equal(planned({ prompt: 'x', count: 4 }).count, 4);
    assert.equal(planned({ prompt: 'x', count: 1 }).count, 1);
  });

  it('refuses a missing or blank prompt, and one longer than the model takes', () => {
    assert.match(refused({}), /"prompt" must be a non-empty string/);
    assert.match(refused({ prompt: ' \n ' }), /"prompt" must be a non-empty string/);
    assert.match(refused({ prompt: 42 }), /"prompt"/);
    assert.match(refused({ prompt: 'a'.repeat(2001) }), /2001 characters long; dall-e-3 takes at most 2000/);
    assert.equal(planned({ prompt: 'a'.repeat(5000), model: 'wan-image-2.7' }).prompt.length, 5000);
  });

  it('refuses unknown models and aspect ratios the model cannot make, naming the choices', () => {
    assert.match(refused({ prompt: 'x', model: 'dall-e-4' }), /Unknown model "dall-e-4". Use one of: .*dall-e-3/);
    assert.match(refused({ prompt: 'x', aspectRatio: '16:9' }), /dall-e-3 cannot make the aspect ratio "16:9". It takes: 1:1, 3:2, 2:3/);
    assert.match(refused({ prompt: 'x', aspectRatio: 7 }), /"aspectRatio" must be a string/);
  });

  it('refuses unknown properties instead of ignoring them, and input that is not an object', () => {
    assert.match(refused({ prompt: 'x', destination: 'public/' }), /Unknown input "destination". The tool takes prompt, model, aspectRatio, count, path/);
    assert.match(refused('a cat'), /must be an object/);
    assert.match(refused(null), /must be an object/);
    assert.match(refused({ prompt: 'x', path: 3 }), /"path" must be a string/);
  });

  it('refuses a model whose required parameters the tool cannot set', () => {
    assert.match(refused({ prompt: 'x', model: 'flux-lora' }), /flux-lora needs parameters this tool does not set \(.*loraId/);
  });
});

describe('agent tool manifest', () => {
  const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
    contributes: { languageModelTools: { name: string; inputSchema: { properties: Record<string, { enum?: string[] }>; required: string[]; additionalProperties: boolean } }[] };
  };
  const tool = manifest.contributes.languageModelTools.find((t) => t.name === GENERATE_IMAGE_TOOL);

  it('declares the tool with exactly the inputs the tool checks, prompt required', () => {
    assert.ok(tool, `${GENERATE_IMAGE_TOOL} is not contributed`);
    assert.deepEqual(Object.keys(tool.inputSchema.properties).sort(), [...TOOL_INPUT_KEYS].sort());
    assert.deepEqual(tool.inputSchema.required, ['prompt']);
    assert.equal(tool.inputSchema.additionalProperties, false);
  });

  it('offers every model the client knows, and nothing else', () => {
    assert.deepEqual(tool?.inputSchema.properties.model?.enum, [...IMAGE_MODEL_IDS]);
  });
});

describe('requested save path', () => {
  const one: WorkspaceFolderPath[] = [{ name: 'site', path: '/home/me/site' }];
  const two: WorkspaceFolderPath[] = [...one, { name: 'docs', path: '/home/me/docs' }];

  function accepted(requested: string, folders = one): { folderIndex: number; folderPath: string; fileName?: string } {
    const result = resolveRequestedPath(requested, folders);
    assert.ok(result.ok, result.ok ? '' : result.message);
    return { folderIndex: result.folderIndex, folderPath: result.folderPath, ...(result.fileName !== undefined ? { fileName: result.fileName } : {}) };
  }

  function refusal(requested: string, folders = one): string {
    const result = resolveRequestedPath(requested, folders);
    assert.ok(!result.ok, `accepted ${requested}`);
    return result.message;
  }

  it('takes an image file name relative to the workspace folder', () => {
    assert.deepEqual(accepted('public/img/hero.png'), { folderIndex: 0, folderPath: '/home/me/site/public/img', fileName: 'hero.png' });
    assert.deepEqual(accepted('hero.JPEG'), { folderIndex: 0, folderPath: '/home/me/site', fileName: 'hero.JPEG' });
    assert.deepEqual(accepted('./a/./b/../c.webp'), { folderIndex: 0, folderPath: '/home/me/site/a', fileName: 'c.webp' });
    assert.deepEqual(accepted('public\\img\\hero.jpg'), { folderIndex: 0, folderPath: '/home/me/site/public/img', fileName: 'hero.jpg' });
  });

  it('takes a folder: a trailing slash, a last part without a dot, or the workspace folder itself', () => {
    assert.deepEqual(accepted('public/images/'), { folderIndex: 0, folderPath: '/home/me/site/public/images' });
    assert.deepEqual(accepted('assets'), { folderIndex: 0, folderPath: '/home/me/site/assets' });
    assert.deepEqual(accepted('.'), { folderIndex: 0, folderPath: '/home/me/site' });
    assert.deepEqual(accepted('v1.2/'), { folderIndex: 0, folderPath: '/home/me/site/v1.2' });
  });

  it('takes an absolute path inside a workspace folder, and a folder name in a multi-root workspace', () => {
    assert.deepEqual(accepted('/home/me/docs/img/a.png', two), { folderIndex: 1, folderPath: '/home/me/docs/img', fileName: 'a.png' });
    assert.deepEqual(accepted('docs/img/a.png', two), { folderIndex: 1, folderPath: '/home/me/docs/img', fileName: 'a.png' });
    assert.deepEqual(accepted('img/a.png', two), { folderIndex: 0, folderPath: '/home/me/site/img', fileName: 'a.png' });
    assert.deepEqual(accepted('C:\\work\\site\\a.png', [{ name: 'site', path: '/c:/work/site' }]), { folderIndex: 0, folderPath: '/c:/work/site', fileName: 'a.png' });
  });

  it('refuses paths that lead outside the workspace', () => {
    assert.match(refusal('../x.png'), /"\.\.\/x\.png" leads outside the workspace folder/);
    assert.match(refusal('public/../../x.png'), /leads outside the workspace folder/);
    assert.match(refusal('/etc/x.png'), /is outside the workspace/);
    assert.match(refusal('/home/me/site2/x.png'), /is outside the workspace/);
    assert.match(refusal('D:\\x.png', [{ name: 'site', path: '/c:/work/site' }]), /is outside the workspace/);
    assert.match(refusal('\\\\server\\share\\x.png'), /network \(UNC\) path/);
    assert.match(refusal('~/x.png'), /home-folder paths/);
    assert.match(refusal('file:///home/me/site/x.png'), /is a URL/);
    assert.match(refusal('https://example.com/x.png'), /is a URL/);
  });

  it('refuses other extensions, names Windows refuses and hidden characters', () => {
    assert.match(refusal('logo.svg'), /not a \.png, \.jpg, \.jpeg or \.webp image/);
    assert.match(refusal('notes.txt'), /not a \.png/);
    assert.match(refusal('con.png'), /reserves for devices/);
    assert.match(refusal('a<b>/x.png'), /not allowed in folder names/);
    assert.match(refusal('aux/x.png'), /Windows reserves for devices/);
    assert.match(refusal('x\u202e.png'), /invisible or bidirectional/);
    assert.match(refusal('x\u0007.png'), /control characters/);
    assert.match(refusal('   '), /is empty/);
  });

  it('says so when no workspace folder is open', () => {
    assert.match(refusal('x.png', []), /No workspace folder is open/);
  });
});
