import { ShopGrants } from '@ocop/channels';
import { ConnectorConfig, EVERYTHING } from '@ocop/common';
import { Transactions } from '@ocop/database';
import { ShopGrantStore } from '../../../libs/channels/src/shop-grants.repository';
import type { AccessGrant } from '@ocop/marketplaces';
import { type Services, startServices } from '../../support/services';

/**
 * A shop's grant in PostgreSQL (ADR 24): sealed, and renewed under a claim so that a single-use
 * refresh token (Shopee) is spent once however many workers find the access token stale at once.
 * Two ShopGrants instances stand for two workers; the exchange stands for the marketplace and
 * refuses a refresh token it has seen before, as Shopee does.
 */
describe('shop grants', () => {
  let services: Services;
  let grants: ShopGrants;
  let otherWorker: ShopGrants;
  let connectionId: string;

  const grant = (n: number): AccessGrant => ({
    accessToken: `access-${n}`,
    refreshToken: `refresh-${n}`,
    accessExpiresAt: new Date(Date.now() + 4 * 3_600_000),
    refreshExpiresAt: new Date(Date.now() + 30 * 86_400_000),
  });

  /** A marketplace's token endpoint: each refresh token works once, and answers after `ms`. */
  function marketplace(ms = 50) {
    const spent = new Set<string>();
    let issued = 1;
    const calls: string[] = [];
    return {
      calls,
      exchange: async (refreshToken: string): Promise<AccessGrant> => {
        calls.push(refreshToken);
        await new Promise((resolve) => setTimeout(resolve, ms));
        if (spent.has(refreshToken))
          throw new Error(`error_auth: refresh token ${refreshToken} already used`);
        spent.add(refreshToken);
        issued += 1;
        return grant(issued);
      },
    };
  }

  beforeAll(async () => {
    services = await startServices();
    grants = services.module.get(ShopGrants);
    // a second instance over the same database: what another worker process would hold
    otherWorker = new ShopGrants(
      services.module.get(ShopGrantStore),
      services.module.get(Transactions),
      services.module.get(ConnectorConfig),
    );
  });
  beforeEach(async () => {
    const coop = await services.newCooperative();
    connectionId = (await services.connect(coop, 'sendo')).id;
    await grants.save(connectionId, grant(1));
  });
  afterAll(() => services?.close());

  it('keeps the tokens sealed and gives them back', async () => {
    const [row] = await services.dataSource.query(
      `SELECT grant_sealed FROM shop_grants WHERE connection_id = $1`,
      [connectionId],
    );
    expect(row.grant_sealed).not.toContain('access-1');
    expect(row.grant_sealed).not.toContain('refresh-1');
    expect(await grants.keeperFor(connectionId).current()).toMatchObject({
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
    });
  });

  it('two workers finding the same token stale spend the refresh token once and share the new grant', async () => {
    const shopee = marketplace();
    const renewed = await Promise.all([
      grants.keeperFor(connectionId).refresh('access-1', shopee.exchange),
      otherWorker.keeperFor(connectionId).refresh('access-1', shopee.exchange),
    ]);
    expect(shopee.calls).toEqual(['refresh-1']);
    expect(renewed.map((g) => g.accessToken)).toEqual(['access-2', 'access-2']);
    expect((await otherWorker.keeperFor(connectionId).current()).refreshToken).toBe('refresh-2');
  });

  it('a refresh with a token renewed meanwhile takes the stored grant without calling', async () => {
    const shopee = marketplace();
    await grants.keeperFor(connectionId).refresh('access-1', shopee.exchange);
    const late = await otherWorker.keeperFor(connectionId).refresh('access-1', shopee.exchange);
    expect(late.accessToken).toBe('access-2');
    expect(shopee.calls).toEqual(['refresh-1']);
  });

  it('a refused exchange leaves the stored grant as it was', async () => {
    const keeper = grants.keeperFor(connectionId);
    await expect(
      keeper.refresh('access-1', async () => {
        throw new Error('error_auth: refresh token expired');
      }),
    ).rejects.toThrow(/expired/);
    expect(await keeper.current()).toMatchObject({ accessToken: 'access-1', refreshToken: 'refresh-1' });
  });

  it('a process keeps a grant it read for a while, and takes one renewed elsewhere once its token is refused', async () => {
    const keeper = grants.keeperFor(connectionId);
    expect((await keeper.current()).accessToken).toBe('access-1');
    // another worker renews it: this one goes on with what it read, without asking the database
    const shopee = marketplace();
    await otherWorker.keeperFor(connectionId).refresh('access-1', shopee.exchange);
    expect((await keeper.current()).accessToken).toBe('access-1');
    // the marketplace refuses access-1: the refresh finds the row renewed and takes it, calling nothing
    expect((await keeper.refresh('access-1', shopee.exchange)).accessToken).toBe('access-2');
    expect(shopee.calls).toEqual(['refresh-1']);
    expect((await keeper.current()).accessToken).toBe('access-2');
    // new credentials stored through this process replace what it kept
    await grants.save(connectionId, grant(9));
    expect((await keeper.current()).accessToken).toBe('access-9');
  });

  it('a process holds the grants of the shops it called in the last minute, not of every shop it ever called', async () => {
    const worker = new ShopGrants(
      services.module.get(ShopGrantStore),
      services.module.get(Transactions),
      services.module.get(ConnectorConfig),
    );
    const connections = [connectionId];
    for (let n = 0; n < 3; n += 1) {
      const id = (await services.connect(await services.newCooperative(), 'sendo')).id;
      await grants.save(id, grant(1));
      connections.push(id);
    }
    for (const id of connections.slice(0, 3)) await worker.keeperFor(id).current();
    expect(worker.keptCount).toBe(3);
    const now = Date.now();
    const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    try {
      // a minute on, reading the fourth drops the three past their time
      expect((await worker.keeperFor(connections[3]).current()).accessToken).toBe('access-1');
      expect(worker.keptCount).toBe(1);
      // one of them read again is read from the database, as before
      expect((await worker.keeperFor(connections[0]).current()).accessToken).toBe('access-1');
      expect(worker.keptCount).toBe(2);
    } finally {
      clock.mockRestore();
    }
  });

  it('a connection without a grant: auth, saying so', async () => {
    const coop = await services.newCooperative();
    const bare = (await services.connect(coop, 'sendo')).id;
    await expect(grants.keeperFor(bare).current()).rejects.toMatchObject({
      kind: 'auth',
      options: { code: 'grant_missing' },
    });
  });

  it('connecting with an authorization code stores the grant it was exchanged for; new credentials replace it', async () => {
    const coop = await services.newCooperative();
    const shopId = `SHOP-GRANT-${Date.now()}`;
    const body = {
      marketplace: 'sendo' as const,
      shopId,
      credentials: { app_key: 'k', code: 'first', webhookSecret: 'w' },
    };
    const connection = await services.connections.create(EVERYTHING, coop, body, null);
    const keeper = grants.keeperFor(connection.id);
    expect(await keeper.current()).toMatchObject({
      accessToken: 'access-for-first',
      refreshToken: 'refresh-for-first',
    });
    // the shop connected again (by anyone): refused, and the stored grant is untouched
    await expect(
      services.connections.create(
        EVERYTHING,
        coop,
        { ...body, credentials: { ...body.credentials, code: 'again' } },
        null,
      ),
    ).rejects.toThrow(/already connected/);
    expect((await keeper.current()).accessToken).toBe('access-for-first');
    const [{ n }] = await services.dataSource.query(
      `SELECT count(*)::int AS n FROM shop_grants g JOIN connections c ON c.id = g.connection_id WHERE c.shop_id = $1`,
      [shopId],
    );
    expect(n).toBe(1);
    // the seller authorized the app again: the PATCH's code gives the new grant
    await services.connections.update(
      EVERYTHING,
      connection.id,
      { credentials: { app_key: 'k', code: 'second', webhookSecret: 'w' } },
      null,
    );
    expect(await keeper.current()).toMatchObject({
      accessToken: 'access-for-second',
      refreshToken: 'refresh-for-second',
    });
  });

  it('a grant goes with its connection', async () => {
    await services.dataSource.query(`DELETE FROM listings WHERE connection_id = $1`, [connectionId]);
    await services.dataSource.query(`DELETE FROM connections WHERE id = $1`, [connectionId]);
    const [{ n }] = await services.dataSource.query(
      `SELECT count(*)::int AS n FROM shop_grants WHERE connection_id = $1`,
      [connectionId],
    );
    expect(n).toBe(0);
  });
});
