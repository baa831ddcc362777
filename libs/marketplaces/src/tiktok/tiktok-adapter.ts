import { randomBytes } from 'node:crypto';
import {
  asMarketplaceError,
  categoryCode,
  checkContent,
  failedResult,
  isRecord,
  okResult,
  units,
  vnd,
} from '../adapter-support';
import { chunk, groupBy, mapWithConcurrency } from '../batching';
import { callLimits, MarketplaceAnswer, MarketplaceHttp, MarketplaceRequest } from '../http-client';
import { moveOrder, orderNotFound, readWebhookBody, searchError } from '../order-support';
import {
  AccessGrant,
  CancelReason,
  CategoryCodes,
  CredentialsCheck,
  ListingContent,
  MarketplaceAdapter,
  MarketplaceError,
  MarketplaceOrder,
  OPEN_GATE,
  OrderChange,
  OrderHint,
  PublishedListing,
  ShopAccess,
  StockPush,
  StockPushResult,
  WebhookDelivery,
  WebhookEvent,
} from '../port';
import type { AdapterOptions } from '../sendo/sendo-adapter';
import { callWithGrant } from '../shop-grants';
import type { ImageFile } from '../image-files';
import {
  clockOffsetMs,
  TIKTOK_CANCEL_REASONS,
  TIKTOK_CODES,
  TIKTOK_MAX_IMAGES,
  TIKTOK_MAX_QUANTITY,
  TIKTOK_THROTTLE_WAIT_MS,
  tiktokFailure,
  tiktokGrant,
  tiktokImageUpload,
  tiktokItemErrors,
  tiktokProductBody,
  tiktokPublished,
  tokenRefused,
} from './tiktok-mapping';
import {
  TIKTOK_ORDER_IDS_PER_READ,
  TIKTOK_ORDER_PAGE_SIZE,
  tiktokChange,
  tiktokOrder,
  tiktokOrderPage,
  tiktokOrdersRead,
  tiktokPackageId,
  tiktokSearchBody,
  tiktokWebhookEvent,
} from './tiktok-order-mapping';
import { tiktokSignedQuery, verifyTiktokWebhook } from './tiktok-signing';

export type TiktokAdapterOptions = AdapterOptions;

/** Products whose stock goes out at the same time (one call each); the limit is 50 a second per API. */
export const TIKTOK_STOCK_CONCURRENCY = 4;
/** Image uploads of one listing at the same time. */
export const TIKTOK_UPLOAD_CONCURRENCY = 3;

/** What a shop's calls carry besides the token, asked once per connection: neither changes. */
interface ShopContext {
  cipher: string;
  warehouseId: string;
}

interface TiktokRequest extends MarketplaceRequest {
  /** `seller`: the call that finds the shop cipher, which carries none */
  scope?: 'shop' | 'seller';
}

/**
 * TikTok Shop-style (docs/marketplace-tiktok.md): app-signed calls, an access token granted by the
 * shop and renewed through its refresh token (ADR 24), and the shop cipher on every shop call.
 * Products are created once with all their SKUs after their images are uploaded; later changes
 * reach TikTok as price and stock writes, one product per call, which a product still in audit
 * refuses until it is active. Orders are searched by update window and read 50 at a time; each line
 * item is one unit. Timestamps are signed with the marketplace's clock as learnt from a refusal.
 */
export class TiktokAdapter implements MarketplaceAdapter {
  readonly marketplace = 'tiktok' as const;
  /** one product per stock call (its SKUs, up to 100, travel together) */
  readonly stockBatchSize = 1;
  readonly stockBatchUnit = 'product' as const;
  private readonly http: MarketplaceHttp;
  private readonly now: () => number;
  private readonly contexts = new Map<string, Promise<ShopContext>>();
  /** how far each marketplace origin's clock is from `now`, learnt from a refused timestamp */
  private readonly clockOffsets = new Map<string, number>();

  constructor(
    private readonly categories: CategoryCodes,
    private readonly options: TiktokAdapterOptions = {},
  ) {
    this.http = new MarketplaceHttp('tiktok', options.gate ?? OPEN_GATE, callLimits('tiktok', options));
    this.now = options.now ?? Date.now;
  }

