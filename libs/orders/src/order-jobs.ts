import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import {
  Inject,
  Injectable,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { DelayedError, Job, Queue } from 'bullmq';
import type { EntityManager } from 'typeorm';
import { ConnectionsService, MARKETPLACE_ADAPTERS, type MarketplaceAdapters } from '@ocop/channels';
import { ConnectorConfig, LOGGER, type Logger } from '@ocop/common';
import { MarketplaceError, type MarketplaceOrder, type OrderHint, type ShopAccess } from '@ocop/marketplaces';
import { CONNECTION_JOB_CONCURRENCY, QUEUES, RecurringJobs } from '@ocop/jobs';
import { cpuTimes, importJobConcurrency, ImportWidth, yieldsSlotIfOthersWait } from './import-slots';
import { DeadWebhooks } from './dead-webhooks';
import { OrderActions } from './order-actions';
import { OrderImport, type ImportResult, type ImportSource, type OrderSource } from './order-import';
import type { WebhookInboxEntry } from './entities';
import { InboxRelay, type InboxImportJob } from './inbox-relay';
import { isNewer } from './order-lifecycle';
import { importSlotsInUse, orderPushesUnconfirmed, webhooksImported } from './order-metrics';
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

/** Where orders come from: the connection's source, its shop, and whether to confirm new orders. */
export interface IntakeContext {
  source: OrderSource;
  shop: ShopAccess;
  autoConfirm: boolean;
}

/**
 * Imports order states for a connection. What counts in stock and metrics always comes from
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
    private readonly inbox: WebhookInboxStore,
  ) {}

  async source(connectionId: string): Promise<IntakeContext> {
    const { connection, shop: shopOf } = await this.connections.withShop(connectionId);
    const shop = await shopOf();
    return {
      source: { connectionId, cooperativeId: connection.cooperativeId, marketplace: connection.marketplace },
      shop,
      autoConfirm: connection.autoConfirmOrders && connection.status === 'active',
    };
  }

  /**
   * Stored webhooks of one connection, oldest first: their orders read from the marketplace together
   * (a push is only a hint) and imported in one transaction with the rows marked processed, so a
   * crash leaves every row either applied or waiting. A row fails alone — its order unknown to the
   * marketplace, or its import refused — and the others go on: if the batch's transaction fails,
   * its orders are tried one by one. Answers the rows that failed, with why; a marketplace that
   * cannot be read fails them all (thrown).
   */
  async takePushes(
    context: IntakeContext,
    entries: WebhookInboxEntry[],
  ): Promise<{ entry: WebhookInboxEntry; error: unknown }[]> {
    const hints = entries.map((entry) => ({ entry, hint: readChange(entry.change) }));
    const found = await this.reads.readMany(
      context.shop,
      hints.map(({ hint }) => ({ externalOrderId: hint.externalOrderId, updatedAt: hint.updatedAt })),
    );
    const failures: { entry: WebhookInboxEntry; error: unknown }[] = [];
    const byOrder = new Map<string, { order: MarketplaceOrder; entries: WebhookInboxEntry[] }>();
    hints.forEach(({ entry, hint }, index) => {
      const order = found[index];
      if (!order) {
        orderPushesUnconfirmed.inc({ marketplace: context.shop.marketplace });
        failures.push({ entry, error: new UnconfirmedPush(context.shop.marketplace, hint) });
        return;
      }
      const held = byOrder.get(order.externalOrderId) ?? { order, entries: [] };
      held.entries.push(entry);
      byOrder.set(order.externalOrderId, held);
    });
    const groups = [...byOrder.values()];
    const failed = await this.takeMany(
      context,
      groups.map((group) => group.order),
      'webhook',
      (manager, imported) =>
        this.inbox.markProcessed(
          manager,
          groups
            .filter((group) => imported.includes(group.order))
            .flatMap((group) => group.entries.map((entry) => entry.id)),
        ),
    );
    for (const { order, error } of failed) {
      const group = byOrder.get(order.externalOrderId);
      failures.push(...(group?.entries ?? []).map((entry) => ({ entry, error })));
    }
    return failures;
  }

  /**
   * Orders as the marketplace's API gave them, imported in one transaction (with `alongside`, which
   * records what else the import settles, e.g. the inbox rows), new ones confirmed where asked. If
   * the transaction fails, each order is tried on its own, so one order's trouble does not hold
   * back the rest; answers the orders that failed, with why.
   */
  async takeMany(
    context: IntakeContext,
    orders: MarketplaceOrder[],
    via: ImportSource,
    alongside?: (manager: EntityManager, imported: MarketplaceOrder[]) => Promise<void>,
  ): Promise<{ order: MarketplaceOrder; error: unknown }[]> {
    if (orders.length === 0) return [];
    const attempt = async (batch: MarketplaceOrder[]) => {
      const results = await this.imports.importMany(
        context.source,
        batch,
        via,
        alongside && ((manager) => alongside(manager, batch)),
      );
      for (const result of new Set(results)) await this.confirmIfAsked(context, result);
    };
    try {
      await attempt(orders);
      return [];
    } catch (error) {
      if (orders.length === 1) return [{ order: orders[0], error }];
      const failed: { order: MarketplaceOrder; error: unknown }[] = [];
      for (const order of orders) {
        await attempt([order]).catch((own: unknown) => failed.push({ order, error: own }));
      }
      return failed;
    }
  }

  /** Confirms a new order automatically where the connection asks for it and the order can be served. */
  private async confirmIfAsked(context: IntakeContext, { order, outcome }: ImportResult): Promise<void> {
    if (
      context.autoConfirm &&
      outcome !== 'unchanged' &&
      order.status === 'pending' &&
      order.stockPhase === 'reserved' &&
      !order.oversold &&
      order.unknownLines === 0
    ) {
      await this.actions.request(order.id, 'confirm', null, null);
    }
  }
}

