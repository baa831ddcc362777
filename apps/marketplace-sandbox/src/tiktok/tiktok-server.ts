import { randomBytes, randomInt } from 'node:crypto';
import { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { createMarketplace, Marketplace } from '../shared/marketplace';
import { blankListing, Listing, Order, ShopState, Variant } from '../shared/model';
import { applyRequestFaults } from '../shared/request-faults';
import { StyleRules } from '../shared/store';
import { firstIssue } from '../shared/validation';
import { WebhookStyle } from '../shared/webhooks';
import {
  cancellationIdOf,
  orderIdOfPackage,
  returnIdOf,
  tiktokOrderId,
  tiktokOrderView,
} from './tiktok-orders';
import { defaultTiktokSettings, TiktokSettings, tiktokSettingsPatchSchema } from './tiktok-settings';
import { tiktokPushSignature, tiktokSignMatches } from './tiktok-signing';
import {
  apiOrderStatus,
  pushOrderStatus,
  RETURN_COMPLETE,
  TIKTOK_CODE_FOR,
  TIKTOK_CODES,
  TIKTOK_ORDER_STATUSES,
  tiktokStatusOf,
} from './tiktok-statuses';

/**
 * The envelope's `code`s. The spec names the throttle, sign, token, timestamp, shop-cipher and
 * audit codes; the others are the sandbox's own (a real shop may answer other numbers).
 */
export const TIKTOK_ERRORS = {
  invalidParams: 40006,
  notFound: 40004,
  wrongState: 40009,
  rateLimited: 36009002,
  unavailable: 36009003,
  badTimestampOrAppKey: 36009004,
  badSign: 106001,
  missingShopCipher: 106013,
  invalidToken: 105001,
  expiredToken: 105002,
  productInAudit: 12052901,
  invalidAuthCode: 36004004,
  invalidRefreshToken: 36004005,
} as const;
type ErrorCode = (typeof TIKTOK_ERRORS)[keyof typeof TIKTOK_ERRORS];

export const TIKTOK_CANCEL_REASONS = [
  'seller_cancel_reason_out_of_stock',
  'seller_cancel_reason_wrong_price',
] as const;

const IMAGE_USE_CASES = new Set([
  'MAIN_IMAGE',
  'ATTRIBUTE_IMAGE',
  'DESCRIPTION_IMAGE',
  'CERTIFICATION_IMAGE',
  'SIZE_CHART_IMAGE',
]);

type ProductStatus = 'PENDING' | 'ACTIVATE' | 'SELLER_DEACTIVATED' | 'DELETED';

/** What TikTok holds on a product beyond the shared listing. */
interface ProductState {
  status: ProductStatus;
  auditUntil: number;
  packageWeight: { value: string; unit: string };
  packageDimensions?: { length: string; width: string; height: string; unit: string };
  salesAttributes: Map<string, { name: string; value_name: string }[]>;
}

/** The app-side identity of one shop: cipher, open_id, its one warehouse and its uploaded images. */
interface TiktokShop {
  cipher: string;
  openId: string;
  warehouseId: string;
  images: Set<string>;
  webhookCreatedAt: number | null;
}

interface Grant {
  shopId: string;
  expiresAt: number;
}

const unixSeconds = (ms: number) => Math.floor(ms / 1000);
const token = (prefix: string) => prefix + randomBytes(24).toString('base64url');
const requestId = () => randomBytes(16).toString('hex').toUpperCase();

function send(reply: FastifyReply, httpStatus: number, code: number, message: string, data: unknown) {
  return reply.code(httpStatus).send({ code, message, request_id: requestId(), data });
}

const ok = (reply: FastifyReply, data: unknown) => send(reply, 200, 0, 'Success', data);

/** Business errors travel in an HTTP 200 (assumed); the auth family in a 401. */
const fail = (reply: FastifyReply, code: ErrorCode, message: string, httpStatus = 200) =>
  send(reply, httpStatus, code, message, null);

const decimalString = z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal number as a string');
const wholeString = z.string().regex(/^\d+$/, 'must be a whole number as a string');
const money = z.object({ amount: z.string(), currency: z.literal('VND') }).passthrough();
const inventorySchema = z
  .array(z.object({ warehouse_id: z.string().min(1), quantity: z.number().int() }).passthrough())
  .min(1);
const salesAttribute = z.object({ name: z.string().min(1), value_name: z.string().min(1) }).passthrough();

const productSchema = z
  .object({
    title: z.string(),
    description: z.string().min(1),
    category_id: z.string().min(1),
    main_images: z.array(z.object({ uri: z.string().min(1) }).passthrough()).min(1),
    package_weight: z.object({ value: decimalString, unit: z.literal('KILOGRAM') }).passthrough(),
    package_dimensions: z
      .object({
        length: wholeString,
        width: wholeString,
        height: wholeString,
        unit: z.literal('CENTIMETER'),
      })
      .passthrough()
      .optional(),
    skus: z
      .array(
        z
          .object({
            seller_sku: z.string().trim().min(1),
            price: money,
            inventory: inventorySchema,
            sales_attributes: z.array(salesAttribute).optional(),
          })
          .passthrough(),
      )
      .min(1),
    idempotency_key: z.string().min(1).max(100).optional(),
  })
  .passthrough();

const stockSchema = z
  .object({
    skus: z.array(z.object({ id: z.string().min(1), inventory: z.unknown() }).passthrough()).min(1),
  })
  .passthrough();
const priceSchema = z
  .object({
    skus: z.array(z.object({ id: z.string().min(1), price: money }).passthrough()).min(1),
  })
  .passthrough();
const productIdsSchema = z.object({ product_ids: z.array(z.string().min(1)).min(1) }).passthrough();

const searchBodySchema = z
  .object({
    update_time_ge: z.number().int().min(0).optional(),
    update_time_lt: z.number().int().min(0).optional(),
    order_status: z.enum(TIKTOK_ORDER_STATUSES).optional(),
  })
  .passthrough();
type SearchFilter = z.infer<typeof searchBodySchema>;

const cancelSchema = z
  .object({ order_id: z.string().min(1), cancel_reason: z.enum(TIKTOK_CANCEL_REASONS) })
  .passthrough();
const webhookSchema = z
  .object({ address: z.url({ protocol: /^https?$/ }), event_type: z.literal('ORDER_STATUS_CHANGE') })
  .passthrough();

interface PageToken {
  after: { updatedAt: number; seq: number };
  filter: SearchFilter;
}

function encodePageToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodePageToken(text: string): PageToken | null {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<PageToken>;
    const after = value.after;
    const filter = searchBodySchema.safeParse(value.filter);
    if (!after || typeof after.updatedAt !== 'number' || typeof after.seq !== 'number') return null;
    return filter.success ? { after, filter: filter.data } : null;
  } catch {
    return null;
  }
}

