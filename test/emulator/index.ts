import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ImageGenerationRequest } from '../../src/apiframe/imageModels';
import type {
  Job,
  JobAccepted,
  JobList,
  JobStatus,
  Me,
  ModelCatalog,
} from '../../src/apiframe/types';
import { NOT_AN_IMAGE, accessDeniedXml, gzipBombBytes, writeLyingLength, writeOversized, writeTruncated } from './cdn';
import { Faults, pathMatches, type Fault, type FaultController, type JobOutcome } from './faults';
import { decodePng, extendCanvas, removeBackground, renderImage, resizeNearest, scaledSize, type Pixels } from './images';
import {
  MIDJOURNEY_ACTION_COST,
  OUTPAINT_FILL,
  backgroundFill,
  isMidjourneyAction,
  modelForKind,
  operationCost,
  outpaintLayout,
  upscaleFactorOf,
  validateMidjourneyAction,
  validateOperation,
} from './operations';
import { OPERATION_MODELS, OPERATION_PATHS, type OperationKind, type OperationModelId, type OutpaintPreset } from '../../src/apiframe/imageOperations';
import {
  COARSE_PROGRESS,
  DEFAULT_PROFILE,
  EMULATOR_PROFILES,
  PROFILE_BEHAVIOUR,
  coarseProgress,
  isEmulatorProfile,
  resultInShape,
  rotatingResultShape,
  type EmulatorProfile,
  type ProfileBehaviour,
  type ResultShape,
} from './profiles';
import { SeededRandom } from './random';
import { emulatorCatalog, fullSizeOf, imagesPerJob, jobCost, styleOf } from './models';
import { SUPPORTED_IMAGE_MODELS, validators, type SupportedImageModel, type ValidationDetails } from './schemas';

export type { Fault, FaultController, FaultRule, JobOutcome, RandomFaultOptions } from './faults';
export { imageSize } from './images';
export {
  COARSE_PROGRESS,
  DEFAULT_PROFILE,
  EMULATOR_PROFILES,
  PROFILE_BEHAVIOUR,
  PROFILE_SUMMARIES,
  UNKNOWN_RESULT_SHAPE_EVERY,
  isEmulatorProfile,
  rotatingResultShape,
} from './profiles';
export type { EmulatorProfile, ProfileBehaviour, ResultShape } from './profiles';

/**
 * A local Apiframe v2 emulator: a real HTTP server on 127.0.0.1 that behaves like the API described by the
 * official spec (../shared/apiframe/openapi.json), including its failures, so the client, the job manager,
 * the integration suite and the demo all run against something real. Test-only; never shipped.
 */

export interface EmulatorKey {
  key: string;
  /** Team handle; keys with the same teamId share credits. A new handle creates a team. */
  teamId?: string;
  /** false → every authenticated call answers 403. */
  active?: boolean;
}

export interface EmulatorOptions {
  /** default 0 = a free port on 127.0.0.1 */
  port?: number;
  /** default 1; all randomness (durations, outcomes, image content, ids) is seeded */
  seed?: number;
  /** job durations are multiplied by this (1 = real: lognormal median 20 s, σ 0.35); tests use e.g. 0.01 */
  timeScale?: number;
  /** 1 = real DALL-E sizes (1024×1024, 1792×1024, 1024×1792); 1/16 in tests */
  imageScale?: number;
  /** emulated time until a completed job reports expired:true and its URLs 404 (default 24 h) */
  retentionMs?: number;
  /** starting credits of the demo team (default 1000) */
  credits?: number;
  /** DALL-E 3's price per image (default 8; DALL-E 2 costs half); other models charge within their catalog range. */
  creditCostPerImage?: number;
  /** share of jobs (without a queued outcome) that end FAILED with the content-policy error; default 0 */
  failureRate?: number;
  /** the demo key (default `afk_demo_` + 24 hex digits derived from the seed) */
  demoKey?: string;
  /** Which spec-conforming server to behave like (see profiles.ts and the README); default 'friendly'. */
  profile?: EmulatorProfile;
}

export interface RequestLogEntry {
  /** 1, 2, … in arrival order. */
  readonly seq: number;
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  /** Status sent (or that would have been sent, for `lostResponse`); 0 when the connection was reset first. */
  readonly status: number;
  readonly idempotencyKey?: string;
  /** Job created / replayed by a submit, or the job a poll or image download was about. */
  readonly jobId?: string;
  /** Parsed JSON body of a POST (the raw text when it was not JSON). */
  readonly body?: unknown;
  /** Emulated clock at arrival (ms since the epoch). */
  readonly time: number;
  /** First characters of the X-API-Key header only — never the key itself. */
  readonly keyPrefix?: string;
  readonly requestId: string;
  readonly fault?: Fault['kind'];
  /** A submit answered from the idempotency store (no new job, no new charge). */
  readonly replayed?: boolean;
  /**
   * Bytes handed to the socket for this answer (head and body), set when the answer ends or the client
   * leaves — proves a client stopped reading an oversized body early.
   */
  readonly bytesSent?: number;
}

export interface RequestLog {
  readonly entries: readonly RequestLogEntry[];
  /** Entries matching every given field (`path` as in fault rules: a string covers its sub-paths). */
  where(filter: {
    method?: string;
    path?: string | RegExp;
    jobId?: string;
    idempotencyKey?: string;
    status?: number;
  }): RequestLogEntry[];
  clear(): void;
}

export interface EmulatedJobInfo {
  readonly id: string;
  readonly idempotencyKey: string | undefined;
  /** Team handle ('demo' for the demo key). */
  readonly teamId: string;
  readonly prompt: string;
  readonly model: string;
  readonly status: JobStatus;
  readonly outcome: JobOutcome;
  /** Credits were taken (only on COMPLETED). */
  readonly charged: boolean;
  /** As the API reports it: null until terminal, 0 for FAILED/CANCELLED. */
  readonly creditCost: number | null;
  /** Emulated ms. */
  readonly createdAt: number;
  /** Emulated ms of the terminal state (null for `stuck`). */
  readonly endsAt: number | null;
  readonly expired: boolean;
  /** The emulator's own image URLs for a COMPLETED job (empty otherwise, and for `resultOverride`). */
  readonly imageUrls: readonly string[];
  /**
   * The exact PNG bytes served at `imageUrls` — what a correct client caches. Empty when the job has no
   * valid image to serve (not COMPLETED, `image` faults, `resultOverride`).
   */
  readonly imageBytes: readonly Buffer[];
  /**
   * Shape of `result` for a COMPLETED job (null otherwise): 'images' in the friendly profile, 'string' for
   * `legacyResult`, 'override' for `resultOverride`; the `result-shapes` profile rotates the others.
   * 'unknown' means the URLs are served but no client can find them, so `imageBytes` is empty.
   */
  readonly resultShape: ResultShape | 'override' | null;
}

