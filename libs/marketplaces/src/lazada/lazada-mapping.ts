import { grams, isRecord, messageOf, units, vnd } from '../adapter-support';
import { unreachable } from '../http-client';
import { listingTitle } from '../listing-title';
import { AccessGrant, ListingContent, MarketplaceError, PublishedListing, StockPush } from '../port';

/**
 * Lazada-style package figures (docs/marketplace-lazada.md, "Listings"): weight in kilograms,
 * dimensions in centimetres. The catalogue keeps whole grams and no dimensions.
 */

/** Whole grams as Lazada's kilograms (three decimals, so no gram is lost or invented). */
export function lazadaPackageWeightKg(weightGrams: number): number {
  return grams(weightGrams) / 1000;
}

export interface PackageDimensionsCm {
  length: number;
  width: number;
  height: number;
}

/**
 * The parcel a SKU is declared in when the catalogue gives none: Lazada requires the three figures
 * on every SKU and the catalogue has no place for them yet. The size of a tea tin or a bag of
 * vermicelli, the OCOP goods sold today (a choice, to revisit when the catalogue holds dimensions).
 */
export const LAZADA_DEFAULT_PACKAGE_CM: Readonly<PackageDimensionsCm> = { length: 20, width: 15, height: 10 };

/** Whole centimetres, at least 1: a zero dimension is refused. */
const centimetres = (value: number): number => Math.max(1, Math.round(value));

/** One SKU's package fields for /product/create. */
export function lazadaSkuPackage(
  weightGrams: number,
  dimensions: Readonly<PackageDimensionsCm> = LAZADA_DEFAULT_PACKAGE_CM,
): { package_weight: number; package_length: number; package_width: number; package_height: number } {
  return {
    package_weight: lazadaPackageWeightKg(weightGrams),
    package_length: centimetres(dimensions.length),
    package_width: centimetres(dimensions.width),
    package_height: centimetres(dimensions.height),
  };
}

/** Lazada takes at most 50 SKUs, of any products, in one price_quantity/update; 51 time out. */
export const LAZADA_STOCK_SKUS_PER_CALL = 50;
/** Lazada keeps at most 8 images on a product. */
export const LAZADA_MAX_IMAGES = 8;
/** An ApiCallLimit bans the seller's calls of that kind for one second, unless its message names a ban. */
export const LAZADA_THROTTLE_BAN_MS = 1000;
/**
 * The sale property variants are told apart by. Lazada's are per category; tea and vermicelli
 * sizes read as one free-text variation (a choice, to revisit with real category attributes).
 */
export const LAZADA_SALE_PROPERTY = 'variation';

/** Text for an XML element: the payloads Lazada reads as XML are built here and nowhere else. */
export function xmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `payload` of /image/migrate: one catalogue URL Lazada fetches and hosts itself. */
export function lazadaImagePayload(url: string): string {
  return `<Request><Image><Url>${xmlText(url)}</Url></Image></Request>`;
}

/** `apiRequestBody` of /product/deactivate. */
export function lazadaDeactivatePayload(itemId: string): string {
  return `<Request><Product><ItemId>${xmlText(itemId)}</ItemId></Product></Request>`;
}

/**
 * `payload` of /product/price_quantity/update: each SKU named by item, SKU id and seller SKU, so a
 * refusal names the seller SKU (our SKU code) and a SKU id that moved to another item is refused.
 */
export function lazadaStockPayload(items: readonly StockPush[]): string {
  const skus = items
    .map(
      (item) =>
        `<Sku><ItemId>${xmlText(item.externalId)}</ItemId><SkuId>${xmlText(item.variantId)}</SkuId>` +
        `<SellerSku>${xmlText(item.skuCode)}</SellerSku><Quantity>${units(item.quantity)}</Quantity></Sku>`,
    )
    .join('');
  return `<Request><Product><Skus>${skus}</Skus></Product></Request>`;
}

/**
 * `payload` of /product/create and /product/update (the latter names the item): one JSON text, all
 * variants in it, the OCOP badge in the name. A product of several SKUs tells them apart by a sale
 * property (their names).
 */
export function lazadaProductPayload(
  content: ListingContent,
  category: number,
  images: readonly string[],
  itemId?: string,
): string {
  const several = content.variants.length > 1;
  return JSON.stringify({
    Request: {
      Product: {
        ...(itemId === undefined ? {} : { ItemId: itemId }),
        PrimaryCategory: category,
        Images: { Image: images },
        Attributes: { name: listingTitle(content.name, content.ocopStars), description: content.description },
        Skus: {
          Sku: content.variants.map((variant) => ({
            SellerSku: variant.skuCode,
            quantity: units(variant.quantity),
            price: vnd(variant.priceVnd),
            ...lazadaSkuPackage(variant.weightGrams),
            ...(several ? { saleProp: { [LAZADA_SALE_PROPERTY]: variant.name } } : {}),
          })),
        },
      },
    },
  });
}

