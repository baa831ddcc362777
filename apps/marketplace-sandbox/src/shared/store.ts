import { randomBytes } from 'node:crypto';
import { VirtualClock } from './clock';
import { ConnectorStatus, Listing, Order, OrderLine, ShopState, StatusCode, Variant } from './model';

/** What differs between the styles as far as the shared store is concerned. */
export interface StyleRules {
  readonly name: 'sendo' | 'voso' | 'postmart' | 'shopee' | 'tiktok' | 'lazada';
  newShopId(): string;
  /** A new shop's credentials; app-based styles (Shopee, TikTok, Lazada) put the shop id in them. */
  newCredentials(shopId: string): Record<string, string>;
  /**
   * The credential that is also the shop's webhook secret (Shopee `partner_key`, TikTok and Lazada
   * `app_secret`: these styles sign pushes with the app secret). A `webhookSecret` given at shop
   * creation or by PATCH sets that credential too. Absent: the two are unrelated.
   */
  readonly secretCredential?: string;
  /**
   * A fresh one-time authorization code for the shop (`POST /_sandbox/shops/:shopId/auth-code`), for
   * the styles whose connections exchange a code for tokens. Absent: that route answers 404.
   */
  issueAuthCode?(shop: ShopState): string;
  /** The credential that identifies a shop at login or signing (shop_key, USERNAME, app_key). */
  credentialKey(credentials: Record<string, string>): string;
  newOrderId(): string;
  /** The code an order gets when the control API moves it to this connector status. */
  codeFor(status: ConnectorStatus): StatusCode;
  /** The connector word for a marketplace code. */
  statusOf(code: StatusCode): ConnectorStatus;
  /** Every order status code of the marketplace (the control API may set any of them). */
  readonly codes: readonly StatusCode[];
}

export type OrderEventKind = 'created' | 'updated';
export type OrderListener = (shop: ShopState, order: Order, kind: OrderEventKind, notify: boolean) => void;

export class StoreError extends Error {
  constructor(
    readonly kind: 'conflict' | 'invalid' | 'not_found',
    message: string,
  ) {
    super(message);
  }
}

/** Lifecycle ranks: an order only moves forward; cancel only before shipping. */
const RANK: Record<ConnectorStatus, number> = {
  pending: 0,
  confirmed: 1,
  shipped: 2,
  delivered: 3,
  returned: 4,
  cancelled: 5,
};

export interface OrderRequestLine {
  sku: string;
  quantity: number;
}

/**
 * The in-memory state of one marketplace (one port): shops, listings and orders, with the indexes
 * that keep 10,000 listings and 100,000 orders per shop fast. Style servers call it; it emits an
 * event for every order created or changed, which the server turns into a webhook.
 */
export class MarketStore {
  readonly shops = new Map<string, ShopState>();
  private readonly byCredential = new Map<string, ShopState>();
  private readonly listeners: OrderListener[] = [];

  constructor(
    readonly rules: StyleRules,
    readonly clock: VirtualClock,
  ) {}

  onOrderEvent(listener: OrderListener): void {
    this.listeners.push(listener);
  }

  createShop(input: { shopId?: string; webhookUrl?: string; webhookSecret?: string }): ShopState {
    const shopId = input.shopId ?? this.rules.newShopId();
    if (this.shops.has(shopId)) throw new StoreError('conflict', `shop ${shopId} already exists`);
    const credentials = this.rules.newCredentials(shopId);
    const field = this.rules.secretCredential;
    const secret =
      input.webhookSecret ?? (field ? credentials[field] : undefined) ?? randomBytes(24).toString('hex');
    if (field) credentials[field] = secret;
    const shop = new ShopState(shopId, credentials, secret, input.webhookUrl);
    this.shops.set(shopId, shop);
    this.byCredential.set(this.rules.credentialKey(shop.credentials), shop);
    return shop;
  }

  /** Sets the shop's webhook secret, and the credential it doubles as where the style has one. */
  setWebhookSecret(shop: ShopState, secret: string): void {
    shop.webhookSecret = secret;
    const field = this.rules.secretCredential;
    if (field) shop.credentials[field] = secret;
  }

  shopByCredential(key: unknown): ShopState | undefined {
    return typeof key === 'string' ? this.byCredential.get(key) : undefined;
  }

  /** Why these SKUs cannot be saved on the product (repeated, or held by another active listing), or null. */
  skuConflict(shop: ShopState, skus: string[], productId?: string): string | null {
    const seen = new Set<string>();
    for (const sku of skus) {
      if (seen.has(sku)) return `duplicate SKU ${sku} in the request`;
      seen.add(sku);
      const holder = shop.skus.get(sku);
      if (holder && holder.listing.productId !== productId && holder.listing.status === 'active') {
        return `SKU ${sku} already belongs to product ${holder.listing.productId}`;
      }
    }
    return null;
  }

  /** Stores a new listing or re-indexes an existing one after its variants changed. */
  indexListing(shop: ShopState, listing: Listing, previousVariants: Variant[] = []): void {
    for (const old of previousVariants) {
      if (shop.skus.get(old.sku)?.listing === listing) shop.skus.delete(old.sku);
      if (shop.variantIds.get(old.variantId)?.listing === listing) shop.variantIds.delete(old.variantId);
    }
    shop.listings.set(listing.productId, listing);
    for (const variant of listing.variants) {
      shop.skus.set(variant.sku, { listing, variant });
      shop.variantIds.set(variant.variantId, { listing, variant });
    }
  }

