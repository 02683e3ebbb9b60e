import type { ImageModelId, ModelParamValues } from '../apiframe/imageModels';
import type { OperationModelId } from '../apiframe/imageOperations';
import type { DalleStyle, JobStatus } from '../apiframe/types';
import type { JobPhase } from '../shared/jobPhases';

/**
 * One entry of the user's image history, as the journal persists it and the gallery shows it.
 * It is written *before* the job is submitted (phase `pending-submit`), so a submit whose answer never
 * arrived can be re-sent with the same idempotency key after a crash or restart.
 */
export interface JobRecord {
  /** Local id (UUID v4), stable from the moment the record is written; also the idempotency key. */
  readonly localId: string;
  readonly idempotencyKey: string;
  readonly prompt: string;
  /**
   * The model the job ran on: an image model for a generation (Midjourney's actions keep `midjourney`), or the
   * operation's own model (`bria-bg-remove`, `topaz-image-upscale`, …), which is no image model of the catalog.
   */
  readonly model: JobModelId;
  /**
   * The model's own parameter block exactly as submitted (`dalleParams`, `fluxParams`, …), checked against the
   * model's schema before the record was written. Absent on records of older versions (DALL-E 3 only): their
   * block is `{ aspect_ratio, style }`.
   */
  readonly params?: Readonly<ModelParamValues>;
  /** The aspect ratio the user chose (one concept for every model; each family maps it to its own field). */
  readonly aspectRatio: string;
  /** DALL-E's style, when the model has one (kept for records of older versions). */
  readonly style?: DalleStyle;
  /** Several candidates of one prompt sent as separate jobs (or one prompt sent to several models) form a group. */
  readonly group?: JobGroup;
  /** ISO time the record was created locally. */
  readonly createdAt: string;
  /** Where the job came from, for "save into that folder" and "insert after the selection". */
  readonly origin?: JobOrigin;
  /** Set on jobs that work on an existing image (background removal, upscale, edit, Midjourney's actions). */
  readonly operation?: JobOperation;
  /**
   * The image the job starts from: the source of an operation, or the reference image of a generation
   * ("Make Variations"). Its upload is journaled so a resume re-uploads only when the URL can no longer be used.
   */
  input?: InputImage;
  /**
   * For a generation that takes `input` as its reference image (Edit with Prompt, Make Variations): what the
   * user asked for and the suffix its results are saved under. Operations carry theirs in `operation`.
   */
  readonly inputAction?: ImageAction;
  /** Apiframe's job id, once the submit was answered. */
  jobId?: string;
  phase: JobPhase;
  /** Last status seen on the server. */
  status?: JobStatus;
  progress?: number | null;
  /** Human-readable error for `failed` (server text, or a client error message — never the key). */
  error?: string;
  /** The failure was the API key's (Apiframe answered 401 or 403): the UI offers "Set API Key". */
  keyProblem?: boolean;
  /**
   * The submit was refused for lack of credits (402), with the figures the server sent: the UI names them and
   * offers the page where credits are bought.
   */
  creditsShort?: CreditsShortfall;
  /**
   * Why following stopped for a record that is still resumable (`detached` after a network failure or the
   * wait timeout, say) — shown next to Resume; cleared when the record is followed again. Never the key.
   */
  interruption?: string;
  /**
   * Why a `needs-decision` record waits for the user (the text for the user is in `interruption`):
   * - `unknown-submit`: an earlier submit may have created (and charged) a job, and Apiframe's job list could
   *   not prove whether it did — the user chooses between looking again and submitting anew;
   * - `unreadable-result`: Apiframe reports the job COMPLETED (charged) but its `result` is in a shape this
   *   version cannot read — Resume asks again.
   */
  decision?: JobDecision;
  /**
   * Set once the job list proved that no earlier submit of this record created a job (or the user chose to
   * submit anew): the next refusal of a submit is then final, not a reason to look again.
   */
  reconciled?: boolean;
  creditCost?: number | null;
  completedAt?: string;
  /** Remote result URLs as last seen (they expire after ~24 h). */
  remoteUrls?: string[];
  /** Cached files, relative to the cache folder, one per image, in result order. */
  files?: CachedImage[];
  /**
   * Copies of the images saved into the workspace, oldest first: Insert links the copy that still exists
   * instead of writing another, and the card says where it was saved.
   */
  savedCopies?: SavedCopy[];
}

/** Every model a record can name: the image models and the operation models. */
export type JobModelId = ImageModelId | OperationModelId;

