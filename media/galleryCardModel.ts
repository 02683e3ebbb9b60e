/**
 * What a card offers and says for an item — its buttons, their labels, its icons and its text — decided from
 * the item alone. Pure (no DOM), so the rules are tested in plain Node; galleryCards.ts turns them into
 * elements.
 */
import {
  ACTIVE_PHASES,
  ASPECT_RATIO_SIZES,
  GALLERY_ITEM_ACTIONS,
  type CardButton,
  type GalleryItem,
  type GalleryItemAction,
  type GallerySource,
  type GalleryStage,
  type GridButton,
  type GalleryStrings,
  type GalleryTile,
  WAITING_PHASES,
} from '../src/gallery/protocol';
import type { GalleryIcon } from './galleryIcons';
import type { CardShape } from './galleryVirtualWindow';

/** The codicon of each action's icon button. */
export const ACTION_ICONS: Readonly<Record<GalleryItemAction, GalleryIcon>> = {
  save: 'save',
  insert: 'insert',
  insertAtCursor: 'selection',
  open: 'open-preview',
  revealSaved: 'go-to-file',
  copyPath: 'copy',
  copyPrompt: 'quote',
  rerun: 'refresh',
  delete: 'trash',
  resume: 'debug-continue',
  submitAnew: 'cloud-upload',
};

/** The codicon beside each phase's label (and in the placeholder of a card without an image). */
export const PHASE_ICONS: Readonly<Record<GalleryItem['phase'], GalleryIcon>> = {
  'pending-submit': 'loading',
  running: 'loading',
  detached: 'debug-pause',
  downloading: 'cloud-download',
  done: 'check',
  failed: 'error',
  expired: 'history',
  'needs-decision': 'question',
};

/** Phases whose card (without an image) shows the phase, and the reason when there is one, where the image goes. */
export const PLACEHOLDER_PHASES: ReadonlySet<GalleryItem['phase']> = new Set([...ACTIVE_PHASES, ...WAITING_PHASES]);

/** Which actions a card offers in its current state, in the protocol's order. */
export function actionsFor(item: GalleryItem): GalleryItemAction[] {
  const available = new Set<GalleryItemAction>(['copyPrompt', 'rerun', 'delete']);
  if (item.image) ['save', 'insert', 'insertAtCursor', 'open', 'copyPath'].forEach((a) => available.add(a as GalleryItemAction));
  if (item.savedPath) available.add('revealSaved');
  if (item.phase === 'detached') available.add('resume');
  if (item.phase === 'needs-decision') {
    available.add('resume');
    if (item.decision === 'unknown-submit') available.add('submitAnew');
    // Re-run would submit a new job without the warning Submit Anew gives (paid work may already exist).
    available.delete('rerun');
  }
  return GALLERY_ITEM_ACTIONS.filter((a) => available.has(a));
}

/** The buttons of a card's toolbar and menu: its record's actions and Show Log. */
export type ActionButton = GalleryItemAction | 'showLog';

/** Whether a card offers Show Log (not a record action): when the log says more than the card can. */
export function offersLog(item: GalleryItem): boolean {
  return item.phase === 'failed' || (item.phase === 'needs-decision' && item.decision === 'unreadable-result');
}

/** The actions a card waiting for a decision offers as its choices (labelled buttons rather than icons). */
export function isChoice(item: GalleryItem, action: GalleryItemAction): boolean {
  return item.phase === 'needs-decision' && (action === 'resume' || action === 'submitAnew');
}

/** The most buttons a card shows as icons; the rest are in its overflow menu. */
export const MAX_PRIMARY_BUTTONS = 3;

/**
 * The buttons a card shows directly, most useful first: Resume / Look Again (and Submit Anew) on a card that
 * waits, Insert and Save (or Reveal once saved) and Open on an image, Re-run and the log on a failure. The
 * rest go into the overflow menu (`overflowButtons`).
 */
export function primaryButtons(item: GalleryItem): ActionButton[] {
  const offered = new Set<ActionButton>(actionsFor(item));
  if (offersLog(item)) offered.add('showLog');
  // A card of several images keeps Save at hand: one saved image says nothing about the one chosen next.
  const saved = item.savedPath !== undefined && item.tiles === undefined;
  const preference: ActionButton[] = ['resume', 'submitAnew', 'insert', saved ? 'revealSaved' : 'save', 'open', 'rerun', 'showLog'];
  const primary = preference.filter((button) => offered.has(button));
  // A job still on its way has nothing worth a button of its own: its card keeps the menu only.
  if (!item.image && ACTIVE_PHASES.has(item.phase)) return [];
  return primary.slice(0, MAX_PRIMARY_BUTTONS);
}

