import type { ListingContent } from '@ocop/marketplaces';
import {
  productHoldingSku,
  type ShopAccess,
  TiktokAdapter,
  type TiktokAdapterOptions,
} from '@ocop/marketplaces';
import { tiktokSignedQuery } from '../../../libs/marketplaces/src/tiktok/tiktok-signing';
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
  placeOrders,
  rejection,
  startDeliveryReceiver,
  startTestSandbox,
  stockedProduct,
  teaProduct,
} from './support';

/**
 * What only the TikTok Shop style has (docs/marketplace-tiktok.md); everything the port promises is
 * checked for TikTok in adapter-contract.e2e-spec.ts.
 */

/** A 1×1 PNG's first bytes: what the sandbox checks an upload is. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

/** The connector's image files, as a test supplies them: every catalogue URL is a small PNG. */
const TEST_IMAGES: TiktokAdapterOptions = {
  imageFiles: async () => ({ bytes: PNG, contentType: 'image/png' }),
};

const UNTHROTTLED = { rateLimitPerSecond: 0 };
/** TikTok lists nothing without a photo: the stocked fixtures get one (the image files give its bytes). */
const withPhoto = (content: ListingContent): ListingContent => ({
  ...content,
  imageUrls: ['https://img.example/che.png'],
});

describe('TiktokAdapter: what only TikTok Shop does', () => {
  let sandbox: Sandbox;
  const adapter = new TiktokAdapter(CATEGORY_CODES, TEST_IMAGES);
  const settings = (body: Record<string, unknown>) =>
    http('PUT', `${sandbox.urls.tiktok}/_sandbox/settings`, { body });

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());
  beforeEach(() => control(sandbox.urls.tiktok).reset());

  /** A GET as TikTok answers it to the shop's grant, for what the control API does not show. */
  async function signedRead(shop: ShopAccess, pathAndQuery: string): Promise<any> {
    const url = new URL(pathAndQuery, sandbox.urls.tiktok);
    const { accessToken } = await (shop.grant as GrantHeldInMemory).current();
    const credentials = { app_key: shop.credentials.app_key, app_secret: shop.credentials.app_secret };
    const get = async (path: string, params: Record<string, string>, cipher?: string) => {
      const query = tiktokSignedQuery(credentials, path, params, '', Date.now() / 1000, cipher);
      const answer = await http('GET', `${sandbox.urls.tiktok}${path}?${new URLSearchParams(query)}`, {
        headers: { 'x-tts-access-token': accessToken },
      });
      expect(answer.body).toMatchObject({ code: 0 });
      return answer.body.data;
    };
    const { shops } = await get('/authorization/202309/shops', {});
    return get(url.pathname, Object.fromEntries(url.searchParams), shops[0].cipher);
  }

  async function authorizedShop(faults: Record<string, unknown> = {}) {
    const opened = await newShop(sandbox, 'tiktok', faults);
    await authorize(adapter, opened);
    return opened;
  }

  describe('authorization', () => {
    it('spends the one-time code for a grant without a stored one, names the shop, and a spent code is refused as auth', async () => {
      const opened = await newShop(sandbox, 'tiktok');
      const check = await adapter.verifyCredentials({ ...opened.shop, grant: undefined });
      const now = await opened.ctl.now();
      expect(check.shopId).toBe(opened.shopId);
      expect(check.grant).toMatchObject({ accessToken: expect.stringMatching(/^TTP_/) });
      expect(Math.abs((check.grant?.accessExpiresAt.getTime() ?? 0) - (now + 7 * 86_400_000))).toBeLessThan(
        5000,
      );
      expect(await rejection(adapter.verifyCredentials(opened.shop))).toMatchObject({
        kind: 'auth',
        options: { code: '36004004' },
      });
      // a fresh code (re-authorization) connects again
      const fresh = await http('POST', `${sandbox.urls.tiktok}/_sandbox/shops/${opened.shopId}/auth-code`);
      const again = {
        ...opened.shop,
        credentials: { ...opened.shop.credentials, auth_code: fresh.body.code },
      };
      await expect(adapter.verifyCredentials(again)).resolves.toMatchObject({ shopId: opened.shopId });
    });

    it('a token expiring in the middle of paging is renewed once (105002) and the search goes on with the same page token, missing nothing', async () => {
      const { shop, ctl, shopId } = await authorizedShop({ ...UNTHROTTLED, tokenTtlSeconds: 60 });
      const grant = shop.grant as GrantHeldInMemory;
      // the connector believes the token good for a day; the marketplace's own clock says otherwise
      const held = await grant.current();
      grant.hold({ ...held, accessExpiresAt: new Date(Date.now() + 86_400_000) });
      await adapter.publish(shop, withPhoto(stockedProduct('P')));
      const ids = await placeOrders(
        ctl,
        shopId,
        Array.from({ length: 230 }, () => ({ lines: [{ sku: 'P-250', quantity: 1 }] })),
      );
      await ctl.clearStats();
      const seen: string[] = [];
      let pages = 0;
      for await (const page of adapter.ordersChangedSince(shop, new Date(Date.now() - 3600_000))) {
        seen.push(...page.map((change) => change.externalOrderId));
        if (++pages === 1) {
          // the next token is issued for a week, so one renewal is all this search needs
          await ctl.faults(shopId, { ...UNTHROTTLED, tokenTtlSeconds: 604_800 });
          await ctl.advance(61);
        }
      }
      expect(pages).toBe(3);
      expect(new Set(seen)).toEqual(new Set(ids));
      expect(seen).toHaveLength(ids.length);
      expect(grant.exchanges).toEqual([held.refreshToken]);
      const stats = await ctl.stats();
      // three pages and the one refused with 105002
      expect(stats['POST /order/202309/orders/search']).toBe(4);
      expect(stats['GET /api/v2/token/refresh']).toBe(1);
    });
  });

  describe('listings', () => {
    it('uploads the images, then creates the product in kilograms with the heaviest SKU, packs as sales attributes and an HTML description', async () => {
      const { shop, ctl, shopId } = await authorizedShop();
      await ctl.clearStats();
      const content = teaProduct('A');
      const published = await adapter.publish(shop, content);
      const stats = await ctl.stats();
      expect(stats['POST /product/202309/images/upload']).toBe(2);
      expect(stats['POST /product/202309/products']).toBe(1);
      const held = await heldListing(ctl, shopId, published.externalId);
      expect(held).toMatchObject({
        name: 'Chè tôm nõn Hảo Đạt · OCOP 5★',
        description: '<p>Chè đặc sản Tân Cương, Thái Nguyên</p>',
        categoryId: CATEGORY_CODES.tea.tiktok,
      });
      expect(held.variants.map((v: { weightGrams: number }) => v.weightGrams)).toEqual([500, 500, 500]);
      const product = await signedRead(shop, `/product/202309/products/${published.externalId}`);
      expect(product.package_weight).toEqual({ value: '0.5', unit: 'KILOGRAM' });
      expect(product.skus.map((sku: any) => sku.sales_attributes)).toEqual(
        content.variants.map((variant) => [{ name: 'Quy cách', value_name: variant.name }]),
      );
      expect(byStatus(held.variants)['A-200G']).toMatchObject({ quantity: 0, price: 230_000 });
    });

    it('a listing without a photo, or whose photos cannot be read, is refused before any call', async () => {
      const { shop, ctl } = await authorizedShop();
      await ctl.clearStats();
      expect(await rejection(adapter.publish(shop, teaProduct('C', { imageUrls: [] })))).toMatchObject({
        kind: 'permanent',
        options: { code: 'no_images' },
      });
      const blind = new TiktokAdapter(CATEGORY_CODES);
      expect(await rejection(blind.publish(shop, teaProduct('D')))).toMatchObject({
        kind: 'permanent',
        options: { code: 'image_unavailable' },
      });
      expect(await ctl.stats()).toEqual({});
    });

    it('a product still in audit refuses stock as retryable (12052901) until it is active; a repeated publish adopts it instead of listing it twice', async () => {
      const { shop, ctl, shopId } = await authorizedShop();
      // within the 300 s TikTok takes a timestamp from the past, as the sandbox clock moves alone
      expect((await settings({ auditDelaySeconds: 120 })).status).toBe(200);
      const content = teaProduct('E');
      const published = await adapter.publish(shop, content);
      const item = {
        externalId: published.externalId,
        skuCode: 'E-100G',
        variantId: published.variantIds['E-100G'],
        quantity: 42,
        idempotencyKey: 'k',
      };
      expect(await adapter.pushStock(shop, [item])).toMatchObject([
        { ok: false, error: { kind: 'retryable', options: { code: '12052901', retryAfterMs: 60_000 } } },
      ]);
      // the publish's answer was lost: the retry is told which product holds the SKUs
      const again = await rejection(adapter.publish(shop, content));
      expect(productHoldingSku(again, ['E-100G', 'E-200G', 'E-500G'])).toBe(published.externalId);

      await ctl.advance(121);
      expect(await adapter.pushStock(shop, [item])).toMatchObject([{ ok: true }]);
      expect(
        byStatus((await heldListing(ctl, shopId, published.externalId)).variants)['E-100G'].quantity,
      ).toBe(42);
      expect(await ctl.listings(shopId)).toHaveLength(1);
    });

    it('an update writes prices and stock, and says which fields TikTok keeps from the publish', async () => {
      const { shop, ctl, shopId } = await authorizedShop();
      const content = teaProduct('U');
      const published = await adapter.publish(shop, content);
      const priced = {
        ...content,
        variants: content.variants.map((v) => ({ ...v, priceVnd: v.priceVnd + 1_000 })),
      };
      await expect(adapter.update(shop, published.externalId, priced)).resolves.toEqual(published);
      expect(byStatus((await heldListing(ctl, shopId, published.externalId)).variants)['U-100G'].price).toBe(
        121_000,
      );
      const renamed = {
        ...priced,
        ocopStars: null,
        variants: priced.variants.map((v) => ({ ...v, quantity: 3 })),
      };
      expect(await rejection(adapter.update(shop, published.externalId, renamed))).toMatchObject({
        kind: 'permanent',
        options: { code: 'edit_unsupported' },
        message: expect.stringContaining('title'),
      });
      // what TikTok does take still went out
      expect(
        byStatus((await heldListing(ctl, shopId, published.externalId)).variants)['U-100G'].quantity,
      ).toBe(3);
    });
  });

  describe('calls', () => {
    it('a clock 31 s ahead of the marketplace is refused once, then signs with the offset TikTok showed', async () => {
      const { shop, ctl } = await authorizedShop();
      const ahead = new TiktokAdapter(CATEGORY_CODES, { ...TEST_IMAGES, now: () => Date.now() + 31_000 });
      await ctl.clearStats();
      const published = await ahead.publish(shop, teaProduct('K'));
      await ahead.delist(shop, published.externalId);
      const stats = await ctl.stats();
      // the first call and its repeat; none after it
      expect(stats['GET /authorization/202309/shops']).toBe(2);
      expect(stats['POST /product/202309/products']).toBe(1);
      expect(stats['POST /product/202309/products/deactivate']).toBe(1);
    });

    it('a shop in maintenance (503, 36009003) is retryable for a write and for every stock item', async () => {
      const { shop, ctl, shopId } = await authorizedShop();
      const published = await adapter.publish(shop, teaProduct('M'));
      await ctl.faults(shopId, { maintenance: true });
      expect(await rejection(adapter.delist(shop, published.externalId))).toMatchObject({
        kind: 'retryable',
        options: { status: 503 },
      });
      const item = (sku: string) => ({
        externalId: published.externalId,
        skuCode: sku,
        variantId: published.variantIds[sku],
        quantity: 1,
        idempotencyKey: sku,
      });
      expect(await adapter.pushStock(shop, [item('M-100G'), item('M-500G')])).toMatchObject([
        { ok: false, error: { kind: 'retryable', options: { status: 503 } } },
        { ok: false, error: { kind: 'retryable', options: { status: 503 } } },
      ]);
      await ctl.faults(shopId, { maintenance: false });
      await adapter.delist(shop, published.externalId);
      expect((await heldListing(ctl, shopId, published.externalId)).status).toBe('delisted');
    });

    it('429 bursts (36009002) are retryable with a one-second wait and tell the gate; the rest of a burst converges on retry', async () => {
      const { shop, ctl, shopId } = await authorizedShop(UNTHROTTLED);
      const products = await Promise.all(
        ['R0', 'R1', 'R2', 'R3', 'R4', 'R5'].map(async (tag) => {
          const content = teaProduct(tag);
          return { content, published: await adapter.publish(shop, content) };
        }),
      );
      let throttled = 0;
      const gated = new TiktokAdapter(CATEGORY_CODES, {
        ...TEST_IMAGES,
        gate: { beforeCall: async () => undefined, throttled: async () => void throttled++ },
      });
      await ctl.faults(shopId, { rateLimitPerSecond: 2 });
      const items = products.map(({ published }, i) => ({
        externalId: published.externalId,
        skuCode: `R${i}-100G`,
        variantId: published.variantIds[`R${i}-100G`],
        quantity: 50 + i,
        idempotencyKey: `r${i}`,
      }));
      const results = await gated.pushStock(shop, items);
      const refused = results.filter((result) => !result.ok);
      expect(refused.length).toBeGreaterThan(0);
      for (const result of refused) {
        expect(result.error).toMatchObject({
          kind: 'retryable',
          options: { status: 429, code: '36009002', retryAfterMs: 1000 },
        });
      }
      expect(throttled).toBeGreaterThan(0);
      await ctl.faults(shopId, UNTHROTTLED);
      const retried = await gated.pushStock(
        shop,
        items.filter((_, i) => !results[i].ok),
      );
      expect(retried.every((result) => result.ok)).toBe(true);
      for (const [i, { published }] of products.entries()) {
        const variants = byStatus((await heldListing(ctl, shopId, published.externalId)).variants);
        expect(variants[`R${i}-100G`].quantity).toBe(50 + i);
      }
    });
  });

  describe('orders', () => {
    async function shopWithProduct(tag: string) {
      const opened = await authorizedShop(UNTHROTTLED);
      const published = await adapter.publish(opened.shop, withPhoto(stockedProduct(tag)));
      return { ...opened, published };
    }

    it('folds one line item per unit into quantities, and reads pushed orders 50 ids a call', async () => {
      const { shop, ctl, shopId, published } = await shopWithProduct('L');
      const orderId = await placeOrder(ctl, shopId, [
        { sku: 'L-250', quantity: 3 },
        { sku: 'L-500', quantity: 2 },
      ]);
      const raw = await http('GET', `${sandbox.urls.tiktok}/_sandbox/shops/${shopId}/orders/${orderId}`);
      expect(raw.status).toBe(200);
      const order = await adapter.fetchOrder(shop, orderId);
      expect(order.lines).toEqual([
        { skuCode: 'L-250', variantId: published.variantIds['L-250'], quantity: 3, unitPriceVnd: 95_000 },
        { skuCode: 'L-500', variantId: published.variantIds['L-500'], quantity: 2, unitPriceVnd: 170_000 },
      ]);
      expect(order.totalVnd).toBe(3 * 95_000 + 2 * 170_000);

      const ids = await placeOrders(
        ctl,
        shopId,
        Array.from({ length: 110 }, () => ({ lines: [{ sku: 'L-500', quantity: 1 }] })),
      );
      await ctl.clearStats();
      const read = await adapter.readOrders(
        shop,
        ids.map((id) => ({ externalOrderId: id, updatedAt: new Date() })),
      );
      expect(read.size).toBe(110);
      expect((await ctl.stats())['GET /order/202309/orders']).toBe(3);
    });

    it('confirm ships the package; cancel sends the mapped reason; reads say CANCELLED where the push says CANCEL', async () => {
      const { shop, ctl, shopId } = await shopWithProduct('C');
      const receiver = await startDeliveryReceiver(adapter);
      try {
        await ctl.patchShop(shopId, { webhookUrl: receiver.url });
        const [toConfirm, toCancel] = await placeOrders(
          ctl,
          shopId,
          Array.from({ length: 2 }, () => ({ lines: [{ sku: 'C-250', quantity: 1 }] })),
        );
        await adapter.confirmOrder(shop, toConfirm);
        expect((await ctl.order(shopId, toConfirm)).status).toBe('AWAITING_COLLECTION');

        await adapter.cancelOrder(shop, toCancel, 'out_of_stock');
        const held = await ctl.order(shopId, toCancel);
        expect(held.status).toBe('CANCELLED');
        expect((await signedRead(shop, `/order/202309/orders?ids=${toCancel}`)).orders[0]).toMatchObject({
          status: 'CANCELLED',
          cancel_reason: 'seller_cancel_reason_out_of_stock',
        });
        const read = await adapter.fetchOrder(shop, toCancel);
        expect(read).toMatchObject({ status: 'cancelled', marketplaceStatus: 'CANCELLED' });

        const push = await waitFor(
          () => receiver.received.find((delivery) => delivery.rawBody.toString().includes('"CANCEL"')),
          5000,
          'the cancel push',
        );
        expect(adapter.verifyWebhook(push, shop.credentials.app_secret, new Date(), shop.credentials)).toBe(
          true,
        );
        // without the app key, which TikTok signs with the body, nothing verifies
        expect(adapter.verifyWebhook(push, shop.credentials.app_secret, new Date())).toBe(false);
        expect(adapter.readWebhook(push)).toMatchObject({
          shopId,
          eventId: JSON.parse(push.rawBody.toString()).tts_notification_id,
          change: { externalOrderId: toCancel, status: 'cancelled' },
        });
        // every push was acknowledged by an empty answer, the only one TikTok counts
        const log = await waitFor(
          async () => {
            const attempts = (await ctl.webhooks(shopId)).attempts as { ok: boolean }[];
            return attempts.length >= receiver.received.length ? attempts : null;
          },
          5000,
          'the attempts logged',
        );
        expect(log.every((attempt) => attempt.ok)).toBe(true);
      } finally {
        await receiver.close();
      }
    });

    it('a finished return comes as a type-12 push read as returned, while the order itself stays DELIVERED', async () => {
      const { shop, ctl, shopId } = await shopWithProduct('T');
      const receiver = await startDeliveryReceiver(adapter);
      try {
        await ctl.patchShop(shopId, { webhookUrl: receiver.url });
        const orderId = await placeOrder(ctl, shopId, [{ sku: 'T-250', quantity: 2 }]);
        for (const status of ['confirmed', 'shipped', 'delivered', 'returned']) {
          expect((await ctl.moveOrder(shopId, orderId, { status })).status).toBe(200);
        }
        const push = await waitFor(
          () => receiver.received.find((delivery) => JSON.parse(delivery.rawBody.toString()).type === 12),
          5000,
          'the return push',
        );
        expect(adapter.verifyWebhook(push, shop.credentials.app_secret, new Date(), shop.credentials)).toBe(
          true,
        );
        expect(adapter.readWebhook(push).change).toMatchObject({
          externalOrderId: orderId,
          status: 'returned',
        });
        expect(await adapter.fetchOrder(shop, orderId)).toMatchObject({
          status: 'delivered',
          marketplaceStatus: 'DELIVERED',
        });
        const changes = await collect(adapter.ordersChangedSince(shop, new Date(Date.now() - 3600_000)));
        expect(changes.map((change) => change.externalOrderId)).toContain(orderId);
      } finally {
        await receiver.close();
      }
    });
  });
});