  /**
   * Spends the one-time authorization code for the shop's grant, then asks which shop it is for.
   * Needs no stored grant: this is where the grant comes from. The cipher that answer carries is
   * not kept: the connection may not be saved yet, so its calls ask for it under their own id.
   */
  async verifyCredentials(shop: ShopAccess): Promise<CredentialsCheck> {
    const grant = await this.tokenCall(shop, '/api/v2/token/get', {
      auth_code: shop.credentials.auth_code ?? '',
      grant_type: 'authorized_code',
    });
    const answer = await this.signed(
      shop,
      { method: 'GET', path: '/authorization/202309/shops' },
      grant.accessToken,
    );
    const failure = tiktokFailure(answer.status, answer.json);
    if (failure) throw failure;
    const shops = dataOf(answer);
    const first: unknown = isRecord(shops) && Array.isArray(shops.shops) ? shops.shops[0] : undefined;
    if (!isRecord(first) || typeof first.id !== 'string' || typeof first.cipher !== 'string') {
      throw unreadable('the authorized shops answer names no shop');
    }
    return { shopId: first.id, grant };
  }

  async publish(shop: ShopAccess, content: ListingContent): Promise<PublishedListing> {
    checkContent(content, 'tiktok');
    const categoryId = categoryCode(this.categories, content.category, 'tiktok');
    // TikTok refuses a product without a main image: the seller is told to add a photo
    const wanted = content.imageUrls.slice(0, TIKTOK_MAX_IMAGES);
    if (wanted.length === 0) {
      throw new MarketplaceError('permanent', 'tiktok: a product needs at least one photo', {
        code: 'no_images',
        marketplace: 'tiktok',
      });
    }
    const uris = await mapWithConcurrency(wanted, TIKTOK_UPLOAD_CONCURRENCY, (url) =>
      this.uploadImage(shop, url).then(
        (uri) => ({ uri }),
        (error: unknown) => ({ error }),
      ),
    );
    const refused = uris.find((upload): upload is { error: unknown } => 'error' in upload);
    if (refused) throw asMarketplaceError(refused.error, 'tiktok');
    const { warehouseId } = await this.context(shop);
    const body = tiktokProductBody(
      content,
      categoryId,
      uris.map((upload) => (upload as { uri: string }).uri),
      warehouseId,
    );
    const data = await this.call(shop, {
      method: 'POST',
      path: '/product/202309/products',
      body: JSON.stringify(body),
    });
    const published = tiktokPublished(data);
    if (!published || content.variants.some((variant) => !published.variantIds[variant.skuCode])) {
      throw unreadable('the product answer carries no product_id and SKU ids');
    }
    return published;
  }

  /**
   * TikTok's contract changes a product after its creation by price and stock writes only (it
   * publishes no edit call the sandbox serves): prices go in one all-or-nothing call, stock in
   * another. Title, description, category and weight are set at publish; when they differ from what
   * TikTok holds, the prices and stock are still written and the update is refused as permanent
   * (`edit_unsupported`), so the listing shows the seller what TikTok could not take.
   */
  async update(shop: ShopAccess, externalId: string, content: ListingContent): Promise<PublishedListing> {
    checkContent(content, 'tiktok');
    const categoryId = categoryCode(this.categories, content.category, 'tiktok');
    const held = await this.call(shop, {
      method: 'GET',
      path: `/product/202309/products/${encodeURIComponent(externalId)}`,
    });
    const variantIds = heldSkuIds(held);
    const missing = content.variants.filter((variant) => !variantIds[variant.skuCode]);
    if (missing.length > 0) {
      throw new MarketplaceError(
        'permanent',
        `tiktok: product ${externalId} has no SKU ${missing.map((variant) => variant.skuCode).join(', ')}`,
        { code: 'edit_unsupported', marketplace: 'tiktok' },
      );
    }
    const skus = content.variants.map((variant) => ({ variant, id: variantIds[variant.skuCode] }));
    await this.call(shop, {
      method: 'POST',
      path: `/product/202309/products/${encodeURIComponent(externalId)}/prices/update`,
      body: JSON.stringify({
        skus: skus.map(({ variant, id }) => ({
          id,
          price: { amount: String(vnd(variant.priceVnd)), currency: 'VND' },
        })),
      }),
    });
    const pushed = await this.pushStock(
      shop,
      skus.map(({ variant, id }) => ({
        externalId,
        skuCode: variant.skuCode,
        variantId: id,
        quantity: variant.quantity,
        idempotencyKey: `${externalId}:${variant.skuCode}:${variant.quantity}`,
      })),
    );
    const refused = pushed.find((result) => !result.ok);
    if (refused?.error) throw refused.error;
    const unchangeable = fieldsTiktokKeeps(held, content, categoryId);
    if (unchangeable.length > 0) {
      throw new MarketplaceError(
        'permanent',
        `tiktok: prices and stock updated; ${unchangeable.join(', ')} cannot change after publishing`,
        { code: 'edit_unsupported', marketplace: 'tiktok' },
      );
    }
    return {
      externalId,
      variantIds: Object.fromEntries(skus.map(({ variant, id }) => [variant.skuCode, id])),
    };
  }

