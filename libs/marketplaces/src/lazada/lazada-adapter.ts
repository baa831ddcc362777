import {
  asMarketplaceError,
  categoryCode,
  checkContent,
  failedResult,
  isRecord,
  okResult,
} from '../adapter-support';
import { chunk } from '../batching';
import { callLimits, MarketplaceHttp } from '../http-client';
import {
  earliestHint,
  orderNotFound,
  ordersMetInSearch,
  readWebhookBody,
  searchError,
} from '../order-support';
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
import { callWithGrant } from '../shop-grants';
import type { AdapterOptions } from '../sendo/sendo-adapter';
import {
  LAZADA_MAX_IMAGES,
  LAZADA_STOCK_SKUS_PER_CALL,
  lazadaBlamedSku,
  lazadaDeactivatePayload,
  lazadaFailure,
  lazadaGrant,
  lazadaHostedImage,
  lazadaImagePayload,
  lazadaProductPayload,
  lazadaPublished,
  lazadaStockPayload,
} from './lazada-mapping';
import {
  LAZADA_CANCEL_REASON_NAMES,
  LAZADA_MAX_ORDER_OFFSET,
  LAZADA_ORDER_PAGE_SIZE,
  LAZADA_ORDERS_PER_ITEMS_CALL,
  lazadaItemsByOrder,
  lazadaItemStatus,
  lazadaOrder,
  lazadaOrderRows,
  lazadaPushEvent,
  lazadaTimeField,
  lazadaUpdateAfter,
} from './lazada-order-mapping';
import { lazadaSignedParams, verifyLazadaPush } from './lazada-signing';

export type LazadaAdapterOptions = AdapterOptions;

/** One call as the adapter means it: the API name (after `/rest`) and its business parameters. */
interface LazadaCall {
  method: 'GET' | 'POST';
  api: string;
  params?: Record<string, string>;
}

/** An order item as /orders/items/get lists it, reduced to what confirm and cancel act on. */
interface OrderItem {
  id: string;
  status: string;
  packageId: string;
}

/**
 * Lazada-style: an app the shop authorized once (a one-time code exchanged for an access and a
 * refresh token, kept by the connector as the shop's grant); every call signed with the app
 * secret, errors inside HTTP 200 bodies. Images are migrated to Lazada before a product names
 * them; a product and all its SKUs are created in one call; stock goes out 50 SKUs a call across
 * products. Orders hold one item per unit with the statuses on the items; they are listed by update
 * window and their items read 50 orders a call.
 */
export class LazadaAdapter implements MarketplaceAdapter {
  readonly marketplace = 'lazada' as const;
  readonly stockBatchSize = LAZADA_STOCK_SKUS_PER_CALL;
  readonly stockBatchUnit = 'sku' as const;
  private readonly http: MarketplaceHttp;
  private readonly now: () => number;

  constructor(
    private readonly categories: CategoryCodes,
    options: LazadaAdapterOptions = {},
  ) {
    this.http = new MarketplaceHttp('lazada', options.gate ?? OPEN_GATE, callLimits('lazada', options));
    this.now = options.now ?? Date.now;
  }

  /** Spends the one-time code for the shop's grant; the token answer names the seller. */
  async verifyCredentials(shop: ShopAccess): Promise<CredentialsCheck> {
    const code = shop.credentials.code ?? '';
    if (code === '') {
      throw new MarketplaceError('auth', 'lazada: the credentials carry no authorization code', {
        code: 'code_missing',
        marketplace: 'lazada',
      });
    }
    const { grant, sellerId } = await this.token(shop, '/auth/token/create', { code });
    return { shopId: sellerId, grant };
  }

  async publish(shop: ShopAccess, content: ListingContent): Promise<PublishedListing> {
    return this.save(shop, '/product/create', content, undefined);
  }

  async update(shop: ShopAccess, externalId: string, content: ListingContent): Promise<PublishedListing> {
    return this.save(shop, '/product/update', content, externalId);
  }

