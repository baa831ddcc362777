import {
  asMarketplaceError,
  categoryCode,
  checkContent,
  failedResult,
  isRecord,
  okResult,
} from '../adapter-support';
import { callLimits, MarketplaceHttp, MarketplaceRequest } from '../http-client';
import {
  earliestHint,
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
import { callWithSessionToken, SessionTokens } from '../session-tokens';
import {
  VOSO_BULK_MAX_ITEMS,
  VOSO_TOKEN_LIFETIME_MS,
  vosoFailure,
  vosoProductBody,
  vosoStockCalls,
} from './voso-mapping';
import {
  VOSO_CANCEL_REASONS,
  VOSO_ORDER_PAGE_SIZE,
  VosoCursor,
  vosoFirstCursor,
  vosoNextCursor,
  vosoOrderPage,
  VosoOrderPage,
  vosoWebhookEvent,
} from './voso-order-mapping';
import { verifyVosoWebhook } from './voso-signing';

/**
 * Voso-style: a 24-hour token from `POST /v2/user/Login` in a `Token` header, where the body and
 * not the HTTP code says the token went stale; REST products; bulk stock with partial success.
 * Orders come whole from one offset-paged list sorted by update time, whose rows shift while it is
 * read (see vosoNextCursor); there is no call for one order.
 */
export class VosoAdapter implements MarketplaceAdapter {
  readonly marketplace = 'voso' as const;
  readonly stockBatchSize = VOSO_BULK_MAX_ITEMS;
  readonly stockBatchUnit = 'sku' as const;
  private readonly http: MarketplaceHttp;
  private readonly tokens = new SessionTokens(VOSO_TOKEN_LIFETIME_MS);

  constructor(
    private readonly categories: CategoryCodes,
    options: AdapterOptions = {},
  ) {
    this.http = new MarketplaceHttp('voso', options.gate ?? OPEN_GATE, callLimits('voso', options));
  }

  /** Voso's token is opaque: the login proves the credentials, not which shop they are for. */
  async verifyCredentials(shop: ShopAccess): Promise<CredentialsCheck> {
    await this.login(shop);
    return { shopId: null };
  }

  async publish(shop: ShopAccess, content: ListingContent): Promise<PublishedListing> {
    return this.save(shop, { method: 'POST', path: '/v2/products' }, content);
  }

  async update(shop: ShopAccess, externalId: string, content: ListingContent): Promise<PublishedListing> {
    return this.save(
      shop,
      { method: 'PUT', path: `/v2/products/${encodeURIComponent(externalId)}` },
      content,
    );
  }

  async delist(shop: ShopAccess, externalId: string): Promise<void> {
    try {
      await this.call(shop, { method: 'DELETE', path: `/v2/products/${encodeURIComponent(externalId)}` });
    } catch (error) {
      // Gone already: the listing is down, which is all delist asks.
      if (error instanceof MarketplaceError && error.kind === 'permanent' && error.options.status === 404)
        return;
      throw error;
    }
  }

  async pushStock(shop: ShopAccess, items: StockPush[]): Promise<StockPushResult[]> {
    const results = new Map<StockPush, StockPushResult>();
    let stopped: MarketplaceError | null = null;
    for (const call of vosoStockCalls(items)) {
      if (stopped) {
        for (const push of call.pushes) results.set(push, failedResult(push, stopped));
        continue;
      }
      try {
        const data = await this.call(shop, {
          method: 'POST',
          path: '/v2/inventory/bulk',
          body: JSON.stringify({ ITEMS: call.items }),
        });
        const succeeded = new Set(
          isRecord(data) && Array.isArray(data.SUCCESS) ? data.SUCCESS.map(String) : [],
        );
        const failed = new Map<string, string>();
        if (isRecord(data) && Array.isArray(data.FAILED)) {
          for (const row of data.FAILED) {
            if (isRecord(row))
              failed.set(String(row.PRODUCT_SKU), typeof row.REASON === 'string' ? row.REASON : 'FAILED');
          }
        }
        for (const push of call.pushes) {
          const sku = push.variantId || push.skuCode;
          const reason = failed.get(sku);
          if (reason !== undefined)
            results.set(
              push,
              failedResult(
                push,
                new MarketplaceError('permanent', reason, { code: reason, marketplace: 'voso' }),
              ),
            );
          else if (succeeded.has(sku)) results.set(push, okResult(push));
          else
            results.set(
              push,
              failedResult(
                push,
                new MarketplaceError('retryable', 'voso: the bulk answer does not mention this SKU', {
                  code: 'unacknowledged',
                  marketplace: 'voso',
                }),
              ),
            );
        }
      } catch (error) {
        // A failed call fails its items; after refused credentials or throttling, the rest wait too.
        const failure = asMarketplaceError(error, 'voso');
        for (const push of call.pushes) results.set(push, failedResult(push, failure));
        if (failure.kind === 'auth' || failure.options.status === 429 || failure.options.status === 503)
          stopped = failure;
      }
    }
    return items.map((item) => results.get(item) as StockPushResult);
  }

  async *ordersChangedSince(shop: ShopAccess, since: Date): AsyncIterable<OrderChange[]> {
    let cursor: VosoCursor | null = vosoFirstCursor(since);
    while (cursor !== null) {
      const page = await this.ordersPage(shop, cursor);
      if (page.orders.length > 0) {
        yield page.orders.map((order) => ({
          externalOrderId: order.externalOrderId,
          status: order.status,
          updatedAt: order.updatedAt,
          order,
        }));
      }
      cursor = vosoNextCursor(cursor, page, VOSO_ORDER_PAGE_SIZE);
    }
  }

  /**
   * Voso has no call for one order (MARKETPLACES.md lists none, nor does the sandbox), so the order
   * list is read from its newest page backwards: the orders a connector asks about have usually
   * just changed and sit at the end. Read backwards, a shift only moves unread rows further into
   * the unread part; the one row it can hide is the wanted order itself changing meanwhile, which
   * then sits after the newest row read — the changes since that row are read last. A shop of at
   * most one page is read in one call; an unknown order costs a read of the whole list.
   */
  async fetchOrder(shop: ShopAccess, externalOrderId: string): Promise<MarketplaceOrder> {
    const everything = vosoFirstCursor(new Date(0));
    const first = await this.ordersPage(shop, everything);
    const found = (page: VosoOrderPage) =>
      page.orders.find((order) => order.externalOrderId === externalOrderId);
    let newest = first.latest;
    let order = found(first);
    if (order) return order;
    const total = first.total ?? 0;
    if (total > VOSO_ORDER_PAGE_SIZE) {
      for (let number = Math.ceil(total / VOSO_ORDER_PAGE_SIZE); number >= 1; number--) {
        const page = await this.ordersPage(shop, { ...everything, page: number });
        order = found(page);
        if (order) return order;
        if (page.latest && (newest === null || page.latest.ms > newest.ms)) newest = page.latest;
      }
    }
    if (newest !== null) {
      for await (const changes of this.ordersChangedSince(shop, new Date(newest.ms))) {
        order = changes.find((change) => change.externalOrderId === externalOrderId)?.order;
        if (order) return order;
      }
    }
    throw orderNotFound('voso', externalOrderId);
  }

  /**
   * One walk of the order list from the earliest hint: the orders pushes name have just changed
   * and sit at its end, so a batch of recent pushes costs one call (MARKETPLACES.md lists no call
   * for one order).
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
      REASON: VOSO_CANCEL_REASONS[reason],
    });
  }

  readWebhook(delivery: WebhookDelivery): WebhookEvent {
    return readWebhookBody(delivery, 'voso', vosoWebhookEvent);
  }

  verifyWebhook(delivery: WebhookDelivery, secret: string, now: Date): boolean {
    return verifyVosoWebhook(delivery, secret, now);
  }

  webhookAcknowledgement(): Record<string, unknown> {
    return {};
  }

  private async ordersPage(shop: ShopAccess, cursor: VosoCursor): Promise<VosoOrderPage> {
    const data = await this.call(shop, {
      method: 'GET',
      path: '/v2/orders',
      query: {
        page: String(cursor.page),
        size: String(VOSO_ORDER_PAGE_SIZE),
        updated_from: cursor.updatedFrom,
      },
    });
    try {
      return vosoOrderPage(data);
    } catch (error) {
      throw searchError(error, 'voso');
    }
  }

  private async actOnOrder(
    shop: ShopAccess,
    externalOrderId: string,
    target: 'confirmed' | 'cancelled',
    action: 'confirm' | 'cancel',
    body: { REASON: string } | undefined,
  ): Promise<void> {
    await moveOrder(
      target,
      async () => {
        try {
          await this.call(shop, {
            method: 'POST',
            path: `/v2/orders/${encodeURIComponent(externalOrderId)}/${action}`,
            body: body === undefined ? undefined : JSON.stringify(body),
          });
        } catch (error) {
          throw error instanceof MarketplaceError &&
            error.kind === 'permanent' &&
            error.options.status === 404
            ? orderNotFound('voso', externalOrderId)
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
    checkContent(content, 'voso');
    const body = vosoProductBody(content, categoryCode(this.categories, content.category, 'voso'));
    const data = await this.call(shop, { ...target, body: JSON.stringify(body) });
    const productId = isRecord(data) ? data.PRODUCT_ID : undefined;
    if (typeof productId !== 'number' && typeof productId !== 'string') {
      throw new MarketplaceError('retryable', 'voso: the product answer carries no PRODUCT_ID', {
        code: 'unreadable',
        marketplace: 'voso',
      });
    }
    // Voso knows variants by PRODUCT_SKU: our SKU codes are the variant ids.
    const variantIds = Object.fromEntries(
      content.variants.map((variant) => [variant.skuCode, variant.skuCode]),
    );
    return { externalId: String(productId), variantIds };
  }

  private tokenKey(shop: ShopAccess): string {
    return `${shop.connectionId}\u0000${shop.credentials.USERNAME ?? ''}`;
  }

  private async login(shop: ShopAccess): Promise<string> {
    const answer = await this.http.send(shop, {
      method: 'POST',
      path: '/v2/user/Login',
      body: JSON.stringify({ USERNAME: shop.credentials.USERNAME, PASSWORD: shop.credentials.PASSWORD }),
    });
    const failure = vosoFailure(answer.status, answer.json);
    if (failure) throw failure;
    const data = (answer.json as { data?: unknown }).data;
    if (!isRecord(data) || typeof data.token !== 'string') {
      throw new MarketplaceError('retryable', 'voso: the login answer carries no token', {
        code: 'unreadable',
        marketplace: 'voso',
      });
    }
    return data.token;
  }

  /** One authenticated call; a stale token is renewed once (`callWithSessionToken`). */
  private async call(shop: ShopAccess, request: MarketplaceRequest): Promise<unknown> {
    return callWithSessionToken(
      this.tokens,
      this.tokenKey(shop),
      () => this.login(shop),
      async (token) => {
        const answer = await this.http.send(shop, {
          ...request,
          headers: { ...request.headers, Token: token },
        });
        const failure = vosoFailure(answer.status, answer.json);
        return failure ? { failure } : { value: (answer.json as { data?: unknown }).data };
      },
    );
  }
}
