import * as assert from 'node:assert/strict';
import { OUTPAINT_PRESETS, checkOperationRequest, type ImageOperationRequest } from '../../src/apiframe/imageOperations';
import { DEFAULT_EXTEND_PROMPT, EXTEND_MODEL, EXTEND_SUFFIXES, extendRequest } from '../../src/models/extendChoices';

/** The request as submitted once the source is uploaded. */
function uploaded(operation: ImageOperationRequest, url: string): ImageOperationRequest {
  const request = structuredClone(operation.request) as unknown as { fluxFillParams: { image: string } };
  request.fluxFillParams.image = url;
  return { ...operation, request } as ImageOperationRequest;
}

describe('models/extendChoices', () => {
  it('builds a Flux Fill outpaint for every preset that passes the spec’s checks once the image URL is in', () => {
    for (const preset of OUTPAINT_PRESETS) {
      const operation = extendRequest(preset, 'more sky');
      assert.deepEqual(operation, { kind: 'edit', request: { model: EXTEND_MODEL, fluxFillParams: { image: '', mode: 'outpaint', outpaint: preset, prompt: 'more sky' } } });
      assert.deepEqual(checkOperationRequest(uploaded(operation, 'https://cdn.example.com/uploads/a.png')), [], preset);
    }
  });

  it('sends the default prompt for a blank description (Flux Fill requires one) and trims a given one', () => {
    const blank = extendRequest('Make square', '   ') as { request: { fluxFillParams: { prompt: string } } };
    assert.equal(blank.request.fluxFillParams.prompt, DEFAULT_EXTEND_PROMPT);
    const given = extendRequest('Make square', '  a sandy beach \n') as { request: { fluxFillParams: { prompt: string } } };
    assert.equal(given.request.fluxFillParams.prompt, 'a sandy beach');
  });

  it('names each preset’s result differently, with a suffix that is already a clean file-name part', () => {
    const suffixes = OUTPAINT_PRESETS.map((preset) => EXTEND_SUFFIXES[preset]);
    assert.equal(new Set(suffixes).size, OUTPAINT_PRESETS.length);
    for (const suffix of suffixes) assert.match(suffix, /^[a-z0-9]+(?:-[a-z0-9]+)*$/, suffix);
    assert.equal(EXTEND_SUFFIXES['Make square'], 'square');
  });
});
