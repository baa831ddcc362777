import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An import batch takes a connection's waiting rows in (received_at, id) order. The index held
 * (connection_id, received_at) only, so finding the oldest 200 sorted every waiting row of the
 * connection: under a backlog (thousands per shop), and always once the statement is prepared and
 * planned without its connection, a batch read ~1,100 index and heap pages instead of ~150. With
 * the id in the index the rows come out in order and the scan stops at the batch's size.
 */
export class InboxWaitingInImportOrder1764630000000 implements MigrationInterface {
  name = 'InboxWaitingInImportOrder1764630000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS webhook_inbox_waiting`);
    await q.query(
      `CREATE INDEX webhook_inbox_waiting ON webhook_inbox (connection_id, received_at, id)
       WHERE processed_at IS NULL AND dead_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS webhook_inbox_waiting`);
    await q.query(
      `CREATE INDEX webhook_inbox_waiting ON webhook_inbox (connection_id, received_at)
       WHERE processed_at IS NULL AND dead_at IS NULL`,
    );
  }
}
