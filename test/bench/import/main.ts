/**
 * Benchmark of order import (issue 17): order events placed on the three sandbox marketplaces
 * through their control API (buyer orders, in bulk and one by one, and status moves: confirm,
 * cancel, ship), delivered to the connector by the sandboxes' own webhooks, until every stored
 * webhook is processed. The API and the worker run as their own processes; the sandbox and this
 * driver share this one. Each shop is one cooperative's (BENCH_IMPORT_SHOPS cooperatives, one shop
 * per marketplace each), every product listed on all three, with far more on hand than the run
 * sells, so nothing is oversold.
 *
 * Three phases, each on a fresh database, sandbox, API and worker:
 *  - burst: BENCH_IMPORT_EVENTS events placed at once; events/s from the first webhook received to
 *    the last one processed. The sandboxes deliver a shop's webhooks one at a time, as
 *    marketplaces do, so this figure is also bounded by how fast they arrive (printed beside it).
 *  - backlog: the same events placed while the worker is stopped (after the setup), every webhook
 *    stored, then a new worker started: events/s from that worker's start to the last processed.
 *    This is the import's own pace, with nothing arriving: a worker back from a restart in a sale,
 *    or the demo's history. It has no probes (stock moves only once the worker is back).
 *  - steady: BENCH_IMPORT_RATE events/s for BENCH_IMPORT_SECONDS, placed every 100 ms whether or
 *    not the last tick's calls were answered, as buyers do not wait (until 1 Dec 2026 a tick waited,
 *    so a slow sandbox lowered the rate asked: "500/s" had placed 250-290).
 * Each runs twice in the same invocation: the worker as configured (batched import, its default
 * IMPORT_BATCH_SIZE or BENCH_IMPORT_BATCH_SIZE) and with IMPORT_BATCH_SIZE=1 (one inbox row per
 * job). The batched / one-row ratios of the burst's and the backlog's events/s are the figures.
 *
 * How the figures are read:
 *  - webhook-to-order: per inbox row, webhook_inbox.received_at (stamped by the insert that
 *    acknowledged the webhook) to processed_at (stamped with the import: the batched path marks
 *    its rows processed as the last statement of the import's own transaction, by the clock at that
 *    statement, so the figure reads only the commit early; it never counts a row processed whose
 *    order is not committed). Both are PostgreSQL's clock, read after the run.
 *  - order-to-stock: probe orders of one unit, a few at a time, on SKUs only probes order (so the
 *    figure the other marketplaces must hold is known), on the busy shops of the first
 *    cooperative. From the probe's inbox row processed_at (order imported) until the other two
 *    sandboxes hold the new quantity, watched in-process every 10 ms (the same machine's clock).
 *    Placement-to-stock (what bench:orders measures) is printed beside it: it includes the
 *    webhook's wait behind the backlog.
 *  - worker peak RSS: VmHWM of the worker process (/proc), fresh for each phase, and the highest
 *    VmRSS sampled every 100 ms during the import, with how the peak splits into V8 heap, Buffers
 *    and the rest (test/bench/support/peak-rss.ts).
 *  - CPU: the cores each part used over the import (/proc; the driver and its sandboxes share this
 *    process), so a figure bounded by the machine's two cores shows as parts adding up to them.
 *  - the sandboxes' event loop: its delay (p99, max) over the same span. The sandboxes answer the
 *    connector's calls on this process's one thread, beside the driver placing the events and the
 *    probes' watch, so a call the worker made promptly may wait this long before they read it: a
 *    delay here is the load generator's, not the connector's.
 *  - the marketplaces' answers as the worker saw them: its `marketplace_answer_seconds` histogram
 *    over the phase (sent to answered, the call gate's wait left out). The loop delay above
 *    understates them: on 2 Dec 2026 the sandboxes' handlers took under 0.3 s while calls sent in
 *    the ~3 s after a 0.5-0.7 s stall of their loop were answered 2-5 s later, and those calls
 *    (a push, or the run it held) were the steady phase's slowest order-to-stock figures.
 *  - deadlocks: PostgreSQL's count for the phase's (new) database. A deadlock fails a statement
 *    after a second and the work is retried, so a change that brings them back shows only as a
 *    little slower; the first version of a batched stock record did (1 Dec 2026).
 *  - marketplace calls per event: the sandboxes' call counters (control API left out) over the
 *    phase; the connector reads every pushed order back (a push is only a hint) and pushes stock,
 *    within its call gate's per-shop limit (libs/channels/src/call-gate.ts). From them, the most
 *    events/s those limits allow: every event over the time the busiest marketplace's calls need
 *    at its shops' paced limits.
 *
 * Run: npm run bench:import
 * Sizes: BENCH_IMPORT_EVENTS (20000), BENCH_IMPORT_RATE (500), BENCH_IMPORT_SECONDS (10),
 * BENCH_IMPORT_SHOPS (25 per marketplace), BENCH_IMPORT_SKUS (10 per cooperative),
 * BENCH_IMPORT_PROBES (4 probe SKUs in flight), BENCH_IMPORT_BATCH_SIZE (worker default),
 * BENCH_IMPORT_MODES (batched,one-row), BENCH_IMPORT_PHASES (burst,backlog,steady).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { BENCH_ENV } from '../support/env';
import Redis from 'ioredis';
import { Client } from 'pg';
import { startSandbox, type Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import type { RunningApi } from '../../support/api';
import { freshDatabase } from '../../support/database';
import {
  connectAll,
  listEverywhere,
  MARKETPLACE_NAMES,
  type ConnectedShop,
  type MarketplaceName,
} from '../../support/marketplaces';
import { CALLS_PER_SECOND } from '../../../libs/channels/src/call-gate';
import { PACE_SHARE } from '../../../libs/channels/src/call-pacing';
import { apiClient } from '../support/api-client';
import { percentiles, sleep } from '../support/figures';
import { cpuSecondsOf, cpuSecondsOfCommand, cpuShare, describeCpuShare } from '../support/cpu-share';
import { describePeakRss, memoryProbeEnv, samplePeakRss } from '../support/peak-rss';
import {
  answerCounts,
  answerFigures,
  describeAnswers,
  type AnswerCounts,
  type AnswerFigures,
} from '../support/marketplace-answers';
import { spawnBenchApi, spawnBenchWorker, type BenchProcess } from '../support/processes';

const EVENTS = Number(process.env.BENCH_IMPORT_EVENTS ?? 20_000);
const RATE = Number(process.env.BENCH_IMPORT_RATE ?? 500);
const STEADY_SECONDS = Number(process.env.BENCH_IMPORT_SECONDS ?? 10);
/**
 * 25 cooperatives, a shop on each marketplace each: a province's sale spreads over many producers'
 * shops (the demo has 53 producers). With 4, Sendo's 20 calls a second a shop (one read per pushed
 * order) bounded the whole run near 340 events/s whatever the connector did; the bound each run is
 * under is printed beside its figures.
 */
