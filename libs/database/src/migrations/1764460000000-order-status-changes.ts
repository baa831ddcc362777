import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14: an order's detail shows its status history. The orders row keeps only the latest
 * status, so each status an order reaches is appended here by the import, in the transaction that
 * moves the order, with the marketplace's own time of the change. Orders stored before this
 * migration start their history with the status they hold now. The orders waiting for
 * confirmation, the web app's home page for cooperative staff, get an index of their own.
 */
export class OrderStatusChanges1764460000000 implements MigrationInterface {
  name = 'OrderStatusChanges1764460000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE order_status_changes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        status text NOT NULL
          CHECK (status IN ('pending', 'confirmed', 'shipped', 'delivered', 'cancelled', 'returned')),
        marketplace_status text NOT NULL,
        marketplace_at timestamptz(3) NOT NULL,
        recorded_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX order_status_changes_by_order ON order_status_changes (order_id, marketplace_at, recorded_at)`,
    );
    // the morning view (orders waiting for confirmation, per cooperative, newest first) and its
    // count read only this small index however long the orders' history grows
    await q.query(
      `CREATE INDEX orders_waiting ON orders (cooperative_id, created_at DESC, id DESC) WHERE status = 'pending'`,
    );
    await q.query(`
      INSERT INTO order_status_changes (order_id, status, marketplace_status, marketplace_at, recorded_at)
      SELECT id, status, marketplace_status, marketplace_updated_at, updated_at FROM orders`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS orders_waiting`);
    await q.query(`DROP TABLE IF EXISTS order_status_changes`);
  }
}
