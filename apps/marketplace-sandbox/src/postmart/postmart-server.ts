import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { createMarketplace, Marketplace } from '../shared/marketplace';
import {
  blankListing,
  CONNECTOR_STATUSES,
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
import { DAY_MS, parseIsoInstant } from '../shared/time-format';
import { WebhookStyle } from '../shared/webhooks';

export type PostmartErrorCode =
  'IncompleteSignature' | 'InvalidTimestamp' | 'ApiCallLimit' | 'InvalidParameter' | 'NotFound';

/** Postmart's status words are the connector's own. */
const STATUSES: readonly ConnectorStatus[] = CONNECTOR_STATUSES;
const TIMESTAMP_WINDOW_MS = 5 * 60 * 1000;
const DEFAULT_RATE_LIMIT = 50;
const MAX_LIMIT = 100;
const MAX_LOOKBACK_MS = 15 * DAY_MS;
const MINUTE = 60_000;

/** Up to 8 retries over 4 hours (1+3+6+10+20+40+60+100 = 240 minutes). */
export const POSTMART_RETRY_DELAYS_MS = [1, 3, 6, 10, 20, 40, 60, 100].map((m) => m * MINUTE);

function postmartRules(): StyleRules {
  let shops = 0;
  return {
    name: 'postmart',
    newShopId: () => `PM${String(++shops).padStart(6, '0')}`,
    newCredentials: () => ({
      app_key: `pm_${randomBytes(8).toString('hex')}`,
      app_secret: randomBytes(24).toString('hex'),
    }),
    credentialKey: (credentials) => credentials.app_key,
    newOrderId: () => randomUUID(),
    codeFor: (status) => status,
    statusOf: (code: StatusCode) =>
      STATUSES.includes(code as ConnectorStatus) ? (code as ConnectorStatus) : 'pending',
    codes: STATUSES,
  };
}

const postmartWebhooks: WebhookStyle = {
  retryDelaysMs: POSTMART_RETRY_DELAYS_MS,
  headers: (delivery, secret) => ({
    'X-Postmart-Transaction': delivery.transaction,
    'X-Postmart-Hmac-Sha256': createHmac('sha256', secret).update(delivery.body).digest('base64'),
  }),
  accepted: (delivery, httpStatus, responseBody) => {
    if (httpStatus !== 200) return false;
    try {
      const answer = JSON.parse(responseBody) as { code?: unknown; transaction?: unknown };
      return answer.code === 'success' && answer.transaction === delivery.transaction;
    } catch {
      return false;
    }
  },
};

function ok(reply: FastifyReply, data: unknown) {
  return reply.code(200).send({ code: '0', message: 'success', request_id: randomUUID(), data });
}

/** Postmart's errors travel inside an HTTP 200. */
function fail(reply: FastifyReply, code: PostmartErrorCode, message: string) {
  return reply.code(200).send({ code, message, request_id: randomUUID(), data: null });
}

/** The string Postmart signs: path, then every query parameter but `sign` sorted by name as name+value, then the raw body. */
export function postmartSigningString(path: string, query: URLSearchParams, rawBody: string): string {
  const pairs = [...query.entries()].filter(([name]) => name !== 'sign');
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return path + pairs.map(([name, value]) => name + value).join('') + rawBody;
}

const productSchema = z
  .object({
    shop_id: z.string().min(1),
    name: z.string().trim().min(1),
    category: z.string().min(1),
    description: z.string().default(''),
    images: z.array(z.string()).default([]),
    skus: z
      .array(
        z
          .object({
            seller_sku: z.string().trim().min(1),
            price: z.number().int().min(0),
            quantity: z.number().int().min(0),
            weight_grams: z.number().min(0),
          })
          .passthrough(),
      )
      .min(1),
  })
  .passthrough();

export function postmartOrderView(order: Order) {
  return {
    order_id: order.orderId,
    shop_id: order.shopId,
    status: order.status,
    placed_at: new Date(order.placedAt).toISOString(),
    updated_at: new Date(order.updatedAt).toISOString(),
    total: order.total,
    cancel_reason_code: order.cancelReason ?? null,
    lines: order.lines.map((line) => ({
      product_id: line.productId,
      seller_sku: line.sku,
      sku_id: line.variantId,
      quantity: line.quantity,
      unit_price: line.price,
    })),
  };
}

function encodeCursor(order: Order): string {
  return Buffer.from(JSON.stringify({ u: order.updatedAt, s: order.seq })).toString('base64url');
}

function decodeCursor(cursor: string): { updatedAt: number; seq: number } | null {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as {
      u?: unknown;
      s?: unknown;
    };
    return typeof value.u === 'number' && typeof value.s === 'number'
      ? { updatedAt: value.u, seq: value.s }
      : null;
  } catch {
    return null;
  }
}

