import { createHmac } from 'node:crypto';
import { headerOf, sameDigest } from '../order-support';
import { WebhookDelivery } from '../port';

export const SENDO_SIGNATURE_HEADER = 'x-sendo-signature';

/** Hex HMAC-SHA256 of the raw body under the shop's webhook secret (MARKETPLACES.md). */
export function sendoWebhookSignature(secret: string, rawBody: Buffer): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/** Whether `x-sendo-signature` is the body's signature under `secret`; false for anything garbled. */
export function verifySendoWebhook(delivery: WebhookDelivery, secret: string): boolean {
  const given = headerOf(delivery, SENDO_SIGNATURE_HEADER);
  if (given === undefined || !/^[0-9a-f]{64}$/i.test(given)) return false;
  return sameDigest(
    createHmac('sha256', secret).update(delivery.rawBody).digest(),
    Buffer.from(given, 'hex'),
  );
}
