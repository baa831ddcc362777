import { addDays, parseDate } from '@ocop/common';
import type { Audience } from '@ocop/auth';
import { MARKETPLACE_NAMES, type Marketplace } from '@ocop/marketplaces';

/**
 * What a notice says and to whom, as plain functions: the subject key that makes it idempotent,
 * the audience, the Vietnamese title and body, and the link into the web app. The services only
 * decide when, and write what these answer.
 */

export const NOTICE_KINDS = [
  'certificate_expiring',
  'connection_auth_failed',
  'order_oversold',
  'webhooks_dead',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** What a notice holds before it is addressed to each person of its audience. */
export interface NoticeDraft {
  kind: NoticeKind;
  /** unique per person: the same subject is never noticed twice to one person */
  subject: string;
  title: string;
  body: string;
  /** a route of the web app, `#/…` */
  link: string;
  audience: Audience;
}

/**
 * The last days an active certificate is noticed for today: from today to `noticeDays` ahead
 * (`expiryNoticeDays` of config/reference/ocop.json, 30: OCOP.md's notice period), both included.
 * A certificate noticed on no night (a worker down for a week) is still in this window the next
 * night, until its last day has passed.
 */
export function expiryNoticeHorizon(today: string, noticeDays: number): { from: string; to: string } {
  return { from: today, to: addDays(today, noticeDays) };
}

/** Whether a certificate whose last day is `lastDay` is due its notice on `today`. */
export function expiryNoticeDue(lastDay: string, today: string, noticeDays: number): boolean {
  const { from, to } = expiryNoticeHorizon(today, noticeDays);
  return lastDay >= from && lastDay <= to;
}

/** `2026-12-29` as Vietnamese write it: `29/12/2026`. */
export function vietnameseDate(date: string): string {
  const [y, m, d] = parseDate(date);
  return `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}`;
}

export function marketplaceName(marketplace: Marketplace): string {
  return MARKETPLACE_NAMES[marketplace] ?? marketplace;
}

/** Text a person typed (a product's name) kept on one line and of a sensible length in a notice. */
function named(text: string, max = 120): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export interface ExpiringCertificateFacts {
  certificateId: string;
  productName: string;
  producerName: string;
  cooperativeId: string;
  stars: number;
  validUntil: string;
}

export function certificateExpiringSubject(certificateId: string): string {
  return `certificate-expiring:${certificateId}`;
}

/** The producer's people and every officer: both act before the certificate lapses. */
export function certificateExpiringNotice(facts: ExpiringCertificateFacts): NoticeDraft {
  return {
    kind: 'certificate_expiring',
    subject: certificateExpiringSubject(facts.certificateId),
    title: `Chứng nhận OCOP sắp hết hạn (certificate expiring): ${named(facts.productName, 80)}`,
    body:
      `Chứng nhận OCOP ${facts.stars}★ của sản phẩm «${named(facts.productName)}» ` +
      `(${named(facts.producerName)}) hết hiệu lực sau ngày ${vietnameseDate(facts.validUntil)}. ` +
      'Hãy chuẩn bị hồ sơ đánh giá lại trước ngày đó.',
    link: `#/certificates/${facts.certificateId}`,
    audience: { roles: ['cooperative', 'officer'], cooperativeId: facts.cooperativeId },
  };
}

export interface AuthFailureFacts {
  connectionId: string;
  cooperativeId: string;
  marketplace: Marketplace;
  shopId: string;
  reason: string;
  at: Date;
}

/**
 * The producer's people, once per episode: the subject carries the instant the connection turned
 * auth_failed, so a shop that recovers and fails again is noticed again.
 */
export function authFailedNotice(facts: AuthFailureFacts): NoticeDraft {
  const market = marketplaceName(facts.marketplace);
  return {
    kind: 'connection_auth_failed',
    subject: `connection-auth-failed:${facts.connectionId}:${facts.at.toISOString()}`,
    title: `Gian hàng ${market} bị từ chối đăng nhập (shop sign-in refused)`,
    body:
      `Sàn ${market} đã từ chối thông tin đăng nhập của gian hàng «${named(facts.shopId)}»: ` +
      `${named(facts.reason, 300)}. Việc đồng bộ gian hàng này tạm dừng; hãy cập nhật thông tin ` +
      'đăng nhập hoặc kiểm tra kết nối ở trang Gian hàng.',
    link: '#/connections',
    audience: { roles: ['cooperative'], cooperativeId: facts.cooperativeId },
  };
}

export interface OversoldFacts {
  orderId: string;
  cooperativeId: string;
  marketplace: Marketplace;
  externalOrderId: string;
}

/** The producer's people, once per order. */
export function oversoldNotice(facts: OversoldFacts): NoticeDraft {
  const market = marketplaceName(facts.marketplace);
  return {
    kind: 'order_oversold',
    subject: `order-oversold:${facts.orderId}`,
    title: `Đơn hàng vượt tồn kho (order oversold): ${named(facts.externalOrderId, 60)}`,
    body:
      `Đơn ${named(facts.externalOrderId, 60)} trên sàn ${market} đặt nhiều hơn số hàng còn trong kho. ` +
      'Hãy bổ sung kho hoặc hủy đơn trước khi sàn hủy thay bạn.',
    link: `#/orders/${facts.orderId}`,
    audience: { roles: ['cooperative'], cooperativeId: facts.cooperativeId },
  };
}

export interface DeadWebhookFacts {
  marketplace: Marketplace;
  /** the Vietnam calendar day the row died */
  day: string;
}

/**
 * The admins, one notice per marketplace and Vietnam day however many rows die that day (a shop
 * whose credentials were withdrawn kills every push it receives): the sync page counts and lists
 * them, and the notice is not rewritten as more die.
 */
export function deadWebhooksNotice(facts: DeadWebhookFacts): NoticeDraft {
  const market = marketplaceName(facts.marketplace);
  return {
    kind: 'webhooks_dead',
    subject: `webhooks-dead:${facts.marketplace}:${facts.day}`,
    title: `Webhook của sàn ${market} bị gác lại (dead webhooks)`,
    body:
      `Từ ngày ${vietnameseDate(facts.day)}, có webhook của sàn ${market} lỗi quá nhiều lần và đã bị ` +
      'gác lại. Trang Đồng bộ đếm, liệt kê và cho thử lại chúng.',
    link: '#/sync',
    audience: { roles: ['admin'] },
  };
}

/** Attempts at a notice's e-mail before it is given up as failed. */
export const MAIL_MAX_ATTEMPTS = 8;

/** How long an attempt may take before another worker may try again (the lease). */
export const MAIL_LEASE_SECONDS = 120;

/** The wait after a notice's `attempts`-th failed e-mail: 1 min, doubling, at most 2 h. */
export function mailRetryDelaySeconds(attempts: number): number {
  return Math.min(7_200, 60 * 2 ** Math.max(0, attempts - 1));
}

/**
 * The Message-ID of a notice's e-mail, the same on every attempt: a resend after a crash between
 * the send and its record is the same message to any mail client that deduplicates by it.
 */
export function noticeMessageId(noticeId: string, publicBaseUrl: string): string {
  return `<notice-${noticeId}@${new URL(publicBaseUrl).hostname || 'ocop.localhost'}>`;
}

/** The e-mail of a notice: plain text, the notice itself, and where to open it. */
export function noticeMailText(
  recipientName: string,
  notice: { body: string; link: string },
  publicBaseUrl: string,
): string {
  return [
    `Xin chào ${named(recipientName)},`,
    '',
    notice.body,
    '',
    `Xem trong ứng dụng (open in the web app): ${publicBaseUrl}/app/${notice.link}`,
    '',
    '— OCOP Thái Nguyên',
  ].join('\n');
}
