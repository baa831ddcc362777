import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Minimal HS256 JWTs for Sendo-style tokens, on node:crypto. (jose 6 is ESM-only and would not load
 * under the CommonJS test runner; an HS256 token is three base64url parts and one HMAC.)
 */
export interface SendoTokenClaims {
  sub: string;
  iat: number;
  exp: number;
  jti: string;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

export function signJwt(claims: SendoTokenClaims, secret: Buffer): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = createHmac('sha256', secret).update(`${HEADER}.${payload}`).digest('base64url');
  return `${HEADER}.${payload}.${signature}`;
}

/** The claims when the signature is right (expiry is the caller's business); null otherwise. */
export function verifyJwt(token: string, secret: Buffer): SendoTokenClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== HEADER) return null;
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const claims = JSON.parse(
      Buffer.from(parts[1], 'base64url').toString('utf8'),
    ) as Partial<SendoTokenClaims>;
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return null;
    return claims as SendoTokenClaims;
  } catch {
    return null;
  }
}
