/**
 * What "Đăng bán lên…" and "Ngừng bán" ask of the API for the selected products and the chosen
 * shops: a product is listed only where it has no live listing and taken down only where it has
 * one; the rest is skipped, and said so. Listing goes to POST /v1/listings/bulk, at most
 * `bulkLimit` products a call per shop; taking down is one DELETE per listing.
 */
export interface PlannedShop<P> {
  shopId: string;
  products: P[];
}

export interface ListingPlan<P, L> {
  /** one entry per call of POST /v1/listings/bulk */
  list: PlannedShop<P>[];
  /** one entry per DELETE /v1/listings/:id */
  delist: { shopId: string; product: P; listing: L }[];
  skipped: number;
}

export function planListings<P, L>(
  action: 'list' | 'delist',
  products: P[],
  shopIds: string[],
  liveListing: (product: P, shopId: string) => L | undefined,
  bulkLimit: number,
): ListingPlan<P, L> {
  const plan: ListingPlan<P, L> = { list: [], delist: [], skipped: 0 };
  for (const shopId of shopIds) {
    const toList: P[] = [];
    for (const product of products) {
      const listing = liveListing(product, shopId);
      if (action === 'list' && !listing) toList.push(product);
      else if (action === 'delist' && listing) plan.delist.push({ shopId, product, listing });
      else plan.skipped += 1;
    }
    for (let from = 0; from < toList.length; from += bulkLimit) {
      plan.list.push({ shopId, products: toList.slice(from, from + bulkLimit) });
    }
  }
  return plan;
}