/** What the user asked of an existing image, as the card, the notification and a saved result's name say it. */
export interface ImageAction {
  /** "Remove Background", "Upscale ×2", "Make Variations", "Upscale 2" (localized when the record was made). */
  readonly label: string;
  /** What a result saved beside its source is named after: `no-bg`, `2x`, `wide`, `edit`, `var`, `u2`, `v3`. */
  readonly suffix: string;
}

/** An operation on an existing image, as journaled and submitted. */
export interface JobOperation extends ImageAction {
  readonly kind: 'backgroundRemove' | 'upscale' | 'edit' | 'midjourneyAction';
  /**
   * The request body exactly as submitted (`ImageOperationRequest['request']`); for upload-based kinds its
   * image field holds `input.uploadedUrl` (empty until the first upload).
   */
  readonly request: Readonly<Record<string, unknown>>;
}

/** Where a job's input image comes from, and where Apiframe holds it once uploaded. */
export interface InputImage {
  /** The workspace file (`vscode.Uri.toString()`); absent when the input is an image of the gallery. */
  readonly uri?: string;
  /** Or one of the gallery's images: its record and image index (Midjourney's actions use the record's job). */
  readonly localId?: string;
  readonly index?: number;
  /** A name for the card and the notification (`logo.png`). */
  readonly name: string;
  /**
   * For a generation with a reference image: the model's parameter that takes the uploaded URL (an array
   * parameter such as `image_input` gets `[url]`). Operations put it in their block's `image` field.
   */
  readonly referenceParam?: string;
  /** The last upload's URL, and until when it may be reused (ISO, `UploadedImage.reusableUntil`). */
  readonly uploadedUrl?: string;
  readonly reusableUntil?: string;
  /** Every URL the input was uploaded to (to recognise this record's job in Apiframe's job list). */
  readonly uploadedUrls?: readonly string[];
}

/** What a 402 said: credits the job needs and credits the team has, each when the server sent it. */
export interface CreditsShortfall {
  readonly required?: number;
  readonly available?: number;
}

/** Where a record stands in a group of jobs the user asked for at once. */
export interface JobGroup {
  /** Shared by every record of the group (a UUID). */
  readonly id: string;
  /** `candidates`: one prompt and model, several jobs; `compare`: one prompt sent to several models. */
  readonly kind: 'candidates' | 'compare';
  /** 0-based position in the group, and the group's size. */
  readonly index: number;
  readonly size: number;
}

/** One copy of a record's image in the workspace. */
export interface SavedCopy {
  /** `vscode.Uri.toString()` of the saved file. */
  readonly uri: string;
  /** Which of the job's images (0 for the first). */
  readonly index: number;
  /** ISO time it was saved. */
  readonly savedAt: string;
  /** Set once the file was found gone (deleted, moved, or its save undone); such a copy is never linked. */
  readonly missing?: boolean;
}

export interface CachedImage {
  /** Path relative to the cache root, e.g. `<localId>/1.png`. */
  readonly file: string;
  readonly mime: 'image/png' | 'image/jpeg' | 'image/webp';
  readonly bytes: number;
  readonly width?: number;
  readonly height?: number;
}

export interface JobOrigin {
  /** `vscode.Uri.toString()` of the document the prompt came from. */
  readonly documentUri?: string;
  /** Folder to save into (explorer "Generate Image Here…"), as a URI string. */
  readonly targetFolderUri?: string;
  /** Offset range of the selection in the document (insert after its end). */
  readonly selection?: { readonly start: number; readonly end: number };
}

export type { JobPhase } from '../shared/jobPhases';

export type JobDecision = 'unknown-submit' | 'unreadable-result';


/** The stages of a job in progress, in the order a user sees them (never backwards). */
export type ActiveStageName = 'submitting' | 'queued' | 'generating' | 'downloading';

/** Where a job in progress stands: what the notification, the status bar and the gallery card all show. */
export interface ActiveStage {
  readonly stage: ActiveStageName;
  /** 0–100 when known (the server's progress while generating); `null` otherwise. */
  readonly percent: number | null;
  /** ISO time the job was submitted (the clock for "elapsed" when there is no percent). */
  readonly since?: string;
  /** Expected total duration in seconds (the user's duration model), when known. */
  readonly expectedSeconds?: number;
}

/** What a follower of a job hears: each new stage, then `done` once every image is cached. */
export type JobStage = ActiveStage | { readonly stage: 'done' };
