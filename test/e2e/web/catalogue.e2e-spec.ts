// The page.evaluate callbacks run in the browser, so they are typed against the DOM.
/// <reference lib="dom" />
import type { Page } from 'playwright-core';
import { newCooperative, newProduct, uniqueCode } from '../../support/factories';
import {
  connectAll,
  type ConnectedShop,
  MARKETPLACE_NAMES,
  type MarketplaceName,
  sandboxControl,
} from '../../support/marketplaces';
import { eventually } from '../../support/worker';
import {
  callAs,
  checkAxe,
  go,
  type Person,
  review,
  sessionOf,
  shown,
  startWeb,
  type Tab,
  watchScripts,
  type Web,
} from './support';

/**
 * Issue 14's acceptance for the catalogue and stock pages, in Chromium against the real API,
 * worker and sandbox: a cooperative's staff create, find and edit a product, list it on the three
 * marketplaces and see the new price arrive, adjust and count stock and see their name on the
 * movement; what another producer owns never shows; an officer reads and cannot write; signing out
 * ends the session; sign-in brute force and cookie writes without the CSRF token are refused.
 */
describe('products and stock in the web app', () => {
  let web: Web;
  let tea: Awaited<ReturnType<typeof newCooperative>>;
  let shops: Record<MarketplaceName, ConnectedShop>;
  let staff: Person;
  let officer: Person;
  /** another producer's product, which the tea house's staff must never see */
  let theirs: { id: string; name: string; code: string; skuId: string; cooperativeId: string };
  /** the product the tea house's staff create through the page */
  let made: { id: string; name: string; codes: [string, string]; skuIds: [string, string] };
  const tag = uniqueCode('').slice(1);

  // the machine's network is closed: product pictures are served by the test from a fixed PNG
  const PICTURE = 'https://anh.htx-haodat.example/che-tan-cuong.png';
  const PNG = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  );

  async function tab(): Promise<Tab> {
    const opened = await web.tab();
    await opened.context.route('https://anh.htx-haodat.example/**', (route) =>
      route.fulfill({ status: 200, contentType: 'image/png', body: PNG }),
    );
    return opened;
  }

  const product = async (id: string) =>
    (await web.api.call('GET', `/v1/products/${id}`, { key: tea.key })).body;
  const rowsShown = (page: Page) =>
    page.$$eval('tr[data-product]', (rows) => rows.map((r) => r.getAttribute('data-product')));

  beforeAll(async () => {
    web = await startWeb();
    tea = await newCooperative(web.api, { name: `HTX chè Hảo Đạt ${tag}` });
    shops = await connectAll(web.api, web.sandbox, tea);
    const other = await newCooperative(web.api, { name: `HTX miến dong ${tag}` });
    const code = uniqueCode('MD');
    const created = await newProduct(web.api, other, {
      name: `Miến dong bí mật ${tag}`,
      category: 'noodles',
      skus: [{ code, name: 'Gói 500g', priceVnd: 50_000, weightGrams: 500, onHand: 40 }],
    });
    theirs = { id: created.id, name: created.name, code, skuId: created.skus[0].id, cooperativeId: other.id };
    // a product of the tea house's own that a search for "che" must leave out
    await newProduct(web.api, tea, { name: `Mật ong rừng ${tag}`, category: 'honey' });
    staff = await web.person('cooperative', tea.id, { name: `Nguyễn Thị Hoa ${tag}` });
    officer = await web.person('officer');
  }, 180_000);

  afterAll(async () => web?.close());

  it('a cooperative’s staff create a product with two SKUs, and find it by typing without accents', async () => {
    const { page, close } = await tab();
    await web.signIn(page, staff, '#/products');
    await shown(page, 'products');
    await page.getByRole('link', { name: /Thêm sản phẩm/ }).click();
    await shown(page, 'product-new');

    const name = `Chè búp Tân Cương ${tag}`;
    const codes: [string, string] = [uniqueCode('CB'), uniqueCode('CB')];
    await page.fill('#name', name);
    await page.selectOption('#category', 'tea');
    await page.fill('#description', 'Chè búp hái tay, sao chảo gang.');
    await page.fill('#images', PICTURE);
    await page.waitForSelector('.image-previews img');
    await page.fill('#sku-0-code', codes[0]);
    await page.fill('#sku-0-name', 'Hộp 200g');
    await page.fill('#sku-0-price', '180000');
    // the price as the page reads it back, in đồng
    expect(await page.textContent('#sku-0-price-hint')).toBe('180.000\u00a0₫');
    await page.fill('#sku-0-weight', '200');
    await page.fill('#sku-0-on-hand', '30');
    await page.fill('#sku-0-safety', '5');
    await page.getByRole('button', { name: /Thêm quy cách/ }).click();
    await page.fill('#sku-1-code', codes[1]);
    await page.fill('#sku-1-name', 'Túi 500g');
    await page.fill('#sku-1-price', '400.000');
    await page.fill('#sku-1-weight', '500');
    // two bags left against a safety stock of five: the stock page must mark it
    await page.fill('#sku-1-on-hand', '2');
    await page.fill('#sku-1-safety', '5');
    await review(page, 'product-new');
    await page.getByRole('button', { name: /Lưu sản phẩm/ }).click();
    await shown(page, 'product');
    expect(await page.textContent('.form-ok')).toContain('Đã tạo sản phẩm');
    const id = /#\/products\/([0-9a-f-]{36})/.exec(page.url())?.[1] as string;
    expect(id).toBeDefined();

    const saved = await product(id);
    expect(saved).toMatchObject({ cooperativeId: tea.id, name, category: 'tea', imageUrls: [PICTURE] });
    expect(
      saved.skus.map((s: Record<string, unknown>) => [
        s.code,
        s.name,
        s.priceVnd,
        s.weightGrams,
        s.onHand,
        s.safetyStock,
      ]),
    ).toEqual([
      [codes[0], 'Hộp 200g', 180_000, 200, 30, 5],
      [codes[1], 'Túi 500g', 400_000, 500, 2, 5],
    ]);
    made = { id, name, codes, skuIds: [saved.skus[0].id, saved.skus[1].id] };
    await review(page, 'product-detail');

    await go(page, '#/products');
    await shown(page, 'products');
    expect((await rowsShown(page)).length).toBe(2);
    await page.fill('#product-search', 'che');
    await page.press('#product-search', 'Enter');
    await shown(page, 'products');
    expect(page.url()).toContain('q=che');
    expect(await rowsShown(page)).toEqual([id]);
    const row = page.locator(`tr[data-product="${id}"]`);
    expect(await row.textContent()).toContain(name);
    expect(await row.locator('td[data-label="Giá bán"]').textContent()).toBe(
      '180.000\u00a0₫ – 400.000\u00a0₫',
    );
    expect(await row.locator('.badge-warning').textContent()).toContain('1 sắp hết');
    await review(page, 'products');
    await close();
  });

  it('listed on the three marketplaces, each listing reaches "synced", and a new price reaches every one', async () => {
    const { page, close } = await tab();
    await web.signIn(page, staff, `#/products/${made.id}`);
    await shown(page, 'product');
    for (const marketplace of MARKETPLACE_NAMES) {
      const row = page.locator(`tr[data-marketplace="${marketplace}"]`);
      await row.getByRole('button', { name: /Đăng bán/ }).click();
      await page.waitForSelector(
        `tr[data-marketplace="${marketplace}"]:not([data-listing-state="not-listed"])`,
      );
    }
    for (const marketplace of MARKETPLACE_NAMES) {
      await page.waitForSelector(`tr[data-marketplace="${marketplace}"][data-listing-state="synced"]`, {
        timeout: 60_000,
      });
    }

    await page.fill('#sku-0-price', '195000');
    await page.getByRole('button', { name: /Lưu sản phẩm/ }).click();
    await page.waitForSelector('.form-ok');
    expect(await page.textContent('.form-ok')).toContain('Đã lưu sản phẩm');
    await shown(page, 'product');
    expect((await product(made.id)).skus.map((s: { priceVnd: number }) => s.priceVnd)).toEqual([
      195_000, 400_000,
    ]);
    // the worker carries the price to every marketplace; the page follows the listings back to "synced"
    await eventually(async () => {
      for (const marketplace of MARKETPLACE_NAMES) {
        const listings = await sandboxControl(web.sandbox.urls[marketplace]).listings(
          shops[marketplace].shopId,
        );
        const variant = listings
          .flatMap((l) => l.variants)
          .find((v: { sku: string }) => v.sku === made.codes[0]);
        if (variant?.price !== 195_000) return false;
      }
      return true;
    }, 60_000);
    for (const marketplace of MARKETPLACE_NAMES) {
      await page.waitForSelector(`tr[data-marketplace="${marketplace}"][data-listing-state="synced"]`, {
        timeout: 60_000,
      });
    }
    // the shops and listings pages (their own suite is test/e2e/web/shops.e2e-spec.ts) with three
    // connected shops and a listed product, at both widths
    await go(page, '#/listings');
    await shown(page, 'listings');
    await review(page, 'listings-three-shops');
    await go(page, '#/connections');
    await shown(page, 'connections');
    await review(page, 'connections-three-shops');
    await close();
  });

  it('stock: an adjustment and a stock take show who made them and why; a SKU at its safety stock stands out', async () => {
    const { page, close } = await tab();
    await web.signIn(page, staff, '#/stock');
    await shown(page, 'stock');
    expect(await page.getAttribute(`tr[data-sku="${made.codes[1]}"]`, 'data-low')).toBe('true');
    expect(await page.getAttribute(`tr[data-sku="${made.codes[1]}"]`, 'class')).toContain('row-low');
    expect(await page.getAttribute(`tr[data-sku="${made.codes[0]}"]`, 'data-low')).toBe('false');
    // the low ones first
    expect(await page.getAttribute('table[data-table="stock"] tbody tr', 'data-sku')).toBe(made.codes[1]);
    await review(page, 'stock');

    await go(page, `#/stock?sku=${made.skuIds[0]}`);
    await shown(page, 'stock');
    const panel = page.locator(`section.sku-stock[data-sku="${made.codes[0]}"]`);
    await panel.locator('table[data-table="movements"]').waitFor();
    const reason = `Nhập hàng vụ xuân ${tag}`;
    await page.fill('#adjust-amount', '5');
    await page.fill('#adjust-reason', reason);
    await page.getByRole('button', { name: /Lưu điều chỉnh/ }).click();
    const adjusted = panel.locator('tr[data-movement="adjustment"]');
    await adjusted.waitFor();
    expect(await adjusted.locator('td[data-label="Lý do"]').textContent()).toBe(reason);
    expect(await adjusted.locator('td[data-label="Người làm"]').textContent()).toBe(staff.name);
    expect(await adjusted.locator('td[data-label="Thay đổi"]').textContent()).toBe('+5');
    expect(await adjusted.locator('td[data-label="Tồn sau"]').textContent()).toBe('35');
    await page.waitForSelector(`section.sku-stock [data-figure="on-hand"]:text-is("35")`);
    expect((await product(made.id)).skus[0].onHand).toBe(35);
    const ledger = await web.api.call('GET', `/v1/skus/${made.skuIds[0]}/stock-movements`, { key: tea.key });
    expect(ledger.body.items[0]).toMatchObject({
      kind: 'adjustment',
      onHandDelta: 5,
      reason,
      actor: expect.objectContaining({ name: staff.name }),
    });
    await review(page, 'stock-sku');

    // counted 3 boxes: at or below the safety stock of 5 from now on
    await page.fill('#take-counted', '3');
    await page.fill('#take-reason', `Kiểm kê cuối tháng ${tag}`);
    await page.getByRole('button', { name: /Lưu kiểm kê/ }).click();
    const counted = panel.locator('tr[data-movement="stock_take"]');
    await counted.waitFor();
    expect(await counted.locator('td[data-label="Tồn sau"]').textContent()).toBe('3');
    expect(await counted.locator('td[data-label="Thay đổi"]').textContent()).toBe('-32');
    expect(await counted.locator('td[data-label="Người làm"]').textContent()).toBe(staff.name);
    expect((await product(made.id)).skus[0].onHand).toBe(3);
    await page.waitForSelector(`tr[data-sku="${made.codes[0]}"][data-low="true"]`);
    await close();
  });

  // the orders, order and picking-list pages are reviewed at both widths, with orders from the three
  // marketplaces, by the orders suite (orders.e2e-spec.ts)
  it('the import page passes axe and fits at 1280 and 390 px', async () => {
    const { page, close } = await tab();
    await web.signIn(page, staff, '#/import');
    await shown(page, 'import');
    await review(page, 'import');
    await close();
  });

  it('another producer’s product is "not found" and its data never appears, on any page', async () => {
    const tab1 = await tab();
    const { page } = tab1;
    await web.signIn(page, staff, `#/products/${theirs.id}`);
    await shown(page, 'product');
    expect(await page.getAttribute('.error-note', 'data-status')).toBe('404');
    await go(page, `#/stock?sku=${theirs.skuId}`);
    await shown(page, 'stock');
    expect(await page.locator('section.sku-stock').count()).toBe(0);
    await go(page, `#/products?q=${encodeURIComponent('miến dong')}`);
    await shown(page, 'products');
    expect(await rowsShown(page)).toEqual([]);
    // the producer's report answers as if it did not exist
    await go(page, `#/producer/${theirs.cooperativeId}`);
    await shown(page, 'producer');
    expect(await page.getAttribute('.error-note', 'data-status')).toBe('404');
    for (const hash of [`#/products/${theirs.id}`, '#/products', '#/stock']) {
      await go(page, hash);
      await page.waitForSelector('body[data-ready="true"]');
      const text = (await page.textContent('body')) as string;
      expect(text).not.toContain(theirs.name);
      expect(text).not.toContain(theirs.code);
    }
    await go(page, '#/khong-co-trang-nay');
    await shown(page, 'not-found');
    await review(page, 'not-found');
    // nothing of theirs reached the browser either
    const session = await sessionOf(web.api, tab1.context);
    expect((await callAs(web.api, session, 'GET', `/v1/products/${theirs.id}`)).status).toBe(404);
    // the browser asked for them and was told 404 each time: nothing else failed
    expect(
      tab1.failures.filter(
        (f) => !f.startsWith('404 ') || !(f.includes(theirs.id) || f.includes(theirs.cooperativeId)),
      ),
    ).toEqual([expect.stringMatching(/^401 GET .*\/v1\/me$/)]);
    await tab1.close();
  });

  it('an officer reads every producer’s products but is offered no way to write, and the API refuses one', async () => {
    const { page, context, close } = await tab();
    await web.signIn(page, officer, '#/products');
    await shown(page, 'products');
    const rows = await rowsShown(page);
    expect(rows).toEqual(expect.arrayContaining([made.id, theirs.id]));
    expect(await page.getByRole('link', { name: /Thêm sản phẩm/ }).count()).toBe(0);
    // every producer's products, each row naming its producer
    expect(await page.textContent(`tr[data-product="${theirs.id}"] td[data-label="Chủ thể"]`)).toBe(
      `HTX miến dong ${tag}`,
    );
    await review(page, 'products-officer');
    await go(page, `#/products/${made.id}`);
    await shown(page, 'product');
    expect(await page.inputValue('#name')).toBe(made.name);
    expect(
      await page.getByRole('button', { name: /Lưu sản phẩm|Thêm quy cách|Lưu trữ|Đăng bán/ }).count(),
    ).toBe(0);
    expect(await page.isDisabled('#sku-0-price')).toBe(true);
    await review(page, 'product-officer');
    await go(page, '#/products/new');
    await shown(page, 'not-offered');
    expect(await page.getAttribute('.error-note', 'data-status')).toBe('403');
    await review(page, 'not-offered');
    await go(page, `#/stock?sku=${made.skuIds[0]}`);
    await shown(page, 'stock');
    await page.locator('section.sku-stock table[data-table="movements"]').waitFor();
    expect(await page.locator('#adjust-amount, #take-counted').count()).toBe(0);

    const session = await sessionOf(web.api, context);
    const write = await callAs(web.api, session, 'POST', '/v1/products', {
      body: {
        cooperativeId: tea.id,
        name: 'Chè của cán bộ',
        category: 'tea',
        skus: [{ code: uniqueCode('X'), name: 'Hộp', priceVnd: 1000, weightGrams: 100, onHand: 1 }],
      },
    });
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('forbidden');
    const price = await callAs(web.api, session, 'PATCH', `/v1/skus/${made.skuIds[0]}`, {
      body: { priceVnd: 1 },
    });
    expect(price.status).toBe(403);
    expect((await product(made.id)).skus[0].priceVnd).toBe(195_000);
    await close();
  });

  it('signing out ends the session: the old cookie answers 401', async () => {
    const { page, context, close } = await tab();
    await web.signIn(page, staff, '#/products');
    await shown(page, 'products');
    const session = await sessionOf(web.api, context);
    expect((await callAs(web.api, session, 'GET', '/v1/me')).status).toBe(200);
    await page.click('#sign-out');
    await shown(page, 'sign-in');
    const me = await callAs(web.api, session, 'GET', '/v1/me');
    expect(me.status).toBe(401);
    expect((await callAs(web.api, session, 'GET', '/v1/products')).status).toBe(401);
    // and the page asks again for a password
    await page.reload();
    await shown(page, 'sign-in');
    await close();
  });

  it('the sixth wrong password within 15 minutes answers 429, and the page says so in Vietnamese', async () => {
    const target = await web.person('cooperative', tea.id);
    const { page, close } = await tab();
    await page.goto(web.url());
    await shown(page, 'sign-in');
    await review(page, 'sign-in');
    // the check can fail: a button with no name and pale grey text are what it exists to catch
    await page.evaluate(() => {
      const button = document.createElement('button');
      const pale = document.createElement('p');
      pale.textContent = 'chữ nhạt';
      pale.style.color = '#ddd';
      document.querySelector('main')?.append(button, pale);
    });
    await expect(checkAxe(page)).rejects.toThrow(/\[critical\] button-name[\s\S]*\[serious\] color-contrast/);
    await page.reload();
    await shown(page, 'sign-in');
    const statuses: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt += 1) {
      await page.fill('#email', target.email);
      await page.fill('#password', `sai-mat-khau-${attempt}`);
      const answer = page.waitForResponse((r) => r.url().endsWith('/v1/sessions'));
      await page.click('form button[type=submit]');
      statuses.push((await answer).status());
      await page.waitForSelector('#sign-in-error');
      await page.waitForSelector('form button[type=submit]:not([disabled])');
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect(await page.textContent('#sign-in-error')).toContain('Đã thử sai quá nhiều lần');
    // the right password is refused as well until the window has passed
    await page.fill('#password', target.password);
    const answer = page.waitForResponse((r) => r.url().endsWith('/v1/sessions'));
    await page.click('form button[type=submit]');
    expect((await answer).status()).toBe(429);
    await page.waitForSelector('form button[type=submit]:not([disabled])');
    expect(await page.textContent('#sign-in-error')).toContain('Hãy đợi 15 phút');
    await close();
  });

  it('a write made with the cookie but without the CSRF token answers 403, and with it goes through', async () => {
    const { page, context, close } = await tab();
    await web.signIn(page, staff, '#/products');
    const session = await sessionOf(web.api, context);
    const body = { delta: 1, reason: `CSRF ${tag}` };
    const bare = await callAs(web.api, session, 'POST', `/v1/skus/${made.skuIds[1]}/stock-adjustments`, {
      body,
      csrf: false,
    });
    expect(bare.status).toBe(403);
    expect(bare.body.error.code).toBe('forbidden');
    expect((await product(made.id)).skus[1].onHand).toBe(2);
    const signed = await callAs(web.api, session, 'POST', `/v1/skus/${made.skuIds[1]}/stock-adjustments`, {
      body,
    });
    expect(signed.status).toBe(201);
    expect((await product(made.id)).skus[1].onHand).toBe(3);
    await close();
  });

  it('an invitation link lets a new person set a password and land signed in', async () => {
    const invited = await web.api.call('POST', '/v1/users', {
      key: web.api.adminKey,
      body: {
        email: `moi-${tag.toLowerCase()}@web-e2e.example`,
        name: `Lê Văn Mới ${tag}`,
        role: 'cooperative',
        cooperativeId: tea.id,
      },
    });
    expect(invited.status).toBe(201);
    const hash = (invited.body.inviteUrl as string).slice((invited.body.inviteUrl as string).indexOf('#'));
    const { page, close } = await tab();
    await page.goto(web.url(hash));
    await shown(page, 'invite');
    await review(page, 'invite');
    await page.fill('#new-password', 'mot-mat-khau-moi-2026');
    await page.fill('#new-password-again', 'mot-mat-khau-moi-2026');
    await page.getByRole('button', { name: /Lưu mật khẩu/ }).click();
    await page.waitForFunction(
      () => !location.hash.includes('invite') && document.body.dataset.page !== 'invite',
    );
    await page.waitForSelector('body[data-ready="true"]');
    // signed in as the new person, and the one-time token is out of the address bar
    expect(await page.textContent('.who-name')).toBe(`Lê Văn Mới ${tag}`);
    expect(page.url()).not.toContain(hash.slice(10));
    await close();
  });

  it('the first load (sign-in and products) is at most 150 KB of gzipped JavaScript, without the charts', async () => {
    const { page, close } = await tab();
    const scripts = watchScripts(page);
    await web.signIn(page, officer, '#/products');
    await shown(page, 'products');
    const first = await scripts();
    expect(first.files.length).toBeGreaterThan(0);
    expect(first.gzipBytes).toBeLessThanOrEqual(150 * 1024);
    // the report pages bring their own chunk (Chart.js), which the first load did not fetch
    await go(page, '#/province');
    await shown(page, 'province');
    const reports = (await scripts()).files.filter((f) => !first.files.includes(f));
    expect(reports.length).toBeGreaterThan(0);
    const chart = await page.evaluate(() => typeof (window as unknown as { Chart?: unknown }).Chart);
    expect(chart).toBe('function');
    await close();
  });
});
