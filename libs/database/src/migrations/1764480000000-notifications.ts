import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15: notices to people (the notifications context). One row per person and subject: the
 * unique (recipient_id, subject) is what makes a notice idempotent, whoever writes it and however
 * often (a nightly job run twice, two workers, a retried transaction). The e-mail's state rides on
 * the row, so a worker that restarts finds the pending ones again: `email_due_at` is when the next
 * attempt may start, and also the lease of an attempt under way.
 */
export class Notifications1764480000000 implements MigrationInterface {
  name = 'Notifications1764480000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        recipient_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        subject text NOT NULL,
        kind text NOT NULL CHECK (kind IN
          ('certificate_expiring', 'connection_auth_failed', 'order_oversold', 'webhooks_dead')),
        title text NOT NULL,
        body text NOT NULL,
        link text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        read_at timestamptz,
        email_status text NOT NULL CHECK (email_status IN ('none', 'pending', 'sent', 'failed')),
        email_attempts int NOT NULL DEFAULT 0,
        email_due_at timestamptz,
        email_sent_at timestamptz,
        email_error text,
        CONSTRAINT notifications_once_per_subject UNIQUE (recipient_id, subject)
      )`);
    await q.query(
      `CREATE INDEX notifications_of_recipient ON notifications (recipient_id, created_at DESC, id DESC)`,
    );
    await q.query(`CREATE INDEX notifications_unread ON notifications (recipient_id) WHERE read_at IS NULL`);
    await q.query(`CREATE INDEX notifications_subject ON notifications (subject)`);
    await q.query(
      `CREATE INDEX notifications_email_due ON notifications (email_due_at) WHERE email_status = 'pending'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notifications`);
  }
}
