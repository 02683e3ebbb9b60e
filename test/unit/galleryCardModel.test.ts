/**
 * What a gallery card offers, in plain Node: the buttons of each phase, the worded choices of a card that
 * waits for a decision, and the key that tells the page when a card's buttons must be rebuilt. (The page
 * test checks the same cards rendered in Chromium.)
 */
import * as assert from 'node:assert/strict';
import type { GalleryItem } from '../../src/gallery/protocol';
import { HARNESS_STRINGS } from '../gallery/harness';
import {
  actionLabel,
  actionsFor,
  actionsKey,
  cardButtons,
  cardShape,
  detailKind,
  domId,
  formatDuration,
  formatTemplate,
  isChoice,
  matchesFilter,
  mediaAspect,
  metaText,
  offersLog,
  overflowButtons,
  primaryButtons,
  stageOf,
  stageText,
  defaultTile,
  gridButtonText,
  hasGridTiles,
  sourceKey,
  sourceParts,
  sourceText,
  tileLabel,
  tilesKey,
} from '../../media/galleryCardModel';

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
    assert.deepEqual(actionsFor(DONE), ['save', 'insert', 'insertAtCursor', 'open', 'copyPath', 'copyPrompt', 'rerun', 'delete']);
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

  it('offers Reveal in Explorer only for a saved copy, and Insert at Cursor only with an image', () => {
    const saved: GalleryItem = { ...DONE, savedPath: 'images/lighthouse.png' };
    assert.deepEqual(actionsFor(saved), ['save', 'insert', 'insertAtCursor', 'open', 'revealSaved', 'copyPath', 'copyPrompt', 'rerun', 'delete']);
    assert.ok(!actionsFor({ ...DONE, ...NO_IMAGE }).includes('insertAtCursor'));
    assert.ok(!actionsFor(DONE).includes('revealSaved'));
  });

  it('shows the 2–3 most useful buttons and puts the rest in the overflow menu', () => {
    // An image: Insert, Save, Open; Insert at Cursor and the rest in the menu.
    assert.deepEqual(primaryButtons(DONE), ['insert', 'save', 'open']);
    assert.deepEqual(overflowButtons(DONE), ['insertAtCursor', 'copyPath', 'copyPrompt', 'rerun', 'delete']);
    // Saved: Reveal in Explorer takes Save's place (Save stays in the menu).
    const saved: GalleryItem = { ...DONE, savedPath: 'images/lighthouse.png' };
    assert.deepEqual(primaryButtons(saved), ['insert', 'revealSaved', 'open']);
    assert.ok(overflowButtons(saved).includes('save') && overflowButtons(saved).includes('insertAtCursor'));
    // Stopped waiting: Resume first. Waiting for a decision: Look Again, then Submit Anew.
    assert.deepEqual(primaryButtons({ ...DONE, ...NO_IMAGE, phase: 'detached' }), ['resume', 'rerun']);
    assert.deepEqual(primaryButtons(UNKNOWN_SUBMIT), ['resume', 'submitAnew']);
    assert.deepEqual(overflowButtons(UNKNOWN_SUBMIT), ['copyPrompt', 'delete']);
    // A failure: Re-run and the log; a job on its way: everything in the menu.
    const failed: GalleryItem = { ...DONE, ...NO_IMAGE, phase: 'failed', error: 'Content policy' };
    assert.deepEqual(primaryButtons(failed), ['rerun', 'showLog']);
    assert.deepEqual(overflowButtons(failed), ['copyPrompt', 'delete']);
    assert.deepEqual(primaryButtons({ ...DONE, ...NO_IMAGE, phase: 'running' }), []);
    assert.deepEqual(overflowButtons({ ...DONE, ...NO_IMAGE, phase: 'running' }), ['copyPrompt', 'rerun', 'delete']);
  });

  it('reports every button a card offers exactly once, shown or in the menu', () => {
    const variants: GalleryItem[] = [
      DONE,
      { ...DONE, savedPath: 'images/a.png' },
      UNKNOWN_SUBMIT,
      UNREADABLE,
      { ...DONE, ...NO_IMAGE, phase: 'detached' },
      { ...DONE, ...NO_IMAGE, phase: 'failed', error: 'x' },
      { ...DONE, ...NO_IMAGE, phase: 'pending-submit' },
    ];
    for (const item of variants) {
      const buttons = cardButtons(item);
      assert.equal(new Set(buttons).size, buttons.length, buttons.join());
      assert.deepEqual([...buttons].sort(), [...actionsFor(item), ...(offersLog(item) ? ['showLog'] : [])].sort());
      assert.ok(primaryButtons(item).length <= 3);
    }
  });

  it('names the stage of a job in progress, never "Generating" for a queued one', () => {
    const running: GalleryItem = { ...DONE, ...NO_IMAGE, phase: 'running', status: 'QUEUED' };
    assert.deepEqual(stageOf(running), { stage: 'queued', percent: null }, 'derived when the host sends no stage');
    assert.deepEqual(stageOf({ ...running, status: 'PROCESSING', progress: 40 }), { stage: 'generating', percent: 40 });
    assert.equal(stageOf(DONE), undefined);
    const fromHost = { stage: 'queued' as const, percent: null };
    assert.equal(stageOf({ ...running, status: 'PROCESSING', stage: fromHost }), fromHost, 'the host’s stage wins');
    const now = Date.parse('2026-11-25T10:00:12.000Z');
    const since = '2026-11-25T10:00:00.000Z';
    assert.deepEqual(stageText({ stage: 'queued', percent: null, since }, HARNESS_STRINGS, now), { name: 'Queued', progress: '0:12', label: 'Queued, 0:12' });
  });

  it('shows a percent only when the server reports one, else elapsed time against the expected duration', () => {
    const now = Date.parse('2026-11-25T10:00:12.000Z');
    const since = '2026-11-25T10:00:00.000Z';
    assert.deepEqual(stageText({ stage: 'generating', percent: 41.6, since }, HARNESS_STRINGS, now), { name: 'Generating', progress: '42%', label: 'Generating 42%' });
    assert.equal(stageText({ stage: 'generating', percent: null, since, expectedSeconds: 20 }, HARNESS_STRINGS, now).progress, '0:12 of about 0:20');
    assert.equal(stageText({ stage: 'generating', percent: null, since }, HARNESS_STRINGS, now).progress, '0:12');
    assert.equal(stageText({ stage: 'generating', percent: null }, HARNESS_STRINGS, now).progress, '', 'no clock, no time');
    assert.equal(stageText({ stage: 'downloading', percent: null, since: 'garbage' }, HARNESS_STRINGS, now).name, 'Downloading');
    assert.equal(stageText({ stage: 'submitting', percent: null }, undefined, now).name, 'submitting', 'falls back to the stage id without strings');
  });

  it('formats durations as m:ss (h:mm:ss from an hour on)', () => {
    assert.equal(formatDuration(0), '0:00');
    assert.equal(formatDuration(9.9), '0:09');
    assert.equal(formatDuration(75), '1:15');
    assert.equal(formatDuration(3725), '1:02:05');
    assert.equal(formatDuration(-5), '0:00');
    assert.equal(formatDuration(Number.NaN), '0:00');
    assert.equal(formatTemplate('{0} of {1} images', 3, 12), '3 of 12 images');
    assert.equal(formatTemplate('{0} of about {1}', '0:12'), '0:12 of about {1}', 'a missing argument stays visible');
  });

  it('gives a card a detail line only when it has something to say', () => {
    assert.equal(detailKind(DONE), 'none');
    assert.equal(detailKind({ ...DONE, savedPath: 'images/a.png' }), 'saved');
    assert.equal(detailKind({ ...DONE, ...NO_IMAGE, phase: 'running' }), 'progress');
    assert.equal(detailKind({ ...DONE, ...NO_IMAGE, phase: 'detached' }), 'stopped');
    assert.equal(detailKind(UNKNOWN_SUBMIT), 'choices');
    assert.equal(detailKind({ ...DONE, ...NO_IMAGE, phase: 'failed', error: 'x' }), 'error');
    assert.equal(cardShape(DONE).hasDetail, false);
    assert.equal(cardShape({ ...DONE, savedPath: 'images/a.png' }).hasDetail, true);
  });

  it('reserves the thumbnail box from the image, or from the aspect ratio before there is one', () => {
    assert.deepEqual(mediaAspect(DONE), { width: 1792, height: 1024 });
    assert.deepEqual(mediaAspect({ ...DONE, ...NO_IMAGE, aspectRatio: '2:3' }), { width: 1024, height: 1792 }, 'the size the image will have');
    assert.deepEqual(mediaAspect({ ...DONE, ...NO_IMAGE, aspectRatio: '16:9' }), { width: 16, height: 9 }, 'an unknown ratio as written');
    assert.deepEqual(mediaAspect({ ...DONE, ...NO_IMAGE, aspectRatio: 'wide' }), { width: 1, height: 1 });
    assert.deepEqual(mediaAspect({ ...DONE, ...NO_IMAGE, aspectRatio: '0:5' }), { width: 1, height: 1 });
  });

  it('filters by prompt text, case-insensitively, a blank filter matching everything', () => {
    assert.equal(matchesFilter(DONE, 'LIGHTHOUSE'), true);
    assert.equal(matchesFilter(DONE, '  at dawn '), true);
    assert.equal(matchesFilter(DONE, 'castle'), false);
    assert.equal(matchesFilter(DONE, '   '), true);
  });

  describe('several images', () => {
    const tile = (n: number, fields: Partial<NonNullable<GalleryItem['tiles']>[number]> = {}) => ({
      localId: `${DONE.localId.slice(0, 35)}${n}`,
      index: 0,
      model: 'flux-1.1-pro',
      phase: 'done' as const,
      image: { src: `https://webview/cache/${n}.png`, width: 1024, height: 1024 },
      ...fields,
    });
    const GROUPED: GalleryItem = {
      ...DONE,
      model: 'flux-1.1-pro',
      aspectRatio: '1:1',
      style: undefined,
      creditCost: 24,
      group: { kind: 'candidates', size: 3, models: ['flux-1.1-pro'] },
      tiles: [tile(1, { creditCost: 8 }), tile(2, { creditCost: 8 }), tile(3, { creditCost: 8 })],
    };

    it('writes the group\'s kind, models and cost in the meta line, localized', () => {
      assert.equal(metaText(GROUPED, HARNESS_STRINGS), '3 candidates · flux-1.1-pro · 24 credits · 1:1');
      const compared: GalleryItem = { ...GROUPED, group: { kind: 'compare', size: 2, models: ['flux-1.1-pro', 'midjourney'] }, creditCost: 1 };
      assert.equal(metaText(compared, HARNESS_STRINGS), 'Compared: flux-1.1-pro · midjourney · 1 credit · 1:1');
      assert.equal(metaText({ ...DONE, creditCost: 12 }, HARNESS_STRINGS), 'dall-e-3 · 12 credits · 3:2 · natural');
      assert.equal(metaText({ ...DONE, creditCost: 12 }), 'dall-e-3 · 12 · 3:2 · natural', 'a bare number before the strings arrive');
    });

    it('names each image for screen readers: its place, the model and its cost', () => {
      assert.equal(tileLabel(GROUPED, GROUPED.tiles![1]!, 1, HARNESS_STRINGS), 'Candidate 2 of 3, flux-1.1-pro, 8 credits');
      const job: GalleryItem = { ...DONE, model: 'midjourney', tiles: [0, 1, 2, 3].map((i) => tile(1, { index: i, model: 'midjourney' })) };
      assert.equal(tileLabel(job, job.tiles![3]!, 3, HARNESS_STRINGS), 'Image 4 of 4, midjourney');
    });

    it('reserves a box for the images side by side, and keeps Save at hand after one was saved', () => {
      assert.deepEqual(mediaAspect(GROUPED), { width: 3, height: 1 });
      const saved: GalleryItem = { ...GROUPED, savedPath: 'images/a.png' };
      assert.ok(primaryButtons(saved).includes('save'));
      assert.ok(!primaryButtons({ ...DONE, savedPath: 'images/a.png' }).includes('save'), 'a single image offers Reveal instead');
    });

    it('chooses the first image there is, and rebuilds the tiles only when what they show changes', () => {
      assert.equal(defaultTile(GROUPED), 0);
      const firstRunning: GalleryItem = { ...GROUPED, tiles: [tile(1, { phase: 'running', image: undefined }), tile(2), tile(3)] };
      assert.equal(defaultTile(firstRunning), 1);
      assert.equal(tilesKey(GROUPED), tilesKey({ ...GROUPED, tiles: [...GROUPED.tiles!] }));
      assert.notEqual(tilesKey(GROUPED), tilesKey({ ...GROUPED, tiles: [GROUPED.tiles![0]!, tile(2, { creditCost: 8, savedPath: 'x.png' }), GROUPED.tiles![2]!] }));
    });
  });

  describe('source images and Midjourney grids', () => {
    const OPERATION: GalleryItem = { ...DONE, prompt: '', alt: 'logo.png → Remove Background', source: { name: 'logo.png', action: 'Remove Background', thumbnail: 'https://webview/source.png' } };
    const VARIATION: GalleryItem = { ...DONE, source: { name: 'hero.webp' } };

    it('says what was done to which source, or that the image is a variation of it', () => {
      assert.equal(sourceText(OPERATION.source!, HARNESS_STRINGS), 'logo.png → Remove Background');
      assert.equal(sourceText(VARIATION.source!, HARNESS_STRINGS), 'Variation of hero.webp');
      const korean = { ...HARNESS_STRINGS, variationOf: '{0}의 변형' };
      assert.equal(sourceText(VARIATION.source!, korean), 'hero.webp의 변형');
      assert.equal(actionLabel(HARNESS_STRINGS, OPERATION, 'openSource'), 'Open the source image: logo.png → Remove Background');
    });

    it('splits the sentence around the name, so a long name can be cut and the rest kept whole', () => {
      assert.deepEqual(sourceParts(OPERATION.source!, HARNESS_STRINGS), { before: '', name: 'logo.png', after: ' → Remove Background' });
      assert.deepEqual(sourceParts(VARIATION.source!, HARNESS_STRINGS), { before: 'Variation of ', name: 'hero.webp', after: '' });
      assert.deepEqual(sourceParts(VARIATION.source!, { ...HARNESS_STRINGS, variationOf: '{0}의 변형' }), { before: '', name: 'hero.webp', after: '의 변형' });
      for (const source of [OPERATION.source!, VARIATION.source!]) {
        const parts = sourceParts(source, HARNESS_STRINGS);
        assert.equal(parts.before + parts.name + parts.after, sourceText(source, HARNESS_STRINGS));
      }
    });

    it('leaves an operation’s missing aspect ratio out of the meta line', () => {
      assert.equal(metaText({ ...OPERATION, model: 'bria-bg-remove', aspectRatio: '', style: undefined, creditCost: 2 }, HARNESS_STRINGS), 'bria-bg-remove · 2 credits');
    });

    it('gives the source a row of its own only beside a prompt (an operation shows it in the prompt’s place)', () => {
      assert.equal(cardShape(OPERATION).hasSource, undefined);
      assert.equal(cardShape(VARIATION).hasSource, true);
      assert.equal(cardShape(DONE).hasSource, undefined);
      assert.notEqual(sourceKey(OPERATION), sourceKey({ ...OPERATION, source: { name: 'logo.png', action: 'Remove Background' } }), 'the thumbnail went');
      assert.equal(sourceKey(DONE), '');
    });

    const gridTile = (index: number, midjourneyGrid = true): NonNullable<GalleryItem['tiles']>[number] => ({
      localId: DONE.localId,
      index,
      model: 'midjourney',
      phase: 'done',
      image: { src: `s${index}`, width: 1, height: 1 },
      ...(midjourneyGrid ? { midjourneyGrid: true as const } : {}),
    });
    const GRID: GalleryItem = { ...DONE, model: 'midjourney', imageCount: 4, tiles: [0, 1, 2, 3].map((index) => gridTile(index)) };

    it('names Upscale n / Vary n after the chosen image of a grid, and offers them nowhere else', () => {
      assert.equal(hasGridTiles(GRID), true);
      assert.deepEqual(gridButtonText(GRID, 1, 'upscale', HARNESS_STRINGS), { text: 'U2', label: 'Upscale image 2' });
      assert.deepEqual(gridButtonText(GRID, 3, 'vary', HARNESS_STRINGS), { text: 'V4', label: 'Vary image 4' });
      // In a compare group the grid's images follow another model's: the number is the grid's own.
      const compare: GalleryItem = { ...GRID, tiles: [{ ...gridTile(0, false), model: 'flux-1.1-pro' }, ...GRID.tiles!] };
      assert.equal(gridButtonText(compare, 0, 'upscale', HARNESS_STRINGS), undefined, 'the other model’s image');
      assert.deepEqual(gridButtonText(compare, 2, 'upscale', HARNESS_STRINGS), { text: 'U2', label: 'Upscale image 2' });
      const notGrid: GalleryItem = { ...GRID, tiles: [0, 1, 2, 3].map((index) => gridTile(index, false)) };
      assert.equal(hasGridTiles(notGrid), false);
      assert.equal(hasGridTiles(DONE), false);
      assert.notEqual(actionsKey(GRID), actionsKey(notGrid), 'the toolbar is rebuilt when the grid buttons come or go');
    });
  });
});
