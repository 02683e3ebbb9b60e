import { EMULATOR_PROFILES, type EmulatorProfile } from '../emulator/index';
import { runChaos } from './chaosRun';

/**
 * `npm run test:chaos [-- --profile NAME --seed N --jobs N --concurrency N]` (or APIFRAME_CHAOS_PROFILE /
 * _SEED / _JOBS / _CONCURRENCY). Default: 1,000 jobs under EVERY emulator profile, one line each, with a
 * random seed (printed, so any failure can be replayed); ≥ 1 restart per 20 jobs required.
 */

function option(name: string, env: string): number | undefined {
  const index = process.argv.indexOf(`--${name}`);
  const raw = index >= 0 ? process.argv[index + 1] : process.env[env];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer, got ${raw}`);
  return value;
}

function profiles(): readonly EmulatorProfile[] {
  const index = process.argv.indexOf('--profile');
  const raw = index >= 0 ? process.argv[index + 1] : process.env.APIFRAME_CHAOS_PROFILE;
  if (raw === undefined || raw === '' || raw === 'all') return EMULATOR_PROFILES;
  const chosen = raw.split(',').map((name) => name.trim());
  for (const name of chosen) {
    if (!(EMULATOR_PROFILES as readonly string[]).includes(name)) {
      throw new Error(`--profile must be one of ${EMULATOR_PROFILES.join(', ')} (or all), got ${name}`);
    }
  }
  return chosen as EmulatorProfile[];
}

async function main(): Promise<number> {
  const seed = option('seed', 'APIFRAME_CHAOS_SEED') ?? Math.floor(Math.random() * 2 ** 31);
  const jobs = option('jobs', 'APIFRAME_CHAOS_JOBS') ?? 1000;
  const concurrency = option('concurrency', 'APIFRAME_CHAOS_CONCURRENCY') ?? 24;
  const minRestarts = Math.floor(jobs / 20);
  const chosen = profiles();
  console.log(`chaos: starting seed=${seed} jobs=${jobs} concurrency=${concurrency} profiles=${chosen.join(',')}`);
  const failures: string[] = [];
  for (const profile of chosen) {
    const started = Date.now();
    const result = await runChaos({ profile, seed, jobs, concurrency, restartRate: 0.15, faultRate: 0.08, log: (l) => console.log(l) });
    console.log(result.summary);
    console.log(`${result.detail} seconds=${Math.round((Date.now() - started) / 1000)}`);
    const problems: string[] = [];
    if (result.unfinished > 0) problems.push(`${result.unfinished} unfinished`);
    if (result.lost > 0) problems.push(`${result.lost} lost`);
    if (result.duplicates > 0) problems.push(`${result.duplicates} duplicates`);
    if (result.corrupt > 0) problems.push(`${result.corrupt} corrupt`);
    if (result.restarts < minRestarts) problems.push(`only ${result.restarts} restarts (need ≥ ${minRestarts})`);
    if (problems.length > 0) failures.push(`profile ${profile}: ${problems.join(', ')}`);
  }
  if (failures.length > 0) {
    console.error(`chaos: FAILED (${failures.join('; ')}); replay with --seed ${seed} --profile <name>`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('chaos: the run crashed:', error);
    process.exit(1);
  },
);