const SHOPS = Number(process.env.BENCH_IMPORT_SHOPS ?? 25);
const SKUS = Number(process.env.BENCH_IMPORT_SKUS ?? 10);
const PROBES = Number(process.env.BENCH_IMPORT_PROBES ?? 4);
const BATCH_SIZE = process.env.BENCH_IMPORT_BATCH_SIZE;
const MODES = listOf<Mode>('BENCH_IMPORT_MODES', ['batched', 'one-row']);
const PHASES = listOf<Phase>('BENCH_IMPORT_PHASES', ['burst', 'backlog', 'steady']);
/** Enough that the run never comes near an oversell: the figure is about import. */
const ON_HAND = 1_000_000;
/** Shares of the events: creations (of which some placed one by one) and status moves. */
const CREATION_SHARE = 0.7;
const SINGLE_SHARE = 0.2;
const API_PORT = 3931;
const WORKER_METRICS_PORT = 3932;
const WORKER_METRICS_URL = `http://127.0.0.1:${WORKER_METRICS_PORT}/metrics`;
const TARGET_EVENTS_PER_S = 1_000;
const TARGET_RATIO = 7;
const TARGET_STEADY_STOCK_P95_MS = 1_000;

type Mode = 'batched' | 'one-row';
type Phase = 'burst' | 'backlog' | 'steady';

/**
 * A comma-separated choice among `known` (all of them when unset): a misspelt name would otherwise
 * run as some other phase and print its figures under the wrong name.
 */
function listOf<T extends string>(name: string, known: readonly T[]): T[] {
  const given = process.env[name];
  if (given === undefined) return [...known];
  const chosen = given.split(',').map((item) => item.trim());
  const unknown = chosen.filter((item) => !(known as readonly string[]).includes(item));
  if (unknown.length > 0 || chosen.length === 0) {
    throw new Error(`${name}: ${unknown.join(', ') || '(empty)'} is not one of ${known.join(', ')}`);
  }
  return chosen as T[];
}

// the batched run takes the worker's own default unless the bench is told a size
const inheritedBatchSize = process.env.IMPORT_BATCH_SIZE;
delete process.env.IMPORT_BATCH_SIZE;

const log = (line: string) => console.log(line);
const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** One shop of one cooperative, and the orders of it that can still move. */
interface Shop {
  marketplace: MarketplaceName;
  shopId: string;
  baseUrl: string;
  skus: string[];
  pending: string[];
  confirmed: string[];
}

/** What a phase placed, for the completion check and the printout. */
interface Placed {
  creations: number;
  singles: number;
  moves: number;
  refused: number;
}

