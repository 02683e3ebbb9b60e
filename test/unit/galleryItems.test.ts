import * as assert from 'node:assert/strict';
import { CARD_ALT_TEXT_MAX_LENGTH, cardAltText, toGalleryItem } from '../../src/gallery/galleryItems';
import type { JobRecord } from '../../src/jobs/types';

const BASE: JobRecord = {
  localId: '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b',
  idempotencyKey: '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b',
  prompt: 'A lighthouse\n at dawn',
  model: 'dall-e-3',
  aspectRatio: '3:2',
  style: 'vivid',
  createdAt: '2026-11-25T10:00:00.000Z',
  phase: 'running',
  status: 'PROCESSING',
  progress: 40,
};

const noImage = (): string | undefined => undefined;

describe('gallery items', () => {
  it('maps a running record without images', () => {
    const item = toGalleryItem(BASE, { imageSrc: noImage });
    assert.deepEqual(item, {
      localId: BASE.localId,
      prompt: 'A lighthouse\n at dawn',
      alt: 'A lighthouse at dawn',
      model: 'dall-e-3',
      aspectRatio: '3:2',
      style: 'vivid',
      createdAt: BASE.createdAt,
      phase: 'running',
      status: 'PROCESSING',
      progress: 40,
      imageCount: 0,
      stage: { stage: 'generating', percent: 40, since: BASE.createdAt },
    });
  });

  it('uses the first cached file as the image, with its size or the aspect ratio size', () => {
    const done: JobRecord = {
      ...BASE,
      phase: 'done',
      progress: 100,
      files: [
        { file: `${BASE.localId}/1.png`, mime: 'image/png', bytes: 10 },
        { file: `${BASE.localId}/2.png`, mime: 'image/png', bytes: 10, width: 10, height: 20 },
      ],
    };
    const calls: number[] = [];
    const item = toGalleryItem(done, {
      imageSrc: (_record, index) => {
        calls.push(index);
        return 'https://webview/cache/1.png';
      },
    });
    assert.deepEqual(calls, [0]);
    assert.deepEqual(item.image, { src: 'https://webview/cache/1.png', width: 1792, height: 1024 });
    assert.equal(item.imageCount, 2);
    const sized = toGalleryItem({ ...done, files: [{ file: 'x/1.png', mime: 'image/png', bytes: 1, width: 640, height: 480 }] }, { imageSrc: () => 's' });
    assert.deepEqual(sized.image, { src: 's', width: 640, height: 480 });
  });

  it('keeps the error text, clamps progress and drops non-numbers', () => {
    assert.equal(toGalleryItem({ ...BASE, phase: 'failed', error: 'Rejected' }, { imageSrc: noImage }).error, 'Rejected');
    assert.equal(toGalleryItem({ ...BASE, progress: 140 }, { imageSrc: noImage }).progress, 100);
    assert.equal(toGalleryItem({ ...BASE, progress: null }, { imageSrc: noImage }).progress, null);
    assert.equal(toGalleryItem({ ...BASE, progress: Number.NaN }, { imageSrc: noImage }).progress, null);
  });

  it('shows why a record waits (detached, needs-decision) and nothing of a stale reason otherwise', () => {
    const reason = 'Apiframe could not confirm whether the earlier submit created a job.';
    assert.equal(toGalleryItem({ ...BASE, phase: 'detached', interruption: 'Network error.' }, { imageSrc: noImage }).interruption, 'Network error.');
    const waiting = toGalleryItem({ ...BASE, phase: 'needs-decision', decision: 'unknown-submit', interruption: reason }, { imageSrc: noImage });
    assert.equal(waiting.phase, 'needs-decision');
    assert.equal(waiting.interruption, reason);
    assert.equal(waiting.decision, 'unknown-submit');
    assert.equal(toGalleryItem({ ...BASE, phase: 'needs-decision', decision: 'unreadable-result' }, { imageSrc: noImage }).decision, 'unreadable-result');
    // A running or finished record has nothing to decide: a leftover decision must not bring back Submit Anew.
    for (const phase of ['running', 'done', 'failed'] as const) {
      const item = toGalleryItem({ ...BASE, phase, decision: 'unknown-submit', interruption: reason }, { imageSrc: noImage });
      assert.equal(item.decision, undefined, phase);
      assert.equal(item.interruption, undefined, phase);
    }
  });

  it('bounds alt text at a word boundary', () => {
    const long = 'word '.repeat(200);
    const alt = cardAltText(long);
    assert.ok(alt.length <= CARD_ALT_TEXT_MAX_LENGTH, String(alt.length));
    assert.ok(alt.endsWith('word…'));
    assert.equal(cardAltText('  short   prompt '), 'short prompt');
  });
});
