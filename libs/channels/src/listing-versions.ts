import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export type ListingsBumped = (manager: EntityManager, connectionIds: string[]) => void;

/**
 * Moves listings' desired versions, always inside the transaction of the change that causes it
 * (ARCHITECTURE.md §3, level-triggered sync). Whoever drives the sync subscribes to hear which
 * connections now lag, to enqueue their work once the transaction commits.
 */
@Injectable()
export class ListingVersions {
  private readonly listeners: ListingsBumped[] = [];

  subscribe(listener: ListingsBumped): void {
    this.listeners.push(listener);
  }

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
    this.announce(
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
    this.announce(manager, [connectionId]);
  }

  /** Nothing changed, but the connection may have work waiting (e.g. it was resumed). */
  async wake(manager: EntityManager, connectionId: string): Promise<void> {
    this.announce(manager, [connectionId]);
  }

  announce(manager: EntityManager, connectionIds: string[]): void {
    const unique = [...new Set(connectionIds)];
    if (unique.length === 0) return;
    for (const listener of this.listeners) listener(manager, unique);
  }
}
