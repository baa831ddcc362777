import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { addDays, BadRequest, Clock, foldVietnamese, type Scope, vietnamDate } from '@ocop/common';
import { CooperativesService, ProductsService } from '@ocop/catalogue';
import { MARKETPLACES, type Marketplace } from '@ocop/marketplaces';
import { CertificatesService } from '@ocop/ocop';
import {
  dayNumber,
  type Granularity,
  growthPct,
  periodOf,
  periodsBetween,
  previousWindow,
  round2,
  monthCover,
  type MonthCover,
  windowLength,
} from './calendar';
import { spread } from './percentiles';
import { SalesFigures, type RevenueAroundDecision, type SalesDayRow } from './sales-figures.repository';
import { SalesPanels, type SalesPanel } from './sales-panel';
import {
  adjustedUplift,
  bootstrapMedianInterval,
  type ControlGroup,
  ControlPool,
  districtKey,
  type ControlCandidate,
  type SalesMatrix,
} from './uplift';

/** Longest window a series or growth report covers: ten years of days. */
export const MAX_WINDOW_DAYS = 3660;
/** The province report's revenue figures cover the year that ends on `asOf`. */
export const PROVINCE_REVENUE_DAYS = 365;
const STARS = ['3', '4', '5'] as const;
/** Per stars and filter: a few reports' worth. */
const INTERVALS_KEPT = 24;
const NO_SALES: SalesMatrix = { firstDay: 0, days: 0, columns: 0, totals: new Float64Array(1) };
const TEA = 'tea';

export interface Totals {
  revenueVnd: number;
  units: number;
  orders: number;
}

type ByMarketplace = Record<Marketplace, number>;
const noMarketplaceRevenue = (): ByMarketplace =>
  Object.fromEntries(MARKETPLACES.map((m) => [m, 0])) as ByMarketplace;

export interface SalesSeries {
  cooperativeId: string;
  from: string;
  to: string;
  granularity: Granularity;
  series: (Totals & { period: string; byMarketplace: ByMarketplace })[];
  totals: Totals;
}

export interface SalesGrowth {
  cooperativeId: string;
  current: Totals & { from: string; to: string };
  previous: Totals & { from: string; to: string };
  growthPct: number | null;
}

export interface UpliftItem {
  productId: string;
  productName: string;
  cooperativeId: string;
  producerName: string;
  district: string | null;
  category: string;
  certificateId: string;
  stars: number;
  decidedAt: string;
  beforeRevenueVnd: number;
  afterRevenueVnd: number;
  upliftPct: number | null;
  /** the change net of the controls' change (difference-in-differences); null with controls.reason */
  adjustedUpliftPct: number | null;
  controls: ControlGroup;
}

/** A bootstrap 95 % interval, in percent. */
export interface Interval {
  low: number;
  high: number;
}

export type UpliftSpread = ReturnType<typeof spread> & {
  /** certificates with an adjusted figure */
  adjustedN: number;
  adjustedMedian: number | null;
  /** of the median adjusted uplift: 2,000 resamples, fixed seed; null under 2 adjusted figures */
  ci95: Interval | null;
};

export interface OcopUplift {
  windowDays: number;
  /**
   * When the sales the control groups were summed from were read (at most
   * UPLIFT_CONTROLS_TTL_SECONDS before the answer); null when no certificate was measured.
   */
  controlsAsOf: string | null;
  items: UpliftItem[];
  summary: { byStars: Record<(typeof STARS)[number], UpliftSpread> };
}

export interface ProvinceReport {
  asOf: string;
  revenueWindow: { from: string; to: string };
  products: {
    certified: number;
    byStars: Record<string, number>;
    byCategory: Record<string, number>;
    teaSharePct: number | null;
  };
  cooperatives: { total: number; withCertifiedProducts: number };
  byDistrict: { district: string | null; cooperatives: number; certified: number; revenueVnd: number }[];
  channelMix: ByMarketplace;
}

export interface ProducersByGrowth {
  current: { from: string; to: string };
  previous: { from: string; to: string };
  items: {
    cooperativeId: string;
    name: string;
    district: string | null;
    currentRevenueVnd: number;
    previousRevenueVnd: number;
    growthPct: number | null;
  }[];
}

