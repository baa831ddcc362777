import type { INestApplicationContext } from '@nestjs/common';
import { RunningApi, startApi } from '../../support/api';
import { newCooperative, newProduct, uniqueCode } from '../../support/factories';
import { connectAll, listEverywhere, sandboxControl, startMarketplaces } from '../../support/marketplaces';
import { eventually, startWorker } from '../../support/worker';

type Sandbox = Awaited<ReturnType<typeof startMarketplaces>>;
const APP_BASED = ['shopee', 'tiktok', 'lazada'] as const;
type AppBased = (typeof APP_BASED)[number];
/** The credential each style's one-time code goes in. */
const CODE_FIELD: Record<AppBased, string> = { shopee: 'code', tiktok: 'auth_code', lazada: 'code' };
const PRODUCTS = 30;

/**
 * The sync engine's fault suite for the app-based styles (issue 18): two workers publish to a
 * Shopee, a TikTok Shop and a Lazada shop whose access tokens live 3 seconds, while the
 * marketplaces answer a fifth of the calls with server errors and throttle at 12 calls a second.
 * Every call then finds its token near its end and renews it, two workers at a time: Shopee's
 * refresh token works once, so a renewal spent twice would turn the shop auth_failed. The shops
 * converge with no listing twice and no connection refused.
 */
describe('app-based marketplaces under short tokens, errors and throttling', () => {
  let api: RunningApi;
  let workers: INestApplicationContext[] = [];
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startMarketplaces();
    api = await startApi();
    workers = [await startWorker(), await startWorker()];
  });
  afterAll(async () => {
    for (const worker of workers) await worker.close();
    await api?.close();
    await sandbox?.close();
  });

  it('converges 30 listings on each with two workers renewing tokens that live 3 s, no duplicate and no refusal', async () => {
    const coop = await newCooperative(api);
    const shops = await connectAll(api, sandbox, coop, { marketplaces: [...APP_BASED] });
    for (const marketplace of APP_BASED) {
      const control = sandboxControl(sandbox.urls[marketplace]);
      const { shopId, connectionId } = shops[marketplace];
      await control.faults(shopId, { seed: 11, errorRate: 0.2, rateLimitPerSecond: 12, tokenTtlSeconds: 3 });
      // the seller authorizes again: the grant now holds tokens of 3 seconds
      const shop = await (await fetch(`${sandbox.urls[marketplace]}/_sandbox/shops/${shopId}`)).json();
      const code = await (
        await fetch(`${sandbox.urls[marketplace]}/_sandbox/shops/${shopId}/auth-code`, { method: 'POST' })
      ).json();
      const patched = await api.call('PATCH', `/v1/connections/${connectionId}`, {
        key: coop.key,
        body: {
          credentials: {
            ...shop.credentials,
            [CODE_FIELD[marketplace]]: code.code,
            webhookSecret: shop.webhookSecret,
          },
        },
      });
      expect(patched.status).toBe(200);
    }
    const products: {
      id: string;
      name: string;
      skus: { code: string; onHand: number; priceVnd: number }[];
    }[] = [];
    for (let i = 0; i < PRODUCTS; i++) {
      const code = uniqueCode('APP');
      // refuses anything but 201
      const created = await newProduct(api, coop, {
        name: `Chè búp Tân Cương lô ${i}`,
        imageUrls: [`${sandbox.urls.voso}/_sandbox/images/${code}.png`],
        skus: [{ code, name: 'Gói 100 g', priceVnd: 90_000 + i * 1000, weightGrams: 100, onHand: 10 + i }],
      });
      products.push(created);
      await listEverywhere(api, coop, created.id, shops);
    }

    await eventually(async () => {
      for (const marketplace of APP_BASED) {
        const listed = await api.call(
          'GET',
          `/v1/listings?connectionId=${shops[marketplace].connectionId}&limit=200`,
          { key: coop.key },
        );
        if (
          listed.body.items.some((l: { status: string; lag: number }) => l.status !== 'synced' || l.lag > 0)
        ) {
          return undefined;
        }
      }
      return true;
    }, 150_000);

    for (const marketplace of APP_BASED) {
      const connection = await api.call('GET', `/v1/connections/${shops[marketplace].connectionId}`, {
        key: coop.key,
      });
      expect({ marketplace, status: connection.body.status }).toEqual({ marketplace, status: 'active' });
      const held = await sandboxControl(sandbox.urls[marketplace]).listings(shops[marketplace].shopId);
      const active = held.filter((listing) => listing.status === 'active');
      expect({ marketplace, listings: active.length }).toEqual({ marketplace, listings: PRODUCTS });
      for (const product of products) {
        const sku = product.skus[0];
        const variants = active
          .flatMap((listing) => listing.variants)
          .filter((v: { sku: string }) => v.sku === sku.code);
        expect({
          marketplace,
          sku: sku.code,
          variants: variants.length,
          quantity: variants[0]?.quantity,
          price: variants[0]?.price,
        }).toEqual({
          marketplace,
          sku: sku.code,
          variants: 1,
          quantity: sku.onHand,
          price: sku.priceVnd,
        });
      }
    }
  }, 240_000);
});
