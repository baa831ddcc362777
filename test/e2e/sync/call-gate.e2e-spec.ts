import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import type { ShopAccess } from '@ocop/marketplaces';
import { RedisCallGate } from '@ocop/channels';

const shop = (): ShopAccess => ({
  connectionId: randomUUID(),
  marketplace: 'postmart',
  shopId: 'gate-test',
  baseUrl: 'http://127.0.0.1:1',
  credentials: {},
});

describe('RedisCallGate (real Redis)', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL!);
  });
  afterAll(() => redis.disconnect());

  it('learns a lower limit from throttle answers, one cut a second however many arrive', async () => {
    const gate = new RedisCallGate(redis);
    const access = shop();
    const learnedKey = `ocop:rate-limit:{${access.connectionId}}`;
    await Promise.all(Array.from({ length: 10 }, () => gate.throttled(access)));
    expect(await redis.get(learnedKey)).toBe('32');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await gate.throttled(access);
    expect(await redis.get(learnedKey)).toBe('25');
    expect(await redis.ttl(learnedKey)).toBeGreaterThan(500);
  });

  it('admits no more calls in a second than the learned limit', async () => {
    const gate = new RedisCallGate(redis);
    const access = shop();
    await redis.set(`ocop:rate-limit:{${access.connectionId}}`, '5', 'EX', 60);
    // start at a second's beginning so the count is not split across two seconds
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
    const started = Date.now();
    const admittedAt: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, () =>
        gate.beforeCall(access).then(() => admittedAt.push(Date.now() - started)),
      ),
    );
    expect(admittedAt.filter((ms) => ms < 900)).toHaveLength(5);
  });
});
