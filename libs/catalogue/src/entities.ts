import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** bigint columns hold VND; values stay far below 2^53, so JS numbers are exact. */
const vnd = { to: (v: number) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

export const PRODUCER_KINDS = ['cooperative', 'enterprise', 'household', 'cooperative_group'] as const;
export type ProducerKind = (typeof PRODUCER_KINDS)[number];

/** An OCOP producer: cooperative, enterprise, household business or cooperative group. */
@Entity('cooperatives')
export class Cooperative {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column() name: string;
  @Column({ type: 'text' }) kind: ProducerKind;
  @Column() province: string;
  @Column({ type: 'text', nullable: true }) district: string | null;
  @Column() commune: string;
  @Column({ type: 'text', nullable: true }) address: string | null;
  @Column({ name: 'tax_code', type: 'text', nullable: true }) taxCode: string | null;
  @Column({ type: 'text', nullable: true }) phone: string | null;
  @Column({ name: 'search_text', select: false }) searchText: string;
  @Column({ name: 'district_folded', type: 'text', nullable: true, select: false }) districtFolded:
    string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

export const PRODUCT_STATUSES = ['active', 'archived'] as const;
export type ProductStatus = (typeof PRODUCT_STATUSES)[number];

@Entity('products')
export class Product {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'cooperative_id', type: 'uuid' }) cooperativeId: string;
  @Column() name: string;
  @Column() category: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ name: 'image_urls', type: 'jsonb' }) imageUrls: string[];
  @Column({ type: 'text' }) status: ProductStatus;
  @Column({ name: 'search_text', select: false }) searchText: string;
  /** The active OCOP certificate, kept here by the OCOP context in the same transaction as its change. */
  @Column({ name: 'ocop_certificate_id', type: 'uuid', nullable: true }) ocopCertificateId: string | null;
  @Column({ name: 'ocop_stars', type: 'smallint', nullable: true }) ocopStars: number | null;
  @Column({ name: 'ocop_valid_until', type: 'date', nullable: true }) ocopValidUntil: string | null;
  /** Who created it and who last changed it, as named then (null: the connector, or before issue 14). */
  @Column({ name: 'created_by_kind', type: 'text', nullable: true }) createdByKind: 'key' | 'user' | null;
  @Column({ name: 'created_by_id', type: 'uuid', nullable: true }) createdById: string | null;
  @Column({ name: 'created_by_name', type: 'text', nullable: true }) createdByName: string | null;
  @Column({ name: 'updated_by_kind', type: 'text', nullable: true }) updatedByKind: 'key' | 'user' | null;
  @Column({ name: 'updated_by_id', type: 'uuid', nullable: true }) updatedById: string | null;
  @Column({ name: 'updated_by_name', type: 'text', nullable: true }) updatedByName: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

@Entity('skus')
export class Sku {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Insertion order: a product's SKUs are listed in the order they were added. */
  @Column({ type: 'bigint', insert: false, update: false, select: false }) seq: string;
  @Column({ name: 'product_id', type: 'uuid' }) productId: string;
  @Column({ name: 'cooperative_id', type: 'uuid' }) cooperativeId: string;
  @Column() code: string;
  @Column() name: string;
  @Column({ name: 'price_vnd', type: 'bigint', transformer: vnd }) priceVnd: number;
  @Column({ name: 'weight_grams', type: 'integer' }) weightGrams: number;
  @Column({ name: 'on_hand', type: 'integer' }) onHand: number;
  @Column({ type: 'integer' }) reserved: number;
  @Column({ name: 'safety_stock', type: 'integer' }) safetyStock: number;
  /** Who created it and who last changed it, as named then (null: the connector, or before issue 14). */
  @Column({ name: 'created_by_kind', type: 'text', nullable: true }) createdByKind: 'key' | 'user' | null;
  @Column({ name: 'created_by_id', type: 'uuid', nullable: true }) createdById: string | null;
  @Column({ name: 'created_by_name', type: 'text', nullable: true }) createdByName: string | null;
  @Column({ name: 'updated_by_kind', type: 'text', nullable: true }) updatedByKind: 'key' | 'user' | null;
  @Column({ name: 'updated_by_id', type: 'uuid', nullable: true }) updatedById: string | null;
  @Column({ name: 'updated_by_name', type: 'text', nullable: true }) updatedByName: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}

export const MOVEMENT_KINDS = ['initial', 'adjustment', 'stock_take', 'order'] as const;
export type MovementKind = (typeof MOVEMENT_KINDS)[number];

/** One row of the stock ledger: every change to on-hand or reserved, with its cause. */
@Entity('stock_movements')
export class StockMovement {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'sku_id', type: 'uuid' }) skuId: string;
  @Column({ name: 'cooperative_id', type: 'uuid' }) cooperativeId: string;
  @Column({ name: 'on_hand_delta', type: 'integer' }) onHandDelta: number;
  @Column({ name: 'reserved_delta', type: 'integer' }) reservedDelta: number;
  @Column({ type: 'text' }) kind: MovementKind;
  @Column() reason: string;
  @Column({ name: 'order_id', type: 'uuid', nullable: true }) orderId: string | null;
  @Column({ name: 'idempotency_key', type: 'text', nullable: true }) idempotencyKey: string | null;
  @Column({ name: 'on_hand_after', type: 'integer' }) onHandAfter: number;
  @Column({ name: 'reserved_after', type: 'integer' }) reservedAfter: number;
  @Column({ name: 'actor_kind', type: 'text', nullable: true }) actorKind: 'key' | 'user' | null;
  @Column({ name: 'actor_id', type: 'uuid', nullable: true }) actorId: string | null;
  @Column({ name: 'actor_name', type: 'text', nullable: true }) actorName: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', insert: false }) createdAt: Date;
}

export const catalogueEntities = [Cooperative, Product, Sku, StockMovement];