const sameFilter = (a: SearchFilter, b: SearchFilter) =>
  a.update_time_ge === b.update_time_ge &&
  a.update_time_lt === b.update_time_lt &&
  a.order_status === b.order_status;

/** JPEG, PNG or WebP by their first bytes: an upload must at least be an image. */
function looksLikeImage(bytes: Uint8Array): boolean {
  const starts = (...signature: number[]) => signature.every((byte, index) => bytes[index] === byte);
  const webp = starts(0x52, 0x49, 0x46, 0x46) && String.fromCharCode(...bytes.slice(8, 12)) === 'WEBP';
  return starts(0xff, 0xd8, 0xff) || starts(0x89, 0x50, 0x4e, 0x47) || webp;
}

/** Grams from a KILOGRAM decimal string, to the milligram (the control API reports grams). */
const gramsOf = (kilograms: string) => Math.round(Number(kilograms) * 1_000_000) / 1000;

/**
 * The TikTok Shop-style marketplace (MARKETPLACES-GLOBAL.md): app-signed calls with a shop cipher
 * and an access token from a one-time authorization code, products audited before they sell,
 * per-product stock and price batches, one line item per unit, and pushes acknowledged only by an
 * empty answer.
 */
export function createTiktokServer(logger: Logger, initial: Partial<TiktokSettings> = {}): Marketplace {
  const settings: TiktokSettings = { ...defaultTiktokSettings(), ...initial };
  const authCodes = new Map<string, Grant>();
  const accessTokens = new Map<string, Grant>();
  const refreshTokens = new Map<string, Grant>();
  const products = new Map<string, ProductState>();
  const inAudit = new Map<string, { shop: ShopState; listing: Listing }>();
  const tiktokShops = new Map<string, TiktokShop>();
  // numbered on from a random point, as a restarted sandbox must not reuse ids a connector holds
  let ids = randomInt(0, 2 ** 47);
  let shops = randomInt(0, 2 ** 40);
  let notifications = randomInt(0, 2 ** 47);
  const nextId = (prefix: string) => prefix + String(++ids).padStart(17, '0');

  const issueCode = (shopId: string): string => {
    const code = token('ROW_');
    authCodes.set(code, { shopId, expiresAt: market.clock.now() + settings.authCodeTtlSeconds * 1000 });
    return code;
  };

  const rules: StyleRules = {
    name: 'tiktok',
    newShopId: () => '749' + String(++shops).padStart(16, '0'),
    newCredentials: (shopId) => ({
      app_key: randomBytes(7).toString('hex').slice(0, 13),
      app_secret: randomBytes(20).toString('hex'),
      auth_code: issueCode(shopId),
    }),
    secretCredential: 'app_secret',
    issueAuthCode: (shop) => issueCode(shop.shopId),
    credentialKey: (credentials) => credentials.app_key,
    newOrderId: () => tiktokOrderId(++ids),
    codeFor: (status) => TIKTOK_CODE_FOR[status],
    statusOf: tiktokStatusOf,
    codes: TIKTOK_CODES,
  };

  const webhooks: WebhookStyle = {
    get retryDelaysMs() {
      return settings.webhookRetryDelaysSeconds.map((seconds) => seconds * 1000);
    },
    get answerTimeoutMs() {
      return settings.webhookAckTimeoutMs;
    },
    headers: (delivery, secret) => ({
      Authorization: tiktokPushSignature(
        market.store.shops.get(delivery.shopId)?.credentials.app_key ?? '',
        secret,
        delivery.body,
      ),
    }),
    // 200 (or 401) with an empty body, in time; anything else is retried
    accepted: (_delivery, httpStatus, responseBody) =>
      (httpStatus === 200 || httpStatus === 401) && responseBody.length === 0,
  };

  const market: Marketplace = createMarketplace({
    rules,
    webhooks,
    styleError: (_request, reply, status, message) =>
      status >= 500
        ? send(reply, status, TIKTOK_ERRORS.unavailable, message, null)
        : status === 404
          ? send(reply, 404, TIKTOK_ERRORS.notFound, message, null)
          : fail(reply, TIKTOK_ERRORS.invalidParams, message),
    logger,
    beforeControl: () => settleAudits(),
    onReset: () => {
      authCodes.clear();
      accessTokens.clear();
      refreshTokens.clear();
      products.clear();
      inAudit.clear();
      tiktokShops.clear();
      Object.assign(settings, defaultTiktokSettings(), initial);
    },
  });
  const { app, store, clock, limiter, dispatcher } = market;

  // an image upload is multipart; its bytes are not signed, so rawBody stays empty
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (request, body, done) => {
    request.rawBody = '';
    done(null, body);
  });

  const tiktokShop = (shop: ShopState): TiktokShop => {
    let found = tiktokShops.get(shop.shopId);
    if (!found) {
      found = {
        cipher: token('ROW_'),
        openId: randomBytes(20).toString('base64url'),
        warehouseId: nextId('72'),
        images: new Set(),
        webhookCreatedAt: null,
      };
      tiktokShops.set(shop.shopId, found);
    }
    return found;
  };

  /** Promotes products whose audit is over; called before every call, so the clock decides. */
  const settleAudits = () => {
    const now = clock.now();
    for (const [productId, { listing }] of inAudit) {
      const product = products.get(productId);
      if (!product || product.status !== 'PENDING') {
        inAudit.delete(productId);
        continue;
      }
      if (product.auditUntil > now) continue;
      product.status = 'ACTIVATE';
      listing.available = true;
      inAudit.delete(productId);
    }
  };

  /** A new or re-activated product: PENDING for the audit delay, or straight to ACTIVATE. */
  const sendToAudit = (shop: ShopState, listing: Listing, product: ProductState) => {
    const delay = settings.auditDelaySeconds * 1000;
    listing.status = 'active';
    if (delay === 0) {
      product.status = 'ACTIVATE';
      listing.available = true;
      return;
    }
    product.status = 'PENDING';
    product.auditUntil = clock.now() + delay;
    listing.available = false;
    inAudit.set(listing.productId, { shop, listing });
  };

  store.onOrderEvent((shop, order, _kind, notify) => {
    if (!notify) return;
    const now = clock.now();
    const notificationId = '73' + String(++notifications).padStart(17, '0');
    const returned = order.status === RETURN_COMPLETE;
    const body = JSON.stringify({
      type: returned ? 12 : 1,
      tts_notification_id: notificationId,
      shop_id: shop.shopId,
      timestamp: unixSeconds(now),
      data: returned
        ? {
            order_id: order.orderId,
            return_id: returnIdOf(order.orderId),
            return_status: RETURN_COMPLETE,
            update_time: unixSeconds(order.updatedAt),
          }
        : {
            order_id: order.orderId,
            order_status: pushOrderStatus(order.status),
            is_on_hold_order: false,
            update_time: unixSeconds(order.updatedAt),
          },
    });
    dispatcher.publish(shop, `${order.orderId} ${String(order.status)} ${notificationId}`, body);
  });

  const splitUrl = (request: FastifyRequest) => {
    const [path, search = ''] = request.url.split('?', 2) as [string, string | undefined];
    return { path, query: new URLSearchParams(search) };
  };

  /** Maintenance, the per-API rate limit and random errors; false when already answered. */
  const faults = async (shop: ShopState, request: FastifyRequest, reply: FastifyReply) => {
    if (shop.faults.profile.maintenance) {
      void send(reply, 503, TIKTOK_ERRORS.unavailable, 'Service is under maintenance', null);
      return false;
    }
    const api = `${shop.shopId} ${request.method} ${request.routeOptions.url ?? request.url}`;
    const outcome = await applyRequestFaults(shop, limiter, clock, settings.rateLimitPerSecond, api);
    if (outcome.kind === 'rate_limited') {
      void fail(reply, TIKTOK_ERRORS.rateLimited, 'Too many requests', 429);
      return false;
    }
    if (outcome.kind === 'error') {
      void send(reply, outcome.httpStatus, TIKTOK_ERRORS.unavailable, 'Internal error', null);
      return false;
    }
    return true;
  };

  /**
   * Checks a signed call in the order TikTok documents its failures: app key and timestamp, sign,
   * access token, then (shop calls) the shop cipher; then the shop's faults. Undefined when the
   * call has been answered.
   */
  const guard = async (
    request: FastifyRequest,
    reply: FastifyReply,
    scope: 'shop' | 'seller' = 'shop',
  ): Promise<ShopState | undefined> => {
    settleAudits();
    const { path, query } = splitUrl(request);
    const shop = store.shopByCredential(query.get('app_key'));
    if (!shop) {
      void fail(reply, TIKTOK_ERRORS.badTimestampOrAppKey, 'Invalid app_key', 401);
      return undefined;
    }
    const timestamp = query.get('timestamp') ?? '';
    const sentAt = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) * 1000 : NaN;
    const now = clock.now();
    if (
      !(sentAt >= now - settings.timestampPastSeconds * 1000) ||
      !(sentAt <= now + settings.timestampFutureSeconds * 1000)
    ) {
      void fail(reply, TIKTOK_ERRORS.badTimestampOrAppKey, 'Invalid timestamp', 401);
      return undefined;
    }
    const sign = query.get('sign') ?? '';
    const rawBody = request.rawBody ?? '';
    if (!tiktokSignMatches(sign, shop.credentials.app_secret, path, query, rawBody)) {
      void fail(reply, TIKTOK_ERRORS.badSign, "The 'sign' query parameter is invalid", 401);
      return undefined;
    }
    const header = request.headers['x-tts-access-token'];
    const grant = typeof header === 'string' ? accessTokens.get(header) : undefined;
    if (!grant || grant.shopId !== shop.shopId) {
      void fail(reply, TIKTOK_ERRORS.invalidToken, 'Invalid access token', 401);
      return undefined;
    }
    if (grant.expiresAt <= now) {
      void fail(reply, TIKTOK_ERRORS.expiredToken, 'Access token is expired', 401);
      return undefined;
    }
    if (scope === 'shop') {
      const cipher = query.get('shop_cipher');
      if (!cipher) {
        void fail(reply, TIKTOK_ERRORS.missingShopCipher, 'shop_cipher is required');
        return undefined;
      }
      if (cipher !== tiktokShop(shop).cipher) {
        void fail(reply, TIKTOK_ERRORS.missingShopCipher, 'shop_cipher does not belong to this app');
        return undefined;
      }
    }
    return (await faults(shop, request, reply)) ? shop : undefined;
  };

  const tokenAnswer = (shop: ShopState, access: string, refresh: string) => {
    const accessGrant = accessTokens.get(access) as Grant;
    const refreshGrant = refreshTokens.get(refresh) as Grant;
    return {
      access_token: access,
      access_token_expire_in: unixSeconds(accessGrant.expiresAt),
      refresh_token: refresh,
      refresh_token_expire_in: unixSeconds(refreshGrant.expiresAt),
      open_id: tiktokShop(shop).openId,
      seller_name: `Sandbox shop ${shop.shopId}`,
      seller_base_region: 'VN',
      user_type: 0,
      granted_scopes: ['seller.product.basic', 'seller.order.info', 'seller.fulfillment.basic'],
    };
  };

  const grantAccess = (shop: ShopState): string => {
    const access = token('TTP_');
    const ttl = shop.faults.profile.tokenTtlSeconds ?? settings.accessTokenTtlSeconds;
    accessTokens.set(access, { shopId: shop.shopId, expiresAt: clock.now() + ttl * 1000 });
    return access;
  };

  /** The unsigned token calls: the app proves itself with its key and secret in the query. */
  const tokenCall = async (request: FastifyRequest, reply: FastifyReply, grantType: string) => {
    const { query } = splitUrl(request);
    const shop = store.shopByCredential(query.get('app_key'));
    if (!shop || query.get('app_secret') !== shop.credentials.app_secret) {
      void fail(reply, TIKTOK_ERRORS.badTimestampOrAppKey, 'Invalid app_key or app_secret', 401);
      return undefined;
    }
    if (query.get('grant_type') !== grantType) {
      void fail(reply, TIKTOK_ERRORS.invalidParams, `grant_type must be ${grantType}`);
      return undefined;
    }
    return (await faults(shop, request, reply)) ? { shop, query } : undefined;
  };

  app.get('/api/v2/token/get', async (request, reply) => {
    const call = await tokenCall(request, reply, 'authorized_code');
    if (!call) return reply;
    const { shop, query } = call;
    const code = query.get('auth_code') ?? '';
    const grant = authCodes.get(code);
    if (!grant || grant.shopId !== shop.shopId || grant.expiresAt <= clock.now()) {
      return fail(reply, TIKTOK_ERRORS.invalidAuthCode, 'auth_code is invalid, used or expired');
    }
    authCodes.delete(code);
    const refresh = token('TTP_');
    refreshTokens.set(refresh, {
      shopId: shop.shopId,
      expiresAt: clock.now() + settings.refreshTokenTtlSeconds * 1000,
    });
    return ok(reply, tokenAnswer(shop, grantAccess(shop), refresh));
  });

  // a refresh gives a new access token and keeps the refresh token and the earlier access token
  // until their own expiry (assumed: the spec only says "same answer")
  app.get('/api/v2/token/refresh', async (request, reply) => {
    const call = await tokenCall(request, reply, 'refresh_token');
    if (!call) return reply;
    const { shop, query } = call;
    const refresh = query.get('refresh_token') ?? '';
    const grant = refreshTokens.get(refresh);
    if (!grant || grant.shopId !== shop.shopId || grant.expiresAt <= clock.now()) {
      return fail(reply, TIKTOK_ERRORS.invalidRefreshToken, 'refresh_token is invalid or expired');
    }
    return ok(reply, tokenAnswer(shop, grantAccess(shop), refresh));
  });

  app.get('/authorization/202309/shops', async (request, reply) => {
    const shop = await guard(request, reply, 'seller');
    if (!shop) return reply;
    const own = tiktokShop(shop);
    return ok(reply, {
      shops: [
        {
          id: shop.shopId,
          name: `Sandbox shop ${shop.shopId}`,
          region: 'VN',
          seller_type: 'LOCAL',
          cipher: own.cipher,
          code: `VNLC${shop.shopId.slice(-8)}`,
        },
      ],
    });
  });

  app.get('/logistics/202309/warehouses', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    return ok(reply, {
      warehouses: [
        {
          id: tiktokShop(shop).warehouseId,
          name: 'Kho mặc định',
          effect_status: 'ENABLED',
          type: 'SALES_WAREHOUSE',
          is_default: true,
        },
      ],
    });
  });

  app.put('/event/202309/webhooks', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const parsed = webhookSchema.safeParse(request.body);
    if (!parsed.success) return fail(reply, TIKTOK_ERRORS.invalidParams, firstIssue(parsed.error));
    shop.webhookUrl = parsed.data.address;
    tiktokShop(shop).webhookCreatedAt = clock.now();
    return ok(reply, {});
  });

  app.get('/event/202309/webhooks', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const createdAt = tiktokShop(shop).webhookCreatedAt ?? clock.now();
    return ok(reply, {
      webhooks: shop.webhookUrl
        ? [
            {
              event_type: 'ORDER_STATUS_CHANGE',
              address: shop.webhookUrl,
              create_time: unixSeconds(createdAt),
            },
          ]
        : [],
    });
  });

  app.post('/product/202309/images/upload', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const contentType = request.headers['content-type'] ?? '';
    if (!Buffer.isBuffer(request.body) || !contentType.startsWith('multipart/form-data')) {
      return fail(reply, TIKTOK_ERRORS.invalidParams, 'the image goes as multipart/form-data field data');
    }
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(request.body), {
        headers: { 'content-type': contentType },
      }).formData();
    } catch {
      return fail(reply, TIKTOK_ERRORS.invalidParams, 'malformed multipart body');
    }
    const file = form.get('data');
    const useCase = form.get('use_case') ?? 'MAIN_IMAGE';
    if (typeof useCase !== 'string' || !IMAGE_USE_CASES.has(useCase)) {
      return fail(reply, TIKTOK_ERRORS.invalidParams, `use_case: one of ${[...IMAGE_USE_CASES].join(', ')}`);
    }
    if (!(file instanceof Blob) || file.size === 0) {
      return fail(reply, TIKTOK_ERRORS.invalidParams, 'data: an image file is required');
    }
    if (!looksLikeImage(new Uint8Array(await file.slice(0, 12).arrayBuffer()))) {
      return fail(reply, TIKTOK_ERRORS.invalidParams, 'data: only JPEG, PNG and WebP images are accepted');
    }
    const uri = `tos-maliva-i-o3syd03w52-vn/${randomBytes(16).toString('hex')}`;
    tiktokShop(shop).images.add(uri);
    return ok(reply, { uri, url: `https://images.sandbox.invalid/${uri}`, use_case: useCase });
  });

  /** Settings-bound checks zod cannot hold (they move with PUT /_sandbox/settings). */
  const priceProblem = (amount: string): string | null => {
    const value = /^\d+$/.test(amount) ? Number(amount) : NaN;
    return value >= settings.minPriceVnd && value <= settings.maxPriceVnd
      ? null
      : `price.amount must be whole VND from ${settings.minPriceVnd} to ${settings.maxPriceVnd}`;
  };
  const quantityProblem = (quantity: number): string | null =>
    quantity >= settings.minQuantity && quantity <= settings.maxQuantity
      ? null
      : `quantity must be from ${settings.minQuantity} to ${settings.maxQuantity}`;
  const inventoryProblem = (shop: ShopState, inventory: unknown): string | null => {
    const parsed = inventorySchema.safeParse(inventory);
    if (!parsed.success) return `inventory: ${firstIssue(parsed.error)}`;
    if (parsed.data.length !== 1) return 'inventory: the shop has one warehouse';
    const [entry] = parsed.data;
    if (entry.warehouse_id !== tiktokShop(shop).warehouseId)
      return `warehouse ${entry.warehouse_id} is not this shop's`;
    return quantityProblem(entry.quantity);
  };

  app.post('/product/202309/products', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const parsed = productSchema.safeParse(request.body);
    if (!parsed.success) return fail(reply, TIKTOK_ERRORS.invalidParams, firstIssue(parsed.error));
    const input = parsed.data;
    const idempotencyKey = input.idempotency_key && `product:${input.idempotency_key}`;
    const first = idempotencyKey ? shop.idempotency.get(idempotencyKey) : undefined;
    if (first) return reply.code(first.httpStatus).send(first.body);
    const invalid = (message: string) => fail(reply, TIKTOK_ERRORS.invalidParams, message);
    const titleLength = [...input.title].length;
    if (titleLength < settings.titleMinLength || titleLength > settings.titleMaxLength) {
      return invalid(`title must be ${settings.titleMinLength}-${settings.titleMaxLength} characters`);
    }
    if (input.main_images.length > settings.maxMainImages)
      return invalid(`main_images: at most ${settings.maxMainImages}`);
    const own = tiktokShop(shop);
    const unknownImage = input.main_images.find((image) => !own.images.has(image.uri));
    if (unknownImage) return invalid(`main_images: ${unknownImage.uri} was not uploaded by this shop`);
    if (!(Number(input.package_weight.value) > 0)) return invalid('package_weight.value must be above 0');
    if (input.skus.length > settings.maxSkusPerProduct)
      return invalid(`skus: at most ${settings.maxSkusPerProduct}`);
    const combinations = new Set<string>();
    for (const [index, sku] of input.skus.entries()) {
      const problem = priceProblem(sku.price.amount) ?? inventoryProblem(shop, sku.inventory);
      if (problem) return invalid(`skus.${index}: ${problem}`);
      if (input.skus.length > 1) {
        const attributes = sku.sales_attributes ?? [];
        if (attributes.length === 0)
          return invalid(`skus.${index}: sales_attributes are required when a product has several SKUs`);
        const combination = JSON.stringify(attributes.map((a) => [a.name, a.value_name]));
        if (combinations.has(combination))
          return invalid(`skus.${index}: sales_attributes repeat another SKU's`);
        combinations.add(combination);
      }
    }
    const conflict = store.skuConflict(
      shop,
      input.skus.map((sku) => sku.seller_sku),
    );
    if (conflict) return invalid(conflict);
    const now = clock.now();
    const listing = blankListing(nextId('17'), shop.shopId, now);
    const weightGrams = gramsOf(input.package_weight.value);
    const variants: Variant[] = input.skus.map((sku) => ({
      sku: sku.seller_sku,
      variantId: nextId('17'),
      price: Number(sku.price.amount),
      quantity: (sku.inventory[0] as { quantity: number }).quantity,
      weightGrams,
    }));
    Object.assign(listing, {
      name: input.title,
      description: input.description,
      categoryId: input.category_id,
      images: input.main_images.map((image) => image.uri),
      variants,
    });
    const product: ProductState = {
      status: 'PENDING',
      auditUntil: now,
      packageWeight: { value: input.package_weight.value, unit: input.package_weight.unit },
      packageDimensions: input.package_dimensions && {
        length: input.package_dimensions.length,
        width: input.package_dimensions.width,
        height: input.package_dimensions.height,
        unit: input.package_dimensions.unit,
      },
      salesAttributes: new Map(
        input.skus.map((sku, index) => [
          variants[index].variantId,
          (sku.sales_attributes ?? []).map((a) => ({ name: a.name, value_name: a.value_name })),
        ]),
      ),
    };
    products.set(listing.productId, product);
    sendToAudit(shop, listing, product);
    store.indexListing(shop, listing);
    const body = {
      code: 0,
      message: 'Success',
      request_id: requestId(),
      data: {
        product_id: listing.productId,
        skus: variants.map((variant) => ({
          id: variant.variantId,
          seller_sku: variant.sku,
          sales_attributes: product.salesAttributes.get(variant.variantId),
        })),
      },
    };
    if (idempotencyKey) shop.idempotency.set(idempotencyKey, { httpStatus: 200, body });
    return reply.code(200).send(body);
  });

  const productView = (shop: ShopState, listing: Listing, product: ProductState) => ({
    id: listing.productId,
    status: product.status,
    title: listing.name,
    description: listing.description,
    category_id: listing.categoryId,
    main_images: listing.images.map((uri) => ({ uri })),
    package_weight: product.packageWeight,
    ...(product.packageDimensions ? { package_dimensions: product.packageDimensions } : {}),
    skus: listing.variants.map((variant) => ({
      id: variant.variantId,
      seller_sku: variant.sku,
      price: { amount: String(variant.price), currency: 'VND' },
      inventory: [{ warehouse_id: tiktokShop(shop).warehouseId, quantity: variant.quantity }],
      sales_attributes: product.salesAttributes.get(variant.variantId) ?? [],
    })),
    create_time: unixSeconds(listing.createdAt),
    update_time: unixSeconds(listing.updatedAt),
  });

  const productOf = (shop: ShopState, productId: string) => {
    const listing = shop.listings.get(productId);
    const product = listing && products.get(productId);
    return listing && product ? { listing, product } : undefined;
  };

  app.get<{ Params: { productId: string } }>(
    '/product/202309/products/:productId',
    async (request, reply) => {
      const shop = await guard(request, reply);
      if (!shop) return reply;
      const found = productOf(shop, request.params.productId);
      if (!found) return fail(reply, TIKTOK_ERRORS.notFound, `product ${request.params.productId} not found`);
      return ok(reply, productView(shop, found.listing, found.product));
    },
  );

  /** A product that takes stock and price: ACTIVATE only; in audit it answers 12052901. */
  const writableProduct = (shop: ShopState, productId: string, reply: FastifyReply) => {
    const found = productOf(shop, productId);
    if (!found) {
      void fail(reply, TIKTOK_ERRORS.notFound, `product ${productId} not found`);
      return undefined;
    }
    if (found.product.status === 'PENDING') {
      void fail(reply, TIKTOK_ERRORS.productInAudit, `product ${productId} is under audit`);
      return undefined;
    }
    if (found.product.status !== 'ACTIVATE') {
      void fail(reply, TIKTOK_ERRORS.wrongState, `product ${productId} is ${found.product.status}`);
      return undefined;
    }
    return found;
  };

  // bad SKUs come back in data.errors while the others apply
  app.post<{ Params: { productId: string } }>(
    '/product/202309/products/:productId/inventory/update',
    async (request, reply) => {
      const shop = await guard(request, reply);
      if (!shop) return reply;
      const parsed = stockSchema.safeParse(request.body);
      if (!parsed.success) return fail(reply, TIKTOK_ERRORS.invalidParams, firstIssue(parsed.error));
      if (parsed.data.skus.length > settings.maxSkusPerProduct) {
        return fail(reply, TIKTOK_ERRORS.invalidParams, `skus: at most ${settings.maxSkusPerProduct}`);
      }
      const found = writableProduct(shop, request.params.productId, reply);
      if (!found) return reply;
      const errors: { code: number; message: string; detail: { sku_id: string } }[] = [];
      for (const item of parsed.data.skus) {
        const variant = found.listing.variants.find((candidate) => candidate.variantId === item.id);
        const problem = variant
          ? inventoryProblem(shop, item.inventory)
          : `sku ${item.id} is not a SKU of product ${found.listing.productId}`;
        if (problem || !variant) {
          const code = variant ? TIKTOK_ERRORS.invalidParams : TIKTOK_ERRORS.notFound;
          errors.push({ code, message: problem ?? '', detail: { sku_id: item.id } });
          continue;
        }
        variant.quantity = (item.inventory as { quantity: number }[])[0].quantity;
      }
      found.listing.updatedAt = clock.now();
      return ok(reply, { errors });
    },
  );

  // all or nothing (assumed: the spec gives prices no per-SKU errors)
  app.post<{ Params: { productId: string } }>(
    '/product/202309/products/:productId/prices/update',
    async (request, reply) => {
      const shop = await guard(request, reply);
      if (!shop) return reply;
      const parsed = priceSchema.safeParse(request.body);
      if (!parsed.success) return fail(reply, TIKTOK_ERRORS.invalidParams, firstIssue(parsed.error));
      if (parsed.data.skus.length > settings.maxSkusPerProduct) {
        return fail(reply, TIKTOK_ERRORS.invalidParams, `skus: at most ${settings.maxSkusPerProduct}`);
      }
      const found = writableProduct(shop, request.params.productId, reply);
      if (!found) return reply;
      const changes: { variant: Variant; price: number }[] = [];
      for (const item of parsed.data.skus) {
        const variant = found.listing.variants.find((candidate) => candidate.variantId === item.id);
        if (!variant) {
          return fail(reply, TIKTOK_ERRORS.notFound, `sku ${item.id} is not a SKU of this product`);
        }
        const problem = priceProblem(item.price.amount);
        if (problem) return fail(reply, TIKTOK_ERRORS.invalidParams, `sku ${item.id}: ${problem}`);
        changes.push({ variant, price: Number(item.price.amount) });
      }
      for (const change of changes) change.variant.price = change.price;
      found.listing.updatedAt = clock.now();
      return ok(reply, {});
    },
  );

  /** Deactivate, activate and delete: up to 20 products, each succeeding or failing alone. */
  const productBatch = (
    route: string,
    method: 'POST' | 'DELETE',
    apply: (shop: ShopState, listing: Listing, product: ProductState) => string | null,
  ) =>
    app.route({
      method,
      url: route,
      handler: async (request, reply) => {
        const shop = await guard(request, reply);
        if (!shop) return reply;
        const parsed = productIdsSchema.safeParse(request.body);
        if (!parsed.success) return fail(reply, TIKTOK_ERRORS.invalidParams, firstIssue(parsed.error));
        if (parsed.data.product_ids.length > settings.maxProductIdsPerCall) {
          return fail(
            reply,
            TIKTOK_ERRORS.invalidParams,
            `product_ids: at most ${settings.maxProductIdsPerCall}`,
          );
        }
        const errors: { code: number; message: string; detail: { product_id: string } }[] = [];
        for (const productId of parsed.data.product_ids) {
          const found = productOf(shop, productId);
          const problem = found ? apply(shop, found.listing, found.product) : null;
          if (!found) {
            errors.push({
              code: TIKTOK_ERRORS.notFound,
              message: `product ${productId} not found`,
              detail: { product_id: productId },
            });
          } else if (problem) {
            errors.push({
              code: TIKTOK_ERRORS.wrongState,
              message: problem,
              detail: { product_id: productId },
            });
          } else {
            found.listing.updatedAt = clock.now();
          }
        }
        return ok(reply, { errors });
      },
    });

  productBatch('/product/202309/products/deactivate', 'POST', (_shop, listing, product) => {
    if (product.status === 'DELETED') return `product ${listing.productId} is deleted`;
    product.status = 'SELLER_DEACTIVATED';
    listing.status = 'delisted';
    listing.available = false;
    return null;
  });

  productBatch('/product/202309/products/activate', 'POST', (shop, listing, product) => {
    if (product.status === 'DELETED') return `product ${listing.productId} is deleted`;
    if (product.status !== 'SELLER_DEACTIVATED') return null;
    const conflict = store.skuConflict(
      shop,
      listing.variants.map((variant) => variant.sku),
      listing.productId,
    );
    if (conflict) return conflict;
    sendToAudit(shop, listing, product);
    return null;
  });

  productBatch('/product/202309/products', 'DELETE', (_shop, listing, product) => {
    product.status = 'DELETED';
    listing.status = 'delisted';
    listing.available = false;
    return null;
  });

  app.post('/order/202309/orders/search', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const { query } = splitUrl(request);
    const invalid = (message: string) => fail(reply, TIKTOK_ERRORS.invalidParams, message);
    const pageSizeText = query.get('page_size') ?? '';
    const pageSize = /^\d{1,4}$/.test(pageSizeText) ? Number(pageSizeText) : NaN;
    if (!(pageSize >= 1 && pageSize <= settings.maxPageSize))
      return invalid(`page_size must be from 1 to ${settings.maxPageSize}`);
    // the sandbox keeps orders in update order only, so it serves that sort and no other
    if ((query.get('sort_field') ?? 'update_time') !== 'update_time')
      return invalid('sort_field: the sandbox sorts by update_time only');
    if ((query.get('sort_order') ?? 'ASC') !== 'ASC')
      return invalid('sort_order: the sandbox sorts ASC only');
    const parsed = searchBodySchema.safeParse(request.body ?? {});
    if (!parsed.success) return invalid(firstIssue(parsed.error));
    const filter: SearchFilter = {
      update_time_ge: parsed.data.update_time_ge,
      update_time_lt: parsed.data.update_time_lt,
      order_status: parsed.data.order_status,
    };
    const pageTokenText = query.get('page_token') ?? '';
    const pageToken = pageTokenText === '' ? null : decodePageToken(pageTokenText);
    if (pageTokenText !== '' && !pageToken) return invalid('page_token is not valid');
    if (pageToken && !sameFilter(pageToken.filter, filter))
      return invalid('page_token belongs to another search');
    const index = shop.ordersByUpdate;
    const start =
      filter.update_time_ge === undefined ? 0 : index.firstAtOrAfterTime(filter.update_time_ge * 1000);
    const end =
      filter.update_time_lt === undefined
        ? index.length
        : index.firstAtOrAfterTime(filter.update_time_lt * 1000);
    const matches = (order: Order) =>
      filter.order_status === undefined || apiOrderStatus(order.status) === filter.order_status;
    let totalCount = Math.max(0, end - start);
    if (filter.order_status !== undefined) {
      totalCount = 0;
      for (let position = start; position < end; position++)
        if (matches(index.at(position) as Order)) totalCount++;
    }
    let position = pageToken ? Math.max(start, index.firstAfter(pageToken.after, false)) : start;
    const orders: Order[] = [];
    let more = false;
    for (; position < end; position++) {
      const order = index.at(position) as Order;
      if (!matches(order)) continue;
      if (orders.length === pageSize) {
        more = true;
        break;
      }
      orders.push(order);
    }
    const last = orders[orders.length - 1];
    return ok(reply, {
      orders: orders.map(tiktokOrderView),
      next_page_token: more
        ? encodePageToken({ after: { updatedAt: last.updatedAt, seq: last.seq }, filter })
        : '',
      total_count: totalCount,
    });
  });

  // ids the shop does not have are left out of the answer (assumed)
  app.get('/order/202309/orders', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const text = splitUrl(request).query.get('ids') ?? '';
    const orderIds = text
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id !== '');
    if (orderIds.length === 0 || orderIds.length > settings.maxOrderIdsPerRead) {
      return fail(
        reply,
        TIKTOK_ERRORS.invalidParams,
        `ids: 1 to ${settings.maxOrderIdsPerRead} order ids, comma-separated`,
      );
    }
    const orders = orderIds
      .map((id) => shop.orders.get(id))
      .filter((order): order is Order => order !== undefined);
    return ok(reply, { orders: orders.map(tiktokOrderView) });
  });

  app.post<{ Params: { packageId: string } }>(
    '/fulfillment/202309/packages/:packageId/ship',
    async (request, reply) => {
      const shop = await guard(request, reply);
      if (!shop) return reply;
      const orderId = orderIdOfPackage(request.params.packageId);
      const order = orderId ? shop.orders.get(orderId) : undefined;
      if (!order) return fail(reply, TIKTOK_ERRORS.notFound, `package ${request.params.packageId} not found`);
      if (order.status !== 'AWAITING_SHIPMENT') {
        return fail(
          reply,
          TIKTOK_ERRORS.wrongState,
          `order ${order.orderId} is ${apiOrderStatus(order.status)}, only AWAITING_SHIPMENT ships`,
        );
      }
      store.setStatus(shop, order, 'AWAITING_COLLECTION');
      return ok(reply, {});
    },
  );

  app.post('/return_refund/202309/cancellations', async (request, reply) => {
    const shop = await guard(request, reply);
    if (!shop) return reply;
    const parsed = cancelSchema.safeParse(request.body);
    if (!parsed.success) return fail(reply, TIKTOK_ERRORS.invalidParams, firstIssue(parsed.error));
    const order = shop.orders.get(parsed.data.order_id);
    if (!order) return fail(reply, TIKTOK_ERRORS.notFound, `order ${parsed.data.order_id} not found`);
    if (!store.canMove(order, 'CANCELLED')) {
      return fail(
        reply,
        TIKTOK_ERRORS.wrongState,
        `order ${order.orderId} is ${apiOrderStatus(order.status)} and cannot be cancelled`,
      );
    }
    store.setStatus(shop, order, 'CANCELLED', { reason: parsed.data.cancel_reason });
    return ok(reply, {
      cancel_id: cancellationIdOf(order.orderId),
      cancel_status: 'CANCELLATION_REQUEST_COMPLETE',
    });
  });

  /** Control extension (TikTok only): the style's limits and timings, merged like the faults. */
  app.get('/_sandbox/settings', async () => settings);
  app.put('/_sandbox/settings', async (request, reply) => {
    const parsed = tiktokSettingsPatchSchema.safeParse(request.body ?? {});
    if (!parsed.success) return reply.code(400).send({ error: firstIssue(parsed.error) });
    Object.assign(settings, parsed.data);
    return settings;
  });

  return market;
}
