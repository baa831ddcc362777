import {
  authFailedNotice,
  certificateExpiringNotice,
  deadWebhooksNotice,
  expiryNoticeDue,
  expiryNoticeHorizon,
  mailRetryDelaySeconds,
  noticeMailText,
  noticeMessageId,
  oversoldNotice,
  vietnameseDate,
} from './rules';

const certificate = {
  certificateId: '0b7c1f3e-5a3d-4d5e-9a51-2f1f0c9e7a11',
  productName: 'Chè Tân Cương đặc biệt',
  producerName: 'HTX chè Hảo Đạt',
  cooperativeId: 'c0000000-0000-4000-8000-000000000001',
  stars: 4,
  validUntil: '2026-12-29',
};

describe('the window of expiry notices (30 days in the reference data)', () => {
  it('notices a certificate whose last day is from today to 30 days ahead, both included', () => {
    expect(expiryNoticeHorizon('2026-11-30', 30)).toEqual({ from: '2026-11-30', to: '2026-12-30' });
    expect(expiryNoticeDue('2026-12-29', '2026-11-30', 30)).toBe(true); // 29 days ahead
    expect(expiryNoticeDue('2026-12-30', '2026-11-30', 30)).toBe(true); // 30
    expect(expiryNoticeDue('2026-11-30', '2026-11-30', 30)).toBe(true); // its last day is today
    expect(expiryNoticeDue('2026-12-31', '2026-11-30', 30)).toBe(false); // 31: not yet
    expect(expiryNoticeDue('2026-11-29', '2026-11-30', 30)).toBe(false); // lapsed: expiry, not a notice
  });

  it('counts calendar days across a month and a leap day', () => {
    expect(expiryNoticeHorizon('2028-02-01', 30).to).toBe('2028-03-02');
    expect(expiryNoticeHorizon('2027-02-01', 30).to).toBe('2027-03-03');
  });
});

describe('who gets what', () => {
  it('a certificate nearing its last day: its producer’s people and every officer, once per certificate', () => {
    const notice = certificateExpiringNotice(certificate);
    expect(notice).toMatchObject({
      kind: 'certificate_expiring',
      subject: `certificate-expiring:${certificate.certificateId}`,
      link: `#/certificates/${certificate.certificateId}`,
      audience: { roles: ['cooperative', 'officer'], cooperativeId: certificate.cooperativeId },
    });
    // names the product, the producer, the stars and the last day as Vietnamese write it
    expect(notice.body).toContain('«Chè Tân Cương đặc biệt»');
    expect(notice.body).toContain('HTX chè Hảo Đạt');
    expect(notice.body).toContain('4★');
    expect(notice.body).toContain('29/12/2026');
    expect(notice.title).toMatch(/^Chứng nhận OCOP sắp hết hạn \(certificate expiring\)/);
  });

  it('a refused shop: its producer’s people, once per episode', () => {
    const facts = {
      connectionId: 'a0000000-0000-4000-8000-000000000002',
      cooperativeId: certificate.cooperativeId,
      marketplace: 'voso' as const,
      shopId: 'shop-77',
      reason: 'The marketplace refused the credentials: bad password',
    };
    const first = authFailedNotice({ ...facts, at: new Date('2026-11-30T01:00:00Z') });
    const again = authFailedNotice({ ...facts, at: new Date('2026-12-02T08:00:00Z') });
    expect(first).toMatchObject({
      kind: 'connection_auth_failed',
      link: '#/connections',
      audience: { roles: ['cooperative'], cooperativeId: facts.cooperativeId },
    });
    expect(first.body).toContain('Voso');
    expect(first.body).toContain('shop-77');
    expect(first.subject).not.toBe(again.subject);
    expect(authFailedNotice({ ...facts, at: new Date('2026-11-30T01:00:00Z') }).subject).toBe(first.subject);
  });

  it('an oversold order: its producer’s people, once per order', () => {
    const notice = oversoldNotice({
      orderId: 'b0000000-0000-4000-8000-000000000003',
      cooperativeId: certificate.cooperativeId,
      marketplace: 'sendo',
      externalOrderId: 'SO-1001',
    });
    expect(notice).toMatchObject({
      kind: 'order_oversold',
      subject: 'order-oversold:b0000000-0000-4000-8000-000000000003',
      link: '#/orders/b0000000-0000-4000-8000-000000000003',
      audience: { roles: ['cooperative'], cooperativeId: certificate.cooperativeId },
    });
    expect(notice.body).toContain('SO-1001');
  });

  it('dead webhooks: the admins, one notice per marketplace and day', () => {
    const monday = deadWebhooksNotice({ marketplace: 'postmart', day: '2026-11-30' });
    expect(monday).toMatchObject({
      kind: 'webhooks_dead',
      subject: 'webhooks-dead:postmart:2026-11-30',
      link: '#/sync',
      audience: { roles: ['admin'] },
    });
    expect(deadWebhooksNotice({ marketplace: 'postmart', day: '2026-12-01' }).subject).not.toBe(
      monday.subject,
    );
    expect(deadWebhooksNotice({ marketplace: 'voso', day: '2026-11-30' }).subject).not.toBe(monday.subject);
  });

  it('keeps a name typed with line breaks on one line, and a long one short', () => {
    const notice = certificateExpiringNotice({
      ...certificate,
      productName: 'Chè\r\nBcc: x@example.com ' + 'a'.repeat(300),
    });
    expect(notice.title).not.toMatch(/[\r\n]/);
    expect(notice.body).not.toMatch(/[\r\n]/);
    expect(notice.title.length).toBeLessThan(140);
  });
});

describe('e-mail', () => {
  it('gives a notice one Message-ID on every attempt, in the domain of the public address', () => {
    const id = noticeMessageId('d0000000-0000-4000-8000-000000000004', 'https://ocop.thainguyen.gov.vn');
    expect(id).toBe('<notice-d0000000-0000-4000-8000-000000000004@ocop.thainguyen.gov.vn>');
    expect(noticeMessageId('d0000000-0000-4000-8000-000000000004', 'https://ocop.thainguyen.gov.vn')).toBe(
      id,
    );
  });

  it('greets the person, says the notice and links to it in the web app', () => {
    const text = noticeMailText(
      'Chị Lan',
      { body: 'Nội dung.', link: '#/orders/1' },
      'http://127.0.0.1:3000',
    );
    expect(text).toContain('Xin chào Chị Lan,');
    expect(text).toContain('Nội dung.');
    expect(text).toContain('http://127.0.0.1:3000/app/#/orders/1');
  });

  it('waits a minute after the first failure, doubling, at most two hours', () => {
    expect([1, 2, 3, 8, 20].map(mailRetryDelaySeconds)).toEqual([60, 120, 240, 7200, 7200]);
  });

  it('writes dates as dd/MM/yyyy', () => {
    expect(vietnameseDate('2027-01-05')).toBe('05/01/2027');
  });
});
