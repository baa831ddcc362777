import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { QueueEvents, type Queue } from 'bullmq';
import { register } from 'prom-client';
import { addDays, addMonths, Clock, vietnamDate } from '@ocop/common';
import { QUEUES } from '@ocop/jobs';
import { RunningApi, startApi } from '../../support/api';
import { newCooperative, newKey, uniqueCode } from '../../support/factories';
import {
  connectAll,
  listEverywhere,
  MARKETPLACE_NAMES,
  sandboxControl,
  startMarketplaces,
} from '../../support/marketplaces';
import { dropDatabase, freshDatabase } from '../../support/database';
import { eventually, startWorker } from '../../support/worker';

type Sandbox = Awaited<ReturnType<typeof startMarketplaces>>;

describe('listings: publish, update, stock, OCOP badge and delist on all three marketplaces', () => {
  let api: RunningApi;
  let worker: INestApplicationContext;
  let sandbox: Sandbox;
  // marketplaces of their own for the tests that make one forget its shops; started before the
  // API and the worker, which call only the origins they were started with
  let forgetful: Sandbox;
  let losing: Sandbox;
  let officer: string;

  beforeAll(async () => {
    sandbox = await startMarketplaces();
    forgetful = await startMarketplaces();
    losing = await startMarketplaces();
    api = await startApi();
    worker = await startWorker();
    officer = await newKey(api, 'officer');
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await sandbox?.close();
    await forgetful?.close();
    await losing?.close();
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

    const listings = await listEverywhere(api, coop, product.id, shops);
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

  it('exposes sync lag and queue depth on /metrics, and marketplace calls by outcome on the worker', async () => {
    const scrape = await api.call('GET', '/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.text).toMatch(/^queue_jobs\{queue="connection-sync",state="[a-z]+"\} \d+/m);
    expect(scrape.text).toContain('# TYPE sync_lagging_listings gauge');
    expect(scrape.text).toContain('# TYPE sync_lag_seconds gauge');
    // one sample per marketplace, whether or not anything lags there
    for (const marketplace of MARKETPLACE_NAMES) {
      expect(scrape.text).toMatch(
        new RegExp(`^sync_lagging_listings\\{marketplace="${marketplace}"\\} \\d+$`, 'm'),
      );
      expect(scrape.text).toMatch(
        new RegExp(`^sync_lag_seconds\\{marketplace="${marketplace}"\\} \\d+$`, 'm'),
      );
    }
    // the worker runs in this process in the tests, so its counters share this registry; which
    // calls it made is not fixed, as the workers of suites running beside (same database, their
    // own reconcilers) may take some of this suite's connections
    expect(await register.getSingleMetricAsString('marketplace_calls_total')).toMatch(
      /marketplace_calls_total\{marketplace="(sendo|voso|postmart)",operation="[a-z]+",outcome="ok"\} [1-9]/,
    );
  });

  it('turns a connection whose credentials stop working auth_failed, and stops pushing to it', async () => {
    const own = forgetful; // a marketplace of its own, to forget the shop
    const coop = await newCooperative(api);
    const shop = await sandboxControl(own.urls.voso).createShop({ shopId: `voso-${uniqueCode('AUTH')}` });
    const badCredentials = await api.call('POST', `/v1/cooperatives/${coop.id}/connections`, {
      key: coop.key,
      body: {
        marketplace: 'voso',
        shopId: shop.shopId,
        baseUrl: own.urls.voso,
        credentials: { USERNAME: 'x', PASSWORD: 'y', webhookSecret: shop.webhookSecret },
      },
    });
    expect(badCredentials.status).toBe(422);
    expect(badCredentials.body.error.code).toBe('rule_violation');
    const connection = await api.call('POST', `/v1/cooperatives/${coop.id}/connections`, {
      key: coop.key,
      body: {
        marketplace: 'voso',
        shopId: shop.shopId,
        baseUrl: own.urls.voso,
        credentials: { ...shop.credentials, webhookSecret: shop.webhookSecret },
      },
    });
    expect(connection.status).toBe(201);
    expect(JSON.stringify(connection.body)).not.toContain(shop.credentials.PASSWORD);
    const listed = await api.call('GET', `/v1/cooperatives/${coop.id}/connections`, { key: officer });
    expect(JSON.stringify(listed.body)).not.toContain(shop.credentials.PASSWORD);

    await fetch(`${own.urls.voso}/_sandbox/reset`, { method: 'POST' }); // the marketplace forgets the shop
    const product = (
      await api.call('POST', '/v1/products', {
        key: coop.key,
        body: {
          cooperativeId: coop.id,
          name: 'Nấm hương Phú Gia',
          category: 'mushrooms',
          skus: [{ code: uniqueCode('NH'), name: 'Túi 100g', priceVnd: 95000, weightGrams: 100, onHand: 4 }],
        },
      })
    ).body;
    const listing = await api.call('POST', '/v1/listings', {
      key: coop.key,
      body: { productId: product.id, connectionId: connection.body.id },
    });
    const failed = await eventually(async () => {
      const res = await api.call('GET', `/v1/connections/${connection.body.id}`, { key: coop.key });
      return res.body.status === 'auth_failed' ? res.body : undefined;
    });
    expect(failed.statusReason).toMatch(/refused the credentials/);
    const stillPending = await api.call('GET', `/v1/listings/${listing.body.id}`, { key: coop.key });
    expect(stillPending.body).toMatchObject({ status: 'pending', externalId: null });
    const wrongAgain = await api.call('PATCH', `/v1/connections/${connection.body.id}`, {
      key: coop.key,
      body: { credentials: { USERNAME: 'x', PASSWORD: 'y', webhookSecret: shop.webhookSecret } },
    });
    expect(wrongAgain.status).toBe(422);
  });

  it('publishes a connection again after the marketplace lost its listings', async () => {
    const own = losing;
    const coop = await newCooperative(api);
    const shopId = `voso-${uniqueCode('AGAIN')}`;
    const first = await sandboxControl(own.urls.voso).createShop({ shopId });
    const connection = await api.call('POST', `/v1/cooperatives/${coop.id}/connections`, {
      key: coop.key,
      body: {
        marketplace: 'voso',
        shopId,
        baseUrl: own.urls.voso,
        credentials: { ...first.credentials, webhookSecret: first.webhookSecret },
      },
    });
    const product = (
      await api.call('POST', '/v1/products', {
        key: coop.key,
        body: {
          cooperativeId: coop.id,
          name: 'Miến dong sợi nhỏ',
          category: 'noodles',
          skus: [{ code: uniqueCode('MD'), name: 'Gói 500g', priceVnd: 48000, weightGrams: 500, onHand: 30 }],
        },
      })
    ).body;
    const listing = await api.call('POST', '/v1/listings', {
      key: coop.key,
      body: { productId: product.id, connectionId: connection.body.id },
    });
    await eventually(async () => {
      const res = await api.call('GET', `/v1/listings/${listing.body.id}`, { key: coop.key });
      return res.body.status === 'synced' ? res.body : undefined;
    });

    await fetch(`${own.urls.voso}/_sandbox/reset`, { method: 'POST' });
    const again = await sandboxControl(own.urls.voso).createShop({ shopId });
    expect(
      (
        await api.call('PATCH', `/v1/connections/${connection.body.id}`, {
          key: coop.key,
          body: { credentials: { ...again.credentials, webhookSecret: again.webhookSecret } },
        })
      ).status,
    ).toBe(200);
    const republish = await api.call('POST', `/v1/connections/${connection.body.id}/republish`, {
      key: coop.key,
    });
    expect(republish.status).toBe(202);
    expect(republish.body.listings).toBe(1);
    await eventually(async () => {
      const held = await sandboxControl(own.urls.voso).listings(shopId);
      return held.length === 1 && held[0].variants[0].quantity === 30 ? held : undefined;
    });
    const synced = await eventually(async () => {
      const res = await api.call('GET', `/v1/listings/${listing.body.id}`, { key: coop.key });
      return res.body.status === 'synced' && res.body.lag === 0 ? res.body : undefined;
    });
    expect(synced.externalId).toBeTruthy();
  });
});

/**
 * Moving the worker's clock a day ahead expires every certificate ending today, so this runs
 * against a database of its own and leaves the OCOP suites beside it alone.
 */
describe('the nightly certificate expiry on the marketplaces', () => {
  const url = (process.env.DATABASE_URL as string).replace(/\/([^/]+)$/, '/$1_expiry');
  let api: RunningApi;
  let worker: INestApplicationContext;
  let sandbox: Sandbox;
  let officer: string;

  beforeAll(async () => {
    await freshDatabase(url);
    sandbox = await startMarketplaces();
    api = await startApi({ DATABASE_URL: url, QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-expiry` });
    worker = await startWorker({ DATABASE_URL: url, QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-expiry` });
    officer = await newKey(api, 'officer');
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await sandbox?.close();
    await dropDatabase(url);
  });

  it('removes the OCOP badge from every marketplace when the nightly job expires the certificate', async () => {
    const coop = await newCooperative(api);
    const shops = await connectAll(api, sandbox, coop);
    const product = (
      await api.call('POST', '/v1/products', {
        key: coop.key,
        body: {
          cooperativeId: coop.id,
          name: 'Trà đinh Đạt Phát',
          category: 'tea',
          skus: [{ code: uniqueCode('DP'), name: 'Hộp 100g', priceVnd: 300000, weightGrams: 100, onHand: 9 }],
        },
      })
    ).body;
    const today = vietnamDate(new Date());
    const cert = await api.call('POST', `/v1/products/${product.id}/ocop-assessments`, {
      key: officer,
      body: {
        partA: 30,
        partB: 20,
        partC: 25,
        mandatoryCriteriaMet: true,
        level: 'province',
        decisionNo: '77/QĐ-UBND',
        decidedAt: addMonths(addDays(today, 1), -36),
      },
    });
    expect(cert.body).toMatchObject({ validUntil: today, status: 'active' });
    await listEverywhere(api, coop, product.id, shops);
    const titles = async () =>
      Promise.all(
        MARKETPLACE_NAMES.map(async (m) => {
          const held = await sandboxControl(sandbox.urls[m]).listings(shops[m].shopId);
          return held[0]?.name as string | undefined;
        }),
      );
    await eventually(async () => ((await titles()).every((t) => t?.includes('OCOP 4★')) ? true : undefined));

    // the next day, in the worker: the nightly job persists the expiry through the real queue
    const clock = worker.get(Clock);
    const realNow = clock.now;
    clock.now = () => new Date(Date.now() + 24 * 3600 * 1000);
    try {
      const queue = worker.get<Queue>(getQueueToken(QUEUES.ocopCertificates));
      const events = new QueueEvents(QUEUES.ocopCertificates, {
        connection: queue.opts.connection,
        prefix: queue.opts.prefix,
      });
      await events.waitUntilReady();
      try {
        await (await queue.add('persist-expiries', {})).waitUntilFinished(events, 15_000);
      } finally {
        await events.close();
      }
      await eventually(async () =>
        (await titles()).every((t) => t === 'Trà đinh Đạt Phát') ? true : undefined,
      );
    } finally {
      clock.now = realNow;
    }
    // the listing records what it holds once the marketplace's answer is back, a moment after the
    // marketplace shows it
    await eventually(async () => {
      const listings = await api.call('GET', `/v1/listings?productId=${product.id}`, { key: coop.key });
      return listings.body.items.every((l: any) => l.ocopBadge === null) ? true : undefined;
    });
  });
});
