import { createHmac, randomBytes, randomInt, randomUUID } from 'node:crypto';
import { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { createMarketplace, Marketplace } from '../shared/marketplace';
import {
  blankListing,
  ConnectorStatus,
  Listing,
  Order,
  ShopState,
  StatusCode,
  Variant,
} from '../shared/model';
import { applyRequestFaults } from '../shared/request-faults';
import { firstIssue } from '../shared/validation';
import { StyleRules } from '../shared/store';
import { DAY_MS, parseVietnamDay } from '../shared/time-format';
import { WebhookStyle } from '../shared/webhooks';
import { signJwt, verifyJwt } from './jwt';
import { WindowRateLimiter } from '../shared/rate-limiter';

/** Sendo order status codes (MARKETPLACES.md). */
const CODE_FOR: Record<ConnectorStatus, number> = {
  pending: 2,
  confirmed: 3,
  shipped: 6,
  delivered: 7,
  cancelled: 13,
  returned: 22,
};
const STATUS_OF: Record<number, ConnectorStatus> = {
  2: 'pending',
  3: 'confirmed',
  6: 'shipped',
  21: 'shipped',
  7: 'delivered',
  8: 'delivered',
  10: 'delivered',
  13: 'cancelled',
  22: 'returned',
};

const TOKEN_TTL_SECONDS = 8 * 3600;
const LOGINS_PER_SECOND = 5;
const PAGING_TOKEN_TTL_MS = 5 * 60 * 1000;
const MAX_PAGE_SIZE = 50;
const MAX_FIELD_MASK_ITEMS = 50;
const MAX_WINDOW_DAYS = 3;
const DEFAULT_WINDOW_DAYS = 7;
/** Product statuses that refuse updates: awaiting approval, cancelled, deleted. */
const FROZEN_STATUSES = new Set([1, 4, 5]);
const ON_SALE = 2;
const DELETED = 5;

export const SENDO_RETRY_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000];

function sendoRules(): StyleRules {
  let shops = 0;
  // numbered on from a random point: a restarted sandbox (a new demo run) must not hand out a
  // number the connector already holds for the same shop from an earlier run
  let orders = randomInt(0, 7_000_000_000);
  return {
    name: 'sendo',
    newShopId: () => String(300_000 + ++shops),
    newCredentials: () => ({
      shop_key: randomBytes(8).toString('hex'),
      secret_key: randomBytes(16).toString('hex'),
    }),
    credentialKey: (credentials) => credentials.shop_key,
    newOrderId: () => String(2_600_000_000 + ++orders),
    codeFor: (status) => CODE_FOR[status],
    statusOf: (code: StatusCode) => STATUS_OF[Number(code)] ?? 'pending',
    codes: Object.keys(STATUS_OF).map(Number),
  };
}

const sendoWebhooks: WebhookStyle = {
  retryDelaysMs: SENDO_RETRY_DELAYS_MS,
  headers: (delivery, secret) => ({
    'X-Sendo-Signature': createHmac('sha256', secret).update(delivery.body).digest('hex'),
  }),
  accepted: (_delivery, httpStatus) => httpStatus >= 200 && httpStatus < 300,
};

function envelope(reply: FastifyReply, statusCode: number, result: unknown, message: string | null = null) {
  return reply.code(statusCode).send({
    success: statusCode < 400,
    result: statusCode < 400 ? result : null,
    error: message === null ? null : { message },
    status_code: statusCode,
    track_id: randomUUID(),
  });
}

const unixSeconds = (ms: number) => Math.floor(ms / 1000);

const picture = z.object({ picture_url: z.string() }).passthrough();
const productSchema = z
  .object({
    id: z.number().int().min(0),
    name: z.string().trim().min(1),
    sku: z.string().trim().min(1),
    price: z.number().int().min(0),
    cat_4_id: z.number().int(),
    description: z.string().default(''),
    weight: z.number().min(0),
    avatar: picture.optional(),
    pictures: z.array(picture).default([]),
    stock_quantity: z.number().int().min(0).optional(),
    stock_availability: z.boolean(),
    is_config_variant: z.boolean().default(false),
    variants: z
      .array(
        z
          .object({
            variant_sku: z.string().trim().min(1),
            variant_price: z.number().int().min(0),
            variant_quantity: z.number().int().min(0),
          })
          .passthrough(),
      )
      .default([]),
  })
  .passthrough();

