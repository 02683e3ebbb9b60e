import type { Emulator } from './index';

/**
 * A tiny raw HTTP helper for the emulator's own tests and contract checks (global fetch of Node 20). It is
 * deliberately not the project's client: these tests check the server, the client is tested against it.
 */
export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body, or undefined when it is not JSON. */
  json: unknown;
}

export interface RawRequest {
  method?: string;
  /** Sent as JSON unless it is a string. */
  body?: unknown;
  /** X-API-Key; defaults to the demo key, `null` sends none. */
  key?: string | null;
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

export async function call(emulator: Emulator, pathAndQuery: string, request: RawRequest = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { ...request.headers };
  const key = request.key === undefined ? emulator.demoKey : request.key;
  if (key !== null) headers['x-api-key'] = key;
  if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
  let body: string | undefined;
  if (request.body !== undefined) {
    body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    headers['content-type'] = 'application/json';
  }
  const url = pathAndQuery.startsWith('http') ? pathAndQuery : `${emulator.url}${pathAndQuery}`;
  const response = await fetch(url, { method: request.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, redirect: 'manual' });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export async function download(url: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}
