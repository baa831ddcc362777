import { SESSION_COOKIE } from '@ocop/common';

/**
 * The one cookie the API reads and writes: the session. Parsed from the Cookie header by hand
 * rather than with @fastify/cookie (not installed; a plugin for one name and one value whose
 * alphabet we choose — base64url — is more surface than the few lines below). Its name lives in
 * @ocop/common because the OpenAPI document's security scheme names it too.
 */

/** A session token as we issue them: 32 random bytes in base64url. Anything else is not ours. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The session token in a Cookie header, or undefined. A header carrying the name more than once
 * (a sibling subdomain can plant a cookie of the same name beside ours) yields nothing rather than
 * a guess at which one the browser meant.
 */
export function sessionTokenOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (text.length > 16 * 1024) return undefined;
  const values: string[] = [];
  for (const pair of text.split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0) continue;
    if (pair.slice(0, equals).trim() !== SESSION_COOKIE) continue;
    let value = pair.slice(equals + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    values.push(value);
  }
  if (values.length !== 1 || !TOKEN.test(values[0]!)) return undefined;
  return values[0];
}

export interface CookieOptions {
  /** seconds the browser keeps it; 0 deletes it */
  maxAgeSeconds: number;
  secure: boolean;
}

/**
 * Set-Cookie for the session: httpOnly (no script reads it), SameSite=Lax (not sent on
 * cross-site POSTs, sent when a person follows a link to the app), Path=/ and no Domain (this host
 * only), Secure behind https.
 */
export function sessionCookie(token: string, options: CookieOptions): string {
  const parts = [
    `${SESSION_COOKIE}=${token}`,
    'Path=/',
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
    'HttpOnly',
    'SameSite=Lax',
  ];
  if (options.maxAgeSeconds <= 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
