/** Percentiles of a sample (nearest rank), rounded to whole units; NaN for an empty sample. */
export function percentiles(samples: number[]): { p50: number; p95: number; max: number; n: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  if (sorted.length === 0) return { p50: NaN, p95: NaN, max: NaN, n: 0 };
  const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]);
  return { p50: at(0.5), p95: at(0.95), max: at(1), n: sorted.length };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
