import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { register } from 'prom-client';
import type { ShopAccess } from '@ocop/marketplaces';
import { RedisCallGate } from '@ocop/channels';
import { PACE_TOLERANCE, paceIntervalMs } from '../../../libs/channels/src/call-pacing';

const shop = (): ShopAccess => ({
  connectionId: randomUUID(),
  marketplace: 'postmart',
  shopId: 'gate-test',
  baseUrl: 'http://127.0.0.1:1',
  credentials: {},
});

/** Admission times of `callers` calls to one shop, taken by the gates in turn (as separate processes would). */
async function admissions(gates: RedisCallGate[], access: ShopAccess, callers: number): Promise<number[]> {
  const admittedAt: number[] = [];
  await Promise.all(
    Array.from({ length: callers }, (_, i) =>
      gates[i % gates.length].beforeCall(access).then(() => admittedAt.push(performance.now())),
    ),
  );
  return admittedAt.sort((a, b) => a - b);
}

const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]);

/** A client of a Redis that is not there, failing fast as the API's does. */
function unreachableRedis(): Redis {
  const away = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  away.on('error', () => undefined);
  return away;
}

describe('RedisCallGate (real Redis)', () => {
  let redis: Redis;
  let other: Redis;
  beforeAll(() => {
    redis = new Redis(process.env.REDIS_URL!);
    other = new Redis(process.env.REDIS_URL!);
  });
  afterAll(() => {
    redis.disconnect();
    other.disconnect();
  });

  it('learns a lower limit from throttle answers: one call a second off per refusal, at most a fifth a lesson', async () => {
    const gate = new RedisCallGate(redis);
    const access = shop();
    await Promise.all(Array.from({ length: 3 }, () => gate.throttled(access)));
    expect(await gate.limitOf(access)).toBe(37);
    await Promise.all(Array.from({ length: 10 }, () => gate.throttled(access)));
    expect(await gate.limitOf(access)).toBe(32);
    // the next lesson starts from what the last one taught
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await gate.throttled(access);
    expect(await gate.limitOf(access)).toBe(31);
    expect(await redis.ttl(`ocop:rate-limit:{${access.connectionId}}`)).toBeGreaterThan(500);
  });

  it('spaces one shop’s calls evenly at its learned limit across processes, none two at once', async () => {
    const gates = [new RedisCallGate(redis), new RedisCallGate(other)];
    const access = shop();
    await redis.set(`ocop:rate-limit:{${access.connectionId}}`, '5', 'EX', 60);
    const interval = paceIntervalMs(5);
    const times = await admissions(gates, access, 6);
    // the spacing is kept on Redis's clock (a call may take its slot up to the tolerance early);
    // this process sees it give or take a round trip
    for (const gap of gaps(times)) expect(gap).toBeGreaterThan(interval * (1 - PACE_TOLERANCE) - 25);
    expect(times[5] - times[0]).toBeGreaterThan(5 * interval - interval * PACE_TOLERANCE - 25);
  });

  it('asks Redis about once per admitted call however many callers of a shop wait, and forgets the queue after', async () => {
    const gates = [new RedisCallGate(redis), new RedisCallGate(other)];
    const access = shop();
    await redis.set(`ocop:rate-limit:{${access.connectionId}}`, '20', 'EX', 60);
    let asked = 0;
    type Scripts = { ocopPace: (...args: unknown[]) => Promise<unknown> };
    const clients = [redis, other] as unknown as Scripts[];
    const real = clients.map((client) => client.ocopPace);
    clients.forEach((client, i) => {
      client.ocopPace = (...args) => {
        asked += 1;
        return real[i].apply(client, args);
      };
    });
    try {
      const callers = 40;
      const times = await admissions(gates, access, callers);
      expect(times).toHaveLength(callers);
      // each process's first caller in line asks, is told when, waits and asks again: about two
      // asks a call (two processes racing for a slot add a few); every caller asking for every
      // slot would be about callers² / 4 = 400
      expect(asked).toBeLessThanOrEqual(callers * 3);
      const queues = (gate: RedisCallGate) => (gate as unknown as { queues: Map<string, unknown> }).queues;
      expect(gates.map((gate) => queues(gate).size)).toEqual([0, 0]);
    } finally {
      clients.forEach((client, i) => (client.ocopPace = real[i]));
    }
  });

  it('lets a caller in the ahead lane (a stock push) take the next slot before the shop’s waiting callers', async () => {
    const gate = new RedisCallGate(redis);
    const access = shop();
    await redis.set(`ocop:rate-limit:{${access.connectionId}}`, '20', 'EX', 60);
    const admitted: string[] = [];
    const reads = Array.from({ length: 10 }, (_, i) =>
      gate.beforeCall(access).then(() => admitted.push(`read ${i}`)),
    );
    await reads[0];
    const push = gate.beforeCall({ ...access, lane: 'ahead' }).then(() => admitted.push('push'));
    const laterRead = gate.beforeCall(access).then(() => admitted.push('later read'));
    await Promise.all([...reads, push, laterRead]);
    // the push joined while read 1 asked for its slot: it goes next, not after the eight behind
    expect(admitted.slice(0, 3)).toEqual(['read 0', 'read 1', 'push']);
    expect(admitted.at(-1)).toBe('later read');
    expect((gate as unknown as { queues: Map<string, unknown> }).queues.size).toBe(0);
  });

  it('paces each process alone while Redis is away', async () => {
    const away = unreachableRedis();
    try {
      const gate = new RedisCallGate(away);
      const access = shop();
      const times = await admissions([gate], access, 5);
      const interval = paceIntervalMs(40);
      for (const gap of gaps(times)) expect(gap).toBeGreaterThan(interval * (1 - PACE_TOLERANCE) - 5);
      expect(times[4] - times[0]).toBeGreaterThan(4 * interval - interval * PACE_TOLERANCE - 5);
      await gate.throttled(access); // not kept, and no error
      expect(await gate.limitOf(access)).toBe(40);
    } finally {
      away.disconnect();
    }
  });

  it('keeps its pace while Redis is away even when the wall clock steps', async () => {
    const away = unreachableRedis();
    // a VM's time sync stepping the clock 40 ms forward at every reading
    const realNow = Date.now.bind(Date);
    let steps = 0;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 40 * ++steps);
    try {
      const gate = new RedisCallGate(away);
      const times = await admissions([gate], shop(), 5);
      const interval = paceIntervalMs(40);
      for (const gap of gaps(times)) expect(gap).toBeGreaterThan(interval * (1 - PACE_TOLERANCE) - 5);
    } finally {
      clock.mockRestore();
      away.disconnect();
    }
  });

  it("counts, per marketplace, each call's wait for its shop's slot and how long each answer took", async () => {
    const figure = async (metric: string, suffix: string, labels: Record<string, string>) => {
      // a histogram's values name their series (_bucket, _sum, _count), which the type leaves out
      const values = (await register.getSingleMetric(metric)?.get())?.values as
        { metricName?: string; labels: Record<string, unknown>; value: number }[] | undefined;
      const found = values?.find(
        (v) =>
          v.metricName === `${metric}${suffix}` &&
          Object.entries(labels).every(([key, value]) => String(v.labels[key]) === value),
      );
      return found?.value ?? 0;
    };
    const gate = new RedisCallGate(redis);
    const access = shop();
    const waitsBefore = await figure('marketplace_call_wait_seconds', '_count', { marketplace: 'postmart' });
    const waitedBefore = await figure('marketplace_call_wait_seconds', '_sum', { marketplace: 'postmart' });
    const admitted = await admissions([gate], access, 4);
    expect(await figure('marketplace_call_wait_seconds', '_count', { marketplace: 'postmart' })).toBe(
      waitsBefore + 4,
    );
    // the last of four waited for the slots of the three before it, at least
    const lastWaitS = (admitted[3] - admitted[0]) / 1000;
    expect(
      (await figure('marketplace_call_wait_seconds', '_sum', { marketplace: 'postmart' })) - waitedBefore,
    ).toBeGreaterThanOrEqual(lastWaitS * 0.99);

    const slowBefore = await figure('marketplace_answer_seconds', '_bucket', {
      marketplace: 'postmart',
      le: '1',
    });
    const allBefore = await figure('marketplace_answer_seconds', '_count', { marketplace: 'postmart' });
    gate.answered(access, 1.5);
    gate.answered(access, 0.2);
    expect(await figure('marketplace_answer_seconds', '_count', { marketplace: 'postmart' })).toBe(
      allBefore + 2,
    );
    // within a second: only the 0.2 s answer
    expect(await figure('marketplace_answer_seconds', '_bucket', { marketplace: 'postmart', le: '1' })).toBe(
      slowBefore + 1,
    );
  });
});
