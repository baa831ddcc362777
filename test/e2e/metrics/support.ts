import type { INestApplicationContext } from '@nestjs/common';
import { type RunningApi, startApi } from '../../support/api';
import { dropDatabase, freshDatabase } from '../../support/database';
import { newCooperative, newKey, uniqueCode } from '../../support/factories';
import {
  connectAll,
  listEverywhere,
  type MarketplaceName,
  sandboxControl,
  startMarketplaces,
} from '../../support/marketplaces';
import { startWorker } from '../../support/worker';
import { everywhereHolds, type Sandbox, type Shops } from '../orders/support';

/** A producer with one product listed on all three sandbox marketplaces, its webhooks on. */
export interface Seller {
  coop: { id: string; key: string; body: { name: string } };
  shops: Shops;
  productId: string;
  code: string;
}

export async function sellerWithOneProduct(
  api: RunningApi,
  sandbox: Sandbox,
  product: { district: string; category: string; priceVnd: number; name: string },
): Promise<Seller> {
  const coop = await newCooperative(api, {
    district: product.district,
    name: `HTX ${product.name} ${uniqueCode('')}`,
  });
  const shops = await connectAll(api, sandbox, coop, { webhooks: true });
  const code = uniqueCode('TN');
  const created = await api.call('POST', '/v1/products', {
    key: coop.key,
    body: {
      cooperativeId: coop.id,
      name: product.name,
      category: product.category,
      skus: [{ code, name: 'Gói 500g', priceVnd: product.priceVnd, weightGrams: 500, onHand: 1000 }],
    },
  });
  if (created.status !== 201) throw new Error(`product not created: ${created.status} ${created.text}`);
  await listEverywhere(api, coop, created.body.id, shops);
  await everywhereHolds(sandbox, shops, code, 1000, 30_000);
  return { coop, shops, productId: created.body.id, code };
}

/** Records a 3- or 4-star OCOP assessment decided on `decidedAt`; answers the certificate. */
export async function certify(
  api: RunningApi,
  officerKey: string,
  productId: string,
  stars: 3 | 4,
  decidedAt: string,
) {
  const parts = stars === 4 ? { partA: 32, partB: 20, partC: 28 } : { partA: 25, partB: 15, partC: 20 };
  const res = await api.call('POST', `/v1/products/${productId}/ocop-assessments`, {
    key: officerKey,
    body: {
      ...parts,
      mandatoryCriteriaMet: true,
      // district councils rated 3★ until 2025-07-06, the province since (config/reference/ocop.json)
      level: stars === 3 && decidedAt < '2025-07-06' ? 'district' : 'province',
      decisionNo: `${stars}/QĐ-UBND`,
      decidedAt,
    },
  });
  if (res.status !== 201) throw new Error(`assessment refused: ${res.status} ${res.text}`);
  return res.body;
}

/** A buyer's order placed in the past on a sandbox marketplace; answers the marketplace's order id. */
export async function placeOrder(
  sandbox: Sandbox,
  who: Seller,
  marketplace: MarketplaceName,
  quantity: number,
  placedAt: string,
) {
  const placed = await sandboxControl(sandbox.urls[marketplace]).placeOrder(
    who.shops[marketplace].shopId,
    [{ sku: who.code, quantity }],
    { placedAt },
  );
  return { marketplace, orderId: placed.orderId };
}

/**
 * The sales suites' world: a database and queues of their own (the province report counts
 * everything in its database), named after the test database and prefix so two checkouts can test
 * side by side; the sandbox, the API, the worker, an officer's key, and two producers — a tea house
 * in Đại Từ (180,000 ₫) and a noodle maker in Phú Lương (50,000 ₫).
 */
export async function startSalesWorld(name: string) {
  const databaseUrl = (process.env.DATABASE_URL as string).replace(/\/([^/]+)$/, `/$1_${name}`);
  const queuePrefix = `${(process.env.QUEUE_PREFIX as string).replace(/}$/, '')}-${name}}`;
  await freshDatabase(databaseUrl);
  const sandbox = await startMarketplaces();
  const api = await startApi({ DATABASE_URL: databaseUrl, QUEUE_PREFIX: queuePrefix });
  const worker: INestApplicationContext = await startWorker({
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: queuePrefix,
    ORDER_POLL_INTERVAL_MS: '2000',
  });
  const officer = await newKey(api, 'officer');
  const teaHouse = await sellerWithOneProduct(api, sandbox, {
    district: 'Đại Từ',
    category: 'tea',
    priceVnd: 180_000,
    name: 'Chè búp Tân Cương',
  });
  const noodles = await sellerWithOneProduct(api, sandbox, {
    district: 'Phú Lương',
    category: 'noodles',
    priceVnd: 50_000,
    name: 'Miến dong Việt Cường',
  });
  return {
    sandbox,
    api,
    worker,
    officer,
    teaHouse,
    noodles,
    async close() {
      await worker.close();
      await api.close();
      await sandbox.close();
      await dropDatabase(databaseUrl);
    },
  };
}
