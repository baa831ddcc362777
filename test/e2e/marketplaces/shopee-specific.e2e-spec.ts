import { type ListingContent, ShopeeAdapter, type ShopAccess, shopeeSignedQuery } from '@ocop/marketplaces';
import { Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import { http, waitFor } from '../sandbox/helpers';
import {
  authorize,
  byStatus,
  CATEGORY_CODES,
  collect,
  control,
  GrantHeldInMemory,
  heldListing,
  newShop,
  placeOrder,
  rejection,
  startDeliveryReceiver,
  startTestSandbox,
  stockedProduct,
  teaProduct,
} from './support';

/**
 * What only the Shopee style has (docs/marketplace-shopee.md) and the faults that fall on
 * it; everything the port promises is checked for Shopee in adapter-contract.e2e-spec.ts.
 */

/** A 1×1 PNG's first bytes: what the sandbox checks an upload is. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const UNTHROTTLED = { rateLimitPerSecond: 0 };
const withPhoto = (content: ListingContent): ListingContent => ({
  ...content,
  imageUrls: ['https://img.example/mat-ong.png'],
});

describe('ShopeeAdapter: what only Shopee does', () => {
  let sandbox: Sandbox;
  /** how far the sandbox clock was moved: the adapter signs with the same clock */
  let offsetMs = 0;
  const adapter = new ShopeeAdapter(CATEGORY_CODES, {
    imageFiles: async () => ({ bytes: PNG, contentType: 'image/png' }),
    now: () => Date.now() + offsetMs,
  });
  const ctl = () => control(sandbox.urls.shopee);
  /** moves the sandbox clock and the adapter's together */
  const advance = async (seconds: number) => {
    await ctl().advance(seconds);
    offsetMs += seconds * 1000;
  };

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    offsetMs = 0;
    await ctl().reset();
  });

  async function authorizedShop(faults: Record<string, unknown> = {}) {
    const opened = await newShop(sandbox, 'shopee', { ...UNTHROTTLED, ...faults });
    await authorize(adapter, opened);
    await opened.ctl.clearStats();
    return { ...opened, keeper: opened.shop.grant as GrantHeldInMemory };
  }

  /** A call signed as Shopee wants it, for what the adapter does not expose. */
  async function direct(
    shop: ShopAccess,
    method: 'GET' | 'POST',
    path: string,
    options: { accessToken?: string; body?: Record<string, unknown>; query?: Record<string, string> } = {},
  ): Promise<any> {
    const app = { partner_id: shop.credentials.partner_id, partner_key: shop.credentials.partner_key };
    const query = shopeeSignedQuery(
      app,
      path,
      options.query ?? {},
      Math.floor((Date.now() + offsetMs) / 1000),
      options.accessToken === undefined
        ? undefined
        : { accessToken: options.accessToken, shopId: shop.shopId },
    );
    return (
      await http(method, `${sandbox.urls.shopee}${path}?${new URLSearchParams(query)}`, {
        ...(options.body === undefined ? {} : { body: options.body }),
      })
    ).body;
  }

  describe('listings and stock', () => {
    it('uploads the images in one call before add_item, then adds the variants as one tier of models', async () => {
      const { shop, ctl, shopId } = await authorizedShop();
      const published = await adapter.publish(shop, teaProduct('V'));
      const stats = await ctl.stats();
      expect(stats['POST /api/v2/media_space/upload_image']).toBe(1);
      expect(stats['POST /api/v2/product/add_item']).toBe(1);
      expect(stats['POST /api/v2/product/init_tier_variation']).toBe(1);
      const held = await heldListing(ctl, shopId, published.externalId);
      expect(held.variants).toHaveLength(3);
      // a single SKU is the item itself: model 0, no tier
      await ctl.clearStats();
      const single = await adapter.publish(shop, {
        ...teaProduct('S'),
        variants: [teaProduct('S').variants[0]],
      });
      expect(single.variantIds).toEqual({ 'S-100G': `${single.externalId}:0` });
      expect((await ctl.stats())['POST /api/v2/product/init_tier_variation']).toBeUndefined();
    });

    it('refuses more than 50 variants before any call', async () => {
      const { shop, ctl } = await authorizedShop();
      const base = teaProduct('X').variants[0];
      const many = Array.from({ length: 51 }, (_, i) => ({ ...base, skuCode: `X-${i}`, name: `${i}` }));
      expect(await rejection(adapter.publish(shop, teaProduct('X', { variants: many })))).toMatchObject({
        kind: 'permanent',
        options: { code: 'too_many_variants' },
      });
      expect(await ctl.stats()).toEqual({});
    });

    it('pushes stock one item per call; a model Shopee refuses fails alone, the rest apply', async () => {
      const { shop, ctl, shopId } = await authorizedShop();
      const a = await adapter.publish(shop, teaProduct('A'));
      const b = await adapter.publish(shop, teaProduct('B'));
      await ctl.clearStats();
      const item = (id: string, variantId: string, sku: string, quantity: number) => ({
        externalId: id,
        skuCode: sku,
        variantId,
        quantity,
        idempotencyKey: `${sku}:${quantity}`,
      });
      const results = await adapter.pushStock(shop, [
        item(a.externalId, a.variantIds['A-100G'], 'A-100G', 4),
        item(b.externalId, b.variantIds['B-100G'], 'B-100G', 5),
        item(a.externalId, `${a.externalId}:999999`, 'A-GONE', 6),
        item(b.externalId, b.variantIds['B-500G'], 'B-500G', 7),
      ]);
      expect(results.map((result) => result.ok)).toEqual([true, true, false, true]);
      expect(results[2].error).toMatchObject({ kind: 'permanent' });
      expect((await ctl.stats())['POST /api/v2/product/update_stock']).toBe(2);
      expect(byStatus((await heldListing(ctl, shopId, a.externalId)).variants)['A-100G'].quantity).toBe(4);
      expect(byStatus((await heldListing(ctl, shopId, b.externalId)).variants)['B-500G'].quantity).toBe(7);

      // the partial-failure fault: entries Shopee is too busy for are retryable, each alone
      await ctl.faults(shopId, { ...UNTHROTTLED, partialFailureRate: 1 });
      const busy = await adapter.pushStock(shop, [item(a.externalId, a.variantIds['A-200G'], 'A-200G', 3)]);
      expect(busy).toMatchObject([
        { ok: false, error: { kind: 'retryable', options: { code: 'entry_failed' } } },
      ]);
    });
  });

  describe('tokens', () => {
    it('renews an expired access token once, spending the single-use refresh token; the spent one is refused and the old access token lives 5 minutes', async () => {
      const { shop, keeper } = await authorizedShop();
      const before = await keeper.current();
      await advance(5 * 3600);
      // two calls at once, as two syncs of one shop: one renewal between them
      await Promise.all([adapter.publish(shop, teaProduct('R')), adapter.publish(shop, teaProduct('Q'))]);
      expect(keeper.exchanges).toEqual([before.refreshToken]);
      const after = await keeper.current();
      expect(after.accessToken).not.toBe(before.accessToken);

      const reused = await direct(shop, 'POST', '/api/v2/auth/access_token/get', {
        body: {
          refresh_token: before.refreshToken,
          shop_id: Number(shop.shopId),
          partner_id: Number(shop.credentials.partner_id),
        },
      });
      expect(reused.error).toBe('error_auth');
      // a token renewed before its end keeps working 5 minutes, for calls that set out with it
      const renewed = await direct(shop, 'POST', '/api/v2/auth/access_token/get', {
        body: {
          refresh_token: after.refreshToken,
          shop_id: Number(shop.shopId),
          partner_id: Number(shop.credentials.partner_id),
        },
      });
      const read = (accessToken: string) =>
        direct(shop, 'GET', '/api/v2/product/get_item_base_info', {
          accessToken,
          query: { item_id_list: '1' },
        }).then((answer) => answer.error);
      expect(await read(after.accessToken)).toBe('');
      await advance(301);
      expect(await read(after.accessToken)).toBe('error_auth');
      expect(await read(renewed.access_token)).toBe('');
    });

    it('a token refused mid-sync (Shopee ended it before the grant said) is renewed once and the search goes on', async () => {
      const { shop, ctl, shopId, keeper } = await authorizedShop({ tokenTtlSeconds: 600 });
      await adapter.publish(shop, withPhoto(stockedProduct('M')));
      const first = await placeOrder(ctl, shopId, [{ sku: 'M-250', quantity: 1 }]);
      const since = new Date(Date.now() + offsetMs - 60_000);
      await advance(16 * 86_400);
      // the grant believes its token good for hours yet: only Shopee's refusal shows it ended
      const held = await keeper.current();
      keeper.hold({ ...held, accessExpiresAt: new Date(Date.now() + offsetMs + 24 * 3600_000) });
      const second = await placeOrder(ctl, shopId, [{ sku: 'M-500', quantity: 1 }]);
      await ctl.clearStats();
      const changes = await collect(adapter.ordersChangedSince(shop, since));
      expect(changes.map((change) => change.externalOrderId)).toEqual([first, second]);
      expect(keeper.exchanges).toEqual([held.refreshToken]);
      // 16 days are two windows of at most 15 (Shopee refuses a longer one); the first call was
      // refused for its token and repeated once renewed
      expect((await ctl.stats())['GET /api/v2/order/get_order_list']).toBe(3);
    });
  });

  describe('orders and pushes', () => {
    it('cancels for stock or at the buyer’s request; a seller’s own cancel has no Shopee reason and is refused without a call', async () => {
      const { shop, ctl, shopId } = await authorizedShop();
      await adapter.publish(shop, withPhoto(stockedProduct('C')));
      const orderId = await placeOrder(ctl, shopId, [{ sku: 'C-250', quantity: 2 }]);
      await ctl.clearStats();
      expect(await rejection(adapter.cancelOrder(shop, orderId, 'seller_request'))).toMatchObject({
        kind: 'permanent',
        options: { code: 'cancel_reason_unsupported' },
      });
      expect(await ctl.stats()).toEqual({});
      await adapter.cancelOrder(shop, orderId, 'buyer_request');
      expect((await ctl.order(shopId, orderId)).status).toBe('CANCELLED');
    });

    it('an IN_CANCEL order changes nothing: its push is read as an event of its own and the order is left out of reads', async () => {
      const { shop, ctl, shopId } = await authorizedShop();
      await adapter.publish(shop, withPhoto(stockedProduct('N')));
      const orderId = await placeOrder(ctl, shopId, [{ sku: 'N-250', quantity: 1 }]);
      expect((await ctl.moveOrder(shopId, orderId, { code: 'IN_CANCEL' })).status).toBe(200);
      const hint = { externalOrderId: orderId, updatedAt: new Date(Date.now() + offsetMs - 60_000) };
      expect((await adapter.readOrders(shop, [hint])).size).toBe(0);
      expect((await adapter.fetchOrder(shop, orderId)).marketplaceStatus).toBe('IN_CANCEL');
    });

    it('reads a push with no event id as shop, order, status and time; verifies it against the registered URL, not what a proxy shows', async () => {
      const { shop, ctl, shopId } = await authorizedShop();
      await adapter.publish(shop, withPhoto(stockedProduct('P')));
      const receiver = await startDeliveryReceiver(adapter);
      try {
        await ctl.patchShop(shopId, { webhookUrl: receiver.url });
        const orderId = await placeOrder(ctl, shopId, [{ sku: 'P-250', quantity: 1 }]);
        const delivery = await waitFor(() => receiver.received[0], 5000, 'the order push');
        const body = JSON.parse(delivery.rawBody.toString());
        const event = adapter.readWebhook(delivery);
        expect(event).toEqual({
          shopId,
          eventId: `${shopId}:${orderId}:READY_TO_SHIP:${body.data.update_time}`,
          change: {
            externalOrderId: orderId,
            status: 'pending',
            updatedAt: new Date(body.data.update_time * 1000),
          },
        });
        // a redelivery is the same event
        expect(adapter.readWebhook({ ...delivery }).eventId).toBe(event.eventId);
        const secret = shop.credentials.partner_key;
        const now = new Date();
        expect(adapter.verifyWebhook(delivery, secret, now)).toBe(true);
        expect(
          adapter.verifyWebhook({ ...delivery, url: 'http://10.0.0.7:3000/webhooks' }, secret, now),
        ).toBe(false);
        expect(adapter.verifyWebhook({ ...delivery, url: undefined }, secret, now)).toBe(false);
        // re-serialised JSON is not what Shopee signed
        const reserialised = { ...delivery, rawBody: Buffer.from(JSON.stringify(body)) };
        expect(adapter.verifyWebhook(reserialised, secret, now)).toBe(false);
      } finally {
        await receiver.close();
      }
    });

    it('the polling backstop reads the lost-push list, imports those orders and confirms them only once taken', async () => {
      const { shop, ctl, shopId } = await authorizedShop({ webhookDropRate: 1 });
      await adapter.publish(shop, withPhoto(stockedProduct('L')));
      const receiver = await startDeliveryReceiver(adapter);
      try {
        await ctl.patchShop(shopId, { webhookUrl: receiver.url });
        const since = new Date(Date.now() + offsetMs - 60_000);
        const orderId = await placeOrder(ctl, shopId, [{ sku: 'L-250', quantity: 2 }]);
        const lost = async () => (await direct(shop, 'GET', '/api/v2/push/get_lost_push_message')).response;
        expect((await lost()).push_message_list).toHaveLength(1);

        // a backstop stopped after the first page (a worker killed) confirms nothing
        for await (const page of adapter.ordersChangedSince(shop, since)) {
          expect(page.map((change) => change.externalOrderId)).toEqual([orderId]);
          break;
        }
        expect((await lost()).push_message_list).toHaveLength(1);

        await ctl.clearStats();
        const changes = await collect(adapter.ordersChangedSince(shop, since));
        expect(changes[0]).toMatchObject({ externalOrderId: orderId, status: 'pending' });
        expect(changes[0].order?.lines).toEqual([expect.objectContaining({ skuCode: 'L-250', quantity: 2 })]);
        expect((await ctl.stats())['POST /api/v2/push/confirm_consumed_lost_push_message']).toBe(1);
        expect((await lost()).push_message_list).toHaveLength(0);
      } finally {
        await receiver.close();
      }
    });
  });
});
