/**
 * Runtime checks of what the API sends back, and of what we send. Pure (no undici, no vscode): the
 * client parses every body through these, so a wrong-shape answer becomes a clear `badResponse`
 * instead of an `undefined` surfacing three modules later.
 */
import { ApiframeError } from './errors';
import { serverTextForDisplay } from './redact';
import { isPlainObject } from '../shared/guards';
import { hasVisibleText, truncateGraphemes } from '../shared/text';
import { IMAGE_MODELS, isImageModelId, paramsSchemaOf, type ImageGenerationRequest } from './imageModels';
import type {
  Job,
  JobAccepted,
  JobList,
  JobStatus,
  Me,
  ModelCatalog,
  ModelCatalogEntry,
} from './types';
import { JOB_STATUSES, PROMPT_MAX_LENGTH } from './types';

/** Longest failure reason kept from a job (the manager keeps at most as much in the journal). */
const MAX_JOB_ERROR_LENGTH = 1000;
const WEBHOOK_STATUSES = ['pending', 'delivered', 'failed'] as const;



function isJobStatus(value: unknown): value is JobStatus {
  return typeof value === 'string' && (JOB_STATUSES as readonly string[]).includes(value);
}

function shapeError(what: string, problem: string): ApiframeError {
  return new ApiframeError('badResponse', `Apiframe sent an unexpected answer to ${what}: ${problem}.`, {
    retryable: false,
  });
}

/** A wrong value for an error message: bounded (a server can send megabytes), `missing` when absent. */
function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? typeof value;
  return truncateGraphemes(text, 40, { measure: 'codeUnits', ellipsis: '...' });
}

function optionalString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function optionalNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * Checks a prompt before it is sent. The API requires 1–2000 characters (`maxLength`: Wan 2.7 takes 5000); we
 * count after trimming surrounding whitespace (the client sends the trimmed prompt), in UTF-16 code units like the
 * server's validator. Returns a message for the user, or undefined when the prompt is fine.
 */
export function validatePrompt(prompt: string, maxLength = PROMPT_MAX_LENGTH): string | undefined {
  const trimmed = prompt.trim();
  if (trimmed.length === 0) return 'The prompt is empty: select some text describing the image you want.';
  // `trim()` keeps control, format and other invisible characters (NUL, bidi marks, zero-width spaces, Hangul
  // fillers, variation selectors): a prompt made only of those would be accepted by the API and charged for an
  // image of nothing.
  if (!hasVisibleText(trimmed)) {
    return 'The prompt has no visible text: select some words describing the image you want.';
  }
  if (trimmed.length > maxLength) {
    return `The prompt is ${trimmed.length} characters long; Apiframe accepts at most ${maxLength}. Select a shorter passage.`;
  }
  return undefined;
}

/**
 * The request body exactly as the API's schema allows it (`additionalProperties: false` at both levels): only
 * known fields are copied — the model's own parameter block, and in it only the properties that model takes —
 * so an object with extra properties (or another model's block) cannot trigger a 400.
 */
export function buildGenerateBody<R extends ImageGenerationRequest>(request: R): R;
export function buildGenerateBody(request: ImageGenerationRequest): ImageGenerationRequest {
  const body: Record<string, unknown> = { prompt: request.prompt.trim(), model: request.model };
  if (isImageModelId(request.model)) {
    const { paramsKey } = IMAGE_MODELS[request.model];
    const given: unknown = (request as unknown as Record<string, unknown>)[paramsKey];
    if (isPlainObject(given)) {
      const known = paramsSchemaOf(request.model).properties;
      const params: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(given)) {
        if (value !== undefined && Object.prototype.hasOwnProperty.call(known, name)) params[name] = Array.isArray(value) ? (value as unknown[]).slice() : value;
      }
      body[paramsKey] = params;
    }
  }
  if (request.webhookUrl !== undefined) body.webhookUrl = request.webhookUrl;
  if (request.webhookEvents !== undefined) body.webhookEvents = [...request.webhookEvents];
  return body as ImageGenerationRequest;
}

/** Result URLs of an image job: `{ images: [...] }` (strings, or `{ url }` entries) or a bare URL string; else []. */
export function imageUrlsOf(result: unknown): string[] {
  if (typeof result === 'string') return result.trim() ? [result.trim()] : [];
  if (!isPlainObject(result) || !Array.isArray(result.images)) return [];
  const urls: string[] = [];
  for (const entry of result.images) {
    if (typeof entry === 'string' && entry.trim()) urls.push(entry.trim());
    else if (isPlainObject(entry) && typeof entry.url === 'string' && entry.url.trim()) urls.push(entry.url.trim());
  }
  return urls;
}

