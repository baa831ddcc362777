import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { Page, PageQuery } from '@ocop/common';
import { byCreation, fetchPage } from '@ocop/database';
import { Notice, type EmailStatus } from './notice.entity';
import type { NoticeKind } from './rules';

/** A notice as it is written for one person. */
export interface NewNotice {
  recipientId: string;
  subject: string;
  kind: NoticeKind;
  title: string;
  body: string;
  link: string;
  emailStatus: Extract<EmailStatus, 'none' | 'pending'>;
}

/** A notice whose e-mail an attempt has claimed (its lease runs). */
export interface ClaimedEmail {
  id: string;
  recipientId: string;
  title: string;
  body: string;
  link: string;
  /** attempts so far, this one included */
  attempts: number;
}

/** The notices, as NoticesService and the mail job read and write them. */
@Injectable()
export class NoticeStore {
  constructor(@InjectRepository(Notice) private readonly notices: Repository<Notice>) {}

  /**
   * Writes the notices in the caller's transaction, each unless its person already has one of its
   * subject (the unique index decides, also between two concurrent writers). Answers the ids of
   * those written now.
   */
  async addUnlessNoticed(manager: EntityManager, notices: NewNotice[]): Promise<string[]> {
    if (notices.length === 0) return [];
    const rows: { id: string }[] = await manager.query(
      `INSERT INTO notifications (recipient_id, subject, kind, title, body, link, email_status, email_due_at)
       SELECT n.recipient_id, n.subject, n.kind, n.title, n.body, n.link, n.email_status,
              CASE WHEN n.email_status = 'pending' THEN now() END
         FROM jsonb_to_recordset($1::jsonb) AS n(recipient_id uuid, subject text, kind text, title text,
                                                 body text, link text, email_status text)
       ON CONFLICT (recipient_id, subject) DO NOTHING
       RETURNING id`,
      [
        JSON.stringify(
          notices.map((n) => ({
            recipient_id: n.recipientId,
            subject: n.subject,
            kind: n.kind,
            title: n.title,
            body: n.body,
            link: n.link,
            email_status: n.emailStatus,
          })),
        ),
      ],
    );
    return rows.map((row) => row.id);
  }

  /** Which of these subjects anyone has been noticed of. */
  async noticedSubjects(subjects: string[]): Promise<Set<string>> {
    if (subjects.length === 0) return new Set();
    const rows: { subject: string }[] = await this.notices.query(
      `SELECT DISTINCT subject FROM notifications WHERE subject = ANY($1::text[])`,
      [subjects],
    );
    return new Set(rows.map((row) => row.subject));
  }

  /** A page of a person's notices, newest first; only the unread ones when asked. */
  async pageOf(recipientId: string, unreadOnly: boolean, query: PageQuery): Promise<Page<Notice>> {
    const qb = this.notices.createQueryBuilder('n').where('n.recipient_id = :recipientId', { recipientId });
    if (unreadOnly) qb.andWhere('n.read_at IS NULL');
    const { rows, nextCursor } = await fetchPage(qb, query, byCreation);
    return { items: rows, nextCursor };
  }

  async unreadCount(recipientId: string): Promise<number> {
    const [row]: { n: number }[] = await this.notices.query(
      `SELECT count(*)::int AS n FROM notifications WHERE recipient_id = $1 AND read_at IS NULL`,
      [recipientId],
    );
    return row?.n ?? 0;
  }

  /**
   * Marks the person's notice read, keeping the first reading's time; answers it, or undefined
   * when the person has no such notice.
   */
  async markRead(recipientId: string, id: string, at: Date): Promise<Notice | undefined> {
    await this.notices
      .createQueryBuilder()
      .update(Notice)
      .set({ readAt: () => 'coalesce(read_at, :at)' })
      .setParameter('at', at)
      .where('id = :id AND recipient_id = :recipientId', { id, recipientId })
      .execute();
    return (await this.notices.findOne({ where: { id, recipientId } })) ?? undefined;
  }

  /**
   * Claims up to `limit` e-mails that are due (pending, and not under another attempt's lease):
   * each gets a lease of `leaseSeconds` and one more attempt counted.
   * Two workers never claim the same one (SKIP LOCKED), and a worker that dies mid-attempt leaves
   * it to be claimed again once the lease ends.
   */
  async claimDueEmails(limit: number, leaseSeconds: number): Promise<ClaimedEmail[]> {
    const [rows]: [
      {
        id: string;
        recipient_id: string;
        title: string;
        body: string;
        link: string;
        email_attempts: number;
      }[],
      number,
    ] = await this.notices.query(
      `UPDATE notifications SET email_attempts = email_attempts + 1,
              email_due_at = now() + make_interval(secs => $2)
        WHERE id IN (SELECT id FROM notifications
                      WHERE email_status = 'pending' AND email_due_at <= now()
                      ORDER BY email_due_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, recipient_id, title, body, link, email_attempts`,
      [limit, leaseSeconds],
    );
    return rows.map((row) => ({
      id: row.id,
      recipientId: row.recipient_id,
      title: row.title,
      body: row.body,
      link: row.link,
      attempts: row.email_attempts,
    }));
  }

  async emailSent(id: string): Promise<void> {
    await this.notices.update(
      { id, emailStatus: 'pending' },
      { emailStatus: 'sent', emailSentAt: new Date(), emailDueAt: null, emailError: null },
    );
  }

  /** A failed attempt: tried again after `retryInS`, or given up when `retryInS` is null. */
  async emailFailed(id: string, error: string, retryInS: number | null): Promise<void> {
    await this.notices.query(
      `UPDATE notifications SET email_error = $2,
              email_status = CASE WHEN $3::int IS NULL THEN 'failed' ELSE email_status END,
              email_due_at = CASE WHEN $3::int IS NULL THEN NULL ELSE now() + make_interval(secs => $3::int) END
        WHERE id = $1 AND email_status = 'pending'`,
      [id, error.slice(0, 1000), retryInS],
    );
  }
}