const fieldMaskItemSchema = z
  .object({
    id: z.number().int(),
    field_mask: z.array(z.string()).min(1),
    stock_quantity: z.number().int().min(0).optional(),
    stock_availability: z.boolean().optional(),
    price: z.number().int().min(0).optional(),
    product_status: z.number().int().optional(),
    variants: z
      .array(
        z.object({
          variant_sku: z.string(),
          variant_quantity: z.number().int().min(0).optional(),
          variant_price: z.number().int().min(0).optional(),
        }),
      )
      .optional(),
  })
  .passthrough();
const MASKABLE = new Set(['stock_quantity', 'stock_availability', 'price', 'variants', 'product_status']);

const searchSchema = z
  .object({
    page_size: z.number().int().min(1).max(MAX_PAGE_SIZE).default(MAX_PAGE_SIZE),
    order_status: z.number().int().optional(),
    order_status_date_from: z.string().optional(),
    order_status_date_to: z.string().optional(),
    token: z.string().optional(),
  })
  .passthrough();

const actionSchema = z.object({
  order_number: z.string().min(1),
  order_status: z.union([z.literal(3), z.literal(13)]),
  cancel_order_reason: z.string().optional(),
});

interface PagingState {
  shopId: string;
  from: number;
  to: number;
  status?: number;
  pageSize: number;
  after: { updatedAt: number; seq: number } | null;
  expiresAt: number;
}

