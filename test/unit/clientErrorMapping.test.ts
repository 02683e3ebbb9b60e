import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { ApiframeError } from '../../src/apiframe/errors';
import {
  errorFromStatus,
  errorFromThrown,
  imageHostError,
  isUnparsableAnswer,
  parseDetails,
  parseRetryAfter,
  unparsableAnswerError,
  type ErrorContext,
} from '../../src/apiframe/errorMapping';

/**
 * The client's error mapping on plain values (no server): what each status, body and thrown error becomes,
 * and that no text ever carries the key.
 */

const KEY = 'afk_live_0123456789abcdefSECRET';
const CONTEXT: ErrorContext = { base: new URL('https://api.apiframe.ai'), timeoutMs: 60_000, secrets: [KEY] };
const JOB_CALL = { what: 'job j1', path: '/v2/jobs/j1' };

function statusError(status: number, body: unknown = {}, headers: Record<string, string | string[]> = {}, call = JOB_CALL): ApiframeError {
  return errorFromStatus(status, body, headers, call, CONTEXT);
}

function assertClean(error: ApiframeError): void {
  assert.ok(!error.message.includes(KEY), `the key leaked: ${error.message}`);
  assert.ok(!JSON.stringify(error).includes(KEY), 'the key leaked into a field');
  assert.equal(error.cause, undefined);
}

