import { createHmac } from 'node:crypto';
import { headerOf, sameDigest } from '../order-support';
import { WebhookDelivery } from '../port';

/**
 * The text a Lazada-style call signs (docs/marketplace-lazada.md): the API name (the path after
 * `/rest`, e.g. `/orders/get`), then every parameter except `sign` sorted by name in ASCII order as
 * name+value. A parameter with an empty value is left out: Lazada ignores it, so signing it would
 * sign something the marketplace never sees.
 */
export function lazadaSigningText(apiName: string, params: Readonly<Record<string, string>>): string {
  const names = Object.keys(params)
    .filter((name) => name !== 'sign' && params[name] !== '')
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return apiName + names.map((name) => name + params[name]).join('');
}

/** Uppercase hex HMAC-SHA256 of the signing text under the app secret. */
export function lazadaSign(
  appSecret: string,
  apiName: string,
  params: Readonly<Record<string, string>>,
): string {
  return createHmac('sha256', appSecret)
    .update(lazadaSigningText(apiName, params))
    .digest('hex')
    .toUpperCase();
}

/**
 * Every parameter of a call, signed: the business parameters plus `app_key`, `timestamp` (Unix
 * milliseconds: seconds would be read as 1970 and refused), `sign_method` and, for seller calls,
 * `access_token`. The caller puts the system ones in the query and, for a POST, the business ones
 * in a form body; the signature covers them all either way.
 */
export function lazadaSignedParams(
  credentials: { app_key: string; app_secret: string },
  apiName: string,
  params: Readonly<Record<string, string>>,
  timestampMs: number,
  accessToken?: string,
): Record<string, string> {
  const all: Record<string, string> = {
    ...params,
    app_key: credentials.app_key,
    timestamp: String(Math.trunc(timestampMs)),
    sign_method: 'sha256',
    ...(accessToken === undefined ? {} : { access_token: accessToken }),
  };
  return { ...all, sign: lazadaSign(credentials.app_secret, apiName, all) };
}

/** Lazada signs its pushes in the plain `Authorization` header. */
export const LAZADA_PUSH_SIGNATURE_HEADER = 'authorization';

/** Hex HMAC-SHA256 of app key + raw body under the app secret (the connection's webhook secret). */
export function lazadaPushSignature(appKey: string, appSecret: string, rawBody: Buffer): string {
  return createHmac('sha256', appSecret)
    .update(Buffer.concat([Buffer.from(appKey, 'utf8'), rawBody]))
    .digest('hex');
}

/**
 * Whether a push's `Authorization` signs its exact bytes under this app; false, never a throw, for
 * a missing or garbled header. Lazada writes the digest in lower case; the bytes are compared, so
 * the case of the hex does not matter.
 */
export function verifyLazadaPush(delivery: WebhookDelivery, appKey: string, appSecret: string): boolean {
  const given = headerOf(delivery, LAZADA_PUSH_SIGNATURE_HEADER);
  if (given === undefined || !/^[0-9a-fA-F]{64}$/.test(given)) return false;
  return sameDigest(
    Buffer.from(lazadaPushSignature(appKey, appSecret, delivery.rawBody), 'hex'),
    Buffer.from(given, 'hex'),
  );
}
