import * as assert from 'node:assert/strict';
import { CARD_ALT_TEXT_MAX_LENGTH, SOURCE_NAME_MAX_LENGTH, cardAltText, galleryUnits, groupUnit, toGalleryItem, toUnitItem } from '../../src/gallery/galleryItems';
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
    // Each image's URI is made once (the first one serves both the card's image and its first tile).
    assert.deepEqual(calls, [0, 1]);
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

  it('makes no tiles for a job with one image, and never asks for its image twice', () => {
    const calls: number[] = [];
    const one: JobRecord = { ...BASE, phase: 'done', files: [{ file: 'x/1.png', mime: 'image/png', bytes: 1 }] };
    const item = toGalleryItem(one, { imageSrc: (_record, index) => (calls.push(index), `src-${index}`) });
    assert.equal(item.tiles, undefined);
    assert.deepEqual(calls, [0]);
  });

  it('shows every image of a job that made several as a tile, each with its own saved copy', () => {
    const files = [1, 2, 3].map((n) => ({ file: `${BASE.localId}/${n}.png`, mime: 'image/png' as const, bytes: 1, width: 100 * n, height: 100 }));
    const record: JobRecord = { ...BASE, model: 'gpt-image-1.5', phase: 'done', files, creditCost: 12 };
    const item = toGalleryItem(record, { imageSrc: (_r, index) => `src-${index}`, savedPath: (_r, index) => (index === 1 ? 'images/two.png' : undefined) });
    assert.deepEqual(item.tiles, [
      { localId: BASE.localId, index: 0, model: 'gpt-image-1.5', phase: 'done', image: { src: 'src-0', width: 100, height: 100 } },
      { localId: BASE.localId, index: 1, model: 'gpt-image-1.5', phase: 'done', image: { src: 'src-1', width: 200, height: 100 }, savedPath: 'images/two.png' },
      { localId: BASE.localId, index: 2, model: 'gpt-image-1.5', phase: 'done', image: { src: 'src-2', width: 300, height: 100 } },
    ]);
    assert.equal(item.imageCount, 3);
    assert.equal(item.savedPath, 'images/two.png', 'the card says where its saved image went, whichever it is');
    assert.equal(item.creditCost, 12, 'the job cost once, for all its images');
  });

  it('shows the actual cost only once the job has finished', () => {
    assert.equal(toGalleryItem({ ...BASE, phase: 'done', creditCost: 8 }, { imageSrc: noImage }).creditCost, 8);
    assert.equal(toGalleryItem({ ...BASE, phase: 'done', creditCost: 0 }, { imageSrc: noImage }).creditCost, 0);
    assert.equal(toGalleryItem({ ...BASE, phase: 'running', creditCost: 8 }, { imageSrc: noImage }).creditCost, undefined);
    assert.equal(toGalleryItem({ ...BASE, phase: 'done', creditCost: null }, { imageSrc: noImage }).creditCost, undefined);
    assert.equal(toGalleryItem({ ...BASE, phase: 'done', creditCost: Number.NaN }, { imageSrc: noImage }).creditCost, undefined);
  });
});

/** Record `n` of a group (ids differ in their last digits), written in group order like the commands do. */
function member(groupId: string, kind: 'candidates' | 'compare', index: number, size: number, fields: Partial<JobRecord> = {}): JobRecord {
  const localId = `${groupId.slice(0, 34)}${String(index).padStart(2, '0')}`;
  return {
    ...BASE,
    localId,
    idempotencyKey: localId,
    model: 'flux-1.1-pro',
    aspectRatio: '1:1',
    style: undefined,
    phase: 'done',
    createdAt: `2026-11-25T11:00:00.00${index}Z`,
    group: { id: groupId, kind, index, size },
    files: [{ file: `${localId}/1.png`, mime: 'image/png', bytes: 1, width: 1024, height: 1024 }],
    creditCost: 8,
    ...fields,
  };
}

const GROUP = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeee00';
const srcOf = (record: JobRecord, index: number): string => `${record.localId}/${index}`;

