import { ASPECT_RATIO_SIZES, ASPECT_RATIOS } from '../apiframe/types';
import { isOneOf } from '../shared/guards';
import type { JobRecord } from '../jobs/types';
import { jobStageOf } from '../jobs/jobStage';
import { MAX_TILES, type GalleryImage, type GalleryItem, type GallerySource, type GalleryStage, type GalleryTile } from './protocol';
import { isMidjourneyGrid } from './galleryMessages';
import { ACTIVE_PHASES } from '../shared/jobPhases';
import { WAITING_PHASES } from '../shared/jobPhases';
import { truncateGraphemes } from '../shared/text';

/**
 * A card's alt text: the whole prompt on one line, bounded so screen readers are not handed an essay. (Links
 * inserted into documents use `altTextFromPrompt` in src/workspace/snippet.ts: the first sentence, escaped for
 * the document's syntax.)
 */
export const CARD_ALT_TEXT_MAX_LENGTH = 250;

export function cardAltText(prompt: string): string {
  const oneLine = prompt.replace(/\s+/g, ' ').trim();
  // Cut at a word boundary when there is one reasonably close to the limit, never inside an emoji or a letter
  // with its accents.
  return truncateGraphemes(oneLine, CARD_ALT_TEXT_MAX_LENGTH, { measure: 'codeUnits', preferWordBoundary: true });
}

/** What the host knows about a record beyond the record itself (from `vscode`), handed in so this stays pure. */
export interface GalleryItemContext {
  /** The record's cached image `index` as a webview URI string, or `undefined` when nothing is cached. */
  readonly imageSrc: (record: JobRecord, index: number) => string | undefined;
  /** Workspace-relative path of the saved copy of image `index` (0 when not given) that still exists, if any. */
  readonly savedPath?: (record: JobRecord, index?: number) => string | undefined;
  /**
   * Where a record in progress stands — the job manager's `stageOf` (with the user's expected duration), the
   * same the notification and the status bar show; without it, `jobStageOf` of the record alone.
   */
  readonly stageOf?: (record: JobRecord) => GalleryStage | undefined;
  /**
   * A small copy of the record's source image (`record.input`) as a webview URI, when there is one to show;
   * `undefined` when the source is gone, too large, or not copied yet (the card then names it only).
   */
  readonly sourceThumbnail?: (record: JobRecord) => string | undefined;
}

/** Longest source name a card carries (a file name or a prompt's first words: the card cuts it anyway). */
export const SOURCE_NAME_MAX_LENGTH = 80;

/** The image the record's job started from, as its card names it (no thumbnail bytes: a URI at most). */
export function sourceOf(record: JobRecord, context: GalleryItemContext): GallerySource | undefined {
  const input = record.input;
  if (!input) return undefined;
  const name = truncateGraphemes(input.name.replace(/\s+/g, ' ').trim(), SOURCE_NAME_MAX_LENGTH, { measure: 'codeUnits' });
  const action = record.operation?.label.replace(/\s+/g, ' ').trim();
  const thumbnail = context.sourceThumbnail?.(record);
  return { name, ...(action ? { action } : {}), ...optional('thumbnail', thumbnail) };
}

/** Turns a job record into the card's view model (a job with several images shows each of them as a tile). */
export function toGalleryItem(record: JobRecord, context: GalleryItemContext): GalleryItem {
  // Most jobs make one image: they need no tiles (and each image's URI is made once).
  const tiles = imageCountOf(record) > 1 ? tilesOf(record, context) : [];
  const item = recordItem(record, context, tiles[0]);
  // The card says where one of its images was saved, whichever it was.
  const savedPath = item.savedPath ?? tiles.find((tile) => tile.savedPath !== undefined)?.savedPath;
  return {
    ...item,
    ...optional('savedPath', savedPath),
    ...optional('creditCost', finishedCost(record)),
    ...(tiles.length > 1 ? { tiles } : {}),
    ...optional('source', sourceOf(record, context)),
  };
}

/**
 * The records the gallery shows as one card each: a record on its own, or every record of one group (in group
 * order). Newest first like the history, a group where its first job is (the records of one group are
 * written together, so it stays where its jobs are).
 */
export interface GalleryUnit {
  /** The record that names the card: the group's first job still in the history (or the record itself). */
  readonly lead: JobRecord;
  /** The group's records in group order; just the lead for a record without a group. */
  readonly members: readonly JobRecord[];
}

/** Folds a history (newest first) into the cards it shows: the records of one group become one unit. */
export function galleryUnits(history: readonly JobRecord[]): GalleryUnit[] {
  const groups = new Map<string, JobRecord[]>();
  for (const record of history) {
    if (!record.group) continue;
    const members = groups.get(record.group.id);
    if (members) members.push(record);
    else groups.set(record.group.id, [record]);
  }
  for (const members of groups.values()) members.sort(byGroupOrder);
  const units: GalleryUnit[] = [];
  for (const record of history) {
    const members = record.group ? groups.get(record.group.id) : undefined;
    if (!members) units.push({ lead: record, members: [record] });
    else if (members[0] === record) units.push({ lead: record, members });
  }
  return units;
}

/** The unit holding `localId`'s group in `history`, or undefined when no record of that group is left. */
export function groupUnit(history: readonly JobRecord[], groupId: string): GalleryUnit | undefined {
  const members = history.filter((record) => record.group?.id === groupId).sort(byGroupOrder);
  const lead = members[0];
  return lead ? { lead, members } : undefined;
}

function byGroupOrder(a: JobRecord, b: JobRecord): number {
  return (a.group?.index ?? 0) - (b.group?.index ?? 0) || a.createdAt.localeCompare(b.createdAt);
}

