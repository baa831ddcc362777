import { createHmac } from 'node:crypto';
import { headerOf, sameDigest } from '../order-support';
import { WebhookDelivery } from '../port';

/**
 * The text a TikTok Shop-style call signs (docs/marketplace-tiktok.md): the app secret, the path,
 * every query parameter except `sign` and `access_token` sorted by name as name+value, the raw body
 * (nothing for a GET or a multipart upload), and the app secret again.
 */
export function tiktokSigningText(
  appSecret: string,
  path: string,
  query: Record<string, string>,
  rawBody: string,
): string {
  const names = Object.keys(query)
    .filter((name) => name !== 'sign' && name !== 'access_token')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return appSecret + path + names.map((name) => name + query[name]).join('') + rawBody + appSecret;
}

/** Lowercase hex HMAC-SHA256 of the signing text under the app secret. */
export function tiktokSign(
  appSecret: string,
  path: string,
  query: Record<string, string>,
  rawBody: string,
): string {
  return createHmac('sha256', appSecret)
    .update(tiktokSigningText(appSecret, path, query, rawBody))
    .digest('hex');
}

/**
 * The query a call carries: its own parameters plus `app_key`, `timestamp` (Unix seconds),
 * `shop_cipher` for shop calls (not for /authorization/202309/shops) and `sign`. `path` must be the
 * path exactly as the server sees it.
 */
export function tiktokSignedQuery(
  credentials: { app_key: string; app_secret: string },
  path: string,
  params: Record<string, string>,
  rawBody: string,
  timestampSeconds: number,
  shopCipher?: string,
): Record<string, string> {
  const query: Record<string, string> = {
    ...params,
    app_key: credentials.app_key,
    timestamp: String(Math.floor(timestampSeconds)),
    ...(shopCipher === undefined ? {} : { shop_cipher: shopCipher }),
  };
  return { ...query, sign: tiktokSign(credentials.app_secret, path, query, rawBody) };
}

export const TIKTOK_WEBHOOK_SIGNATURE_HEADER = 'authorization';

/** A push's signature: lowercase hex HMAC-SHA256(app_secret, app_key + raw body). */
export function tiktokWebhookSignature(appKey: string, appSecret: string, rawBody: Buffer): string {
  return createHmac('sha256', appSecret)
    .update(Buffer.concat([Buffer.from(appKey, 'utf8'), rawBody]))
    .digest('hex');
}

/** Whether the push's `Authorization` signs these exact bytes; false for anything garbled. */
export function verifyTiktokWebhook(delivery: WebhookDelivery, appKey: string, appSecret: string): boolean {
  const given = headerOf(delivery, TIKTOK_WEBHOOK_SIGNATURE_HEADER);
  // a SHA-256 digest in hex is 64 characters; TikTok sends it lowercase and without a scheme
  if (given === undefined || !/^[0-9a-f]{64}$/.test(given)) return false;
  return sameDigest(
    Buffer.from(tiktokWebhookSignature(appKey, appSecret, delivery.rawBody), 'hex'),
    Buffer.from(given, 'hex'),
  );
}
