import { getQueueToken } from '@nestjs/bullmq';
import type { ModuleMetadata } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { environmentSchema, loadEnvironment } from '../../config/environment';
import type { Actor } from '@ocop/auth';
import { CatalogueModule, CooperativesService, ProductsService } from '@ocop/catalogue';
import {
  ChannelsModule,
  ConnectionsService,
  ListingsService,
  MARKETPLACE_ADAPTERS,
  type MarketplaceAdapters,
} from '@ocop/channels';
import { CommonModule, EVERYTHING } from '@ocop/common';
import { DatabaseModule } from '@ocop/database';
import { MARKETPLACES, type Marketplace, type MarketplaceAdapter } from '@ocop/marketplaces';
import { MetricsModule } from '@ocop/metrics';
import { OrderImport, OrderIntake, OrderReads, OrdersModule, OrdersService } from '@ocop/orders';
import { QueueModule, QUEUES } from '@ocop/jobs';
import { SyncModule } from '@ocop/sync';
import { teaProductBody, uniqueCode } from './factories';

/**
 * Marketplaces for the integration tier: they accept any credentials (so connections are made
 * through the real ConnectionsService) and refuse every other call, loudly, so a test that reaches
 * a marketplace by mistake fails instead of waiting on a port nobody listens on. Order imports
 * never call one: what the marketplace says is the order the test hands over. Credentials with a
 * `code` are exchanged for a grant, as the app-based styles' authorization codes are.
 */
function marketplacesThatOnlyAcceptCredentials(): MarketplaceAdapters {
  const adapter = (marketplace: Marketplace): MarketplaceAdapter => {
    const refuse = (call: string) => () =>
      Promise.reject(new Error(`the integration tier calls no marketplace (${marketplace}.${call})`));
    return {
      marketplace,
      stockBatchSize: 1,
      stockBatchUnit: 'sku',
      verifyCredentials: async (shop) => ({
        shopId: shop.shopId,
        grant: shop.credentials.code
          ? {
              accessToken: `access-for-${shop.credentials.code}`,
              refreshToken: `refresh-for-${shop.credentials.code}`,
              accessExpiresAt: new Date(Date.now() + 4 * 3_600_000),
              refreshExpiresAt: new Date(Date.now() + 30 * 86_400_000),
            }
          : undefined,
      }),
      publish: refuse('publish'),
      update: refuse('update'),
      delist: refuse('delist'),
      pushStock: refuse('pushStock'),
      ordersChangedSince: () => ({
        [Symbol.asyncIterator]: () => ({ next: refuse('ordersChangedSince') }),
      }),
      fetchOrder: refuse('fetchOrder'),
      readOrders: refuse('readOrders'),
      confirmOrder: refuse('confirmOrder'),
      cancelOrder: refuse('cancelOrder'),
      readWebhook: () => {
        throw new Error(`the integration tier reads no webhook (${marketplace})`);
      },
      verifyWebhook: () => false,
      webhookAcknowledgement: () => ({}),
    };
  };
  return Object.fromEntries(MARKETPLACES.map((m) => [m, adapter(m)])) as MarketplaceAdapters;
}

type ModuleImport = NonNullable<ModuleMetadata['imports']>[number];

/** Who makes the cases' own stock changes (an adjustment when units arrive), as the ledger names them. */
export const STOREKEEPER: Actor = {
  kind: 'key',
  id: '00000000-0000-4000-8000-000000000001',
  name: 'kho HTX (integration tests)',
};

/**
 * The catalogue, channels, orders and metrics contexts as the worker wires them — their real
 * services and repositories on this file's own copy of the test database (own-database.ts), their
 * queues on the real Redis under this file's prefix — in a Nest testing module: no HTTP server, no
 * processors, no marketplace. Fast enough to build once per file and run hundreds of cases on.
 */
