/**
 * Hostile server responses, over real HTTP: the emulator plays the broken or
 * malicious server, the real client (`createApiframeClient`) talks to it, and downloads go through the real
 * `ImageCache` (or the whole real job manager) on a temp folder. Each answer must be refused with a clear,
 * bounded message that never carries the key, must be read only as far as the caps allow, and must leave
 * nothing in the cache — no file, no `.part` leftover.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ApiframeClient } from '../../../src/apiframe/client';
import { ApiframeError, type ApiframeErrorCode } from '../../../src/apiframe/errors';
import { imageUrlsOf } from '../../../src/apiframe/shapes';
import { ImageCache, ImageRefusedError, type ImageRefusalReason } from '../../../src/jobs/imageCache';
import type { JobRecord } from '../../../src/jobs/types';
import { createHarness, listFiles, type Harness } from '../../chaos/harness';
import type { Fault, JobOutcome, RequestLogEntry } from '../../emulator/index';
import { assertUserMessage } from '../checks';
import type { HostileCase } from '../types';

/** Per-image cap used throughout (the harness's manager uses the same). */
const MAX_IMAGE_BYTES = 4 * 1024 * 1024;
const MIB = 1024 * 1024;
/** How far past the cap a refused download may have been sent: socket buffers on both sides, never the body. */
const SENT_SLACK_BYTES = 24 * MIB;
const JOB_ID = '0b7f5c3e-9a41-4d2b-8e6f-1c2d3e4f5a6b';
const LOCAL_ID = '5e0c1f2a-3b4d-4c6e-8f70-8192a3b4c5d6';
const INPUT = { prompt: 'a lighthouse on a cliff at dawn', aspectRatio: '1:1', style: 'vivid' } as const;

type Expected = { readonly code: ApiframeErrorCode } | { readonly refused: ImageRefusalReason };

async function withHarness<T>(run: (harness: Harness) => Promise<T>): Promise<T> {
  const harness = await createHarness({ emulator: { timeScale: 0.0005 }, manager: { stepAttempts: 2 } });
  try {
    return await run(harness);
  } finally {
    await harness.cleanup();
  }
}

/** The cache folder holds no file (and so no `.part`), and the whole storage has no `.part` either. */
async function assertNothingCached(storageDir: string): Promise<void> {
  assert.deepEqual(await listFiles(path.join(storageDir, 'images')), [], 'files left in the image cache');
  const leftovers = (await listFiles(storageDir)).filter((f) => f.endsWith('.part'));
  assert.deepEqual(leftovers, [], '.part leftovers');
}

function assertRefusal(error: unknown, expected: Expected, secret: string): string {
  if ('code' in expected) {
    assert.ok(error instanceof ApiframeError, `expected ApiframeError ${expected.code}, got ${String(error)}`);
    assert.equal(error.code, expected.code, error.message);
    assert.equal(error.cause, undefined, 'no cause (undici errors can hold headers)');
  } else {
    assert.ok(error instanceof ImageRefusedError, `expected ImageRefusedError ${expected.refused}, got ${String(error)}`);
    assert.equal(error.reason, expected.refused, error.message);
  }
  assert.ok(error instanceof Error);
  assertUserMessage(error.message, [secret]);
  return error.message;
}

/** A COMPLETED emulator job ending with `outcome`; returns its result URLs as the API reports them. */
/** A finished job: its id, all its image URLs, and the first of them (`url`; there is always one). */
async function completedJob(harness: Harness, outcome?: JobOutcome): Promise<{ jobId: string; urls: string[]; url: string }> {
  const { client, emulator } = harness;
  if (outcome) emulator.faults.nextJob(outcome);
  const accepted = await client.submitImage({ prompt: INPUT.prompt, model: 'dall-e-3' });
  emulator.clock.advance(10 * 60_000);
  const job = await client.getJob(accepted.jobId);
  assert.equal(job.status, 'COMPLETED');
  const urls = imageUrlsOf(job.result);
  const [url] = urls;
  assert.ok(url !== undefined, 'the completed job has an image URL');
  return { jobId: job.id, urls, url };
}

