import { createHmac, timingSafeEqual } from 'node:crypto';

/** Query parameters TikTok leaves out of the signed string. */
const UNSIGNED_PARAMS = new Set(['sign', 'access_token']);

/**
 * The string a TikTok Shop-style call signs: the app secret, the path, every query parameter but
 * `sign` and `access_token` sorted by name as name+value with no separators, the raw body (left
 * out for multipart uploads), and the app secret again.
 */
export function tiktokSigningString(
  appSecret: string,
  path: string,
  query: URLSearchParams,
  rawBody: string,
): string {
  const pairs = [...query.entries()].filter(([name]) => !UNSIGNED_PARAMS.has(name));
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return appSecret + path + pairs.map(([name, value]) => name + value).join('') + rawBody + appSecret;
}

/** Lowercase hex HMAC-SHA256 keyed by the app secret over the signing string. */
export function tiktokSign(appSecret: string, path: string, query: URLSearchParams, rawBody: string): string {
  return createHmac('sha256', appSecret)
    .update(tiktokSigningString(appSecret, path, query, rawBody))
    .digest('hex');
}

/** Whether `sign` is the call's signature; compared in constant time, lowercase hex only. */
export function tiktokSignMatches(
  sign: string,
  appSecret: string,
  path: string,
  query: URLSearchParams,
  rawBody: string,
): boolean {
  const expected = tiktokSign(appSecret, path, query, rawBody);
  return sign.length === expected.length && timingSafeEqual(Buffer.from(sign), Buffer.from(expected));
}

/** A push's `Authorization` header: lowercase hex HMAC-SHA256(app_secret, app_key + raw body). */
export function tiktokPushSignature(appKey: string, appSecret: string, rawBody: string): string {
  return createHmac('sha256', appSecret)
    .update(appKey + rawBody)
    .digest('hex');
}