/**
 * The sales reports of API.md ("Sales metrics"). Every figure comes from the daily roll-ups and
 * the indexes of the catalogue and OCOP contexts; nothing here reads order lines.
 */
@Injectable()
export class SalesMetrics {
  constructor(
    private readonly figures: SalesFigures,
    private readonly clock: Clock,
    private readonly cooperatives: CooperativesService,
    private readonly products: ProductsService,
    private readonly certificates: CertificatesService,
    private readonly panels: SalesPanels,
  ) {}

  /** The control groups last worked out, for the inputs hashed into `version`. */
  private controlsMemo: { version: string; groups: Map<string, ControlGroup> } | null = null;
  /** Bootstrap intervals of the last reports, by their figures (the same figures, the same interval). */
  private readonly intervals = new Map<string, Interval | null>();

  /** bootstrapMedianInterval, remembered for the last few sets of figures. */
  private intervalOf(values: number[]): Interval | null {
    const key = [...values].sort((a, b) => a - b).join(',');
    if (this.intervals.has(key)) return this.intervals.get(key) as Interval | null;
    const interval = bootstrapMedianInterval(values);
    if (this.intervals.size >= INTERVALS_KEPT)
      this.intervals.delete(this.intervals.keys().next().value as string);
    this.intervals.set(key, interval);
    return interval;
  }

  today(): string {
    return vietnamDate(this.clock.now());
  }

  async sales(
    scope: Scope,
    cooperativeId: string,
    query: { from?: string; to?: string; granularity?: Granularity },
  ): Promise<SalesSeries> {
    await this.cooperatives.find(scope, cooperativeId);
    const granularity = query.granularity ?? 'day';
    const { from, to } = this.window(query, 365);
    const rows = await this.salesDays(from, to, { cooperativeId, wholeMonths: granularity === 'month' });
    return { cooperativeId, from, to, granularity, ...seriesOf(rows, from, to, granularity) };
  }

  /** Extension: the province's sales per period and marketplace (the dashboard's channel chart). */
  async provinceSales(query: {
    from?: string;
    to?: string;
    granularity?: Granularity;
  }): Promise<Omit<SalesSeries, 'cooperativeId'>> {
    const granularity = query.granularity ?? 'month';
    const { from, to } = this.window(query, 365);
    const rows = await this.salesDays(from, to, { wholeMonths: granularity === 'month' });
    return { from, to, granularity, ...seriesOf(rows, from, to, granularity) };
  }

  /**
   * Extension: every producer's growth over the window against the one before, fastest-growing
   * first; producers with nothing to compare against (growthPct null) come last, by revenue.
   */
  async producersByGrowth(query: { from?: string; to?: string; limit?: number }): Promise<ProducersByGrowth> {
    const current = this.window(query, 90);
    const previous = previousWindow(current.from, current.to);
    const [directory, rows] = await Promise.all([
      this.cooperatives.directory(),
      this.figures.producerRevenue(previous.from, current.from, current.to),
    ]);
    const items = rows
      .filter((row) => directory.has(row.cooperative_id))
      .map((row) => {
        const currentRevenueVnd = Number(row.current ?? 0);
        const previousRevenueVnd = Number(row.previous ?? 0);
        const producer = directory.get(row.cooperative_id)!;
        return {
          cooperativeId: row.cooperative_id,
          name: producer.name,
          district: producer.district,
          currentRevenueVnd,
          previousRevenueVnd,
          growthPct: growthPct(previousRevenueVnd, currentRevenueVnd),
        };
      })
      .sort(
        (a, b) =>
          (b.growthPct ?? -Infinity) - (a.growthPct ?? -Infinity) ||
          b.currentRevenueVnd - a.currentRevenueVnd ||
          a.cooperativeId.localeCompare(b.cooperativeId),
      );
    return { current, previous, items: items.slice(0, query.limit ?? 20) };
  }

