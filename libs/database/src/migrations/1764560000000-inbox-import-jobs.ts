import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored webhooks are imported in batches (IMPORT_BATCH_SIZE): a job holds many rows, so a row
 * records the job it was given to, and the relay's check of an unprocessed row asks the queue about
 * that job (one question per batch, not per row) before giving the row to a new one.
 */
export class InboxImportJobs1764560000000 implements MigrationInterface {
  name = 'InboxImportJobs1764560000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_inbox ADD COLUMN IF NOT EXISTS import_job text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_inbox DROP COLUMN IF EXISTS import_job`);
  }
}
