import type { AdapterOptions } from './sendo/sendo-adapter';
import { SendoAdapter } from './sendo/sendo-adapter';
import { VosoAdapter } from './voso/voso-adapter';
import { PostmartAdapter } from './postmart/postmart-adapter';
import { CallGate, CategoryCodes, Marketplace, MarketplaceAdapter } from './port';

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
  };
}

/**
 * Builds the CategoryCodes map from sales categories as config/reference/categories.json holds
 * them (`{slug, marketplaces: {sendo, voso, postmart}}`). Throws when a category lacks a code, so a
 * gap in the reference data stops start-up instead of failing listings one by one.
 */
export function categoryCodesFrom(
  categories: readonly { slug: string; marketplaces?: Partial<CategoryCodes[string]> | null }[],
): CategoryCodes {
  const codes: CategoryCodes = {};
  for (const category of categories) {
    const m = category.marketplaces;
    if (
      !m ||
      typeof m.sendo !== 'number' ||
      typeof m.voso !== 'string' ||
      typeof m.postmart !== 'string' ||
      !m.voso ||
      !m.postmart
    ) {
      throw new Error(
        `sales category "${category.slug}" lacks a marketplace category code (sendo number, voso and postmart strings)`,
      );
    }
    codes[category.slug] = { sendo: m.sendo, voso: m.voso, postmart: m.postmart };
  }
  return codes;
}
