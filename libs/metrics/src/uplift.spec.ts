import { addDays, SeededRandom } from '@ocop/common';
import { dayNumber } from './calendar';
import { percentile } from './percentiles';
import { SalesPanel } from './sales-panel';
import {
  adjustedUplift,
  bootstrapMedianInterval,
  controlGroup,
  type ControlCandidate,
  districtKey,
  revenueBetween,
  type SalesMatrix,
} from './uplift';

const D = '2026-03-01';
const W = 30;
const treated = {
  productId: 'p',
  category: 'tea',
  districtKey: districtKey('Đại Từ'),
  decidedDay: dayNumber(D),
};

/** The days the candidates' sales are held for: well beyond both windows. */
const FIRST = dayNumber(D) - 3 * W;
const DAYS = 6 * W;
const daily: ((day: number) => number)[] = [];

/**
 * A candidate selling `before` a day until D and `after` (or `before` again) a day from it, from
 * `district`, certified over the spans given; its sales go in the next column of `matrix()`.
 */
function candidate(
  productId: string,
  district: string | null,
  sales: { before: number; after?: number },
  certified: { from: string; to: string }[] = [],
  category = 'tea',
): ControlCandidate {
  const d = dayNumber(D);
  daily.push((day) => (day < d ? sales.before : (sales.after ?? sales.before)));
  return {
    productId,
    category,
    districtKey: districtKey(district),
    certified: certified.map((span) => ({ from: dayNumber(span.from), to: dayNumber(span.to) })),
    column: daily.length - 1,
  };
}

/** The running totals of every candidate made so far, day-major. */
function matrix(): SalesMatrix {
  const columns = daily.length;
  const totals = new Float64Array((DAYS + 1) * columns);
  for (let d = 1; d <= DAYS; d += 1)
    for (let c = 0; c < columns; c += 1)
      totals[d * columns + c] = totals[(d - 1) * columns + c] + daily[c](FIRST + d - 1);
  return { firstDay: FIRST, days: DAYS, columns, totals };
}

beforeEach(() => {
  daily.length = 0;
});

describe('controlGroup', () => {
  it('takes the district when at least 5 qualify, pooling their revenue', () => {
    const local = ['a', 'b', 'c', 'd', 'e'].map((id) => candidate(id, 'dai tu', { before: 1, after: 2 }));
    const group = controlGroup(
      treated,
      W,
      [...local, candidate('far', 'Võ Nhai', { before: 100 }), candidate('p', 'Đại Từ', { before: 50 })],
      matrix(),
    );
    expect(group).toEqual({
      n: 5,
      scope: 'district',
      beforeRevenueVnd: 5 * W,
      afterRevenueVnd: 10 * W,
      changePct: 100,
      reason: null,
    });
  });

  it('falls back to the whole category under 5 in the district, and leaves other categories out', () => {
    const group = controlGroup(
      treated,
      W,
      [
        candidate('a', 'Đại Từ', { before: 1 }),
        candidate('b', 'Võ Nhai', { before: 3 }),
        candidate('honey', 'Đại Từ', { before: 1000 }, [], 'honey'),
      ],
      matrix(),
    );
    expect(group).toMatchObject({ n: 2, scope: 'category', beforeRevenueVnd: 4 * W, afterRevenueVnd: 4 * W });
  });

  it('leaves out a product certified on any day of either window, or that sold nothing before', () => {
    const candidates = [
      // certified on the last day of the after-window: out
      candidate('late', 'Đại Từ', { before: 1 }, [{ from: addDays(D, W - 1), to: '2029-01-01' }]),
      // certificate ended the day before the before-window: in
      candidate('lapsed', 'Đại Từ', { before: 1 }, [{ from: '2022-01-01', to: addDays(D, -W - 1) }]),
      // revoked (its span cut) on the first day of the before-window: out
      candidate('revoked', 'Đại Từ', { before: 1 }, [{ from: '2025-01-01', to: addDays(D, -W) }]),
      // launched at the decision: out
      candidate('new', 'Đại Từ', { before: 0, after: 5 }),
    ];
    const group = controlGroup(treated, W, candidates, matrix());
    expect(group).toMatchObject({ n: 1, scope: 'category', beforeRevenueVnd: W });
  });

  it('has no controls, with a reason, when none qualifies', () => {
    const group = controlGroup(treated, W, [candidate('p', 'Đại Từ', { before: 1 })], matrix());
    expect(group).toEqual({
      n: 0,
      scope: null,
      beforeRevenueVnd: 0,
      afterRevenueVnd: 0,
      changePct: null,
      reason: expect.stringContaining('no other product of this category'),
    });
  });
});

