import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { CallGate, Marketplace, ShopAccess } from '@ocop/marketplaces';
import { REDIS } from '@ocop/jobs';

/**
 * Calls a second per shop to start from: Voso's documented 20; Sendo and Postmart publish none,
 * so the sandbox's defaults are kept under with room to spare. A shop that throttles us teaches
 * the gate its real limit (see `throttled`).
 */
export const CALLS_PER_SECOND: Record<Marketplace, number> = { sendo: 20, voso: 20, postmart: 40 };

/** Each throttle answer cuts the shop's limit to this share of what it was… */
export const THROTTLE_CUT = 0.8;
/** …at most once a second (a burst of throttled answers is one lesson, not twenty)… */
const CUT_SPACING_MS = 1000;
/** …and the lesson is forgotten after this long without a new throttle, in case the shop's limit rose. */
const LEARNED_LIMIT_TTL_S = 600;

/** The limit after a throttle answer: never below one call a second. */
export function limitAfterThrottle(current: number): number {
  return Math.max(1, Math.floor(current * THROTTLE_CUT));
}

/**
 * A per-connection rate limit held in Redis, so it holds across every worker process: a counter
 * per shop and second; a caller over the limit waits for the next second.
 */
@Injectable()
export class RedisCallGate implements CallGate {
  /** Calls per shop and second counted by this process alone, while Redis cannot be reached. */
  private readonly local = new Map<string, number>();

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async beforeCall(shop: ShopAccess): Promise<void> {
    for (;;) {
      const now = Date.now();
      const second = Math.floor(now / 1000);
      if (await this.admitted(shop, second)) return;
      await new Promise((resolve) => setTimeout(resolve, 1000 - (now % 1000) + Math.random() * 20));
    }
  }

  /**
   * Counts the call in Redis, so the limit holds across every process. While Redis is away (the
   * API's client fails fast then), each process counts alone: a shop's limit may be exceeded by as
   * many processes as there are, for as long as the outage lasts, and its throttle answers then
   * slow the calls down; refusing the call instead would fail a seller's connect for a hint store.
   */
  private async admitted(shop: ShopAccess, second: number): Promise<boolean> {
    try {
      const key = `ocop:rate:{${shop.connectionId}}:${second}`;
      const [[, count], , [, learned]] = (await this.redis
        .multi()
        .incr(key)
        .pexpire(key, 2000)
        .get(this.learnedKey(shop))
        .exec()) as [[null, number], unknown, [null, string | null]];
      return count <= this.limit(shop, learned);
    } catch {
      const key = `${shop.connectionId}:${second}`;
      const count = (this.local.get(key) ?? 0) + 1;
      if (this.local.size > 10_000) this.local.clear();
      this.local.set(key, count);
      return count <= this.limit(shop, null);
    }
  }

  /**
   * MARKETPLACES.md gives Sendo and Postmart no published limit, and a shop's real limit may be
   * lower than our default (the benchmark's Postmart shop takes 20 a second): each throttle answer
   * cuts this shop's limit, so retries stop eating the calls.
   */
  async throttled(shop: ShopAccess): Promise<void> {
    // a lesson that cannot be kept while Redis is away is not kept: the default limit holds
    await this.learnThrottle(shop).catch(() => undefined);
  }

  private async learnThrottle(shop: ShopAccess): Promise<void> {
    const cut = await this.redis.set(`ocop:rate-cut:{${shop.connectionId}}`, '1', 'PX', CUT_SPACING_MS, 'NX');
    if (cut !== 'OK') return;
    const learned = await this.redis.get(this.learnedKey(shop));
    const next = limitAfterThrottle(this.limit(shop, learned));
    await this.redis.set(this.learnedKey(shop), String(next), 'EX', LEARNED_LIMIT_TTL_S);
  }

  private limit(shop: ShopAccess, learned: string | null): number {
    const fallback = CALLS_PER_SECOND[shop.marketplace];
    const value = learned === null ? NaN : Number(learned);
    return Number.isInteger(value) && value > 0 ? Math.min(value, fallback) : fallback;
  }

  private learnedKey(shop: ShopAccess): string {
    return `ocop:rate-limit:{${shop.connectionId}}`;
  }
}
