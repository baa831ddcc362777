import { createHmac } from 'node:crypto';
import { Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import { control, http, settle, startReceiver, startTestSandbox, waitFor } from './helpers';

/** Sendo-style contract (MARKETPLACES.md, "Sendo-style"), from outside over plain HTTP. */

const DAY = 86_400_000;
/** yyyy/MM/dd of an instant in Vietnam time, computed independently of the sandbox. */
function vnDay(ms: number): string {
  const d = new Date(ms + 7 * 3600_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`;
}

describe('Sendo-style marketplace', () => {
  let sandbox: Sandbox;
  let base: string;
  let ctl: ReturnType<typeof control>;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    base = sandbox.urls.sendo;
    ctl = control(base);
  });
  afterAll(() => sandbox.close());
  beforeEach(() => ctl.reset());

  async function login(credentials: Record<string, string>): Promise<string> {
    const response = await http('POST', `${base}/login`, { body: credentials });
    expect(response.status).toBe(200);
    return response.body.result.token as string;
  }

  async function shopWithToken(extra: Record<string, unknown> = {}) {
    const shop = await ctl.createShop(extra);
    const token = await login(shop.credentials);
    const call = (method: string, path: string, body?: unknown) =>
      http(method, `${base}${path}`, { body, headers: { authorization: `bearer ${token}` } });
    return { shop, token, call };
  }

  const simpleProduct = (sku: string, quantity = 10) => ({
    id: 0,
    name: `Chè Thái Nguyên ${sku}`,
    sku,
    price: 120_000,
    cat_4_id: 1234,
    description: 'Trà xanh',
    weight: 250,
    avatar: { picture_url: 'https://example.com/a.jpg' },
    pictures: [{ picture_url: 'https://example.com/b.jpg' }],
    stock_quantity: quantity,
    stock_availability: quantity > 0,
  });

  describe('login and tokens', () => {
    it('logs in with the shop keys and answers in the Sendo envelope', async () => {
      const shop = await ctl.createShop();
      const response = await http('POST', `${base}/login`, { body: shop.credentials });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ success: true, error: null, status_code: 200 });
      expect(typeof response.body.track_id).toBe('string');
      const { token, expires } = response.body.result;
      const [header, payload] = token.split('.');
      expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({ alg: 'HS256' });
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      expect(claims.exp - claims.iat).toBe(8 * 3600);
      expect(Date.parse(expires)).toBe(claims.exp * 1000);
    });

    it('refuses wrong keys with 401', async () => {
      const shop = await ctl.createShop();
      const response = await http('POST', `${base}/login`, {
        body: { shop_key: shop.credentials.shop_key, secret_key: 'wrong' },
      });
      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ success: false, status_code: 401 });
      expect(typeof response.body.error.message).toBe('string');
    });

    it('answers 429 to more than 5 logins a second from one client', async () => {
      const shop = await ctl.createShop();
      const statuses = (
        await Promise.all(
          Array.from({ length: 12 }, () => http('POST', `${base}/login`, { body: shop.credentials })),
        )
      ).map((response) => response.status);
      expect(statuses).toContain(429);
      expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(5);
      await ctl.advance(2);
      expect((await http('POST', `${base}/login`, { body: shop.credentials })).status).toBe(200);
    });

    it('answers 401 "token expired" to a missing, unknown or expired token', async () => {
      const { call, token } = await shopWithToken();
      expect((await call('POST', '/api/partner/salesorder/search', {})).status).toBe(200);
      const missing = await http('POST', `${base}/api/partner/salesorder/search`, { body: {} });
      expect(missing.status).toBe(401);
      expect(missing.body).toMatchObject({ success: false, error: { message: 'token expired' } });
      const forged = await http('POST', `${base}/api/partner/salesorder/search`, {
        body: {},
        headers: { authorization: `bearer ${token.slice(0, -4)}AAAA` },
      });
      expect(forged.status).toBe(401);
      await ctl.advance(8 * 3600 - 60);
      expect((await call('POST', '/api/partner/salesorder/search', {})).status).toBe(200);
      await ctl.advance(61);
      const expired = await call('POST', '/api/partner/salesorder/search', {});
      expect(expired.status).toBe(401);
      expect(expired.body.error.message).toBe('token expired');
    });

    it('honours a shorter token lifetime from the fault profile (expiry mid-run)', async () => {
      const shop = await ctl.createShop();
      await ctl.faults(shop.shopId, { tokenTtlSeconds: 30 });
      const token = await login(shop.credentials);
      const search = () =>
        http('POST', `${base}/api/partner/salesorder/search`, {
          body: {},
          headers: { authorization: `Bearer ${token}` },
        });
      expect((await search()).status).toBe(200);
      await ctl.advance(31);
      expect((await search()).status).toBe(401);
    });
  });

  describe('listings', () => {
    it('creates (id 0) and updates (id n) a product, with variants, as the marketplace holds them', async () => {
      const { shop, call } = await shopWithToken();
      const created = await call('POST', '/api/partner/product', simpleProduct('CHE-01', 7));
      expect(created.status).toBe(200);
      expect(typeof created.body.result).toBe('number');
      const variantProduct = await call('POST', '/api/partner/product', {
        ...simpleProduct('MAT-ONG', 0),
        stock_availability: true,
        is_config_variant: true,
        variants: [
          { variant_sku: 'MAT-ONG-250', variant_price: 90_000, variant_quantity: 5 },
          { variant_sku: 'MAT-ONG-500', variant_price: 160_000, variant_quantity: 0 },
        ],
      });
      expect(variantProduct.body).toMatchObject({ success: true });
      const updated = await call('POST', '/api/partner/product', {
        ...simpleProduct('CHE-01', 9),
        id: created.body.result,
        name: 'Chè Tân Cương',
        price: 130_000,
      });
      expect(updated.body.result).toBe(created.body.result);
      const listings = await ctl.listings(shop.shopId);
      expect(listings).toHaveLength(2);
      const che = listings.find((l: { productId: string }) => l.productId === String(created.body.result));
      expect(che).toMatchObject({
        name: 'Chè Tân Cương',
        status: 'active',
        categoryId: '1234',
        variants: [{ sku: 'CHE-01', price: 130_000, quantity: 9, weightGrams: 250 }],
      });
      const mat = listings.find(
        (l: { productId: string }) => l.productId === String(variantProduct.body.result),
      );
      expect(mat.variants.map((v: { sku: string; quantity: number }) => [v.sku, v.quantity])).toEqual([
        ['MAT-ONG-250', 5],
        ['MAT-ONG-500', 0],
      ]);
      const unknown = await call('POST', '/api/partner/product', { ...simpleProduct('X'), id: 999 });
      expect(unknown.status).toBe(404);
      const invalid = await call('POST', '/api/partner/product', { id: 0, name: 'no sku' });
      expect(invalid.status).toBe(400);
      expect(invalid.body).toMatchObject({ success: false, status_code: 400 });
    });

    it('enforces stock_availability = false when the quantity is 0', async () => {
      const { shop, call } = await shopWithToken();
      const refused = await call('POST', '/api/partner/product', {
        ...simpleProduct('Z', 0),
        stock_availability: true,
      });
      expect(refused.status).toBe(400);
      const id = (await call('POST', '/api/partner/product', simpleProduct('A', 5))).body.result;
      const result = await call('POST', '/api/partner/product/update-by-field-mask', [
        { id, field_mask: ['stock_quantity'], stock_quantity: 0 },
      ]);
      expect(result.body.result[0]).toMatchObject({ id, success: false });
      expect(result.body.result[0].error).toMatch(/stock_availability/);
      expect((await ctl.listings(shop.shopId))[0].variants[0].quantity).toBe(5);
      const fixed = await call('POST', '/api/partner/product/update-by-field-mask', [
        {
          id,
          field_mask: ['stock_quantity', 'stock_availability'],
          stock_quantity: 0,
          stock_availability: false,
        },
      ]);
      expect(fixed.body.result[0]).toEqual({ id, success: true, error: null });
      expect((await ctl.listings(shop.shopId))[0]).toMatchObject({
        available: false,
        variants: [{ quantity: 0 }],
      });
      expect((await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'A', quantity: 1 }] })).status).toBe(409);
    });

    it('updates stock and price by field mask, at most 50 items, each item alone', async () => {
      const { shop, call } = await shopWithToken();
      const ids: number[] = [];
      for (let i = 0; i < 3; i++)
        ids.push((await call('POST', '/api/partner/product', simpleProduct(`S${i}`, 5))).body.result);
      const tooMany = Array.from({ length: 51 }, () => ({
        id: ids[0],
        field_mask: ['stock_quantity'],
        stock_quantity: 1,
      }));
      const refused = await call('POST', '/api/partner/product/update-by-field-mask', tooMany);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ success: false, status_code: 400 });
      expect((await ctl.listings(shop.shopId))[0].variants[0].quantity).toBe(5);
      const fifty = Array.from({ length: 50 }, (_, i) => ({
        id: i === 49 ? 424242 : ids[i % 3],
        field_mask: ['stock_quantity', 'price'],
        stock_quantity: 20 + (i % 3),
        price: 99_000,
      }));
      const partial = await call('POST', '/api/partner/product/update-by-field-mask', fifty);
      expect(partial.status).toBe(200);
      expect(partial.body.result).toHaveLength(50);
      expect(partial.body.result.filter((r: { success: boolean }) => r.success)).toHaveLength(49);
      expect(partial.body.result[49]).toMatchObject({ id: 424242, success: false });
      const listings = await ctl.listings(shop.shopId);
      expect(listings.map((l: { variants: { quantity: number; price: number }[] }) => l.variants[0])).toEqual(
        [
          expect.objectContaining({ quantity: 20, price: 99_000 }),
          expect.objectContaining({ quantity: 21, price: 99_000 }),
          expect.objectContaining({ quantity: 22, price: 99_000 }),
        ],
      );
    });

    it('updates variants by field mask and delists with product_status 5; a deleted product cannot be updated', async () => {
      const { shop, call } = await shopWithToken();
      const id = (
        await call('POST', '/api/partner/product', {
          ...simpleProduct('V'),
          is_config_variant: true,
          variants: [
            { variant_sku: 'V-S', variant_price: 10_000, variant_quantity: 1 },
            { variant_sku: 'V-L', variant_price: 20_000, variant_quantity: 2 },
          ],
        })
      ).body.result;
      const variants = await call('POST', '/api/partner/product/update-by-field-mask', [
        {
          id,
          field_mask: ['variants'],
          variants: [{ variant_sku: 'V-L', variant_quantity: 8, variant_price: 25_000 }],
        },
        { id, field_mask: ['variants'], variants: [{ variant_sku: 'NOPE', variant_quantity: 1 }] },
      ]);
      expect(variants.body.result.map((r: { success: boolean }) => r.success)).toEqual([true, false]);
      expect((await ctl.listings(shop.shopId))[0].variants[1]).toMatchObject({
        sku: 'V-L',
        quantity: 8,
        price: 25_000,
      });
      const delist = await call('POST', '/api/partner/product/update-by-field-mask', [
        {
          id,
          field_mask: ['product_status', 'stock_availability'],
          product_status: 5,
          stock_availability: false,
        },
      ]);
      expect(delist.body.result[0].success).toBe(true);
      expect((await ctl.listings(shop.shopId))[0].status).toBe('delisted');
      const again = await call('POST', '/api/partner/product/update-by-field-mask', [
        { id, field_mask: ['stock_availability'], stock_availability: true },
      ]);
      expect(again.body.result[0]).toMatchObject({ success: false });
      expect(again.body.result[0].error).toMatch(/status 5/);
      const update = await call('POST', '/api/partner/product', { ...simpleProduct('V'), id });
      expect(update.status).toBe(400);
      expect((await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'V-L', quantity: 1 }] })).status).toBe(409);
    });
    it('refuses updates to a product awaiting approval (1) or cancelled (4); a rejected one (3) may be fixed', async () => {
      const { shop, call } = await shopWithToken();
      const id = (await call('POST', '/api/partner/product', simpleProduct('R', 5))).body.result;
      const review = (productStatus: number) =>
        http('POST', `${base}/_sandbox/shops/${shop.shopId}/listings/${id}/product-status`, {
          body: { productStatus },
        });
      const stock = () =>
        call('POST', '/api/partner/product/update-by-field-mask', [
          { id, field_mask: ['stock_quantity'], stock_quantity: 9 },
        ]);
      for (const frozen of [1, 4]) {
        expect((await review(frozen)).status).toBe(200);
        expect((await stock()).body.result[0]).toMatchObject({ success: false });
        expect((await call('POST', '/api/partner/product', { ...simpleProduct('R', 5), id })).status).toBe(
          400,
        );
        expect((await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'R', quantity: 1 }] })).status).toBe(409);
      }
      await review(3);
      expect((await stock()).body.result[0]).toMatchObject({ success: true });
      expect(
        (await call('POST', '/api/partner/product', { ...simpleProduct('R', 5), id })).body.success,
      ).toBe(true);
      expect((await ctl.listings(shop.shopId))[0].status).toBe('active');
    });
  });

  describe('orders', () => {
    async function shopWithStock(quantity = 1000) {
      const ctx = await shopWithToken();
      const productId = (await ctx.call('POST', '/api/partner/product', simpleProduct('CHE', quantity))).body
        .result;
      return { ...ctx, productId };
    }

    async function searchAll(
      call: (m: string, p: string, b?: unknown) => Promise<{ body: any }>,
      filter: object,
    ) {
      const seen: string[] = [];
      let token: string | null = null;
      let pages = 0;
      do {
        const response: { body: any } = await call(
          'POST',
          '/api/partner/salesorder/search',
          token ? { token } : filter,
        );
        expect(response.body.success).toBe(true);
        for (const row of response.body.result.data) seen.push(row.order_number);
        token = response.body.result.next_token;
        pages += 1;
      } while (token);
      return { seen, pages };
    }

    it('pages every order exactly once with page_size <= 50, and shows the order detail', async () => {
      const { shop, call, productId } = await shopWithStock();
      const placed = await ctl.placeOrder(shop.shopId, {
        orders: Array.from({ length: 120 }, () => ({ lines: [{ sku: 'CHE', quantity: 1 }], notify: false })),
      });
      const ids = placed.body.orders.map((o: { orderId: string }) => o.orderId);
      expect(new Set(ids).size).toBe(120);
      const { seen, pages } = await searchAll(call, { page_size: 50 });
      expect(pages).toBe(3);
      expect(seen.sort()).toEqual([...ids].sort());
      expect((await call('POST', '/api/partner/salesorder/search', { page_size: 51 })).status).toBe(400);
      const detail = await call('GET', `/api/partner/salesorder/${ids[0]}`);
      expect(detail.body.result.sales_order).toMatchObject({
        order_number: ids[0],
        order_status: 2,
        total_amount: 120_000,
      });
      expect(typeof detail.body.result.sales_order.order_date_time_stamp).toBe('number');
      expect(detail.body.result.sku_details).toEqual([
        { sku: 'CHE', product_id: productId, quantity: 1, price: 120_000 },
      ]);
      expect((await call('GET', '/api/partner/salesorder/0000')).status).toBe(404);
      const byStatus = await searchAll(call, { page_size: 50, order_status: 3 });
      expect(byStatus.seen).toEqual([]);
    });

    it('expires a paging token after 5 minutes (400), and the client starts over', async () => {
      const { shop, call } = await shopWithStock();
      await ctl.placeOrder(shop.shopId, {
        orders: Array.from({ length: 30 }, () => ({ lines: [{ sku: 'CHE', quantity: 1 }], notify: false })),
      });
      const first = await call('POST', '/api/partner/salesorder/search', { page_size: 10 });
      const token = first.body.result.next_token;
      expect(typeof token).toBe('string');
      const page2 = (await call('POST', '/api/partner/salesorder/search', { token })).body.result;
      expect(page2.data).toHaveLength(10);
      // A page can be fetched again with the same token (a retry after a lost answer) until it expires.
      expect((await call('POST', '/api/partner/salesorder/search', { token })).body.result).toEqual(
        expect.objectContaining({ data: page2.data }),
      );
      const second = await call('POST', '/api/partner/salesorder/search', { page_size: 10 });
      await ctl.advance(301);
      const expired = await call('POST', '/api/partner/salesorder/search', {
        token: second.body.result.next_token,
      });
      expect(expired.status).toBe(400);
      expect(expired.body).toMatchObject({ success: false, status_code: 400 });
      const { seen } = await searchAll(call, { page_size: 10 });
      expect(new Set(seen).size).toBe(30);
    });

    it('searches a status-date window of at most 3 days; none given means the last 7 days', async () => {
      const { shop, call } = await shopWithStock();
      const now = await ctl.now();
      const byDay = new Map<number, string>();
      for (const daysAgo of [1, 2, 3, 4, 5, 8, 10]) {
        const response = await ctl.placeOrder(shop.shopId, {
          lines: [{ sku: 'CHE', quantity: 1 }],
          placedAt: new Date(now - daysAgo * DAY).toISOString(),
          notify: false,
        });
        byDay.set(daysAgo, response.body.orderId);
      }
      const window = await searchAll(call, {
        page_size: 50,
        order_status_date_from: vnDay(now - 4 * DAY),
        order_status_date_to: vnDay(now - 2 * DAY),
      });
      expect(window.seen.sort()).toEqual([byDay.get(2), byDay.get(3), byDay.get(4)].sort());
      const tooWide = await call('POST', '/api/partner/salesorder/search', {
        order_status_date_from: vnDay(now - 5 * DAY),
        order_status_date_to: vnDay(now - 2 * DAY),
      });
      expect(tooWide.status).toBe(400);
      expect(
        (await call('POST', '/api/partner/salesorder/search', { order_status_date_from: '2026-01-01' }))
          .status,
      ).toBe(400);
      const recent = await searchAll(call, { page_size: 50 });
      expect(recent.seen.sort()).toEqual([1, 2, 3, 4, 5].map((d) => byDay.get(d)).sort());
    });

    it('confirms (3) and cancels (13) orders; a cancelled order gives its stock back', async () => {
      const { shop, call } = await shopWithStock(5);
      const orderId = (await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'CHE', quantity: 2 }] })).body
        .orderId;
      expect((await ctl.listings(shop.shopId))[0].variants[0].quantity).toBe(3);
      const confirm = await call('PUT', '/api/partner/salesorder', {
        order_number: orderId,
        order_status: 3,
      });
      expect(confirm.body).toMatchObject({ success: true, result: { order_status: 3 } });
      expect(
        (await call('PUT', '/api/partner/salesorder', { order_number: orderId, order_status: 3 })).status,
      ).toBe(400);
      const cancel = await call('PUT', '/api/partner/salesorder', {
        order_number: orderId,
        order_status: 13,
        cancel_order_reason: 'out of stock',
      });
      expect(cancel.body.result.order_status).toBe(13);
      expect((await ctl.listings(shop.shopId))[0].variants[0].quantity).toBe(5);
      expect(
        (await call('PUT', '/api/partner/salesorder', { order_number: orderId, order_status: 7 })).status,
      ).toBe(400);
    });
  });

  describe('webhooks', () => {
    it('pushes SALESORDER.CREATE / UPDATE signed with a hex HMAC of the raw body', async () => {
      const receiver = await startReceiver();
      try {
        const { shop, call } = await shopWithToken({
          webhookUrl: receiver.url,
          webhookSecret: 'sendo-secret',
        });
        await call('POST', '/api/partner/product', simpleProduct('CHE', 5));
        const orderId = (await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'CHE', quantity: 1 }] })).body
          .orderId;
        await call('PUT', '/api/partner/salesorder', { order_number: orderId, order_status: 3 });
        await waitFor(() => receiver.received.length >= 2, 5000, 'two webhooks');
        for (const hook of receiver.received) {
          const expected = createHmac('sha256', 'sendo-secret').update(hook.rawBody).digest('hex');
          expect(hook.headers['x-sendo-signature']).toBe(expected);
        }
        expect(receiver.received.map((h) => h.body)).toEqual([
          {
            type: 'SALESORDER.CREATE',
            shop_id: shop.shopId,
            data: expect.objectContaining({ order_number: orderId, order_status: 2 }),
          },
          {
            type: 'SALESORDER.UPDATE',
            shop_id: shop.shopId,
            data: expect.objectContaining({ order_number: orderId, order_status: 3 }),
          },
        ]);
        expect(typeof receiver.received[0].body.data.updated_at).toBe('number');
      } finally {
        await receiver.close();
      }
    });

    it('retries 3 times, 1, 5 and 15 minutes apart on the sandbox clock, when not answered 2xx', async () => {
      const receiver = await startReceiver(() => ({ status: 500 }));
      try {
        const { shop, call } = await shopWithToken({ webhookUrl: receiver.url });
        await call('POST', '/api/partner/product', simpleProduct('CHE', 5));
        await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'CHE', quantity: 1 }] });
        await waitFor(() => receiver.received.length === 1, 5000, 'first attempt');
        await ctl.advance(50);
        await settle(250);
        expect(receiver.received).toHaveLength(1);
        await ctl.advance(11);
        await waitFor(() => receiver.received.length === 2, 5000, 'retry 1');
        await ctl.advance(4 * 60);
        await settle(250);
        expect(receiver.received).toHaveLength(2);
        await ctl.advance(61);
        await waitFor(() => receiver.received.length === 3, 5000, 'retry 2');
        await ctl.advance(15 * 60 + 1);
        await waitFor(() => receiver.received.length === 4, 5000, 'retry 3');
        await ctl.advance(24 * 3600);
        await settle(250);
        expect(receiver.received).toHaveLength(4);
        expect(new Set(receiver.received.map((h) => h.rawBody)).size).toBe(1);
      } finally {
        await receiver.close();
      }
    });
  });

  describe('faults, errors and counters', () => {
    it('answers random 500/502 at the error rate and slows answers by latencyMs', async () => {
      const { shop, call } = await shopWithToken();
      await ctl.faults(shop.shopId, { seed: 7, errorRate: 1 });
      const failed = await call('POST', '/api/partner/salesorder/search', {});
      expect([500, 502]).toContain(failed.status);
      expect(failed.body).toMatchObject({ success: false, status_code: failed.status });
      await ctl.faults(shop.shopId, { errorRate: 0, latencyMs: 150 });
      const started = Date.now();
      expect((await call('POST', '/api/partner/salesorder/search', {})).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });

    it('answers unknown routes and malformed JSON in the envelope, without crashing', async () => {
      const { token } = await shopWithToken();
      const unknown = await http('GET', `${base}/api/partner/nothing`);
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ success: false, status_code: 404 });
      const malformed = await http('POST', `${base}/api/partner/product`, {
        rawBody: '{"id": 0, "name": ',
        headers: { authorization: `bearer ${token}` },
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body).toMatchObject({ success: false, status_code: 400 });
      expect((await http('POST', `${base}/login`, { rawBody: 'not json' })).body.status_code).toBe(400);
    });

    it('counts calls per endpoint', async () => {
      const { call } = await shopWithToken();
      await call('POST', '/api/partner/salesorder/search', {});
      await call('POST', '/api/partner/salesorder/search', {});
      await call('GET', '/api/partner/salesorder/123');
      const calls = await ctl.stats();
      expect(calls).toMatchObject({
        'POST /login': 1,
        'POST /api/partner/salesorder/search': 2,
        'GET /api/partner/salesorder/:order_number': 1,
      });
      await ctl.clearStats();
      expect(await ctl.stats()).toEqual({});
    });
  });
});
