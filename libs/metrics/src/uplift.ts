import { foldVietnamese, SeededRandom } from '@ocop/common';
import { growthPct, round2 } from './calendar';
import { percentile } from './percentiles';

/**
 * The uplift method of docs/ocop.md ("How uplift is measured") as plain functions: the control
 * group of a certificate, the difference-in-differences on the ratio scale and the bootstrap
 * interval of a median. SalesMetrics feeds them the figures; nothing here reads a table.
 */

/** A district holds enough controls of its own from this many; below it, the whole category. */
export const DISTRICT_CONTROLS_MIN = 5;
/** Resamples of the bootstrap interval, and its fixed seed: the same answer on every call. */
export const BOOTSTRAP_RESAMPLES = 2000;
export const BOOTSTRAP_SEED = 20_261_130;

/**
 * Every product's daily revenue as running totals, day-major: `totals[d × columns + c]` is the
 * revenue of the product in column `c` over the days `firstDay` … `firstDay + d − 1` (day numbers,
 * calendar.ts `dayNumber`), for d from 0 to `days`. Any window's revenue is two reads, and a
 * certificate's three window edges are three rows read across its category's products, which
 * stay in the processor's cache (the sales panel, sales-panel.ts, holds one).
 */
export interface SalesMatrix {
  firstDay: number;
  days: number;
  columns: number;
  totals: Float64Array;
}

/** The row of the running totals that opens `day` (clamped to the days held). */
const rowOf = (sales: SalesMatrix, day: number) =>
  Math.min(sales.days, Math.max(0, day - sales.firstDay)) * sales.columns;

/** A column's revenue over the days [from, until); days outside the matrix count nothing. */
export function revenueBetween(
  sales: SalesMatrix,
  column: number | null,
  from: number,
  until: number,
): number {
  if (column === null || until <= from) return 0;
  return sales.totals[rowOf(sales, until) + column] - sales.totals[rowOf(sales, from) + column];
}

/**
 * A product that may serve as a control. Days are day numbers: the report compares every
 * certificate with every product of its category (about a million pairs at the benchmark's
 * size), and date strings would cost more than the sums.
 */
export interface ControlCandidate {
  productId: string;
  category: string;
  /** its producer's district, folded (districtKey) */
  districtKey: string | null;
  /** the days it held a valid certificate, both ends included */
  certified: readonly { from: number; to: number }[];
  /** its column of the sales matrix; null when it sold nothing in the days the matrix holds */
  column: number | null;
}

/** A district as controls are matched on it: case and diacritics do not count. */
export const districtKey = (district: string | null): string | null =>
  district === null ? null : foldVietnamese(district);

/** The certificate whose change is measured. */
export interface TreatedProduct {
  productId: string;
  category: string;
  districtKey: string | null;
  /** its decision's day number */
  decidedDay: number;
}

/**
 * The control group a certificate's change is measured against (docs/ocop.md, "How uplift is
 * measured"), as the uplift report gives it.
 */
export interface ControlGroup {
  /** how many products the control group holds (0 when there is none) */
  n: number;
  /** where they were found: the product's district, the whole category, or nowhere */
  scope: 'district' | 'category' | null;
  /** the controls' revenue, pooled, in the same two windows */
  beforeRevenueVnd: number;
  afterRevenueVnd: number;
  /** the controls' change between the windows, two decimals; null when they sold nothing before */
  changePct: number | null;
  /** why there is no adjusted figure; null when there is one */
  reason: string | null;
}

/**
 * The controls of a certificate decided on D with windows [D−W, D) and [D, D+W): products of its
 * category, other than itself, that held no valid certificate on any day of [D−W, D+W) and sold
 * something in the first window (a product launched half-way would read as growth). Those of its
 * district when at least DISTRICT_CONTROLS_MIN qualify, else those of the whole category; their
 * revenue is pooled. Candidates of other categories are left out.
 */
export function controlGroup(
  treated: TreatedProduct,
  windowDays: number,
  sameCategory: readonly ControlCandidate[],
  sales: SalesMatrix,
): ControlGroup {
  const pool = new ControlPool(sameCategory.filter((c) => c.category === treated.category));
  return pool.group(treated, windowDays, sales);
}

