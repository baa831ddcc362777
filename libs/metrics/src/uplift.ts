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
 * A product's revenue over the days [from, until) (day numbers, calendar.ts `dayNumber`); the
 * sales panel answers it from memory in two array reads (sales-panel.ts).
 */
export type RevenueBetween = (from: number, until: number) => number;

/**
 * A product that may serve as a control. Days are day numbers: the report compares every
 * certificate with every product of its category, and date strings would cost more than the sums.
 */
export interface ControlCandidate {
  productId: string;
  category: string;
  /** its producer's district, folded (districtKey) */
  districtKey: string | null;
  /** the days it held a valid certificate, both ends included */
  certified: readonly { from: number; to: number }[];
  revenue: RevenueBetween;
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

export interface ControlGroup {
  n: number;
  scope: 'district' | 'category' | null;
  beforeRevenueVnd: number;
  afterRevenueVnd: number;
  changePct: number | null;
  reason: string | null;
}

/**
 * The controls of a certificate decided on D with windows [D−W, D) and [D, D+W): products of its
 * category, other than itself, that held no valid certificate on any day of [D−W, D+W) and sold
 * something in the first window (a product launched half-way would read as growth). Those of its
 * district when at least DISTRICT_CONTROLS_MIN qualify, else those of the whole category; their
 * revenue is pooled.
 */
export function controlGroup(
  treated: TreatedProduct,
  windowDays: number,
  sameCategory: readonly ControlCandidate[],
): ControlGroup {
  const decided = treated.decidedDay;
  const start = decided - windowDays;
  const last = decided + windowDays - 1;
  const district = treated.districtKey;
  let n = 0;
  let before = 0;
  let after = 0;
  let localN = 0;
  let localBefore = 0;
  let localAfter = 0;
  candidates: for (const candidate of sameCategory) {
    if (candidate.productId === treated.productId || candidate.category !== treated.category) continue;
    for (const span of candidate.certified) if (span.from <= last && span.to >= start) continue candidates;
    const sold = candidate.revenue(start, decided);
    if (sold <= 0) continue;
    const then = candidate.revenue(decided, last + 1);
    n += 1;
    before += sold;
    after += then;
    if (district !== null && candidate.districtKey === district) {
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
      reason: 'no other product of this category was uncertified through both windows and sold before',
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
  if (controls.reason !== null) return { adjustedUpliftPct: null, reason: controls.reason };
  if (before <= 0) {
    return { adjustedUpliftPct: null, reason: 'the product sold nothing in the window before its decision' };
  }
  if (controls.afterRevenueVnd <= 0) {
    return { adjustedUpliftPct: null, reason: 'the controls sold nothing in the window after the decision' };
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
