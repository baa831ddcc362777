import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks are de-duplicated per connection, not per marketplace: under (marketplace, event_id) one
 * cooperative could send, signed with its own shop's secret, the event id of another shop's coming
 * event (Voso's EVENT_ID, Postmart's order id + status + time) and have that genuine push answered
 * "duplicate" and dropped. Every webhook is stored under the connection its signature was checked
 * for, so (connection_id, event_id) is the key.
 *
 * The index is built CONCURRENTLY (outside a transaction) so webhooks keep being stored while it is
 * built on a large inbox; the old constraint goes only once the new index is there.
 */
export class WebhookInboxOncePerConnection1764421000000 implements MigrationInterface {
  name = 'WebhookInboxOncePerConnection1764421000000';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    // an interrupted earlier attempt leaves an invalid index of this name behind
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS webhook_inbox_once_per_connection`);
    await q.query(
      `CREATE UNIQUE INDEX CONCURRENTLY webhook_inbox_once_per_connection ON webhook_inbox (connection_id, event_id)`,
    );
    await q.query(`ALTER TABLE webhook_inbox DROP CONSTRAINT IF EXISTS webhook_inbox_once`);
  }

  async down(q: QueryRunner): Promise<void> {
    // fails, as it should, if two shops have stored the same event id since
    await q.query(
      `ALTER TABLE webhook_inbox ADD CONSTRAINT webhook_inbox_once UNIQUE (marketplace, event_id)`,
    );
    await q.query(`DROP INDEX CONCURRENTLY IF EXISTS webhook_inbox_once_per_connection`);
  }
}