  /** A buyer order: refused (conflict) when a line asks more than the held stock or is not for sale. */
  placeOrder(shop: ShopState, lines: OrderRequestLine[], placedAt?: number, notify = true): Order {
    const order = this.prepareOrder(shop, lines, placedAt);
    shop.ordersByUpdate.insert(order);
    this.emit(shop, order, 'created', notify);
    return order;
  }

  /**
   * Many buyer orders in one go (history for the demo): each is accepted or refused alone, the
   * accepted ones are indexed in one batch, then announced in the order given.
   */
  placeOrders(
    shop: ShopState,
    requests: { lines: OrderRequestLine[]; placedAt?: number; notify?: boolean }[],
  ): (Order | StoreError)[] {
    const results: (Order | StoreError)[] = [];
    const accepted: Order[] = [];
    for (const request of requests) {
      try {
        const order = this.prepareOrder(shop, request.lines, request.placedAt);
        accepted.push(order);
        results.push(order);
      } catch (error) {
        if (!(error instanceof StoreError)) throw error;
        results.push(error);
      }
    }
    shop.ordersByUpdate.insertMany(accepted);
    requests.forEach((request, index) => {
      const result = results[index];
      if (!(result instanceof StoreError)) this.emit(shop, result, 'created', request.notify ?? true);
    });
    return results;
  }

  private prepareOrder(shop: ShopState, lines: OrderRequestLine[], placedAt?: number): Order {
    const now = this.clock.now();
    if (placedAt !== undefined && placedAt > now)
      throw new StoreError('invalid', 'placedAt is in the future');
    if (lines.length === 0) throw new StoreError('invalid', 'an order needs at least one line');
    const wanted = new Map<string, number>();
    for (const line of lines) wanted.set(line.sku, (wanted.get(line.sku) ?? 0) + line.quantity);
    for (const [sku, quantity] of wanted) {
      const ref = shop.skus.get(sku);
      if (!ref) throw new StoreError('conflict', `SKU ${sku} is not listed`);
      if (ref.listing.status !== 'active' || !ref.listing.available) {
        throw new StoreError('conflict', `SKU ${sku} is not for sale`);
      }
      if (ref.variant.quantity < quantity) {
        throw new StoreError('conflict', `SKU ${sku}: ${quantity} asked, ${ref.variant.quantity} held`);
      }
    }
    const orderLines: OrderLine[] = [];
    for (const [sku, quantity] of wanted) {
      const { listing, variant } = shop.skus.get(sku) as { listing: Listing; variant: Variant };
      variant.quantity -= quantity;
      orderLines.push({
        sku,
        variantId: variant.variantId,
        productId: listing.productId,
        quantity,
        price: variant.price,
      });
    }
    const at = placedAt ?? now;
    const order: Order = {
      orderId: this.rules.newOrderId(),
      shopId: shop.shopId,
      status: this.rules.codeFor('pending'),
      placedAt: at,
      updatedAt: at,
      receivedAt: now,
      seq: ++shop.orderSeq,
      lines: orderLines,
      total: orderLines.reduce((sum, line) => sum + line.price * line.quantity, 0),
    };
    shop.orders.set(order.orderId, order);
    return order;
  }

  /**
   * Whether the lifecycle allows moving an order to a marketplace code: forward only (or sideways
   * within one connector status, e.g. Sendo 7 → 8 → 10, Voso DA_DUYET → CHO_XUAT_KHO), cancel only
   * before shipping, nothing after cancelled or returned.
   */
  canMove(order: Order, code: StatusCode): boolean {
    const from = this.rules.statusOf(order.status);
    const to = this.rules.statusOf(code);
    if (code === order.status || from === 'cancelled' || from === 'returned') return false;
    if (to === 'cancelled') return RANK[from] <= RANK.confirmed;
    return RANK[to] >= RANK[from];
  }

  /**
   * Moves an order to a marketplace code (checked by the caller), at `at` or now. A cancelled
   * order gives its units back to the held stock, as marketplaces do.
   */
  setStatus(
    shop: ShopState,
    order: Order,
    code: StatusCode,
    options: { at?: number; reason?: string; notify?: boolean } = {},
  ): void {
    const wasCancelled = this.rules.statusOf(order.status) === 'cancelled';
    order.status = code;
    if (options.reason !== undefined) order.cancelReason = options.reason;
    const at = Math.max(options.at ?? this.clock.now(), order.placedAt);
    shop.ordersByUpdate.move(order, at);
    if (!wasCancelled && this.rules.statusOf(code) === 'cancelled') {
      for (const line of order.lines) {
        const ref = shop.variantIds.get(line.variantId);
        if (ref && ref.listing.productId === line.productId) ref.variant.quantity += line.quantity;
      }
    }
    this.emit(shop, order, 'updated', options.notify ?? true);
  }

  reset(): void {
    this.shops.clear();
    this.byCredential.clear();
  }

  private emit(shop: ShopState, order: Order, kind: OrderEventKind, notify: boolean): void {
    for (const listener of this.listeners) listener(shop, order, kind, notify);
  }
}
