import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createApiframeClient, type ApiframeClient, type ApiframeClientOptions } from '../../src/apiframe/client';
import { JOURNAL_VERSION, Journal } from '../../src/jobs/journal';
import { createJobManager } from '../../src/jobs/manager';
import type { JobManager, JobManagerOptions } from '../../src/jobs/managerApi';
import type { Logger } from '../../src/shared/logger';
import { abortableSleep } from '../../src/jobs/waitForJob';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index';

/**
 * The real job manager on real storage (a temp folder) against the emulator over real HTTP — shared by the
 * manager's tests (test/http/) and the chaos run. Only waiting is compressed: the emulator's jobs run `timeScale`
 * times faster, and the manager's poll sleeps are scaled by the same factor.
 */

export interface RecordingLogger extends Logger {
  readonly lines: string[];
}

export function recordingLogger(echo = false): RecordingLogger {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => {
    lines.push(`${level}: ${message}`);
    if (echo) console.log(`${level}: ${message}`);
  };
  return { lines, trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export interface HarnessOptions {
  readonly emulator?: EmulatorOptions;
  readonly client?: Partial<ApiframeClientOptions>;
  readonly manager?: Partial<JobManagerOptions>;
  /** Scales the manager's poll sleeps (default: the emulator's timeScale). */
  readonly sleepScale?: number;
}

export interface Harness {
  readonly emulator: Emulator;
  readonly storageDir: string;
  readonly log: RecordingLogger;
  readonly client: ApiframeClient;
  /** A manager on the harness storage (a "window"); options override the harness defaults. */
  newManager(overrides?: Partial<JobManagerOptions>): JobManager;
  /** The journal as it is on disk right now (snapshot and change log). */
  journalOnDisk(): Promise<{ version: number; records: { localId: string; phase: string; jobId?: string }[]; durationModel?: unknown }>;
  cleanup(): Promise<void>;
}

export const TEST_TIME_SCALE = 0.005;

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const timeScale = options.emulator?.timeScale ?? TEST_TIME_SCALE;
  const emulator = await startEmulator({ imageScale: 1 / 16, ...options.emulator, timeScale });
  const storageDir = await fs.mkdtemp(path.join(os.tmpdir(), 'apiframe-manager-'));
  const log = recordingLogger(process.env.APIFRAME_TEST_ECHO_LOG === '1');
  const client = createApiframeClient({
    baseUrl: emulator.url,
    apiKey: emulator.demoKey,
    userAgent: 'apiframe-images-tests/0.0.0',
    timeoutMs: 2_000,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 40,
    maxRetryAfterMs: 20,
    ...options.client,
  });
  const sleepScale = options.sleepScale ?? timeScale;
  const managers: JobManager[] = [];
  return {
    emulator,
    storageDir,
    log,
    client,
    newManager(overrides = {}) {
      const manager = createJobManager({
        storageDir,
        client: () => Promise.resolve(client),
        historyLimit: 10_000,
        maxImageBytes: 4 * 1024 * 1024,
        log,
        retryBaseDelayMs: 5,
        progressFlushMs: 20,
        waitTimeoutMs: 60_000,
        sleep: (ms, signal) => scaledSleep(ms * sleepScale, signal),
        ...overrides,
      });
      managers.push(manager);
      return manager;
    },
    async journalOnDisk() {
      // Snapshot and change log, read the way the next window reads them (without touching the folder).
      const contents = await new Journal({ dir: storageDir, log: recordingLogger() }).load({ readOnly: true });
      return { version: JOURNAL_VERSION, records: [...contents.records], durationModel: contents.durationModel };
    },
    async cleanup() {
      for (const manager of managers) await manager.dispose();
      await client.close();
      await emulator.stop();
      await fs.rm(storageDir, { recursive: true, force: true });
    },
  };
}

function scaledSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return abortableSleep(Math.max(1, Math.round(ms)), signal);
}

/** Every file under `dir`, relative, sorted (to prove nothing was left behind). */
export async function listFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(current: string): Promise<void> {
    let entries;
    try {
      entries = await fs.readdir(current, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else found.push(path.relative(dir, full).split(path.sep).join('/'));
    }
  }
  await walk(dir);
  return found.sort();
}
