import { createHmac } from 'node:crypto';

/**
 * Lazada-style request signing, as the sandbox verifies it: the API name (the path after `/rest`)
 * followed by every parameter but `sign` (and file parameters, which the sandbox has none of)
 * sorted by name in ASCII order and written name+value, parameters with an empty value left out.
 */
export function lazadaSigningString(apiName: string, params: Iterable<[string, string]>): string {
  const pairs = [...params].filter(([name, value]) => name !== 'sign' && value !== '');
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return apiName + pairs.map(([name, value]) => name + value).join('');
}

/** The request `sign`: uppercase hex HMAC-SHA256 keyed with the app secret. */
export function lazadaRequestSign(appSecret: string, apiName: string, params: Iterable<[string, string]>) {
  return createHmac('sha256', appSecret)
    .update(lazadaSigningString(apiName, params))
    .digest('hex')
    .toUpperCase();
}

/** A push's `Authorization` header: lowercase hex HMAC-SHA256(app secret, app key + raw body). */
export function lazadaPushSignature(appKey: string, appSecret: string, rawBody: string): string {
  return createHmac('sha256', appSecret)
    .update(appKey + rawBody)
    .digest('hex');
}