/** Everything else the card offers, in the protocol's order (Show Log last). */
export function overflowButtons(item: GalleryItem): ActionButton[] {
  const primary = new Set(primaryButtons(item));
  const rest: ActionButton[] = actionsFor(item).filter((action) => !primary.has(action));
  if (offersLog(item) && !primary.has('showLog')) rest.push('showLog');
  return rest;
}

/** Every button the card offers — shown first, then the menu's — as the page reports them. */
export function cardButtons(item: GalleryItem): ActionButton[] {
  return [...primaryButtons(item), ...overflowButtons(item)];
}

/** The button's label: the action's, except `resume` on a card waiting for a decision. */
export function actionLabel(strings: GalleryStrings | undefined, item: GalleryItem, action: CardButton): string {
  if (action === 'showLog') return strings?.showLog ?? action;
  if (action === 'openSource') return item.source && strings ? formatTemplate(strings.openSource, sourceText(item.source, strings)) : action;
  if (action === 'upscale' || action === 'vary') return gridButtonText(item, defaultTile(item), action, strings)?.label ?? action;
  if (action === 'resume' && item.phase === 'needs-decision') return strings?.lookAgain ?? action;
  return strings?.actions[action] ?? action;
}

/** The codicon of a button (Show Log and the buttons that are not record actions included). */
export function buttonIcon(button: CardButton): GalleryIcon {
  switch (button) {
    case 'showLog':
      return 'output';
    case 'openSource':
      return 'file-media';
    case 'upscale':
      return 'screen-full';
    case 'vary':
      return 'sparkle';
    default:
      return ACTION_ICONS[button];
  }
}

/** Identifies a card's button set: equal keys mean the same buttons with the same labels. */
export function actionsKey(item: GalleryItem): string {
  return `${primaryButtons(item).join()}|${overflowButtons(item).join()}${item.phase === 'needs-decision' ? ';decision' : ''}${hasGridTiles(item) ? ';grid' : ''}`;
}

/** Whether a card waits for the user (its buttons stay visible without hover or focus). */
export function waitsForUser(item: GalleryItem): boolean {
  return WAITING_PHASES.has(item.phase);
}

/** Where a job in progress stands: the host's stage, or (from an older host) one derived from the phase. */
export function stageOf(item: GalleryItem): GalleryStage | undefined {
  if (item.stage) return item.stage;
  switch (item.phase) {
    case 'pending-submit':
      return { stage: 'submitting', percent: null };
    case 'running':
      return item.status === 'PROCESSING' ? { stage: 'generating', percent: item.progress } : { stage: 'queued', percent: null };
    case 'downloading':
      return { stage: 'downloading', percent: null };
    default:
      return undefined;
  }
}

/** The words a card in progress shows where its image will be, and in its status: the stage, never just the phase. */
export function phaseName(item: GalleryItem, strings: GalleryStrings | undefined): string {
  const stage = stageOf(item);
  if (stage) return strings?.stages[stage.stage] ?? stage.stage;
  return strings?.phases[item.phase] ?? item.phase;
}

/** Seconds as m:ss (h:mm:ss from an hour on); negative or unknown times read 0:00. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Number.isFinite(totalSeconds) ? Math.max(0, Math.floor(totalSeconds)) : 0;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** What a card in progress says: the stage's name and how far it is (a percent, or elapsed time). */
export interface StageText {
  readonly name: string;
  /** "42%", "0:12 of about 0:20", "0:12", or '' when nothing is known. */
  readonly progress: string;
  /** Both, for the progress bar's accessible name ("Generating 42%", "Queued, 0:12"). */
  readonly label: string;
}

/**
 * The stage's words at `nowMs`: a percent only when the server reports one; otherwise the time since the job
 * started against the expected duration ("0:12 of about 0:20"), or the elapsed time alone. Never "Generating"
 * for a job that is queued: the name is the stage's own.
 */
export function stageText(stage: GalleryStage, strings: GalleryStrings | undefined, nowMs: number): StageText {
  const name = strings?.stages[stage.stage] ?? stage.stage;
  let progress = '';
  if (stage.percent !== null && stage.stage === 'generating') {
    const percent = Math.round(stage.percent);
    progress = `${percent}%`;
    if (strings) return { name, progress, label: formatTemplate(strings.progress, percent) };
  } else if (stage.since !== undefined && Number.isFinite(Date.parse(stage.since))) {
    const elapsed = formatDuration((nowMs - Date.parse(stage.since)) / 1000);
    const expected = stage.expectedSeconds;
    progress =
      expected !== undefined && expected > 0 && strings
        ? formatTemplate(strings.elapsedOfExpected, elapsed, formatDuration(expected))
        : elapsed;
  }
  return { name, progress, label: progress ? `${name}, ${progress}` : name };
}

