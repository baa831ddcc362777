import { randomBytes } from 'node:crypto';
import {
  asMarketplaceError,
  categoryCode,
  checkContent,
  failedResult,
  isRecord,
  okResult,
  vnd,
} from '../adapter-support';
import { chunk, mapWithConcurrency } from '../batching';
import { callLimits, MarketplaceAnswer, MarketplaceHttp, MarketplaceRequest } from '../http-client';
import type { ImageFile } from '../image-files';
import { listingTitle } from '../listing-title';
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
import {
  checkShopeeContent,
  PackageCm,
  SHOPEE_MAX_IMAGES,
  SHOPEE_THROTTLE_WAIT_MS,
  shopeeAddItemBody,
  shopeeDescription,
  shopeeEntryFailures,
  shopeeFailure,
  shopeeGrant,
  shopeeImageIds,
  shopeeImageUpload,
  shopeeModelRef,
  shopeePublished,
  shopeeStockCalls,
  shopeeTierVariationBody,
  shopeeVariantId,
  shopeeWeightKg,
} from './shopee-mapping';
import {
  SHOPEE_ORDER_DETAIL_BATCH,
  SHOPEE_ORDER_DETAIL_FIELDS,
  SHOPEE_ORDER_PAGE_SIZE,
  shopeeCancelReason,
  shopeeOrder,
  shopeeOrderListPage,
  shopeeOrderStatus,
  shopeeUpdateWindows,
  shopeeWebhookEvent,
} from './shopee-order-mapping';
import { shopeeSignedQuery, verifyShopeePush } from './shopee-signing';

export interface ShopeeAdapterOptions extends AdapterOptions {
  /**
   * The logistics channels a new item is offered with (Shopee refuses an item without one). The
   * catalogue has no shipping settings yet: the default is one channel, a choice to revisit.
   */
  logisticIds?: readonly number[];
  /** The parcel every item is declared in: the catalogue holds no dimensions yet. */
  parcel?: PackageCm;
}

/**
 * The channel a new item is offered with when none is configured. The contract names no channel
 * list call and the sandbox takes any enabled id; a real shop's ids come from its own channel list
 * (a choice, docs/marketplace-shopee.md "Adapter").
 */
export const SHOPEE_DEFAULT_LOGISTIC_IDS: readonly number[] = [50011];
/** A tea tin or a bag of vermicelli, as Lazada's adapter declares (the catalogue has no sizes yet). */
export const SHOPEE_DEFAULT_PARCEL: PackageCm = { lengthCm: 20, widthCm: 15, heightCm: 10 };
/** Items whose stock goes out at the same time, one call each. */
export const SHOPEE_STOCK_CONCURRENCY = 4;
/** Pages of the lost-push list read by one backstop run, so a flood cannot hold a poll forever. */
export const SHOPEE_LOST_PUSH_PAGES = 10;

type Scope = 'shop' | 'public';

interface ShopeeRequest extends MarketplaceRequest {
  /** `public`: signed by the app alone (the token calls and the lost-push list) */
  scope?: Scope;
}

/**
 * Shopee-style (docs/marketplace-shopee.md): every call signed with the app's partner key, shop
 * calls with the grant's access token (ADR 24; the refresh token is single-use, so a renewal goes
 * through the grant keeper's claim). An item is created after its images are uploaded, bare, and
 * its variants added as one tier of models; later changes reach it as price and stock writes, one
 * item per call with each model succeeding or failing alone. Orders are searched by update windows
 * of at most 15 days and read 50 at a time; pushes are hints, and the lost-push list is read and
 * confirmed by the polling backstop (`ordersChangedSince`).
 */
export class ShopeeAdapter implements MarketplaceAdapter {
  readonly marketplace = 'shopee' as const;
  /** one item per update_stock call (up to 50 of its models travel together) */
  readonly stockBatchSize = 1;
  readonly stockBatchUnit = 'product' as const;
  private readonly http: MarketplaceHttp;
  private readonly now: () => number;

  constructor(
    private readonly categories: CategoryCodes,
    private readonly options: ShopeeAdapterOptions = {},
  ) {
    this.http = new MarketplaceHttp('shopee', options.gate ?? OPEN_GATE, callLimits('shopee', options));
    this.now = options.now ?? Date.now;
  }

