import { createHash } from 'node:crypto';
import { grams, isRecord, messageOf, units, vnd } from '../adapter-support';
import { chunk, groupBy } from '../batching';
import { unreachable } from '../http-client';
import { listingTitle } from '../listing-title';
import { ListingContent, MarketplaceError, StockPush } from '../port';

/** MARKETPLACES.md, Sendo-style: at most 50 items per field-mask call. */
export const SENDO_FIELD_MASK_MAX_ITEMS = 50;
export const SENDO_TOKEN_LIFETIME_MS = 8 * 3600 * 1000;
/** product_status 5 = deleted, which is how Sendo delists. */
export const SENDO_DELETED = 5;

export interface SendoProductBody {
  id: number;
  name: string;
  sku: string;
  price: number;
  cat_4_id: number;
  description: string;
  weight: number;
  avatar?: { picture_url: string };
  pictures: { picture_url: string }[];
  stock_quantity: number;
  stock_availability: boolean;
  is_config_variant: true;
  variants: { variant_sku: string; variant_price: number; variant_quantity: number }[];
}

export interface SendoFieldMaskItem {
  id: number;
  field_mask: string[];
  stock_availability?: boolean;
  product_status?: number;
  variants?: { variant_sku: string; variant_quantity: number }[];
}

/**
 * Sendo wants a product-level `sku` beside the variants' SKUs. It is derived from the connector's
 * product id so a republish or an update always sends the same one, and it cannot collide with a
 * SKU code (those are the variants' `variant_sku`).
 */
export function sendoProductSku(productId: string): string {
  return `OCOP-${createHash('sha256').update(productId).digest('hex').slice(0, 16).toUpperCase()}`;
}

/**
 * The create/update body. Sendo has one weight per product: the heaviest variant's, so shipping is
 * never under-quoted. The listed price is the lowest variant price ("from …"). Every product goes
 * as a config-variant product, even with one SKU, so stock always travels per variant.
 */
export function sendoProductBody(id: number, content: ListingContent, categoryId: number): SendoProductBody {
  const variants = content.variants.map((variant) => ({
    variant_sku: variant.skuCode,
    variant_price: vnd(variant.priceVnd),
    variant_quantity: units(variant.quantity),
  }));
  const total = variants.reduce((sum, variant) => sum + variant.variant_quantity, 0);
  const [avatar, ...pictures] = content.imageUrls;
  return {
    id,
    name: listingTitle(content.name, content.ocopStars),
    sku: sendoProductSku(content.productId),
    price: Math.min(...variants.map((variant) => variant.variant_price)),
    cat_4_id: categoryId,
    description: content.description,
    weight: Math.max(...content.variants.map((variant) => grams(variant.weightGrams))),
    ...(avatar === undefined ? {} : { avatar: { picture_url: avatar } }),
    pictures: pictures.map((url) => ({ picture_url: url })),
    stock_quantity: total,
    stock_availability: total > 0,
    is_config_variant: true,
    variants,
  };
}

/** The field-mask item that delists a product. */
export function sendoDelistItem(id: number): SendoFieldMaskItem {
  return {
    id,
    field_mask: ['product_status', 'stock_availability'],
    product_status: SENDO_DELETED,
    stock_availability: false,
  };
}

export interface SendoStockCall {
  items: SendoFieldMaskItem[];
  /** the pushes each item carries, in the same order as `items` */
  pushes: StockPush[][];
}

/**
 * Groups stock pushes into field-mask items, one per product, and the items into calls of at most
 * 50. A SKU named twice keeps its last figure.
 *
 * Availability: when the pushed figures add up to more than 0 the product is available. When they
 * are all 0, `stock_availability` is left out: the SKUs not pushed may still have stock, which only
 * Sendo knows. If the product's stock did reach 0, Sendo refuses the item ("stock_availability must
 * be false when the quantity is 0") and the adapter repeats it with availability false
 * (sendoSoldOutCalls): one extra call, only when a product sells out.
 */
export function sendoStockCalls(pushes: readonly StockPush[]): SendoStockCall[] {
  const products = [...groupBy(pushes, (push) => push.externalId).entries()].map(([externalId, group]) => {
    const latest = new Map<string, StockPush>();
    for (const push of group) {
      latest.delete(push.skuCode);
      latest.set(push.skuCode, push);
    }
    const variants = [...latest.values()].map((push) => ({
      variant_sku: push.variantId || push.skuCode,
      variant_quantity: units(push.quantity),
    }));
    const total = variants.reduce((sum, variant) => sum + variant.variant_quantity, 0);
    const item: SendoFieldMaskItem =
      total > 0
        ? {
            id: Number(externalId),
            field_mask: ['variants', 'stock_availability'],
            variants,
            stock_availability: true,
          }
        : { id: Number(externalId), field_mask: ['variants'], variants };
    return { item, pushes: group };
  });
  return chunk(products, SENDO_FIELD_MASK_MAX_ITEMS).map((batch) => ({
    items: batch.map((product) => product.item),
    pushes: batch.map((product) => product.pushes),
  }));
}

