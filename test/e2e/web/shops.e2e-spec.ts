// The page.evaluate callbacks run in the browser, so they are typed against the DOM.
/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { newCooperative, newProduct, uniqueCode } from '../../support/factories';
import {
  MARKETPLACE_NAMES,
  type MarketplaceName,
  openShop,
  sandboxControl,
} from '../../support/marketplaces';
import { eventually } from '../../support/worker';
import { go, type Person, review, shown, startWeb, type Tab, type Web } from './support';

/**
 * Issue 14, parts 4 and 5, in Debian's Chromium against the real API, worker and sandbox
 * marketplaces: a cooperative's staff member connects a shop on each marketplace through the form
 * (a refused login shows the marketplace's reason by the field), gets the webhook address to paste
 * back, lists a two-SKU product on all three from #/listings and watches each reach "Đã đồng bộ"
 * without a reload; a product the marketplace refuses shows its message and a link to fix it. An
 * officer is not offered the shops page and gets no write button. The pages are served from
 * dist/web: run `npm run build` first.
 */
describe('shops and listings in headless Chromium', () => {
  let web: Web;
  let coop: Awaited<ReturnType<typeof newCooperative>>;
  let staff: Person;
  let officer: Person;
  const shops = {} as Record<MarketplaceName, { shopId: string; connectionId: string }>;
  const code = uniqueCode('HD');
  let product: { id: string; name: string };
  let refused: { id: string; name: string };
  let staffTab: Tab;

  /** Answers of 500 and more: the refused logins and listings this suite provokes are 4xx. */
  const serverErrors = (tab: Tab) => tab.failures.filter((failure) => failure.startsWith('5'));

  /** The listings table's cell of a product on a marketplace: its state, and the marketplace's words. */
  const cellOf = (page: Page, productId: string, marketplace: MarketplaceName) =>
    page.locator(`tr[data-product="${productId}"] td[data-marketplace="${marketplace}"]`);

  beforeAll(async () => {
    web = await startWeb();
    const { api } = web;
    coop = await newCooperative(api, { name: `HTX chè Hảo Đạt ${code}` });
    staff = await web.person('cooperative', coop.id, { name: 'Nguyễn Thị Lan' });
    officer = await web.person('officer', undefined, { name: 'Trần Văn Minh' });
    product = await newProduct(api, coop, {
      name: 'Chè tôm nõn Hảo Đạt',
      skus: [
        { code: `${code}-100`, name: 'Gói 100g', priceVnd: 120_000, weightGrams: 100, onHand: 12 },
        { code: `${code}-200`, name: 'Hộp 200g', priceVnd: 230_000, weightGrams: 200, onHand: 5 },
      ],
    });
    // a blank name: every marketplace refuses it with its own message
    refused = await newProduct(api, coop, {
      name: '   ',
      category: 'honey',
      skus: [{ code: uniqueCode('MO'), name: 'Chai 500ml', priceVnd: 150_000, weightGrams: 700, onHand: 5 }],
    });
    staffTab = await web.tab();
    await staffTab.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: web.api.url });
  }, 120_000);

  afterAll(async () => {
    try {
      await staffTab?.close();
    } finally {
      await web?.close();
    }
  });

  it('connects a shop on each marketplace through the form, and gives the webhook address to paste', async () => {
    const { page } = staffTab;
    await web.signIn(page, staff, '#/connections');
    await shown(page, 'connections');
    await page.waitForSelector('form[data-form="connect-shop"]');
    await review(page, 'connections-empty');

    // a refused login: the marketplace's reason by the field, nothing typed lost
    const voso = await openShop(web.sandbox, 'voso');
    await page.check('#connect-marketplace-voso');
    await page.fill('#connect-voso-shopId', voso.shopId);
    await page.fill('#connect-voso-USERNAME', voso.credentials.USERNAME);
    await page.fill('#connect-voso-PASSWORD', 'sai mật khẩu');
    await page.fill('#connect-voso-webhookSecret', voso.webhookSecret);
    await page.click('form[data-form="connect-shop"] button[type=submit]');
    const reason = page.locator('#connect-voso-PASSWORD-error');
    await reason.waitFor();
    expect((await reason.textContent())?.length).toBeGreaterThan(0);
    expect(await page.inputValue('#connect-voso-shopId')).toBe(voso.shopId);
    // only what each style needs: Voso asks a user name and password, not Sendo's keys
    expect(await page.locator('#connect-voso-shop_key').count()).toBe(0);

    for (const marketplace of MARKETPLACE_NAMES) {
      const shop = marketplace === 'voso' ? voso : await openShop(web.sandbox, marketplace);
      await page.check(`#connect-marketplace-${marketplace}`);
      await page.fill(`#connect-${marketplace}-shopId`, shop.shopId);
      for (const [name, value] of Object.entries(shop.credentials)) {
        await page.fill(`#connect-${marketplace}-${name}`, value);
      }
      await page.fill(`#connect-${marketplace}-webhookSecret`, shop.webhookSecret);
      // each field says where in the seller centre its value is
      expect(await page.locator(`#connect-${marketplace}-shopId-hint`).textContent()).toMatch(/→/);
      await page.click('form[data-form="connect-shop"] button[type=submit]');
      const done = page.locator('section[data-connected]');
      await done.waitFor();
      const connectionId = (await done.getAttribute('data-connected')) as string;
      shops[marketplace] = { shopId: shop.shopId, connectionId };
      const fromApi = await web.api.call('GET', `/v1/connections/${connectionId}`, { key: coop.key });
      expect(fromApi.body).toMatchObject({ marketplace, shopId: shop.shopId, status: 'active' });
      expect(await page.inputValue('#webhook-url')).toBe(fromApi.body.webhookUrl);
      expect(fromApi.body.webhookUrl).toMatch(new RegExp(`/v1/webhooks/${marketplace}$`));
      await page.click('section[data-connected] button:has-text("Sao chép")');
      await page.waitForSelector('section[data-connected] .check-ok');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(fromApi.body.webhookUrl);
      if (marketplace === 'sendo') await review(page, 'connections-connected');
      await page.click('section[data-connected] button:has-text("Đóng")');
    }
    await eventually(
      async () => (await page.locator('tr[data-connection][data-status="active"]').count()) === 3,
    );

    // "Kiểm tra kết nối": the marketplace is asked now, the answer shown on the row
    const row = page.locator(`tr[data-connection="${shops.postmart.connectionId}"]`);
    await row.locator('button[data-action="check"]').click();
    await row.locator('[data-check]').waitFor();
    expect(await row.locator('[data-check]').textContent()).toMatch(/chấp nhận/);
    // the row names who connected it, as she was named then
    expect(await row.locator('[data-updated-by]').getAttribute('data-updated-by')).toBe(staff.name);

    // new credentials for a connected shop: a refused password by its field, then the right one
    const vosoRow = page.locator(`tr[data-connection="${shops.voso.connectionId}"]`);
    await vosoRow.locator('button[data-action="new-credentials"]').click();
    const field = (name: string) => `#credentials-${shops.voso.connectionId}-${name}`;
    await page.fill(field('USERNAME'), voso.credentials.USERNAME);
    await page.fill(field('PASSWORD'), 'vẫn sai');
    await page.fill(field('webhookSecret'), voso.webhookSecret);
    await vosoRow.locator('form[data-form="new-credentials"] button[type=submit]').click();
    await page.locator(`${field('PASSWORD')}-error`).waitFor();
    await page.fill(field('PASSWORD'), voso.credentials.PASSWORD);
    await vosoRow.locator('form[data-form="new-credentials"] button[type=submit]').click();
    await vosoRow.locator('form[data-form="new-credentials"]').waitFor({ state: 'detached' });
    expect(
      (await web.api.call('GET', `/v1/connections/${shops.voso.connectionId}`, { key: coop.key })).body
        .status,
    ).toBe('active');
    await review(page, 'connections');
  });

  it('lists a two-SKU product on all three from #/listings and sees each synced without a reload', async () => {
    const { page } = staffTab;
    await go(page, '#/listings');
    await shown(page, 'listings');
    await page.evaluate(() => {
      (window as unknown as { unreloaded: boolean }).unreloaded = true;
    });
    for (const marketplace of MARKETPLACE_NAMES) {
      expect(await cellOf(page, product.id, marketplace).getAttribute('data-listing-state')).toBe(
        'not-listed',
      );
    }
    // "select all shown" takes every row, and gives them back
    await page.check('#select-all');
    expect(await page.locator('tbody input[type=checkbox]:checked').count()).toBe(2);
    await page.uncheck('#select-all');
    expect(await page.locator('tbody input[type=checkbox]:checked').count()).toBe(0);
    await page.check(`tr[data-product="${product.id}"] input[type=checkbox]`);
    await page.selectOption('#listing-target', 'all');
    await page.click('button[data-action="list-selected"]');
    await page.waitForSelector('[data-outcome="list"]');
    for (const marketplace of MARKETPLACE_NAMES) {
      await page.waitForSelector(
        `tr[data-product="${product.id}"] td[data-marketplace="${marketplace}"][data-listing-state="synced"]`,
        { timeout: 30_000 },
      );
      expect(await cellOf(page, product.id, marketplace).textContent()).toContain('Đã đồng bộ');
    }
    expect(await page.evaluate(() => (window as unknown as { unreloaded?: boolean }).unreloaded)).toBe(true);
    for (const marketplace of MARKETPLACE_NAMES) {
      const held = await sandboxControl(web.sandbox.urls[marketplace]).listings(shops[marketplace].shopId);
      const variants = held
        .filter((l) => l.status === 'active')
        .flatMap((l) => l.variants as { sku: string; quantity: number }[]);
      expect(variants.map((v) => v.sku).sort()).toEqual([`${code}-100`, `${code}-200`]);
    }
    // the state filter is in the URL, and narrows the table
    await page.selectOption('#listing-state', 'synced');
    await eventually(async () => page.evaluate(() => location.hash.includes('state=synced')));
    expect(await page.locator(`tr[data-product="${refused.id}"]`).count()).toBe(0);
    await page.selectOption('#listing-state', '');
    expect(serverErrors(staffTab)).toEqual([]);
  });

  it('shows the marketplace’s own message for a refused listing, with the way to fix it', async () => {
    const { page } = staffTab;
    await page.uncheck(`tr[data-product="${product.id}"] input[type=checkbox]`);
    await page.check(`tr[data-product="${refused.id}"] input[type=checkbox]`);
    await page.selectOption('#listing-target', shops.sendo.connectionId);
    await page.click('button[data-action="list-selected"]');
    const cell = cellOf(page, refused.id, 'sendo');
    await page.waitForSelector(
      `tr[data-product="${refused.id}"] td[data-marketplace="sendo"][data-listing-state="error"]`,
      { timeout: 30_000 },
    );
    const listings = await web.api.call('GET', `/v1/listings?productId=${refused.id}`, { key: coop.key });
    const lastError = listings.body.items[0].lastError as string;
    expect(lastError.length).toBeGreaterThan(0);
    expect(await cell.locator('.marketplace-message').textContent()).toContain(lastError);
    expect(await cell.locator(`a[href="#/products/${refused.id}"]`).count()).toBe(1);
    // only the chosen shop was asked
    expect(await cellOf(page, refused.id, 'voso').getAttribute('data-listing-state')).toBe('not-listed');
    await review(page, 'listings');

    // taking the good product down from Postmart: the badge goes back to "not listed" where it is
    await page.uncheck(`tr[data-product="${refused.id}"] input[type=checkbox]`);
    await page.check(`tr[data-product="${product.id}"] input[type=checkbox]`);
    await page.selectOption('#listing-target', shops.postmart.connectionId);
    await page.click('button[data-action="delist-selected"]');
    await page.waitForSelector(
      `tr[data-product="${product.id}"] td[data-marketplace="postmart"][data-listing-state="not-listed"]`,
      { timeout: 30_000 },
    );
    await eventually(async () => {
      const held = await sandboxControl(web.sandbox.urls.postmart).listings(shops.postmart.shopId);
      return held.every((l) => l.status !== 'active');
    }, 30_000);
  });

  it('does not offer an officer the shops page, nor any write on the listings', async () => {
    const officerTab = await web.tab();
    const { page } = officerTab;
    try {
      await web.signIn(page, officer);
      expect(await page.locator('nav.menu a[href="#/connections"]').count()).toBe(0);
      await go(page, '#/connections');
      await shown(page, 'not-offered');
      await go(page, '#/listings');
      await shown(page, 'listings');
      expect(await page.locator('table[data-table="listings"]').count()).toBe(0); // a producer first
      await page.selectOption('#producer-picker', coop.id);
      await page.waitForSelector('table[data-table="listings"]');
      await shown(page, 'listings');
      expect(await cellOf(page, product.id, 'sendo').getAttribute('data-listing-state')).toBe('synced');
      expect(await page.locator('input[type=checkbox]').count()).toBe(0);
      expect(await page.locator('button[data-action]').count()).toBe(0);
      expect(await page.locator('#listing-target').count()).toBe(0);
      await review(page, 'listings-officer');
      expect(serverErrors(officerTab)).toEqual([]);
    } finally {
      await officerTab.close();
    }
  });

  it('connects app-based shops with their one-time codes, the app secret signing their webhooks', async () => {
    const { page } = staffTab;
    // still signed in from the cases before
    await go(page, '#/connections');
    await page.waitForSelector('form[data-form="connect-shop"]');
    for (const marketplace of ['shopee', 'tiktok', 'lazada'] as const) {
      const shop = await openShop(web.sandbox, marketplace);
      await page.check(`#connect-marketplace-${marketplace}`);
      await page.fill(`#connect-${marketplace}-shopId`, shop.shopId);
      const fields = await page
        .locator(`form[data-form="connect-shop"] input[id^="connect-${marketplace}-"]`)
        .evaluateAll(
          (inputs, prefix) => inputs.map((input) => input.id.slice(prefix.length)),
          `connect-${marketplace}-`,
        );
      // the app's key and secret and the one-time code: no separate webhook secret to copy
      const credentialFields = fields.filter((name) => name !== 'shopId' && name !== 'buffer');
      expect(credentialFields.sort()).toEqual(
        {
          shopee: ['code', 'partner_id', 'partner_key'],
          tiktok: ['app_key', 'app_secret', 'auth_code'],
          lazada: ['app_key', 'app_secret', 'code'],
        }[marketplace],
      );
      for (const name of credentialFields) {
        await page.fill(`#connect-${marketplace}-${name}`, shop.credentials[name]);
      }
      await page.click('form[data-form="connect-shop"] button[type=submit]');
      const done = page.locator('section[data-connected]');
      await done.waitFor();
      const connectionId = (await done.getAttribute('data-connected')) as string;
      const fromApi = await web.api.call('GET', `/v1/connections/${connectionId}`, { key: coop.key });
      expect(fromApi.body).toMatchObject({ marketplace, shopId: shop.shopId, status: 'active' });
      await page.click('section[data-connected] button:has-text("Đóng")');
    }
    await eventually(
      async () => (await page.locator('tr[data-connection][data-status="active"]').count()) === 6,
    );
    expect(serverErrors(staffTab)).toEqual([]);
  });
});