  /**
   * Spends the one-time code for the shop's grant. The code is issued for one shop, so the answer
   * proves the credentials' shop_id is the shop that authorized the app.
   */
  async verifyCredentials(shop: ShopAccess): Promise<CredentialsCheck> {
    const shopId = shopIdOf(shop);
    const grant = await this.tokenCall(shop, '/api/v2/auth/token/get', {
      code: shop.credentials.code ?? '',
      shop_id: Number(shopId),
    });
    return { shopId, grant };
  }

  async publish(shop: ShopAccess, content: ListingContent): Promise<PublishedListing> {
    checkContent(content, 'shopee');
    checkShopeeContent(content);
    const categoryId = categoryCode(this.categories, content.category, 'shopee');
    const imageIds = await this.uploadImages(shop, content.imageUrls.slice(0, SHOPEE_MAX_IMAGES));
    const item = await this.call(shop, {
      method: 'POST',
      path: '/api/v2/product/add_item',
      body: JSON.stringify(
        shopeeAddItemBody(
          content,
          categoryId,
          imageIds,
          this.options.logisticIds ?? SHOPEE_DEFAULT_LOGISTIC_IDS,
          this.options.parcel ?? SHOPEE_DEFAULT_PARCEL,
        ),
      ),
    });
    if (content.variants.length === 1) return this.published(content, item);
    const itemId = (item as { item_id?: unknown } | null)?.item_id;
    if (typeof itemId !== 'number') throw unreadable('the add_item answer carries no item_id');
    let tier: unknown;
    try {
      tier = await this.call(shop, {
        method: 'POST',
        path: '/api/v2/product/init_tier_variation',
        body: JSON.stringify(shopeeTierVariationBody(itemId, content)),
      });
    } catch (error) {
      // An item without its models would sell nothing and hold no SKU, so a retry would make a
      // second one: it is deleted, and the refusal (a SKU another item holds, named) passed on.
      await this.call(shop, {
        method: 'POST',
        path: '/api/v2/product/delete_item',
        body: JSON.stringify({ item_id: itemId }),
      }).catch(() => undefined);
      throw error;
    }
    return this.published(content, item, tier);
  }

  /**
   * The contract has no call that edits an item (Shopee's update_item is not served), so an update
   * writes prices and stock; title, description, category and weight are set at publish, and when
   * they differ from what Shopee holds the prices and stock are still written and the update is
   * refused as permanent (`edit_unsupported`) for the seller to see. An item taken off sale refuses
   * an update (Shopee would take it, and the listing would not show it is down).
   */
  async update(shop: ShopAccess, externalId: string, content: ListingContent): Promise<PublishedListing> {
    checkContent(content, 'shopee');
    checkShopeeContent(content);
    const categoryId = categoryCode(this.categories, content.category, 'shopee');
    const item = await this.itemBaseInfo(shop, externalId);
    if (item.item_status !== 'NORMAL') {
      throw new MarketplaceError('permanent', `item ${externalId} is ${String(item.item_status)}`, {
        code: 'item_not_live',
        marketplace: 'shopee',
      });
    }
    const variantIds = await this.heldVariantIds(shop, externalId, item);
    const missing = content.variants.filter((variant) => !variantIds[variant.skuCode]);
    if (missing.length > 0) {
      throw new MarketplaceError(
        'permanent',
        `item ${externalId} has no SKU ${missing.map((variant) => variant.skuCode).join(', ')}`,
        { code: 'edit_unsupported', marketplace: 'shopee' },
      );
    }
    const models = content.variants.map((variant) => ({
      variant,
      modelId: (shopeeModelRef(variantIds[variant.skuCode]) as { modelId: number }).modelId,
    }));
    for (const batch of chunk(models, 50)) {
      const answer = await this.call(shop, {
        method: 'POST',
        path: '/api/v2/product/update_price',
        body: JSON.stringify({
          item_id: Number(externalId),
          price_list: batch.map(({ variant, modelId }) => ({
            model_id: modelId,
            original_price: vnd(variant.priceVnd),
          })),
        }),
      });
      const refused = shopeeEntryFailures(answer).values().next().value;
      if (refused) throw refused;
    }
    const pushed = await this.pushStock(
      shop,
      content.variants.map((variant) => ({
        externalId,
        skuCode: variant.skuCode,
        variantId: variantIds[variant.skuCode],
        quantity: variant.quantity,
        idempotencyKey: `${externalId}:${variant.skuCode}:${variant.quantity}`,
      })),
    );
    const refused = pushed.find((result) => !result.ok);
    if (refused?.error) throw refused.error;
    const unchangeable = fieldsShopeeKeeps(item, content, categoryId);
    if (unchangeable.length > 0) {
      throw new MarketplaceError(
        'permanent',
        `shopee: prices and stock updated; ${unchangeable.join(', ')} cannot change after publishing`,
        { code: 'edit_unsupported', marketplace: 'shopee' },
      );
    }
    return {
      externalId,
      variantIds: Object.fromEntries(
        content.variants.map((variant) => [variant.skuCode, variantIds[variant.skuCode]]),
      ),
    };
  }