  async growth(
    scope: Scope,
    cooperativeId: string,
    query: { from?: string; to?: string },
  ): Promise<SalesGrowth> {
    await this.cooperatives.find(scope, cooperativeId);
    const current = this.window(query, 30);
    const previous = previousWindow(current.from, current.to);
    const rows = await this.salesDays(previous.from, current.to, { cooperativeId });
    const sum = (window: { from: string; to: string }) => {
      const totals: Totals = { revenueVnd: 0, units: 0, orders: 0 };
      for (const row of rows.filter((r) => r.day >= window.from && r.day <= window.to)) {
        totals.revenueVnd += Number(row.revenue_vnd);
        totals.units += Number(row.units);
        totals.orders += Number(row.orders);
      }
      return { ...window, ...totals };
    };
    const now = sum(current);
    const before = sum(previous);
    return {
      cooperativeId,
      current: now,
      previous: before,
      growthPct: growthPct(before.revenueVnd, now.revenueVnd),
    };
  }

  /**
   * Revenue of each certified product in the `windowDays` before its decision date against the
   * same number of days from it (OCOP.md "How officers measure uplift"), and the same change net
   * of its control group's (docs/ocop.md "How uplift is measured"). A certificate whose
   * after-window has not ended by today is left out: its figure would still be growing. The raw
   * figures are read for each report; the controls' come from the sales panel, read at most
   * UPLIFT_CONTROLS_TTL_SECONDS before (`controlsAsOf`).
   */
  async ocopUplift(query: { windowDays?: number; stars?: number; district?: string }): Promise<OcopUplift> {
    const windowDays = query.windowDays ?? 90;
    const today = this.today();
    const [issued, products, producers, coverage] = await Promise.all([
      this.certificates.issuedCertificates({ stars: query.stars }),
      this.products.directory(),
      this.cooperatives.directory(),
      this.certificates.coveragePeriods(),
    ]);
    let certificates = issued.filter((c) => addDays(c.decidedAt, windowDays) <= today);
    if (query.district !== undefined) {
      const wanted = foldVietnamese(query.district);
      certificates = certificates.filter((c) => {
        const district = producers.get(c.cooperativeId)?.district;
        return district != null && foldVietnamese(district) === wanted;
      });
    }
    let raw: Promise<RevenueAroundDecision[]> = Promise.resolve([]);
    let panel: SalesPanel | null = null;
    if (certificates.length > 0) {
      // the raw figures: one pass over the product roll-up's primary key, 2 × windowDays days each
      const span = { from: certificates[0].decidedAt, until: certificates[0].decidedAt };
      for (const c of certificates) {
        if (c.decidedAt < span.from) span.from = c.decidedAt;
        if (c.decidedAt > span.until) span.until = c.decidedAt;
      }
      // PostgreSQL sums the raw figures while this process sums the controls' (below)
      raw = this.figures.revenueAroundDecisions(certificates, windowDays);
      raw.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
      panel = await this.panels.panel(addDays(span.from, -windowDays), addDays(span.until, windowDays));
    }
    // the candidates for control, by category: every product the catalogue knows
    const keys = new Map<string | null, string | null>();
    const keyOf = (district: string | null) => {
      let key = keys.get(district);
      if (key === undefined) keys.set(district, (key = districtKey(district)));
      return key;
    };
    const byCategory = new Map<string, ControlCandidate[]>();
    // what the control groups depend on besides the sales: categories, districts, certified spans
    const inputs = createHash('sha1').update(
      `${panel?.readAt.getTime() ?? 0}|${panel?.from}|${panel?.until}|${windowDays}`,
    );
    for (const [productId, product] of products) {
      const candidate: ControlCandidate = {
        productId,
        category: product.category,
        districtKey: keyOf(producers.get(product.cooperativeId)?.district ?? null),
        certified: (coverage.get(productId) ?? []).map((span) => ({
          from: dayNumber(span.from),
          to: dayNumber(span.to),
        })),
        column: panel ? panel.columnOf(productId) : null,
      };
      inputs.update(
        `${productId}|${candidate.category}|${candidate.districtKey}|${candidate.column}|` +
          `${candidate.certified.map((span) => `${span.from}-${span.to}`).join(',')}\n`,
      );
      const list = byCategory.get(product.category);
      if (list) list.push(candidate);
      else byCategory.set(product.category, [candidate]);
    }
    // an officer's next read (another filter, the CSV) usually finds them all unchanged: the
    // groups worked out for the same inputs are taken again instead of compared afresh
    const version = inputs.digest('base64');
    if (this.controlsMemo?.version !== version) this.controlsMemo = { version, groups: new Map() };
    const memo = this.controlsMemo.groups;
    const pools = new Map<string, ControlPool>();
    const poolOf = (category: string) => {
      let pool = pools.get(category);
      if (!pool) pools.set(category, (pool = new ControlPool(byCategory.get(category) ?? [])));
      return pool;
    };
    const sales = panel?.sales ?? NO_SALES;
    const controlled = certificates.map((c) => {
      const category = products.get(c.productId)?.category ?? 'other';
      const district = producers.get(c.cooperativeId)?.district ?? null;
      const treated = {
        productId: c.productId,
        category,
        districtKey: keyOf(district),
        decidedDay: dayNumber(c.decidedAt),
      };
      const key = `${treated.productId}|${category}|${treated.districtKey}|${treated.decidedDay}`;
      let group = memo.get(key);
      if (!group) memo.set(key, (group = poolOf(category).group(treated, windowDays, sales)));
      return group;
    });
    const revenue = new Map<string, { before: number; after: number }>();
    for (const row of await raw)
      revenue.set(row.id, { before: Number(row.before), after: Number(row.after) });
    const items: UpliftItem[] = certificates.map((c, index) => {
      const { before, after } = revenue.get(c.id) ?? { before: 0, after: 0 };
      const product = products.get(c.productId);
      const producer = producers.get(c.cooperativeId);
      const controls = controlled[index];
      const adjusted = adjustedUplift(before, after, controls);
      return {
        productId: c.productId,
        productName: product?.name ?? '',
        cooperativeId: c.cooperativeId,
        producerName: producer?.name ?? '',
        district: producer?.district ?? null,
        category: product?.category ?? 'other',
        certificateId: c.id,
        stars: c.stars,
        decidedAt: c.decidedAt,
        beforeRevenueVnd: before,
        afterRevenueVnd: after,
        upliftPct: growthPct(before, after),
        adjustedUpliftPct: adjusted.adjustedUpliftPct,
        controls: { ...controls, reason: adjusted.reason },
      };
    });
    const byStars = Object.fromEntries(
      STARS.map((stars) => {
        const ofStars = items.filter((i) => String(i.stars) === stars);
        const raw = ofStars.filter((i) => i.upliftPct !== null).map((i) => i.upliftPct as number);
        const adjusted = ofStars
          .filter((i) => i.adjustedUpliftPct !== null)
          .map((i) => i.adjustedUpliftPct as number);
        return [
          stars,
          {
            ...spread(raw),
            adjustedN: adjusted.length,
            adjustedMedian: spread(adjusted).medianPct,
            ci95: this.intervalOf(adjusted),
          },
        ];
      }),
    ) as OcopUplift['summary']['byStars'];
    return {
      windowDays,
      controlsAsOf: panel ? panel.readAt.toISOString() : null,
      items,
      summary: { byStars },
    };
  }

