import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14: the stock ledger says who made each change. The author is copied onto the row as it
 * was at that moment (a key's label, a person's name), so the history stays readable after a key
 * is revoked or a person renamed, and the catalogue needs no table of the auth context to show it.
 * Rows the connector wrote itself (orders reserving stock, the demo seed) and rows written before
 * this migration have no author.
 */
export class StockMovementActor1764451000000 implements MigrationInterface {
  name = 'StockMovementActor1764451000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE stock_movements
        ADD COLUMN actor_kind text CHECK (actor_kind IN ('key', 'user')),
        ADD COLUMN actor_id uuid,
        ADD COLUMN actor_name text,
        ADD CONSTRAINT stock_movements_actor_whole
          CHECK ((actor_kind IS NULL) = (actor_id IS NULL) AND (actor_kind IS NULL) = (actor_name IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE stock_movements
        DROP CONSTRAINT stock_movements_actor_whole,
        DROP COLUMN actor_name,
        DROP COLUMN actor_id,
        DROP COLUMN actor_kind`);
  }
}
