import { setTimeout as sleep } from 'node:timers/promises';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { Counter } from 'prom-client';
import {
  ConnectionsService,
  Listing,
  ListingContents,
  ListingsBumped,
  ListingSyncState,
  type StockPushRecord,
  MARKETPLACE_ADAPTERS,
  type MarketplaceAdapters,
} from '@ocop/channels';
import { ConnectorConfig, LOGGER, type Logger } from '@ocop/common';
import { EventBus } from '@ocop/database';
import {
  MarketplaceError,
  ORIGIN_NOT_ALLOWED,
  productHoldingSku,
  type ListingContent,
  type ShopAccess,
  type StockPush,
} from '@ocop/marketplaces';
import { backoffDelay, CONNECTION_JOB_CONCURRENCY, QUEUES, RecurringJobs, singletonMetric } from '@ocop/jobs';

export const marketplaceCalls = singletonMetric(
  'marketplace_calls_total',
  () =>
    new Counter({
      name: 'marketplace_calls_total',
      help: 'Marketplace operations by marketplace, operation and outcome',
      labelNames: ['marketplace', 'operation', 'outcome'],
    }),
);

const RUN_BUDGET_MS = 20_000;
/**
 * How long a change waits for others to ride its job. Every stock change pays it before the other
 * marketplaces see it; at 300 ms it was a quarter of the time from an imported order to them, while
 * a burst's changes gather anyway (the job id is taken until the job runs, and partialBatchToHold
 * keeps a stock batch's tail for its settle window).
 */
export const GATHER_MS = 100;
const PAGE = 200;
const PUBLISH_CONCURRENCY = 4;

export const connectionJobId = (connectionId: string) => `connection-${connectionId}`;

/** The one way sync work is enqueued: one job per connection, however many changes arrived. */
@Injectable()
export class SyncScheduler implements OnModuleInit {
  constructor(
    @InjectQueue(QUEUES.connectionSync) private readonly queue: Queue,
    private readonly events: EventBus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.events.on(ListingsBumped, 'after-commit', ({ connectionIds }) =>
      this.enqueue(connectionIds, GATHER_MS).catch((error: unknown) =>
        // the listings lag in PostgreSQL, so the reconciler enqueues them once Redis answers
        this.logger.warn({ err: String(error), connectionIds }, 'sync not enqueued; the reconciler will'),
      ),
    );
  }

  /**
   * `gatherMs`: a change waits this long before its job runs, so the changes of a burst that
   * arrive meanwhile ride the same job (the job id is taken until it runs).
   */
  async enqueue(connectionIds: string[], gatherMs = 0): Promise<void> {
    await this.queue.addBulk(
      connectionIds.map((connectionId) => ({
        name: 'sync',
        data: { connectionId },
        opts: {
          jobId: connectionJobId(connectionId),
          delay: gatherMs,
          attempts: 100,
          backoff: { type: 'jitter' },
          removeOnComplete: true,
          removeOnFail: true,
        },
      })),
    );
  }
}

/**
 * Some listings must be retried. `stalls` counts the runs in a row that made no progress: a run
 * that synced something comes back soon, one that keeps failing backs off exponentially.
 */
class RetryLater extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
    readonly stalls: number,
  ) {
    super(message);
  }
}

/**
 * What became of a listing: `done` (synced, or refused for good and marked), `retry` after
 * `retryAfterMs`, or `skipped` (the marketplace refused the credentials: the run stops).
 */
type Outcome = 'done' | 'retry' | 'skipped';

interface SyncResult {
  outcome: Outcome;
  retryAfterMs: number;
}

interface ListingResult extends SyncResult {
  listing: Listing;
}

const done: SyncResult = { outcome: 'done', retryAfterMs: 0 };

/**
 * Brings every lagging listing of one connection to its newest desired state (ARCHITECTURE.md
 * §3): publishes, updates or delists one listing at a time, and pushes stock-only changes of many
 * listings in as few calls as the marketplace's bulk endpoint allows. It reads the desired version
 * first and the catalogue after, so what it pushes is never older than the version it records.
 */
@Processor(QUEUES.connectionSync, {
  concurrency: CONNECTION_JOB_CONCURRENCY,
  // A killed worker's job is taken over within seconds, not the default minute.
  lockDuration: 15_000,
  stalledInterval: 5_000,
  settings: {
    backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) =>
      error instanceof RetryLater
        ? backoffDelay(error.stalls, error.retryAfterMs)
        : backoffDelay(attemptsMade),
  },
})
export class ConnectionSyncProcessor extends WorkerHost {
  private readonly settleMs: number;
  private readonly maxHoldMs: number;

