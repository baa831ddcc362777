import { Injectable } from '@nestjs/common';
import { CooperativesService } from '@ocop/catalogue';
import { ConnectorConfig, type Scope } from '@ocop/common';
import { MARKETPLACES, type Marketplace } from '@ocop/marketplaces';
import { connectionView, type ConnectionView } from './connections.service';
import { ChannelHealthReadings, type ListingHealthRow } from './channel-health.repository';
import { ConnectionStore } from './connections.repository';
import { LISTING_HEALTH, type ListingHealth } from './listing-health';

export { LISTING_HEALTH, type ListingHealth };

type HealthCounts = Record<ListingHealth, number>;
const noListings = (): HealthCounts => Object.fromEntries(LISTING_HEALTH.map((h) => [h, 0])) as HealthCounts;

/** Problems listed in the admin view at most; the counts still cover every listing. */
export const MAX_LISTED_PROBLEMS = 100;

export interface ListingHealthItem {
  listingId: string;
  productId: string;
  connectionId: string;
  marketplace: Marketplace;
  health: ListingHealth;
  /** versions the marketplace is behind */
  lag: number;
  lastError: string | null;
  lastSyncedAt: string | null;
}

export interface CooperativeChannelHealth {
  cooperativeId: string;
  listings: { counts: HealthCounts; items: ListingHealthItem[] };
  connections: (ConnectionView & { listings: HealthCounts })[];
}

export interface MarketplaceListingHealth {
  marketplace: Marketplace;
  counts: HealthCounts;
  /** listings whose marketplace state is behind the desired one, whatever their health */
  behind: number;
  /** seconds the longest-waiting lagging listing has waited (0 when none lags) */
  oldestLagSeconds: number;
  connections: { active: number; paused: number; auth_failed: number };
}

const itemOf = (row: ListingHealthRow): ListingHealthItem => ({
  listingId: row.id,
  productId: row.product_id,
  connectionId: row.connection_id,
  marketplace: row.marketplace,
  health: row.health,
  lag: Number(row.lag),
  lastError: row.last_error,
  lastSyncedAt: row.last_synced_at?.toISOString() ?? null,
});

/**
 * The health of listings and connections, read in a few grouped queries: the dashboard shows a
 * producer's page or the province's sync health in one request, never one per product.
 */
@Injectable()
export class ChannelHealth {
  constructor(
    private readonly readings: ChannelHealthReadings,
    private readonly connections: ConnectionStore,
    private readonly cooperatives: CooperativesService,
    private readonly config: ConnectorConfig,
  ) {}

  /** One producer's listings and connections; another producer's id answers 404 for a cooperative key. */
  async ofCooperative(scope: Scope, cooperativeId: string): Promise<CooperativeChannelHealth> {
    await this.cooperatives.find(scope, cooperativeId);
    const [rows, connections] = await Promise.all([
      this.readings.listingsOfCooperative(cooperativeId),
      this.connections.ofCooperative(cooperativeId),
    ]);
    const counts = noListings();
    const byConnection = new Map<string, HealthCounts>(connections.map((c) => [c.id, noListings()]));
    for (const row of rows) {
      counts[row.health] += 1;
      const perConnection = byConnection.get(row.connection_id);
      if (perConnection) perConnection[row.health] += 1;
    }
    return {
      cooperativeId,
      listings: { counts, items: rows.map(itemOf) },
      connections: connections.map((c) => ({
        ...connectionView(c, this.config.publicBaseUrl),
        listings: byConnection.get(c.id)!,
      })),
    };
  }

  /** Every marketplace's listings by health, how long the oldest change has waited, and its connections. */
  async byMarketplace(): Promise<MarketplaceListingHealth[]> {
    const [listingRows, connectionRows] = await Promise.all([
      this.readings.listingsByMarketplace(),
      this.readings.connectionsByMarketplace(),
    ]);
    return MARKETPLACES.map((marketplace) => {
      const counts = noListings();
      let behind = 0;
      let oldestLagSeconds = 0;
      for (const row of listingRows.filter((r) => r.marketplace === marketplace)) {
        counts[row.health] += row.n;
        behind += row.behind;
        oldestLagSeconds = Math.max(oldestLagSeconds, Math.round(row.wait));
      }
      const connections = { active: 0, paused: 0, auth_failed: 0 };
      for (const row of connectionRows.filter((r) => r.marketplace === marketplace)) {
        connections[row.status] += row.n;
      }
      return { marketplace, counts, behind, oldestLagSeconds, connections };
    });
  }

  /** Listings the marketplace refused, newest change first, with the producer to call about them. */
  async problems(): Promise<
    (ListingHealthItem & { cooperativeId: string; cooperativeName: string | null })[]
  > {
    const directory = await this.cooperatives.directory();
    const rows = await this.readings.refusedListings(MAX_LISTED_PROBLEMS);
    return rows.map((row) => ({
      ...itemOf(row),
      cooperativeId: row.cooperative_id,
      cooperativeName: directory.get(row.cooperative_id)?.name ?? null,
    }));
  }
}