  /**
   * Unlisting takes the item off sale and keeps it (delete_item is for good); its SKUs are free for
   * a new item once it is off sale. Unknown or deleted already: the listing is down either way.
   */
  async delist(shop: ShopAccess, externalId: string): Promise<void> {
    const itemId = Number(externalId);
    if (!Number.isSafeInteger(itemId)) return;
    const answer = await this.call(shop, {
      method: 'POST',
      path: '/api/v2/product/unlist_item',
      body: JSON.stringify({ item_list: [{ item_id: itemId, unlist: true }] }),
    });
    const failures = isRecord(answer) && Array.isArray(answer.failure_list) ? answer.failure_list : [];
    const failure: unknown = failures.find((entry: unknown) => isRecord(entry) && entry.item_id === itemId);
    if (!isRecord(failure)) return;
    const reason = typeof failure.failed_reason === 'string' ? failure.failed_reason : '';
    if (/not found/i.test(reason)) return;
    throw new MarketplaceError('permanent', reason || `item ${externalId} could not be unlisted`, {
      code: 'unlist_failed',
      marketplace: 'shopee',
    });
  }

  /**
   * One update_stock call per item (at most 50 of its models), a few items at a time; the models
   * Shopee names in `failure_list` fail alone. A push whose variant id is not one of the item's
   * models fails alone without a call.
   */
  async pushStock(shop: ShopAccess, items: StockPush[]): Promise<StockPushResult[]> {
    const results = new Map<StockPush, StockPushResult>();
    const { calls, unaddressable } = shopeeStockCalls(items);
    for (const push of unaddressable) {
      results.set(
        push,
        failedResult(
          push,
          new MarketplaceError(
            'permanent',
            `variant ${push.variantId} is not a model of item ${push.externalId}`,
            {
              code: 'unknown_variant',
              marketplace: 'shopee',
            },
          ),
        ),
      );
    }
    let stopped: MarketplaceError | null = null;
    await mapWithConcurrency(calls, SHOPEE_STOCK_CONCURRENCY, async ({ body, pushes }) => {
      if (stopped) {
        for (const push of pushes) results.set(push, failedResult(push, stopped));
        return;
      }
      try {
        const answer = await this.call(shop, {
          method: 'POST',
          path: '/api/v2/product/update_stock',
          body: JSON.stringify(body),
        });
        const refused = shopeeEntryFailures(answer);
        for (const push of pushes) {
          const refusal = refused.get((shopeeModelRef(push.variantId) as { modelId: number }).modelId);
          results.set(push, refusal ? failedResult(push, refusal) : okResult(push));
        }
      } catch (error) {
        const failure = asMarketplaceError(error, 'shopee');
        // refused credentials or throttling fail the rest alike: do not send them
        if (failure.kind === 'auth' || failure.options.status === 429) stopped = failure;
        for (const push of pushes) results.set(push, failedResult(push, failure));
      }
    });
    return items.map((item) => results.get(item) as StockPushResult);
  }

