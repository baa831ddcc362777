import { addDays } from '@ocop/common';
import {
  daysFromTet,
  type HistoryProduct,
  orderKey,
  pickChannel,
  POSTMART_HISTORY_DAYS,
  planHistory,
  productTraits,
  ratingFactor,
  remainingOrders,
  seasonWeight,
  unitsNeeded,
} from './order-history';

const today = '2026-11-28';
const now = new Date('2026-11-28T05:00:00Z'); // 12:00 in Vietnam

function product(key: string, overrides: Partial<HistoryProduct> = {}): HistoryProduct {
  return {
    cooperativeId: `coop-${key.slice(0, 2)}`,
    producer: `HTX ${key.slice(0, 2)}`,
    key,
    category: 'tea',
    stars: null,
    skus: [
      { code: `${key}-100`, priceVnd: 120_000 },
      { code: `${key}-500`, priceVnd: 480_000 },
    ],
    rated: [],
    ...overrides,
  };
}

/** Delivered revenue of a product's SKUs in [from, to) (Vietnam days), as the metrics count it. */
function revenue(
  orders: ReturnType<typeof planHistory>,
  p: HistoryProduct,
  from: string,
  to: string,
): number {
  const prices = new Map(p.skus.map((sku) => [sku.code, sku.priceVnd]));
  let total = 0;
  for (const order of orders) {
    if (order.ending !== 'delivered') continue;
    const day = new Date(Date.parse(order.placedAt) + 7 * 3_600_000).toISOString().slice(0, 10);
    if (day < from || day >= to) continue;
    for (const line of order.lines) total += (prices.get(line.sku) ?? 0) * line.quantity;
  }
  return total;
}

describe('demo order history: seasons', () => {
  it('knows the real Tết dates and counts days from the nearest one', () => {
    expect(daysFromTet('2025-01-29')).toBe(0);
    expect(daysFromTet('2026-02-17')).toBe(0);
    expect(daysFromTet('2026-02-07')).toBe(-10);
    expect(daysFromTet('2025-12-31')).toBe(-48);
    expect(() => daysFromTet('2040-06-01')).toThrow(/no Tết date/);
  });

  it('peaks before Tết (tea the most), nearly stops during it, and is flat in summer', () => {
    const peakTea = seasonWeight('2025-01-19', 'tea');
    const peakOther = seasonWeight('2025-01-19', 'noodles');
    expect(peakTea).toBeGreaterThan(2.2);
    expect(peakOther).toBeGreaterThan(1.5);
    expect(peakTea).toBeGreaterThan(peakOther);
    expect(seasonWeight('2025-01-30', 'tea')).toBeLessThan(0.5);
    expect(seasonWeight('2025-07-15', 'tea')).toBe(1);
  });

  it('places more orders in the three weeks before Tết than in three ordinary weeks', () => {
    const products = Array.from({ length: 20 }, (_, i) => product(`T${i % 5}-${i}`));
    const orders = planHistory({ products, today, now });
    const count = (from: string, to: string) =>
      orders.filter((o) => o.placedAt >= `${from}T00:00:00Z` && o.placedAt < `${to}T00:00:00Z`).length;
    expect(count('2026-01-24', '2026-02-14')).toBeGreaterThan(1.5 * count('2026-06-06', '2026-06-27'));
  });
});

