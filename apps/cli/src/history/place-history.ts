import { setTimeout as sleep } from 'node:timers/promises';
import { vietnamDate } from '@ocop/common';
import { chunk, groupBy, mapWithConcurrency } from '@ocop/marketplaces';
import { allPages, call, type ConnectedProducer, type Endpoints, waitUntilUp } from '../demo-shops';
import {
  type HistoryProduct,
  orderKey,
  type PlannedOrder,
  planHistory,
  remainingOrders,
  unitsNeeded,
} from './order-history';

interface ApiSku {
  id: string;
  code: string;
  priceVnd: number;
  available: number;
}
interface ApiProduct {
  id: string;
  cooperativeId: string;
  category: string;
  status: string;
  skus: ApiSku[];
  ocop: { stars: number } | null;
}
interface ApiCertificate {
  productId: string;
  stars: number;
  decidedAt: string;
  validUntil: string | null;
  status: string;
}

export interface HistoryReport {
  planned: number;
  /** Planned orders the connector already held (an earlier run placed them). */
  held: number;
  placed: number;
  refused: number;
  /** Webhooks the sandbox sent for this run's orders (placements and status moves). */
  events: number;
  imported: boolean;
  seconds: number;
}

/** Stock kept on top of what the history needs, so the last order of a SKU does not empty it. */
const STOCK_MARGIN = 10;
const PLACE_CHUNK = 1000;
/** Shops placed or moved at once: the sandbox delivers each shop's webhooks one at a time. */
const SHOPS_AT_ONCE = 16;
const MOVE_CHUNK = 10_000;
const PROGRESS_EVERY_MS = 30_000;
const IMPORT_TIMEOUT_MS = 20 * 60_000;
/** How long the demo waits for stored webhooks that failed, once nothing else is left to import. */
const FAILED_GRACE_MS = 60_000;

/**
 * Places the demo's order history (order-history.ts) as buyers would: through each sandbox
 * marketplace's control API, which pushes every order and status move to the connector's webhooks
 * (and its polls find the recent ones). Nothing is written to the connector's database directly.
 * Stock is topped up through the API first, where the history needs more than a SKU has, so that
 * no order is refused or oversold for lack of stock.
 */
