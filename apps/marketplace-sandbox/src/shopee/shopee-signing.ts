import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The string a Shopee-style call is signed over: plain concatenation of partner_id, the path
 * (no host, no query) and the timestamp, then for shop calls the access token and the shop id.
 * POST bodies are not part of it.
 */
export function shopeeBaseString(
  partnerId: string,
  path: string,
  timestamp: string,
  shop?: { accessToken: string; shopId: string },
): string {
  return partnerId + path + timestamp + (shop ? shop.accessToken + shop.shopId : '');
}

/** Lowercase hex HMAC-SHA256 of the base string under the partner key. */
export function shopeeSign(partnerKey: string, baseString: string): string {
  return createHmac('sha256', partnerKey).update(baseString).digest('hex');
}

/**
 * A push's `Authorization` header: lowercase hex HMAC-SHA256(partner key, callback URL + "|" + raw
 * body), the URL being the registered callback string, not the one the receiver sees.
 */
export function shopeePushSignature(partnerKey: string, callbackUrl: string, rawBody: string): string {
  return shopeeSign(partnerKey, `${callbackUrl}|${rawBody}`);
}

/** Constant-time comparison of a sent signature with the expected one (exact case). */
export function sameSignature(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