  /**
   * Deactivates the item: buyers can no longer order it, and it comes back only by publishing
   * again. Not live any more (E0004) or unknown (204) is already down, which is all delist asks.
   */
  async delist(shop: ShopAccess, externalId: string): Promise<void> {
    try {
      await this.sellerCall(shop, {
        method: 'POST',
        api: '/product/deactivate',
        params: { apiRequestBody: lazadaDeactivatePayload(externalId) },
      });
    } catch (error) {
      if (
        error instanceof MarketplaceError &&
        (error.options.code === 'E0004' || error.options.code === '204')
      )
        return;
      throw error;
    }
  }

  /**
   * 50 SKUs a call, of any products. Lazada applies nothing of a call it refuses for one SKU and
   * names that SKU: it fails alone and the rest of its call goes out again without it.
   */
  async pushStock(shop: ShopAccess, items: StockPush[]): Promise<StockPushResult[]> {
    const results = new Map<StockPush, StockPushResult>();
    let stopped: MarketplaceError | null = null;
    for (const batch of chunk(items, LAZADA_STOCK_SKUS_PER_CALL)) {
      let pending = batch;
      while (pending.length > 0) {
        if (stopped) {
          for (const item of pending) results.set(item, failedResult(item, stopped));
          break;
        }
        const failure = await this.stockCall(shop, pending);
        if (!failure) {
          for (const item of pending) results.set(item, okResult(item));
          break;
        }
        const blamed =
          failure.blamed === null ? [] : pending.filter((item) => item.skuCode === failure.blamed);
        if (failure.error.kind !== 'permanent' || blamed.length === 0) {
          // nothing of the call applied and no SKU is to blame: every item of it shares the failure
          for (const item of pending) results.set(item, failedResult(item, failure.error));
          // refused credentials fail every SKU alike: do not send the rest
          if (failure.error.kind === 'auth') stopped = failure.error;
          break;
        }
        for (const item of blamed) results.set(item, failedResult(item, failure.error));
        pending = pending.filter((item) => !blamed.includes(item));
      }
    }
    return items.map((item) => results.get(item) as StockPushResult);
  }

  /** Orders updated at or after `since`, oldest change first, each with its items. */
  ordersChangedSince(shop: ShopAccess, since: Date): AsyncIterable<OrderChange[]> {
    return this.search(shop, since, null);
  }

  /**
   * Lazada lists no call for one order in this cut: its items name it, with the time it was placed,
   * and the order list searched over that second gives its row.
   */
  async fetchOrder(shop: ShopAccess, externalOrderId: string): Promise<MarketplaceOrder> {
    if (!/^\d+$/.test(externalOrderId)) throw orderNotFound('lazada', externalOrderId);
    const entry = (await this.itemsOf(shop, [externalOrderId])).get(externalOrderId);
    if (!entry) throw orderNotFound('lazada', externalOrderId);
    const first: unknown = Array.isArray(entry.order_items) ? entry.order_items[0] : undefined;
    if (!isRecord(first)) throw orderNotFound('lazada', externalOrderId);
    let window: { created_after: string; created_before: string };
    try {
      // Lazada's bounds are inclusive whole seconds: the second the order was placed in, and the next
      const placedAt = lazadaTimeField(first, 'created_at');
      window = {
        created_after: lazadaUpdateAfter(placedAt),
        created_before: lazadaUpdateAfter(new Date(placedAt.getTime() + 1000)),
      };
    } catch (error) {
      throw searchError(error, 'lazada');
    }
    for (let offset = 0; offset <= LAZADA_MAX_ORDER_OFFSET; offset += LAZADA_ORDER_PAGE_SIZE) {
      const rows = await this.orderRows(shop, {
        ...window,
        sort_by: 'created_at',
        sort_direction: 'ASC',
        offset: String(offset),
        limit: String(LAZADA_ORDER_PAGE_SIZE),
      });
      const row = rows.find((candidate) => String(candidate.order_id) === externalOrderId);
      if (row) return this.readOrder(row, entry);
      if (rows.length < LAZADA_ORDER_PAGE_SIZE) break;
    }
    throw orderNotFound('lazada', externalOrderId);
  }