async function control(method: string, url: string, body?: unknown): Promise<any> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${url} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** A buyer's order: one or two of the shop's SKUs, one or two units each. */
function buyerLines(shop: Shop, n: number): { sku: string; quantity: number }[] {
  const first = shop.skus[n % shop.skus.length];
  const lines = [{ sku: first, quantity: 1 + (n % 2) }];
  if (n % 3 === 0) lines.push({ sku: shop.skus[(n + 7) % shop.skus.length], quantity: 1 });
  return lines.filter((line, i) => i === 0 || line.sku !== first);
}

/**
 * Places `count` events on one shop through the control API: creations (mostly in one bulk call,
 * some one by one), then moves of orders placed before (confirm, cancel before shipping, ship a
 * confirmed one). A move with nothing left to move becomes a creation.
 */
async function placeEvents(shop: Shop, count: number, placed: Placed, seq: { n: number }): Promise<void> {
  const orders = `${shop.baseUrl}/_sandbox/shops/${shop.shopId}/orders`;
  const creations = Math.round(count * CREATION_SHARE);
  const singles = Math.round(creations * SINGLE_SHARE);
  const bulk = creations - singles;
  const accept = (answer: { orderId?: string; error?: string }) => {
    if (answer.orderId) {
      shop.pending.push(answer.orderId);
      placed.creations += 1;
    } else placed.refused += 1;
  };
  if (bulk > 0) {
    const answer = await control('POST', orders, {
      orders: Array.from({ length: bulk }, () => ({ lines: buyerLines(shop, seq.n++) })),
    });
    for (const one of answer.orders) accept(one);
  }
  const single = async () => accept(await control('POST', orders, { lines: buyerLines(shop, seq.n++) }));
  await inParallel(singles, async () => {
    await single();
    placed.singles += 1;
  });
  // moves come after this call's creations, so even the first call has orders to move; an order
  // confirmed here is shipped only by a later call, never racing its own confirmation
  const confirmedNow: string[] = [];
  const moves: { orderId: string; status: string }[] = [];
  let extra = 0;
  for (let left = count - creations; left > 0; left -= 1) {
    const n = seq.n++;
    if (shop.confirmed.length > 0 && (n % 4 === 0 || shop.pending.length === 0)) {
      moves.push({ orderId: shop.confirmed.shift() as string, status: 'shipped' });
    } else if (shop.pending.length > 0) {
      const orderId = shop.pending.shift() as string;
      const status = n % 3 === 0 ? 'cancelled' : 'confirmed';
      if (status === 'confirmed') confirmedNow.push(orderId);
      moves.push({ orderId, status });
    } else extra += 1;
  }
  await inParallel(moves.length, async (i) => {
    await control('POST', `${orders}/${moves[i].orderId}/status`, { status: moves[i].status });
    placed.moves += 1;
  });
  shop.confirmed.push(...confirmedNow);
  await inParallel(extra, single);
}

/**
 * Runs `task` for 0..count-1, a few at a time: one shop's control calls one after another could
 * not place events as fast as a batched import takes them.
 */
async function inParallel(count: number, task: (index: number) => Promise<unknown>, width = 8) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** What the sandbox's shop holds of a SKU now (in-process, no HTTP). */
function heldQuantity(sandbox: Sandbox, marketplace: MarketplaceName, shopId: string, sku: string) {
  const ref = sandbox.marketplaces[marketplace].store.shops.get(shopId)?.skus.get(sku);
  return ref && ref.listing.status === 'active' ? ref.variant.quantity : -1;
}

/** Marketplace calls the connector made, per marketplace (the control API left out). */
function marketplaceCalls(sandbox: Sandbox): Record<MarketplaceName, number> {
  const out = {} as Record<MarketplaceName, number>;
  for (const m of MARKETPLACE_NAMES) {
    out[m] = Object.entries(sandbox.marketplaces[m].counters.snapshot())
      .filter(([route]) => !route.includes('/_sandbox'))
      .reduce((sum, [, n]) => sum + n, 0);
  }
  return out;
}

interface Probe {
  orderId: string;
  marketplace: MarketplaceName;
  placedAt: number;
  heldAt?: number;
}

/**
 * Probe orders, one per probe SKU in flight, rotating over the marketplaces, until `stop()`: each
 * waits until the other two marketplaces hold the SKU's new figure.
 */
