import { Test, type TestingModule } from '@nestjs/testing';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { environmentSchema, loadEnvironment } from '../../../config/environment';
import { CatalogueModule, CooperativesService, ProductsService } from '@ocop/catalogue';
import {
  ChannelsModule,
  ConnectionsService,
  ListingContents,
  ListingsService,
  ListingSyncState,
  ListingVersions,
  MARKETPLACE_ADAPTERS,
  type MarketplaceAdapters,
  type StockPushRecord,
} from '@ocop/channels';
import { CommonModule, ConnectorConfig, EVERYTHING, LOGGER, type Logger } from '@ocop/common';
import { DatabaseModule } from '@ocop/database';
import { QueueModule } from '@ocop/jobs';
import {
  MARKETPLACES,
  MarketplaceError,
  type ListingContent,
  type Marketplace,
  type MarketplaceAdapter,
  type PublishedListing,
  type ShopAccess,
  type StockPush,
  type StockPushResult,
} from '@ocop/marketplaces';
import { ConnectionSyncProcessor, SyncModule } from '@ocop/sync';
import { teaProductBody, uniqueCode } from '../../support/factories';

/** One call the sync engine made to a marketplace, as the fake recorded it. */
export type Call =
  | { op: 'publish'; connectionId: string; content: ListingContent }
  | { op: 'update'; connectionId: string; externalId: string; content: ListingContent }
  | { op: 'delist'; connectionId: string; externalId: string }
  | { op: 'pushStock'; connectionId: string; items: StockPush[]; lane: ShopAccess['lane'] };
export type Operation = Call['op'];

/**
 * How the fake answers the next call of an operation: it may throw (a MarketplaceError, or
 * anything else for a crash), wait, or change the catalogue while the call is "in flight".
 */
type Answer = (call: Call) => Promise<unknown>;

/**
 * A marketplace that records every sync call and answers as a case scripts it: per connection
 * and operation, a queue of answers, the default being the marketplace's plain success. Where the
 * point is the engine's decisions, this stands in for the adapter (docs/development.md); what
 * each marketplace's wire format makes of a call is the e2e adapter contract's business.
 */
export class FakeMarketplace {
  readonly calls: Call[] = [];
  private readonly scripts = new Map<string, Answer[]>();
  /** batch sizes per connection; 1 SKU a call (no hold) unless a case sets otherwise */
  private readonly batches = new Map<string, { size: number; unit: 'sku' | 'product' }>();

  constructor(private readonly marketplace: Marketplace) {}

  script(connectionId: string, op: Operation, ...answers: Answer[]): void {
    this.scripts.set(`${connectionId}:${op}`, [
      ...(this.scripts.get(`${connectionId}:${op}`) ?? []),
      ...answers,
    ]);
  }

  callsOf(connectionId: string): Call[] {
    return this.calls.filter((call) => call.connectionId === connectionId);
  }

  private async answer<T>(call: Call, success: () => T): Promise<T> {
    this.calls.push(call);
    const queue = this.scripts.get(`${call.connectionId}:${call.op}`);
    const scripted = queue?.shift();
    if (!scripted) return success();
    const result = await scripted(call);
    return (result === undefined ? success() : result) as T;
  }

  /** The adapter the engine sees. Its batch size is read per call, as the engine reads it. */
  adapter(batchFor: () => { size: number; unit: 'sku' | 'product' }): MarketplaceAdapter {
    const refuse = (what: string) => () =>
      Promise.reject(new Error(`the sync tier reads no orders (${what})`));
    const published = (content: ListingContent, externalId: string): PublishedListing => ({
      externalId,
      variantIds: Object.fromEntries(content.variants.map((v) => [v.skuCode, `V-${v.skuCode}`])),
    });
    return {
      marketplace: this.marketplace,
      get stockBatchSize() {
        return batchFor().size;
      },
      get stockBatchUnit() {
        return batchFor().unit;
      },
      verifyCredentials: async (shop: ShopAccess) => ({ shopId: shop.shopId }),
      publish: (shop, content) =>
        this.answer({ op: 'publish', connectionId: shop.connectionId, content }, () =>
          published(content, `MP-${content.productId}`),
        ),
      update: (shop, externalId, content) =>
        this.answer({ op: 'update', connectionId: shop.connectionId, externalId, content }, () =>
          published(content, externalId),
        ),
      delist: (shop, externalId) =>
        this.answer({ op: 'delist', connectionId: shop.connectionId, externalId }, () => undefined),
      pushStock: (shop, items) =>
        this.answer(
          { op: 'pushStock', connectionId: shop.connectionId, items, lane: shop.lane },
          (): StockPushResult[] =>
            items.map((item) => ({ skuCode: item.skuCode, externalId: item.externalId, ok: true })),
        ),
      ordersChangedSince: () => ({ [Symbol.asyncIterator]: () => ({ next: refuse('ordersChangedSince') }) }),
      fetchOrder: refuse('fetchOrder'),
      readOrders: refuse('readOrders'),
      confirmOrder: refuse('confirmOrder'),
      cancelOrder: refuse('cancelOrder'),
      readWebhook: () => {
        throw new Error('the sync tier reads no webhook');
      },
      verifyWebhook: () => false,
      webhookAcknowledgement: () => ({}),
    };
  }

