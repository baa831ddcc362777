import { SessionTokens } from './session-tokens';

describe('SessionTokens', () => {
  it('caches a token per key until shortly before its lifetime ends', async () => {
    let now = 0;
    const tokens = new SessionTokens(8 * 3600_000, () => now);
    let logins = 0;
    const login = async () => `t${++logins}`;
    expect(await tokens.get('c1', login)).toBe('t1');
    now = 7 * 3600_000;
    expect(await tokens.get('c1', login)).toBe('t1');
    expect(await tokens.get('c2', login)).toBe('t2');
    now = 8 * 3600_000 - 60_000;
    expect(await tokens.get('c1', login)).toBe('t3');
  });

  it('takes a shorter lifetime the login reports', async () => {
    let now = 0;
    const tokens = new SessionTokens(8 * 3600_000, () => now);
    let n = 0;
    const login = async () => ({ token: `t${++n}`, lifetimeMs: 60_000 });
    expect(await tokens.get('c', login)).toBe('t1');
    now = 50_000;
    expect(await tokens.get('c', login)).toBe('t1');
    now = 55_000;
    expect(await tokens.get('c', login)).toBe('t2');
  });

  it('shares one login among concurrent callers', async () => {
    const tokens = new SessionTokens(1000);
    let logins = 0;
    const login = async () => {
      logins++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return 'token';
    };
    const all = await Promise.all(Array.from({ length: 10 }, () => tokens.get('c', login)));
    expect(new Set(all)).toEqual(new Set(['token']));
    expect(logins).toBe(1);
  });

  it('forgets a refused token but not a fresher one', async () => {
    const tokens = new SessionTokens(60_000);
    let n = 0;
    const login = async () => `t${++n}`;
    await tokens.get('c', login);
    tokens.forget('c', 't1');
    expect(await tokens.get('c', login)).toBe('t2');
    tokens.forget('c', 't1');
    expect(await tokens.get('c', login)).toBe('t2');
  });

  it('does not cache a failed login', async () => {
    const tokens = new SessionTokens(60_000);
    await expect(
      tokens.get('c', async () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await tokens.get('c', async () => 'ok')).toBe('ok');
  });
});