describe('gallery groups', () => {
  it('folds the records of a group into one card where its first job is, in group order; others stay as they are', () => {
    const older: JobRecord = { ...BASE, localId: '11111111-1111-4111-8111-111111111111', createdAt: '2026-11-25T09:00:00.000Z' };
    const newer: JobRecord = { ...BASE, localId: '22222222-2222-4222-8222-222222222222', createdAt: '2026-11-25T12:00:00.000Z' };
    const [c0, c1, c2] = [0, 1, 2].map((i) => member(GROUP, 'candidates', i, 3));
    // The history is newest first: the group's last job comes first.
    const units = galleryUnits([newer, c2!, c1!, c0!, older]);
    assert.deepEqual(
      units.map((unit) => [unit.lead.localId, unit.members.map((m) => m.group?.index ?? -1)]),
      [
        [newer.localId, [-1]],
        [c0!.localId, [0, 1, 2]],
        [older.localId, [-1]],
      ],
    );
  });

  it('makes a 3-candidate group one item: its images in order, its kind and model, what it cost', () => {
    const records = [0, 1, 2].map((i) => member(GROUP, 'candidates', i, 3, { creditCost: 8 + i }));
    const [unit] = galleryUnits([...records].reverse());
    const item = toUnitItem(unit!, { imageSrc: srcOf, savedPath: (r) => (r.group?.index === 1 ? 'images/c2.png' : undefined) });
    assert.equal(item.localId, records[0]!.localId, 'the card goes by the group\'s first job');
    assert.deepEqual(item.group, { kind: 'candidates', size: 3, models: ['flux-1.1-pro'] });
    assert.deepEqual(
      item.tiles?.map((tile) => [tile.localId, tile.index, tile.image?.src, tile.creditCost, tile.savedPath]),
      records.map((r, i) => [r.localId, 0, `${r.localId}/0`, 8 + i, i === 1 ? 'images/c2.png' : undefined]),
    );
    assert.equal(item.creditCost, 27);
    assert.equal(item.imageCount, 3);
    assert.equal(item.savedPath, 'images/c2.png', 'the card says that one of its images was saved');
    assert.equal(item.image?.src, `${records[0]!.localId}/0`);
  });

  it('says where a group stands while one of its jobs is on its way, and counts only finished costs', () => {
    const records = [member(GROUP, 'compare', 0, 2), member(GROUP, 'compare', 1, 2, { model: 'midjourney', phase: 'running', files: [], creditCost: undefined })];
    const item = toUnitItem({ lead: records[0]!, members: records }, { imageSrc: srcOf });
    assert.equal(item.phase, 'running');
    assert.equal(item.localId, records[0]!.localId);
    assert.deepEqual(item.group?.models, ['flux-1.1-pro', 'midjourney']);
    assert.equal(item.creditCost, 8);
    assert.deepEqual(
      item.tiles?.map((tile) => [tile.model, tile.phase, tile.image === undefined]),
      [
        ['flux-1.1-pro', 'done', false],
        ['midjourney', 'running', true],
      ],
    );
  });

  it('shows every image of every job of a group (a Midjourney grid beside another model)', () => {
    const grid = [1, 2, 3, 4].map((n) => ({ file: `g/${n}.png`, mime: 'image/png' as const, bytes: 1 }));
    const records = [member(GROUP, 'compare', 0, 2), member(GROUP, 'compare', 1, 2, { model: 'midjourney', files: grid })];
    const item = toUnitItem({ lead: records[0]!, members: records }, { imageSrc: srcOf });
    assert.deepEqual(
      item.tiles?.map((tile) => `${tile.model}#${tile.index}`),
      ['flux-1.1-pro#0', 'midjourney#0', 'midjourney#1', 'midjourney#2', 'midjourney#3'],
    );
  });

  it('names the card by the next job when the first one is deleted, and has none when all are', () => {
    const records = [0, 1, 2].map((i) => member(GROUP, 'candidates', i, 3));
    assert.equal(groupUnit(records, GROUP)?.lead.localId, records[0]!.localId);
    assert.equal(groupUnit([records[2]!, records[1]!], GROUP)?.lead.localId, records[1]!.localId);
    assert.equal(groupUnit([BASE], GROUP), undefined);
  });
});