  /** Deactivation takes the product off sale and keeps it (TikTok's delete is for good). */
  async delist(shop: ShopAccess, externalId: string): Promise<void> {
    const data = await this.call(shop, {
      method: 'POST',
      path: '/product/202309/products/deactivate',
      body: JSON.stringify({ product_ids: [externalId] }),
    });
    const refusal = tiktokItemErrors(data, 'product_id').get(externalId);
    // unknown, or deleted already: the listing is down either way
    if (!refusal || refusal.options.code === TIKTOK_CODES.notFound) return;
    if (refusal.options.code === TIKTOK_CODES.wrongState && /deleted/i.test(refusal.message)) return;
    throw refusal;
  }

  /**
   * One call per product (its SKUs together), a few products at a time. A product still in audit
   * refuses its SKUs as retryable (12052901); SKUs TikTok names in `data.errors` fail alone.
   */
  async pushStock(shop: ShopAccess, items: StockPush[]): Promise<StockPushResult[]> {
    const results = new Map<StockPush, StockPushResult>();
    let stopped: MarketplaceError | null = null;
    const products = [...groupBy(items, (item) => item.externalId).values()];
    await mapWithConcurrency(products, TIKTOK_STOCK_CONCURRENCY, async (pushes) => {
      if (stopped) {
        for (const push of pushes) results.set(push, failedResult(push, stopped));
        return;
      }
      try {
        const { warehouseId } = await this.context(shop);
        const data = await this.call(shop, {
          method: 'POST',
          path: `/product/202309/products/${encodeURIComponent(pushes[0].externalId)}/inventory/update`,
          body: JSON.stringify({
            skus: pushes.map((push) => ({
              id: push.variantId,
              inventory: [
                { warehouse_id: warehouseId, quantity: Math.min(units(push.quantity), TIKTOK_MAX_QUANTITY) },
              ],
            })),
          }),
        });
        const refused = tiktokItemErrors(data, 'sku_id');
        for (const push of pushes) {
          const refusal = refused.get(push.variantId);
          results.set(push, refusal ? failedResult(push, refusal) : okResult(push));
        }
      } catch (error) {
        const failure = asMarketplaceError(error, 'tiktok');
        // refused credentials or throttling fail the rest alike: do not send them
        if (failure.kind === 'auth' || failure.options.status === 429) stopped = failure;
        for (const push of pushes) results.set(push, failedResult(push, failure));
      }
    });
    return items.map((item) => results.get(item) as StockPushResult);
  }

  /**
   * The update window from `since` to now, oldest change first, page by page. A page token is only
   * good with the same body, so every page sends the same one; a token renewed between pages (its
   * access token expired) goes on with the same page token.
   */
  async *ordersChangedSince(shop: ShopAccess, since: Date): AsyncIterable<OrderChange[]> {
    const body = JSON.stringify(tiktokSearchBody(since));
    let pageToken: string | null = null;
    do {
      const data = await this.call(shop, {
        method: 'POST',
        path: '/order/202309/orders/search',
        query: {
          page_size: String(TIKTOK_ORDER_PAGE_SIZE),
          sort_field: 'update_time',
          sort_order: 'ASC',
          ...(pageToken === null ? {} : { page_token: pageToken }),
        },
        body,
      });
      let page: ReturnType<typeof tiktokOrderPage>;
      try {
        page = tiktokOrderPage(data);
      } catch (error) {
        throw searchError(error, 'tiktok');
      }
      if (page.orders.length > 0) yield page.orders.map(tiktokChange);
      pageToken = page.nextPageToken;
    } while (pageToken !== null);
  }

