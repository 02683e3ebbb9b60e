/**
 * The typed message protocol between the extension host and the gallery webview. Imported by both
 * sides (`src/` and `media/`), so it must stay free of `vscode` and Node imports (type-only imports of the
 * pure shared types are erased at build time).
 *
 * The webview is untrusted input for the host: every message it posts goes through `parseWebviewMessage`,
 * which accepts only the exact shapes below.
 */
import type { JobDecision, JobPhase } from '../jobs/types';
import { isPlainObject } from '../shared/guards';

/** The page asks the same questions of a phase as the host: one definition, re-exported for the page. */
export { ACTIVE_PHASES, WAITING_PHASES } from '../shared/jobPhases';
/** The pixel size each aspect ratio yields: the page reserves a job's thumbnail box before its image exists. */
export { ASPECT_RATIO_SIZES } from '../apiframe/types';

export const GALLERY_VIEW_TYPE = 'apiframe.gallery';

/** What a card shows: a view model built by the host from a `JobRecord` (never the record itself). */
export interface GalleryItem {
  /** The record's local id (UUID); the only handle the webview sends back. */
  readonly localId: string;
  readonly prompt: string;
  /** Alt text for the image (derived from the prompt by the host). */
  readonly alt: string;
  readonly model: string;
  readonly aspectRatio: string;
  /** DALL-E's style, for models that have one. */
  readonly style?: string;
  /** ISO time the record was created. */
  readonly createdAt: string;
  readonly phase: JobPhase;
  /** Last server status (`QUEUED`, `PROCESSING`, …) if any. */
  readonly status?: string;
  /** 0–100 while generating, `null` when the server gives none. */
  readonly progress: number | null;
  /** Human-readable error for failed/expired records (never contains the key). */
  readonly error?: string;
  /**
   * Why a record waits for the user (`detached`, `needs-decision`): the manager's text, shown on the card
   * (never contains the key).
   */
  readonly interruption?: string;
  /** What a `needs-decision` record waits for; decides whether the card offers Submit Anew. */
  readonly decision?: JobDecision;
  /** The first cached image as a webview URI string, with its pixel size so the layout does not jump. */
  readonly image?: GalleryImage;
  /** How many images the job produced (cached or not). */
  readonly imageCount: number;
  /** Where a job in progress stands — the same stage its notification and the status bar show. */
  readonly stage?: GalleryStage;
  /** Workspace-relative path of the saved copy of the image that still exists (the one Insert links). */
  readonly savedPath?: string;
  /**
   * What the finished job actually cost (Apiframe's `creditCost`); for a group, what its finished jobs cost
   * together. Absent until a job has finished with a known cost.
   */
  readonly creditCost?: number;
  /** The item stands for a group of jobs started together (several candidates, or one prompt for several models). */
  readonly group?: GalleryGroup;
  /**
   * Every image the item shows, in order, each one selectable, when there are several: the images of a job
   * that made several, or the jobs of a group (one entry per image; a job still on its way has one entry
   * without an image). Absent for an item with a single image — the common case keeps its message small.
   */
  readonly tiles?: readonly GalleryTile[];
  /**
   * The image the job started from (an operation's source, or a generation's reference image), shown beside
   * the result. Its thumbnail is a webview URI of a file in the image cache, never the image's bytes.
   */
  readonly source?: GallerySource;
}

/** The image a job started from, as its card names it: "logo.png → Remove Background", "Variation of logo.png". */
export interface GallerySource {
  /** The source's name: the workspace file's name, or a few words of the gallery image's prompt. */
  readonly name: string;
  /** What was done with it ("Remove Background", "Upscale 2"); absent for a generation from a reference image. */
  readonly action?: string;
  /**
   * A small copy of the source image (webview URI); absent when the file is gone, too large to show, or not
   * copied yet. The card offers to open the source only when it has one.
   */
  readonly thumbnail?: string;
}

