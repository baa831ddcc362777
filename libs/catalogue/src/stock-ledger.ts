import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventBus } from '@ocop/database';
import { CatalogueChanged } from './events';
import type { Sku } from './entities';
import { type StockCause, type StockChange, StockLedgerStore } from './stock-ledger.repository';

export type { StockCause, StockChange } from './stock-ledger.repository';

/**
 * The only writer of on-hand and reserved. Each change is one SQL statement that locks the SKU
 * row, applies the change only if on-hand stays ≥ reserved ≥ 0, and writes its ledger row, so
 * concurrent callers are serialised by the database, never by a read-then-write here.
 */
@Injectable()
export class StockLedger {
  constructor(
    private readonly store: StockLedgerStore,
    private readonly events: EventBus,
  ) {}

  /**
   * The SKU after the change with what actually moved, or undefined when the change would break
   * on-hand ≥ reserved ≥ 0. A `reserveUpTo` that finds nothing to reserve writes no ledger row.
   */
  async apply(
    manager: EntityManager,
    skuId: string,
    change: StockChange,
    cause: StockCause,
  ): Promise<Sku | undefined> {
    const sku = await this.store.apply(manager, skuId, change, cause);
    if (!sku) return undefined;
    await this.events.publish(
      manager,
      new CatalogueChanged({ kind: 'stock', productId: sku.productId, skuId: sku.id }),
    );
    return sku;
  }

  /**
   * Reserves up to `quantity` units of a SKU for an order, as many as on-hand allows at this
   * instant (the row is locked, so concurrent orders for the last units are decided here), and
   * answers how many it reserved: 0 when none were left.
   */
  async reserveUpTo(
    manager: EntityManager,
    skuId: string,
    quantity: number,
    cause: StockCause,
  ): Promise<number> {
    if (quantity <= 0) return 0;
    // inside the caller's transaction the row lock taken by apply() is what decides; this read
    // only turns the absolute figure apply() returns back into the amount this call reserved
    const before = await this.store.reservedOf(manager, skuId);
    const after = await this.apply(manager, skuId, { reserveUpTo: quantity }, cause);
    return after ? after.reserved - before : 0;
  }

  /**
   * Locks SKU rows for the rest of the transaction, in one order (by id) whoever calls, so work
   * that touches several SKUs, or references them before changing them (an order line's foreign
   * key takes a share lock), cannot deadlock with another such transaction.
   */
  async lock(manager: EntityManager, skuIds: string[]): Promise<void> {
    const ids = [...new Set(skuIds)].sort();
    if (ids.length === 0) return;
    await this.store.lock(manager, ids);
  }
}
