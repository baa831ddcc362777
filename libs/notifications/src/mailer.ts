import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import { ConnectorConfig } from '@ocop/common';

/** One e-mail as the notices send it: plain text, with a Message-ID of the notice's own. */
export interface OutgoingMail {
  to: { name: string; address: string };
  subject: string;
  text: string;
  messageId: string;
}

/** How long an SMTP server may take to accept a connection, greet, and answer each command. */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/**
 * E-mail through the SMTP server of SMTP_URL (nodemailer), or nothing without one: then
 * `configured` is false and notices are written with no pending e-mail.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  readonly configured: boolean;
  private readonly transport: ReturnType<typeof createTransport> | undefined;
  private readonly from: string;

  constructor(config: ConnectorConfig) {
    const url = config.env.SMTP_URL;
    this.configured = url !== undefined;
    this.from = config.env.MAIL_FROM;
    this.transport = url === undefined ? undefined : createTransport({ url, ...SMTP_TIMEOUTS });
  }

  /** Sends the mail; throws what the server or the connection said when it is not accepted. */
  async send(mail: OutgoingMail): Promise<void> {
    if (!this.transport) throw new Error('No SMTP_URL is set: notices are not e-mailed');
    await this.transport.sendMail({
      from: this.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId: mail.messageId,
    });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
