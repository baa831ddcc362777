import type { AdapterOptions } from './sendo/sendo-adapter';
import { SendoAdapter } from './sendo/sendo-adapter';
import { VosoAdapter } from './voso/voso-adapter';
import { PostmartAdapter } from './postmart/postmart-adapter';
import { ShopeeAdapter } from './shopee/shopee-adapter';
import { TiktokAdapter } from './tiktok/tiktok-adapter';
import { LazadaAdapter } from './lazada/lazada-adapter';
import { CallGate, CategoryCodes, Marketplace, MARKETPLACES, MarketplaceAdapter } from './port';

/** One adapter per marketplace, sharing the category codes and the call gate. */
export function createAdapters(
  categoryCodes: CategoryCodes,
  gate?: CallGate,
  options: Omit<AdapterOptions, 'gate'> = {},
): Record<Marketplace, MarketplaceAdapter> {
  return {
    sendo: new SendoAdapter(categoryCodes, { ...options, gate }),
    voso: new VosoAdapter(categoryCodes, { ...options, gate }),
    postmart: new PostmartAdapter(categoryCodes, { ...options, gate }),
    shopee: new ShopeeAdapter(categoryCodes, { ...options, gate }),
    tiktok: new TiktokAdapter(categoryCodes, { ...options, gate }),
    lazada: new LazadaAdapter(categoryCodes, { ...options, gate }),
  };
}

/** What each marketplace's category code is: Sendo's, Shopee's and Lazada's numbers, the others' text. */
const CODE_KINDS: { [M in Marketplace]: 'number' | 'string' } = {
  sendo: 'number',
  voso: 'string',
  postmart: 'string',
  shopee: 'number',
  tiktok: 'string',
  lazada: 'number',
};

/**
 * Builds the CategoryCodes map from sales categories as config/reference/categories.json holds
 * them (`{slug, marketplaces: {sendo, voso, …}}`). Throws when a category lacks a code, so a gap in
 * the reference data stops start-up instead of failing listings one by one.
 */
export function categoryCodesFrom(
  categories: readonly { slug: string; marketplaces?: Partial<CategoryCodes[string]> | null }[],
): CategoryCodes {
  const codes: CategoryCodes = {};
  for (const category of categories) {
    const m = category.marketplaces ?? {};
    const missing = MARKETPLACES.filter((marketplace) => {
      const code: unknown = m[marketplace];
      return CODE_KINDS[marketplace] === 'number'
        ? typeof code !== 'number'
        : typeof code !== 'string' || code === '';
    });
    if (missing.length > 0) {
      throw new Error(
        `sales category "${category.slug}" lacks a marketplace category code for ${missing.join(', ')} ` +
          `(${MARKETPLACES.map((marketplace) => `${marketplace} ${CODE_KINDS[marketplace]}`).join(', ')})`,
      );
    }
    codes[category.slug] = m as CategoryCodes[string];
  }
  return codes;
}
