import { createHmac } from 'node:crypto';
import { headerOf, sameDigest } from '../order-support';
import { WebhookDelivery } from '../port';

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

export const POSTMART_WEBHOOK_SIGNATURE_HEADER = 'x-postmart-hmac-sha256';
export const POSTMART_TRANSACTION_HEADER = 'x-postmart-transaction';

/** Base64 HMAC-SHA256 of a webhook's raw body under the shop's webhook secret (MARKETPLACES.md). */
export function postmartWebhookSignature(secret: string, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/** Whether `x-postmart-hmac-sha256` signs this body under `secret`; false for anything garbled. */
export function verifyPostmartWebhook(delivery: WebhookDelivery, secret: string): boolean {
  const given = headerOf(delivery, POSTMART_WEBHOOK_SIGNATURE_HEADER);
  // a SHA-256 digest is 32 bytes: 44 base64 characters ending in one '='
  if (given === undefined || !/^[A-Za-z0-9+/]{43}=$/.test(given)) return false;
  return sameDigest(
    createHmac('sha256', secret).update(delivery.rawBody).digest(),
    Buffer.from(given, 'base64'),
  );
}
