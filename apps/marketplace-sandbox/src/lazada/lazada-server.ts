import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { createMarketplace, Marketplace } from '../shared/marketplace';
import { blankListing, Listing, Order, ShopState, StatusCode, Variant } from '../shared/model';
import { WindowRateLimiter } from '../shared/rate-limiter';
import { applyRequestFaults } from '../shared/request-faults';
import { StyleRules } from '../shared/store';
import { isoVietnam, parseIsoInstant } from '../shared/time-format';
import { firstIssue } from '../shared/validation';
import { WebhookStyle } from '../shared/webhooks';
import { lazadaPushSignature, lazadaRequestSign } from './lazada-signing';
import {
  CANCELLABLE,
  isLazadaItemStatus,
  isLive,
  LAZADA_CODE_FOR,
  LAZADA_CONNECTOR_STATUS,
  LAZADA_ITEM_STATUSES,
  LazadaItemStatus,
  orderStatusOf,
  PACKABLE,
  READY_TO_SHIP_FROM,
} from './lazada-statuses';
import { child, childrenNamed, childText, parseXml, XmlElement } from './lazada-xml';

const MINUTE = 60_000;
const DAY_S = 86_400;

/** Every limit and timing of the Lazada-style contract, with its defaults; tests may shorten them. */
export interface LazadaSettings {
  /** How far `timestamp` may be from the sandbox clock. */
  timestampWindowMs: number;
  authCodeTtlMs: number;
  /** A "Test" app's lifetimes; the fault profile's `tokenTtlSeconds` overrides the access one. */
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  inventoryCallsPerSecond: number;
  otherCallsPerSecond: number;
  /** How long a seller stays refused after going over a rate limit. */
  rateLimitBanMs: number;
  maxSkusPerStockCall: number;
  maxImagesPerProduct: number;
  maxProductsPage: number;
  maxOrdersPage: number;
  maxOrdersOffset: number;
  maxOrdersPerItemsCall: number;
  maxOrdersPerPack: number;
  maxPackagesPerReadyToShip: number;
  maxSkusPerRemove: number;
  /** A push counts as delivered only when answered 200 within this. */
  pushAnswerMs: number;
  pushRetryDelaysMs: readonly number[];
}

export const LAZADA_DEFAULT_SETTINGS: LazadaSettings = {
  timestampWindowMs: 7200 * 1000,
  authCodeTtlMs: 30 * MINUTE,
  accessTokenTtlSeconds: 7 * DAY_S,
  refreshTokenTtlSeconds: 30 * DAY_S,
  inventoryCallsPerSecond: 50,
  otherCallsPerSecond: 20,
  rateLimitBanMs: 1000,
  maxSkusPerStockCall: 50,
  maxImagesPerProduct: 8,
  maxProductsPage: 50,
  maxOrdersPage: 100,
  maxOrdersOffset: 5000,
  maxOrdersPerItemsCall: 50,
  maxOrdersPerPack: 20,
  maxPackagesPerReadyToShip: 20,
  maxSkusPerRemove: 50,
  pushAnswerMs: 500,
  pushRetryDelaysMs: Array.from({ length: 12 }, () => 30 * MINUTE),
};

/** Numeric business codes (assumed, after the spec's "204"): not found; a state forbids the call. */
const NOT_FOUND = '204';
const WRONG_STATE = '208';
/** Deactivating a product that is not live. */
const NOT_LIVE = 'E0004';

type LazadaErrorCode =
  | 'IncompleteSignature'
  | 'MissingParameter'
  | 'InvalidParameter'
  | 'InvalidTimestamp'
  | 'InvalidApiPath'
  | 'IllegalAccessToken'
  | 'IllegalRefreshToken'
  | 'InvalidCode'
  | 'ApiCallLimit'
  | 'ServiceTimeout'
  | 'InternalError'
  | typeof NOT_FOUND
  | typeof WRONG_STATE
  | typeof NOT_LIVE;

/** Seller cancellation reasons offered by cancel/validate (ids and names assumed). */
export const LAZADA_CANCEL_REASONS = [
  { reason_id: 15, reason_name: 'Out of Stock' },
  { reason_id: 21, reason_name: 'Wrong Price or Pricing Error' },
  { reason_id: 22, reason_name: 'Customer requested cancellation' },
] as const;
const OUT_OF_STOCK_REASON = 15;

type ProductState = 'live' | 'inactive' | 'deleted';

interface SkuDetails {
  shopSku: string;
  weightKg: number;
  lengthCm: number;
  widthCm: number;
  heightCm: number;
  saleProp: Record<string, string>;
}

interface LazadaItem {
  orderItemId: string;
  orderId: string;
  sku: string;
  skuId: string;
  productId: string;
  name: string;
  price: number;
  status: LazadaItemStatus;
  /** The status last announced by push (or that would have been, for a silent change). */
  announced: LazadaItemStatus | null;
  packageId: string;
  reason: string;
  createdAt: number;
  updatedAt: number;
}

/** What the Lazada style keeps per seller beyond the shared store. */
interface LazadaShop {
  images: Set<string>;
  products: Map<string, ProductState>;
  skuDetails: Map<string, SkuDetails>;
  items: Map<string, LazadaItem[]>;
  packages: Map<string, { orderId: string; itemIds: string[] }>;
}

interface Grant {
  shopId: string;
  expiresAt: number;
}

type Bucket = 'inventory' | 'other';

interface Call {
  shop: ShopState;
  lazada: LazadaShop;
  params: Map<string, string>;
}

const requestId = () => randomBytes(12).toString('hex');

function ok(reply: FastifyReply, data: unknown) {
  return reply.code(200).send({ code: '0', data, request_id: requestId() });
}

/** Lazada-style failures travel in an HTTP 200; `type` says whose fault it is. */
function fail(reply: FastifyReply, code: LazadaErrorCode, message: string, extra: object = {}) {
  const type = code === 'ServiceTimeout' ? 'ISP' : code === 'InternalError' ? 'SYSTEM' : 'ISV';
  return reply.code(200).send({ type, code, message, request_id: requestId(), ...extra });
}

