/**
 * URL rules for the API base URL and for result (image) URLs. Pure, no undici: the settings UI can
 * validate a base URL without loading the HTTP stack.
 */
import { isIP } from 'node:net';
import { ApiframeError } from './errors';
import { truncateGraphemes } from '../shared/text';

/** Hostnames of cloud metadata services (SSRF targets) besides the link-local addresses. */
const METADATA_HOSTNAMES: ReadonlySet<string> = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
]);
/** Metadata endpoints that are not link-local (Alibaba, Oracle-style, AWS IPv6). */
const METADATA_ADDRESSES: ReadonlySet<string> = new Set(['100.100.100.200', '192.0.0.192', 'fd00:ec2::254']);

/** `URL.hostname` keeps IPv6 brackets and a trailing dot; compare on the bare form. */
function bareHost(url: URL): string {
  let host = url.hostname.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.endsWith('.')) host = host.slice(0, -1);
  return host;
}

type Ipv4Octets = readonly [number, number, number, number];

function ipv4Octets(host: string): Ipv4Octets | undefined {
  if (isIP(host) !== 4) return undefined;
  const [a, b, c, d] = host.split('.').map((part) => Number(part));
  // isIP() === 4 means exactly four dotted parts; this only tells the compiler so.
  if (a === undefined || b === undefined || c === undefined || d === undefined) return undefined;
  return [a, b, c, d];
}

/** `::ffff:a.b.c.d` / `::ffff:7f00:1` → the embedded IPv4 address, so mapped forms get the IPv4 rules. */
function embeddedIpv4(host: string): string | undefined {
  const tail = /^::ffff:(?:0:)?(.+)$/i.exec(host)?.[1];
  if (tail === undefined) return undefined;
  if (isIP(tail) === 4) return tail;
  const [, highHex, lowHex] = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(tail) ?? [];
  if (highHex === undefined || lowHex === undefined) return undefined;
  const high = parseInt(highHex, 16);
  const low = parseInt(lowHex, 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/** 127.0.0.0/8, ::1 (and its IPv4-mapped forms) and `localhost`. */
export function isLoopbackHost(hostname: string): boolean {
  let host = hostname.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host === 'localhost' || host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  const v4 = ipv4Octets(embeddedIpv4(host) ?? host);
  return v4 !== undefined && v4[0] === 127;
}

/** Why a host must never be fetched from, or undefined when it is acceptable. */
function forbiddenHostReason(host: string): string | undefined {
  if (host === '') return 'it has no host';
  if (METADATA_HOSTNAMES.has(host) || METADATA_ADDRESSES.has(host)) return 'it points at a cloud metadata service';
  const v4 = ipv4Octets(embeddedIpv4(host) ?? host);
  if (v4) {
    if (v4[0] === 169 && v4[1] === 254) return 'it points at a link-local address';
    if (v4[0] === 0) return 'it points at an unspecified address';
    if (v4[0] >= 224) return 'it points at a multicast or reserved address';
    if (METADATA_ADDRESSES.has(v4.join('.'))) return 'it points at a cloud metadata service';
    return undefined;
  }
  if (isIP(host) === 6) {
    if (host === '::') return 'it points at an unspecified address';
    if (/^fe[89ab][0-9a-f]?:/i.test(host)) return 'it points at a link-local address';
    if (/^ff[0-9a-f]{0,2}:/i.test(host)) return 'it points at a multicast address';
  }
  return undefined;
}

function parseUrl(raw: string): URL | undefined {
  try {
    return new URL(raw.trim());
  } catch {
    return undefined;
  }
}

/** Shortens a URL for an error message (never the query string: it may carry a signed token). */
function describe(raw: string): string {
  const url = parseUrl(raw);
  if (!url) return JSON.stringify(truncateGraphemes(raw, 80, { measure: 'codeUnits', ellipsis: '...' }));
  return `${url.protocol}//${url.host}${truncateGraphemes(url.pathname, 60, { measure: 'codeUnits', ellipsis: '...' })}`;
}

/**
 * Checks the API base URL: `https:` required; `http:` only for loopback hosts (the local emulator);
 * no credentials, query or fragment. Returns the parsed URL with trailing slashes and a trailing `/v2` removed
 * from its path (the client adds `/v2/…` to every call).
 * Throws ApiframeError `invalidBaseUrl` with a message that says what to change.
 */
export function checkBaseUrl(raw: string): URL {
  const url = parseUrl(raw);
  const fail = (why: string): never => {
    throw new ApiframeError('invalidBaseUrl', `The Apiframe base URL ${describe(raw)} is not usable: ${why}.`, {
      retryable: false,
    });
  };
  if (!url) return fail('it is not a valid URL (expected e.g. https://api.apiframe.ai)');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail('it must start with https://');
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return fail('plain http:// is only allowed for a local server (localhost / 127.0.0.1); use https://');
  }
  if (url.username || url.password) return fail('it must not contain a user name or password');
  if (url.search || url.hash) return fail('it must not contain a query string or a fragment');
  const reason = forbiddenHostReason(bareHost(url));
  if (reason) return fail(reason);
  // Other tools' settings often end the base URL in the API version; our paths carry `/v2` themselves, so a
  // pasted `…/v2` would otherwise become `…/v2/v2/…` and every call a 404.
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/v2$/i, '').replace(/\/+$/, '');
  return url;
}

/**
 * Checks a result (image) URL before it is fetched, and again for every redirect target:
 * `https:`, or `http:` on a loopback host only (the emulator); no credentials; never link-local
 * (169.254/16, fe80::/10), cloud metadata, unspecified or multicast addresses. Private-network
 * https hosts are allowed (corporate mirrors); `file:`, `data:`, `javascript:` and the rest are refused.
 * Throws ApiframeError `unsafeUrl`.
 */
export function checkResultUrl(raw: string): URL {
  const url = parseUrl(raw);
  const fail = (why: string): never => {
    throw new ApiframeError('unsafeUrl', `Refused to download the image at ${describe(raw)}: ${why}.`, {
      retryable: false,
    });
  };
  if (!url) return fail('it is not a valid URL');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail(`the ${url.protocol} scheme is not allowed`);
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return fail('plain http:// is only allowed for localhost');
  if (url.username || url.password) return fail('it contains a user name or password');
  const reason = forbiddenHostReason(bareHost(url));
  if (reason) return fail(reason);
  return url;
}
