import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { RunningApi, startApi } from '../../support/api';
import { newCooperative, newKey, newProduct } from '../../support/factories';
import { eventually, startWorker } from '../../support/worker';

/**
 * Finding 12 of issue 13: every certificate change was copied from the outbox into a
 * `domain-events` queue that no process consumed, so its jobs piled up in Redis for ever. The
 * outbox table stays the record of domain events; nothing about them goes to Redis, and what the
 * old relay left there is removed when the worker starts.
 */
const prefix = process.env.QUEUE_PREFIX as string;

async function keysOf(redis: Redis, queue: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:${queue}:*`, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found;
}

describe('certificate changes leave no job waiting in Redis', () => {
  let api: RunningApi;
  let worker: INestApplicationContext | undefined;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(process.env.REDIS_URL as string);
    api = await startApi();
    // what an earlier version left: relayed events nobody read, and the relay's own schedule
    for (const name of ['domain-events', 'outbox-relay']) {
      const leftover = new Queue(name, { connection: { url: process.env.REDIS_URL }, prefix });
      await leftover.add('ocop.certificate.activated', { id: '1' }, { jobId: 'event-leftover' });
      await leftover.close();
    }
    worker = await startWorker();
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    redis?.disconnect();
  });

  it('keeps the events in the outbox table and puts none of them in a queue', async () => {
    const officer = await newKey(api, 'officer');
    const coop = await newCooperative(api);
    const product = await newProduct(api, coop);
    const cert = await api.call('POST', `/v1/products/${product.id}/ocop-assessments`, {
      key: officer,
      body: {
        partA: 24,
        partB: 15,
        partC: 21,
        mandatoryCriteriaMet: true,
        level: 'province',
        decisionNo: '1234/QĐ-UBND',
        decidedAt: '2025-09-10',
      },
    });
    expect(cert.status).toBe(201);
    const revoked = await api.call('POST', `/v1/ocop-certificates/${cert.body.id}/revoke`, {
      key: officer,
      body: { reason: 'sai phạm' },
    });
    expect(revoked.status).toBe(200);
    const events: { id: string; type: string }[] = await api.app
      .get(DataSource)
      .query(`SELECT id, type FROM domain_events WHERE aggregate_id = $1 ORDER BY id`, [cert.body.id]);
    expect(events.map((e) => e.type)).toEqual(['ocop.certificate.activated', 'ocop.certificate.deactivated']);

    // the old relay swept the outbox every 2 s: give it more than that to show nothing is copied
    await new Promise((resolve) => setTimeout(resolve, 5000));
    const jobKeys = (await keysOf(redis, 'domain-events')).filter((key) =>
      events.some((e) => key.endsWith(`:event-${e.id}`)),
    );
    expect(jobKeys).toEqual([]);
    // and what the old relay left behind is gone, schedule and all
    await eventually(async () => (await keysOf(redis, 'domain-events')).length === 0, 15_000);
    expect(await keysOf(redis, 'outbox-relay')).toEqual([]);
  });
});
