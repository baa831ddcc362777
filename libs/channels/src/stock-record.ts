/**
 * What a run read and pushed of one listing's stock, as SQL expressions of the statement that
 * records it: the record's version the run read (bigint), the figures pushed (jsonb) and the SKUs
 * pushed (text[]).
 */
export interface StockRecordInputs {
  version: string;
  figures: string;
  skus: string;
}

/**
 * The SET clause that records what a run pushed as what the marketplace holds (`synced_stock`).
 * The figures are recorded only if the record's version is still the one the run read before it
 * pushed. Otherwise something wrote the record meanwhile — another run that took this one's job
 * over after a stall and pushed a newer figure, or an order after which the marketplace moved its
 * own stock — and nobody can tell in which order the marketplace applied the pushes: the SKUs this
 * run pushed are forgotten instead, and the listing made to lag, so the next run pushes the figure
 * of that moment. `merge` adds the figures to the record (a stock push); `replace` makes them the
 * record (a full update). Column names are the target's, unqualified: the inputs must not name
 * `synced_stock`, `synced_stock_version` or `desired_version` of another relation.
 */
export function stockRecord(
  mode: 'merge' | 'replace',
  { version, figures, skus }: StockRecordInputs,
): string {
  const recorded = mode === 'merge' ? `synced_stock || ${figures}` : figures;
  return `synced_stock = CASE WHEN synced_stock_version = ${version} THEN ${recorded}
                              ELSE synced_stock - ${skus} END,
          desired_version = desired_version + CASE
            WHEN synced_stock_version = ${version} OR cardinality(${skus}) = 0 THEN 0 ELSE 1 END,
          synced_stock_version = synced_stock_version + 1`;
}

/** Appends one listing's record inputs to a statement's parameters (a statement per listing). */
export function stockRecordParameters(
  listing: { syncedStockVersion: number },
  stock: Record<string, number>,
  pushed: string[],
  parameters: unknown[],
): StockRecordInputs {
  const at = (value: unknown) => `$${parameters.push(value)}`;
  return {
    version: at(listing.syncedStockVersion),
    figures: `${at(JSON.stringify(stock))}::jsonb`,
    skus: `${at(pushed)}::text[]`,
  };
}
