import {
  LazadaAdapter,
  type PublishedListing,
  type StockPush,
  type WebhookDelivery,
} from '@ocop/marketplaces';
import { Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import { waitFor } from '../sandbox/helpers';
import {
  authorize,
  byStatus,
  CATEGORY_CODES,
  control,
  GrantHeldInMemory,
  heldListing,
  honeyProduct,
  newShop,
  placeOrder,
  rejection,
  type SandboxShop,
  startDeliveryReceiver,
  startTestSandbox,
  stockedProduct,
  teaProduct,
} from './support';

/**
 * What only the Lazada style does, against its sandbox over real HTTP: the one-time code spent for
 * a grant renewed on IllegalAccessToken, images migrated before a product names them, 50 SKUs a
 * stock call (51 time out), throttling inside a 200 body, one push per order item, the
 * out-of-stock cancellation that zeroes the SKU, and milliseconds where Lazada wants them.
 */

const UNTHROTTLED = { rateLimitPerSecond: 0 };

function stockItem(published: PublishedListing, skuCode: string, quantity: number): StockPush {
  return {
    externalId: published.externalId,
    skuCode,
    variantId: published.variantIds[skuCode],
    quantity,
    idempotencyKey: `${published.externalId}:${skuCode}:${quantity}`,
  };
}

const withImage = <T extends { imageUrls: string[] }>(content: T): T => ({
  ...content,
  imageUrls: ['https://img.example/mat-ong.jpg'],
});

describe('Lazada-style adapter against its sandbox', () => {
  let sandbox: Sandbox;
  const adapter = new LazadaAdapter(CATEGORY_CODES);

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());
  // a fresh clock too: one test moves it days ahead
  beforeEach(() => control(sandbox.urls.lazada).reset());

  const shopOf = async (faults: Record<string, unknown> = {}): Promise<SandboxShop> => {
    const opened = await newShop(sandbox, 'lazada', faults);
    await authorize(adapter, opened);
    return opened;
  };

  it('spends the one-time code for a grant that names the seller; the code does not work twice', async () => {
    const opened = await newShop(sandbox, 'lazada');
    const check = await adapter.verifyCredentials({ ...opened.shop, grant: undefined });
    expect(check.shopId).toBe(opened.shopId);
    const { grant } = check;
    expect(grant?.accessToken).toMatch(/\S{16,}/);
    expect(grant?.refreshToken).not.toBe(grant?.accessToken);
    // a "Test" app's lifetimes: 7 days and 30 days
    const now = Date.now();
    expect((grant?.accessExpiresAt.getTime() ?? 0) - now).toBeGreaterThan(7 * 86_400_000 - 60_000);
    expect((grant?.refreshExpiresAt?.getTime() ?? 0) - now).toBeGreaterThan(30 * 86_400_000 - 60_000);
    expect(await rejection(adapter.verifyCredentials(opened.shop))).toMatchObject({
      kind: 'auth',
      options: { code: 'InvalidCode' },
    });
  });

  it('renews an access token Lazada calls illegal once, for concurrent calls, and carries on', async () => {
    // tokens that outlive the connector's 5-minute renewal margin, but not by much
    const opened = await shopOf({ tokenTtlSeconds: 400 });
    const { shop, ctl } = opened;
    const published = await adapter.publish(shop, withImage(stockedProduct('X')));
    // the sandbox's clock passes the token's end; the connector's does not
    await ctl.advance(401);
    await ctl.clearStats();
    const [pushed, delisted] = await Promise.all([
      adapter.pushStock(shop, [stockItem(published, 'X-250', 3)]),
      adapter.delist(shop, published.externalId),
    ]);
    expect(pushed).toMatchObject([{ ok: true }]);
    expect(delisted).toBeUndefined();
    expect((shop.grant as GrantHeldInMemory).exchanges).toHaveLength(1);
    expect((await ctl.stats())['POST /rest/auth/token/refresh']).toBe(1);
  });

  it('calls a token refused right after its renewal retryable (token_refused), not an auth failure', async () => {
    // every token lives 1 s on the sandbox clock, which the gate moves 2 s before each call
    const { shop, ctl } = await shopOf({ tokenTtlSeconds: 1 });
    const slow = new LazadaAdapter(CATEGORY_CODES, {
      gate: {
        beforeCall: async () => {
          await ctl.advance(2);
        },
      },
    });
    expect(await rejection(slow.delist(shop, '2000000001'))).toMatchObject({
      kind: 'retryable',
      options: { code: 'token_refused', status: 200 },
    });
    // a connection without its one-time code cannot be authorized
    expect(
      await rejection(adapter.verifyCredentials({ ...shop, credentials: { ...shop.credentials, code: '' } })),
    ).toMatchObject({ kind: 'auth', options: { code: 'code_missing' } });
  });

  it('migrates each catalogue image before the product names it (Lazada refuses others), and holds kilograms as the grams given', async () => {
    const { shop, ctl, shopId } = await shopOf();
    await ctl.clearStats();
    const published = await adapter.publish(shop, teaProduct('IM'));
    const stats = await ctl.stats();
    expect(stats['POST /rest/image/migrate']).toBe(2);
    expect(stats['POST /rest/product/create']).toBe(1);
    const held = await heldListing(ctl, shopId, published.externalId);
    expect(held.categoryId).toBe(String(CATEGORY_CODES.tea.lazada));
    expect(byStatus(held.variants)['IM-500G']).toMatchObject({ weightGrams: 500, quantity: 7 });
  });

  it('sends 51 SKUs as 50 and 1 (the sandbox times out on 51), and every one applies', async () => {
    const { shop, ctl, shopId } = await shopOf(UNTHROTTLED);
    const content = withImage(honeyProduct('FS', 51));
    const published = await adapter.publish(shop, content);
    await ctl.clearStats();
    const items = content.variants.map((variant, i) => stockItem(published, variant.skuCode, 200 + i));
    const results = await adapter.pushStock(shop, items);
    expect(results.every((result) => result.ok)).toBe(true);
    expect((await ctl.stats())['POST /rest/product/price_quantity/update']).toBe(2);
    const held = byStatus((await heldListing(ctl, shopId, published.externalId)).variants);
    for (const item of items) expect(held[item.skuCode].quantity).toBe(item.quantity);
  });

  it('fails a refused SKU alone: Lazada applies nothing of its call, so the rest goes again without it', async () => {
    const { shop, ctl, shopId } = await shopOf();
    const published = await adapter.publish(shop, teaProduct('BS'));
    const unknown: StockPush = {
      externalId: published.externalId,
      skuCode: 'BS-NONE',
      variantId: '1',
      quantity: 5,
      idempotencyKey: 'none',
    };
    await ctl.clearStats();
    const results = await adapter.pushStock(shop, [
      stockItem(published, 'BS-100G', 11),
      unknown,
      stockItem(published, 'BS-500G', 12),
    ]);
    expect(results).toMatchObject([
      { ok: true },
      { ok: false, skuCode: 'BS-NONE', error: { kind: 'permanent', options: { code: '204' } } },
      { ok: true },
    ]);
    expect((await ctl.stats())['POST /rest/product/price_quantity/update']).toBe(2);
    const held = byStatus((await heldListing(ctl, shopId, published.externalId)).variants);
    expect([held['BS-100G'].quantity, held['BS-500G'].quantity]).toEqual([11, 12]);
  });

  it('reads throttling inside a 200 body as retryable after the 1 s ban, and tells the call gate', async () => {
    const opened = await shopOf();
    let throttled = 0;
    const gated = new LazadaAdapter(CATEGORY_CODES, {
      gate: {
        beforeCall: async () => undefined,
        throttled: async () => {
          throttled++;
        },
      },
    });
    const published = await gated.publish(opened.shop, teaProduct('TH'));
    await opened.ctl.faults(opened.shopId, { rateLimitPerSecond: 1 });
    const outcomes = await Promise.allSettled(
      [1, 2, 3].map(() => gated.delist(opened.shop, published.externalId)),
    );
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) {
      expect(error).toMatchObject({
        kind: 'retryable',
        options: { code: 'ApiCallLimit', status: 200, retryAfterMs: 1000 },
      });
    }
    expect(throttled).toBe(refused.length);
  });

  describe('orders', () => {
    let receiver: Awaited<ReturnType<typeof startDeliveryReceiver>>;
    beforeEach(async () => {
      receiver = await startDeliveryReceiver(adapter);
    });
    afterEach(() => receiver.close());

    const pushesFor = (orderId: string, status: string) =>
      receiver.received.filter((delivery) => {
        const body = JSON.parse(delivery.rawBody.toString());
        return body.data.trade_order_id === orderId && body.data.order_status === status;
      });

    it('folds one push and one item per unit into one order with quantities; the pushes date the change in seconds and are signed with the app key', async () => {
      const opened = await shopOf(UNTHROTTLED);
      const { shop, ctl, shopId } = opened;
      expect((await ctl.patchShop(shopId, { webhookUrl: receiver.url })).status).toBe(200);
      await adapter.publish(shop, withImage(stockedProduct('P')));
      const orderId = await placeOrder(ctl, shopId, [
        { sku: 'P-250', quantity: 2 },
        { sku: 'P-500', quantity: 1 },
      ]);
      await waitFor(() => pushesFor(orderId, 'pending').length === 3 || null, 5000, 'one push per item');
      const pushes = pushesFor(orderId, 'pending');
      const events = pushes.map((delivery) => {
        expect(
          adapter.verifyWebhook(delivery, shop.credentials.app_secret, new Date(), shop.credentials),
        ).toBe(true);
        return adapter.readWebhook(delivery);
      });
      // the app key is part of what is signed
      expect(
        adapter.verifyWebhook(pushes[0], shop.credentials.app_secret, new Date(), {
          app_key: `${shop.credentials.app_key}0`,
        }),
      ).toBe(false);
      expect(new Set(events.map((event) => event.eventId)).size).toBe(3);
      const held = await ctl.order(shopId, orderId);
      for (const event of events) {
        expect(event).toMatchObject({ shopId, change: { externalOrderId: orderId, status: 'pending' } });
        // status_update_time is seconds: not 1970, not the year 50000
        expect(Math.abs(event.change.updatedAt.getTime() - Date.parse(held.updatedAt))).toBeLessThan(2000);
      }

      await ctl.clearStats();
      const read = await adapter.readOrders(
        shop,
        events.map((event) => ({
          externalOrderId: event.change.externalOrderId,
          updatedAt: event.change.updatedAt,
        })),
      );
      expect([...read.keys()]).toEqual([orderId]);
      expect(read.get(orderId)?.lines).toEqual([
        { skuCode: 'P-250', variantId: expect.stringMatching(/^\d+$/), quantity: 2, unitPriceVnd: 95_000 },
        { skuCode: 'P-500', variantId: expect.stringMatching(/^\d+$/), quantity: 1, unitPriceVnd: 170_000 },
      ]);
      expect((await ctl.stats())['GET /rest/orders/items/get']).toBe(1);
      expect(await adapter.fetchOrder(shop, orderId)).toEqual(read.get(orderId));
    });

    it('gives a duplicated push the same event id', async () => {
      const { shop, ctl, shopId } = await shopOf({ ...UNTHROTTLED, webhookDuplicateRate: 1 });
      expect((await ctl.patchShop(shopId, { webhookUrl: receiver.url })).status).toBe(200);
      await adapter.publish(shop, withImage(stockedProduct('D')));
      const orderId = await placeOrder(ctl, shopId, [{ sku: 'D-250', quantity: 1 }]);
      await waitFor(() => pushesFor(orderId, 'pending').length >= 2 || null, 5000, 'the duplicate');
      const [first, second] = pushesFor(orderId, 'pending').map((delivery: WebhookDelivery) =>
        adapter.readWebhook(delivery),
      );
      expect(second.eventId).toBe(first.eventId);
    });

    it('confirms by packing and setting the package ready to ship; the out-of-stock cancel zeroes the SKU, a buyer cancel gives the units back', async () => {
      const { shop, ctl, shopId } = await shopOf(UNTHROTTLED);
      await adapter.publish(shop, withImage(stockedProduct('C')));
      const confirmed = await placeOrder(ctl, shopId, [{ sku: 'C-250', quantity: 2 }]);
      await ctl.clearStats();
      await adapter.confirmOrder(shop, confirmed);
      expect((await ctl.order(shopId, confirmed)).status).toBe('ready_to_ship');
      // the pack answer names the package: the items are read once
      expect(await ctl.stats()).toEqual({
        'GET /rest/orders/items/get': 1,
        'POST /rest/order/fulfill/pack': 1,
        'POST /rest/order/package/rts': 1,
      });
      await expect(adapter.confirmOrder(shop, confirmed)).resolves.toBeUndefined();

      const byBuyer = await placeOrder(ctl, shopId, [{ sku: 'C-500', quantity: 3 }]);
      await adapter.cancelOrder(shop, byBuyer, 'buyer_request');
      const quantity = async (sku: string) =>
        ((await ctl.listings(shopId)) as any[])[0].variants.find((v: { sku: string }) => v.sku === sku)
          .quantity;
      expect(await quantity('C-500')).toBe(5_000);

      const outOfStock = await placeOrder(ctl, shopId, [{ sku: 'C-500', quantity: 1 }]);
      await adapter.cancelOrder(shop, outOfStock, 'out_of_stock');
      expect((await adapter.fetchOrder(shop, outOfStock)).status).toBe('cancelled');
      expect(await quantity('C-500')).toBe(0);
      expect(await quantity('C-250')).toBe(5_000 - 2);
      // the packed order is cancelled too, while it is not yet shipped
      await adapter.cancelOrder(shop, confirmed, 'seller_request');
      expect((await adapter.fetchOrder(shop, confirmed)).status).toBe('cancelled');
    });

    it('pages the update window past a page of 100 orders', async () => {
      const { shop, ctl, shopId } = await shopOf(UNTHROTTLED);
      await adapter.publish(shop, withImage(stockedProduct('PG')));
      const since = new Date((await ctl.now()) - 1000);
      const response = await ctl.placeOrder(shopId, {
        orders: Array.from({ length: 105 }, () => ({
          lines: [{ sku: 'PG-250', quantity: 1 }],
          notify: false,
        })),
      });
      expect(response.status).toBe(201);
      const pages: number[] = [];
      const seen = new Set<string>();
      for await (const page of adapter.ordersChangedSince(shop, since)) {
        pages.push(page.length);
        for (const change of page) seen.add(change.externalOrderId);
      }
      expect(pages).toEqual([100, 5]);
      expect(seen.size).toBe(105);
    });
  });
});