/** Whether Sendo refused an item only because a product without stock was still available. */
export function sendoNeedsUnavailable(error: string): boolean {
  return /stock_availability must be false/i.test(error);
}

/** The refused sold-out items again, now marked unavailable, in calls of at most 50. */
export function sendoSoldOutCalls(soldOut: SendoStockCall): SendoStockCall[] {
  const items = soldOut.items.map((item, index) => ({
    item: {
      ...item,
      field_mask: ['variants', 'stock_availability'],
      stock_availability: false,
    } as SendoFieldMaskItem,
    pushes: soldOut.pushes[index],
  }));
  return chunk(items, SENDO_FIELD_MASK_MAX_ITEMS).map((batch) => ({
    items: batch.map((entry) => entry.item),
    pushes: batch.map((entry) => entry.pushes),
  }));
}

/** The claims of a Sendo token (a JWT), or undefined when it is not a readable one. */
function sendoTokenClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How long a Sendo token lives, read from its JWT claims (exp − iat): a shop may be issued shorter
 * tokens than 8 hours, and renewing before they lapse saves a refused call and its repeat.
 * Undefined when the token is not a readable JWT (the 8-hour default applies).
 */
export function sendoTokenLifetimeMs(token: string): number | undefined {
  const claims = sendoTokenClaims(token);
  if (!claims || typeof claims.exp !== 'number' || typeof claims.iat !== 'number' || claims.exp <= claims.iat)
    return undefined;
  return (claims.exp - claims.iat) * 1000;
}

/**
 * The shop a Sendo token was issued to: its subject (`sub`), or null when the token does not say.
 * The token comes straight from the marketplace's login, so its signature need not be checked here.
 */
export function sendoTokenShopId(token: string): string | null {
  const subject = sendoTokenClaims(token)?.sub;
  return typeof subject === 'string' && subject !== '' ? subject : null;
}

/** Sendo product ids are numbers; anything else cannot be one of its listings. */
export function sendoProductId(externalId: string): number | null {
  return /^\d+$/.test(externalId) ? Number(externalId) : null;
}

/**
 * Reads a Sendo envelope `{success, result, error, status_code}`: null when it succeeded, else the
 * failure classified. 401 comes back as kind 'auth' with status 401, which the adapter treats as an
 * expired token on a call (log in again) and as refused keys at login.
 */
export function sendoFailure(httpStatus: number, body: unknown): MarketplaceError | null {
  const marketplace = 'sendo' as const;
  if (!isRecord(body) || typeof body.success !== 'boolean') {
    // not the marketplace's API answering (a web page, another service): nothing of it is told
    return unreachable(marketplace, 'unreadable', { status: httpStatus });
  }
  const status = typeof body.status_code === 'number' ? body.status_code : httpStatus;
  if (body.success && httpStatus < 400 && status < 400) return null;
  const message = messageOf(isRecord(body.error) ? body.error.message : undefined, `HTTP ${status}`);
  const options = { status, code: String(status), marketplace };
  if (status === 401 || status === 403) return new MarketplaceError('auth', `sendo: ${message}`, options);
  if (status === 429 || status >= 500) return new MarketplaceError('retryable', `sendo: ${message}`, options);
  return sendoRefusal(message, options);
}

/** How long to wait before trying again a product Sendo is still reviewing. */
export const SENDO_REVIEW_RETRY_MS = 15 * 60_000;

/**
 * A refusal of the data, from an envelope or from one field-mask item. A product awaiting approval
 * (status 1) refuses updates only until Sendo's review ends, which the connector cannot see
 * happen: that one is retried later instead of waiting for a change on our side.
 */
export function sendoRefusal(
  message: string,
  options: { status?: number; code?: string; marketplace?: 'sendo' } = {},
): MarketplaceError {
  if (/\bis in status 1 and cannot be updated/.test(message)) {
    return new MarketplaceError('retryable', message, {
      ...options,
      code: 'awaiting_approval',
      retryAfterMs: SENDO_REVIEW_RETRY_MS,
      marketplace: 'sendo',
    });
  }
  return new MarketplaceError('permanent', message, { ...options, marketplace: 'sendo' });
}