/** The Sendo-style marketplace: JWT login, field-mask updates, expiring paging tokens. */
export function createSendoServer(logger: Logger): Marketplace {
  let jwtSecret = randomBytes(32);
  const pagingTokens = new Map<string, PagingState>();
  const loginLimiter = new WindowRateLimiter();
  let productIds = 10_000_000;

  const market = createMarketplace({
    rules: sendoRules(),
    webhooks: sendoWebhooks,
    styleError: (_request, reply, status, message) => envelope(reply, status, null, message),
    logger,
    onReset: () => {
      jwtSecret = randomBytes(32);
      pagingTokens.clear();
      loginLimiter.clear();
      productIds = 10_000_000;
    },
  });
  const { app, store, clock, limiter, dispatcher } = market;

  store.onOrderEvent((shop, order, kind, notify) => {
    if (!notify) return;
    const body = JSON.stringify({
      type: kind === 'created' ? 'SALESORDER.CREATE' : 'SALESORDER.UPDATE',
      shop_id: shop.shopId,
      data: {
        order_number: order.orderId,
        order_status: order.status,
        updated_at: unixSeconds(order.updatedAt),
      },
    });
    dispatcher.publish(shop, `${kind} ${order.orderId} ${String(order.status)}`, body);
  });

  /** Authenticates a partner call and applies the shop's faults; undefined when already answered. */
  const guard = async (request: FastifyRequest, reply: FastifyReply): Promise<ShopState | undefined> => {
    const header = request.headers.authorization ?? '';
    const match = /^bearer\s+(.+)$/i.exec(header);
    const claims = match ? verifyJwt(match[1].trim(), jwtSecret) : null;
    const shop = claims ? store.shops.get(claims.sub) : undefined;
    if (!claims || !shop || claims.exp <= clock.now() / 1000) {
      void envelope(reply, 401, null, 'token expired');
      return undefined;
    }
    return (await faults(shop, reply)) ? shop : undefined;
  };

  const faults = async (shop: ShopState, reply: FastifyReply): Promise<boolean> => {
    const outcome = await applyRequestFaults(shop, limiter, clock, null);
    if (outcome.kind === 'rate_limited') {
      void envelope(
        reply.header('Retry-After', String(outcome.retryAfterSeconds)),
        429,
        null,
        'too many requests',
      );
      return false;
    }
    if (outcome.kind === 'error') {
      void envelope(reply, outcome.httpStatus, null, 'internal server error');
      return false;
    }
    return true;
  };

  app.post('/login', async (request, reply) => {
    const body = (request.body ?? {}) as { shop_key?: unknown; secret_key?: unknown };
    const client = typeof body.shop_key === 'string' ? `key:${body.shop_key}` : `ip:${request.ip}`;
    if (loginLimiter.take(client, LOGINS_PER_SECOND, clock.now()) !== null) {
      return envelope(reply.header('Retry-After', '1'), 429, null, 'too many login requests');
    }
    const shop = store.shopByCredential(body.shop_key);
    if (!shop || shop.credentials.secret_key !== body.secret_key) {
      return envelope(reply, 401, null, 'wrong shop_key or secret_key');
    }
    if (!(await faults(shop, reply))) return reply;
    const now = clock.now();
    const ttl = shop.faults.profile.tokenTtlSeconds ?? TOKEN_TTL_SECONDS;
    const exp = unixSeconds(now) + ttl;
    const token = signJwt({ sub: shop.shopId, iat: unixSeconds(now), exp, jti: randomUUID() }, jwtSecret);
    return envelope(reply, 200, { token, expires: new Date(exp * 1000).toISOString() });
  });

  app.post('/api/partner/product', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const parsed = productSchema.safeParse(request.body);
    if (!parsed.success) return envelope(reply, 400, null, firstIssue(parsed.error));
    const input = parsed.data;
    const variants: Variant[] = input.is_config_variant
      ? input.variants.map((variant) => ({
          sku: variant.variant_sku,
          variantId: variant.variant_sku,
          price: variant.variant_price,
          quantity: variant.variant_quantity,
          weightGrams: input.weight,
        }))
      : [
          {
            sku: input.sku,
            variantId: input.sku,
            price: input.price,
            quantity: input.stock_quantity ?? -1,
            weightGrams: input.weight,
          },
        ];
    if (input.is_config_variant && variants.length === 0) {
      return envelope(reply, 400, null, 'variants: a config-variant product needs at least one variant');
    }
    if (!input.is_config_variant && input.stock_quantity === undefined) {
      return envelope(reply, 400, null, 'stock_quantity: required');
    }
    const total = variants.reduce((sum, variant) => sum + variant.quantity, 0);
    if (total === 0 && input.stock_availability) {
      return envelope(reply, 400, null, 'stock_availability must be false when the quantity is 0');
    }
    const existing = input.id === 0 ? undefined : shop.listings.get(String(input.id));
    if (input.id !== 0) {
      if (!existing) return envelope(reply, 404, null, `product ${input.id} not found`);
      const status = existing.sendo?.productStatus ?? ON_SALE;
      if (FROZEN_STATUSES.has(status)) {
        return envelope(reply, 400, null, `product ${input.id} is in status ${status} and cannot be updated`);
      }
    }
    const conflict = store.skuConflict(
      shop,
      variants.map((variant) => variant.sku),
      existing?.productId,
    );
    if (conflict) return envelope(reply, 400, null, conflict);
    const now = clock.now();
    const images = [input.avatar?.picture_url, ...input.pictures.map((p) => p.picture_url)].filter(
      (url): url is string => typeof url === 'string',
    );
    const listing: Listing = existing ?? blankListing(String(++productIds), shop.shopId, now);
    const previous = listing.variants;
    Object.assign(listing, {
      name: input.name,
      description: input.description,
      categoryId: String(input.cat_4_id),
      images,
      available: input.stock_availability,
      status: 'active',
      variants,
      updatedAt: now,
      sendo: { productStatus: ON_SALE, isConfigVariant: input.is_config_variant, sku: input.sku },
    });
    store.indexListing(shop, listing, previous);
    return envelope(reply, 200, Number(listing.productId));
  });

  app.post('/api/partner/product/update-by-field-mask', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    if (!Array.isArray(request.body)) return envelope(reply, 400, null, 'the body must be an array of items');
    if (request.body.length > MAX_FIELD_MASK_ITEMS) {
      return envelope(reply, 400, null, `at most ${MAX_FIELD_MASK_ITEMS} items per call`);
    }
    const result = (request.body as unknown[]).map((raw) => {
      const id = (raw as { id?: unknown } | null)?.id ?? null;
      const error = applyFieldMask(shop, raw);
      return { id, success: error === null, error };
    });
    return envelope(reply, 200, result);
  });

  /** Applies one field-mask item all or nothing; returns the item's error or null. */
  const applyFieldMask = (shop: ShopState, raw: unknown): string | null => {
    const parsed = fieldMaskItemSchema.safeParse(raw);
    if (!parsed.success) return firstIssue(parsed.error);
    const item = parsed.data;
    const listing = shop.listings.get(String(item.id));
    if (!listing) return `product ${item.id} not found`;
    const status = listing.sendo?.productStatus ?? ON_SALE;
    if (FROZEN_STATUSES.has(status)) return `product ${item.id} is in status ${status} and cannot be updated`;
    const draft = listing.variants.map((variant) => ({ ...variant }));
    let available = listing.available;
    let productStatus = status;
    const configVariant = listing.sendo?.isConfigVariant ?? false;
    for (const field of item.field_mask) {
      if (!MASKABLE.has(field)) return `field_mask: ${field} cannot be updated here`;
      if (item[field as keyof typeof item] === undefined)
        return `field_mask names ${field} but the item has no ${field}`;
      switch (field) {
        case 'stock_quantity':
          if (configVariant) return 'stock_quantity: a config-variant product takes quantities per variant';
          draft[0].quantity = item.stock_quantity as number;
          break;
        case 'price':
          if (!configVariant) draft[0].price = item.price as number;
          else for (const variant of draft) variant.price = item.price as number;
          break;
        case 'stock_availability':
          available = item.stock_availability as boolean;
          break;
        case 'product_status':
          if (item.product_status !== DELETED) return `product_status: only ${DELETED} (delete) can be set`;
          productStatus = DELETED;
          break;
        case 'variants':
          for (const change of item.variants ?? []) {
            const variant = draft.find((candidate) => candidate.sku === change.variant_sku);
            if (!variant) return `variant ${change.variant_sku} not found on product ${item.id}`;
            if (change.variant_quantity !== undefined) variant.quantity = change.variant_quantity;
            if (change.variant_price !== undefined) variant.price = change.variant_price;
          }
          break;
      }
    }
    const total = draft.reduce((sum, variant) => sum + variant.quantity, 0);
    if (total === 0 && available) return 'stock_availability must be false when the quantity is 0';
    for (const [index, variant] of listing.variants.entries()) Object.assign(variant, draft[index]);
    listing.available = available;
    listing.updatedAt = clock.now();
    if (listing.sendo) listing.sendo.productStatus = productStatus;
    if (productStatus === DELETED) listing.status = 'delisted';
    return null;
  };

  app.post('/api/partner/salesorder/search', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const parsed = searchSchema.safeParse(request.body ?? {});
    if (!parsed.success) return envelope(reply, 400, null, firstIssue(parsed.error));
    const input = parsed.data;
    const now = clock.now();
    let state: PagingState;
    if (input.token !== undefined) {
      const found = pagingTokens.get(input.token);
      if (!found || found.shopId !== shop.shopId || found.expiresAt <= now) {
        if (found) pagingTokens.delete(input.token);
        return envelope(reply, 400, null, 'paging token expired, start the search again');
      }
      state = found;
    } else {
      const window = searchWindow(input.order_status_date_from, input.order_status_date_to, now);
      if (typeof window === 'string') return envelope(reply, 400, null, window);
      state = {
        shopId: shop.shopId,
        ...window,
        status: input.order_status,
        pageSize: input.page_size,
        after: null,
        expiresAt: 0,
      };
    }
    const index = shop.ordersByUpdate;
    let position = state.after ? index.firstAfter(state.after, false) : index.firstAtOrAfterTime(state.from);
    const data: Order[] = [];
    let more = false;
    for (; position < index.length; position++) {
      const order = index.at(position) as Order;
      if (order.updatedAt >= state.to) break;
      if (state.status !== undefined && order.status !== state.status) continue;
      if (data.length === state.pageSize) {
        more = true;
        break;
      }
      data.push(order);
    }
    let nextToken: string | null = null;
    if (more) {
      nextToken = randomBytes(16).toString('hex');
      const last = data[data.length - 1];
      pagingTokens.set(nextToken, {
        ...state,
        after: { updatedAt: last.updatedAt, seq: last.seq },
        expiresAt: now + PAGING_TOKEN_TTL_MS,
      });
    }
    sweepPagingTokens(now);
    return envelope(reply, 200, {
      data: data.map((order) => ({
        order_number: order.orderId,
        order_status: order.status,
        updated_at: unixSeconds(order.updatedAt),
      })),
      next_token: nextToken,
    });
  });

  let lastSweep = 0;
  const sweepPagingTokens = (now: number) => {
    if (now - lastSweep < 60_000) return;
    lastSweep = now;
    for (const [token, state] of pagingTokens) if (state.expiresAt <= now) pagingTokens.delete(token);
  };

  app.get<{ Params: { order_number: string } }>(
    '/api/partner/salesorder/:order_number',
    async (request, reply) => {
      const shop = await guard(request, reply);
      if (!shop) return reply;
      const order = shop.orders.get(request.params.order_number);
      if (!order) return envelope(reply, 404, null, `order ${request.params.order_number} not found`);
      return envelope(reply, 200, orderDetail(order));
    },
  );

  app.put('/api/partner/salesorder', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const parsed = actionSchema.safeParse(request.body);
    if (!parsed.success) return envelope(reply, 400, null, firstIssue(parsed.error));
    const input = parsed.data;
    const order = shop.orders.get(input.order_number);
    if (!order) return envelope(reply, 404, null, `order ${input.order_number} not found`);
    const allowed = input.order_status === 3 ? order.status === 2 : order.status === 2 || order.status === 3;
    if (!allowed) {
      return envelope(
        reply,
        400,
        null,
        `order ${order.orderId} is in status ${order.status} and cannot move to ${input.order_status}`,
      );
    }
    store.setStatus(shop, order, input.order_status, { reason: input.cancel_order_reason });
    return envelope(reply, 200, { order_number: order.orderId, order_status: order.status });
  });

  /**
   * Control extension (Sendo only): put a product in another review status, e.g. 1 (awaiting
   * approval), 3 (rejected) or 4 (cancelled), so a client can meet the statuses that refuse updates.
   */
  app.post<{ Params: { shopId: string; productId: string } }>(
    '/_sandbox/shops/:shopId/listings/:productId/product-status',
    async (request, reply) => {
      const shop = store.shops.get(request.params.shopId);
      const listing = shop?.listings.get(request.params.productId);
      if (!shop || !listing?.sendo) return reply.code(404).send({ error: 'no such shop or product' });
      const parsed = z
        .object({ productStatus: z.number().int().min(0).max(5) })
        .strict()
        .safeParse(request.body ?? {});
      if (!parsed.success) return reply.code(400).send({ error: firstIssue(parsed.error) });
      listing.sendo.productStatus = parsed.data.productStatus;
      listing.status = parsed.data.productStatus === ON_SALE ? 'active' : 'delisted';
      listing.updatedAt = clock.now();
      return {
        productId: listing.productId,
        productStatus: listing.sendo.productStatus,
        status: listing.status,
      };
    },
  );

  return market;
}

