import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders: the webhook inbox (store, then acknowledge), orders and their lines with what each line
 * holds of the stock, the polling cursor per connection, and a connection's auto-confirm setting.
 */
export class Orders1764330000000 implements MigrationInterface {
  name = 'Orders1764330000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connections ADD COLUMN auto_confirm_orders boolean NOT NULL DEFAULT false`);

    await q.query(`
      CREATE TABLE webhook_inbox (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        marketplace text NOT NULL,
        event_id text NOT NULL,
        -- no foreign key: every webhook of a shop would share-lock its connection row, and under a
        -- burst those shared locks (multixacts) cost more than the insert; connections are never deleted
        connection_id uuid NOT NULL,
        external_order_id text NOT NULL,
        change jsonb NOT NULL,
        raw_body text NOT NULL,
        received_at timestamptz(3) NOT NULL DEFAULT now(),
        enqueued_at timestamptz(3),
        processed_at timestamptz(3),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        CONSTRAINT webhook_inbox_once UNIQUE (marketplace, event_id)
      )`);
    await q.query(
      `CREATE INDEX webhook_inbox_unprocessed ON webhook_inbox (received_at) WHERE processed_at IS NULL`,
    );

    await q.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        cooperative_id uuid NOT NULL REFERENCES cooperatives (id),
        connection_id uuid NOT NULL REFERENCES connections (id),
        marketplace text NOT NULL,
        external_order_id text NOT NULL,
        status text NOT NULL
          CHECK (status IN ('pending', 'confirmed', 'shipped', 'delivered', 'cancelled', 'returned')),
        marketplace_status text NOT NULL,
        marketplace_updated_at timestamptz(3) NOT NULL,
        placed_at timestamptz(3) NOT NULL,
        total_vnd bigint NOT NULL CHECK (total_vnd >= 0),
        stock_phase text NOT NULL DEFAULT 'none'
          CHECK (stock_phase IN ('none', 'reserved', 'fulfilled', 'released', 'returned')),
        oversold boolean NOT NULL DEFAULT false,
        unknown_lines integer NOT NULL DEFAULT 0,
        requested_action text CHECK (requested_action IN ('confirm', 'cancel')),
        requested_reason text,
        action_error text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT orders_once_per_connection UNIQUE (connection_id, external_order_id)
      )`);
    await q.query(`CREATE INDEX orders_page ON orders (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX orders_by_cooperative ON orders (cooperative_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX orders_by_placement ON orders (placed_at)`);
    await q.query(`CREATE INDEX orders_oversold ON orders (cooperative_id) WHERE oversold`);

    await q.query(`
      CREATE TABLE order_lines (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        line_no integer NOT NULL,
        sku_id uuid REFERENCES skus (id),
        -- the SKU's product when the order arrived, for sales by product
        product_id uuid,
        sku_code text,
        variant_id text,
        quantity integer NOT NULL CHECK (quantity > 0),
        unit_price_vnd bigint NOT NULL CHECK (unit_price_vnd >= 0),
        reserved_quantity integer NOT NULL DEFAULT 0 CHECK (reserved_quantity >= 0),
        fulfilled_quantity integer NOT NULL DEFAULT 0 CHECK (fulfilled_quantity >= 0),
        CONSTRAINT order_lines_numbered UNIQUE (order_id, line_no)
      )`);
    await q.query(`CREATE INDEX order_lines_by_sku ON order_lines (sku_id)`);

    await q.query(`
      CREATE TABLE order_polls (
        connection_id uuid PRIMARY KEY REFERENCES connections (id),
        cursor timestamptz(3),
        polled_at timestamptz(3) NOT NULL DEFAULT now(),
        last_error text
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS order_polls`);
    await q.query(`DROP TABLE IF EXISTS order_lines`);
    await q.query(`DROP TABLE IF EXISTS orders`);
    await q.query(`DROP TABLE IF EXISTS webhook_inbox`);
    await q.query(`ALTER TABLE connections DROP COLUMN IF EXISTS auto_confirm_orders`);
  }
}
