import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The OCOP uplift report sums each certified product's revenue over two windows of days: with
 * the revenue in an index on (product_key, day) that is an index-only scan, where the primary key
 * fetched a heap row per product-day (issue 7 benchmark: 56,000 heap rows for 894 certificates,
 * 28 ms → 16 ms warm). Uplift windows have ended by definition, so their rows rarely change again
 * and their pages stay all-visible. The price: revenue_vnd is now indexed, so an upsert of a
 * product-day is never a HOT update and writes an index entry per order change.
 */
export class SalesProductDaysRevenue1764350000000 implements MigrationInterface {
  name = 'SalesProductDaysRevenue1764350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX sales_product_days_revenue ON sales_product_days (product_key, day) INCLUDE (revenue_vnd)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS sales_product_days_revenue`);
  }
}
