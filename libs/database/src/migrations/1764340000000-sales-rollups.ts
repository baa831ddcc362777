import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Daily sales roll-ups (days in Asia/Ho_Chi_Minh), kept in the transaction of each order change:
 * per producer × product × marketplace × day, and per producer × marketplace × day (an order with
 * several products counts once there). Reports read these, never the order lines.
 */
export class SalesRollups1764340000000 implements MigrationInterface {
  name = 'SalesRollups1764340000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sales_product_days (
        cooperative_id uuid NOT NULL,
        -- lines whose SKU the connector does not know count for the producer, under no product
        product_key uuid NOT NULL,
        marketplace text NOT NULL,
        day date NOT NULL,
        revenue_vnd bigint NOT NULL,
        units bigint NOT NULL,
        orders integer NOT NULL,
        PRIMARY KEY (product_key, day, marketplace, cooperative_id)
      )`);
    await q.query(
      `CREATE INDEX sales_product_days_by_cooperative ON sales_product_days (cooperative_id, day)`,
    );
    await q.query(`
      CREATE TABLE sales_producer_days (
        cooperative_id uuid NOT NULL,
        marketplace text NOT NULL,
        day date NOT NULL,
        revenue_vnd bigint NOT NULL,
        units bigint NOT NULL,
        orders integer NOT NULL,
        PRIMARY KEY (cooperative_id, day, marketplace)
      )`);
    await q.query(`CREATE INDEX sales_producer_days_by_day ON sales_producer_days (day)`);
    await q.query(`CREATE INDEX order_lines_by_product ON order_lines (product_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS order_lines_by_product`);
    await q.query(`DROP TABLE IF EXISTS sales_producer_days`);
    await q.query(`DROP TABLE IF EXISTS sales_product_days`);
  }
}