export interface Emulator {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  readonly url: string;
  /** 'afk_demo_…' valid key of the demo team */
  readonly demoKey: string;
  readonly profile: EmulatorProfile;
  readonly faults: FaultController;
  readonly log: RequestLog;
  /** Emulated clock (retention, 24 h idempotency, job timing): real time plus everything advanced. */
  readonly clock: { now(): number; advance(ms: number): void };
  addKey(key: EmulatorKey & { credits?: number }): void;
  setCredits(teamIdOrKey: string, credits: number): void;
  credits(teamIdOrKey: string): number;
  jobs(): readonly EmulatedJobInfo[];
  /** Closes the server and every socket; pending delayed answers are dropped. */
  stop(): Promise<void>;
}

export const DEMO_TEAM = 'demo';
const DAY_MS = 24 * 60 * 60 * 1000;
const MEDIAN_JOB_MS = 20_000;
const JOB_SIGMA = 0.35;
const BODY_LIMIT_BYTES = 1024 * 1024;
/** The upload route's limit for an image, and the body it reads (the file plus its multipart framing). */
const UPLOAD_LIMIT_BYTES = 25 * 1024 * 1024;
const UPLOAD_BODY_LIMIT_BYTES = UPLOAD_LIMIT_BYTES + 64 * 1024;
const CONTENT_POLICY_ERROR = 'Provider returned an error: content policy violation';
const JSON_TYPE = 'application/json; charset=utf-8';

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new ApiframeEmulator(options);
  await emulator.listen(options.port ?? 0);
  return emulator;
}

interface Team {
  readonly handle: string;
  readonly id: string;
  credits: number;
}

interface KeyRecord {
  readonly key: string;
  readonly team: Team;
  readonly active: boolean;
  readonly userId: string;
  readonly keyId: string;
}

interface EmulatedJob {
  readonly id: string;
  readonly team: Team;
  readonly userId: string;
  readonly idempotencyKey: string | undefined;
  /** The model (or `midjourney` for an action), the prompt ('' when there is none) and the body as sent. */
  readonly model: string;
  readonly prompt: string;
  readonly input: Record<string, unknown>;
  /** The PNG of image n (1-based) once COMPLETED; an operation's is derived from its input image. */
  readonly render: (index: number) => Buffer;
  /** What a Midjourney action may follow this job with: a grid (U/V), a single upscaled image, or nothing. */
  readonly midjourney?: 'grid' | 'upsampled';
  readonly createdAt: number;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly outcome: JobOutcome;
  readonly imageCount: number;
  /** Credits charged on COMPLETED (reserved while running). */
  readonly cost: number;
  /** Shape of `result` once COMPLETED, fixed at creation so it never changes between polls. */
  readonly resultShape: ResultShape | 'override';
  settled: boolean;
  charged: boolean;
}

interface IdempotencyRecord {
  readonly bodyFingerprint: string;
  readonly jobId: string;
  readonly at: number;
}

type Reply =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'bytes'; status: number; body: Buffer; headers: Record<string, string> }
  | { kind: 'custom'; status: number; send(req: http.IncomingMessage, res: http.ServerResponse, requestId: string): void };

type MutableLogEntry = { -readonly [K in keyof RequestLogEntry]: RequestLogEntry[K] };

class EmulatedClock {
  private offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`the emulated clock only moves forward (got ${ms})`);
    this.offset += ms;
  }
}

class Log implements RequestLog {
  private list: MutableLogEntry[] = [];
  private seq = 0;

  get entries(): readonly RequestLogEntry[] {
    return this.list;
  }

  add(entry: Omit<MutableLogEntry, 'seq'>): MutableLogEntry {
    const full: MutableLogEntry = { seq: ++this.seq, ...entry };
    this.list.push(full);
    return full;
  }

  where(filter: Parameters<RequestLog['where']>[0]): RequestLogEntry[] {
    return this.list.filter(
      (e) =>
        (filter.method === undefined || e.method === filter.method.toUpperCase()) &&
        (filter.path === undefined || pathMatches(filter.path, e.path)) &&
        (filter.jobId === undefined || e.jobId === filter.jobId) &&
        (filter.idempotencyKey === undefined || e.idempotencyKey === filter.idempotencyKey) &&
        (filter.status === undefined || e.status === filter.status),
    );
  }

  clear(): void {
    this.list = [];
  }
}

const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({ kind: 'json', status, body, headers });
const error = (status: number, message: string): Reply => json(status, { error: message });
const validationError = (message: string, details: ValidationDetails): Reply => json(400, { error: message, details });

class ApiframeEmulator implements Emulator {
  readonly faults = new Faults();
  readonly log = new Log();
  readonly clock = new EmulatedClock();
  readonly demoKey: string;
  readonly profile: EmulatorProfile;
  private readonly behaviour: ProfileBehaviour;
  private baseUrl = '';
  private readonly seed: number;
  private readonly timeScale: number;
  private readonly imageScale: number;
  private readonly retentionMs: number;
  private readonly creditCostPerImage: number;
  private readonly failureRate: number;
  private readonly ids: SeededRandom;
  private readonly durations: SeededRandom;
  private readonly outcomes: SeededRandom;
  private readonly requestIds: SeededRandom;
  private readonly teams = new Map<string, Team>();
  private readonly keys = new Map<string, KeyRecord>();
  private readonly jobList: EmulatedJob[] = [];
  private readonly jobsById = new Map<string, EmulatedJob>();
  private readonly idempotency = new Map<string, IdempotencyRecord>();
  private readonly uploads = new Map<string, UploadRecord>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly server: http.Server;