export async function startServices(options: { also?: ModuleImport[] } = {}) {
  const env = loadEnvironment(environmentSchema, process.env);
  const module: TestingModule = await Test.createTestingModule({
    imports: [
      CommonModule.forRoot(env, 'integration'),
      DatabaseModule,
      QueueModule.forRole('working'),
      CatalogueModule,
      ChannelsModule,
      // its scheduler enqueues the sync of the listings an import makes lag, as in the worker
      SyncModule,
      OrdersModule,
      // the worker loads it wherever orders are imported: the sales roll-ups change in the import
      MetricsModule,
      // what a suite adds, e.g. the notifications context that hears these contexts' events
      ...(options.also ?? []),
    ],
    // the worker's order intake (auto-confirm), without the processors of OrdersWorkerModule
    providers: [OrderIntake, OrderReads],
  })
    .overrideProvider(MARKETPLACE_ADAPTERS)
    .useValue(marketplacesThatOnlyAcceptCredentials())
    .compile();
  await module.init();

  const cooperatives = module.get(CooperativesService);
  const products = module.get(ProductsService);
  const connections = module.get(ConnectionsService);
  const listings = module.get(ListingsService);
  const dataSource = module.get(DataSource);

  return {
    module,
    dataSource,
    imports: module.get(OrderImport),
    intake: module.get(OrderIntake),
    orders: module.get(OrdersService),
    products,
    connections,
    queue: (name: (typeof QUEUES)[keyof typeof QUEUES]) => module.get<Queue>(getQueueToken(name)),
    /** A producer, named uniquely so the cases of a file can share its database. */
    async newCooperative(): Promise<string> {
      const coop = await cooperatives.create({
        name: `HTX tích hợp ${uniqueCode('')}`,
        kind: 'cooperative',
        province: 'Thái Nguyên',
        district: 'TP Thái Nguyên',
        commune: 'Tân Cương',
      });
      return coop.id;
    },
    /** A product with its SKUs, each stocked through the ledger's opening movement. */
    async newProduct(
      cooperativeId: string,
      skus: { onHand: number; priceVnd?: number; safetyStock?: number }[],
    ): Promise<{ productId: string; skus: { id: string; code: string }[] }> {
      const product = await products.create(
        EVERYTHING,
        teaProductBody(cooperativeId, 'Chè móc câu Tân Cương', skus),
        STOREKEEPER,
      );
      return { productId: product.id, skus: product.skus.map((sku) => ({ id: sku.id, code: sku.code })) };
    },
    /** Units arrive: a stock adjustment by the storekeeper, through the ledger. */
    async addStock(skuId: string, delta: number): Promise<void> {
      await products.adjustStock(EVERYTHING, skuId, { delta, reason: 'hàng về kho' }, STOREKEEPER);
    },
    /** A shop of the cooperative on a marketplace, connected through the real ConnectionsService. */
    async connect(
      cooperativeId: string,
      marketplace: Marketplace,
      options: { autoConfirmOrders?: boolean } = {},
    ): Promise<{ id: string; cooperativeId: string; marketplace: Marketplace }> {
      const connection = await connections.create(
        EVERYTHING,
        cooperativeId,
        {
          marketplace,
          shopId: uniqueCode('SHOP'),
          credentials: { shop_key: 'k', secret_key: 's', webhookSecret: 'w' },
          autoConfirmOrders: options.autoConfirmOrders ?? false,
        },
        null,
      );
      return { id: connection.id, cooperativeId, marketplace };
    },
    /**
     * The product listed on the connection and, as the sync engine leaves a listing it published,
     * with the marketplace's variant id of each SKU and the stock figure it last pushed.
     */
    async listPublished(
      productId: string,
      connectionId: string,
      published: { variantIds: Record<string, string>; syncedStock: Record<string, number> },
    ): Promise<string> {
      const listing = await listings.create(EVERYTHING, { productId, connectionId }, null);
      await dataSource.query(
        `UPDATE listings SET status = 'synced', external_id = $2, variant_ids = $3, synced_stock = $4,
                synced_version = desired_version, synced_content_version = content_version
         WHERE id = $1`,
        [listing.id, `EXT-${listing.id}`, published.variantIds, published.syncedStock],
      );
      return listing.id;
    },
    close: () => module.close(),
  };
}

export type Services = Awaited<ReturnType<typeof startServices>>;

/**
 * Whether `check` holds within `ms`. Work after a commit (enqueueing a job) runs once the
 * transaction's connection is back in the pool, and a caller waits for it at most 250 ms
 * (AFTER_COMMIT_WAIT_MS): on a busy machine it can still be on its way when the call returns.
 */
export async function holdsSoon(check: () => Promise<boolean>, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
