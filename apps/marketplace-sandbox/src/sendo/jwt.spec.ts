import { createHmac } from 'node:crypto';
import { signJwt, verifyJwt } from './jwt';

describe('Sendo HS256 tokens', () => {
  const secret = Buffer.from('0123456789abcdef0123456789abcdef');
  const claims = { sub: 'shop-1', iat: 1000, exp: 2000, jti: 'x' };

  it('round-trips its claims and is a standard HS256 JWT', () => {
    const token = signJwt(claims, secret);
    expect(verifyJwt(token, secret)).toEqual(claims);
    const [header, payload, signature] = token.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')).toBe(signature);
  });

  it('refuses a token signed with another secret or tampered with', () => {
    const token = signJwt(claims, secret);
    expect(verifyJwt(token, Buffer.from('another secret'))).toBeNull();
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, exp: 9999 })).toString('base64url');
    expect(verifyJwt(`${header}.${forged}.${signature}`, secret)).toBeNull();
    expect(verifyJwt('not-a-token', secret)).toBeNull();
  });
});
