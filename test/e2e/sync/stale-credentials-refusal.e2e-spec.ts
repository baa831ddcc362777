import type { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { ConnectionsService, MARKETPLACE_ADAPTERS, type MarketplaceAdapters } from '@ocop/channels';
import { MarketplaceError, type ShopAccess } from '@ocop/marketplaces';
import { RunningApi, startApi } from '../../support/api';
import { newCooperative, uniqueCode } from '../../support/factories';
import { sandboxControl, startMarketplaces } from '../../support/marketplaces';
import { eventually, startWorker } from '../../support/worker';

type Sandbox = Awaited<ReturnType<typeof startMarketplaces>>;

/**
 * A job reads a connection's credentials when it starts (an order poll, a webhook's read, a sync
 * run) and may hear the marketplace refuse them after a seller replaced them: the marketplace lost
 * the shop and it was made again (new credentials, same shop id), and the seller sent the new ones
 * (PATCH, proven with the marketplace before they are stored). That late refusal is about the old
 * credentials and must not pause the connection: it did, and every sync run then answered
 * "connection not active", so a republish after the PATCH published nothing (the flaky
 * "publishes a connection again" case of listings.e2e-spec.ts, where the worker's first order
 * poll of the lost shop is refused around the PATCH). Both orders of the race are driven here:
 * the refusal arriving after the PATCH, and one committed while the PATCH was on its way.
 */
describe('a refusal of credentials replaced meanwhile', () => {
  let api: RunningApi;
  let worker: INestApplicationContext;
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startMarketplaces();
    api = await startApi();
    worker = await startWorker();
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await sandbox?.close();
  });

  /** A Voso connection with one listing published, then the marketplace loses the shop. */
  async function connectionWhoseShopIsLost() {
    const coop = await newCooperative(api);
    const shopId = `voso-${uniqueCode('LOST')}`;
    const first = await sandboxControl(sandbox.urls.voso).createShop({ shopId });
    const connection = (
      await api.call('POST', `/v1/cooperatives/${coop.id}/connections`, {
        key: coop.key,
        body: {
          marketplace: 'voso',
          shopId,
          baseUrl: sandbox.urls.voso,
          credentials: { ...first.credentials, webhookSecret: first.webhookSecret },
        },
      })
    ).body;
    const product = (
      await api.call('POST', '/v1/products', {
        key: coop.key,
        body: {
          cooperativeId: coop.id,
          name: 'Miến dong Việt Cường',
          category: 'noodles',
          skus: [{ code: uniqueCode('MD'), name: 'Gói 500g', priceVnd: 48000, weightGrams: 500, onHand: 30 }],
        },
      })
    ).body;
    const listing = (
      await api.call('POST', '/v1/listings', {
        key: coop.key,
        body: { productId: product.id, connectionId: connection.id },
      })
    ).body;
    await eventually(async () => {
      const res = await api.call('GET', `/v1/listings/${listing.id}`, { key: coop.key });
      return res.body.status === 'synced' ? res.body : undefined;
    });
    // what a job that starts now reads: the credentials of the shop about to be lost
    const stale = await worker.get(ConnectionsService, { strict: false }).access(connection.id);
    // every shop of the sandbox is lost; this one is made again under its id, with new credentials
    await fetch(`${sandbox.urls.voso}/_sandbox/reset`, { method: 'POST' });
    const again = await sandboxControl(sandbox.urls.voso).createShop({ shopId });
    return { coop, shopId, connection, listing, stale, again };
  }

  /** The marketplace's own refusal of the lost shop's credentials, as an order poll hears it. */
  async function refusalOf(stale: ShopAccess): Promise<MarketplaceError> {
    const adapters = worker.get<MarketplaceAdapters>(MARKETPLACE_ADAPTERS, { strict: false });
    try {
      for await (const page of adapters.voso.ordersChangedSince(stale, new Date(Date.now() - 60_000))) {
        void page;
      }
    } catch (error) {
      if (error instanceof MarketplaceError) return error;
      throw error;
    }
    throw new Error('the marketplace accepted the lost shop’s credentials');
  }

  const statusOf = async (coopKey: string, connectionId: string) =>
    (await api.call('GET', `/v1/connections/${connectionId}`, { key: coopKey })).body.status;

  /** The listing is back on the marketplace, as the republish asked, within the default wait. */
  async function republishedOnTheMarketplace(shop: Awaited<ReturnType<typeof connectionWhoseShopIsLost>>) {
    const republish = await api.call('POST', `/v1/connections/${shop.connection.id}/republish`, {
      key: shop.coop.key,
    });
    expect(republish.status).toBe(202);
    const held = await eventually(async () => {
      const all = await sandboxControl(sandbox.urls.voso).listings(shop.shopId);
      return all.length === 1 && all[0].variants[0].quantity === 30 ? all : undefined;
    });
    expect(held[0].name).toContain('Miến dong Việt Cường');
  }

  it('arriving after the new credentials were stored, leaves the connection active', async () => {
    const shop = await connectionWhoseShopIsLost();
    const refusal = await refusalOf(shop.stale);
    expect(refusal.kind).toBe('auth');

    const patched = await api.call('PATCH', `/v1/connections/${shop.connection.id}`, {
      key: shop.coop.key,
      body: { credentials: { ...shop.again.credentials, webhookSecret: shop.again.webhookSecret } },
    });
    expect(patched.status).toBe(200);
    // the poll that read the old credentials reports its refusal now, as order-jobs.ts does
    await worker.get(ConnectionsService, { strict: false }).markAuthFailed(shop.stale, refusal.message);

    expect(await statusOf(shop.coop.key, shop.connection.id)).toBe('active');
    await republishedOnTheMarketplace(shop);
    // while a refusal of the credentials stored now still pauses it
    const current = await worker.get(ConnectionsService, { strict: false }).access(shop.connection.id);
    await worker.get(ConnectionsService, { strict: false }).markAuthFailed(current, 'refused now');
    expect(await statusOf(shop.coop.key, shop.connection.id)).toBe('auth_failed');
  });

  it('committed while the new credentials were on their way, is lifted by them', async () => {
    const shop = await connectionWhoseShopIsLost();
    const refusal = await refusalOf(shop.stale);
    // The refusal of the old credentials takes the connection's row first and commits only once the
    // PATCH (which read the connection as active, then had the marketplace prove the new
    // credentials) is waiting to write them.
    const refusing = new Client({ connectionString: process.env.DATABASE_URL });
    // outside the refusal's transaction, which would see pg_stat_activity as it was when first read
    const watching = new Client({ connectionString: process.env.DATABASE_URL });
    await refusing.connect();
    await watching.connect();
    try {
      await refusing.query('BEGIN');
      await refusing.query(
        `UPDATE connections SET status = 'auth_failed', status_reason = $2 WHERE id = $1 AND status = 'active'`,
        [shop.connection.id, `The marketplace refused the credentials: ${refusal.message}`],
      );
      const patching = api.call('PATCH', `/v1/connections/${shop.connection.id}`, {
        key: shop.coop.key,
        body: { credentials: { ...shop.again.credentials, webhookSecret: shop.again.webhookSecret } },
      });
      await eventually(async () => {
        const { rows } = await watching.query(
          `SELECT 1 FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE NOT l.granted AND a.datname = current_database()
              AND a.query LIKE 'UPDATE "connections" SET "credentials_sealed"%'`,
        );
        return rows.length > 0;
      });
      await refusing.query('COMMIT');
      expect((await patching).status).toBe(200);
    } finally {
      await refusing.end();
      await watching.end();
    }

    expect(await statusOf(shop.coop.key, shop.connection.id)).toBe('active');
    await republishedOnTheMarketplace(shop);
  });
});
