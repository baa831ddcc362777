import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventBus } from '@ocop/database';
import { ListingsBumped } from './events';
import { ListingChange, ListingStore } from './listings.repository';

/**
 * Moves listings' desired versions, always inside the transaction of the change that causes it
 * (ADR 1, level-triggered sync), and publishes ListingsBumped for the connections that now lag, so
 * whoever drives the sync enqueues their work once the transaction commits.
 */
@Injectable()
export class ListingVersions {
  constructor(
    private readonly listings: ListingStore,
    private readonly events: EventBus,
  ) {}

  /** `content`: title, price, badge… (a full update); `stock`: only quantities changed. */
  async bumpProducts(manager: EntityManager, productIds: string[], what: ListingChange): Promise<void> {
    if (productIds.length === 0) return;
    await this.announce(manager, await this.listings.bumpProducts(manager, productIds, what));
  }

  async bumpConnection(manager: EntityManager, connectionId: string, what: ListingChange): Promise<void> {
    await this.listings.bumpConnection(manager, connectionId, what);
    await this.announce(manager, [connectionId]);
  }

  /**
   * A marketplace moved its own held stock of some of a connection's products: a buyer's order took
   * units, a cancellation gave them back. Adjusting the record by the order's quantities would be
   * wrong whenever a push of ours crossed the order on the way (the marketplace applied our
   * absolute figure after its own decrement, or before), and nothing tells which; so the record of
   * those SKUs is forgotten and the listings lag, and the next push sets each marketplace to the
   * available figure whatever it did meanwhile. The version moves too, so a push already in flight
   * cannot record its figure over this.
   */
  async forgetHeldStock(
    manager: EntityManager,
    connectionId: string,
    productIds: string[],
    skuCodes: string[],
  ): Promise<void> {
    if (productIds.length === 0) return;
    const forgotten = await this.listings.forgetHeldStock(manager, connectionId, productIds, skuCodes);
    if (forgotten > 0) await this.announce(manager, [connectionId]);
  }

  /** Nothing changed, but the connection may have work waiting (e.g. it was resumed). */
  async wake(manager: EntityManager, connectionId: string): Promise<void> {
    await this.announce(manager, [connectionId]);
  }

  async announce(manager: EntityManager, connectionIds: string[]): Promise<void> {
    const unique = [...new Set(connectionIds)];
    if (unique.length === 0) return;
    await this.events.publish(manager, new ListingsBumped(unique));
  }
}
