import { grams, isRecord, messageOf, units, vnd } from '../adapter-support';
import { chunk } from '../batching';
import { unreachable } from '../http-client';
import { listingTitle } from '../listing-title';
import { ListingContent, MarketplaceError, StockPush } from '../port';

/** MARKETPLACES.md, Voso-style: at most 100 items per bulk stock call. */
export const VOSO_BULK_MAX_ITEMS = 100;
export const VOSO_TOKEN_LIFETIME_MS = 24 * 3600 * 1000;

export interface VosoProductBody {
  PRODUCT_NAME: string;
  CATEGORY_CODE: string;
  DESCRIPTION: string;
  IMAGES: string[];
  VARIANTS: { PRODUCT_SKU: string; PRICE: number; QUANTITY: number; WEIGHT: number }[];
}

/** The create/update body (the same for both); one VARIANT per SKU, keyed by our SKU code. */
export function vosoProductBody(content: ListingContent, categoryCode: string): VosoProductBody {
  return {
    PRODUCT_NAME: listingTitle(content.name, content.ocopStars),
    CATEGORY_CODE: categoryCode,
    DESCRIPTION: content.description,
    IMAGES: [...content.imageUrls],
    VARIANTS: content.variants.map((variant) => ({
      PRODUCT_SKU: variant.skuCode,
      PRICE: vnd(variant.priceVnd),
      QUANTITY: units(variant.quantity),
      WEIGHT: grams(variant.weightGrams),
    })),
  };
}

export interface VosoBulkItem {
  PRODUCT_SKU: string;
  QUANTITY: number;
}

/** Bulk stock calls of at most 100 items; a SKU named twice keeps its last figure. */
export function vosoStockCalls(
  pushes: readonly StockPush[],
): { items: VosoBulkItem[]; pushes: StockPush[] }[] {
  const latest = new Map<string, StockPush>();
  for (const push of pushes) {
    const sku = push.variantId || push.skuCode;
    latest.delete(sku);
    latest.set(sku, push);
  }
  return chunk([...latest.entries()], VOSO_BULK_MAX_ITEMS).map((batch) => {
    const skus = new Set(batch.map(([sku]) => sku));
    return {
      items: batch.map(([sku, push]) => ({ PRODUCT_SKU: sku, QUANTITY: units(push.quantity) })),
      pushes: pushes.filter((push) => skus.has(push.variantId || push.skuCode)),
    };
  });
}

/**
 * Reads a Voso envelope `{status, error, message, data}`. The body decides, not the HTTP code: a
 * stale token is an HTTP 200 with `status: 401`. Null when it succeeded; 401 comes back as kind
 * 'auth' with status 401 (an expired token on a call, refused credentials at login).
 */
export function vosoFailure(httpStatus: number, body: unknown): MarketplaceError | null {
  const marketplace = 'voso' as const;
  if (!isRecord(body) || typeof body.status !== 'number') {
    // not the marketplace's API answering (a web page, another service): nothing of it is told
    return unreachable(marketplace, 'unreadable', { status: httpStatus });
  }
  const status = body.status;
  if (status < 400 && body.error !== true && httpStatus < 400) return null;
  const effective = status >= 400 ? status : httpStatus >= 400 ? httpStatus : 400;
  const message = messageOf(body.message, `status ${effective}`);
  const options = { status: effective, code: String(effective), marketplace };
  if (effective === 401 || effective === 403)
    return new MarketplaceError('auth', `voso: ${message}`, options);
  if (effective === 429 || effective >= 500)
    return new MarketplaceError('retryable', `voso: ${message}`, options);
  return new MarketplaceError('permanent', message, options);
}
