import { type AccessGrant, type GrantKeeper, MarketplaceError, type ShopAccess } from './port';
import { callWithGrant, GRANT_RENEW_MARGIN_MS, grantDue } from './shop-grants';

const NOW = Date.parse('2026-12-01T08:00:00Z');

const grant = (n: number, accessLeftMs: number): AccessGrant => ({
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  accessExpiresAt: new Date(NOW + accessLeftMs),
  refreshExpiresAt: null,
});

/** A keeper in memory that renews as the database one does: only the grant it holds now. */
function keeperHolding(first: AccessGrant): GrantKeeper & { exchanges: string[] } {
  let held = first;
  const exchanges: string[] = [];
  return {
    exchanges,
    current: async () => held,
    refresh: async (stale, exchange) => {
      if (held.accessToken !== stale) return held;
      exchanges.push(held.refreshToken);
      held = await exchange(held.refreshToken);
      return held;
    },
  };
}

const shopWith = (keeper?: GrantKeeper): ShopAccess => ({
  connectionId: 'c1',
  marketplace: 'sendo',
  shopId: 'shop-1',
  baseUrl: 'http://127.0.0.1:4104',
  credentials: {},
  grant: keeper,
});

const renewTo = (n: number) => async (refreshToken: string) => {
  expect(refreshToken).toBe(`refresh-${n - 1}`);
  return grant(n, 4 * 3_600_000);
};

const refused = new MarketplaceError('auth', 'Invalid access_token.', { status: 403, code: 'error_auth' });

describe('grantDue', () => {
  it('renews within five minutes of the end, not before', () => {
    expect(grantDue(grant(1, GRANT_RENEW_MARGIN_MS + 1), NOW)).toBe(false);
    expect(grantDue(grant(1, GRANT_RENEW_MARGIN_MS), NOW)).toBe(true);
    expect(grantDue(grant(1, -1), NOW)).toBe(true);
  });
});

describe('callWithGrant', () => {
  it('calls with the held access token while it is fresh', async () => {
    const keeper = keeperHolding(grant(1, 3_600_000));
    const sent: string[] = [];
    const value = await callWithGrant(
      shopWith(keeper),
      renewTo(2),
      async (token) => (sent.push(token), { value: 'ok' }),
      () => NOW,
    );
    expect(value).toBe('ok');
    expect(sent).toEqual(['access-1']);
    expect(keeper.exchanges).toEqual([]);
  });

  it('renews a grant near its end before the call sets out', async () => {
    const keeper = keeperHolding(grant(1, 60_000));
    const sent: string[] = [];
    await callWithGrant(
      shopWith(keeper),
      renewTo(2),
      async (token) => (sent.push(token), { value: 1 }),
      () => NOW,
    );
    expect(keeper.exchanges).toEqual(['refresh-1']);
    expect(sent).toEqual(['access-2']);
  });

  it('renews once when the marketplace refuses the token, and repeats the call', async () => {
    const keeper = keeperHolding(grant(1, 3_600_000));
    const sent: string[] = [];
    const value = await callWithGrant(
      shopWith(keeper),
      renewTo(2),
      async (token) => (
        sent.push(token),
        token === 'access-1' ? { failure: refused } : { value: 'after renewal' }
      ),
      () => NOW,
    );
    expect(value).toBe('after renewal');
    expect(sent).toEqual(['access-1', 'access-2']);
  });

  it('refused again right after a renewal: retryable, not the grant’s fault', async () => {
    const keeper = keeperHolding(grant(1, 3_600_000));
    const call = callWithGrant(
      shopWith(keeper),
      renewTo(2),
      async () => ({ failure: refused }),
      () => NOW,
    );
    await expect(call).rejects.toMatchObject({ kind: 'retryable', options: { code: 'token_refused' } });
    expect(keeper.exchanges).toEqual(['refresh-1']);
  });

  it('passes other failures on without renewing', async () => {
    const keeper = keeperHolding(grant(1, 3_600_000));
    const throttled = new MarketplaceError('retryable', 'slow down', { status: 429 });
    await expect(
      callWithGrant(
        shopWith(keeper),
        renewTo(2),
        async () => ({ failure: throttled }),
        () => NOW,
      ),
    ).rejects.toBe(throttled);
    expect(keeper.exchanges).toEqual([]);
  });

  it('a refused renewal is the shop’s to fix: auth', async () => {
    const keeper = keeperHolding(grant(1, 60_000));
    const spent = new MarketplaceError('auth', 'refresh token already used', { code: 'error_auth' });
    await expect(
      callWithGrant(
        shopWith(keeper),
        async () => {
          throw spent;
        },
        async () => ({ value: 1 }),
        () => NOW,
      ),
    ).rejects.toBe(spent);
  });

  it('a connection without a stored grant: auth, saying so', async () => {
    await expect(
      callWithGrant(shopWith(undefined), renewTo(2), async () => ({ value: 1 })),
    ).rejects.toMatchObject({
      kind: 'auth',
      options: { code: 'grant_missing' },
    });
  });
});
