import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored webhooks are imported in batches (IMPORT_BATCH_SIZE): one job per connection takes its
 * waiting rows oldest first (an index in that order), and a row records the job it was given to, so
 * the relay's check of an unprocessed row asks the queue about that job (one question per
 * connection, not per row) before giving the row to a new one.
 */
export class InboxImportJobs1764560000000 implements MigrationInterface {
  name = 'InboxImportJobs1764560000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_inbox ADD COLUMN IF NOT EXISTS import_job text`);
    await q.query(
      `CREATE INDEX IF NOT EXISTS webhook_inbox_waiting ON webhook_inbox (connection_id, received_at)
       WHERE processed_at IS NULL AND dead_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS webhook_inbox_waiting`);
    await q.query(`ALTER TABLE webhook_inbox DROP COLUMN IF EXISTS import_job`);
  }
}
