import type { Listing } from './entities';

/**
 * The SET clause that records what a run pushed as what the marketplace holds (`synced_stock`);
 * its parameters are appended to `parameters`. The figures are recorded only if the record's
 * version is still the one the run read before it pushed. Otherwise something wrote the record
 * meanwhile — another run that took this one's job over after a stall and pushed a newer figure,
 * or an order after which the marketplace moved its own stock — and nobody can tell in which order
 * the marketplace applied the pushes: the SKUs this run pushed are forgotten instead, and the
 * listing made to lag, so the next run pushes the figure of that moment. `merge` adds the figures
 * to the record (a stock push); `replace` makes them the record (a full update).
 */
export function stockRecord(
  listing: Pick<Listing, 'syncedStockVersion'>,
  mode: 'merge' | 'replace',
  stock: Record<string, number>,
  pushed: string[],
  parameters: unknown[],
): string {
  const at = (value: unknown) => `$${parameters.push(value)}`;
  const version = at(listing.syncedStockVersion);
  const figures = at(JSON.stringify(stock));
  const skus = at(pushed);
  const recorded = mode === 'merge' ? `synced_stock || ${figures}::jsonb` : `${figures}::jsonb`;
  return `synced_stock = CASE WHEN synced_stock_version = ${version} THEN ${recorded}
                              ELSE synced_stock - ${skus}::text[] END,
          desired_version = desired_version + CASE
            WHEN synced_stock_version = ${version} OR cardinality(${skus}::text[]) = 0 THEN 0 ELSE 1 END,
          synced_stock_version = synced_stock_version + 1`;
}
