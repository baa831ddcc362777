import { addDays, EVERYTHING, SeededRandom } from '@ocop/common';
import { CooperativesService, ProductsService } from '@ocop/catalogue';
import { SalesMetrics, type OcopUplift, type UpliftItem } from '@ocop/metrics';
import { CertificatesService } from '@ocop/ocop';
import { fourStarAssessment, uniqueCode } from '../../support/factories';
import { type Services, startServices } from '../../support/services';

/**
 * The uplift method against a history whose answer is known: certified tea products whose sales
 * rise by a planted 30 % from their decision, in a year with a strong Tết (×2.4 at its peak, in
 * every after-window) and a market growing 12 % a year, beside uncertified products that share
 * the season and the growth but not the effect. The raw before/after figure credits the rating
 * with the season; the difference-in-differences must find the 30 %.
 *
 * The history is written into the product roll-up directly, a row per product and day: the
 * roll-ups' upkeep from imported orders has its own tests (test/e2e/metrics), and a year of daily
 * sales for 26 products through the order import would take minutes to say nothing more here.
 */

const PLANTED = 1.3;
const TET = '2026-02-17';
const HISTORY = { from: '2025-06-01', to: '2026-06-30' };
const WINDOW = 90;
/** Decisions every third day from 1 December 2025: every after-window holds Tết's peak. */
const decidedOn = (i: number) => addDays('2025-12-01', 3 * i);

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
/** A tea Tết: ×2.4 at its peak ten days before, nothing special a month away. */
const season = (day: string) => 1 + 1.4 * Math.exp(-(((dayNumber(day) - dayNumber(TET) + 10) / 15) ** 2));
const growth = (day: string) => 1 + (0.12 * (dayNumber(day) - dayNumber('2025-01-01'))) / 365;

interface Planted {
  productId: string;
  cooperativeId: string;
  /** the decision, for certified products */
  decidedAt?: string;
  /** the first day it sells (a product launched half-way through) */
  sellsFrom?: string;
}

