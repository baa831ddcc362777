import { Injectable } from '@nestjs/common';
import { ProductsService } from '@ocop/catalogue';
import { EVERYTHING } from '@ocop/common';
import type { ListingContent } from '@ocop/marketplaces';

/** What a channel is offered of a SKU: available less the connection's buffer, never below zero. */
export function offeredQuantity(available: number, stockBufferPercent: number): number {
  return Math.max(0, Math.floor((available * (100 - stockBufferPercent)) / 100));
}

/**
 * The desired state of a listing, read fresh from the catalogue whenever the worker runs: jobs
 * carry ids, never quantities or titles.
 */
@Injectable()
export class ListingContents {
  constructor(private readonly products: ProductsService) {}

  async of(productId: string, stockBufferPercent: number): Promise<ListingContent & { archived: boolean }> {
    const product = await this.products.get(EVERYTHING, productId);
    return {
      productId: product.id,
      name: product.name,
      description: product.description ?? '',
      category: product.category,
      imageUrls: product.imageUrls,
      ocopStars: product.ocop?.stars ?? null,
      archived: product.status === 'archived',
      variants: product.skus.map((sku) => ({
        skuCode: sku.code,
        name: sku.name,
        priceVnd: sku.priceVnd,
        weightGrams: sku.weightGrams,
        quantity: offeredQuantity(sku.available, stockBufferPercent),
      })),
    };
  }

  /**
   * What a stock push offers of each product's SKUs, for many products in one query: a run pushes
   * the stock of a shop's lagging listings together, and one read per listing was a round trip each.
   */
  async stockOf(
    productIds: string[],
    stockBufferPercent: number,
  ): Promise<Map<string, { skuCode: string; quantity: number }[]>> {
    const stock = await this.products.stockOf(productIds);
    return new Map(
      [...stock].map(([productId, skus]) => [
        productId,
        skus.map((sku) => ({
          skuCode: sku.code,
          quantity: offeredQuantity(sku.available, stockBufferPercent),
        })),
      ]),
    );
  }
}
