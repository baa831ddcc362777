import type { INestApplicationContext } from '@nestjs/common';
import { RunningApi, startApi } from '../../support/api';
import { newCooperative, uniqueCode } from '../../support/factories';
import {
  connectAll,
  listEverywhere,
  MARKETPLACE_NAMES,
  type MarketplaceName,
  sandboxControl,
  startMarketplaces,
} from '../../support/marketplaces';
import { eventually, startWorker } from '../../support/worker';

type Sandbox = Awaited<ReturnType<typeof startMarketplaces>>;

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

describe('sync engine under load and faults', () => {
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

  const listAll = async (
    coop: { id: string; key: string },
    productId: string,
    shops: Record<MarketplaceName, { connectionId: string }>,
  ) => {
    const listings = await listEverywhere(api, coop, productId, shops);
    return Object.fromEntries(MARKETPLACE_NAMES.map((m) => [m, listings[m].id as string]));
  };

  it('coalesces a burst of 500 stock adjustments into a handful of calls, ending at the exact figure', async () => {
    const coop = await newCooperative(api);
    const shops = await connectAll(api, sandbox, coop);
    const code = uniqueCode('MIEN');
    const product = (
      await api.call('POST', '/v1/products', {
        key: coop.key,
        body: {
          cooperativeId: coop.id,
          name: 'Miến dong Việt Cường',
          category: 'noodles',
          skus: [{ code, name: 'Gói 500g', priceVnd: 55000, weightGrams: 500, onHand: 1000 }],
        },
      })
    ).body;
    const listings = await listAll(coop, product.id, shops);
    for (const marketplace of MARKETPLACE_NAMES) {
      await eventually(async () => {
        const res = await api.call('GET', `/v1/listings/${listings[marketplace]}`, { key: coop.key });
        return res.body.status === 'synced' ? res.body : undefined;
      });
    }
    for (const marketplace of MARKETPLACE_NAMES) await sandboxControl(sandbox.urls[marketplace]).clearStats();

    const deltas = Array.from({ length: 500 }, (_, i) => (i % 5 === 0 ? 3 : -1));
    await inBatches(deltas, 25, (delta) =>
      api.call('POST', `/v1/skus/${product.skus[0].id}/stock-adjustments`, {
        key: coop.key,
        body: { delta, reason: 'burst' },
      }),
    );
    const expected = 1000 + deltas.reduce((a, b) => a + b, 0);
    const read = await api.call('GET', `/v1/products/${product.id}`, { key: coop.key });
    expect(read.body.skus[0].onHand).toBe(expected);

    const calls: Record<string, number> = {};
    for (const marketplace of MARKETPLACE_NAMES) {
      const control = sandboxControl(sandbox.urls[marketplace]);
      await eventually(async () => {
        const [held] = await control.listings(shops[marketplace].shopId);
        return held.variants[0].quantity === expected ? held : undefined;
      }, 30_000);
      await eventually(async () => {
        const res = await api.call('GET', `/v1/listings/${listings[marketplace]}`, { key: coop.key });
        return res.body.lag === 0 ? res.body : undefined;
      });
      const stats = await control.stats();
      calls[marketplace] = Object.entries(stats)
        .filter(([route]) =>
          /stock|inventory|field-mask|PUT \/v2\/products|PUT \/api\/v1\/products|POST \/api\/partner\/product$/.test(
            route,
          ),
        )
        .reduce((sum, [, n]) => sum + n, 0);
    }
    console.log(`500 stock adjustments → stock calls per marketplace: ${JSON.stringify(calls)}`);
    for (const marketplace of MARKETPLACE_NAMES) expect(calls[marketplace]).toBeLessThan(100);
  });

  it('shows a listing the marketplace refuses as error with its message, and recovers once the product is fixed', async () => {
    const coop = await newCooperative(api);
    const shops = await connectAll(api, sandbox, coop);
    const product = (
      await api.call('POST', '/v1/products', {
        key: coop.key,
        body: {
          cooperativeId: coop.id,
          name: '   ',
          category: 'honey',
          skus: [
            { code: uniqueCode('MO'), name: 'Chai 500ml', priceVnd: 180000, weightGrams: 700, onHand: 5 },
          ],
        },
      })
    ).body;
    const listings = await listAll(coop, product.id, shops);
    for (const marketplace of MARKETPLACE_NAMES) {
      const failed = await eventually(async () => {
        const res = await api.call('GET', `/v1/listings/${listings[marketplace]}`, { key: coop.key });
        return res.body.status === 'error' ? res.body : undefined;
      });
      expect(failed.lastError).toBeTruthy();
      expect(failed.externalId).toBeNull();
    }
    const errors = await api.call('GET', `/v1/listings?productId=${product.id}&status=error`, {
      key: coop.key,
    });
    expect(errors.body.items).toHaveLength(3);

    await api.call('PATCH', `/v1/products/${product.id}`, {
      key: coop.key,
      body: { name: 'Mật ong Phúc Thành' },
    });
    for (const marketplace of MARKETPLACE_NAMES) {
      const fixed = await eventually(async () => {
        const res = await api.call('GET', `/v1/listings/${listings[marketplace]}`, { key: coop.key });
        return res.body.status === 'synced' ? res.body : undefined;
      });
      expect(fixed.lastError).toBeNull();
      const held = await sandboxControl(sandbox.urls[marketplace]).listings(shops[marketplace].shopId);
      expect(held.map((l: any) => l.name)).toEqual(['Mật ong Phúc Thành']);
    }
  });

  it('converges 200 listings per marketplace under 5xx, throttling, short tokens and 504-after-write, with no duplicates', async () => {
    const coop = await newCooperative(api);
    const shops = await connectAll(api, sandbox, coop);
    for (const marketplace of MARKETPLACE_NAMES) {
      await sandboxControl(sandbox.urls[marketplace]).faults(shops[marketplace].shopId, {
        seed: 7,
        errorRate: 0.2,
        rateLimitPerSecond: 12,
        ...(marketplace === 'postmart' ? { writeThen504Rate: 0.3 } : { tokenTtlSeconds: 60 }),
      });
    }
    const products: any[] = [];
    await inBatches(
      Array.from({ length: 200 }, (_, i) => i),
      20,
      async (i) => {
        const res = await api.call('POST', '/v1/products', {
          key: coop.key,
          body: {
            cooperativeId: coop.id,
            name: `Chè búp Tân Cương lô ${i}`,
            category: 'tea',
            skus: [
              {
                code: uniqueCode('LO'),
                name: 'Gói 100g',
                priceVnd: 100000 + i * 1000,
                weightGrams: 100,
                onHand: 20 + i,
              },
            ],
          },
        });
        products.push(res.body);
      },
    );
    await inBatches(products, 20, (p) => listAll(coop, p.id, shops));

    // tokens expire every minute of sandbox time while the sync runs
    const clock = setInterval(() => {
      for (const marketplace of ['sendo', 'voso'] as const)
        void sandboxControl(sandbox.urls[marketplace]).advanceClock(61);
    }, 2000);
    try {
      await eventually(async () => {
        const res = await api.call('GET', `/v1/listings?status=pending&limit=1`, { key: coop.key });
        expect(res.status).toBe(200);
        return res.body.items.length === 0 ? true : undefined;
      }, 120_000);
      // then stock changes on a quarter of them, through the same faults
      await inBatches(products.slice(0, 50), 10, (p) =>
        api.call('POST', `/v1/skus/${p.skus[0].id}/stock-adjustments`, {
          key: coop.key,
          body: { delta: -7, reason: 'sold at market' },
        }),
      );
      await eventually(async () => {
        for (const marketplace of MARKETPLACE_NAMES) {
          const lagging = await api.call(
            'GET',
            `/v1/listings?connectionId=${shops[marketplace].connectionId}&limit=200`,
            {
              key: coop.key,
            },
          );
          if (lagging.body.items.some((l: any) => l.lag > 0 || l.status !== 'synced')) return undefined;
        }
        return true;
      }, 120_000);
    } finally {
      clearInterval(clock);
    }

    for (const marketplace of MARKETPLACE_NAMES) {
      const held = await sandboxControl(sandbox.urls[marketplace]).listings(shops[marketplace].shopId);
      expect(held).toHaveLength(200);
      const byName = new Map(held.map((l: any) => [l.name, l]));
      expect(byName.size).toBe(200);
      for (const [i, p] of products.entries()) {
        const listing: any = byName.get(p.name);
        expect(listing).toBeDefined();
        const onHand = p.skus[0].onHand - (products.indexOf(p) < 50 ? 7 : 0);
        expect({
          i,
          marketplace,
          quantity: listing.variants[0].quantity,
          price: listing.variants[0].price,
        }).toEqual({
          i,
          marketplace,
          quantity: onHand,
          price: p.skus[0].priceVnd,
        });
      }
    }
  }, 300_000);
});