/** The group an item stands for: the header's words come from these. */
export interface GalleryGroup {
  readonly kind: 'candidates' | 'compare';
  /** How many jobs the user asked for at once. */
  readonly size: number;
  /** The models of the group's jobs, in group order, each once. */
  readonly models: readonly string[];
}

/** One selectable image of an item: the record it belongs to and which of that record's images it is. */
export interface GalleryTile {
  /** The record's local id: the image's actions are about this record. */
  readonly localId: string;
  /** Which of the record's images (0-based): the `index` of the image's actions. */
  readonly index: number;
  readonly model: string;
  readonly phase: JobPhase;
  /** The cached image, when there is one (a job still on its way has none yet). */
  readonly image?: GalleryImage;
  /** What the tile's job cost, in a group of jobs (a job's several images share one cost: the item's). */
  readonly creditCost?: number;
  /** Workspace-relative path of this image's saved copy that still exists. */
  readonly savedPath?: string;
  /** One of the four images of a finished Midjourney grid: Upscale n and Vary n take it (n = `index` + 1). */
  readonly midjourneyGrid?: true;
}

/** The most images one item shows side by side (a group of 4 jobs, or a Midjourney grid); more are not shown. */
export const MAX_TILES = 16;

/** A job in progress, as every surface shows it (one source of truth: `jobStageOf` in src/jobs/jobStage.ts). */
export interface GalleryStage {
  readonly stage: 'submitting' | 'queued' | 'generating' | 'downloading';
  /** 0–100 when the server reports progress; `null` otherwise (then elapsed time against the expected duration). */
  readonly percent: number | null;
  /** ISO time the stage's clock started (submit time), for "elapsed" when there is no percent. */
  readonly since?: string;
  /** Expected total duration in seconds (the user's duration model), when known. */
  readonly expectedSeconds?: number;
}

export interface GalleryImage {
  readonly src: string;
  readonly width: number;
  readonly height: number;
}

/** The actions a card offers; each maps 1:1 to a method of the host's `GalleryActions`. */
export const GALLERY_ITEM_ACTIONS = [
  'resume',
  'submitAnew',
  'save',
  'insert',
  'insertAtCursor',
  'open',
  'revealSaved',
  'copyPath',
  'copyPrompt',
  'rerun',
  'delete',
] as const;
export type GalleryItemAction = (typeof GALLERY_ITEM_ACTIONS)[number];

/** Midjourney's actions on one image of a finished grid, as the card's buttons name them. */
export const GRID_BUTTONS = ['upscale', 'vary'] as const;
export type GridButton = (typeof GRID_BUTTONS)[number];
/** The Midjourney action (`/v2/images/midjourney/action`) each grid button asks for. */
export const GRID_BUTTON_ACTIONS = { upscale: 'upsample', vary: 'variation' } as const satisfies Record<GridButton, string>;
export type GridAction = (typeof GRID_BUTTON_ACTIONS)[GridButton];

/**
 * Every button a card can show: its actions, Show Log (which is not about the record), the source image's
 * button (opens it) and a Midjourney grid's Upscale n / Vary n.
 */
export const CARD_BUTTONS = [...GALLERY_ITEM_ACTIONS, 'showLog', 'openSource', ...GRID_BUTTONS] as const;
export type CardButton = (typeof CARD_BUTTONS)[number];

/**
 * Every user-visible string of the page, localized by the host (the webview has no l10n of its own).
 * Templates use `{0}` (and `{1}`) for their arguments.
 */
