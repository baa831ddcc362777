import { Inject, Injectable } from '@nestjs/common';
import { MARKETPLACE_ADAPTERS, type MarketplaceAdapters } from '@ocop/channels';
import type { MarketplaceOrder, OrderHint, ShopAccess } from '@ocop/marketplaces';

/**
 * How long a read waits for others of the same connection to join it. The inbox processor takes
 * several stored webhooks at once; their reads arrive within a few milliseconds of each other.
 */
const GATHER_MS = 20;

interface Waiter {
  hint: OrderHint;
  resolve: (order: MarketplaceOrder | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * Reads the orders that pushes name from their marketplace (a push is only a hint: issue 13 #7).
 * The reads of one connection that arrive together are made as one `readOrders` call, so a burst
 * of Voso or Postmart webhooks costs one search of the order list, not one per webhook.
 */
@Injectable()
export class OrderReads {
  private readonly gathering = new Map<string, { shop: ShopAccess; waiters: Waiter[] }>();

  constructor(@Inject(MARKETPLACE_ADAPTERS) private readonly adapters: MarketplaceAdapters) {}

  /** The order as the marketplace holds it now, or undefined when the marketplace does not know it. */
  read(shop: ShopAccess, hint: OrderHint): Promise<MarketplaceOrder | undefined> {
    return new Promise((resolve, reject) => {
      const batch = this.gathering.get(shop.connectionId);
      if (batch) {
        batch.waiters.push({ hint, resolve, reject });
        return;
      }
      this.gathering.set(shop.connectionId, { shop, waiters: [{ hint, resolve, reject }] });
      setTimeout(() => void this.flush(shop.connectionId), GATHER_MS);
    });
  }

  /** Several orders of one shop, in the order of `hints`, as one read (undefined where unknown). */
  async readMany(shop: ShopAccess, hints: OrderHint[]): Promise<(MarketplaceOrder | undefined)[]> {
    // a batch is already together: only a lone read waits for others to join it
    if (hints.length < 2) return Promise.all(hints.map((hint) => this.read(shop, hint)));
    const found = await this.adapters[shop.marketplace].readOrders(shop, hints);
    return hints.map((hint) => found.get(hint.externalOrderId));
  }

  private async flush(connectionId: string): Promise<void> {
    const batch = this.gathering.get(connectionId);
    this.gathering.delete(connectionId);
    if (!batch) return;
    try {
      const found = await this.adapters[batch.shop.marketplace].readOrders(
        batch.shop,
        batch.waiters.map((waiter) => waiter.hint),
      );
      for (const waiter of batch.waiters) waiter.resolve(found.get(waiter.hint.externalOrderId));
    } catch (error) {
      for (const waiter of batch.waiters) waiter.reject(error);
    }
  }
}