/** Lazada's order timestamps: `2026-11-28 15:56:13 +0700`. */
function lazadaTime(ms: number): string {
  const iso = isoVietnam(ms);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} +0700`;
}

const money = (amount: number) => amount.toFixed(2);

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A whole number in [min, max] written in a parameter, or null. */
function wholeNumber(text: string | undefined, min: number, max: number): number | null {
  if (text === undefined || !/^-?\d{1,15}$/.test(text.trim())) return null;
  const value = Number(text.trim());
  return value >= min && value <= max ? value : null;
}

const idList = z.array(z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,20}$/)]));

/** Numbers in Lazada payloads arrive as JSON numbers or as numeric strings. */
const numeric = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/)
    .transform(Number),
]);

const productPayloadSchema = z.object({
  Request: z.object({
    Product: z.object({
      PrimaryCategory: z.union([z.string().trim().min(1), z.number().int()]).transform(String),
      Images: z.object({ Image: z.array(z.string().trim().min(1)).min(1) }),
      Attributes: z.looseObject({
        name: z.string().trim().min(1).max(255),
        description: z.string().default(''),
        brand_id: z.union([z.string(), z.number()]).optional(),
      }),
      Skus: z.object({
        Sku: z
          .array(
            z.looseObject({
              SellerSku: z.string().trim().min(1).max(200),
              quantity: numeric.pipe(z.number().int().min(0)),
              price: numeric.pipe(z.number().int().positive()),
              package_weight: numeric.pipe(z.number().positive()),
              package_length: numeric.pipe(z.number().positive()),
              package_width: numeric.pipe(z.number().positive()),
              package_height: numeric.pipe(z.number().positive()),
              saleProp: z.record(z.string(), z.string()).optional(),
            }),
          )
          .min(1),
      }),
    }),
  }),
});

const packSchema = z.object({
  pack_order_list: z
    .array(
      z.object({
        order_id: z.union([z.number(), z.string()]).transform(String),
        order_item_list: idList.min(1),
      }),
    )
    .min(1),
  delivery_type: z.enum(['dropship', 'pickup', 'send_to_warehouse']),
  shipping_allocate_type: z.enum(['TFS', 'NTFS']),
});

const readyToShipSchema = z.object({
  packages: z.array(z.object({ package_id: z.string().min(1) })).min(1),
});

function lazadaWebhooks(settings: LazadaSettings, appKeyOf: (shopId: string) => string): WebhookStyle {
  return {
    retryDelaysMs: settings.pushRetryDelaysMs,
    answerTimeoutMs: settings.pushAnswerMs,
    headers: (delivery, secret) => ({
      Authorization: lazadaPushSignature(appKeyOf(delivery.shopId), secret, delivery.body),
    }),
    // the body is ignored; only a 200 in time counts (the timeout is the dispatcher's)
    accepted: (_delivery, httpStatus) => httpStatus === 200,
  };
}

/**
 * The Lazada-style marketplace: signed form calls under /rest, authorization codes exchanged for
 * tokens, XML and JSON payloads, one order item per unit with its own status, pushes per item.
 */
export function createLazadaServer(logger: Logger, overrides: Partial<LazadaSettings> = {}): Marketplace {
  const settings: LazadaSettings = { ...LAZADA_DEFAULT_SETTINGS, ...overrides };
  const codes = new Map<string, Grant>();
  const accessTokens = new Map<string, Grant>();
  const refreshTokens = new Map<string, Grant>();
  const lazadaShops = new Map<string, LazadaShop>();
  const inventoryLimiter = new WindowRateLimiter();
  const bans = new Map<string, number>();
  // numbered on from random points, so that a restarted sandbox does not hand out ids a connector
  // still holds from an earlier run
  let sellerIds = randomInt(100_000, 900_000) * 1000;
  let appKeys = randomInt(100_000, 500_000);
  let orderIds = 400_000_000_000_000 + randomInt(0, 2 ** 40);
  let orderItemIds = 400_000_000_000_000 + randomInt(0, 2 ** 40);
  let itemIds = 2_000_000_000 + randomInt(0, 2 ** 30);
  let skuIds = 10_000_000_000 + randomInt(0, 2 ** 30);
  let packageIds = randomInt(0, 2 ** 30);
  let now = () => Date.now();

  const issueCode = (shopId: string, appKey: string): string => {
    const code = `0_${appKey}_${randomBytes(18).toString('base64url')}`;
    codes.set(code, { shopId, expiresAt: now() + settings.authCodeTtlMs });
    return code;
  };

  const rules: StyleRules = {
    name: 'lazada',
    newShopId: () => String(++sellerIds),
    newCredentials: (shopId) => {
      const appKey = String(++appKeys);
      return {
        app_key: appKey,
        app_secret: randomBytes(16).toString('hex'),
        code: issueCode(shopId, appKey),
      };
    },
    secretCredential: 'app_secret',
    issueAuthCode: (shop) => issueCode(shop.shopId, shop.credentials.app_key),
    credentialKey: (credentials) => credentials.app_key,
    newOrderId: () => String(++orderIds),
    codeFor: (status) => LAZADA_CODE_FOR[status],
    statusOf: (code: StatusCode) => (isLazadaItemStatus(code) ? LAZADA_CONNECTOR_STATUS[code] : 'pending'),
    codes: LAZADA_ITEM_STATUSES,
  };

  const market = createMarketplace({
    rules,
    webhooks: lazadaWebhooks(settings, (shopId) => market.store.shops.get(shopId)?.credentials.app_key ?? ''),
    styleError: (_request, reply, status, message) =>
      status >= 500
        ? reply.code(status).send({ type: 'SYSTEM', code: 'InternalError', message, request_id: requestId() })
        : fail(reply, status === 404 ? 'InvalidApiPath' : 'InvalidParameter', message),
    logger,
    onReset: () => {
      codes.clear();
      accessTokens.clear();
      refreshTokens.clear();
      lazadaShops.clear();
      inventoryLimiter.clear();
      bans.clear();
    },
  });
  const { app, store, clock, limiter, dispatcher } = market;
  now = () => clock.now();

  const lazadaShop = (shopId: string): LazadaShop => {
    let state = lazadaShops.get(shopId);
    if (!state) {
      state = {
        images: new Set(),
        products: new Map(),
        skuDetails: new Map(),
        items: new Map(),
        packages: new Map(),
      };
      lazadaShops.set(shopId, state);
    }
    return state;
  };

  // Business parameters come as form fields; the shared parser would read them as broken JSON.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (request, body, done) => {
      const text = typeof body === 'string' ? body : body.toString('utf8');
      request.rawBody = text;
      done(null, new URLSearchParams(text));
    },
  );

  const newPackageId = () => `FP${String(++packageIds).padStart(12, '0')}`;

  /** Turns a new order's lines into one item per unit, as Lazada lists them. */
  const expand = (order: Order): LazadaItem[] => {
    const items: LazadaItem[] = [];
    for (const line of order.lines) {
      const name = store.shops.get(order.shopId)?.listings.get(line.productId)?.name ?? '';
      for (let unit = 0; unit < line.quantity; unit++) {
        items.push({
          orderItemId: String(++orderItemIds),
          orderId: order.orderId,
          sku: line.sku,
          skuId: line.variantId,
          productId: line.productId,
          name,
          price: line.price,
          status: order.status as LazadaItemStatus,
          announced: null,
          packageId: '',
          reason: '',
          createdAt: order.placedAt,
          updatedAt: order.updatedAt,
        });
      }
    }
    return items;
  };

  store.onOrderEvent((shop, order, _kind, notify) => {
    const state = lazadaShop(shop.shopId);
    let items = state.items.get(order.orderId);
    if (!items) {
      items = expand(order);
      state.items.set(order.orderId, items);
    } else if (orderStatusOf(items.map((item) => item.status)) !== order.status) {
      // the control API moved the whole order: its live items follow
      const target = order.status as LazadaItemStatus;
      // items that pass packing this way still get the package a pack call would have given them
      const packed = !['unpaid', 'pending'].includes(target) && isLive(target);
      let packageId: string | undefined;
      for (const item of items) {
        if (!isLive(item.status)) continue;
        item.status = target;
        item.updatedAt = order.updatedAt;
        if (packed && item.packageId === '') item.packageId = packageId ??= newPackageId();
      }
    }
    for (const item of items) {
      if (item.announced === item.status) continue;
      item.announced = item.status;
      if (!notify) continue;
      const body = JSON.stringify({
        seller_id: shop.shopId,
        message_type: 0,
        data: {
          order_status: item.status,
          status_update_time: Math.floor(item.updatedAt / 1000),
          trade_order_id: order.orderId,
          trade_order_line_id: item.orderItemId,
        },
        timestamp: clock.now(),
        site: 'lazada_vn',
      });
      dispatcher.publish(shop, `${order.orderId}/${item.orderItemId} ${item.status}`, body);
    }
  });

  /** Moves the order in the store to its lowest live item's status; that pushes the changed items. */
  const commit = (shop: ShopState, order: Order, items: LazadaItem[], reason?: string) => {
    store.setStatus(shop, order, orderStatusOf(items.map((item) => item.status)), { reason });
  };

  /** The call's parameters, from the query and the form body; a name given twice is refused. */
  const collect = (request: FastifyRequest): Map<string, string> | string => {
    const params = new Map<string, string>();
    const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const sources = [new URLSearchParams(search)];
    if (request.body instanceof URLSearchParams) sources.push(request.body);
    else if (request.rawBody !== undefined && request.rawBody.trim() !== '') {
      return 'business parameters go in an application/x-www-form-urlencoded body';
    }
    for (const source of sources) {
      for (const [name, value] of source) {
        // an empty parameter is not signed, so it cannot count either
        if (value === '') continue;
        if (params.has(name)) return `parameter ${name} is given twice`;
        params.set(name, value);
      }
    }
    return params;
  };

  /** The instant a `timestamp` names: Unix milliseconds, or (as Lazada also takes) ISO 8601 UTC. */
  const sentAt = (timestamp: string): number | null =>
    /^\d{1,16}$/.test(timestamp) ? Number(timestamp) : parseIsoInstant(timestamp);

  /**
   * Checks a call's system parameters and signature, the seller's token for seller calls, then the
   * seller's rate limit and faults. Undefined when it has already answered.
   */
  const guard = async (
    request: FastifyRequest,
    reply: FastifyReply,
    access: 'app' | 'seller',
    bucket: Bucket = 'other',
  ): Promise<Call | undefined> => {
    const params = collect(request);
    if (typeof params === 'string') {
      void fail(reply, 'InvalidParameter', params);
      return undefined;
    }
    for (const name of [
      'app_key',
      'timestamp',
      'sign_method',
      'sign',
      ...(access === 'seller' ? ['access_token'] : []),
    ]) {
      if (!params.get(name)) {
        void fail(
          reply,
          'MissingParameter',
          `the input parameter "${name}" that is mandatory for processing this request is not supplied`,
        );
        return undefined;
      }
    }
    const shop = store.shopByCredential(params.get('app_key'));
    if (!shop) {
      void fail(reply, 'IncompleteSignature', 'unknown app_key');
      return undefined;
    }
    if (params.get('sign_method') !== 'sha256') {
      void fail(reply, 'IncompleteSignature', 'sign_method must be sha256');
      return undefined;
    }
    const at = sentAt(params.get('timestamp') as string);
    if (at === null || Math.abs(clock.now() - at) > settings.timestampWindowMs) {
      void fail(
        reply,
        'InvalidTimestamp',
        `timestamp must be Unix ms within ${settings.timestampWindowMs / 1000} s of the server time`,
      );
      return undefined;
    }
    const apiName = (request.routeOptions.url ?? '').slice('/rest'.length);
    const expected = lazadaRequestSign(shop.credentials.app_secret, apiName, params);
    const sign = params.get('sign') as string;
    if (sign.length !== expected.length || !timingSafeEqual(Buffer.from(sign), Buffer.from(expected))) {
      void fail(reply, 'IncompleteSignature', 'The request signature does not conform to lazop standards');
      return undefined;
    }
    if (access === 'seller') {
      const grant = accessTokens.get(params.get('access_token') as string);
      if (!grant || grant.shopId !== shop.shopId || grant.expiresAt <= clock.now()) {
        void fail(reply, 'IllegalAccessToken', 'The specified access token is invalid or expired');
        return undefined;
      }
    }
    const banKey = `${bucket}:${shop.shopId}`;
    if ((bans.get(banKey) ?? 0) > clock.now()) {
      void fail(
        reply,
        'ApiCallLimit',
        'This request has exceeded the limit, the seller is banned for a moment',
      );
      return undefined;
    }
    const outcome = await applyRequestFaults(
      shop,
      bucket === 'inventory' ? inventoryLimiter : limiter,
      clock,
      bucket === 'inventory' ? settings.inventoryCallsPerSecond : settings.otherCallsPerSecond,
    );
    if (outcome.kind === 'rate_limited') {
      bans.set(banKey, clock.now() + settings.rateLimitBanMs);
      void fail(reply, 'ApiCallLimit', 'This request has exceeded the limit');
      return undefined;
    }
    if (outcome.kind === 'error') {
      void fail(reply, 'ServiceTimeout', 'The backend service timed out');
      return undefined;
    }
    return { shop, lazada: lazadaShop(shop.shopId), params };
  };

  // ---- authorization -------------------------------------------------------------------------

  const tokenAnswer = (reply: FastifyReply, shop: ShopState, refreshExpiresAt: number, listName: string) => {
    const nowMs = clock.now();
    const ttl = shop.faults.profile.tokenTtlSeconds ?? settings.accessTokenTtlSeconds;
    const accessToken = `50000${randomBytes(28).toString('hex')}`;
    const refreshToken = `50001${randomBytes(28).toString('hex')}`;
    accessTokens.set(accessToken, { shopId: shop.shopId, expiresAt: nowMs + ttl * 1000 });
    refreshTokens.set(refreshToken, { shopId: shop.shopId, expiresAt: refreshExpiresAt });
    return reply.code(200).send({
      code: '0',
      access_token: accessToken,
      refresh_token: refreshToken,
      expires_in: ttl,
      refresh_expires_in: Math.max(0, Math.round((refreshExpiresAt - nowMs) / 1000)),
      country: 'vn',
      [listName]: [
        { country: 'vn', seller_id: shop.shopId, user_id: shop.shopId, short_code: `VN${shop.shopId}` },
      ],
      account: `seller-${shop.shopId}@sandbox.lazada.vn`,
      account_platform: 'seller_center',
      request_id: requestId(),
    });
  };

  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: '/rest/auth/token/create',
      handler: async (request, reply) => {
        const call = await guard(request, reply, 'app');
        if (!call) return reply;
        const code = call.params.get('code');
        if (!code) return fail(reply, 'MissingParameter', 'the input parameter "code" is not supplied');
        const grant = codes.get(code);
        if (!grant || grant.shopId !== call.shop.shopId || grant.expiresAt <= clock.now()) {
          return fail(reply, 'InvalidCode', 'Invalid authorization code');
        }
        codes.delete(code);
        return tokenAnswer(
          reply,
          call.shop,
          clock.now() + settings.refreshTokenTtlSeconds * 1000,
          'country_user_info',
        );
      },
    });
    app.route({
      method,
      url: '/rest/auth/token/refresh',
      handler: async (request, reply) => {
        const call = await guard(request, reply, 'app');
        if (!call) return reply;
        const token = call.params.get('refresh_token');
        if (!token)
          return fail(reply, 'MissingParameter', 'the input parameter "refresh_token" is not supplied');
        const grant = refreshTokens.get(token);
        if (!grant || grant.shopId !== call.shop.shopId || grant.expiresAt <= clock.now()) {
          return fail(reply, 'IllegalRefreshToken', 'The specified refresh token is invalid or expired');
        }
        // the pair is replaced; the refresh lifetime still counts from the authorization
        refreshTokens.delete(token);
        return tokenAnswer(reply, call.shop, grant.expiresAt, 'country_user_info_list');
      },
    });
  }

  // ---- products --------------------------------------------------------------------------------

  app.post('/rest/image/migrate', async (request, reply) => {
    const call = await guard(request, reply, 'seller');
    if (!call) return reply;
    const payload = call.params.get('payload');
    if (!payload) return fail(reply, 'MissingParameter', 'the input parameter "payload" is not supplied');
    const url = childText(child(parseXml(payload) ?? undefined, 'Image'), 'Url');
    if (!url || !/^https?:\/\/\S+$/.test(url)) {
      return fail(
        reply,
        'InvalidParameter',
        'payload must be <Request><Image><Url>http(s) URL</Url></Image></Request>',
      );
    }
    const hosted = `https://vn-live.slatic.net/p/${randomBytes(16).toString('hex')}.jpg`;
    call.lazada.images.add(hosted);
    return ok(reply, { image: { url: hosted, hash_code: randomBytes(16).toString('hex') } });
  });

  app.post('/rest/product/create', async (request, reply) => {
    const call = await guard(request, reply, 'seller');
    if (!call) return reply;
    const { shop, lazada } = call;
    const raw = call.params.get('payload');
    if (!raw) return fail(reply, 'MissingParameter', 'the input parameter "payload" is not supplied');
    const json = parseJson(raw);
    if (json === undefined) return fail(reply, 'InvalidParameter', 'The parameters are not in JSON format');
    const parsed = productPayloadSchema.safeParse(json);
    if (!parsed.success) return fail(reply, 'InvalidParameter', firstIssue(parsed.error));
    const product = parsed.data.Request.Product;
    const images = product.Images.Image;
    if (images.length > settings.maxImagesPerProduct) {
      return fail(reply, 'InvalidParameter', `at most ${settings.maxImagesPerProduct} images per product`);
    }
    const foreign = images.find((url) => !lazada.images.has(url));
    if (foreign)
      return fail(reply, 'InvalidParameter', `image ${foreign} was not migrated with /image/migrate`);
    const skus = product.Skus.Sku;
    if (skus.length > 1) {
      const combos = new Set<string>();
      for (const sku of skus) {
        const prop = sku.saleProp ?? {};
        if (Object.keys(prop).length === 0) {
          return fail(reply, 'InvalidParameter', `SellerSku ${sku.SellerSku}: variants need a saleProp`);
        }
        const combo = JSON.stringify(Object.entries(prop).sort());
        if (combos.has(combo))
          return fail(reply, 'InvalidParameter', `SellerSku ${sku.SellerSku}: saleProp repeated`);
        combos.add(combo);
      }
    }
    const conflict = store.skuConflict(
      shop,
      skus.map((sku) => sku.SellerSku),
    );
    if (conflict) return fail(reply, 'InvalidParameter', conflict);
    const itemId = String(++itemIds);
    const listing: Listing = blankListing(itemId, shop.shopId, clock.now());
    const variants: Variant[] = skus.map((sku) => {
      const skuId = String(++skuIds);
      lazada.skuDetails.set(skuId, {
        shopSku: `${itemId}_VNAMZ-${skuId}`,
        weightKg: sku.package_weight,
        lengthCm: sku.package_length,
        widthCm: sku.package_width,
        heightCm: sku.package_height,
        saleProp: sku.saleProp ?? {},
      });
      return {
        sku: sku.SellerSku,
        variantId: skuId,
        price: sku.price,
        quantity: sku.quantity,
        weightGrams: Math.round(sku.package_weight * 1000),
      };
    });
    Object.assign(listing, {
      name: product.Attributes.name,
      description: product.Attributes.description,
      categoryId: product.PrimaryCategory,
      images,
      variants,
    });
    store.indexListing(shop, listing);
    lazada.products.set(itemId, 'live');
    return ok(reply, {
      item_id: Number(itemId),
      sku_list: variants.map((variant) => ({
        seller_sku: variant.sku,
        sku_id: Number(variant.variantId),
        shop_sku: lazada.skuDetails.get(variant.variantId)?.shopSku,
      })),
    });
  });

  // Lazada's /product/update: the same payload as create, naming the item; SKUs by SellerSku. It
  // replaces name, description, category, images, prices, stock and package figures of a live item.
  app.post('/rest/product/update', async (request, reply) => {
    const call = await guard(request, reply, 'seller');
    if (!call) return reply;
    const { shop, lazada } = call;
    const raw = call.params.get('payload');
    if (!raw) return fail(reply, 'MissingParameter', 'the input parameter "payload" is not supplied');
    const json = parseJson(raw);
    if (json === undefined) return fail(reply, 'InvalidParameter', 'The parameters are not in JSON format');
    const itemIdValue: unknown = (json as { Request?: { Product?: { ItemId?: unknown } } })?.Request?.Product
      ?.ItemId;
    const itemId =
      typeof itemIdValue === 'number' || typeof itemIdValue === 'string' ? String(itemIdValue) : '';
    if (!/^\d+$/.test(itemId)) return fail(reply, 'MissingParameter', 'Request.Product.ItemId is required');
    const parsed = productPayloadSchema.safeParse(json);
    if (!parsed.success) return fail(reply, 'InvalidParameter', firstIssue(parsed.error));
    const listing = shop.listings.get(itemId);
    if (!listing || lazada.products.get(itemId) === 'deleted')
      return fail(reply, NOT_FOUND, `item ${itemId} not found`);
    if (lazada.products.get(itemId) !== 'live') return fail(reply, NOT_LIVE, `item ${itemId} is not live`);
    const product = parsed.data.Request.Product;
    const images = product.Images.Image;
    if (images.length > settings.maxImagesPerProduct) {
      return fail(reply, 'InvalidParameter', `at most ${settings.maxImagesPerProduct} images per product`);
    }
    const foreign = images.find((url) => !lazada.images.has(url));
    if (foreign)
      return fail(reply, 'InvalidParameter', `image ${foreign} was not migrated with /image/migrate`);
    const skus = product.Skus.Sku;
    const held = new Map(listing.variants.map((variant) => [variant.sku, variant]));
    const stranger = skus.find((sku) => !held.has(sku.SellerSku));
    if (stranger) {
      return fail(
        reply,
        'InvalidParameter',
        `SellerSku ${stranger.SellerSku} is not a SKU of item ${itemId}`,
      );
    }
    for (const sku of skus) {
      const variant = held.get(sku.SellerSku) as Variant;
      const details = lazada.skuDetails.get(variant.variantId);
      if (details) {
        Object.assign(details, {
          weightKg: sku.package_weight,
          lengthCm: sku.package_length,
          widthCm: sku.package_width,
          heightCm: sku.package_height,
          saleProp: sku.saleProp ?? details.saleProp,
        });
      }
      Object.assign(variant, {
        price: sku.price,
        quantity: sku.quantity,
        weightGrams: Math.round(sku.package_weight * 1000),
      });
    }
    Object.assign(listing, {
      name: product.Attributes.name,
      description: product.Attributes.description,
      categoryId: product.PrimaryCategory,
      images,
      updatedAt: clock.now(),
    });
    return ok(reply, {
      item_id: Number(itemId),
      sku_list: listing.variants.map((variant) => ({
        seller_sku: variant.sku,
        sku_id: Number(variant.variantId),
        shop_sku: lazada.skuDetails.get(variant.variantId)?.shopSku,
      })),
    });
  });

  const productView = (lazada: LazadaShop, listing: Listing) => {
    const state = lazada.products.get(listing.productId) ?? 'live';
    return {
      item_id: Number(listing.productId),
      primary_category: Number(listing.categoryId) || listing.categoryId,
      status: state === 'live' ? 'Active' : state === 'inactive' ? 'InActive' : 'Deleted',
      created_time: String(listing.createdAt),
      updated_time: String(listing.updatedAt),
      images: listing.images,
      attributes: { name: listing.name, description: listing.description },
      skus: listing.variants.map((variant) => {
        const details = lazada.skuDetails.get(variant.variantId);
        return {
          SkuId: Number(variant.variantId),
          SellerSku: variant.sku,
          ShopSku: details?.shopSku,
          quantity: variant.quantity,
          price: variant.price,
          Status: state === 'live' ? 'active' : state === 'inactive' ? 'inactive' : 'deleted',
          package_weight: String(details?.weightKg ?? variant.weightGrams / 1000),
          package_length: String(details?.lengthCm ?? ''),
          package_width: String(details?.widthCm ?? ''),
          package_height: String(details?.heightCm ?? ''),
          saleProp: details?.saleProp ?? {},
        };
      }),
    };
  };

  app.get('/rest/products/get', async (request, reply) => {
    const call = await guard(request, reply, 'seller');
    if (!call) return reply;
    const { shop, lazada, params } = call;
    const filter = params.get('filter') ?? 'all';
    const filters = ['all', 'live', 'inactive', 'deleted', 'pending', 'rejected', 'sold-out'];
    if (!filters.includes(filter))
      return fail(reply, 'InvalidParameter', `filter must be one of ${filters.join(', ')}`);
    const limit = wholeNumber(
      params.get('limit') ?? String(settings.maxProductsPage),
      1,
      settings.maxProductsPage,
    );
    const offset = wholeNumber(params.get('offset') ?? '0', 0, Number.MAX_SAFE_INTEGER);
    if (limit === null)
      return fail(reply, 'InvalidParameter', `limit must be 1 to ${settings.maxProductsPage}`);
    if (offset === null) return fail(reply, 'InvalidParameter', 'offset must be a whole number >= 0');
    const updateAfterText = params.get('update_after');
    const updateAfter = updateAfterText === undefined ? null : parseIsoInstant(updateAfterText);
    if (updateAfterText !== undefined && updateAfter === null) {
      return fail(reply, 'InvalidParameter', 'update_after must be ISO 8601 with an offset');
    }
    const matches = [...shop.listings.values()].filter((listing) => {
      if (updateAfter !== null && listing.updatedAt < updateAfter) return false;
      const state = lazada.products.get(listing.productId) ?? 'live';
      switch (filter) {
        case 'all':
          return true;
        case 'sold-out':
          return state === 'live' && listing.variants.every((variant) => variant.quantity === 0);
        case 'pending':
        case 'rejected':
          return false;
        default:
          return state === filter;
      }
    });
    return ok(reply, {
      total_products: matches.length,
      products: matches.slice(offset, offset + limit).map((listing) => productView(lazada, listing)),
    });
  });

  /** The SKU an XML <Sku> names, by SkuId (checked against ItemId) or SellerSku; or why not. */
  const skuOf = (shop: ShopState, lazada: LazadaShop, element: XmlElement) => {
    const skuId = childText(element, 'SkuId');
    const sellerSku = childText(element, 'SellerSku');
    const itemId = childText(element, 'ItemId');
    const ref =
      skuId !== undefined
        ? shop.variantIds.get(skuId)
        : sellerSku !== undefined
          ? shop.skus.get(sellerSku)
          : undefined;
    const named = sellerSku ?? ref?.variant.sku ?? skuId ?? '';
    if (!ref) return { named, error: NOT_FOUND, message: 'SKU not found' } as const;
    if (sellerSku !== undefined && ref.variant.sku !== sellerSku) {
      return {
        named,
        error: 'InvalidParameter',
        message: 'SkuId and SellerSku name different SKUs',
      } as const;
    }
    if (itemId !== undefined && ref.listing.productId !== itemId) {
      return { named, error: 'InvalidParameter', message: `SKU does not belong to item ${itemId}` } as const;
    }
    if (lazada.products.get(ref.listing.productId) === 'deleted') {
      return { named, error: NOT_FOUND, message: 'SKU was removed' } as const;
    }
    return { named, ref } as const;
  };

  /** The <Sku> elements of a stock or price payload, or an answer already sent. */
  const stockSkus = (call: Call, reply: FastifyReply): XmlElement[] | undefined => {
    const payload = call.params.get('payload');
    if (!payload) {
      void fail(reply, 'MissingParameter', 'the input parameter "payload" is not supplied');
      return undefined;
    }
    const root = parseXml(payload);
    const skus = childrenNamed(root ?? undefined, 'Product').flatMap((product) =>
      childrenNamed(child(product, 'Skus'), 'Sku'),
    );
    if (!root || root.name !== 'Request' || skus.length === 0) {
      void fail(reply, 'InvalidParameter', 'payload must be <Request><Product><Skus><Sku>… XML');
      return undefined;
    }
    if (skus.length > settings.maxSkusPerStockCall) {
      // Lazada answers a batch over the limit with a timeout, not a validation error
      void fail(reply, 'ServiceTimeout', 'The request has failed due to a timeout');
      return undefined;
    }
    return skus;
  };

  const skuFailure = (reply: FastifyReply, code: LazadaErrorCode, sellerSku: string, message: string) =>
    fail(reply, code, `SellerSku ${sellerSku}: ${message}`, {
      detail: [{ field: 'SellerSku', seller_sku: sellerSku, message }],
    });

  app.post('/rest/product/price_quantity/update', async (request, reply) => {
    const call = await guard(request, reply, 'seller', 'inventory');
    if (!call) return reply;
    const skus = stockSkus(call, reply);
    if (!skus) return reply;
    const changes: { variant: Variant; listing: Listing; quantity?: number; price?: number }[] = [];
    for (const element of skus) {
      const found = skuOf(call.shop, call.lazada, element);
      if (!('ref' in found) || !found.ref) return skuFailure(reply, found.error, found.named, found.message);
      const quantityText = childText(element, 'Quantity');
      const priceText = childText(element, 'Price');
      const quantity = quantityText === undefined ? undefined : wholeNumber(quantityText, 0, 1_000_000_000);
      const price = priceText === undefined ? undefined : wholeNumber(priceText, 1, 1_000_000_000_000);
      if (quantity === null)
        return skuFailure(reply, 'InvalidParameter', found.named, 'Quantity must be a whole number >= 0');
      if (price === null)
        return skuFailure(reply, 'InvalidParameter', found.named, 'Price must be a whole number of VND > 0');
      if (quantity === undefined && price === undefined) {
        return skuFailure(reply, 'MissingParameter', found.named, 'give Quantity or Price');
      }
      changes.push({ ...found.ref, quantity, price });
    }
    const nowMs = clock.now();
    for (const change of changes) {
      if (change.quantity !== undefined) change.variant.quantity = change.quantity;
      if (change.price !== undefined) change.variant.price = change.price;
      change.listing.updatedAt = nowMs;
    }
    return ok(reply, {});
  });

  app.post('/rest/product/stock/sellable/adjust', async (request, reply) => {
    const call = await guard(request, reply, 'seller', 'inventory');
    if (!call) return reply;
    const skus = stockSkus(call, reply);
    if (!skus) return reply;
    const after = new Map<Variant, { listing: Listing; quantity: number }>();
    for (const element of skus) {
      const found = skuOf(call.shop, call.lazada, element);
      if (!('ref' in found) || !found.ref) return skuFailure(reply, found.error, found.named, found.message);
      const delta = wholeNumber(childText(element, 'SellableQuantity'), -1_000_000_000, 1_000_000_000);
      if (delta === null)
        return skuFailure(reply, 'InvalidParameter', found.named, 'SellableQuantity must be a whole number');
      const current = after.get(found.ref.variant)?.quantity ?? found.ref.variant.quantity;
      if (current + delta < 0) {
        return skuFailure(
          reply,
          'InvalidParameter',
          found.named,
          `sellable quantity would fall below 0 (${current} held)`,
        );
      }
      after.set(found.ref.variant, { listing: found.ref.listing, quantity: current + delta });
    }
    const nowMs = clock.now();
    for (const [variant, { listing, quantity }] of after) {
      variant.quantity = quantity;
      listing.updatedAt = nowMs;
    }
    return ok(reply, {});
  });

  app.post('/rest/product/deactivate', async (request, reply) => {
    const call = await guard(request, reply, 'seller');
    if (!call) return reply;
    const body = call.params.get('apiRequestBody');
    if (!body) return fail(reply, 'MissingParameter', 'the input parameter "apiRequestBody" is not supplied');
    const itemId = childText(child(parseXml(body) ?? undefined, 'Product'), 'ItemId');
    if (!itemId) return fail(reply, 'InvalidParameter', 'apiRequestBody must be <Request><Product><ItemId>…');
    const listing = call.shop.listings.get(itemId);
    if (!listing) return fail(reply, NOT_FOUND, `item ${itemId} not found`);
    if (call.lazada.products.get(itemId) !== 'live')
      return fail(reply, NOT_LIVE, `item ${itemId} is not live`);
    call.lazada.products.set(itemId, 'inactive');
    listing.status = 'delisted';
    listing.updatedAt = clock.now();
    return ok(reply, { item_id: Number(itemId) });
  });

  app.post('/rest/product/remove', async (request, reply) => {
    const call = await guard(request, reply, 'seller');
    if (!call) return reply;
    const { shop, lazada } = call;
    const list = z
      .array(z.string().regex(/^SkuId_\d+_\d+$/))
      .min(1)
      .safeParse(parseJson(call.params.get('sku_id_list')));
    if (!list.success)
      return fail(reply, 'InvalidParameter', 'sku_id_list must be a JSON array of "SkuId_<item>_<sku>"');
    if (list.data.length > settings.maxSkusPerRemove) {
      return fail(reply, 'InvalidParameter', `at most ${settings.maxSkusPerRemove} SKUs per call`);
    }
    const targets: { listing: Listing; skuId: string }[] = [];
    for (const entry of list.data) {
      const [, itemId, skuId] = entry.split('_');
      const ref = shop.variantIds.get(skuId);
      if (!ref || ref.listing.productId !== itemId || lazada.products.get(itemId) === 'deleted') {
        return fail(reply, NOT_FOUND, `${entry} not found`);
      }
      targets.push({ listing: ref.listing, skuId });
    }
    const nowMs = clock.now();
    for (const listing of new Set(targets.map((target) => target.listing))) {
      const gone = new Set(targets.filter((t) => t.listing === listing).map((t) => t.skuId));
      const previous = listing.variants;
      const kept = previous.filter((variant) => !gone.has(variant.variantId));
      listing.updatedAt = nowMs;
      if (kept.length === 0) {
        // the last SKU takes the product with it; its SKUs stay readable as deleted
        lazada.products.set(listing.productId, 'deleted');
        listing.status = 'delisted';
        continue;
      }
      listing.variants = kept;
      store.indexListing(shop, listing, previous);
    }
    return ok(reply, {});
  });

  // ---- orders ----------------------------------------------------------------------------------

  const orderView = (lazada: LazadaShop, order: Order) => {
    const items = lazada.items.get(order.orderId) ?? [];
    return {
      order_id: Number(order.orderId),
      order_number: Number(order.orderId),
      created_at: lazadaTime(order.placedAt),
      updated_at: lazadaTime(order.updatedAt),
      price: money(items.reduce((sum, item) => sum + item.price, 0)),
      statuses: [...new Set(items.map((item) => item.status))],
      items_count: items.length,
    };
  };

  const itemView = (lazada: LazadaShop, item: LazadaItem) => ({
    order_item_id: Number(item.orderItemId),
    order_id: Number(item.orderId),
    name: item.name,
    sku: item.sku,
    sku_id: Number(item.skuId),
    shop_sku: lazada.skuDetails.get(item.skuId)?.shopSku ?? '',
    product_id: Number(item.productId),
    status: item.status,
    item_price: item.price,
    paid_price: item.price,
    currency: 'VND',
    package_id: item.packageId,
    reason: item.reason,
    created_at: lazadaTime(item.createdAt),
    updated_at: lazadaTime(item.updatedAt),
  });

  app.get('/rest/orders/get', async (request, reply) => {
    const call = await guard(request, reply, 'seller');
    if (!call) return reply;
    const { shop, lazada, params } = call;
    const instant = (name: string): number | null | undefined => {
      const text = params.get(name);
      return text === undefined ? undefined : parseIsoInstant(text);
    };
    const given = {
      updateAfter: instant('update_after'),
      updateBefore: instant('update_before'),
      createdAfter: instant('created_after'),
      createdBefore: instant('created_before'),
    };
    const broken = Object.entries(given).find(([, value]) => value === null);
    if (broken)
      return fail(
        reply,
        'InvalidParameter',
        `${broken[0]} must be ISO 8601 with an offset, e.g. 2026-11-28T09:00:00+07:00`,
      );
    // every bound is now a number or absent
    const bounds = given as Record<keyof typeof given, number | undefined>;
    if (bounds.updateAfter === undefined && bounds.createdAfter === undefined) {
      return fail(reply, 'MissingParameter', 'update_after or created_after is required');
    }
    const sortBy = params.get('sort_by') ?? 'created_at';
    const direction = params.get('sort_direction') ?? 'DESC';
    if (!['created_at', 'updated_at'].includes(sortBy))
      return fail(reply, 'InvalidParameter', 'sort_by must be created_at or updated_at');
    if (!['ASC', 'DESC'].includes(direction))
      return fail(reply, 'InvalidParameter', 'sort_direction must be ASC or DESC');
    const limit = wholeNumber(
      params.get('limit') ?? String(settings.maxOrdersPage),
      1,
      settings.maxOrdersPage,
    );
    if (limit === null)
      return fail(reply, 'InvalidParameter', `limit must be 1 to ${settings.maxOrdersPage}`);
    const offset = wholeNumber(params.get('offset') ?? '0', 0, settings.maxOrdersOffset);
    if (offset === null)
      return fail(reply, 'InvalidParameter', `offset must be 0 to ${settings.maxOrdersOffset}`);
    const index = shop.ordersByUpdate;
    let page: Order[];
    let total: number;
    if (
      bounds.updateAfter !== undefined &&
      bounds.createdAfter === undefined &&
      bounds.createdBefore === undefined &&
      sortBy === 'updated_at' &&
      direction === 'ASC'
    ) {
      // the connector's path: a walk along the update index, no scan
      const start = index.firstAtOrAfterTime(bounds.updateAfter);
      const end =
        bounds.updateBefore === undefined ? index.length : index.firstAfterTime(bounds.updateBefore);
      total = Math.max(0, end - start);
      page = [];
      for (let position = start + offset; position < end && page.length < limit; position++)
        page.push(index.at(position) as Order);
    } else {
      const within = (value: number, after?: number, before?: number) =>
        (after === undefined || value >= after) && (before === undefined || value <= before);
      const matches = [...shop.orders.values()].filter(
        (order) =>
          within(order.updatedAt, bounds.updateAfter, bounds.updateBefore) &&
          within(order.placedAt, bounds.createdAfter, bounds.createdBefore),
      );
      const key = (order: Order) => (sortBy === 'updated_at' ? order.updatedAt : order.placedAt);
      const sign = direction === 'ASC' ? 1 : -1;
      matches.sort((a, b) => sign * (key(a) - key(b) || a.seq - b.seq));
      total = matches.length;
      page = matches.slice(offset, offset + limit);
    }
    return ok(reply, {
      count: page.length,
      countTotal: total,
      orders: page.map((order) => orderView(lazada, order)),
    });
  });

  app.get('/rest/orders/items/get', async (request, reply) => {
    const call = await guard(request, reply, 'seller');
    if (!call) return reply;
    const ids = idList.min(1).safeParse(parseJson(call.params.get('order_ids')));
    if (!ids.success)
      return fail(reply, 'InvalidParameter', 'order_ids must be a JSON array of order ids, e.g. [1,2]');
    if (ids.data.length > settings.maxOrdersPerItemsCall) {
      return fail(reply, 'InvalidParameter', `at most ${settings.maxOrdersPerItemsCall} order ids per call`);
    }
    const data = [];
    for (const id of new Set(ids.data.map(String))) {
      const items = call.lazada.items.get(id);
      // another seller's or an unknown order is left out, as Lazada does not say which
      if (!items || !call.shop.orders.has(id)) continue;
      data.push({
        order_id: Number(id),
        order_number: Number(id),
        order_items: items.map((item) => itemView(call.lazada, item)),
      });
    }
    return ok(reply, data);
  });

  app.post('/rest/order/fulfill/pack', async (request, reply) => {
    const call = await guard(request, reply, 'seller');
    if (!call) return reply;
    const { shop, lazada } = call;
    const json = parseJson(call.params.get('packReq'));
    if (json === undefined) return fail(reply, 'MissingParameter', 'packReq must be a JSON object');
    const parsed = packSchema.safeParse(json);
    if (!parsed.success) return fail(reply, 'InvalidParameter', firstIssue(parsed.error));
    if (parsed.data.pack_order_list.length > settings.maxOrdersPerPack) {
      return fail(reply, 'InvalidParameter', `at most ${settings.maxOrdersPerPack} orders per call`);
    }
    const result = parsed.data.pack_order_list.map((entry) => {
      const order = shop.orders.get(entry.order_id);
      const items = lazada.items.get(entry.order_id) ?? [];
      const packageId = newPackageId();
      const outcomes = entry.order_item_list.map((raw) => {
        const id = String(raw);
        const item = items.find((candidate) => candidate.orderItemId === id);
        if (!order || !item)
          return {
            order_item_id: Number(id),
            item_err_code: NOT_FOUND,
            msg: 'order item not found',
            retry: false,
          };
        if (!PACKABLE.includes(item.status)) {
          return {
            order_item_id: Number(id),
            item_err_code: WRONG_STATE,
            msg: `item is ${item.status}, only pending items can be packed`,
            retry: false,
          };
        }
        item.status = 'packed';
        item.packageId = packageId;
        item.updatedAt = clock.now();
        return {
          order_item_id: Number(id),
          package_id: packageId,
          tracking_number: '',
          shipment_provider: 'LEX VN',
          item_err_code: '0',
          msg: 'success',
          retry: false,
        };
      });
      if (order && outcomes.some((outcome) => outcome.item_err_code === '0')) {
        lazada.packages.set(packageId, {
          orderId: order.orderId,
          itemIds: outcomes.filter((o) => o.item_err_code === '0').map((o) => String(o.order_item_id)),
        });
        commit(shop, order, items);
      }
      return { order_id: Number(entry.order_id), order_item_list: outcomes };
    });
    return ok(reply, { pack_order_list: result });
  });

  app.post('/rest/order/package/rts', async (request, reply) => {
    const call = await guard(request, reply, 'seller');
    if (!call) return reply;
    const { shop, lazada } = call;
    const json = parseJson(call.params.get('readyToShipReq'));
    if (json === undefined) return fail(reply, 'MissingParameter', 'readyToShipReq must be a JSON object');
    const parsed = readyToShipSchema.safeParse(json);
    if (!parsed.success) return fail(reply, 'InvalidParameter', firstIssue(parsed.error));
    if (parsed.data.packages.length > settings.maxPackagesPerReadyToShip) {
      return fail(
        reply,
        'InvalidParameter',
        `at most ${settings.maxPackagesPerReadyToShip} packages per call`,
      );
    }
    const packages = parsed.data.packages.map(({ package_id: packageId }) => {
      const entry = lazada.packages.get(packageId);
      const order = entry ? shop.orders.get(entry.orderId) : undefined;
      const items = entry ? (lazada.items.get(entry.orderId) ?? []) : [];
      const inPackage = items.filter((item) => item.packageId === packageId && isLive(item.status));
      if (!order || inPackage.length === 0)
        return { package_id: packageId, item_err_code: NOT_FOUND, msg: 'package not found', retry: false };
      const blocked = inPackage.find((item) => !READY_TO_SHIP_FROM.includes(item.status));
      if (blocked) {
        return {
          package_id: packageId,
          item_err_code: WRONG_STATE,
          msg: `item ${blocked.orderItemId} is ${blocked.status}, not packed`,
          retry: false,
        };
      }
      for (const item of inPackage) {
        item.status = 'ready_to_ship';
        item.updatedAt = clock.now();
      }
      commit(shop, order, items);
      return { package_id: packageId, item_err_code: '0', msg: 'success', retry: false };
    });
    return ok(reply, { packages });
  });

  /** The order and the items a cancel call names, all cancellable; or an answer already sent. */
  const cancelTarget = (call: Call, reply: FastifyReply) => {
    const orderId = call.params.get('order_id');
    if (!orderId) {
      void fail(reply, 'MissingParameter', 'the input parameter "order_id" is not supplied');
      return undefined;
    }
    const ids = idList.min(1).safeParse(parseJson(call.params.get('order_item_id_list')));
    if (!ids.success) {
      void fail(reply, 'InvalidParameter', 'order_item_id_list must be a JSON array of order item ids');
      return undefined;
    }
    const order = call.shop.orders.get(orderId);
    const items = call.lazada.items.get(orderId);
    if (!order || !items) {
      void fail(reply, NOT_FOUND, `order ${orderId} not found`);
      return undefined;
    }
    const chosen: LazadaItem[] = [];
    for (const id of new Set(ids.data.map(String))) {
      const item = items.find((candidate) => candidate.orderItemId === id);
      if (!item) {
        void fail(reply, NOT_FOUND, `order item ${id} is not in order ${orderId}`);
        return undefined;
      }
      if (!CANCELLABLE.includes(item.status)) {
        void fail(reply, WRONG_STATE, `order item ${id} is ${item.status} and can no longer be cancelled`);
        return undefined;
      }
      chosen.push(item);
    }
    return { order, items, chosen };
  };

  app.get('/rest/order/reverse/cancel/validate', async (request, reply) => {
    const call = await guard(request, reply, 'seller');
    if (!call) return reply;
    if (!cancelTarget(call, reply)) return reply;
    return ok(reply, { tip_type: 'NORMAL', tip_content: '', reason_options: LAZADA_CANCEL_REASONS });
  });

  app.post('/rest/order/reverse/cancel/create', async (request, reply) => {
    const call = await guard(request, reply, 'seller');
    if (!call) return reply;
    const target = cancelTarget(call, reply);
    if (!target) return reply;
    const { shop } = call;
    const { order, items, chosen } = target;
    const reasonId = wholeNumber(call.params.get('reason_id'), 0, Number.MAX_SAFE_INTEGER);
    const reason = LAZADA_CANCEL_REASONS.find((option) => option.reason_id === reasonId);
    if (!reason)
      return fail(
        reply,
        'InvalidParameter',
        'reason_id must be one of the reason_options of cancel/validate',
      );
    const cancelled = new Set(chosen);
    const whole = items.every((item) => cancelled.has(item) || !isLive(item.status));
    if (!whole) {
      // a partial cancel gives its units back here; a whole one is given back by the store, from
      // the lines, so the lines keep counting only the units still live
      for (const item of chosen) {
        const ref = shop.variantIds.get(item.skuId);
        if (ref && ref.listing.productId === item.productId) ref.variant.quantity += 1;
        const line = order.lines.find((candidate) => candidate.variantId === item.skuId);
        if (line) line.quantity -= 1;
        order.total -= item.price;
      }
      order.lines = order.lines.filter((line) => line.quantity > 0);
    }
    const nowMs = clock.now();
    for (const item of chosen) {
      item.status = 'canceled';
      item.reason = reason.reason_name;
      item.updatedAt = nowMs;
    }
    commit(shop, order, items, reason.reason_name);
    if (reason.reason_id === OUT_OF_STOCK_REASON) {
      for (const item of chosen) {
        const ref = shop.variantIds.get(item.skuId);
        if (ref) ref.variant.quantity = 0;
      }
    }
    return ok(reply, {});
  });

  return market;
}
