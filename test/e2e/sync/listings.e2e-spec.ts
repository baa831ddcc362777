import type { INestApplicationContext } from '@nestjs/common';
import { addDays, addMonths } from '@ocop/ocop';
import { vietnamDate } from '@ocop/common';
import { RunningApi, startApi } from '../../support/api';
import { newCooperative, newKey, uniqueCode } from '../../support/factories';
import { connectAll, MARKETPLACE_NAMES, sandboxControl, startMarketplaces } from '../../support/marketplaces';
import { eventually, startWorker } from '../../support/worker';

type Sandbox = Awaited<ReturnType<typeof startMarketplaces>>;

describe('listings: publish, update, stock, OCOP badge and delist on all three marketplaces', () => {
  let api: RunningApi;
  let worker: INestApplicationContext;
  let sandbox: Sandbox;
  let officer: string;

  beforeAll(async () => {
    sandbox = await startMarketplaces();
    api = await startApi();
    worker = await startWorker();
    officer = await newKey(api, 'officer');
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await sandbox?.close();
  });

  it('keeps a three-SKU product true on Sendo, Voso and Postmart', async () => {
    const coop = await newCooperative(api);
    const shops = await connectAll(api, sandbox, coop);
    const code = uniqueCode('HD');
    const product = (
      await api.call('POST', '/v1/products', {
        key: coop.key,
        body: {
          cooperativeId: coop.id,
          name: 'Chè tôm nõn Hảo Đạt',
          category: 'tea',
          description: 'Chè Tân Cương một tôm hai lá',
          skus: [
            { code: `${code}-100`, name: 'Gói 100g', priceVnd: 250000, weightGrams: 100, onHand: 12 },
            { code: `${code}-200`, name: 'Hộp 200g', priceVnd: 480000, weightGrams: 200, onHand: 7 },
            { code: `${code}-500`, name: 'Túi 500g', priceVnd: 1100000, weightGrams: 500, onHand: 3 },
          ],
        },
      })
    ).body;
    // a 4-star certificate whose last day is today, so that tomorrow it expires
    const today = vietnamDate(new Date());
    const decidedAt = addMonths(addDays(today, 1), -36);
    const cert = await api.call('POST', `/v1/products/${product.id}/ocop-assessments`, {
      key: officer,
      body: {
        partA: 32,
        partB: 20,
        partC: 28,
        mandatoryCriteriaMet: true,
        level: 'province',
        decisionNo: '12/QĐ-UBND',
        decidedAt,
      },
    });
    expect(cert.status).toBe(201);

    const listings: Record<string, any> = {};
    for (const marketplace of MARKETPLACE_NAMES) {
      const res = await api.call('POST', '/v1/listings', {
        key: coop.key,
        body: { productId: product.id, connectionId: shops[marketplace].connectionId },
      });
      expect(res.status).toBe(202);
      expect(res.body.status).toBe('pending');
      listings[marketplace] = res.body;
    }
    const again = await api.call('POST', '/v1/listings', {
      key: coop.key,
      body: { productId: product.id, connectionId: shops.sendo.connectionId },
    });
    expect(again.status).toBe(409);

    const held = async (marketplace: (typeof MARKETPLACE_NAMES)[number]) => {
      const all = await sandboxControl(sandbox.urls[marketplace]).listings(shops[marketplace].shopId);
      return all;
    };
    const variantsOf = (listing: any) =>
      Object.fromEntries(listing.variants.map((v: any) => [v.sku, [v.price, v.quantity, v.weightGrams]]));

    // published with the badge, prices, weights and stock per variant
    for (const marketplace of MARKETPLACE_NAMES) {
      const [listing] = await eventually(async () => {
        const all = await held(marketplace);
        return all.length === 1 ? all : undefined;
      });
      expect(listing.name).toContain('Chè tôm nõn Hảo Đạt');
      expect(listing.name).toContain('OCOP 4★');
      expect(listing.status).toBe('active');
      // Sendo-style variants carry no weight of their own: the product weighs what its heaviest pack does
      const weight = (grams: number) => (marketplace === 'sendo' ? 500 : grams);
      expect(variantsOf(listing)).toEqual({
        [`${code}-100`]: [250000, 12, weight(100)],
        [`${code}-200`]: [480000, 7, weight(200)],
        [`${code}-500`]: [1100000, 3, weight(500)],
      });
      const ours = await eventually(async () => {
        const res = await api.call('GET', `/v1/listings/${listings[marketplace].id}`, { key: coop.key });
        return res.body.status === 'synced' && res.body.lag === 0 ? res.body : undefined;
      });
      expect(ours.externalId).toBeTruthy();
      expect(ours.syncedStock).toEqual({ [`${code}-100`]: 12, [`${code}-200`]: 7, [`${code}-500`]: 3 });
      expect(ours.ocopBadge).toEqual({ stars: 4 });
    }

    // a price edit, a stock take and a certificate revocation each reach all three
    const sku100 = product.skus[0];
    expect(
      (await api.call('PATCH', `/v1/skus/${sku100.id}`, { key: coop.key, body: { priceVnd: 265000 } }))
        .status,
    ).toBe(200);
    expect(
      (
        await api.call('PUT', `/v1/skus/${product.skus[1].id}/stock`, {
          key: coop.key,
          body: { onHand: 2, reason: 'count' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await api.call('POST', `/v1/ocop-certificates/${cert.body.id}/revoke`, {
          key: officer,
          body: { reason: 'test' },
        })
      ).status,
    ).toBe(200);
    for (const marketplace of MARKETPLACE_NAMES) {
      await eventually(async () => {
        const [listing] = await held(marketplace);
        const v = variantsOf(listing);
        return !listing.name.includes('OCOP') && v[`${code}-100`][0] === 265000 && v[`${code}-200`][1] === 2
          ? listing
          : undefined;
      });
    }

    // delist takes it down everywhere
    for (const marketplace of MARKETPLACE_NAMES) {
      const res = await api.call('DELETE', `/v1/listings/${listings[marketplace].id}`, { key: coop.key });
      expect(res.status).toBe(202);
    }
    for (const marketplace of MARKETPLACE_NAMES) {
      await eventually(async () => {
        const [listing] = await held(marketplace);
        return listing.status === 'delisted' ? listing : undefined;
      });
      const ours = await eventually(async () => {
        const res = await api.call('GET', `/v1/listings/${listings[marketplace].id}`, { key: coop.key });
        return res.body.status === 'delisted' ? res.body : undefined;
      });
      expect(ours.lag).toBe(0);
    }
  });
});
