/**
 * The one port the sync engine speaks to (ARCHITECTURE.md §4). Each marketplace has its own
 * adapter behind it; the engine never sees a marketplace's URLs, envelopes, status codes or
 * signing.
 */
export { MARKETPLACES, type Marketplace } from '../../../config/marketplace-origins';
import type { Marketplace } from '../../../config/marketplace-origins';

/** What an adapter needs to act for one shop: decrypted credentials, never stored by the adapter. */
export interface ShopAccess {
  /** the connector's connection id: the key for tokens cached per shop and rate limits */
  connectionId: string;
  marketplace: Marketplace;
  shopId: string;
  baseUrl: string;
  credentials: Record<string, string>;
  /**
   * Where the tokens the shop granted the connector's app are kept (Shopee, TikTok Shop and Lazada
   * styles: an authorization code exchanged once for an access and a refresh token). The styles
   * that log in with the credentials themselves never ask it; a connection of an app-based style
   * without a grant answers `auth` (grant_missing). Absent before the connection is saved.
   */
  grant?: GrantKeeper;
  /**
   * Where this use of the shop's calls joins the queue in front of its rate limit: `ahead` goes
   * before the calls of the shop already waiting (a stock push: every second a figure waits behind
   * a batch of Sendo order reads, the other marketplaces may sell stock that is gone); absent, in turn.
   */
  lane?: 'ahead';
}

/** Tokens a shop granted: the access token calls, the refresh token renews it. */
export interface AccessGrant {
  accessToken: string;
  refreshToken: string;
  accessExpiresAt: Date;
  /** null: it lasts until the shop withdraws the authorization */
  refreshExpiresAt: Date | null;
}

/**
 * Where a connection's grant is kept (the connector's database, sealed). A refresh token may be
 * single-use (Shopee): `refresh` spends it under a claim, so of two workers that find the same
 * access token stale, one exchanges it and the other gets the new grant without calling.
 */
export interface GrantKeeper {
  current(): Promise<AccessGrant>;
  /**
   * Renews the grant whose access token is `staleAccessToken` with `exchange`, unless it was
   * renewed meanwhile: then answers the grant that replaced it, without calling.
   */
  refresh(
    staleAccessToken: string,
    exchange: (refreshToken: string) => Promise<AccessGrant>,
  ): Promise<AccessGrant>;
}

/** One variant per SKU. */
export interface VariantContent {
  skuCode: string;
  name: string;
  priceVnd: number;
  weightGrams: number;
  /** the figure this channel is offered (available less the connection's buffer, never below 0) */
  quantity: number;
}

/** The desired state of one listing, computed from the catalogue and the OCOP certificate. */
export interface ListingContent {
  productId: string;
  /** the product's own name; the adapter adds the OCOP badge when `ocopStars` is set */
  name: string;
  description: string;
  /** the connector's sales category slug (config/reference/categories.json) */
  category: string;
  imageUrls: string[];
  /** stars of the active certificate, or null: the badge shows only while the certificate is active */
  ocopStars: number | null;
  variants: VariantContent[];
}

export interface PublishedListing {
  externalId: string;
  /** the marketplace's id for each of our SKU codes' variant */
  variantIds: Record<string, string>;
}

export interface StockPush {
  externalId: string;
  skuCode: string;
  variantId: string;
  quantity: number;
  /** stable for one intended figure, so a retry after an ambiguous failure applies once */
  idempotencyKey: string;
}

export interface StockPushResult {
  skuCode: string;
  externalId: string;
  ok: boolean;
  /** set when !ok: why the marketplace refused this item */
  error?: MarketplaceError;
}

/** What a successful login proves. */
export interface CredentialsCheck {
  /**
   * The shop id the marketplace names for these credentials (Sendo's token carries it as its
   * subject); null when the style does not tell it (Voso's opaque token, Postmart's signed calls).
   */
  shopId: string | null;
  /**
   * App-based styles: the tokens the authorization code in the credentials was exchanged for (the
   * code is spent by the check), stored with the connection.
   */
  grant?: AccessGrant;
}

export type FailureKind = 'retryable' | 'permanent' | 'auth';

/**
 * The one error type adapters throw. `retryable`: try again later (429, throttling, 5xx,
 * timeouts, 504-after-write); `permanent`: the marketplace rejected the data — do not retry until
 * something changes; `auth`: the credentials no longer work.
 */