export interface GalleryStrings {
  readonly title: string;
  readonly listLabel: string;
  readonly emptyTitle: string;
  readonly showLog: string;
  readonly noImage: string;
  /** e.g. "{0} images" */
  readonly imageCount: string;
  /** e.g. "Generating {0}%" */
  readonly progress: string;
  readonly actions: Readonly<Record<GalleryItemAction, string>>;
  /** The `resume` action's label on a `needs-decision` card: it asks Apiframe again, it does not resume waiting. */
  readonly lookAgain: string;
  readonly phases: Readonly<Record<JobPhase, string>>;
  /** The header's Generate button (and the empty state's). */
  readonly generate: string;
  /** The filter box's label and placeholder. */
  readonly filterLabel: string;
  /** e.g. "{0} of {1} images": how many cards the filter leaves, of how many (also announced). */
  readonly filterCount: string;
  /** e.g. "No image prompt contains “{0}”." */
  readonly filterNoMatch: string;
  /** How to move through the grid by keyboard (the list's description for screen readers). */
  readonly keyboardHint: string;
  /** The label of a card's action toolbar and of its overflow button. */
  readonly cardActions: string;
  readonly moreActions: string;
  /** The empty state's first steps, in order. */
  readonly emptySteps: readonly string[];
  /** Where a job in progress stands (never "Generating" for a queued job). */
  readonly stages: Readonly<Record<GalleryStage['stage'], string>>;
  /** e.g. "{0} of about {1}": elapsed time against the expected duration, both m:ss. */
  readonly elapsedOfExpected: string;
  /** A stopped (detached) card's sentence: the job goes on without us. */
  readonly stoppedWaiting: string;
  /** e.g. "Saved to {0}" with the workspace-relative path. */
  readonly savedTo: string;
  /** Live-region announcements, e.g. "Image ready: {0}" / "Image failed: {0}" with the short prompt. */
  readonly announceReady: string;
  readonly announceFailed: string;
  /** The header's credits: "Credits left: {0}", and the same when the last read failed; "Updated {0}" (its tooltip). */
  readonly accountCredits: { readonly left: string; readonly leftStale: string; readonly updated: string };
  /** The header's model in use, e.g. "Model: {0}" (the catalog label). */
  readonly modelInUse: string;
  /** A finished job's cost: "{0} credits", and the singular for exactly one. */
  readonly credits: string;
  readonly creditOne: string;
  /** A candidates group's header, e.g. "{0} candidates". */
  readonly candidates: string;
  /** A compare group's header, e.g. "Compared: {0}" with the models joined by " · ". */
  readonly compared: string;
  /** One image of a candidates group for screen readers, e.g. "Candidate {0} of {1}, {2}" (position, count, model). */
  readonly candidateLabel: string;
  /** One image of several otherwise, e.g. "Image {0} of {1}, {2}" (position, count, model). */
  readonly imageLabel: string;
  /** The label of an item's row of images (the image chosen there is the one its actions save or insert). */
  readonly chooseImage: string;
  /** The source beside a result: "{0} → {1}" (name, action) and "Variation of {0}" (reference image's name). */
  readonly sourceAction: string;
  readonly variationOf: string;
  /** The source's button, e.g. "Open the source image: {0}" (with the sentence above). */
  readonly openSource: string;
  /** A Midjourney grid's buttons: their text ("U{0}", "V{0}") and their names ("Upscale image {0}", "Vary image {0}"). */
  readonly upscaleShort: string;
  readonly varyShort: string;
  readonly upscaleImage: string;
  readonly varyImage: string;
}

/** Host → webview. */
export type HostToWebview =
  /**
   * The history (newest first) and the page's strings; sent after every `ready`. `items` are the first
   * `total` items only — a first screen's worth — and `append` messages bring the rest right after it
   * (galleryStateMessages.ts), so the page paints its first cards without waiting for 10,000 of them.
   */
  | {
      readonly type: 'state';
      readonly items: readonly GalleryItem[];
      /** How many items the history holds: `items` plus those the following `append` messages bring. */
      readonly total: number;
      readonly strings: GalleryStrings;
      /** BCP 47 display language, for relative times and `<html lang>`. */
      readonly locale: string;
    }
  /** The next items of the history announced by the last `state`, in order (nothing else comes in between). */
  | { readonly type: 'append'; readonly items: readonly GalleryItem[] }
  /** One item created or changed (inserted in newest-first order if new). */
  | { readonly type: 'update'; readonly item: GalleryItem }
  | { readonly type: 'remove'; readonly localId: string }
  /** Scroll to and focus one card (e.g. the job that just completed). */
  | { readonly type: 'reveal'; readonly localId: string }
  /**
   * The team's credits left, for the header: sent after every `state` and whenever they are read again.
   * `credits` null: unknown (no key, not read yet, or no team), the header shows nothing.
   */
  | {
      readonly type: 'account';
      readonly credits: number | null;
      /** ISO time of the read that gave `credits`. */
      readonly updatedAt?: string;
      /** The last read failed: `credits` is from an earlier one. */
      readonly stale?: boolean;
    }
  /** The model new images are made with (its catalog label), shown in the header; sent after `state` and on change. */
  | { readonly type: 'model'; readonly label: string };

