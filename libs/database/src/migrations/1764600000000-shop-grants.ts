import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The tokens a shop granted the connector's app (Shopee, TikTok Shop and Lazada styles), one row
 * per connection, sealed like the credentials. Kept in PostgreSQL, not in a worker's memory: a
 * refresh token may be single-use (Shopee), so every worker must see the one just issued, and a
 * refresh is claimed by locking the row.
 */
export class ShopGrants1764600000000 implements MigrationInterface {
  name = 'ShopGrants1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE IF NOT EXISTS shop_grants (
        connection_id uuid PRIMARY KEY REFERENCES connections (id) ON DELETE CASCADE,
        grant_sealed text NOT NULL,
        access_expires_at timestamptz NOT NULL,
        refresh_expires_at timestamptz,
        renewed_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS shop_grants`);
  }
}
