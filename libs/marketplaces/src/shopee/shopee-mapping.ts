import { grams, isRecord, messageOf, units, vnd } from '../adapter-support';
import type { ImageFile } from '../image-files';
import { listingTitle } from '../listing-title';
import { AccessGrant, ListingContent, MarketplaceError, StockPush } from '../port';

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

/** Shopee refuses an empty description: a product the seller has not described is described by its title. */
export function shopeeDescription(content: ListingContent): string {
  return content.description.trim() || listingTitle(content.name, content.ocopStars);
}

/**
 * The add_item body. With one variant the item is that SKU (`item_sku`, its price and stock);
 * with several, init_tier_variation adds them as models afterwards and the item carries the
 * cheapest price, no stock of its own and the heaviest weight, which its models inherit, so that
 * no parcel is declared lighter than it is. Its `item_sku` is then the first variant's: the repeat
 * of a publish whose answer was lost is refused at add_item, naming the item that holds the SKU,
 * before a second item exists (the models take their own SKUs, the first included).
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
    description: shopeeDescription(content),
    original_price: Math.min(...content.variants.map((variant) => vnd(variant.priceVnd))),
    weight: shopeeWeightKg(Math.max(...content.variants.map((variant) => variant.weightGrams))),
    dimension: shopeeDimension(parcel),
    category_id: categoryId,
    image: { image_id_list: [...imageIds] },
    logistic_info: logisticIds.map((logistic_id) => ({ logistic_id, enabled: true })),
    item_sku: content.variants[0].skuCode,
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

/** A refresh token lasts 30 days (docs/marketplace-shopee.md, "Tokens"); the answer does not say so. */
export const SHOPEE_REFRESH_LIFETIME_MS = 30 * 86_400_000;
/** Shopee's throttle is per second; its 429 names no wait. */
export const SHOPEE_THROTTLE_WAIT_MS = 1000;

/** The grant in a token answer (at top level, not under `response`); null when unreadable. */
export function shopeeGrant(answer: unknown, receivedAt: number): AccessGrant | null {
  if (!isRecord(answer)) return null;
  const { access_token: accessToken, refresh_token: refreshToken, expire_in: expireIn } = answer;
  if (typeof accessToken !== 'string' || accessToken === '') return null;
  if (typeof refreshToken !== 'string' || refreshToken === '') return null;
  if (typeof expireIn !== 'number' || !Number.isFinite(expireIn) || expireIn <= 0) return null;
  return {
    accessToken,
    refreshToken,
    accessExpiresAt: new Date(receivedAt + expireIn * 1000),
    refreshExpiresAt: new Date(receivedAt + SHOPEE_REFRESH_LIFETIME_MS),
  };
}

/**
 * The failure an answer's envelope `{error, message}` reports, or null for success (`error: ""`).
 * The message is Shopee's own (the SKU clash names the product holding it, which the engine
 * adopts). `error_auth` is the access token refused (the grant renews it); `error_sign` a wrong
 * partner key, which no renewal mends. An "Invalid timestamp" is our clock, worth a retry.
 */
export function shopeeFailure(status: number, answer: unknown): MarketplaceError | null {
  const marketplace = 'shopee' as const;
  if (!isRecord(answer)) {
    return new MarketplaceError('retryable', `shopee: unreadable answer (HTTP ${status})`, {
      status,
      code: 'unreadable',
      marketplace,
    });
  }
  const error = answer.error;
  if (error === '' || error === undefined || error === null) return null;
  const code = typeof error === 'string' ? error : String(error);
  const message = messageOf(answer.message, `shopee: ${code}`);
  const options = { status, code, marketplace };
  if (code === 'error_auth' || code === 'error_sign') return new MarketplaceError('auth', message, options);
  if (code === 'error_rate_limit') {
    return new MarketplaceError('retryable', message, { ...options, retryAfterMs: SHOPEE_THROTTLE_WAIT_MS });
  }
  if (code === 'error_server' || /timestamp/i.test(message)) {
    return new MarketplaceError('retryable', message, options);
  }
  return new MarketplaceError('permanent', message, options);
}

/** The multipart body of one upload_image call: each file an `image` part, in order. */
export function shopeeImageUpload(
  files: readonly ImageFile[],
  boundary: string,
): { contentType: string; body: Buffer } {
  const parts = files.flatMap((file, index) => {
    const extension = file.contentType.split('/')[1]?.replace(/[^a-z]/g, '') || 'jpg';
    return [
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="image${index + 1}.${extension}"\r\n` +
          `Content-Type: ${file.contentType}\r\n\r\n`,
        'utf8',
      ),
      file.bytes,
      Buffer.from('\r\n', 'utf8'),
    ];
  });
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`, 'utf8')]),
  };
}

/**
 * The image ids of an upload, in the order the files went: Shopee's current page answers
 * `image_info_list[].image_info`, the spec `image_info` (the first image only), and the sandbox
 * both; the list is read when present, the single one only for a single file. Null when unreadable.
 */
export function shopeeImageIds(response: unknown, count: number): string[] | null {
  if (!isRecord(response)) return null;
  const idOf = (info: unknown) =>
    isRecord(info) && typeof info.image_id === 'string' && info.image_id !== '' ? info.image_id : null;
  if (Array.isArray(response.image_info_list)) {
    const ids = response.image_info_list.map((entry: unknown) =>
      isRecord(entry) ? idOf(entry.image_info) : null,
    );
    return ids.length === count && ids.every((id): id is string => id !== null) ? ids : null;
  }
  const single = idOf(response.image_info);
  return count === 1 && single !== null ? [single] : null;
}

/**
 * What update_stock or update_price refused, by model id (`failure_list: [{model_id,
 * failed_reason}]`), each entry failing alone; an unreadable answer refuses none by name.
 */
export function shopeeEntryFailures(response: unknown): Map<number, MarketplaceError> {
  const failures = new Map<number, MarketplaceError>();
  const list = isRecord(response) && Array.isArray(response.failure_list) ? response.failure_list : [];
  for (const entry of list) {
    if (!isRecord(entry) || typeof entry.model_id !== 'number') continue;
    const reason = messageOf(entry.failed_reason, `model ${entry.model_id} refused`);
    // Shopee names no code per entry: a busy system is worth a retry, anything else is the data
    const kind = /busy|retry|timeout/i.test(reason) ? 'retryable' : 'permanent';
    failures.set(
      entry.model_id,
      new MarketplaceError(kind, reason, { code: 'entry_failed', marketplace: 'shopee' }),
    );
  }
  return failures;
}