  batchOf(connectionId: string) {
    return this.batches.get(connectionId) ?? { size: 1, unit: 'sku' as const };
  }

  setBatch(connectionId: string, size: number, unit: 'sku' | 'product'): void {
    this.batches.set(connectionId, { size, unit });
  }
}

/** Scripted answers, as each kind of marketplace failure reaches the engine through the port. */
export const answers = {
  permanent:
    (message: string): Answer =>
    () =>
      Promise.reject(new MarketplaceError('permanent', message)),
  retryable:
    (message: string, retryAfterMs?: number): Answer =>
    () =>
      Promise.reject(new MarketplaceError('retryable', message, retryAfterMs ? { retryAfterMs } : {})),
  auth:
    (message: string): Answer =>
    () =>
      Promise.reject(new MarketplaceError('auth', message)),
  crash:
    (message: string): Answer =>
    () =>
      Promise.reject(new TypeError(message)),
  slow:
    (ms: number): Answer =>
    () =>
      new Promise((resolve) => setTimeout(() => resolve(undefined), ms)),
  /** runs `during` while the call is in flight, then succeeds */
  meanwhile:
    (during: (call: Call) => Promise<unknown>): Answer =>
    async (call) => {
      await during(call);
      return undefined;
    },
};

/** What `process` ended with: its result, or the retry it asked the queue for. */
export type RunEnd =
  | { ended: 'returned'; result: string }
  | { ended: 'retry'; message: string; retryAfterMs: number; stalls: number };

/**
 * The channels and catalogue contexts on this file's copy of the test database, and the real
 * ConnectionSyncProcessor built over them with fake marketplaces. The processor is constructed by
 * hand, not registered as a BullMQ worker: a worker would take the jobs the scheduler enqueues
 * after every change and sync concurrently with the run a case drives.
 */
