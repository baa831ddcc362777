import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { QueryFailedError, Repository } from 'typeorm';
import { ProductsService } from '@ocop/catalogue';
import { Conflict, NotFound, Page, RuleViolation, Scope } from '@ocop/common';
import { byCreation, fetchPage, Transactions } from '@ocop/database';
import { ConnectionsService } from './connections.service';
import { CreateListingBody, ListingListQuery } from './dto';
import { Listing } from './entities';
import { ListingVersions } from './listing-versions';

export function listingView(l: Listing) {
  return {
    id: l.id,
    productId: l.productId,
    connectionId: l.connectionId,
    marketplace: l.marketplace,
    externalId: l.externalId,
    status: l.status,
    desiredVersion: l.desiredVersion,
    syncedVersion: l.syncedVersion,
    /** versions the marketplace is behind (0 when in step) */
    lag: Math.max(0, l.desiredVersion - l.syncedVersion),
    syncedStock: l.syncedStock,
    ocopBadge: l.syncedBadgeStars === null ? null : { stars: l.syncedBadgeStars },
    lastError: l.lastError,
    lastSyncedAt: l.lastSyncedAt?.toISOString() ?? null,
    createdAt: l.createdAt.toISOString(),
  };
}
export type ListingView = ReturnType<typeof listingView>;

@Injectable()
export class ListingsService {
  constructor(
    @InjectRepository(Listing) private readonly listings: Repository<Listing>,
    private readonly products: ProductsService,
    private readonly connections: ConnectionsService,
    private readonly versions: ListingVersions,
    private readonly transactions: Transactions,
  ) {}

  /**
   * Our SKU code for each marketplace variant id on a connection, so an order line that names only
   * the marketplace's variant (Postmart's sku_id) still finds its SKU.
   */
  async skuCodesByVariant(connectionId: string, variantIds: string[]): Promise<Map<string, string>> {
    if (variantIds.length === 0) return new Map();
    const rows: { sku_code: string; variant_id: string }[] = await this.listings.query(
      `SELECT v.key AS sku_code, v.value AS variant_id
       FROM listings l, jsonb_each_text(l.variant_ids) v
       WHERE l.connection_id = $1 AND v.value = ANY($2::text[])`,
      [connectionId, [...new Set(variantIds)]],
    );
    return new Map(rows.map((row) => [row.variant_id, row.sku_code]));
  }