/**
 * A unit's card: a record on its own is `toGalleryItem`; a group is one card named by its lead, with every
 * image of its jobs as a tile, its kind and models, and what its finished jobs cost together. While any of
 * its jobs is on its way the card says where that one stands (the group is not finished).
 */
export function toUnitItem(unit: GalleryUnit, context: GalleryItemContext): GalleryItem {
  const { lead, members } = unit;
  const group = lead.group;
  if (!group) return toGalleryItem(lead, context);
  const working = members.find((record) => ACTIVE_PHASES.has(record.phase)) ?? members.find((record) => WAITING_PHASES.has(record.phase));
  const tiles = members.flatMap((record) => tilesOf(record, context, members.length > 1)).slice(0, MAX_TILES);
  const named = working ?? lead;
  const base = recordItem(named, context, tiles.find((tile) => tile.localId === named.localId && tile.index === 0));
  const costs = members.map(finishedCost).filter((cost): cost is number => cost !== undefined);
  const shownImage = tiles.find((tile) => tile.image !== undefined);
  const savedPath = tiles.find((tile) => tile.savedPath !== undefined)?.savedPath;
  const { image: _image, savedPath: _savedPath, ...rest } = base;
  return {
    ...rest,
    // The card is the lead's: its id is the one the page keys the card by (and the host sends back).
    localId: lead.localId,
    createdAt: lead.createdAt,
    model: lead.model,
    ...(shownImage?.image ? { image: shownImage.image } : {}),
    imageCount: tiles.filter((tile) => tile.image !== undefined).length,
    ...optional('savedPath', savedPath),
    ...(costs.length > 0 ? { creditCost: costs.reduce((sum, cost) => sum + cost, 0) } : {}),
    group: { kind: group.kind, size: group.size, models: [...new Set(members.map((record) => record.model))] },
    ...(tiles.length > 1 ? { tiles } : {}),
    // The jobs of a group start from the same image (several variations of one file): the lead's names it.
    ...optional('source', sourceOf(lead, context)),
  };
}

/** The record's own view model, without tiles or cost (`firstTile`: its first image, when already made). */
function recordItem(record: JobRecord, context: GalleryItemContext, firstTile?: GalleryTile): GalleryItem {
  const image = firstTile ? firstTile.image : imageOf(record, 0, context);
  return {
    localId: record.localId,
    prompt: record.prompt,
    // An operation has no prompt of its own: its image is named by what was done to which source.
    alt: cardAltText(record.prompt.trim() === '' && record.input ? `${record.input.name} → ${record.operation?.label ?? ''}` : record.prompt),
    model: record.model,
    aspectRatio: record.aspectRatio,
    ...(record.style ? { style: record.style } : {}),
    createdAt: record.createdAt,
    phase: record.phase,
    ...(record.status !== undefined ? { status: record.status } : {}),
    progress: typeof record.progress === 'number' && Number.isFinite(record.progress) ? Math.max(0, Math.min(100, record.progress)) : null,
    ...(record.error ? { error: record.error } : {}),
    ...(record.interruption && WAITING_PHASES.has(record.phase) ? { interruption: record.interruption } : {}),
    // Only a record that waits for a decision has one that matters; a stale value must not offer Submit Anew.
    ...(record.phase === 'needs-decision' && record.decision ? { decision: record.decision } : {}),
    ...(image ? { image } : {}),
    imageCount: imageCountOf(record),
    ...optional('stage', context.stageOf ? context.stageOf(record) : jobStageOf(record)),
    ...optional('savedPath', context.savedPath?.(record, 0)),
  };
}

function imageCountOf(record: JobRecord): number {
  return Math.max(record.files?.length ?? 0, record.remoteUrls?.length ?? 0);
}

/** Cached image `index` of the record with its pixel size, when it is cached. */
function imageOf(record: JobRecord, index: number, context: GalleryItemContext): GalleryImage | undefined {
  const file = record.files?.[index];
  const src = file ? context.imageSrc(record, index) : undefined;
  if (src === undefined) return undefined;
  // Known pixel size first (from the cached file), else the size DALL-E returns for the aspect ratio.
  const fallback = (isOneOf(record.aspectRatio, ASPECT_RATIOS) ? ASPECT_RATIO_SIZES[record.aspectRatio] : undefined) ?? { width: 1024, height: 1024 };
  return { src, width: file?.width ?? fallback.width, height: file?.height ?? fallback.height };
}

/**
 * One tile per image of the record (one without an image while the job has none), each with its own saved
 * copy; in a group (`inGroup`) each also carries its job's cost, since the jobs of a group cost apart.
 */
function tilesOf(record: JobRecord, context: GalleryItemContext, inGroup = false): GalleryTile[] {
  const count = Math.min(MAX_TILES, Math.max(1, imageCountOf(record)));
  const cost = inGroup ? finishedCost(record) : undefined;
  const grid = isMidjourneyGrid(record);
  const tiles: GalleryTile[] = [];
  for (let index = 0; index < count; index++) {
    const image = imageOf(record, index, context);
    tiles.push({
      localId: record.localId,
      index,
      model: record.model,
      phase: record.phase,
      ...(image ? { image } : {}),
      ...optional('creditCost', cost),
      ...optional('savedPath', context.savedPath?.(record, index)),
      ...(grid && image ? { midjourneyGrid: true as const } : {}),
    });
  }
  return tiles;
}

/** The job's actual cost once it has finished (a cost reported before is not final). */
function finishedCost(record: JobRecord): number | undefined {
  const cost = record.creditCost;
  return record.phase === 'done' && typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? cost : undefined;
}

/** `{ [key]: value }` when the value is defined, else `{}` (the item never carries `undefined` fields). */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
