import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { EventBus } from '@ocop/database';
import { CatalogueChanged } from './events';
import type { Sku } from './entities';
import {
  type LockedSku,
  type StockCause,
  type StockChange,
  StockLedgerStore,
} from './stock-ledger.repository';
import { planStockMoves, type StockMove } from './stock-moves';

export type { StockCause, StockChange } from './stock-ledger.repository';
export type { StockMove, StockMoveChange } from './stock-moves';

/**
 * SKUs locked for the rest of a transaction (`StockLedger.lock`), with their figures as the
 * transaction holds them: `moveInOrder` takes them from here instead of reading them again, and
 * keeps them current. A change made through `apply` or `reserveUpTo` in the same transaction is not
 * in them: a transaction moves its locked SKUs through `moveInOrder` only.
 */
export class LockedStock {
  constructor(
    /** the SKUs locked through it (one no longer there is in `asked`, not in `figures`) */
    readonly asked: Set<string>,
    readonly figures: Map<string, LockedSku>,
  ) {}
}

/** A move of a batch with what caused it. */
export interface CausedStockMove extends StockMove {
  cause: StockCause;
}

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
    await this.events.publish(manager, new CatalogueChanged({ kind: 'stock', productIds: [sku.productId] }));
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
   * A batch of moves applied in order, in a constant number of statements whatever its size: the
   * SKUs are locked in id order and read, the moves decided in memory over the locked figures
   * (planStockMoves: the rules of `apply`, so the last units go to the earliest moves), then every
   * SKU's new figures and every ledger row are written at once. Answers per move what `apply` and
   * `reserveUpTo` would: the units reserved, 0 for an applied fixed move, null for a refused one
   * (which changes nothing). The products whose stock moved are announced together, once each.
   * The SKUs come `lock`ed by the caller, with their figures: they are not read again (a statement
   * fewer in every order import: bench:import, 2 Dec 2026); a move's SKU the lock did not take (a
   * stored line's SKU the batch's lines do not name) is locked and read here, and joins them.
   */
  async moveInOrder(
    manager: EntityManager,
    moves: CausedStockMove[],
    locked: LockedStock,
  ): Promise<(number | null)[]> {
    if (moves.length === 0) return [];
    const more = [...new Set(moves.map((m) => m.skuId))].filter((id) => !locked.asked.has(id)).sort();
    if (more.length > 0) {
      for (const [id, figures] of await this.store.lockFigures(manager, more))
        locked.figures.set(id, figures);
      for (const id of more) locked.asked.add(id);
    }
    const skus = locked.figures;
    const plan = planStockMoves(skus, moves);
    await this.store.writeMoves(
      manager,
      plan.after,
      plan.movements.map((movement) => ({
        ...movement,
        cooperativeId: (skus.get(movement.skuId) as { cooperativeId: string }).cooperativeId,
        cause: moves[movement.move].cause,
      })),
    );
    for (const [skuId, after] of plan.after) Object.assign(skus.get(skuId) as LockedSku, after);
    const moved = new Set([...plan.after.keys()].map((skuId) => (skus.get(skuId) as LockedSku).productId));
    if (moved.size > 0) {
      await this.events.publish(
        manager,
        new CatalogueChanged({ kind: 'stock', productIds: [...moved].sort() }),
      );
    }
    return plan.outcomes;
  }

  /**
   * Locks SKU rows for the rest of the transaction, in one order (by id) whoever calls, so work
   * that touches several SKUs, or references them before changing them (an order line's foreign
   * key takes a share lock), cannot deadlock with another such transaction. Answers their figures
   * as locked, for `moveInOrder`.
   */
  async lock(manager: EntityManager, skuIds: string[]): Promise<LockedStock> {
    const ids = [...new Set(skuIds)].sort();
    return new LockedStock(
      new Set(ids),
      ids.length === 0 ? new Map() : await this.store.lockFigures(manager, ids),
    );
  }
}
