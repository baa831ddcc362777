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
import { isoVietnam, parseIsoInstant } from '../shared/time-format';
import { WebhookStyle } from '../shared/webhooks';

const CODE_FOR: Record<ConnectorStatus, string> = {
  pending: 'CHO_DUYET',
  confirmed: 'DA_DUYET',
  shipped: 'DANG_GIAO',
  delivered: 'DA_GIAO',
  cancelled: 'HUY',
  returned: 'TRA_HANG',
};
const STATUS_OF: Record<string, ConnectorStatus> = {
  CHO_DUYET: 'pending',
  DA_DUYET: 'confirmed',
  CHO_XUAT_KHO: 'confirmed',
  DANG_GIAO: 'shipped',
  DA_GIAO: 'delivered',
  HUY: 'cancelled',
  TRA_HANG: 'returned',
};

const TOKEN_TTL_SECONDS = 24 * 3600;
const DEFAULT_RATE_LIMIT = 20;
const MAX_BULK_ITEMS = 100;
const MAX_PAGE_SIZE = 100;
const AUTO_CANCEL_MS = 24 * 3600 * 1000;
const MINUTE = 60_000;

/** Exponential backoff, 1, 2, 4 … 512 minutes, and a last try 24 hours after the first attempt. */
export const VOSO_RETRY_DELAYS_MS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1440 - 1023].map(
  (m) => m * MINUTE,
);

export const VOSO_MAINTENANCE_PAGE =
  '<!DOCTYPE html><html><head><title>B\u1ea3o tr\u00ec h\u1ec7 th\u1ed1ng</title></head>' +
  '<body><h1>503 Service Temporarily Unavailable</h1><p>H\u1ec7 th\u1ed1ng \u0111ang b\u1ea3o tr\u00ec, vui l\u00f2ng quay l\u1ea1i sau.</p></body></html>';

function vosoRules(): StyleRules {
  let shops = 0;
  // numbered on from a random point: a restarted sandbox (a new demo run) must not hand out a
  // number the connector already holds for the same shop from an earlier run
  let orders = randomInt(0, 9_000_000_000);
  return {
    name: 'voso',
    newShopId: () => String(700_000 + ++shops),
    newCredentials: () => ({
      USERNAME: `voso_${randomBytes(6).toString('hex')}`,
      PASSWORD: randomBytes(12).toString('hex'),
    }),
    credentialKey: (credentials) => credentials.USERNAME,
    newOrderId: () => `VOSO${String(++orders).padStart(10, '0')}`,
    codeFor: (status) => CODE_FOR[status],
    statusOf: (code: StatusCode) => STATUS_OF[String(code)] ?? 'pending',
    codes: Object.keys(STATUS_OF),
  };
}

const vosoWebhooks: WebhookStyle = {
  retryDelaysMs: VOSO_RETRY_DELAYS_MS,
  headers: (delivery, secret, nowMs) => {
    const t = Math.floor(nowMs / 1000);
    const v1 = createHmac('sha256', secret).update(`${t}.${delivery.body}`).digest('hex');
    return { 'X-Voso-Signature': `t=${t},v1=${v1}` };
  },
  accepted: (_delivery, httpStatus) => httpStatus >= 200 && httpStatus < 300,
};

/** Voso answers in {status, error, message, data}; the body's status decides, HTTP is usually 200. */
function envelope(reply: FastifyReply, status: number, data: unknown, message = 'OK', httpStatus = 200) {
  return reply
    .code(httpStatus)
    .send({ status, error: status >= 400, message, data: status >= 400 ? null : data });
}

const productSchema = z
  .object({
    PRODUCT_NAME: z.string().trim().min(1),
    CATEGORY_CODE: z.string().min(1),
    DESCRIPTION: z.string().default(''),
    IMAGES: z.array(z.string()).default([]),
    VARIANTS: z
      .array(
        z
          .object({
            PRODUCT_SKU: z.string().trim().min(1),
            PRICE: z.number().int().min(0),
            QUANTITY: z.number().int().min(0),
            WEIGHT: z.number().min(0),
          })
          .passthrough(),
      )
      .min(1),
  })
  .passthrough();

