import { sessionCookie, sessionTokenOf } from './cookies';

const token = 'A'.repeat(21) + '_' + 'b-'.repeat(10) + 'z';

describe('the session cookie', () => {
  it('finds the session token among other cookies, quoted or not', () => {
    expect(token).toHaveLength(43);
    expect(sessionTokenOf(`ocop_session=${token}`)).toBe(token);
    expect(sessionTokenOf(`theme=dark; ocop_session=${token}; lang=vi`)).toBe(token);
    expect(sessionTokenOf(`theme=dark;ocop_session="${token}"`)).toBe(token);
    expect(sessionTokenOf([`a=1`, `ocop_session=${token}`])).toBe(token);
  });

  it('takes nothing that is not one token of ours', () => {
    expect(sessionTokenOf(undefined)).toBeUndefined();
    expect(sessionTokenOf('')).toBeUndefined();
    expect(sessionTokenOf('ocop_session=')).toBeUndefined();
    expect(sessionTokenOf(`ocop_session=${token}x`)).toBeUndefined();
    expect(sessionTokenOf(`ocop_session=${token.slice(1)}%41`)).toBeUndefined();
    expect(sessionTokenOf(`xocop_session=${token}`)).toBeUndefined();
    // two cookies of the name (one planted by a sibling subdomain): neither is trusted
    expect(sessionTokenOf(`ocop_session=${token}; ocop_session=${'C'.repeat(43)}`)).toBeUndefined();
    expect(sessionTokenOf(`a=${'x'.repeat(17 * 1024)}; ocop_session=${token}`)).toBeUndefined();
  });

  it('is set httpOnly, SameSite=Lax, for the whole host, Secure only when asked', () => {
    expect(sessionCookie(token, { maxAgeSeconds: 3600.7, secure: false })).toBe(
      `ocop_session=${token}; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax`,
    );
    expect(sessionCookie(token, { maxAgeSeconds: 60, secure: true })).toMatch(/; Secure$/);
    expect(sessionCookie('', { maxAgeSeconds: 0, secure: false })).toBe(
      'ocop_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    );
  });
});