/** The status-date window of a search: at most 3 calendar days (both ends inclusive), default the last 7 days. */
function searchWindow(
  fromText: string | undefined,
  toText: string | undefined,
  now: number,
): { from: number; to: number } | string {
  if (fromText === undefined && toText === undefined)
    return { from: now - DEFAULT_WINDOW_DAYS * DAY_MS, to: now + 1 };
  const fromDay = fromText === undefined ? undefined : parseVietnamDay(fromText);
  const toDay = toText === undefined ? undefined : parseVietnamDay(toText);
  if (fromDay === null) return 'order_status_date_from: expected yyyy/MM/dd';
  if (toDay === null) return 'order_status_date_to: expected yyyy/MM/dd';
  const start = fromDay ?? (toDay as number) - (MAX_WINDOW_DAYS - 1) * DAY_MS;
  const end = toDay ?? start + (MAX_WINDOW_DAYS - 1) * DAY_MS;
  if (end < start) return 'order_status_date_to is before order_status_date_from';
  if (end - start > (MAX_WINDOW_DAYS - 1) * DAY_MS)
    return `the status-date window spans at most ${MAX_WINDOW_DAYS} days`;
  return { from: start, to: end + DAY_MS };
}

function orderDetail(order: Order) {
  return {
    sales_order: {
      order_number: order.orderId,
      order_status: order.status,
      order_date_time_stamp: unixSeconds(order.placedAt),
      updated_at: unixSeconds(order.updatedAt),
      total_amount: order.total,
      shop_id: order.shopId,
      cancel_order_reason: order.cancelReason ?? null,
    },
    sku_details: order.lines.map((line) => ({
      sku: line.sku,
      product_id: Number(line.productId),
      quantity: line.quantity,
      price: line.price,
    })),
  };
}
