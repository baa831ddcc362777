// The page.evaluate callbacks run in the browser, so they are typed against the DOM.
/// <reference lib="dom" />
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MARKETPLACE_NAMES, type MarketplaceName, sandboxControl } from '../../support/marketplaces';
import { eventually } from '../../support/worker';
import { ordersOf, sellerOnAllThree } from '../orders/support';
import { ARTIFACTS, go, review, shown, startWeb, type Web } from './support';

/**
 * Issue 14's orders acceptance and WORKSPACE.md journey 1 ("Morning orders") in real Chromium,
 * against the real API, worker, database and sandbox marketplaces: a cooperative's staff member
 * signs in and lands on the orders waiting for confirmation; orders buyers place on the three
 * sandboxes (delivered by webhook) appear on the open page without a reload, the oversold one
 * first and marked; she confirms one and the sandbox holds it confirmed; the order's page shows
 * product names and its status history; she selects orders, opens the picking list, and its print
 * view lists the lines without the menu; after printing, the SKU the orders leave at or below its
 * safety stock is flagged with the way to the stock page.
 */
describe('orders pages in headless Chromium', () => {
  let web: Web;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    web = await startWeb();
  }, 90_000);

  afterAll(async () => {
    if (Object.keys(timings).length > 0) {
      writeFileSync(join(ARTIFACTS, 'orders-timings.json'), `${JSON.stringify(timings, null, 2)}\n`);
    }
    await web?.close();
  });

  it('morning orders: waiting orders appear live, oversold first; confirm; picking list prints the lines', async () => {
    // 5 on hand, safety stock 2; three buyers order 2 each at once: one order is short (oversold)
    const { api, sandbox } = web;
    const seller = await sellerOnAllThree(api, sandbox, 5);
    const staff = await web.person('cooperative', seller.coop.id, { name: 'Nguyễn Thị Lan' });
    const tab = await web.tab();
    const { page } = tab;

    // signing in lands on the morning view: the orders waiting for confirmation, none yet
    await web.signIn(page, staff);
    await shown(page, 'orders');
    expect(page.url()).toMatch(/#\/orders$/);
    await page.waitForSelector('text=Không có đơn nào chờ xác nhận');
    // a reload would lose this mark
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

    // buyers order on the three sandboxes; the webhooks bring the orders in
    await Promise.all(
      MARKETPLACE_NAMES.map((marketplace) =>
        sandboxControl(sandbox.urls[marketplace]).placeOrder(seller.shops[marketplace].shopId, [
          { sku: seller.code, quantity: 2 },
        ]),
      ),
    );
    const orders = await eventually(async () => {
      const found = await ordersOf(api, seller.coop.key, `&cooperativeId=${seller.coop.id}`);
      return found.length === 3 && found;
    }, 30_000);
    const storedAt = Date.now();
    // set after the orders, so the reservations above depend on on-hand alone
    const patched = await api.call('PATCH', `/v1/skus/${seller.skuId}`, {
      key: seller.coop.key,
      body: { safetyStock: 2 },
    });
    expect(patched.status).toBe(200);
    await page.waitForFunction(() => document.querySelectorAll('tr[data-order]').length === 3, undefined, {
      timeout: 15_000,
    });
    // recorded, not judged: how long after the API held the last order the open page showed it
    timings.orderShownAfterStoredMs = Date.now() - storedAt;
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await expect(page.textContent('#orders-total')).resolves.toContain('3 đơn hàng');

    // oversold first, marked; every row names the product and the amount in đồng
    const oversold = orders.filter((o) => o.stockStatus === 'oversold');
    expect(oversold).toHaveLength(1);
    const rows = await page.$$eval('tr[data-order]', (trs) =>
      trs.map((tr) => ({ id: (tr as HTMLElement).dataset.order, text: tr.textContent ?? '' })),
    );
    expect(rows[0].id).toBe(oversold[0].id);
    expect(rows[0].text).toContain('Vượt tồn');
    expect(rows.slice(1).every((row) => !row.text.includes('Vượt tồn'))).toBe(true);
    for (const row of rows) {
      expect(row.text).toContain('Chè móc câu Tân Cương · Hộp 200g × 2');
      expect(row.text).toContain('360.000');
      expect(row.text).toContain('Chờ xác nhận');
    }
    await review(page, 'orders-morning');

    // confirm one that holds its stock: it leaves the waiting list, and the sandbox has it confirmed
    const chosen = orders.find((o) => o.stockStatus === 'reserved');
    const market = sandboxControl(sandbox.urls[chosen.marketplace as MarketplaceName]);
    const shopId = seller.shops[chosen.marketplace as MarketplaceName].shopId;
    await page.click(`tr[data-order="${chosen.id}"] .confirm-order`);
    await eventually(async () => {
      const held = await market.order(shopId, chosen.externalOrderId);
      return held.connectorStatus === 'confirmed';
    }, 30_000);
    await page.waitForSelector(`tr[data-order="${chosen.id}"]`, { state: 'detached', timeout: 15_000 });
    // ready to pick: the confirmed tab lists it
    await page.click('a[href="#/orders?status=confirmed"]');
    await page.waitForSelector(`tr[data-order="${chosen.id}"] [data-status="confirmed"]`);

    // its page: product names, quantities, amounts, the history, and no Confirm any more
    await page.click('a[href="#/orders?status=all"]');
    await shown(page, 'orders');
    await page.click(`tr[data-order="${chosen.id}"] a[href="#/orders/${chosen.id}"]`);
    await shown(page, 'order');
    await page.waitForFunction(
      () => document.querySelectorAll('#order-history tbody tr').length === 2,
      undefined,
      {
        timeout: 15_000,
      },
    );
    const lines = await page.textContent('#order-lines tbody');
    expect(lines).toContain('Chè móc câu Tân Cương');
    expect(lines).toContain('Hộp 200g');
    expect(lines).toContain(seller.code);
    expect(lines).toContain('360.000');
    const history = await page.$$eval('#order-history tbody tr', (trs) =>
      trs.map((tr) => tr.textContent ?? ''),
    );
    expect(history[0]).toContain('Chờ xác nhận');
    expect(history[1]).toContain('Đã xác nhận');
    // who made each change: the marketplace placed it, she confirmed it
    expect(history[0]).toContain('Sàn TMĐT');
    expect(history[1]).toContain('Nguyễn Thị Lan');
    expect(await page.$('.confirm-order')).toBeNull();
    expect(await page.$('.cancel-order')).not.toBeNull();
    await review(page, 'order-detail');

    // a refused action shows the API's own message: the sandbox moves the order on behind the page
    await market.moveOrder(shopId, chosen.externalOrderId, 'shipped');
    await eventually(async () => {
      const res = await api.call('GET', `/v1/orders/${chosen.id}`, { key: seller.coop.key });
      return res.body.status === 'shipped';
    }, 30_000);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('.cancel-order');
    const refusal = await page.waitForSelector('.order-head .error-note');
    expect(await refusal.textContent()).toContain('A shipped order cannot be cancelled');

    // select the two orders that hold stock, open the picking list
    await page.click('a[href="#/orders"]');
    await page.click('a[href="#/orders?status=all"]');
    await shown(page, 'orders');
    await page.waitForFunction(() => document.querySelectorAll('tr[data-order]').length === 3);
    const picked = orders.filter((o) => o.id !== oversold[0].id);
    for (const order of picked) await page.check(`tr[data-order="${order.id}"] .order-select`);
    await expect(page.textContent('#selected-count')).resolves.toContain('Đã chọn 2 đơn');
    await page.click('#open-picking-list');
    await shown(page, 'picking-list');
    expect(decodeURIComponent(page.url())).toContain('#/picking-list?ids=');

    // the print view: no menu or top bar, the SKU's total and each order's line
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('nav.menu')).toBe(false);
    expect(await page.isVisible('header.top-bar')).toBe(false);
    expect(await page.isVisible('#print-picking-list')).toBe(false);
    const perSku = await page.$$eval('#pick-skus tbody tr', (trs) => trs.map((tr) => tr.textContent ?? ''));
    expect(perSku).toHaveLength(1);
    expect(perSku[0]).toContain('Chè móc câu Tân Cương');
    expect(perSku[0]).toContain('Hộp 200g');
    expect(perSku[0]).toContain(seller.code);
    expect(await page.textContent(`#pick-skus tbody tr td.number strong`)).toBe('4');
    const perOrder = await page.$$eval('#pick-orders tbody tr', (trs) =>
      trs.map((tr) => (tr as HTMLElement).dataset.order),
    );
    expect(perOrder.sort()).toEqual(picked.map((o) => o.externalOrderId).sort());
    const colours = await page.$eval('#pick-skus td', (td) => [
      getComputedStyle(td).color,
      getComputedStyle(td).borderTopStyle,
    ]);
    expect(colours).toEqual(['rgb(0, 0, 0)', 'solid']);
    expect(await page.$('#low-stock-note')).toBeNull();
    await page.pdf({ path: join(ARTIFACTS, 'picking-list.pdf'), format: 'A4' });
    await page.screenshot({ path: join(ARTIFACTS, 'picking-list-print.png'), fullPage: true });
    await page.emulateMedia({ media: 'screen' });

    // printed (the PDF above is a print too, and so is the button): one order has shipped (on hand
    // 5 − 2 = 3), the other takes 2 more, leaving 1, at or below the safety stock of 2
    await page.click('#print-picking-list');
    const note = await page.waitForSelector('#low-stock-note');
    expect(await note.textContent()).toContain(seller.code);
    expect(await note.textContent()).toContain('tồn kho 3, còn lại 1, tồn tối thiểu 2');
    expect(await page.getAttribute('#low-stock-note a', 'href')).toBe('#/stock?low=1');
    await review(page, 'picking-list-printed');

    // answers of 500 and more; the refused cancel above is a 4xx the page shows
    expect(tab.failures.filter((failure) => failure.startsWith('5'))).toEqual([]);
    await tab.close();

    // an officer reads the same orders (all producers) but is offered no action and no picking list
    const officer = await web.person('officer', undefined, { name: 'Trần Văn Minh' });
    const desk = await web.tab();
    const officerPage = desk.page;
    await web.signIn(officerPage, officer);
    await shown(officerPage, 'province');
    await go(officerPage, '#/orders?status=all');
    await shown(officerPage, 'orders');
    for (const o of orders) await officerPage.waitForSelector(`tr[data-order="${o.id}"]`);
    expect(await officerPage.$('.confirm-order, .cancel-order')).toBeNull();
    await go(officerPage, `#/picking-list?ids=${orders[0].id}`);
    await shown(officerPage, 'not-offered');
    await desk.close();
  }, 240_000);
});
