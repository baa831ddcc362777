import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Marketplace, OrderStatus } from '@ocop/marketplaces';
import type { StoredOrderChange } from './stored-change';
import type { StockPhase } from './order-lifecycle';

const vnd = { to: (v: number) => v, from: (v: string) => Number(v) };

/** A webhook as it arrived, committed before it is acknowledged (ARCHITECTURE.md §3). */
@Entity('webhook_inbox')
export class WebhookInboxEntry {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) marketplace: Marketplace;
  @Column({ name: 'event_id' }) eventId: string;
  @Column({ name: 'connection_id', type: 'uuid' }) connectionId: string;
  @Column({ name: 'external_order_id' }) externalOrderId: string;
  /** the change as the adapter read it; dates as ISO strings */
  @Column({ type: 'jsonb' }) change: StoredOrderChange;
  @Column({ name: 'raw_body', select: false }) rawBody: string;
  @Column({ name: 'received_at', type: 'timestamptz', insert: false }) receivedAt: Date;
  @Column({ name: 'processed_at', type: 'timestamptz', nullable: true }) processedAt: Date | null;
  @Column({ type: 'integer' }) attempts: number;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  /** set aside after INBOX_MAX_ATTEMPTS failures: not retried until an admin asks */
  @Column({ name: 'dead_at', type: 'timestamptz', nullable: true }) deadAt: Date | null;
}

/** An order of one of a cooperative's shops, kept in step with its marketplace. */
@Entity('orders')
export class Order {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'cooperative_id', type: 'uuid' }) cooperativeId: string;
  @Column({ name: 'connection_id', type: 'uuid' }) connectionId: string;
  @Column({ type: 'text' }) marketplace: Marketplace;
  @Column({ name: 'external_order_id' }) externalOrderId: string;
  @Column({ type: 'text' }) status: OrderStatus;
  @Column({ name: 'marketplace_status' }) marketplaceStatus: string;
  @Column({ name: 'marketplace_updated_at', type: 'timestamptz' }) marketplaceUpdatedAt: Date;
  @Column({ name: 'placed_at', type: 'timestamptz' }) placedAt: Date;
  @Column({ name: 'total_vnd', type: 'bigint', transformer: vnd }) totalVnd: number;
  @Column({ name: 'stock_phase', type: 'text' }) stockPhase: StockPhase;
  /** a line holds fewer units than ordered: the last units went to other orders */
  @Column() oversold: boolean;
  /** lines whose SKU the connector does not know: the order is kept, flagged */
  @Column({ name: 'unknown_lines', type: 'integer' }) unknownLines: number;
  @Column({ name: 'requested_action', type: 'text', nullable: true }) requestedAction:
    'confirm' | 'cancel' | null;
  @Column({ name: 'requested_reason', type: 'text', nullable: true }) requestedReason: string | null;
  @Column({ name: 'action_error', type: 'text', nullable: true }) actionError: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false }) createdAt: Date;
  @Column({ name: 'updated_at', type: 'timestamptz', insert: false }) updatedAt: Date;
}

@Entity('order_lines')
export class OrderLine {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'order_id', type: 'uuid' }) orderId: string;
  @Column({ name: 'line_no', type: 'integer' }) lineNo: number;
  @Column({ name: 'sku_id', type: 'uuid', nullable: true }) skuId: string | null;
  @Column({ name: 'product_id', type: 'uuid', nullable: true }) productId: string | null;
  @Column({ name: 'sku_code', type: 'text', nullable: true }) skuCode: string | null;
  @Column({ name: 'variant_id', type: 'text', nullable: true }) variantId: string | null;
  @Column({ type: 'integer' }) quantity: number;
  @Column({ name: 'unit_price_vnd', type: 'bigint', transformer: vnd }) unitPriceVnd: number;
  @Column({ name: 'reserved_quantity', type: 'integer' }) reservedQuantity: number;
  @Column({ name: 'fulfilled_quantity', type: 'integer' }) fulfilledQuantity: number;
}

/** A status an order reached, at the marketplace's time of the change (its status history). */
@Entity('order_status_changes')
export class OrderStatusChange {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'order_id', type: 'uuid' }) orderId: string;
  @Column({ type: 'text' }) status: OrderStatus;
  @Column({ name: 'marketplace_status' }) marketplaceStatus: string;
  @Column({ name: 'marketplace_at', type: 'timestamptz' }) marketplaceAt: Date;
  @Column({ name: 'recorded_at', type: 'timestamptz', insert: false, update: false }) recordedAt: Date;
  /** Who confirmed or cancelled it through the API, as named then; null for the marketplace's own. */
  @Column({ name: 'actor_kind', type: 'text', nullable: true }) actorKind: 'key' | 'user' | null;
  @Column({ name: 'actor_id', type: 'uuid', nullable: true }) actorId: string | null;
  @Column({ name: 'actor_name', type: 'text', nullable: true }) actorName: string | null;
}

/** How far a connection's orders have been read by polling, in the marketplace's own time. */
@Entity('order_polls')
export class OrderPoll {
  @Column({ name: 'connection_id', type: 'uuid', primary: true }) connectionId: string;
  @Column({ type: 'timestamptz', nullable: true }) cursor: Date | null;
  @Column({ name: 'polled_at', type: 'timestamptz' }) polledAt: Date;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
}

export const orderEntities = [WebhookInboxEntry, Order, OrderLine, OrderStatusChange, OrderPoll];