  /**
   * The province at a glance on `asOf`: products certified that day (by stars, by category, the
   * tea share), producers, and revenue by district and by marketplace over the year ending then.
   */
  async province(query: { asOf?: string }): Promise<ProvinceReport> {
    const asOf = query.asOf ?? this.today();
    const revenueWindow = { from: addDays(asOf, -(PROVINCE_REVENUE_DAYS - 1)), to: asOf };
    // independent reads side by side: the report waits for the slowest, not for their sum
    const [certified, districts, products, revenueRows] = await Promise.all([
      this.certificates.certifiedOn(asOf),
      this.cooperatives.directory(),
      this.products.directory(),
      // whole months from the monthly roll-up, the ragged edges from the daily one (monthCover)
      this.figures.producerMarketplaceRevenue(monthCover(revenueWindow.from, revenueWindow.to)),
    ]);

    const byStars: Record<string, number> = Object.fromEntries(STARS.map((s) => [s, 0]));
    const byCategory: Record<string, number> = {};
    for (const c of certified) {
      byStars[String(c.stars)] = (byStars[String(c.stars)] ?? 0) + 1;
      const category = products.get(c.productId)?.category ?? 'other';
      byCategory[category] = (byCategory[category] ?? 0) + 1;
    }
    const teaSharePct =
      certified.length === 0 ? null : round2(((byCategory[TEA] ?? 0) / certified.length) * 100);

    const district = new Map<string | null, ProvinceReport['byDistrict'][number]>();
    const districtOf = (cooperativeId: string) => {
      const name = districts.get(cooperativeId)?.district ?? null;
      let entry = district.get(name);
      if (!entry)
        district.set(name, (entry = { district: name, cooperatives: 0, certified: 0, revenueVnd: 0 }));
      return entry;
    };
    for (const cooperativeId of districts.keys()) districtOf(cooperativeId).cooperatives += 1;
    for (const c of certified) districtOf(c.cooperativeId).certified += 1;
    const channelMix = noMarketplaceRevenue();
    for (const row of revenueRows) {
      const revenue = Number(row.revenue_vnd);
      channelMix[row.marketplace] = (channelMix[row.marketplace] ?? 0) + revenue;
      if (districts.has(row.cooperative_id)) districtOf(row.cooperative_id).revenueVnd += revenue;
    }
    const byDistrict = [...district.values()].sort(
      (a, b) =>
        b.revenueVnd - a.revenueVnd || (a.district ?? '\uffff').localeCompare(b.district ?? '\uffff', 'vi'),
    );
    return {
      asOf,
      revenueWindow,
      products: { certified: certified.length, byStars, byCategory, teaSharePct },
      cooperatives: {
        total: districts.size,
        withCertifiedProducts: new Set(certified.map((c) => c.cooperativeId)).size,
      },
      byDistrict,
      channelMix,
    };
  }