  constructor(
    private readonly state: ListingSyncState,
    private readonly connections: ConnectionsService,
    private readonly contents: ListingContents,
    @Inject(MARKETPLACE_ADAPTERS) private readonly adapters: MarketplaceAdapters,
    @Inject(LOGGER) private readonly logger: Logger,
    config: ConnectorConfig,
  ) {
    super();
    this.settleMs = config.env.SYNC_STOCK_SETTLE_MS;
    this.maxHoldMs = config.env.SYNC_STOCK_MAX_HOLD_MS;
  }

  async process(job: Job<{ connectionId: string; stalls?: number }>): Promise<string> {
    const { connectionId } = job.data;
    const found = await this.connections.withShop(connectionId).catch(() => undefined);
    if (!found || found.connection.status !== 'active') return 'connection not active';
    const { connection } = found;
    let shop: ShopAccess;
    try {
      shop = await found.shop();
    } catch (error) {
      // marked by shop(): nothing to retry until an administrator acts
      if (error instanceof MarketplaceError && error.options.code === ORIGIN_NOT_ALLOWED) {
        return 'stopped: origin not allowed';
      }
      throw error;
    }
    const started = Date.now();
    const retrying = new Map<string, number>();
    const handled = new Set<string>();
    // when this run first saw each listing lag: a held stock change is pushed first next time,
    // and never held longer than maxHoldMs
    const firstSeen = new Map<string, number>();
    let synced = 0;
    // whether a listing this run handled lags again, once the run has nothing else: known from
    // the read that found nothing new, so ending a run costs no read of its own
    let lagsAgain: boolean | undefined;
    while (Date.now() - started < RUN_BUDGET_MS) {
      const page = await this.state.lagging(connectionId, [...retrying.keys()], PAGE);
      // each listing once a run: changes arriving meanwhile gather for the next run
      const lagging = page.filter((l) => !handled.has(l.id));
      if (lagging.length === 0) {
        lagsAgain = page.length > 0;
        break;
      }
      for (const l of lagging) if (!firstSeen.has(l.id)) firstSeen.set(l.id, Date.now());
      const stockOnly = lagging
        .filter(
          (l) => l.externalId !== null && !l.delistRequested && l.contentVersion <= l.syncedContentVersion,
        )
        .sort((a, b) => (firstSeen.get(a.id) ?? 0) - (firstSeen.get(b.id) ?? 0));
      const whole = lagging.filter((l) => !stockOnly.includes(l));
      const held = await this.partialBatchToHold(shop.marketplace, stockOnly, firstSeen);
      const pushNow = stockOnly.slice(0, stockOnly.length - held);
      const results: ListingResult[] = [];
      // PUBLISH_CONCURRENCY lanes, each taking the next listing as soon as its last one is done:
      // the call gate spaces the calls evenly, so lanes that waited for the slowest of a group
      // would leave the shop's slots unused. Refused credentials stop every lane taking more.
      let next = 0;
      let credentialsRefused = false;
      await Promise.all(
        Array.from({ length: Math.min(PUBLISH_CONCURRENCY, whole.length) }, async () => {
          while (next < whole.length && !credentialsRefused) {
            const listing = whole[next++];
            const result = await this.syncWhole(shop, connection.stockBufferPercent, listing);
            if (result.outcome === 'skipped') credentialsRefused = true;
            results.push({ listing, ...result });
          }
        }),
      );
      // refused credentials stop the connection's pushes: its stock waits with the rest
      const refused = results.some((result) => result.outcome === 'skipped');
      if (pushNow.length > 0 && !refused) {
        results.push(...(await this.pushStock(shop, connection.stockBufferPercent, pushNow)));
      }
      // Only a held partial batch is left: give the burst a moment to add to it before looking again.
      if (results.length === 0 && held > 0) await sleep(this.settleMs);
      if (results.some((result) => result.outcome === 'skipped')) return 'stopped: credentials refused';
      for (const { listing, outcome, retryAfterMs } of results) {
        handled.add(listing.id);
        if (outcome === 'retry') retrying.set(listing.id, retryAfterMs);
        if (outcome === 'done') synced += 1;
      }
    }
    const stalls = synced > 0 ? 0 : (job.data.stalls ?? 0) + 1;
    if (retrying.size > 0) {
      await job.updateData({ ...job.data, stalls });
      throw new RetryLater(`${retrying.size} listing(s) to retry`, Math.max(0, ...retrying.values()), stalls);
    }
    lagsAgain ??= (await this.state.lagging(connectionId, [], 1)).length > 0;
    if (lagsAgain) throw new RetryLater('more to do', GATHER_MS, 0);
    return `synced ${synced}`;
  }