describe('gallery items: the source beside a result, and Midjourney grids', () => {
  const SOURCE_ID = 'a1b2c3d4-e5f6-4a7b-9c8d-0e1f2a3b4c5d';
  const png = (n: number): NonNullable<JobRecord['files']>[number] => ({ file: `${BASE.localId}/${n}.png`, mime: 'image/png', bytes: 1, width: 512, height: 512 });
  const removeBackground: JobRecord = {
    ...BASE,
    prompt: '',
    model: 'bria-bg-remove',
    phase: 'done',
    files: [png(1)],
    operation: { kind: 'backgroundRemove', request: { image: 'https://uploads.example/u/1.png' }, label: 'Remove Background', suffix: 'no-bg' },
    input: { uri: 'file:///workspace/assets/logo.png', name: 'logo.png', uploadedUrl: 'https://uploads.example/u/1.png', reusableUntil: '2026-11-25T11:00:00.000Z' },
  };
  const thumbnail = 'https://file+.vscode-resource.vscode-cdn.net/storage/images/3f2b/source.png';

  it('names the source of an operation with what was done to it, and carries only the thumbnail’s URI', () => {
    const item = toGalleryItem(removeBackground, { imageSrc: () => 'https://webview/1.png', sourceThumbnail: () => thumbnail });
    assert.deepEqual(item.source, { name: 'logo.png', action: 'Remove Background', thumbnail });
    // The card has no prompt: its image is named after the source and the action.
    assert.equal(item.alt, 'logo.png → Remove Background');
    // The upload's URL and expiry are the job's business, not the page's; no image bytes go into the state.
    const json = JSON.stringify(item);
    assert.ok(!json.includes('uploads.example') && !json.includes('data:'), json);
    assert.ok(json.length < 1000, `the item stays small: ${json.length} characters`);
  });

  it('names a source without a thumbnail when the host has none (the file is gone or not copied yet)', () => {
    const item = toGalleryItem(removeBackground, { imageSrc: noImage, sourceThumbnail: () => undefined });
    assert.deepEqual(item.source, { name: 'logo.png', action: 'Remove Background' });
    assert.ok(!('thumbnail' in (item.source ?? {})));
  });

  it('says a generation from a reference image is a variation (no action), keeping its prompt', () => {
    const variation: JobRecord = { ...BASE, phase: 'done', files: [png(1)], input: { uri: 'file:///w/hero.webp', name: 'hero.webp', referenceParam: 'image_input' } };
    const item = toGalleryItem(variation, { imageSrc: noImage });
    assert.deepEqual(item.source, { name: 'hero.webp' });
    assert.equal(item.alt, 'A lighthouse at dawn');
    assert.equal(toGalleryItem(BASE, { imageSrc: noImage }).source, undefined, 'a plain generation has no source');
  });

  it('keeps a source’s name to one short line', () => {
    const long = `${'very '.repeat(40)}long\nname.png`;
    const item = toGalleryItem({ ...removeBackground, input: { uri: 'file:///w/x.png', name: long } }, { imageSrc: noImage });
    assert.ok(item.source && item.source.name.length <= SOURCE_NAME_MAX_LENGTH, item.source?.name);
    assert.ok(!item.source.name.includes('\n'));
    assert.ok(item.source.name.startsWith('very very'));
  });

  it('asks the host for the thumbnail of a gallery image’s record (an Upscale n of a grid)', () => {
    const asked: JobRecord[] = [];
    const upscale: JobRecord = {
      ...BASE,
      model: 'midjourney',
      phase: 'done',
      files: [png(1)],
      operation: { kind: 'midjourneyAction', request: { action: 'upsample', parentJobId: 'job-1', index: 2 }, label: 'Upscale 2', suffix: 'u2' },
      input: { localId: SOURCE_ID, index: 1, name: 'A lighthouse at dawn' },
    };
    const item = toGalleryItem(upscale, {
      imageSrc: noImage,
      sourceThumbnail: (record) => {
        asked.push(record);
        return 'https://webview/grid/2.png';
      },
    });
    assert.deepEqual(asked, [upscale]);
    assert.deepEqual(item.source, { name: 'A lighthouse at dawn', action: 'Upscale 2', thumbnail: 'https://webview/grid/2.png' });
    // A single upscaled image is no grid: no tiles, nothing to upscale again.
    assert.equal(item.tiles, undefined);
  });

  it('marks the four images of a finished Midjourney grid, and no other images', () => {
    const grid: JobRecord = { ...BASE, model: 'midjourney', phase: 'done', jobId: 'job-1', files: [1, 2, 3, 4].map(png) };
    const marked = (record: JobRecord): (true | undefined)[] | undefined => toGalleryItem(record, { imageSrc: () => 's' }).tiles?.map((tile) => tile.midjourneyGrid);
    assert.deepEqual(marked(grid), [true, true, true, true]);
    assert.deepEqual(marked({ ...grid, jobId: undefined }), [undefined, undefined, undefined, undefined], 'without Apiframe’s id there is no parent job');
    assert.deepEqual(marked({ ...grid, model: 'gpt-image-1.5' }), [undefined, undefined, undefined, undefined], 'another model’s four images');
    assert.deepEqual(marked({ ...grid, files: [1, 2, 3].map(png) }), [undefined, undefined, undefined]);
    const running = toGalleryItem({ ...grid, phase: 'running', files: [], remoteUrls: [] }, { imageSrc: noImage });
    assert.equal(running.tiles, undefined);
    // A grid beside another model in a compare group: only the grid's tiles can be upscaled.
    const records = [member(GROUP, 'compare', 0, 2), member(GROUP, 'compare', 1, 2, { model: 'midjourney', jobId: 'job-2', files: [1, 2, 3, 4].map(png) })];
    const group = toUnitItem({ lead: records[0]!, members: records }, { imageSrc: () => 's' });
    assert.deepEqual(group.tiles?.map((tile) => tile.midjourneyGrid ?? false), [false, true, true, true, true]);
  });
});