function startProbes(sandbox: Sandbox, shops: Record<MarketplaceName, Shop>, probeSkus: string[]) {
  const probes: Probe[] = [];
  let running = true;
  let stoppedAt = Infinity;
  let failed = 0;
  const done = Promise.all(
    probeSkus.map(async (sku, index) => {
      let sold = 0;
      for (let n = index; running; n += 1) {
        const origin = MARKETPLACE_NAMES[n % 3];
        const shop = shops[origin];
        const placedAt = Date.now();
        const answer = await control('POST', `${shop.baseUrl}/_sandbox/shops/${shop.shopId}/orders`, {
          lines: [{ sku, quantity: 1 }],
        });
        sold += 1;
        const probe: Probe = { orderId: answer.orderId, marketplace: origin, placedAt };
        probes.push(probe);
        const others = MARKETPLACE_NAMES.filter((m) => m !== origin);
        // a probe's webhook may wait behind the whole backlog: it is given up only well after the events are done
        while (others.some((m) => heldQuantity(sandbox, m, shops[m].shopId, sku) !== ON_HAND - sold)) {
          if (Date.now() > stoppedAt + 120_000) {
            failed += 1;
            log(`  probe ${answer.orderId} (${sku} from ${origin}) not propagated`);
            return;
          }
          await sleep(10);
        }
        probe.heldAt = Date.now();
      }
    }),
  );
  return {
    probes,
    failed: () => failed,
    stop: async () => {
      running = false;
      stoppedAt = Date.now();
      await done;
    },
  };
}

interface PhaseResult {
  mode: Mode;
  phase: Phase;
  events: number;
  placed: Placed;
  placingSeconds: number;
  /** events placed a second: the steady phase's asked rate is only met when this process keeps up */
  placedPerSecond: number;
  importSeconds: number;
  eventsPerSecond: number;
  perMarketplace: Record<
    string,
    {
      events: number;
      eventsPerSecond: number;
      callsPerEvent: number;
      deliveredPerSecond: number;
      /** the fewest seconds this marketplace's calls could take at its shops' paced limits */
      callSeconds: number;
    }
  >;
  /**
   * events/s the marketplaces' call limits allow at most: every event over the time the busiest
   * marketplace's calls need at its shops' paced limits, were nothing else slow
   */
  callLimitedEventsPerSecond: number;
  /** events a second the sandboxes' webhooks arrived at (first to last received): the import cannot beat it */
  deliveredPerSecond: number;
  webhookToOrder: { p50: number; p95: number; max: number; n: number };
  orderToStock: { p50: number; p95: number; max: number; n: number };
  placementToStock: { p50: number; p95: number; max: number; n: number };
  probesFailed: number;
  unprocessed: number;
  dead: number;
  /** PostgreSQL's count of deadlocks in the phase's database (each one a failed statement) */
  deadlocks: number;
  workerPeakRssMb: number;
  /** the peak and where it went, as printed */
  workerMemory: string;
  /** cores each part used from the placing (the backlog: the worker's start) to the last import */
  cpuCores: Record<string, number>;
  /** over the same span, how late this process's event loop (the sandboxes' and the driver's) ran */
  sandboxLoopDelayMs: { p99: number; max: number };
  /** how long the marketplaces (the sandboxes) took to answer the worker's calls, as it saw them */
  marketplaceAnswers: Record<string, AnswerFigures>;
}

/** The API and worker of the phase running, stopped if this driver is interrupted. */
const running = new Set<BenchProcess>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    // stop() ends a child that does not leave on SIGTERM within 15 s
    void Promise.all([...running].map((child) => child.stop())).finally(() => process.exit(130));
  });
}

