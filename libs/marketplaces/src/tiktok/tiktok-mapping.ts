import type { ImageFile } from '../image-files';
import { grams, isRecord, messageOf, units, vnd } from '../adapter-support';
import { listingTitle } from '../listing-title';
import { AccessGrant, CancelReason, ListingContent, MarketplaceError } from '../port';

/** docs/marketplace-tiktok.md, "Products": the marketplace's limits on one product. */
export const TIKTOK_TITLE_MIN_LENGTH = 25;
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

/**
 * The listing title (name and OCOP badge, listingTitle). TikTok refuses titles under 25 characters,
 * which many OCOP names are ("Chè móc câu Tân Cương"): such a name is followed by its packs, which
 * a buyer looks for anyway ("Chè móc câu Tân Cương – Gói 100 g, Hộp 500 g · OCOP 4★"). A title still
 * too short, or an empty name, goes as it is, for TikTok to refuse in its own words.
 */
export function tiktokTitle(content: Pick<ListingContent, 'name' | 'ocopStars' | 'variants'>): string {
  const title = listingTitle(content.name, content.ocopStars, TIKTOK_TITLE_MAX_LENGTH);
  if (title === '' || [...title].length >= TIKTOK_TITLE_MIN_LENGTH) return title;
  const packs = [...new Set(content.variants.map((variant) => variant.name.trim()))].filter(Boolean);
  if (packs.length === 0) return title;
  return listingTitle(`${content.name} – ${packs.join(', ')}`, content.ocopStars, TIKTOK_TITLE_MAX_LENGTH);
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
    title: tiktokTitle(content),
    // TikTok refuses an empty description: a product the seller has not described is described by its title
    description: tiktokDescription(content.description) || tiktokDescription(tiktokTitle(content)),
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

/** docs/marketplace-tiktok.md, "Envelope and errors": the codes the adapter tells apart. */
export const TIKTOK_CODES = {
  invalidParams: '40006',
  notFound: '40004',
  wrongState: '40009',
  productInAudit: '12052901',
  rateLimited: '36009002',
  unavailable: '36009003',
  badTimestampOrAppKey: '36009004',
  badSign: '106001',
  invalidToken: '105001',
  expiredToken: '105002',
  shopCipher: '106013',
  invalidAuthCode: '36004004',
  invalidRefreshToken: '36004005',
} as const;

/** TikTok counts its rate limit in one-second windows: a throttled call may go again a second later. */
export const TIKTOK_THROTTLE_WAIT_MS = 1_000;
/**
 * How soon a product still in audit is worth asking again (the sandbox's audit delay defaults to 0 s
 * and TikTok names none): the engine's own backoff takes it from there.
 */
export const TIKTOK_AUDIT_WAIT_MS = 60_000;

/**
 * The MarketplaceError of an answer whose envelope is not `code: 0`, or null for a success. The
 * message is TikTok's own, unprefixed: "SKU X already belongs to product Y" is how the engine finds
 * the product a publish with a lost answer created (productHoldingSku).
 */
export function tiktokFailure(status: number, json: unknown): MarketplaceError | null {
  if (isRecord(json) && (json.code === 0 || json.code === '0')) return null;
  const code =
    isRecord(json) && (typeof json.code === 'number' || typeof json.code === 'string')
      ? String(json.code)
      : `http_${status}`;
  const message = messageOf(isRecord(json) ? json.message : undefined, `tiktok: HTTP ${status}`);
  const options = { status, code, marketplace: 'tiktok' as const };
  switch (code) {
    case TIKTOK_CODES.badTimestampOrAppKey:
      // a timestamp outside the window is our clock, not the credentials
      return /timestamp/i.test(message)
        ? new MarketplaceError('retryable', message, { ...options, code: 'clock_skew' })
        : new MarketplaceError('auth', message, options);
    case TIKTOK_CODES.badSign:
    case TIKTOK_CODES.invalidToken:
    case TIKTOK_CODES.expiredToken:
    case TIKTOK_CODES.invalidAuthCode:
    case TIKTOK_CODES.invalidRefreshToken:
      return new MarketplaceError('auth', message, options);
    case TIKTOK_CODES.productInAudit:
      return new MarketplaceError('retryable', message, { ...options, retryAfterMs: TIKTOK_AUDIT_WAIT_MS });
    case TIKTOK_CODES.rateLimited:
      return new MarketplaceError('retryable', message, {
        ...options,
        retryAfterMs: TIKTOK_THROTTLE_WAIT_MS,
      });
    case TIKTOK_CODES.unavailable:
      return new MarketplaceError('retryable', message, options);
    default:
      // a 401 is always about who calls; a body that is not TikTok's envelope may be a proxy's
      if (status === 401) return new MarketplaceError('auth', message, options);
      if (!isRecord(json))
        return new MarketplaceError('retryable', message, { ...options, code: 'unreadable' });
      return new MarketplaceError('permanent', message, options);
  }
}

/** Whether a refusal is about the access token only, which a renewed grant may cure. */
export function tokenRefused(failure: MarketplaceError): boolean {
  return (
    failure.options.code === TIKTOK_CODES.expiredToken || failure.options.code === TIKTOK_CODES.invalidToken
  );
}

/** The token calls' `data` as a grant; both `*_expire_in` are Unix times in seconds. */
export function tiktokGrant(data: unknown): AccessGrant | null {
  if (!isRecord(data)) return null;
  const { access_token, refresh_token, access_token_expire_in, refresh_token_expire_in } = data;
  if (typeof access_token !== 'string' || access_token === '' || typeof refresh_token !== 'string')
    return null;
  if (typeof access_token_expire_in !== 'number' || !Number.isFinite(access_token_expire_in)) return null;
  return {
    accessToken: access_token,
    refreshToken: refresh_token,
    accessExpiresAt: new Date(access_token_expire_in * 1000),
    refreshExpiresAt:
      typeof refresh_token_expire_in === 'number' && Number.isFinite(refresh_token_expire_in)
        ? new Date(refresh_token_expire_in * 1000)
        : null,
  };
}

/**
 * How far the marketplace's clock is from ours, read from the `Date` header of the answer that
 * refused our timestamp (whole seconds: the header's precision). Null when there is no usable header.
 */
export function clockOffsetMs(dateHeader: string | undefined, receivedAt: number): number | null {
  if (dateHeader === undefined) return null;
  const theirs = Date.parse(dateHeader);
  return Number.isNaN(theirs) ? null : theirs - receivedAt;
}

/** An image file as the connector supplies it for an upload. */

/** The multipart body of an image upload: the file as field `data`, and `use_case` MAIN_IMAGE. */
export function tiktokImageUpload(file: ImageFile, boundary: string): { contentType: string; body: Buffer } {
  const extension = file.contentType.split('/')[1]?.replace(/[^a-z]/g, '') || 'jpg';
  const part = (headers: string) => Buffer.from(`--${boundary}\r\n${headers}\r\n\r\n`, 'utf8');
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    body: Buffer.concat([
      part(
        `Content-Disposition: form-data; name="data"; filename="image.${extension}"\r\n` +
          `Content-Type: ${file.contentType}`,
      ),
      file.bytes,
      Buffer.from('\r\n', 'utf8'),
      part('Content-Disposition: form-data; name="use_case"'),
      Buffer.from(`MAIN_IMAGE\r\n--${boundary}--\r\n`, 'utf8'),
    ]),
  };
}

/**
 * The connector's cancel reasons in TikTok's words. The contract offers a seller two: out of stock,
 * and wrong price — the one that does not charge the seller with a stock failure, so it also
 * stands for a cancellation the seller or the buyer asked for.
 */
export const TIKTOK_CANCEL_REASONS: Readonly<Record<CancelReason, string>> = {
  out_of_stock: 'seller_cancel_reason_out_of_stock',
  seller_request: 'seller_cancel_reason_wrong_price',
  buyer_request: 'seller_cancel_reason_wrong_price',
};

/** `data.errors: [{code, message, detail: {sku_id | product_id}}]`, keyed by the id the detail names. */
export function tiktokItemErrors(
  data: unknown,
  idField: 'sku_id' | 'product_id',
): Map<string, MarketplaceError> {
  const errors = new Map<string, MarketplaceError>();
  const list = isRecord(data) && Array.isArray(data.errors) ? data.errors : [];
  for (const entry of list) {
    if (!isRecord(entry) || !isRecord(entry.detail)) continue;
    const id = entry.detail[idField];
    if (typeof id !== 'string') continue;
    errors.set(id, tiktokFailure(200, { code: entry.code, message: entry.message }) as MarketplaceError);
  }
  return errors;
}
