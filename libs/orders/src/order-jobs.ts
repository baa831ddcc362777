import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { ConnectionsService, MARKETPLACE_ADAPTERS, type MarketplaceAdapters } from '@ocop/channels';
import { ConnectorConfig, LOGGER, type Logger } from '@ocop/common';
import { MarketplaceError, type MarketplaceOrder, type OrderHint, type ShopAccess } from '@ocop/marketplaces';
import { CONNECTION_JOB_CONCURRENCY, QUEUES, RecurringJobs } from '@ocop/jobs';
import { DeadWebhooks } from './dead-webhooks';
import { OrderActions } from './order-actions';
import { OrderImport, type ImportSource, type OrderSource } from './order-import';
import { isNewer } from './order-lifecycle';
import { orderPushesUnconfirmed } from './order-metrics';
import { OrderPollStore } from './order-polls.repository';
import { OrderReads } from './order-reads';
import { OrderStore } from './orders.repository';
import { readChange } from './stored-change';
import { WebhookInboxStore } from './webhook-inbox.repository';

/** Polls re-read this far behind their cursor: orders sharing the cursor's instant are not skipped. */
export const POLL_OVERLAP_MS = 5 * 60_000;
/** A connection never polled starts this far back (within Postmart's 15-day limit). */
export const FIRST_POLL_LOOKBACK_MS = 14 * 24 * 3_600_000;
const UPKEEP_EVERY_MS = 3_000;

export const pollJobId = (connectionId: string) => `poll-${connectionId}`;

/**
 * A push named an order its marketplace does not know: nothing is imported, and the inbox row
 * keeps this as its reason. It fails like any other try, so an order the marketplace shows a
 * moment after its push is still taken on a later try.
 */
export class UnconfirmedPush extends Error {
  constructor(marketplace: string, hint: OrderHint) {
    super(
      `order ${hint.externalOrderId} is not known to ${marketplace}: none of the shop's orders changed ` +
        `at or after ${hint.updatedAt.toISOString()} has this id (as far back as its API reads); ` +
        `the push is not imported`,
    );
    this.name = 'UnconfirmedPush';
  }
}

/**
 * Imports one order state for a connection. What counts in stock and metrics always comes from
 * the marketplace's API: a search row's order (polling), an order fetched by number (Sendo's thin
 * rows), or, for a webhook, the order read back from the marketplace — a push is signed with a
 * secret the seller itself supplies, so what it carries is only a hint of which order to read.
 * Also confirms new orders automatically where the connection asks for it.
 */
@Injectable()
export class OrderIntake {
  constructor(
    private readonly connections: ConnectionsService,
    @Inject(MARKETPLACE_ADAPTERS) private readonly adapters: MarketplaceAdapters,
    private readonly imports: OrderImport,
    private readonly actions: OrderActions,
    private readonly reads: OrderReads,
  ) {}

  async source(
    connectionId: string,
  ): Promise<{ source: OrderSource; shop: ShopAccess; autoConfirm: boolean }> {
    const connection = await this.connections.statusOf(connectionId);
    const shop = await this.connections.access(connectionId);
    return {
      source: { connectionId, cooperativeId: connection.cooperativeId, marketplace: connection.marketplace },
      shop,
      autoConfirm: connection.autoConfirmOrders && connection.status === 'active',
    };
  }

  /** A webhook's order, read from the marketplace; UnconfirmedPush when the marketplace does not know it. */
  async takePush(
    context: { source: OrderSource; shop: ShopAccess; autoConfirm: boolean },
    hint: OrderHint,
  ): Promise<void> {
    const order = await this.reads.read(context.shop, hint);
    if (!order) {
      orderPushesUnconfirmed.inc({ marketplace: context.shop.marketplace });
      throw new UnconfirmedPush(context.shop.marketplace, hint);
    }
    await this.take(context, order, order.externalOrderId, 'webhook');
  }

  /** An order as the marketplace's API gave it, or (Sendo's search rows) fetched by number first. */
  async take(
    context: { source: OrderSource; shop: ShopAccess; autoConfirm: boolean },
    order: MarketplaceOrder | undefined,
    externalOrderId: string,
    via: ImportSource,
  ): Promise<void> {
    const full =
      order ?? (await this.adapters[context.shop.marketplace].fetchOrder(context.shop, externalOrderId));
    const { order: saved, outcome } = await this.imports.import(context.source, full, via);
    if (
      context.autoConfirm &&
      outcome !== 'unchanged' &&
      saved.status === 'pending' &&
      saved.stockPhase === 'reserved' &&
      !saved.oversold &&
      saved.unknownLines === 0
    ) {
      await this.actions.request(saved.id, 'confirm', null, null);
    }
  }
}

/**
 * Processes one stored webhook; a row is marked processed in the import's wake, never before. A
 * failure is retried by the inbox relay on the row's own growing wait, and after
 * INBOX_MAX_ATTEMPTS the row is dead (DeadWebhooks), so the job itself is tried once.
 */
