import { MigrationInterface, QueryRunner } from 'typeorm';

/** Cooperatives, API keys, products, SKUs, the stock ledger and idempotency records. */
export class Foundation1764300000000 implements MigrationInterface {
  name = 'Foundation1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      CREATE TABLE cooperatives (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('cooperative', 'enterprise', 'household', 'cooperative_group')),
        province text NOT NULL,
        district text,
        commune text NOT NULL,
        address text,
        tax_code text,
        phone text,
        search_text text NOT NULL,
        district_folded text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX cooperatives_page ON cooperatives (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX cooperatives_search ON cooperatives USING gin (search_text gin_trgm_ops)`);
    await q.query(`CREATE INDEX cooperatives_district ON cooperatives (district_folded)`);

    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key_hash text NOT NULL UNIQUE,
        key_prefix text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'officer', 'cooperative')),
        cooperative_id uuid REFERENCES cooperatives (id),
        label text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        revoked_at timestamptz(3),
        CHECK ((role = 'cooperative') = (cooperative_id IS NOT NULL))
      )`);

    await q.query(`
      CREATE TABLE products (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        cooperative_id uuid NOT NULL REFERENCES cooperatives (id),
        name text NOT NULL,
        category text NOT NULL,
        description text,
        image_urls jsonb NOT NULL DEFAULT '[]',
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
        search_text text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX products_page ON products (created_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX products_cooperative_page ON products (cooperative_id, created_at DESC, id DESC)`,
    );
    await q.query(`CREATE INDEX products_category ON products (category)`);
    await q.query(`CREATE INDEX products_search ON products USING gin (search_text gin_trgm_ops)`);

    await q.query(`
      CREATE TABLE skus (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigserial NOT NULL,
        product_id uuid NOT NULL REFERENCES products (id),
        cooperative_id uuid NOT NULL REFERENCES cooperatives (id),
        code text NOT NULL,
        name text NOT NULL,
        price_vnd bigint NOT NULL CHECK (price_vnd >= 0),
        weight_grams integer NOT NULL CHECK (weight_grams > 0),
        on_hand integer NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
        reserved integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
        safety_stock integer NOT NULL DEFAULT 0 CHECK (safety_stock >= 0),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT skus_code_per_cooperative UNIQUE (cooperative_id, code),
        CONSTRAINT skus_reserved_within_on_hand CHECK (reserved <= on_hand)
      )`);
    await q.query(`CREATE INDEX skus_product ON skus (product_id, seq)`);

    await q.query(`
      CREATE TABLE stock_movements (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        sku_id uuid NOT NULL REFERENCES skus (id),
        cooperative_id uuid NOT NULL REFERENCES cooperatives (id),
        on_hand_delta integer NOT NULL,
        reserved_delta integer NOT NULL,
        kind text NOT NULL,
        reason text NOT NULL,
        order_id uuid,
        idempotency_key text,
        on_hand_after integer NOT NULL,
        reserved_after integer NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX stock_movements_page ON stock_movements (sku_id, created_at DESC, id DESC)`);
    await q.query(
      `CREATE INDEX stock_movements_order ON stock_movements (order_id) WHERE order_id IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE idempotency_records (
        scope text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        response_status integer NOT NULL,
        response_body jsonb NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'idempotency_records',
      'stock_movements',
      'skus',
      'products',
      'api_keys',
      'cooperatives',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