async function runPhase(mode: Mode, phase: Phase): Promise<PhaseResult> {
  await freshDatabase(BENCH_ENV.DATABASE_URL);
  const redis = new Redis(BENCH_ENV.REDIS_URL);
  await redis.flushdb();
  redis.disconnect();
  const sandbox = await startSandbox({
    host: '127.0.0.1',
    ports: { sendo: 0, voso: 0, postmart: 0, shopee: 0, tiktok: 0, lazada: 0 },
  });
  // the only marketplaces the connector's processes started below may call
  process.env.MARKETPLACE_ORIGINS = sandbox.origins;
  const db = new Client({ connectionString: BENCH_ENV.DATABASE_URL });
  await db.connect();
  const processes: BenchProcess[] = [];
  try {
    processes.push(await spawnBenchApi({ ...BENCH_ENV, PORT: String(API_PORT) }));
    running.add(processes[0]);
    const batchSize = mode === 'one-row' ? '1' : (BATCH_SIZE ?? inheritedBatchSize);
    const memoryProbe = memoryProbeEnv();
    const workerEnv = {
      ...BENCH_ENV,
      ...memoryProbe.env,
      // orders come by webhook here: a poll would import them first and leave the pushes nothing to do
      ORDER_POLL_INTERVAL_MS: '3600000',
      WORKER_METRICS_PORT: String(WORKER_METRICS_PORT),
      ...(batchSize === undefined ? {} : { IMPORT_BATCH_SIZE: batchSize }),
    };
    let worker = await spawnBenchWorker(workerEnv);
    processes.push(worker);
    running.add(worker);
    const api = apiClient(`http://127.0.0.1:${API_PORT}`, BENCH_ENV.ADMIN_API_KEY);

    // setup: SHOPS cooperatives, a shop on each marketplace each, SKUS products listed on all three
    const setupStart = Date.now();
    const shops: Shop[] = [];
    const probeShops = {} as Record<MarketplaceName, Shop>;
    const probeSkus: string[] = [];
    for (let c = 0; c < SHOPS; c += 1) {
      const coop = await created(api, '/v1/cooperatives', {
        name: `HTX nông sản ${c + 1}`,
        kind: 'cooperative',
        province: 'Thái Nguyên',
        commune: 'La Bằng',
      });
      const owner = { id: coop.id as string, key: api.adminKey };
      const connected: Record<MarketplaceName, ConnectedShop> = await connectAll(api, sandbox, owner, {
        webhooks: true,
      });
      const codes: string[] = [];
      const skuCount = SKUS + (c === 0 ? PROBES : 0);
      for (let i = 0; i < skuCount; i += 1) {
        const code = `C${c}-${i < SKUS ? 'SKU' : 'PROBE'}-${String(i).padStart(3, '0')}`;
        const product = await created(api, '/v1/products', {
          cooperativeId: owner.id,
          name: `Chè hộp ${c + 1}-${i + 1}`,
          category: 'tea',
          skus: [{ code, name: 'Hộp 100g', priceVnd: 150000, weightGrams: 100, onHand: ON_HAND }],
        });
        await listEverywhere(api, owner, product.id, connected);
        if (i < SKUS) codes.push(code);
        else probeSkus.push(code);
      }
      for (const m of MARKETPLACE_NAMES) {
        const shop: Shop = {
          marketplace: m,
          shopId: connected[m].shopId,
          baseUrl: sandbox.urls[m],
          skus: codes,
          pending: [],
          confirmed: [],
        };
        shops.push(shop);
        if (c === 0) probeShops[m] = shop;
      }
    }
    const listed = (shop: Shop) => [
      ...shop.skus,
      ...(shop === probeShops[shop.marketplace] ? probeSkus : []),
    ];
    while (
      !shops.every((shop) =>
        listed(shop).every((sku) => heldQuantity(sandbox, shop.marketplace, shop.shopId, sku) === ON_HAND),
      )
    ) {
      if (Date.now() - setupStart > 180_000) throw new Error('listings not published within 3 minutes');
      await sleep(200);
    }
    for (const m of MARKETPLACE_NAMES) sandbox.marketplaces[m].counters.clear();
    log(
      `  setup: ${SHOPS} cooperatives x 3 shops, ${shops.reduce((n, shop) => n + listed(shop).length, 0)} listings published in ${seconds(Date.now() - setupStart)} s`,
    );

    // the events, with probes alongside and the worker's memory sampled
    const placed: Placed = { creations: 0, singles: 0, moves: 0, refused: 0 };
    const seq = { n: 0 };
    let sampler = samplePeakRss(worker, { probeFile: memoryProbe.file });
    let answersBefore: AnswerCounts = await answerCounts(WORKER_METRICS_URL);
    if (phase === 'backlog') {
      await worker.stop();
      running.delete(worker);
    }
    const probing = startProbes(sandbox, probeShops, phase === 'backlog' ? [] : probeSkus);
    // what each part of the machine spends on the events: a figure bounded by the two cores shows here
    const cpuParts = () => {
      const driver = process.cpuUsage();
      const current = worker;
      return cpuShare({
        worker: () => cpuSecondsOf(current.child.pid),
        API: () => cpuSecondsOf(processes[0].child.pid),
        'driver and sandboxes': () => {
          const used = process.cpuUsage(driver);
          return (used.user + used.system) / 1e6;
        },
        PostgreSQL: () => cpuSecondsOfCommand('postgres'),
        Redis: () => cpuSecondsOfCommand('redis-server'),
      });
    };
    let cpu = cpuParts();
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const placingStart = Date.now();
    if (phase !== 'steady') {
      // every shop's share at once, in rounds of up to 500 events a shop so moves find orders
      const share = Math.floor(EVENTS / shops.length);
      await Promise.all(
        shops.map(async (shop, index) => {
          let left = share + (index < EVENTS - share * shops.length ? 1 : 0);
          while (left > 0) {
            const round = Math.min(500, left);
            await placeEvents(shop, round, placed, seq);
            left -= round;
          }
        }),
      );
    } else {
      // RATE events a second, placed every 100 ms over the shops in turn; a tick does not wait for
      // the last one's calls (a slow answer would lower the rate asked, as buyers never do), but at
      // most a second of ticks is left unanswered: this process's sandboxes answer the calls, and
      // thousands of them open at once timed out. A placed rate below the asked one shows that.
      const ticks = STEADY_SECONDS * 10;
      const inFlight: Promise<unknown>[] = [];
      let owed = 0;
      let next = 0;
      for (let tick = 0; tick < ticks; tick += 1) {
        const due = placingStart + tick * 100;
        if (due > Date.now()) await sleep(due - Date.now());
        owed += RATE / 10;
        const now = Math.floor(owed);
        owed -= now;
        const perShop = new Map<Shop, number>();
        for (let i = 0; i < now; i += 1) {
          const shop = shops[next++ % shops.length];
          perShop.set(shop, (perShop.get(shop) ?? 0) + 1);
        }
        inFlight.push(
          Promise.all([...perShop].map(([shop, count]) => placeEvents(shop, count, placed, seq))),
        );
        if (inFlight.length > 10) await inFlight[inFlight.length - 11];
      }
      await Promise.all(inFlight);
    }
    const placingMs = Date.now() - placingStart;
    log(
      `  placed ${placed.creations + placed.moves} events in ${seconds(placingMs)} s: ${placed.creations} orders ` +
        `(${placed.singles} one by one), ${placed.moves} status moves, ${placed.refused} refused ` +
        `(${Math.round((placed.creations + placed.moves) / (placingMs / 1000))} events/s placed)`,
    );

    const expected = placed.creations + placed.moves;
    // the backlog: every webhook stored before a worker is started again, timed from its start
    let workerStartedAt: number | null = null;
    if (phase === 'backlog') {
      for (;;) {
        const { rows } = await db.query(`SELECT count(*)::int AS n FROM webhook_inbox`);
        if (rows[0].n >= expected) break;
        await sleep(200);
      }
      sampler.stop();
      worker = await spawnBenchWorker(workerEnv);
      running.add(worker);
      processes.push(worker);
      sampler = samplePeakRss(worker, { probeFile: memoryProbe.file });
      answersBefore = new Map();
      cpu = cpuParts();
      loopDelay.reset();
      // the database's clock, as processed_at is
      workerStartedAt = Number((await db.query(`SELECT extract(epoch FROM now()) * 1000 AS at`)).rows[0].at);
    }
    // done when every event's row is processed (or dead); probes stop then. Watched through the
    // waiting rows' partial index, the whole table counted only once none waits or every 10 s: a
    // count of every row five times a second took a fifth of a core from the database it measures.
    // Given up only when nothing moves for two minutes: a slow import is a figure, not a failure.
    let lastWaiting = -1;
    let stalledSince = Date.now();
    let lastReport = Date.now();
    for (;;) {
      const waiting = (
        await db.query(
          `SELECT count(*)::int AS n FROM webhook_inbox WHERE processed_at IS NULL AND dead_at IS NULL`,
        )
      ).rows[0].n as number;
      const report = Date.now() - lastReport > 10_000;
      if (waiting === 0 || report) {
        const { rows } = await db.query(
          `SELECT count(*) FILTER (WHERE processed_at IS NOT NULL OR dead_at IS NOT NULL)::int AS done,
                  count(*)::int AS received FROM webhook_inbox`,
        );
        if (rows[0].done >= expected + probing.probes.length && rows[0].received === rows[0].done) break;
        if (report) {
          lastReport = Date.now();
          log(`  … ${rows[0].received} webhooks received, ${rows[0].done} processed`);
        }
      }
      if (waiting !== lastWaiting) {
        lastWaiting = waiting;
        stalledSince = Date.now();
      }
      if (Date.now() - stalledSince > 120_000) {
        log(`  STALLED: ${waiting} webhooks waiting, none processed for 2 minutes`);
        break;
      }
      await sleep(200);
    }
    const cpuUsed = cpu.stop();
    const answers = answerFigures(answersBefore, await answerCounts(WORKER_METRICS_URL));
    loopDelay.disable();
    await probing.stop();
    // the probes still in flight when the events were done: let their rows be processed
    for (let i = 0; i < 100; i += 1) {
      const { rows } = await db.query(
        `SELECT count(*)::int AS n FROM webhook_inbox WHERE processed_at IS NULL AND dead_at IS NULL`,
      );
      if (rows[0].n === 0) break;
      await sleep(100);
    }
    const memory = sampler.stop();
    memoryProbe.dispose();
    const calls = marketplaceCalls(sandbox);

    // figures, from the database
    const probeIds = probing.probes.map((probe) => probe.orderId);
    const startedSql =
      workerStartedAt === null ? 'min(received_at)' : `to_timestamp(${workerStartedAt / 1000})`;
    const span = await db.query(
      `SELECT marketplace, count(*)::int AS events,
              extract(epoch FROM max(processed_at) - ${startedSql}) * 1000 AS span_ms,
              extract(epoch FROM max(received_at) - min(received_at)) * 1000 AS delivery_ms
       FROM webhook_inbox WHERE processed_at IS NOT NULL AND NOT (external_order_id = ANY($1))
       GROUP BY ROLLUP (marketplace)`,
      [probeIds],
    );
    const total = span.rows.find((row) => row.marketplace === null) ?? {
      events: 0,
      span_ms: 0,
      delivery_ms: 0,
    };
    const perSecond = (events: number, ms: unknown) => Math.round(events / (Number(ms) / 1000));
    const latencies = await db.query(
      `SELECT extract(epoch FROM processed_at - received_at) * 1000 AS ms
       FROM webhook_inbox WHERE processed_at IS NOT NULL AND NOT (external_order_id = ANY($1))`,
      [probeIds],
    );
    const imported = await db.query(
      `SELECT external_order_id, extract(epoch FROM min(processed_at)) * 1000 AS at
       FROM webhook_inbox WHERE external_order_id = ANY($1) AND processed_at IS NOT NULL
       GROUP BY external_order_id`,
      [probeIds],
    );
    const importedAt = new Map<string, number>(
      imported.rows.map((row) => [row.external_order_id as string, Number(row.at)]),
    );
    const measured = probing.probes.filter((p) => p.heldAt !== undefined && importedAt.has(p.orderId));
    const leftOver = await db.query(
      `SELECT count(*) FILTER (WHERE processed_at IS NULL AND dead_at IS NULL)::int AS unprocessed,
              count(*) FILTER (WHERE dead_at IS NOT NULL)::int AS dead FROM webhook_inbox`,
    );
    // the phase's database is new, so its counter is this phase's: a deadlock costs a second and a
    // failed statement, and a change that brings them back is otherwise only a little slower
    const deadlocks = Number(
      (await db.query(`SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()`)).rows[0]
        .deadlocks,
    );
    const perMarketplace: PhaseResult['perMarketplace'] = {};
    for (const row of span.rows.filter((r) => r.marketplace !== null)) {
      const m = row.marketplace as MarketplaceName;
      perMarketplace[m] = {
        events: row.events,
        eventsPerSecond: perSecond(row.events, row.span_ms),
        callsPerEvent: Math.round((calls[m] / row.events) * 100) / 100,
        deliveredPerSecond: perSecond(row.events, row.delivery_ms),
        callSeconds: calls[m] / (SHOPS * CALLS_PER_SECOND[m] * PACE_SHARE),
      };
    }
    const callBound = Math.max(...Object.values(perMarketplace).map((f) => f.callSeconds));
    return {
      mode,
      phase,
      events: total.events,
      placed,
      placingSeconds: Number(seconds(placingMs)),
      placedPerSecond: Math.round((placed.creations + placed.moves) / (placingMs / 1000)),
      importSeconds: Number(seconds(Number(total.span_ms))),
      eventsPerSecond: perSecond(total.events, total.span_ms),
      deliveredPerSecond: perSecond(total.events, total.delivery_ms),
      perMarketplace,
      callLimitedEventsPerSecond: Math.round(total.events / callBound),
      webhookToOrder: percentiles(latencies.rows.map((row) => Number(row.ms))),
      orderToStock: percentiles(
        measured.map((p) => (p.heldAt as number) - (importedAt.get(p.orderId) as number)),
      ),
      placementToStock: percentiles(measured.map((p) => (p.heldAt as number) - p.placedAt)),
      probesFailed: probing.failed(),
      unprocessed: leftOver.rows[0].unprocessed,
      dead: leftOver.rows[0].dead,
      deadlocks,
      workerPeakRssMb: memory.peakMb,
      workerMemory: describePeakRss(memory),
      cpuCores: cpuUsed.cores,
      sandboxLoopDelayMs: {
        p99: Math.round(loopDelay.percentile(99) / 1e6),
        max: Math.round(loopDelay.max / 1e6),
      },
      marketplaceAnswers: answers,
    };
  } finally {
    for (const child of processes.reverse()) {
      await child.stop();
      running.delete(child);
    }
    await db.end();
    await sandbox.close();
  }
}

