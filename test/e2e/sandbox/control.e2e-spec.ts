import { createHmac } from 'node:crypto';
import { Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import { control, http, settle, startReceiver, startTestSandbox, waitFor } from './helpers';

/** The /_sandbox control API (MARKETPLACES.md, last section), the same on all three ports. */

describe('sandbox control API', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());
  beforeEach(() => Promise.all(['sendo', 'voso', 'postmart'].map((name) => control(urlOf(name)).reset())));

  const urlOf = (name: string) => sandbox.urls[name as keyof Sandbox['urls']];

  /** Lists one product with the given SKUs through the marketplace's own API (plain HTTP, minimal signing). */
  async function seedVoso(skus: [string, number][]) {
    const ctl = control(sandbox.urls.voso);
    const shop = await ctl.createShop();
    const token = (await http('POST', `${sandbox.urls.voso}/v2/user/Login`, { body: shop.credentials })).body
      .data.token;
    const created = await http('POST', `${sandbox.urls.voso}/v2/products`, {
      headers: { Token: token },
      body: {
        PRODUCT_NAME: 'Nước mắm Phú Quốc',
        CATEGORY_CODE: 'GIA_VI',
        VARIANTS: skus.map(([sku, quantity]) => ({
          PRODUCT_SKU: sku,
          PRICE: 60_000,
          QUANTITY: quantity,
          WEIGHT: 700,
        })),
      },
    });
    expect(created.body.status).toBe(200);
    return { ctl, shop, token };
  }

  async function seedSendo(sku: string, quantity: number, extra: Record<string, unknown> = {}) {
    const ctl = control(sandbox.urls.sendo);
    const shop = await ctl.createShop(extra);
    const token = (await http('POST', `${sandbox.urls.sendo}/login`, { body: shop.credentials })).body.result
      .token;
    await http('POST', `${sandbox.urls.sendo}/api/partner/product`, {
      headers: { authorization: `bearer ${token}` },
      body: {
        id: 0,
        name: 'Nem chua Thanh Hóa',
        sku,
        price: 50_000,
        cat_4_id: 1,
        weight: 300,
        stock_quantity: quantity,
        stock_availability: quantity > 0,
      },
    });
    return { ctl, shop, token };
  }

  /** Lists one Postmart product over HTTP, signed here (uppercase hex HMAC of path + sorted params + body). */
  async function seedPostmart(
    shop: { shopId: string; credentials: Record<string, string> },
    sku: string,
    quantity: number,
  ) {
    const path = '/api/v1/products';
    const body = JSON.stringify({
      shop_id: shop.shopId,
      name: 'Cà phê',
      category: 'coffee',
      skus: [{ seller_sku: sku, price: 1000, quantity, weight_grams: 1 }],
    });
    const timestamp = String(await control(sandbox.urls.postmart).now());
    const text = `${path}app_key${shop.credentials.app_key}timestamp${timestamp}${body}`;
    const sign = createHmac('sha256', shop.credentials.app_secret).update(text).digest('hex').toUpperCase();
    const query = new URLSearchParams({ app_key: shop.credentials.app_key, timestamp, sign });
    const response = await http('POST', `${sandbox.urls.postmart}${path}?${query.toString()}`, {
      rawBody: body,
    });
    expect(response.body.code).toBe('0');
  }

  it('creates shops with each style’s credentials; shop ids are unique', async () => {
    const sendo = await control(sandbox.urls.sendo).createShop({ shopId: 'my-shop' });
    expect(sendo).toEqual({
      shopId: 'my-shop',
      credentials: { shop_key: expect.any(String), secret_key: expect.any(String) },
      webhookSecret: expect.any(String),
    });
    expect(
      (await http('POST', `${sandbox.urls.sendo}/_sandbox/shops`, { body: { shopId: 'my-shop' } })).status,
    ).toBe(409);
    const voso = await control(sandbox.urls.voso).createShop({ webhookSecret: 's3cret' });
    expect(voso.credentials).toEqual({ USERNAME: expect.any(String), PASSWORD: expect.any(String) });
    expect(voso.webhookSecret).toBe('s3cret');
    const postmart = await control(sandbox.urls.postmart).createShop();
    expect(postmart.credentials).toEqual({ app_key: expect.any(String), app_secret: expect.any(String) });
    expect(
      (await http('POST', `${sandbox.urls.voso}/_sandbox/shops`, { body: { webhookUrl: 'not a url' } }))
        .status,
    ).toBe(400);
    expect(
      (await control(sandbox.urls.voso).patchShop(voso.shopId, { webhookUrl: 'http://127.0.0.1:1/x' }))
        .status,
    ).toBe(200);
    expect((await control(sandbox.urls.voso).patchShop('nobody', {})).status).toBe(404);
  });

  it('refuses (409) a buyer order above the held stock, for an unknown SKU, or a product not for sale; decrements stock', async () => {
    const { ctl, shop } = await seedVoso([
      ['NM-500', 5],
      ['NM-1L', 0],
    ]);
    expect((await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'NM-500', quantity: 6 }] })).status).toBe(409);
    expect(
      (
        await ctl.placeOrder(shop.shopId, {
          lines: [
            { sku: 'NM-500', quantity: 3 },
            { sku: 'NM-500', quantity: 3 },
          ],
        })
      ).status,
    ).toBe(409);
    expect((await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'NM-1L', quantity: 1 }] })).status).toBe(409);
    expect((await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'NOPE', quantity: 1 }] })).status).toBe(409);
    expect((await ctl.listings(shop.shopId))[0].variants[0].quantity).toBe(5);
    const placed = await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'NM-500', quantity: 5 }] });
    expect(placed.status).toBe(201);
    expect(placed.body).toEqual({ orderId: expect.stringMatching(/^VOSO\d{10}$/), status: 'CHO_DUYET' });
    expect((await ctl.listings(shop.shopId))[0].variants[0].quantity).toBe(0);
    expect((await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'NM-500', quantity: 1 }] })).status).toBe(409);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect(
      (await ctl.placeOrder(shop.shopId, { lines: [{ sku: 'NM-500', quantity: 1 }], placedAt: future }))
        .status,
    ).toBe(400);
    expect((await ctl.placeOrder(shop.shopId, { lines: [] })).status).toBe(400);
    const bulk = await ctl.placeOrder(shop.shopId, {
      orders: [{ lines: [{ sku: 'NM-500', quantity: 1 }] }, { lines: [{ sku: 'NM-1L', quantity: 1 }] }],
    });
    expect(bulk.status).toBe(201);
    expect(bulk.body.orders).toEqual([
      { error: expect.stringContaining('NM-500') },
      { error: expect.stringContaining('NM-1L') },
    ]);
    const order = await ctl.order(shop.shopId, placed.body.orderId);
    expect(order.lines).toEqual([
      { sku: 'NM-500', variantId: 'NM-500', productId: expect.any(String), quantity: 5, price: 60_000 },
    ]);
  });

  it('moves order statuses with the connector’s words, mapped to each style’s codes', async () => {
    const expectations: Record<string, Record<string, unknown>> = {
      sendo: { pending: 2, confirmed: 3, shipped: 6, delivered: 7, returned: 22, cancelled: 13 },
      voso: {
        pending: 'CHO_DUYET',
        confirmed: 'DA_DUYET',
        shipped: 'DANG_GIAO',
        delivered: 'DA_GIAO',
        returned: 'TRA_HANG',
        cancelled: 'HUY',
      },
      postmart: {
        pending: 'pending',
        confirmed: 'confirmed',
        shipped: 'shipped',
        delivered: 'delivered',
        returned: 'returned',
        cancelled: 'cancelled',
      },
    };
    const sendo = await seedSendo('NEM', 10);
    const voso = await seedVoso([['NM', 10]]);
    const pmCtl = control(sandbox.urls.postmart);
    const pmShop = await pmCtl.createShop();
    await seedPostmart(pmShop, 'CF', 10);
    const cases = [
      { name: 'sendo', ctl: sendo.ctl, shopId: sendo.shop.shopId, sku: 'NEM' },
      { name: 'voso', ctl: voso.ctl, shopId: voso.shop.shopId, sku: 'NM' },
      { name: 'postmart', ctl: pmCtl, shopId: pmShop.shopId, sku: 'CF' },
    ];
    for (const { name, ctl, shopId, sku } of cases) {
      const codes = expectations[name];
      const place = async () => (await ctl.placeOrder(shopId, { lines: [{ sku, quantity: 1 }] })).body;
      const first = await place();
      expect(first.status).toBe(codes.pending);
      for (const status of ['confirmed', 'shipped', 'delivered', 'returned']) {
        const moved = await ctl.moveOrder(shopId, first.orderId, { status });
        expect(moved.status).toBe(200);
        expect(moved.body.status).toBe(codes[status]);
      }
      expect((await ctl.moveOrder(shopId, first.orderId, { status: 'shipped' })).status).toBe(409);
      const second = await place();
      const stockBefore = (await ctl.listings(shopId))[0].variants[0].quantity;
      expect((await ctl.moveOrder(shopId, second.orderId, { status: 'cancelled' })).body.status).toBe(
        codes.cancelled,
      );
      expect((await ctl.listings(shopId))[0].variants[0].quantity).toBe(stockBefore + 1);
      const third = await place();
      await ctl.moveOrder(shopId, third.orderId, { status: 'shipped' });
      expect((await ctl.moveOrder(shopId, third.orderId, { status: 'cancelled' })).status).toBe(409);
      expect((await ctl.moveOrder(shopId, third.orderId, { status: 'lost' })).status).toBe(400);
    }
  });

  it('also takes the marketplace’s own codes (Sendo 8, 10, 21; Voso CHO_XUAT_KHO), and pushes every move', async () => {
    const receiver = await startReceiver();
    try {
      const sendo = await seedSendo('NEM', 10, { webhookUrl: receiver.url });
      const place = async () =>
        (await sendo.ctl.placeOrder(sendo.shop.shopId, { lines: [{ sku: 'NEM', quantity: 1 }] })).body
          .orderId;
      const delivered = await place();
      for (const code of [3, 7, 8, 10]) {
        expect((await sendo.ctl.moveOrder(sendo.shop.shopId, delivered, { code })).body.status).toBe(code);
      }
      const returning = await place();
      for (const code of [6, 21, 22]) {
        expect((await sendo.ctl.moveOrder(sendo.shop.shopId, returning, { code })).body.status).toBe(code);
      }
      expect((await sendo.ctl.moveOrder(sendo.shop.shopId, returning, { code: 99 })).status).toBe(400);
      expect(
        (await sendo.ctl.moveOrder(sendo.shop.shopId, returning, { status: 'shipped', code: 6 })).status,
      ).toBe(400);
      await waitFor(() => receiver.received.length === 9, 5000, 'nine webhooks');
      expect(receiver.received.map((h) => h.body.data.order_status)).toEqual([2, 3, 7, 8, 10, 2, 6, 21, 22]);
      const voso = await seedVoso([['NM', 5]]);
      const order = (await voso.ctl.placeOrder(voso.shop.shopId, { lines: [{ sku: 'NM', quantity: 1 }] }))
        .body.orderId;
      await voso.ctl.moveOrder(voso.shop.shopId, order, { status: 'confirmed' });
      expect((await voso.ctl.moveOrder(voso.shop.shopId, order, { code: 'CHO_XUAT_KHO' })).body.status).toBe(
        'CHO_XUAT_KHO',
      );
      expect((await voso.ctl.order(voso.shop.shopId, order)).connectorStatus).toBe('confirmed');
    } finally {
      await receiver.close();
    }
  });

  it('makes many moves in one call, in the order given; a move after a refused one of its order is not tried', async () => {
    const receiver = await startReceiver();
    try {
      const sendo = await seedSendo('NEM', 10, { webhookUrl: receiver.url });
      const shopId = sendo.shop.shopId;
      const place = async () =>
        (await sendo.ctl.placeOrder(shopId, { lines: [{ sku: 'NEM', quantity: 1 }] })).body.orderId as string;
      const [a, b] = [await place(), await place()];
      const answer = await sendo.ctl.moveOrders(shopId, [
        { orderId: a, status: 'confirmed', at: '2025-03-01T02:00:00Z' },
        { orderId: b, status: 'shipped' },
        { orderId: b, status: 'confirmed' },
        { orderId: a, status: 'shipped' },
        { orderId: b, status: 'delivered' },
        { orderId: 'nope', status: 'confirmed' },
        { orderId: a, code: 99 },
      ]);
      expect(answer.status).toBe(200);
      expect(answer.body.moves).toEqual([
        { orderId: a, status: 3 },
        { orderId: b, status: 6 },
        { orderId: b, error: `order ${b} cannot move from 6 to 3` },
        { orderId: a, status: 6 },
        { orderId: b, error: `not tried: an earlier move of order ${b} was refused` },
        { orderId: 'nope', error: 'no order nope' },
        { orderId: a, error: 'unknown code 99; known: 2, 3, 6, 7, 8, 10, 13, 21, 22' },
      ]);
      expect((await sendo.ctl.order(shopId, b)).connectorStatus).toBe('shipped');
      // each move pushed, in order: two creations, then a confirmed, b shipped, a shipped
      await waitFor(() => receiver.received.length === 5, 5000, 'five webhooks');
      expect(receiver.received.map((h) => [h.body.data.order_number, h.body.data.order_status])).toEqual([
        [a, 2],
        [b, 2],
        [a, 3],
        [b, 6],
        [a, 6],
      ]);
      // malformed: an unknown field, no moves, too many
      for (const body of [
        { moves: [{ orderId: a, status: 'delivered', extra: 1 }] },
        { moves: [] },
        { moves: Array.from({ length: 10_001 }, () => ({ orderId: a, status: 'delivered' })) },
      ]) {
        const refused = await http('POST', `${sandbox.urls.sendo}/_sandbox/shops/${shopId}/orders/moves`, {
          body,
        });
        expect(refused.status).toBe(400);
      }
      expect((await sendo.ctl.order(shopId, a)).connectorStatus).toBe('shipped');
      // a malformed time refuses the whole call; a move naming both a status and a code is refused alone
      const badTime = await http('POST', `${sandbox.urls.sendo}/_sandbox/shops/${shopId}/orders/moves`, {
        body: { moves: [{ orderId: a, status: 'delivered', at: 'yesterday' }] },
      });
      expect(badTime.status).toBe(400);
      const both = await sendo.ctl.moveOrders(shopId, [{ orderId: a, status: 'delivered', code: 7 }]);
      expect(both.body.moves).toEqual([
        { orderId: a, error: 'give either status (the connector word) or code (the marketplace code)' },
      ]);
      expect((await sendo.ctl.order(shopId, a)).connectorStatus).toBe('shipped');
      // past the 250 a call applies at a time: every move answered, in the order given
      const many = await sendo.ctl.moveOrders(shopId, [
        ...Array.from({ length: 300 }, () => ({ orderId: 'nope', status: 'confirmed' })),
        { orderId: a, status: 'delivered' },
      ]);
      expect(many.body.moves).toHaveLength(301);
      expect(many.body.moves[0]).toEqual({ orderId: 'nope', error: 'no order nope' });
      expect(many.body.moves[299]).toEqual({
        orderId: 'nope',
        error: 'not tried: an earlier move of order nope was refused',
      });
      expect(many.body.moves[300]).toEqual({ orderId: a, status: 7 });
      // orders too: 260 in one call, the 8 units left go to the first 8
      const placed = await http('POST', `${sandbox.urls.sendo}/_sandbox/shops/${shopId}/orders`, {
        body: { orders: Array.from({ length: 260 }, () => ({ lines: [{ sku: 'NEM', quantity: 1 }] })) },
      });
      expect(placed.status).toBe(201);
      expect(placed.body.orders).toHaveLength(260);
      expect(placed.body.orders.filter((o: { orderId?: string }) => o.orderId)).toEqual(
        placed.body.orders.slice(0, 8),
      );
    } finally {
      await receiver.close();
    }
  });

  it('validates the fault profile, keeps omitted fields, and counts calls per endpoint', async () => {
    const ctl = control(sandbox.urls.voso);
    const shop = await ctl.createShop();
    expect((await ctl.faults(shop.shopId, { errorRate: 2 })).status).toBe(400);
    expect((await ctl.faults(shop.shopId, { typo: 1 })).status).toBe(400);
    const first = await ctl.faults(shop.shopId, { seed: 42, webhookDropRate: 0.5 });
    expect(first.body).toMatchObject({ seed: 42, webhookDropRate: 0.5, errorRate: 0 });
    expect((await ctl.faults(shop.shopId, { errorRate: 0.1 })).body).toMatchObject({
      seed: 42,
      webhookDropRate: 0.5,
      errorRate: 0.1,
    });
    await ctl.faults(shop.shopId, { errorRate: 0 });
    await ctl.clearStats();
    for (let i = 0; i < 3; i++)
      await http('POST', `${sandbox.urls.voso}/v2/user/Login`, { body: shop.credentials });
    await http('GET', `${sandbox.urls.voso}/v2/orders`, { headers: { Token: 'x' } });
    expect(await ctl.stats()).toEqual({ 'POST /v2/user/Login': 3, 'GET /v2/orders': 1 });
  });

  it('moves the clock forward only, and reset forgets everything', async () => {
    const ctl = control(sandbox.urls.sendo);
    const before = await ctl.now();
    const after = await ctl.advance(3600);
    expect(after - before).toBeGreaterThanOrEqual(3600_000);
    expect(
      (await http('POST', `${sandbox.urls.sendo}/_sandbox/clock`, { body: { advanceSeconds: -5 } })).status,
    ).toBe(400);
    const shop = await ctl.createShop();
    expect((await ctl.reset()).status).toBe(204);
    expect((await http('GET', `${sandbox.urls.sendo}/_sandbox/shops/${shop.shopId}/listings`)).status).toBe(
      404,
    );
    expect(Math.abs((await ctl.now()) - Date.now())).toBeLessThan(5000);
    expect((await http('POST', `${sandbox.urls.sendo}/login`, { body: shop.credentials })).status).toBe(401);
  });

  it('answers unknown control routes and malformed JSON with plain JSON errors', async () => {
    const unknown = await http('GET', `${sandbox.urls.postmart}/_sandbox/nothing`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ error: expect.any(String) });
    const malformed = await http('POST', `${sandbox.urls.postmart}/_sandbox/shops`, { rawBody: '{' });
    expect(malformed.status).toBe(400);
  });

  describe('webhook faults over 200 orders (seeded)', () => {
    const ORDERS = 200;

    /** Places 200 orders in one call and returns the EVENT_IDs and order indexes as received. */
    async function run(faults: Record<string, unknown>) {
      const receiver = await startReceiver();
      try {
        const { ctl, shop } = await seedVoso([['NM', 10_000]]);
        await ctl.patchShop(shop.shopId, { webhookUrl: receiver.url });
        await ctl.faults(shop.shopId, faults);
        const placed = await ctl.placeOrder(shop.shopId, {
          orders: Array.from({ length: ORDERS }, () => ({ lines: [{ sku: 'NM', quantity: 1 }] })),
        });
        const index = new Map<string, number>(
          placed.body.orders.map((o: { orderId: string }, i: number) => [o.orderId, i]),
        );
        let last = -1;
        await waitFor(
          async () => {
            const pending = (await ctl.webhooks(shop.shopId)).pending;
            const stable = pending === 0 && receiver.received.length === last;
            last = receiver.received.length;
            return stable;
          },
          10_000,
          'deliveries to finish',
        );
        await settle(100);
        return receiver.received.map((hook) => ({
          eventId: hook.body.EVENT_ID as string,
          index: index.get(hook.body.DATA.ORDER_NUMBER) as number,
        }));
      } finally {
        await receiver.close();
      }
    }

    it('delivers all 200 in order without faults', async () => {
      const received = await run({ seed: 1 });
      expect(received.map((r) => r.index)).toEqual(Array.from({ length: ORDERS }, (_, i) => i));
    });

    it('drops about webhookDropRate of the events, the same ones for the same seed', async () => {
      const first = await run({ seed: 11, webhookDropRate: 0.25 });
      const delivered = new Set(first.map((r) => r.index));
      expect(first).toHaveLength(delivered.size);
      expect(ORDERS - delivered.size).toBeGreaterThanOrEqual(30);
      expect(ORDERS - delivered.size).toBeLessThanOrEqual(70);
      const again = await run({ seed: 11, webhookDropRate: 0.25 });
      expect(again.map((r) => r.index)).toEqual(first.map((r) => r.index));
      const other = await run({ seed: 12, webhookDropRate: 0.25 });
      expect(other.map((r) => r.index)).not.toEqual(first.map((r) => r.index));
    });

    it('duplicates about webhookDuplicateRate of the events (same EVENT_ID twice)', async () => {
      const received = await run({ seed: 21, webhookDuplicateRate: 0.25 });
      const counts = new Map<string, number>();
      for (const r of received) counts.set(r.eventId, (counts.get(r.eventId) ?? 0) + 1);
      expect(counts.size).toBe(ORDERS);
      const twice = [...counts.values()].filter((n) => n === 2).length;
      expect([...counts.values()].every((n) => n <= 2)).toBe(true);
      expect(twice).toBeGreaterThanOrEqual(30);
      expect(twice).toBeLessThanOrEqual(70);
    });

    it('reorders about webhookReorderRate of the events (delivered after a later one)', async () => {
      const received = await run({ seed: 31, webhookReorderRate: 0.25 });
      expect(new Set(received.map((r) => r.index)).size).toBe(ORDERS);
      let maxSeen = -1;
      let late = 0;
      for (const { index } of received) {
        if (index < maxSeen) late += 1;
        maxSeen = Math.max(maxSeen, index);
      }
      expect(late).toBeGreaterThanOrEqual(30);
      expect(late).toBeLessThanOrEqual(70);
    });
  });
});
