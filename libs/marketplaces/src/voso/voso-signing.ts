import { createHmac } from 'node:crypto';
import { headerOf, sameDigest } from '../order-support';
import { WebhookDelivery } from '../port';

export const VOSO_SIGNATURE_HEADER = 'x-voso-signature';
/** MARKETPLACES.md: a push signed more than 300 s away from the receiver's clock is rejected. */
export const VOSO_SIGNATURE_TOLERANCE_S = 300;

/** Hex HMAC-SHA256 of `t + "." + raw body`: the timestamp is signed so it cannot be replayed with another. */
export function vosoWebhookSignature(secret: string, timestamp: number, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** Reads `t=<unix s>,v1=<hex>[,v1=<hex>…]`; null when there is no usable `t` or no `v1`. */
export function parseVosoSignature(header: string): { timestamp: number; signatures: string[] } | null {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [name, value, ...rest] = part.trim().split('=');
    if (value === undefined || rest.length > 0) continue;
    if (name === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (name === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value);
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures };
}

/**
 * Whether `x-voso-signature` signs this body under `secret` at a time within 300 s of `now`, either
 * way: a stale push may be a replay, and one from the future is as suspect. Any `v1` may match, so
 * a marketplace that sends two while rotating secrets is still heard.
 */
export function verifyVosoWebhook(delivery: WebhookDelivery, secret: string, now: Date): boolean {
  const header = headerOf(delivery, VOSO_SIGNATURE_HEADER);
  const parsed = header === undefined ? null : parseVosoSignature(header);
  if (!parsed) return false;
  if (Math.abs(now.getTime() / 1000 - parsed.timestamp) > VOSO_SIGNATURE_TOLERANCE_S) return false;
  const expected = Buffer.from(vosoWebhookSignature(secret, parsed.timestamp, delivery.rawBody), 'hex');
  let matched = false;
  // every candidate is compared, so the time taken does not tell which one matched
  for (const signature of parsed.signatures) {
    if (sameDigest(expected, Buffer.from(signature, 'hex'))) matched = true;
  }
  return matched;
}