  /**
   * The polling backstop. First the lost-push list: the orders of this shop's pushes that changed
   * since `since` are read and yielded, and a page wholly this shop's is confirmed consumed once
   * the importer took it (a page naming another shop of the same app is left for that shop, whose
   * pushes it would otherwise drop; read again, it costs only duplicates). Then the update windows
   * from `since` to now, at most 15 days each, page by page, each page's orders read 50 at a time.
   */
  async *ordersChangedSince(shop: ShopAccess, since: Date): AsyncIterable<OrderChange[]> {
    yield* this.lostPushes(shop, since);
    for (const window of shopeeUpdateWindows(since, new Date(this.now()))) {
      let cursor = '';
      for (;;) {
        const data = await this.call(shop, {
          method: 'GET',
          path: '/api/v2/order/get_order_list',
          query: {
            time_range_field: 'update_time',
            time_from: String(window.timeFrom),
            time_to: String(window.timeTo),
            page_size: String(SHOPEE_ORDER_PAGE_SIZE),
            cursor,
          },
        });
        let page: ReturnType<typeof shopeeOrderListPage>;
        try {
          page = shopeeOrderListPage(data);
        } catch (error) {
          throw searchError(error, 'shopee');
        }
        const orders = await this.readDetails(shop, page.orderSns);
        // the list runs in update order; the details come back in the order they were asked
        const changes = page.orderSns.flatMap((sn) => {
          const order = orders.get(sn);
          return order ? [change(order)] : [];
        });
        if (changes.length > 0) yield changes;
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
    }
  }

  async fetchOrder(shop: ShopAccess, externalOrderId: string): Promise<MarketplaceOrder> {
    const raw = (await this.readRaw(shop, [externalOrderId])).find(
      (candidate) => candidate.order_sn === externalOrderId,
    );
    if (!raw) throw orderNotFound('shopee', externalOrderId);
    // fetchOrder answers what Shopee holds; an IN_CANCEL order is still where it was before the ask
    return readOrder(raw);
  }

  /**
   * Detail reads of up to 50 order numbers each; numbers Shopee leaves out are unknown to it. An
   * IN_CANCEL order is left out too: the buyer's request changes nothing until the seller answers
   * it, and its push is then a hint that imports nothing.
   */
  async readOrders(shop: ShopAccess, hints: OrderHint[]): Promise<Map<string, MarketplaceOrder>> {
    return this.readDetails(shop, [...new Set(hints.map((hint) => hint.externalOrderId))]);
  }

  /** The first fulfilment step: ship_order with drop-off (READY_TO_SHIP → PROCESSED). */
  async confirmOrder(shop: ShopAccess, externalOrderId: string): Promise<void> {
    await this.actOnOrder(shop, externalOrderId, 'confirmed', {
      path: '/api/v2/logistics/ship_order',
      body: { order_sn: externalOrderId, dropoff: {} },
    });
  }

  /**
   * out_of_stock → OUT_OF_STOCK with the order's items (Shopee asks which are missing: all of
   * them, as the connector cancels the whole order), buyer_request → CUSTOMER_REQUEST;
   * seller_request has no Shopee reason and is refused as permanent without a call.
   */
  async cancelOrder(shop: ShopAccess, externalOrderId: string, reason: CancelReason): Promise<void> {
    const cancelReason = shopeeCancelReason(reason);
    let itemList: { item_id: number; model_id: number }[] | undefined;
    if (cancelReason === 'OUT_OF_STOCK') {
      const order = await this.fetchOrder(shop, externalOrderId);
      itemList = order.lines.flatMap((line) => {
        const ref = line.variantId === null ? null : shopeeModelRef(line.variantId);
        return ref ? [{ item_id: ref.itemId, model_id: ref.modelId }] : [];
      });
    }
    await this.actOnOrder(shop, externalOrderId, 'cancelled', {
      path: '/api/v2/order/cancel_order',
      body: {
        order_sn: externalOrderId,
        cancel_reason: cancelReason,
        ...(itemList === undefined ? {} : { item_list: itemList }),
      },
    });
  }

  /** Code 3 (order status); the event is the shop, order, status and update time together. */
  readWebhook(delivery: WebhookDelivery): WebhookEvent {
    return readWebhookBody(delivery, 'shopee', shopeeWebhookEvent);
  }

  /**
   * HMAC(partner key, callback URL + "|" + raw body), the URL being the one registered with Shopee
   * (`delivery.url`, from PUBLIC_BASE_URL), never what a proxy shows: without it nothing verifies.
   */
  verifyWebhook(delivery: WebhookDelivery, secret: string, _now?: Date): boolean {
    if (delivery.url === undefined || delivery.url === '') return false;
    return verifyShopeePush(delivery, secret, delivery.url);
  }

  /** Shopee counts any answer with a body as a failed delivery. */
  webhookAcknowledgement(): null {
    return null;
  }

  private async *lostPushes(shop: ShopAccess, since: Date): AsyncIterable<OrderChange[]> {
    for (let pages = 0; pages < SHOPEE_LOST_PUSH_PAGES; pages++) {
      const data = await this.call(shop, {
        method: 'GET',
        path: '/api/v2/push/get_lost_push_message',
        scope: 'public',
      });
      const list = isRecord(data) && Array.isArray(data.push_message_list) ? data.push_message_list : [];
      const lastMessageId = isRecord(data) ? data.last_message_id : undefined;
      if (list.length === 0 || typeof lastMessageId !== 'number') return;
      const ours = new Set<string>();
      let foreign = false;
      for (const message of list) {
        const pushed = lostPushOrder(message);
        if (pushed === null) continue;
        if (pushed.shopId !== shopIdOf(shop)) foreign = true;
        else ours.add(pushed.orderSn);
      }
      const orders = await this.readDetails(shop, [...ours]);
      const changes = [...orders.values()]
        .filter((order) => order.updatedAt.getTime() >= since.getTime())
        .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime())
        .map(change);
      if (changes.length > 0) yield changes;
      if (foreign) return;
      // confirmed only after the importer took the page: a worker killed before confirms nothing
      await this.call(shop, {
        method: 'POST',
        path: '/api/v2/push/confirm_consumed_lost_push_message',
        body: JSON.stringify({ last_message_id: lastMessageId }),
        scope: 'public',
      });
      if (!(isRecord(data) && data.has_next_page === true)) return;
    }
  }

