/**
 * What a gallery card offers, in plain Node: the buttons of each phase, the worded choices of a card that
 * waits for a decision, and the key that tells the page when a card's buttons must be rebuilt. (The page
 * test checks the same cards rendered in Chromium.)
 */
import * as assert from 'node:assert/strict';
import type { GalleryItem } from '../../src/gallery/protocol';
import { HARNESS_STRINGS } from '../gallery/harness';
import { actionLabel, actionsFor, actionsKey, domId, isChoice, metaText, offersLog } from '../../media/galleryCardModel';

const DONE: GalleryItem = {
  localId: '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b',
  prompt: 'A lighthouse at dawn',
  alt: 'A lighthouse at dawn',
  model: 'dall-e-3',
  aspectRatio: '3:2',
  style: 'natural',
  createdAt: '2026-11-25T10:00:00.000Z',
  phase: 'done',
  progress: null,
  image: { src: 'https://webview/cache/1.png', width: 1792, height: 1024 },
  imageCount: 1,
};
const NO_IMAGE = { image: undefined, imageCount: 0 } as const;
const UNKNOWN_SUBMIT: GalleryItem = { ...DONE, ...NO_IMAGE, phase: 'needs-decision', decision: 'unknown-submit', interruption: 'Not sure.' };
const UNREADABLE: GalleryItem = { ...UNKNOWN_SUBMIT, decision: 'unreadable-result' };

describe('gallery card model', () => {
  it('offers every action on a cached image, and only the prompt actions without one', () => {
    assert.deepEqual(actionsFor(DONE), ['save', 'insert', 'open', 'copyPath', 'copyPrompt', 'rerun', 'delete']);
    assert.deepEqual(actionsFor({ ...DONE, ...NO_IMAGE, phase: 'running' }), ['copyPrompt', 'rerun', 'delete']);
    assert.deepEqual(actionsFor({ ...DONE, ...NO_IMAGE, phase: 'expired' }), ['copyPrompt', 'rerun', 'delete']);
  });

  it('offers Resume on a detached card, and Show Log on a failed one', () => {
    assert.deepEqual(actionsFor({ ...DONE, ...NO_IMAGE, phase: 'detached' }), ['resume', 'copyPrompt', 'rerun', 'delete']);
    const failed: GalleryItem = { ...DONE, ...NO_IMAGE, phase: 'failed', error: 'Content policy' };
    assert.equal(offersLog(failed), true);
    assert.equal(offersLog(DONE), false);
  });

  it('offers a card waiting for a decision its choices instead of Re-run', () => {
    assert.deepEqual(actionsFor(UNKNOWN_SUBMIT), ['resume', 'submitAnew', 'copyPrompt', 'delete']);
    // The job is known to exist: nothing to submit again, and the log says why it could not be read.
    assert.deepEqual(actionsFor(UNREADABLE), ['resume', 'copyPrompt', 'delete']);
    assert.equal(offersLog(UNREADABLE), true);
    assert.equal(offersLog(UNKNOWN_SUBMIT), false);
    assert.equal(isChoice(UNKNOWN_SUBMIT, 'resume'), true);
    assert.equal(isChoice(UNKNOWN_SUBMIT, 'submitAnew'), true);
    assert.equal(isChoice(UNKNOWN_SUBMIT, 'delete'), false);
    assert.equal(isChoice({ ...UNKNOWN_SUBMIT, phase: 'detached' }, 'resume'), false);
  });

  it('labels Resume "Look Again" on a card waiting for a decision, and falls back to the action name without strings', () => {
    assert.equal(actionLabel(HARNESS_STRINGS, UNKNOWN_SUBMIT, 'resume'), 'Look Again');
    assert.equal(actionLabel(HARNESS_STRINGS, UNKNOWN_SUBMIT, 'submitAnew'), 'Submit Anew…');
    assert.equal(actionLabel(HARNESS_STRINGS, { ...UNKNOWN_SUBMIT, phase: 'detached' }, 'resume'), 'Resume');
    assert.equal(actionLabel(undefined, DONE, 'copyPath'), 'copyPath');
  });

  it('changes the buttons key when the buttons change, and only then', () => {
    assert.equal(actionsKey({ ...DONE, progress: 50 }), actionsKey(DONE), 'progress does not touch the buttons');
    const keys = [DONE, { ...DONE, ...NO_IMAGE }, { ...DONE, ...NO_IMAGE, phase: 'detached' as const }, UNKNOWN_SUBMIT, UNREADABLE].map(actionsKey);
    assert.equal(new Set(keys).size, keys.length, keys.join(' | '));
  });

  it('writes the meta line and tidy DOM ids', () => {
    assert.equal(metaText(DONE), 'dall-e-3 · 3:2 · natural');
    assert.equal(domId('status', DONE.localId), `status-${DONE.localId}`);
    assert.equal(domId('prompt', 'a"b c<d>'), 'prompt-abcd');
  });
});