  async fetchOrder(shop: ShopAccess, externalOrderId: string): Promise<MarketplaceOrder> {
    const [raw] = await this.readRaw(shop, [externalOrderId]);
    if (!raw) throw orderNotFound('tiktok', externalOrderId);
    return readOrder(raw);
  }

  /** Detail reads of up to 50 ids each; ids TikTok leaves out of the answer are unknown to it. */
  async readOrders(shop: ShopAccess, hints: OrderHint[]): Promise<Map<string, MarketplaceOrder>> {
    const ids = [...new Set(hints.map((hint) => hint.externalOrderId))];
    const found = new Map<string, MarketplaceOrder>();
    for (const batch of chunk(ids, TIKTOK_ORDER_IDS_PER_READ)) {
      for (const raw of await this.readRaw(shop, batch)) {
        const order = readOrder(raw);
        if (batch.includes(order.externalOrderId)) found.set(order.externalOrderId, order);
      }
    }
    return found;
  }

  /** The first fulfilment step: the order's package is shipped (→ AWAITING_COLLECTION). */
  async confirmOrder(shop: ShopAccess, externalOrderId: string): Promise<void> {
    await moveOrder(
      'confirmed',
      async () => {
        const [raw] = await this.readRaw(shop, [externalOrderId]);
        if (!raw) throw orderNotFound('tiktok', externalOrderId);
        const packageId = tiktokPackageId(raw);
        if (packageId === null) {
          throw new MarketplaceError('permanent', `tiktok: order ${externalOrderId} has no package to ship`, {
            code: 'no_package',
            marketplace: 'tiktok',
          });
        }
        await this.call(shop, {
          method: 'POST',
          path: `/fulfillment/202309/packages/${encodeURIComponent(packageId)}/ship`,
          body: '{}',
        });
      },
      async () => (await this.fetchOrder(shop, externalOrderId)).status,
    );
  }

  async cancelOrder(shop: ShopAccess, externalOrderId: string, reason: CancelReason): Promise<void> {
    await moveOrder(
      'cancelled',
      async () => {
        try {
          await this.call(shop, {
            method: 'POST',
            path: '/return_refund/202309/cancellations',
            body: JSON.stringify({ order_id: externalOrderId, cancel_reason: TIKTOK_CANCEL_REASONS[reason] }),
          });
        } catch (error) {
          throw error instanceof MarketplaceError && error.options.code === TIKTOK_CODES.notFound
            ? orderNotFound('tiktok', externalOrderId)
            : error;
        }
      },
      async () => (await this.fetchOrder(shop, externalOrderId)).status,
    );
  }

  /** Type 1 (status, `CANCEL` for cancelled) and type 12 (a finished return); the event is `tts_notification_id`. */
  readWebhook(delivery: WebhookDelivery): WebhookEvent {
    return readWebhookBody(delivery, 'tiktok', tiktokWebhookEvent);
  }

  /** HMAC(app_secret, app_key + body): without the shop's app key nothing verifies. */
  verifyWebhook(
    delivery: WebhookDelivery,
    secret: string,
    _now: Date,
    credentials?: Readonly<Record<string, string>>,
  ): boolean {
    const appKey = credentials?.app_key;
    if (appKey === undefined || appKey === '') return false;
    return verifyTiktokWebhook(delivery, appKey, secret);
  }

  /** TikTok counts any answer with a body as a failed delivery. */
  webhookAcknowledgement(): null {
    return null;
  }

  private async readRaw(shop: ShopAccess, ids: string[]): Promise<Record<string, unknown>[]> {
    const data = await this.call(shop, {
      method: 'GET',
      path: '/order/202309/orders',
      query: { ids: ids.join(',') },
    });
    try {
      return tiktokOrdersRead(data);
    } catch (error) {
      throw searchError(error, 'tiktok');
    }
  }

  private async uploadImage(shop: ShopAccess, url: string): Promise<string> {
    const imageFiles = this.options.imageFiles;
    if (!imageFiles) {
      throw new MarketplaceError('permanent', 'tiktok: no image files are supplied to upload', {
        code: 'image_unavailable',
        marketplace: 'tiktok',
      });
    }
    let file: ImageFile;
    try {
      file = await imageFiles(url);
    } catch (error) {
      // the reader says whether the seller must fix the photo (permanent) or it may come back
      if (error instanceof MarketplaceError) {
        throw new MarketplaceError(error.kind, `tiktok: ${error.message}`, {
          ...error.options,
          marketplace: 'tiktok',
        });
      }
      throw new MarketplaceError('retryable', `tiktok: the photo ${url} could not be read`, {
        code: 'image_unavailable',
        marketplace: 'tiktok',
      });
    }
    const upload = tiktokImageUpload(file, `ocop${randomBytes(12).toString('hex')}`);
    const data = await this.call(shop, {
      method: 'POST',
      path: '/product/202309/images/upload',
      bytes: upload.body,
      headers: { 'content-type': upload.contentType },
    });
    if (!isRecord(data) || typeof data.uri !== 'string' || data.uri === '') {
      throw unreadable('the image upload answer carries no uri');
    }
    return data.uri;
  }