  /** The orders of these numbers, read 50 at a time, IN_CANCEL ones left out (see readOrders). */
  private async readDetails(shop: ShopAccess, orderSns: string[]): Promise<Map<string, MarketplaceOrder>> {
    const found = new Map<string, MarketplaceOrder>();
    for (const batch of chunk(orderSns, SHOPEE_ORDER_DETAIL_BATCH)) {
      for (const raw of await this.readRaw(shop, batch)) {
        if (shopeeOrderStatusOf(raw) === 'unchanged') continue;
        const order = readOrder(raw);
        if (batch.includes(order.externalOrderId)) found.set(order.externalOrderId, order);
      }
    }
    return found;
  }

  private async readRaw(shop: ShopAccess, orderSns: string[]): Promise<Record<string, unknown>[]> {
    if (orderSns.length === 0) return [];
    const data = await this.call(shop, {
      method: 'GET',
      path: '/api/v2/order/get_order_detail',
      query: { order_sn_list: orderSns.join(','), response_optional_fields: SHOPEE_ORDER_DETAIL_FIELDS },
    });
    const list = isRecord(data) ? data.order_list : undefined;
    if (!Array.isArray(list) || !list.every(isRecord)) {
      throw new MarketplaceError('permanent', 'shopee: the order detail answer carries no order_list', {
        code: 'unreadable_order',
        marketplace: 'shopee',
      });
    }
    return list as Record<string, unknown>[];
  }

  private async actOnOrder(
    shop: ShopAccess,
    externalOrderId: string,
    target: 'confirmed' | 'cancelled',
    action: { path: string; body: Record<string, unknown> },
  ): Promise<void> {
    await moveOrder(
      target,
      async () => {
        try {
          await this.call(shop, { method: 'POST', path: action.path, body: JSON.stringify(action.body) });
        } catch (error) {
          // Shopee refuses an unknown order and a refused move alike (error_param): tell them apart
          if (error instanceof MarketplaceError && error.kind === 'permanent') {
            const known = await this.readRaw(shop, [externalOrderId]).catch(() => null);
            if (known !== null && !known.some((raw) => raw.order_sn === externalOrderId))
              throw orderNotFound('shopee', externalOrderId);
          }
          throw error;
        }
      },
      async () => (await this.fetchOrder(shop, externalOrderId)).status,
    );
  }

