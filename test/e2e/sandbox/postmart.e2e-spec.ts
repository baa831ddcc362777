import { createHmac, randomUUID } from 'node:crypto';
import { Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import { control, http, settle, startReceiver, startTestSandbox, waitFor } from './helpers';

/** Postmart-style contract (MARKETPLACES.md, "Postmart-style"), from outside over plain HTTP. */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The test's own signer: uppercase hex HMAC-SHA256(secret, path + sorted name+value pairs + raw body). */
function signedUrl(
  base: string,
  path: string,
  credentials: { app_key: string; app_secret: string },
  params: Record<string, string>,
  rawBody: string,
  timestamp: number,
): string {
  const all: Record<string, string> = {
    ...params,
    app_key: credentials.app_key,
    timestamp: String(timestamp),
  };
  const names = Object.keys(all).sort();
  const text = path + names.map((name) => name + all[name]).join('') + rawBody;
  const sign = createHmac('sha256', credentials.app_secret).update(text).digest('hex').toUpperCase();
  return `${base}${path}?${new URLSearchParams({ ...all, sign }).toString()}`;
}

describe('Postmart-style marketplace', () => {
  let sandbox: Sandbox;
  let base: string;
  let ctl: ReturnType<typeof control>;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    base = sandbox.urls.postmart;
    ctl = control(base);
  });
  afterAll(() => sandbox.close());
  beforeEach(() => ctl.reset());

  async function shopClient(extra: Record<string, unknown> = {}) {
    const shop = await ctl.createShop(extra);
    const credentials = shop.credentials as { app_key: string; app_secret: string };
    const call = async (
      method: string,
      path: string,
      options: {
        body?: unknown;
        params?: Record<string, string>;
        headers?: Record<string, string>;
        at?: number;
      } = {},
    ) => {
      const rawBody = options.body === undefined ? '' : JSON.stringify(options.body);
      const at = options.at ?? (await ctl.now());
      const url = signedUrl(base, path, credentials, options.params ?? {}, rawBody, at);
      return http(method, url, { rawBody: rawBody === '' ? undefined : rawBody, headers: options.headers });
    };
    return { shop, credentials, call };
  }

  const productBody = (shopId: string, skus: [string, number][]) => ({
    shop_id: shopId,
    name: 'Cà phê Buôn Ma Thuột',
    category: 'coffee',
    description: 'Robusta rang xay',
    images: ['https://example.com/c.jpg'],
    skus: skus.map(([seller_sku, quantity]) => ({ seller_sku, price: 85_000, quantity, weight_grams: 500 })),
  });

  describe('signed requests', () => {
    it('accepts a correctly signed call and answers {code: "0", message, request_id, data}', async () => {
      const { call } = await shopClient();
      const now = await ctl.now();
      const response = await call('GET', '/api/v1/orders', {
        params: { updated_after: new Date(now - 3600_000).toISOString(), limit: '10' },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ code: '0', data: { orders: [], next_cursor: null } });
      expect(response.body.request_id).toMatch(UUID);
    });

    it('answers IncompleteSignature in an HTTP 200 to a missing, wrong or tampered signature', async () => {
      const { shop, credentials, call } = await shopClient();
      const missing = await http('GET', `${base}/api/v1/orders?app_key=${credentials.app_key}`);
      expect(missing.status).toBe(200);
      expect(missing.body).toMatchObject({ code: 'IncompleteSignature', data: null });
      const now = await ctl.now();
      const wrongSecret = signedUrl(
        base,
        '/api/v1/products',
        { ...credentials, app_secret: 'nope' },
        {},
        '{}',
        now,
      );
      expect((await http('POST', wrongSecret, { rawBody: '{}' })).body.code).toBe('IncompleteSignature');
      const body = JSON.stringify(productBody(shop.shopId, [['A', 1]]));
      const url = signedUrl(base, '/api/v1/products', credentials, {}, body, now);
      const tampered = await http('POST', url, { rawBody: body.replace('"quantity":1', '"quantity":9') });
      expect(tampered.body.code).toBe('IncompleteSignature');
      const lowercase = url.replace(/sign=([0-9A-F]+)/, (_m, sign: string) => `sign=${sign.toLowerCase()}`);
      expect((await http('POST', lowercase, { rawBody: body })).body.code).toBe('IncompleteSignature');
      expect((await http('POST', url, { rawBody: body })).body.code).toBe('0');
      expect(
        (await call('GET', '/api/v1/orders', { params: { updated_after: 'yesterday' } })).body.code,
      ).toBe('InvalidParameter');
    });

    it('answers InvalidTimestamp to a timestamp more than 5 minutes off (clock skew)', async () => {
      const { call } = await shopClient();
      const now = await ctl.now();
      const params = { updated_after: new Date(now - 3600_000).toISOString() };
      expect((await call('GET', '/api/v1/orders', { params, at: now - 4 * 60_000 })).body.code).toBe('0');
      const stale = await call('GET', '/api/v1/orders', { params, at: now - 6 * 60_000 });
      expect(stale.status).toBe(200);
      expect(stale.body.code).toBe('InvalidTimestamp');
      expect((await call('GET', '/api/v1/orders', { params, at: now + 6 * 60_000 })).body.code).toBe(
        'InvalidTimestamp',
      );
      await ctl.advance(600);
      expect((await call('GET', '/api/v1/orders', { params, at: now })).body.code).toBe('InvalidTimestamp');
    });

    it('throttles with ApiCallLimit inside an HTTP 200', async () => {
      const { shop, call } = await shopClient();
      await ctl.faults(shop.shopId, { rateLimitPerSecond: 3 });
      const now = await ctl.now();
      // 24 at once against 3 a second: a loaded machine that spreads them over a few seconds still
      // sends far more than the windows allow (8 at once once fell within three windows)
      const responses = await Promise.all(
        Array.from({ length: 24 }, () =>
          call('GET', '/api/v1/orders', {
            params: { updated_after: new Date(now - 60_000).toISOString() },
            at: now,
          }),
        ),
      );
      expect(responses.every((response) => response.status === 200)).toBe(true);
      const codes = responses.map((response) => response.body.code as string);
      expect(codes.filter((code) => code === 'ApiCallLimit').length).toBeGreaterThanOrEqual(4);
      expect(codes.filter((code) => code === '0').length).toBeGreaterThanOrEqual(3);
    });
  });

  describe('listings and stock', () => {
    it('creates, updates and delists products; ids are UUIDs and sku ids stay stable', async () => {
      const { shop, call } = await shopClient();
      const created = await call('POST', '/api/v1/products', {
        body: productBody(shop.shopId, [
          ['CF-250', 3],
          ['CF-500', 4],
        ]),
      });
      expect(created.body.code).toBe('0');
      const { product_id: productId, skus } = created.body.data;
      expect(productId).toMatch(UUID);
      expect(skus).toEqual([
        { seller_sku: 'CF-250', sku_id: expect.stringMatching(UUID) },
        { seller_sku: 'CF-500', sku_id: expect.stringMatching(UUID) },
      ]);
      const updated = await call('PUT', `/api/v1/products/${productId}`, {
        body: productBody(shop.shopId, [
          ['CF-500', 8],
          ['CF-1KG', 1],
        ]),
      });
      expect(updated.body.data.skus[0]).toEqual(skus[1]);
      expect(updated.body.data.skus[1].sku_id).not.toBe(skus[0].sku_id);
      expect(await ctl.listings(shop.shopId)).toEqual([
        expect.objectContaining({
          productId,
          status: 'active',
          categoryId: 'coffee',
          variants: [
            { sku: 'CF-500', variantId: skus[1].sku_id, price: 85_000, quantity: 8, weightGrams: 500 },
            expect.objectContaining({ sku: 'CF-1KG', quantity: 1 }),
          ],
        }),
      ]);
      expect(
        (await call('POST', '/api/v1/products', { body: productBody('someone-else', [['X', 1]]) })).body.code,
      ).toBe('InvalidParameter');
      expect(
        (
          await call('PUT', `/api/v1/products/${randomUUID()}`, {
            body: productBody(shop.shopId, [['X', 1]]),
          })
        ).body.code,
      ).toBe('NotFound');
      expect((await call('DELETE', `/api/v1/products/${productId}`)).body.data).toEqual({
        product_id: productId,
        status: 'delisted',
      });
      expect((await ctl.listings(shop.shopId))[0].status).toBe('delisted');
      expect((await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'CF-500', quantity: 1 }] })).status).toBe(
        409,
      );
    });

    it('writes stock one SKU per call; a repeated Idempotency-Key returns the first answer and applies nothing', async () => {
      const { shop, call } = await shopClient();
      const skuId = (await call('POST', '/api/v1/products', { body: productBody(shop.shopId, [['CF', 3]]) }))
        .body.data.skus[0].sku_id;
      const noKey = await call('PUT', `/api/v1/skus/${skuId}/stock`, { body: { quantity: 5 } });
      expect(noKey.body.code).toBe('InvalidParameter');
      const first = await call('PUT', `/api/v1/skus/${skuId}/stock`, {
        body: { quantity: 5 },
        headers: { 'Idempotency-Key': 'k-1' },
      });
      expect(first.body).toMatchObject({ code: '0', data: { sku_id: skuId, seller_sku: 'CF', quantity: 5 } });
      const replay = await call('PUT', `/api/v1/skus/${skuId}/stock`, {
        body: { quantity: 9 },
        headers: { 'Idempotency-Key': 'k-1' },
      });
      expect(replay.body).toEqual(first.body);
      expect((await ctl.listings(shop.shopId))[0].variants[0].quantity).toBe(5);
      const unknown = await call('PUT', `/api/v1/skus/${randomUUID()}/stock`, {
        body: { quantity: 1 },
        headers: { 'Idempotency-Key': 'k-2' },
      });
      expect(unknown.body.code).toBe('NotFound');
    });

    it('answers 504 after applying a write; a retry with the same key does not apply it twice', async () => {
      const { shop, call } = await shopClient();
      const skuId = (await call('POST', '/api/v1/products', { body: productBody(shop.shopId, [['CF', 3]]) }))
        .body.data.skus[0].sku_id;
      await ctl.faults(shop.shopId, { seed: 3, writeThen504Rate: 1 });
      const timedOut = await call('PUT', `/api/v1/skus/${skuId}/stock`, {
        body: { quantity: 10 },
        headers: { 'Idempotency-Key': 'w-1' },
      });
      expect(timedOut.status).toBe(504);
      expect((await ctl.listings(shop.shopId))[0].variants[0].quantity).toBe(10);
      expect((await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'CF', quantity: 3 }] })).status).toBe(201);
      const retry = await call('PUT', `/api/v1/skus/${skuId}/stock`, {
        body: { quantity: 10 },
        headers: { 'Idempotency-Key': 'w-1' },
      });
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({ code: '0', data: { quantity: 10 } });
      expect((await ctl.listings(shop.shopId))[0].variants[0].quantity).toBe(7);
    });
  });

  describe('orders', () => {
    async function shopWithOrders(count: number) {
      const ctx = await shopClient();
      const created = await ctx.call('POST', '/api/v1/products', {
        body: productBody(ctx.shop.shopId, [['CF', 100_000]]),
      });
      const placed = await ctl.placeOrder(ctx.shop.shopId, {
        orders: Array.from({ length: count }, () => ({ lines: [{ sku: 'CF', quantity: 2 }], notify: false })),
      });
      return {
        ...ctx,
        skuId: created.body.data.skus[0].sku_id as string,
        productId: created.body.data.product_id as string,
        ids: placed.body.orders.map((o: { orderId: string }) => o.orderId) as string[],
      };
    }

    it('pages by time cursor: every order exactly once, limit <= 100', async () => {
      const { call, ids, skuId } = await shopWithOrders(250);
      const now = await ctl.now();
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const params: Record<string, string> = cursor
          ? { cursor, limit: '100' }
          : { updated_after: new Date(now - 3600_000).toISOString(), limit: '100' };
        const response: { body: any } = await call('GET', '/api/v1/orders', { params });
        expect(response.body.code).toBe('0');
        seen.push(...response.body.data.orders.map((o: { order_id: string }) => o.order_id));
        cursor = response.body.data.next_cursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(250);
      expect([...seen].sort()).toEqual([...ids].sort());
      const one = await call('GET', '/api/v1/orders', {
        params: { updated_after: new Date(now - 3600_000).toISOString(), limit: '1' },
      });
      expect(one.body.data.orders[0]).toMatchObject({
        order_id: expect.stringMatching(UUID),
        status: 'pending',
        total: 170_000,
        lines: [{ seller_sku: 'CF', sku_id: skuId, quantity: 2, unit_price: 85_000 }],
      });
      expect(Date.parse(one.body.data.orders[0].placed_at)).toBeGreaterThan(0);
      expect(
        (
          await call('GET', '/api/v1/orders', {
            params: { updated_after: new Date(now).toISOString(), limit: '101' },
          })
        ).body.code,
      ).toBe('InvalidParameter');
    });

    it('allows updated_after at most 15 days back; history placed earlier is still searchable by updated time', async () => {
      const { shop, call, ids } = await shopWithOrders(1);
      const now = await ctl.now();
      const day = 86_400_000;
      const old = (
        await ctl.placeOrder(shop.shopId, {
          lines: [{ sku: 'CF', quantity: 1 }],
          placedAt: new Date(now - 20 * day).toISOString(),
        })
      ).body.orderId;
      const recent = (
        await ctl.placeOrder(shop.shopId, {
          lines: [{ sku: 'CF', quantity: 1 }],
          placedAt: new Date(now - 2 * day).toISOString(),
        })
      ).body.orderId;
      const tooFar = await call('GET', '/api/v1/orders', {
        params: { updated_after: new Date(now - 16 * day).toISOString() },
      });
      expect(tooFar.body.code).toBe('InvalidParameter');
      const window = await call('GET', '/api/v1/orders', {
        params: { updated_after: new Date(now - 15 * day + 60_000).toISOString() },
      });
      expect(window.body.data.orders.map((o: { order_id: string }) => o.order_id)).toEqual([recent, ids[0]]);
      expect(window.body.data.orders[0].placed_at).toBe(new Date(now - 2 * day).toISOString());
      await ctl.moveOrder(shop.shopId, old, { status: 'confirmed' });
      const afterMove = await call('GET', '/api/v1/orders', {
        params: { updated_after: new Date(now - day).toISOString() },
      });
      expect(
        afterMove.body.data.orders.map((o: { order_id: string; status: string }) => [o.order_id, o.status]),
      ).toEqual([
        [ids[0], 'pending'],
        [old, 'confirmed'],
      ]);
    });

    it('confirms and cancels (reason_code) orders', async () => {
      const { call, ids } = await shopWithOrders(2);
      expect((await call('POST', `/api/v1/orders/${ids[0]}/confirm`)).body.data.status).toBe('confirmed');
      expect((await call('POST', `/api/v1/orders/${ids[0]}/confirm`)).body.code).toBe('InvalidParameter');
      expect((await call('POST', `/api/v1/orders/${ids[1]}/cancel`, { body: {} })).body.code).toBe(
        'InvalidParameter',
      );
      const cancelled = await call('POST', `/api/v1/orders/${ids[1]}/cancel`, {
        body: { reason_code: 'OUT_OF_STOCK' },
      });
      expect(cancelled.body.data).toMatchObject({ status: 'cancelled', cancel_reason_code: 'OUT_OF_STOCK' });
      expect((await call('POST', `/api/v1/orders/${randomUUID()}/confirm`)).body.code).toBe('NotFound');
    });
  });

  describe('webhooks', () => {
    const echo = (hook: { headers: Record<string, unknown> }) => ({
      status: 200,
      body: { code: 'success', transaction: hook.headers['x-postmart-transaction'] },
    });

    it('signs with a base64 HMAC of the raw body and a transaction uuid; an echo ends the delivery', async () => {
      const receiver = await startReceiver(echo);
      try {
        const { shop, call } = await shopClient();
        await ctl.patchShop(shop.shopId, { webhookUrl: receiver.url, webhookSecret: 'pm-secret' });
        await call('POST', '/api/v1/products', { body: productBody(shop.shopId, [['CF', 5]]) });
        const orderId = (await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'CF', quantity: 1 }] })).body
          .orderId;
        await call('POST', `/api/v1/orders/${orderId}/confirm`);
        await waitFor(() => receiver.received.length >= 2, 5000, 'two webhooks');
        for (const hook of receiver.received) {
          expect(hook.headers['x-postmart-hmac-sha256']).toBe(
            createHmac('sha256', 'pm-secret').update(hook.rawBody).digest('base64'),
          );
          expect(hook.headers['x-postmart-transaction']).toMatch(UUID);
        }
        expect(receiver.received.map((h) => [h.body.event, h.body.order.status])).toEqual([
          ['order.created', 'pending'],
          ['order.updated', 'confirmed'],
        ]);
        expect(receiver.received[1].body).toMatchObject({
          shop_id: shop.shopId,
          order: { order_id: orderId },
        });
        expect(typeof receiver.received[1].body.occurred_at).toBe('string');
        await ctl.advance(3600);
        await settle(200);
        expect(receiver.received).toHaveLength(2);
      } finally {
        await receiver.close();
      }
    });

    it('retries until the transaction is echoed in a 200 with code "success"', async () => {
      const answers = [
        () => ({ status: 200, body: {} }),
        () => ({ status: 200, body: { code: 'success', transaction: randomUUID() } }),
        () => ({ status: 500, body: {} }),
      ];
      const receiver = await startReceiver((hook, index) => (answers[index] ? answers[index]() : echo(hook)));
      try {
        const { shop, call } = await shopClient({});
        await ctl.patchShop(shop.shopId, { webhookUrl: receiver.url });
        await call('POST', '/api/v1/products', { body: productBody(shop.shopId, [['CF', 5]]) });
        await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'CF', quantity: 1 }] });
        await waitFor(() => receiver.received.length === 1, 5000, 'first attempt');
        for (const [minutes, expected] of [
          [1, 2],
          [3, 3],
          [6, 4],
        ] as const) {
          await ctl.advance(minutes * 60 + 1);
          await waitFor(() => receiver.received.length === expected, 5000, `attempt ${expected}`);
        }
        await ctl.advance(4 * 3600);
        await settle(250);
        expect(receiver.received).toHaveLength(4);
        expect(new Set(receiver.received.map((h) => h.headers['x-postmart-transaction'])).size).toBe(1);
      } finally {
        await receiver.close();
      }
    });

    it('gives up after 8 retries over 4 hours', async () => {
      const receiver = await startReceiver(() => ({ status: 200, body: { code: 'error' } }));
      try {
        const { shop, call } = await shopClient();
        await ctl.patchShop(shop.shopId, { webhookUrl: receiver.url });
        await call('POST', '/api/v1/products', { body: productBody(shop.shopId, [['CF', 5]]) });
        await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'CF', quantity: 1 }] });
        await waitFor(() => receiver.received.length === 1, 5000, 'first attempt');
        for (const [index, minutes] of [1, 3, 6, 10, 20, 40, 60, 100].entries()) {
          await ctl.advance(minutes * 60 + 1);
          await waitFor(() => receiver.received.length === index + 2, 5000, `retry ${index + 1}`);
        }
        await ctl.advance(24 * 3600);
        await settle(250);
        expect(receiver.received).toHaveLength(9);
      } finally {
        await receiver.close();
      }
    });
  });

  it('answers unknown routes and malformed JSON inside a 200, and counts calls', async () => {
    const { credentials, call } = await shopClient();
    const unknown = await http('GET', `${base}/api/v1/nothing`);
    expect(unknown.status).toBe(200);
    expect(unknown.body.code).toBe('NotFound');
    const now = await ctl.now();
    const raw = '{"shop_id":';
    const malformed = await http('POST', signedUrl(base, '/api/v1/products', credentials, {}, raw, now), {
      rawBody: raw,
    });
    expect(malformed.status).toBe(200);
    expect(malformed.body.code).toBe('InvalidParameter');
    await ctl.clearStats();
    await call('GET', '/api/v1/orders', { params: { updated_after: new Date(now).toISOString() } });
    await call('POST', `/api/v1/orders/${randomUUID()}/confirm`);
    await call('POST', `/api/v1/orders/${randomUUID()}/confirm`);
    expect(await ctl.stats()).toEqual({ 'GET /api/v1/orders': 1, 'POST /api/v1/orders/:orderId/confirm': 2 });
  });
});
