import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `webhook_inbox_unprocessed` (received_at, where unprocessed) served the first relay, before
 * `webhook_inbox_relay_due` and `webhook_inbox_waiting` (issue 17). No query needs it now, but every
 * claim and import of a row still wrote it, and on a table not yet analysed the planner took it for a
 * connection's waiting rows: the demo's history read 9-22 million of its entries in a few hundred scans,
 * walking every unprocessed row of every shop to find one shop's.
 */
export class InboxWithoutUnprocessedIndex1764620000000 implements MigrationInterface {
  name = 'InboxWithoutUnprocessedIndex1764620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS webhook_inbox_unprocessed`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX IF NOT EXISTS webhook_inbox_unprocessed ON webhook_inbox (received_at) WHERE processed_at IS NULL`,
    );
  }
}