describe('OCOP uplift: difference-in-differences against uncertified products', () => {
  let services: Services;
  let metrics: SalesMetrics;
  let report: OcopUplift;
  const days: string[] = [];
  for (let day = HISTORY.from; day <= HISTORY.to; day = addDays(day, 1)) days.push(day);
  /** what each product sold each day, as written */
  const sold = new Map<string, Map<string, number>>();
  const soldBetween = (productId: string, from: string, until: string) =>
    days
      .filter((d) => d >= from && d < until)
      .reduce((sum, d) => sum + (sold.get(productId)?.get(d) ?? 0), 0);
  let daiTuControls: Planted[];
  let voNhaiControls: Planted[];
  let voNhaiTea: Planted;
  let honey: Planted;
  let certify: (planted: Planted, decidedAt: string) => Promise<void>;

  beforeAll(async () => {
    services = await startServices();
    metrics = services.module.get(SalesMetrics);
    const cooperatives = services.module.get(CooperativesService);
    const products = services.module.get(ProductsService);
    const certificates = services.module.get(CertificatesService);
    const producerIn = async (district: string) =>
      (
        await cooperatives.create({
          name: `HTX ${district} ${uniqueCode('')}`,
          kind: 'cooperative',
          province: 'Thái Nguyên',
          district,
          commune: 'La Bằng',
        })
      ).id;
    const product = async (cooperativeId: string, category = 'tea'): Promise<Planted> => {
      const made = await products.create(
        EVERYTHING,
        {
          cooperativeId,
          name: `${category === 'tea' ? 'Chè búp' : 'Mật ong'} ${uniqueCode('')}`,
          category,
          skus: [
            { code: uniqueCode('UP'), name: 'Hộp 200g', priceVnd: 150_000, weightGrams: 200, onHand: 0 },
          ],
        },
        null,
      );
      return { productId: made.id, cooperativeId };
    };
    certify = async (planted: Planted, decidedAt: string) => {
      planted.decidedAt = decidedAt;
      await certificates.record(EVERYTHING, planted.productId, fourStarAssessment(decidedAt), null);
    };

    const daiTu = await producerIn('Đại Từ');
    const daiTuOther = await producerIn('Đại Từ');
    const voNhai = await producerIn('Võ Nhai');
    const phuBinh = await producerIn('Phú Bình');
    const certified: Planted[] = [];
    for (let i = 0; i < 12; i += 1) certified.push(await product(i % 2 === 0 ? daiTu : daiTuOther));
    daiTuControls = [];
    for (let i = 0; i < 6; i += 1) daiTuControls.push(await product(daiTuOther));
    // launched the day after the last decision: it sold nothing in any before-window, so it is
    // nobody's control, though it sells through every after-window
    const launched = await product(daiTuOther);
    launched.sellsFrom = addDays(decidedOn(11), 1);
    voNhaiTea = await product(voNhai);
    voNhaiControls = [await product(voNhai), await product(voNhai)];
    honey = await product(phuBinh, 'honey');
    for (const [i, planted] of certified.entries()) await certify(planted, decidedOn(i));
    await certify(voNhaiTea, decidedOn(4));
    await certify(honey, decidedOn(6));

    const everyone = [...certified, ...daiTuControls, launched, voNhaiTea, ...voNhaiControls, honey];
    const rows: { product: string; cooperative: string; day: string; revenue: number }[] = [];
    for (const planted of everyone) {
      const random = new SeededRandom(rows.length + 17);
      const popularity = 0.6 + 0.8 * random.next();
      const byDay = new Map<string, number>();
      for (const day of days) {
        if (planted.sellsFrom && day < planted.sellsFrom) continue;
        const effect = planted.decidedAt && day >= planted.decidedAt ? PLANTED : 1;
        // a day's sales vary by ±20 % around what the season, the growth and the rating make them
        const noise = 0.8 + 0.4 * random.next();
        const revenue = Math.round(400_000 * popularity * season(day) * growth(day) * effect * noise);
        byDay.set(day, revenue);
        rows.push({ product: planted.productId, cooperative: planted.cooperativeId, day, revenue });
      }
      sold.set(planted.productId, byDay);
    }
    await services.dataSource.query(
      `INSERT INTO sales_product_days (cooperative_id, product_key, marketplace, day, revenue_vnd, units, orders)
       SELECT cooperative_id, product_key, 'voso', day, revenue, 1, 1
       FROM unnest($1::uuid[], $2::uuid[], $3::date[], $4::bigint[]) AS r(cooperative_id, product_key, day, revenue)`,
      [
        rows.map((r) => r.cooperative),
        rows.map((r) => r.product),
        rows.map((r) => r.day),
        rows.map((r) => r.revenue),
      ],
    );
    report = await metrics.ocopUplift({ windowDays: WINDOW });
  }, 120_000);

  afterAll(async () => {
    await services?.close();
  });

  const itemOf = (planted: Planted, answer = report) =>
    answer.items.find((i) => i.productId === planted.productId) as UpliftItem;

  it('the raw median credits the rating with Tết and growth; the adjusted median recovers the planted 30 %', () => {
    const fourStars = report.summary.byStars['4'];
    expect(fourStars.n).toBe(14);
    // the honey product has no controls: no adjusted figure
    expect(fourStars.adjustedN).toBe(13);
    // the raw figure misses by far: ×1.3 × the season × the growth is about +90 %
    expect(Math.abs((fourStars.medianPct as number) - 30)).toBeGreaterThan(40);
    // within ±5 points, and the interval holds the planted effect
    expect(Math.abs((fourStars.adjustedMedian as number) - 30)).toBeLessThanOrEqual(5);
    expect(fourStars.ci95).not.toBeNull();
    expect(fourStars.ci95!.low).toBeLessThanOrEqual(30);
    expect(fourStars.ci95!.high).toBeGreaterThanOrEqual(30);
    expect(fourStars.ci95!.low).toBeLessThanOrEqual(fourStars.adjustedMedian as number);
    expect(fourStars.ci95!.high).toBeGreaterThanOrEqual(fourStars.adjustedMedian as number);
    expect(report.summary.byStars['3']).toMatchObject({
      n: 0,
      adjustedN: 0,
      adjustedMedian: null,
      ci95: null,
    });
    expect(Date.parse(report.controlsAsOf as string)).not.toBeNaN();
  });

  it('a product of a district with 5 controls of its own is compared with them: pooled, counted, named', () => {
    const item = report.items.find(
      (i) => i.district === 'Đại Từ' && i.decidedAt === decidedOn(5),
    ) as UpliftItem;
    const start = addDays(item.decidedAt, -WINDOW);
    const end = addDays(item.decidedAt, WINDOW);
    const before = daiTuControls.reduce((sum, c) => sum + soldBetween(c.productId, start, item.decidedAt), 0);
    const after = daiTuControls.reduce((sum, c) => sum + soldBetween(c.productId, item.decidedAt, end), 0);
    // the launched product and the other certified teas are not among them
    expect(item.controls).toEqual({
      n: 6,
      scope: 'district',
      beforeRevenueVnd: before,
      afterRevenueVnd: after,
      changePct: Math.round(((after - before) / before) * 10_000) / 100,
      reason: null,
    });
    const ratio =
      soldBetween(item.productId, item.decidedAt, end) /
      soldBetween(item.productId, start, item.decidedAt) /
      (after / before);
    expect(item.adjustedUpliftPct).toBe(Math.round((ratio - 1) * 10_000) / 100);
  });

  it('a district with fewer than 5 falls back to the category province-wide; another district’s filter keeps it', async () => {
    const item = itemOf(voNhaiTea);
    // Võ Nhai's 2 and Đại Từ's 6 uncertified teas
    expect(item.controls).toMatchObject({ n: 8, scope: 'category', reason: null });
    const filtered = await metrics.ocopUplift({ windowDays: WINDOW, district: 'vo nhai' });
    expect(filtered.items.map((i) => i.productId)).toEqual([voNhaiTea.productId]);
    expect(itemOf(voNhaiTea, filtered)).toEqual(item);
    expect(filtered.summary.byStars['4']).toMatchObject({ n: 1, adjustedN: 1, ci95: null });
    expect(voNhaiControls).toHaveLength(2);
  });

  it('a product no other of its category can be compared with has no adjusted figure, and says why', () => {
    const item = itemOf(honey);
    expect(item.upliftPct).not.toBeNull();
    expect(item.adjustedUpliftPct).toBeNull();
    expect(item.controls).toEqual({
      n: 0,
      scope: null,
      beforeRevenueVnd: 0,
      afterRevenueVnd: 0,
      changePct: null,
      reason: 'no other product of this category was uncertified through both windows and sold before',
    });
  });

  it('reads the same figures twice alike, and a control certified since is one no longer', async () => {
    expect(await metrics.ocopUplift({ windowDays: WINDOW })).toEqual(report);
    // a council's decision recorded late, inside every Đại Từ certificate's windows
    await certify(daiTuControls[0], decidedOn(5));
    const again = await metrics.ocopUplift({ windowDays: WINDOW });
    const item = again.items.find(
      (i) => i.district === 'Đại Từ' && i.decidedAt === decidedOn(5),
    ) as UpliftItem;
    expect(item.controls).toMatchObject({ n: 5, scope: 'district' });
    // the sales it was summed from are those read before: only the certificates changed
    expect(again.controlsAsOf).toBe(report.controlsAsOf);
  });
});
