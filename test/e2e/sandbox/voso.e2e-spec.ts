import { createHmac } from 'node:crypto';
import { Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import { control, http, settle, startReceiver, startTestSandbox, waitFor } from './helpers';

/** Voso-style contract (MARKETPLACES.md, "Voso-style"), from outside over plain HTTP. */

/** The test's own check of X-Voso-Signature: t=<unix>,v1=<hex HMAC(secret, t + "." + raw body)>. */
function verifyVosoSignature(
  header: string | undefined,
  secret: string,
  rawBody: string,
  nowMs: number,
): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const t = Number(match[1]);
  if (Math.abs(nowMs / 1000 - t) > 300) return false;
  return createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex') === match[2];
}

describe('Voso-style marketplace', () => {
  let sandbox: Sandbox;
  let base: string;
  let ctl: ReturnType<typeof control>;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    base = sandbox.urls.voso;
    ctl = control(base);
  });
  afterAll(() => sandbox.close());
  beforeEach(() => ctl.reset());

  async function shopWithToken(extra: Record<string, unknown> = {}) {
    const shop = await ctl.createShop(extra);
    const login = await http('POST', `${base}/v2/user/Login`, { body: shop.credentials });
    expect(login.body).toMatchObject({ status: 200, error: false, message: 'OK' });
    const token = login.body.data.token as string;
    const call = (method: string, path: string, body?: unknown) =>
      http(method, `${base}${path}`, { body, headers: { Token: token } });
    return { shop, token, call };
  }

  const product = (skus: [string, number][], name = 'Mật ong bạc hà') => ({
    PRODUCT_NAME: name,
    CATEGORY_CODE: 'THUC_PHAM',
    DESCRIPTION: 'Mật ong Hà Giang',
    IMAGES: ['https://example.com/1.jpg'],
    VARIANTS: skus.map(([sku, quantity]) => ({
      PRODUCT_SKU: sku,
      PRICE: 150_000,
      QUANTITY: quantity,
      WEIGHT: 500,
    })),
  });

  describe('login and tokens', () => {
    it('logs in with USERNAME/PASSWORD; the token lives 24 hours', async () => {
      const shop = await ctl.createShop();
      const now = await ctl.now();
      const response = await http('POST', `${base}/v2/user/Login`, { body: shop.credentials });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ status: 200, error: false, message: 'OK' });
      expect(response.body.data.expires_at).toMatch(/\+07:00$/);
      expect(Math.abs(Date.parse(response.body.data.expires_at) - now - 24 * 3600_000)).toBeLessThan(5000);
    });

    it('answers HTTP 200 with a 401 body to wrong keys and stale tokens: the body decides', async () => {
      const shop = await ctl.createShop();
      const wrong = await http('POST', `${base}/v2/user/Login`, {
        body: { USERNAME: shop.credentials.USERNAME, PASSWORD: 'nope' },
      });
      expect(wrong.status).toBe(200);
      expect(wrong.body).toMatchObject({ status: 401, error: true });
      const { call } = await shopWithToken();
      expect((await call('GET', '/v2/orders')).body.status).toBe(200);
      const unknown = await http('GET', `${base}/v2/orders`, { headers: { Token: 'bogus' } });
      expect(unknown.status).toBe(200);
      expect(unknown.body).toMatchObject({ status: 401, error: true, data: null });
      await ctl.advance(24 * 3600 + 1);
      const stale = await call('GET', '/v2/orders');
      expect(stale.status).toBe(200);
      expect(stale.body).toMatchObject({ status: 401, error: true });
      expect(typeof stale.body.message).toBe('string');
    });
  });

  describe('listings and stock', () => {
    it('creates, updates and delists a product with variants', async () => {
      const { shop, call } = await shopWithToken();
      const created = await call(
        'POST',
        '/v2/products',
        product([
          ['MO-250', 4],
          ['MO-500', 2],
        ]),
      );
      expect(created.body).toMatchObject({ status: 200, error: false });
      const id = created.body.data.PRODUCT_ID;
      expect(typeof id).toBe('number');
      const updated = await call('PUT', `/v2/products/${id}`, product([['MO-250', 9]], 'Mật ong rừng'));
      expect(updated.body.data).toEqual({ PRODUCT_ID: id });
      expect(await ctl.listings(shop.shopId)).toEqual([
        expect.objectContaining({
          productId: String(id),
          name: 'Mật ong rừng',
          status: 'active',
          categoryId: 'THUC_PHAM',
          variants: [{ sku: 'MO-250', variantId: 'MO-250', price: 150_000, quantity: 9, weightGrams: 500 }],
        }),
      ]);
      expect((await call('PUT', '/v2/products/1', product([['X', 1]]))).body.status).toBe(404);
      expect((await call('POST', '/v2/products', { PRODUCT_NAME: 'no variants' })).body).toMatchObject({
        status: 400,
        error: true,
      });
      expect((await call('DELETE', `/v2/products/${id}`)).body.status).toBe(200);
      expect((await ctl.listings(shop.shopId))[0].status).toBe('delisted');
      expect((await call('PUT', `/v2/products/${id}`, product([['MO-250', 9]]))).body.status).toBe(400);
      expect((await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'MO-250', quantity: 1 }] })).status).toBe(
        409,
      );
    });

    it('updates stock in bulk: at most 100 items, partial success is normal', async () => {
      const { shop, call } = await shopWithToken();
      await call(
        'POST',
        '/v2/products',
        product(Array.from({ length: 60 }, (_, i) => [`A${i}`, 1] as [string, number])),
      );
      const gone = (await call('POST', '/v2/products', product([['GONE', 1]]))).body.data.PRODUCT_ID;
      await call('DELETE', `/v2/products/${gone}`);
      const tooMany = await call('POST', '/v2/inventory/bulk', {
        ITEMS: Array.from({ length: 101 }, (_, i) => ({ PRODUCT_SKU: `A${i % 60}`, QUANTITY: 50 })),
      });
      expect(tooMany.body).toMatchObject({ status: 400, error: true });
      expect((await ctl.listings(shop.shopId))[0].variants[0].quantity).toBe(1);
      const items = [
        ...Array.from({ length: 60 }, (_, i) => ({ PRODUCT_SKU: `A${i}`, QUANTITY: i })),
        { PRODUCT_SKU: 'UNKNOWN', QUANTITY: 3 },
        { PRODUCT_SKU: 'GONE', QUANTITY: 3 },
        { PRODUCT_SKU: 'A1', QUANTITY: -1 },
      ];
      const partial = await call('POST', '/v2/inventory/bulk', { ITEMS: items });
      expect(partial.body.status).toBe(200);
      expect(partial.body.data.SUCCESS).toHaveLength(60);
      expect(partial.body.data.FAILED).toEqual([
        { PRODUCT_SKU: 'UNKNOWN', REASON: expect.any(String) },
        { PRODUCT_SKU: 'GONE', REASON: expect.any(String) },
        { PRODUCT_SKU: 'A1', REASON: expect.any(String) },
      ]);
      const variants = (await ctl.listings(shop.shopId))[0].variants;
      expect(variants[59].quantity).toBe(59);
      expect(variants[1].quantity).toBe(1);
    });
  });

  describe('orders', () => {
    async function shopWithOrders(count: number) {
      const ctx = await shopWithToken();
      await ctx.call('POST', '/v2/products', product([['MO', 100_000]]));
      const placed = await ctl.placeOrder(ctx.shop.shopId, {
        orders: Array.from({ length: count }, () => ({ lines: [{ sku: 'MO', quantity: 1 }], notify: false })),
      });
      return { ...ctx, ids: placed.body.orders.map((o: { orderId: string }) => o.orderId) as string[] };
    }

    it('pages with page/size (<= 100): every order exactly once while nothing changes', async () => {
      const { call, ids } = await shopWithOrders(250);
      const seen: string[] = [];
      for (let page = 1; page <= 3; page++) {
        const response = await call('GET', `/v2/orders?page=${page}&size=100`);
        expect(response.body.data.TOTAL).toBe(250);
        seen.push(...response.body.data.ITEMS.map((o: { ORDER_NUMBER: string }) => o.ORDER_NUMBER));
      }
      expect(seen).toHaveLength(250);
      expect([...seen].sort()).toEqual([...ids].sort());
      expect((await call('GET', '/v2/orders?page=4&size=100')).body.data.ITEMS).toEqual([]);
      expect((await call('GET', '/v2/orders?page=1&size=101')).body).toMatchObject({
        status: 400,
        error: true,
      });
      const order = (await call('GET', '/v2/orders?page=1&size=1')).body.data.ITEMS[0];
      expect(order).toMatchObject({
        ORDER_NUMBER: expect.stringMatching(/^VOSO\d{10}$/),
        STATUS: 'CHO_DUYET',
        CREATED_AT: expect.stringMatching(/\+07:00$/),
        UPDATED_AT: expect.stringMatching(/\+07:00$/),
        TOTAL_AMOUNT: 150_000,
        ITEMS: [{ PRODUCT_ID: expect.any(Number), PRODUCT_SKU: 'MO', QUANTITY: 1, PRICE: 150_000 }],
      });
    });

    it('lets rows shift between pages when orders change; updated_from catches them again', async () => {
      const { call, ids } = await shopWithOrders(30);
      const page1 = (await call('GET', '/v2/orders?page=1&size=10')).body.data.ITEMS;
      const moved = page1[0].ORDER_NUMBER;
      await ctl.advance(1);
      expect((await call('POST', `/v2/orders/${moved}/confirm`)).body.data.STATUS).toBe('DA_DUYET');
      const page2 = (await call('GET', '/v2/orders?page=2&size=10')).body.data.ITEMS;
      const page3 = (await call('GET', '/v2/orders?page=3&size=10')).body.data.ITEMS;
      const seen = [...page1, ...page2, ...page3].map((o: { ORDER_NUMBER: string }) => o.ORDER_NUMBER);
      const missed = ids.filter((id) => !seen.includes(id));
      expect(missed).toHaveLength(1);
      const since = page1[page1.length - 1].UPDATED_AT;
      const again = (
        await call('GET', `/v2/orders?page=1&size=100&updated_from=${encodeURIComponent(since)}`)
      ).body.data;
      const numbers = again.ITEMS.map((o: { ORDER_NUMBER: string }) => o.ORDER_NUMBER);
      expect(numbers).toEqual(expect.arrayContaining([...missed, moved]));
      expect(again.ITEMS[again.ITEMS.length - 1]).toMatchObject({ ORDER_NUMBER: moved, STATUS: 'DA_DUYET' });
    });

    it('confirms and cancels (with a REASON); a cancel gives the stock back', async () => {
      const { shop, call, ids } = await shopWithOrders(2);
      expect((await call('POST', `/v2/orders/${ids[0]}/confirm`)).body.data.STATUS).toBe('DA_DUYET');
      expect((await call('POST', `/v2/orders/${ids[0]}/confirm`)).body).toMatchObject({
        status: 400,
        error: true,
      });
      expect((await call('POST', `/v2/orders/${ids[1]}/cancel`, {})).body.status).toBe(400);
      const cancelled = await call('POST', `/v2/orders/${ids[1]}/cancel`, { REASON: 'Khách đổi ý' });
      expect(cancelled.body.data).toMatchObject({ STATUS: 'HUY', CANCEL_REASON: 'Khách đổi ý' });
      expect((await ctl.listings(shop.shopId))[0].variants[0].quantity).toBe(100_000 - 1);
      expect((await call('POST', '/v2/orders/VOSO9999999999/confirm')).body.status).toBe(404);
    });

    it('cancels an order not confirmed within 24 hours, and pushes the change', async () => {
      const receiver = await startReceiver();
      try {
        const { shop, call } = await shopWithToken({ webhookUrl: receiver.url });
        await call('POST', '/v2/products', product([['MO', 10]]));
        const late = (await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'MO', quantity: 2 }] })).body
          .orderId;
        const confirmed = (await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'MO', quantity: 3 }] })).body
          .orderId;
        await call('POST', `/v2/orders/${confirmed}/confirm`);
        await ctl.advance(24 * 3600 - 60);
        expect((await ctl.order(shop.shopId, late)).status).toBe('CHO_DUYET');
        await ctl.advance(61);
        await call('POST', '/v2/user/Login', shop.credentials);
        expect((await ctl.order(shop.shopId, late)).status).toBe('HUY');
        expect((await ctl.order(shop.shopId, confirmed)).status).toBe('DA_DUYET');
        expect((await ctl.listings(shop.shopId))[0].variants[0].quantity).toBe(7);
        const hook = await waitFor(
          () =>
            receiver.received.find(
              (h) => h.body.EVENT_TYPE === 'ORDER_STATUS_CHANGED' && h.body.DATA.STATUS === 'HUY',
            ),
          5000,
          'auto-cancel webhook',
        );
        expect(hook.body.DATA.ORDER_NUMBER).toBe(late);
      } finally {
        await receiver.close();
      }
    });
  });

  describe('faults', () => {
    it('throttles with 429 and Retry-After (default 20 calls a second per shop)', async () => {
      const { shop, call } = await shopWithToken();
      const responses = await Promise.all(
        Array.from({ length: 45 }, () => call('GET', '/v2/orders?page=1&size=1')),
      );
      const throttled = responses.find((response) => response.status === 429);
      expect(throttled?.body).toMatchObject({ status: 429, error: true });
      const retryAfter = throttled?.headers.get('retry-after');
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      await ctl.faults(shop.shopId, { rateLimitPerSecond: 2 });
      await ctl.advance(1);
      // at once: calls one after another on a loaded machine could straddle several windows; 8 at
      // once straddle at most two, which let 4 through
      const burst = await Promise.all(
        Array.from({ length: 8 }, async () => (await call('GET', '/v2/orders')).status),
      );
      expect(burst.filter((status) => status === 429).length).toBeGreaterThanOrEqual(2);
    });

    it('answers 503 with an HTML page during maintenance', async () => {
      const { shop, call } = await shopWithToken();
      await ctl.faults(shop.shopId, { maintenance: true });
      const response = await call('GET', '/v2/orders');
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
      expect(response.text).toMatch(/<html/i);
      await ctl.faults(shop.shopId, { maintenance: false });
      expect((await call('GET', '/v2/orders')).status).toBe(200);
    });

    it('answers unknown routes and malformed JSON in the envelope', async () => {
      const { token } = await shopWithToken();
      const unknown = await http('GET', `${base}/v2/nothing`);
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ status: 404, error: true });
      const malformed = await http('POST', `${base}/v2/products`, {
        rawBody: '{"PRODUCT_NAME":',
        headers: { Token: token },
      });
      expect(malformed.status).toBe(200);
      expect(malformed.body).toMatchObject({ status: 400, error: true });
    });
  });

  describe('webhooks', () => {
    it('signs with t=<unix>,v1=<hex HMAC(secret, t.body)> and carries EVENT_ID, EVENT_TYPE, SHOP_ID, DATA', async () => {
      const receiver = await startReceiver();
      try {
        const { shop, call } = await shopWithToken({
          webhookUrl: receiver.url,
          webhookSecret: 'voso-secret',
        });
        await call('POST', '/v2/products', product([['MO', 10]]));
        const orderId = (await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'MO', quantity: 1 }] })).body
          .orderId;
        await call('POST', `/v2/orders/${orderId}/confirm`);
        await waitFor(() => receiver.received.length >= 2, 5000, 'two webhooks');
        const now = await ctl.now();
        for (const hook of receiver.received) {
          expect(
            verifyVosoSignature(hook.headers['x-voso-signature'] as string, 'voso-secret', hook.rawBody, now),
          ).toBe(true);
          expect(
            verifyVosoSignature(hook.headers['x-voso-signature'] as string, 'other', hook.rawBody, now),
          ).toBe(false);
        }
        const [created, changed] = receiver.received.map((h) => h.body);
        expect(created).toMatchObject({
          EVENT_TYPE: 'ORDER_CREATED',
          SHOP_ID: shop.shopId,
          DATA: { ORDER_NUMBER: orderId },
        });
        expect(changed).toMatchObject({ EVENT_TYPE: 'ORDER_STATUS_CHANGED', DATA: { STATUS: 'DA_DUYET' } });
        expect(created.EVENT_ID).not.toBe(changed.EVENT_ID);
      } finally {
        await receiver.close();
      }
    });

    it('retries with exponential backoff (1, 2, 4 … minutes), re-signing each attempt with a fresh t', async () => {
      let failing = true;
      const receiver = await startReceiver(() => ({ status: failing ? 503 : 200 }));
      try {
        const { shop, call } = await shopWithToken({ webhookUrl: receiver.url });
        await call('POST', '/v2/products', product([['MO', 10]]));
        await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'MO', quantity: 1 }] });
        await waitFor(() => receiver.received.length === 1, 5000, 'first attempt');
        for (const [minutes, expected] of [
          [1, 2],
          [2, 3],
          [4, 4],
          [8, 5],
        ] as const) {
          await ctl.advance(minutes * 60 - 5);
          await settle(200);
          expect(receiver.received).toHaveLength(expected - 1);
          await ctl.advance(6);
          await waitFor(() => receiver.received.length === expected, 5000, `attempt ${expected}`);
          const now = await ctl.now();
          const hook = receiver.received[expected - 1];
          expect(
            verifyVosoSignature(
              hook.headers['x-voso-signature'] as string,
              shop.webhookSecret,
              hook.rawBody,
              now,
            ),
          ).toBe(true);
        }
        const eventIds = new Set(receiver.received.map((h) => h.body.EVENT_ID));
        expect(eventIds.size).toBe(1);
        failing = false;
        await ctl.advance(16 * 60 + 1);
        await waitFor(() => receiver.received.length === 6, 5000, 'the successful attempt');
        await ctl.advance(24 * 3600);
        await settle(200);
        expect(receiver.received.filter((h) => h.body.EVENT_TYPE === 'ORDER_CREATED')).toHaveLength(6);
      } finally {
        await receiver.close();
      }
    });

    it('gives up after 24 hours of failures', async () => {
      const receiver = await startReceiver(() => ({ status: 500 }));
      try {
        const { shop, call } = await shopWithToken({ webhookUrl: receiver.url });
        await call('POST', '/v2/products', product([['MO', 10]]));
        await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'MO', quantity: 1 }] });
        await waitFor(() => receiver.received.length === 1, 5000, 'first attempt');
        const eventId = receiver.received[0].body.EVENT_ID;
        const attempts = () => receiver.received.filter((h) => h.body.EVENT_ID === eventId);
        // Backoff 1, 2, 4 … 512 minutes, then a last try 24 hours after the first attempt.
        for (const minutes of [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 417]) {
          const before = attempts().length;
          await ctl.advance(minutes * 60 + 2);
          await waitFor(() => attempts().length === before + 1, 5000, `retry after ${minutes} min`);
        }
        await ctl.advance(48 * 3600);
        await settle(250);
        const all = attempts();
        expect(all).toHaveLength(12);
        const t = (hook: (typeof all)[number]) =>
          Number(/t=(\d+)/.exec(hook.headers['x-voso-signature'] as string)?.[1]);
        expect(t(all[11]) - t(all[0])).toBeGreaterThanOrEqual(24 * 3600);
        expect(t(all[11]) - t(all[0])).toBeLessThanOrEqual(24 * 3600 + 60);
      } finally {
        await receiver.close();
      }
    });
  });

  it('counts calls per endpoint', async () => {
    const { call } = await shopWithToken();
    await call('GET', '/v2/orders');
    await call('POST', '/v2/orders/VOSO0000000001/confirm');
    expect(await ctl.stats()).toMatchObject({
      'POST /v2/user/Login': 1,
      'GET /v2/orders': 1,
      'POST /v2/orders/:orderNumber/confirm': 1,
    });
  });
});
