import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { Client } from 'pg';
import { RunningApi, startApi } from '../../support/api';
import { dropDatabase, freshDatabase } from '../../support/database';
import { newCooperative, newKey } from '../../support/factories';
import { connectAll, sandboxControl, startMarketplaces } from '../../support/marketplaces';
import { eventually, startWorker } from '../../support/worker';
import {
  ordersOf,
  type Sandbox,
  sellerOnAllThree,
  signedVosoWebhook,
  vietnamIso,
  vosoOrderNumber,
} from '../orders/support';

/**
 * Finding 9 of issue 13: no rate limiting, no retention, no dead letters. A database of its own:
 * the retention sweep and the dead-row gauge see every row of the database they run on.
 */
const DATABASE_URL = (process.env.DATABASE_URL as string).replace(/\/([^/]+)$/, '/$1_limits');
const INBOX_MAX_ATTEMPTS = 3;

describe('rate limits, retention of old rows, and dead webhooks', () => {
  let db: Client;
  let sandbox: Sandbox;
  let api: RunningApi;
  let worker: INestApplicationContext | undefined;
  const backdated: Record<string, string[]> = {};

  beforeAll(async () => {
    await freshDatabase(DATABASE_URL);
    db = new Client({ connectionString: DATABASE_URL });
    await db.connect();
    // Rows past their retention, and rows that must stay, written before the worker starts: its
    // retention sweep runs at start, then hourly.
    const connectionId = randomUUID();
    const inbox = async (n: number, processedDaysAgo: number | null, extra = '') =>
      (
        await db.query(
          `INSERT INTO webhook_inbox (marketplace, event_id, connection_id, external_order_id, change, raw_body,
                                      received_at, processed_at${extra ? ', dead_at, attempts' : ''})
           SELECT 'postmart', gen_random_uuid()::text, $1, 'PM' || g, '{}', '{}', now() - interval '40 days',
                  CASE WHEN $3::int IS NULL THEN NULL ELSE now() - make_interval(days => $3::int) END
                  ${extra ? `, ${extra}, 10` : ''}
           FROM generate_series(1, $2) g RETURNING id`,
          [connectionId, n, processedDaysAgo],
        )
      ).rows.map((r) => r.id as string);
    // more than two batches of 5,000: the sweep deletes batch after batch until none is left
    backdated.oldProcessed = await inbox(12_000, 31);
    backdated.recentProcessed = await inbox(1, 29);
    backdated.oldWaiting = await inbox(1, null);
    backdated.oldDead = await inbox(1, null, `now() - interval '39 days'`);
    const events = async (daysAgo: number) =>
      (
        await db.query(
          `INSERT INTO domain_events (type, aggregate_id, payload, occurred_at)
           VALUES ('ocop.certificate.activated', gen_random_uuid(), '{}', now() - make_interval(days => $1))
           RETURNING id`,
          [daysAgo],
        )
      ).rows.map((r) => String(r.id));
    backdated.oldEvents = await events(8);
    backdated.recentEvents = await events(1);
    const keys = async (hoursAgo: number) =>
      (
        await db.query(
          `INSERT INTO idempotency_records (scope, key, request_hash, response_status, response_body, created_at)
           VALUES ('stock-adjustment', gen_random_uuid()::text, 'h', 201, '{}', now() - make_interval(hours => $1))
           RETURNING key`,
          [hoursAgo],
        )
      ).rows.map((r) => r.key as string);
    backdated.oldKeys = await keys(25);
    backdated.recentKeys = await keys(1);

    sandbox = await startMarketplaces();
    api = await startApi({ DATABASE_URL });
    worker = await startWorker({
      DATABASE_URL,
      INBOX_MAX_ATTEMPTS: String(INBOX_MAX_ATTEMPTS),
      INBOX_RETRY_BASE_MS: '300',
      // the dead webhook's order must come back only through its retry, not through a poll
      ORDER_POLL_INTERVAL_MS: '3600000',
    });
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await sandbox?.close();
    await db?.end();
    await dropDatabase(DATABASE_URL);
  });

  describe('retention', () => {
    const left = async (table: string, column: string, ids: string[]) =>
      (await db.query(`SELECT count(*)::int AS n FROM ${table} WHERE ${column}::text = ANY($1)`, [ids]))
        .rows[0].n as number;

    it('deletes processed webhooks after INBOX_RETENTION_DAYS, events after 7 days, keys after 24 h', async () => {
      await eventually(
        async () =>
          (await left('webhook_inbox', 'id', backdated.oldProcessed)) === 0 &&
          (await left('domain_events', 'id', backdated.oldEvents)) === 0 &&
          (await left('idempotency_records', 'key', backdated.oldKeys)) === 0,
        30_000,
      );
      expect(await left('webhook_inbox', 'id', backdated.recentProcessed)).toBe(1);
      // never processed: an unprocessed or dead row stays, however old, until someone deals with it
      expect(await left('webhook_inbox', 'id', backdated.oldWaiting)).toBe(1);
      expect(await left('webhook_inbox', 'id', backdated.oldDead)).toBe(1);
      expect(await left('domain_events', 'id', backdated.recentEvents)).toBe(1);
      expect(await left('idempotency_records', 'key', backdated.recentKeys)).toBe(1);
    });
  });

  describe('rate limits', () => {
    let limited: RunningApi;
    beforeAll(async () => {
      // the same database and Redis, with low limits; the suite's other API keeps the test default
      limited = await startApi({
        DATABASE_URL,
        API_RATE_LIMIT_PER_MINUTE: '5',
        WEBHOOK_RATE_LIMIT_PER_MINUTE: '3',
        // as behind a reverse proxy: each test is a client address of its own
        TRUST_PROXY: '127.0.0.1',
      });
    });
    afterAll(async () => {
      await limited?.close();
    });

    it('answers 429 rate_limited with Retry-After once a key has spent its minute; other keys go on', async () => {
      const coop = await newCooperative(api);
      const other = await newCooperative(api);
      const answers = [];
      for (let i = 0; i < 6; i += 1) answers.push(await limited.call('GET', '/v1/me', { key: coop.key }));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 429]);
      const refused = answers[5];
      expect(refused.body.error).toMatchObject({ code: 'rate_limited' });
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // every API process counts the same key together (the limit lives in Redis)
      expect((await limited.call('GET', `/v1/cooperatives/${coop.id}`, { key: coop.key })).status).toBe(429);
      expect((await limited.call('GET', '/v1/me', { key: other.key })).status).toBe(200);
    });

    it('counts requests without a valid key per client address (key guessing among them)', async () => {
      const from = (address: string) => ({ 'x-forwarded-for': address });
      const statuses = [];
      for (let i = 0; i < 6; i += 1) {
        statuses.push(
          (await limited.call('GET', '/v1/me', { key: `ocop_guess_${i}`, headers: from('203.0.113.7') }))
            .status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      // public routes count the same way; another address, and a valid key, have counts of their own
      expect((await limited.call('GET', '/health/live', { headers: from('203.0.113.7') })).status).toBe(429);
      expect((await limited.call('GET', '/health/live', { headers: from('203.0.113.8') })).status).toBe(200);
      const coop = await newCooperative(api);
      expect(
        (await limited.call('GET', '/v1/me', { key: coop.key, headers: from('203.0.113.7') })).status,
      ).toBe(200);
    });

    it('limits verified webhooks per connection; forged ones do not use up a shop’s allowance', async () => {
      const a = await connectAll(api, sandbox, await newCooperative(api));
      const b = await connectAll(api, sandbox, await newCooperative(api));
      const hook = (shop: { shopId: string; webhookSecret: string }, secret = shop.webhookSecret) =>
        signedVosoWebhook(shop.shopId, secret, {
          number: vosoOrderNumber(),
          status: 'CHO_DUYET',
          updatedAt: vietnamIso(new Date()),
          lines: [{ sku: 'NO-SUCH-SKU', quantity: 1, price: 1000 }],
        });
      const post = (h: ReturnType<typeof hook>) =>
        limited.call('POST', '/v1/webhooks/voso', { raw: h.body, headers: h.headers });
      for (let i = 0; i < 3; i += 1) expect((await post(hook(a.voso, 'forged-secret'))).status).toBe(401);
      for (let i = 0; i < 3; i += 1) expect((await post(hook(a.voso))).status).toBe(200);
      const refused = await post(hook(a.voso));
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('rate_limited');
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await post(hook(b.voso))).status).toBe(200);
    });
  });

  describe('dead webhooks', () => {
    it(`sets a webhook aside after ${INBOX_MAX_ATTEMPTS} failed attempts; an admin sees it and retries it`, async () => {
      const seller = await sellerOnAllThree(api, sandbox, 20);
      const sendo = sandboxControl(sandbox.urls.sendo);
      // the marketplace stops answering: the pushed order cannot be read
      await sendo.faults(seller.shops.sendo.shopId, { errorRate: 1 });
      const placed = await sendo.placeOrder(seller.shops.sendo.shopId, [{ sku: seller.code, quantity: 2 }]);

      const admin = api.adminKey;
      const health = async () =>
        (await api.call('GET', '/v1/operations/sync-health', { key: admin })).body as {
          marketplaces: { marketplace: string; deadWebhooks: number; webhooks: { dead: number } }[];
          deadWebhooks: { total: number; items: any[] };
        };
      // the marketplace may push more than one event for the order: each one is set aside
      const rowsOfOrder = async () =>
        (
          await db.query(
            `SELECT id, attempts, dead_at FROM webhook_inbox WHERE external_order_id = $1 ORDER BY received_at`,
            [placed.orderId],
          )
        ).rows as { id: string; attempts: number; dead_at: Date | null }[];
      const deadRows = await eventually(async () => {
        const rows = await rowsOfOrder();
        return rows.length > 0 && rows.every((r) => r.dead_at !== null) ? rows : undefined;
      }, 30_000);
      const shown = (await health()).deadWebhooks.items.filter((i) => i.externalOrderId === placed.orderId);
      expect(shown.map((i) => i.id).sort()).toEqual(deadRows.map((r) => r.id).sort());
      const dead = shown[0];
      expect(dead).toMatchObject({
        marketplace: 'sendo',
        connectionId: seller.shops.sendo.connectionId,
        status: 'dead',
        attempts: INBOX_MAX_ATTEMPTS,
      });
      expect(dead.lastError).toEqual(expect.any(String));
      const sendoHealth = (await health()).marketplaces.find((m) => m.marketplace === 'sendo')!;
      expect(sendoHealth.deadWebhooks).toBe(deadRows.length);
      expect(sendoHealth.webhooks.dead).toBe(deadRows.length);
      const metrics = await api.call('GET', '/metrics');
      expect(metrics.text).toMatch(
        new RegExp(`^webhook_inbox_dead_rows\\{marketplace="sendo"\\} ${deadRows.length}$`, 'm'),
      );

      // dead means left alone: no more attempts (it went on forever before)
      await new Promise((resolve) => setTimeout(resolve, 2000));
      for (const row of await rowsOfOrder()) {
        expect(row.attempts).toBe(INBOX_MAX_ATTEMPTS);
        expect(row.dead_at).not.toBeNull();
      }
      expect(await ordersOf(api, seller.coop.key, `&cooperativeId=${seller.coop.id}`)).toHaveLength(0);

      const retry = (id: string, key = admin) =>
        api.call('POST', `/v1/operations/inbox/${id}/retry`, { key });
      expect((await retry(dead.id, seller.coop.key)).status).toBe(403);
      expect((await retry(dead.id, await newKey(api, 'officer'))).status).toBe(403);
      const unknown = await retry(randomUUID());
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.code).toBe('not_found');
      expect((await retry('not-a-row')).status).toBe(404);

      await sendo.faults(seller.shops.sendo.shopId, { errorRate: 0 });
      const retried = await retry(dead.id);
      expect(retried.status).toBe(200);
      expect(retried.body).toMatchObject({ id: dead.id, status: 'waiting', attempts: 0, deadAt: null });
      for (const other of deadRows.filter((r) => r.id !== dead.id))
        expect((await retry(other.id)).status).toBe(200);
      const orders = await eventually(async () => {
        const found = await ordersOf(api, seller.coop.key, `&cooperativeId=${seller.coop.id}`);
        return found.length === 1 ? found : undefined;
      }, 30_000);
      expect(orders[0]).toMatchObject({ marketplace: 'sendo', externalOrderId: placed.orderId });
      await eventually(async () => {
        const rows = (
          await db.query(`SELECT processed_at FROM webhook_inbox WHERE id = ANY($1)`, [
            deadRows.map((r) => r.id),
          ])
        ).rows;
        return rows.every((r) => r.processed_at !== null);
      });
      const again = await retry(dead.id);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('conflict');
      expect((await api.call('GET', '/metrics')).text).toMatch(
        /^webhook_inbox_dead_rows\{marketplace="sendo"\} 0$/m,
      );
    });
  });
});