async function created(api: RunningApi, path: string, body: unknown): Promise<any> {
  const res = await api.call('POST', path, { key: api.adminKey, body });
  if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${res.text}`);
  return res.body;
}

function printPhase(result: PhaseResult): void {
  const { webhookToOrder: w, orderToStock: s, placementToStock: p } = result;
  log(
    `  ${result.events} events imported in ${result.importSeconds} s (${result.phase === 'backlog' ? "the worker's start" : 'first webhook received'} -> last processed): ` +
      `${result.eventsPerSecond} events/s; the webhooks arrived at ${result.deliveredPerSecond} events/s`,
  );
  if (result.phase === 'burst' && result.placingSeconds > 0.5 * result.importSeconds) {
    // the burst is meant to be waiting at the sandboxes before the import catches up
    log(
      `    NOTE: placing took ${result.placingSeconds} s of the ${result.importSeconds} s: the events came at ` +
        `${result.placedPerSecond} events/s, so the import's figure is bounded by this driver, not measured`,
    );
  }
  log(
    `    per marketplace: ` +
      Object.entries(result.perMarketplace)
        .map(
          ([m, f]) =>
            `${m} ${f.eventsPerSecond} events/s (arrived at ${f.deliveredPerSecond}/s; ${f.callsPerEvent} marketplace calls/event)`,
        )
        .join(', '),
  );
  log(
    `    the marketplaces' call limits (${SHOPS} shops each, paced at ${PACE_SHARE * 100} % of ` +
      MARKETPLACE_NAMES.map((m) => `${m} ${CALLS_PER_SECOND[m]}`).join(', ') +
      ` calls/s a shop) allow at most ${result.callLimitedEventsPerSecond} events/s for these calls`,
  );
  log(`    webhook -> order imported: p50 ${w.p50} ms, p95 ${w.p95} ms, max ${w.max} ms`);
  log(
    `    order imported -> other two marketplaces hold the figure: p50 ${s.p50} ms, p95 ${s.p95} ms, ` +
      `max ${s.max} ms over ${s.n} probes (${result.probesFailed} not propagated); from placement: ` +
      `p50 ${p.p50} ms, p95 ${p.p95} ms`,
  );
  log(
    `    worker ${result.workerMemory}   target < 300 MB; rows left unprocessed ${result.unprocessed}, dead ${result.dead}; ` +
      `deadlocks ${result.deadlocks}${result.deadlocks > 0 ? ' (each a statement PostgreSQL failed: see its log)' : ''}`,
  );
  log(`    CPU, cores used: ${describeCpuShare(result.cpuCores)}`);
  log(
    `    the sandboxes' event loop (this process, beside the driver) ran late by p99 ` +
      `${result.sandboxLoopDelayMs.p99} ms, max ${result.sandboxLoopDelayMs.max} ms: a marketplace answer waits that long`,
  );
  log(
    `    the marketplaces answered the worker (sent to answered): ${describeAnswers(result.marketplaceAnswers)}`,
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  const results: PhaseResult[] = [];
  for (const mode of MODES) {
    for (const phase of PHASES) {
      const label =
        mode === 'one-row'
          ? 'one inbox row per job (IMPORT_BATCH_SIZE=1)'
          : `batched (IMPORT_BATCH_SIZE=${BATCH_SIZE ?? inheritedBatchSize ?? "the worker's default"})`;
      log(
        phase === 'burst'
          ? `[${mode}] burst: ${EVENTS} events over ${SHOPS * 3} shops, ${label}`
          : phase === 'backlog'
            ? `[${mode}] backlog: ${EVENTS} events stored while the worker was stopped, over ${SHOPS * 3} shops, ${label}`
            : `[${mode}] steady: ${RATE} events/s for ${STEADY_SECONDS} s over ${SHOPS * 3} shops, ${label}`,
      );
      const result = await runPhase(mode, phase);
      printPhase(result);
      results.push(result);
    }
  }
  const find = (mode: Mode, phase: Phase) => results.find((r) => r.mode === mode && r.phase === phase);
  const steady = find('batched', 'steady');
  const ratioOf = (phase: Phase) => {
    const batched = find('batched', phase);
    const oneRow = find('one-row', phase);
    return batched && oneRow
      ? Math.round((batched.eventsPerSecond / oneRow.eventsPerSecond) * 10) / 10
      : null;
  };
  const ratio = ratioOf('burst');
  log('summary:');
  for (const phase of ['burst', 'backlog'] as Phase[]) {
    const batched = find('batched', phase);
    const oneRow = find('one-row', phase);
    const what = phase === 'burst' ? 'as webhooks arrive' : 'a stored backlog';
    if (batched)
      log(
        `  ${phase}, batched (${what}): ${batched.eventsPerSecond} events/s   target >= ${TARGET_EVENTS_PER_S}`,
      );
    if (oneRow) log(`  ${phase}, one row per job: ${oneRow.eventsPerSecond} events/s (baseline, same run)`);
    if (batched && oneRow)
      log(`  ${phase}, batched / one-row: ${ratioOf(phase)}x   target >= ${TARGET_RATIO}x`);
  }
  if (steady)
    log(
      `  steady ${RATE} events/s, batched: order -> other marketplaces p95 ${steady.orderToStock.p95} ms   ` +
        `target < ${TARGET_STEADY_STOCK_P95_MS} ms`,
    );
  log(
    JSON.stringify({
      orderImport: {
        events: EVENTS,
        rate: RATE,
        steadySeconds: STEADY_SECONDS,
        shopsPerMarketplace: SHOPS,
        skusPerCooperative: SKUS,
        ratio,
        backlogRatio: ratioOf('backlog'),
        targetEventsPerSecond: TARGET_EVENTS_PER_S,
        targetRatio: TARGET_RATIO,
        targetSteadyStockP95Ms: TARGET_STEADY_STOCK_P95_MS,
        results,
      },
      totalSeconds: Math.round((Date.now() - started) / 1000),
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