  /**
   * One search from the earliest hint, reading the items of the hinted orders only (50 a call).
   * An order changes only forward in time, so a genuine one is met at or after its push's time.
   */
  async readOrders(shop: ShopAccess, hints: OrderHint[]): Promise<Map<string, MarketplaceOrder>> {
    if (hints.length === 0) return new Map();
    const wanted = new Set(hints.map((hint) => hint.externalOrderId));
    return ordersMetInSearch(this.search(shop, earliestHint(hints), wanted), hints);
  }

  /**
   * The first fulfilment steps: the pending items are packed (one package for the order), then
   * every packed item's package is set ready to ship, which the connector reads as confirmed.
   * An order already there is left as it is.
   */
  async confirmOrder(shop: ShopAccess, externalOrderId: string): Promise<void> {
    let items = await this.orderItems(shop, externalOrderId);
    const pending = items.filter((item) => lazadaItemStatus(item.status) === 'pending');
    if (pending.length > 0) {
      const data = await this.sellerCall(shop, {
        method: 'POST',
        api: '/order/fulfill/pack',
        params: {
          packReq: JSON.stringify({
            pack_order_list: [
              { order_id: Number(externalOrderId), order_item_list: pending.map((i) => Number(i.id)) },
            ],
            delivery_type: 'dropship',
            shipping_allocate_type: 'TFS',
          }),
        },
      });
      // the answer gives each packed item its package; read the items again only if it does not
      const packages = new Map(
        answered(data, 'pack_order_list', 'order_item_list').map((entry) => [
          String(entry.order_item_id),
          typeof entry.package_id === 'string' ? entry.package_id : '',
        ]),
      );
      items = pending.every((item) => packages.get(item.id))
        ? items.map((item) =>
            packages.has(item.id)
              ? { ...item, status: 'packed', packageId: packages.get(item.id) as string }
              : item,
          )
        : await this.orderItems(shop, externalOrderId);
    }
    const packages = [
      ...new Set(
        items
          .filter((item) => item.status === 'packed' || item.status === 'repacked')
          .map((item) => item.packageId),
      ),
    ].filter((id) => id !== '');
    if (packages.length > 0) {
      const data = await this.sellerCall(shop, {
        method: 'POST',
        api: '/order/package/rts',
        params: { readyToShipReq: JSON.stringify({ packages: packages.map((id) => ({ package_id: id })) }) },
      });
      answered(data, 'packages', null);
      return;
    }
    if (pending.length > 0) return;
    const live = items.filter((item) => lazadaItemStatus(item.status) !== 'cancelled');
    if (live.length > 0 && live.every((item) => lazadaItemStatus(item.status) === 'confirmed')) return;
    throw new MarketplaceError(
      'permanent',
      `lazada: order ${externalOrderId} has no item waiting to be packed`,
      {
        code: 'order_not_pending',
        marketplace: 'lazada',
      },
    );
  }

  /**
   * Cancels every item that may still be cancelled, with the reason offered under the name the
   * connector's reason maps to ("Out of Stock" also sets those SKUs' stock to 0 on Lazada). An
   * order whose items are all cancelled already is left as it is.
   */
  async cancelOrder(shop: ShopAccess, externalOrderId: string, reason: CancelReason): Promise<void> {
    const items = await this.orderItems(shop, externalOrderId);
    const open = items.filter((item) => {
      const status = lazadaItemStatus(item.status);
      return status === 'pending' || status === 'confirmed';
    });
    if (open.length === 0) {
      if (items.every((item) => lazadaItemStatus(item.status) === 'cancelled')) return;
      throw new MarketplaceError('permanent', `lazada: order ${externalOrderId} can no longer be cancelled`, {
        code: 'order_not_cancellable',
        marketplace: 'lazada',
      });
    }
    const ids = JSON.stringify(open.map((item) => Number(item.id)));
    const offered = await this.sellerCall(shop, {
      method: 'GET',
      api: '/order/reverse/cancel/validate',
      params: { order_id: externalOrderId, order_item_id_list: ids },
    });
    const name = LAZADA_CANCEL_REASON_NAMES[reason];
    const options = isRecord(offered) && Array.isArray(offered.reason_options) ? offered.reason_options : [];
    const option: unknown = options.find((entry) => isRecord(entry) && entry.reason_name === name);
    if (!isRecord(option) || (typeof option.reason_id !== 'number' && typeof option.reason_id !== 'string')) {
      throw new MarketplaceError('permanent', `lazada: the cancel reason "${name}" is not offered`, {
        code: 'cancel_reason_missing',
        marketplace: 'lazada',
      });
    }
    await this.sellerCall(shop, {
      method: 'POST',
      api: '/order/reverse/cancel/create',
      params: { order_id: externalOrderId, order_item_id_list: ids, reason_id: String(option.reason_id) },
    });
  }

