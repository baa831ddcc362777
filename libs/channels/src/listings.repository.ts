import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, QueryFailedError, Repository } from 'typeorm';
import { actorParams, type Actor } from '@ocop/auth';
import { PageQuery } from '@ocop/common';
import { byCreation, fetchPage } from '@ocop/database';
import type { Marketplace } from '@ocop/marketplaces';
import { Listing, ListingStatus } from './entities';

/** A product listed on a connection for the first time. */
export type NewListing = Pick<Listing, 'productId' | 'connectionId' | 'cooperativeId' | 'marketplace'>;

/** Who lists or delists, in a listing's columns (null: the connector). */
const listedBy = (actor: Actor | null) => ({
  listedByKind: actor?.kind ?? null,
  listedById: actor?.id ?? null,
  listedByName: actor?.name ?? null,
});

/** Which listings a list shows; `cooperativeId` is the caller's scope. */
export interface ListingFilter {
  cooperativeId?: string;
  productId?: string;
  connectionId?: string;
  status?: ListingStatus;
  marketplace?: Marketplace;
}

/** One page of listings, newest first. */
export interface ListingPage {
  rows: Listing[];
  nextCursor: string | null;
}

/** What a change asks of the marketplace: `content` a full update, `stock` only quantities. */
export type ListingChange = 'content' | 'stock';

/**
 * The listings as the API and the version bumps read and write them (the sync runs' own writes
 * are in ListingSyncState). Writes that move a version take the caller's transaction, so the
 * bump commits with the change that caused it.
 */
@Injectable()
export class ListingStore {
  constructor(@InjectRepository(Listing) private readonly listings: Repository<Listing>) {}

  /** Our SKU code for each of these marketplace variant ids on the connection. */
  async skuCodesByVariant(connectionId: string, variantIds: string[]): Promise<Map<string, string>> {
    const rows: { sku_code: string; variant_id: string }[] = await this.listings.query(
      `SELECT v.key AS sku_code, v.value AS variant_id
       FROM listings l, jsonb_each_text(l.variant_ids) v
       WHERE l.connection_id = $1 AND v.value = ANY($2::text[])`,
      [connectionId, [...new Set(variantIds)]],
    );
    return new Map(rows.map((row) => [row.variant_id, row.sku_code]));
  }

  /** The listing, only if it belongs to `cooperativeId` when one is given. */
  async byId(id: string, cooperativeId?: string): Promise<Listing | null> {
    return this.listings.findOne({ where: cooperativeId ? { id, cooperativeId } : { id } });
  }

  async page(filter: ListingFilter, query: PageQuery): Promise<ListingPage> {
    const qb = this.listings.createQueryBuilder('l');
    if (filter.cooperativeId) qb.andWhere('l.cooperative_id = :scoped', { scoped: filter.cooperativeId });
    if (filter.productId) qb.andWhere('l.product_id = :productId', { productId: filter.productId });
    if (filter.connectionId)
      qb.andWhere('l.connection_id = :connectionId', { connectionId: filter.connectionId });
    if (filter.status) qb.andWhere('l.status = :status', { status: filter.status });
    if (filter.marketplace) qb.andWhere('l.marketplace = :marketplace', { marketplace: filter.marketplace });
    return fetchPage(qb, query, byCreation);
  }

  /** The product's listing on the connection, locked until the transaction ends; null if none. */
  async lockOfProduct(
    manager: EntityManager,
    productId: string,
    connectionId: string,
  ): Promise<Listing | null> {
    return manager.findOne(Listing, {
      where: { productId, connectionId },
      lock: { mode: 'pessimistic_write' },
    });
  }