describe('adjustedUplift: difference-in-differences of ratios', () => {
  const controls = (before: number, after: number) => ({
    n: 3,
    scope: 'category' as const,
    beforeRevenueVnd: before,
    afterRevenueVnd: after,
    changePct: null,
    reason: null,
  });

  it('divides out a season that multiplies everyone’s sales', () => {
    // Tết ×2.4 on both, +30 % on the product: raw +212 %, adjusted +30 %
    expect(adjustedUplift(100, 100 * 2.4 * 1.3, controls(1000, 2400))).toEqual({
      adjustedUpliftPct: 30,
      reason: null,
    });
    // subtracting percentages would have said 212 − 140 = 72
  });

  it('rounds to two decimals and can be negative', () => {
    expect(adjustedUplift(300, 200, controls(100, 110)).adjustedUpliftPct).toBe(-39.39);
  });

  it('is null with a reason when the product or the controls leave no ratio', () => {
    expect(adjustedUplift(0, 500, controls(100, 100))).toEqual({
      adjustedUpliftPct: null,
      reason: 'the product sold nothing in the window before its decision',
    });
    expect(adjustedUplift(100, 500, controls(100, 0)).reason).toMatch(/controls sold nothing/);
    const none = { ...controls(0, 0), n: 0, scope: null, reason: 'none' };
    expect(adjustedUplift(100, 500, none)).toEqual({ adjustedUpliftPct: null, reason: 'none' });
  });
});

describe('bootstrapMedianInterval', () => {
  it('is null under two values and the same for the same values in any order', () => {
    expect(bootstrapMedianInterval([])).toBeNull();
    expect(bootstrapMedianInterval([12])).toBeNull();
    const values = [31, 12, 45, 28, 30, 33, 29, 50, 8, 27];
    const first = bootstrapMedianInterval(values);
    expect(first).not.toBeNull();
    expect(bootstrapMedianInterval([...values].reverse())).toEqual(first);
    expect(first!.low).toBeLessThanOrEqual(percentile(values, 50)!);
    expect(first!.high).toBeGreaterThanOrEqual(percentile(values, 50)!);
  });

  it('takes the median of an even sample as the mean of its middle two', () => {
    // every resample of two equal values has that median
    expect(bootstrapMedianInterval([5, 5])).toEqual({ low: 5, high: 5 });
    // of [0, 10]: resamples are (0,0), (0,10), (10,0), (10,10): medians 0, 5 or 10
    const interval = bootstrapMedianInterval([0, 10])!;
    expect([interval.low, interval.high]).toEqual([0, 10]);
  });

  it('covers the true median about 95 % of the time on a known distribution', () => {
    // samples of 41 from an exponential distribution (skewed, median ln 2 ≈ 0.693)
    const random = new SeededRandom(99);
    const trueMedian = Math.LN2;
    const trials = 100;
    let covered = 0;
    for (let t = 0; t < trials; t += 1) {
      const sample = Array.from({ length: 41 }, () => -Math.log(1 - random.next()));
      const interval = bootstrapMedianInterval(sample, 1000, 1000 + t)!;
      // rounded to two decimals, as the report's percent figures are: compare at that grain
      if (interval.low <= trueMedian + 0.005 && trueMedian - 0.005 <= interval.high) covered += 1;
    }
    // binomial(100, 0.95): 89 to 99 holds with probability > 99 %; 100 would say it is too wide
    expect(covered).toBeGreaterThanOrEqual(89);
    expect(covered).toBeLessThanOrEqual(99);
  });
});

describe('SalesPanel', () => {
  const from = '2026-01-01';
  const until = '2026-01-11';
  // offsets 0..9; day 2 sold on two marketplaces; a day outside the span is ignored
  const panel = SalesPanel.fromCells(
    from,
    until,
    [
      { productKey: 'a', cells: '0:100,2:50,2:25,9:1,10:999' },
      { productKey: 'b', cells: '5:7' },
    ],
    new Date('2026-01-11T00:00:00Z'),
  );

  it('sums any window of days it holds from its running totals', () => {
    const sum = (id: string, a: string, b: string) =>
      revenueBetween(panel.sales, panel.columnOf(id), dayNumber(a), dayNumber(b));
    expect(sum('a', from, until)).toBe(176);
    expect(sum('a', '2026-01-02', '2026-01-04')).toBe(75);
    expect(sum('a', '2026-01-04', '2026-01-10')).toBe(0);
    expect(sum('b', '2026-01-06', '2026-01-07')).toBe(7);
    expect(sum('unknown', from, until)).toBe(0);
    // days outside the span count nothing
    expect(sum('a', '2025-12-01', '2026-01-02')).toBe(100);
    expect(sum('a', '2026-01-10', '2026-02-01')).toBe(1);
  });

  it('says which spans it covers', () => {
    expect(panel.covers(from, until)).toBe(true);
    expect(panel.covers('2026-01-03', '2026-01-05')).toBe(true);
    expect(panel.covers('2025-12-31', '2026-01-05')).toBe(false);
    expect(panel.covers(from, '2026-01-12')).toBe(false);
  });
});
