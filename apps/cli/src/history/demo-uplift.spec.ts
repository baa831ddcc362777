import { addDays, addMonths, SeededRandom } from '@ocop/common';
import {
  adjustedUplift,
  bootstrapMedianInterval,
  controlGroup,
  type ControlCandidate,
  dayNumber,
  districtKey,
  growthPct,
  percentile,
  revenueBetween,
  type SalesMatrix,
} from '@ocop/metrics';
import { loadReferenceData } from '../../../../config/reference-data';
import { decisionsFor } from '../seed/ocop-history';
import { thaiNguyenCatalogue } from '../seed/thai-nguyen-catalogue';
import {
  type HistoryProduct,
  planHistory,
  productTraits,
  type RatedPeriod,
  UPLIFT_WINDOW_DAYS,
} from './order-history';

/**
 * What the demo's uplift report will say, worked out from its plan without running it (a run
 * takes ten minutes): the seed's catalogue and rating history as `npm run seed` lays them, the
 * orders planHistory makes of them, and the report's own rules (@ocop/metrics) over the revenue
 * those orders count. The demo exists to show that the raw before/after figure credits the rating
 * with Tết and the market's growth, and that the adjusted one finds the 20–50 % it plants.
 */

const TODAY = '2026-11-30';
const NOW = new Date('2026-11-30T05:00:00Z');

interface DemoProduct {
  history: HistoryProduct;
  district: string;
  /** certificates as the seed records them: decision, last valid day, revoked (then cut at TODAY) */
  certificates: { decidedAt: string; stars: number; lastDay: string }[];
}

/** The seed's loop (apps/cli/src/seed/seed.ts), its random stream drawn in the same order. */
function demoCatalogue(): DemoProduct[] {
  const reference = loadReferenceData().ocop;
  const random = new SeededRandom(2020);
  const products: DemoProduct[] = [];
  for (const producer of thaiNguyenCatalogue()) {
    for (const item of producer.products) {
      const certificates = decisionsFor(item.rating, TODAY, reference, random)
        .filter((d) => d.mandatoryCriteriaMet && d.partA + d.partB + d.partC >= 50)
        .map((d) => {
          const total = d.partA + d.partB + d.partC;
          const lastDay = addDays(addMonths(d.decidedAt, reference.validityMonths), -1);
          return {
            decidedAt: d.decidedAt,
            stars: total >= 90 ? 5 : total >= 70 ? 4 : 3,
            // a revocation recorded today ends the certificate yesterday
            lastDay: d.revokeReason ? addDays(TODAY, -1) : lastDay,
          };
        });
      const skus = [...item.skus].sort((a, b) => a.priceVnd - b.priceVnd || (a.code < b.code ? -1 : 1));
      const current = certificates.find((c) => c.decidedAt <= TODAY && c.lastDay >= TODAY);
      const rated: RatedPeriod[] = certificates.map((c) => ({
        from: c.decidedAt,
        to: addMonths(c.decidedAt, reference.validityMonths),
      }));
      products.push({
        district: producer.district,
        certificates,
        history: {
          cooperativeId: producer.name,
          producer: producer.name,
          key: skus[0].code,
          category: item.category,
          stars: current && item.rating.kind === 'certified' ? current.stars : null,
          skus: skus.map((sku) => ({ code: sku.code, priceVnd: sku.priceVnd })),
          rated,
        },
      });
    }
  }
  return products;
}

