/**
 * What a card offers and says for an item — its buttons, their labels, its icons and its text — decided from
 * the item alone. Pure (no DOM), so the rules are tested in plain Node; galleryCards.ts turns them into
 * elements.
 */
import {
  ACTIVE_PHASES,
  GALLERY_ITEM_ACTIONS,
  type GalleryItem,
  type GalleryItemAction,
  type GalleryStrings,
  WAITING_PHASES,
} from '../src/gallery/protocol';

/** The codicon of each action's icon button. */
export const ACTION_ICONS: Readonly<Record<GalleryItemAction, string>> = {
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
export const PHASE_ICONS: Readonly<Record<GalleryItem['phase'], string>> = {
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

/** Which buttons a card offers in its current state, in display order. */
export function actionsFor(item: GalleryItem): GalleryItemAction[] {
  const available = new Set<GalleryItemAction>(['copyPrompt', 'rerun', 'delete']);
  if (item.image) ['save', 'insert', 'open', 'copyPath'].forEach((a) => available.add(a as GalleryItemAction));
  if (item.phase === 'detached') available.add('resume');
  if (item.phase === 'needs-decision') {
    available.add('resume');
    if (item.decision === 'unknown-submit') available.add('submitAnew');
    // Re-run would submit a new job without the warning Submit Anew gives (paid work may already exist).
    available.delete('rerun');
  }
  return GALLERY_ITEM_ACTIONS.filter((a) => available.has(a));
}

/** Whether a card offers Show Log (not a record action): when the log says more than the card can. */
export function offersLog(item: GalleryItem): boolean {
  return item.phase === 'failed' || (item.phase === 'needs-decision' && item.decision === 'unreadable-result');
}

/** The actions a card waiting for a decision offers as its choices (labelled buttons rather than icons). */
export function isChoice(item: GalleryItem, action: GalleryItemAction): boolean {
  return item.phase === 'needs-decision' && (action === 'resume' || action === 'submitAnew');
}

/** The button's label: the action's, except `resume` on a card waiting for a decision. */
export function actionLabel(strings: GalleryStrings | undefined, item: GalleryItem, action: GalleryItemAction): string {
  if (action === 'resume' && item.phase === 'needs-decision') return strings?.lookAgain ?? action;
  return strings?.actions[action] ?? action;
}

/** Identifies a card's button set: equal keys mean the same buttons with the same labels. */
export function actionsKey(item: GalleryItem): string {
  return `${actionsFor(item).join()}${offersLog(item) ? ',showLog' : ''}${item.phase === 'needs-decision' ? ';decision' : ''}`;
}

/** The card's second line: model, aspect ratio and style. */
export function metaText(item: GalleryItem): string {
  return [item.model, item.aspectRatio, item.style].join(' · ');
}

/** Fills a host template's one `{0}` argument. */
export function formatTemplate(template: string, value: string | number): string {
  return template.replace('{0}', String(value));
}

/** Stable DOM id fragment for a UUID (ids are validated by the host; this only keeps the attribute tidy). */
export function domId(prefix: string, localId: string): string {
  return `${prefix}-${localId.replace(/[^0-9a-zA-Z-]/g, '')}`;
}
