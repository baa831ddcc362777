import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the inbox relay next looks at a stored webhook. Without it the relay found due rows by
 * scanning every unprocessed row each 100 ms and re-added the job of every row older than a few
 * seconds, so a backlog of thousands of webhooks slowed its own processing down; with it the relay
 * reads only the rows that are due, through their own index, and backs off per row.
 */
export class InboxRelaySchedule1764370000000 implements MigrationInterface {
  name = 'InboxRelaySchedule1764370000000';

  async up(q: QueryRunner): Promise<void> {
    // rows waiting at migration time are due at once, as they were before
    await q.query(`ALTER TABLE webhook_inbox ADD COLUMN relay_at timestamptz(3) NOT NULL DEFAULT now()`);
    await q.query(
      `CREATE INDEX webhook_inbox_relay_due ON webhook_inbox (relay_at) WHERE processed_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS webhook_inbox_relay_due`);
    await q.query(`ALTER TABLE webhook_inbox DROP COLUMN IF EXISTS relay_at`);
  }
}