export async function startSync() {
  const env = loadEnvironment(environmentSchema, process.env);
  const fakes = Object.fromEntries(MARKETPLACES.map((m) => [m, new FakeMarketplace(m)])) as Record<
    Marketplace,
    FakeMarketplace
  >;
  // the batch size is per connection so that cases can share one fake
  let currentConnection = '';
  const adapters = Object.fromEntries(
    MARKETPLACES.map((m) => [m, fakes[m].adapter(() => fakes[m].batchOf(currentConnection))]),
  ) as MarketplaceAdapters;
  const module: TestingModule = await Test.createTestingModule({
    imports: [
      CommonModule.forRoot(env, 'integration'),
      DatabaseModule,
      QueueModule.forRole('working'),
      CatalogueModule,
      ChannelsModule,
      SyncModule,
    ],
  })
    .overrideProvider(MARKETPLACE_ADAPTERS)
    .useValue(adapters)
    .compile();
  await module.init();

  const dataSource = module.get(DataSource);
  const products = module.get(ProductsService);
  const connections = module.get(ConnectionsService);
  const listings = module.get(ListingsService);
  const versions = module.get(ListingVersions);
  const config = module.get(ConnectorConfig);
  const processor = (settle: { settleMs: number; maxHoldMs: number }) =>
    new ConnectionSyncProcessor(
      module.get(ListingSyncState),
      connections,
      module.get(ListingContents),
      adapters,
      module.get<Logger>(LOGGER),
      Object.assign(Object.create(ConnectorConfig.prototype) as ConnectorConfig, config, {
        env: {
          ...config.env,
          SYNC_STOCK_SETTLE_MS: settle.settleMs,
          SYNC_STOCK_MAX_HOLD_MS: settle.maxHoldMs,
        },
      }),
    );
  // no settle window unless a case is about it: what is pushed then does not hang on timing
  const immediate = processor({ settleMs: 0, maxHoldMs: 0 });
  const settling = processor({ settleMs: 600, maxHoldMs: 2_000 });

  const cooperatives = module.get(CooperativesService);
  const cooperativeId = (
    await cooperatives.create({
      name: `HTX đồng bộ ${uniqueCode('')}`,
      kind: 'cooperative',
      province: 'Thái Nguyên',
      district: 'TP Thái Nguyên',
      commune: 'Tân Cương',
    })
  ).id;

  return {
    module,
    dataSource,
    fakes,
    products,
    connections,
    listings,
    versions,
    cooperativeId,
    /**
     * One run of the connection's sync job, as the queue would start it. `stalls`: the runs in a
     * row before it that made no progress, as the job's data carries them.
     */
    async run(connectionId: string, options: { stalls?: number; settle?: boolean } = {}): Promise<RunEnd> {
      currentConnection = connectionId;
      const data: { connectionId: string; stalls?: number } = { connectionId, stalls: options.stalls };
      const job = {
        data,
        updateData: async (next: typeof data) => {
          job.data = next;
        },
      };
      try {
        const result = await (options.settle ? settling : immediate).process(
          job as unknown as Job<typeof data>,
        );
        return { ended: 'returned', result };
      } catch (error) {
        const retry = error as Error & { retryAfterMs?: number; stalls?: number };
        if (typeof retry.retryAfterMs !== 'number') throw error;
        return {
          ended: 'retry',
          message: retry.message,
          retryAfterMs: retry.retryAfterMs,
          stalls: retry.stalls ?? -1,
        };
      }
    },
    async connect(marketplace: Marketplace, stockBufferPercent = 0): Promise<string> {
      const connection = await connections.create(
        EVERYTHING,
        cooperativeId,
        {
          marketplace,
          shopId: uniqueCode('SHOP'),
          credentials: { shop_key: 'k', secret_key: 's', webhookSecret: 'w' },
          autoConfirmOrders: false,
          stockBufferPercent,
        },
        null,
      );
      return connection.id;
    },
    async newProduct(
      skus: { onHand: number; priceVnd?: number }[],
      name = 'Chè móc câu Tân Cương',
    ): Promise<{ productId: string; skus: { id: string; code: string }[] }> {
      const product = await products.create(EVERYTHING, teaProductBody(cooperativeId, name, skus), null);
      return { productId: product.id, skus: product.skus.map((sku) => ({ id: sku.id, code: sku.code })) };
    },
    /** A listing made through ListingsService, not yet published (pending, lagging). */
    async listNew(productId: string, connectionId: string): Promise<string> {
      return (await listings.create(EVERYTHING, { productId, connectionId }, null)).id;
    },
    /**
     * A listing as the sync engine leaves one it published: its marketplace id, a variant id per
     * SKU and the figure it last pushed of each; synced at its current versions.
     */
    async listSynced(
      productId: string,
      connectionId: string,
      syncedStock: Record<string, number>,
      badgeStars: number | null = null,
    ): Promise<string> {
      const id = (await listings.create(EVERYTHING, { productId, connectionId }, null)).id;
      const variantIds = Object.fromEntries(Object.keys(syncedStock).map((code) => [code, `V-${code}`]));
      await dataSource.query(
        `UPDATE listings SET status = 'synced', external_id = $2, variant_ids = $3, synced_stock = $4,
                synced_badge_stars = $5, synced_version = desired_version,
                synced_content_version = content_version
         WHERE id = $1`,
        [id, `EXT-${id}`, variantIds, syncedStock, badgeStars],
      );
      return id;
    },
    async listing(id: string) {
      const [row]: ListingRow[] = await dataSource.query(
        `SELECT status, external_id, variant_ids, synced_stock, synced_badge_stars, desired_version::int,
                synced_version::int, content_version::int, synced_content_version::int, failed_version::int,
                last_error, publish_claimed_until, synced_stock_version::int
         FROM listings WHERE id = $1`,
        [id],
      );
      return { ...row, lagging: row.desired_version > row.synced_version };
    },
    /** The record of a push of `stock` (`pushedSkus` sent) by a run that reads the listing now. */
    async stockPush(
      id: string,
      stock: Record<string, number>,
      pushedSkus: string[],
    ): Promise<StockPushRecord> {
      const [row]: { external_id: string | null; desired_version: number; synced_stock_version: number }[] =
        await dataSource.query(
          `SELECT external_id, desired_version::int, synced_stock_version::int FROM listings WHERE id = $1`,
          [id],
        );
      return {
        listing: {
          id,
          externalId: row.external_id,
          desiredVersion: row.desired_version,
          syncedStockVersion: row.synced_stock_version,
        },
        stock,
        pushedSkus,
      };
    },
    async connection(id: string): Promise<{ status: string; status_reason: string | null }> {
      const [row] = (await dataSource.query(`SELECT status, status_reason FROM connections WHERE id = $1`, [
        id,
      ])) as { status: string; status_reason: string | null }[];
      return row;
    },
    close: () => module.close(),
  };
}

export interface ListingRow {
  status: string;
  external_id: string | null;
  variant_ids: Record<string, string>;
  synced_stock: Record<string, number>;
  synced_badge_stars: number | null;
  desired_version: number;
  synced_version: number;
  content_version: number;
  synced_content_version: number;
  failed_version: number | null;
  last_error: string | null;
  publish_claimed_until: Date | null;
  synced_stock_version: number;
}

export type Sync = Awaited<ReturnType<typeof startSync>>;
