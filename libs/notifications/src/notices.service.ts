import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { EntityManager } from 'typeorm';
import { UsersService, type Principal } from '@ocop/auth';
import { Clock, Forbidden, LOGGER, NotFound, Page, PageQuery, type Logger } from '@ocop/common';
import { afterCommit } from '@ocop/database';
import { QUEUES } from '@ocop/jobs';
import type { Notice } from './notice.entity';
import { NoticeStore } from './notices.repository';
import { Mailer } from './mailer';
import type { NoticeDraft } from './rules';

export function noticeView(notice: Notice) {
  return {
    id: notice.id,
    kind: notice.kind,
    subject: notice.subject,
    title: notice.title,
    body: notice.body,
    link: notice.link,
    createdAt: notice.createdAt.toISOString(),
    readAt: notice.readAt?.toISOString() ?? null,
    emailStatus: notice.emailStatus,
  };
}
export type NoticeView = ReturnType<typeof noticeView>;

/** The job that sends due e-mails now rather than at the next sweep (notices-mail.ts handles it). */
export const SEND_MAIL_JOB = 'send-mail';

/** Notices: written for each person of a subject's audience, read and marked read by that person. */
@Injectable()
export class NoticesService {
  constructor(
    private readonly notices: NoticeStore,
    private readonly users: UsersService,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
    @InjectQueue(QUEUES.notifications) private readonly queue: Queue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Writes the notice for every person of its audience who has none of its subject yet, in the
   * caller's transaction (that of its cause, where there is one: it commits with it or not at
   * all). With SMTP_URL each one's e-mail is pending, and a job is enqueued after the commit to
   * send it at once; the worker's sweep sends whatever that job missed. Answers how many it wrote.
   */
  async deliver(manager: EntityManager, draft: NoticeDraft): Promise<number> {
    const people = await this.users.audience(manager, draft.audience);
    const emailStatus = this.mailer.configured ? 'pending' : 'none';
    const written = await this.notices.addUnlessNoticed(
      manager,
      people.map((person) => ({
        recipientId: person.id,
        subject: draft.subject,
        kind: draft.kind,
        title: draft.title,
        body: draft.body,
        link: draft.link,
        emailStatus,
      })),
    );
    if (written.length > 0 && emailStatus === 'pending') {
      afterCommit(manager, () =>
        this.queue
          .add(SEND_MAIL_JOB, {}, { jobId: `mail-${written[0]}`, removeOnComplete: true, removeOnFail: true })
          .then(() => undefined)
          .catch((error: unknown) =>
            // pending in PostgreSQL: the sweep sends them once Redis answers
            this.logger.warn({ err: String(error) }, 'notice e-mail not enqueued; the sweep will send it'),
          ),
      );
    }
    return written.length;
  }

  /** Which of these subjects have been noticed to anyone. */
  async noticed(subjects: string[]): Promise<Set<string>> {
    return this.notices.noticedSubjects(subjects);
  }

  async list(who: Principal, unreadOnly: boolean, query: PageQuery): Promise<Page<NoticeView>> {
    const page = await this.notices.pageOf(personOf(who), unreadOnly, query);
    return { items: page.items.map(noticeView), nextCursor: page.nextCursor };
  }

  async unreadCount(who: Principal): Promise<number> {
    return this.notices.unreadCount(personOf(who));
  }

  /** Marks one of the caller's notices read (again: no change); another person's is not found. */
  /** API.md: marking read answers 204, so nothing of the notice is returned. */
  async read(who: Principal, id: string): Promise<void> {
    const notice = await this.notices.markRead(personOf(who), id, this.clock.now());
    if (!notice) throw new NotFound('No such notice');
  }
}

/** Notices are a person's: an API key has none. */
function personOf(who: Principal): string {
  if (who.actor.kind !== 'user') {
    throw new Forbidden('Notices are for people who sign in; an API key has none');
  }
  return who.actor.id;
}
