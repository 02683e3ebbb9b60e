/**
 * A realistic journal at scale, made by a seeded generator: what the folder of a user looks like after months of
 * use in several VS Code windows. Records carry prompts of real length (a sentence to a paragraph), Apiframe's
 * signed CDN links, cached files with their pixel size, saved copies in the workspace and the origin of the
 * prompt; their stamps come from five windows; the tombstones of pruned records fill the file's quota. Used
 * by the journal bench and by the tests that need a large journal.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { seededRandom } from '../emulator/random';
import { IMAGES_FOLDER } from '../../src/jobs/imageCache';
import { JOURNAL_FILE, JOURNAL_VERSION } from '../../src/jobs/journal';
import type { JobRecord } from '../../src/jobs/types';

const SUBJECTS = [
  'a lighthouse on a basalt cliff', 'a fox curled in fresh snow', 'an old tram crossing a bridge', 'a bowl of ramen',
  'a cathedral made of glass', 'a hummingbird feeding on a hibiscus', 'a robot tending a rooftop garden',
  'a street market in Seoul at night', 'a sailboat in a storm', 'an isometric diagram of a data centre',
  'a watercolour map of an imaginary island', 'a cosy reading nook', 'a desert canyon after rain', 'a koi pond',
];
const DETAILS = [
  'at dawn', 'in golden hour light', 'under a violet aurora', 'shot on 35mm film', 'with long shadows',
  'in the style of a vintage travel poster', 'highly detailed', 'soft volumetric fog', 'wide angle', 'from above',
  'with muted earth tones', 'minimalist composition', 'cinematic lighting', 'rendered as a clay model',
  'with a shallow depth of field', 'pastel colour palette', 'as a pencil sketch with ink accents', 'in heavy rain',
];
const FOLDERS = ['docs', 'docs/images', 'blog/2026', 'src/assets', 'slides', 'notes'];

export interface JournalFixture {
  /** Oldest first. */
  readonly records: JobRecord[];
  readonly stamps: Record<string, number>;
  readonly removed: Record<string, number>;
  readonly durationModel: unknown;
}

function uuid(random: () => number): string {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[Math.floor(random() * 4)]}${hex(3)}-${hex(12)}`;
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/** A prompt of 1–3 sentences (about 60–450 characters, like the prompts people keep in their notes). */
function prompt(random: () => number): string {
  const sentences = 1 + Math.floor(random() * 3);
  const parts: string[] = [];
  for (let s = 0; s < sentences; s++) {
    const details = Array.from({ length: 1 + Math.floor(random() * 5) }, () => pick(random, DETAILS));
    parts.push(`${pick(random, SUBJECTS)}, ${details.join(', ')}.`);
  }
  const text = parts.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * `count` records, oldest first, the last `pending` of them unfinished (`running` with a job id); every
 * other one done (92 %) or failed. Deterministic for a seed.
 */
export function journalFixture(count: number, options: { seed?: number; pending?: number; windows?: number } = {}): JournalFixture {
  const random = seededRandom(options.seed ?? 20261202);
  const pending = options.pending ?? 1;
  const windows = options.windows ?? 5;
  const start = Date.parse('2026-03-01T09:00:00.000Z');
  const spacing = (270 * 24 * 3600 * 1000) / Math.max(1, count);
  const records: JobRecord[] = [];
  const stamps: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const localId = uuid(random);
    const created = Math.round(start + i * spacing + random() * spacing * 0.5);
    const aspectRatio = pick(random, ['1:1', '3:2', '2:3'] as const);
    const size = { '1:1': [1024, 1024], '3:2': [1792, 1024], '2:3': [1024, 1792] }[aspectRatio];
    const base = {
      localId,
      idempotencyKey: localId,
      prompt: prompt(random),
      model: 'dall-e-3' as const,
      aspectRatio,
      style: pick(random, ['vivid', 'natural'] as const),
      createdAt: new Date(created).toISOString(),
      origin: {
        documentUri: `file:///home/dev/projects/site/${pick(random, FOLDERS)}/page-${Math.floor(random() * 400)}.md`,
        selection: { start: Math.floor(random() * 8000), end: Math.floor(random() * 8000) + 8000 },
      },
    };
    const jobId = uuid(random);
    let record: JobRecord;
    if (i >= count - pending) {
      record = { ...base, jobId, phase: 'running', status: 'PROCESSING', progress: 35 };
    } else if (random() < 0.08) {
      record = { ...base, jobId, phase: 'failed', status: 'FAILED', error: 'Your prompt was rejected by the safety system. Rephrase it and try again.' };
    } else {
      const completed = new Date(created + 15_000 + Math.round(random() * 20_000)).toISOString();
      const savedCopies = Array.from({ length: Math.floor(random() * 3) }, (_, n) => ({
        uri: `file:///home/dev/projects/site/${pick(random, FOLDERS)}/${localId.slice(0, 8)}-${n}.png`,
        index: 0,
        savedAt: completed,
      }));
      record = {
        ...base,
        jobId,
        phase: 'done',
        status: 'COMPLETED',
        progress: 100,
        creditCost: 8,
        completedAt: completed,
        remoteUrls: [
          `https://cdn.apiframe.pro/images/dalle/${jobId}/0.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20260301T090000Z&X-Amz-Expires=86400&X-Amz-Signature=${uuid(random).replace(/-/g, '')}${uuid(random).replace(/-/g, '')}`,
        ],
        files: [{ file: `${localId}/0.png`, mime: 'image/png', bytes: 1_500_000 + Math.floor(random() * 900_000), width: size?.[0] ?? 1024, height: size?.[1] ?? 1024 }],
        ...(savedCopies.length > 0 ? { savedCopies } : {}),
      };
    }
    records.push(record);
    // The window that last touched the record: stamps of several windows interleave.
    stamps[localId] = created + 40_000 + Math.floor(random() * windows) * 7;
  }
  // Pruning beyond the history cap left the newest tombstones (the file keeps 2,000).
  const removed: Record<string, number> = {};
  for (let i = 0; i < 2000; i++) removed[uuid(random)] = start - i * 60_000;
  const durationModel = { version: 1, models: { 'dall-e-3': { weight: 31.2, sumLog: 309.6, sumLogSquares: 3092.4 } } };
  return { records, stamps, removed, durationModel };
}

/** Writes the fixture as `journal.json` (the format every version reads) and the cache folders its records own. */
export async function writeJournalFixture(dir: string, fixture: JournalFixture, { imageFolders = true } = {}): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const file = {
    version: JOURNAL_VERSION,
    savedAt: new Date().toISOString(),
    records: fixture.records,
    stamps: fixture.stamps,
    removed: fixture.removed,
    durationModel: fixture.durationModel,
  };
  await fs.writeFile(path.join(dir, JOURNAL_FILE), JSON.stringify(file));
  if (!imageFolders) return;
  // One folder per record with a cached image (the start-up sweep lists them); a small file stands in for the PNG.
  for (const record of fixture.records) {
    for (const image of record.files ?? []) {
      await fs.mkdir(path.join(dir, IMAGES_FOLDER, record.localId), { recursive: true });
      await fs.writeFile(path.join(dir, IMAGES_FOLDER, image.file), 'png');
    }
  }
}
