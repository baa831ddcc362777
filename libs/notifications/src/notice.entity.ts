import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { NoticeKind } from './rules';

export const EMAIL_STATUSES = ['none', 'pending', 'sent', 'failed'] as const;
/** none: no e-mail (no SMTP_URL when it was written); pending until sent, or failed for good. */
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

/** A notice to one person, once per subject. */
@Entity('notifications')
export class Notice {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'recipient_id', type: 'uuid' }) recipientId: string;
  @Column() subject: string;
  @Column({ type: 'text' }) kind: NoticeKind;
  @Column() title: string;
  @Column() body: string;
  @Column() link: string;
  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false }) createdAt: Date;
  @Column({ name: 'read_at', type: 'timestamptz', nullable: true }) readAt: Date | null;
  @Column({ name: 'email_status', type: 'text' }) emailStatus: EmailStatus;
  @Column({ name: 'email_attempts', type: 'int' }) emailAttempts: number;
  /** when the next attempt may start; while one is under way, the end of its lease */
  @Column({ name: 'email_due_at', type: 'timestamptz', nullable: true }) emailDueAt: Date | null;
  @Column({ name: 'email_sent_at', type: 'timestamptz', nullable: true }) emailSentAt: Date | null;
  @Column({ name: 'email_error', type: 'text', nullable: true }) emailError: string | null;
}