  constructor(options: EmulatorOptions) {
    this.seed = options.seed ?? 1;
    this.timeScale = options.timeScale ?? 1;
    this.imageScale = options.imageScale ?? 1;
    this.retentionMs = options.retentionMs ?? DAY_MS;
    this.creditCostPerImage = options.creditCostPerImage ?? 8;
    this.failureRate = options.failureRate ?? 0;
    const profile: string = options.profile ?? DEFAULT_PROFILE;
    if (!isEmulatorProfile(profile)) {
      throw new RangeError(`unknown emulator profile ${JSON.stringify(profile)}; valid: ${EMULATOR_PROFILES.join(', ')}`);
    }
    this.profile = profile;
    this.behaviour = PROFILE_BEHAVIOUR[profile];
    if (!(this.timeScale >= 0)) throw new RangeError('timeScale must be ≥ 0');
    if (!(this.imageScale > 0 && this.imageScale <= 1)) throw new RangeError('imageScale must be in (0, 1]');
    this.ids = new SeededRandom(this.seed, 'ids');
    this.durations = new SeededRandom(this.seed, 'durations');
    this.outcomes = new SeededRandom(this.seed, 'outcomes');
    this.requestIds = new SeededRandom(this.seed, 'request-ids');
    this.demoKey = options.demoKey ?? `afk_demo_${new SeededRandom(this.seed, 'demo-key').hex(24)}`;
    this.addKey({ key: this.demoKey, teamId: DEMO_TEAM, credits: options.credits ?? 1000 });
    this.server = http.createServer((req, res) => {
      this.onRequest(req, res).catch((cause: unknown) => {
        // A bug in the emulator must show up in the test output, not as a hanging request.
        console.error('apiframe emulator: request handler failed:', cause);
        if (!res.headersSent) res.writeHead(500, { 'content-type': JSON_TYPE });
        res.end(JSON.stringify({ error: 'Emulator internal error' }));
      });
    });
    this.server.keepAliveTimeout = 5_000;
  }

