import { randomUUID } from 'node:crypto';
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Module, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Job, Queue } from 'bullmq';
import { AuthModule } from '@ocop/auth';
import { CatalogueModule } from '@ocop/catalogue';
import { ConnectionAuthFailed } from '@ocop/channels';
import { LOGGER, VIETNAM_TIME_ZONE, vietnamDate, type Logger } from '@ocop/common';
import { EventBus } from '@ocop/database';
import { QUEUES, RecurringJobs } from '@ocop/jobs';
import { OcopModule } from '@ocop/ocop';
import { OrderOversold, WebhookWentDead } from '@ocop/orders';
import { CertificateExpiryNotices } from './certificate-notices';
import { Mailer } from './mailer';
import { Notice } from './notice.entity';
import { NoticeMail } from './notice-mail';
import { NotificationsController } from './notifications.controller';
import { NoticeStore } from './notices.repository';
import { NoticesService, SEND_MAIL_JOB } from './notices.service';
import { authFailedNotice, deadWebhooksNotice, oversoldNotice } from './rules';

/**
 * Notices to people: the routes of the bell, and the handlers that write a notice in the
 * transaction of what it tells of. Loaded by every process that publishes those events (the API
 * and the worker); a process without it publishes them unheard, and nobody is told.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Notice]), AuthModule, CatalogueModule, OcopModule],
  controllers: [NotificationsController],
  providers: [NoticesService, NoticeStore, Mailer, NoticeMail, CertificateExpiryNotices],
  exports: [NoticesService, NoticeMail, CertificateExpiryNotices],
})
export class NotificationsModule implements OnModuleInit {
  constructor(
    private readonly events: EventBus,
    private readonly notices: NoticesService,
  ) {}

  onModuleInit(): void {
    this.events.on(ConnectionAuthFailed, 'in-transaction', async (event, manager) => {
      await this.notices.deliver(manager, authFailedNotice(event));
    });
    this.events.on(OrderOversold, 'in-transaction', async (event, manager) => {
      await this.notices.deliver(manager, oversoldNotice(event));
    });
    this.events.on(WebhookWentDead, 'in-transaction', async (event, manager) => {
      await this.notices.deliver(
        manager,
        deadWebhooksNotice({ marketplace: event.marketplace, day: vietnamDate(event.at) }),
      );
    });
  }
}

/** Nightly, after the certificate expiry (00:05) has run: the certificates expiring within 30 days. */
export const NIGHTLY_EXPIRY_NOTICES = { pattern: '15 0 * * *', tz: VIETNAM_TIME_ZONE } as const;
export const EXPIRY_NOTICES_JOB = 'certificate-expiry-notices';
/** How often the worker looks for e-mails that are due (a lost enqueue, a retry, a crash's lease). */
export const MAIL_SWEEP_EVERY_MS = 30_000;

@Processor(QUEUES.notifications)
export class NotificationsProcessor extends WorkerHost {
  constructor(
    private readonly expiring: CertificateExpiryNotices,
    private readonly mail: NoticeMail,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    if (job.name === EXPIRY_NOTICES_JOB) {
      const written = await this.expiring.run();
      this.logger.info({ job: job.name, written }, 'certificate expiry notices written');
      // their e-mails go now rather than at the next sweep
      return { written, mail: await this.mail.sendDue() };
    }
    if (job.name === SEND_MAIL_JOB) return this.mail.sendDue();
    throw new Error(`No such notifications job: ${job.name}`);
  }
}

@Injectable()
export class NotificationsSchedule implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    @InjectQueue(QUEUES.notifications) private readonly queue: Queue,
    private readonly recurring: RecurringJobs,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** A worker that starts sends what was left pending (a crash, a lost job) now, not at the next sweep. */
  async onApplicationBootstrap(): Promise<void> {
    await this.queue
      .add(
        SEND_MAIL_JOB,
        {},
        { jobId: `mail-at-start-${randomUUID()}`, removeOnComplete: true, removeOnFail: true },
      )
      .catch((error: unknown) =>
        this.logger.warn({ err: String(error) }, 'pending notice e-mails wait for the next sweep'),
      );
  }

  onModuleInit(): void {
    this.recurring.register({
      queue: this.queue,
      id: 'nightly-expiry-notices',
      repeat: NIGHTLY_EXPIRY_NOTICES,
      template: {
        name: EXPIRY_NOTICES_JOB,
        opts: {
          removeOnComplete: 30,
          removeOnFail: 100,
          attempts: 5,
          backoff: { type: 'exponential', delay: 60_000 },
        },
      },
    });
    this.recurring.register({
      queue: this.queue,
      id: 'mail-sweep',
      repeat: { every: MAIL_SWEEP_EVERY_MS },
      template: { name: SEND_MAIL_JOB, opts: { removeOnComplete: true, removeOnFail: 100 } },
    });
  }
}

/** The notifications context's processors; only the worker imports this module. */
@Module({
  imports: [NotificationsModule],
  providers: [NotificationsProcessor, NotificationsSchedule],
})
export class NotificationsWorkerModule {}
