import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventBus } from '@ocop/database';
import { ListingsBumped } from './events';

/**
 * Moves listings' desired versions, always inside the transaction of the change that causes it
 * (ADR 1, level-triggered sync), and publishes ListingsBumped for the connections that now lag, so
 * whoever drives the sync enqueues their work once the transaction commits.
 */
@Injectable()
export class ListingVersions {
  constructor(private readonly events: EventBus) {}

  /** `content`: title, price, badge… (a full update); `stock`: only quantities changed. */
  async bumpProduct(manager: EntityManager, productId: string, what: 'content' | 'stock'): Promise<void> {
    // an UPDATE answers [rows, affected count] through TypeORM's PostgreSQL driver
    const [rows]: [{ connection_id: string }[], number] = await manager.query(
      `UPDATE listings SET desired_version = desired_version + 1,
              content_version = content_version + $2, updated_at = now()
       WHERE product_id = $1 AND status <> 'delisted'
       RETURNING connection_id`,
      [productId, what === 'content' ? 1 : 0],
    );
    await this.announce(
      manager,
      rows.map((r) => r.connection_id),
    );
  }

  async bumpConnection(
    manager: EntityManager,
    connectionId: string,
    what: 'content' | 'stock',
  ): Promise<void> {
    await manager.query(
      `UPDATE listings SET desired_version = desired_version + 1,
              content_version = content_version + $2, updated_at = now()
       WHERE connection_id = $1 AND status <> 'delisted'`,
      [connectionId, what === 'content' ? 1 : 0],
    );
    await this.announce(manager, [connectionId]);
  }

  /**
   * A marketplace moved its own held stock of some of a connection's products: a buyer's order took
   * units, a cancellation gave them back. Adjusting the record by the order's quantities would be
   * wrong whenever a push of ours crossed the order on the way (the marketplace applied our
   * absolute figure after its own decrement, or before), and nothing tells which; so the record of
   * those SKUs is forgotten and the listings lag, and the next push sets each marketplace to the
   * available figure whatever it did meanwhile. The version moves too, so a push already in flight
   * cannot record its figure over this. Rows are locked in id order, as every multi-listing
   * writer here should, so two such writers cannot deadlock.
   */
  async forgetHeldStock(
    manager: EntityManager,
    connectionId: string,
    productIds: string[],
    skuCodes: string[],
  ): Promise<void> {
    if (productIds.length === 0) return;
    const [rows]: [{ id: string }[], number] = await manager.query(
      `WITH target AS (
         SELECT id FROM listings
         WHERE connection_id = $1 AND product_id = ANY($2::uuid[]) AND status <> 'delisted'
         ORDER BY id FOR UPDATE)
       UPDATE listings l SET synced_stock = l.synced_stock - $3::text[],
              synced_stock_version = l.synced_stock_version + 1,
              desired_version = l.desired_version + 1, updated_at = now()
       FROM target WHERE l.id = target.id
       RETURNING l.id`,
      [connectionId, [...new Set(productIds)], [...new Set(skuCodes)]],
    );
    if (rows.length > 0) await this.announce(manager, [connectionId]);
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
