import { recordedActor, type Actor } from '@ocop/auth';
import { Injectable } from '@nestjs/common';
import { ProductsService } from '@ocop/catalogue';
import { Conflict, DomainError, type ErrorDetail, NotFound, Page, RuleViolation, Scope } from '@ocop/common';
import { Transactions } from '@ocop/database';
import { ConnectionsService } from './connections.service';
import { CreateListingBody, CreateListingsBody, ListingListQuery } from './dto';
import { Listing } from './entities';
import { ListingStore } from './listings.repository';
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
    listedBy: recordedActor(l.listedByKind, l.listedById, l.listedByName),
    delistedBy: recordedActor(l.delistedByKind, l.delistedById, l.delistedByName),
    createdAt: l.createdAt.toISOString(),
  };
}
export type ListingView = ReturnType<typeof listingView>;
interface BulkListingItem {
  productId: string;
  status: 202 | 404 | 409 | 422;
  listing: ListingView | null;
  error: { code: string; message: string; details: ErrorDetail[] } | null;
}
export interface BulkListingView {
  connectionId: string;
  listed: number;
  refused: number;
  items: BulkListingItem[];
}

@Injectable()
export class ListingsService {
  constructor(
    private readonly listings: ListingStore,
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
    return this.listings.skuCodesByVariant(connectionId, variantIds);
  }

  /** Publishes a product on a connection: the listing is pending until the worker has pushed it. */
  /** `actor`: who lists it, recorded on the listing (a relisting names its own). */
  async create(scope: Scope, body: CreateListingBody, actor: Actor | null): Promise<ListingView> {
    const product = await this.products.findProduct(scope, body.productId);
    const connection = await this.connections.find(scope, body.connectionId);
    if (product.cooperativeId !== connection.cooperativeId) {
      throw new RuleViolation('A product can only be listed on a connection of its own cooperative');
    }
    const id = await this.transactions.run(async (manager) => {
      const existing = await this.listings.lockOfProduct(manager, product.id, connection.id);
      if (existing && existing.status !== 'delisted')
        throw new Conflict('This product is already listed on this connection');
      if (existing) {
        // Listing again after a delist publishes a fresh marketplace listing.
        await this.listings.relist(manager, existing, actor);
        await this.versions.announce(manager, [connection.id]);
        return existing.id;
      }
      const saved = await this.listings.insertUnlessListed(
        manager,
        {
          productId: product.id,
          connectionId: connection.id,
          cooperativeId: product.cooperativeId,
          marketplace: connection.marketplace,
        },
        actor,
      );
      if (!saved) throw new Conflict('This product is already listed on this connection');
      await this.versions.announce(manager, [connection.id]);
      return saved.id;
    });
    return this.get(scope, id);
  }

  /**
   * Lists many products on one shop in one request ("Đăng bán lên…" for the selected products):
   * each product as `create` would, in its own transaction, so one refused product (another
   * cooperative's, already listed) leaves the others listed and says why in its item.
   */
  async createMany(scope: Scope, body: CreateListingsBody, actor: Actor | null): Promise<BulkListingView> {
    await this.connections.find(scope, body.connectionId);
    const items: BulkListingItem[] = [];
    for (const productId of body.productIds) {
      try {
        const listing = await this.create(scope, { productId, connectionId: body.connectionId }, actor);
        items.push({ productId, status: 202, listing, error: null });
      } catch (error) {
        if (!(error instanceof DomainError) || ![404, 409, 422].includes(error.status)) throw error;
        items.push({
          productId,
          status: error.status as 404 | 409 | 422,
          listing: null,
          error: { code: error.code, message: error.message, details: error.details as ErrorDetail[] },
        });
      }
    }
    const listed = items.filter((item) => item.status === 202).length;
    return { connectionId: body.connectionId, listed, refused: items.length - listed, items };
  }

  async get(scope: Scope, id: string): Promise<ListingView> {
    return listingView(await this.find(scope, id));
  }

  async list(scope: Scope, query: ListingListQuery): Promise<Page<ListingView>> {
    // another producer's id from a cooperative finds nothing, as the products list does
    if (scope.cooperativeId && query.cooperativeId && query.cooperativeId !== scope.cooperativeId) {
      return { items: [], nextCursor: null };
    }
    const { rows, nextCursor } = await this.listings.page(
      {
        cooperativeId: scope.cooperativeId ?? query.cooperativeId,
        productId: query.productId,
        connectionId: query.connectionId,
        status: query.status,
        marketplace: query.marketplace,
      },
      query,
    );
    return { items: rows.map(listingView), nextCursor };
  }

  /** Pushes the whole listing again, and lifts an `error` so it is retried. */
  async resync(scope: Scope, id: string): Promise<ListingView> {
    const listing = await this.find(scope, id);
    if (listing.status === 'delisted')
      throw new Conflict('A delisted listing cannot be resynced; list it again');
    await this.transactions.run(async (manager) => {
      await this.listings.requestResync(manager, id);
      await this.versions.announce(manager, [listing.connectionId]);
    });
    return this.get(scope, id);
  }

  /** Takes the listing down on the marketplace; it reads `delisted` once the worker has done it. */
  async delist(scope: Scope, id: string, actor: Actor | null): Promise<ListingView> {
    const listing = await this.find(scope, id);
    if (listing.status === 'delisted') return listingView(listing);
    await this.transactions.run(async (manager) => {
      await this.listings.requestDelist(manager, id, actor);
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
      const republished = await this.listings.forgetPublished(manager, connectionId);
      await this.versions.announce(manager, [connectionId]);
      return republished;
    });
  }

  private async find(scope: Scope, id: string): Promise<Listing> {
    const found = await this.listings.byId(id, scope.cooperativeId);
    if (!found) throw new NotFound('No such listing');
    return found;
  }
}