describe('client error mapping (pure)', () => {
  describe('parseRetryAfter', () => {
    it('reads whole and decimal seconds', () => {
      assert.equal(parseRetryAfter('2'), 2000);
      assert.equal(parseRetryAfter(' 0.02 '), 20);
      assert.equal(parseRetryAfter('0'), 0);
    });

    it('reads an HTTP date relative to now, never negative', () => {
      const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
      assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now), 30_000);
      assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now), 0);
    });

    it('ignores what is neither', () => {
      assert.equal(parseRetryAfter(undefined), undefined);
      assert.equal(parseRetryAfter('soon'), undefined);
      assert.equal(parseRetryAfter(''), undefined);
    });
  });

  describe('parseDetails', () => {
    it('keeps string messages by field, a lone string as one message, and drops the rest', () => {
      assert.deepEqual(parseDetails({ prompt: ['too long', 7, 'empty'], model: 'unknown', extra: 3 }), {
        prompt: ['too long', 'empty'],
        model: ['unknown'],
      });
    });

    it('makes field names and messages one bounded, redacted line', () => {
      const details = parseDetails({ [`a\nb${KEY}`]: [`bad\u202evalue ${KEY}`, 'x'.repeat(2000)] });
      assert.ok(details);
      const [entry] = Object.entries(details);
      assert.ok(entry, 'the field is kept');
      const [field, [first, second]] = entry;
      assert.ok(first !== undefined && second !== undefined, 'both messages are kept');
      assert.doesNotMatch(field, /\n/);
      assert.ok(!field.includes(KEY));
      assert.ok(field.length <= 60);
      assert.ok(!first.includes(KEY));
      assert.doesNotMatch(first, /\u202e/);
      assert.ok(second.length <= 500);
    });

    it('is undefined when there is nothing usable', () => {
      for (const value of [undefined, null, 'text', ['a'], {}, { field: 3 }]) assert.equal(parseDetails(value), undefined);
    });
  });

  describe('API statuses', () => {
    it('400 → validation with the details by field in the message, not retryable', () => {
      const error = statusError(400, { error: 'Invalid request', details: { prompt: ['String must contain at most 2000 character(s)'] } });
      assert.equal(error.code, 'validation');
      assert.equal(error.status, 400);
      assert.equal(error.retryable, false);
      assert.equal(error.serverMessage, 'Invalid request');
      assert.deepEqual(error.details, { prompt: ['String must contain at most 2000 character(s)'] });
      assert.equal(error.message, 'Apiframe refused job j1 as invalid: Invalid request (prompt: String must contain at most 2000 character(s)).');
    });

    it('400 with many details is clipped to 500 characters', () => {
      const details = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`field${i}`, ['is wrong in a long and detailed way']]));
      const error = statusError(400, { error: 'Invalid request', details });
      assert.equal(error.message.length, 500);
      assert.ok(error.message.endsWith('...'));
    });

    it('401 → unauthorized with the server text; 403 → forbidden', () => {
      const unauthorized = statusError(401, { error: 'Invalid API key' });
      assert.equal(unauthorized.code, 'unauthorized');
      assert.equal(unauthorized.message, 'Apiframe did not accept the API key: Invalid API key. Check the key you set.');
      assert.equal(unauthorized.retryable, false);
      const forbidden = statusError(403, {});
      assert.equal(forbidden.code, 'forbidden');
      assert.equal(forbidden.message, 'Apiframe refused access with this API key (the key may be inactive).');
    });

    it('402 → insufficientCredits with both numbers when both are sent', () => {
      const error = statusError(402, { error: 'Insufficient credits', creditsRequired: 1, creditsAvailable: 0 });
      assert.equal(error.code, 'insufficientCredits');
      assert.equal(error.creditsRequired, 1);
      assert.equal(error.creditsAvailable, 0);
      assert.equal(error.message, 'Not enough Apiframe credits: this needs 1 credit, the team has 0.');
      const vague = statusError(402, { error: 'Insufficient credits', creditsRequired: '8' });
      assert.equal(vague.creditsRequired, undefined);
      assert.equal(vague.message, 'Not enough Apiframe credits.');
    });

    it('404 on a job → notFound; on any other API path → invalidBaseUrl naming the setting and its value', () => {
      const job = statusError(404, { error: 'Job not found' });
      assert.equal(job.code, 'notFound');
      assert.equal(job.message, 'Apiframe found nothing for job j1: Job not found.');
      const context: ErrorContext = { ...CONTEXT, base: new URL('https://proxy.example.com/apiframe/') };
      const wrongBase = errorFromStatus(404, undefined, {}, { what: 'the job list', path: '/v2/jobs?limit=100&cursor=abc' }, context);
      assert.equal(wrongBase.code, 'invalidBaseUrl');
      assert.equal(wrongBase.retryable, false);
      assert.equal(
        wrongBase.message,
        'proxy.example.com answered HTTP 404 for the job list (/apiframe/v2/jobs): the apiframe.baseUrl setting (https://proxy.example.com/apiframe) does not point at the Apiframe API. Check it (the default is https://api.apiframe.ai).',
      );
      // Without the path, nothing says it was the API's own: the plain notFound.
      assert.equal(errorFromStatus(404, undefined, {}, { what: 'x' }, CONTEXT).code, 'notFound');
    });

    it('409 → conflict, explaining the reused key', () => {
      const error = statusError(409, { error: 'Idempotency key reused' }, {}, { what: 'the image submission', path: '/v2/images/generate' });
      assert.equal(error.code, 'conflict');
      assert.equal(error.message, 'Apiframe refused the image submission: Idempotency key reused: its idempotency key was already used for a different request.');
    });

    it('429 → rateLimited with Retry-After in ms and in the message', () => {
      const error = statusError(429, { error: 'Rate limit exceeded' }, { 'retry-after': '3', 'x-request-id': 'req_1' });
      assert.equal(error.code, 'rateLimited');
      assert.equal(error.retryable, true);
      assert.equal(error.retryAfterMs, 3000);
      assert.equal(error.requestId, 'req_1');
      assert.equal(error.message, 'Apiframe is rate-limiting requests: Rate limit exceeded. Try again in 3 s.');
    });

    it('502/503/504 → serverUnavailable; 500 and other 5xx → serverError; anything else → badResponse', () => {
      for (const status of [502, 503, 504]) {
        const error = statusError(status);
        assert.equal(error.code, 'serverUnavailable');
        assert.equal(error.retryable, true);
        assert.equal(error.message, `Apiframe is temporarily unavailable (HTTP ${status}).`);
      }
      for (const status of [500, 501, 599]) assert.equal(statusError(status).code, 'serverError');
      const teapot = statusError(418, { error: 'I am a teapot' });
      assert.equal(teapot.code, 'badResponse');
      assert.equal(teapot.retryable, false);
      assert.equal(teapot.message, 'Apiframe answered job j1 with an unexpected HTTP 418: I am a teapot.');
    });

    it('takes the first value of a repeated header', () => {
      assert.equal(statusError(503, {}, { 'x-request-id': ['req_a', 'req_b'] }).requestId, 'req_a');
    });

    it('never carries the key, whatever the server echoes, and never a cause', () => {
      const echoed = `no such key ${KEY} (${encodeURIComponent(KEY)})`;
      for (const status of [400, 401, 402, 403, 404, 409, 429, 500, 503, 418]) {
        const error = statusError(status, { error: echoed, details: { [KEY]: [echoed] } });
        assertClean(error);
        if (error.serverMessage !== undefined) assert.match(error.serverMessage, /«redacted»/);
      }
      assertClean(errorFromStatus(404, {}, {}, { what: `the key ${KEY}`, path: '/v2/me' }, CONTEXT));
    });

    it('a body that is not an object is read as no body', () => {
      for (const body of [undefined, null, 'Bad Gateway', ['x'], 7]) {
        const error = statusError(401, body);
        assert.equal(error.serverMessage, undefined);
        assert.equal(error.message, 'Apiframe did not accept the API key. Check the key you set.');
      }
    });
  });

  describe('image host statuses', () => {
    it('401/403 refused, 404/410 gone: imageUnavailable naming the host, never blaming the key', () => {
      for (const [status, said] of [
        [401, 'refused the download'],
        [403, 'refused the download'],
        [404, 'no longer has the image'],
        [410, 'no longer has the image'],
      ] as const) {
        const error = imageHostError(status, {}, 'cdn.example.net', [KEY]);
        assert.equal(error.code, 'imageUnavailable');
        assert.equal(error.retryable, false);
        assert.equal(error.message, `The image host cdn.example.net ${said} (HTTP ${status}): the result link may have expired or been purged.`);
        assert.doesNotMatch(error.message, /key/i);
      }
    });

    it('429, 5xx and anything else', () => {
      const limited = imageHostError(429, { 'retry-after': '1' }, 'cdn.example.net', []);
      assert.equal(limited.code, 'rateLimited');
      assert.equal(limited.retryAfterMs, 1000);
      assert.equal(imageHostError(503, {}, 'cdn.example.net', []).code, 'serverUnavailable');
      assert.equal(imageHostError(500, {}, 'cdn.example.net', []).code, 'serverError');
      const odd = imageHostError(204, {}, 'cdn.example.net', []);
      assert.equal(odd.code, 'badResponse');
      assert.equal(odd.retryable, false);
    });

    it('redacts the host name too', () => {
      assertClean(imageHostError(403, {}, `${KEY}.example.net`, [KEY]));
    });
  });

  describe('thrown errors', () => {
    const attempt = { cancelled: false, timedOut: false, what: 'the job list' };

    it('passes an ApiframeError through unchanged', () => {
      const original = new ApiframeError('conflict', 'x');
      assert.equal(errorFromThrown(original, { ...attempt, cancelled: true }, CONTEXT), original);
    });

    it('the caller’s cancel wins over the timer', () => {
      const error = errorFromThrown(new Error('socket hang up'), { ...attempt, cancelled: true, timedOut: true }, CONTEXT);
      assert.equal(error.code, 'aborted');
      assert.equal(error.retryable, false);
    });

    it('the timer → timeout naming the host actually contacted', () => {
      const api = errorFromThrown(new Error('aborted'), { ...attempt, timedOut: true }, CONTEXT);
      assert.equal(api.code, 'timeout');
      assert.equal(api.message, 'Apiframe (api.apiframe.ai) did not answer the job list within 60 s.');
      const image = errorFromThrown(new Error('aborted'), { ...attempt, timedOut: true, what: 'the image download', target: new URL('https://cdn.example.net/a.png') }, {
        ...CONTEXT,
        timeoutMs: 1_250,
      });
      assert.equal(image.message, 'cdn.example.net did not answer the image download within 1.3 s.');
    });

    it('anything else → network, with its code once, redacted', () => {
      const refused = Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' });
      const error = errorFromThrown(refused, attempt, CONTEXT);
      assert.equal(error.code, 'network');
      assert.equal(error.retryable, true);
      assert.equal(error.message, 'Could not reach Apiframe (api.apiframe.ai) for the job list: connect failed (ECONNREFUSED).');
      const named = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
      assert.equal(errorFromThrown(named, attempt, CONTEXT).message, 'Could not reach Apiframe (api.apiframe.ai) for the job list: connect ECONNREFUSED 127.0.0.1:9.');
      const leaky = Object.assign(new Error(`bad header x-api-key: ${KEY}`), { code: 'UND_ERR_INVALID_ARG' });
      assertClean(errorFromThrown(leaky, attempt, CONTEXT));
      assert.equal(errorFromThrown('plain text', attempt, CONTEXT).message, 'Could not reach Apiframe (api.apiframe.ai) for the job list: plain text.');
    });
  });

  describe('unparsable 2xx answers', () => {
    it('are badResponse, retryable, and recognised by identity only', () => {
      const error = unparsableAnswerError(200, { 'content-type': `text/html; ${KEY}`, 'x-request-id': 'req_9' }, 'the job list', [KEY]);
      assert.equal(error.code, 'badResponse');
      assert.equal(error.retryable, true);
      assert.equal(error.requestId, 'req_9');
      assert.equal(error.message, "Apiframe's answer to the job list was not valid JSON (HTTP 200, text/html; «redacted»).");
      assert.ok(isUnparsableAnswer(error));
      const lookalike = new ApiframeError(error.code, error.message, { ...error });
      assert.equal(isUnparsableAnswer(lookalike), false);
      assert.equal(unparsableAnswerError(200, {}, 'x', []).message, "Apiframe's answer to x was not valid JSON (HTTP 200, no content type).");
    });
  });
});