export function parseJobAccepted(value: unknown): JobAccepted {
  const what = 'the image submission';
  if (!isPlainObject(value)) throw shapeError(what, 'the body is not a JSON object');
  if (typeof value.jobId !== 'string' || value.jobId.length === 0) throw shapeError(what, 'no job id');
  if (!isJobStatus(value.status) || value.status === 'CANCELLED') {
    throw shapeError(what, `unknown job status ${shown(value.status)}`);
  }
  return { jobId: value.jobId, status: value.status };
}

/**
 * Checks the fields the extension relies on (id, status) strictly and normalises the rest leniently:
 * a missing `progress` becomes null, an out-of-range one is clamped — a cosmetic field must not fail a job.
 */
export function parseJob(value: unknown, what = 'a job query'): Job {
  if (!isPlainObject(value)) throw shapeError(what, 'the job is not a JSON object');
  if (typeof value.id !== 'string' || value.id.length === 0) throw shapeError(what, 'the job has no id');
  if (!isJobStatus(value.status)) throw shapeError(what, `unknown job status ${shown(value.status)}`);
  const progress = optionalNumber(value.progress);
  const webhookStatus = (WEBHOOK_STATUSES as readonly unknown[]).includes(value.webhookStatus)
    ? (value.webhookStatus as Job['webhookStatus'])
    : null;
  const job: Job = {
    id: value.id,
    status: value.status,
    model: typeof value.model === 'string' ? value.model : '',
    progress: progress === null ? null : Math.min(100, Math.max(0, progress)),
    // Shown to the user as the reason a job failed: one bounded line (servers have sent megabytes).
    error: typeof value.error === 'string' ? serverTextForDisplay(value.error, MAX_JOB_ERROR_LENGTH) : null,
    creditCost: optionalNumber(value.creditCost),
    webhookStatus,
    createdAt: typeof value.createdAt === 'string' ? value.createdAt : '',
    completedAt: optionalString(value.completedAt),
  };
  if (isPlainObject(value.input) || value.input === null) job.input = value.input;
  if ('result' in value) job.result = value.result;
  if (typeof value.expired === 'boolean') job.expired = value.expired;
  return job;
}

export function parseJobList(value: unknown): JobList {
  const what = 'the job list';
  if (!isPlainObject(value) || !Array.isArray(value.jobs)) throw shapeError(what, 'no `jobs` array');
  const jobs = value.jobs.map((entry) => {
    const job = parseJob(entry, what);
    return { ...job, expired: job.expired ?? false };
  });
  const list: JobList = {
    jobs,
    nextCursor: optionalString(value.nextCursor),
    hasMore: value.hasMore === true,
  };
  if (Array.isArray(value.models)) list.models = value.models.filter((m): m is string => typeof m === 'string');
  return list;
}

export function parseMe(value: unknown): Me {
  const what = 'the account query';
  if (!isPlainObject(value) || !isPlainObject(value.user)) throw shapeError(what, 'no `user` object');
  const user = value.user;
  const me: Me = {
    user: {
      id: optionalString(user.id) ?? '',
      email: optionalString(user.email) ?? '',
      role: optionalString(user.role) ?? '',
    },
    team: null,
    apiKey: null,
  };
  if (isPlainObject(value.team)) {
    const credits = optionalNumber(value.team.credits);
    if (credits === null) throw shapeError(what, 'the team has no credit balance');
    me.team = {
      id: optionalString(value.team.id) ?? '',
      name: optionalString(value.team.name) ?? '',
      credits,
      plan: optionalString(value.team.plan) ?? '',
      customerId: optionalString(value.team.customerId),
    };
  }
  if (isPlainObject(value.apiKey)) {
    me.apiKey = {
      id: optionalString(value.apiKey.id) ?? '',
      name: optionalString(value.apiKey.name) ?? '',
      prefix: optionalString(value.apiKey.prefix) ?? '',
    };
  }
  return me;
}

export function parseModelCatalog(value: unknown): ModelCatalog {
  const what = 'the model list';
  if (!isPlainObject(value) || !Array.isArray(value.models)) throw shapeError(what, 'no `models` array');
  const models: ModelCatalogEntry[] = [];
  for (const entry of value.models) {
    if (!isPlainObject(entry) || typeof entry.id !== 'string') throw shapeError(what, 'a model entry has no id');
    const modality = entry.modality;
    if (modality !== 'image' && modality !== 'video' && modality !== 'music') {
      throw shapeError(what, `model ${shown(entry.id)} has an unknown modality`);
    }
    models.push({ ...entry, id: entry.id, label: optionalString(entry.label) ?? entry.id, modality });
  }
  return { models };
}