/** `data: {item_id, sku_list: [{seller_sku, sku_id}]}` as our SKU codes' variant ids; null when unreadable. */
export function lazadaPublished(data: unknown): PublishedListing | null {
  const id = (value: unknown) =>
    typeof value === 'number' && Number.isSafeInteger(value)
      ? String(value)
      : typeof value === 'string' && /^\d+$/.test(value)
        ? value
        : null;
  if (!isRecord(data) || !Array.isArray(data.sku_list)) return null;
  const externalId = id(data.item_id);
  if (externalId === null) return null;
  const variantIds: Record<string, string> = {};
  for (const sku of data.sku_list) {
    const skuId = isRecord(sku) ? id(sku.sku_id) : null;
    if (!isRecord(sku) || typeof sku.seller_sku !== 'string' || skuId === null) return null;
    variantIds[sku.seller_sku] = skuId;
  }
  return { externalId, variantIds };
}

/** A hosted image's URL from `data: {image: {url}}`, or null. */
export function lazadaHostedImage(data: unknown): string | null {
  const image = isRecord(data) ? data.image : undefined;
  return isRecord(image) && typeof image.url === 'string' && image.url !== '' ? image.url : null;
}

/**
 * Reads a Lazada envelope, whose errors come inside HTTP 200 (`{type, code, message}`; success is
 * `code: "0"`):
 * - IllegalAccessToken: the token is unknown or expired → 'auth', which renews the grant once.
 * - IncompleteSignature (unknown app key, another secret), InvalidCode, IllegalRefreshToken: the app
 *   or the shop's authorization is refused → 'auth'.
 * - ApiCallLimit: the seller is banned for a second (or the ban its message names) → 'retryable'
 *   after it.
 * - ServiceTimeout, type ISP, InvalidTimestamp (our clock, not the data) and unknown system codes →
 *   'retryable'.
 * - every other ISV code (InvalidParameter, MissingParameter, "204" not found, "208" wrong status,
 *   E0004 not live) → 'permanent' with Lazada's message, which names the field or SKU.
 */
export function lazadaFailure(httpStatus: number, body: unknown): MarketplaceError | null {
  const marketplace = 'lazada' as const;
  if (!isRecord(body) || typeof body.code !== 'string') {
    return unreachable(marketplace, 'unreadable', { status: httpStatus });
  }
  if (body.code === '0') return null;
  const code = body.code;
  const message = messageOf(body.message, code);
  const options = { status: httpStatus, code, marketplace };
  switch (code) {
    case 'IllegalAccessToken':
    case 'IncompleteSignature':
    case 'InvalidCode':
    case 'IllegalRefreshToken':
      return new MarketplaceError('auth', `lazada: ${message}`, options);
    case 'ApiCallLimit': {
      // where the message names the ban's length ("… the ban will last 60 seconds"), that wait
      const ban = /ban will last (\d+)(?: more)? seconds?/i.exec(message);
      return new MarketplaceError('retryable', `lazada: ${message}`, {
        ...options,
        retryAfterMs: ban ? Number(ban[1]) * 1000 : LAZADA_THROTTLE_BAN_MS,
      });
    }
    case 'ServiceTimeout':
    case 'InvalidTimestamp':
    case 'InternalError':
      return new MarketplaceError('retryable', `lazada: ${message}`, options);
    default:
      return body.type === 'ISV' || /^(\d+|E\d+)$/.test(code)
        ? new MarketplaceError('permanent', message, options)
        : new MarketplaceError('retryable', `lazada: ${message}`, options);
  }
}

/**
 * The seller SKU a refused stock call blames (`detail: [{seller_sku}]`, or "SellerSku X: …"):
 * Lazada applies nothing of such a call, so the others are sent again without it.
 */
export function lazadaBlamedSku(body: unknown): string | null {
  if (!isRecord(body)) return null;
  if (Array.isArray(body.detail)) {
    for (const entry of body.detail) {
      if (isRecord(entry) && typeof entry.seller_sku === 'string' && entry.seller_sku !== '')
        return entry.seller_sku;
    }
  }
  const match = typeof body.message === 'string' ? /^SellerSku (\S+):/.exec(body.message) : null;
  return match ? match[1] : null;
}

/**
 * The grant and seller of a token answer (create or refresh, at the envelope's top level):
 * lifetimes in seconds from `now`. The seller id is in `country_user_info` (create) or
 * `country_user_info_list` (refresh).
 */
export function lazadaGrant(
  body: unknown,
  now: number,
): { grant: AccessGrant; sellerId: string | null } | null {
  if (!isRecord(body) || typeof body.access_token !== 'string' || typeof body.refresh_token !== 'string')
    return null;
  const seconds = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
  const expiresIn = seconds(body.expires_in);
  if (expiresIn === null || body.access_token === '' || body.refresh_token === '') return null;
  const refreshIn = seconds(body.refresh_expires_in);
  const users = Array.isArray(body.country_user_info)
    ? body.country_user_info
    : Array.isArray(body.country_user_info_list)
      ? body.country_user_info_list
      : [];
  const user: unknown = users.find((entry) => isRecord(entry) && entry.country === 'vn') ?? users[0];
  const seller = isRecord(user) ? user.seller_id : undefined;
  return {
    grant: {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      accessExpiresAt: new Date(now + expiresIn * 1000),
      refreshExpiresAt: refreshIn === null ? null : new Date(now + refreshIn * 1000),
    },
    sellerId:
      typeof seller === 'string' && seller !== ''
        ? seller
        : typeof seller === 'number' && Number.isSafeInteger(seller)
          ? String(seller)
          : null,
  };
}
