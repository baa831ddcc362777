import { percentile, spread } from './percentiles';

describe('percentiles', () => {
  it('interpolates between closest ranks', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 25)).toBe(20);
    expect(percentile([10, 20, 30, 40], 75)).toBe(32.5);
    expect(percentile([7], 25)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });

  it('does not depend on the order of the values', () => {
    expect(percentile([40, 10, 30, 20], 50)).toBe(25);
  });

  it('summarises with n and two decimals, null percentiles for no values', () => {
    expect(spread([20, 35.5, 50])).toEqual({ n: 3, medianPct: 35.5, p25Pct: 27.75, p75Pct: 42.75 });
    expect(spread([1 / 3])).toEqual({ n: 1, medianPct: 0.33, p25Pct: 0.33, p75Pct: 0.33 });
    expect(spread([])).toEqual({ n: 0, medianPct: null, p25Pct: null, p75Pct: null });
  });
});
