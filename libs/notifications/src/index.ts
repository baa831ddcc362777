export * from './notifications.module';
export { NoticesService, noticeView, type NoticeView, SEND_MAIL_JOB } from './notices.service';
export { NoticeMail } from './notice-mail';
export { CertificateExpiryNotices } from './certificate-notices';
export * from './rules';
export * from './responses';
