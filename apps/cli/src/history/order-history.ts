import { addDays, parseDate, SeededRandom } from '@ocop/common';

/**
 * The demo's two years of buyer orders, planned as data: which shop sells what, when, and how each
 * order ends. Nothing here talks to a service; `place-history.ts` places the plan through the
 * sandbox marketplaces so the connector receives it by webhook and polling.
 */

export const HISTORY_MARKETPLACES = ['sendo', 'voso', 'postmart', 'shopee', 'tiktok', 'lazada'] as const;
export type HistoryMarketplace = (typeof HISTORY_MARKETPLACES)[number];

/** Days of history, today included. */
export const HISTORY_DAYS = 730;
/**
 * Demand is accumulated from this fixed day, not from the start of the window: a given calendar
 * day then gets the same orders whichever day the demo runs, so a later run recognises them.
 */
export const DEMAND_EPOCH = '2024-01-01';
/**
 * Sales an average product makes on an ordinary day, before its popularity, the season, the
 * market's growth and its OCOP rating. Sized for about 8,000 orders over two years.
 */
const DAILY_SALES = 0.037;
/** Tea is Thái Nguyên's flagship: its products sell more often than the others. */
const TEA_POPULARITY = 1.25;
/** Sales of one producer within this many days may share an order. */
const ORDER_PERIOD_DAYS = 7;
/** The window officers compare by default (API.md: ocop-uplift windowDays). */
export const UPLIFT_WINDOW_DAYS = 90;
/** Chance that a buyer's order takes one more product of the same producer (up to three lines). */
const MORE_LINES = 0.8;
/** Share of the marketplaces in the orders of every producer (the province's channel mix). */
/**
 * Each marketplace's share of the orders, as Vietnamese buyers shop: most on Shopee and TikTok
 * Shop, the province's own partners Voso and Postmart and then Sendo a smaller part.
 */
const CHANNEL_MIX: Record<HistoryMarketplace, number> = {
  shopee: 0.3,
  tiktok: 0.25,
  lazada: 0.1,
  voso: 0.15,
  sendo: 0.1,
  postmart: 0.1,
};
/**
 * How far back a marketplace's orders are placed, where its API limits it. The connector imports a
 * pushed order only as the marketplace's API shows it (issue 13 #7), and Postmart's order search
 * reaches 15 days back (MARKETPLACES.md): an order placed and last moved before that could never be
 * confirmed, so the older orders Postmart's share would take go to the others, in their own
 * proportion. The other styles read orders by id, however old.
 */
export const POSTMART_HISTORY_DAYS = 14;
const HISTORY_REACH_DAYS: Partial<Record<HistoryMarketplace, number>> = { postmart: POSTMART_HISTORY_DAYS };
/** Orders that do not end delivered come on top of the demand: cancelled and returned ones. */
const CANCEL_SHARE = 0.08;
const RETURN_SHARE = 0.03;

/**
 * Day one of the Lunar New Year in Vietnam (UTC+7). Tết is the year's gift season: tea, rice
 * cakes and specialities sell most in the weeks before it, and hardly at all while it lasts.
 */
export const TET: Record<number, string> = {
  2023: '2023-01-22',
  2024: '2024-02-10',
  2025: '2025-01-29',
  2026: '2026-02-17',
  2027: '2027-02-06',
  2028: '2028-01-26',
  2029: '2029-02-13',
  2030: '2030-02-03',
  2031: '2031-01-23',
  2032: '2032-02-11',
  2033: '2033-01-31',
  2034: '2034-02-19',
  2035: '2035-02-08',
};

const DAY_MS = 86_400_000;
const dayNumber = (date: string) => {
  const [y, m, d] = parseDate(date);
  return Date.UTC(y, m - 1, d) / DAY_MS;
};

/** Days from the nearest Tết to `date` (negative before it). */
export function daysFromTet(date: string): number {
  const year = parseDate(date)[0];
  const candidates = [year - 1, year, year + 1].map((y) => {
    const tet = TET[y];
    if (!tet) throw new Error(`no Tết date known for ${y}; add it to TET`);
    return dayNumber(date) - dayNumber(tet);
  });
  return candidates.reduce((best, t) => (Math.abs(t) < Math.abs(best) ? t : best));
}

