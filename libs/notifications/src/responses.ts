import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '@ocop/common';
import { EMAIL_STATUSES, type EmailStatus } from './notice.entity';
import { NOTICE_KINDS, type NoticeKind } from './rules';

/** The answers of the notifications routes (noticeView builds them). */

export class NoticeResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: NOTICE_KINDS, enumName: 'NoticeKind' }) kind: NoticeKind;
  @ApiProperty({
    description:
      'what it is about, e.g. certificate-expiring:<certificate id>; a person gets one notice per subject',
  })
  subject: string;
  @ApiProperty({ description: 'Vietnamese, with English in parentheses' }) title: string;
  @ApiProperty({ description: 'Vietnamese' }) body: string;
  @ApiProperty({ description: 'a route of the web app, e.g. #/certificates/<id>' }) link: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null while unread' })
  readAt: string | null;
  @ApiProperty({
    enum: EMAIL_STATUSES,
    enumName: 'NoticeEmailStatus',
    description: 'none: not e-mailed (no SMTP_URL when it was written); pending; sent; failed (given up)',
  })
  emailStatus: EmailStatus;
}

export class NoticePage extends PageOf(NoticeResponse) {}

export class UnreadCountResponse {
  @ApiProperty({ type: 'integer', minimum: 0, description: 'the caller’s notices not read yet' })
  count: number;
}