/** The id of the element that carries the embedded first `state` (a JSON data block, never executed). */
export const INITIAL_STATE_ELEMENT_ID = 'gallery-initial-state';

/** The id of the first screen the host paints into the page's HTML (a picture the page's script replaces). */
export const FIRST_SCREEN_ELEMENT_ID = 'gallery-first-screen';

/** The Element Timing identifier of the picture's first card: the page starts once that card is on the screen. */
export const FIRST_CARD_TIMING = 'first-card';

/** Webview → host. */
export type WebviewToHost =
  /** The page is listening; `shown` names the embedded first `state` it already shows (see galleryHtml.ts). */
  | { readonly type: 'ready'; readonly shown?: number }
  /**
   * A card's action on record `localId`. `index` is the image it is about when the card shows several
   * (which of the record's images: Save, Insert, Open, Copy Path and Reveal take that one); absent, the first.
   */
  | { readonly type: 'action'; readonly action: GalleryItemAction; readonly localId: string; readonly index?: number }
  | { readonly type: 'showLog' }
  /**
   * Upscale n / Vary n on a finished Midjourney grid: `localId` is the grid's record, `index` the chosen image
   * (0-based, like an action's; Midjourney's own number is `index` + 1).
   */
  | { readonly type: 'gridAction'; readonly action: GridAction; readonly localId: string; readonly index: number }
  /** The source image beside a result: opens the workspace file, or shows the gallery image it came from. */
  | { readonly type: 'openSource'; readonly localId: string }
  /** The header's Generate button: asks for a prompt (the Generate Image… command). */
  | { readonly type: 'generate' }
  /**
   * The page's own report of what it shows (a test hook the host keeps): the ids of the cards currently
   * in the DOM, in order, the buttons each of those cards shows (same order as `localIds`), and the ids
   * whose image finished loading / failed to load.
   */
  | {
      readonly type: 'rendered';
      readonly total: number;
      readonly localIds: readonly string[];
      readonly buttons: readonly (readonly CardButton[])[];
      readonly loadedImages: readonly string[];
      readonly failedImages: readonly string[];
    };

export type GalleryRenderReport = Extract<WebviewToHost, { type: 'rendered' }>;

/** Upper bounds for what the webview may send; a virtualized page never has more cards than this in its DOM. */
export const MAX_REPORTED_IDS = 500;
export const MAX_REPORTED_TOTAL = 1_000_000;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && value.length === 36 && UUID_PATTERN.test(value);
}


/** True when the object has exactly these own keys (no missing, no extra ones). */
function hasExactKeys(value: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(value);
  return own.length === keys.length && keys.every((k) => Object.prototype.hasOwnProperty.call(value, k));
}

/**
 * `predicate` holds for every index of the array. Unlike `Array.prototype.every` it visits holes too, so a
 * sparse array (which a structured clone keeps) cannot smuggle `undefined` entries past the check.
 */
function everyEntry(list: readonly unknown[], predicate: (entry: unknown) => boolean): boolean {
  for (let i = 0; i < list.length; i++) if (!predicate(list[i])) return false;
  return true;
}