/**
 * How much a day sells against an ordinary one. Before Tết demand climbs to a peak about ten days
 * out (tea, the classic Tết gift, the most); the holiday itself is nearly dead (couriers stop);
 * the weeks after are a little slow.
 */
export function seasonWeight(date: string, category: string): number {
  const t = daysFromTet(date);
  const amplitude = category === 'tea' ? 1.4 : 0.9;
  if (t >= -35 && t < 0) return 1 + amplitude * Math.exp(-(((t + 10) / 8) ** 2));
  if (t >= 0 && t <= 5) return 0.35;
  if (t > 5 && t <= 20) return 0.85;
  return 1;
}

/** The market grows: buyers on the marketplaces add about 12% a year. */
export function growthWeight(date: string): number {
  return 1 + (0.12 * (dayNumber(date) - dayNumber(DEMAND_EPOCH))) / 365;
}

/** A span of days during which a product held a valid OCOP certificate (`to` excluded). */
export interface RatedPeriod {
  from: string;
  to: string | null;
}

/**
 * The product's demand factor on a day: `uplift` (e.g. 1.35) while it holds a valid OCOP
 * certificate, 1 otherwise. This is the rating effect the demo builds in.
 */
export function ratingFactor(date: string, periods: readonly RatedPeriod[], uplift: number): number {
  return periods.some((p) => p.from <= date && (p.to === null || date < p.to)) ? uplift : 1;
}

export interface HistoryProduct {
  cooperativeId: string;
  /** The producer's name: seeds its days' orders the same on every database. */
  producer: string;
  /** A stable key (the first SKU code): seeds the product's randomness the same on every database. */
  key: string;
  category: string;
  /** Stars of the certificate in force today, if any (rated products sell a little more). */
  stars: number | null;
  skus: { code: string; priceVnd: number }[];
  rated: RatedPeriod[];
}

export interface OrderStep {
  status: 'confirmed' | 'shipped' | 'delivered' | 'cancelled' | 'returned';
  /** ISO instant, whole seconds, after placedAt and not after the plan's `now`. */
  at: string;
  reason?: string;
}

export interface PlannedOrder {
  cooperativeId: string;
  marketplace: HistoryMarketplace;
  /** ISO instant in whole seconds: sub-second times are cut by some marketplaces (Sendo's unix s). */
  placedAt: string;
  lines: { sku: string; quantity: number }[];
  /** Revenue the order counts for once delivered (lines × the SKU's price). */
  totalVnd: number;
  ending: 'delivered' | 'cancelled' | 'returned';
  /** The moves the sandbox makes after placing it, in order; only those due by `now`. */
  steps: OrderStep[];
}

