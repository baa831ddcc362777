import { Injectable, OnModuleInit } from '@nestjs/common';
import { Clock, Conflict, ConnectorConfig, NotFound } from '@ocop/common';
import { MARKETPLACES, type Marketplace } from '@ocop/marketplaces';
import { Retention } from '@ocop/jobs';
import { EventBus, Transactions } from '@ocop/database';
import type { WebhookInboxEntry } from './entities';
import { WebhookWentDead } from './events';
import { WebhookInboxStore, type StoredWebhookRow } from './webhook-inbox.repository';

/** The longest wait between two attempts at a stored webhook, however many failures came before. */
const LONGEST_RETRY_MS = 3_600_000;

/** Dead webhooks listed in the admins' sync view at most; the counts cover every one. */
export const MAX_LISTED_DEAD = 100;

/**
 * How long a stored webhook waits after its `failures`-th failure: `baseMs`, then twice as long
 * each time (7 s, 14 s, 28 s … with the default base, so ten attempts span about an hour).
 */
export function inboxRetryDelayMs(failures: number, baseMs: number): number {
  return Math.min(LONGEST_RETRY_MS, baseMs * 2 ** Math.max(0, failures - 1));
}

export interface DeadWebhookView {
  id: string;
  marketplace: Marketplace;
  connectionId: string;
  externalOrderId: string;
  status: 'dead' | 'waiting' | 'processed';
  attempts: number;
  lastError: string | null;
  receivedAt: string;
  deadAt: string | null;
}

const viewOf = (row: StoredWebhookRow): DeadWebhookView => ({
  id: row.id,
  marketplace: row.marketplace,
  connectionId: row.connection_id,
  externalOrderId: row.external_order_id,
  status: row.processed_at ? 'processed' : row.dead_at ? 'dead' : 'waiting',
  attempts: row.attempts,
  lastError: row.last_error,
  receivedAt: row.received_at.toISOString(),
  deadAt: row.dead_at?.toISOString() ?? null,
});

/**
 * Stored webhooks that keep failing (an order the marketplace will not let us read, a shop whose
 * credentials were withdrawn) are retried on a growing wait, then set aside as dead after
 * INBOX_MAX_ATTEMPTS, for an admin to look at and retry: they no longer cost a marketplace call
 * every minute forever. Polling still imports their orders once the marketplace answers.
 */
@Injectable()
export class DeadWebhooks {
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;

  constructor(
    private readonly inbox: WebhookInboxStore,
    private readonly transactions: Transactions,
    private readonly events: EventBus,
    private readonly clock: Clock,
    config: ConnectorConfig,
  ) {
    this.maxAttempts = config.env.INBOX_MAX_ATTEMPTS;
    this.retryBaseMs = config.env.INBOX_RETRY_BASE_MS;
  }

  /** Records a failed attempt: the row is looked at again after its wait, or is dead. */
  async failed(
    entry: Pick<WebhookInboxEntry, 'id' | 'attempts' | 'marketplace' | 'connectionId'>,
    message: string,
  ): Promise<{ dead: boolean }> {
    const failures = entry.attempts + 1;
    const dead = failures >= this.maxAttempts;
    await this.transactions.run(async (manager) => {
      await this.inbox.recordFailure(manager, entry.id, {
        attempts: failures,
        message,
        dead,
        retryInS: inboxRetryDelayMs(failures, this.retryBaseMs) / 1000,
      });
      if (dead) {
        await this.events.publish(
          manager,
          new WebhookWentDead(entry.id, entry.marketplace, entry.connectionId, this.clock.now()),
        );
      }
    });
    return { dead };
  }

  /** Dead rows per marketplace, every one of them. */
  async countByMarketplace(): Promise<Record<Marketplace, number>> {
    const rows = await this.inbox.deadCounts();
    return Object.fromEntries(
      MARKETPLACES.map((m) => [m, rows.find((r) => r.marketplace === m)?.n ?? 0]),
    ) as Record<Marketplace, number>;
  }

  /** The most recently dead rows, newest first. */
  async list(limit = MAX_LISTED_DEAD): Promise<DeadWebhookView[]> {
    return (await this.inbox.latestDead(limit)).map(viewOf);
  }

  /**
   * An admin's retry: the dead row waits again, with its attempts counted afresh, and the relay
   * enqueues it at once. 404 for an unknown row, 409 for one that is not dead.
   */
  async retry(id: string): Promise<DeadWebhookView> {
    const revived = await this.inbox.revive(id);
    if (revived) return viewOf(revived);
    const found = await this.inbox.storedWebhook(id);
    if (!found) throw new NotFound('No stored webhook with that id');
    throw new Conflict(
      `This webhook is not dead (it is ${viewOf(found).status}); only dead ones are retried`,
    );
  }
}

/** Processed webhooks are kept INBOX_RETENTION_DAYS, then deleted by the worker's retention sweep. */
@Injectable()
export class InboxRetention implements OnModuleInit {
  constructor(
    private readonly inbox: WebhookInboxStore,
    private readonly retention: Retention,
    private readonly config: ConnectorConfig,
  ) {}

  onModuleInit(): void {
    this.retention.register({ table: 'webhook_inbox', purge: (limit) => this.purge(limit) });
  }

  async purge(limit: number): Promise<number> {
    return this.inbox.purgeProcessed(this.config.env.INBOX_RETENTION_DAYS, limit);
  }
}
