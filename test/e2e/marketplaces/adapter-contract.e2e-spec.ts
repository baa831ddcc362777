import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import {
  type AdapterOptions,
  MalformedWebhookError,
  type Marketplace,
  type MarketplaceAdapter,
  MarketplaceError,
  LazadaAdapter,
  type ListingContent,
  type PublishedListing,
  PostmartAdapter,
  productHoldingSku,
  SendoAdapter,
  ShopeeAdapter,
  type StockPush,
  TiktokAdapter,
  VosoAdapter,
  type WebhookDelivery,
} from '@ocop/marketplaces';
import { Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import { waitFor } from '../sandbox/helpers';
import {
  authorize,
  byStatus,
  CATEGORY_CODES,
  collect,
  control,
  type Control,
  countingGate,
  heldListing,
  honeyProduct,
  http,
  openShop,
  placeOrder,
  placeOrders,
  rejection,
  type SandboxShop,
  startDeliveryReceiver,
  startTestSandbox,
  stockedProduct,
  teaProduct,
} from './support';

/**
 * The marketplace port's contract (libs/marketplaces/src/port.ts), checked once for every adapter
 * against the sandbox over real HTTP.
 *
 * Adding a marketplace to these tests means adding its entry to `CASES` below, and nothing else.
 * Every way the marketplaces differ is data in their entry, never an `if` on a marketplace's name
 * in a test; `CASES` is a Record over MARKETPLACES, so typecheck asks for the entry as soon as the
 * marketplace exists, and the category codes come from config/reference/categories.json like the
 * connector's. (The marketplace itself — adapter, reference data, sandbox server — is not a test's
 * business.) What only one style does and the contract cannot say (Sendo's approval statuses and
 * status windows, Voso's maintenance page and shifting order pages, Postmart's 504-after-write and
 * signing clock) is in its `<marketplace>-specific.e2e-spec.ts`, which a new marketplace may not need.
 */

/** What a matcher in a case compares a MarketplaceError (or part of one) with. */
type Refusal = { message?: unknown; options?: Partial<MarketplaceError['options']> };

interface AdapterCase {
  marketplace: Marketplace;
  /** the adapter under test; tests add a gate or a deadline through `options` */
  adapter(options?: AdapterOptions): MarketplaceAdapter;
  /** where the marketplace listens, and its sandbox control API: open shops, read what it holds */
  sandbox(sandbox: Sandbox): { baseUrl: string; ctl: Control };
  ids: {
    /** the form of the product ids the marketplace mints */
    product: RegExp;
    /** 'sku-code' when it knows variants by our SKU codes, else the form of its own variant ids */
    variant: 'sku-code' | RegExp;
    /** ids it never issued, in its own form */
    unknownProduct: string;
    unknownVariant: string;
    unknownOrder(): string;
  };
  /** Sendo holds one weight per product, the heaviest SKU's; the others one per SKU */
  weight: 'heaviest-of-product' | 'per-sku';
  /**
   * Sendo holds an `available` flag beside the stock: it must be false once every SKU is at 0 (one
   * more call after the stock push) and delisting clears it. Elsewhere the stock alone says it.
   */
  availabilityFlag: boolean;
  /** the sandbox's call counters (`GET /_sandbox/stats`) of an update and of a stock push */
  calls: { update: string; stock: string };
  /** styles with a session token: its login call and lifetime; null where every call is signed */
  session: { login: string; lifetimeSeconds: number } | null;
  /** whether the credentials check names the shop (Sendo's token subject) */
  credentialsNameShop: boolean;
  /**
   * App-based styles (ADR 24): a shop is authorized once with a one-time code (`codeCredential`)
   * exchanged for a grant that every later call uses; the webhook secret doubles as the credential
   * `secretCredential`, so setting one sets the other. Absent: the credentials log in or sign.
   */
  app?: { codeCredential: string; secretCredential: string };
  /**
   * Faults every shop of the case opens with: Shopee's 10 calls a second per shop is less than a
   * test spends in a second (a publish with variants is three calls); the throttling test sets its own.
   */
  shopFaults?: Record<string, unknown>;
  /** whether a product must name an image (Lazada); the contract's image-less products then get one */
  needsImage?: boolean;
  /** how the marketplace refuses, beyond the kind every case shares */
  refusals: {
    credentials: Refusal;
    /** after it answered "too many calls" */
    throttled: Refusal;
    emptyName: Refusal;
    /** a stock item for a product and SKU it does not know */
    unknownStockItem: Refusal;
    delistedStockItem(externalId: string): Refusal;
    delistedUpdate(externalId: string): Refusal;
    unknownUpdate: Refusal;
    /** a backend failure (`errorRate`); absent: an HTTP 500 or 502 */
    backendFailure?: Refusal;
  };
  /** Lazada: a delisted (inactive) item still takes stock figures; buyers cannot order it */
  delistedTakesStock?: boolean;
  orders: {
    /** the codes it holds for the connector's statuses, as the control API shows them */
    heldStatus: Record<'pending' | 'confirmed' | 'cancelled', string | number>;
    /** whether order lines carry its variant ids (Postmart's sku_id) */
    lineVariantIds: boolean;
    /** whether its searches and pushes carry the whole order (Sendo's carry number, status and time) */
    changesCarryOrder: boolean;
    /** when its pushes differ from its searches there (TikTok's and Lazada's pushes carry no lines) */
    pushesCarryOrder?: boolean;
    /** Lazada: one push per order item, each item one unit */
    pushPerUnit?: boolean;
    /** Lazada: the out-of-stock cancel sets the SKU's stock to 0 instead of giving the units back */
    outOfStockZeroesStock?: boolean;
    /** where a push names the cancel reason, and its words for buyer_request; null when it does not */
    cancelReasonInPush: { read(body: any): unknown; buyerRequest: string } | null;
    /** how long a push's signature holds, when the marketplace dates it */
    replayWindowSeconds: number | null;
    /** what the connector answers a delivery with, besides `received`; null: an empty body */
    acknowledgement(delivery: WebhookDelivery): Record<string, unknown> | null;
  };
  /** the description the marketplace holds for plain catalogue text (TikTok's is HTML) */
  heldDescription?(text: string): string;
  /** what an update can change: everything, or (TikTok's contract, which has no edit call) prices and stock */
  updates?: 'everything' | 'prices-and-stock';
}

const NO_UUID = '00000000-0000-4000-8000-000000000000';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const sandboxPort = (marketplace: Marketplace) => (sandbox: Sandbox) => ({
  baseUrl: sandbox.urls[marketplace],
  ctl: control(sandbox.urls[marketplace]),
});

const CASES: Record<Marketplace, AdapterCase> = {
  sendo: {
    marketplace: 'sendo',
    adapter: (options) => new SendoAdapter(CATEGORY_CODES, options),
    sandbox: sandboxPort('sendo'),
    ids: {
      product: /^\d+$/,
      variant: 'sku-code',
      unknownProduct: '99999999',
      unknownVariant: 'Z-1',
      unknownOrder: () => '999',
    },
    weight: 'heaviest-of-product',
    availabilityFlag: true,
    calls: { update: 'POST /api/partner/product', stock: 'POST /api/partner/product/update-by-field-mask' },
    session: { login: 'POST /login', lifetimeSeconds: 8 * 3600 },
    credentialsNameShop: true,
    refusals: {
      credentials: { options: { status: 401 } },
      throttled: { options: { status: 429 } },
      emptyName: { message: expect.stringMatching(/^name: /) },
      unknownStockItem: { message: 'product 99999999 not found' },
      delistedStockItem: (id) => ({ message: `product ${id} is in status 5 and cannot be updated` }),
      delistedUpdate: (id) => ({ message: `product ${id} is in status 5 and cannot be updated` }),
      unknownUpdate: { options: { status: 404 } },
    },
    orders: {
      heldStatus: { pending: 2, confirmed: 3, cancelled: 13 },
      lineVariantIds: false,
      changesCarryOrder: false,
      cancelReasonInPush: null,
      replayWindowSeconds: null,
      acknowledgement: () => ({}),
    },
  },
  voso: {
    marketplace: 'voso',
    adapter: (options) => new VosoAdapter(CATEGORY_CODES, options),
    sandbox: sandboxPort('voso'),
    ids: {
      product: /^\d+$/,
      variant: 'sku-code',
      unknownProduct: '987654',
      unknownVariant: 'Z-1',
      unknownOrder: () => 'VOSO9999999999',
    },
    weight: 'per-sku',
    availabilityFlag: false,
    calls: { update: 'PUT /v2/products/:productId', stock: 'POST /v2/inventory/bulk' },
    session: { login: 'POST /v2/user/Login', lifetimeSeconds: 24 * 3600 },
    credentialsNameShop: false,
    refusals: {
      credentials: { options: { status: 401 } },
      throttled: { options: { status: 429 } },
      emptyName: { message: expect.stringMatching(/^PRODUCT_NAME: /) },
      unknownStockItem: { message: 'SKU_NOT_FOUND' },
      delistedStockItem: () => ({ message: 'PRODUCT_DELISTED' }),
      delistedUpdate: (id) => ({ message: `PRODUCT_ID ${id} is delisted` }),
      unknownUpdate: { options: { status: 404 } },
    },
    orders: {
      heldStatus: { pending: 'CHO_DUYET', confirmed: 'DA_DUYET', cancelled: 'HUY' },
      lineVariantIds: false,
      changesCarryOrder: true,
      cancelReasonInPush: {
        read: (body) => body.DATA.CANCEL_REASON,
        buyerRequest: 'Người mua yêu cầu hủy đơn',
      },
      replayWindowSeconds: 300,
      acknowledgement: () => ({}),
    },
  },
  postmart: {
    marketplace: 'postmart',
    adapter: (options) => new PostmartAdapter(CATEGORY_CODES, options),
    sandbox: sandboxPort('postmart'),
    ids: {
      product: UUID,
      variant: UUID,
      unknownProduct: NO_UUID,
      unknownVariant: NO_UUID,
      unknownOrder: () => randomUUID(),
    },
    weight: 'per-sku',
    availabilityFlag: false,
    calls: { update: 'PUT /api/v1/products/:productId', stock: 'PUT /api/v1/skus/:skuId/stock' },
    session: null,
    credentialsNameShop: false,
    refusals: {
      credentials: { options: { code: 'IncompleteSignature' } },
      throttled: { options: { code: 'ApiCallLimit', status: 200 } },
      emptyName: { message: expect.stringMatching(/^name: /), options: { code: 'InvalidParameter' } },
      unknownStockItem: { options: { code: 'NotFound' } },
      delistedStockItem: (id) => ({
        message: `product ${id} is delisted`,
        options: { code: 'InvalidParameter' },
      }),
      delistedUpdate: (id) => ({ message: `product ${id} is delisted` }),
      unknownUpdate: { options: { code: 'NotFound' } },
    },
    orders: {
      heldStatus: { pending: 'pending', confirmed: 'confirmed', cancelled: 'cancelled' },
      lineVariantIds: true,
      changesCarryOrder: true,
      cancelReasonInPush: { read: (body) => body.order.cancel_reason_code, buyerRequest: 'buyer_request' },
      replayWindowSeconds: null,
      acknowledgement: (delivery) => ({
        code: 'success',
        transaction: delivery.headers['x-postmart-transaction'],
      }),
    },
  },
  shopee: {
    marketplace: 'shopee',
    adapter: (options) =>
      new ShopeeAdapter(CATEGORY_CODES, {
        // the connector's image files: every catalogue URL is a 1×1 PNG (the sandbox checks the bytes)
        imageFiles: async () => ({
          bytes: Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'),
          contentType: 'image/png',
        }),
        ...options,
      }),
    sandbox: sandboxPort('shopee'),
    ids: {
      product: /^\d+$/,
      variant: /^\d+:\d+$/,
      unknownProduct: '999999999',
      unknownVariant: '999999999:0',
      unknownOrder: () => '261201ZZZZZZZZ',
    },
    // the models inherit the item's weight, the heaviest SKU's
    weight: 'heaviest-of-product',
    availabilityFlag: false,
    calls: { update: 'POST /api/v2/product/update_price', stock: 'POST /api/v2/product/update_stock' },
    session: null,
    credentialsNameShop: true,
    app: { codeCredential: 'code', secretCredential: 'partner_key' },
    needsImage: true,
    shopFaults: { rateLimitPerSecond: 0 },
    // an unlisted item still takes stock figures; buyers cannot order it
    delistedTakesStock: true,
    refusals: {
      credentials: {},
      throttled: { options: { status: 429, code: 'error_rate_limit' } },
      emptyName: { options: { code: 'error_param' } },
      unknownStockItem: { options: { code: 'error_item_not_found' } },
      delistedStockItem: () => ({}),
      delistedUpdate: (id) => ({ message: `item ${id} is UNLIST`, options: { code: 'item_not_live' } }),
      unknownUpdate: { options: { code: 'error_item_not_found' } },
    },
    orders: {
      heldStatus: { pending: 'READY_TO_SHIP', confirmed: 'PROCESSED', cancelled: 'CANCELLED' },
      lineVariantIds: true,
      changesCarryOrder: true,
      pushesCarryOrder: false,
      cancelReasonInPush: null,
      replayWindowSeconds: null,
      acknowledgement: () => null,
    },
    updates: 'prices-and-stock',
  },
  tiktok: {
    marketplace: 'tiktok',
    adapter: (options) =>
      new TiktokAdapter(CATEGORY_CODES, {
        // the connector's image files: every catalogue URL is a 1×1 PNG (the sandbox checks the bytes)
        imageFiles: async () => ({
          bytes: Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'),
          contentType: 'image/png',
        }),
        ...options,
      }),
    sandbox: sandboxPort('tiktok'),
    ids: {
      product: /^\d+$/,
      variant: /^\d+$/,
      unknownProduct: '1799999999999999999',
      unknownVariant: '1799999999999999998',
      unknownOrder: () => '579999999999999999',
    },
    weight: 'heaviest-of-product',
    availabilityFlag: false,
    calls: {
      update: 'POST /product/202309/products/:productId/prices/update',
      stock: 'POST /product/202309/products/:productId/inventory/update',
    },
    session: null,
    credentialsNameShop: true,
    refusals: {
      credentials: {},
      throttled: { options: { status: 429, code: '36009002' } },
      emptyName: { message: expect.stringMatching(/^title/), options: { code: '40006' } },
      unknownStockItem: { options: { code: '40004' } },
      delistedStockItem: (id) => ({ message: `product ${id} is SELLER_DEACTIVATED` }),
      delistedUpdate: (id) => ({ message: `product ${id} is SELLER_DEACTIVATED` }),
      unknownUpdate: { options: { code: '40004' } },
    },
    orders: {
      heldStatus: { pending: 'AWAITING_SHIPMENT', confirmed: 'AWAITING_COLLECTION', cancelled: 'CANCELLED' },
      lineVariantIds: true,
      changesCarryOrder: true,
      pushesCarryOrder: false,
      cancelReasonInPush: null,
      replayWindowSeconds: null,
      acknowledgement: () => null,
    },
    app: { codeCredential: 'auth_code', secretCredential: 'app_secret' },
    needsImage: true,
    heldDescription: (text) => `<p>${text}</p>`,
    updates: 'prices-and-stock',
  },
  lazada: {
    marketplace: 'lazada',
    adapter: (options) => new LazadaAdapter(CATEGORY_CODES, options),
    sandbox: sandboxPort('lazada'),
    ids: {
      product: /^\d+$/,
      variant: /^\d+$/,
      unknownProduct: '1999999999',
      unknownVariant: '9999999999',
      unknownOrder: () => '399999999999999',
    },
    weight: 'per-sku',
    availabilityFlag: false,
    calls: { update: 'POST /rest/product/update', stock: 'POST /rest/product/price_quantity/update' },
    session: null,
    credentialsNameShop: true,
    app: { codeCredential: 'code', secretCredential: 'app_secret' },
    needsImage: true,
    delistedTakesStock: true,
    refusals: {
      // IncompleteSignature for a wrong app key or secret, InvalidCode for a wrong code: all in a 200
      credentials: { options: { status: 200 } },
      throttled: { options: { code: 'ApiCallLimit', status: 200 } },
      emptyName: { message: expect.stringMatching(/name/), options: { code: 'InvalidParameter' } },
      unknownStockItem: { message: 'SellerSku Z-1: SKU not found', options: { code: '204' } },
      // not asked: an inactive item takes stock (delistedTakesStock)
      delistedStockItem: () => ({}),
      delistedUpdate: (id) => ({ message: `item ${id} is not live`, options: { code: 'E0004' } }),
      unknownUpdate: { options: { code: '204' } },
      backendFailure: { options: { code: 'ServiceTimeout', status: 200 } },
    },
    orders: {
      heldStatus: { pending: 'pending', confirmed: 'ready_to_ship', cancelled: 'canceled' },
      lineVariantIds: true,
      changesCarryOrder: true,
      pushesCarryOrder: false,
      pushPerUnit: true,
      outOfStockZeroesStock: true,
      cancelReasonInPush: null,
      replayWindowSeconds: null,
      acknowledgement: () => ({}),
    },
  },
};

/** Shops that publish dozens of products at once must not meet the style's default rate limit. */
const UNTHROTTLED = { rateLimitPerSecond: 0 };

/** What the sandbox must hold for `content` after a publish or an update. */
function expectedVariants(c: AdapterCase, content: ListingContent, published: PublishedListing) {
  const heaviest = Math.max(...content.variants.map((variant) => variant.weightGrams));
  return Object.fromEntries(
    content.variants.map((variant) => [
      variant.skuCode,
      {
        sku: variant.skuCode,
        variantId: published.variantIds[variant.skuCode],
        price: variant.priceVnd,
        quantity: variant.quantity,
        weightGrams: c.weight === 'heaviest-of-product' ? heaviest : variant.weightGrams,
      },
    ]),
  );
}

function stockItem(published: PublishedListing, skuCode: string, quantity: number): StockPush {
  return {
    externalId: published.externalId,
    skuCode,
    variantId: published.variantIds[skuCode],
    quantity,
    idempotencyKey: `${published.externalId}:${skuCode}:${quantity}`,
  };
}

/** A port nothing listens on: the connection is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function tampered(delivery: WebhookDelivery): WebhookDelivery {
  const rawBody = Buffer.from(delivery.rawBody);
  // one digit of the body changed: still JSON, still the same shape
  const at = rawBody.findIndex((byte) => byte >= 0x30 && byte <= 0x38);
  rawBody[at] += 1;
  return { rawBody, headers: delivery.headers };
}

const total = (stats: Record<string, number>) => Object.values(stats).reduce((sum, n) => sum + n, 0);

describe.each(Object.values(CASES))('the marketplace port: $marketplace adapter against the sandbox', (c) => {
  let sandbox: Sandbox;
  const adapter = c.adapter();

  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox.close());
  beforeEach(() => c.sandbox(sandbox).ctl.reset());

  const newShop = async (faults: Record<string, unknown> = {}): Promise<SandboxShop> => {
    const { baseUrl, ctl } = c.sandbox(sandbox);
    const opened = await openShop(c.marketplace, baseUrl, ctl, { ...c.shopFaults, ...faults });
    if (c.app) {
      await authorize(adapter, opened);
      // the code's exchange is the connection's, not a call of the test
      await ctl.clearStats();
    }
    return opened;
  };
  const heldDescription = (text: string) => c.heldDescription?.(text) ?? text;

  /** The content as the marketplace can take it: a style that needs an image gets one. */
  const pictured = (content: ListingContent): ListingContent =>
    c.needsImage && content.imageUrls.length === 0
      ? { ...content, imageUrls: ['https://img.example/san-pham.jpg'] }
      : content;

  /** Whether a buyer can order one unit of the SKU now. */
  const buyable = async (ctl: Control, shopId: string, sku: string) =>
    (await ctl.placeOrder(shopId, { lines: [{ sku, quantity: 1 }] })).status === 201;

  describe('listings', () => {
    it('publishes every SKU with the OCOP badge, the category, and the price, weight and stock of each', async () => {
      const { shop, ctl, shopId } = await newShop();
      const content = teaProduct('A');
      const published = await adapter.publish(shop, content);
      expect(published.externalId).toMatch(c.ids.product);
      expect(Object.keys(published.variantIds).sort()).toEqual(['A-100G', 'A-200G', 'A-500G']);
      for (const [skuCode, variantId] of Object.entries(published.variantIds)) {
        if (c.ids.variant === 'sku-code') expect(variantId).toBe(skuCode);
        else expect(variantId).toMatch(c.ids.variant);
      }
      expect(new Set(Object.values(published.variantIds)).size).toBe(3);
      const held = await heldListing(ctl, shopId, published.externalId);
      expect(held).toMatchObject({
        name: 'Chè tôm nõn Hảo Đạt · OCOP 5★',
        status: 'active',
        available: true,
        categoryId: String(CATEGORY_CODES.tea[c.marketplace]),
        description: heldDescription('Chè đặc sản Tân Cương, Thái Nguyên'),
      });
      expect(byStatus(held.variants)).toEqual(expectedVariants(c, content, published));
    });

    (c.updates === 'prices-and-stock' ? it.skip : it)(
      'updates title, description, category, prices, weights and stock in one call, keeping every id, and drops the badge once the certificate stops being active',
      async () => {
        const { shop, ctl, shopId } = await newShop();
        const content = teaProduct('B');
        const published = await adapter.publish(shop, content);
        await ctl.clearStats();
        const changed: ListingContent = {
          ...content,
          ocopStars: null,
          description: 'Chè búp Tân Cương, vụ xuân',
          category: 'honey',
          variants: content.variants.map((variant, i) => ({
            ...variant,
            priceVnd: variant.priceVnd + 5_000 * (i + 1),
            weightGrams: variant.weightGrams + 10,
            quantity: variant.quantity + 1,
          })),
        };
        expect(await adapter.update(shop, published.externalId, changed)).toEqual(published);
        expect((await ctl.stats())[c.calls.update]).toBe(1);
        const held = await heldListing(ctl, shopId, published.externalId);
        expect(held).toMatchObject({
          name: 'Chè tôm nõn Hảo Đạt',
          status: 'active',
          categoryId: String(CATEGORY_CODES.honey[c.marketplace]),
          description: 'Chè búp Tân Cương, vụ xuân',
        });
        expect(byStatus(held.variants)).toEqual(expectedVariants(c, changed, published));
        expect(await ctl.listings(shopId)).toHaveLength(1);
        // certified again, at another rating
        await adapter.update(shop, published.externalId, { ...changed, ocopStars: 4 });
        expect((await heldListing(ctl, shopId, published.externalId)).name).toBe(
          'Chè tôm nõn Hảo Đạt · OCOP 4★',
        );
      },
    );

    it('refuses as permanent: a SKU another product holds (naming it), an empty name, no SKU, a negative price, an unknown category, an update of an unknown product', async () => {
      const { shop, ctl, shopId } = await newShop();
      const { externalId } = await adapter.publish(shop, teaProduct('I'));
      const clash = await rejection(adapter.publish(shop, teaProduct('I')));
      expect(clash).toMatchObject({
        kind: 'permanent',
        message: `SKU I-100G already belongs to product ${externalId}`,
      });
      // what lets the sync engine adopt the product a lost publish answer created
      expect(productHoldingSku(clash, ['I-100G', 'I-200G', 'I-500G'])).toBe(externalId);

      const empty = await rejection(adapter.publish(shop, teaProduct('H', { name: '   ', ocopStars: 4 })));
      expect(empty).toBeInstanceOf(MarketplaceError);
      expect(empty).toMatchObject({ kind: 'permanent', ...c.refusals.emptyName });
      expect(await rejection(adapter.publish(shop, teaProduct('K', { variants: [] })))).toMatchObject({
        kind: 'permanent',
      });
      const negative = teaProduct('N');
      negative.variants[0].priceVnd = -1;
      expect((await rejection(adapter.publish(shop, negative))).kind).toBe('permanent');
      expect(await rejection(adapter.publish(shop, teaProduct('J', { category: 'wine' })))).toMatchObject({
        kind: 'permanent',
        options: { code: 'unknown_category' },
      });
      expect(await rejection(adapter.update(shop, c.ids.unknownProduct, teaProduct('M')))).toMatchObject({
        kind: 'permanent',
        ...c.refusals.unknownUpdate,
      });
      expect(await ctl.listings(shopId)).toHaveLength(1);
    });

    it('delists; delisting again or an unknown product is harmless; a delisted product refuses updates; publishing again relists it under a new id', async () => {
      const { shop, ctl, shopId } = await newShop();
      const content = teaProduct('D');
      const { externalId } = await adapter.publish(shop, content);
      await adapter.delist(shop, externalId);
      const delisted = await heldListing(ctl, shopId, externalId);
      expect(delisted.status).toBe('delisted');
      if (c.availabilityFlag) expect(delisted.available).toBe(false);
      await expect(adapter.delist(shop, externalId)).resolves.toBeUndefined();
      await expect(adapter.delist(shop, c.ids.unknownProduct)).resolves.toBeUndefined();
      expect(await rejection(adapter.update(shop, externalId, content))).toMatchObject({
        kind: 'permanent',
        ...c.refusals.delistedUpdate(externalId),
      });
      expect(await buyable(ctl, shopId, 'D-100G')).toBe(false);

      const relisted = await adapter.publish(shop, content);
      expect(relisted.externalId).toMatch(c.ids.product);
      expect(relisted.externalId).not.toBe(externalId);
      const held = await heldListing(ctl, shopId, relisted.externalId);
      expect(held).toMatchObject({ status: 'active', name: 'Chè tôm nõn Hảo Đạt · OCOP 5★' });
      expect(byStatus(held.variants)).toEqual(expectedVariants(c, content, relisted));
      expect((await heldListing(ctl, shopId, externalId)).status).toBe('delisted');
      expect(await buyable(ctl, shopId, 'D-100G')).toBe(true);
    });
  });

  describe('stock', () => {
    it('pushes 120 SKUs of 60 products in as few calls as stockBatchSize and stockBatchUnit say, one result per item in order; a product pushed to 0 everywhere is taken off sale, not refused', async () => {
      const { shop, ctl, shopId } = await newShop(UNTHROTTLED);
      const products = await Promise.all(
        Array.from({ length: 60 }, async (_, i) => {
          const content = pictured(honeyProduct(`H${i}`, 2));
          return { content, published: await adapter.publish(shop, content) };
        }),
      );
      await ctl.clearStats();
      const items = products.flatMap(({ content, published }, p) =>
        content.variants.map((variant, v) =>
          stockItem(published, variant.skuCode, p === 0 ? 0 : 100 + p * 2 + v),
        ),
      );
      const units = adapter.stockBatchUnit === 'product' ? products.length : items.length;
      // more than one call's worth, or the batching is not under test
      expect(units).toBeGreaterThan(adapter.stockBatchSize);

      const results = await adapter.pushStock(shop, items);
      expect(results).toEqual(
        items.map((item) => ({ skuCode: item.skuCode, externalId: item.externalId, ok: true })),
      );
      expect((await ctl.stats())[c.calls.stock]).toBe(
        Math.ceil(units / adapter.stockBatchSize) + (c.availabilityFlag ? 1 : 0),
      );
      const held = (await ctl.listings(shopId)) as any[];
      const quantities = Object.fromEntries(
        held.flatMap((l) => l.variants.map((v: any) => [v.sku, v.quantity])),
      );
      for (const item of items) expect(quantities[item.skuCode]).toBe(item.quantity);
      if (c.availabilityFlag) {
        expect(await heldListing(ctl, shopId, products[0].published.externalId)).toMatchObject({
          available: false,
        });
      }
      expect(await buyable(ctl, shopId, 'H0-0')).toBe(false);
      expect(await buyable(ctl, shopId, 'H1-0')).toBe(true);
    });

    it('a SKU at 0 leaves the product on sale while another SKU has stock; the last SKU at 0 takes it off sale; a restock puts it back', async () => {
      const { shop, ctl, shopId } = await newShop();
      // Q-200G is published at 0
      const published = await adapter.publish(shop, teaProduct('Q'));
      await ctl.clearStats();
      expect(await adapter.pushStock(shop, [stockItem(published, 'Q-500G', 0)])).toMatchObject([
        { ok: true },
      ]);
      expect((await ctl.stats())[c.calls.stock]).toBe(1);
      expect(await buyable(ctl, shopId, 'Q-100G')).toBe(true);

      expect(await adapter.pushStock(shop, [stockItem(published, 'Q-100G', 0)])).toMatchObject([
        { ok: true },
      ]);
      expect((await ctl.stats())[c.calls.stock]).toBe(c.availabilityFlag ? 3 : 2);
      const held = await heldListing(ctl, shopId, published.externalId);
      expect(held.variants.map((v: any) => v.quantity)).toEqual([0, 0, 0]);
      if (c.availabilityFlag) expect(held.available).toBe(false);
      expect(await buyable(ctl, shopId, 'Q-100G')).toBe(false);

      expect(await adapter.pushStock(shop, [stockItem(published, 'Q-200G', 4)])).toMatchObject([
        { ok: true },
      ]);
      if (c.availabilityFlag) {
        expect(await heldListing(ctl, shopId, published.externalId)).toMatchObject({ available: true });
      }
      expect(await buyable(ctl, shopId, 'Q-200G')).toBe(true);
    });

    it('fails stock items alone: an unknown product or SKU and a delisted product are permanent, the rest apply', async () => {
      const { shop, ctl, shopId } = await newShop();
      const live = await adapter.publish(shop, teaProduct('C'));
      const gone = await adapter.publish(shop, teaProduct('E'));
      await adapter.delist(shop, gone.externalId);
      const unknown: StockPush = {
        externalId: c.ids.unknownProduct,
        skuCode: 'Z-1',
        variantId: c.ids.unknownVariant,
        quantity: 3,
        idempotencyKey: 'z',
      };
      const results = await adapter.pushStock(shop, [
        stockItem(live, 'C-200G', 9),
        unknown,
        stockItem(gone, 'E-100G', 9),
      ]);
      expect(results[0]).toEqual({ skuCode: 'C-200G', externalId: live.externalId, ok: true });
      expect(results[1]).toMatchObject({
        skuCode: 'Z-1',
        externalId: c.ids.unknownProduct,
        ok: false,
        error: { kind: 'permanent', ...c.refusals.unknownStockItem },
      });
      expect(results[2]).toMatchObject(
        c.delistedTakesStock
          ? { skuCode: 'E-100G', ok: true }
          : {
              skuCode: 'E-100G',
              ok: false,
              error: { kind: 'permanent', ...c.refusals.delistedStockItem(gone.externalId) },
            },
      );
      expect(byStatus((await heldListing(ctl, shopId, live.externalId)).variants)['C-200G'].quantity).toBe(9);
    });
  });

  describe('failures', () => {
    it('refused credentials are an auth error at the check, on a write and for every stock item; accepted ones name the shop where the style tells it', async () => {
      const { shop, ctl, shopId } = await newShop();
      const app = c.app;
      // an app-based shop's code was spent connecting it: the check is made with a fresh one
      const checked = app
        ? {
            ...shop,
            credentials: {
              ...shop.credentials,
              [app.codeCredential]: (
                await http('POST', `${c.sandbox(sandbox).baseUrl}/_sandbox/shops/${shopId}/auth-code`)
              ).body.code,
            },
          }
        : shop;
      await expect(adapter.verifyCredentials(checked)).resolves.toEqual({
        shopId: c.credentialsNameShop ? shopId : null,
        ...(app ? { grant: expect.objectContaining({ accessToken: expect.any(String) }) } : {}),
      });
      const published = await adapter.publish(shop, teaProduct('E'));
      expect(Object.keys(shop.credentials).length).toBeGreaterThan(0);
      for (const name of Object.keys(shop.credentials)) {
        // a second apart on the sandbox clock: Sendo allows a shop key 5 logins a second
        await ctl.advance(1);
        // a connection of its own: no session the good credentials opened can stand in
        const wrong = {
          ...shop,
          connectionId: randomUUID(),
          credentials: { ...shop.credentials, [name]: `wrong-${randomUUID()}` },
        };
        const refused = await rejection(adapter.verifyCredentials(wrong));
        expect(refused).toBeInstanceOf(MarketplaceError);
        expect(refused).toMatchObject({
          kind: 'auth',
          ...c.refusals.credentials,
          options: { ...c.refusals.credentials.options, marketplace: c.marketplace },
        });
        // the code is only spent connecting: the shop's calls use the grant it gave
        if (name === app?.codeCredential) continue;
        expect((await rejection(adapter.publish(wrong, teaProduct('F')))).kind).toBe('auth');
        const pushed = await adapter.pushStock(wrong, [
          stockItem(published, 'E-100G', 1),
          stockItem(published, 'E-500G', 1),
        ]);
        expect(pushed).toMatchObject([
          { ok: false, error: { kind: 'auth' } },
          { ok: false, error: { kind: 'auth' } },
        ]);
      }
      expect(
        byStatus((await heldListing(ctl, shopId, published.externalId)).variants)['E-100G'].quantity,
      ).toBe(10);
      expect(await ctl.listings(shopId)).toHaveLength(1);
    });

    it('throttling is retryable with the wait the marketplace names, and tells the call gate of each throttled call', async () => {
      const { shop, ctl, shopId } = await newShop();
      const content = teaProduct('J');
      let throttled = 0;
      const gated = c.adapter({
        gate: {
          beforeCall: async () => undefined,
          throttled: async () => {
            throttled++;
          },
        },
      });
      // published first, so a session style has its token: each update below is then one call
      const { externalId } = await gated.publish(shop, content);
      await ctl.faults(shopId, { rateLimitPerSecond: 1 });
      const outcomes = await Promise.allSettled([1, 2, 3].map(() => gated.update(shop, externalId, content)));
      const refused = outcomes
        .filter((o): o is PromiseRejectedResult => o.status === 'rejected')
        .map((o) => o.reason);
      expect(refused.length).toBeGreaterThan(0);
      for (const error of refused) {
        expect(error).toMatchObject({ kind: 'retryable', ...c.refusals.throttled });
        expect(error.options.retryAfterMs).toBeGreaterThan(0);
      }
      expect(throttled).toBe(refused.length);
    });

    it('5xx answers are retryable, for a write and for a stock item', async () => {
      const { shop, ctl, shopId } = await newShop();
      const content = teaProduct('G');
      const published = await adapter.publish(shop, content);
      await ctl.faults(shopId, { errorRate: 1 });
      const refused = await rejection(adapter.update(shop, published.externalId, content));
      expect(refused.kind).toBe('retryable');
      if (c.refusals.backendFailure) expect(refused).toMatchObject(c.refusals.backendFailure);
      else expect([500, 502]).toContain(refused.options.status);
      expect(await adapter.pushStock(shop, [stockItem(published, 'G-100G', 1)])).toMatchObject([
        { ok: false, error: { kind: 'retryable' } },
      ]);
    });

    it('a marketplace that cannot be reached, or answers after the deadline, is retryable and named without its address', async () => {
      const { shop, ctl, shopId } = await newShop();
      const published = await adapter.publish(shop, teaProduct('U'));
      const port = await closedPort();
      const away = { ...shop, connectionId: randomUUID(), baseUrl: `http://127.0.0.1:${port}` };
      const unreachable = { message: `${c.marketplace}: marketplace unreachable` };
      expect(await rejection(adapter.verifyCredentials(away))).toMatchObject({
        kind: 'retryable',
        ...unreachable,
        options: { code: 'ECONNREFUSED', marketplace: c.marketplace },
      });
      expect(await rejection(adapter.publish(away, teaProduct('V')))).toMatchObject({
        kind: 'retryable',
        ...unreachable,
      });
      expect(await adapter.pushStock(away, [stockItem(published, 'U-100G', 1)])).toMatchObject([
        { ok: false, error: { kind: 'retryable', ...unreachable } },
      ]);

      await ctl.faults(shopId, { latencyMs: 600 });
      const impatient = c.adapter({ deadlineMs: 150 });
      const late = await rejection(impatient.verifyCredentials({ ...shop, connectionId: randomUUID() }));
      expect(late).toMatchObject({ kind: 'retryable', ...unreachable, options: { code: 'timeout' } });
    });

    const session = c.session;
    if (session) {
      it('logs in again once the session expires, once for concurrent calls, repeating each refused call once', async () => {
        const { shop, ctl, shopId } = await newShop();
        const content = teaProduct('F');
        const published = await adapter.publish(shop, content);
        expect((await ctl.stats())[session.login]).toBe(1);
        await ctl.advance(session.lifetimeSeconds + 1);
        await ctl.clearStats();
        content.variants[1].priceVnd = 240_000;
        const [, pushed] = await Promise.all([
          adapter.update(shop, published.externalId, content),
          adapter.pushStock(shop, [stockItem(published, 'F-500G', 4)]),
        ]);
        expect(pushed).toMatchObject([{ ok: true }]);
        const stats = await ctl.stats();
        expect(stats[session.login]).toBe(1);
        // the call the stale token was refused on, and its repeat
        expect(stats[c.calls.update]).toBe(2);
        expect(stats[c.calls.stock]).toBe(2);
        const held = byStatus((await heldListing(ctl, shopId, published.externalId)).variants);
        expect(held['F-200G'].price).toBe(240_000);
        expect(held['F-500G'].quantity).toBe(4);
      });

      it('a token refused right after a fresh login is retryable (token_refused), not an auth failure', async () => {
        const { shop, ctl, shopId } = await newShop();
        const { externalId } = await adapter.publish(shop, teaProduct('S'));
        await ctl.faults(shopId, { tokenTtlSeconds: 1 });
        await ctl.advance(session.lifetimeSeconds + 1);
        // every new token lives 1 s on the sandbox clock: advance it between login and call
        const slow = c.adapter({
          gate: {
            beforeCall: async () => {
              await ctl.advance(2);
            },
          },
        });
        expect(await rejection(slow.delist(shop, externalId))).toMatchObject({
          kind: 'retryable',
          options: { code: 'token_refused', status: 401 },
        });
      });
    }

    it('asks the call gate before every request, logins included', async () => {
      const { shop, ctl } = await newShop();
      const gate = countingGate();
      const gated = c.adapter({ gate });
      const published = await gated.publish(shop, teaProduct('L'));
      await gated.pushStock(shop, [stockItem(published, 'L-100G', 2), stockItem(published, 'L-500G', 3)]);
      await gated.delist(shop, published.externalId);
      expect(gate.calls).toBeGreaterThanOrEqual(3);
      expect(gate.calls).toBe(total(await ctl.stats()));
    });
  });

  describe('orders', () => {
    async function shopWithProduct(tag: string) {
      const opened = await newShop(UNTHROTTLED);
      const content = pictured(stockedProduct(tag));
      const published = await adapter.publish(opened.shop, content);
      return { ...opened, content, published };
    }

    it('fetches an order with its lines; an unknown order is order_not_found', async () => {
      const { shop, ctl, shopId, published } = await shopWithProduct('F');
      const orderId = await placeOrder(ctl, shopId, [
        { sku: 'F-250', quantity: 2 },
        { sku: 'F-500', quantity: 1 },
      ]);
      const order = await adapter.fetchOrder(shop, orderId);
      const held = await ctl.order(shopId, orderId);
      expect(order).toMatchObject({
        externalOrderId: orderId,
        status: 'pending',
        marketplaceStatus: String(c.orders.heldStatus.pending),
        totalVnd: 2 * 95_000 + 170_000,
      });
      // Sendo stamps whole seconds
      expect(Math.abs(order.placedAt.getTime() - Date.parse(held.placedAt))).toBeLessThan(1000);
      expect(order.updatedAt.getTime()).toBeLessThanOrEqual(Date.parse(held.updatedAt));
      const variantId = (sku: string) => (c.orders.lineVariantIds ? published.variantIds[sku] : null);
      expect(order.lines).toEqual([
        { skuCode: 'F-250', variantId: variantId('F-250'), quantity: 2, unitPriceVnd: 95_000 },
        { skuCode: 'F-500', variantId: variantId('F-500'), quantity: 1, unitPriceVnd: 170_000 },
      ]);
      expect(await rejection(adapter.fetchOrder(shop, c.ids.unknownOrder()))).toMatchObject({
        kind: 'permanent',
        options: { code: 'order_not_found' },
      });
    });

    it('lists the orders changed since a time, oldest first, and none changed before it', async () => {
      const { shop, ctl, shopId } = await shopWithProduct('O');
      const now = await ctl.now();
      const since = now - 3600_000;
      const [before] = await placeOrders(ctl, shopId, [
        { lines: [{ sku: 'O-250', quantity: 1 }], placedAt: new Date(since - 600_000).toISOString() },
      ]);
      const after = await placeOrders(
        ctl,
        shopId,
        [50, 30, 10].map((minutes) => ({
          lines: [{ sku: 'O-500', quantity: 1 }],
          placedAt: new Date(now - minutes * 60_000).toISOString(),
        })),
      );
      const changes = await collect(adapter.ordersChangedSince(shop, new Date(since)));
      expect(new Set(changes.map((change) => change.externalOrderId))).toEqual(new Set(after));
      expect(changes.map((change) => change.externalOrderId)).not.toContain(before);
      changes.forEach((change, i) => {
        expect(change.status).toBe('pending');
        expect(change.updatedAt.getTime()).toBeGreaterThanOrEqual(since);
        if (i > 0)
          expect(change.updatedAt.getTime()).toBeGreaterThanOrEqual(changes[i - 1].updatedAt.getTime());
        if (c.orders.changesCarryOrder) {
          expect(change.order).toMatchObject({
            externalOrderId: change.externalOrderId,
            lines: [{ skuCode: 'O-500', quantity: 1, unitPriceVnd: 170_000 }],
          });
        } else expect(change.order).toBeUndefined();
      });
    });

    it('reads pushed orders back as the marketplace holds them; an order it does not know is absent; any other failure throws', async () => {
      const { shop, ctl, shopId } = await shopWithProduct('R');
      const ids = await placeOrders(ctl, shopId, [
        { lines: [{ sku: 'R-250', quantity: 2 }] },
        { lines: [{ sku: 'R-500', quantity: 1 }] },
      ]);
      expect((await ctl.moveOrder(shopId, ids[1], { status: 'confirmed' })).status).toBe(200);
      const hints = await Promise.all(
        ids.map(async (id) => ({
          externalOrderId: id,
          updatedAt: new Date((await ctl.order(shopId, id)).updatedAt),
        })),
      );
      const unknown = { externalOrderId: c.ids.unknownOrder(), updatedAt: new Date(await ctl.now()) };
      const read = await adapter.readOrders(shop, [...hints, unknown]);
      expect([...read.keys()].sort()).toEqual([...ids].sort());
      expect(read.get(ids[0])).toMatchObject({
        status: 'pending',
        lines: [{ skuCode: 'R-250', quantity: 2, unitPriceVnd: 95_000 }],
      });
      expect(read.get(ids[1])).toMatchObject({
        status: 'confirmed',
        marketplaceStatus: String(c.orders.heldStatus.confirmed),
        lines: [{ skuCode: 'R-500', quantity: 1, unitPriceVnd: 170_000 }],
      });
      expect((await adapter.readOrders(shop, [])).size).toBe(0);

      await ctl.faults(shopId, { errorRate: 1 });
      expect(await rejection(adapter.readOrders(shop, hints))).toMatchObject({ kind: 'retryable' });
    });

    it('confirms and cancels in the sandbox; a repeat is harmless; a refused move and an unknown order are permanent', async () => {
      const { shop, ctl, shopId } = await shopWithProduct('C');
      const [toConfirm, toCancel, shipped] = await placeOrders(
        ctl,
        shopId,
        Array.from({ length: 3 }, () => ({ lines: [{ sku: 'C-250', quantity: 1 }] })),
      );
      await adapter.confirmOrder(shop, toConfirm);
      expect((await ctl.order(shopId, toConfirm)).status).toBe(c.orders.heldStatus.confirmed);
      await expect(adapter.confirmOrder(shop, toConfirm)).resolves.toBeUndefined();

      await adapter.cancelOrder(shop, toCancel, 'out_of_stock');
      expect((await ctl.order(shopId, toCancel)).status).toBe(c.orders.heldStatus.cancelled);
      await expect(adapter.cancelOrder(shop, toCancel, 'out_of_stock')).resolves.toBeUndefined();
      // the cancel gave the unit back (or, where the out-of-stock reason says so, zeroed the SKU)
      const listing = (await ctl.listings(shopId))[0];
      expect(listing.variants.find((v: { sku: string }) => v.sku === 'C-250').quantity).toBe(
        c.orders.outOfStockZeroesStock ? 0 : 5_000 - 2,
      );

      expect((await ctl.moveOrder(shopId, shipped, { status: 'shipped' })).status).toBe(200);
      expect(await rejection(adapter.cancelOrder(shop, shipped, 'seller_request'))).toMatchObject({
        kind: 'permanent',
      });
      expect(await rejection(adapter.confirmOrder(shop, shipped))).toMatchObject({ kind: 'permanent' });
      expect((await ctl.order(shopId, shipped)).connectorStatus).toBe('shipped');

      expect(await rejection(adapter.confirmOrder(shop, c.ids.unknownOrder()))).toMatchObject({
        kind: 'permanent',
        options: { code: 'order_not_found' },
      });
    });

    it("reads and verifies the sandbox's webhooks with the shop's secret; a tampered, unsigned or foreign delivery fails", async () => {
      const { shop, ctl, shopId } = await shopWithProduct('W');
      const receiver = await startDeliveryReceiver(adapter);
      const secret = `whsec-${randomUUID()}`;
      try {
        expect(
          (await ctl.patchShop(shopId, { webhookUrl: receiver.url, webhookSecret: secret })).status,
        ).toBe(200);
        // the secret is the app's too where it doubles as a credential (the shop's calls sign with it)
        if (c.app) shop.credentials[c.app.secretCredential] = secret;
        const credentials = shop.credentials;
        // pushes of one order: one, or one per unit (3 here) where each item is a unit
        const perOrder = c.orders.pushPerUnit ? 3 : 1;
        const orderId = await placeOrder(ctl, shopId, [{ sku: 'W-500', quantity: 3 }]);
        await waitFor(() => receiver.received[perOrder - 1], 5000, 'the order pushes');
        const created = receiver.received[0];
        const now = new Date();

        expect(adapter.verifyWebhook(created, secret, now, credentials)).toBe(true);
        expect(adapter.verifyWebhook(created, `${secret}x`, now, credentials)).toBe(false);
        expect(adapter.verifyWebhook(tampered(created), secret, now, credentials)).toBe(false);
        expect(
          adapter.verifyWebhook({ rawBody: created.rawBody, headers: {} }, secret, now, credentials),
        ).toBe(false);
        const replayWindow = c.orders.replayWindowSeconds;
        if (replayWindow === null) {
          const tomorrow = new Date(now.getTime() + 86_400_000);
          expect(adapter.verifyWebhook(created, secret, tomorrow, credentials)).toBe(true);
        } else {
          const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);
          expect(adapter.verifyWebhook(created, secret, at(replayWindow - 5), credentials)).toBe(true);
          expect(adapter.verifyWebhook(created, secret, at(replayWindow + 1), credentials)).toBe(false);
        }

        const event = adapter.readWebhook(created);
        expect(event).toMatchObject({ shopId, change: { externalOrderId: orderId, status: 'pending' } });
        if (c.orders.pushesCarryOrder ?? c.orders.changesCarryOrder) {
          expect(event.change.order?.lines).toEqual([
            expect.objectContaining({ skuCode: 'W-500', quantity: 3 }),
          ]);
        } else expect(event.change.order).toBeUndefined();
        for (const rawBody of ['{"hello":"world"}', 'not json', '[]']) {
          expect(() => adapter.readWebhook({ rawBody: Buffer.from(rawBody), headers: {} })).toThrow(
            MalformedWebhookError,
          );
        }

        await adapter.cancelOrder(shop, orderId, 'buyer_request');
        const cancelled = await waitFor(() => receiver.received[perOrder], 5000, 'the cancel push');
        expect(adapter.verifyWebhook(cancelled, secret, new Date(), credentials)).toBe(true);
        const cancelEvent = adapter.readWebhook(cancelled);
        expect(cancelEvent.change.status).toBe('cancelled');
        expect(cancelEvent.eventId).not.toBe(event.eventId);
        const reason = c.orders.cancelReasonInPush;
        if (reason) expect(reason.read(JSON.parse(cancelled.rawBody.toString()))).toBe(reason.buyerRequest);

        // every delivery was acknowledged the way the marketplace wants
        expect(adapter.webhookAcknowledgement(created)).toEqual(c.orders.acknowledgement(created));
        const log = await waitFor(
          async () =>
            (await ctl.webhooks(shopId)).attempts.length === 2 * perOrder ? ctl.webhooks(shopId) : null,
          5000,
          'every attempt logged',
        );
        expect(log.attempts.map((attempt: { ok: boolean }) => attempt.ok)).toEqual(
          Array.from({ length: 2 * perOrder }, () => true),
        );
      } finally {
        await receiver.close();
      }
    });
  });
});
