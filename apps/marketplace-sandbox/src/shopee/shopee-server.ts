import { randomBytes, randomInt } from 'node:crypto';
import { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import { objectBody } from '../shared/http';
import { createMarketplace, Marketplace } from '../shared/marketplace';
import { blankListing, Listing, Order, OrderLine, ShopState, Variant } from '../shared/model';
import { applyRequestFaults } from '../shared/request-faults';
import { StyleRules } from '../shared/store';
import { firstIssue } from '../shared/validation';
import { WebhookStyle } from '../shared/webhooks';
import { ShopeeAuthority, ShopeeAuthSettings, TokenPair } from './shopee-auth';
import { LostPushes } from './shopee-lost-pushes';
import {
  isShopeeOrderStatus,
  kilogramsToGrams,
  modelIdOf,
  SHOPEE_CANCELLABLE,
  SHOPEE_CODE_FOR,
  SHOPEE_ORDER_STATUSES,
  ShopeeItemStatus,
  ShopeeOrderStatus,
  shopeeStatusOf,
  spacedJson,
  variantIdOf,
} from './shopee-mapping';
import { sameSignature, shopeeBaseString, shopeePushSignature, shopeeSign } from './shopee-signing';

/** Every limit and timing of the style, with the spec's defaults; tests may shorten them. */
export interface ShopeeSettings extends ShopeeAuthSettings {
  /** How far a call's timestamp may be from the sandbox clock. */
  timestampWindowSeconds: number;
  /** Calls a second per shop (assumed); the fault profile's rateLimitPerSecond overrides it. */
  rateLimitPerSecond: number;
  maxOrderWindowSeconds: number;
  maxOrderPageSize: number;
  maxOrderDetailBatch: number;
  /** Entries of one update_stock / update_price / unlist_item call. */
  maxWriteBatch: number;
  maxImagesPerUpload: number;
  maxImagesPerItem: number;
  maxTiers: number;
  maxModels: number;
  /** A variant may not cost more than this many times the cheapest one of its item. */
  maxPriceRatio: number;
  /** Retries of an unacknowledged push (assumed). */
  pushRetryDelaysMs: readonly number[];
  lostPushRetentionSeconds: number;
  lostPushPageSize: number;
  /** Where control-API orders start: paid at once (assumed). */
  initialOrderStatus: ShopeeOrderStatus;
}

const MINUTE_MS = 60_000;

export const SHOPEE_DEFAULTS: Readonly<ShopeeSettings> = {
  timestampWindowSeconds: 300,
  authCodeTtlSeconds: 10 * 60,
  accessTokenTtlSeconds: 4 * 3600,
  refreshTokenTtlSeconds: 30 * 24 * 3600,
  refreshGraceSeconds: 5 * 60,
  rateLimitPerSecond: 10,
  maxOrderWindowSeconds: 15 * 24 * 3600,
  maxOrderPageSize: 100,
  maxOrderDetailBatch: 50,
  maxWriteBatch: 50,
  maxImagesPerUpload: 9,
  maxImagesPerItem: 9,
  maxTiers: 2,
  maxModels: 50,
  maxPriceRatio: 5,
  pushRetryDelaysMs: [1, 5, 15].map((minutes) => minutes * MINUTE_MS),
  lostPushRetentionSeconds: 3 * 24 * 3600,
  lostPushPageSize: 100,
  initialOrderStatus: 'READY_TO_SHIP',
};

export type ShopeeErrorCode =
  | 'error_sign'
  | 'error_auth'
  | 'error_param'
  | 'error_item_not_found'
  | 'error_not_found'
  | 'error_rate_limit'
  | 'error_server'
  | 'order.order_list_invalid_time';

/** The body decides; these HTTP codes are the sandbox's choice (assumed), everything else is 200. */
const HTTP_STATUS: Partial<Record<ShopeeErrorCode, number>> = {
  error_sign: 403,
  error_auth: 403,
  error_rate_limit: 429,
  error_not_found: 404,
  error_server: 500,
};

const PUSH_CODE_ORDER_STATUS = 3;
const CANCEL_REASONS = [
  'OUT_OF_STOCK',
  'CUSTOMER_REQUEST',
  'UNDELIVERABLE_AREA',
  'COD_NOT_SUPPORTED',
] as const;
const OPTIONAL_DETAIL_FIELDS = new Set(['total_amount', 'item_list', 'cancel_reason', 'buyer_cancel_reason']);

const requestId = () => randomBytes(16).toString('hex');
const unixSeconds = (ms: number) => Math.floor(ms / 1000);
/** Shopee ids are numbers; a control-API shop id that is not one stays a string. */
const numericId = (id: string): number | string => (/^\d{1,15}$/.test(id) ? Number(id) : id);

function ok(reply: FastifyReply, response?: unknown, warning?: string) {
  return reply.code(200).send({
    request_id: requestId(),
    error: '',
    message: '',
    ...(warning === undefined ? {} : { warning }),
    ...(response === undefined ? {} : { response }),
  });
}

function fail(reply: FastifyReply, error: ShopeeErrorCode, message: string, httpStatus?: number) {
  return reply
    .code(httpStatus ?? HTTP_STATUS[error] ?? 200)
    .send({ request_id: requestId(), error, message });
}

/** The token calls answer at top level, not inside `response`. */
function tokenAnswer(reply: FastifyReply, pair: TokenPair, extra: Record<string, unknown> = {}) {
  return reply.code(200).send({
    ...extra,
    access_token: pair.accessToken,
    refresh_token: pair.refreshToken,
    expire_in: pair.expireIn,
    request_id: requestId(),
    error: '',
    message: '',
  });
}

const wholeNumber = (value: number) => Number.isInteger(value);
const stockSchema = z.array(z.object({ stock: z.number().int().min(0) }).passthrough()).length(1);
const dimensionSchema = z
  .object({
    package_length: z.number().int().positive(),
    package_width: z.number().int().positive(),
    package_height: z.number().int().positive(),
  })
  .passthrough();

const addItemSchema = z
  .object({
    item_name: z.string().trim().min(1).max(255),
    description: z.string().trim().min(1).max(5000),
    original_price: z.number().positive(),
    weight: z.number().positive().max(1000),
    dimension: dimensionSchema,
    category_id: z.number().int().positive(),
    image: z.object({ image_id_list: z.array(z.string().min(1)).min(1) }).passthrough(),
    logistic_info: z
      .array(z.object({ logistic_id: z.number().int(), enabled: z.boolean() }).passthrough())
      .min(1),
    item_sku: z.string().trim().max(100).optional(),
    seller_stock: stockSchema,
    brand: z
      .object({ brand_id: z.number().int().min(0), original_brand_name: z.string() })
      .passthrough()
      .optional(),
  })
  .passthrough();

const tierVariationSchema = z
  .object({
    item_id: z.number().int(),
    tier_variation: z
      .array(
        z
          .object({
            name: z.string().trim().min(1).max(20),
            option_list: z.array(z.object({ option: z.string().trim().min(1).max(50) }).passthrough()).min(1),
          })
          .passthrough(),
      )
      .min(1),
    model: z
      .array(
        z
          .object({
            tier_index: z.array(z.number().int().min(0)).min(1),
            original_price: z.number().positive(),
            model_sku: z.string().trim().max(100).optional(),
            seller_stock: stockSchema,
          })
          .passthrough(),
      )
      .min(1),
  })
  .passthrough();

const stockEntrySchema = z
  .object({ model_id: z.number().int().min(0), seller_stock: stockSchema })
  .passthrough();
const priceEntrySchema = z
  .object({ model_id: z.number().int().min(0), original_price: z.number().positive() })
  .passthrough();
const unlistEntrySchema = z.object({ item_id: z.number().int(), unlist: z.boolean() }).passthrough();

const idOrNumeric = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

interface ShopeeItem {
  itemId: number;
  shopId: string;
  status: ShopeeItemStatus;
  itemSku: string;
  weightKg: number;
  dimension: z.infer<typeof dimensionSchema>;
  tiers: { name: string; option_list: { option: string }[] }[];
  /** variantId → tier_index, for items with variants. */
  tierIndex: Map<string, number[]>;
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

/**
 * The entries of a price batch that would leave a variant costing more than `ratio` times the
 * cheapest of its item, judged on the prices the whole batch would leave: while the spread is too
 * wide, the entry at the dear end fails (a raise too far), else the one at the cheap end (a cut
 * too far), one at a time, so the rest of the batch still applies.
 */
function priceRatioFailures(current: Map<string, number>, proposed: Map<string, number>, ratio: number) {
  const failed = new Set<string>();
  for (;;) {
    const prices = new Map(current);
    for (const [id, price] of proposed) if (!failed.has(id)) prices.set(id, price);
    const entries = [...prices];
    const cheapest = Math.min(...entries.map(([, price]) => price));
    const dearest = Math.max(...entries.map(([, price]) => price));
    if (dearest <= ratio * cheapest) return failed;
    const changed = (price: number) =>
      [...proposed].find(([id, proposedPrice]) => !failed.has(id) && proposedPrice === price)?.[0];
    const culprit = changed(dearest) ?? changed(cheapest);
    // the spread comes from prices this batch does not touch: nothing in it is to blame
    if (culprit === undefined) return failed;
    failed.add(culprit);
  }
}

/** The Shopee-style marketplace: signed query strings, app tokens, batch writes, lost-push recovery. */
export function createShopeeServer(logger: Logger, overrides: Partial<ShopeeSettings> = {}): Marketplace {
  const settings: ShopeeSettings = { ...SHOPEE_DEFAULTS, ...overrides };
  const authority = new ShopeeAuthority(settings);
  const lostPushes = new LostPushes(settings.lostPushRetentionSeconds * 1000);
  const items = new Map<number, ShopeeItem>();
  const images = new Map<string, Set<string>>();
  let itemIds = 800_000_000;
  let modelIds = 10_000_000_000;
  // a clock is only known once the marketplace exists; rules and pushes run after that
  const now = () => market.clock.now();

  const rules = (): StyleRules => {
    let shops = 0;
    let partners = 0;
    // numbered on from a random point, as the other styles do: a restarted sandbox must not hand
    // out an order_sn the connector already holds from an earlier run
    let orders = randomInt(0, 36 ** 7);
    return {
      name: 'shopee',
      newShopId: () => String(147_000_000 + ++shops),
      newCredentials: (shopId) => ({
        partner_id: String(2_000_000 + ++partners),
        partner_key: randomBytes(32).toString('hex'),
        shop_id: shopId,
        code: authority.issueCode(shopId, now()),
      }),
      secretCredential: 'partner_key',
      issueAuthCode: (shop) => authority.issueCode(shop.shopId, now()),
      credentialKey: (credentials) => credentials.partner_id,
      newOrderId: () => {
        const day = new Date(now() + 7 * 3600_000).toISOString().slice(2, 10).replaceAll('-', '');
        return `${day}${(++orders).toString(36).toUpperCase().padStart(8, '0')}`;
      },
      codeFor: (status) => (status === 'pending' ? settings.initialOrderStatus : SHOPEE_CODE_FOR[status]),
      statusOf: shopeeStatusOf,
      codes: SHOPEE_ORDER_STATUSES,
    };
  };

  const webhooks: WebhookStyle = {
    retryDelaysMs: settings.pushRetryDelaysMs,
    headers: (delivery, secret) => ({
      Authorization: shopeePushSignature(
        secret,
        market.store.shops.get(delivery.shopId)?.webhookUrl ?? '',
        delivery.body,
      ),
    }),
    // a push counts only when answered 2xx with an empty body
    accepted: (delivery, httpStatus, responseBody) => {
      const accepted = httpStatus >= 200 && httpStatus < 300 && responseBody.length === 0;
      if (accepted) lostPushes.acknowledge(delivery.shopId, Number(delivery.eventKey.split(' ')[0]));
      return accepted;
    },
  };

  const market = createMarketplace({
    rules: rules(),
    webhooks,
    styleError: (_request, reply, status, message) =>
      status >= 500
        ? fail(reply, 'error_server', message, status)
        : status === 404
          ? fail(reply, 'error_not_found', message)
          : fail(reply, 'error_param', message),
    logger,
    onReset: () => {
      authority.clear();
      lostPushes.clear();
      items.clear();
      images.clear();
      itemIds = 800_000_000;
      modelIds = 10_000_000_000;
    },
  });
  const { app, store, clock, limiter, dispatcher } = market;

  // images arrive as multipart; the shared parser only knows text
  app.addContentTypeParser('multipart/form-data', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );

  store.onOrderEvent((shop, order, _kind, notify) => {
    if (!notify || !shop.webhookUrl) return;
    const timestamp = unixSeconds(clock.now());
    const data = {
      ordersn: order.orderId,
      status: order.status,
      update_time: unixSeconds(order.updatedAt),
      items: [],
    };
    const lost = lostPushes.record({
      shopId: shop.shopId,
      code: PUSH_CODE_ORDER_STATUS,
      timestamp,
      data: JSON.stringify(data),
      publishedAt: clock.now(),
    });
    const body = spacedJson({
      shop_id: numericId(shop.shopId),
      code: PUSH_CODE_ORDER_STATUS,
      timestamp,
      data,
    });
    dispatcher.publish(shop, `${lost.messageId} ${order.orderId} ${String(order.status)}`, body);
  });

  /**
   * Checks partner_id, timestamp and sign (and for shop calls access_token and shop_id), then the
   * shop's faults; undefined when already answered.
   */
  const guard = async (
    request: FastifyRequest,
    reply: FastifyReply,
    scope: 'public' | 'shop',
  ): Promise<{ shop: ShopState; query: URLSearchParams } | undefined> => {
    const [path, search = ''] = request.url.split('?', 2) as [string, string | undefined];
    const query = new URLSearchParams(search);
    const partnerId = query.get('partner_id');
    const timestamp = query.get('timestamp');
    const sign = query.get('sign');
    if (!partnerId || !timestamp || !sign) {
      void fail(reply, 'error_param', 'partner_id, timestamp and sign are required.');
      return undefined;
    }
    const shop = store.shopByCredential(partnerId);
    if (!shop) {
      void fail(reply, 'error_auth', 'Invalid partner_id.');
      return undefined;
    }
    const sentAt = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : NaN;
    if (!(Math.abs(clock.now() / 1000 - sentAt) <= settings.timestampWindowSeconds)) {
      void fail(reply, 'error_param', 'Invalid timestamp');
      return undefined;
    }
    let shopPart: { accessToken: string; shopId: string } | undefined;
    if (scope === 'shop') {
      const accessToken = query.get('access_token');
      const shopId = query.get('shop_id');
      if (!accessToken || !shopId) {
        void fail(reply, 'error_param', 'access_token and shop_id are required.');
        return undefined;
      }
      shopPart = { accessToken, shopId };
    }
    const expected = shopeeSign(
      shop.credentials.partner_key,
      shopeeBaseString(partnerId, path, timestamp, shopPart),
    );
    if (!sameSignature(sign, expected)) {
      void fail(reply, 'error_sign', 'Wrong sign.');
      return undefined;
    }
    if (
      shopPart &&
      (shopPart.shopId !== shop.shopId ||
        !authority.accessValid(shopPart.accessToken, shop.shopId, clock.now()))
    ) {
      void fail(reply, 'error_auth', 'Invalid access_token.');
      return undefined;
    }
    const outcome = await applyRequestFaults(shop, limiter, clock, settings.rateLimitPerSecond);
    if (outcome.kind === 'rate_limited') {
      void fail(reply, 'error_rate_limit', 'Too many requests, try again later.');
      return undefined;
    }
    if (outcome.kind === 'error') {
      void fail(reply, 'error_server', 'Internal server error, please retry.', outcome.httpStatus);
      return undefined;
    }
    return { shop, query };
  };

  const accessTtl = (shop: ShopState) => shop.faults.profile.tokenTtlSeconds ?? undefined;

  // ---------------------------------------------------------------- authorization

  app.post('/api/v2/auth/token/get', async (request, reply) => {
    const caller = await guard(request, reply, 'public');
    if (!caller) return reply;
    const { shop, query } = caller;
    const parsed = z
      .object({ code: z.string().min(1), shop_id: idOrNumeric, partner_id: idOrNumeric })
      .passthrough()
      .safeParse(objectBody(request));
    if (!parsed.success) return fail(reply, 'error_param', firstIssue(parsed.error));
    const input = parsed.data;
    if (String(input.partner_id) !== query.get('partner_id'))
      return fail(reply, 'error_param', 'partner_id in the body does not match the query.');
    if (String(input.shop_id) !== shop.shopId) return fail(reply, 'error_auth', 'Invalid code.');
    const pair = authority.exchangeCode(input.code, shop.shopId, clock.now(), accessTtl(shop));
    if (!pair) return fail(reply, 'error_auth', 'Invalid code.');
    return tokenAnswer(reply, pair);
  });

  app.post('/api/v2/auth/access_token/get', async (request, reply) => {
    const caller = await guard(request, reply, 'public');
    if (!caller) return reply;
    const { shop, query } = caller;
    const parsed = z
      .object({ refresh_token: z.string().min(1), shop_id: idOrNumeric, partner_id: idOrNumeric })
      .passthrough()
      .safeParse(objectBody(request));
    if (!parsed.success) return fail(reply, 'error_param', firstIssue(parsed.error));
    const input = parsed.data;
    if (String(input.partner_id) !== query.get('partner_id'))
      return fail(reply, 'error_param', 'partner_id in the body does not match the query.');
    const pair =
      String(input.shop_id) === shop.shopId
        ? authority.refreshPair(input.refresh_token, shop.shopId, clock.now(), accessTtl(shop))
        : null;
    if (!pair) return fail(reply, 'error_auth', 'Invalid refresh_token.');
    return tokenAnswer(reply, pair, { partner_id: input.partner_id, shop_id: input.shop_id });
  });

  // ---------------------------------------------------------------- media

  app.post('/api/v2/media_space/upload_image', async (request, reply) => {
    const caller = await guard(request, reply, 'shop');
    if (!caller) return reply;
    const contentType = request.headers['content-type'] ?? '';
    if (!Buffer.isBuffer(request.body) || !contentType.startsWith('multipart/form-data'))
      return fail(reply, 'error_param', 'image must be sent as multipart/form-data.');
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(request.body), {
        headers: { 'content-type': contentType },
      }).formData();
    } catch {
      return fail(reply, 'error_param', 'The multipart body could not be read.');
    }
    const files = form.getAll('image');
    if (files.length === 0) return fail(reply, 'error_param', 'image is required.');
    if (files.length > settings.maxImagesPerUpload)
      return fail(reply, 'error_param', `At most ${settings.maxImagesPerUpload} images per call.`);
    const held = images.get(caller.shop.shopId) ?? new Set<string>();
    images.set(caller.shop.shopId, held);
    const infos = [];
    for (const [index, file] of files.entries()) {
      if (typeof file === 'string') return fail(reply, 'error_param', `image ${index + 1} is not a file.`);
      const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
      const jpeg = head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
      const png = head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47;
      if (!jpeg && !png) return fail(reply, 'error_param', `image ${index + 1} is not a JPG or PNG file.`);
      const imageId = `vn-11134207-${randomBytes(12).toString('hex')}`;
      held.add(imageId);
      infos.push({
        image_id: imageId,
        image_url_list: [{ image_url_region: 'VN', image_url: `https://cf.shopee.vn/file/${imageId}` }],
      });
    }
    return ok(reply, {
      image_info: infos[0],
      image_info_list: infos.map((info, index) => ({ id: index, error: '', message: '', image_info: info })),
    });
  });

  // ---------------------------------------------------------------- listings

  /** The item and its listing when it belongs to the shop and is not deleted. */
  const liveItem = (shop: ShopState, itemId: number) => {
    const item = items.get(itemId);
    const listing = shop.listings.get(String(itemId));
    if (!item || !listing || item.shopId !== shop.shopId || item.status === 'SELLER_DELETE') return undefined;
    return { item, listing };
  };

  const modelView = (item: ShopeeItem, variant: Variant) => ({
    model_id: modelIdOf(variant.variantId),
    model_sku: variant.sku === variant.variantId ? '' : variant.sku,
    tier_index: item.tierIndex.get(variant.variantId) ?? [],
    price_info: [{ currency: 'VND', original_price: variant.price, current_price: variant.price }],
    stock_info_v2: { seller_stock: [{ stock: variant.quantity }] },
  });

  app.post('/api/v2/product/add_item', async (request, reply) => {
    const caller = await guard(request, reply, 'shop');
    if (!caller) return reply;
    const { shop } = caller;
    const parsed = addItemSchema.safeParse(objectBody(request));
    if (!parsed.success) return fail(reply, 'error_param', firstIssue(parsed.error));
    const input = parsed.data;
    if (!wholeNumber(input.original_price))
      return fail(reply, 'error_param', 'original_price must be a whole number for VND.');
    const imageIds = input.image.image_id_list;
    if (imageIds.length > settings.maxImagesPerItem)
      return fail(reply, 'error_param', `At most ${settings.maxImagesPerItem} images per item.`);
    const held = images.get(shop.shopId);
    const unknown = imageIds.find((id) => !held?.has(id));
    if (unknown !== undefined)
      return fail(reply, 'error_param', `image_id ${unknown} was not uploaded by media_space/upload_image.`);
    if (!input.logistic_info.some((channel) => channel.enabled))
      return fail(reply, 'error_param', 'At least one logistics channel must be enabled.');
    const itemSku = input.item_sku ?? '';
    if (itemSku !== '') {
      const conflict = store.skuConflict(shop, [itemSku]);
      if (conflict) return fail(reply, 'error_param', conflict);
    }
    const itemId = ++itemIds;
    const at = clock.now();
    const variantId = variantIdOf(itemId, 0);
    const listing: Listing = blankListing(String(itemId), shop.shopId, at);
    Object.assign(listing, {
      name: input.item_name,
      description: input.description,
      categoryId: String(input.category_id),
      images: imageIds,
      variants: [
        {
          sku: itemSku || variantId,
          variantId,
          price: input.original_price,
          quantity: input.seller_stock[0].stock,
          weightGrams: kilogramsToGrams(input.weight),
        },
      ],
    });
    items.set(itemId, {
      itemId,
      shopId: shop.shopId,
      status: 'NORMAL',
      itemSku,
      weightKg: input.weight,
      dimension: input.dimension,
      tiers: [],
      tierIndex: new Map(),
    });
    store.indexListing(shop, listing);
    return ok(reply, {
      item_id: itemId,
      item_status: 'NORMAL',
      item_name: input.item_name,
      item_sku: itemSku,
      category_id: input.category_id,
      original_price: input.original_price,
      weight: input.weight,
      dimension: input.dimension,
      image: { image_id_list: imageIds },
      seller_stock: [{ stock: input.seller_stock[0].stock }],
    });
  });

  app.post('/api/v2/product/init_tier_variation', async (request, reply) => {
    const caller = await guard(request, reply, 'shop');
    if (!caller) return reply;
    const { shop } = caller;
    const parsed = tierVariationSchema.safeParse(objectBody(request));
    if (!parsed.success) return fail(reply, 'error_param', firstIssue(parsed.error));
    const input = parsed.data;
    const found = liveItem(shop, input.item_id);
    if (!found) return fail(reply, 'error_item_not_found', `Item ${input.item_id} not found.`);
    const { item, listing } = found;
    if (item.tiers.length > 0)
      return fail(reply, 'error_param', `Item ${input.item_id} already has a tier variation.`);
    if (input.tier_variation.length > settings.maxTiers)
      return fail(reply, 'error_param', `At most ${settings.maxTiers} tiers.`);
    if (input.model.length > settings.maxModels)
      return fail(reply, 'error_param', `At most ${settings.maxModels} models.`);
    const combinations = new Set<string>();
    for (const [index, model] of input.model.entries()) {
      const fits =
        model.tier_index.length === input.tier_variation.length &&
        model.tier_index.every((option, tier) => option < input.tier_variation[tier].option_list.length);
      if (!fits)
        return fail(reply, 'error_param', `model.${index}.tier_index does not name one option of each tier.`);
      const key = model.tier_index.join(',');
      if (combinations.has(key))
        return fail(reply, 'error_param', `model.${index}.tier_index repeats another model's.`);
      combinations.add(key);
      if (!wholeNumber(model.original_price))
        return fail(reply, 'error_param', `model.${index}.original_price must be a whole number for VND.`);
    }
    const prices = input.model.map((model) => model.original_price);
    if (Math.max(...prices) > settings.maxPriceRatio * Math.min(...prices)) {
      return fail(
        reply,
        'error_param',
        `A model may not cost more than ${settings.maxPriceRatio} times the cheapest one of its item.`,
      );
    }
    const skus = input.model.map((model) => model.model_sku ?? '').filter((sku) => sku !== '');
    const conflict = store.skuConflict(shop, skus, listing.productId);
    if (conflict) return fail(reply, 'error_param', conflict);
    const weightGrams = kilogramsToGrams(item.weightKg);
    const previous = listing.variants;
    const variants: Variant[] = input.model.map((model) => {
      const variantId = variantIdOf(item.itemId, ++modelIds);
      item.tierIndex.set(variantId, model.tier_index);
      return {
        sku: model.model_sku || variantId,
        variantId,
        price: model.original_price,
        quantity: model.seller_stock[0].stock,
        weightGrams,
      };
    });
    item.tiers = input.tier_variation.map((tier) => ({
      name: tier.name,
      option_list: tier.option_list.map((option) => ({ option: option.option })),
    }));
    listing.variants = variants;
    listing.updatedAt = clock.now();
    store.indexListing(shop, listing, previous);
    return ok(reply, {
      item_id: item.itemId,
      tier_variation: item.tiers,
      model: variants.map((variant) => ({
        model_id: modelIdOf(variant.variantId),
        model_sku: variant.sku === variant.variantId ? '' : variant.sku,
        tier_index: item.tierIndex.get(variant.variantId),
        original_price: variant.price,
        seller_stock: [{ stock: variant.quantity }],
      })),
    });
  });

  const listParam = (query: URLSearchParams, name: string) =>
    (query.get(name) ?? '')
      .split(',')
      .map((value) => value.trim())
      .filter((value) => value !== '');

  /**
   * Items as get_item_base_info shows them, deleted ones included (SELLER_DELETE): the one place a
   * client reads an item's status. Price and stock belong to the models when the item has them.
   */
  app.get('/api/v2/product/get_item_base_info', async (request, reply) => {
    const caller = await guard(request, reply, 'shop');
    if (!caller) return reply;
    const { shop, query } = caller;
    const ids = listParam(query, 'item_id_list');
    if (ids.length < 1 || ids.length > settings.maxWriteBatch || !ids.every((id) => /^\d{1,15}$/.test(id)))
      return fail(reply, 'error_param', `item_id_list must name 1 to ${settings.maxWriteBatch} item ids.`);
    const found = [];
    const missing: string[] = [];
    for (const id of ids) {
      const item = items.get(Number(id));
      const listing = shop.listings.get(id);
      if (!item || !listing || item.shopId !== shop.shopId) {
        missing.push(id);
        continue;
      }
      const plain = item.tiers.length === 0 ? listing.variants[0] : undefined;
      found.push({
        item_id: item.itemId,
        category_id: Number(listing.categoryId),
        item_name: listing.name,
        description: listing.description,
        item_sku: item.itemSku,
        create_time: unixSeconds(listing.createdAt),
        update_time: unixSeconds(listing.updatedAt),
        image: { image_id_list: listing.images },
        weight: item.weightKg,
        dimension: item.dimension,
        item_status: item.status,
        has_model: item.tiers.length > 0,
        ...(plain
          ? {
              price_info: [{ currency: 'VND', original_price: plain.price, current_price: plain.price }],
              stock_info_v2: { seller_stock: [{ stock: plain.quantity }] },
            }
          : {}),
      });
    }
    return ok(
      reply,
      { item_list: found },
      missing.length > 0 ? `item_id not found: ${missing.join(',')}` : undefined,
    );
  });

  app.get('/api/v2/product/get_model_list', async (request, reply) => {
    const caller = await guard(request, reply, 'shop');
    if (!caller) return reply;
    const itemParam = caller.query.get('item_id') ?? '';
    if (!/^\d{1,15}$/.test(itemParam)) return fail(reply, 'error_param', 'item_id must be an integer.');
    const found = liveItem(caller.shop, Number(itemParam));
    if (!found) return fail(reply, 'error_item_not_found', `Item ${itemParam} not found.`);
    const { item, listing } = found;
    return ok(reply, {
      tier_variation: item.tiers,
      model: item.tiers.length === 0 ? [] : listing.variants.map((variant) => modelView(item, variant)),
    });
  });

  /**
   * The shared frame of update_stock and update_price: one item, 1 to maxWriteBatch entries, each
   * judged alone; the partial-failure fault fails valid entries at the shop's partialFailureRate.
   */
  const batchOnItem = (
    request: FastifyRequest,
    reply: FastifyReply,
    shop: ShopState,
    listField: 'stock_list' | 'price_list',
  ) => {
    const body = objectBody(request);
    const itemId = body?.item_id;
    const list = body?.[listField];
    if (typeof itemId !== 'number' || !Number.isInteger(itemId))
      return { error: fail(reply, 'error_param', 'item_id must be an integer.') };
    if (!Array.isArray(list) || list.length < 1 || list.length > settings.maxWriteBatch) {
      return {
        error: fail(reply, 'error_param', `${listField} must hold 1 to ${settings.maxWriteBatch} entries.`),
      };
    }
    const found = liveItem(shop, itemId);
    if (!found) return { error: fail(reply, 'error_item_not_found', `Item ${itemId} not found.`) };
    const variantOf = (modelId: number) => {
      const ref = shop.variantIds.get(variantIdOf(itemId, modelId));
      return ref && ref.listing === found.listing ? ref.variant : undefined;
    };
    const faulted = () => shop.faults.requestRandom.chance(shop.faults.profile.partialFailureRate);
    return { found, list: list as unknown[], variantOf, faulted };
  };

  const modelOfEntry = (entry: unknown): number | null => {
    const modelId = (entry as { model_id?: unknown } | null)?.model_id;
    return typeof modelId === 'number' ? modelId : null;
  };

  app.post('/api/v2/product/update_stock', async (request, reply) => {
    const caller = await guard(request, reply, 'shop');
    if (!caller) return reply;
    const batch = batchOnItem(request, reply, caller.shop, 'stock_list');
    if ('error' in batch) return reply;
    const successList: { model_id: number; stock: number }[] = [];
    const failureList: { model_id: number | null; failed_reason: string }[] = [];
    for (const entry of batch.list) {
      const parsed = stockEntrySchema.safeParse(entry);
      if (!parsed.success) {
        failureList.push({ model_id: modelOfEntry(entry), failed_reason: firstIssue(parsed.error) });
        continue;
      }
      const { model_id: modelId, seller_stock: stock } = parsed.data;
      const variant = batch.variantOf(modelId);
      if (!variant) {
        failureList.push({ model_id: modelId, failed_reason: `Model ${modelId} not found in this item.` });
      } else if (batch.faulted()) {
        failureList.push({ model_id: modelId, failed_reason: 'System busy, please retry.' });
      } else {
        variant.quantity = stock[0].stock;
        successList.push({ model_id: modelId, stock: variant.quantity });
      }
    }
    if (successList.length > 0) batch.found.listing.updatedAt = clock.now();
    return ok(reply, { success_list: successList, failure_list: failureList });
  });

  app.post('/api/v2/product/update_price', async (request, reply) => {
    const caller = await guard(request, reply, 'shop');
    if (!caller) return reply;
    const batch = batchOnItem(request, reply, caller.shop, 'price_list');
    if ('error' in batch) return reply;
    const failureList: { model_id: number | null; failed_reason: string }[] = [];
    const proposed = new Map<string, number>();
    const modelOf = new Map<string, number>();
    for (const entry of batch.list) {
      const parsed = priceEntrySchema.safeParse(entry);
      if (!parsed.success) {
        failureList.push({ model_id: modelOfEntry(entry), failed_reason: firstIssue(parsed.error) });
        continue;
      }
      const { model_id: modelId, original_price: price } = parsed.data;
      const variant = batch.variantOf(modelId);
      if (!variant) {
        failureList.push({ model_id: modelId, failed_reason: `Model ${modelId} not found in this item.` });
      } else if (!wholeNumber(price)) {
        failureList.push({ model_id: modelId, failed_reason: 'VND prices must be whole numbers.' });
      } else if (batch.faulted()) {
        failureList.push({ model_id: modelId, failed_reason: 'System busy, please retry.' });
      } else {
        proposed.set(variant.variantId, price);
        modelOf.set(variant.variantId, modelId);
      }
    }
    const variants = batch.found.listing.variants;
    const current = new Map(variants.map((variant) => [variant.variantId, variant.price]));
    const tooFar = priceRatioFailures(current, proposed, settings.maxPriceRatio);
    const priceSpreadMessage = `A model may cost at most ${settings.maxPriceRatio} times the cheapest.`;
    const successList: { model_id: number; original_price: number }[] = [];
    for (const [variantId, price] of proposed) {
      const modelId = modelOf.get(variantId) as number;
      if (tooFar.has(variantId)) {
        failureList.push({
          model_id: modelId,
          failed_reason: priceSpreadMessage,
        });
        continue;
      }
      (variants.find((variant) => variant.variantId === variantId) as Variant).price = price;
      successList.push({ model_id: modelId, original_price: price });
    }
    if (successList.length > 0) batch.found.listing.updatedAt = clock.now();
    return ok(reply, { success_list: successList, failure_list: failureList });
  });

  app.post('/api/v2/product/unlist_item', async (request, reply) => {
    const caller = await guard(request, reply, 'shop');
    if (!caller) return reply;
    const { shop } = caller;
    const list = objectBody(request)?.item_list;
    if (!Array.isArray(list) || list.length < 1 || list.length > settings.maxWriteBatch)
      return fail(reply, 'error_param', `item_list must hold 1 to ${settings.maxWriteBatch} entries.`);
    const successList: { item_id: number; unlist: boolean }[] = [];
    const failureList: { item_id: number | null; failed_reason: string }[] = [];
    for (const entry of list as unknown[]) {
      const parsed = unlistEntrySchema.safeParse(entry);
      if (!parsed.success) {
        const itemId = (entry as { item_id?: unknown } | null)?.item_id;
        failureList.push({
          item_id: typeof itemId === 'number' ? itemId : null,
          failed_reason: firstIssue(parsed.error),
        });
        continue;
      }
      const { item_id: itemId, unlist } = parsed.data;
      const found = liveItem(shop, itemId);
      if (!found) {
        failureList.push({ item_id: itemId, failed_reason: `Item ${itemId} not found.` });
        continue;
      }
      found.item.status = unlist ? 'UNLIST' : 'NORMAL';
      found.listing.status = unlist ? 'delisted' : 'active';
      found.listing.updatedAt = clock.now();
      successList.push({ item_id: itemId, unlist });
    }
    return ok(reply, { success_list: successList, failure_list: failureList });
  });

  app.post('/api/v2/product/delete_item', async (request, reply) => {
    const caller = await guard(request, reply, 'shop');
    if (!caller) return reply;
    const itemId = objectBody(request)?.item_id;
    if (typeof itemId !== 'number' || !Number.isInteger(itemId))
      return fail(reply, 'error_param', 'item_id must be an integer.');
    const found = liveItem(caller.shop, itemId);
    if (!found) return fail(reply, 'error_item_not_found', `Item ${itemId} not found.`);
    found.item.status = 'SELLER_DELETE';
    found.listing.status = 'delisted';
    found.listing.updatedAt = clock.now();
    return ok(reply);
  });

  // ---------------------------------------------------------------- orders

  const lineView = (shop: ShopState, line: OrderLine) => {
    const itemId = Number(line.productId);
    const modelId = modelIdOf(line.variantId);
    const item = items.get(itemId);
    const ownSku = line.sku === line.variantId ? '' : line.sku;
    const options = item?.tierIndex
      .get(line.variantId)
      ?.map((option, tier) => item.tiers[tier]?.option_list[option]?.option ?? '');
    return {
      item_id: itemId,
      item_name: shop.listings.get(line.productId)?.name ?? '',
      item_sku: modelId === 0 ? ownSku : (item?.itemSku ?? ''),
      model_id: modelId,
      model_name: options?.join(',') ?? '',
      model_sku: modelId === 0 ? '' : ownSku,
      model_quantity_purchased: line.quantity,
      model_original_price: line.price,
      model_discounted_price: line.price,
    };
  };

  const orderView = (shop: ShopState, order: Order, optional: Set<string>) => ({
    order_sn: order.orderId,
    region: 'VN',
    currency: 'VND',
    order_status: order.status,
    create_time: unixSeconds(order.placedAt),
    update_time: unixSeconds(order.updatedAt),
    ...(optional.has('total_amount') ? { total_amount: order.total } : {}),
    ...(optional.has('item_list') ? { item_list: order.lines.map((line) => lineView(shop, line)) } : {}),
    ...(optional.has('cancel_reason') ? { cancel_reason: order.cancelReason ?? '' } : {}),
  });

  app.get('/api/v2/order/get_order_list', async (request, reply) => {
    const caller = await guard(request, reply, 'shop');
    if (!caller) return reply;
    const { shop, query } = caller;
    const field = query.get('time_range_field');
    if (field !== 'update_time' && field !== 'create_time')
      return fail(reply, 'error_param', 'time_range_field must be update_time or create_time.');
    const integer = (name: string) => {
      const value = query.get(name);
      return value !== null && /^\d{1,12}$/.test(value) ? Number(value) : null;
    };
    const from = integer('time_from');
    const to = integer('time_to');
    if (from === null || to === null)
      return fail(reply, 'error_param', 'time_from and time_to must be Unix seconds.');
    if (to < from || to - from > settings.maxOrderWindowSeconds) {
      const windowDays = settings.maxOrderWindowSeconds / 86_400;
      return fail(
        reply,
        'order.order_list_invalid_time',
        `time_from must not be after time_to, and the window spans at most ${windowDays} days.`,
      );
    }
    const pageSize = integer('page_size');
    if (pageSize === null || pageSize < 1 || pageSize > settings.maxOrderPageSize)
      return fail(reply, 'error_param', `page_size must be 1 to ${settings.maxOrderPageSize}.`);
    const status = query.get('order_status');
    if (status !== null && !isShopeeOrderStatus(status))
      return fail(reply, 'error_param', `order_status ${status} is not a known status.`);
    const cursor = query.get('cursor') ?? '';
    const after = cursor === '' ? null : decodeCursor(cursor);
    if (cursor !== '' && !after) return fail(reply, 'error_param', 'Invalid cursor.');
    const fromMs = from * 1000;
    const toMs = (to + 1) * 1000;
    const index = shop.ordersByUpdate;
    let position = after ? index.firstAfter(after, false) : index.firstAtOrAfterTime(fromMs);
    const page: Order[] = [];
    let more = false;
    for (; position < index.length; position++) {
      const order = index.at(position) as Order;
      // orders are kept in update order; one created in the window may have been updated since
      if (field === 'update_time' && order.updatedAt >= toMs) break;
      const at = field === 'update_time' ? order.updatedAt : order.placedAt;
      if (at < fromMs || at >= toMs || (status !== null && order.status !== status)) continue;
      if (page.length === pageSize) {
        more = true;
        break;
      }
      page.push(order);
    }
    const withStatus = listParam(query, 'response_optional_fields').includes('order_status');
    return ok(reply, {
      more,
      next_cursor: more ? encodeCursor(page[page.length - 1]) : '',
      order_list: page.map((order) => ({
        order_sn: order.orderId,
        ...(withStatus ? { order_status: order.status } : {}),
      })),
    });
  });

  app.get('/api/v2/order/get_order_detail', async (request, reply) => {
    const caller = await guard(request, reply, 'shop');
    if (!caller) return reply;
    const { shop, query } = caller;
    const numbers = listParam(query, 'order_sn_list');
    if (numbers.length < 1 || numbers.length > settings.maxOrderDetailBatch)
      return fail(
        reply,
        'error_param',
        `order_sn_list must name 1 to ${settings.maxOrderDetailBatch} orders.`,
      );
    const optional = new Set(
      listParam(query, 'response_optional_fields').filter((name) => OPTIONAL_DETAIL_FIELDS.has(name)),
    );
    const found: Order[] = [];
    const missing: string[] = [];
    for (const orderSn of numbers) {
      const order = shop.orders.get(orderSn);
      if (order) found.push(order);
      else missing.push(orderSn);
    }
    return ok(
      reply,
      { order_list: found.map((order) => orderView(shop, order, optional)) },
      missing.length > 0 ? `order_sn not found: ${missing.join(',')}` : undefined,
    );
  });

  const orderOf = (shop: ShopState, orderSn: unknown) =>
    typeof orderSn === 'string' ? shop.orders.get(orderSn) : undefined;

  app.post('/api/v2/logistics/ship_order', async (request, reply) => {
    const caller = await guard(request, reply, 'shop');
    if (!caller) return reply;
    const { shop } = caller;
    const body = objectBody(request);
    const order = orderOf(shop, body?.order_sn);
    if (!order) return fail(reply, 'error_param', `order_sn ${String(body?.order_sn)} not found.`);
    const way = ['pickup', 'dropoff', 'non_integrated'].filter((name) => {
      const value = body?.[name];
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    });
    if (way.length !== 1)
      return fail(reply, 'error_param', 'Give exactly one of pickup, dropoff or non_integrated.');
    if (order.status !== 'READY_TO_SHIP') {
      return fail(
        reply,
        'error_param',
        `Order ${order.orderId} is ${String(order.status)}; only READY_TO_SHIP orders can be shipped.`,
      );
    }
    store.setStatus(shop, order, 'PROCESSED');
    return ok(reply);
  });

  const cancelSchema = z
    .object({
      order_sn: z.string().min(1),
      cancel_reason: z.enum(CANCEL_REASONS),
      item_list: z
        .array(z.object({ item_id: z.number().int(), model_id: z.number().int().min(0) }).passthrough())
        .optional(),
    })
    .passthrough();

  app.post('/api/v2/order/cancel_order', async (request, reply) => {
    const caller = await guard(request, reply, 'shop');
    if (!caller) return reply;
    const { shop } = caller;
    const parsed = cancelSchema.safeParse(objectBody(request));
    if (!parsed.success) return fail(reply, 'error_param', firstIssue(parsed.error));
    const input = parsed.data;
    const order = orderOf(shop, input.order_sn);
    if (!order) return fail(reply, 'error_param', `order_sn ${input.order_sn} not found.`);
    if (input.cancel_reason === 'OUT_OF_STOCK') {
      if (!input.item_list?.length)
        return fail(reply, 'error_param', 'item_list is required when cancel_reason is OUT_OF_STOCK.');
      const stranger = input.item_list.find(
        (entry) =>
          !order.lines.some(
            (line) =>
              Number(line.productId) === entry.item_id && modelIdOf(line.variantId) === entry.model_id,
          ),
      );
      if (stranger) {
        return fail(
          reply,
          'error_param',
          `Item ${stranger.item_id} model ${stranger.model_id} is not in order ${order.orderId}.`,
        );
      }
    }
    if (!SHOPEE_CANCELLABLE.includes(order.status as ShopeeOrderStatus)) {
      return fail(
        reply,
        'error_param',
        `Order ${order.orderId} is ${String(order.status)}; only orders not yet shipped can be cancelled.`,
      );
    }
    store.setStatus(shop, order, 'CANCELLED', { reason: input.cancel_reason });
    return ok(reply, { update_time: unixSeconds(order.updatedAt) });
  });

  // ---------------------------------------------------------------- lost pushes

  app.get('/api/v2/push/get_lost_push_message', async (request, reply) => {
    const caller = await guard(request, reply, 'public');
    if (!caller) return reply;
    const { pushes, more } = lostPushes.page(caller.shop.shopId, clock.now(), settings.lostPushPageSize);
    return ok(reply, {
      push_message_list: pushes.map((push) => ({
        shop_id: numericId(push.shopId),
        code: push.code,
        timestamp: push.timestamp,
        data: push.data,
      })),
      has_next_page: more,
      last_message_id: pushes.length > 0 ? pushes[pushes.length - 1].messageId : 0,
    });
  });

  app.post('/api/v2/push/confirm_consumed_lost_push_message', async (request, reply) => {
    const caller = await guard(request, reply, 'public');
    if (!caller) return reply;
    const lastMessageId = objectBody(request)?.last_message_id;
    if (typeof lastMessageId !== 'number' || !Number.isInteger(lastMessageId) || lastMessageId < 0)
      return fail(reply, 'error_param', 'last_message_id must be an integer from get_lost_push_message.');
    lostPushes.confirmConsumed(caller.shop.shopId, lastMessageId);
    return ok(reply);
  });

  return market;
}
