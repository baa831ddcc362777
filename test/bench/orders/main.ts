/**
 * Benchmark of order-to-stock-everywhere (issue 6, "Benchmarks"): an order placed on one sandbox
 * marketplace, until the other two hold the new figure, over 500 orders with webhooks on. The API
 * and the worker run as their own processes; the sandbox and this driver share this one. Orders
 * rotate over the marketplaces and over SKUs, a few in flight at once, never two on one SKU.
 * The baseline printed beside it is the sync engine's own stock propagation (a manual stock
 * change through the API until all three hold it), measured in the same run on the same shops.
 *
 * Run: npm run bench:orders    Sizes: BENCH_ORDERS (500), BENCH_ORDER_SKUS (50), BENCH_IN_FLIGHT (5)
 */
import { BENCH_ENV } from '../support/env';
import Redis from 'ioredis';
import { startSandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import { freshDatabase } from '../../support/database';
import {
  connectAll,
  MARKETPLACE_NAMES,
  sandboxControl,
  type MarketplaceName,
} from '../../support/marketplaces';
import { apiClient } from '../support/api-client';
import { percentiles, sleep } from '../support/figures';
import { spawnBenchApi, spawnBenchWorker, type BenchProcess } from '../support/processes';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 500);
const SKUS = Number(process.env.BENCH_ORDER_SKUS ?? 50);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 5);
const STOCK_CHANGES = 100;
const ON_HAND = 10_000;
const API_PORT = 3921;
const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const started = Date.now();
  await freshDatabase(BENCH_ENV.DATABASE_URL);
  const redis = new Redis(BENCH_ENV.REDIS_URL);
  await redis.flushdb();
  const sandbox = await startSandbox({
    host: '127.0.0.1',
    ports: { sendo: 0, voso: 0, postmart: 0, shopee: 0, tiktok: 0, lazada: 0 },
  });
  // the only marketplaces the connector's processes started below may call
  process.env.MARKETPLACE_ORIGINS = sandbox.origins;
  const processes: BenchProcess[] = [];
  try {
    processes.push(await spawnBenchApi({ ...BENCH_ENV, PORT: String(API_PORT) }));
    processes.push(await spawnBenchWorker({ ...BENCH_ENV, ORDER_POLL_INTERVAL_MS: '60000' }));
    const api = apiClient(`http://127.0.0.1:${API_PORT}`, BENCH_ENV.ADMIN_API_KEY);
    const coop = (
      await api.call('POST', '/v1/cooperatives', {
        key: api.adminKey,
        body: { name: 'HTX chè La Bằng', kind: 'cooperative', province: 'Thái Nguyên', commune: 'La Bằng' },
      })
    ).body;
    const owner = { id: coop.id as string, key: api.adminKey };
    const shops = await connectAll(api, sandbox, owner, { webhooks: true });
    const skus: { code: string; skuId: string; productId: string; reserved: number }[] = [];
    for (let i = 0; i < SKUS; i += 1) {
      const code = `LB-${String(i).padStart(4, '0')}`;
      const product = (
        await api.call('POST', '/v1/products', {
          key: owner.key,
          body: {
            cooperativeId: owner.id,
            name: `Chè La Bằng hộp ${i + 1}`,
            category: 'tea',
            skus: [{ code, name: 'Hộp 100g', priceVnd: 150000, weightGrams: 100, onHand: ON_HAND }],
          },
        })
      ).body;
      for (const marketplace of MARKETPLACE_NAMES) {
        await api.call('POST', '/v1/listings', {
          key: owner.key,
          body: { productId: product.id, connectionId: shops[marketplace].connectionId },
        });
      }
      skus.push({ code, skuId: product.skus[0].id, productId: product.id, reserved: 0 });
    }
    const held = async (marketplace: MarketplaceName): Promise<Map<string, number>> => {
      const listings = await sandboxControl(sandbox.urls[marketplace]).listings(shops[marketplace].shopId);
      return new Map(
        listings.flatMap((l: any) =>
          l.variants.map((v: any) => [v.sku, l.status === 'active' ? v.quantity : -1]),
        ),
      );
    };
    const holds = async (marketplaces: MarketplaceName[], code: string, quantity: number) => {
      for (const marketplace of marketplaces)
        if ((await held(marketplace)).get(code) !== quantity) return false;
      return true;
    };
    const setupStart = Date.now();
    for (;;) {
      const all = await Promise.all(MARKETPLACE_NAMES.map(held));
      if (skus.every((sku) => all.every((m) => m.get(sku.code) === ON_HAND))) break;
      if (Date.now() - setupStart > 120_000) throw new Error('listings not published within 2 minutes');
      await sleep(500);
    }
    log(
      `setup: ${SKUS} products listed on 3 marketplaces in ${((Date.now() - setupStart) / 1000).toFixed(1)} s`,
    );

    // baseline: a manual stock change until all three marketplaces hold it (the sync engine alone)
    const baseline: number[] = [];
    for (let i = 0; i < STOCK_CHANGES; i += 1) {
      const sku = skus[i % skus.length];
      const t0 = performance.now();
      await api.call('POST', `/v1/skus/${sku.skuId}/stock-adjustments`, {
        key: owner.key,
        body: { delta: -1, reason: 'hàng mẫu' },
      });
      sku.reserved += 1; // one fewer available, as an order would leave it
      while (!(await holds(MARKETPLACE_NAMES, sku.code, ON_HAND - sku.reserved))) await sleep(20);
      baseline.push(performance.now() - t0);
    }

    // orders: placed on one marketplace, until the other two hold the new figure
    const latencies: number[] = [];
    let next = 0;
    let failed = 0;
    const busy = new Set<number>();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < ORDERS) {
          const n = next++;
          let index = n % skus.length;
          while (busy.has(index)) index = (index + 1) % skus.length;
          busy.add(index);
          const sku = skus[index];
          const origin = MARKETPLACE_NAMES[n % 3];
          const others = MARKETPLACE_NAMES.filter((m) => m !== origin);
          const t0 = performance.now();
          try {
            await sandboxControl(sandbox.urls[origin]).placeOrder(shops[origin].shopId, [
              { sku: sku.code, quantity: 1 },
            ]);
            sku.reserved += 1;
            const deadline = Date.now() + 30_000;
            while (!(await holds(others, sku.code, ON_HAND - sku.reserved))) {
              if (Date.now() > deadline) throw new Error(`${sku.code} not propagated from ${origin}`);
              await sleep(20);
            }
            latencies.push(performance.now() - t0);
          } catch (error) {
            failed += 1;
            log(`  order ${n} failed: ${error instanceof Error ? error.message : String(error)}`);
          } finally {
            busy.delete(index);
          }
        }
      }),
    );
    const orders = percentiles(latencies);
    const manual = percentiles(baseline);
    log(
      `order placed on one marketplace -> the other two hold the new figure (webhooks on, ${IN_FLIGHT} in flight):`,
    );
    log(
      `  ${orders.n}/${ORDERS} orders: p50 ${orders.p50} ms, p95 ${orders.p95} ms, max ${orders.max} ms   target p95 < 2000 ms`,
    );
    log(
      `  baseline, same run: a stock change through the API -> all three hold it: p50 ${manual.p50} ms, ` +
        `p95 ${manual.p95} ms over ${manual.n} changes (the sync engine alone, one at a time)`,
    );
    log(
      JSON.stringify({
        orderToStock: {
          orders: ORDERS,
          propagated: orders.n,
          failed,
          inFlight: IN_FLIGHT,
          ...orders,
          targetP95Ms: 2000,
        },
        baselineStockChange: manual,
        totalSeconds: Math.round((Date.now() - started) / 1000),
      }),
    );
  } finally {
    for (const child of processes.reverse()) await child.stop();
    await sandbox.close();
    redis.disconnect();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