/** Downloads `url` with the real client into the real cache, as the manager does; returns what it threw. */
async function downloadIntoCache(
  client: ApiframeClient,
  url: string,
  storageDir: string,
): Promise<{ error: unknown; maxReceived: number }> {
  const cache = new ImageCache(storageDir);
  let maxReceived = 0;
  try {
    const image = await client.downloadImage(url, { maxBytes: MAX_IMAGE_BYTES });
    await cache.store(LOCAL_ID, 1, image.body, {
      maxBytes: MAX_IMAGE_BYTES,
      onBytes: (received) => (maxReceived = Math.max(maxReceived, received)),
    });
  } catch (error) {
    return { error, maxReceived };
  }
  assert.fail(`the download of ${url} was stored`);
}

/** Waits until the emulator has finished (or abandoned) every answer to `path`, then returns their log entries. */
async function finishedAnswers(harness: Harness, pathPrefix: string): Promise<RequestLogEntry[]> {
  for (let waited = 0; ; waited += 10) {
    const entries = harness.emulator.log.where({ path: pathPrefix });
    if (entries.length > 0 && entries.every((e) => e.bytesSent !== undefined)) return entries;
    assert.ok(waited < 5_000, 'the emulator never finished its answers');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// ---- result URLs --------------------------------------------------------------------------------------

interface HostileUrl {
  readonly name: string;
  readonly url: string;
  /** As a redirect's Location it would resolve against the image host (relative): no redirect case. */
  readonly relative?: true;
  /** Words of the URL the message must not repeat (credentials, a query string). */
  readonly secret?: string;
}

const HOSTILE_URLS: readonly HostileUrl[] = [
  { name: 'file: URL', url: 'file:///etc/passwd' },
  { name: 'file: URL to a Windows share', url: 'file://attacker/share/x.png' },
  { name: 'upper-case FILE: URL', url: 'FILE:///C:/Windows/win.ini' },
  { name: 'javascript: URL', url: 'javascript:alert(document.cookie)' },
  { name: 'javascript: URL with leading space', url: '  javascript:alert(1)' },
  { name: 'data: URL with a PNG', url: 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==' },
  { name: 'data: URL with HTML', url: 'data:text/html,<script>alert(1)</script>' },
  { name: 'blob: URL', url: 'blob:https://cdn.apiframe.ai/0b7f5c3e-9a41-4d2b-8e6f-1c2d3e4f5a6b' },
  { name: 'VS Code command: URI', url: 'command:workbench.action.terminal.new' },
  { name: 'vscode: URI', url: 'vscode://file/etc/passwd' },
  { name: 'ftp: URL', url: 'ftp://cdn.example.com/image.png' },
  { name: 'gopher: URL', url: 'gopher://127.0.0.1:6379/_FLUSHALL' },
  { name: 'non-loopback http:', url: 'http://cdn.example.com/image.png' },
  { name: 'http: to a name that merely starts with localhost', url: 'http://localhost.attacker.example/image.png' },
  { name: 'http: to a private address', url: 'http://10.0.0.5/image.png' },
  { name: 'link-local IPv4 (https)', url: 'https://169.254.10.20/image.png' },
  { name: 'link-local IPv6', url: 'https://[fe80::1]/image.png' },
  { name: 'AWS metadata IPv4', url: 'https://169.254.169.254/latest/meta-data/iam/security-credentials/' },
  { name: 'AWS metadata over http', url: 'http://169.254.169.254/latest/api/token' },
  { name: 'AWS metadata IPv6', url: 'https://[fd00:ec2::254]/latest/meta-data/' },
  { name: 'GCP metadata name', url: 'https://metadata.google.internal/computeMetadata/v1/?recursive=true', secret: 'recursive' },
  { name: 'GCP metadata name with a trailing dot', url: 'https://metadata.google.internal./computeMetadata/v1/' },
  { name: 'GCP metadata name in upper case', url: 'https://METADATA.GOOGLE.INTERNAL/computeMetadata/v1/' },
  { name: 'Alibaba metadata', url: 'https://100.100.100.200/latest/meta-data/' },
  { name: 'metadata as a decimal IPv4', url: 'https://2852039166/latest/meta-data/' },
  { name: 'metadata as hex IPv4', url: 'https://0xa9fea9fe/latest/meta-data/' },
  { name: 'metadata as IPv4-mapped IPv6', url: 'https://[::ffff:169.254.169.254]/latest/meta-data/' },
  { name: 'unspecified address', url: 'https://0.0.0.0/image.png' },
  { name: 'unspecified IPv6', url: 'https://[::]/image.png' },
  { name: 'multicast address', url: 'https://224.0.0.1/image.png' },
  { name: 'credentials in an https URL', url: 'https://user:hunter2@cdn.apiframe.ai/image.png', secret: 'hunter2' },
  { name: 'user name only', url: 'https://admin@cdn.apiframe.ai/image.png', secret: 'admin' },
  { name: 'not a URL at all', url: 'not a url', relative: true },
  { name: 'a key-shaped token in the URL', url: 'ftp://afk_leaked0123456789@cdn.example.com/x.png', secret: 'afk_leaked' },
];

function urlCases(entry: HostileUrl): HostileCase[] {
  const cases: HostileCase[] = [
    {
      area: 'server',
      name: `result URL, ${entry.name}: refused before any request`,
      run: () =>
        withHarness(async (harness) => {
          const { error } = await downloadIntoCache(harness.client, entry.url, harness.storageDir);
          const message = assertRefusal(error, { code: 'unsafeUrl' }, harness.emulator.demoKey);
          assert.match(message, /^Refused to download the image/);
          if (entry.secret) assert.ok(!message.includes(entry.secret), 'credentials or the query string are repeated');
          assert.equal(harness.emulator.log.entries.length, 0, 'nothing was requested');
          await assertNothingCached(harness.storageDir);
        }),
    },
    {
      area: 'server',
      name: `result URL, redirect to ${entry.name}: refused at the hop`,
      run: () =>
        withHarness(async (harness) => {
          const { url } = await completedJob(harness, { kind: 'image', body: { redirectTo: entry.url } });
          const { error } = await downloadIntoCache(harness.client, url, harness.storageDir);
          const message = assertRefusal(error, { code: 'unsafeUrl' }, harness.emulator.demoKey);
          if (entry.secret) assert.ok(!message.includes(entry.secret), 'credentials or the query string are repeated');
          assert.equal(harness.emulator.log.where({ path: '/cdn' }).length, 1, 'only the first hop was requested');
          await assertNothingCached(harness.storageDir);
        }),
    },
  ];
  return entry.relative ? cases.slice(0, 1) : cases;
}

/** Credentials on a loopback URL are refused too (the rule is about the URL, not the host). */
const LOOPBACK_CREDENTIALS: HostileCase = {
  area: 'server',
  name: 'result URL with credentials on the emulator itself',
  run: () =>
    withHarness(async (harness) => {
      const { url } = await completedJob(harness);
      const withCredentials = url.replace('http://', 'http://user:secret@');
      const { error } = await downloadIntoCache(harness.client, withCredentials, harness.storageDir);
      const message = assertRefusal(error, { code: 'unsafeUrl' }, harness.emulator.demoKey);
      assert.ok(!message.includes('secret'));
      assert.equal(harness.emulator.log.where({ path: '/cdn' }).length, 0);
      await assertNothingCached(harness.storageDir);
    }),
};

const REDIRECT_CHAIN: HostileCase = {
  area: 'server',
  name: 'a chain of 6 redirects on the image host',
  run: () =>
    withHarness(async (harness) => {
      // Each job's image redirects to the previous job's: 6 hops before a real image, one more than allowed.
      let { url } = await completedJob(harness);
      for (let hop = 0; hop < 6; hop++) ({ url } = await completedJob(harness, { kind: 'image', body: { redirectTo: url } }));
      const { error } = await downloadIntoCache(harness.client, url, harness.storageDir);
      assert.match(assertRefusal(error, { code: 'badResponse' }, harness.emulator.demoKey), /too many times/);
      assert.equal(harness.emulator.log.where({ path: '/cdn' }).length, 6, 'stopped at the limit');
      await assertNothingCached(harness.storageDir);
    }),
};

// ---- image content --------------------------------------------------------------------------------------

interface HostileImage {
  readonly name: string;
  readonly body: Extract<JobOutcome, { kind: 'image' }>['body'];
  readonly expected: Expected;
  /** Upper bound for the bytes the emulator handed to the socket (proves the body was not read whole). */
  readonly maxSent?: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const HOSTILE_IMAGES: readonly HostileImage[] = [
  { name: 'HTML served as image/png', body: 'notImage', expected: { refused: 'notImage' } },
  {
    name: 'SVG with script',
    body: { custom: { headers: { 'content-type': 'image/svg+xml' }, body: '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>' } },
    expected: { refused: 'notImage' },
  },
  {
    name: 'JSON error with status 200',
    body: { custom: { headers: { 'content-type': 'application/json' }, body: '{"error":"AccessDenied"}' } },
    expected: { refused: 'notImage' },
  },
  {
    name: 'GIF (not a format we cache)',
    body: { custom: { headers: { 'content-type': 'image/gif' }, body: Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1') } },
    expected: { refused: 'notImage' },
  },
  { name: 'empty body', body: { custom: { headers: { 'content-type': 'image/png' }, body: '' } }, expected: { refused: 'empty' } },
  {
    name: 'PNG signature only',
    body: { custom: { headers: { 'content-type': 'image/png' }, body: PNG_SIGNATURE } },
    expected: { refused: 'incomplete' },
  },
  {
    name: 'PNG header without its end',
    body: { custom: { headers: { 'content-type': 'image/png' }, body: Buffer.concat([PNG_SIGNATURE, Buffer.alloc(4096)]) } },
    expected: { refused: 'incomplete' },
  },
  {
    name: 'unsupported content encoding',
    body: { custom: { headers: { 'content-type': 'image/png', 'content-encoding': 'compress' }, body: PNG_SIGNATURE } },
    expected: { code: 'badResponse' },
  },
  {
    name: 'corrupt gzip',
    body: { custom: { headers: { 'content-type': 'image/png', 'content-encoding': 'gzip' }, body: Buffer.from('1f8b0800000000000003ffffffff', 'hex') } },
    expected: { code: 'badResponse' },
  },
  {
    name: '200 MB body with its Content-Length',
    body: { oversizedBytes: 200 * MIB },
    expected: { code: 'tooLarge' },
    maxSent: MAX_IMAGE_BYTES + SENT_SLACK_BYTES,
  },
  {
    name: '200 MB body without Content-Length (chunked)',
    body: { oversizedBytes: 200 * MIB, chunked: true },
    expected: { code: 'tooLarge' },
    maxSent: MAX_IMAGE_BYTES + SENT_SLACK_BYTES,
  },
  { name: 'gzip bomb (256 MiB inflated)', body: 'gzipBomb', expected: { code: 'tooLarge' } },
  { name: 'Content-Length shorter than the body', body: 'lyingLength', expected: { refused: 'incomplete' } },
  { name: 'Content-Length longer than the body (connection dropped)', body: 'truncated', expected: { code: 'network' } },
  {
    name: 'redirect without a Location',
    body: { custom: { status: 302, headers: {}, body: '' } },
    expected: { code: 'badResponse' },
  },
  {
    name: 'status 204 instead of an image',
    body: { custom: { status: 204, headers: {}, body: '' } },
    expected: { code: 'badResponse' },
  },
  {
    name: 'status 403 with an HTML page',
    body: { custom: { status: 403, headers: { 'content-type': 'text/html' }, body: '<h1>Forbidden</h1>' } },
    // The key never goes to the image host: its 403 is about the link, not the key.
    expected: { code: 'imageUnavailable' },
  },
  {
    name: 'status 401 claiming an invalid API key',
    body: { custom: { status: 401, headers: { 'content-type': 'application/json' }, body: '{"error":"Invalid API key"}' } },
    expected: { code: 'imageUnavailable' },
  },
];

function imageCase(entry: HostileImage): HostileCase {
  return {
    area: 'server',
    name: `image content: ${entry.name}`,
    run: () =>
      withHarness(async (harness) => {
        const { url } = await completedJob(harness, { kind: 'image', body: entry.body });
        const { error, maxReceived } = await downloadIntoCache(harness.client, url, harness.storageDir);
        assertRefusal(error, entry.expected, harness.emulator.demoKey);
        assert.ok(maxReceived <= MAX_IMAGE_BYTES, `the cache was handed ${maxReceived} bytes`);
        if (entry.maxSent !== undefined) {
          const sent = (await finishedAnswers(harness, '/cdn')).reduce((sum, e) => sum + (e.bytesSent ?? 0), 0);
          assert.ok(sent <= entry.maxSent, `the server could send ${sent} bytes before the client stopped reading`);
        }
        await assertNothingCached(harness.storageDir);
      }),
  };
}

// ---- JSON answers ---------------------------------------------------------------------------------------

const JOB = {
  id: JOB_ID,
  status: 'PROCESSING',
  model: 'dall-e-3',
  progress: 40,
  error: null,
  creditCost: null,
  webhookStatus: null,
  createdAt: '2026-11-25T10:00:00.000Z',
  completedAt: null,
};

interface HostileJson {
  readonly name: string;
  /** The raw answer: a JSON value (serialised here) or exact text. */
  readonly body: { readonly json: unknown } | { readonly text: string };
  readonly status?: number;
  readonly contentType?: string;
  /** Which call receives it. */
  readonly call: 'getJob' | 'submit' | 'me';
  /** `accepted`: parsed; `check` sees the result. Otherwise the error code. */
  readonly expected: { readonly code: ApiframeErrorCode } | { readonly accepted: (value: unknown) => void };
  /** The message must not contain this (a huge string must not be echoed whole). */
  readonly notInMessage?: string;
}

const HUGE_TEXT = 'x'.repeat(10 * MIB);
const BIG_TEXT = `${'Provider said no. '.repeat(60_000)}`;

const HOSTILE_JSON: readonly HostileJson[] = [
  {
    name: 'job with extra fields (accepted, extras dropped)',
    call: 'getJob',
    body: { json: { ...JOB, evil: '<script>alert(1)</script>', constructor: { prototype: { polluted: true } } } },
    expected: {
      accepted(value) {
        assert.ok(typeof value === 'object' && value !== null);
        assert.equal((value as { status?: unknown }).status, 'PROCESSING');
        assert.ok(!('evil' in value), 'unknown fields are not copied');
        assert.equal(({} as { polluted?: unknown }).polluted, undefined, 'Object.prototype is untouched');
      },
    },
  },
  {
    name: 'job with __proto__ as a JSON key',
    call: 'getJob',
    body: { text: `{"__proto__":{"polluted":true},${JSON.stringify(JOB).slice(1)}` },
    expected: {
      accepted() {
        assert.equal(({} as { polluted?: unknown }).polluted, undefined, 'Object.prototype is untouched');
      },
    },
  },
  {
    name: 'progress 1e9 (clamped)',
    call: 'getJob',
    body: { json: { ...JOB, progress: 1e9 } },
    expected: { accepted: (value) => assert.equal((value as { progress: unknown }).progress, 100) },
  },
  {
    name: 'progress negative (clamped)',
    call: 'getJob',
    body: { json: { ...JOB, progress: -1e300 } },
    expected: { accepted: (value) => assert.equal((value as { progress: unknown }).progress, 0) },
  },
  {
    name: 'progress a string (dropped)',
    call: 'getJob',
    body: { json: { ...JOB, progress: '99' } },
    expected: { accepted: (value) => assert.equal((value as { progress: unknown }).progress, null) },
  },
  {
    name: 'creditCost an object (dropped)',
    call: 'getJob',
    body: { json: { ...JOB, creditCost: { valueOf: 5 } } },
    expected: { accepted: (value) => assert.equal((value as { creditCost: unknown }).creditCost, null) },
  },
  {
    name: 'status a 5 MB string',
    call: 'getJob',
    body: { json: { ...JOB, status: 'Q'.repeat(5 * MIB) } },
    expected: { code: 'badResponse' },
    notInMessage: 'Q'.repeat(100),
  },
  {
    name: 'id of another job, 1 MB long with line breaks',
    call: 'getJob',
    body: { json: { ...JOB, id: `other\n[error] forged log line\n${'i'.repeat(MIB)}` } },
    expected: { code: 'badResponse' },
    notInMessage: 'i'.repeat(100),
  },
  {
    name: 'failure reason with line breaks and bidi (kept, on one line)',
    call: 'getJob',
    body: { json: { ...JOB, status: 'FAILED', error: 'Content policy\n[info] Key saved\u202E\u0000 violation' } },
    expected: {
      accepted: (value) => assert.equal((value as { error: unknown }).error, 'Content policy [info] Key saved violation'),
    },
  },
  { name: 'status a number', call: 'getJob', body: { json: { ...JOB, status: 2 } }, expected: { code: 'badResponse' } },
  { name: 'status in lower case', call: 'getJob', body: { json: { ...JOB, status: 'completed' } }, expected: { code: 'badResponse' } },
  { name: 'status missing', call: 'getJob', body: { json: { ...JOB, status: undefined } }, expected: { code: 'badResponse' } },
  { name: 'id an object', call: 'getJob', body: { json: { ...JOB, id: { $ne: null } } }, expected: { code: 'badResponse' } },
  { name: 'id missing', call: 'getJob', body: { json: { ...JOB, id: undefined } }, expected: { code: 'badResponse' } },
  { name: 'id of another job', call: 'getJob', body: { json: { ...JOB, id: LOCAL_ID } }, expected: { code: 'badResponse' } },
  { name: 'job is an array', call: 'getJob', body: { json: [JOB] }, expected: { code: 'badResponse' } },
  { name: 'job is null', call: 'getJob', body: { json: null }, expected: { code: 'badResponse' } },
  { name: 'job is a string', call: 'getJob', body: { json: 'COMPLETED' }, expected: { code: 'badResponse' } },
  { name: 'job is a number', call: 'getJob', body: { json: 42 }, expected: { code: 'badResponse' } },
  { name: 'non-JSON (HTML) with status 200', call: 'getJob', body: { text: '<html><body>Welcome to nginx!</body></html>' }, contentType: 'text/html', expected: { code: 'badResponse' } },
  { name: 'empty body with status 200', call: 'getJob', body: { text: '' }, expected: { code: 'badResponse' } },
  { name: 'truncated JSON', call: 'getJob', body: { text: '{"id":"0b7f5c3e-9a41-4d2b-8e6f-1c2d3e4f5a6b","stat' }, expected: { code: 'badResponse' } },
  { name: 'JSON with a BOM and NULs', call: 'getJob', body: { text: '\uFEFF\u0000{}' }, expected: { code: 'badResponse' } },
  {
    name: 'result nested 100,000 levels deep',
    call: 'getJob',
    body: { text: JSON.stringify({ ...JOB, status: 'COMPLETED' }).replace(/}$/, `,"result":${'['.repeat(100_000)}${']'.repeat(100_000)}}`) },
    expected: { accepted: (value) => assert.deepEqual(imageUrlsOf((value as { result?: unknown }).result), []) },
  },
  {
    name: '10 MB error text in a job (over the JSON cap)',
    call: 'getJob',
    body: { json: { ...JOB, status: 'FAILED', error: HUGE_TEXT } },
    expected: { code: 'badResponse' },
    notInMessage: 'x'.repeat(1000),
  },
  {
    name: '10 MB error text in a 400',
    call: 'submit',
    status: 400,
    body: { json: { error: HUGE_TEXT } },
    expected: { code: 'badResponse' },
    notInMessage: 'x'.repeat(1000),
  },
  {
    name: '1 MB error text in a 400 (truncated)',
    call: 'submit',
    status: 400,
    body: { json: { error: BIG_TEXT, details: { prompt: [BIG_TEXT] } } },
    expected: { code: 'validation' },
    notInMessage: 'Provider said no. '.repeat(100),
  },
  {
    name: '1 MB error text in a 500 (truncated)',
    call: 'me',
    status: 500,
    body: { json: { error: BIG_TEXT } },
    expected: { code: 'serverError' },
    notInMessage: 'Provider said no. '.repeat(100),
  },
  {
    name: 'error text with line breaks, bidi and escape codes',
    call: 'me',
    status: 403,
    body: { json: { error: 'inactive\n[info] API key saved\r\n\u001b[2J\u202Eevil\u0000' } },
    expected: { code: 'forbidden' },
  },
  {
    name: 'error text echoing the key',
    call: 'me',
    status: 401,
    body: { text: 'KEY_ECHO' },
    expected: { code: 'unauthorized' },
  },
  {
    name: 'error field an object',
    call: 'me',
    status: 400,
    body: { json: { error: { message: 'x', toString: 'y' }, details: { a: { b: 1 }, c: [1, null, 'ok'] } } },
    expected: { code: 'validation' },
  },
  { name: 'submit answer with jobId an object', call: 'submit', status: 202, body: { json: { jobId: { $gt: '' }, status: 'QUEUED' } }, expected: { code: 'badResponse' } },
  { name: 'submit answer without jobId', call: 'submit', status: 202, body: { json: { status: 'QUEUED' } }, expected: { code: 'badResponse' } },
  { name: 'submit answer with status CANCELLED', call: 'submit', status: 202, body: { json: { jobId: JOB_ID, status: 'CANCELLED' } }, expected: { code: 'badResponse' } },
  { name: 'account with credits a string', call: 'me', body: { json: { user: { id: 'u' }, team: { id: 't', credits: '1000000' } } }, expected: { code: 'badResponse' } },
  { name: 'account without user', call: 'me', body: { json: { team: { credits: 1 } } }, expected: { code: 'badResponse' } },
  { name: 'unexpected status 418', call: 'me', status: 418, body: { json: {} }, expected: { code: 'badResponse' } },
];

function jsonCase(entry: HostileJson): HostileCase {
  return {
    area: 'server',
    name: `JSON answer to ${entry.call}: ${entry.name}`,
    run: () =>
      withHarness(async (harness) => {
        const { emulator, client } = harness;
        const key = emulator.demoKey;
        const text =
          'text' in entry.body
            ? entry.body.text === 'KEY_ECHO'
              ? JSON.stringify({ error: `Invalid API key ${key} (${encodeURIComponent(key)})` })
              : entry.body.text
            : JSON.stringify(entry.body.json);
        const fault: Fault = { kind: 'rawBody', status: entry.status ?? 200, body: text, contentType: entry.contentType ?? 'application/json' };
        const where = entry.call === 'getJob' ? `/v2/jobs/${JOB_ID}` : entry.call === 'submit' ? '/v2/images/generate' : '/v2/me';
        // Enough uses for every retry the client makes of an unparsable answer.
        emulator.faults.inject({ fault, path: where, times: 20 });
        let result: unknown;
        let thrown: unknown;
        try {
          if (entry.call === 'getJob') result = await client.getJob(JOB_ID);
          else if (entry.call === 'submit') result = await client.submitImage({ prompt: INPUT.prompt, model: 'dall-e-3' });
          else result = await client.me();
        } catch (error) {
          thrown = error;
        }
        if ('accepted' in entry.expected) {
          assert.equal(thrown, undefined, `refused: ${String(thrown)}`);
          entry.expected.accepted(result);
          return;
        }
        assert.equal(result, undefined, 'a hostile answer was accepted');
        const message = assertRefusal(thrown, entry.expected, key);
        if (entry.notInMessage) assert.ok(!message.includes(entry.notInMessage), 'the huge text is echoed');
        assert.equal(emulator.jobs().length, 0, 'no job was created');
      }),
  };
}

// ---- the whole manager ----------------------------------------------------------------------------------

interface ManagerScenario {
  readonly name: string;
  readonly outcome: JobOutcome;
  readonly phase: JobRecord['phase'];
  readonly text: RegExp;
  readonly maxTextLength?: number;
}

const MANAGER_SCENARIOS: readonly ManagerScenario[] = [
  {
    name: 'file: result URL',
    outcome: { kind: 'resultOverride', result: { images: ['file:///etc/passwd'] } },
    phase: 'detached',
    text: /could not be saved: Refused to download the image/,
  },
  {
    name: 'metadata result URL as a { url } entry',
    outcome: { kind: 'resultOverride', result: { images: [{ url: 'https://169.254.169.254/latest/meta-data/' }] } },
    phase: 'detached',
    text: /link-local address|cloud metadata service/,
  },
  {
    name: 'redirect to the metadata service',
    outcome: { kind: 'image', body: { redirectTo: 'http://169.254.169.254/latest/meta-data/' } },
    phase: 'detached',
    text: /Refused to download the image/,
  },
  { name: 'images not an array', outcome: { kind: 'resultOverride', result: { images: 'https://cdn.apiframe.ai/1.png' } }, phase: 'needs-decision', text: /cannot read/ },
  { name: 'images of the wrong types', outcome: { kind: 'resultOverride', result: { images: [42, null, { url: 7 }, ['x'], ''] } }, phase: 'needs-decision', text: /cannot read/ },
  { name: 'result a number', outcome: { kind: 'resultOverride', result: 1e9 }, phase: 'needs-decision', text: /cannot read/ },
  { name: 'not an image', outcome: { kind: 'image', body: 'notImage' }, phase: 'detached', text: /not a PNG, JPEG or WebP/ },
  { name: '200 MB image', outcome: { kind: 'image', body: { oversizedBytes: 200 * MIB, chunked: true } }, phase: 'detached', text: /larger than the 4 MB limit/ },
  { name: 'gzip bomb', outcome: { kind: 'image', body: 'gzipBomb' }, phase: 'detached', text: /larger than the 4 MB limit/ },
  { name: 'lying Content-Length', outcome: { kind: 'image', body: 'lyingLength' }, phase: 'detached', text: /cut short/ },
  {
    name: '1 MB failure reason',
    outcome: { kind: 'failed', error: `Policy violation: ${'the prompt mentions <script>alert(1)</script>. '.repeat(25_000)}` },
    phase: 'failed',
    text: /^Policy violation: the prompt mentions/,
    maxTextLength: 1000,
  },
  {
    name: '10 MB failure reason (over the JSON cap)',
    outcome: { kind: 'failed', error: HUGE_TEXT },
    phase: 'detached',
    text: /larger than/,
  },
];

function managerCase(scenario: ManagerScenario): HostileCase {
  return {
    area: 'server',
    name: `job manager: ${scenario.name}`,
    run: () =>
      withHarness(async (harness) => {
        const manager = harness.newManager();
        await manager.start();
        harness.emulator.faults.nextJob(scenario.outcome);
        const record = await manager.generate(INPUT);
        assert.equal(record.phase, scenario.phase, JSON.stringify({ ...record, error: record.error?.slice(0, 200) }));
        const text = scenario.phase === 'failed' ? record.error : record.interruption;
        assert.ok(text, 'the record says why');
        assert.match(text, scenario.text);
        assertUserMessage(text, [harness.emulator.demoKey], scenario.maxTextLength);
        assert.equal(record.files, undefined, 'no cached file recorded');
        await manager.dispose();
        await assertNothingCached(harness.storageDir);
        // The snapshot and its change log together.
        const journalFiles = (await fs.readdir(harness.storageDir)).filter((name) => /^journal\..*(json|log)$/.test(name));
        const journal = (await Promise.all(journalFiles.map((name) => fs.readFile(path.join(harness.storageDir, name), 'utf8')))).join('\n');
        assert.ok(journal.length < 64 * 1024, `the journal grew to ${journal.length} bytes`);
        assert.ok(!journal.includes(harness.emulator.demoKey), 'the key is in the journal');
      }),
  };
}

/** The positive control: a well-formed answer with extras goes all the way into the cache. */
const EXTRA_FIELDS_DOWNLOAD: HostileCase = {
  area: 'server',
  name: 'completed job with extra fields everywhere is cached',
  run: () =>
    withHarness(async (harness) => {
      const { urls, url } = await completedJob(harness);
      const body = {
        ...JOB,
        status: 'COMPLETED',
        progress: 100,
        result: { images: [{ url, width: 'wide', extra: true }], seed: 'x' },
        unknownTopLevel: { nested: [1, 2, 3] },
      };
      harness.emulator.faults.inject({ fault: { kind: 'rawBody', status: 200, body: JSON.stringify(body), contentType: 'application/json' }, path: `/v2/jobs/${JOB_ID}` });
      const job = await harness.client.getJob(JOB_ID);
      assert.deepEqual(imageUrlsOf(job.result), urls);
      const image = await harness.client.downloadImage(url, { maxBytes: MAX_IMAGE_BYTES });
      const stored = await new ImageCache(harness.storageDir).store(LOCAL_ID, 1, image.body, { maxBytes: MAX_IMAGE_BYTES });
      assert.equal(stored.mime, 'image/png');
      assert.deepEqual(await listFiles(path.join(harness.storageDir, 'images')), [`${LOCAL_ID}/1.png`]);
    }),
};

export const cases: HostileCase[] = [
  ...HOSTILE_URLS.flatMap(urlCases),
  LOOPBACK_CREDENTIALS,
  REDIRECT_CHAIN,
  ...HOSTILE_IMAGES.map(imageCase),
  ...HOSTILE_JSON.map(jsonCase),
  EXTRA_FIELDS_DOWNLOAD,
  ...MANAGER_SCENARIOS.map(managerCase),
];
