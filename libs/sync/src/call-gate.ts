import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import type { CallGate, Marketplace, ShopAccess } from '@ocop/marketplaces';
import { REDIS } from './queue.module';

/**
 * Calls a second per shop: Voso's documented 20; Sendo and Postmart publish none, so the
 * sandbox's defaults are kept under with room to spare.
 */
export const CALLS_PER_SECOND: Record<Marketplace, number> = { sendo: 20, voso: 20, postmart: 40 };

/**
 * A per-connection rate limit held in Redis, so it holds across every worker process: a counter
 * per shop and second; a caller over the limit waits for the next second.
 */
@Injectable()
export class RedisCallGate implements CallGate {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async beforeCall(shop: ShopAccess): Promise<void> {
    const limit = CALLS_PER_SECOND[shop.marketplace];
    for (;;) {
      const now = Date.now();
      const second = Math.floor(now / 1000);
      const key = `ocop:rate:{${shop.connectionId}}:${second}`;
      const [[, count]] = (await this.redis.multi().incr(key).pexpire(key, 2000).exec()) as [[null, number]];
      if (count <= limit) return;
      await new Promise((resolve) => setTimeout(resolve, 1000 - (now % 1000) + Math.random() * 20));
    }
  }
}
