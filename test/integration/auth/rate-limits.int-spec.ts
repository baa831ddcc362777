import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { RateLimits } from '@ocop/auth';
import type { ConnectorConfig, Logger } from '@ocop/common';

/**
 * The webhook limit counted ahead (RateLimits.spendWebhook) against the real Redis: two API
 * processes sharing a connection's allowance, and the window's last points.
 */
describe('webhook rate limits taken ahead, on the real Redis', () => {
  let redis: Redis;
  const prefix = `{rl-test-${randomUUID()}}`;
  const quiet = { info: () => undefined, warn: () => undefined } as unknown as Logger;
  const limitsOf = (webhooksPerMinute: number) =>
    new RateLimits(
      redis,
      {
        env: {
          QUEUE_PREFIX: prefix,
          API_RATE_LIMIT_PER_MINUTE: 1_000,
          WEBHOOK_RATE_LIMIT_PER_MINUTE: webhooksPerMinute,
        },
      } as unknown as ConnectorConfig,
      quiet,
    );

  beforeAll(async () => {
    redis = new Redis(process.env.REDIS_URL as string);
    // until the client is ready the limits count in each process's memory (their insurance)
    await new Promise((resolve) => redis.once('ready', resolve));
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('two processes, 400 webhooks at once on a limit of 300: never more than 300 let through, and at most a few short of it', async () => {
    // a limit of 300 takes 3 points at a time
    const [one, two] = [limitsOf(300), limitsOf(300)];
    const connection = randomUUID();
    const decisions = await Promise.all(
      Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? one : two).spend('webhook', connection)),
    );
    const allowed = decisions.filter((d) => d.allowed).length;
    expect(allowed).toBeLessThanOrEqual(300);
    // short of it by at most two takes a process: one unspent at the end, and one refused take's
    // points, counted for a moment before they are given back, refusing a webhook meanwhile
    expect(allowed).toBeGreaterThanOrEqual(300 - 2 * 2 * 3);
    for (const d of decisions.filter((d) => !d.allowed))
      expect(d.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    // the count is the processes' shared one: a third process, new to this connection, is refused too
    expect((await limitsOf(300).spend('webhook', connection)).allowed).toBe(false);
  });

  it('the window’s last points, fewer than a take, are let through one by one, then refused', async () => {
    const limits = limitsOf(300);
    const connection = randomUUID();
    // another process has counted 298 of the minute's 300
    await redis.set(`${prefix}:rate:webhook:${connection}`, '298', 'PX', 60_000);
    const decisions = [];
    for (let i = 0; i < 4; i += 1) decisions.push(await limits.spend('webhook', connection));
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, false, false]);
    // the refused take was given back: the count is the two let through, not a take's worth more
    expect(Number(await redis.get(`${prefix}:rate:webhook:${connection}`))).toBeGreaterThanOrEqual(300);
    expect(Number(await redis.get(`${prefix}:rate:webhook:${connection}`))).toBeLessThanOrEqual(302);
  });

  it('a connection’s webhooks in one process share its take: one Redis count for many webhooks', async () => {
    const limits = limitsOf(60_000);
    const connection = randomUUID();
    const decisions = await Promise.all(
      Array.from({ length: 150 }, () => limits.spend('webhook', connection)),
    );
    expect(decisions.every((d) => d.allowed)).toBe(true);
    // 150 webhooks took 100 points twice
    expect(Number(await redis.get(`${prefix}:rate:webhook:${connection}`))).toBe(200);
  });
});