describe('the demo’s OCOP uplift, worked out from its plan', () => {
  const products = demoCatalogue();
  const orders = planHistory({ products: products.map((p) => p.history), today: TODAY, now: NOW });
  // revenue per product key and Vietnam day, as the roll-ups count it (cancelled and returned out)
  const bySku = new Map<string, { key: string; price: number }>();
  for (const p of products)
    for (const sku of p.history.skus) bySku.set(sku.code, { key: p.history.key, price: sku.priceVnd });
  const daily = new Map<string, Map<number, number>>();
  for (const order of orders) {
    if (order.ending !== 'delivered') continue;
    const day = dayNumber(new Date(Date.parse(order.placedAt) + 7 * 3_600_000).toISOString().slice(0, 10));
    for (const line of order.lines) {
      const sku = bySku.get(line.sku)!;
      const days = daily.get(sku.key) ?? new Map<number, number>();
      days.set(day, (days.get(day) ?? 0) + sku.price * line.quantity);
      daily.set(sku.key, days);
    }
  }
  const first = Math.min(...[...daily.values()].flatMap((days) => [...days.keys()]));
  const until = dayNumber(TODAY) + 1;
  const keys = products.map((p) => p.history.key);
  const days = until - first;
  const sales: SalesMatrix = {
    firstDay: first,
    days,
    columns: keys.length,
    totals: new Float64Array((days + 1) * keys.length),
  };
  for (let d = 1; d <= days; d += 1)
    keys.forEach((key, c) => {
      sales.totals[d * keys.length + c] =
        sales.totals[(d - 1) * keys.length + c] + (daily.get(key)?.get(first + d - 1) ?? 0);
    });
  const candidates: ControlCandidate[] = products.map((p) => ({
    productId: p.history.key,
    category: p.history.category,
    districtKey: districtKey(p.district),
    certified: p.certificates.map((c) => ({ from: dayNumber(c.decidedAt), to: dayNumber(c.lastDay) })),
    column: keys.indexOf(p.history.key),
  }));
  // every certificate whose after-window has ended, as the report lists them
  const items = products.flatMap((p) =>
    p.certificates
      .filter((c) => addDays(c.decidedAt, UPLIFT_WINDOW_DAYS) <= TODAY)
      .map((c) => {
        const decided = dayNumber(c.decidedAt);
        const own = keys.indexOf(p.history.key);
        const before = revenueBetween(sales, own, decided - UPLIFT_WINDOW_DAYS, decided);
        const after = revenueBetween(sales, own, decided, decided + UPLIFT_WINDOW_DAYS);
        const controls = controlGroup(
          {
            productId: p.history.key,
            category: p.history.category,
            districtKey: districtKey(p.district),
            decidedDay: decided,
          },
          UPLIFT_WINDOW_DAYS,
          candidates.filter((q) => q.category === p.history.category),
          sales,
        );
        return {
          stars: c.stars,
          category: p.history.category,
          // the effect between the windows: none when a certificate already covered the days before
          expected: p.certificates.some(
            (o) =>
              o !== c && o.decidedAt < c.decidedAt && o.lastDay >= addDays(c.decidedAt, -UPLIFT_WINDOW_DAYS),
          )
            ? 0
            : (productTraits(p.history).uplift - 1) * 100,
          raw: growthPct(before, after),
          controls,
          adjusted: adjustedUplift(before, after, controls).adjustedUpliftPct,
        };
      }),
  );
  const median = (values: (number | null)[]) =>
    percentile(
      values.filter((v): v is number => v !== null),
      50,
    ) as number;

  const measured = items.filter((i) => i.raw !== null);
  const ofStars = (stars: number) => measured.filter((i) => i.stars === stars && i.adjusted !== null);

  it('finds controls for nearly every certificate with a raw figure, tea’s mostly in its own district', () => {
    const adjusted = measured.filter((i) => i.adjusted !== null);
    expect(measured.length).toBeGreaterThan(100);
    expect(adjusted.length / measured.length).toBeGreaterThan(0.95);
    const tea = adjusted.filter((i) => i.category === 'tea');
    expect(tea.filter((i) => i.controls.scope === 'district').length / tea.length).toBeGreaterThan(0.6);
    // the other categories have no district with 5 uncertified products: the whole province's
    expect(adjusted.filter((i) => i.category !== 'tea').every((i) => i.controls.scope === 'category')).toBe(
      true,
    );
  });

  it.each([3, 4])(
    '%i★: the interval of the adjusted median holds the planted effect, and the adjusted figures are nearer it',
    (stars) => {
      const items = ofStars(stars);
      const interval = bootstrapMedianInterval(items.map((i) => i.adjusted as number))!;
      const planted = median(items.map((i) => i.expected));
      expect(planted).toBeGreaterThan(20);
      expect(planted).toBeLessThan(50);
      expect(interval.low).toBeLessThanOrEqual(planted);
      expect(interval.high).toBeGreaterThanOrEqual(planted);
      // certificate by certificate, the adjusted figure is nearer the effect planted in it
      const distance = (figure: (i: (typeof items)[number]) => number) =>
        median(items.map((i) => Math.abs(figure(i) - i.expected)));
      expect(distance((i) => i.adjusted as number)).toBeLessThan(distance((i) => i.raw as number));
    },
  );

  it('gives raw and adjusted medians that differ', () => {
    const gap = (stars: number) =>
      Math.abs(median(ofStars(stars).map((i) => i.raw)) - median(ofStars(stars).map((i) => i.adjusted)));
    expect(Math.max(gap(3), gap(4))).toBeGreaterThan(5);
  });
});
