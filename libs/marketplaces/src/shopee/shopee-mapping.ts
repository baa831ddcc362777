import { grams, units, vnd } from '../adapter-support';
import { listingTitle } from '../listing-title';
import { ListingContent, MarketplaceError, StockPush } from '../port';

/** docs/marketplace-shopee.md: one item per stock or price call, at most 50 entries. */
export const SHOPEE_ENTRIES_PER_CALL = 50;
export const SHOPEE_MAX_MODELS = 50;
export const SHOPEE_MAX_IMAGES = 9;
/** No variant may cost more than this many times the cheapest one of its item. */
export const SHOPEE_PRICE_RATIO = 5;

/** Catalogue grams to Shopee's kilograms (a float), from whole grams as every style sends them. */
export function shopeeWeightKg(weightGrams: number): number {
  return grams(weightGrams) / 1000;
}

export interface PackageCm {
  lengthCm: number;
  widthCm: number;
  heightCm: number;
}

/**
 * A parcel's sides in Shopee's whole centimetres, each rounded up (a parcel declared smaller than
 * it is gets re-weighed and surcharged) and at least 1.
 */
export function shopeeDimension(parcel: PackageCm) {
  const side = (cm: number) => Math.max(1, Math.ceil(cm));
  return {
    package_length: side(parcel.lengthCm),
    package_width: side(parcel.widthCm),
    package_height: side(parcel.heightCm),
  };
}

/** The store id of a variant: "<item_id>:<model_id>", model 0 for an item without variants. */
export function shopeeVariantId(itemId: number | string, modelId: number | string): string {
  return `${itemId}:${modelId}`;
}

/** Item and model ids from a variant id; null when it is not one of ours. */
export function shopeeModelRef(variantId: string): { itemId: number; modelId: number } | null {
  const match = /^(\d{1,18}):(\d{1,18})$/.exec(variantId);
  return match ? { itemId: Number(match[1]), modelId: Number(match[2]) } : null;
}

/** Refuses what Shopee refuses before a call is spent: too many variants or images, prices too far apart. */
export function checkShopeeContent(content: ListingContent): void {
  const refuse = (code: string, message: string) => {
    throw new MarketplaceError('permanent', `shopee: ${message}`, { code });
  };
  if (content.variants.length > SHOPEE_MAX_MODELS)
    refuse('too_many_variants', `an item takes at most ${SHOPEE_MAX_MODELS} variants`);
  if (content.imageUrls.length > SHOPEE_MAX_IMAGES)
    refuse('too_many_images', `an item takes at most ${SHOPEE_MAX_IMAGES} images`);
  const prices = content.variants.map((variant) => vnd(variant.priceVnd));
  if (prices.length > 0 && Math.max(...prices) > SHOPEE_PRICE_RATIO * Math.min(...prices))
    refuse('price_spread', `a variant may not cost more than ${SHOPEE_PRICE_RATIO} times the cheapest`);
}

/**
 * The add_item body. With one variant the item is that SKU (`item_sku`, its price and stock);
 * with several, init_tier_variation adds them as models afterwards and the item carries the
 * cheapest price, no stock of its own and the heaviest weight, which its models inherit, so that
 * no parcel is declared lighter than it is.
 */
export function shopeeAddItemBody(
  content: ListingContent,
  categoryId: number,
  imageIds: readonly string[],
  logisticIds: readonly number[],
  parcel: PackageCm,
) {
  const single = content.variants.length === 1 ? content.variants[0] : undefined;
  return {
    item_name: listingTitle(content.name, content.ocopStars),
    description: content.description,
    original_price: Math.min(...content.variants.map((variant) => vnd(variant.priceVnd))),
    weight: shopeeWeightKg(Math.max(...content.variants.map((variant) => variant.weightGrams))),
    dimension: shopeeDimension(parcel),
    category_id: categoryId,
    image: { image_id_list: [...imageIds] },
    logistic_info: logisticIds.map((logistic_id) => ({ logistic_id, enabled: true })),
    ...(single ? { item_sku: single.skuCode } : {}),
    seller_stock: [{ stock: single ? units(single.quantity) : 0 }],
  };
}

/** The init_tier_variation body: one tier whose options are the variants' names, one model per SKU. */
export function shopeeTierVariationBody(itemId: number, content: ListingContent, tierName = 'Phân loại') {
  return {
    item_id: itemId,
    tier_variation: [
      { name: tierName, option_list: content.variants.map((variant) => ({ option: variant.name })) },
    ],
    model: content.variants.map((variant, index) => ({
      tier_index: [index],
      original_price: vnd(variant.priceVnd),
      model_sku: variant.skuCode,
      seller_stock: [{ stock: units(variant.quantity) }],
    })),
  };
}

/**
 * Our SKU codes' variant ids from add_item's `response.item_id` and, for an item with variants,
 * init_tier_variation's `response.model: [{model_id, model_sku}]`; null when unreadable.
 */
export function shopeePublished(
  content: ListingContent,
  itemResponse: unknown,
  tierResponse?: unknown,
): { externalId: string; variantIds: Record<string, string> } | null {
  const itemId = (itemResponse as { item_id?: unknown } | null)?.item_id;
  if (typeof itemId !== 'number' || !Number.isSafeInteger(itemId)) return null;
  const variantIds: Record<string, string> = {};
  if (content.variants.length === 1 && tierResponse === undefined) {
    variantIds[content.variants[0].skuCode] = shopeeVariantId(itemId, 0);
  } else {
    const models = (tierResponse as { model?: unknown } | null)?.model;
    if (!Array.isArray(models)) return null;
    for (const model of models as { model_id?: unknown; model_sku?: unknown }[]) {
      if (typeof model?.model_sku === 'string' && typeof model.model_id === 'number')
        variantIds[model.model_sku] = shopeeVariantId(itemId, model.model_id);
    }
  }
  return { externalId: String(itemId), variantIds };
}

/**
 * Stock pushes as update_stock bodies: one item per call, at most 50 entries, in the order the
 * pushes came. A push whose variant id is not an "<item>:<model>" of its item is returned apart.
 */
export function shopeeStockCalls(pushes: readonly StockPush[]) {
  const byItem = new Map<string, { push: StockPush; modelId: number }[]>();
  const unaddressable: StockPush[] = [];
  for (const push of pushes) {
    const ref = shopeeModelRef(push.variantId);
    if (!ref || String(ref.itemId) !== push.externalId) {
      unaddressable.push(push);
      continue;
    }
    const entries = byItem.get(push.externalId) ?? [];
    entries.push({ push, modelId: ref.modelId });
    byItem.set(push.externalId, entries);
  }
  const calls: { body: { item_id: number; stock_list: unknown[] }; pushes: StockPush[] }[] = [];
  for (const [itemId, entries] of byItem) {
    for (let start = 0; start < entries.length; start += SHOPEE_ENTRIES_PER_CALL) {
      const chunk = entries.slice(start, start + SHOPEE_ENTRIES_PER_CALL);
      calls.push({
        body: {
          item_id: Number(itemId),
          stock_list: chunk.map(({ push, modelId }) => ({
            model_id: modelId,
            seller_stock: [{ stock: units(push.quantity) }],
          })),
        },
        pushes: chunk.map(({ push }) => push),
      });
    }
  }
  return { calls, unaddressable };
}
