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
  return stockRecordOf(mode, {
    version: at(listing.syncedStockVersion),
    figures: `${at(JSON.stringify(stock))}::jsonb`,
    skus: `${at(pushed)}::text[]`,
  });
}

/**
 * The same SET clause over SQL expressions of the version read, the figures (jsonb) and the SKUs
 * pushed (text[]): parameters, or the columns of a row set when many listings are recorded at once.
 */
export function stockRecordOf(
  mode: 'merge' | 'replace',
  read: { version: string; figures: string; skus: string },
): string {
  const recorded = mode === 'merge' ? `synced_stock || ${read.figures}` : read.figures;
  return `synced_stock = CASE WHEN synced_stock_version = ${read.version} THEN ${recorded}
                              ELSE synced_stock - ${read.skus} END,
          desired_version = desired_version + CASE
            WHEN synced_stock_version = ${read.version} OR cardinality(${read.skus}) = 0 THEN 0 ELSE 1 END,
          synced_stock_version = synced_stock_version + 1`;
}