/** What the card's detail line holds (it takes room only when there is something to say). */
export type DetailKind = 'progress' | 'choices' | 'stopped' | 'error' | 'saved' | 'none';

export function detailKind(item: GalleryItem): DetailKind {
  if (ACTIVE_PHASES.has(item.phase)) return 'progress';
  if (item.phase === 'needs-decision') return 'choices';
  if (item.phase === 'detached') return 'stopped';
  if (item.error && (item.phase === 'failed' || item.phase === 'expired')) return 'error';
  if (item.savedPath) return 'saved';
  return 'none';
}

/**
 * The thumbnail's aspect for the layout: the image's pixel size, or the size its aspect ratio yields until it
 * has one. Several images stand side by side: their widths at one common height.
 */
export function mediaAspect(item: GalleryItem): { readonly width: number; readonly height: number } {
  if (item.tiles && item.tiles.length > 1) {
    const width = item.tiles.reduce((sum, tile) => {
      const size = singleAspect({ ...item, ...(tile.image ? { image: tile.image } : { image: undefined }) });
      return sum + size.width / size.height;
    }, 0);
    return { width, height: 1 };
  }
  return singleAspect(item);
}

function singleAspect(item: Pick<GalleryItem, 'image' | 'aspectRatio'>): { readonly width: number; readonly height: number } {
  if (item.image && item.image.width > 0 && item.image.height > 0) return { width: item.image.width, height: item.image.height };
  // The size the image will have (a "3:2" image is 1792×1024), so the box does not change when it arrives.
  const known: Partial<Record<string, { readonly width: number; readonly height: number }>> = ASPECT_RATIO_SIZES;
  const size = known[item.aspectRatio];
  if (size) return size;
  const match = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(item.aspectRatio);
  const width = match ? Number(match[1]) : 1;
  const height = match ? Number(match[2]) : 1;
  return width > 0 && height > 0 ? { width, height } : { width: 1, height: 1 };
}

/** The card's shape for the grid's layout. */
export function cardShape(item: GalleryItem): CardShape {
  const shape = { ...mediaAspect(item), hasDetail: detailKind(item) !== 'none' };
  return hasSourceRow(item) ? { ...shape, hasSource: true } : shape;
}

/** Whether the card has a prompt to show besides its source (an operation has none: its source takes the prompt's place). */
export function hasPrompt(item: GalleryItem): boolean {
  return item.prompt.trim() !== '';
}

/** Whether the card shows its source in a row of its own (one more row than a card without a source). */
export function hasSourceRow(item: GalleryItem): boolean {
  return item.source !== undefined && hasPrompt(item);
}

/** What the card says about the image its job started from: "logo.png → Remove Background", "Variation of logo.png". */
export function sourceText(source: GallerySource, strings: GalleryStrings | undefined): string {
  if (source.action !== undefined) return strings ? formatTemplate(strings.sourceAction, source.name, source.action) : `${source.name} → ${source.action}`;
  return strings ? formatTemplate(strings.variationOf, source.name) : source.name;
}

/**
 * The sentence of `sourceText` in three parts around the name, so the page can cut a long name and keep the
 * rest ("→ Remove Background", "Variation of ") whole: `before + name + after` is the sentence.
 */
export function sourceParts(source: GallerySource, strings: GalleryStrings | undefined): { readonly before: string; readonly name: string; readonly after: string } {
  const template = source.action !== undefined ? (strings?.sourceAction ?? '{0} → {1}') : (strings?.variationOf ?? '{0}');
  const at = template.indexOf('{0}');
  if (at < 0) return { before: sourceText(source, strings), name: '', after: '' };
  const fill = (text: string): string => formatTemplate(text, '{0}', source.action ?? '');
  return { before: fill(template.slice(0, at)), name: source.name, after: fill(template.slice(at + 3)) };
}

/** Identifies what a card's source row shows: equal keys need no new row. */
export function sourceKey(item: GalleryItem): string {
  const source = item.source;
  return source ? `${source.name}|${source.action ?? ''}|${source.thumbnail ?? ''}|${hasPrompt(item) ? 'p' : ''}` : '';
}

/** Whether any image of the card is one of a finished Midjourney grid (the card then offers Upscale n / Vary n). */
export function hasGridTiles(item: GalleryItem): boolean {
  return item.tiles?.some((tile) => tile.midjourneyGrid === true) ?? false;
}