describe('demo order history: the OCOP rating effect', () => {
  it('applies the product’s factor only while a certificate is valid', () => {
    const periods = [{ from: '2025-06-01', to: '2028-06-01' }];
    expect(ratingFactor('2025-05-31', periods, 1.3)).toBe(1);
    expect(ratingFactor('2025-06-01', periods, 1.3)).toBe(1.3);
    expect(ratingFactor('2028-06-01', periods, 1.3)).toBe(1);
    expect(ratingFactor('2026-01-01', [{ from: '2025-06-01', to: null }], 1.3)).toBe(1.3);
  });

  it('gives each product a fixed lift between 20% and 50%', () => {
    for (const key of ['A', 'B', 'C', 'D', 'E', 'F']) {
      const { uplift } = productTraits(product(key));
      expect(uplift).toBeGreaterThanOrEqual(1.2);
      expect(uplift).toBeLessThanOrEqual(1.5);
      expect(productTraits(product(key)).uplift).toBe(uplift);
    }
  });

  it('lifts revenue after the decision by about the products’ factors, and not without one', () => {
    const decided = '2025-08-01'; // a quarter each side without Tết
    const keys = Array.from({ length: 30 }, (_, i) => `R${String.fromCharCode(65 + (i % 10))}-${i}`);
    const rated = keys.map((key) => product(key, { stars: 3, rated: [{ from: decided, to: '2028-08-01' }] }));
    const unrated = keys.map((key) => product(key));
    const ratio = (products: HistoryProduct[]) => {
      const orders = planHistory({ products, today, now });
      const sum = (from: string, to: string) =>
        products.reduce((total, p) => total + revenue(orders, p, from, to), 0);
      return sum(decided, addDays(decided, 90)) / sum(addDays(decided, -90), decided);
    };
    const meanUplift = rated.reduce((sum, p) => sum + productTraits(p).uplift, 0) / rated.length;
    // the market grows ~3% a quarter; the rest is within a sale per product of the factor
    expect(ratio(rated)).toBeGreaterThan(meanUplift * 0.93);
    expect(ratio(rated)).toBeLessThan(meanUplift * 1.12);
    expect(ratio(unrated)).toBeGreaterThan(0.93);
    expect(ratio(unrated)).toBeLessThan(1.12);
  });

  it('starts a product early enough that a rating early in the window has its quarter before', () => {
    const decided = addDays(today, -700); // 29 days after the two years begin
    const p = product('EA-1', { rated: [{ from: decided, to: null }] });
    const orders = planHistory({ products: [p], today, now });
    expect(orders[0].placedAt.slice(0, 10) < addDays(decided, -80)).toBe(true);
  });
});

