import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A producer's listings page by page (GET /v1/listings for cooperative staff, and officers' or
 * admins' `?cooperativeId=`) walked the whole province's listings in creation order and kept the
 * producer's: one index in the list's own order, per producer, reads only theirs.
 */
export class ListingsByCooperative1764520000000 implements MigrationInterface {
  name = 'ListingsByCooperative1764520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS listings_by_cooperative ON listings (cooperative_id, created_at DESC, id DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS listings_by_cooperative`);
  }
}
