import Redis from 'ioredis';
import { Client } from 'pg';
import { SalesRollups } from '@ocop/metrics';
import { RunningApi, startApi } from '../../support/api';
import { dropDatabase, freshDatabase } from '../../support/database';
import { MARKETPLACE_NAMES, sandboxControl, startMarketplaces } from '../../support/marketplaces';
import { eventually } from '../../support/worker';
import { spawnWorker, type WorkerProcess } from '../../support/worker-process';
import { ordersOf, sellerOnAllThree, signedVosoWebhook, skuOf, vietnamIso, type Sandbox } from './support';

/**
 * Issue 17's acceptance for the batched import (IMPORT_BATCH_SIZE 500, the default): thousands of
 * stored webhooks imported in batches, with the same order named several times inside a batch,
 * statuses arriving out of order, the worker SIGKILLed in the middle and Redis flushed — and still
 * every order once, every effect once. The worker runs as its own process so it can be killed;
 * the suite has a database and a Redis database of its own, so the flush touches no other suite.
 */
const REDIS_URL = 'redis://127.0.0.1:6379/8';
const DATABASE_URL = (process.env.DATABASE_URL as string).replace(/\/([^/]+)$/, '/$1_batches');
const ORDERS_PER_MARKETPLACE = 300;

async function sql<T>(text: string, values: unknown[] = []): Promise<T[]> {
  const db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  try {
    return (await db.query(text, values)).rows as T[];
  } finally {
    await db.end();
  }
}