describe('demo order history: orders', () => {
  const products = ['AA-1', 'AA-2', 'BB-1', 'CC-1', 'CC-2', 'CC-3'].map((key) =>
    product(key, { category: key.startsWith('CC') ? 'honey' : 'tea' }),
  );
  const orders = planHistory({ products, today, now });

  it('places whole-second, past orders at the SKU prices, with moves in order and not ahead of now', () => {
    expect(orders.length).toBeGreaterThan(100);
    for (const order of orders) {
      expect(order.placedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(Date.parse(order.placedAt)).toBeLessThanOrEqual(now.getTime());
      let last = Date.parse(order.placedAt);
      for (const step of order.steps) {
        expect(step.at).toMatch(/:\d{2}Z$/);
        expect(Date.parse(step.at)).toBeGreaterThan(last);
        expect(Date.parse(step.at)).toBeLessThanOrEqual(now.getTime());
        last = Date.parse(step.at);
      }
      for (const line of order.lines) expect(line.quantity).toBeGreaterThanOrEqual(1);
    }
    const old = orders.filter((o) => o.placedAt < '2026-10-01');
    expect(old.every((o) => o.steps.at(-1)?.status === o.ending)).toBe(true);
  });

  it('ends a realistic share cancelled or returned', () => {
    const share = (ending: string) => orders.filter((o) => o.ending === ending).length / orders.length;
    expect(share('cancelled')).toBeGreaterThan(0.04);
    expect(share('cancelled')).toBeLessThan(0.15);
    expect(share('returned')).toBeGreaterThan(0.01);
    expect(share('returned')).toBeLessThan(0.08);
  });

  it('covers two years ending today and keeps one order per producer and second', () => {
    expect(orders[0].placedAt < '2024-12-15').toBe(true);
    expect(orders[0].placedAt >= '2024-11-20').toBe(true);
    expect((orders.at(-1)?.placedAt ?? '').slice(0, 10) >= '2026-11-20').toBe(true);
    const keys = orders.map((o) => orderKey(o.cooperativeId, o.placedAt));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('places Postmart orders only within the days Postmart’s order search reaches', () => {
    // a catalogue of 40 products: enough recent orders for Postmart's 10 % to show
    const catalogue = Array.from({ length: 40 }, (_, i) => product(`PM-${i}`, {}));
    const orders = planHistory({ products: catalogue, today, now });
    const reach = now.getTime() - POSTMART_HISTORY_DAYS * 86_400_000;
    const recent = orders.filter((o) => Date.parse(o.placedAt) >= reach);
    const older = orders.filter((o) => Date.parse(o.placedAt) < reach);
    expect(older.some((o) => o.marketplace === 'postmart')).toBe(false);
    expect(recent.some((o) => o.marketplace === 'postmart')).toBe(true);
    const share = (m: string) => older.filter((o) => o.marketplace === m).length / older.length;
    // Postmart's 10 % goes to the others in their own proportions: Shopee 30/90, TikTok Shop 25/90
    expect(share('shopee')).toBeGreaterThan(0.3);
    expect(share('shopee')).toBeLessThan(0.37);
    expect(share('tiktok')).toBeGreaterThan(0.245);
    expect(share('tiktok')).toBeLessThan(0.31);
    expect(share('sendo')).toBeGreaterThan(0.08);
    expect(share('sendo')).toBeLessThan(0.145);
  });

  it('puts most orders on Shopee and TikTok Shop, as Vietnamese buyers shop', () => {
    const share = (m: string) => orders.filter((o) => o.marketplace === m).length / orders.length;
    expect(share('shopee') + share('tiktok')).toBeGreaterThan(0.55);
    for (const marketplace of ['sendo', 'voso', 'shopee', 'tiktok', 'lazada']) {
      expect(share(marketplace)).toBeGreaterThan(0);
    }
  });

  it('picks a marketplace by the channel mix, spreading Postmart’s share where it is left out', () => {
    // in order sendo .1, voso .15, postmart .1, shopee .3, tiktok .25, lazada .1
    expect([0.05, 0.2, 0.3, 0.5, 0.8, 0.95].map((draw) => pickChannel(draw))).toEqual([
      'sendo',
      'voso',
      'postmart',
      'shopee',
      'tiktok',
      'lazada',
    ]);
    // 30 days old: beyond Postmart's 14, so sendo 1/9, voso 1.5/9, shopee 3/9, tiktok 2.5/9, lazada 1/9
    expect([0.05, 0.2, 0.3, 0.5, 0.8, 0.95].map((draw) => pickChannel(draw, 30))).toEqual([
      'sendo',
      'voso',
      'shopee',
      'shopee',
      'tiktok',
      'lazada',
    ]);
    expect(pickChannel(0.27, 30)).toBe('voso');
    expect(pickChannel(0.28, 30)).toBe('shopee');
    expect(pickChannel(0.3, 14)).toBe('postmart');
  });

  it('adds up the units each shop must hold', () => {
    const need = unitsNeeded(orders, (o) => o.marketplace);
    const total = [...need.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(orders.flatMap((o) => o.lines).reduce((sum, line) => sum + line.quantity, 0));
  });
});

describe('demo order history: running the demo again', () => {
  const products = ['AA', 'BB', 'CC', 'DD'].flatMap((p) => [1, 2, 3].map((n) => product(`${p}-${n}`)));
  const plan = planHistory({ products, today, now });
  const heldKeys = (orders: typeof plan) =>
    new Set(orders.map((o) => orderKey(o.cooperativeId, new Date(o.placedAt))));

  it('plans the same orders every time', () => {
    expect(planHistory({ products, today, now })).toEqual(plan);
  });

  it('skips everything an earlier run placed, and only that', () => {
    expect(remainingOrders(plan, heldKeys(plan))).toEqual([]);
    const half = plan.slice(0, Math.floor(plan.length / 2));
    expect(remainingOrders(plan, heldKeys(half))).toEqual(plan.slice(half.length));
  });

  it('two weeks later adds only the days since, not a second history', () => {
    const nextDay = planHistory({
      products,
      today: '2026-12-12',
      now: new Date('2026-12-12T05:00:00Z'),
    });
    const added = remainingOrders(nextDay, heldKeys(plan));
    expect(added.length).toBeGreaterThan(0);
    expect(added.length).toBeLessThan(plan.length * 0.05);
    expect(added.every((o) => o.placedAt >= '2026-11-21')).toBe(true);
  });
});