  get url(): string {
    return this.baseUrl;
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        const address = this.server.address() as AddressInfo;
        this.baseUrl = `http://127.0.0.1:${address.port}`;
        resolve();
      });
    });
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  // ---- programmatic control ------------------------------------------------------------------------

  addKey(options: EmulatorKey & { credits?: number }): void {
    const existing = this.keys.get(options.key);
    const handle = options.teamId ?? existing?.team.handle ?? `team-${this.teams.size + 1}`;
    let team = this.teams.get(handle);
    if (!team) {
      team = { handle, id: this.ids.uuid(), credits: options.credits ?? 1000 };
      this.teams.set(handle, team);
    } else if (options.credits !== undefined) {
      team.credits = options.credits;
    }
    this.keys.set(options.key, {
      key: options.key,
      team,
      active: options.active ?? true,
      userId: existing?.userId ?? this.ids.uuid(),
      keyId: existing?.keyId ?? this.ids.uuid(),
    });
  }

  setCredits(teamIdOrKey: string, credits: number): void {
    if (!Number.isInteger(credits) || credits < 0) throw new RangeError(`credits must be a non-negative integer, got ${credits}`);
    this.settle();
    this.team(teamIdOrKey).credits = credits;
  }

  credits(teamIdOrKey: string): number {
    this.settle();
    return this.team(teamIdOrKey).credits;
  }

  jobs(): readonly EmulatedJobInfo[] {
    this.settle();
    const now = this.clock.now();
    return this.jobList.map((job) => {
      const status = this.statusAt(job, now);
      const imageUrls = status === 'COMPLETED' && job.outcome.kind !== 'resultOverride' ? this.imageUrls(job) : [];
      // An unknown result shape hides the URLs from every client: nothing a correct client could cache.
      const servesGoodImages =
        (job.outcome.kind === 'completed' || job.outcome.kind === 'legacyResult') && job.resultShape !== 'unknown';
      const render = (index: number): Buffer => this.imageBytes(job, index);
      return {
        id: job.id,
        idempotencyKey: job.idempotencyKey,
        teamId: job.team.handle,
        prompt: job.prompt,
        model: job.model,
        status,
        outcome: job.outcome,
        charged: job.charged,
        creditCost: this.creditCostAt(job, status),
        createdAt: job.createdAt,
        endsAt: job.outcome.kind === 'stuck' ? null : job.endsAt,
        expired: this.isExpired(job, status, now),
        imageUrls,
        resultShape: status === 'COMPLETED' ? job.resultShape : null,
        // Rendered on first access: a chaos run lists thousands of jobs but compares bytes of few.
        get imageBytes(): readonly Buffer[] {
          return status === 'COMPLETED' && servesGoodImages ? imageUrls.map((_, i) => render(i + 1)) : [];
        },
      };
    });
  }

  private team(teamIdOrKey: string): Team {
    const team = this.teams.get(teamIdOrKey) ?? this.keys.get(teamIdOrKey)?.team;
    if (!team) throw new Error(`no emulated team or key ${JSON.stringify(teamIdOrKey.slice(0, 8))}…`);
    return team;
  }

  // ---- job model -------------------------------------------------------------------------------------

  private statusAt(job: EmulatedJob, now: number): JobStatus {
    if (now < job.startsAt) return 'QUEUED';
    if (job.outcome.kind === 'stuck' || now < job.endsAt) return 'PROCESSING';
    if (job.outcome.kind === 'failed') return 'FAILED';
    if (job.outcome.kind === 'cancelled') return 'CANCELLED';
    return 'COMPLETED';
  }

  private progressAt(job: EmulatedJob, status: JobStatus, now: number): number | null {
    if (this.behaviour.progress === 'none') return null;
    const coarse = this.behaviour.progress === 'coarse';
    switch (status) {
      case 'QUEUED':
        return coarse ? COARSE_PROGRESS.queued : 0;
      case 'PROCESSING': {
        const span = Math.max(1, job.endsAt - job.startsAt);
        const share = (now - job.startsAt) / span;
        if (coarse) return job.outcome.kind === 'stuck' ? COARSE_PROGRESS.stuck : coarseProgress(share);
        if (job.outcome.kind === 'stuck' && now >= job.endsAt) return 42;
        return Math.min(99, Math.max(1, Math.floor(share * 100)));
      }
      case 'COMPLETED':
        return 100;
      default:
        return null;
    }
  }

  private creditCostAt(job: EmulatedJob, status: JobStatus): number | null {
    if (status === 'COMPLETED') return job.cost;
    if (status === 'FAILED' || status === 'CANCELLED') return 0;
    return null;
  }

  private isExpired(job: EmulatedJob, status: JobStatus, now: number): boolean {
    return status === 'COMPLETED' && now >= job.endsAt + this.retentionMs;
  }

  /** Charges every job that reached COMPLETED since the last look (the state is derived from the clock). */
  private settle(): void {
    const now = this.clock.now();
    for (const job of this.jobList) {
      if (job.settled || job.outcome.kind === 'stuck' || now < job.endsAt) continue;
      job.settled = true;
      if (this.statusAt(job, now) === 'COMPLETED') {
        job.team.credits = Math.max(0, job.team.credits - job.cost);
        job.charged = true;
      }
    }
  }

  /** Credits held by the team's running jobs, so parallel submits cannot overdraw the balance. */
  private reserved(team: Team): number {
    let sum = 0;
    for (const job of this.jobList) if (job.team === team && !job.settled) sum += job.cost;
    return sum;
  }

  private imageUrls(job: EmulatedJob): string[] {
    return Array.from({ length: job.imageCount }, (_, i) => `${this.baseUrl}/cdn/${job.id}-${i + 1}.png`);
  }

  private imageBytes(job: EmulatedJob, index: number): Buffer {
    return job.render(index);
  }

  private jobView(job: EmulatedJob, now: number): Job & { expired: boolean } {
    const status = this.statusAt(job, now);
    const view: Job & { expired: boolean } = {
      id: job.id,
      status,
      model: job.model,
      progress: this.progressAt(job, status, now),
      error: status === 'FAILED' ? (job.outcome.kind === 'failed' ? (job.outcome.error ?? CONTENT_POLICY_ERROR) : CONTENT_POLICY_ERROR) : null,
      creditCost: this.creditCostAt(job, status),
      webhookStatus: job.input.webhookUrl === undefined ? null : status === 'QUEUED' || status === 'PROCESSING' ? 'pending' : 'failed',
      createdAt: new Date(job.createdAt).toISOString(),
      completedAt: status === 'QUEUED' || status === 'PROCESSING' ? null : new Date(job.endsAt).toISOString(),
      input: { ...job.input },
      expired: this.isExpired(job, status, now),
    };
    if (status === 'CANCELLED') view.error = 'Job was cancelled';
    if (status === 'COMPLETED') {
      if (job.outcome.kind === 'resultOverride') view.result = job.outcome.result;
      else if (job.resultShape !== 'override') view.result = resultInShape(job.resultShape, this.imageUrls(job));
    }
    return view;
  }

  // ---- HTTP ------------------------------------------------------------------------------------------

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const requestId = `req_${this.requestIds.hex(24)}`;
    res.setHeader('x-request-id', requestId);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const apiKey = headerValue(req, 'x-api-key');
    const idempotencyKey = headerValue(req, 'idempotency-key');
    const entry = this.log.add({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      time: this.clock.now(),
      requestId,
      ...(apiKey !== undefined ? { keyPrefix: apiKey.slice(0, Math.min(8, Math.floor(apiKey.length / 2))) } : {}),
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    });

    const socket = req.socket;
    const bytesBefore = socket.bytesWritten;
    res.once('close', () => {
      entry.bytesSent = socket.bytesWritten - bytesBefore;
    });

    const fault = this.faults.take(method, url.pathname);
    if (fault) entry.fault = fault.kind;
    // Faults in front of the API: the request never reaches it.
    if (fault?.kind === 'reset') {
      req.socket.resetAndDestroy();
      return;
    }
    if (fault?.kind === 'status') {
      req.resume();
      entry.status = fault.status;
      if (fault.status === 429) {
        const headers: Record<string, string> = fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {};
        this.sendReply(res, error(429, 'Rate limit exceeded'), headers);
      } else if (fault.body !== undefined) {
        res.writeHead(fault.status, { 'content-type': isJson(fault.body) ? JSON_TYPE : 'text/plain; charset=utf-8' });
        res.end(fault.body);
      } else {
        this.sendReply(res, error(fault.status, statusText(fault.status)));
      }
      return;
    }
    if (fault?.kind === 'rawBody') {
      req.resume();
      entry.status = fault.status;
      const bytes = typeof fault.body === 'string' ? Buffer.from(fault.body, 'utf8') : fault.body;
      res.writeHead(fault.status, {
        ...(fault.contentType !== undefined ? { 'content-type': fault.contentType } : {}),
        'content-length': String(bytes.length),
      });
      res.end(bytes);
      return;
    }
    if (fault?.kind === 'htmlBody') {
      req.resume();
      entry.status = fault.status;
      res.writeHead(fault.status, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!DOCTYPE html>\n<html><head><title>${fault.status} ${statusText(fault.status)}</title></head>` +
          `<body><center><h1>${fault.status} ${statusText(fault.status)}</h1></center><hr><center>nginx</center></body></html>\n`,
      );
      return;
    }

    const isUpload = url.pathname === '/v2/uploads' && method === 'POST';
    const body = await readBody(req, isUpload ? UPLOAD_BODY_LIMIT_BYTES : BODY_LIMIT_BYTES);
    if (body === 'aborted') return;
    if (body === 'too-large' && isUpload) {
      const reply = this.oversizedUpload();
      entry.status = reply.status;
      this.deliver(req, res, reply, fault, requestId);
      return;
    }
    if (body === 'too-large') {
      entry.status = 413;
      res.setHeader('connection', 'close');
      this.sendReply(res, error(413, 'Request body too large'));
      return;
    }
    const reply = await this.route(method, url, apiKey, idempotencyKey, body, entry, headerValue(req, 'content-type'));
    entry.status = reply.status;
    this.deliver(req, res, reply, fault, requestId);
  }

  private deliver(req: http.IncomingMessage, res: http.ServerResponse, reply: Reply, fault: Fault | undefined, requestId: string): void {
    switch (fault?.kind) {
      case 'lostResponse':
        req.socket.resetAndDestroy();
        return;
      case 'malformedJson': {
        const text = reply.kind === 'json' ? JSON.stringify(reply.body) : '{"jobId":"';
        res.writeHead(200, { 'content-type': JSON_TYPE });
        res.end(text.slice(0, Math.max(1, Math.floor(text.length / 2))));
        return;
      }
      case 'truncatedBody': {
        const [status, headers, bytes] = replyBytes(reply);
        writeTruncated(res, status, headers, bytes);
        return;
      }
      case 'delay': {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!res.destroyed) this.sendReply(res, reply, {}, req, requestId);
        }, fault.ms);
        this.timers.add(timer);
        return;
      }
      default:
        this.sendReply(res, reply, {}, req, requestId);
    }
  }

  private sendReply(
    res: http.ServerResponse,
    reply: Reply,
    extraHeaders: Record<string, string> = {},
    req?: http.IncomingMessage,
    requestId = '',
  ): void {
    if (reply.kind === 'custom') {
      if (req) reply.send(req, res, requestId);
      return;
    }
    const [status, headers, bytes] = replyBytes(reply);
    res.writeHead(status, { ...headers, ...extraHeaders, 'content-length': String(bytes.length) });
    res.end(bytes);
  }

  private async route(
    method: string,
    url: URL,
    apiKey: string | undefined,
    idempotencyKey: string | undefined,
    body: Buffer,
    entry: MutableLogEntry,
    contentType: string | undefined,
  ): Promise<Reply> {
    this.settle();
    const path = url.pathname;
    if (path.startsWith('/cdn/')) {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed('GET');
      return this.serveImage(path, entry);
    }
    if (path.startsWith('/uploads/')) {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed('GET');
      return this.serveUpload(path, entry);
    }
    const jobMatch = /^\/v2\/jobs\/([^/]+)$/.exec(path);
    const operation = operationKindOf(path);
    const allowed =
      path === '/v2/images/generate' || path === '/v2/uploads' || operation !== undefined
        ? 'POST'
        : path === '/v2/jobs' || path === '/v2/me' || path === '/v2/models' || jobMatch
          ? 'GET'
          : undefined;
    if (allowed === undefined) return error(404, 'Not found');
    if (method !== allowed) return methodNotAllowed(allowed);

    // The catalog is public; everything else needs a valid, active key.
    if (path === '/v2/models') return this.models(url);
    if (apiKey === undefined || apiKey === '') return error(401, 'API key is required');
    const caller = this.keys.get(apiKey);
    if (!caller) return error(401, 'Invalid API key');
    if (!caller.active) return error(403, 'API key is inactive');

    if (path === '/v2/images/generate') return this.generate(caller, idempotencyKey, body, entry);
    if (path === '/v2/uploads') return this.upload(caller, body, contentType, entry);
    if (operation === 'midjourneyAction') return this.midjourneyAction(caller, idempotencyKey, body, entry);
    if (operation !== undefined) return this.operation(operation, caller, idempotencyKey, body, entry);
    if (path === '/v2/me') return this.me(caller);
    if (path === '/v2/jobs') return this.listJobs(caller, url);
    const id = decodeURIComponent(jobMatch?.[1] ?? '');
    entry.jobId = id;
    return this.getJob(caller, id);
  }

  private generate(caller: KeyRecord, idempotencyKey: string | undefined, raw: Buffer, entry: MutableLogEntry): Reply {
    const parsed = this.parseSubmitBody(raw, idempotencyKey, entry);
    if (parsed.kind !== 'body') return parsed.reply;
    const body = parsed.body;
    const model = isRecord(body) && typeof body.model === 'string' ? body.model : undefined;
    const validate = validators.generate[isSupportedModel(model) ? model : 'dall-e-3'];
    const details = validate(body);
    if (details) return validationError('Validation failed', details);
    const request = body as ImageGenerationRequest;
    return this.submit(caller, idempotencyKey, '/v2/images/generate', body as Record<string, unknown>, entry, (outcome) => {
      // A forced image count (a test's outcome) wins; otherwise the model decides (its `n`, Midjourney's grid).
      const imageCount = outcome.kind === 'completed' && outcome.images !== undefined ? Math.max(1, outcome.images) : imagesPerJob(request);
      return {
        model: request.model,
        prompt: request.prompt,
        imageCount,
        cost: jobCost(request, imageCount, this.creditCostPerImage),
        render: (index) =>
          renderImage({ prompt: request.prompt, seed: this.seed, index, size: fullSizeOf(request), style: styleOf(request), imageScale: this.imageScale }),
        ...(request.model === 'midjourney' ? { midjourney: 'grid' as const } : {}),
      };
    });
  }

  /**
   * The job lifecycle every submit shares: the idempotency store (per the profile), the credit check, the
   * outcome queue. `plan` says what the job is, or refuses it (a Reply) — in `body-checked` after the key lookup,
   * in `key-only` before it, like validation.
   */
  private submit(
    caller: KeyRecord,
    idempotencyKey: string | undefined,
    path: string,
    body: Record<string, unknown>,
    entry: MutableLogEntry,
    plan: (outcome: JobOutcome) => JobPlan | Reply,
  ): Reply {
    const now = this.clock.now();
    const fingerprint = `${path}\n${canonicalJson(body)}`;
    const storeKey = idempotencyKey === undefined ? undefined : `${caller.team.id}\n${idempotencyKey}`;
    const previous = storeKey === undefined ? undefined : this.idempotency.get(storeKey);
    // The emulated clock decides the 24-h window, so a test can jump past it with clock.advance().
    const original = previous && now - previous.at < DAY_MS ? this.jobsById.get(previous.jobId) : undefined;
    const replay = (job: EmulatedJob): Reply => {
      entry.jobId = job.id;
      entry.replayed = true;
      return json(202, { jobId: job.id, status: acceptedStatus(this.statusAt(job, now)) } satisfies JobAccepted);
    };
    if (original && previous && this.behaviour.idempotency === 'body-checked') {
      if (previous.bodyFingerprint !== fingerprint) {
        return error(409, 'Idempotency-Key was already used with a different request body');
      }
      return replay(original);
    }

    const outcome = this.faults.peekOutcome() ?? this.defaultOutcome();
    const planned = plan(outcome);
    if ('kind' in planned) return planned;
    const { cost, imageCount } = planned;
    const available = caller.team.credits - this.reserved(caller.team);
    if (available < cost) {
      return json(402, { error: 'Insufficient credits', creditsRequired: cost, creditsAvailable: Math.max(0, available) });
    }
    // key-only: the spec promises the original job for a replayed key and nothing more, so the request went
    // through validation and the credit check like any other submit (and its body is not compared).
    if (original) return replay(original);
    this.faults.takeOutcome();

    const total = this.durations.lognormal(MEDIAN_JOB_MS, JOB_SIGMA) * this.timeScale;
    const queued = total * (0.05 + 0.15 * this.durations.next());
    const job: EmulatedJob = {
      id: this.ids.uuid(),
      team: caller.team,
      userId: caller.userId,
      idempotencyKey,
      model: planned.model,
      prompt: planned.prompt,
      input: body,
      render: planned.render,
      ...(planned.midjourney !== undefined ? { midjourney: planned.midjourney } : {}),
      createdAt: now,
      startsAt: now + queued,
      endsAt: now + total,
      outcome,
      imageCount,
      cost,
      resultShape: this.resultShapeFor(outcome, this.jobList.length + 1, imageCount),
      settled: false,
      charged: false,
    };
    this.jobList.push(job);
    this.jobsById.set(job.id, job);
    if (storeKey !== undefined) this.idempotency.set(storeKey, { bodyFingerprint: fingerprint, jobId: job.id, at: now });
    entry.jobId = job.id;
    return json(202, { jobId: job.id, status: 'QUEUED' } satisfies JobAccepted);
  }

  // ---- uploads and image operations ------------------------------------------------------------------

  private oversizedUpload(): Reply {
    if (this.behaviour.uploads.oversize === 413) return error(413, 'File too large: uploads take images up to 25 MB');
    return validationError('File too large', { file: ['File exceeds the 25 MB limit for images'] });
  }

  private async upload(caller: KeyRecord, raw: Buffer, contentType: string | undefined, entry: MutableLogEntry): Promise<Reply> {
    if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) {
      return validationError('Expected multipart/form-data', { file: ['Required'] });
    }
    let file: File | undefined;
    try {
      // The multipart parser of Node's own fetch (undici): a well-kept one, without a new dependency.
      const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
      const part = form.get('file');
      file = typeof part === 'object' && part !== null ? part : undefined;
    } catch {
      return validationError('Malformed multipart body', { file: ['Required'] });
    }
    if (!file) return validationError('No file', { file: ['Required'] });
    const bytes = Buffer.from(await file.arrayBuffer());
    entry.body = { file: { name: file.name, type: file.type, size: bytes.length } };
    if (bytes.length > UPLOAD_LIMIT_BYTES) return this.oversizedUpload();
    const sniffed = sniffUpload(bytes);
    if (!sniffed) return validationError('Unsupported file type', { file: ['Unsupported file type: expected PNG, JPEG, WebP or GIF'] });
    const now = this.clock.now();
    const id = this.ids.uuid();
    const { reportedLifetimeMs, goneAfterMs } = this.behaviour.uploads;
    const record: UploadRecord = { id, userId: caller.userId, bytes, contentType: sniffed.type, extension: sniffed.extension, goneAt: now + goneAfterMs };
    this.uploads.set(id, record);
    return json(201, {
      id,
      url: this.uploadUrl(record),
      kind: 'image',
      contentType: sniffed.type,
      byteSize: bytes.length,
      expiresAt: new Date(now + reportedLifetimeMs).toISOString(),
    });
  }

  private uploadUrl(record: UploadRecord): string {
    return `${this.baseUrl}/uploads/${record.id}.${record.extension}`;
  }

  private serveUpload(path: string, entry: MutableLogEntry): Reply {
    const record = this.uploadAt(path);
    if (!record) return this.noImage(entry);
    return { kind: 'bytes', status: 200, body: record.bytes, headers: { 'content-type': record.contentType } };
  }

  /** The live upload at this path, or undefined (unknown, or reaped on the emulated clock). */
  private uploadAt(path: string): UploadRecord | undefined {
    const [, id] = /^\/uploads\/([0-9a-f-]{36})\.[a-z]+$/.exec(path) ?? [];
    const record = id === undefined ? undefined : this.uploads.get(id);
    return record && this.clock.now() < record.goneAt ? record : undefined;
  }

  /**
   * The pixels behind an input image URL, as the real route fetches it: a live upload or a completed job's
   * image on this emulator; `gone` for one of ours that is not there (expired, purged, unknown). An image on any
   * other host cannot be fetched from a test, so it stands in as a generated picture (seeded by its URL).
   */
  private inputImage(url: string): Pixels | 'gone' {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'gone';
    }
    if (parsed.origin === this.baseUrl) {
      const bytes = parsed.pathname.startsWith('/uploads/') ? this.uploadAt(parsed.pathname)?.bytes : this.completedImage(parsed.pathname);
      if (!bytes) return 'gone';
      return decodePng(bytes) ?? this.standIn(url);
    }
    return this.standIn(url);
  }

  private completedImage(path: string): Buffer | undefined {
    const [, jobId, imageNumber] = /^\/cdn\/([0-9a-f-]{36})-(\d+)\.png$/.exec(path) ?? [];
    const job = jobId !== undefined ? this.jobsById.get(jobId) : undefined;
    if (!job) return undefined;
    const index = Number(imageNumber);
    const now = this.clock.now();
    const status = this.statusAt(job, now);
    if (status !== 'COMPLETED' || index < 1 || index > job.imageCount || this.isExpired(job, status, now)) return undefined;
    return job.render(index);
  }

  /** A picture for an input the emulator cannot read (a JPEG/WebP/GIF upload, another host): 1024² × imageScale. */
  private standIn(url: string): Pixels {
    const bytes = renderImage({ prompt: `input ${url}`, seed: this.seed, index: 1, size: { width: 1024, height: 1024 }, style: 'vivid', imageScale: this.imageScale });
    const pixels = decodePng(bytes);
    if (!pixels) throw new Error('the emulator could not read its own PNG');
    return pixels;
  }

  private operation(kind: Exclude<OperationKind, 'midjourneyAction'>, caller: KeyRecord, idempotencyKey: string | undefined, raw: Buffer, entry: MutableLogEntry): Reply {
    const parsed = this.parseSubmitBody(raw, idempotencyKey, entry);
    if (parsed.kind !== 'body') return parsed.reply;
    const model = modelForKind(kind, parsed.body);
    const details = validateOperation(model, parsed.body);
    if (details) return validationError('Validation failed', details);
    const body = parsed.body as Record<string, unknown>;
    const { paramsKey } = OPERATION_MODELS[model];
    const params = body[paramsKey] as Record<string, unknown>;
    return this.submit(caller, idempotencyKey, OPERATION_PATHS[kind], body, entry, () => {
      // The route fetches its input before pricing: a URL that has expired is refused before any credit is taken.
      const source = this.inputImage(String(params.image));
      if (source === 'gone') {
        return validationError('Could not fetch the input image', { [`${paramsKey}.image`]: ['Image URL could not be fetched: it has expired or does not exist'] });
      }
      const derived = deriveOperation(model, params, source);
      return {
        model,
        prompt: typeof params.prompt === 'string' ? params.prompt : '',
        imageCount: 1,
        cost: operationCost(model, derived.size),
        render: derived.render,
      };
    });
  }

  private midjourneyAction(caller: KeyRecord, idempotencyKey: string | undefined, raw: Buffer, entry: MutableLogEntry): Reply {
    const parsed = this.parseSubmitBody(raw, idempotencyKey, entry);
    if (parsed.kind !== 'body') return parsed.reply;
    const named = isRecord(parsed.body) ? parsed.body.action : undefined;
    const action = isMidjourneyAction(named) ? named : 'upsample';
    const details = validateMidjourneyAction(action, parsed.body);
    if (details) return validationError('Validation failed', details);
    const body = parsed.body as Record<string, unknown>;
    return this.submit(caller, idempotencyKey, OPERATION_PATHS.midjourneyAction, body, entry, () => {
      const parent = this.jobsById.get(String(body.parentJobId));
      if (!parent || parent.userId !== caller.userId) return validationError('Parent job not found', { parentJobId: ['Job not found'] });
      const now = this.clock.now();
      const status = this.statusAt(parent, now);
      const onGrid = action === 'upsample' || action === 'variation';
      const ready = status === 'COMPLETED' && !this.isExpired(parent, status, now) && parent.midjourney === (onGrid ? 'grid' : 'upsampled');
      if (!ready) return error(409, `Action ${action} is not available for this job`);
      const index = typeof body.index === 'number' ? body.index : 1;
      if (action === 'upsample') {
        return { model: 'midjourney', prompt: parent.prompt, imageCount: 1, cost: MIDJOURNEY_ACTION_COST.upsample, render: () => parent.render(index), midjourney: 'upsampled' };
      }
      const size = decodePng(parent.render(onGrid ? index : 1));
      const full = size ? { width: size.width, height: size.height } : scaledSize({ width: 1024, height: 1024 }, this.imageScale);
      const prompt = `${parent.prompt} (${action}${onGrid ? ` ${index}` : ''})`;
      return {
        model: 'midjourney',
        prompt: parent.prompt,
        imageCount: 4,
        cost: MIDJOURNEY_ACTION_COST[action],
        render: (n) => renderImage({ prompt, seed: this.seed, index: n, size: full, style: 'vivid', imageScale: 1 }),
        midjourney: 'grid',
      };
    });
  }

  /** A submit's JSON body and Idempotency-Key header, checked as every job-creating route does. */
  private parseSubmitBody(raw: Buffer, idempotencyKey: string | undefined, entry: MutableLogEntry): { kind: 'body'; body: unknown } | { kind: 'reply'; reply: Reply } {
    const text = raw.toString('utf8');
    let body: unknown;
    try {
      body = text.trim() === '' ? undefined : JSON.parse(text);
      entry.body = body;
    } catch {
      entry.body = text;
      return { kind: 'reply', reply: validationError('Invalid JSON body', { body: ['Malformed JSON'] }) };
    }
    if (idempotencyKey !== undefined) {
      const details = validators.idempotencyKey(idempotencyKey);
      if (details) return { kind: 'reply', reply: validationError('Invalid Idempotency-Key header', details) };
    }
    return { kind: 'body', body };
  }

  private resultShapeFor(outcome: JobOutcome, jobNumber: number, imageCount: number): ResultShape | 'override' {
    if (outcome.kind === 'resultOverride') return 'override';
    if (outcome.kind === 'legacyResult') return 'string';
    return this.behaviour.resultShapes === 'rotating' ? rotatingResultShape(jobNumber, imageCount) : 'images';
  }

  private defaultOutcome(): JobOutcome {
    return this.failureRate > 0 && this.outcomes.next() < this.failureRate ? { kind: 'failed' } : { kind: 'completed' };
  }

  private getJob(caller: KeyRecord, id: string): Reply {
    const details = validators.jobId(id);
    if (details) return validationError('Invalid job id', details);
    const job = this.jobsById.get(id);
    // Another user's job is indistinguishable from a missing one.
    if (!job || job.userId !== caller.userId) return error(404, 'Job not found');
    return json(200, this.jobView(job, this.clock.now()));
  }

  private listJobs(caller: KeyRecord, url: URL): Reply {
    const query: Record<string, unknown> = Object.fromEntries(url.searchParams);
    const details = validators.jobListQuery(query);
    if (details) return validationError('Invalid query parameters', details);
    let after: [number, string] | undefined;
    if (typeof query.cursor === 'string') {
      after = decodeCursor(query.cursor);
      if (!after) return validationError('Invalid cursor', { cursor: ['Invalid cursor'] });
    }
    const now = this.clock.now();
    const scopeTeam = query.scope === 'team';
    const visible = this.jobList.filter((job) => (scopeTeam ? job.team === caller.team : job.userId === caller.userId));
    // Cursor pagination keyed on (createdAt desc, id desc), as the spec describes.
    const ordered = visible
      .filter((job) => query.model === undefined || job.model === query.model)
      .filter((job) => query.search === undefined || job.id === query.search)
      .filter((job) => query.status === undefined || this.statusAt(job, now) === query.status)
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      .filter((job) => !after || job.createdAt < after[0] || (job.createdAt === after[0] && job.id < after[1]));
    const limit = typeof query.limit === 'number' ? query.limit : 20;
    const page = ordered.slice(0, limit);
    const hasMore = ordered.length > limit;
    const last = page[page.length - 1];
    const list: JobList = {
      jobs: page.map((job) => this.jobView(job, now)),
      nextCursor: hasMore && last ? encodeCursor(last.createdAt, last.id) : null,
      hasMore,
    };
    if (query.include_models === 'true') list.models = [...new Set(visible.map((job) => job.model))].sort();
    return json(200, list);
  }

  private me(caller: KeyRecord): Reply {
    const me: Me = {
      user: { id: caller.userId, email: `${caller.team.handle}@example.com`, role: 'OWNER' },
      team: { id: caller.team.id, name: `${caller.team.handle} team`, credits: caller.team.credits, plan: 'pro', customerId: null },
      apiKey: { id: caller.keyId, name: caller.key === this.demoKey ? 'Demo key' : 'Emulator key', prefix: caller.key.slice(0, 8) },
    };
    return json(200, me);
  }

  private models(url: URL): Reply {
    const query: Record<string, unknown> = Object.fromEntries(url.searchParams);
    const details = validators.modelCatalogQuery(query);
    if (details) return validationError('Invalid query parameters', details);
    const catalog: ModelCatalog = {
      models: emulatorCatalog(this.creditCostPerImage).filter((m) => query.modality === undefined || m.modality === query.modality),
    };
    return json(200, catalog);
  }

  private serveImage(path: string, entry: MutableLogEntry): Reply {
    const [, jobId, imageNumber] = /^\/cdn\/([0-9a-f-]{36})-(\d+)\.png$/.exec(path) ?? [];
    const job = jobId !== undefined ? this.jobsById.get(jobId) : undefined;
    if (!job) return this.noImage(entry);
    entry.jobId = job.id;
    const index = Number(imageNumber);
    const now = this.clock.now();
    const status = this.statusAt(job, now);
    if (status !== 'COMPLETED' || index < 1 || index > job.imageCount || this.isExpired(job, status, now)) {
      return this.noImage(entry);
    }
    const headers = { 'content-type': 'image/png', 'cache-control': 'public, max-age=86400' };
    if (job.outcome.kind !== 'image') return { kind: 'bytes', status: 200, body: this.imageBytes(job, index), headers };
    const hostile = job.outcome.body;
    if (hostile === 'notImage') return { kind: 'bytes', status: 200, body: NOT_AN_IMAGE, headers };
    if (hostile === 'truncated') {
      const bytes = this.imageBytes(job, index);
      return { kind: 'custom', status: 200, send: (_req, res) => writeTruncated(res, 200, headers, bytes) };
    }
    if (hostile === 'lyingLength') {
      const bytes = this.imageBytes(job, index);
      return { kind: 'custom', status: 200, send: (req, _res, requestId) => writeLyingLength(req, requestId, bytes) };
    }
    if (hostile === 'gzipBomb') {
      return { kind: 'bytes', status: 200, body: gzipBombBytes(), headers: { ...headers, 'content-encoding': 'gzip' } };
    }
    if ('oversizedBytes' in hostile) {
      return {
        kind: 'custom',
        status: 200,
        send: (_req, res) => writeOversized(res, headers, hostile.oversizedBytes, hostile.chunked === true),
      };
    }
    if ('custom' in hostile) {
      const { status = 200, headers: customHeaders = {}, body } = hostile.custom;
      return { kind: 'bytes', status, body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body, headers: customHeaders };
    }
    return { kind: 'bytes', status: 302, body: Buffer.alloc(0), headers: { location: hostile.redirectTo } };
  }

  /** An image URL with nothing behind it (purged, never existed, not ready yet). */
  private noImage(entry: MutableLogEntry): Reply {
    if (this.behaviour.missingImage === 'not-found') return error(404, 'Not found');
    const { body, headers } = accessDeniedXml(entry.requestId);
    return { kind: 'bytes', status: 403, body, headers };
  }
}

// ---- helpers -----------------------------------------------------------------------------------------

/** What a submit route knows about the job it is creating. */
interface JobPlan {
  readonly model: string;
  readonly prompt: string;
  readonly imageCount: number;
  readonly cost: number;
  readonly render: (index: number) => Buffer;
  readonly midjourney?: 'grid' | 'upsampled';
}

interface UploadRecord {
  readonly id: string;
  readonly userId: string;
  readonly bytes: Buffer;
  readonly contentType: string;
  readonly extension: string;
  /** Emulated ms from which the file is no longer served. */
  readonly goneAt: number;
}

function operationKindOf(path: string): OperationKind | undefined {
  const entry = Object.entries(OPERATION_PATHS).find(([, route]) => route === path);
  return entry?.[0] as OperationKind | undefined;
}

/** The image formats the emulated upload route takes, by their magic bytes (the declared type is ignored). */
function sniffUpload(bytes: Buffer): { type: string; extension: string } | undefined {
  const at = (offset: number, text: string): boolean => bytes.subarray(offset, offset + text.length).toString('latin1') === text;
  if (at(0, '\x89PNG\r\n\x1a\n')) return { type: 'image/png', extension: 'png' };
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return { type: 'image/jpeg', extension: 'jpg' };
  if (at(0, 'GIF87a') || at(0, 'GIF89a')) return { type: 'image/gif', extension: 'gif' };
  if (at(0, 'RIFF') && at(8, 'WEBP')) return { type: 'image/webp', extension: 'webp' };
  return undefined;
}

/** The result of an operation model on these pixels: its size and its PNG (one image). */
function deriveOperation(model: OperationModelId, params: Record<string, unknown>, source: Pixels): { size: { width: number; height: number }; render: () => Buffer } {
  const kind = OPERATION_MODELS[model].kind;
  if (kind === 'backgroundRemove') {
    const fill = backgroundFill(params);
    return { size: { width: source.width, height: source.height }, render: () => removeBackground(source, fill) };
  }
  if (kind === 'upscale') {
    const factor = upscaleFactorOf(model, params);
    const width = Math.round(source.width * factor);
    const height = Math.round(source.height * factor);
    return { size: { width, height }, render: () => resizeNearest(source, width, height) };
  }
  if (params.mode === 'outpaint') {
    const layout = outpaintLayout(params.outpaint as OutpaintPreset, source.width, source.height);
    return { size: layout, render: () => extendCanvas(source, layout.width, layout.height, layout, OUTPAINT_FILL) };
  }
  // Inpaint keeps the size; the "edit" is the picture mirrored left to right, so a test can tell it changed.
  return {
    size: { width: source.width, height: source.height },
    render: () => {
      const data = Buffer.alloc(source.data.length);
      for (let y = 0; y < source.height; y++) {
        for (let x = 0; x < source.width; x++) {
          const from = (y * source.width + (source.width - 1 - x)) * 4;
          source.data.copy(data, (y * source.width + x) * 4, from, from + 4);
        }
      }
      return extendCanvas({ width: source.width, height: source.height, data }, source.width, source.height, { left: 0, top: 0 }, OUTPAINT_FILL);
    },
  };
}

function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (part: Buffer) => {
      size += part.length;
      if (size > limit) tooLarge = true;
      else parts.push(part);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(parts)));
    // A client that gives up mid-body (an upload whose file changed) is no emulator failure: nobody is left to answer.
    req.on('error', (cause: NodeJS.ErrnoException) => (cause.code === 'ECONNRESET' ? resolve('aborted') : reject(cause)));
  });
}

function replyBytes(reply: Reply): [number, Record<string, string>, Buffer] {
  if (reply.kind === 'json') {
    return [reply.status, { 'content-type': JSON_TYPE, ...reply.headers }, Buffer.from(JSON.stringify(reply.body), 'utf8')];
  }
  if (reply.kind === 'bytes') return [reply.status, reply.headers, reply.body];
  return [reply.status, {}, Buffer.alloc(0)];
}

function methodNotAllowed(allow: string): Reply {
  return json(405, { error: 'Method not allowed' }, { allow });
}

function acceptedStatus(status: JobStatus): JobAccepted['status'] {
  // JobAccepted has no CANCELLED; a replay of a cancelled job reports it as FAILED (the job itself says more).
  return status === 'CANCELLED' ? 'FAILED' : status;
}

function isSupportedModel(model: string | undefined): model is SupportedImageModel {
  return (SUPPORTED_IMAGE_MODELS as readonly (string | undefined)[]).includes(model);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** JSON with sorted keys, so an idempotent replay does not depend on the client's key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isRecord(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): [number, string] | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'string') {
      return [value[0], value[1]];
    }
  } catch {
    // fall through: not a cursor this server issued
  }
  return undefined;
}

function statusText(status: number): string {
  return http.STATUS_CODES[status] ?? 'Error';
}
