import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `order_sales_lines`: the orders context's published read of its order lines, each with the
 * columns of its order that a sale is reckoned from. The metrics context rebuilds its roll-ups
 * from this view instead of joining `orders` and `order_lines` itself, so the orders context may
 * change its tables as long as it keeps the view's columns (docs/architecture.md, "Bounded
 * contexts"). Which orders count as sales, and on which day, stays metrics' rule. A plain view:
 * PostgreSQL folds it into the query that reads it, so the rebuild's plan is the join it was.
 */
export class OrderSalesLinesView1764440000000 implements MigrationInterface {
  name = 'OrderSalesLinesView1764440000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE VIEW order_sales_lines AS
       SELECT o.id AS order_id, o.cooperative_id, o.marketplace, o.status, o.placed_at,
              l.product_id, l.quantity, l.unit_price_vnd
       FROM orders o JOIN order_lines l ON l.order_id = o.id`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW order_sales_lines`);
  }
}
