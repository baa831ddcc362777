import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** What changed in the catalogue, as other contexts need to hear it. */
export type CatalogueChange =
  { kind: 'product'; productId: string } | { kind: 'stock'; productId: string; skuId: string };

export type CatalogueChangeListener = (manager: EntityManager, change: CatalogueChange) => Promise<void>;

/**
 * Lets other contexts react to catalogue changes inside the same transaction (the listings bump
 * their desired version there), without the catalogue knowing who listens.
 */
@Injectable()
export class CatalogueChanges {
  private readonly listeners: CatalogueChangeListener[] = [];

  subscribe(listener: CatalogueChangeListener): void {
    this.listeners.push(listener);
  }

  async publish(manager: EntityManager, change: CatalogueChange): Promise<void> {
    for (const listener of this.listeners) await listener(manager, change);
  }
}
