// What the key-leak scan (leakScan.test.ts) needs to know about the whole integration run: every API key
// the suite handed to the extension (the canary first), every emulator it started, and every text the
// extension showed or posted to a webview, recorded as it happened. The test files share this module (mocha
// loads them into one extension host), so whatever an earlier file registers, the scan at the end sees.
import type { TestCore } from '../../src/container/testHooks';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator/index';
import { makeKey, type KeyShape } from './canaryKeys';
import { onGalleryTraffic, suiteUi } from './testApi';

/** A key that was handed to the extension during the run; `label` names it in a finding (never the value). */
export interface SuiteKey {
  readonly label: string;
  readonly value: string;
  /** How the key was made (see canaryKeys.ts); undefined for a key the suite did not make itself. */
  readonly shape?: KeyShape;
}

const keys: SuiteKey[] = [];
const emulators: Emulator[] = [];
/** Texts recorded while the run went on, grouped by the place they were shown in. */
const recorded = new Map<string, string[]>();
const recordedCores = new WeakSet<TestCore>();

function registerKey(label: string, value: string, shape?: KeyShape): string {
  if (!keys.some((key) => key.value === value)) keys.push(shape ? { label, value, shape } : { label, value });
  return value;
}

/**
 * The key the whole suite runs with: the emulators' demo key, stored through SecretStorage by every set-up
 * and used by every generation, Set API Key and error flow that needs a valid key. A 43-character base64url
 * string with no `afk_` prefix, so only the extension's explicit redaction of the real key can hide it.
 */
export const CANARY_KEY = registerKey('canary', makeKey('base64url'), 'base64url');

/**
 * Another key for a test that needs a wrong, inactive or "other window" key, of the given shape (pick one the
 * redactor's `afk_` rule does not cover unless the test is about that rule). Registered, so the scan looks for
 * it too; `label` names it in findings.
 */
export function suiteKey(label: string, shape: KeyShape): string {
  return registerKey(label, makeKey(shape), shape);
}

export function suiteKeys(): readonly SuiteKey[] {
  return keys;
}

/** Starts an emulator (with the canary as its demo key unless another is given) and registers it for the scan. */
export async function startTrackedEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = await startEmulator({ demoKey: CANARY_KEY, ...options });
  registerKey(emulator.demoKey === CANARY_KEY ? 'canary' : 'emulator_demo', emulator.demoKey);
  emulators.push(emulator);
  return emulator;
}

/** Every emulator the suite started (stopped ones too: their request logs stay readable). */
export function trackedEmulators(): readonly Emulator[] {
  return emulators;
}

function record(place: string, text: string): void {
  const texts = recorded.get(place);
  if (texts) texts.push(text);
  else recorded.set(place, [text]);
}

/**
 * From now on records every message (with its actions), every progress line and title, and every HTML and
 * message the gallery hands to its page. Once per core; the subscriptions live as long as the window.
 */
export function recordWhatTheExtensionShows(core: TestCore): void {
  if (recordedCores.has(core)) return;
  recordedCores.add(core);
  suiteUi.onMessage((message) => record('notification texts', JSON.stringify(message)));
  core.services.progress.onDidReport((report) => record('progress notifications', JSON.stringify(report)));
  core.services.progress.onDidChangeStoppedNotices((open) => {
    for (const localId of open) record('stopped notices', core.services.progress.stoppedNoticeText(localId) ?? '');
  });
  onGalleryTraffic((traffic) =>
    record(traffic.kind === 'html' ? 'gallery webview HTML' : 'gallery webview messages', traffic.kind === 'html' ? traffic.html : JSON.stringify(traffic.message)),
  );
}

/** What was recorded, by place. */
export function recordedTexts(): ReadonlyMap<string, readonly string[]> {
  return recorded;
}
