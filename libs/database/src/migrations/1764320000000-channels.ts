import { MigrationInterface, QueryRunner } from 'typeorm';

/** Marketplace connections (credentials encrypted) and listings with desired and synced versions. */
export class Channels1764320000000 implements MigrationInterface {
  name = 'Channels1764320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE connections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        cooperative_id uuid NOT NULL REFERENCES cooperatives (id),
        marketplace text NOT NULL CHECK (marketplace IN ('sendo', 'voso', 'postmart')),
        shop_id text NOT NULL,
        base_url text NOT NULL,
        credentials_sealed text NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'auth_failed')),
        status_reason text,
        stock_buffer_percent smallint NOT NULL DEFAULT 0 CHECK (stock_buffer_percent BETWEEN 0 AND 100),
        last_order_sync_at timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT connections_one_per_shop UNIQUE (marketplace, shop_id)
      )`);
    await q.query(
      `CREATE INDEX connections_by_cooperative ON connections (cooperative_id, created_at DESC, id DESC)`,
    );

    await q.query(`
      CREATE TABLE listings (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_id uuid NOT NULL REFERENCES products (id),
        connection_id uuid NOT NULL REFERENCES connections (id),
        cooperative_id uuid NOT NULL REFERENCES cooperatives (id),
        marketplace text NOT NULL,
        external_id text,
        variant_ids jsonb NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'synced', 'error', 'delisted')),
        delist_requested boolean NOT NULL DEFAULT false,
        desired_version bigint NOT NULL DEFAULT 1,
        content_version bigint NOT NULL DEFAULT 1,
        synced_version bigint NOT NULL DEFAULT 0,
        synced_content_version bigint NOT NULL DEFAULT 0,
        failed_version bigint,
        synced_stock jsonb NOT NULL DEFAULT '{}',
        synced_badge_stars smallint,
        last_error text,
        last_synced_at timestamptz(3),
        publish_claimed_until timestamptz(3),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT listings_one_per_product_and_connection UNIQUE (product_id, connection_id)
      )`);
    await q.query(`CREATE INDEX listings_page ON listings (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX listings_by_product ON listings (product_id)`);
    await q.query(
      `CREATE INDEX listings_lagging ON listings (connection_id) WHERE desired_version > synced_version`,
    );
    await q.query(
      `CREATE UNIQUE INDEX listings_external ON listings (connection_id, external_id) WHERE external_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS listings`);
    await q.query(`DROP TABLE IF EXISTS connections`);
  }
}