export class MarketplaceError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly options: {
      status?: number;
      code?: string;
      retryAfterMs?: number;
      marketplace?: Marketplace;
    } = {},
  ) {
    super(message);
    this.name = 'MarketplaceError';
  }
}

/** The connector's order statuses (MARKETPLACES.md "Status mapping to the connector"). */
export const ORDER_STATUSES = [
  'pending',
  'confirmed',
  'shipped',
  'delivered',
  'cancelled',
  'returned',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** One line of a marketplace order, as the marketplace names the item. */
export interface MarketplaceOrderLine {
  /** our SKU code as the marketplace echoes it (seller SKU / variant SKU), when it does */
  skuCode: string | null;
  /** the marketplace's own variant id, when it gives one (Postmart's sku_id) */
  variantId: string | null;
  quantity: number;
  unitPriceVnd: number;
}

/** A full order, with every time converted to a UTC instant by the adapter. */
export interface MarketplaceOrder {
  externalOrderId: string;
  status: OrderStatus;
  /** the marketplace's own status word or code, for people reading the order */
  marketplaceStatus: string;
  placedAt: Date;
  /** when the marketplace last changed the order; orders never move backwards past it */
  updatedAt: Date;
  totalVnd: number;
  lines: MarketplaceOrderLine[];
}

/**
 * That an order changed, as an order search or a webhook tells it. Sendo's search and push carry
 * only the number, status and time (`order` absent): the importer fetches the order when it needs
 * the lines. Voso and Postmart carry the whole order — but a webhook's is only what its sender
 * claims, signed with a secret the seller itself supplies: the importer reads the order from the
 * marketplace (`readOrders`) and never imports a pushed one as it came.
 */
export interface OrderChange {
  externalOrderId: string;
  status: OrderStatus;
  updatedAt: Date;
  order?: MarketplaceOrder;
}

/** What a push says of an order, enough to find it on the marketplace. */
export interface OrderHint {
  externalOrderId: string;
  /** when the push says the order changed; a genuine order has changed then or since */
  updatedAt: Date;
}

/** A webhook body the adapter could read (its signature is checked separately, with the shop's secret). */
export interface WebhookEvent {
  /** the shop the body names, which is how the connector finds the connection */
  shopId: string;
  /** unique per event, stable across redeliveries of it: the inbox's de-duplication key */
  eventId: string;
  change: OrderChange;
}

/** What arrived over HTTP: the exact bytes and the headers (names lower-case). */
export interface WebhookDelivery {
  rawBody: Buffer;
  headers: Record<string, string | undefined>;
  /**
   * The URL the marketplace was given for this route (PUBLIC_BASE_URL + the path), not the one a
   * proxy shows: Shopee signs the registered callback URL with the body.
   */
  url?: string;
}

/** Why an order is cancelled; each adapter maps it to its marketplace's reason code or text. */
export const CANCEL_REASONS = ['out_of_stock', 'seller_request', 'buyer_request'] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

/** Thrown by readWebhook when the body is not a webhook of this marketplace (answered 400). */
export class MalformedWebhookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedWebhookError';
  }
}

/** Everything the sync engine and the order importer ask of one marketplace. */
export interface MarketplaceAdapter extends MarketplaceOrderPort {
  readonly marketplace: Marketplace;
  /** most stock items one pushStock call may carry to the marketplace (adapters split bigger lists) */
  readonly stockBatchSize: number;
  /**
   * what `stockBatchSize` counts: `product` when all pushed SKUs of one listing travel as one item
   * (Sendo), `sku` when each SKU is an item; the engine needs it to tell a full batch from a partial one
   */
  readonly stockBatchUnit: 'product' | 'sku';
  /**
   * Logs in (or makes a call that changes nothing) with the shop's credentials; throws
   * MarketplaceError('auth') when they are refused. Answers the shop the marketplace says they
   * belong to, where its style tells it.
   */
  verifyCredentials(shop: ShopAccess): Promise<CredentialsCheck>;
  /** creates the listing with all its variants, title, price, weight and stock */
  publish(shop: ShopAccess, content: ListingContent): Promise<PublishedListing>;
  /** replaces title, description, category, images, prices, weights and stock of an existing listing */
  update(shop: ShopAccess, externalId: string, content: ListingContent): Promise<PublishedListing>;
  /** takes the listing down */
  delist(shop: ShopAccess, externalId: string): Promise<void>;
  /** pushes stock figures in as few calls as the marketplace allows; each item succeeds or fails alone */
  pushStock(shop: ShopAccess, items: StockPush[]): Promise<StockPushResult[]>;
}