  private contextKey(shop: ShopAccess): string {
    return `${shop.connectionId}\u0000${shop.credentials.app_key ?? ''}`;
  }

  /** The shop's cipher and warehouse, asked once per connection (a failed ask is asked again). */
  private context(shop: ShopAccess): Promise<ShopContext> {
    const key = this.contextKey(shop);
    let context = this.contexts.get(key);
    if (!context) {
      const asked = this.askContext(shop);
      this.contexts.set(key, asked);
      // a failed ask is forgotten, unless a newer one took its place meanwhile
      asked.catch(() => {
        if (this.contexts.get(key) === asked) this.contexts.delete(key);
      });
      context = asked;
    }
    return context;
  }

  private async askContext(shop: ShopAccess): Promise<ShopContext> {
    const shops = await this.call(shop, {
      method: 'GET',
      path: '/authorization/202309/shops',
      scope: 'seller',
    });
    const list = isRecord(shops) && Array.isArray(shops.shops) ? shops.shops : [];
    const own: unknown = list.find(
      (candidate: unknown) => isRecord(candidate) && candidate.id === shop.shopId,
    );
    if (!isRecord(own) || typeof own.cipher !== 'string') {
      throw new MarketplaceError('auth', `tiktok: the grant does not reach shop ${shop.shopId}`, {
        code: 'shop_not_authorized',
        marketplace: 'tiktok',
      });
    }
    const cipher = own.cipher;
    const data = await this.callWith(shop, { method: 'GET', path: '/logistics/202309/warehouses' }, cipher);
    const warehouses = isRecord(data) && Array.isArray(data.warehouses) ? data.warehouses : [];
    const chosen: unknown =
      warehouses.find((warehouse: unknown) => isRecord(warehouse) && warehouse.is_default === true) ??
      warehouses[0];
    if (!isRecord(chosen) || typeof chosen.id !== 'string') throw unreadable('the shop has no warehouse');
    return { cipher, warehouseId: chosen.id };
  }

  /**
   * One shop call: the grant's access token (renewed before its end and once on 105001/105002),
   * the shop cipher (asked again once if TikTok no longer takes it), and the envelope read.
   */
  private async call(shop: ShopAccess, request: TiktokRequest): Promise<unknown> {
    if (request.scope === 'seller') return this.callWith(shop, request, undefined);
    const { cipher } = await this.context(shop);
    try {
      return await this.callWith(shop, request, cipher);
    } catch (error) {
      if (!(error instanceof MarketplaceError) || error.options.code !== TIKTOK_CODES.shopCipher) throw error;
      this.contexts.delete(this.contextKey(shop));
      return this.callWith(shop, request, (await this.context(shop)).cipher);
    }
  }

  private async callWith(
    shop: ShopAccess,
    request: TiktokRequest,
    cipher: string | undefined,
  ): Promise<unknown> {
    return callWithGrant(
      shop,
      (refreshToken) =>
        this.tokenCall(shop, '/api/v2/token/refresh', {
          refresh_token: refreshToken,
          grant_type: 'refresh_token',
        }),
      async (accessToken) => {
        const answer = await this.signed(shop, request, accessToken, cipher);
        const failure = tiktokFailure(answer.status, answer.json);
        if (!failure) return { value: dataOf(answer) };
        // only a refused token is worth a renewal; every other refusal goes straight up
        if (failure.kind === 'auth' && tokenRefused(failure)) return { failure };
        throw failure;
      },
      this.now,
    );
  }

