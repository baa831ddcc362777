import type { ImageFiles } from '../image-files';
import {
  asMarketplaceError,
  categoryCode,
  checkContent,
  failedResult,
  isRecord,
  okResult,
} from '../adapter-support';
import { callLimits, MarketplaceHttp, MarketplaceRequest } from '../http-client';
import type { MarketplaceOrigins } from '../../../../config/marketplace-origins';
import { moveOrder, orderNotFound, readWebhookBody, searchError } from '../order-support';
import {
  CallGate,
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
import { callWithSessionToken, SessionTokens } from '../session-tokens';
import {
  sendoChangedSince,
  sendoOrder,
  sendoOrderAction,
  sendoSearchBody,
  sendoSearchPage,
  sendoStatusWindows,
  sendoWebhookEvent,
  SendoWindow,
} from './sendo-order-mapping';
import { verifySendoWebhook } from './sendo-signing';
import {
  SENDO_DELETED,
  SENDO_FIELD_MASK_MAX_ITEMS,
  SENDO_TOKEN_LIFETIME_MS,
  sendoDelistItem,
  sendoFailure,
  sendoProductBody,
  sendoProductId,
  sendoRefusal,
  SendoStockCall,
  sendoNeedsUnavailable,
  sendoSoldOutCalls,
  sendoStockCalls,
  sendoTokenLifetimeMs,
  sendoTokenShopId,
} from './sendo-mapping';

export interface AdapterOptions {
  gate?: CallGate;
  /** MARKETPLACE_CALL_DEADLINE_MS: the longest one call may take, answer included */
  deadlineMs?: number;
  /** MARKETPLACE_MAX_RESPONSE_BYTES: the largest answer read */
  maxResponseBytes?: number;
  /** MARKETPLACE_ORIGINS: where each marketplace may be called; undefined: anywhere (adapter tests) */
  origins?: Partial<MarketplaceOrigins>;
  /** the clock searches and signatures are dated from (unix ms); tests may fix it */
  now?: () => number;
  /**
   * Reads the photo behind a catalogue image URL, for the styles whose upload takes the file
   * (Shopee, TikTok Shop); the connector's is `fetchImageFiles`. Absent: those styles cannot
   * publish a listing with photos (permanent `image_unavailable`).
   */
  imageFiles?: ImageFiles;
}

/** How many times one status window is started over after its paging token expired, before giving up. */
export const SENDO_WINDOW_RESTARTS = 3;

/**
 * Sendo-style: a JWT from `POST /login` valid 8 hours, cached per connection and renewed by
 * logging in again (there is no refresh); products created and updated by one call keyed by `id`;
 * stock and delisting through field-mask calls of at most 50 products. Orders are searched by
 * status-date windows of 3 Vietnam days with expiring paging tokens; the rows and pushes carry no
 * lines, which `fetchOrder` reads by order number.
 */
export class SendoAdapter implements MarketplaceAdapter {
  readonly marketplace = 'sendo' as const;
  readonly stockBatchSize = SENDO_FIELD_MASK_MAX_ITEMS;
  readonly stockBatchUnit = 'product' as const;
  private readonly http: MarketplaceHttp;
  private readonly tokens = new SessionTokens(SENDO_TOKEN_LIFETIME_MS);
  private readonly now: () => number;

  constructor(
    private readonly categories: CategoryCodes,
    options: AdapterOptions = {},
  ) {
    this.http = new MarketplaceHttp('sendo', options.gate ?? OPEN_GATE, callLimits('sendo', options));
    this.now = options.now ?? Date.now;
  }

  /** The login's token names the shop it was issued to. */
  async verifyCredentials(shop: ShopAccess): Promise<CredentialsCheck> {
    return { shopId: sendoTokenShopId(await this.login(shop)) };
  }

  private async session(shop: ShopAccess): Promise<{ token: string; lifetimeMs?: number }> {
    const token = await this.login(shop);
    return { token, lifetimeMs: sendoTokenLifetimeMs(token) };
  }

  async publish(shop: ShopAccess, content: ListingContent): Promise<PublishedListing> {
    return this.save(shop, 0, content);
  }

  async update(shop: ShopAccess, externalId: string, content: ListingContent): Promise<PublishedListing> {
    return this.save(shop, this.productId(externalId), content);
  }

  async delist(shop: ShopAccess, externalId: string): Promise<void> {
    const id = this.productId(externalId);
    const result = await this.call(shop, {
      method: 'POST',
      path: '/api/partner/product/update-by-field-mask',
      body: JSON.stringify([sendoDelistItem(id)]),
    });
    const item = Array.isArray(result) ? result[0] : undefined;
    if (!isRecord(item) || item.success === true) return;
    const message = typeof item.error === 'string' ? item.error : 'delist refused';
    // Already deleted (a retry after an answer that got lost) or gone: the listing is down either way.
    if (new RegExp(`status ${SENDO_DELETED}\\b`).test(message) || /not found/i.test(message)) return;
    throw sendoRefusal(message, { code: 'item_refused' });
  }

  async pushStock(shop: ShopAccess, items: StockPush[]): Promise<StockPushResult[]> {
    const results = new Map<StockPush, StockPushResult>();
    const valid = items.filter((item) => {
      if (sendoProductId(item.externalId) !== null) return true;
      results.set(
        item,
        failedResult(
          item,
          new MarketplaceError('permanent', `"${item.externalId}" is not a Sendo product id`, {
            code: 'bad_external_id',
            marketplace: 'sendo',
          }),
        ),
      );
      return false;
    });
    const state = { stopped: null as MarketplaceError | null };
    const soldOut = await this.sendStockCalls(shop, sendoStockCalls(valid), results, state);
    // Products whose last stock just ran out: Sendo wants them unavailable, in a second call.
    if (soldOut.items.length > 0) await this.sendStockCalls(shop, sendoSoldOutCalls(soldOut), results, state);
    return items.map((item) => results.get(item) as StockPushResult);
  }

  /**
   * Sends field-mask calls and records a result per push. Returns the items Sendo refused only
   * because their product's stock reached 0 while still marked available.
   */
  private async sendStockCalls(
    shop: ShopAccess,
    calls: SendoStockCall[],
    results: Map<StockPush, StockPushResult>,
    state: { stopped: MarketplaceError | null },
  ): Promise<SendoStockCall> {
    const soldOut: SendoStockCall = { items: [], pushes: [] };
    for (const call of calls) {
      if (state.stopped) {
        for (const push of call.pushes.flat()) results.set(push, failedResult(push, state.stopped));
        continue;
      }
      try {
        const answer = await this.call(shop, {
          method: 'POST',
          path: '/api/partner/product/update-by-field-mask',
          body: JSON.stringify(call.items),
        });
        const rows = Array.isArray(answer) ? answer : [];
        call.items.forEach((item, index) => {
          const row =
            rows.find((candidate) => isRecord(candidate) && Number(candidate.id) === item.id) ?? rows[index];
          const pushes = call.pushes[index];
          let outcome: MarketplaceError | null;
          if (isRecord(row) && row.success === true) outcome = null;
          else if (isRecord(row) && typeof row.error === 'string') {
            if (item.stock_availability === undefined && sendoNeedsUnavailable(row.error)) {
              soldOut.items.push(item);
              soldOut.pushes.push(pushes);
              return;
            }
            outcome = sendoRefusal(row.error, { code: 'item_refused' });
          } else
            outcome = new MarketplaceError('retryable', 'sendo: no result for this product', {
              code: 'unacknowledged',
              marketplace: 'sendo',
            });
          for (const push of pushes)
            results.set(push, outcome ? failedResult(push, outcome) : okResult(push));
        });
      } catch (error) {
        // A failed call fails its items; after refused credentials or throttling, the rest wait too.
        const failure = asMarketplaceError(error, 'sendo');
        for (const push of call.pushes.flat()) results.set(push, failedResult(push, failure));
        if (failure.kind === 'auth' || failure.options.status === 429) state.stopped = failure;
      }
    }
    return soldOut;
  }

  /** Walks the 3-day status windows from `since`'s day to today, each to its last page. */
  async *ordersChangedSince(shop: ShopAccess, since: Date): AsyncIterable<OrderChange[]> {
    for (const window of sendoStatusWindows(since, new Date(this.now()))) {
      yield* this.searchWindow(shop, window, since);
    }
  }

  /**
   * One window, page by page. A paging token lives 5 minutes; when one expires (a slow importer
   * between pages) the window is searched again from its start: the rows already yielded come
   * again, which the importer absorbs, and none is skipped.
   */
  private async *searchWindow(
    shop: ShopAccess,
    window: SendoWindow,
    since: Date,
  ): AsyncIterable<OrderChange[]> {
    let token: string | null = null;
    let restarts = 0;
    for (;;) {
      let result: unknown;
      try {
        result = await this.call(shop, {
          method: 'POST',
          path: '/api/partner/salesorder/search',
          body: JSON.stringify(sendoSearchBody(window, token)),
        });
      } catch (error) {
        // with a token the body holds nothing else Sendo could refuse: a 400 is the token's expiry
        if (token !== null && error instanceof MarketplaceError && error.options.status === 400) {
          if (++restarts > SENDO_WINDOW_RESTARTS) {
            throw new MarketplaceError('retryable', `sendo: paging tokens kept expiring: ${error.message}`, {
              ...error.options,
              code: 'paging_token_expired',
            });
          }
          token = null;
          continue;
        }
        throw error;
      }
      let page: ReturnType<typeof sendoSearchPage>;
      try {
        page = sendoSearchPage(result);
      } catch (error) {
        throw searchError(error, 'sendo');
      }
      const changes = page.changes.filter((change) => sendoChangedSince(change, since));
      if (changes.length > 0) yield changes;
      if (page.nextToken === null) return;
      token = page.nextToken;
    }
  }

  async fetchOrder(shop: ShopAccess, externalOrderId: string): Promise<MarketplaceOrder> {
    let result: unknown;
    try {
      result = await this.call(shop, {
        method: 'GET',
        path: `/api/partner/salesorder/${encodeURIComponent(externalOrderId)}`,
      });
    } catch (error) {
      throw this.orderError(error, externalOrderId);
    }
    try {
      return sendoOrder(result);
    } catch (error) {
      throw searchError(error, 'sendo');
    }
  }

  /** Sendo reads one order per call; an unknown number is absent from the answer. */
  async readOrders(shop: ShopAccess, hints: OrderHint[]): Promise<Map<string, MarketplaceOrder>> {
    const ids = [...new Set(hints.map((hint) => hint.externalOrderId))];
    const orders = await Promise.all(
      ids.map((id) =>
        this.fetchOrder(shop, id).catch((error: unknown) => {
          if (error instanceof MarketplaceError && error.options.code === 'order_not_found') return undefined;
          throw error;
        }),
      ),
    );
    return new Map(
      orders.filter((order) => order !== undefined).map((order) => [order.externalOrderId, order]),
    );
  }

  async confirmOrder(shop: ShopAccess, externalOrderId: string): Promise<void> {
    await this.actOnOrder(
      shop,
      externalOrderId,
      'confirmed',
      sendoOrderAction(externalOrderId, { confirm: true }),
    );
  }

  async cancelOrder(shop: ShopAccess, externalOrderId: string, reason: CancelReason): Promise<void> {
    await this.actOnOrder(
      shop,
      externalOrderId,
      'cancelled',
      sendoOrderAction(externalOrderId, { cancel: reason }),
    );
  }

  readWebhook(delivery: WebhookDelivery): WebhookEvent {
    return readWebhookBody(delivery, 'sendo', sendoWebhookEvent);
  }

  verifyWebhook(delivery: WebhookDelivery, secret: string): boolean {
    return verifySendoWebhook(delivery, secret);
  }

  webhookAcknowledgement(): Record<string, unknown> {
    return {};
  }

  private async actOnOrder(
    shop: ShopAccess,
    externalOrderId: string,
    target: 'confirmed' | 'cancelled',
    body: ReturnType<typeof sendoOrderAction>,
  ): Promise<void> {
    await moveOrder(
      target,
      async () => {
        try {
          await this.call(shop, {
            method: 'PUT',
            path: '/api/partner/salesorder',
            body: JSON.stringify(body),
          });
        } catch (error) {
          throw this.orderError(error, externalOrderId);
        }
      },
      async () => (await this.fetchOrder(shop, externalOrderId)).status,
    );
  }

  private orderError(error: unknown, externalOrderId: string): unknown {
    return error instanceof MarketplaceError && error.kind === 'permanent' && error.options.status === 404
      ? orderNotFound('sendo', externalOrderId)
      : error;
  }

  private async save(shop: ShopAccess, id: number, content: ListingContent): Promise<PublishedListing> {
    checkContent(content, 'sendo');
    const body = sendoProductBody(id, content, categoryCode(this.categories, content.category, 'sendo'));
    const result = await this.call(shop, {
      method: 'POST',
      path: '/api/partner/product',
      body: JSON.stringify(body),
    });
    if (typeof result !== 'number' && !(typeof result === 'string' && /^\d+$/.test(result))) {
      throw new MarketplaceError('retryable', 'sendo: the product answer carries no product id', {
        code: 'unreadable',
        marketplace: 'sendo',
      });
    }
    // Sendo knows variants by their variant_sku: our SKU codes are the variant ids.
    const variantIds = Object.fromEntries(
      content.variants.map((variant) => [variant.skuCode, variant.skuCode]),
    );
    return { externalId: String(result), variantIds };
  }

  private productId(externalId: string): number {
    const id = sendoProductId(externalId);
    if (id === null) {
      throw new MarketplaceError('permanent', `"${externalId}" is not a Sendo product id`, {
        code: 'bad_external_id',
        marketplace: 'sendo',
      });
    }
    return id;
  }

  private tokenKey(shop: ShopAccess): string {
    return `${shop.connectionId}\u0000${shop.credentials.shop_key ?? ''}`;
  }

  private async login(shop: ShopAccess): Promise<string> {
    const answer = await this.http.send(shop, {
      method: 'POST',
      path: '/login',
      body: JSON.stringify({ shop_key: shop.credentials.shop_key, secret_key: shop.credentials.secret_key }),
    });
    const failure = sendoFailure(answer.status, answer.json);
    if (failure) throw failure;
    const result = (answer.json as { result?: unknown }).result;
    if (!isRecord(result) || typeof result.token !== 'string') {
      throw new MarketplaceError('retryable', 'sendo: the login answer carries no token', {
        code: 'unreadable',
        marketplace: 'sendo',
      });
    }
    return result.token;
  }

  /** One authenticated call; a stale token is renewed once (`callWithSessionToken`). */
  private async call(shop: ShopAccess, request: MarketplaceRequest): Promise<unknown> {
    return callWithSessionToken(
      this.tokens,
      this.tokenKey(shop),
      () => this.session(shop),
      async (token) => {
        const answer = await this.http.send(shop, {
          ...request,
          headers: { ...request.headers, authorization: `bearer ${token}` },
        });
        const failure = sendoFailure(answer.status, answer.json);
        return failure ? { failure } : { value: (answer.json as { result?: unknown }).result };
      },
    );
  }
}
