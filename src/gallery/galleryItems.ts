import { ASPECT_RATIO_SIZES, ASPECT_RATIOS } from '../apiframe/types';
import { isOneOf } from '../shared/guards';
import type { JobRecord } from '../jobs/types';
import { jobStageOf } from '../jobs/jobStage';
import type { GalleryImage, GalleryItem, GalleryStage } from './protocol';
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
  /** Workspace-relative path of the saved copy that still exists, if any. */
  readonly savedPath?: (record: JobRecord) => string | undefined;
  /**
   * Where a record in progress stands — the job manager's `stageOf` (with the user's expected duration), the
   * same the notification and the status bar show; without it, `jobStageOf` of the record alone.
   */
  readonly stageOf?: (record: JobRecord) => GalleryStage | undefined;
}

/** Turns a job record into the card's view model. */
export function toGalleryItem(record: JobRecord, context: GalleryItemContext): GalleryItem {
  const { imageSrc } = context;
  const firstFile = record.files?.[0];
  const src = firstFile ? imageSrc(record, 0) : undefined;
  let image: GalleryImage | undefined;
  if (src !== undefined) {
    // Known pixel size first (from the cached file), else the size DALL-E returns for the aspect ratio.
    const fallback = (isOneOf(record.aspectRatio, ASPECT_RATIOS) ? ASPECT_RATIO_SIZES[record.aspectRatio] : undefined) ?? { width: 1024, height: 1024 };
    image = { src, width: firstFile?.width ?? fallback.width, height: firstFile?.height ?? fallback.height };
  }
  return {
    localId: record.localId,
    prompt: record.prompt,
    alt: cardAltText(record.prompt),
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
    imageCount: Math.max(record.files?.length ?? 0, record.remoteUrls?.length ?? 0),
    ...optional('stage', context.stageOf ? context.stageOf(record) : jobStageOf(record)),
    ...optional('savedPath', context.savedPath?.(record)),
  };
}

/** `{ [key]: value }` when the value is defined, else `{}` (the item never carries `undefined` fields). */
function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
