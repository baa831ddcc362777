import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConnectionsService } from '@ocop/channels';
import { MARKETPLACES, type Marketplace } from '@ocop/marketplaces';

/** How far back the webhook counts of the sync-health view look. */
export const INTAKE_WINDOW_HOURS = 24;

export interface MarketplaceIntake {
  marketplace: Marketplace;
  /**
   * webhooks stored in the window; `failed` were tried, last failed and will be tried again,
   * `dead` failed too often and wait for an admin, `waiting` not yet tried
   */
  webhooks: {
    received: number;
    processed: number;
    failed: number;
    dead: number;
    waiting: number;
    lastReceivedAt: string | null;
  };
  /** each connection keeps only its latest poll, so these describe the latest round */
  polling: { connections: number; failing: number; lastPolledAt: string | null; lastError: string | null };
}

/**
 * Webhook and polling activity per marketplace, for the admins' sync-health view: whether orders
 * still arrive, and from which side (pushed or polled) they stopped.
 */
@Injectable()
export class IntakeActivity {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connections: ConnectionsService,
  ) {}

  async byMarketplace(): Promise<{ windowHours: number; marketplaces: MarketplaceIntake[] }> {
    const [webhookRows, pollRows] = await Promise.all([
      this.dataSource.query(
        `SELECT marketplace, count(*)::int AS received,
                count(*) FILTER (WHERE processed_at IS NOT NULL)::int AS processed,
                count(*) FILTER (WHERE processed_at IS NULL AND dead_at IS NULL
                                       AND last_error IS NOT NULL)::int AS failed,
                count(*) FILTER (WHERE dead_at IS NOT NULL)::int AS dead,
                count(*) FILTER (WHERE processed_at IS NULL AND last_error IS NULL)::int AS waiting,
                max(received_at) AS last_received_at
         FROM webhook_inbox WHERE received_at >= now() - make_interval(hours => $1)
         GROUP BY marketplace`,
        [INTAKE_WINDOW_HOURS],
      ) as Promise<
        {
          marketplace: Marketplace;
          received: number;
          processed: number;
          failed: number;
          dead: number;
          waiting: number;
          last_received_at: Date | null;
        }[]
      >,
      this.dataSource.query(
        `SELECT connection_id, polled_at, last_error FROM order_polls ORDER BY polled_at DESC`,
      ) as Promise<{ connection_id: string; polled_at: Date; last_error: string | null }[]>,
    ]);
    const marketplaceOf = await this.connections.marketplacesOf(pollRows.map((row) => row.connection_id));
    const marketplaces = MARKETPLACES.map((marketplace): MarketplaceIntake => {
      const webhook = webhookRows.find((row) => row.marketplace === marketplace);
      // newest first, so the first row of a marketplace is its latest poll and the first failing one its latest error
      const polls = pollRows.filter((row) => marketplaceOf.get(row.connection_id) === marketplace);
      const failing = polls.filter((row) => row.last_error !== null);
      return {
        marketplace,
        webhooks: {
          received: webhook?.received ?? 0,
          processed: webhook?.processed ?? 0,
          failed: webhook?.failed ?? 0,
          dead: webhook?.dead ?? 0,
          waiting: webhook?.waiting ?? 0,
          lastReceivedAt: webhook?.last_received_at?.toISOString() ?? null,
        },
        polling: {
          connections: polls.length,
          failing: failing.length,
          lastPolledAt: polls[0]?.polled_at.toISOString() ?? null,
          lastError: failing[0]?.last_error ?? null,
        },
      };
    });
    return { windowHours: INTAKE_WINDOW_HOURS, marketplaces };
  }
}