/** How often the batched import's width is set again (importSlots). */
const IMPORT_WIDTH_EVERY_MS = 1_000;

/**
 * Imports stored webhooks: a connection's waiting rows IMPORT_BATCH_SIZE at a time, or (at size 1)
 * the one row a job names; a row is marked processed in its import's transaction, never before. A failed
 * row is retried by the inbox relay on the row's own growing wait, and after INBOX_MAX_ATTEMPTS it
 * is dead (DeadWebhooks), so the job itself is tried once.
 * Its slots are set at start-up from IMPORT_BATCH_SIZE (importJobConcurrency); batched, they are set
 * again every second from the webhooks arriving and the machine's idle CPU (importSlots).
 */
@Processor(QUEUES.orderInbox)
export class InboxProcessor extends WorkerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly batchSize: number;
  /** Jobs this worker is running now, to tell whether a waiting job has a free slot here. */
  private running = 0;
  private widthTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly inbox: WebhookInboxStore,
    private readonly intake: OrderIntake,
    private readonly connections: ConnectionsService,
    private readonly deadWebhooks: DeadWebhooks,
    private readonly relay: InboxRelay,
    @InjectQueue(QUEUES.orderInbox) private readonly queue: Queue,
    @Inject(LOGGER) private readonly logger: Logger,
    config: ConnectorConfig,
  ) {
    super();
    this.batchSize = config.env.IMPORT_BATCH_SIZE;
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = importJobConcurrency(this.batchSize);
    importSlotsInUse.set(this.worker.concurrency);
    if (this.batchSize === 1) return;
    const reading = () => ({ cpu: cpuTimes(), arrived: this.relay.arrived, atMs: performance.now() });
    const width = new ImportWidth(reading());
    this.widthTimer = setInterval(() => {
      const { slots, load } = width.next(this.worker.concurrency, reading());
      if (slots === this.worker.concurrency) return;
      // fewer slots end no job: the ones over the width finish their batch and give theirs up
      this.worker.concurrency = slots;
      importSlotsInUse.set(slots);
      this.logger.info(
        {
          slots,
          arrivalsPerSecond: Math.round(load.arrivalsPerSecond),
          quietSeconds: load.quietSeconds,
          idle: load.idle?.toFixed(2),
        },
        'order import slots changed',
      );
    }, IMPORT_WIDTH_EVERY_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.widthTimer);
  }

  async process(job: Job<InboxImportJob | { inboxId: string }>, token?: string): Promise<string> {
    this.running += 1;
    try {
      return await this.importJob(job, token);
    } finally {
      this.running -= 1;
    }
  }

  private async importJob(job: Job<InboxImportJob | { inboxId: string }>, token?: string): Promise<string> {
    if ('connectionId' in job.data) return this.drain(job, job.data.connectionId, token);
    // a job enqueued by a worker of before batching names one row as `inboxId`
    const ids = 'inboxIds' in job.data ? job.data.inboxIds : [job.data.inboxId];
    const entries = await this.inbox.waiting(ids);
    if (entries.length === 0) return 'already processed';
    const byConnection = new Map<string, WebhookInboxEntry[]>();
    for (const entry of entries) {
      byConnection.set(entry.connectionId, [...(byConnection.get(entry.connectionId) ?? []), entry]);
    }
    let failed = 0;
    for (const [connectionId, own] of byConnection) failed += await this.importRows(connectionId, own);
    return `imported ${entries.length - failed}, failed ${failed}`;
  }

  /**
   * A connection's waiting rows, a batch at a time, until none is left: rows that arrive while a
   * batch is imported join the next one, so a burst is imported in full batches. While other
   * connections' jobs wait and every slot is taken, a job gives its slot up after each batch and
   * goes to the back of the queue: under a sale every connection has rows all the time, and a job
   * that kept its slot until its connection fell quiet would leave the connections beyond the slots
   * waiting for minutes.
   */
  private async drain(job: Job, connectionId: string, token: string | undefined): Promise<string> {
    const seen = new Set<string>();
    let imported = 0;
    let failed = 0;
    let batchesDone = 0;
    for (;;) {
      const entries = (await this.inbox.waitingOf(connectionId, this.batchSize)).filter(
        (e) => !seen.has(e.id),
      );
      // a row taken twice in one run (its import committed nothing and recorded no failure) waits for the relay
      if (entries.length === 0) break;
      if (
        token !== undefined &&
        yieldsSlotIfOthersWait({ batchesDone, running: this.running, slots: this.worker.concurrency }) &&
        (await this.queue.getWaitingCount()) > 0
      ) {
        // a delayed job due now is promoted to the back of the waiting list; its rows stay its own
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      for (const entry of entries) seen.add(entry.id);
      const failures = await this.importRows(connectionId, entries);
      failed += failures;
      imported += entries.length - failures;
      batchesDone += 1;
    }
    return `imported ${imported}, failed ${failed}`;
  }

  /** Imports one connection's rows as one batch; answers how many failed (each recorded on its row). */
  private async importRows(connectionId: string, entries: WebhookInboxEntry[]): Promise<number> {
    let failures: { entry: WebhookInboxEntry; error: unknown }[];
    // the credentials this batch used: a refusal of ones replaced meanwhile pauses nothing
    let shop: ShopAccess | undefined;
    try {
      const context = await this.intake.source(connectionId);
      shop = context.shop;
      failures = await this.intake.takePushes(context, entries);
    } catch (error) {
      failures = entries.map((entry) => ({ entry, error }));
      if (shop && error instanceof MarketplaceError && error.kind === 'auth') {
        await this.connections.markAuthFailed(shop, error.message);
      }
    }
    for (const { entry, error } of failures) await this.fail(entry, error);
    const failed = new Set(failures.map(({ entry }) => entry.id));
    for (const entry of entries)
      if (!failed.has(entry.id)) webhooksImported.inc({ marketplace: entry.marketplace });
    return failures.length;
  }

  private async fail(entry: WebhookInboxEntry, error: unknown): Promise<void> {
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
        const changed = page.filter((change) => {
          const known = stored.get(change.externalOrderId);
          return !known || isNewer(known, change);
        });
        // Sendo's search rows are thin: those orders are fetched by number first
        const orders = await Promise.all(
          changed.map((change) => change.order ?? adapter.fetchOrder(context.shop, change.externalOrderId)),
        );
        const failed = await this.intake.takeMany(context, orders, 'poll');
        // a page's orders import together; one the import refused fails the poll, as before
        if (failed.length > 0) throw failed[0].error;
        imported += orders.length;
        for (const change of page) if (!newest || change.updatedAt > newest) newest = change.updatedAt;
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
