import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CatalogueChanges } from './catalogue-changes';
import { MovementKind, Sku } from './entities';

export interface StockChange {
  /** Change on-hand by this much… */
  onHandDelta?: number;
  /** …or set it to this figure (a stock take). */
  setOnHand?: number;
  reservedDelta?: number;
}

export interface StockCause {
  kind: MovementKind;
  reason: string;
  orderId?: string;
  idempotencyKey?: string;
}

interface SkuRow {
  id: string;
  product_id: string;
  cooperative_id: string;
  code: string;
  name: string;
  price_vnd: string;
  weight_grams: number;
  on_hand: number;
  reserved: number;
  safety_stock: number;
  created_at: Date;
  updated_at: Date;
}

export function skuFromRow(row: SkuRow): Sku {
  return Object.assign(new Sku(), {
    id: row.id,
    productId: row.product_id,
    cooperativeId: row.cooperative_id,
    code: row.code,
    name: row.name,
    priceVnd: Number(row.price_vnd),
    weightGrams: row.weight_grams,
    onHand: row.on_hand,
    reserved: row.reserved,
    safetyStock: row.safety_stock,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

/**
 * The only writer of on-hand and reserved. Each change is one SQL statement that locks the SKU
 * row, applies the change only if on-hand stays ≥ reserved ≥ 0, and writes its ledger row, so
 * concurrent callers are serialised by the database, never by a read-then-write here.
 */
@Injectable()
export class StockLedger {
  constructor(private readonly changes: CatalogueChanges) {}

  /** The SKU after the change, or undefined when the change would break on-hand ≥ reserved ≥ 0. */
  async apply(
    manager: EntityManager,
    skuId: string,
    change: StockChange,
    cause: StockCause,
  ): Promise<Sku | undefined> {
    const rows: SkuRow[] = await manager.query(
      `WITH locked AS (
         SELECT id, on_hand, reserved FROM skus WHERE id = $1 FOR UPDATE
       ), target AS (
         SELECT id, on_hand AS old_on_hand,
                COALESCE($2::int, on_hand + $3::int) AS new_on_hand,
                reserved + $4::int AS new_reserved
         FROM locked
       ), moved AS (
         UPDATE skus s SET on_hand = t.new_on_hand, reserved = t.new_reserved, updated_at = now()
         FROM target t
         WHERE s.id = t.id AND t.new_on_hand >= t.new_reserved AND t.new_reserved >= 0
         RETURNING s.*, t.new_on_hand - t.old_on_hand AS on_hand_delta
       ), logged AS (
         INSERT INTO stock_movements
           (sku_id, cooperative_id, on_hand_delta, reserved_delta, kind, reason, order_id, idempotency_key,
            on_hand_after, reserved_after)
         SELECT id, cooperative_id, on_hand_delta, $4::int, $5, $6, $7, $8, on_hand, reserved FROM moved
       )
       SELECT * FROM moved`,
      [
        skuId,
        change.setOnHand ?? null,
        change.onHandDelta ?? 0,
        change.reservedDelta ?? 0,
        cause.kind,
        cause.reason,
        cause.orderId ?? null,
        cause.idempotencyKey ?? null,
      ],
    );
    if (!rows[0]) return undefined;
    const sku = skuFromRow(rows[0]);
    await this.changes.publish(manager, { kind: 'stock', productId: sku.productId, skuId: sku.id });
    return sku;
  }
}
