/**
 * What the gallery host does with Upscale n / Vary n and "open the source" from its page, in plain Node: only a
 * finished Midjourney grid the history holds can be upscaled or varied (a forged message about anything else
 * would be a refused, possibly charged, request), and only a record with a source has one to open.
 */
import * as assert from 'node:assert/strict';
import { decideGalleryMessage, isMidjourneyGrid, type GalleryRecordState } from '../../src/gallery/galleryMessages';

const GRID_ID = '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b';
const OTHER_ID = 'a1b2c3d4-e5f6-4a7b-9c8d-0e1f2a3b4c5d';
const four = [1, 2, 3, 4].map((n) => ({ file: `${GRID_ID}/${n}.png`, mime: 'image/png' as const, bytes: 1 }));
const GRID: GalleryRecordState = { phase: 'done', model: 'midjourney', jobId: 'job-grid-1', files: four };

describe('gallery messages: Midjourney grid actions and sources', () => {
  it('knows a finished Midjourney grid from everything that is not one', () => {
    assert.equal(isMidjourneyGrid(GRID), true);
    // Four remote images not downloaded yet are still the grid Apiframe holds.
    assert.equal(isMidjourneyGrid({ ...GRID, files: undefined, remoteUrls: ['a', 'b', 'c', 'd'] }), true);
    assert.equal(isMidjourneyGrid({ ...GRID, phase: 'running' }), false);
    assert.equal(isMidjourneyGrid({ ...GRID, phase: 'failed' }), false);
    assert.equal(isMidjourneyGrid({ ...GRID, jobId: undefined }), false);
    assert.equal(isMidjourneyGrid({ ...GRID, jobId: '' }), false);
    assert.equal(isMidjourneyGrid({ ...GRID, model: 'flux-1.1-pro' }), false);
    assert.equal(isMidjourneyGrid({ ...GRID, files: four.slice(0, 1) }), false, 'an upscale’s single image');
  });

  it('passes Upscale n / Vary n on a grid to the host with the image chosen', () => {
    const decision = decideGalleryMessage({ type: 'gridAction', action: 'upsample', localId: GRID_ID, index: 1 }, (id) => (id === GRID_ID ? GRID : undefined));
    assert.deepEqual(decision, { kind: 'gridAction', action: 'upsample', localId: GRID_ID, index: 1 });
    const vary = decideGalleryMessage({ type: 'gridAction', action: 'variation', localId: GRID_ID, index: 3 }, () => GRID);
    assert.deepEqual(vary, { kind: 'gridAction', action: 'variation', localId: GRID_ID, index: 3 });
  });

  it('ignores Upscale n / Vary n on an unknown record or on one that is no finished grid', () => {
    const message = { type: 'gridAction', action: 'upsample', localId: GRID_ID, index: 0 };
    const unknown = decideGalleryMessage(message, () => undefined);
    assert.equal(unknown.kind, 'ignore');
    assert.match(unknown.kind === 'ignore' ? unknown.debug : '', /unknown record/);
    for (const record of [{ ...GRID, phase: 'running' as const }, { ...GRID, model: 'dall-e-3' as const }, { ...GRID, jobId: undefined }, { phase: 'done' as const }]) {
      const decision = decideGalleryMessage(message, () => record);
      assert.equal(decision.kind, 'ignore', JSON.stringify(record));
      assert.match(decision.kind === 'ignore' ? decision.debug : '', /no finished grid/);
    }
  });

  it('opens the source of a record that has one, and ignores the rest', () => {
    const withSource: GalleryRecordState = { phase: 'done', input: { uri: 'file:///w/logo.png', name: 'logo.png' } };
    assert.deepEqual(decideGalleryMessage({ type: 'openSource', localId: OTHER_ID }, () => withSource), { kind: 'openSource', localId: OTHER_ID });
    assert.equal(decideGalleryMessage({ type: 'openSource', localId: OTHER_ID }, () => ({ phase: 'done' })).kind, 'ignore');
    assert.equal(decideGalleryMessage({ type: 'openSource', localId: OTHER_ID }, () => undefined).kind, 'ignore');
  });
});