  readWebhook(delivery: WebhookDelivery): WebhookEvent {
    return readWebhookBody(delivery, 'lazada', lazadaPushEvent);
  }

  /** Lazada signs app key + body with the app secret (the webhook secret); no app key, no check. */
  verifyWebhook(
    delivery: WebhookDelivery,
    secret: string,
    _now: Date,
    credentials?: Readonly<Record<string, string>>,
  ): boolean {
    const appKey = credentials?.app_key;
    if (appKey === undefined || appKey === '') return false;
    return verifyLazadaPush(delivery, appKey, secret);
  }

  /** Lazada ignores the body; it wants a 200 within 500 ms. */
  webhookAcknowledgement(): Record<string, unknown> {
    return {};
  }

  // ---- listings ----------------------------------------------------------------------------------

  private async save(
    shop: ShopAccess,
    api: '/product/create' | '/product/update',
    content: ListingContent,
    itemId: string | undefined,
  ): Promise<PublishedListing> {
    checkContent(content, 'lazada');
    const category = categoryCode(this.categories, content.category, 'lazada');
    // Lazada only shows images it hosts: each catalogue URL is migrated (Lazada fetches it) first
    const images: string[] = [];
    for (const url of content.imageUrls.slice(0, LAZADA_MAX_IMAGES)) {
      const hosted = lazadaHostedImage(
        await this.sellerCall(shop, {
          method: 'POST',
          api: '/image/migrate',
          params: { payload: lazadaImagePayload(url) },
        }),
      );
      if (hosted === null) throw unreadable('the image answer carries no url');
      images.push(hosted);
    }
    const data = await this.sellerCall(shop, {
      method: 'POST',
      api,
      params: { payload: lazadaProductPayload(content, category, images, itemId) },
    });
    const published = lazadaPublished(data);
    if (!published) throw unreadable('the product answer carries no item_id and sku_list');
    return published;
  }

  private async stockCall(
    shop: ShopAccess,
    items: readonly StockPush[],
  ): Promise<{ error: MarketplaceError; blamed: string | null } | null> {
    let blamed: string | null = null;
    try {
      await this.sellerCall(
        shop,
        {
          method: 'POST',
          api: '/product/price_quantity/update',
          params: { payload: lazadaStockPayload(items) },
        },
        (body) => {
          blamed = lazadaBlamedSku(body);
        },
      );
      return null;
    } catch (error) {
      return { error: asMarketplaceError(error, 'lazada'), blamed };
    }
  }

  // ---- orders ------------------------------------------------------------------------------------

