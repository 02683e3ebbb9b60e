/** Shared set-up for the client tests: an emulator and a client pointed at it (fast retries, short timeouts). */
import { createApiframeClient, type ApiframeClient, type ApiframeClientOptions } from '../../src/apiframe/client';
import { ApiframeError } from '../../src/apiframe/errors';
import { startEmulator, type Emulator, type EmulatorOptions } from '../emulator';

export async function emulatorWithClient(
  emulatorOptions: EmulatorOptions = {},
  clientOptions: Partial<ApiframeClientOptions> = {},
): Promise<{ emulator: Emulator; client: ApiframeClient; stop: () => Promise<void> }> {
  const emulator = await startEmulator({ seed: 3, timeScale: 0.005, imageScale: 1 / 16, ...emulatorOptions });
  const client = clientFor(emulator, clientOptions);
  return {
    emulator,
    client,
    // A function, not a method: callers take it out of the object (`const { stop } = …`).
    stop: async () => {
      await client.close();
      await emulator.stop();
    },
  };
}

export function clientFor(emulator: Emulator, options: Partial<ApiframeClientOptions> = {}): ApiframeClient {
  return createApiframeClient({
    baseUrl: emulator.url,
    apiKey: emulator.demoKey,
    userAgent: 'apiframe-images-test/0.0.0',
    timeoutMs: 2_000,
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 20,
    env: {},
    ...options,
  });
}

/** Awaits a promise that must reject with an ApiframeError, and returns it. */
export async function rejection(promise: Promise<unknown>): Promise<ApiframeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiframeError) return error;
    throw new Error(`expected an ApiframeError, got ${String(error)}`);
  }
  throw new Error('expected a rejection, but the call succeeded');
}
