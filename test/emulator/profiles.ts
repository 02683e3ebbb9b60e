/**
 * Emulator profiles: the same emulator behaving like different servers that all honour the official spec.
 * `friendly` is the server the rest of the suite was written against; every other profile changes one thing
 * the spec leaves open, so a client that only works against the friendly server shows up in a test.
 * The README beside this file says which sentence of the spec or NOTES allows each one.
 */

export type EmulatorProfile = 'friendly' | 'spec-strict' | 'no-progress' | 'coarse-progress' | 'cdn-403' | 'result-shapes';

/** Every profile, friendly first; the order is stable (tests and the CLI list them in it). */
export const EMULATOR_PROFILES: readonly EmulatorProfile[] = [
  'friendly',
  'spec-strict',
  'no-progress',
  'coarse-progress',
  'cdn-403',
  'result-shapes',
];

export const DEFAULT_PROFILE: EmulatorProfile = 'friendly';

/** Under `result-shapes`, jobs number 8, 16, 24, … (creation order, 1-based) get the unknown shape. */
export const UNKNOWN_RESULT_SHAPE_EVERY = 8;

export function isEmulatorProfile(name: string): name is EmulatorProfile {
  return (EMULATOR_PROFILES as readonly string[]).includes(name);
}

/** One line per profile, for `--help` and error messages. */
export const PROFILE_SUMMARIES: Readonly<Record<EmulatorProfile, string>> = {
  friendly: 'replays check the body (409 on a different one) before credits; linear progress; 404 for purged images',
  'spec-strict':
    'a replay is matched by key only (never 409), after validation and the credit check (so it can get 400/402); uploads say they expire after 2 h but go after 1 h; an oversized upload is a 400',
  'no-progress': 'progress is null in every job answer',
  'coarse-progress': 'progress 0 while queued, 5 for most of processing, 90 near the end, 100 when completed',
  'cdn-403': 'purged, unknown and not-yet-ready image URLs answer 403 AccessDenied (XML) instead of 404',
  'result-shapes': `completed results rotate through { images: [url] }, a bare URL and { images: [{ url }] }; every ${UNKNOWN_RESULT_SHAPE_EVERY}th job gets an unknown shape`,
};

export interface ProfileBehaviour {
  /**
   * `body-checked`: same key + same body within 24 h → the original job, looked up before the credit check;
   * a different body → 409. `key-only`: validation and the credit check run first, then the same key within
   * 24 h → the original job whatever the body; never 409.
   */
  readonly idempotency: 'body-checked' | 'key-only';
  /** `linear`: 0 queued, 1–99 in proportion while processing, 100 completed. See COARSE_PROGRESS for `coarse`. */
  readonly progress: 'linear' | 'none' | 'coarse';
  /** What an image URL with nothing to serve (purged, unknown, not completed yet) answers. */
  readonly missingImage: 'not-found' | 'access-denied';
  /** `images`: always `{ images: [url, …] }`; `rotating`: see `rotatingResultShape`. */
  readonly resultShapes: 'images' | 'rotating';
  /**
   * `POST /v2/uploads`: `reportedLifetimeMs` is the `expiresAt` it answers (from the upload), `goneAfterMs` when
   * the file actually stops being served; `oversize` is the status of a file over 25 MB (413 from a body limit in
   * front of the route, or the route's own 400 ValidationError as the spec lists it).
   */
  readonly uploads: { readonly reportedLifetimeMs: number; readonly goneAfterMs: number; readonly oversize: 400 | 413 };
}

const HOUR_MS = 60 * 60 * 1000;

const FRIENDLY: ProfileBehaviour = {
  idempotency: 'body-checked',
  progress: 'linear',
  missingImage: 'not-found',
  resultShapes: 'images',
  uploads: { reportedLifetimeMs: HOUR_MS, goneAfterMs: HOUR_MS, oversize: 413 },
};

export const PROFILE_BEHAVIOUR: Readonly<Record<EmulatorProfile, ProfileBehaviour>> = {
  friendly: FRIENDLY,
  'spec-strict': { ...FRIENDLY, idempotency: 'key-only', uploads: { reportedLifetimeMs: 2 * HOUR_MS, goneAfterMs: HOUR_MS, oversize: 400 } },
  'no-progress': { ...FRIENDLY, progress: 'none' },
  'coarse-progress': { ...FRIENDLY, progress: 'coarse' },
  'cdn-403': { ...FRIENDLY, missingImage: 'access-denied' },
  'result-shapes': { ...FRIENDLY, resultShapes: 'rotating' },
};

/**
 * The `coarse-progress` curve, as a function of the share s of the PROCESSING span already run:
 * QUEUED → 0; PROCESSING with s < lateFrom → `stuck` (also a `stuck` job, forever); PROCESSING with
 * s ≥ lateFrom → `late`; COMPLETED → 100 (FAILED/CANCELLED → null, as in every profile). Many real
 * back ends only learn "started" and "almost done" from their provider, which is what this imitates.
 */
export const COARSE_PROGRESS = { queued: 0, stuck: 5, late: 90, lateFrom: 0.8, completed: 100 } as const;

export function coarseProgress(processedShare: number): number {
  return processedShare >= COARSE_PROGRESS.lateFrom ? COARSE_PROGRESS.late : COARSE_PROGRESS.stuck;
}

/** Shapes of a COMPLETED image job's `result` (the spec types `result` as any JSON). */
export type ResultShape = 'images' | 'string' | 'image-objects' | 'unknown';

const KNOWN_SHAPES: readonly ResultShape[] = ['images', 'string', 'image-objects'];

/**
 * The `result-shapes` rotation for the n-th job created (1-based, every team, every outcome): every
 * UNKNOWN_RESULT_SHAPE_EVERY-th job is `unknown`; the others take images, string, image-objects in turn.
 * A bare string can hold one URL only, so a multi-image job whose turn is `string` gets `images` instead.
 */
export function rotatingResultShape(jobNumber: number, imageCount: number): ResultShape {
  if (jobNumber % UNKNOWN_RESULT_SHAPE_EVERY === 0) return 'unknown';
  const knownBefore = jobNumber - 1 - Math.floor(jobNumber / UNKNOWN_RESULT_SHAPE_EVERY);
  const shape = KNOWN_SHAPES[knownBefore % KNOWN_SHAPES.length];
  if (shape === undefined) throw new RangeError(`job numbers start at 1, got ${jobNumber}`);
  return shape === 'string' && imageCount > 1 ? 'images' : shape;
}

/** The `result` body for these image URLs in this shape. `unknown` is a shape no Apiframe client knows. */
export function resultInShape(shape: ResultShape, urls: readonly string[]): unknown {
  switch (shape) {
    case 'images':
      return { images: [...urls] };
    case 'string':
      return urls[0];
    case 'image-objects':
      return { images: urls.map((url) => ({ url })) };
    case 'unknown':
      return { output: urls.map((href) => ({ href })) };
  }
}
