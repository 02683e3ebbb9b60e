import { DEFAULT_PROFILE, EMULATOR_PROFILES, PROFILE_SUMMARIES, isEmulatorProfile, startEmulator, type EmulatorOptions, type EmulatorProfile } from './index';

/**
 * `npm run emulator` — the Apiframe emulator as a standalone server, for the demo and for trying the API
 * with curl. Real timing by default (jobs take ~20 s); `--fast` or `--time-scale 0.05` speeds it up.
 *
 *   --port N          (or APIFRAME_EMULATOR_PORT; default 8787, 0 = any free port)
 *   --time-scale X    (or APIFRAME_EMULATOR_TIME_SCALE; default 1)     --fast   same as --time-scale 0.1
 *   --image-scale X   (default 1 = real DALL-E sizes)                  --seed N (default 1)
 *   --credits N       (default 1000)                                   --key afk_…  (fixed demo key)
 *   --failure-rate X  share of jobs that fail with the content-policy error (default 0)
 *   --profile NAME    (or APIFRAME_EMULATOR_PROFILE; default friendly) which spec-conforming server to be:
 *                     friendly, spec-strict, no-progress, coarse-progress, cdn-403, result-shapes (see README.md)
 */

function parseArgs(argv: readonly string[]): EmulatorOptions {
  const env = process.env;
  const options: EmulatorOptions = {
    port: numberOf('APIFRAME_EMULATOR_PORT', env.APIFRAME_EMULATOR_PORT ?? '8787'),
    timeScale: numberOf('APIFRAME_EMULATOR_TIME_SCALE', env.APIFRAME_EMULATOR_TIME_SCALE ?? '1'),
  };
  if (env.APIFRAME_EMULATOR_KEY) options.demoKey = env.APIFRAME_EMULATOR_KEY;
  if (env.APIFRAME_EMULATOR_PROFILE) options.profile = profileOf('APIFRAME_EMULATOR_PROFILE', env.APIFRAME_EMULATOR_PROFILE);
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) fail(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--port':
        options.port = numberOf(flag, value());
        break;
      case '--time-scale':
        options.timeScale = numberOf(flag, value());
        break;
      case '--fast':
        options.timeScale = 0.1;
        break;
      case '--image-scale':
        options.imageScale = numberOf(flag, value());
        break;
      case '--seed':
        options.seed = numberOf(flag, value());
        break;
      case '--credits':
        options.credits = numberOf(flag, value());
        break;
      case '--failure-rate':
        options.failureRate = numberOf(flag, value());
        break;
      case '--key':
        options.demoKey = value();
        break;
      case '--profile':
        options.profile = profileOf(flag, value());
        break;
      case '--help':
      case '-h':
        console.log(
          'usage: npm run emulator -- [--port N] [--time-scale X | --fast] [--image-scale X] [--seed N] [--credits N] ' +
            '[--failure-rate X] [--key afk_…] [--profile NAME]',
        );
        console.log('profiles:');
        for (const name of EMULATOR_PROFILES) console.log(`  ${name.padEnd(16)} ${PROFILE_SUMMARIES[name]}`);
        process.exit(0);
        break;
      default:
        fail(`unknown option ${flag} (try --help)`);
    }
  }
  return options;
}

function profileOf(name: string, text: string): EmulatorProfile {
  if (!isEmulatorProfile(text)) fail(`${name}: unknown profile ${JSON.stringify(text)}; valid profiles: ${EMULATOR_PROFILES.join(', ')}`);
  return text;
}

function numberOf(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) fail(`${name} must be a number, got ${JSON.stringify(text)}`);
  return value;
}

function fail(message: string): never {
  console.error(`emulator: ${message}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const emulator = await startEmulator(options);
  console.log(`Apiframe emulator listening on ${emulator.url} (profile: ${emulator.profile})`);
  if (emulator.profile !== DEFAULT_PROFILE) console.log(`profile ${emulator.profile}: ${PROFILE_SUMMARIES[emulator.profile]}`);
  console.log(`demo key: ${emulator.demoKey}`);
  console.log(`time scale: ${options.timeScale ?? 1} (a job takes ~${Math.round(20 * (options.timeScale ?? 1) * 10) / 10} s)`);
  console.log('try:');
  console.log(
    `  curl -s -X POST ${emulator.url}/v2/images/generate -H 'X-API-Key: ${emulator.demoKey}' ` +
      `-H 'Content-Type: application/json' -d '{"prompt":"a lighthouse at dawn","model":"dall-e-3"}'`,
  );
  console.log(`  curl -s ${emulator.url}/v2/jobs/<jobId> -H 'X-API-Key: ${emulator.demoKey}'`);
  console.log('Ctrl-C to stop.');
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    emulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((cause: unknown) => {
  fail(cause instanceof Error ? cause.message : String(cause));
});
