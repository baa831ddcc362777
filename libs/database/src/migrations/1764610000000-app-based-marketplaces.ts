import { MigrationInterface, QueryRunner } from 'typeorm';

/** Shops on the Shopee-, TikTok Shop- and Lazada-style marketplaces may be connected (issue 18). */
export class AppBasedMarketplaces1764610000000 implements MigrationInterface {
  name = 'AppBasedMarketplaces1764610000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connections DROP CONSTRAINT IF EXISTS connections_marketplace_check`);
    await q.query(
      `ALTER TABLE connections ADD CONSTRAINT connections_marketplace_check
         CHECK (marketplace IN ('sendo', 'voso', 'postmart', 'shopee', 'tiktok', 'lazada'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE connections DROP CONSTRAINT IF EXISTS connections_marketplace_check`);
    await q.query(
      `ALTER TABLE connections ADD CONSTRAINT connections_marketplace_check
         CHECK (marketplace IN ('sendo', 'voso', 'postmart'))`,
    );
  }
}
