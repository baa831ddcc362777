import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A version of each listing's record of what the marketplace holds (`synced_stock`). Everything
 * that writes the record moves it: a sync run's push, an imported order after which the
 * marketplace moved its own stock, a relist. A sync run records what it pushed only if the version
 * is still the one it read before pushing, so a run that stalled and was taken over cannot write
 * an older figure over a newer one, nor over an order that arrived while its push was in flight.
 */
export class ListingStockRecordVersion1764420000000 implements MigrationInterface {
  name = 'ListingStockRecordVersion1764420000000';

  async up(q: QueryRunner): Promise<void> {
    // a constant default: PostgreSQL adds the column without rewriting the table
    await q.query(`ALTER TABLE listings ADD COLUMN synced_stock_version bigint NOT NULL DEFAULT 0`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE listings DROP COLUMN IF EXISTS synced_stock_version`);
  }
}
