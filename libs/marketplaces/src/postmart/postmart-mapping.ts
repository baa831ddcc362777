import { grams, isRecord, messageOf, units, vnd } from '../adapter-support';
import { unreachable } from '../http-client';
import { listingTitle } from '../listing-title';
import { ListingContent, MarketplaceError } from '../port';

/** Postmart takes one SKU per stock call. */
export const POSTMART_STOCK_ITEMS_PER_CALL = 1;
/** How many single-SKU stock calls of one pushStock run at once (the call gate still paces them). */
export const POSTMART_STOCK_CONCURRENCY = 8;

export interface PostmartProductBody {
  shop_id: string;
  name: string;
  category: string;
  description: string;
  images: string[];
  skus: { seller_sku: string; price: number; quantity: number; weight_grams: number }[];
}

/** The create/update body; one `skus` entry per SKU, our SKU code as `seller_sku`. */
export function postmartProductBody(
  shopId: string,
  content: ListingContent,
  category: string,
): PostmartProductBody {
  return {
    shop_id: shopId,
    name: listingTitle(content.name, content.ocopStars),
    category,
    description: content.description,
    images: [...content.imageUrls],
    skus: content.variants.map((variant) => ({
      seller_sku: variant.skuCode,
      price: vnd(variant.priceVnd),
      quantity: units(variant.quantity),
      weight_grams: grams(variant.weightGrams),
    })),
  };
}

/** Maps `data: {product_id, skus: [{seller_sku, sku_id}]}` to our SKU codes' variant ids. */
export function postmartPublished(
  data: unknown,
): { externalId: string; variantIds: Record<string, string> } | null {
  if (!isRecord(data) || typeof data.product_id !== 'string' || !Array.isArray(data.skus)) return null;
  const variantIds: Record<string, string> = {};
  for (const sku of data.skus) {
    if (isRecord(sku) && typeof sku.seller_sku === 'string' && typeof sku.sku_id === 'string')
      variantIds[sku.seller_sku] = sku.sku_id;
  }
  return { externalId: data.product_id, variantIds };
}

/**
 * Reads a Postmart envelope `{code, message, request_id, data}`, whose errors come inside HTTP 200.
 * - IncompleteSignature: unknown app_key or a signature made with another secret → 'auth'.
 * - InvalidTimestamp: our clock is more than 5 minutes off theirs. Neither the credentials nor the
 *   listing are at fault and it heals once the clocks agree → 'retryable'.
 * - ApiCallLimit → 'retryable' (the wait it names, when it names one).
 * - InvalidParameter, NotFound → 'permanent' with the marketplace's message.
 * - anything else (InternalError, unknown codes) → 'retryable'.
 */
export function postmartFailure(httpStatus: number, body: unknown): MarketplaceError | null {
  const marketplace = 'postmart' as const;
  if (!isRecord(body) || typeof body.code !== 'string') {
    // not the marketplace's API answering (a web page, another service): nothing of it is told
    return unreachable(marketplace, 'unreadable', { status: httpStatus });
  }
  if (body.code === '0' && httpStatus < 400) return null;
  const code = body.code;
  const message = messageOf(body.message, code);
  const options = { status: httpStatus, code, marketplace };
  switch (code) {
    case 'IncompleteSignature':
      return new MarketplaceError('auth', `postmart: ${message}`, options);
    case 'InvalidParameter':
    case 'NotFound':
      return new MarketplaceError('permanent', message, options);
    case 'ApiCallLimit': {
      const wait = /retry in (\d+(?:\.\d+)?)\s*s/i.exec(message);
      return new MarketplaceError('retryable', `postmart: ${message}`, {
        ...options,
        retryAfterMs: wait ? Math.round(Number(wait[1]) * 1000) : undefined,
      });
    }
    default:
      return new MarketplaceError('retryable', `postmart: ${message}`, options);
  }
}