  private async uploadImages(shop: ShopAccess, urls: readonly string[]): Promise<string[]> {
    if (urls.length === 0) return [];
    const imageFiles = this.options.imageFiles;
    if (!imageFiles) {
      throw new MarketplaceError('permanent', 'shopee: no image files are supplied to upload', {
        code: 'image_unavailable',
        marketplace: 'shopee',
      });
    }
    const files: ImageFile[] = [];
    for (const url of urls) {
      try {
        files.push(await imageFiles(url));
      } catch (error) {
        // the reader says whether the seller must fix the photo (permanent) or it may come back
        if (error instanceof MarketplaceError) {
          throw new MarketplaceError(error.kind, `shopee: ${error.message}`, {
            ...error.options,
            marketplace: 'shopee',
          });
        }
        throw new MarketplaceError('retryable', `shopee: the photo ${url} could not be read`, {
          code: 'image_unavailable',
          marketplace: 'shopee',
        });
      }
    }
    const upload = shopeeImageUpload(files, `ocop${randomBytes(12).toString('hex')}`);
    const data = await this.call(shop, {
      method: 'POST',
      path: '/api/v2/media_space/upload_image',
      bytes: upload.body,
      headers: { 'content-type': upload.contentType },
    });
    const ids = shopeeImageIds(data, files.length);
    if (!ids) throw unreadable('the image upload answer carries no image ids');
    return ids;
  }

  private published(content: ListingContent, item: unknown, tier?: unknown): PublishedListing {
    const published = shopeePublished(content, item, tier);
    if (!published || content.variants.some((variant) => !published.variantIds[variant.skuCode])) {
      throw unreadable('the item answer carries no item_id and model ids');
    }
    return published;
  }

  private async itemBaseInfo(shop: ShopAccess, externalId: string): Promise<Record<string, unknown>> {
    const notFound = () =>
      new MarketplaceError('permanent', `Item ${externalId} not found.`, {
        code: 'error_item_not_found',
        marketplace: 'shopee',
      });
    if (!/^\d{1,18}$/.test(externalId)) throw notFound();
    const data = await this.call(shop, {
      method: 'GET',
      path: '/api/v2/product/get_item_base_info',
      query: { item_id_list: externalId },
    });
    const list = isRecord(data) && Array.isArray(data.item_list) ? data.item_list : [];
    const item: unknown = list.find(
      (entry: unknown) => isRecord(entry) && String(entry.item_id) === externalId,
    );
    if (!isRecord(item) || item.item_status === 'SELLER_DELETE' || item.item_status === 'SHOPEE_DELETE')
      throw notFound();
    return item;
  }

  /** Our SKU codes' variant ids on an item: its models', or model 0 for an item without variants. */
  private async heldVariantIds(
    shop: ShopAccess,
    externalId: string,
    item: Record<string, unknown>,
  ): Promise<Record<string, string>> {
    if (item.has_model !== true) {
      return typeof item.item_sku === 'string' && item.item_sku !== ''
        ? { [item.item_sku]: shopeeVariantId(externalId, 0) }
        : {};
    }
    const data = await this.call(shop, {
      method: 'GET',
      path: '/api/v2/product/get_model_list',
      query: { item_id: externalId },
    });
    const ids: Record<string, string> = {};
    const models = isRecord(data) && Array.isArray(data.model) ? data.model : [];
    for (const model of models) {
      if (isRecord(model) && typeof model.model_sku === 'string' && typeof model.model_id === 'number')
        ids[model.model_sku] = shopeeVariantId(externalId, model.model_id);
    }
    return ids;
  }

  /**
   * One call: a shop call with the grant's access token (renewed before its end and once on
   * `error_auth`), a public one signed by the app alone; the envelope read either way.
   */
  private async call(shop: ShopAccess, request: ShopeeRequest): Promise<unknown> {
    if (request.scope === 'public') {
      const answer = await this.signed(shop, request, undefined);
      const failure = shopeeFailure(answer.status, answer.json);
      if (failure) throw failure;
      return responseOf(answer);
    }
    return callWithGrant(
      shop,
      (refreshToken) =>
        this.tokenCall(shop, '/api/v2/auth/access_token/get', {
          refresh_token: refreshToken,
          shop_id: Number(shopIdOf(shop)),
        }),
      async (accessToken) => {
        const answer = await this.signed(shop, request, accessToken);
        const failure = shopeeFailure(answer.status, answer.json);
        if (!failure) return { value: responseOf(answer) };
        // only a refused token is worth a renewal; a wrong partner key is not mended by one
        if (failure.options.code === 'error_auth') return { failure };
        throw failure;
      },
      this.now,
    );
  }

