import { randomUUID } from 'node:crypto';
import type { CallGate, ListingContent, Marketplace, MarketplaceError, ShopAccess } from '@ocop/marketplaces';
import { Sandbox } from '../../../apps/marketplace-sandbox/src/sandbox';
import { control } from '../sandbox/helpers';

export { startTestSandbox, control, http } from '../sandbox/helpers';

/** The category codes of config/reference/categories.json for the categories these suites use. */
export const CATEGORY_CODES = {
  tea: { sendo: 2318, voso: 'THUC_PHAM_CHE', postmart: 'food-tea' },
  honey: { sendo: 2322, voso: 'THUC_PHAM_MAT_ONG', postmart: 'food-honey' },
};

export type Control = ReturnType<typeof control>;

/** A fresh sandbox shop and the ShopAccess the connector would hold for it. */
export async function newShop(
  sandbox: Sandbox,
  marketplace: Marketplace,
  faults: Record<string, unknown> = {},
): Promise<{ shop: ShopAccess; ctl: Control; shopId: string }> {
  const ctl = control(sandbox.urls[marketplace]);
  const created = await ctl.createShop();
  if (Object.keys(faults).length > 0) expect((await ctl.faults(created.shopId, faults)).status).toBe(200);
  return {
    ctl,
    shopId: created.shopId,
    shop: {
      connectionId: randomUUID(),
      marketplace,
      shopId: created.shopId,
      baseUrl: sandbox.urls[marketplace],
      credentials: created.credentials,
    },
  };
}

/** Chè tôm nõn with three SKUs; `tag` keeps SKU codes unique within a shop. */
export function teaProduct(tag = 'T', overrides: Partial<ListingContent> = {}): ListingContent {
  return {
    productId: randomUUID(),
    name: 'Chè tôm nõn Hảo Đạt',
    description: 'Chè đặc sản Tân Cương, Thái Nguyên',
    category: 'tea',
    imageUrls: ['https://img.example/che-1.jpg', 'https://img.example/che-2.jpg'],
    ocopStars: 5,
    variants: [
      { skuCode: `${tag}-100G`, name: 'Gói 100 g', priceVnd: 120_000, weightGrams: 100, quantity: 10 },
      { skuCode: `${tag}-200G`, name: 'Gói 200 g', priceVnd: 230_000, weightGrams: 200, quantity: 0 },
      { skuCode: `${tag}-500G`, name: 'Hộp 500 g', priceVnd: 550_000, weightGrams: 500, quantity: 7 },
    ],
    ...overrides,
  };
}

/** A product with `count` SKUs, for the batching checks. */
export function honeyProduct(tag: string, count: number): ListingContent {
  return {
    productId: randomUUID(),
    name: `Mật ong hoa nhãn ${tag}`,
    description: 'Mật ong Đại Từ',
    category: 'honey',
    imageUrls: [],
    ocopStars: null,
    variants: Array.from({ length: count }, (_, i) => ({
      skuCode: `${tag}-${i}`,
      name: `${i}`,
      priceVnd: 150_000 + i,
      weightGrams: 500,
      quantity: 1,
    })),
  };
}

/** The listing as the sandbox holds it. */
export async function heldListing(ctl: Control, shopId: string, productId: string): Promise<any> {
  const listings = (await ctl.listings(shopId)) as any[];
  return listings.find((listing) => listing.productId === productId);
}

export async function rejection(promise: Promise<unknown>): Promise<MarketplaceError> {
  try {
    await promise;
  } catch (error) {
    return error as MarketplaceError;
  }
  throw new Error('expected a MarketplaceError, the call succeeded');
}

/** A gate that counts the calls it lets through. */
export function countingGate(): CallGate & { calls: number } {
  const gate = {
    calls: 0,
    beforeCall: async () => {
      gate.calls++;
    },
  };
  return gate;
}

export function byStatus(variants: { sku: string }[]): Record<string, any> {
  return Object.fromEntries(variants.map((variant) => [variant.sku, variant]));
}