  /**
   * A delisted listing listed again: it forgets the marketplace listing it had, so a fresh one is
   * published, and the stock record's version moves so no push in flight records over it.
   */
  async relist(
    manager: EntityManager,
    listing: Pick<Listing, 'id' | 'desiredVersion' | 'contentVersion'>,
    actor: Actor | null,
  ): Promise<void> {
    await manager.update(
      Listing,
      { id: listing.id },
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
        desiredVersion: listing.desiredVersion + 1,
        contentVersion: listing.contentVersion + 1,
        ...listedBy(actor),
        delistedByKind: null,
        delistedById: null,
        delistedByName: null,
      },
    );
  }

  /**
   * Stores a new pending listing; undefined when the product is already listed on the connection
   * (the unique index refused it; the caller's transaction is then aborted).
   */
  async insertUnlessListed(
    manager: EntityManager,
    listing: NewListing,
    actor: Actor | null,
  ): Promise<Listing | undefined> {
    try {
      return await manager.save(
        manager.create(Listing, {
          ...listing,
          ...listedBy(actor),
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
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') {
        return undefined;
      }
      throw error;
    }
  }

  /** The whole listing is to be pushed again, and a failure at an older version no longer holds it. */
  async requestResync(manager: EntityManager, id: string): Promise<void> {
    await manager.query(
      `UPDATE listings SET desired_version = desired_version + 1, content_version = content_version + 1,
              failed_version = NULL, updated_at = now() WHERE id = $1`,
      [id],
    );
  }

  /** The listing is to be taken down on the marketplace by the next run. */
  async requestDelist(manager: EntityManager, id: string, actor: Actor | null): Promise<void> {
    await manager.query(
      `UPDATE listings SET delist_requested = true, desired_version = desired_version + 1,
              content_version = content_version + 1, failed_version = NULL, updated_at = now(),
              delisted_by_kind = $2, delisted_by_id = $3, delisted_by_name = $4
       WHERE id = $1`,
      [id, ...actorParams(actor)],
    );
  }

  /**
   * Forgets what the marketplace held of every listing of the connection that is not delisted,
   * so each is published afresh; answers how many.
   */
  async forgetPublished(manager: EntityManager, connectionId: string): Promise<number> {
    // an UPDATE answers [rows, affected count] through TypeORM's PostgreSQL driver
    const [rows]: [unknown[], number] = await manager.query(
      `UPDATE listings SET external_id = NULL, variant_ids = '{}', synced_stock = '{}',
              synced_stock_version = synced_stock_version + 1, synced_badge_stars = NULL,
              status = 'pending', failed_version = NULL, last_error = NULL, publish_claimed_until = NULL,
              synced_version = 0, synced_content_version = 0,
              desired_version = desired_version + 1, content_version = content_version + 1, updated_at = now()
       WHERE connection_id = $1 AND status <> 'delisted' RETURNING id`,
      [connectionId],
    );
    return rows.length;
  }

  /** How many listings of the connection are on the marketplace or on their way (not delisted). */
  async countLive(manager: EntityManager, connectionId: string): Promise<number> {
    const [{ live }]: { live: number }[] = await manager.query(
      `SELECT count(*)::int AS live FROM listings WHERE connection_id = $1 AND status <> 'delisted'`,
      [connectionId],
    );
    return live;
  }

  /**
   * Moves the desired version of the products' listings, in one statement (a batch of orders moves
   * the stock of dozens: one statement each kept the import's transaction, and its locks, open
   * for as many round trips), locking them in id order like every multi-listing writer here;
   * answers their connections.
   */
  async bumpProducts(manager: EntityManager, productIds: string[], what: ListingChange): Promise<string[]> {
    const [rows]: [{ connection_id: string }[], number] = await manager.query(
      `WITH target AS (
         SELECT id FROM listings WHERE product_id = ANY($1::uuid[]) AND status <> 'delisted'
         ORDER BY id FOR UPDATE)
       UPDATE listings l SET desired_version = l.desired_version + 1,
              content_version = l.content_version + $2, updated_at = now()
       FROM target WHERE l.id = target.id
       RETURNING l.connection_id`,
      [productIds, what === 'content' ? 1 : 0],
    );
    return rows.map((r) => r.connection_id);
  }

  /** Moves the desired version of every listing of the connection. */
  async bumpConnection(manager: EntityManager, connectionId: string, what: ListingChange): Promise<void> {
    await manager.query(
      `UPDATE listings SET desired_version = desired_version + 1,
              content_version = content_version + $2, updated_at = now()
       WHERE connection_id = $1 AND status <> 'delisted'`,
      [connectionId, what === 'content' ? 1 : 0],
    );
  }

  /**
   * Forgets the stock record of these SKUs on the products' listings of the connection and moves
   * their versions (see ListingVersions.forgetHeldStock for why); answers how many listings.
   * Rows are locked in id order, as every multi-listing writer here should, so two such writers
   * cannot deadlock.
   */
  async forgetHeldStock(
    manager: EntityManager,
    connectionId: string,
    productIds: string[],
    skuCodes: string[],
  ): Promise<number> {
    const [rows]: [{ id: string }[], number] = await manager.query(
      `WITH target AS (
         SELECT id FROM listings
         WHERE connection_id = $1 AND product_id = ANY($2::uuid[]) AND status <> 'delisted'
         ORDER BY id FOR UPDATE)
       UPDATE listings l SET synced_stock = l.synced_stock - $3::text[],
              synced_stock_version = l.synced_stock_version + 1,
              desired_version = l.desired_version + 1, updated_at = now()
       FROM target WHERE l.id = target.id
       RETURNING l.id`,
      [connectionId, [...new Set(productIds)], [...new Set(skuCodes)]],
    );
    return rows.length;
  }
}