export async function placeHistory(
  endpoints: Endpoints,
  producers: ConnectedProducer[],
  workerMetricsUrl: string,
  log: (line: string) => void,
): Promise<HistoryReport> {
  const started = Date.now();
  const now = new Date();
  const byCooperative = new Map(producers.map((p) => [p.cooperativeId, p]));
  const [products, certificates] = await Promise.all([
    allPages<ApiProduct>(endpoints, '/v1/products?status=active'),
    allPages<ApiCertificate>(endpoints, '/v1/ocop-certificates'),
  ]);
  const plan = planHistory({
    products: historyProducts(products, certificates, byCooperative),
    today: vietnamDate(now),
    now,
  });
  const held = new Set(
    (await allPages<{ cooperativeId: string; placedAt: string }>(endpoints, '/v1/orders')).map((order) =>
      orderKey(order.cooperativeId, order.placedAt),
    ),
  );
  const todo = remainingOrders(plan, held);
  const report: HistoryReport = {
    planned: plan.length,
    held: plan.length - todo.length,
    placed: 0,
    refused: 0,
    events: 0,
    imported: true,
    seconds: 0,
  };
  if (todo.length === 0) {
    report.seconds = Math.round((Date.now() - started) / 1000);
    return report;
  }
  const shopOf = (order: PlannedOrder) =>
    (byCooperative.get(order.cooperativeId) as ConnectedProducer).shops[order.marketplace];
  log(
    `History: ${todo.length} orders to place (${report.held} of ${plan.length} already held); topping up stock…`,
  );
  await topUpStock(endpoints, products, todo);
  await waitForSandboxStock(endpoints, todo, shopOf, log);

  await waitUntilUp(workerMetricsUrl);
  const baseline = await webhookImports(workerMetricsUrl);
  const placed: { order: PlannedOrder; shop: string; orderId: string }[] = [];
  // many shops at once, each shop's orders in bulk: the sandbox pushes each order as it is placed
  await mapWithConcurrency([...groupBy(todo, shopOf)], SHOPS_AT_ONCE, async ([shop, orders]) => {
    const marketplace = orders[0].marketplace;
    for (const some of chunk(orders, PLACE_CHUNK)) {
      const answer = await call(
        'POST',
        `${endpoints.sandbox[marketplace]}/_sandbox/shops/${shop}/orders`,
        undefined,
        { orders: some.map((order) => ({ lines: order.lines, placedAt: order.placedAt })) },
      );
      if (answer.status !== 201) throw new Error(`placing orders on ${shop}: ${JSON.stringify(answer.body)}`);
      (answer.body.orders as ({ orderId: string } | { error: string })[]).forEach((result, index) => {
        if ('orderId' in result) placed.push({ order: some[index], shop, orderId: result.orderId });
        else if (++report.refused <= 3) log(`  refused on ${shop}: ${result.error}`);
      });
    }
  });
  report.placed = placed.length;
  report.events = placed.length;

  // a shop's status moves in one call, each order's in turn (they must keep their order): one round
  // trip per move took most of the history's minute
  await mapWithConcurrency([...groupBy(placed, (one) => one.shop)], SHOPS_AT_ONCE, async ([shop, orders]) => {
    const moves = orders.flatMap(({ order, orderId }) =>
      order.steps.map((step) => ({
        orderId,
        status: step.status,
        at: step.at,
        ...(step.reason ? { reason: step.reason } : {}),
      })),
    );
    for (const some of chunk(moves, MOVE_CHUNK)) {
      const answer = await call(
        'POST',
        `${endpoints.sandbox[orders[0].order.marketplace]}/_sandbox/shops/${shop}/orders/moves`,
        undefined,
        { moves: some },
      );
      if (answer.status !== 200) throw new Error(`moving orders on ${shop}: ${JSON.stringify(answer.body)}`);
      for (const result of answer.body.moves as (
        { status: unknown } | { orderId: string; error: string }
      )[]) {
        if ('error' in result) log(`  could not move ${result.orderId}: ${result.error}`);
        else report.events += 1;
      }
    }
  });
  log(
    `History: placed ${report.placed} orders (${report.refused} refused) and made their status moves ` +
      `in ${Math.round((Date.now() - started) / 1000)} s; the connector is importing ${report.events} webhooks…`,
  );

  const importStarted = Date.now();
  let lastLog = Date.now();
  const givenUp = (what: string) => {
    if (Date.now() - importStarted <= IMPORT_TIMEOUT_MS) return false;
    log(`History: gave up waiting after ${IMPORT_TIMEOUT_MS / 60_000} min (${what})`);
    report.imported = false;
    return true;
  };
  for (;;) {
    const done = (await webhookImports(workerMetricsUrl)) - baseline;
    if (done >= report.events) break;
    if (givenUp(`${done} imported`)) break;
    if (Date.now() - lastLog >= PROGRESS_EVERY_MS) {
      const rate = done / ((Date.now() - importStarted) / 1000);
      log(`  ${done} of ${report.events} webhooks imported (${rate.toFixed(0)}/s)`);
      lastLog = Date.now();
    }
    await sleep(1000);
  }
  // Lazada pushes an order once per item, so the count can pass the events placed while some of
  // those pushes are stored and waiting: imported means the connector has no stored webhook left to
  // import, seen twice a second apart (one arriving meanwhile is in neither count for a moment).
  // The sandbox may still hold deliveries it retries minutes later (one answered after its
  // deadline, say); a retry of a stored one is answered as a duplicate. Rows that failed are tried
  // again after a wait that grows to an hour: once only they are left, the demo says so and goes on.
  const settling = Date.now();
  let quiet = 0;
  while (report.imported) {
    const { waiting, failed } = await webhooksUnimported(endpoints);
    quiet = waiting + failed === 0 ? quiet + 1 : 0;
    if (quiet === 2) break;
    if (waiting === 0 && Date.now() - settling > FAILED_GRACE_MS) {
      log(
        `History: ${failed} stored webhooks failed and wait to be tried again (GET /v1/operations/sync-health)`,
      );
      report.imported = false;
      break;
    }
    if (givenUp(`${waiting + failed} stored webhooks not imported`)) break;
    if (Date.now() - lastLog >= PROGRESS_EVERY_MS) {
      log(`  ${waiting} stored webhooks waiting, ${failed} failed and to be tried again`);
      lastLog = Date.now();
    }
    await sleep(1000);
  }
  report.seconds = Math.round((Date.now() - started) / 1000);
  return report;
}

/** Stored webhooks of the last day the connector has not imported: waiting, or failed and to be tried again. */
async function webhooksUnimported(endpoints: Endpoints): Promise<{ waiting: number; failed: number }> {
  const answer = await call('GET', `${endpoints.api}/v1/operations/sync-health`, endpoints.adminKey);
  if (answer.status !== 200) throw new Error(`reading sync health: ${answer.status}`);
  const marketplaces = answer.body.marketplaces as { webhooks: { waiting: number; failed: number } }[];
  return {
    waiting: marketplaces.reduce((sum, m) => sum + m.webhooks.waiting, 0),
    failed: marketplaces.reduce((sum, m) => sum + m.webhooks.failed, 0),
  };
}