  /** A signed call, timestamped once the call gate lets it through. */
  private async signed(
    shop: ShopAccess,
    request: ShopeeRequest,
    accessToken: string | undefined,
  ): Promise<MarketplaceAnswer> {
    const basePath = new URL(shop.baseUrl).pathname.replace(/\/+$/, '');
    const app = {
      partner_id: shop.credentials.partner_id ?? '',
      partner_key: shop.credentials.partner_key ?? '',
    };
    return this.send(shop, () => ({
      method: request.method,
      path: request.path,
      query: shopeeSignedQuery(
        app,
        basePath + request.path,
        request.query ?? {},
        Math.floor(this.now() / 1000),
        accessToken === undefined ? undefined : { accessToken, shopId: shopIdOf(shop) },
      ),
      body: request.body,
      bytes: request.bytes,
      headers: request.headers,
    }));
  }

  /** The two token calls: public, their answer at top level. */
  private async tokenCall(
    shop: ShopAccess,
    path: '/api/v2/auth/token/get' | '/api/v2/auth/access_token/get',
    params: Record<string, string | number>,
  ): Promise<AccessGrant> {
    const answer = await this.signed(
      shop,
      {
        method: 'POST',
        path,
        body: JSON.stringify({ ...params, partner_id: Number(shop.credentials.partner_id ?? '') }),
      },
      undefined,
    );
    const failure = shopeeFailure(answer.status, answer.json);
    if (failure) throw failure;
    const grant = shopeeGrant(answer.json, this.now());
    if (!grant) throw unreadable('the token answer carries no access and refresh token');
    return grant;
  }

  /** Through the shared client; its 429 gets Shopee's error code and the wait its per-second limit implies. */
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
          code: 'error_rate_limit',
          retryAfterMs: error.options.retryAfterMs ?? SHOPEE_THROTTLE_WAIT_MS,
        });
      }
      throw error;
    }
  }
}

/**
 * The shop the credentials were granted for (the one the calls name and sign); a shop id Shopee
 * could never have issued is refused as `auth` before a call, as Shopee would refuse it.
 */
function shopIdOf(shop: ShopAccess): string {
  const shopId = shop.credentials.shop_id ?? shop.shopId;
  if (!/^\d{1,18}$/.test(shopId)) {
    throw new MarketplaceError('auth', `shopee: ${shopId} is not a Shopee shop id`, {
      code: 'invalid_shop_id',
      marketplace: 'shopee',
    });
  }
  return shopId;
}

function responseOf(answer: MarketplaceAnswer): unknown {
  return isRecord(answer.json) ? answer.json.response : undefined;
}

function unreadable(what: string): MarketplaceError {
  return new MarketplaceError('retryable', `shopee: ${what}`, { code: 'unreadable', marketplace: 'shopee' });
}

function readOrder(raw: unknown): MarketplaceOrder {
  try {
    return shopeeOrder(raw);
  } catch (error) {
    throw searchError(error, 'shopee');
  }
}

function shopeeOrderStatusOf(raw: Record<string, unknown>) {
  try {
    return shopeeOrderStatus(raw.order_status);
  } catch (error) {
    throw searchError(error, 'shopee');
  }
}

function change(order: MarketplaceOrder): OrderChange {
  return { externalOrderId: order.externalOrderId, status: order.status, updatedAt: order.updatedAt, order };
}

/** The shop and order of one lost push (`data` is the push's data as a JSON string); null for other pushes. */
function lostPushOrder(message: unknown): { shopId: string; orderSn: string } | null {
  if (!isRecord(message) || message.code !== 3) return null;
  let data: unknown = message.data;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      return null;
    }
  }
  if (!isRecord(data) || typeof data.ordersn !== 'string') return null;
  return { shopId: String(message.shop_id), orderSn: data.ordersn };
}

/** What Shopee holds differently from the content, among the fields only a publish sets. */
function fieldsShopeeKeeps(
  item: Record<string, unknown>,
  content: ListingContent,
  categoryId: number,
): string[] {
  const differ: string[] = [];
  if (item.item_name !== listingTitle(content.name, content.ocopStars)) differ.push('title');
  if (item.description !== shopeeDescription(content)) differ.push('description');
  if (item.category_id !== categoryId) differ.push('category');
  const heaviest = Math.max(...content.variants.map((variant) => variant.weightGrams));
  if (typeof item.weight === 'number' && item.weight !== shopeeWeightKg(heaviest)) differ.push('weight');
  return differ;
}