const bulkSchema = z.object({ ITEMS: z.array(z.unknown()) }).passthrough();
const bulkItemSchema = z.object({ PRODUCT_SKU: z.string().min(1), QUANTITY: z.number().int().min(0) });

export function vosoOrderView(order: Order) {
  return {
    ORDER_NUMBER: order.orderId,
    SHOP_ID: order.shopId,
    STATUS: order.status,
    CREATED_AT: isoVietnam(order.placedAt),
    UPDATED_AT: isoVietnam(order.updatedAt),
    TOTAL_AMOUNT: order.total,
    CANCEL_REASON: order.cancelReason ?? null,
    ITEMS: order.lines.map((line) => ({
      PRODUCT_ID: Number(line.productId),
      PRODUCT_SKU: line.sku,
      QUANTITY: line.quantity,
      PRICE: line.price,
    })),
  };
}

/** The Voso-style marketplace: opaque tokens, 200-with-401 bodies, bulk stock, 24-hour auto-cancel. */
export function createVosoServer(logger: Logger): Marketplace {
  const tokens = new Map<string, { shopId: string; expiresAt: number }>();
  /** Orders awaiting confirmation, per shop, in the order they were received (their deadlines' order). */
  const awaiting = new Map<string, Order[]>();
  let productIds = 50_000_000;

  const sweep = () => {
    const now = market.clock.now();
    for (const [shopId, queue] of awaiting) {
      const shop = market.store.shops.get(shopId);
      let expired = 0;
      while (expired < queue.length && queue[expired].receivedAt + AUTO_CANCEL_MS <= now) {
        const order = queue[expired++];
        if (shop && order.status === CODE_FOR.pending) {
          market.store.setStatus(shop, order, CODE_FOR.cancelled, {
            reason: 'not confirmed within 24 hours',
          });
        }
      }
      if (expired > 0) queue.splice(0, expired);
    }
  };

  const market = createMarketplace({
    rules: vosoRules(),
    webhooks: vosoWebhooks,
    styleError: (_request, reply, status, message) =>
      envelope(reply, status, null, message, status === 404 || status >= 500 ? status : 200),
    logger,
    onReset: () => {
      tokens.clear();
      awaiting.clear();
      productIds = 50_000_000;
    },
    beforeControl: () => sweep(),
  });
  const { app, store, clock, limiter, dispatcher } = market;
  const timer = setInterval(sweep, 200);
  timer.unref();
  clock.onAdvance(sweep);
  const closeMarket = market.close;
  market.close = async () => {
    clearInterval(timer);
    await closeMarket();
  };

  store.onOrderEvent((shop, order, kind, notify) => {
    if (kind === 'created') {
      let queue = awaiting.get(shop.shopId);
      if (!queue) awaiting.set(shop.shopId, (queue = []));
      queue.push(order);
    }
    if (!notify) return;
    const body = JSON.stringify({
      EVENT_ID: randomUUID(),
      EVENT_TYPE: kind === 'created' ? 'ORDER_CREATED' : 'ORDER_STATUS_CHANGED',
      SHOP_ID: shop.shopId,
      DATA: vosoOrderView(order),
    });
    dispatcher.publish(shop, `${kind} ${order.orderId} ${String(order.status)}`, body);
  });

  /** Maintenance page, rate limit, random errors and latency; false when already answered. */
  const faults = async (shop: ShopState, reply: FastifyReply): Promise<boolean> => {
    if (shop.faults.profile.maintenance) {
      void reply
        .code(503)
        .header('content-type', 'text/html; charset=utf-8')
        .header('Retry-After', '60')
        .send(VOSO_MAINTENANCE_PAGE);
      return false;
    }
    const outcome = await applyRequestFaults(shop, limiter, clock, DEFAULT_RATE_LIMIT);
    if (outcome.kind === 'rate_limited') {
      void envelope(
        reply.header('Retry-After', String(outcome.retryAfterSeconds)),
        429,
        null,
        'Too many requests',
        429,
      );
      return false;
    }
    if (outcome.kind === 'error') {
      void envelope(reply, outcome.httpStatus, null, 'Internal server error', outcome.httpStatus);
      return false;
    }
    return true;
  };

  const guard = async (request: FastifyRequest, reply: FastifyReply): Promise<ShopState | undefined> => {
    sweep();
    const header = request.headers.token;
    const session = typeof header === 'string' ? tokens.get(header) : undefined;
    const shop = session ? store.shops.get(session.shopId) : undefined;
    if (!session || !shop || session.expiresAt <= clock.now()) {
      void envelope(reply, 401, null, 'Token expired or invalid, please login again');
      return undefined;
    }
    return (await faults(shop, reply)) ? shop : undefined;
  };

  app.post('/v2/user/Login', async (request, reply) => {
    const body = (request.body ?? {}) as { USERNAME?: unknown; PASSWORD?: unknown };
    const shop = store.shopByCredential(body.USERNAME);
    if (!shop || shop.credentials.PASSWORD !== body.PASSWORD) {
      return envelope(reply, 401, null, 'Wrong USERNAME or PASSWORD');
    }
    if (!(await faults(shop, reply))) return reply;
    const ttl = shop.faults.profile.tokenTtlSeconds ?? TOKEN_TTL_SECONDS;
    const expiresAt = clock.now() + ttl * 1000;
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, { shopId: shop.shopId, expiresAt });
    return envelope(reply, 200, { token, expires_at: isoVietnam(expiresAt) });
  });

  const saveProduct = (shop: ShopState, body: unknown, reply: FastifyReply, existing?: Listing) => {
    const parsed = productSchema.safeParse(body);
    if (!parsed.success) return envelope(reply, 400, null, firstIssue(parsed.error));
    const input = parsed.data;
    const variants: Variant[] = input.VARIANTS.map((variant) => ({
      sku: variant.PRODUCT_SKU,
      variantId: variant.PRODUCT_SKU,
      price: variant.PRICE,
      quantity: variant.QUANTITY,
      weightGrams: variant.WEIGHT,
    }));
    const conflict = store.skuConflict(
      shop,
      variants.map((variant) => variant.sku),
      existing?.productId,
    );
    if (conflict) return envelope(reply, 400, null, conflict);
    const now = clock.now();
    const listing: Listing = existing ?? blankListing(String(++productIds), shop.shopId, now);
    const previous = listing.variants;
    Object.assign(listing, {
      name: input.PRODUCT_NAME,
      description: input.DESCRIPTION,
      categoryId: input.CATEGORY_CODE,
      images: input.IMAGES,
      variants,
      updatedAt: now,
    });
    store.indexListing(shop, listing, previous);
    return envelope(reply, 200, { PRODUCT_ID: Number(listing.productId) });
  };

  app.post('/v2/products', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    return saveProduct(shop, request.body, reply);
  });

  app.put<{ Params: { productId: string } }>('/v2/products/:productId', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const listing = shop.listings.get(request.params.productId);
    if (!listing) return envelope(reply, 404, null, `PRODUCT_ID ${request.params.productId} not found`);
    if (listing.status === 'delisted')
      return envelope(reply, 400, null, `PRODUCT_ID ${listing.productId} is delisted`);
    return saveProduct(shop, request.body, reply, listing);
  });

  app.delete<{ Params: { productId: string } }>('/v2/products/:productId', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const listing = shop.listings.get(request.params.productId);
    if (!listing) return envelope(reply, 404, null, `PRODUCT_ID ${request.params.productId} not found`);
    listing.status = 'delisted';
    listing.updatedAt = clock.now();
    return envelope(reply, 200, { PRODUCT_ID: Number(listing.productId) });
  });

  app.post('/v2/inventory/bulk', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const parsed = bulkSchema.safeParse(request.body);
    if (!parsed.success) return envelope(reply, 400, null, firstIssue(parsed.error));
    if (parsed.data.ITEMS.length > MAX_BULK_ITEMS) {
      return envelope(reply, 400, null, `ITEMS: at most ${MAX_BULK_ITEMS} items per call`);
    }
    const success: string[] = [];
    const failed: { PRODUCT_SKU: unknown; REASON: string }[] = [];
    for (const raw of parsed.data.ITEMS) {
      const item = bulkItemSchema.safeParse(raw);
      if (!item.success) {
        failed.push({
          PRODUCT_SKU: (raw as { PRODUCT_SKU?: unknown } | null)?.PRODUCT_SKU ?? null,
          REASON: 'INVALID_ITEM',
        });
        continue;
      }
      const ref = shop.skus.get(item.data.PRODUCT_SKU);
      if (!ref) failed.push({ PRODUCT_SKU: item.data.PRODUCT_SKU, REASON: 'SKU_NOT_FOUND' });
      else if (ref.listing.status !== 'active')
        failed.push({ PRODUCT_SKU: item.data.PRODUCT_SKU, REASON: 'PRODUCT_DELISTED' });
      else {
        ref.variant.quantity = item.data.QUANTITY;
        success.push(item.data.PRODUCT_SKU);
      }
    }
    return envelope(reply, 200, { SUCCESS: success, FAILED: failed });
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/v2/orders', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const page = request.query.page === undefined ? 1 : Number(request.query.page);
    const size = request.query.size === undefined ? 20 : Number(request.query.size);
    if (!Number.isInteger(page) || page < 1)
      return envelope(reply, 400, null, 'page must be an integer >= 1');
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
      return envelope(reply, 400, null, `size must be an integer between 1 and ${MAX_PAGE_SIZE}`);
    }
    let from = 0;
    if (request.query.updated_from !== undefined) {
      const parsedFrom = parseIsoInstant(request.query.updated_from);
      if (parsedFrom === null) return envelope(reply, 400, null, 'updated_from must be an ISO-8601 instant');
      from = shop.ordersByUpdate.firstAtOrAfterTime(parsedFrom);
    }
    const total = shop.ordersByUpdate.length - from;
    const items: ReturnType<typeof vosoOrderView>[] = [];
    const start = from + (page - 1) * size;
    for (let index = start; index < Math.min(start + size, shop.ordersByUpdate.length); index++) {
      items.push(vosoOrderView(shop.ordersByUpdate.at(index) as Order));
    }
    return envelope(reply, 200, { ITEMS: items, TOTAL: total });
  });

  app.post<{ Params: { orderNumber: string } }>('/v2/orders/:orderNumber/confirm', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const order = shop.orders.get(request.params.orderNumber);
    if (!order) return envelope(reply, 404, null, `ORDER_NUMBER ${request.params.orderNumber} not found`);
    if (order.status !== CODE_FOR.pending) {
      return envelope(
        reply,
        400,
        null,
        `ORDER_NUMBER ${order.orderId} is ${String(order.status)}, only CHO_DUYET can be confirmed`,
      );
    }
    store.setStatus(shop, order, CODE_FOR.confirmed);
    return envelope(reply, 200, vosoOrderView(order));
  });

  app.post<{ Params: { orderNumber: string } }>('/v2/orders/:orderNumber/cancel', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const order = shop.orders.get(request.params.orderNumber);
    if (!order) return envelope(reply, 404, null, `ORDER_NUMBER ${request.params.orderNumber} not found`);
    const reason = (request.body as { REASON?: unknown } | undefined)?.REASON;
    if (typeof reason !== 'string' || reason.trim() === '')
      return envelope(reply, 400, null, 'REASON is required');
    if (STATUS_OF[String(order.status)] !== 'pending' && STATUS_OF[String(order.status)] !== 'confirmed') {
      return envelope(
        reply,
        400,
        null,
        `ORDER_NUMBER ${order.orderId} is ${String(order.status)} and cannot be cancelled`,
      );
    }
    store.setStatus(shop, order, CODE_FOR.cancelled, { reason });
    return envelope(reply, 200, vosoOrderView(order));
  });

  return market;
}
