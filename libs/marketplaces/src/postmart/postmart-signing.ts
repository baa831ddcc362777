import { createHmac } from 'node:crypto';

/**
 * The text Postmart signs (MARKETPLACES.md): the request path, then every query parameter except
 * `sign` sorted by name as name+value, then the raw body (nothing when there is none).
 */
export function postmartSigningText(path: string, query: Record<string, string>, rawBody: string): string {
  const names = Object.keys(query)
    .filter((name) => name !== 'sign')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return path + names.map((name) => name + query[name]).join('') + rawBody;
}

/** Uppercase hex HMAC-SHA256 of the signing text under the app secret. */
export function postmartSign(
  appSecret: string,
  path: string,
  query: Record<string, string>,
  rawBody: string,
): string {
  return createHmac('sha256', appSecret)
    .update(postmartSigningText(path, query, rawBody))
    .digest('hex')
    .toUpperCase();
}

/**
 * The query a request carries: its own parameters plus `app_key`, `timestamp` (unix ms) and `sign`.
 * `path` must be the path exactly as the server sees it (a base URL's own path prefix included).
 */
export function signedQuery(
  credentials: { app_key: string; app_secret: string },
  path: string,
  params: Record<string, string>,
  rawBody: string,
  timestampMs: number,
): Record<string, string> {
  const query = { ...params, app_key: credentials.app_key, timestamp: String(timestampMs) };
  return { ...query, sign: postmartSign(credentials.app_secret, path, query, rawBody) };
}
