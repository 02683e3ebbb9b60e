/**
 * The project's own types for the parts of the Apiframe v2 API it uses (the official OpenAPI spec in
 * ../shared/apiframe/openapi.json is the contract; a contract test checks these shapes against it).
 * No runtime code and no imports: shared by the client, the job modules, the emulator and the tests.
 */

export type JobStatus = 'QUEUED' | 'PROCESSING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';
/** Every job status, for the runtime checks of answers and of the journal. */
export const JOB_STATUSES: readonly JobStatus[] = ['QUEUED', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELLED'];

/** DALL-E 3 is the first model the extension supports; `dall-e-2` shares the same params block. */
export type ImageModel = 'dall-e-3';
export type AspectRatio = '1:1' | '3:2' | '2:3';
export type DalleStyle = 'vivid' | 'natural';
export type WebhookEvent = 'progress' | 'completed' | 'failed';

export const ASPECT_RATIOS: readonly AspectRatio[] = ['1:1', '3:2', '2:3'];
export const DALLE_STYLES: readonly DalleStyle[] = ['vivid', 'natural'];

export const PROMPT_MAX_LENGTH = 2000;

/** Pixel size DALL-E 3 returns for each aspect ratio. */
export const ASPECT_RATIO_SIZES: Readonly<Record<AspectRatio, { readonly width: number; readonly height: number }>> = {
  '1:1': { width: 1024, height: 1024 },
  '3:2': { width: 1792, height: 1024 },
  '2:3': { width: 1024, height: 1792 },
};

/** Body of `POST /v2/images/generate` for DALL-E 3 (`additionalProperties: false` at both levels). */
export interface GenerateImageRequest {
  prompt: string;
  model: ImageModel;
  dalleParams?: { aspect_ratio?: AspectRatio; style?: DalleStyle };
  webhookUrl?: string;
  webhookEvents?: WebhookEvent[];
}

/** 202 answer of every job submission. */
export interface JobAccepted {
  jobId: string;
  status: Exclude<JobStatus, 'CANCELLED'>;
}

/** `result` of an image job as the API sends it: `{ images: [...] }`, or (older responses) a bare URL. */
export type RawImageResult = { images: string[] } | string | null | undefined;

/** `GET /v2/jobs/{id}` as the API sends it. */
export interface Job {
  id: string;
  status: JobStatus;
  model: string;
  progress: number | null;
  error: string | null;
  creditCost: number | null;
  webhookStatus: 'pending' | 'delivered' | 'failed' | null;
  createdAt: string;
  completedAt: string | null;
  input?: Record<string, unknown> | null;
  result?: unknown;
  expired?: boolean;
}

/** `GET /v2/jobs` */
export interface JobList {
  jobs: (Job & { expired: boolean })[];
  nextCursor: string | null;
  hasMore: boolean;
  models?: string[];
}

export interface JobListQuery {
  status?: JobStatus;
  model?: string;
  limit?: number;
  cursor?: string;
}

/** `GET /v2/me` */
export interface Me {
  user: { id: string; email: string; role: string };
  team: { id: string; name: string; credits: number; plan: string; customerId: string | null } | null;
  apiKey: { id: string; name: string; prefix: string } | null;
}

/** `GET /v2/models` */
export interface ModelCatalogEntry {
  id: string;
  label: string;
  modality: 'image' | 'video' | 'music';
  description?: string;
  costMin?: number;
  costMax?: number;
  pricingMode?: 'flat' | 'per-second' | 'per-output';
  [extra: string]: unknown;
}
export interface ModelCatalog {
  models: ModelCatalogEntry[];
}

/** Error bodies. */
export interface ErrorResponse {
  error: string;
}
export interface ValidationErrorResponse {
  error: string;
  details?: Record<string, string[]>;
}
export interface InsufficientCreditsResponse {
  error: 'Insufficient credits';
  creditsRequired: number;
  creditsAvailable: number;
}
