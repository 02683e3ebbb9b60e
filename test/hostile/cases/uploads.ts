/**
 * Hostile answers to a multipart upload, and hostile file names in one: the real client uploads to the emulator,
 * which plays the broken or malicious server. Every refusal must be a clear, bounded sentence without the key,
 * and a file name can never break out of its multipart header.
 */
import * as assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { createApiframeClient, type ApiframeClient, type UploadSource } from '../../../src/apiframe/client';
import { ApiframeError } from '../../../src/apiframe/errors';
import { startEmulator, type Emulator, type Fault } from '../../emulator/index';
import { renderImage } from '../../emulator/images';
import { assertUserMessage } from '../checks';
import type { HostileCase } from '../types';

const PNG = renderImage({ prompt: 'hostile upload', seed: 2, index: 1, size: { width: 8, height: 8 }, style: 'vivid', imageScale: 1 });

function source(fileName: string): UploadSource {
  return {
    fileName,
    size: PNG.length,
    // Two chunks, so the client's look at the first bytes and the rest of the stream both take part.
    open: () => Readable.from([PNG.subarray(0, 10), PNG.subarray(10)]),
  };
}

async function withUploadClient(run: (emulator: Emulator, client: ApiframeClient) => Promise<void>): Promise<void> {
  const emulator = await startEmulator({ seed: 11, imageScale: 1 / 32 });
  const client = createApiframeClient({
    baseUrl: emulator.url,
    apiKey: emulator.demoKey,
    userAgent: 'hostile-uploads/0',
    env: {},
    timeoutMs: 2_000,
    maxRetries: 2,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
  });
  try {
    await run(emulator, client);
  } finally {
    await client.close();
    await emulator.stop();
  }
}

async function refusal(promise: Promise<unknown>): Promise<ApiframeError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApiframeError, `expected an ApiframeError, got ${String(error)}`);
    assert.equal(error.cause, undefined, 'no cause (undici errors can hold headers)');
    return error;
  }
  return assert.fail('the upload succeeded');
}

/** A fault answering every upload attempt in front of the API. */
function everyUpload(emulator: Emulator, fault: Fault): void {
  emulator.faults.inject({ fault, method: 'POST', path: '/v2/uploads', times: 10 });
}

export const cases: HostileCase[] = [
  {
    area: 'server',
    name: 'upload: a 400 whose reason and details echo the key',
    run: () =>
      withUploadClient(async (emulator, client) => {
        const key = emulator.demoKey;
        const body = JSON.stringify({ error: `Invalid upload for ${key}`, details: { [`file ${key}`]: [`${key}\r\nX-Injected: 1`] } });
        everyUpload(emulator, { kind: 'rawBody', status: 400, body, contentType: 'application/json' });
        const error = await refusal(client.uploadImage(source('logo.png')));
        assert.equal(error.code, 'validation');
        assertUserMessage(error.message, [key]);
      }),
  },
  {
    area: 'server',
    name: 'upload: a 201 whose URL is javascript:',
    run: () =>
      withUploadClient(async (emulator, client) => {
        const body = JSON.stringify({ id: 'x', url: 'javascript:alert(1)', kind: 'image', contentType: 'image/png', byteSize: 1, expiresAt: '2999-01-01T00:00:00Z' });
        everyUpload(emulator, { kind: 'rawBody', status: 201, body, contentType: 'application/json' });
        const error = await refusal(client.uploadImage(source('logo.png')));
        assert.equal(error.code, 'badResponse');
        assertUserMessage(error.message, [emulator.demoKey]);
      }),
  },
  {
    area: 'server',
    name: 'upload: every attempt reset mid-body (the key in the file name)',
    run: () =>
      withUploadClient(async (emulator, client) => {
        everyUpload(emulator, { kind: 'reset' });
        const error = await refusal(client.uploadImage(source(`${emulator.demoKey}.png`)));
        assert.equal(error.code, 'network');
        assertUserMessage(error.message, [emulator.demoKey]);
        assert.equal(emulator.log.where({ path: '/v2/uploads' }).length, 3, 'the first attempt and two retries');
      }),
  },
  {
    area: 'server',
    name: 'upload: a file name with quotes and line breaks cannot add multipart headers or parts',
    run: () =>
      withUploadClient(async (emulator, client) => {
        const fileName = 'a"; name="other"\r\nContent-Type: text/html\r\n\r\n<script>.png';
        const upload = await client.uploadImage(source(fileName));
        assert.equal(upload.contentType, 'image/png');
        const [entry] = emulator.log.where({ path: '/v2/uploads' });
        const file = (entry?.body as { file: { name: string; type: string; size: number } } | undefined)?.file;
        // The name arrives whole (percent-encoded on the wire, decoded by the server's parser) and the injected
        // Content-Type did not take: the part is still the PNG it was.
        assert.deepEqual(file, { name: fileName, type: 'image/png', size: PNG.length });
      }),
  },
];
