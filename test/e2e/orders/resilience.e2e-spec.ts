import type { INestApplicationContext } from '@nestjs/common';
import Redis from 'ioredis';
import { Client } from 'pg';
import { Queue } from 'bullmq';
import { QUEUES } from '@ocop/jobs';
import { RunningApi, startApi } from '../../support/api';
import { dropDatabase, freshDatabase } from '../../support/database';
import { MARKETPLACE_NAMES, sandboxControl, startMarketplaces } from '../../support/marketplaces';
import { eventually, startWorker } from '../../support/worker';
import { everywhereHolds, ordersOf, type Sandbox, sellerOnAllThree, skuOf } from './support';

/**
 * Lost webhooks and a flushed Redis. This suite uses a Redis database of its own, so flushing it
 * (the FLUSHALL of the issue, limited to what this suite owns) does not disturb suites running
 * beside, and a PostgreSQL database of its own, so its paused queue never holds another suite's
 * webhooks (every worker's relay claims whatever inbox rows its database holds).
 */
const REDIS_URL = 'redis://127.0.0.1:6379/6';
const DATABASE_URL = (process.env.DATABASE_URL as string).replace(/\/([^/]+)$/, '/$1_orders');

/** Webhooks stored for these connections, and how many still wait to be processed. */
async function countInbox(connectionIds: string[]): Promise<{ stored: number; waiting: number }> {
  const db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  try {
    const { rows } = await db.query(
      `SELECT count(*)::int AS stored, count(*) FILTER (WHERE processed_at IS NULL)::int AS waiting
       FROM webhook_inbox WHERE connection_id = ANY($1)`,
      [connectionIds],
    );
    return rows[0];
  } finally {
    await db.end();
  }
}

describe('orders: none lost when webhooks are dropped or Redis forgets everything', () => {
  let api: RunningApi;
  let worker: INestApplicationContext | undefined;
  let sandbox: Sandbox;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    await redis.flushdb();
    await freshDatabase(DATABASE_URL);
    sandbox = await startMarketplaces();
    api = await startApi({ REDIS_URL, DATABASE_URL });
    worker = await startWorker({ REDIS_URL, DATABASE_URL, ORDER_POLL_INTERVAL_MS: '2000' });
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await sandbox?.close();
    redis?.disconnect();
    await dropDatabase(DATABASE_URL);
  });

  it('receives every order exactly once through polling when 30% of webhooks are dropped', async () => {
    const seller = await sellerOnAllThree(api, sandbox, 100);
    for (const marketplace of MARKETPLACE_NAMES) {
      await sandboxControl(sandbox.urls[marketplace]).faults(seller.shops[marketplace].shopId, {
        seed: 30,
        webhookDropRate: 0.3,
      });
    }
    const placed = new Set<string>();
    for (let i = 0; i < 10; i += 1) {
      for (const marketplace of MARKETPLACE_NAMES) {
        const { orderId } = await sandboxControl(sandbox.urls[marketplace]).placeOrder(
          seller.shops[marketplace].shopId,
          [{ sku: seller.code, quantity: 1 }],
        );
        placed.add(`${marketplace}:${orderId}`);
      }
    }
    const orders = await eventually(async () => {
      const found = await ordersOf(api, seller.coop.key, `&cooperativeId=${seller.coop.id}`);
      return found.length >= placed.size && found;
    }, 40_000);
    expect(new Set(orders.map((o) => `${o.marketplace}:${o.externalOrderId}`))).toEqual(placed);
    expect(orders).toHaveLength(30);
    expect(await skuOf(api, seller.coop.key, seller.productId)).toMatchObject({ onHand: 100, reserved: 30 });
    await everywhereHolds(sandbox, seller.shops, seller.code, 70, 30_000);
    // the webhooks really were lost: polling brought in what they did not
    const stored = await countInbox(MARKETPLACE_NAMES.map((m) => seller.shops[m].connectionId));
    expect(stored.stored).toBeLessThan(30);
  });

  it('processes every acknowledged webhook after Redis is flushed before the worker took its job', async () => {
    const seller = await sellerOnAllThree(api, sandbox, 50);
    // jobs are created but not taken: the inbox queue is paused
    const inbox = new Queue(QUEUES.orderInbox, {
      connection: { url: REDIS_URL },
      prefix: process.env.QUEUE_PREFIX,
    });
    await inbox.pause();
    try {
      for (const marketplace of MARKETPLACE_NAMES) {
        await sandboxControl(sandbox.urls[marketplace]).placeOrder(seller.shops[marketplace].shopId, [
          { sku: seller.code, quantity: 2 },
        ]);
      }
      const connectionIds = MARKETPLACE_NAMES.map((m) => seller.shops[m].connectionId);
      await eventually(async () => (await countInbox(connectionIds)).stored === 3);
      await eventually(async () => {
        const counts = await inbox.getJobCounts('waiting');
        return counts.waiting >= 3;
      });
    } finally {
      await inbox.close();
    }
    // everything Redis held is gone: the jobs, the pause, the schedules
    await redis.flushdb();
    const orders = await eventually(async () => {
      const found = await ordersOf(api, seller.coop.key, `&cooperativeId=${seller.coop.id}`);
      return found.length === 3 && found.every((o) => o.stockStatus === 'reserved') && found;
    }, 30_000);
    expect(orders.map((o) => o.marketplace).sort()).toEqual(['postmart', 'sendo', 'voso']);
    expect(await skuOf(api, seller.coop.key, seller.productId)).toMatchObject({ reserved: 6 });
    // and the inbox rows whose jobs Redis forgot were processed, not left behind
    const connectionIds = MARKETPLACE_NAMES.map((m) => seller.shops[m].connectionId);
    await eventually(async () => {
      const inbox = await countInbox(connectionIds);
      return inbox.stored >= 3 && inbox.waiting === 0;
    }, 20_000);
  });
});
