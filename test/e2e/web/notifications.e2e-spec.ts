// The page.evaluate callbacks run in the browser, so they are typed against the DOM.
/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { addDays, addMonths, vietnamDate } from '@ocop/common';
import { CertificateExpiryNotices } from '@ocop/notifications';
import { fourStarAssessment, newCooperative, newKey, newProduct } from '../../support/factories';
import { type Person, review, shown, startWeb, type Web } from './support';

/**
 * Issue 15, "Notices", in Chromium against the real API: the bell in the top bar counts a
 * person's unread notices, opens the list newest first, and a notice marked read, or opened, is
 * counted no more.
 */
describe('the bell and the notices page', () => {
  let web: Web;
  let staff: Person;
  const certificates: string[] = [];

  beforeAll(async () => {
    web = await startWeb({ worker: false });
    const coop = await newCooperative(web.api, { name: 'HTX chè Hảo Đạt' });
    staff = await web.person('cooperative', coop.id, { name: 'Hoàng Thị Mai' });
    const officer = await newKey(web.api, 'officer');
    const today = vietnamDate(new Date());
    // three certificates whose last days fall within 30 days: three notices for the producer
    for (const [name, days] of [
      ['Chè búp Tân Cương', 5],
      ['Miến dong Việt Cường', 12],
      ['Mật ong Võ Nhai', 20],
    ] as const) {
      const product = await newProduct(web.api, coop, { name });
      const res = await web.api.call('POST', `/v1/products/${product.id}/ocop-assessments`, {
        key: officer,
        body: fourStarAssessment(addMonths(addDays(addDays(today, days), 1), -36)),
      });
      if (res.status !== 201) throw new Error(`certificate not recorded: ${res.text}`);
      certificates.push(res.body.id);
    }
    // the nightly job's work, done by the API process's own copy of it (no worker in this suite)
    await web.api.app.get(CertificateExpiryNotices).run();
  }, 120_000);
  afterAll(() => web?.close());

  const bell = (page: Page) => page.getAttribute('#bell', 'aria-label');

  it('counts the unread notices, lists them, and forgets the ones read or opened', async () => {
    const tab = await web.tab();
    const { page } = tab;
    await web.signIn(page, staff, '#/orders');
    await page.waitForFunction(() => document.querySelector('#bell .bell-count')?.textContent === '3');
    expect(await bell(page)).toBe('Thông báo (notifications): 3 chưa đọc');

    await page.click('#bell');
    await shown(page, 'notifications');
    const titles = await page.$$eval('.notice-title a', (links) => links.map((a) => a.textContent ?? ''));
    // newest first: the nightly job noticed the soonest last day first
    expect(titles).toHaveLength(3);
    expect(titles.every((t) => t.startsWith('Chứng nhận OCOP sắp hết hạn (certificate expiring)'))).toBe(
      true,
    );
    expect(titles[2]).toContain('Chè búp Tân Cương');
    await review(page, 'notifications');

    // "Đánh dấu đã đọc" where it is: the bell follows at once
    await page.click(`[data-notice] button`);
    await page.waitForFunction(() => document.querySelectorAll('.notice-unread').length === 2);
    await page.waitForFunction(() => document.querySelector('#bell .bell-count')?.textContent === '2');

    // opening one marks it read and goes to what it is about
    const first = page.locator('.notice-unread .notice-title a').first();
    const link = await first.getAttribute('href');
    expect(certificates.map((id) => `#/certificates/${id}`)).toContain(link);
    await first.click();
    await page.waitForFunction((target) => location.hash === target, link);
    await page.waitForFunction(() => document.querySelector('#bell .bell-count')?.textContent === '1');
    expect(await bell(page)).toBe('Thông báo (notifications): 1 chưa đọc');

    // on a phone the bell is in the top bar, and the unread tab lists the one left
    await page.setViewportSize({ width: 390, height: 844 });
    await page.click('#bell');
    await shown(page, 'notifications');
    await page.click('a[href="#/notifications?unread=1"]');
    await shown(page, 'notifications');
    expect(await page.locator('.notice').count()).toBe(1);
    await tab.close();
  });
});
