import type { INestApplicationContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { type RunningApi, startApi } from '../../support/api';
import { uniqueCode } from '../../support/factories';
import { sandboxControl, startMarketplaces } from '../../support/marketplaces';
import { eventually, startWorker } from '../../support/worker';
import {
  listOnVosoDirectly,
  type Sandbox,
  sellerOnAllThree,
  signedVosoWebhook,
  vietnamIso,
  vosoOrderNumber,
} from '../orders/support';

/**
 * A JSON string may escape half of a UTF-16 pair (`"\ud83d"`: an emoji cut in two by a client,
 * a fuzzer or a marketplace). JavaScript keeps such a lone surrogate, but PostgreSQL refuses it in
 * jsonb ("Unicode low surrogate must follow a high surrogate"), and the fuzz suite saw that as a
 * 500 on a signed webhook, which the marketplace would retry until it gave up: a verified event
 * lost. Every JSON the connector reads (request bodies, webhooks, marketplace answers) is made
 * well-formed instead, each lone surrogate becoming U+FFFD, as UTF-8 decoding does to bad bytes.
 */
const HIGH = '\ud83d';
const LOW = '\udc00';
const REPLACEMENT = '\ufffd';

describe('lone UTF-16 surrogates in JSON', () => {
  let sandbox: Sandbox;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let db: Pool;
  let seller: Awaited<ReturnType<typeof sellerOnAllThree>>;

  beforeAll(async () => {
    sandbox = await startMarketplaces();
    api = await startApi();
    worker = await startWorker({ ORDER_POLL_INTERVAL_MS: '1000' });
    db = new Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
    // no webhooks from the sandbox: the orders below arrive by polling only
    seller = await sellerOnAllThree(api, sandbox, 20, { webhooks: false });
  }, 90_000);

  afterAll(async () => {
    await db?.end();
    await worker?.close();
    await api?.close();
    await sandbox?.close();
  });

  it('is what PostgreSQL refuses in jsonb, while a whole pair is accepted', async () => {
    await expect(
      db.query('SELECT $1::jsonb', [JSON.stringify({ name: `Chè ${HIGH}` })]),
    ).rejects.toMatchObject({
      detail: 'Unicode low surrogate must follow a high surrogate.',
    });
    const whole = await db.query('SELECT $1::jsonb AS v', [JSON.stringify({ name: 'Chè 🍵' })]);
    expect(whole.rows[0].v).toEqual({ name: 'Chè 🍵' });
  });

  it('in an API body: the product is created and stored with U+FFFD, and an idempotent answer is kept', async () => {
    const code = uniqueCode('TEA');
    const created = await api.call('POST', '/v1/products', {
      key: seller.coop.key,
      body: {
        cooperativeId: seller.coop.id,
        name: `Chè ${HIGH} Tân Cương`,
        category: 'tea',
        skus: [{ code, name: `Hộp ${LOW}200g`, priceVnd: 180000, weightGrams: 200, onHand: 3 }],
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.name).toBe(`Chè ${REPLACEMENT} Tân Cương`);
    const stored = await db.query('SELECT name FROM products WHERE id = $1', [created.body.id]);
    expect(stored.rows[0].name).toBe(`Chè ${REPLACEMENT} Tân Cương`);
    expect(created.body.skus[0].name).toBe(`Hộp ${REPLACEMENT}200g`);

    // the stock adjustment's answer is kept in jsonb for its Idempotency-Key
    const idempotencyKey = `surrogate-${randomUUID()}`;
    const adjust = () =>
      api.call('POST', `/v1/skus/${created.body.skus[0].id}/stock-adjustments`, {
        key: seller.coop.key,
        headers: { 'idempotency-key': idempotencyKey },
        body: { delta: 2, reason: `mùa mới ${HIGH}` },
      });
    const first = await adjust();
    expect(first.status).toBe(201);
    const replayed = await adjust();
    expect({ status: replayed.status, body: replayed.body }).toEqual({ status: 201, body: first.body });
    const movements = await api.call('GET', `/v1/skus/${created.body.skus[0].id}/stock-movements`, {
      key: seller.coop.key,
    });
    expect(movements.body.items.map((m: { reason: string }) => m.reason)).toContain(`mùa mới ${REPLACEMENT}`);
  });

  it('in an API body that reaches jsonb: a product image URL with half an emoji is stored with U+FFFD', async () => {
    const url = `https://example.com/anh/che-${HIGH}.jpg`;
    const product = await api.call('POST', '/v1/products', {
      key: seller.coop.key,
      body: {
        cooperativeId: seller.coop.id,
        name: 'Chè búp',
        category: 'tea',
        imageUrls: [url],
        skus: [{ code: uniqueCode('TEA'), name: 'Hộp', priceVnd: 1000, weightGrams: 100 }],
      },
    });
    expect(product.status).toBe(201);
    const stored = await db.query('SELECT image_urls FROM products WHERE id = $1', [product.body.id]);
    expect(stored.rows[0].image_urls).toEqual([url.replace(HIGH, REPLACEMENT)]);
  });

  it('in a signed webhook: stored in the inbox with U+FFFD and answered 200, its signature checked on the bytes sent', async () => {
    const eventId = `evt-${HIGH}-${randomUUID()}`;
    const push = signedVosoWebhook(
      seller.shops.voso.shopId,
      seller.shops.voso.webhookSecret,
      {
        number: vosoOrderNumber(),
        status: 'CHO_DUYET',
        updatedAt: vietnamIso(new Date()),
        lines: [{ sku: `${seller.code}${LOW}`, quantity: 1, price: 180000 }],
      },
      { eventId },
    );
    // the escape travels as six ASCII characters, and the signature covers them
    expect(push.body).toContain('\\ud83d');
    const answer = await api.call('POST', '/v1/webhooks/voso', { raw: push.body, headers: push.headers });
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: 200,
      body: expect.objectContaining({ received: true, duplicate: false }),
    });
    const stored = await db.query(
      'SELECT change, raw_body FROM webhook_inbox WHERE connection_id = $1 AND event_id = $2',
      [seller.shops.voso.connectionId, eventId.replace(HIGH, REPLACEMENT)],
    );
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0].change.order.lines[0].skuCode).toBe(`${seller.code}${REPLACEMENT}`);
    // the raw body is kept as it came
    expect(stored.rows[0].raw_body).toBe(push.body);

    // a forged body with the same escape is still refused
    const forged = await api.call('POST', '/v1/webhooks/voso', {
      raw: push.body.replace('"QUANTITY":1', '"QUANTITY":9'),
      headers: push.headers,
    });
    expect(forged.status).toBe(401);
  });

  it('a NUL in a signed webhook is stored as U+FFFD too, not refused: the marketplace cannot send the event again differently', async () => {
    const eventId = `evt-\u0000-${randomUUID()}`;
    const push = signedVosoWebhook(
      seller.shops.voso.shopId,
      seller.shops.voso.webhookSecret,
      {
        number: vosoOrderNumber(),
        status: 'CHO_DUYET',
        updatedAt: vietnamIso(new Date()),
        lines: [{ sku: `${seller.code}\u0000`, quantity: 1, price: 180000 }],
      },
      { eventId },
    );
    expect(push.body).toContain('\\u0000');
    const answer = await api.call('POST', '/v1/webhooks/voso', { raw: push.body, headers: push.headers });
    expect(answer.status).toBe(200);
    const stored = await db.query(
      'SELECT change FROM webhook_inbox WHERE connection_id = $1 AND event_id = $2',
      [seller.shops.voso.connectionId, eventId.replace('\u0000', REPLACEMENT)],
    );
    expect(stored.rows).toHaveLength(1);
    expect(stored.rows[0].change.order.lines[0].skuCode).toBe(`${seller.code}${REPLACEMENT}`);
  });

  it('in a marketplace answer read by polling: the order is imported, its line with U+FFFD', async () => {
    const voso = sandboxControl(sandbox.urls.voso);
    // a product the seller listed on Voso directly, its SKU code holding half an emoji
    const code = `MAT-ONG-${HIGH}-${randomUUID().slice(0, 6)}`;
    await listOnVosoDirectly(sandbox.urls.voso, seller.shops.voso.shopId, {
      code,
      priceVnd: 250000,
      quantity: 5,
    });
    const placed = await voso.placeOrder(seller.shops.voso.shopId, [{ sku: code, quantity: 1 }], {
      notify: false,
    });
    const order = await eventually(async () => {
      const page = await api.call('GET', `/v1/orders?cooperativeId=${seller.coop.id}&marketplace=voso`, {
        key: seller.coop.key,
      });
      return page.body.items.find((o: { externalOrderId: string }) => o.externalOrderId === placed.orderId);
    }, 30_000);
    expect(order.lines.map((line: { skuCode: string | null }) => line.skuCode)).toEqual([
      code.replace(HIGH, REPLACEMENT),
    ]);
  });
});