/** The order half of the port (issue 6). */
export interface MarketplaceOrderPort {
  /**
   * Orders changed at or after `since`, oldest change first where the marketplace allows, page by
   * page; the adapter pages through everything (and, for Sendo, through its 3-day status windows
   * up to now). Rows that shift between pages may be yielded twice: the importer is idempotent.
   */
  ordersChangedSince(shop: ShopAccess, since: Date): AsyncIterable<OrderChange[]>;
  /** one order with its lines */
  fetchOrder(shop: ShopAccess, externalOrderId: string): Promise<MarketplaceOrder>;
  /**
   * The orders pushes named, as the marketplace holds them now, in as few calls as its API allows
   * (Voso and Postmart: one search of the orders changed since the earliest hint; Sendo: one read
   * per order). An order the marketplace does not know, or no longer lets the connector read, is
   * absent from the answer; any other failure throws.
   */
  readOrders(shop: ShopAccess, hints: OrderHint[]): Promise<Map<string, MarketplaceOrder>>;
  confirmOrder(shop: ShopAccess, externalOrderId: string): Promise<void>;
  cancelOrder(shop: ShopAccess, externalOrderId: string, reason: CancelReason): Promise<void>;

  /** Parses a webhook body; throws MalformedWebhookError when it is not one of this marketplace's. */
  readWebhook(delivery: WebhookDelivery): WebhookEvent;
  /**
   * Checks the delivery's signature with the shop's webhook secret over the raw bytes, in constant
   * time (Voso: and that its timestamp is within 300 s of `now`). False for a missing signature.
   * `credentials`: the shop's, for the styles that sign with more than the secret (TikTok Shop and
   * Lazada prefix the body with the app key).
   */
  verifyWebhook(
    delivery: WebhookDelivery,
    secret: string,
    now: Date,
    credentials?: Readonly<Record<string, string>>,
  ): boolean;
  /**
   * The body to answer an accepted delivery with, besides `received` and `duplicate` (Postmart's
   * echo); null: an empty body, which Shopee and TikTok Shop require (any other body is a failed
   * delivery to them).
   */
  webhookAcknowledgement(delivery: WebhookDelivery): Record<string, unknown> | null;
}

/**
 * Called by an adapter before every HTTP call to a shop, so rate limits hold per connection across
 * all worker processes (the sync engine supplies a Redis-backed gate; tests may pass none).
 */
export interface CallGate {
  beforeCall(shop: ShopAccess): Promise<void>;
  /** The marketplace answered "too many calls": the gate should slow this shop down. */
  throttled?(shop: ShopAccess): Promise<void>;
  /**
   * The marketplace answered a call `seconds` after it was sent (the gate's own wait not counted;
   * any status, as its answer came): how slow the marketplace is, apart from how fast we may call it.
   */
  answered?(shop: ShopAccess, seconds: number): void;
}

export const OPEN_GATE: CallGate = { beforeCall: async () => undefined };

/** Marketplace category codes for each of the connector's sales category slugs. */
export type CategoryCodes = Record<
  string,
  { sendo: number; voso: string; postmart: string; shopee: number; tiktok: string; lazada: number }
>;

/**
 * The marketplace product that already holds one of our SKU codes, when a publish was refused for
 * that reason (the three styles refuse a SKU another active product holds, naming it). After a
 * publish whose answer was lost (a timeout, a killed worker), the retry lands here: the engine
 * adopts that product instead of leaving the listing in error, so one connector listing still
 * means one marketplace listing.
 */
export function productHoldingSku(error: unknown, skuCodes: readonly string[]): string | undefined {
  if (!(error instanceof MarketplaceError) || error.kind !== 'permanent') return undefined;
  const match = /SKU (\S+) already belongs to product (\S+?)[.,;]?$/.exec(error.message.trim());
  return match && skuCodes.includes(match[1]) ? match[2] : undefined;
}
