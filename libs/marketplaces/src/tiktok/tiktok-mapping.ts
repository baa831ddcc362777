import { grams, isRecord, units, vnd } from '../adapter-support';
import { listingTitle } from '../listing-title';
import { ListingContent } from '../port';

/** docs/marketplace-tiktok.md, "Products": the marketplace's limits on one product. */
export const TIKTOK_TITLE_MAX_LENGTH = 255;
export const TIKTOK_MAX_IMAGES = 9;
export const TIKTOK_MAX_SKUS = 100;
export const TIKTOK_MAX_QUANTITY = 99_999;
/** The sales attribute a product with several SKUs tells them apart by (its pack, quy cách). */
export const TIKTOK_SALES_ATTRIBUTE = 'Quy cách';

/**
 * Grams as TikTok's KILOGRAM decimal string, exact to the gram (500 → "0.5", 1250 → "1.25",
 * 3 → "0.003"): the catalogue's weight is rounded to whole grams first, so the string never carries
 * more than three decimals.
 */
export function tiktokPackageWeight(weightGrams: number): { value: string; unit: 'KILOGRAM' } {
  const whole = Math.max(0, grams(weightGrams));
  const kilograms = Math.floor(whole / 1000);
  const rest = String(whole % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '');
  return { value: rest === '' ? String(kilograms) : `${kilograms}.${rest}`, unit: 'KILOGRAM' };
}

/** Centimetres as TikTok's whole-number strings, rounded up so the parcel is never declared smaller. */
export function tiktokPackageDimensions(cm: { length: number; width: number; height: number }): {
  length: string;
  width: string;
  height: string;
  unit: 'CENTIMETER';
} {
  const side = (value: number) => String(Math.max(1, Math.ceil(value)));
  return { length: side(cm.length), width: side(cm.width), height: side(cm.height), unit: 'CENTIMETER' };
}

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** TikTok takes HTML descriptions: the catalogue's plain text, escaped, one paragraph per line. */
export function tiktokDescription(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => `<p>${escapeHtml(line)}</p>`)
    .join('');
}

export interface TiktokProductBody {
  title: string;
  description: string;
  category_id: string;
  main_images: { uri: string }[];
  package_weight: { value: string; unit: 'KILOGRAM' };
  skus: {
    seller_sku: string;
    price: { amount: string; currency: 'VND' };
    inventory: { warehouse_id: string; quantity: number }[];
    sales_attributes?: { name: string; value_name: string }[];
  }[];
  idempotency_key?: string;
}

/**
 * The create body. A TikTok product has one package weight, so it is the heaviest SKU's (the parcel
 * must hold any of them); several SKUs are told apart by their pack name; quantities above what
 * TikTok takes are sent as its maximum. `imageUris` are the URIs the image upload answered.
 */
export function tiktokProductBody(
  content: ListingContent,
  categoryId: string,
  imageUris: string[],
  warehouseId: string,
  idempotencyKey?: string,
): TiktokProductBody {
  const several = content.variants.length > 1;
  const heaviest = Math.max(0, ...content.variants.map((variant) => variant.weightGrams));
  return {
    title: listingTitle(content.name, content.ocopStars, TIKTOK_TITLE_MAX_LENGTH),
    description: tiktokDescription(content.description),
    category_id: categoryId,
    main_images: imageUris.slice(0, TIKTOK_MAX_IMAGES).map((uri) => ({ uri })),
    package_weight: tiktokPackageWeight(heaviest),
    skus: content.variants.map((variant) => ({
      seller_sku: variant.skuCode,
      price: { amount: String(vnd(variant.priceVnd)), currency: 'VND' },
      inventory: [
        { warehouse_id: warehouseId, quantity: Math.min(units(variant.quantity), TIKTOK_MAX_QUANTITY) },
      ],
      ...(several ? { sales_attributes: [{ name: TIKTOK_SALES_ATTRIBUTE, value_name: variant.name }] } : {}),
    })),
    ...(idempotencyKey === undefined ? {} : { idempotency_key: idempotencyKey }),
  };
}

/** Maps `data: {product_id, skus: [{id, seller_sku}]}` to our SKU codes' TikTok SKU ids. */
export function tiktokPublished(
  data: unknown,
): { externalId: string; variantIds: Record<string, string> } | null {
  if (!isRecord(data) || typeof data.product_id !== 'string' || !Array.isArray(data.skus)) return null;
  const variantIds: Record<string, string> = {};
  for (const sku of data.skus) {
    if (isRecord(sku) && typeof sku.seller_sku === 'string' && typeof sku.id === 'string')
      variantIds[sku.seller_sku] = sku.id;
  }
  return { externalId: data.product_id, variantIds };
}
