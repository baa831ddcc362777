import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Marketplace } from '@ocop/marketplaces';
import type { ConnectionStatus } from './entities';
import type { ListingHealth } from './listing-health';

/** The health of each listing (see LISTING_HEALTH), worked out in the query. */
const HEALTH_SQL = `CASE WHEN l.status = 'error' THEN 'error'
                         WHEN l.status = 'pending' THEN 'pending'
                         WHEN l.desired_version > l.synced_version THEN 'lagging'
                         ELSE 'synced' END`;

/** A listing with its health, as the health views list it. */
export interface ListingHealthRow {
  id: string;
  product_id: string;
  connection_id: string;
  cooperative_id: string;
  marketplace: Marketplace;
  health: ListingHealth;
  /** versions the marketplace is behind, as text (bigint) */
  lag: string;
  last_error: string | null;
  last_synced_at: Date | null;
}

/** How many listings of a marketplace have a health, and how long its lagging ones have waited. */
export interface MarketplaceHealthTally {
  marketplace: Marketplace;
  health: ListingHealth;
  n: number;
  /** of those, listings whose marketplace state is behind the desired one */
  behind: number;
  /** seconds the oldest change of a behind listing has waited (0 when none is behind) */
  wait: number;
}

/** How many connections of a marketplace are in a status. */
export interface ConnectionStatusTally {
  marketplace: Marketplace;
  status: ConnectionStatus;
  n: number;
}

/**
 * The grouped reads behind the health views (ChannelHealth): a few queries over every listing or
 * connection, never one per product.
 */
@Injectable()
export class ChannelHealthReadings {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The cooperative's listings that are not delisted, oldest first. */
  async listingsOfCooperative(cooperativeId: string): Promise<ListingHealthRow[]> {
    return this.dataSource.query(
      `SELECT l.id, l.product_id, l.connection_id, l.cooperative_id, l.marketplace, ${HEALTH_SQL} AS health,
              GREATEST(l.desired_version - l.synced_version, 0)::text AS lag, l.last_error, l.last_synced_at
       FROM listings l
       WHERE l.cooperative_id = $1 AND l.status <> 'delisted'
       ORDER BY l.created_at, l.id`,
      [cooperativeId],
    ) as Promise<ListingHealthRow[]>;
  }

  /** Listings that are not delisted, tallied by marketplace and health. */
  async listingsByMarketplace(): Promise<MarketplaceHealthTally[]> {
    return this.dataSource.query(
      `SELECT l.marketplace, ${HEALTH_SQL} AS health, count(*)::int AS n,
              count(*) FILTER (WHERE l.desired_version > l.synced_version)::int AS behind,
              COALESCE(EXTRACT(EPOCH FROM now() - min(l.updated_at)
                FILTER (WHERE l.desired_version > l.synced_version)), 0)::float AS wait
       FROM listings l WHERE l.status <> 'delisted'
       GROUP BY 1, 2`,
    ) as Promise<MarketplaceHealthTally[]>;
  }

  /** Connections tallied by marketplace and status. */
  async connectionsByMarketplace(): Promise<ConnectionStatusTally[]> {
    return this.dataSource.query(
      `SELECT marketplace, status, count(*)::int AS n FROM connections GROUP BY 1, 2`,
    ) as Promise<ConnectionStatusTally[]>;
  }

  /** Listings the marketplace refused, newest change first, at most `limit`. */
  async refusedListings(limit: number): Promise<ListingHealthRow[]> {
    return this.dataSource.query(
      `SELECT l.id, l.product_id, l.connection_id, l.cooperative_id, l.marketplace, ${HEALTH_SQL} AS health,
              GREATEST(l.desired_version - l.synced_version, 0)::text AS lag, l.last_error, l.last_synced_at
       FROM listings l WHERE l.status = 'error'
       ORDER BY l.updated_at DESC, l.id LIMIT $1`,
      [limit],
    ) as Promise<ListingHealthRow[]>;
  }
}
