import { asMarketplaceError, categoryCode, checkContent, failedResult, okResult } from '../adapter-support';
import { mapWithConcurrency } from '../batching';
import { callLimits, MarketplaceHttp, MarketplaceRequest } from '../http-client';
import {
  earliestHint,
  headerOf,
  moveOrder,
  orderNotFound,
  ordersMetInSearch,
  readWebhookBody,
  searchError,
} from '../order-support';
import {
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
import {
  POSTMART_STOCK_CONCURRENCY,
  POSTMART_STOCK_ITEMS_PER_CALL,
  postmartFailure,
  postmartProductBody,
  postmartPublished,
} from './postmart-mapping';
import {
  POSTMART_CANCEL_REASONS,
  POSTMART_ORDER_PAGE_SIZE,
  postmartChange,
  postmartOrderPage,
  postmartUpdatedAfter,
  postmartWebhookEvent,
} from './postmart-order-mapping';
import { POSTMART_TRANSACTION_HEADER, signedQuery, verifyPostmartWebhook } from './postmart-signing';

/** `now` is also the clock request timestamps are signed with. */
export type PostmartAdapterOptions = AdapterOptions;

/**
 * Postmart-style: no session, every request signed; products over REST with UUID ids for products
 * and SKUs; stock one SKU per call with an Idempotency-Key, so a retry after a 504 that was in fact
 * applied applies nothing twice. The SKUs of one pushStock go out concurrently, at most 8 at a time.
 * Orders come whole from a cursor-paged list that reaches 15 days back at most; there is no call for
 * one order.
 */
export class PostmartAdapter implements MarketplaceAdapter {
  readonly marketplace = 'postmart' as const;
  readonly stockBatchSize = POSTMART_STOCK_ITEMS_PER_CALL;
  readonly stockBatchUnit = 'sku' as const;
  private readonly http: MarketplaceHttp;
  private readonly now: () => number;

  constructor(
    private readonly categories: CategoryCodes,
    options: PostmartAdapterOptions = {},
  ) {
    this.http = new MarketplaceHttp('postmart', options.gate ?? OPEN_GATE, callLimits('postmart', options));
    this.now = options.now ?? Date.now;
  }

  /**
   * A signed read that changes nothing: refused when the app_key or app_secret is wrong. It does
   * not tell which shop the app_key is for (a product write naming another shop_id is refused).
   */
  async verifyCredentials(shop: ShopAccess): Promise<CredentialsCheck> {
    await this.call(shop, {
      method: 'GET',
      path: '/api/v1/orders',
      query: { updated_after: new Date(this.now() - 60_000).toISOString(), limit: '1' },
    });
    return { shopId: null };
  }

  async publish(shop: ShopAccess, content: ListingContent): Promise<PublishedListing> {
    return this.save(shop, { method: 'POST', path: '/api/v1/products' }, content);
  }

  async update(shop: ShopAccess, externalId: string, content: ListingContent): Promise<PublishedListing> {
    return this.save(
      shop,
      { method: 'PUT', path: `/api/v1/products/${encodeURIComponent(externalId)}` },
      content,
    );
  }

  async delist(shop: ShopAccess, externalId: string): Promise<void> {
    try {
      await this.call(shop, { method: 'DELETE', path: `/api/v1/products/${encodeURIComponent(externalId)}` });
    } catch (error) {
      // Gone already: the listing is down, which is all delist asks.
      if (error instanceof MarketplaceError && error.options.code === 'NotFound') return;
      throw error;
    }
  }

  async pushStock(shop: ShopAccess, items: StockPush[]): Promise<StockPushResult[]> {
    let stopped: MarketplaceError | null = null;
    return mapWithConcurrency(items, POSTMART_STOCK_CONCURRENCY, async (item) => {
      if (stopped) return failedResult(item, stopped);
      try {
        await this.call(shop, {
          method: 'PUT',
          path: `/api/v1/skus/${encodeURIComponent(item.variantId)}/stock`,
          body: JSON.stringify({ quantity: Math.max(0, Math.floor(item.quantity)) }),
          headers: { 'Idempotency-Key': item.idempotencyKey },
        });
        return okResult(item);
      } catch (error) {
        const failure = asMarketplaceError(error, 'postmart');
        // Refused credentials fail every SKU alike: do not send the rest.
        if (failure.kind === 'auth') stopped = failure;
        return failedResult(item, failure);
      }
    });
  }

  /** `since` older than Postmart's 15 days is clamped (postmartUpdatedAfter). */
  async *ordersChangedSince(shop: ShopAccess, since: Date): AsyncIterable<OrderChange[]> {
    const { updatedAfter } = postmartUpdatedAfter(since, new Date(this.now()));
    let cursor: string | null = null;
    do {
      const data = await this.call(shop, {
        method: 'GET',
        path: '/api/v1/orders',
        query: {
          updated_after: updatedAfter,
          limit: String(POSTMART_ORDER_PAGE_SIZE),
          ...(cursor === null ? {} : { cursor }),
        },
      });
      let page: ReturnType<typeof postmartOrderPage>;
      try {
        page = postmartOrderPage(data);
      } catch (error) {
        throw searchError(error, 'postmart');
      }
      if (page.orders.length > 0) yield page.orders.map(postmartChange);
      cursor = page.nextCursor;
    } while (cursor !== null);
  }

  /**
   * Postmart has no call for one order (MARKETPLACES.md lists none, nor does the sandbox): the
   * order list is read from as far back as Postmart allows (15 days) until the order shows. The
   * cursor runs in update order, so an order that changes meanwhile is met at its new place. An
   * order unchanged for 15 days cannot be found this way and is reported not found.
   */
  async fetchOrder(shop: ShopAccess, externalOrderId: string): Promise<MarketplaceOrder> {
    for await (const changes of this.ordersChangedSince(shop, new Date(0))) {
      const order = changes.find((change) => change.externalOrderId === externalOrderId)?.order;
      if (order) return order;
    }
    throw orderNotFound('postmart', externalOrderId, ' among the orders changed in the last 15 days');
  }

  /**
   * One search from the earliest hint (MARKETPLACES.md lists no call for one order). Postmart
   * searches 15 days back at most: an order unchanged for longer cannot be read, and is absent —
   * a genuine push is delivered within hours (8 retries over 4 hours), so only a forged or
   * back-dated one names such an order.
   */
  async readOrders(shop: ShopAccess, hints: OrderHint[]): Promise<Map<string, MarketplaceOrder>> {
    if (hints.length === 0) return new Map();
    return ordersMetInSearch(this.ordersChangedSince(shop, earliestHint(hints)), hints);
  }

  async confirmOrder(shop: ShopAccess, externalOrderId: string): Promise<void> {
    await this.actOnOrder(shop, externalOrderId, 'confirmed', 'confirm', undefined);
  }

  async cancelOrder(shop: ShopAccess, externalOrderId: string, reason: CancelReason): Promise<void> {
    await this.actOnOrder(shop, externalOrderId, 'cancelled', 'cancel', {
      reason_code: POSTMART_CANCEL_REASONS[reason],
    });
  }

  readWebhook(delivery: WebhookDelivery): WebhookEvent {
    return readWebhookBody(delivery, 'postmart', postmartWebhookEvent);
  }

  verifyWebhook(delivery: WebhookDelivery, secret: string): boolean {
    return verifyPostmartWebhook(delivery, secret);
  }

  /** Postmart counts a delivery as failed unless the answer echoes its transaction. */
  webhookAcknowledgement(delivery: WebhookDelivery): Record<string, unknown> {
    return { code: 'success', transaction: headerOf(delivery, POSTMART_TRANSACTION_HEADER) ?? null };
  }

  private async actOnOrder(
    shop: ShopAccess,
    externalOrderId: string,
    target: 'confirmed' | 'cancelled',
    action: 'confirm' | 'cancel',
    body: { reason_code: string } | undefined,
  ): Promise<void> {
    await moveOrder(
      target,
      async () => {
        try {
          await this.call(shop, {
            method: 'POST',
            path: `/api/v1/orders/${encodeURIComponent(externalOrderId)}/${action}`,
            body: body === undefined ? undefined : JSON.stringify(body),
          });
        } catch (error) {
          throw error instanceof MarketplaceError && error.options.code === 'NotFound'
            ? orderNotFound('postmart', externalOrderId)
            : error;
        }
      },
      async () => (await this.fetchOrder(shop, externalOrderId)).status,
    );
  }

  private async save(
    shop: ShopAccess,
    target: Pick<MarketplaceRequest, 'method' | 'path'>,
    content: ListingContent,
  ): Promise<PublishedListing> {
    checkContent(content, 'postmart');
    const body = postmartProductBody(
      shop.shopId,
      content,
      categoryCode(this.categories, content.category, 'postmart'),
    );
    const data = await this.call(shop, { ...target, body: JSON.stringify(body) });
    const published = postmartPublished(data);
    if (!published) {
      throw new MarketplaceError('retryable', 'postmart: the product answer carries no product_id and skus', {
        code: 'unreadable',
        marketplace: 'postmart',
      });
    }
    return published;
  }

  /** One signed call; the envelope decides success, whatever the HTTP code. */
  private async call(shop: ShopAccess, request: MarketplaceRequest): Promise<unknown> {
    const credentials = {
      app_key: shop.credentials.app_key ?? '',
      app_secret: shop.credentials.app_secret ?? '',
    };
    const basePath = new URL(shop.baseUrl).pathname.replace(/\/+$/, '');
    const answer = await this.http.send(shop, () => ({
      ...request,
      query: signedQuery(
        credentials,
        basePath + request.path,
        request.query ?? {},
        request.body ?? '',
        this.now(),
      ),
    }));
    const failure = postmartFailure(answer.status, answer.json);
    // Postmart throttles inside a 200 body, out of the shared client's sight
    if (failure?.options.code === 'ApiCallLimit') await this.http.gate.throttled?.(shop);
    if (failure) throw failure;
    return (answer.json as { data?: unknown }).data;
  }
}
