import {
  CategoryCodes,
  ListingContent,
  Marketplace,
  MarketplaceError,
  StockPush,
  StockPushResult,
} from './port';

/** The marketplace's category code for one of the connector's sales category slugs. */
export function categoryCode<M extends Marketplace>(
  codes: CategoryCodes,
  slug: string,
  marketplace: M,
): CategoryCodes[string][M] {
  const code = codes[slug]?.[marketplace];
  if (code === undefined || code === null || code === '') {
    // A data problem on our side: retrying will not help until the reference data or product changes.
    throw new MarketplaceError(
      'permanent',
      `no ${marketplace} category code for the sales category "${slug}"`,
      {
        code: 'unknown_category',
        marketplace,
      },
    );
  }
  return code;
}

/** Refuses content no marketplace can take, before spending a call on it. */
export function checkContent(content: ListingContent, marketplace: Marketplace): void {
  if (content.variants.length === 0) {
    throw new MarketplaceError('permanent', 'a listing needs at least one SKU', {
      code: 'no_variants',
      marketplace,
    });
  }
}

/** VND has no minor unit: marketplaces take whole dong. */
export const vnd = (amount: number): number => Math.round(amount);
/** Weights travel in whole grams. */
export const grams = (weight: number): number => Math.round(weight);
/** Stock figures are whole and never negative. */
export const units = (quantity: number): number => Math.max(0, Math.floor(quantity));

export function okResult(item: StockPush): StockPushResult {
  return { skuCode: item.skuCode, externalId: item.externalId, ok: true };
}

export function failedResult(item: StockPush, error: MarketplaceError): StockPushResult {
  return { skuCode: item.skuCode, externalId: item.externalId, ok: false, error };
}

/** Anything thrown below an adapter (a gate, a bug) still reaches the engine as a MarketplaceError. */
export function asMarketplaceError(error: unknown, marketplace: Marketplace): MarketplaceError {
  if (error instanceof MarketplaceError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new MarketplaceError('retryable', `${marketplace}: ${message}`, { code: 'unexpected', marketplace });
}

/** A message from an envelope, or a fallback when the marketplace gave none. */
export function messageOf(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.trim() !== '' ? value : fallback;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