describe('batched import: exactly once under duplicates, reordering, a killed worker and a flushed Redis', () => {
  let api: RunningApi;
  let sandbox: Sandbox;
  let redis: Redis;
  const workers: WorkerProcess[] = [];
  const env = { REDIS_URL, DATABASE_URL };

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    await redis.flushdb();
    await freshDatabase(DATABASE_URL);
    sandbox = await startMarketplaces();
    api = await startApi(env);
    workers.push(await spawnWorker(env));
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill('SIGKILL')));
    await api?.close();
    await sandbox?.close();
    redis?.disconnect();
    await dropDatabase(DATABASE_URL);
  });

  it('imports 2,000 events once each, whatever happens to the worker and the queue', async () => {
    const seller = await sellerOnAllThree(api, sandbox, 100_000);
    for (const marketplace of MARKETPLACE_NAMES) {
      await sandboxControl(sandbox.urls[marketplace]).faults(seller.shops[marketplace].shopId, {
        seed: 17,
        webhookDuplicateRate: 0.5,
        webhookReorderRate: 0.3,
      });
    }
    // 900 orders, placed in bulk (a sale's burst): 900 creation events
    const placed: Record<string, { orderId: string; quantity: number }[]> = {};
    for (const marketplace of MARKETPLACE_NAMES) {
      const quantities = Array.from({ length: ORDERS_PER_MARKETPLACE }, (_, i) => 1 + (i % 3));
      const answer = await fetch(
        `${sandbox.urls[marketplace]}/_sandbox/shops/${seller.shops[marketplace].shopId}/orders`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            orders: quantities.map((quantity) => ({ lines: [{ sku: seller.code, quantity }] })),
          }),
        },
      );
      expect(answer.status).toBe(201);
      const { orders } = (await answer.json()) as { orders: { orderId: string }[] };
      placed[marketplace] = orders.map((order, i) => ({ orderId: order.orderId, quantity: quantities[i] }));
    }

    // the worker dies in the middle of the import, and Redis forgets every job
    await eventually(async () => {
      const [{ done }] = await sql<{ done: number }>(
        `SELECT count(*)::int AS done FROM webhook_inbox WHERE processed_at IS NOT NULL`,
      );
      return done > 0;
    }, 30_000);
    await workers[0].kill('SIGKILL');
    await redis.flushdb();

    // 525 status moves while no worker runs: half of each marketplace's orders confirmed, a twelfth
    // of them cancelled after (two moves for those)
    const finalStatus = new Map<string, string>();
    for (const marketplace of MARKETPLACE_NAMES) {
      const control = sandboxControl(sandbox.urls[marketplace]);
      const shopId = seller.shops[marketplace].shopId;
      for (const [i, { orderId }] of placed[marketplace].entries()) {
        if (i % 2 === 0) {
          await control.moveOrder(shopId, orderId, 'confirmed');
          finalStatus.set(`${marketplace}:${orderId}`, 'confirmed');
        }
        if (i % 12 === 0) {
          await control.moveOrder(shopId, orderId, 'cancelled');
          finalStatus.set(`${marketplace}:${orderId}`, 'cancelled');
        }
      }
    }
    // the same Voso orders named again by 600 pushes of their own event ids: three rows per order
    // for 300 orders, most landing in one batch with the order's own status events
    const voso = seller.shops.voso;
    const vosoOrders = await Promise.all(
      placed.voso.map(({ orderId }) => sandboxControl(sandbox.urls.voso).order(voso.shopId, orderId)),
    );
    for (const order of vosoOrders) {
      for (let copy = 0; copy < 2; copy++) {
        // the order's placing time: the read-back searches from there and finds its newest state
        const { body, headers } = signedVosoWebhook(voso.shopId, voso.webhookSecret, {
          number: order.orderId,
          status: 'CHO_DUYET',
          updatedAt: vietnamIso(new Date(order.placedAt)),
          lines: [{ sku: seller.code, quantity: 1, price: 180000 }],
        });
        const res = await api.call('POST', '/v1/webhooks/voso', { raw: body, headers });
        expect(res.status).toBe(200);
      }
    }
    // the sandbox delivers its pushes a moment after the moves (some held back to come out of order)
    await eventually(async () => {
      const [{ rows }] = await sql<{ rows: number }>(`SELECT count(*)::int AS rows FROM webhook_inbox`);
      return rows >= 2000;
    }, 30_000);

    workers.push(await spawnWorker(env));
    const total = MARKETPLACE_NAMES.length * ORDERS_PER_MARKETPLACE;
    await eventually(async () => {
      const [{ waiting }] = await sql<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM webhook_inbox WHERE processed_at IS NULL`,
      );
      return waiting === 0;
    }, 90_000);
    const imported = await ordersOf(api, seller.coop.key);

    // every order once, in the marketplace's final status
    expect(imported).toHaveLength(total);
    expect(new Set(imported.map((o) => `${o.marketplace}:${o.externalOrderId}`)).size).toBe(total);
    const wrong = imported.filter(
      (o) => o.status !== (finalStatus.get(`${o.marketplace}:${o.externalOrderId}`) ?? 'pending'),
    );
    expect(wrong).toEqual([]);
    // reservations equal the sum of the open lines, and each order's effects were applied once:
    // one reserve row per order, one release row per cancelled one
    const [{ openUnits }] = await sql<{ openUnits: number }>(
      `SELECT coalesce(sum(l.quantity), 0)::int AS "openUnits" FROM order_lines l JOIN orders o ON o.id = l.order_id
       WHERE o.status NOT IN ('cancelled', 'returned')`,
    );
    const sku = await skuOf(api, seller.coop.key, seller.productId);
    expect(sku.reserved).toBe(openUnits);
    expect(sku.onHand).toBe(100_000);
    const [{ held }] = await sql<{ held: number }>(
      `SELECT coalesce(sum(reserved_quantity), 0)::int AS held FROM order_lines`,
    );
    expect(held).toBe(openUnits);
    const effects = await sql<{ order_id: string; reserves: number; releases: number; status: string }>(
      `SELECT o.id AS order_id, o.status,
              count(*) FILTER (WHERE m.reserved_delta > 0)::int AS reserves,
              count(*) FILTER (WHERE m.reserved_delta < 0)::int AS releases
       FROM orders o LEFT JOIN stock_movements m ON m.order_id = o.id GROUP BY o.id, o.status`,
    );
    expect(effects).toHaveLength(total);
    // a cancelled order may have been seen only once cancelled (then nothing was reserved or released)
    const twice = effects.filter(
      (e) =>
        e.reserves > 1 ||
        (e.status === 'cancelled' ? e.releases !== e.reserves : e.reserves !== 1 || e.releases !== 0),
    );
    expect(twice).toEqual([]);
    // the roll-ups the batches kept equal a rebuild from the orders
    const rollups = api.app.get(SalesRollups);
    const maintained = await rollups.snapshot();
    await rollups.rebuild();
    expect(await rollups.snapshot()).toEqual(maintained);
  }, 240_000);

  it('gives the last units of a SKU ordered on three marketplaces at once to the database’s choice, the rest oversold', async () => {
    // this test needs a live worker whatever became of the one before
    if (workers.every((worker) => worker.child.exitCode !== null || worker.child.signalCode !== null)) {
      workers.push(await spawnWorker(env));
    }
    const seller = await sellerOnAllThree(api, sandbox, 4);
    // each marketplace still shows 4: four buyers of one unit on every one of them, 12 units asked for 4
    await Promise.all(
      MARKETPLACE_NAMES.map((marketplace) =>
        fetch(`${sandbox.urls[marketplace]}/_sandbox/shops/${seller.shops[marketplace].shopId}/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            orders: Array.from({ length: 4 }, () => ({ lines: [{ sku: seller.code, quantity: 1 }] })),
          }),
        }),
      ),
    );
    const orders = await eventually(async () => {
      const found = await ordersOf(api, seller.coop.key);
      return found.length === 12 ? found : undefined;
    }, 60_000);
    const sku = await skuOf(api, seller.coop.key, seller.productId);
    expect(sku).toMatchObject({ onHand: 4, reserved: 4, available: 0 });
    expect(orders.filter((o) => o.stockStatus === 'oversold')).toHaveLength(8);
    expect(orders.filter((o) => o.stockStatus === 'reserved')).toHaveLength(4);
    const [{ reserved, rows }] = await sql<{ reserved: number; rows: number }>(
      `SELECT sum(reserved_delta)::int AS reserved, count(*)::int AS rows FROM stock_movements
       WHERE sku_id = $1 AND order_id IS NOT NULL`,
      [seller.skuId],
    );
    expect([reserved, rows]).toEqual([4, 4]);
  }, 120_000);
});
