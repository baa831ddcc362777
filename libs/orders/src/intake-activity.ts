import { Injectable } from '@nestjs/common';
import { ConnectionsService } from '@ocop/channels';
import { MARKETPLACES, type Marketplace } from '@ocop/marketplaces';
import { OrderPollStore } from './order-polls.repository';
import { WebhookInboxStore } from './webhook-inbox.repository';

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
    private readonly inbox: WebhookInboxStore,
    private readonly polls: OrderPollStore,
    private readonly connections: ConnectionsService,
  ) {}

  async byMarketplace(): Promise<{ windowHours: number; marketplaces: MarketplaceIntake[] }> {
    const [webhookRows, pollRows] = await Promise.all([
      this.inbox.activity(INTAKE_WINDOW_HOURS),
      this.polls.latest(),
    ]);
    const marketplaceOf = await this.connections.marketplacesOf(pollRows.map((row) => row.connectionId));
    const marketplaces = MARKETPLACES.map((marketplace): MarketplaceIntake => {
      const webhook = webhookRows.find((row) => row.marketplace === marketplace);
      // newest first, so the first row of a marketplace is its latest poll and the first failing one its latest error
      const polls = pollRows.filter((row) => marketplaceOf.get(row.connectionId) === marketplace);
      const failing = polls.filter((row) => row.lastError !== null);
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
          lastPolledAt: polls[0]?.polledAt.toISOString() ?? null,
          lastError: failing[0]?.lastError ?? null,
        },
      };
    });
    return { windowHours: INTAKE_WINDOW_HOURS, marketplaces };
  }
}
