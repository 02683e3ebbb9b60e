import { SeededRandom } from './random';

/**
 * Fault injection. Rules are matched against each incoming request in the order they were injected; a rule
 * with `times` left fires and counts down. When no rule matches, a seeded random fault source (if set) may
 * fire. Where a fault acts:
 * - `status`, `htmlBody`, `reset`, `rawBody`: in front of the API (like a load balancer) — the request is NOT processed;
 * - `lostResponse`, `malformedJson`, `delay`, `truncatedBody`: the request IS processed (a submit creates and later charges
 *   its job as usual), then the answer is destroyed / cut in half / held back for `ms` real milliseconds.
 */
export type Fault =
  | { kind: 'status'; status: 429; retryAfter?: string } // "2" or an HTTP date
  | { kind: 'status'; status: 500 | 502 | 503 | 504; body?: string }
  | { kind: 'reset' } // destroy the socket before any response (nothing processed)
  | { kind: 'lostResponse' } // process the request fully (job created, charged as usual), then destroy the socket
  | { kind: 'delay'; ms: number } // answer after ms (real milliseconds)
  | { kind: 'malformedJson' } // 200 with a non-JSON / truncated JSON body
  | { kind: 'htmlBody'; status: number } // e.g. a proxy's HTML error page
  | { kind: 'truncatedBody' } // processed; the full Content-Length is announced, half the body sent, socket dropped
  // In front of the API: exactly this status and body (any bytes, empty allowed) — a hostile or broken server.
  | { kind: 'rawBody'; status: number; body: string | Buffer; contentType?: string };

export interface FaultRule {
  fault: Fault;
  /** e.g. 'POST'; any method when absent. */
  method?: string;
  /**
   * A string matches that pathname and everything below it ('/v2/jobs' matches '/v2/jobs' and
   * '/v2/jobs/<id>'; '/cdn' matches every image URL); a RegExp is tested against the pathname.
   */
  path?: string | RegExp;
  /** How many matching requests the rule hits (default 1). */
  times?: number;
}

/** How a job created while this is queued ends (see `FaultController.nextJob`). */
export type JobOutcome =
  | { kind: 'completed'; images?: number } // default 1 image
  | { kind: 'failed'; error?: string } // default content-policy text; creditCost 0
  | { kind: 'cancelled' }
  | { kind: 'stuck' } // stays PROCESSING forever
  | { kind: 'legacyResult' } // result is a bare URL string (older API)
  | { kind: 'resultOverride'; result: unknown } // hostile result (javascript:, file:, data: URLs, …)
  | {
      kind: 'image';
      body:
        | 'notImage'
        | 'truncated'
        | 'lyingLength'
        | 'gzipBomb'
        // `chunked`: no Content-Length, so only a streaming cap can stop it
        | { oversizedBytes: number; chunked?: boolean }
        | { redirectTo: string }
        // any answer from the image host (status default 200)
        | { custom: { status?: number; headers?: Record<string, string>; body: string | Buffer } };
    };

export interface RandomFaultOptions {
  seed: number;
  /** Probability in [0, 1] that a matching request gets a fault. */
  rate: number;
  kinds: Fault['kind'][];
  path?: string | RegExp;
  /** Only requests with this method (any when absent). */
  method?: string;
  /** Retry-After of random 429s (default "1"). */
  retryAfter?: string;
  /** How long random `delay` faults hold the answer, in real ms (default 1500). */
  delayMs?: number;
}

export interface FaultController {
  inject(rule: FaultRule): void;
  /** Seeded random faults on matching requests, until clear(). */
  random(options: RandomFaultOptions): void;
  /** The next created job ends this way (a queue: one entry per created job). */
  nextJob(outcome: JobOutcome): void;
  /** Removes every rule, the random source and queued outcomes. */
  clear(): void;
  /** Rules not yet used up (for tests that check a fault was actually hit). */
  pendingRules(): number;
}

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

interface RandomSource {
  options: RandomFaultOptions;
  random: SeededRandom;
}

export function pathMatches(pattern: string | RegExp | undefined, pathname: string): boolean {
  if (pattern === undefined) return true;
  if (typeof pattern !== 'string') {
    pattern.lastIndex = 0;
    return pattern.test(pathname);
  }
  const prefix = pattern.endsWith('/') ? pattern : `${pattern}/`;
  return pathname === pattern || pathname.startsWith(prefix);
}

export class Faults implements FaultController {
  private rules: ActiveRule[] = [];
  private randomSource: RandomSource | undefined;
  private outcomes: JobOutcome[] = [];

  inject(rule: FaultRule): void {
    const times = rule.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`times must be a positive integer, got ${times}`);
    this.rules.push({ rule, remaining: times });
  }

  random(options: RandomFaultOptions): void {
    if (!(options.rate >= 0 && options.rate <= 1)) throw new RangeError(`rate must be in [0, 1], got ${options.rate}`);
    if (options.kinds.length === 0) throw new RangeError('random faults need at least one kind');
    this.randomSource = { options, random: new SeededRandom(options.seed, 'faults') };
  }

  nextJob(outcome: JobOutcome): void {
    this.outcomes.push(outcome);
  }

  clear(): void {
    this.rules = [];
    this.randomSource = undefined;
    this.outcomes = [];
  }

  pendingRules(): number {
    return this.rules.length;
  }

  /** The fault for this request, if any (consumes a use of the matching rule). */
  take(method: string, pathname: string): Fault | undefined {
    const active = this.rules.find(
      ({ rule }) => (rule.method === undefined || rule.method.toUpperCase() === method) && pathMatches(rule.path, pathname),
    );
    if (active) {
      active.remaining -= 1;
      if (active.remaining <= 0) this.rules.splice(this.rules.indexOf(active), 1);
      return active.rule.fault;
    }
    const source = this.randomSource;
    if (!source) return undefined;
    const { options, random } = source;
    if (options.method !== undefined && options.method.toUpperCase() !== method) return undefined;
    if (!pathMatches(options.path, pathname)) return undefined;
    if (random.next() >= options.rate) return undefined;
    return randomFault(random.pick(options.kinds), random, options);
  }

  peekOutcome(): JobOutcome | undefined {
    return this.outcomes[0];
  }

  takeOutcome(): JobOutcome | undefined {
    return this.outcomes.shift();
  }
}

function randomFault(kind: Fault['kind'], random: SeededRandom, options: RandomFaultOptions): Fault {
  switch (kind) {
    case 'status': {
      // Only statuses a client is expected to retry: the point of random faults is "survive them".
      const status = random.pick([429, 502, 503, 503, 504] as const);
      return status === 429 ? { kind: 'status', status, retryAfter: options.retryAfter ?? '1' } : { kind: 'status', status };
    }
    case 'delay':
      return { kind: 'delay', ms: options.delayMs ?? 1500 };
    case 'htmlBody':
      return { kind: 'htmlBody', status: 502 };
    case 'rawBody':
      return { kind: 'rawBody', status: 200, body: '' };
    case 'reset':
    case 'lostResponse':
    case 'malformedJson':
    case 'truncatedBody':
      return { kind };
  }
}
