// The page.evaluate callbacks run in the browser, so they are typed against the DOM.
/// <reference lib="dom" />
import { vietnamDate } from '@ocop/common';
import { validUntil } from '@ocop/ocop';
import { newCooperative, newProduct, uniqueCode } from '../../support/factories';
import {
  connectAll,
  type ConnectedShop,
  listEverywhere,
  MARKETPLACE_NAMES,
  type MarketplaceName,
  sandboxControl,
} from '../../support/marketplaces';
import { eventually } from '../../support/worker';
import { go, type Person, review, shown, startWeb, type Tab, type Web } from './support';

/**
 * Issue 15's first acceptance, in Debian's Chromium against the real API, worker and sandbox
 * marketplaces: an officer records a council's scores (A 30, B 20, C 26) and sees 76 and 4★ as
 * typed with the level the decision date calls for; a level that does not fit is refused by the API
 * and shown by the field with nothing typed lost; saved, the certificate is listed with its
 * validity and the product's listings carry "OCOP 4★" on all three sandboxes; revoked with a
 * reason, the badge leaves them. The pages are served from dist/web: run `npm run build` first.
 */
describe('OCOP assessments and certificates in headless Chromium', () => {
  let web: Web;
  let officer: Person;
  let tab: Tab;
  let product: { id: string; name: string };
  let shops: Record<MarketplaceName, ConnectedShop>;
  const tag = uniqueCode('DT');
  const productName = `Chè búp Đại Từ ${tag}`;
  const producer = `HTX chè La Bằng ${tag}`;

  /** What each sandbox shows as the product's title, once listed. */
  const titles = () =>
    Promise.all(
      MARKETPLACE_NAMES.map(async (m) => {
        const held = await sandboxControl(web.sandbox.urls[m]).listings(shops[m].shopId);
        return held.find((l) => l.status === 'active')?.name as string | undefined;
      }),
    );

  beforeAll(async () => {
    web = await startWeb();
    const { api } = web;
    const coop = await newCooperative(api, { name: producer, district: 'Đại Từ' });
    product = await newProduct(api, coop, { name: productName });
    shops = await connectAll(api, web.sandbox, coop);
    await listEverywhere(api, coop, product.id, shops);
    await eventually(
      async () => ((await titles()).every((t) => t === productName) ? true : undefined),
      30_000,
    );
    officer = await web.person('officer', undefined, { name: 'Trần Văn Minh' });
    tab = await web.tab();
  }, 120_000);

  afterAll(async () => {
    try {
      await tab?.close();
    } finally {
      await web?.close();
    }
  });

  it('records an assessment whose total, stars and level show as typed; the certificate is listed and badges the listings', async () => {
    const { page } = tab;
    await web.signIn(page, officer, '#/certificates');
    await shown(page, 'certificates');
    await page.click('a[href="#/assessments/new"]');
    await shown(page, 'assessment-new');

    await page.fill('#product-search', `búp đại từ ${tag.toLowerCase()}`);
    await page.click(`button[data-pick="${product.id}"]`);
    await page.waitForSelector(`.chosen-product[data-product="${product.id}"]`);
    expect(await page.textContent('.chosen-product')).toContain(producer);

    await page.fill('#partA', '30');
    await page.fill('#partB', '20');
    const summary = page.locator('output.score-summary');
    expect(await summary.getAttribute('data-total')).toBe('');
    await page.fill('#partC', '26');
    expect(await summary.getAttribute('data-total')).toBe('76');
    expect(await summary.getAttribute('data-stars')).toBe('4');
    expect(await summary.textContent()).toMatch(/76.*4★.*Đạt chứng nhận/);
    expect(await summary.getAttribute('aria-live')).toBe('polite');
    // decided today: since 1 July 2025 a provincial committee recognises 4★ (OCOP.md)
    const today = vietnamDate(new Date());
    expect(await page.inputValue('#decidedAt')).toBe(today);
    expect(await page.getAttribute('[data-ruled-level]', 'data-ruled-level')).toBe('province');
    expect(await page.inputValue('#level')).toBe('province');
    const lastDay = validUntil(today, 36);
    expect(await page.getAttribute('[data-valid-until]', 'data-valid-until')).toBe(lastDay);
    await page.fill('#decisionNo', `${tag}/QĐ-UBND`);
    await review(page, 'assessment-new');

    // a level the rules do not give: the API's 422 by the level, and nothing typed is lost
    await page.selectOption('#level', 'central');
    await page.click('form[data-form="assessment"] button[type=submit]');
    await page.waitForSelector('#level-error');
    expect(await page.textContent('#level-error')).toMatch(/provincial People’s Committee/);
    expect(await page.inputValue('#partC')).toBe('26');
    expect(await page.inputValue('#decisionNo')).toBe(`${tag}/QĐ-UBND`);

    await page.selectOption('#level', 'province');
    await page.click('form[data-form="assessment"] button[type=submit]');
    await shown(page, 'certificate');
    const figures = page.locator('dl.figures');
    expect(await figures.getAttribute('data-status')).toBe('active');
    expect(await figures.locator('[data-valid-until]').getAttribute('data-valid-until')).toBe(lastDay);
    expect(await figures.textContent()).toContain(producer);
    const certificateId = (await figures.getAttribute('data-certificate')) as string;
    await review(page, 'certificate');

    // listed with its validity, found by the producer's district
    await go(page, '#/certificates');
    await shown(page, 'certificates');
    await page.selectOption('#certificate-district', 'Đại Từ');
    await eventually(async () => page.evaluate(() => location.hash.includes('district=')));
    await shown(page, 'certificates');
    const row = page.locator(`tr[data-certificate="${certificateId}"]`);
    expect(await row.textContent()).toContain(productName);
    expect(await row.textContent()).toContain(producer);
    expect(await row.locator('[data-valid-until]').textContent()).toBe(
      lastDay.split('-').reverse().join('/'),
    );
    await review(page, 'certificates');

    // the worker carries the badge to every marketplace
    await eventually(
      async () => ((await titles()).every((t) => t === `${productName} · OCOP 4★`) ? true : undefined),
      30_000,
    );
  });

  it('revokes the certificate with a reason after a confirm step, and the badge leaves the marketplaces', async () => {
    const { page } = tab;
    await page.click(`tr[data-certificate] a:has-text("${productName}")`);
    await shown(page, 'certificate');
    await page.click('button[data-action="revoke"]');
    await page.fill('#revoke-reason', 'Vi phạm quy định ghi nhãn hàng hóa');
    await page.click('button[data-action="revoke-next"]');
    await page.waitForSelector('button[data-action="confirm-revoke"]');
    // nothing is revoked before the confirmation
    expect(await page.getAttribute('dl.figures', 'data-status')).toBe('active');
    await page.click('button[data-action="confirm-revoke"]');
    await page.waitForSelector('dl.figures[data-status="revoked"]');
    await shown(page, 'certificate');
    expect(await page.getAttribute('[data-revoked-reason]', 'data-revoked-reason')).toBe(
      'Vi phạm quy định ghi nhãn hàng hóa',
    );
    const history = page.locator('table[data-table="history"] tbody tr');
    expect(await history.count()).toBe(1);
    expect(await history.first().textContent()).toContain(officer.name);
    await review(page, 'certificate-revoked');
    await eventually(
      async () => ((await titles()).every((t) => t === productName) ? true : undefined),
      30_000,
    );
    expect(tab.failures.filter((f) => f.startsWith('5'))).toEqual([]);
  });
});