  /**
   * How many of `stockOnly` (oldest first) to keep for a later pass of this run: the tail past the
   * last full batch, while the connection's stock changes are still arriving (the newest came less
   * than settleMs ago) and none of the tail has waited maxHoldMs. A burst that lands over several
   * seconds through separate requests is then pushed in full batches, while a lone change (its run
   * starts GATHER_MS after it, so it is quiet by then) or a slow trickle is pushed at once.
   * Sendo's cap counts products (one listing each); a SKU-counting cap is reckoned from each
   * listing's known variants, an upper bound of what changed, so a miscount only pushes early.
   */
  private async partialBatchToHold(
    marketplace: Listing['marketplace'],
    stockOnly: Listing[],
    firstSeen: Map<string, number>,
  ): Promise<number> {
    const adapter = this.adapters[marketplace];
    if (this.settleMs <= 0 || stockOnly.length === 0 || adapter.stockBatchSize <= 1) return 0;
    const units = (l: Listing) =>
      adapter.stockBatchUnit === 'product' ? 1 : Math.max(1, Object.keys(l.variantIds).length);
    const total = stockOnly.reduce((sum, l) => sum + units(l), 0);
    const full = total - (total % adapter.stockBatchSize);
    if (full === total) return 0;
    // the oldest listings fill the full batches; the rest is the tail that may wait
    let counted = 0;
    let cut = 0;
    while (cut < stockOnly.length && counted + units(stockOnly[cut]) <= full) {
      counted += units(stockOnly[cut]);
      cut += 1;
    }
    const tail = stockOnly.slice(cut);
    const now = Date.now();
    if (tail.some((l) => now - (firstSeen.get(l.id) ?? now) >= this.maxHoldMs)) return 0;
    const quietMs = await this.state.quietForMs(stockOnly.map((l) => l.id));
    return quietMs !== null && quietMs < this.settleMs ? tail.length : 0;
  }

  /** Publish, update or delist one listing. */
  private async syncWhole(shop: ShopAccess, buffer: number, listing: Listing): Promise<SyncResult> {
    const adapter = this.adapters[shop.marketplace];
    const content = await this.contents.of(listing.productId, buffer);
    let operation = 'update';
    try {
      if (listing.delistRequested || content.archived) {
        operation = 'delist';
        if (listing.externalId) await adapter.delist(shop, listing.externalId);
        await this.state.markDelisted(listing);
      } else if (!listing.externalId) {
        operation = 'publish';
        // One marketplace listing per connector listing: only the worker holding the claim publishes.
        if (!(await this.state.claimPublish(listing.id))) return { outcome: 'retry', retryAfterMs: 2000 };
        const published = await adapter.publish(shop, content).catch(async (error: unknown) => {
          const holder = productHoldingSku(
            error,
            content.variants.map((v) => v.skuCode),
          );
          if (holder === undefined) throw error;
          this.logger.warn(
            { listingId: listing.id, externalId: holder },
            'adopting the product an earlier publish created',
          );
          return adapter.update(shop, holder, content);
        });
        await this.recordPushed(listing, content, published.externalId, published.variantIds);
      } else {
        const published = await adapter.update(shop, listing.externalId, content);
        await this.recordPushed(listing, content, listing.externalId, published.variantIds);
      }
      marketplaceCalls.inc({ marketplace: shop.marketplace, operation, outcome: 'ok' });
      return done;
    } catch (error) {
      return this.failed(shop, [listing], operation, error);
    }
  }

  /**
   * Records a publish or full update. Its stock figures are recorded only over the record this run
   * read (see stockRecord); the rest (ids, badge, versions) is what the marketplace now has either way.
   */
  private async recordPushed(
    listing: Listing,
    content: ListingContent,
    externalId: string,
    variantIds: Record<string, string>,
  ): Promise<void> {
    await this.state.markSynced(listing, {
      externalId,
      variantIds,
      badgeStars: content.ocopStars,
      stock: Object.fromEntries(content.variants.map((v) => [v.skuCode, v.quantity])),
    });
  }

