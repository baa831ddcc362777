import Redis from 'ioredis';
import { RunningApi, startApi } from '../../support/api';
import { dropDatabase, freshDatabase } from '../../support/database';
import { newCooperative, uniqueCode } from '../../support/factories';
import {
  connectAll,
  MARKETPLACE_NAMES,
  type MarketplaceName,
  sandboxControl,
  startMarketplaces,
} from '../../support/marketplaces';
import { eventually } from '../../support/worker';
import { spawnWorker, type WorkerProcess } from '../../support/worker-process';

type Sandbox = Awaited<ReturnType<typeof startMarketplaces>>;

/**
 * Crashes and lost queues: the worker runs as its own process (so it can be SIGKILLed), and these
 * suites use a Redis database and a PostgreSQL database of their own, so flushing Redis does not
 * disturb suites running beside, and their workers' reconcilers and relays never take (and then
 * lose, when killed) work that belongs to another suite's rows.
 */
const REDIS_URL = 'redis://127.0.0.1:6379/5';
const DATABASE_URL = (process.env.DATABASE_URL as string).replace(/\/([^/]+)$/, '/$1_crash');

/**
 * How many products each run publishes, each on all three marketplaces. What the tests prove needs
 * a crash or a flush in the middle of a publish, not a large one: each asserts that a quarter of the
 * listings was held and not all, and 60 × 3 leaves the worker far more to publish than it can in the
 * moment between seeing a quarter held and the kill (it had held some 50 of 180 at the kill).
 */
const PRODUCTS = 60;
const LISTINGS = PRODUCTS * MARKETPLACE_NAMES.length;
const QUARTER = LISTINGS / 4;

describe('sync engine: crashes, a flushed Redis and competing workers', () => {
  let api: RunningApi;
  let sandbox: Sandbox;
  let workers: WorkerProcess[] = [];
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    await redis.flushdb();
    await freshDatabase(DATABASE_URL);
    sandbox = await startMarketplaces();
    api = await startApi({ REDIS_URL, DATABASE_URL });
  });
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.kill('SIGKILL')));
    workers = [];
  });
  afterAll(async () => {
    await api?.close();
    await sandbox?.close();
    redis?.disconnect();
    await dropDatabase(DATABASE_URL);
  });

  async function publishMany(products: number) {
    const coop = await newCooperative(api);
    const shops = await connectAll(api, sandbox, coop);
    const created: any[] = [];
    for (let i = 0; i < products; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, products - i) }, (_, k) =>
          api.call('POST', '/v1/products', {
            key: coop.key,
            body: {
              cooperativeId: coop.id,
              name: `Gạo nếp vải Phú Bình ${i + k}`,
              category: 'rice',
              skus: [
                { code: uniqueCode('GAO'), name: 'Túi 2kg', priceVnd: 70000, weightGrams: 2000, onHand: 40 },
              ],
            },
          }),
        ),
      );
      created.push(...batch.map((r) => r.body));
    }
    return { coop, shops, products: created };
  }

  async function listAll(run: Awaited<ReturnType<typeof publishMany>>) {
    const jobs = run.products.flatMap((p) =>
      MARKETPLACE_NAMES.map((m) => ({ productId: p.id, connectionId: run.shops[m].connectionId })),
    );
    for (let i = 0; i < jobs.length; i += 30) {
      const answers = await Promise.all(
        jobs.slice(i, i + 30).map((body) => api.call('POST', '/v1/listings', { key: run.coop.key, body })),
      );
      expect(answers.every((a) => a.status === 202)).toBe(true);
    }
  }

  const heldCount = async (run: Awaited<ReturnType<typeof publishMany>>) => {
    let total = 0;
    for (const m of MARKETPLACE_NAMES) {
      total += (await sandboxControl(sandbox.urls[m]).listings(run.shops[m].shopId)).length;
    }
    return total;
  };

  async function ourListings(run: Awaited<ReturnType<typeof publishMany>>, marketplace: MarketplaceName) {
    const items: any[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await api.call(
        'GET',
        `/v1/listings?connectionId=${run.shops[marketplace].connectionId}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { key: run.coop.key },
      );
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }

  /** Every listing synced, and each marketplace holding exactly one listing per connector listing. */
  async function expectConverged(run: Awaited<ReturnType<typeof publishMany>>) {
    await eventually(async () => {
      for (const m of MARKETPLACE_NAMES) {
        const ours = await ourListings(run, m);
        if (ours.some((l) => l.status !== 'synced' || l.lag > 0)) return undefined;
      }
      return true;
    }, 180_000);
    for (const m of MARKETPLACE_NAMES) {
      const ours = await ourListings(run, m);
      const held = await sandboxControl(sandbox.urls[m]).listings(run.shops[m].shopId);
      expect({ m, ours: ours.length, held: held.length }).toEqual({
        m,
        ours: run.products.length,
        held: run.products.length,
      });
      const external = new Set(ours.map((l) => String(l.externalId)));
      expect(external.size).toBe(ours.length);
      expect(new Set(held.map((l: any) => String(l.productId)))).toEqual(external);
    }
  }

  it(`converges after the worker is SIGKILLed in the middle of a ${LISTINGS}-listing publish`, async () => {
    const run = await publishMany(PRODUCTS);
    // Every listing is asked for before the worker starts, so it has the whole publish ahead of it
    // (with the worker already running, it kept pace with the requests and held most of them by
    // the time the last was made, leaving a kill little of the publish to land in).
    await listAll(run);
    workers.push(await spawnWorker({ REDIS_URL, DATABASE_URL }));
    await eventually(async () => ((await heldCount(run)) >= QUARTER ? true : undefined), 120_000);
    await workers[0].kill('SIGKILL');
    const atKill = await heldCount(run);
    expect(atKill).toBeGreaterThanOrEqual(QUARTER);
    expect(atKill).toBeLessThan(LISTINGS);
    workers.push(await spawnWorker({ REDIS_URL, DATABASE_URL }));
    await expectConverged(run);
  }, 300_000);

  it(`converges after Redis loses every queue in the middle of a ${LISTINGS}-listing publish`, async () => {
    const run = await publishMany(PRODUCTS);
    // Every listing is asked for before the worker starts, so it has the whole publish ahead of it
    // (with the worker already running, it kept pace with the requests and held most of them by
    // the time the last was made, leaving a kill little of the publish to land in).
    await listAll(run);
    workers.push(await spawnWorker({ REDIS_URL, DATABASE_URL }));
    await eventually(async () => ((await heldCount(run)) >= QUARTER ? true : undefined), 120_000);
    await redis.flushdb();
    const atFlush = await heldCount(run);
    expect(atFlush).toBeGreaterThanOrEqual(QUARTER);
    expect(atFlush).toBeLessThan(LISTINGS);
    await expectConverged(run);
  }, 300_000);

  it('never creates a listing twice with two workers running at once', async () => {
    const run = await publishMany(PRODUCTS);
    workers.push(
      await spawnWorker({ REDIS_URL, DATABASE_URL }),
      await spawnWorker({ REDIS_URL, DATABASE_URL }),
    );
    await listAll(run);
    await expectConverged(run);
  }, 300_000);
});
