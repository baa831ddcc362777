/** A SKU's figures as its locked row holds them. */
export interface SkuFigures {
  onHand: number;
  reserved: number;
}

/**
 * One stock effect of a batch: reserve as many units as on-hand allows (up to `reserveUpTo`), or
 * move on-hand and reserved by fixed amounts (fulfil, release, restock).
 */
export type StockMoveChange = { reserveUpTo: number } | { onHandDelta: number; reservedDelta: number };

export interface StockMove {
  skuId: string;
  change: StockMoveChange;
}

/** A ledger row to write: what moved and the SKU's figures right after it. */
export interface PlannedMovement {
  /** the move's place in the batch */
  move: number;
  skuId: string;
  onHandDelta: number;
  reservedDelta: number;
  onHandAfter: number;
  reservedAfter: number;
}

export interface StockMovePlan {
  /**
   * Per move: the units it reserved (reserveUpTo: 0 when none were left), 0 for an applied fixed
   * move, or null when a fixed move would break on-hand ≥ reserved ≥ 0 (nothing of it is applied).
   */
  outcomes: (number | null)[];
  movements: PlannedMovement[];
  /** every SKU some move changed, with its figures after the batch */
  after: Map<string, SkuFigures>;
}

/**
 * Applies a batch of moves in order to SKU figures read under their row locks: the same rules as
 * the ledger's one-statement apply (a reserve takes what on-hand leaves, a fixed move only if
 * on-hand ≥ reserved ≥ 0 still holds, and a reserve that finds nothing writes no row), so a batch
 * decides the last units exactly as the moves one by one would have, in the order given. The
 * locks make the figures true for the whole transaction; the table's CHECKs still guard the write.
 */
export function planStockMoves(figures: ReadonlyMap<string, SkuFigures>, moves: StockMove[]): StockMovePlan {
  const now = new Map<string, SkuFigures>();
  const current = (skuId: string) => now.get(skuId) ?? figures.get(skuId);
  const outcomes: (number | null)[] = [];
  const movements: PlannedMovement[] = [];
  moves.forEach((move, index) => {
    const sku = current(move.skuId);
    if (!sku) {
      outcomes.push('reserveUpTo' in move.change ? 0 : null);
      return;
    }
    let onHandDelta: number;
    let reservedDelta: number;
    if ('reserveUpTo' in move.change) {
      const granted = Math.min(move.change.reserveUpTo, Math.max(sku.onHand - sku.reserved, 0));
      outcomes.push(Math.max(granted, 0));
      if (granted <= 0) return;
      onHandDelta = 0;
      reservedDelta = granted;
    } else {
      ({ onHandDelta, reservedDelta } = move.change);
      const onHand = sku.onHand + onHandDelta;
      const reserved = sku.reserved + reservedDelta;
      if (onHand < reserved || reserved < 0) {
        outcomes.push(null);
        return;
      }
      outcomes.push(0);
    }
    const next = { onHand: sku.onHand + onHandDelta, reserved: sku.reserved + reservedDelta };
    now.set(move.skuId, next);
    movements.push({
      move: index,
      skuId: move.skuId,
      onHandDelta,
      reservedDelta,
      onHandAfter: next.onHand,
      reservedAfter: next.reserved,
    });
  });
  return { outcomes, movements, after: now };
}
