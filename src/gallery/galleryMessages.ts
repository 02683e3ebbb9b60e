/**
 * What the gallery host does with one message from its webview, decided without `vscode` (unit-tested in
 * plain Node by the hostile-input suite). The page is untrusted: anything that is not an exact, known shape is
 * ignored, and so is an action on a record that is not in the history (an id of a deleted item, or of nothing)
 * or that the record's state does not allow (Submit Anew on anything but a record waiting for that decision).
 * Every ignored message yields one debug line that describes it without repeating what it carried.
 */
import { redactSecrets } from '../apiframe/redact';
import type { JobRecord } from '../jobs/types';
import { GRID_IMAGES, parseWebviewMessage, type GalleryItemAction, type GridAction, type WebviewToHost } from './protocol';

export type GalleryMessageDecision =
  /** `ready`, `showLog`, `generate` or `rendered`: handled by the panel itself. */
  | { readonly kind: 'handle'; readonly message: Exclude<WebviewToHost, { type: 'action' | 'gridAction' | 'openSource' }> }
  /** A card action on a record the history holds, in a state that allows it. */
  | { readonly kind: 'action'; readonly action: GalleryItemAction; readonly localId: string; readonly index?: number }
  /** Upscale n / Vary n on a finished Midjourney grid the history holds (`index` 0-based). */
  | { readonly kind: 'gridAction'; readonly action: GridAction; readonly localId: string; readonly index: number }
  /** Open the source image of a record that has one. */
  | { readonly kind: 'openSource'; readonly localId: string }
  /** Malformed, about an unknown record, or not allowed in its state: log `debug` at debug level and do nothing else. */
  | { readonly kind: 'ignore'; readonly debug: string };

/** Longest part of a rejected message's `type` repeated in the log. */
const MAX_LOGGED_TYPE = 40;

/** What the decision needs to know about a record (a `JobRecord` satisfies it). */
export type GalleryRecordState = Pick<JobRecord, 'phase' | 'decision'> & Partial<Pick<JobRecord, 'model' | 'jobId' | 'files' | 'remoteUrls' | 'input'>>;

/**
 * Whether Midjourney's Upscale n / Vary n can act on the record: a finished Midjourney job with Apiframe's id
 * and a grid of four images (an upscale's single image is no grid). The page shows the buttons on exactly
 * these; a forged message about anything else would only earn a refused (and possibly charged) request.
 */
export function isMidjourneyGrid(record: GalleryRecordState): boolean {
  const images = Math.max(record.files?.length ?? 0, record.remoteUrls?.length ?? 0);
  return record.model === 'midjourney' && record.phase === 'done' && typeof record.jobId === 'string' && record.jobId !== '' && images === GRID_IMAGES;
}

/**
 * Whether `action` makes sense for a record in this state. Submit Anew may create and charge a second job, so
 * it is taken only for a record that waits for exactly that decision — not from a stale card or a forged
 * message about a record that is done, running or waiting for something else.
 */
export function actionAllowed(action: GalleryItemAction, record: GalleryRecordState): boolean {
  if (action === 'submitAnew') return record.phase === 'needs-decision' && record.decision === 'unknown-submit';
  return true;
}

export function decideGalleryMessage(raw: unknown, lookUp: (localId: string) => GalleryRecordState | undefined): GalleryMessageDecision {
  const message = parseWebviewMessage(raw);
  if (!message) return { kind: 'ignore', debug: `Gallery: ignored a malformed message from the webview (${describeRejected(raw)})` };
  if (message.type !== 'action' && message.type !== 'gridAction' && message.type !== 'openSource') return { kind: 'handle', message };
  // Ids are UUIDs here (checked by the parser), so they are safe to log; so are phases (the record's own).
  const record = lookUp(message.localId);
  if (message.type === 'gridAction') {
    if (!record || !isMidjourneyGrid(record)) {
      return { kind: 'ignore', debug: `Gallery: ignored Midjourney "${message.action}" for ${record ? `record ${message.localId}, which is no finished grid` : `an unknown record ${message.localId}`}` };
    }
    return { kind: 'gridAction', action: message.action, localId: message.localId, index: message.index };
  }
  if (message.type === 'openSource') {
    if (!record?.input) return { kind: 'ignore', debug: `Gallery: ignored "openSource" for ${record ? `record ${message.localId}, which has no source image` : `an unknown record ${message.localId}`}` };
    return { kind: 'openSource', localId: message.localId };
  }
  if (!record) {
    return { kind: 'ignore', debug: `Gallery: ignored "${message.action}" for an unknown record ${message.localId}` };
  }
  if (!actionAllowed(message.action, record)) {
    return { kind: 'ignore', debug: `Gallery: ignored "${message.action}" for record ${message.localId} in phase ${record.phase}` };
  }
  return { kind: 'action', action: message.action, localId: message.localId, ...(message.index !== undefined ? { index: message.index } : {}) };
}

/**
 * A short label for a rejected message: its `type` (quoted, escaped and redacted — control and bidi characters
 * could otherwise forge log lines) or what kind of value it was. Nothing else of the message is repeated.
 */
export function describeRejected(raw: unknown): string {
  if (raw === null) return 'a null';
  if (Array.isArray(raw)) return 'an array';
  if (typeof raw !== 'object') return `a ${typeof raw}`;
  const type: unknown = Object.prototype.hasOwnProperty.call(raw, 'type') ? (raw as { type: unknown }).type : undefined;
  if (typeof type !== 'string') return 'an object without a string type';
  const escaped = JSON.stringify(redactSecrets(type.slice(0, MAX_LOGGED_TYPE))).replace(
    /[\p{Cf}\p{Zl}\p{Zp}\u007f-\u009f]/gu,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `type ${escaped}${type.length > MAX_LOGGED_TYPE ? '…' : ''}`;
}