/**
 * The candidates of one category (the caller's choice: a pool does not look at categories) laid
 * out in flat arrays, built once and asked for every certificate of that category: the comparison of each certificate with each candidate is the
 * report's cost (about a million pairs at the benchmark's size), and reading plain numbers is
 * several times faster than reading objects.
 */
export class ControlPool {
  private readonly size: number;
  private readonly columns: Int32Array;
  private readonly districts: Int32Array;
  private readonly districtIds = new Map<string, number>();
  /** spans of candidate i: spanFrom/spanTo[spanStart[i] … spanStart[i + 1] − 1] */
  private readonly spanStart: Int32Array;
  private readonly spanFrom: Int32Array;
  private readonly spanTo: Int32Array;
  private readonly indexOf = new Map<string, number>();

  constructor(candidates: readonly ControlCandidate[]) {
    const n = candidates.length;
    this.size = n;
    this.columns = new Int32Array(n);
    this.districts = new Int32Array(n);
    this.spanStart = new Int32Array(n + 1);
    const spans = candidates.reduce((sum, c) => sum + c.certified.length, 0);
    this.spanFrom = new Int32Array(spans);
    this.spanTo = new Int32Array(spans);
    let next = 0;
    candidates.forEach((candidate, i) => {
      this.indexOf.set(candidate.productId, i);
      this.columns[i] = candidate.column ?? -1;
      this.districts[i] = this.districtId(candidate.districtKey);
      this.spanStart[i] = next;
      for (const span of candidate.certified) {
        this.spanFrom[next] = span.from;
        this.spanTo[next] = span.to;
        next += 1;
      }
    });
    this.spanStart[n] = next;
  }

  /** controlGroup for a product of this pool's category. */
  group(treated: TreatedProduct, windowDays: number, sales: SalesMatrix): ControlGroup {
    const decided = treated.decidedDay;
    const start = decided - windowDays;
    const last = decided + windowDays - 1;
    const { totals } = sales;
    const opening = rowOf(sales, start);
    const middle = rowOf(sales, decided);
    const closing = rowOf(sales, last + 1);
    const district = treated.districtKey === null ? -2 : (this.districtIds.get(treated.districtKey) ?? -2);
    const self = this.indexOf.get(treated.productId) ?? -1;
    const { columns, districts, spanStart, spanFrom, spanTo } = this;
    let n = 0;
    let before = 0;
    let after = 0;
    let localN = 0;
    let localBefore = 0;
    let localAfter = 0;
    candidates: for (let i = 0; i < this.size; i += 1) {
      const column = columns[i];
      if (column < 0 || i === self) continue;
      for (let k = spanStart[i]; k < spanStart[i + 1]; k += 1)
        if (spanFrom[k] <= last && spanTo[k] >= start) continue candidates;
      // revenueBetween, inlined
      const atDecision = totals[middle + column];
      const sold = atDecision - totals[opening + column];
      if (sold <= 0) continue;
      const then = totals[closing + column] - atDecision;
      n += 1;
      before += sold;
      after += then;
      if (districts[i] === district) {
        localN += 1;
        localBefore += sold;
        localAfter += then;
      }
    }
    if (n === 0) {
      return {
        n: 0,
        scope: null,
        beforeRevenueVnd: 0,
        afterRevenueVnd: 0,
        changePct: null,
        reason: NO_ADJUSTMENT.noControls.en,
      };
    }
    const local = localN >= DISTRICT_CONTROLS_MIN;
    const [chosenBefore, chosenAfter] = local ? [localBefore, localAfter] : [before, after];
    return {
      n: local ? localN : n,
      scope: local ? 'district' : 'category',
      beforeRevenueVnd: chosenBefore,
      afterRevenueVnd: chosenAfter,
      changePct: growthPct(chosenBefore, chosenAfter),
      reason: null,
    };
  }

  /** A small number per district (−1: none), so that districts compare as numbers. */
  private districtId(key: string | null): number {
    if (key === null) return -1;
    let id = this.districtIds.get(key);
    if (id === undefined) this.districtIds.set(key, (id = this.districtIds.size));
    return id;
  }
}

