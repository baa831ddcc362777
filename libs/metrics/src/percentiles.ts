import { round2 } from './calendar';

/**
 * The p-th percentile (0..100) of `values` by linear interpolation between closest ranks (the
 * method of spreadsheets and numpy's default), so a median of an even count is the mean of the
 * middle two. Undefined for no values.
 */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

/** n, median, 25th and 75th percentile, two decimals; the percentiles are null for no values. */
export function spread(values: readonly number[]) {
  const at = (p: number) => {
    const value = percentile(values, p);
    return value === undefined ? null : round2(value);
  };
  return { n: values.length, medianPct: at(50), p25Pct: at(25), p75Pct: at(75) };
}