/** The grid buttons' text and name for the image at tile `position` ("U2", "Upscale image 2"), or undefined off a grid. */
export function gridButtonText(
  item: GalleryItem,
  position: number,
  button: GridButton,
  strings: GalleryStrings | undefined,
): { readonly text: string; readonly label: string } | undefined {
  const tile = item.tiles?.[position];
  if (tile?.midjourneyGrid !== true) return undefined;
  const number = tile.index + 1;
  if (!strings) return { text: `${button === 'upscale' ? 'U' : 'V'}${number}`, label: `${button} ${number}` };
  return button === 'upscale'
    ? { text: formatTemplate(strings.upscaleShort, number), label: formatTemplate(strings.upscaleImage, number) }
    : { text: formatTemplate(strings.varyShort, number), label: formatTemplate(strings.varyImage, number) };
}

/** Whether the filter text matches the prompt (case-insensitive; blank matches everything). */
export function matchesFilter(item: GalleryItem, filter: string): boolean {
  const needle = filter.trim().toLocaleLowerCase();
  return needle === '' || item.prompt.toLocaleLowerCase().includes(needle);
}

/** A prompt cut to a phrase for announcements (screen readers should not read a paragraph). */
export function shortPrompt(prompt: string, max = 60): string {
  const oneLine = prompt.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

/** A cost in credits ("12 credits", "1 credit"); the bare number before the host's strings arrive. */
export function creditsText(strings: GalleryStrings | undefined, credits: number): string {
  if (!strings) return String(credits);
  return formatTemplate(credits === 1 ? strings.creditOne : strings.credits, credits);
}

/**
 * The card's second line: model (for a group, its kind and models: "3 candidates · flux-1.1-pro",
 * "Compared: flux-1.1-pro · midjourney"), what the finished job cost, aspect ratio and style.
 */
export function metaText(item: GalleryItem, strings?: GalleryStrings): string {
  const group = item.group;
  const models = group?.models.join(' · ') ?? item.model;
  let head: string[] = [item.model];
  if (group?.kind === 'compare') head = [strings ? formatTemplate(strings.compared, models) : models];
  else if (group) head = [strings ? formatTemplate(strings.candidates, group.size) : String(group.size), models];
  const cost = item.creditCost !== undefined ? creditsText(strings, item.creditCost) : undefined;
  // The cost right after the models: a narrow card cuts the line's end, and the cost matters more than the ratio.
  // An operation's record has no aspect ratio of its own (its size comes from its source): nothing to say.
  return [...head, cost, item.aspectRatio, item.style].filter((part) => part !== undefined && part !== '').join(' · ');
}

/**
 * A tile's name for screen readers and its tooltip: "Candidate 2 of 3, flux-1.1-pro" in a candidates group,
 * "Image 2 of 4, midjourney" otherwise, with the job's cost when the tile has its own.
 */
export function tileLabel(item: GalleryItem, tile: GalleryTile, position: number, strings: GalleryStrings | undefined): string {
  const count = item.tiles?.length ?? 1;
  const template = item.group?.kind === 'candidates' ? strings?.candidateLabel : strings?.imageLabel;
  const label = template ? formatTemplate(template, position + 1, count, tile.model) : `${position + 1}/${count}, ${tile.model}`;
  return tile.creditCost !== undefined ? `${label}, ${creditsText(strings, tile.creditCost)}` : label;
}

/** The short caption over a tile: its model when the group compares models, else its number. */
export function tileCaption(item: GalleryItem, tile: GalleryTile, position: number): string {
  return item.group?.kind === 'compare' ? tile.model : String(position + 1);
}

/** Identifies what an item's tiles show: equal keys need no new image area. */
export function tilesKey(item: GalleryItem): string {
  return (item.tiles ?? [])
    .map((tile) => `${tile.localId}:${tile.index}:${tile.phase}:${tile.image?.src ?? ''}:${tile.savedPath ?? ''}:${tile.creditCost ?? ''}`)
    .join('|');
}

/** The tile chosen first on a card: the first with an image (the one Save and Insert take until the user picks). */
export function defaultTile(item: GalleryItem): number {
  return Math.max(0, item.tiles?.findIndex((tile) => tile.image !== undefined) ?? 0);
}

/** Fills a host template's `{0}` (and `{1}`) arguments. */
export function formatTemplate(template: string, ...values: (string | number)[]): string {
  return template.replace(/\{(\d)\}/g, (placeholder, index: string) => {
    const value = values[Number(index)];
    return value === undefined ? placeholder : String(value);
  });
}

/** Stable DOM id fragment for a UUID (ids are validated by the host; this only keeps the attribute tidy). */
export function domId(prefix: string, localId: string): string {
  return `${prefix}-${localId.replace(/[^0-9a-zA-Z-]/g, '')}`;
}