  /** The asked window, `to` defaulting to today and `from` to `defaultDays` days ending `to`. */
  private window(query: { from?: string; to?: string }, defaultDays: number): { from: string; to: string } {
    const to = query.to ?? this.today();
    const from = query.from ?? addDays(to, -(defaultDays - 1));
    if (from > to) throw new BadRequest(`from (${from}) is after to (${to})`);
    if (windowLength(from, to) > MAX_WINDOW_DAYS)
      throw new BadRequest(`A window covers at most ${MAX_WINDOW_DAYS} days`);
    return { from, to };
  }

  /**
   * Revenue per day and marketplace, of one producer or of the whole province. For monthly
   * figures the whole months come from the monthly roll-up, a month's row standing at its first
   * day (a few dozen rows where the daily roll-up holds up to 3 × 31 a month).
   */
  private salesDays(
    from: string,
    to: string,
    options: { cooperativeId?: string; wholeMonths?: boolean } = {},
  ): Promise<SalesDayRow[]> {
    const after = addDays(to, 1);
    // by month: the cover's months and signed edge days; by day or week: every day, no months
    const cover: MonthCover = options.wholeMonths
      ? monthCover(from, to)
      : { months: { start: after, end: after }, days: [{ from, to, sign: 1 }] };
    return this.figures.salesDays(cover, options.cooperativeId);
  }
}

/** Sums daily rows into every period of the window (periods without sales show zeros). */
function seriesOf(
  rows: SalesDayRow[],
  from: string,
  to: string,
  granularity: Granularity,
): Pick<SalesSeries, 'series' | 'totals'> {
  const series = new Map(
    periodsBetween(from, to, granularity).map((period) => [
      period,
      { period, revenueVnd: 0, units: 0, orders: 0, byMarketplace: noMarketplaceRevenue() },
    ]),
  );
  const totals: Totals = { revenueVnd: 0, units: 0, orders: 0 };
  for (const row of rows) {
    const entry = series.get(periodOf(row.day, granularity));
    if (!entry) continue;
    const revenue = Number(row.revenue_vnd);
    for (const sum of [entry, totals]) {
      sum.revenueVnd += revenue;
      sum.units += Number(row.units);
      sum.orders += Number(row.orders);
    }
    entry.byMarketplace[row.marketplace] = (entry.byMarketplace[row.marketplace] ?? 0) + revenue;
  }
  return { series: [...series.values()], totals };
}
