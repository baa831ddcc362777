import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13, findings 9 and 12. Stored webhooks that keep failing are set aside (`dead_at`) instead
 * of being retried forever, and leave the relay's index of due rows. Retention deletes processed
 * webhooks, old domain events and old idempotency records in batches, each found through an index
 * of its own (the webhook one holds only processed rows, so storing a webhook does not update it).
 * Domain events are no longer relayed to a queue, so `published_at` and its index go.
 */
export class RetentionAndDeadWebhooks1764430000000 implements MigrationInterface {
  name = 'RetentionAndDeadWebhooks1764430000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_inbox ADD COLUMN dead_at timestamptz(3)`);
    await q.query(`DROP INDEX IF EXISTS webhook_inbox_relay_due`);
    await q.query(
      `CREATE INDEX webhook_inbox_relay_due ON webhook_inbox (relay_at)
       WHERE processed_at IS NULL AND dead_at IS NULL`,
    );
    await q.query(`CREATE INDEX webhook_inbox_dead ON webhook_inbox (dead_at) WHERE dead_at IS NOT NULL`);
    await q.query(
      `CREATE INDEX webhook_inbox_processed ON webhook_inbox (processed_at) WHERE processed_at IS NOT NULL`,
    );
    await q.query(`DROP INDEX IF EXISTS domain_events_unpublished`);
    await q.query(`ALTER TABLE domain_events DROP COLUMN published_at`);
    await q.query(`CREATE INDEX domain_events_occurred ON domain_events (occurred_at)`);
    await q.query(`CREATE INDEX idempotency_records_created ON idempotency_records (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS idempotency_records_created`);
    await q.query(`DROP INDEX IF EXISTS domain_events_occurred`);
    // events recorded meanwhile were never relayed: they come back as already published
    await q.query(`ALTER TABLE domain_events ADD COLUMN published_at timestamptz(3)`);
    await q.query(`UPDATE domain_events SET published_at = occurred_at`);
    await q.query(`CREATE INDEX domain_events_unpublished ON domain_events (id) WHERE published_at IS NULL`);
    await q.query(`DROP INDEX IF EXISTS webhook_inbox_processed`);
    await q.query(`DROP INDEX IF EXISTS webhook_inbox_dead`);
    await q.query(`DROP INDEX IF EXISTS webhook_inbox_relay_due`);
    await q.query(
      `CREATE INDEX webhook_inbox_relay_due ON webhook_inbox (relay_at) WHERE processed_at IS NULL`,
    );
    await q.query(`ALTER TABLE webhook_inbox DROP COLUMN dead_at`);
  }
}
