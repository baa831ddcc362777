import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Listing } from './entities';
import { stockRecord, stockRecordParameters } from './stock-record';

/** What a publish or a full update left on the marketplace, to record on the listing. */
export interface PushedListing {
  externalId: string;
  variantIds: Record<string, string>;
  badgeStars: number | null;
  /** The figure pushed for each SKU of the listing. */
  stock: Record<string, number>;
}

/** What a stock push sent of one listing, to record: its figures and the SKUs the run pushed. */
export interface StockPushRecord {
  listing: Pick<Listing, 'id' | 'externalId' | 'desiredVersion' | 'syncedStockVersion'>;
  stock: Record<string, number>;
  pushedSkus: string[];
}

/**
 * The sync state of listings: which lag, who may publish, and what the marketplace confirmed.
 * The sync engine (libs/sync) decides what to push; this is the only place that reads and writes
 * that state, so channels keeps its tables to itself. Every write that records a push is guarded
 * by the marketplace listing it pushed to (see `sameMarketplaceListing`) and, for stock, by the
 * record's version (see `stockRecord`).
 */
@Injectable()
export class ListingSyncState {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Listings of a connection whose desired version is ahead of the synced one and did not fail at
   * that version, oldest first, leaving out `skip` (those to retry later). `skip` goes as one array,
   * so the statement has one text whatever its length and is prepared.
   */
  async lagging(connectionId: string, skip: string[], limit: number): Promise<Listing[]> {
    return this.dataSource
      .getRepository(Listing)
      .createQueryBuilder('l')
      .where('l.connection_id = :connectionId', { connectionId })
      .andWhere('l.desired_version > l.synced_version')
      .andWhere('(l.failed_version IS NULL OR l.desired_version > l.failed_version)')
      .andWhere('l.id <> ALL(CAST(:skip AS uuid[]))', { skip })
      .orderBy('l.created_at', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** The active connections that have a lagging listing, for the reconciler to enqueue. */
  async connectionsLagging(): Promise<string[]> {
    const rows: { connection_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT l.connection_id FROM listings l JOIN connections c ON c.id = l.connection_id
       WHERE c.status = 'active' AND l.desired_version > l.synced_version
         AND (l.failed_version IS NULL OR l.desired_version > l.failed_version)`,
    );
    return rows.map((row) => row.connection_id);
  }

  /**
   * Milliseconds since the newest change of these listings, by the database's clock, which
   * stamped the changes, so another machine's clock cannot skew it; null if none was found.
   */
  async quietForMs(listingIds: string[]): Promise<number | null> {
    const [{ quiet_ms: quietMs }]: { quiet_ms: number | null }[] = await this.dataSource.query(
      `SELECT (EXTRACT(EPOCH FROM clock_timestamp() - max(updated_at)) * 1000)::float8 AS quiet_ms
       FROM listings WHERE id = ANY($1::uuid[])`,
      [listingIds],
    );
    return quietMs;
  }

  /**
   * Takes the claim to publish a listing that has no marketplace listing yet, for 30 s: one
   * marketplace listing per connector listing, since only the worker holding the claim publishes.
   * False when another holds it or the listing was published meanwhile.
   */
  async claimPublish(listingId: string): Promise<boolean> {
    const [claimed]: [unknown[], number] = await this.dataSource.query(
      `UPDATE listings SET publish_claimed_until = now() + interval '30 seconds'
       WHERE id = $1 AND external_id IS NULL
         AND (publish_claimed_until IS NULL OR publish_claimed_until < now()) RETURNING id`,
      [listingId],
    );
    return claimed.length > 0;
  }

  /** The marketplace no longer shows the listing: synced up to the versions the run read. */
  async markDelisted(listing: Pick<Listing, 'id' | 'desiredVersion' | 'contentVersion'>): Promise<void> {
    await this.dataSource.query(
      `UPDATE listings SET status = 'delisted', synced_version = GREATEST(synced_version, $2),
              synced_content_version = GREATEST(synced_content_version, $3), last_error = NULL,
              last_synced_at = now(), updated_at = now() WHERE id = $1`,
      [listing.id, listing.desiredVersion, listing.contentVersion],
    );
  }

  /**
   * Records a publish or full update. Its stock figures are recorded only over the record the run
   * read (see stockRecord); the rest (ids, badge, versions) is what the marketplace now has either
   * way. Releases the publish claim.
   */
  async markSynced(
    listing: Pick<Listing, 'id' | 'externalId' | 'desiredVersion' | 'contentVersion' | 'syncedStockVersion'>,
    pushed: PushedListing,
  ): Promise<void> {
    const parameters: unknown[] = [
      listing.id,
      pushed.externalId,
      JSON.stringify(pushed.variantIds),
      pushed.badgeStars,
      listing.desiredVersion,
      listing.contentVersion,
    ];
    const record = stockRecord(
      'replace',
      stockRecordParameters(listing, pushed.stock, Object.keys(pushed.stock), parameters),
    );
    await this.dataSource.query(
      `UPDATE listings SET external_id = $2, variant_ids = $3, synced_badge_stars = $4, ${record},
              status = 'synced', synced_version = GREATEST(synced_version, $5),
              synced_content_version = GREATEST(synced_content_version, $6), failed_version = NULL,
              last_error = NULL, last_synced_at = now(), publish_claimed_until = NULL, updated_at = now()
       WHERE id = $1 AND ${sameMarketplaceListing(listing, parameters)}`,
      parameters,
    );
  }

  /**
   * Records a stock push of many listings: each one's `stock` holds its figures, `pushedSkus` the
   * SKUs the run sent; each recorded over the record the run read only (see stockRecord), and only
   * onto the marketplace listing it was pushed to (sameMarketplaceListing). One statement records
   * every listing no transaction holds (it had been one statement per listing, a sync run's largest
   * share of statements); a listing an import holds is then recorded on its own, waiting for that
   * one row alone. A statement that waited for such a row while holding the others could deadlock
   * with a transaction that locks the same listings in another order (a catalogue spreadsheet
   * bumps its products one by one; bench:import saw it on 1 Dec 2026 with imports of then).
   */
  async markStockSynced(pushes: StockPushRecord[]): Promise<void> {
    if (pushes.length === 0) return;
    const taken = await this.recordStockPushes(pushes, 'skip held');
    for (const push of pushes) if (!taken.has(push.listing.id)) await this.recordStockPushes([push], 'wait');
  }

  /**
   * Records stock pushes in one statement, locking the listings in id order: all those no
   * transaction holds (`skip held`), or, one listing at a time, waiting for it (`wait`). Answers
   * the listings it locked (recorded, or left alone as pushed to another marketplace listing).
   */
  private async recordStockPushes(
    pushes: StockPushRecord[],
    held: 'skip held' | 'wait',
  ): Promise<Set<string>> {
    const rows = pushes.map(({ listing, stock, pushedSkus }) => ({
      id: listing.id,
      desired: listing.desiredVersion,
      read_version: listing.syncedStockVersion,
      figures: stock,
      skus: pushedSkus,
      pushed_to: listing.externalId ?? null,
    }));
    const record = stockRecord('merge', { version: 'v.read_version', figures: 'v.figures', skus: 'v.skus' });
    const taken: { id: string }[] = await this.dataSource.query(
      `WITH v AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS v(id uuid, desired bigint, read_version bigint, figures jsonb, skus text[], pushed_to text)),
       target AS (SELECT id FROM listings WHERE id IN (SELECT id FROM v) ORDER BY id
                  FOR UPDATE${held === 'skip held' ? ' SKIP LOCKED' : ''}),
       recorded AS (
         UPDATE listings SET ${record}, status = 'synced',
                synced_version = GREATEST(synced_version, v.desired), last_error = NULL,
                last_synced_at = now(), updated_at = now()
         FROM target JOIN v ON v.id = target.id
         WHERE listings.id = target.id AND listings.external_id IS NOT DISTINCT FROM v.pushed_to)
       SELECT id FROM target`,
      [JSON.stringify(rows)],
    );
    return new Set(taken.map((row) => row.id));
  }

  /** A failure worth retrying: noted on the listings, their publish claims released. */
  async markRetrying(listings: Pick<Listing, 'id'>[], reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE listings SET last_error = $2, publish_claimed_until = NULL, updated_at = now() WHERE id = ANY($1::uuid[])`,
      [listings.map((l) => l.id), `retrying: ${reason}`],
    );
  }

  /** The marketplace rejected the data: no retry until something about the listing changes. */
  async markError(listing: Pick<Listing, 'id' | 'desiredVersion'>, message: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE listings SET status = 'error', last_error = $2, failed_version = $3, publish_claimed_until = NULL,
              updated_at = now() WHERE id = $1`,
      [listing.id, message, listing.desiredVersion],
    );
  }

  /** Lets another run publish these listings at once, instead of after the claim runs out. */
  async releaseClaims(listings: Pick<Listing, 'id'>[]): Promise<void> {
    await this.dataSource.query(
      `UPDATE listings SET publish_claimed_until = NULL WHERE id = ANY($1::uuid[])`,
      [listings.map((l) => l.id)],
    );
  }
}

/**
 * A run records what it pushed only onto the marketplace listing it pushed to. A republish (the
 * marketplace lost the shop's listings) clears `external_id` while a run that read the old id may
 * still be pushing to it: that run's record would bring the lost id back, mark the listing synced,
 * and every later run would update a listing the marketplace no longer has.
 */
function sameMarketplaceListing(listing: Pick<Listing, 'externalId'>, parameters: unknown[]): string {
  return `external_id IS NOT DISTINCT FROM $${parameters.push(listing.externalId ?? null)}`;
}