/** The Postmart-style marketplace: signed requests, errors in 200s, idempotent stock writes, time cursors. */
export function createPostmartServer(logger: Logger): Marketplace {
  const market = createMarketplace({
    rules: postmartRules(),
    webhooks: postmartWebhooks,
    styleError: (_request, reply, status, message) =>
      status >= 500
        ? reply.code(status).send({ code: 'InternalError', message, request_id: randomUUID(), data: null })
        : fail(reply, status === 404 ? 'NotFound' : 'InvalidParameter', message),
    logger,
  });
  const { app, store, clock, limiter, dispatcher } = market;

  store.onOrderEvent((shop, order, kind, notify) => {
    if (!notify) return;
    const body = JSON.stringify({
      event: kind === 'created' ? 'order.created' : 'order.updated',
      shop_id: shop.shopId,
      occurred_at: new Date(order.updatedAt).toISOString(),
      order: postmartOrderView(order),
    });
    dispatcher.publish(shop, `${kind} ${order.orderId} ${String(order.status)}`, body);
  });

  /** Checks app_key, timestamp and sign, then the shop's faults; undefined when already answered. */
  const guard = async (request: FastifyRequest, reply: FastifyReply): Promise<ShopState | undefined> => {
    const [path, search = ''] = request.url.split('?', 2) as [string, string | undefined];
    const query = new URLSearchParams(search);
    const appKey = query.get('app_key');
    const timestamp = query.get('timestamp');
    const sign = query.get('sign');
    if (!appKey || !timestamp || !sign) {
      void fail(reply, 'IncompleteSignature', 'app_key, timestamp and sign are required');
      return undefined;
    }
    const shop = store.shopByCredential(appKey);
    if (!shop) {
      void fail(reply, 'IncompleteSignature', 'unknown app_key');
      return undefined;
    }
    const sentAt = /^\d+$/.test(timestamp) ? Number(timestamp) : NaN;
    if (!Number.isFinite(sentAt) || Math.abs(clock.now() - sentAt) > TIMESTAMP_WINDOW_MS) {
      void fail(
        reply,
        'InvalidTimestamp',
        'timestamp must be unix milliseconds within 5 minutes of the server time',
      );
      return undefined;
    }
    const expected = createHmac('sha256', shop.credentials.app_secret)
      .update(postmartSigningString(path, query, request.rawBody ?? ''))
      .digest('hex')
      .toUpperCase();
    if (sign.length !== expected.length || !timingSafeEqual(Buffer.from(sign), Buffer.from(expected))) {
      void fail(reply, 'IncompleteSignature', 'sign does not match');
      return undefined;
    }
    const outcome = await applyRequestFaults(shop, limiter, clock, DEFAULT_RATE_LIMIT);
    if (outcome.kind === 'rate_limited') {
      void fail(reply, 'ApiCallLimit', `too many calls, retry in ${outcome.retryAfterSeconds} s`);
      return undefined;
    }
    if (outcome.kind === 'error') {
      void reply
        .code(outcome.httpStatus)
        .send({ code: 'InternalError', message: 'internal error', request_id: randomUUID(), data: null });
      return undefined;
    }
    return shop;
  };

  const saveProduct = (shop: ShopState, body: unknown, reply: FastifyReply, existing?: Listing) => {
    const parsed = productSchema.safeParse(body);
    if (!parsed.success) return fail(reply, 'InvalidParameter', firstIssue(parsed.error));
    const input = parsed.data;
    if (input.shop_id !== shop.shopId)
      return fail(reply, 'InvalidParameter', 'shop_id does not match the app_key');
    const conflict = store.skuConflict(
      shop,
      input.skus.map((sku) => sku.seller_sku),
      existing?.productId,
    );
    if (conflict) return fail(reply, 'InvalidParameter', conflict);
    const now = clock.now();
    const listing: Listing = existing ?? blankListing(randomUUID(), shop.shopId, now);
    const previous = listing.variants;
    const variants: Variant[] = input.skus.map((sku) => ({
      sku: sku.seller_sku,
      variantId: previous.find((old) => old.sku === sku.seller_sku)?.variantId ?? randomUUID(),
      price: sku.price,
      quantity: sku.quantity,
      weightGrams: sku.weight_grams,
    }));
    Object.assign(listing, {
      name: input.name,
      description: input.description,
      categoryId: input.category,
      images: input.images,
      variants,
      updatedAt: now,
    });
    store.indexListing(shop, listing, previous);
    return ok(reply, {
      product_id: listing.productId,
      skus: variants.map((variant) => ({ seller_sku: variant.sku, sku_id: variant.variantId })),
    });
  };

  app.post('/api/v1/products', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    return saveProduct(shop, request.body, reply);
  });

  app.put<{ Params: { productId: string } }>('/api/v1/products/:productId', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const listing = shop.listings.get(request.params.productId);
    if (!listing) return fail(reply, 'NotFound', `product ${request.params.productId} not found`);
    if (listing.status === 'delisted')
      return fail(reply, 'InvalidParameter', `product ${listing.productId} is delisted`);
    return saveProduct(shop, request.body, reply, listing);
  });

  app.delete<{ Params: { productId: string } }>('/api/v1/products/:productId', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const listing = shop.listings.get(request.params.productId);
    if (!listing) return fail(reply, 'NotFound', `product ${request.params.productId} not found`);
    listing.status = 'delisted';
    listing.updatedAt = clock.now();
    return ok(reply, { product_id: listing.productId, status: 'delisted' });
  });

  app.put<{ Params: { skuId: string } }>('/api/v1/skus/:skuId/stock', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || key.trim() === '') {
      return fail(reply, 'InvalidParameter', 'the Idempotency-Key header is required');
    }
    const first = shop.idempotency.get(key);
    if (first) return reply.code(first.httpStatus).send(first.body);
    const answer = (httpStatus: number, body: unknown) => {
      shop.idempotency.set(key, { httpStatus, body });
      return reply.code(httpStatus).send(body);
    };
    const error = (code: PostmartErrorCode, message: string) =>
      answer(200, { code, message, request_id: randomUUID(), data: null });
    const quantity = (request.body as { quantity?: unknown } | undefined)?.quantity;
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 0) {
      return error('InvalidParameter', 'quantity must be an integer >= 0');
    }
    const ref = shop.variantIds.get(request.params.skuId);
    if (!ref) return error('NotFound', `sku ${request.params.skuId} not found`);
    if (ref.listing.status !== 'active')
      return error('InvalidParameter', `product ${ref.listing.productId} is delisted`);
    ref.variant.quantity = quantity;
    const body = {
      code: '0',
      message: 'success',
      request_id: randomUUID(),
      data: { sku_id: ref.variant.variantId, seller_sku: ref.variant.sku, quantity },
    };
    shop.idempotency.set(key, { httpStatus: 200, body });
    if (shop.faults.requestRandom.chance(shop.faults.profile.writeThen504Rate)) {
      return reply
        .code(504)
        .header('content-type', 'text/html')
        .send('<html><body><h1>504 Gateway Time-out</h1></body></html>');
    }
    return reply.code(200).send(body);
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/api/v1/orders', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const { cursor, updated_after: updatedAfter } = request.query;
    const limit = request.query.limit === undefined ? 50 : Number(request.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      return fail(reply, 'InvalidParameter', `limit must be an integer between 1 and ${MAX_LIMIT}`);
    }
    const index = shop.ordersByUpdate;
    let position: number;
    if (cursor) {
      const after = decodeCursor(cursor);
      if (!after) return fail(reply, 'InvalidParameter', 'cursor is not valid');
      position = index.firstAfter(after, false);
    } else {
      const after = parseIsoInstant(updatedAfter);
      if (after === null) return fail(reply, 'InvalidParameter', 'updated_after must be an ISO-8601 instant');
      if (after < clock.now() - MAX_LOOKBACK_MS) {
        return fail(reply, 'InvalidParameter', 'updated_after may be at most 15 days back');
      }
      position = index.firstAfterTime(after);
    }
    const orders: Order[] = [];
    for (; position < index.length && orders.length < limit; position++)
      orders.push(index.at(position) as Order);
    const more = position < index.length;
    return ok(reply, {
      orders: orders.map(postmartOrderView),
      next_cursor: more ? encodeCursor(orders[orders.length - 1]) : null,
    });
  });

  app.post<{ Params: { orderId: string } }>('/api/v1/orders/:orderId/confirm', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const order = shop.orders.get(request.params.orderId);
    if (!order) return fail(reply, 'NotFound', `order ${request.params.orderId} not found`);
    if (order.status !== 'pending') {
      return fail(
        reply,
        'InvalidParameter',
        `order ${order.orderId} is ${String(order.status)}, only pending can be confirmed`,
      );
    }
    store.setStatus(shop, order, 'confirmed');
    return ok(reply, postmartOrderView(order));
  });

  app.post<{ Params: { orderId: string } }>('/api/v1/orders/:orderId/cancel', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const order = shop.orders.get(request.params.orderId);
    if (!order) return fail(reply, 'NotFound', `order ${request.params.orderId} not found`);
    const reason = (request.body as { reason_code?: unknown } | undefined)?.reason_code;
    if (typeof reason !== 'string' || reason.trim() === '')
      return fail(reply, 'InvalidParameter', 'reason_code is required');
    if (order.status !== 'pending' && order.status !== 'confirmed') {
      return fail(
        reply,
        'InvalidParameter',
        `order ${order.orderId} is ${String(order.status)} and cannot be cancelled`,
      );
    }
    store.setStatus(shop, order, 'cancelled', { reason });
    return ok(reply, postmartOrderView(order));
  });

  return market;
}