/**
 * Why a certificate has no adjusted figure: the API says it in English like its other messages
 * (`controls.reason`); the Vietnamese spreadsheet says it in Vietnamese.
 */
export const NO_ADJUSTMENT = {
  noControls: {
    en: 'no other product of this category was uncertified through both windows and sold before',
    vi: 'không có sản phẩm nào khác cùng nhóm hàng chưa được chứng nhận trong cả hai kỳ và có bán ở kỳ trước',
  },
  nothingBefore: {
    en: 'the product sold nothing in the window before its decision',
    vi: 'sản phẩm không bán được gì trong kỳ trước ngày quyết định',
  },
  controlsNothingAfter: {
    en: 'the controls sold nothing in the window after the decision',
    vi: 'nhóm đối chứng không bán được gì trong kỳ sau ngày quyết định',
  },
} as const;

/** The reason in Vietnamese; a reason this file did not write stays as it is. */
export function reasonInVietnamese(reason: string): string {
  return Object.values(NO_ADJUSTMENT).find((r) => r.en === reason)?.vi ?? reason;
}

/**
 * Difference-in-differences on the logarithmic scale: the product's ratio after/before divided by
 * the controls' ratio, less one, in percent with two decimals. Season and market growth multiply
 * sales (Tết doubles tea's), so subtracting percentages would leave effect × season in the figure;
 * dividing ratios (subtracting their logarithms) takes them out. Null, with the reason, when either
 * side has no ratio.
 */
export function adjustedUplift(
  before: number,
  after: number,
  controls: ControlGroup,
): { adjustedUpliftPct: number | null; reason: string | null } {
  // the product's own want of a figure first: without sales before, there is no raw one either
  if (before <= 0) {
    return { adjustedUpliftPct: null, reason: NO_ADJUSTMENT.nothingBefore.en };
  }
  if (controls.reason !== null) return { adjustedUpliftPct: null, reason: controls.reason };
  if (controls.afterRevenueVnd <= 0) {
    return { adjustedUpliftPct: null, reason: NO_ADJUSTMENT.controlsNothingAfter.en };
  }
  const ratio = after / before / (controls.afterRevenueVnd / controls.beforeRevenueVnd);
  return { adjustedUpliftPct: round2((ratio - 1) * 100), reason: null };
}

/**
 * Percentile bootstrap interval of the median (the median by percentiles.ts's rule): `resamples`
 * samples of the values drawn with replacement from a generator seeded with `seed`, and the
 * 2.5th and 97.5th percentiles of their medians, two decimals. The values are sorted first, so
 * the answer depends on the figures, not on their order. Null under two values.
 */
export function bootstrapMedianInterval(
  values: readonly number[],
  resamples = BOOTSTRAP_RESAMPLES,
  seed = BOOTSTRAP_SEED,
): { low: number; high: number } | null {
  const n = values.length;
  if (n < 2) return null;
  const sorted = Float64Array.from(values).sort();
  const random = new SeededRandom(seed);
  const counts = new Uint32Array(n);
  // the median's ranks in a sample of n (one when n is odd)
  const lowRank = Math.floor((n - 1) / 2);
  const highRank = Math.ceil((n - 1) / 2);
  const medians = new Array<number>(resamples);
  for (let b = 0; b < resamples; b += 1) {
    counts.fill(0);
    // the sample's values in order are the sorted values at its drawn indexes in order: counting
    // the draws per index finds its median in O(n), without sorting each sample
    for (let i = 0; i < n; i += 1) counts[Math.floor(random.next() * n)] += 1;
    let seen = 0;
    let low = 0;
    let high = 0;
    for (let i = 0; i < n; i += 1) {
      const next = seen + counts[i];
      if (seen <= lowRank && lowRank < next) low = sorted[i];
      if (seen <= highRank && highRank < next) {
        high = sorted[i];
        break;
      }
      seen = next;
    }
    medians[b] = (low + high) / 2;
  }
  return {
    low: round2(percentile(medians, 2.5) as number),
    high: round2(percentile(medians, 97.5) as number),
  };
}