function isUuidList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length <= MAX_REPORTED_IDS && everyEntry(value, isUuid);
}

function isGalleryItemAction(value: unknown): value is GalleryItemAction {
  return typeof value === 'string' && (GALLERY_ITEM_ACTIONS as readonly string[]).includes(value);
}

/** An image's position in a job's result: a small whole number (no job has more images than an item shows). */
function isImageIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value < MAX_TILES;
}

/** The images of a Midjourney grid: four. */
export const GRID_IMAGES = 4;

function isGridIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value < GRID_IMAGES;
}

function isGridAction(value: unknown): value is GridAction {
  return value === 'upsample' || value === 'variation';
}

function isCardButton(value: unknown): value is CardButton {
  return typeof value === 'string' && (CARD_BUTTONS as readonly string[]).includes(value);
}

/** One list of buttons per reported card; a card never shows a button twice. */
function isButtonLists(value: unknown, cards: number): value is CardButton[][] {
  return (
    Array.isArray(value) &&
    value.length === cards &&
    everyEntry(
      value,
      (list) => Array.isArray(list) && list.length <= CARD_BUTTONS.length && everyEntry(list, isCardButton) && new Set(list).size === list.length,
    )
  );
}

/**
 * Validates a message from the webview. Returns a fresh, typed copy for exactly-known shapes and
 * `undefined` for anything else (unknown type, wrong or extra fields, non-UUID ids, oversized lists),
 * which the host ignores and debug-logs.
 */
export function parseWebviewMessage(value: unknown): WebviewToHost | undefined {
  if (!isPlainObject(value) || typeof value.type !== 'string') return undefined;
  switch (value.type) {
    case 'ready': {
      if (hasExactKeys(value, ['type'])) return { type: 'ready' };
      const { shown } = value;
      return hasExactKeys(value, ['type', 'shown']) && typeof shown === 'number' && Number.isSafeInteger(shown) && shown > 0 ? { type: 'ready', shown } : undefined;
    }
    case 'showLog':
    case 'generate':
      return hasExactKeys(value, ['type']) ? { type: value.type } : undefined;
    case 'action': {
      const withIndex = Object.prototype.hasOwnProperty.call(value, 'index');
      if (!hasExactKeys(value, withIndex ? ['type', 'action', 'localId', 'index'] : ['type', 'action', 'localId'])) return undefined;
      const { action, localId, index } = value;
      if (!isGalleryItemAction(action) || !isUuid(localId)) return undefined;
      if (!withIndex) return { type: 'action', action, localId };
      return isImageIndex(index) ? { type: 'action', action, localId, index } : undefined;
    }
    case 'gridAction': {
      if (!hasExactKeys(value, ['type', 'action', 'localId', 'index'])) return undefined;
      const { action, localId, index } = value;
      if (!isGridAction(action) || !isUuid(localId) || !isGridIndex(index)) return undefined;
      return { type: 'gridAction', action, localId, index };
    }
    case 'openSource': {
      const { localId } = value;
      return hasExactKeys(value, ['type', 'localId']) && isUuid(localId) ? { type: 'openSource', localId } : undefined;
    }
    case 'rendered': {
      if (!hasExactKeys(value, ['type', 'total', 'localIds', 'buttons', 'loadedImages', 'failedImages'])) return undefined;
      const { total, localIds, buttons, loadedImages, failedImages } = value;
      if (typeof total !== 'number' || !Number.isSafeInteger(total) || total < 0 || total > MAX_REPORTED_TOTAL) {
        return undefined;
      }
      if (!isUuidList(localIds) || !isUuidList(loadedImages) || !isUuidList(failedImages)) return undefined;
      if (!isButtonLists(buttons, localIds.length)) return undefined;
      return {
        type: 'rendered',
        total,
        localIds: [...localIds],
        buttons: buttons.map((list) => [...list]),
        loadedImages: [...loadedImages],
        failedImages: [...failedImages],
      };
    }
    default:
      return undefined;
  }
}
