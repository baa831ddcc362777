import { Inject, Injectable } from '@nestjs/common';
import { UsersService } from '@ocop/auth';
import { ConnectorConfig, LOGGER, type Logger } from '@ocop/common';
import { Mailer } from './mailer';
import { NoticeStore } from './notices.repository';
import {
  MAIL_LEASE_SECONDS,
  MAIL_MAX_ATTEMPTS,
  mailRetryDelaySeconds,
  noticeMailText,
  noticeMessageId,
} from './rules';

/** E-mails claimed at a time, and batches one run goes through before it leaves the rest to the next. */
const BATCH = 20;
const BATCHES_PER_RUN = 10;

/**
 * Sends the notices' pending e-mails. Each is claimed under a lease, sent, then recorded sent; a
 * worker that dies between the send and the record leaves it to be sent again once the lease
 * ends, with the same Message-ID: delivery is at least once across such a crash, never lost.
 */
@Injectable()
export class NoticeMail {
  constructor(
    private readonly notices: NoticeStore,
    private readonly users: UsersService,
    private readonly mailer: Mailer,
    private readonly config: ConnectorConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Sends the e-mails that are due; answers how many were sent and how many failed. */
  async sendDue(): Promise<{ sent: number; failed: number }> {
    const outcome = { sent: 0, failed: 0 };
    if (!this.mailer.configured) return outcome;
    for (let round = 0; round < BATCHES_PER_RUN; round += 1) {
      const claimed = await this.notices.claimDueEmails(BATCH, MAIL_LEASE_SECONDS);
      if (claimed.length === 0) break;
      const people = await this.users.addressees(claimed.map((mail) => mail.recipientId));
      for (const mail of claimed) {
        const person = people.get(mail.recipientId);
        if (!person || person.disabled) {
          await this.notices.emailFailed(mail.id, 'the person is disabled: nothing is sent to them', null);
          outcome.failed += 1;
          continue;
        }
        try {
          await this.mailer.send({
            to: { name: person.name, address: person.email },
            subject: mail.title,
            text: noticeMailText(person.name, mail, this.config.publicBaseUrl),
            messageId: noticeMessageId(mail.id, this.config.publicBaseUrl),
          });
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          const retry = mail.attempts >= MAIL_MAX_ATTEMPTS ? null : mailRetryDelaySeconds(mail.attempts);
          await this.notices.emailFailed(mail.id, message, retry);
          this.logger.warn(
            { notice: mail.id, attempts: mail.attempts, err: message, givenUp: retry === null },
            'notice e-mail not sent',
          );
          outcome.failed += 1;
          continue;
        }
        await this.notices.emailSent(mail.id);
        outcome.sent += 1;
      }
    }
    return outcome;
  }
}
