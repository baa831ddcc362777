import type { INestApplicationContext } from '@nestjs/common';
import { RunningApi, startApi } from '../../support/api';
import { dropDatabase, freshDatabase } from '../../support/database';
import { newCooperative, uniqueCode } from '../../support/factories';
import { connectAll, sandboxControl, startMarketplaces } from '../../support/marketplaces';
import { eventually, startWorker } from '../../support/worker';

type Sandbox = Awaited<ReturnType<typeof startMarketplaces>>;

const PRODUCTS = 120;
const SENDO_BATCH = 50;
const STOCK_CALL = 'POST /api/partner/product/update-by-field-mask';
// A hold far longer than any push takes: a change the engine held by mistake would arrive seconds
// late instead of within the bound checked below.
const MAX_HOLD_MS = 5_000;
const SETTLE_MS = 250;

async function pool(count: number, concurrency: number, task: (index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/**
 * How the sync engine batches stock pushes on a Sendo-style shop (50 products a call): a burst
 * that lands through many separate requests goes out in full batches, while lone changes and a
 * slow trickle are never held back. A database and queues of its own: a worker of a suite beside
 * it would otherwise push some of these changes with its own settings, or reconcile them.
 */
describe('stock pushes: full batches for a burst, no wait for a lone change', () => {
  const url = (process.env.DATABASE_URL as string).replace(/\/([^/]+)$/, '/$1_stock_batching');
  const env = { DATABASE_URL: url, QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-stock-batching` };
  let api: RunningApi;
  let worker: INestApplicationContext;
  let sandbox: Sandbox;
  let coop: { id: string; key: string };
  let shopId: string;
  const skus: { id: string; code: string }[] = [];

  const held = (code: string) =>
    sandbox.marketplaces.sendo.store.shops.get(shopId)?.skus.get(code)?.variant.quantity;

  const takeStock = async (index: number, onHand: number) => {
    const res = await api.call('PUT', `/v1/skus/${skus[index].id}/stock`, {
      key: coop.key,
      body: { onHand, reason: 'count' },
    });
    if (res.status !== 200) throw new Error(`stock not taken: ${res.status} ${res.text}`);
  };

  beforeAll(async () => {
    await freshDatabase(url);
    sandbox = await startMarketplaces();
    api = await startApi(env);
    worker = await startWorker({
      ...env,
      // the default 50 ms settle reads a burst as ended whenever a loaded machine delays one commit
      // past it; 250 ms keeps this burst one burst on a busy CI box, and the trickle below is
      // spaced well beyond it
      SYNC_STOCK_SETTLE_MS: String(SETTLE_MS),
      SYNC_STOCK_MAX_HOLD_MS: String(MAX_HOLD_MS),
    });
    coop = await newCooperative(api);
    const shops = await connectAll(api, sandbox, coop);
    shopId = shops.sendo.shopId;
    await pool(PRODUCTS, 8, async (i) => {
      const code = uniqueCode('LO');
      const product = await api.call('POST', '/v1/products', {
        key: coop.key,
        body: {
          cooperativeId: coop.id,
          name: `Mật ong bạc hà Mèo Vạc ${i}`,
          category: 'tea',
          skus: [{ code, name: 'Chai 500ml', priceVnd: 280000, weightGrams: 700, onHand: 10 }],
        },
      });
      if (product.status !== 201) throw new Error(`product not created: ${product.text}`);
      skus[i] = { id: product.body.skus[0].id, code };
      const listing = await api.call('POST', '/v1/listings', {
        key: coop.key,
        body: { productId: product.body.id, connectionId: shops.sendo.connectionId },
      });
      if (listing.status !== 202) throw new Error(`listing not created: ${listing.text}`);
    });
    await eventually(async () => skus.every((s) => held(s.code) === 10), 60_000);
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await sandbox?.close();
    await dropDatabase(url);
  });

  it('pushes a burst of stock takes, sent as separate requests, in full batches of 50', async () => {
    const control = sandboxControl(sandbox.urls.sendo);
    await control.clearStats();
    // two requests in flight: the changes land as a steady stream over a second or more (as an
    // import script sends them), the case where pushing whatever is pending made many small calls
    await pool(PRODUCTS, 2, (i) => takeStock(i, 500 + i));
    await eventually(async () => skus.every((s, i) => held(s.code) === 500 + i), 30_000);
    const calls = (await control.stats())[STOCK_CALL] ?? 0;
    // ceil(120 / 50) = 3; one more is allowed for a commit that reaches the worker after a pause
    // longer than the settle time (a busy machine), which rightly ends the burst there
    expect(calls).toBeGreaterThanOrEqual(Math.ceil(PRODUCTS / SENDO_BATCH));
    expect(calls).toBeLessThanOrEqual(Math.ceil(PRODUCTS / SENDO_BATCH) + 1);
  });

  it('pushes a lone change and each change of a slow trickle without holding it', async () => {
    const latencies: number[] = [];
    for (let n = 0; n < 5; n++) {
      const index = n;
      const quantity = 2000 + n;
      await takeStock(index, quantity);
      const answered = Date.now();
      await eventually(async () => held(skus[index].code) === quantity, 10_000);
      latencies.push(Date.now() - answered);
      // far more than the settle time apart, so the engine sees the trickle as quiet
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS * 3));
    }
    // a held change would wait MAX_HOLD_MS; an unheld one waits the 300 ms gather and one push
    for (const ms of latencies) expect(ms).toBeLessThan(MAX_HOLD_MS / 2);
  });
});
