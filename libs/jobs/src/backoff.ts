/**
 * Exponential backoff with full jitter (a random wait up to the exponential ceiling), so retries
 * of many failing jobs do not arrive together; a marketplace's own Retry-After wins when longer.
 */
export function backoffDelay(attemptsMade: number, retryAfterMs = 0, random = Math.random): number {
  const ceiling = Math.min(60_000, 500 * 2 ** Math.max(0, attemptsMade - 1));
  return Math.max(retryAfterMs, Math.round(random() * ceiling));
}