  /**
   * Pages of the orders updated at or after `since`, oldest first. Lazada's offset stops at 5000:
   * past it the window starts again at the last row's time (rows of that second come again, which
   * the importer takes in its stride). `wanted`: read the items of these orders only.
   */
  private async *search(
    shop: ShopAccess,
    since: Date,
    wanted: ReadonlySet<string> | null,
  ): AsyncIterable<OrderChange[]> {
    let after = lazadaUpdateAfter(since);
    let offset = 0;
    for (;;) {
      const rows = await this.orderRows(shop, {
        update_after: after,
        sort_by: 'updated_at',
        sort_direction: 'ASC',
        offset: String(offset),
        limit: String(LAZADA_ORDER_PAGE_SIZE),
      });
      const ids = rows.map((row) => String(row.order_id)).filter((id) => wanted === null || wanted.has(id));
      const items = await this.itemsOf(shop, ids);
      const changes: OrderChange[] = [];
      for (const row of rows) {
        const entry = items.get(String(row.order_id));
        if (!entry) continue;
        const order = this.readOrder(row, entry);
        changes.push({
          externalOrderId: order.externalOrderId,
          status: order.status,
          updatedAt: order.updatedAt,
          order,
        });
      }
      if (changes.length > 0) yield changes;
      if (rows.length < LAZADA_ORDER_PAGE_SIZE) return;
      offset += LAZADA_ORDER_PAGE_SIZE;
      if (offset + LAZADA_ORDER_PAGE_SIZE > LAZADA_MAX_ORDER_OFFSET) {
        const last = rows[rows.length - 1];
        let next: string;
        try {
          next = lazadaUpdateAfter(lazadaTimeField(last, 'updated_at'));
        } catch (error) {
          throw searchError(error, 'lazada');
        }
        if (next === after) {
          throw new MarketplaceError(
            'permanent',
            `lazada: more than ${LAZADA_MAX_ORDER_OFFSET} orders changed at ${after}`,
            {
              code: 'window_too_dense',
              marketplace: 'lazada',
            },
          );
        }
        after = next;
        offset = 0;
      }
    }
  }

  private async orderRows(
    shop: ShopAccess,
    params: Record<string, string>,
  ): Promise<Record<string, unknown>[]> {
    const data = await this.sellerCall(shop, { method: 'GET', api: '/orders/get', params });
    try {
      return lazadaOrderRows(data).rows;
    } catch (error) {
      throw searchError(error, 'lazada');
    }
  }