@Processor(QUEUES.orderInbox, { concurrency: 8 })
export class InboxProcessor extends WorkerHost {
  constructor(
    private readonly inbox: WebhookInboxStore,
    private readonly intake: OrderIntake,
    private readonly connections: ConnectionsService,
    private readonly deadWebhooks: DeadWebhooks,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  async process(job: Job<{ inboxId: string }>): Promise<string> {
    const entry = await this.inbox.byId(job.data.inboxId);
    if (!entry || entry.processedAt) return 'already processed';
    if (entry.deadAt) return 'dead';
    let shop: ShopAccess | undefined;
    try {
      // the order the push carried (Voso, Postmart) is never imported as it came: only its id and time
      const { externalOrderId, updatedAt } = readChange(entry.change);
      const context = await this.intake.source(entry.connectionId);
      shop = context.shop;
      await this.intake.takePush(context, { externalOrderId, updatedAt });
      await this.inbox.markProcessed(entry.id);
      return 'imported';
    } catch (error) {
      const { dead } = await this.deadWebhooks.failed(
        entry,
        error instanceof Error ? error.message : String(error),
      );
      if (dead) {
        this.logger.warn(
          { inboxId: entry.id, marketplace: entry.marketplace, attempts: entry.attempts + 1 },
          'stored webhook failed too often: set aside as dead until an admin retries it',
        );
      }
      if (error instanceof MarketplaceError && error.kind === 'auth' && shop) {
        await this.connections.markAuthFailed(shop, error.message);
      }
      throw error;
    }
  }
}

/**
 * Every few seconds: enqueues the order polls that are due, and order actions whose job was lost
 * (stored webhooks have their own, faster relay: InboxRelay).
 */
@Processor(QUEUES.orderUpkeep)
export class OrderUpkeep extends WorkerHost {
  constructor(
    private readonly orders: OrderStore,
    private readonly pollStore: OrderPollStore,
    private readonly actions: OrderActions,
    private readonly connections: ConnectionsService,
    private readonly config: ConnectorConfig,
    @InjectQueue(QUEUES.orderPolling) private readonly polls: Queue,
  ) {
    super();
  }

  async process(): Promise<{ actions: number; polls: number }> {
    const asked = await this.orders.waitingActions();
    await this.actions.enqueue(asked);

    const pollable = await this.connections.pollableConnectionIds();
    const due = await this.pollStore.due(pollable, this.config.env.ORDER_POLL_INTERVAL_MS);
    // longest waiting first: a shop whose poll just ended, however slowly, queues behind the others
    await this.polls.addBulk(
      due.map((connectionId) => ({
        name: 'poll',
        data: { connectionId },
        opts: { jobId: pollJobId(connectionId), removeOnComplete: true, removeOnFail: true },
      })),
    );
    return { actions: asked.length, polls: due.length };
  }
}

@Injectable()
export class OrderUpkeepSchedule implements OnModuleInit {
  constructor(
    @InjectQueue(QUEUES.orderUpkeep) private readonly queue: Queue,
    private readonly recurring: RecurringJobs,
  ) {}

  onModuleInit(): void {
    this.recurring.register({
      queue: this.queue,
      id: 'order-upkeep',
      repeat: { every: UPKEEP_EVERY_MS },
      template: { name: 'upkeep', opts: { removeOnComplete: true, removeOnFail: 50 } },
    });
  }
}

/**
 * Polling backs up webhooks (marketplaces lose them): every order changed since the connection's
 * cursor, less an overlap, goes through the same idempotent import. The cursor is kept in the
 * marketplace's own time (the newest `updatedAt` seen), so a marketplace clock that differs from
 * ours skips nothing.
 */
@Processor(QUEUES.orderPolling, { concurrency: CONNECTION_JOB_CONCURRENCY })
export class OrderPollProcessor extends WorkerHost {
  constructor(
    private readonly polls: OrderPollStore,
    private readonly intake: OrderIntake,
    private readonly imports: OrderImport,
    private readonly connections: ConnectionsService,
    @Inject(MARKETPLACE_ADAPTERS) private readonly adapters: MarketplaceAdapters,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  async process(job: Job<{ connectionId: string }>): Promise<{ seen: number; imported: number }> {
    const { connectionId } = job.data;
    const started = new Date();
    const cursor = await this.polls.cursorOf(connectionId);
    const since = cursor
      ? new Date(cursor.getTime() - POLL_OVERLAP_MS)
      : new Date(started.getTime() - FIRST_POLL_LOOKBACK_MS);
    let newest = cursor;
    let seen = 0;
    let imported = 0;
    let shop: ShopAccess | undefined;
    try {
      const context = await this.intake.source(connectionId);
      shop = context.shop;
      const adapter = this.adapters[context.shop.marketplace];
      for await (const page of adapter.ordersChangedSince(context.shop, since)) {
        seen += page.length;
        const stored = await this.imports.storedStates(
          connectionId,
          page.map((change) => change.externalOrderId),
        );
        for (const change of page) {
          const known = stored.get(change.externalOrderId);
          if (!known || isNewer(known, change)) {
            await this.intake.take(context, change.order, change.externalOrderId, 'poll');
            imported += 1;
          }
          if (!newest || change.updatedAt > newest) newest = change.updatedAt;
        }
      }
      await this.polls.record(connectionId, newest, null);
      await this.connections.recordOrderSync(connectionId, started);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // pages need not come in time order: only a complete read may move the cursor
      await this.polls.record(connectionId, cursor, message);
      if (error instanceof MarketplaceError && error.kind === 'auth' && shop) {
        await this.connections.markAuthFailed(shop, error.message);
      }
      this.logger.warn({ connectionId, err: message }, 'order poll failed; the next poll goes on');
    }
    return { seen, imported };
  }
}
