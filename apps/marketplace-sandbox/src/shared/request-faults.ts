import { VirtualClock } from './clock';
import { sleep } from './http';
import { ShopState } from './model';
import { WindowRateLimiter } from './rate-limiter';

export type FaultOutcome =
  | { kind: 'ok' }
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'error'; httpStatus: 500 | 502 };

/**
 * The faults every marketplace call of a shop goes through, in this order: latency (real time),
 * the per-shop rate limit (fixed one-second windows; 0 or null without a style default = none),
 * then a random 500/502 drawn from the shop's seeded request stream. `limitKey` counts calls
 * under another key than the shop's (a style that limits per API and shop).
 */
export async function applyRequestFaults(
  shop: ShopState,
  limiter: WindowRateLimiter,
  clock: VirtualClock,
  defaultRateLimit: number | null,
  limitKey: string = shop.shopId,
): Promise<FaultOutcome> {
  const profile = shop.faults.profile;
  if (profile.latencyMs > 0) await sleep(profile.latencyMs);
  const limit = profile.rateLimitPerSecond ?? defaultRateLimit;
  if (limit !== null && limit > 0) {
    const retryAfterSeconds = limiter.take(limitKey, limit, clock.now());
    if (retryAfterSeconds !== null) return { kind: 'rate_limited', retryAfterSeconds };
  }
  const random = shop.faults.requestRandom;
  if (random.chance(profile.errorRate)) return { kind: 'error', httpStatus: random.next() < 0.5 ? 500 : 502 };
  return { kind: 'ok' };
}