  /**
   * A signed call. A timestamp outside TikTok's window (its clock, not ours, decides) is retried
   * once, signed with the offset the refusal's `Date` header shows; the offset is kept per
   * marketplace origin for the calls after it.
   */
  private async signed(
    shop: ShopAccess,
    request: TiktokRequest,
    accessToken: string,
    cipher?: string,
  ): Promise<MarketplaceAnswer> {
    const origin = new URL(shop.baseUrl).origin;
    const basePath = new URL(shop.baseUrl).pathname.replace(/\/+$/, '');
    const credentials = {
      app_key: shop.credentials.app_key ?? '',
      app_secret: shop.credentials.app_secret ?? '',
    };
    for (let attempt = 0; ; attempt++) {
      const answer = await this.send(shop, () => ({
        method: request.method,
        path: request.path,
        query: tiktokSignedQuery(
          credentials,
          basePath + request.path,
          request.query ?? {},
          request.bytes === undefined ? (request.body ?? '') : '',
          (this.now() + (this.clockOffsets.get(origin) ?? 0)) / 1000,
          cipher,
        ),
        body: request.body,
        bytes: request.bytes,
        headers: { ...request.headers, 'x-tts-access-token': accessToken },
      }));
      const failure = tiktokFailure(answer.status, answer.json);
      if (attempt > 0 || failure?.options.code !== 'clock_skew') return answer;
      const offset = clockOffsetMs(answer.headers.date, this.now());
      if (offset === null) return answer;
      this.clockOffsets.set(origin, offset);
    }
  }

  /** The token calls are unsigned: the app proves itself with its key and secret in the query. */
  private async tokenCall(
    shop: ShopAccess,
    path: '/api/v2/token/get' | '/api/v2/token/refresh',
    params: Record<string, string>,
  ): Promise<AccessGrant> {
    const answer = await this.send(shop, {
      method: 'GET',
      path,
      query: {
        app_key: shop.credentials.app_key ?? '',
        app_secret: shop.credentials.app_secret ?? '',
        ...params,
      },
    });
    const failure = tiktokFailure(answer.status, answer.json);
    if (failure) throw failure;
    const grant = tiktokGrant(dataOf(answer));
    if (!grant) throw unreadable('the token answer carries no access token');
    return grant;
  }

  /** Through the shared client; its 429 gets the wait TikTok's one-second windows imply. */
  private async send(
    shop: ShopAccess,
    request: MarketplaceRequest | (() => MarketplaceRequest),
  ): Promise<MarketplaceAnswer> {
    try {
      return await this.http.send(shop, request);
    } catch (error) {
      if (error instanceof MarketplaceError && error.options.status === 429) {
        throw new MarketplaceError('retryable', error.message, {
          ...error.options,
          code: TIKTOK_CODES.rateLimited,
          retryAfterMs: error.options.retryAfterMs ?? TIKTOK_THROTTLE_WAIT_MS,
        });
      }
      throw error;
    }
  }
}

function dataOf(answer: MarketplaceAnswer): unknown {
  return isRecord(answer.json) ? answer.json.data : undefined;
}

function unreadable(what: string): MarketplaceError {
  return new MarketplaceError('retryable', `tiktok: ${what}`, { code: 'unreadable', marketplace: 'tiktok' });
}

function readOrder(raw: unknown): MarketplaceOrder {
  try {
    return tiktokOrder(raw);
  } catch (error) {
    throw searchError(error, 'tiktok');
  }
}

/** Our SKU codes' TikTok SKU ids in a product read. */
function heldSkuIds(product: unknown): Record<string, string> {
  const ids: Record<string, string> = {};
  const skus = isRecord(product) && Array.isArray(product.skus) ? product.skus : [];
  for (const sku of skus) {
    if (isRecord(sku) && typeof sku.seller_sku === 'string' && typeof sku.id === 'string')
      ids[sku.seller_sku] = sku.id;
  }
  return ids;
}

/** What TikTok holds differently from the content, among the fields only a publish sets. */
function fieldsTiktokKeeps(product: unknown, content: ListingContent, categoryId: string): string[] {
  if (!isRecord(product)) return [];
  const body = tiktokProductBody(content, categoryId, [], '');
  const differ: string[] = [];
  if (product.title !== body.title) differ.push('title');
  if (product.description !== body.description) differ.push('description');
  if (product.category_id !== categoryId) differ.push('category');
  const weight = isRecord(product.package_weight) ? product.package_weight.value : undefined;
  if (typeof weight === 'string' && Number(weight) !== Number(body.package_weight.value))
    differ.push('weight');
  return differ;
}
