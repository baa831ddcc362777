import { createHmac } from 'node:crypto';
import { headerOf, sameDigest } from '../order-support';
import { WebhookDelivery } from '../port';

/**
 * The text a Shopee call is signed over (docs/marketplace-shopee.md, "Calls and signing"):
 * partner_id, the path without host or query, the timestamp in Unix seconds, and for calls made
 * on a shop's behalf its access token and shop id, all run together. Bodies are not signed.
 */
export function shopeeSigningText(
  partnerId: string,
  path: string,
  timestampSeconds: number,
  shop?: { accessToken: string; shopId: string },
): string {
  const text = `${partnerId}${path}${timestampSeconds}`;
  return shop === undefined ? text : `${text}${shop.accessToken}${shop.shopId}`;
}

/** Lowercase hex HMAC-SHA256 of the signing text under the partner key. */
export function shopeeSign(partnerKey: string, signingText: string): string {
  return createHmac('sha256', partnerKey).update(signingText, 'utf8').digest('hex');
}

/**
 * The query of a signed call: its own parameters plus `partner_id`, `timestamp` and `sign`, and
 * `access_token` and `shop_id` for a shop call. `path` is the path exactly as the server sees it.
 */
export function shopeeSignedQuery(
  app: { partner_id: string; partner_key: string },
  path: string,
  params: Record<string, string>,
  timestampSeconds: number,
  shop?: { accessToken: string; shopId: string },
): Record<string, string> {
  const sign = shopeeSign(app.partner_key, shopeeSigningText(app.partner_id, path, timestampSeconds, shop));
  return {
    ...params,
    partner_id: app.partner_id,
    timestamp: String(timestampSeconds),
    sign,
    ...(shop === undefined ? {} : { access_token: shop.accessToken, shop_id: shop.shopId }),
  };
}

export const SHOPEE_PUSH_SIGNATURE_HEADER = 'authorization';

/**
 * The digest a push is signed with: HMAC-SHA256(partner key, callback URL + "|" + raw body). The
 * URL is the callback as registered with Shopee (our public address), not the one a proxy hands
 * on, and the body its exact bytes: a parsed and re-serialised body signs differently.
 */
function pushDigest(partnerKey: string, callbackUrl: string, rawBody: Buffer): Buffer {
  return createHmac('sha256', partnerKey).update(`${callbackUrl}|`, 'utf8').update(rawBody).digest();
}

export function shopeePushSignature(partnerKey: string, callbackUrl: string, rawBody: Buffer): string {
  return pushDigest(partnerKey, callbackUrl, rawBody).toString('hex');
}

/** Whether the `Authorization` header signs this push for `callbackUrl`; false for anything garbled. */
export function verifyShopeePush(
  delivery: WebhookDelivery,
  partnerKey: string,
  callbackUrl: string,
): boolean {
  const given = headerOf(delivery, SHOPEE_PUSH_SIGNATURE_HEADER);
  if (given === undefined || !/^[0-9a-f]{64}$/.test(given)) return false;
  return sameDigest(pushDigest(partnerKey, callbackUrl, delivery.rawBody), Buffer.from(given, 'hex'));
}
