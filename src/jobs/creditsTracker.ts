/**
 * The team's credits left, read from `GET /v2/me` only when they can have changed: after a job of this window
 * settles (done, failed, expired), when the window gets the focus back (someone may have spent or bought
 * credits elsewhere; at most once per `focusIntervalMs`), and when the gallery opens. There is no timer: a
 * window left alone sends nothing. Pure (no `vscode`, the clock passed in), so the rules are tested on a fake
 * clock; src/container/accountCredits.ts connects it to the window, the key and the surfaces that show it.
 */
import { errorText } from '../shared/errorText';
import { TERMINAL_PHASES, type JobPhase } from '../shared/jobPhases';
import type { Logger } from '../shared/logger';
import type { JobManager, Unsubscribe } from './managerApi';

/** What is known of the credits left. */
export interface CreditsReading {
  /** Credits left, or null when unknown (no key, never read, or the account has no team). */
  readonly credits: number | null;
  /** Epoch ms of the read that gave `credits`. */
  readonly updatedAt?: number;
  /** The last read failed: `credits` is from an earlier one (or unknown). */
  readonly stale: boolean;
}

/** Why a read is made (logged at debug level, and the rules differ by it). */
export type CreditsRefreshReason = 'job' | 'focus' | 'gallery' | 'key';

export interface CreditsTrackerOptions {
  /** Whether a key is stored; without one nothing is sent. */
  readonly hasKey: () => Promise<boolean>;
  /** Reads the team's credits with the stored key (null: the account has no team). Rejects on failure. */
  readonly fetchCredits: () => Promise<number | null>;
  readonly now: () => number;
  /** Already redacting: failures are logged here, never shown. */
  readonly log: Logger;
  /** A focus reads again only when the last read started at least this long ago. Default one minute. */
  readonly focusIntervalMs?: number;
}

export const DEFAULT_FOCUS_INTERVAL_MS = 60_000;

const UNKNOWN: CreditsReading = { credits: null, stale: false };

export class CreditsTracker {
  private current: CreditsReading = UNKNOWN;
  /** When the last read started (epoch ms); the focus rule counts from it, so failures are throttled too. */
  private lastReadStartedAt: number | undefined;
  /**
   * True once a job settled or the gallery opened: something shows the credits since. Before that a focus
   * sends nothing (a window that never generated has nothing to keep up to date).
   */
  private engaged = false;
  private inFlight: Promise<void> | undefined;
  private readAgain = false;
  /** Bumped when the key changes: a read answered for the old key is dropped. */
  private keyGeneration = 0;
  private readonly listeners = new Set<(reading: CreditsReading) => void>();
  private readonly watchedManagers = new WeakSet<object>();
  private readonly subscriptions: Unsubscribe[] = [];
  private disposed = false;

  constructor(private readonly options: CreditsTrackerOptions) {}

  get reading(): CreditsReading {
    return this.current;
  }

  /** Calls `listener` whenever the reading changes. */
  onDidChange(listener: (reading: CreditsReading) => void): Unsubscribe {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /**
   * Reads again whenever one of the manager's records settles (enters done, failed or expired) — each manager
   * once. Records already settled when watching starts do not count; only what happens from now on.
   */
  watchJobs(manager: Pick<JobManager, 'history' | 'onDidChange'>): void {
    if (this.watchedManagers.has(manager)) return;
    this.watchedManagers.add(manager);
    const phases = new Map<string, JobPhase>(manager.history().map((record) => [record.localId, record.phase]));
    this.subscriptions.push(
      manager.onDidChange((localId, record) => {
        const before = phases.get(localId);
        if (!record) {
          phases.delete(localId);
          return;
        }
        phases.set(localId, record.phase);
        const settled = TERMINAL_PHASES.has(record.phase) && (before === undefined || !TERMINAL_PHASES.has(before));
        if (settled) void this.refresh('job');
      }),
    );
  }

  /** The gallery opened: it shows the credits, so they are read once. */
  galleryOpened(): Promise<void> {
    return this.refresh('gallery');
  }

  /** The window got the focus back: reads again if something shows the credits and the last read is old enough. */
  windowFocused(): Promise<void> {
    if (!this.engaged) return Promise.resolve();
    const interval = this.options.focusIntervalMs ?? DEFAULT_FOCUS_INTERVAL_MS;
    if (this.lastReadStartedAt !== undefined && this.options.now() - this.lastReadStartedAt < interval) return Promise.resolve();
    return this.refresh('focus');
  }

  /** The stored key changed: what was read belongs to another account (or to none). */
  keyChanged(): Promise<void> {
    this.keyGeneration++;
    this.lastReadStartedAt = undefined;
    this.set(UNKNOWN);
    return this.engaged ? this.refresh('key') : Promise.resolve();
  }

  /**
   * Reads the credits now (one read at a time: asked again meanwhile, it reads once more after it). Never
   * rejects: a failure is logged and keeps the last figure, marked stale.
   */
  refresh(reason: CreditsRefreshReason): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (reason !== 'focus') this.engaged = true;
    if (this.inFlight) {
      this.readAgain = true;
      return this.inFlight;
    }
    const run = async (): Promise<void> => {
      let next: CreditsRefreshReason | undefined = reason;
      while (next && !this.disposed) {
        this.readAgain = false;
        await this.readOnce(next);
        next = this.readAgain ? reason : undefined;
      }
    };
    this.inFlight = run().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  dispose(): void {
    this.disposed = true;
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.listeners.clear();
  }

  private async readOnce(reason: CreditsRefreshReason): Promise<void> {
    const generation = this.keyGeneration;
    const hasKey = await this.options.hasKey().catch(() => false);
    if (generation !== this.keyGeneration) return;
    if (!hasKey) {
      this.set(UNKNOWN);
      return;
    }
    this.lastReadStartedAt = this.options.now();
    try {
      const credits = await this.options.fetchCredits();
      if (generation !== this.keyGeneration) return;
      this.options.log.debug(`Credits left read (${reason}): ${credits ?? 'no team'}`);
      this.set({ credits, updatedAt: this.options.now(), stale: false });
    } catch (error) {
      if (generation !== this.keyGeneration) return;
      // Quiet on purpose: the figure is a hint, and the user did not ask for it; the next trigger tries again.
      this.options.log.warn(`Could not read the credits left (${reason}): ${errorText(error)}`);
      this.set({ ...this.current, stale: true });
    }
  }

  private set(reading: CreditsReading): void {
    const same =
      reading.credits === this.current.credits && reading.updatedAt === this.current.updatedAt && reading.stale === this.current.stale;
    if (same) return;
    this.current = reading;
    for (const listener of [...this.listeners]) listener(reading);
  }
}
