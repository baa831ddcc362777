import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Page, PageQuery } from '@ocop/common';
import { byCreation, fetchPage } from '@ocop/database';
import type { Actor } from '@ocop/auth';
import { MovementKind, Sku, StockMovement } from './entities';

export interface StockChange {
  /** Change on-hand by this much… */
  onHandDelta?: number;
  /** …or set it to this figure (a stock take). */
  setOnHand?: number;
  reservedDelta?: number;
  /**
   * Reserve as many of these units as on-hand allows (instead of `reservedDelta`): orders for the
   * last units are decided here, by the locked row, never by a read-then-write in the caller.
   */
  reserveUpTo?: number;
}

export interface StockCause {
  kind: MovementKind;
  reason: string;
  orderId?: string;
  idempotencyKey?: string;
  /** the key or person who made the change; none when the connector made it (orders, the seed) */
  actor?: Actor | null;
}

/** A SKU under its row lock, as a batch of moves reads it. */
export interface LockedSku {
  productId: string;
  cooperativeId: string;
  onHand: number;
  reserved: number;
}

/** A ledger row of a batch, with the SKU's figures right after it. */
export interface MovementRow {
  skuId: string;
  cooperativeId: string;
  onHandDelta: number;
  reservedDelta: number;
  onHandAfter: number;
  reservedAfter: number;
  cause: StockCause;
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

function skuFromRow(row: SkuRow): Sku {
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
 * The SQL of the stock ledger (StockLedger, which decides what it means): on-hand and reserved on
 * the SKU rows, and the ledger rows in `stock_movements`. Every write runs in the caller's
 * transaction.
 */
@Injectable()
export class StockLedgerStore {
  constructor(@InjectRepository(StockMovement) private readonly movementRows: Repository<StockMovement>) {}

  /**
   * One statement: locks the SKU row, applies the change only if on-hand stays ≥ reserved ≥ 0
   * (and, for `reserveUpTo`, only if it reserves something), writes its ledger row, and answers the
   * SKU after it; undefined when nothing changed.
   */
  async apply(
    manager: EntityManager,
    skuId: string,
    change: StockChange,
    cause: StockCause,
  ): Promise<Sku | undefined> {
    const rows: SkuRow[] = await manager.query(
      `WITH locked AS (
         SELECT id, on_hand, reserved FROM skus WHERE id = $1 FOR UPDATE
       ), resized AS (
         SELECT id, on_hand AS old_on_hand, reserved AS old_reserved,
                COALESCE($2::int, on_hand + $3::int) AS new_on_hand
         FROM locked
       ), target AS (
         SELECT *, old_reserved + CASE WHEN $9::int IS NULL THEN $4::int
                     ELSE LEAST($9::int, GREATEST(new_on_hand - old_reserved, 0)) END AS new_reserved
         FROM resized
       ), moved AS (
         UPDATE skus s SET on_hand = t.new_on_hand, reserved = t.new_reserved, updated_at = now()
         FROM target t
         WHERE s.id = t.id AND t.new_on_hand >= t.new_reserved AND t.new_reserved >= 0
           AND ($9::int IS NULL OR t.new_reserved <> t.old_reserved)
         RETURNING s.*, t.new_on_hand - t.old_on_hand AS on_hand_delta,
                   t.new_reserved - t.old_reserved AS reserved_delta
       ), logged AS (
         INSERT INTO stock_movements
           (sku_id, cooperative_id, on_hand_delta, reserved_delta, kind, reason, order_id, idempotency_key,
            on_hand_after, reserved_after, actor_kind, actor_id, actor_name)
         SELECT id, cooperative_id, on_hand_delta, reserved_delta, $5, $6, $7, $8, on_hand, reserved,
                $10, $11::uuid, $12
         FROM moved
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
        change.reserveUpTo ?? null,
        cause.actor?.kind ?? null,
        cause.actor?.id ?? null,
        cause.actor?.name ?? null,
      ],
    );
    return rows[0] ? skuFromRow(rows[0]) : undefined;
  }

  /** The figures of these SKUs under their row locks, taken in id order. */
  async lockFigures(manager: EntityManager, skuIds: string[]): Promise<Map<string, LockedSku>> {
    const rows: {
      id: string;
      product_id: string;
      cooperative_id: string;
      on_hand: number;
      reserved: number;
    }[] = await manager.query(
      `SELECT id, product_id, cooperative_id, on_hand, reserved FROM skus
         WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [skuIds],
    );
    return new Map(
      rows.map((row) => [
        row.id,
        {
          productId: row.product_id,
          cooperativeId: row.cooperative_id,
          onHand: row.on_hand,
          reserved: row.reserved,
        },
      ]),
    );
  }

  /**
   * Writes a batch's result in one statement: each SKU's figures after it, and its ledger rows in
   * the batch's order (a round trip costs more than either write on a busy machine: bench:import,
   * 2 Dec 2026). The table's CHECKs refuse figures that break on-hand ≥ reserved ≥ 0; the UPDATE
   * runs to completion though nothing reads its output (PostgreSQL runs every data-modifying WITH).
   */
  async writeMoves(
    manager: EntityManager,
    after: Map<string, { onHand: number; reserved: number }>,
    rows: MovementRow[],
  ): Promise<void> {
    const ids = [...after.keys()].sort();
    if (ids.length === 0 && rows.length === 0) return;
    await manager.query(
      `WITH figures AS (
         UPDATE skus s SET on_hand = v.on_hand, reserved = v.reserved, updated_at = now()
         FROM unnest($14::uuid[], $15::int[], $16::int[]) AS v(id, on_hand, reserved) WHERE s.id = v.id)
       INSERT INTO stock_movements
         (sku_id, cooperative_id, on_hand_delta, reserved_delta, kind, reason, order_id, idempotency_key,
          on_hand_after, reserved_after, actor_kind, actor_id, actor_name)
       SELECT sku_id, cooperative_id, on_hand_delta, reserved_delta, kind, reason, order_id, idempotency_key,
              on_hand_after, reserved_after, actor_kind, actor_id, actor_name
       FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::int[], $5::text[], $6::text[], $7::uuid[], $8::text[],
                   $9::int[], $10::int[], $11::text[], $12::uuid[], $13::text[]) WITH ORDINALITY
         AS m(sku_id, cooperative_id, on_hand_delta, reserved_delta, kind, reason, order_id, idempotency_key,
              on_hand_after, reserved_after, actor_kind, actor_id, actor_name, position)
       ORDER BY position`,
      [
        rows.map((r) => r.skuId),
        rows.map((r) => r.cooperativeId),
        rows.map((r) => r.onHandDelta),
        rows.map((r) => r.reservedDelta),
        rows.map((r) => r.cause.kind),
        rows.map((r) => r.cause.reason),
        rows.map((r) => r.cause.orderId ?? null),
        rows.map((r) => r.cause.idempotencyKey ?? null),
        rows.map((r) => r.onHandAfter),
        rows.map((r) => r.reservedAfter),
        rows.map((r) => r.cause.actor?.kind ?? null),
        rows.map((r) => r.cause.actor?.id ?? null),
        rows.map((r) => r.cause.actor?.name ?? null),
        ids,
        ids.map((id) => after.get(id)?.onHand),
        ids.map((id) => after.get(id)?.reserved),
      ],
    );
  }

  /** The SKU's reserved figure, under its row lock; 0 when there is no such SKU. */
  async reservedOf(manager: EntityManager, skuId: string): Promise<number> {
    const rows: { reserved: number }[] = await manager.query(
      `SELECT reserved FROM skus WHERE id = $1 FOR UPDATE`,
      [skuId],
    );
    return rows[0]?.reserved ?? 0;
  }

  /** A page of the SKU's ledger rows, newest first. */
  async movements(skuId: string, query: PageQuery): Promise<Page<StockMovement>> {
    const qb = this.movementRows.createQueryBuilder('m').where('m.sku_id = :skuId', { skuId });
    const { rows, nextCursor } = await fetchPage(qb, query, byCreation);
    return { items: rows, nextCursor };
  }
}