/** A stable 32-bit hash (FNV-1a) of text, to seed a product's or a day's random stream. */
export function hashSeed(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The product's own, stable traits: how popular it is and how much its rating lifts it. */
export function productTraits(product: HistoryProduct): { popularity: number; uplift: number } {
  const random = new SeededRandom(hashSeed(`traits:${product.key}`));
  const base = 0.7 + 0.6 * random.next();
  const tea = product.category === 'tea' ? TEA_POPULARITY : 1;
  const stars = product.stars === null ? 1 : 1 + 0.15 * (product.stars - 3);
  // the rating effect the province reports: +20–50%
  const uplift = 1.2 + 0.3 * random.next();
  return { popularity: base * tea * stars, uplift };
}

interface Line {
  product: HistoryProduct;
  sku: string;
  quantity: number;
  priceVnd: number;
}

interface Sale {
  day: string;
  line: Line;
  ending: PlannedOrder['ending'];
}

const SMALLEST_PACK_SHARE = 0.85;
const QUANTITIES = [
  [1, 0.75],
  [2, 0.2],
  [3, 0.05],
] as const;

/** Pack choice and count of the next sale of a product: mostly one pack of the smallest size. */
function nextSale(product: HistoryProduct, random: SeededRandom): Omit<Line, 'product'> {
  const skuIndex =
    product.skus.length === 1 || random.next() < SMALLEST_PACK_SHARE
      ? 0
      : random.int(1, product.skus.length - 1);
  const sku = product.skus[skuIndex];
  const draw = random.next();
  let quantity = 1;
  for (let i = 0, sum = 0; i < QUANTITIES.length; i += 1) {
    sum += QUANTITIES[i][1];
    if (draw < sum) {
      quantity = QUANTITIES[i][0];
      break;
    }
  }
  return { sku: sku.code, quantity, priceVnd: sku.priceVnd };
}

/** What a sale of the product is worth on average (VND). */
export function meanSaleVnd(product: HistoryProduct): number {
  const meanQuantity = QUANTITIES.reduce((sum, [q, p]) => sum + q * p, 0);
  const prices = product.skus.map((sku) => sku.priceVnd);
  const others = prices.slice(1);
  const meanPrice =
    others.length === 0
      ? prices[0]
      : SMALLEST_PACK_SHARE * prices[0] +
        ((1 - SMALLEST_PACK_SHARE) * others.reduce((a, b) => a + b, 0)) / others.length;
  return meanPrice * meanQuantity;
}

const VIETNAM_OFFSET_S = 7 * 3600;
/** Seconds since the epoch of a Vietnam wall-clock second on a day. */
const instantOf = (date: string, secondOfDay: number) =>
  dayNumber(date) * 86_400 + secondOfDay - VIETNAM_OFFSET_S;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

export interface PlanInput {
  products: readonly HistoryProduct[];
  /** The last day of history (Vietnam), normally today. */
  today: string;
  /** The current instant: nothing is placed or moved after it. */
  now: Date;
}

/**
 * The whole plan, oldest order first. Each product accumulates its expected revenue day by day
 * and sells whenever the accumulated amount covers its next sale, so any window's revenue is its
 * expectation to within one sale: with a few sales per product per quarter, independent random
 * draws would drown the seasonality and the rating effect in noise. Orders that end cancelled or
 * returned are drawn on top and do not count against demand. The lines of a producer's day are
 * grouped into orders of one to three lines on one marketplace.
 */
export function planHistory(input: PlanInput): PlannedOrder[] {
  const start = addDays(input.today, -(HISTORY_DAYS - 1));
  const epoch = start < DEMAND_EPOCH ? start : DEMAND_EPOCH;
  const lastDay = dayNumber(input.today);
  const nowS = Math.floor(input.now.getTime() / 1000);
  // sales by 3-day period (counted from the epoch, so a period holds the same sales whichever day
  // the demo runs) and producer: a buyer's order gathers sales of one period
  const byPeriod = new Map<number, Map<string, Sale[]>>();
  // whole periods only: a period cut by the window's start would group its sales differently on
  // each day the demo runs, and an earlier run's orders there would not be recognised
  const periodStart = (day: string) =>
    addDays(epoch, Math.floor((dayNumber(day) - dayNumber(epoch)) / ORDER_PERIOD_DAYS) * ORDER_PERIOD_DAYS);
  const add = (day: string, line: Line, ending: PlannedOrder['ending']) => {
    const period = Math.floor((dayNumber(day) - dayNumber(epoch)) / ORDER_PERIOD_DAYS);
    let producers = byPeriod.get(period);
    if (!producers) byPeriod.set(period, (producers = new Map()));
    const list = producers.get(line.product.producer) ?? [];
    list.push({ day, line, ending });
    producers.set(line.product.producer, list);
  };
  // the calendar once: each day's string and weights (the loop below runs products × days)
  const days: { day: string; tea: number; other: number; growth: number }[] = [];
  for (let day = epoch; dayNumber(day) <= lastDay; day = addDays(day, 1)) {
    days.push({
      day,
      tea: seasonWeight(day, 'tea'),
      other: seasonWeight(day, 'other'),
      growth: growthWeight(day),
    });
  }
  // a rating decided early in the window gets its full quarter before it, otherwise officers would
  // read the start of the history as the rating's effect; and every product sells from then too,
  // since the uplift report compares a rated product with unrated ones over the same days: a
  // control whose quarter before was cut short would read the start of the history as growth
  const from = periodStart(
    input.products.reduce(
      (earliest, product) =>
        product.rated.reduce((first, rated) => {
          const before = addDays(rated.from, -UPLIFT_WINDOW_DAYS);
          return rated.from > start && before < first ? before : first;
        }, earliest),
      start,
    ),
  );
  for (const product of [...input.products].sort((a, b) => (a.key < b.key ? -1 : 1))) {
    if (product.skus.length === 0) continue;
    const { popularity, uplift } = productTraits(product);
    const random = new SeededRandom(hashSeed(`sales:${product.key}`));
    // revenue, not sales, is accumulated: a window's revenue is then its expectation to within
    // one sale, whatever packs and counts the sales happened to be
    const dailyVnd = DAILY_SALES * popularity * meanSaleVnd(product);
    let accumulated = random.next() * dailyVnd * 30;
    let next = nextSale(product, random);
    for (const { day, tea, other, growth } of days) {
      accumulated +=
        dailyVnd *
        (product.category === 'tea' ? tea : other) *
        growth *
        ratingFactor(day, product.rated, uplift);
      while (accumulated >= next.priceVnd * next.quantity) {
        accumulated -= next.priceVnd * next.quantity;
        // drawn whether or not the day is in the window, so that the stream, and with it every
        // later sale, is the same whichever day the demo runs
        const draw = random.next();
        const extra = nextSale(product, random);
        if (day >= from) {
          add(day, { product, ...next }, 'delivered');
          if (draw < CANCEL_SHARE) add(day, { product, ...extra }, 'cancelled');
          else if (draw < CANCEL_SHARE + RETURN_SHARE) add(day, { product, ...extra }, 'returned');
        }
        next = nextSale(product, random);
      }
    }
  }

  const orders: PlannedOrder[] = [];
  const taken = new Set<string>();
  for (const period of [...byPeriod.keys()].sort((x, y) => x - y)) {
    const producers = byPeriod.get(period) as Map<string, Sale[]>;
    for (const producer of [...producers.keys()].sort()) {
      const sales = (producers.get(producer) as Sale[]).sort((x, y) =>
        x.day === y.day ? 0 : x.day < y.day ? -1 : 1,
      );
      const { cooperativeId } = sales[0].line.product;
      for (let i = 0; i < sales.length;) {
        // one stream per order, keyed by its first sale: a sale added at the end of the period (a
        // later run) cannot shift the marketplace or time of the orders before it
        const random = new SeededRandom(hashSeed(`orders:${producer}:${period}:${i}`));
        // a buyer who takes several products of one producer: lines ending the same way only
        let size = 1;
        while (
          i + size < sales.length &&
          size < 3 &&
          sales[i + size].ending === sales[i].ending &&
          random.next() < MORE_LINES
        )
          size += 1;
        const group = sales.slice(i, i + size);
        i += size;
        const day = group[0].day;
        const channelDraw = random.next();
        // buyers order between 07:00 and 23:00 Vietnam time; one order per second and producer,
        // so that an order is recognised by producer and instant whichever shop took it
        let placedS = instantOf(day, 7 * 3600 + random.int(0, 16 * 3600 - 1));
        while (taken.has(`${cooperativeId}|${placedS}`)) placedS += 1;
        const marketplace = pickChannel(channelDraw, (nowS - placedS) / 86_400);
        const steps = stepsFor(group[0].ending, placedS, random, nowS);
        if (placedS > nowS - 60) continue; // later today: not yet happened
        taken.add(`${cooperativeId}|${placedS}`);
        orders.push({
          cooperativeId,
          marketplace,
          placedAt: iso(placedS),
          lines: group.map(({ line }) => ({ sku: line.sku, quantity: line.quantity })),
          totalVnd: group.reduce((sum, { line }) => sum + line.priceVnd * line.quantity, 0),
          ending: group[0].ending,
          steps,
        });
      }
    }
  }
  return orders.sort((a, b) => (a.placedAt < b.placedAt ? -1 : a.placedAt > b.placedAt ? 1 : 0));
}

/**
 * The marketplace a draw in [0, 1) picks for an order `ageDays` old; the share of a marketplace
 * whose API does not reach that far back is spread over the others.
 */
export function pickChannel(draw: number, ageDays = 0): HistoryMarketplace {
  const channels = HISTORY_MARKETPLACES.filter((m) => ageDays <= (HISTORY_REACH_DAYS[m] ?? Infinity));
  const total = channels.reduce((sum, m) => sum + CHANNEL_MIX[m], 0);
  let sum = 0;
  for (const marketplace of channels) {
    sum += CHANNEL_MIX[marketplace] / total;
    if (draw < sum) return marketplace;
  }
  return channels[channels.length - 1];
}

const HOUR_S = 3600;
const CANCEL_REASONS = ['Khách đổi ý', 'Khách đặt nhầm sản phẩm', 'Không liên lạc được với khách'];

/**
 * How an order moves after it is placed. Only the final state reached by `now` is sent (and, for
 * a return, the delivery before it): each move is a webhook the connector must import, and the
 * stock effects happen on those transitions (reserve on placing, fulfil on delivery, release on a
 * cancel, restock on a return). An order whose delivery is still ahead stays where it is now.
 */
function stepsFor(
  ending: PlannedOrder['ending'],
  placedS: number,
  random: SeededRandom,
  nowS: number,
): OrderStep[] {
  const confirmed = placedS + random.int(HOUR_S / 3, 6 * HOUR_S);
  const shipped = confirmed + random.int(12 * HOUR_S, 36 * HOUR_S);
  const delivered = shipped + random.int(24 * HOUR_S, 96 * HOUR_S);
  const due = (steps: OrderStep[]) => steps.filter((step) => Date.parse(step.at) / 1000 <= nowS);
  if (ending === 'cancelled') {
    const at = placedS + random.int(HOUR_S / 2, 20 * HOUR_S);
    return due([{ status: 'cancelled', at: iso(at), reason: random.pick(CANCEL_REASONS) }]);
  }
  const returned = delivered + random.int(2 * 24 * HOUR_S, 7 * 24 * HOUR_S);
  const path: OrderStep[] =
    ending === 'returned'
      ? [
          { status: 'delivered', at: iso(delivered) },
          { status: 'returned', at: iso(returned) },
        ]
      : [{ status: 'delivered', at: iso(delivered) }];
  const reached = due(path);
  if (reached.length > 0) return reached;
  // still on its way: the furthest state it has reached
  const partial = due([
    { status: 'confirmed', at: iso(confirmed) },
    { status: 'shipped', at: iso(shipped) },
  ]);
  return partial.slice(-1);
}

/**
 * The producer-and-instant key by which a planned order is recognised among the connector's
 * orders. Not the shop: an order a run placed on Postmart while recent is planned on Sendo or Voso
 * once older than POSTMART_HISTORY_DAYS, and must still be recognised as placed.
 */
export const orderKey = (cooperativeId: string, placedAt: string | Date) =>
  `${cooperativeId}|${new Date(placedAt).getTime()}`;

/**
 * The planned orders the connector does not hold yet. An earlier run placed the same orders at the
 * same whole-second instants on the same shops, so those are recognised by shop and instant and
 * skipped: running the demo again adds only what has happened since (and what a run that was
 * stopped half-way did not place), never a second copy of the history.
 */
export function remainingOrders(plan: readonly PlannedOrder[], held: ReadonlySet<string>): PlannedOrder[] {
  return plan.filter((order) => !held.has(orderKey(order.cooperativeId, order.placedAt)));
}

/** Units each SKU of each shop must hold for the orders to be placed: `${shop}|${sku}` → units. */
export function unitsNeeded(
  orders: readonly PlannedOrder[],
  shopOf: (order: PlannedOrder) => string,
): Map<string, number> {
  const need = new Map<string, number>();
  for (const order of orders) {
    for (const line of order.lines) {
      const key = `${shopOf(order)}|${line.sku}`;
      need.set(key, (need.get(key) ?? 0) + line.quantity);
    }
  }
  return need;
}