function historyProducts(
  products: ApiProduct[],
  certificates: ApiCertificate[],
  producers: Map<string, ConnectedProducer>,
): HistoryProduct[] {
  const rated = new Map<string, { from: string; to: string | null }[]>();
  for (const c of certificates) {
    // a refused assessment (not_certified) never carried a badge
    if (c.status === 'not_certified' || c.stars < 3) continue;
    rated.set(c.productId, [...(rated.get(c.productId) ?? []), { from: c.decidedAt, to: c.validUntil }]);
  }
  return products
    .filter((p) => producers.has(p.cooperativeId) && p.skus.length > 0)
    .map((p) => {
      // smallest pack first: it is the one bought most
      const skus = [...p.skus].sort((a, b) => a.priceVnd - b.priceVnd || (a.code < b.code ? -1 : 1));
      return {
        cooperativeId: p.cooperativeId,
        producer: (producers.get(p.cooperativeId) as ConnectedProducer).name,
        key: skus[0].code,
        category: p.category,
        stars: p.ocop?.stars ?? null,
        skus: skus.map((sku) => ({ code: sku.code, priceVnd: sku.priceVnd })),
        rated: rated.get(p.id) ?? [],
      };
    });
}

/** Raises each SKU's on-hand through the API where the orders to place need more than is available. */
async function topUpStock(endpoints: Endpoints, products: ApiProduct[], todo: PlannedOrder[]) {
  const need = unitsNeeded(todo, (order) => order.cooperativeId);
  for (const product of products) {
    for (const sku of product.skus) {
      const units = need.get(`${product.cooperativeId}|${sku.code}`) ?? 0;
      const delta = units + STOCK_MARGIN - sku.available;
      if (units === 0 || delta <= 0) continue;
      const answer = await call(
        'POST',
        `${endpoints.api}/v1/skus/${sku.id}/stock-adjustments`,
        endpoints.adminKey,
        { delta, reason: 'Nhập thêm hàng cho lịch sử đơn của bản demo' },
        // a retried request after a lost answer must not add the units twice
        { 'idempotency-key': `demo-history-${sku.id}-${units}-${sku.available}` },
      );
      if (answer.status !== 201) throw new Error(`topping up ${sku.code}: ${JSON.stringify(answer.body)}`);
    }
  }
}

/** Waits until every shop holds what its orders need: the connector pushes stock asynchronously. */
async function waitForSandboxStock(
  endpoints: Endpoints,
  todo: PlannedOrder[],
  shopOf: (order: PlannedOrder) => string,
  log: (line: string) => void,
): Promise<void> {
  const need = unitsNeeded(todo, (order) => `${order.marketplace}|${shopOf(order)}`);
  const shops = new Set([...need.keys()].map((key) => key.split('|').slice(0, 2).join('|')));
  const deadline = Date.now() + 5 * 60_000;
  let lastLog = Date.now();
  for (;;) {
    const short: string[] = [];
    for (const shopKey of shops) {
      const [marketplace, shop] = shopKey.split('|') as [keyof Endpoints['sandbox'], string];
      const listings = await call('GET', `${endpoints.sandbox[marketplace]}/_sandbox/shops/${shop}/listings`);
      const heldUnits = new Map<string, number>();
      for (const listing of (listings.body ?? []) as {
        status: string;
        variants: { sku: string; quantity: number }[];
      }[]) {
        if (listing.status !== 'active') continue;
        for (const variant of listing.variants) heldUnits.set(variant.sku, variant.quantity);
      }
      for (const [key, units] of need) {
        if (!key.startsWith(`${shopKey}|`)) continue;
        const sku = key.slice(shopKey.length + 1);
        if ((heldUnits.get(sku) ?? 0) < units) short.push(`${shop} ${sku}`);
      }
    }
    if (short.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`the sandbox shops still lack stock for ${short.length} SKUs, e.g. ${short[0]}`);
    if (Date.now() - lastLog >= PROGRESS_EVERY_MS) {
      log(`  waiting for listings and stock on the marketplaces (${short.length} SKUs short)`);
      lastLog = Date.now();
    }
    await sleep(2000);
  }
}

/**
 * Stored webhooks the worker is done with since it started (its Prometheus counter): not orders
 * imported, since a batch imports several webhooks of one order once.
 */
async function webhookImports(metricsUrl: string): Promise<number> {
  const text = await (await fetch(metricsUrl)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('webhooks_imported_total{')) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}