  /** Stock-only changes of many listings, batched into as few marketplace calls as allowed. */
  private async pushStock(shop: ShopAccess, buffer: number, listings: Listing[]): Promise<ListingResult[]> {
    const stock = await this.contents.stockOf(
      listings.map((listing) => listing.productId),
      buffer,
    );
    const plans = listings.map((listing) => {
      const variants = stock.get(listing.productId) ?? [];
      // A SKU added since publishing is a content change (a full update), not a stock push.
      const changed = variants.filter(
        (v) => listing.syncedStock[v.skuCode] !== v.quantity && listing.variantIds[v.skuCode] !== undefined,
      );
      return { listing, variants, changed };
    });
    const items: StockPush[] = plans.flatMap(({ listing, changed }) =>
      changed.map((v) => ({
        externalId: listing.externalId as string,
        skuCode: v.skuCode,
        variantId: listing.variantIds[v.skuCode],
        quantity: v.quantity,
        idempotencyKey: `${listing.id}:${v.skuCode}:${v.quantity}:${listing.desiredVersion}`,
      })),
    );
    let results: Awaited<ReturnType<MarketplaceAdapters['sendo']['pushStock']>> = [];
    if (items.length > 0) {
      try {
        // a figure that waits lets the other marketplaces sell stock that is gone: it goes before
        // the shop's queued order reads and publishes
        results = await this.adapters[shop.marketplace].pushStock({ ...shop, lane: 'ahead' }, items);
        marketplaceCalls.inc({ marketplace: shop.marketplace, operation: 'stock', outcome: 'ok' }, 1);
      } catch (error) {
        const result = await this.failed(shop, listings, 'stock', error);
        return listings.map((listing) => ({ listing, ...result }));
      }
    }
    const outcomes: ListingResult[] = [];
    const synced: StockPushRecord[] = [];
    for (const { listing, variants, changed } of plans) {
      const mine = results.filter(
        (r) => r.externalId === listing.externalId && changed.some((v) => v.skuCode === r.skuCode),
      );
      const refused = mine.find((r) => !r.ok);
      if (refused?.error && refused.error.kind !== 'permanent') {
        outcomes.push({ listing, outcome: 'retry', retryAfterMs: refused.error.options.retryAfterMs ?? 0 });
        continue;
      }
      if (refused) {
        await this.state.markError(
          listing,
          refused.error?.message ?? 'the marketplace refused the stock update',
        );
      } else {
        synced.push({
          listing,
          stock: Object.fromEntries(variants.map((v) => [v.skuCode, v.quantity])),
          pushedSkus: changed.map((v) => v.skuCode),
        });
      }
      outcomes.push({ listing, ...done });
    }
    // recorded a few at once: one round trip after another per listing held the job's slot for each
    await this.state.markStockSynced(synced);
    return outcomes;
  }

  private async failed(
    shop: ShopAccess,
    listings: Listing[],
    operation: string,
    error: unknown,
  ): Promise<SyncResult> {
    if (!(error instanceof MarketplaceError)) {
      marketplaceCalls.inc({ marketplace: shop.marketplace, operation, outcome: 'crash' });
      this.logger.error(
        { err: error, connectionId: shop.connectionId, operation },
        'sync failed unexpectedly',
      );
      await this.state.releaseClaims(listings);
      return { outcome: 'retry', retryAfterMs: 5000 };
    }
    marketplaceCalls.inc({ marketplace: shop.marketplace, operation, outcome: error.kind });
    if (error.kind === 'auth') {
      await this.connections.markAuthFailed(shop, error.message);
      await this.state.releaseClaims(listings);
      this.logger.warn(
        { connectionId: shop.connectionId },
        'marketplace refused the credentials; connection paused',
      );
      return { outcome: 'skipped', retryAfterMs: 0 };
    }
    if (error.kind === 'permanent') {
      for (const listing of listings) await this.state.markError(listing, error.message);
      return done;
    }
    await this.state.markRetrying(listings, error.message);
    return { outcome: 'retry', retryAfterMs: error.options.retryAfterMs ?? 0 };
  }
}

/**
 * Re-enqueues every active connection with lagging listings: after a flushed Redis, a killed
 * worker or a lost job, the system converges without anyone acting.
 */
@Processor(QUEUES.syncReconciler)
export class SyncReconciler extends WorkerHost {
  constructor(
    private readonly state: ListingSyncState,
    private readonly scheduler: SyncScheduler,
  ) {
    super();
  }

  async process(): Promise<number> {
    const connectionIds = await this.state.connectionsLagging();
    await this.scheduler.enqueue(connectionIds);
    return connectionIds.length;
  }
}

@Injectable()
export class SyncReconcilerSchedule implements OnModuleInit {
  constructor(
    @InjectQueue(QUEUES.syncReconciler) private readonly queue: Queue,
    private readonly recurring: RecurringJobs,
  ) {}

  onModuleInit(): void {
    this.recurring.register({
      queue: this.queue,
      id: 'reconcile',
      repeat: { every: 3000 },
      template: { name: 'reconcile', opts: { removeOnComplete: true, removeOnFail: 50 } },
    });
  }
}
