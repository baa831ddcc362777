import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Marketplace } from '@ocop/marketplaces';

const version = { to: (v: number) => v, from: (v: string) => Number(v) };

export const CONNECTION_STATUSES = ['active', 'paused', 'auth_failed'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** A cooperative's shop on one marketplace, with its credentials sealed at rest. */
@Entity('connections')
export class Connection {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'cooperative_id', type: 'uuid' }) cooperativeId: string;
  @Column({ type: 'text' }) marketplace: Marketplace;
  @Column({ name: 'shop_id' }) shopId: string;
  @Column({ name: 'base_url' }) baseUrl: string;
  @Column({ name: 'credentials_sealed', select: false }) credentialsSealed: string;
  @Column({ type: 'text' }) status: ConnectionStatus;
  @Column({ name: 'status_reason', type: 'text', nullable: true }) statusReason: string | null;
  @Column({ name: 'stock_buffer_percent', type: 'smallint' }) stockBufferPercent: number;
  @Column({ name: 'last_order_sync_at', type: 'timestamptz', nullable: true }) lastOrderSyncAt: Date | null;
  /** Confirm new orders on the marketplace as soon as their stock is reserved (Voso cancels after 24 h). */
  @Column({ name: 'auto_confirm_orders' }) autoConfirmOrders: boolean;
  /** Who connected the shop, as named then (null: the connector, or before issue 14). */
  @Column({ name: 'created_by_kind', type: 'text', nullable: true }) createdByKind: 'key' | 'user' | null;
  @Column({ name: 'created_by_id', type: 'uuid', nullable: true }) createdById: string | null;
  @Column({ name: 'created_by_name', type: 'text', nullable: true }) createdByName: string | null;
  /** Who last changed it through the API (settings, pause, credentials, a check that changed its status, a transfer). */
  @Column({ name: 'updated_by_kind', type: 'text', nullable: true }) updatedByKind: 'key' | 'user' | null;
  @Column({ name: 'updated_by_id', type: 'uuid', nullable: true }) updatedById: string | null;
  @Column({ name: 'updated_by_name', type: 'text', nullable: true }) updatedByName: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false }) createdAt: Date;
}

export const LISTING_STATUSES = ['pending', 'synced', 'error', 'delisted'] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

/**
 * Our product on one connection. `desiredVersion` moves with every change that affects what the
 * marketplace should show; `syncedVersion` is the version the marketplace confirmed.
 */
@Entity('listings')
export class Listing {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'product_id', type: 'uuid' }) productId: string;
  @Column({ name: 'connection_id', type: 'uuid' }) connectionId: string;
  @Column({ name: 'cooperative_id', type: 'uuid' }) cooperativeId: string;
  @Column({ type: 'text' }) marketplace: Marketplace;
  @Column({ name: 'external_id', type: 'text', nullable: true }) externalId: string | null;
  @Column({ name: 'variant_ids', type: 'jsonb' }) variantIds: Record<string, string>;
  @Column({ type: 'text' }) status: ListingStatus;
  @Column({ name: 'delist_requested' }) delistRequested: boolean;
  @Column({ name: 'desired_version', type: 'bigint', transformer: version }) desiredVersion: number;
  @Column({ name: 'content_version', type: 'bigint', transformer: version }) contentVersion: number;
  @Column({ name: 'synced_version', type: 'bigint', transformer: version }) syncedVersion: number;
  @Column({ name: 'synced_content_version', type: 'bigint', transformer: version })
  syncedContentVersion: number;
  @Column({
    name: 'failed_version',
    type: 'bigint',
    nullable: true,
    transformer: { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) },
  })
  failedVersion: number | null;
  /**
   * What the marketplace holds of each SKU, as far as the connector knows: the figure it last
   * pushed, forgotten when the marketplace moved its own stock (a buyer's order or cancellation).
   * A SKU missing here is pushed whatever its figure.
   */
  @Column({ name: 'synced_stock', type: 'jsonb' }) syncedStock: Record<string, number>;
  /** Moves with every write of `syncedStock`; a sync run records only over the version it read. */
  @Column({ name: 'synced_stock_version', type: 'bigint', transformer: version })
  syncedStockVersion: number;
  @Column({ name: 'synced_badge_stars', type: 'smallint', nullable: true }) syncedBadgeStars: number | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  @Column({ name: 'last_synced_at', type: 'timestamptz', nullable: true }) lastSyncedAt: Date | null;
  @Column({ name: 'publish_claimed_until', type: 'timestamptz', nullable: true })
  publishClaimedUntil: Date | null;
  /** Who asked for it to be listed (last: a relisting names its own), as named then. */
  @Column({ name: 'listed_by_kind', type: 'text', nullable: true }) listedByKind: 'key' | 'user' | null;
  @Column({ name: 'listed_by_id', type: 'uuid', nullable: true }) listedById: string | null;
  @Column({ name: 'listed_by_name', type: 'text', nullable: true }) listedByName: string | null;
  /** Who asked for it to be delisted; null while it is listed. */
  @Column({ name: 'delisted_by_kind', type: 'text', nullable: true }) delistedByKind: 'key' | 'user' | null;
  @Column({ name: 'delisted_by_id', type: 'uuid', nullable: true }) delistedById: string | null;
  @Column({ name: 'delisted_by_name', type: 'text', nullable: true }) delistedByName: string | null;
  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false }) createdAt: Date;
}

export const channelEntities = [Connection, Listing];