  /** Publishes a product on a connection: the listing is pending until the worker has pushed it. */
  async create(scope: Scope, body: CreateListingBody): Promise<ListingView> {
    const product = await this.products.findProduct(scope, body.productId);
    const connection = await this.connections.find(scope, body.connectionId);
    if (product.cooperativeId !== connection.cooperativeId) {
      throw new RuleViolation('A product can only be listed on a connection of its own cooperative');
    }
    const id = await this.transactions.run(async (manager) => {
      const existing = await manager.findOne(Listing, {
        where: { productId: product.id, connectionId: connection.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (existing && existing.status !== 'delisted')
        throw new Conflict('This product is already listed on this connection');
      if (existing) {
        // Listing again after a delist publishes a fresh marketplace listing.
        await manager.update(
          Listing,
          { id: existing.id },
          {
            status: 'pending',
            delistRequested: false,
            externalId: null,
            variantIds: {},
            syncedStock: {},
            syncedStockVersion: () => 'synced_stock_version + 1',
            syncedBadgeStars: null,
            failedVersion: null,
            lastError: null,
            desiredVersion: existing.desiredVersion + 1,
            contentVersion: existing.contentVersion + 1,
          },
        );
        await this.versions.announce(manager, [connection.id]);
        return existing.id;
      }
      try {
        const saved = await manager.save(
          manager.create(Listing, {
            productId: product.id,
            connectionId: connection.id,
            cooperativeId: product.cooperativeId,
            marketplace: connection.marketplace,
            externalId: null,
            variantIds: {},
            status: 'pending',
            delistRequested: false,
            desiredVersion: 1,
            contentVersion: 1,
            syncedVersion: 0,
            syncedContentVersion: 0,
            failedVersion: null,
            syncedStock: {},
            syncedBadgeStars: null,
            lastError: null,
            lastSyncedAt: null,
            publishClaimedUntil: null,
          }),
        );
        await this.versions.announce(manager, [connection.id]);
        return saved.id;
      } catch (error) {
        if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') {
          throw new Conflict('This product is already listed on this connection');
        }
        throw error;
      }
    });
    return this.get(scope, id);
  }

  async get(scope: Scope, id: string): Promise<ListingView> {
    return listingView(await this.find(scope, id));
  }

  async list(scope: Scope, query: ListingListQuery): Promise<Page<ListingView>> {
    const qb = this.listings.createQueryBuilder('l');
    if (scope.cooperativeId) qb.andWhere('l.cooperative_id = :scoped', { scoped: scope.cooperativeId });
    if (query.productId) qb.andWhere('l.product_id = :productId', { productId: query.productId });
    if (query.connectionId)
      qb.andWhere('l.connection_id = :connectionId', { connectionId: query.connectionId });
    if (query.status) qb.andWhere('l.status = :status', { status: query.status });
    if (query.marketplace) qb.andWhere('l.marketplace = :marketplace', { marketplace: query.marketplace });
    const { rows, nextCursor } = await fetchPage(qb, query, byCreation);
    return { items: rows.map(listingView), nextCursor };
  }

  /** Pushes the whole listing again, and lifts an `error` so it is retried. */
  async resync(scope: Scope, id: string): Promise<ListingView> {
    const listing = await this.find(scope, id);
    if (listing.status === 'delisted')
      throw new Conflict('A delisted listing cannot be resynced; list it again');
    await this.transactions.run(async (manager) => {
      await manager.query(
        `UPDATE listings SET desired_version = desired_version + 1, content_version = content_version + 1,
                failed_version = NULL, updated_at = now() WHERE id = $1`,
        [id],
      );
      await this.versions.announce(manager, [listing.connectionId]);
    });
    return this.get(scope, id);
  }

  /** Takes the listing down on the marketplace; it reads `delisted` once the worker has done it. */
  async delist(scope: Scope, id: string): Promise<ListingView> {
    const listing = await this.find(scope, id);
    if (listing.status === 'delisted') return listingView(listing);
    await this.transactions.run(async (manager) => {
      await manager.query(
        `UPDATE listings SET delist_requested = true, desired_version = desired_version + 1,
                content_version = content_version + 1, failed_version = NULL, updated_at = now() WHERE id = $1`,
        [id],
      );
      await this.versions.announce(manager, [listing.connectionId]);
    });
    return this.get(scope, id);
  }

  /**
   * The marketplace lost this shop's listings (a sandbox that restarted, a shop rebuilt by the
   * marketplace): forget what it held and publish every listing of the connection again.
   */
  async republishAll(scope: Scope, connectionId: string): Promise<number> {
    await this.connections.find(scope, connectionId);
    return this.transactions.run(async (manager) => {
      const [rows]: [unknown[], number] = await manager.query(
        `UPDATE listings SET external_id = NULL, variant_ids = '{}', synced_stock = '{}',
                synced_stock_version = synced_stock_version + 1, synced_badge_stars = NULL,
                status = 'pending', failed_version = NULL, last_error = NULL, publish_claimed_until = NULL,
                synced_version = 0, synced_content_version = 0,
                desired_version = desired_version + 1, content_version = content_version + 1, updated_at = now()
         WHERE connection_id = $1 AND status <> 'delisted' RETURNING id`,
        [connectionId],
      );
      await this.versions.announce(manager, [connectionId]);
      return rows.length;
    });
  }

  private async find(scope: Scope, id: string): Promise<Listing> {
    const found = await this.listings.findOne({
      where: scope.cooperativeId ? { id, cooperativeId: scope.cooperativeId } : { id },
    });
    if (!found) throw new NotFound('No such listing');
    return found;
  }
}