  /** The items of these orders, 50 orders a call; orders Lazada does not answer for are absent. */
  private async itemsOf(
    shop: ShopAccess,
    orderIds: readonly string[],
  ): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    for (const ids of chunk(orderIds, LAZADA_ORDERS_PER_ITEMS_CALL)) {
      const data = await this.sellerCall(shop, {
        method: 'GET',
        api: '/orders/items/get',
        params: { order_ids: JSON.stringify(ids.map(Number)) },
      });
      try {
        for (const [id, entry] of lazadaItemsByOrder(data)) found.set(id, entry);
      } catch (error) {
        throw searchError(error, 'lazada');
      }
    }
    return found;
  }

  private readOrder(row: Record<string, unknown>, entry: Record<string, unknown>): MarketplaceOrder {
    try {
      return lazadaOrder(row, entry);
    } catch (error) {
      throw searchError(error, 'lazada');
    }
  }

  private async orderItems(shop: ShopAccess, externalOrderId: string): Promise<OrderItem[]> {
    if (!/^\d+$/.test(externalOrderId)) throw orderNotFound('lazada', externalOrderId);
    const entry = (await this.itemsOf(shop, [externalOrderId])).get(externalOrderId);
    const list = entry && Array.isArray(entry.order_items) ? entry.order_items : [];
    if (list.length === 0) throw orderNotFound('lazada', externalOrderId);
    return list.map((item: unknown) => {
      if (!isRecord(item) || typeof item.status !== 'string' || item.order_item_id === undefined)
        throw unreadable(`an item of order ${externalOrderId} is unreadable`);
      return {
        id: String(item.order_item_id),
        status: item.status,
        packageId: typeof item.package_id === 'string' ? item.package_id : '',
      };
    });
  }

  // ---- calls -------------------------------------------------------------------------------------

  /** A seller call with the shop's granted access token, renewed as shop-grants says. */
  private sellerCall(
    shop: ShopAccess,
    call: LazadaCall,
    onFailure?: (body: unknown) => void,
  ): Promise<unknown> {
    return callWithGrant(
      shop,
      (refreshToken) => this.refresh(shop, refreshToken),
      async (accessToken) => {
        try {
          return { value: await this.call(shop, call, { accessToken, onFailure }) };
        } catch (error) {
          if (error instanceof MarketplaceError && error.kind === 'auth') return { failure: error };
          throw error;
        }
      },
      this.now,
    );
  }

  private async refresh(shop: ShopAccess, refreshToken: string): Promise<AccessGrant> {
    return (await this.token(shop, '/auth/token/refresh', { refresh_token: refreshToken })).grant;
  }

  /** The token calls answer at the envelope's top level. */
  private async token(
    shop: ShopAccess,
    api: '/auth/token/create' | '/auth/token/refresh',
    params: Record<string, string>,
  ): Promise<{ grant: AccessGrant; sellerId: string | null }> {
    const body = await this.call(shop, { method: 'POST', api, params }, { answer: 'whole' });
    const read = lazadaGrant(body, this.now());
    if (!read) throw unreadable('the token answer carries no tokens');
    return read;
  }

  /**
   * One signed call. GET: every parameter in the query; POST: the system ones in the query and the
   * business ones as a form, all signed. The body decides, whatever the HTTP code.
   */
  private async call(
    shop: ShopAccess,
    call: LazadaCall,
    how: {
      /** seller calls; app calls (the token calls) carry none */
      accessToken?: string;
      /** sees the body of a refusal before it is thrown (a stock call's blamed SKU) */
      onFailure?: (body: unknown) => void;
      /** the token calls answer at the envelope's top level, the others in `data` */
      answer?: 'data' | 'whole';
    } = {},
  ): Promise<unknown> {
    const credentials = {
      app_key: shop.credentials.app_key ?? '',
      app_secret: shop.credentials.app_secret ?? '',
    };
    const prefix = /\/rest\/?$/.test(new URL(shop.baseUrl).pathname) ? '' : '/rest';
    const business = call.params ?? {};
    const answer = await this.http.send(shop, () => {
      // signed when the gate lets the call through, so the timestamp does not age in the queue
      const signed = lazadaSignedParams(credentials, call.api, business, this.now(), how.accessToken);
      if (call.method === 'GET') return { method: 'GET', path: prefix + call.api, query: signed };
      const query = Object.fromEntries(
        Object.entries(signed).filter(([name]) => !Object.hasOwn(business, name)),
      );
      const form = Object.entries(business).filter(([, value]) => value !== '');
      return {
        method: 'POST',
        path: prefix + call.api,
        query,
        body: new URLSearchParams(form).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
      };
    });
    const failure = lazadaFailure(answer.status, answer.json);
    if (failure) {
      // Lazada throttles inside a 200 body, out of the shared client's sight
      if (failure.options.code === 'ApiCallLimit') await this.http.gate.throttled?.(shop);
      how.onFailure?.(answer.json);
      throw failure;
    }
    return how.answer === 'whole' ? answer.json : (answer.json as { data?: unknown }).data;
  }
}

function unreadable(why: string): MarketplaceError {
  return new MarketplaceError('retryable', `lazada: ${why}`, { code: 'unreadable', marketplace: 'lazada' });
}

/**
 * The entries a pack or ready-to-ship answer gives per item or package, each with `item_err_code`
 * "0" when it went through; a refused one is permanent, with Lazada's message.
 */
function answered(data: unknown, list: string, inner: string | null): Record<string, unknown>[] {
  const entries = isRecord(data) && Array.isArray(data[list]) ? data[list] : [];
  const flat =
    inner === null
      ? entries
      : entries.flatMap((e: unknown) => (isRecord(e) && Array.isArray(e[inner]) ? e[inner] : []));
  for (const entry of flat) {
    if (isRecord(entry) && entry.item_err_code !== undefined && String(entry.item_err_code) !== '0') {
      throw new MarketplaceError('permanent', `lazada: ${String(entry.msg ?? 'refused')}`, {
        code: String(entry.item_err_code),
        marketplace: 'lazada',
      });
    }
  }
  return flat.filter(isRecord);
}
