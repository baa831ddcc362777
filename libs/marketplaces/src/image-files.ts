import { promises as dnsPromises } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import axios, { type LookupAddressEntry } from 'axios';
import { MarketplaceError } from './port';

/** A product photo's bytes, for the styles whose upload takes the file (Shopee, TikTok Shop). */
export interface ImageFile {
  bytes: Buffer;
  /** image/jpeg, image/png or image/webp: what the marketplaces take */
  contentType: string;
}

/** Reads a catalogue photo by its URL; throws MarketplaceError (`image_unavailable`) when it cannot. */
export type ImageFiles = (url: string) => Promise<ImageFile>;

export interface ImageFetchLimits {
  /** IMAGE_FETCH_ALLOW_PRIVATE: photos on loopback and private networks (the demo, tests) */
  allowPrivate: boolean;
  maxBytes: number;
  deadlineMs: number;
}

export const IMAGE_FETCH_LIMITS: Omit<ImageFetchLimits, 'allowPrivate'> = {
  // Shopee and TikTok take images up to 10 and 5 MB; a catalogue photo is far smaller
  maxBytes: 5 * 1024 * 1024,
  deadlineMs: 15_000,
};

/**
 * Addresses a photo may not be fetched from unless allowed: loopback, private, link-local (cloud
 * metadata at 169.254.169.254), carrier-grade NAT, unspecified, multicast and reserved ranges. A
 * seller writes the photo's URL; without this a URL could make the worker read the operator's
 * internal services and hand what it read to a marketplace.
 */
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(net, bits, 'ipv6');
}

/** Whether `address` is one a photo may not be fetched from unless private addresses are allowed. */
export function privateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family === 6) {
    // an IPv4 address written as IPv6 (::ffff:10.0.0.1) is judged as the IPv4 one
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    return mapped ? PRIVATE.check(mapped[1], 'ipv4') : PRIVATE.check(address, 'ipv6');
  }
  return true;
}

/**
 * Whether `hostname` (a URL's or a redirect's) is refused as written: an IP literal on a private
 * address. Such a connection makes no lookup; a name is judged by the lookup when it connects.
 */
export function privateLiteral(hostname: string, allowPrivate: boolean): boolean {
  const literal = hostname.replace(/^\[|\]$/g, '');
  return !allowPrivate && isIP(literal) !== 0 && privateAddress(literal);
}

/**
 * Every `code` along an error's causes: axios reports a refusal in a redirect's hook as its own
 * redirect failure, with ours two causes down.
 */
export function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  for (let at = error, depth = 0; at && typeof at === 'object' && depth < 5; depth += 1) {
    const { code, cause } = at as { code?: unknown; cause?: unknown };
    if (typeof code === 'string') codes.push(code);
    at = cause;
  }
  return codes;
}

/** The kind of image the bytes are, read from their first bytes (not from what the server says). */
export function imageKind(bytes: Buffer): 'image/jpeg' | 'image/png' | 'image/webp' | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'))) {
    return 'image/png';
  }
  if (
    bytes.length >= 12 &&
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' &&
    bytes.subarray(8, 12).toString('latin1') === 'WEBP'
  ) {
    return 'image/webp';
  }
  return null;
}

const unavailable = (url: string, why: string, kind: 'retryable' | 'permanent') =>
  new MarketplaceError(kind, `the photo ${url} could not be read: ${why}`, { code: 'image_unavailable' });

/**
 * The connector's ImageFiles: a GET of the photo's http(s) URL, with no credentials, at most three
 * redirects, the whole answer within `deadlineMs` and `maxBytes`, every connection (redirects
 * included) refused on a private address unless allowed, and the bytes kept only when they are a
 * JPEG, PNG or WebP. A photo that is gone or not an image is `permanent` (the seller must fix the
 * URL); a server that does not answer now is `retryable`.
 */
export function fetchImageFiles(limits: ImageFetchLimits): ImageFiles {
  // every connection's address is judged, a redirect's too, so a name that resolves privately (or
  // changes its answer between two lookups) reaches no private host
  const lookup = async (hostname: string): Promise<[LookupAddressEntry[]]> => {
    const addresses = await dnsPromises.lookup(hostname, { all: true });
    const allowed = addresses.filter((a) => limits.allowPrivate || !privateAddress(a.address));
    if (allowed.length === 0) {
      throw Object.assign(new Error(`${hostname} is a private address`), { code: 'EPRIVATE' });
    }
    return [allowed.map((a) => ({ address: a.address, family: a.family as 4 | 6 }))];
  };
  return async (url: string) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw unavailable(url, 'not a URL', 'permanent');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw unavailable(url, 'only http and https photos are read', 'permanent');
    }
    if (parsed.username || parsed.password)
      throw unavailable(url, 'a photo URL carries no password', 'permanent');
    // a literal address skips the lookup: judge it here
    if (privateLiteral(parsed.hostname, limits.allowPrivate)) {
      throw unavailable(url, 'it is on a private address', 'permanent');
    }
    const deadline = AbortSignal.timeout(limits.deadlineMs);
    let answer;
    try {
      answer = await axios.get<ArrayBuffer>(url, {
        responseType: 'arraybuffer',
        maxRedirects: 3,
        maxContentLength: limits.maxBytes,
        signal: deadline,
        lookup,
        // a redirect to an address written as such connects without a lookup: judge it here
        beforeRedirect: (options: { hostname?: string }) => {
          if (privateLiteral(options.hostname ?? '', limits.allowPrivate)) {
            throw Object.assign(new Error('a redirect to a private address'), { code: 'EPRIVATE' });
          }
        },
        validateStatus: () => true,
        headers: { accept: 'image/jpeg, image/png, image/webp' },
        proxy: false,
      });
    } catch (error) {
      const codes = errorCodes(error);
      if (codes.includes('EPRIVATE')) throw unavailable(url, 'it is on a private address', 'permanent');
      const code = codes[0];
      if (code === 'ERR_BAD_RESPONSE' || /maxContentLength/.test(String((error as Error).message))) {
        throw unavailable(url, `it is larger than ${limits.maxBytes} bytes`, 'permanent');
      }
      if (code === 'ENOTFOUND') throw unavailable(url, 'its host is unknown', 'permanent');
      throw unavailable(url, 'its server did not answer', 'retryable');
    }
    if (answer.status === 404 || answer.status === 410)
      throw unavailable(url, `HTTP ${answer.status}`, 'permanent');
    if (answer.status >= 400) {
      throw unavailable(
        url,
        `HTTP ${answer.status}`,
        answer.status >= 500 || answer.status === 429 ? 'retryable' : 'permanent',
      );
    }
    const bytes = Buffer.from(answer.data);
    const contentType = imageKind(bytes);
    if (!contentType) throw unavailable(url, 'it is not a JPEG, PNG or WebP image', 'permanent');
    return { bytes, contentType };
  };
}
