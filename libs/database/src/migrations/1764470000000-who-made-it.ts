import { MigrationInterface, QueryRunner } from 'typeorm';

/** Each author recorded: its kind, id and name as they were then, all three or none. */
const AUTHORS: { table: string; prefix: string }[] = [
  { table: 'products', prefix: 'created_by' },
  { table: 'products', prefix: 'updated_by' },
  { table: 'skus', prefix: 'created_by' },
  { table: 'skus', prefix: 'updated_by' },
  { table: 'connections', prefix: 'created_by' },
  { table: 'connections', prefix: 'updated_by' },
  { table: 'listings', prefix: 'listed_by' },
  { table: 'listings', prefix: 'delisted_by' },
  // who asked the marketplace for the action the order waits on, until its status arrives
  { table: 'orders', prefix: 'requested_by' },
  { table: 'order_status_changes', prefix: 'actor' },
  { table: 'ocop_assessments', prefix: 'recorded_by' },
  { table: 'ocop_assessments', prefix: 'revoked_by' },
];

/**
 * Issue 14: every write people make through the API records who made it, as the stock ledger does
 * (1764451000000): the actor's kind, id and name copied onto the row at the time of the write, so
 * the record reads the same after a key is revoked or a person renamed, and no context reads the
 * auth context's tables to show it. Rows written before, and the connector's own writes (a
 * marketplace's order changes, the demo seed), have none.
 */
export class WhoMadeIt1764470000000 implements MigrationInterface {
  name = 'WhoMadeIt1764470000000';

  async up(q: QueryRunner): Promise<void> {
    for (const { table, prefix } of AUTHORS) {
      await q.query(`
        ALTER TABLE ${table}
          ADD COLUMN ${prefix}_kind text CHECK (${prefix}_kind IN ('key', 'user')),
          ADD COLUMN ${prefix}_id uuid,
          ADD COLUMN ${prefix}_name text,
          ADD CONSTRAINT ${table}_${prefix}_whole
            CHECK ((${prefix}_kind IS NULL) = (${prefix}_id IS NULL)
               AND (${prefix}_kind IS NULL) = (${prefix}_name IS NULL))`);
    }
    // the status the requested action aims at: the change to it is the requester's
    await q.query(`
      ALTER TABLE orders ADD COLUMN requested_status text CHECK (requested_status IN ('confirmed', 'cancelled'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders DROP COLUMN requested_status`);
    for (const { table, prefix } of [...AUTHORS].reverse()) {
      await q.query(`
        ALTER TABLE ${table}
          DROP CONSTRAINT ${table}_${prefix}_whole,
          DROP COLUMN ${prefix}_name,
          DROP COLUMN ${prefix}_id,
          DROP COLUMN ${prefix}_kind`);
    }
  }
}
